//! Refunds as rows, written once and read back into the core [`Refund`]
//! exactly as the till sealed it (the journal verifier recomputes its hash
//! from these columns).

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::money::{Dong, Quantity};
use ocop_core::sale::{ReceiptRef, Refund, RefundLine, RefundMethod, RefundPayment, Restock};
use uuid::Uuid;

use super::store::{
    VatRow, bucket, corrupt, db_int, hash, line_no, receipt_no, utc, uuid, vat_rate,
};
use crate::db::DbConn;
use crate::db::schema::{refund_lines, refund_payments, refund_vat, refunds, sales};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refunds)]
pub struct RefundRow {
    pub id: i32,
    pub uuid: String,
    pub till_id: i32,
    pub receipt_no: i64,
    pub refunded_at: NaiveDateTime,
    pub cashier_id: i32,
    pub outlet_id: i32,
    pub shift_uuid: String,
    pub sale_id: i32,
    pub reason: String,
    pub total: i64,
    pub prev_hash: String,
    pub hash: String,
    pub received_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refund_lines)]
struct LineRow {
    original_line_no: i32,
    product_id: i32,
    lot_code: Option<String>,
    name: String,
    unit: String,
    group_code: String,
    vat_rate: String,
    qty_milli: i64,
    amount: i64,
    restock: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refund_payments)]
struct PaymentRow {
    method: String,
    amount: i64,
    reference: Option<String>,
}

/// Stores a verified refund of the sale with row id `sale_id`.
pub fn insert(conn: &mut DbConn, refund: &Refund, sale_id: i32) -> QueryResult<i32> {
    let id = diesel::insert_into(refunds::table)
        .values((
            refunds::uuid.eq(refund.id.to_string()),
            refunds::till_id.eq(refund.till_id),
            refunds::receipt_no.eq(i64::from(refund.receipt_no)),
            refunds::refunded_at.eq(refund.refunded_at.naive_utc()),
            refunds::cashier_id.eq(refund.cashier_id),
            refunds::outlet_id.eq(refund.outlet_id),
            refunds::shift_uuid.eq(refund.shift_id.to_string()),
            refunds::sale_id.eq(sale_id),
            refunds::reason.eq(&refund.reason),
            refunds::total.eq(refund.total.amount()),
            refunds::prev_hash.eq(refund.prev_hash.to_hex()),
            refunds::hash.eq(refund.hash.to_hex()),
            refunds::received_at.eq(Utc::now().naive_utc()),
        ))
        .returning(refunds::id)
        .get_result::<i32>(conn)?;
    for (seq, l) in (1..).zip(&refund.lines) {
        diesel::insert_into(refund_lines::table)
            .values((
                refund_lines::refund_id.eq(id),
                refund_lines::seq.eq(seq),
                refund_lines::original_line_no.eq(db_int(l.original_line_no)?),
                refund_lines::product_id.eq(l.product_id),
                refund_lines::lot_code.eq(l.lot_code.clone()),
                refund_lines::name.eq(&l.name),
                refund_lines::unit.eq(&l.unit),
                refund_lines::group_code.eq(&l.group),
                refund_lines::vat_rate.eq(l.vat_rate.code()),
                refund_lines::qty_milli.eq(l.qty.milli()),
                refund_lines::amount.eq(l.amount.amount()),
                refund_lines::restock.eq(l.restock.code()),
            ))
            .execute(conn)?;
    }
    for (seq, p) in (1..).zip(&refund.payments) {
        let (method, reference) = match &p.method {
            RefundMethod::Cash {} => ("cash", None),
            RefundMethod::BankTransfer { reference } => ("bank_transfer", reference.clone()),
            RefundMethod::Card { terminal_ref } => ("card", Some(terminal_ref.clone())),
        };
        diesel::insert_into(refund_payments::table)
            .values((
                refund_payments::refund_id.eq(id),
                refund_payments::seq.eq(seq),
                refund_payments::method.eq(method),
                refund_payments::amount.eq(p.amount.amount()),
                refund_payments::reference.eq(reference),
            ))
            .execute(conn)?;
    }
    for b in &refund.vat {
        diesel::insert_into(refund_vat::table)
            .values((
                refund_vat::refund_id.eq(id),
                refund_vat::vat_rate.eq(b.rate.code()),
                refund_vat::gross.eq(b.gross.amount()),
                refund_vat::vat.eq(b.vat.amount()),
                refund_vat::net.eq(b.net.amount()),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn find_row_by_uuid(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<RefundRow>> {
    refunds::table
        .filter(refunds::uuid.eq(id.to_string()))
        .select(RefundRow::as_select())
        .first(conn)
        .optional()
}

/// The refund as the till sealed it, rebuilt from its rows.
pub fn load(conn: &mut DbConn, row: &RefundRow) -> QueryResult<Refund> {
    let (sale_uuid, sale_till, sale_no): (String, i32, i64) = sales::table
        .find(row.sale_id)
        .select((sales::uuid, sales::till_id, sales::receipt_no))
        .first(conn)?;
    let lines: Vec<LineRow> = refund_lines::table
        .filter(refund_lines::refund_id.eq(row.id))
        .order(refund_lines::seq)
        .select(LineRow::as_select())
        .load(conn)?;
    let payments: Vec<PaymentRow> = refund_payments::table
        .filter(refund_payments::refund_id.eq(row.id))
        .order(refund_payments::seq)
        .select(PaymentRow::as_select())
        .load(conn)?;
    let vat: Vec<VatRow> = refund_vat::table
        .filter(refund_vat::refund_id.eq(row.id))
        .order(refund_vat::id)
        .select((
            refund_vat::vat_rate,
            refund_vat::gross,
            refund_vat::vat,
            refund_vat::net,
        ))
        .load(conn)?;
    Ok(Refund {
        id: uuid(&row.uuid)?,
        till_id: row.till_id,
        receipt_no: receipt_no(row.receipt_no)?,
        refunded_at: utc(row.refunded_at),
        cashier_id: row.cashier_id,
        outlet_id: row.outlet_id,
        shift_id: uuid(&row.shift_uuid)?,
        original_sale_id: uuid(&sale_uuid)?,
        original_receipt: ReceiptRef {
            till_id: sale_till,
            receipt_no: receipt_no(sale_no)?,
        },
        reason: row.reason.clone(),
        lines: lines
            .into_iter()
            .map(|l| {
                Ok(RefundLine {
                    original_line_no: line_no(l.original_line_no)?,
                    product_id: l.product_id,
                    lot_code: l.lot_code,
                    name: l.name,
                    unit: l.unit,
                    group: l.group_code,
                    vat_rate: vat_rate(&l.vat_rate)?,
                    qty: Quantity::from_milli(l.qty_milli),
                    amount: Dong::new(l.amount),
                    restock: match l.restock.as_str() {
                        "shelf" => Restock::Shelf,
                        "damaged_write_off" => Restock::DamagedWriteOff,
                        _ => return Err(corrupt("restock")),
                    },
                })
            })
            .collect::<QueryResult<_>>()?,
        payments: payments
            .into_iter()
            .map(|p| {
                let method = match p.method.as_str() {
                    "cash" => RefundMethod::Cash {},
                    "bank_transfer" => RefundMethod::BankTransfer {
                        reference: p.reference,
                    },
                    "card" => RefundMethod::Card {
                        terminal_ref: p.reference.ok_or_else(|| corrupt("terminal reference"))?,
                    },
                    _ => return Err(corrupt("refund method")),
                };
                Ok(RefundPayment {
                    method,
                    amount: Dong::new(p.amount),
                })
            })
            .collect::<QueryResult<_>>()?,
        total: Dong::new(row.total),
        vat: vat.iter().map(bucket).collect::<QueryResult<_>>()?,
        prev_hash: hash(&row.prev_hash)?,
        hash: hash(&row.hash)?,
    })
}

/// Refunds of a sale (row id) in the order they were made: by the refunding
/// till's clock, then till and receipt number (two tills may refund the same
/// sale, and an offline till's refund may arrive after a later one).
pub fn for_sale(conn: &mut DbConn, sale_id: i32) -> QueryResult<Vec<Refund>> {
    let rows: Vec<RefundRow> = refunds::table
        .filter(refunds::sale_id.eq(sale_id))
        .order((refunds::refunded_at, refunds::till_id, refunds::receipt_no))
        .select(RefundRow::as_select())
        .load(conn)?;
    rows.iter().map(|r| load(conn, r)).collect()
}

/// Refunds made during a shift.
pub fn for_shift(conn: &mut DbConn, shift_uuid: Uuid) -> QueryResult<Vec<Refund>> {
    let rows: Vec<RefundRow> = refunds::table
        .filter(refunds::shift_uuid.eq(shift_uuid.to_string()))
        .order((refunds::till_id, refunds::receipt_no))
        .select(RefundRow::as_select())
        .load(conn)?;
    rows.iter().map(|r| load(conn, r)).collect()
}

/// Every refund row of a till with its number, each read or its error.
pub fn load_for_till(
    conn: &mut DbConn,
    till_id: i32,
) -> QueryResult<Vec<(i64, QueryResult<Refund>)>> {
    let rows: Vec<RefundRow> = refunds::table
        .filter(refunds::till_id.eq(till_id))
        .select(RefundRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(|r| (r.receipt_no, load(conn, r))).collect())
}
