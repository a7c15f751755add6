//! Sales as rows: a header, its lines, payments and VAT buckets, written once
//! and read back into the core [`Sale`] exactly as the till sealed it — the
//! journal verifier recomputes hashes from these columns, so any later edit
//! of a stored amount shows.

use std::str::FromStr as _;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use ocop_core::money::{Dong, Quantity, VatBucket, VatRate};
use ocop_core::sale::{
    ChainHash, Payment, PaymentMethod, ReceiptNo, Sale, SaleLine, TransferStatus,
};
use uuid::Uuid;

use crate::db::DbConn;
use crate::db::schema::{sale_lines, sale_payments, sale_vat, sales};

/// A stored value that no longer reads as its domain type: the row was
/// changed outside the application.
pub(crate) fn corrupt(what: &str) -> DieselError {
    DieselError::DeserializationError(format!("stored {what} does not parse").into())
}

pub(crate) fn receipt_no(n: i64) -> QueryResult<ReceiptNo> {
    u32::try_from(n)
        .ok()
        .and_then(|n| ReceiptNo::try_from(n).ok())
        .ok_or_else(|| corrupt("receipt number"))
}

pub(crate) fn line_no(n: i32) -> QueryResult<u32> {
    u32::try_from(n).map_err(|_| corrupt("line number"))
}

pub(crate) fn db_int(n: u32) -> QueryResult<i32> {
    i32::try_from(n).map_err(|_| corrupt("number"))
}

pub(crate) fn hash(s: &str) -> QueryResult<ChainHash> {
    ChainHash::parse(s).map_err(|_| corrupt("hash"))
}

pub(crate) fn uuid(s: &str) -> QueryResult<Uuid> {
    Uuid::parse_str(s).map_err(|_| corrupt("uuid"))
}

pub(crate) fn vat_rate(s: &str) -> QueryResult<VatRate> {
    VatRate::from_str(s).map_err(|_| corrupt("VAT rate"))
}

pub(crate) fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sales)]
pub struct SaleRow {
    pub id: i32,
    pub uuid: String,
    pub till_id: i32,
    pub receipt_no: i64,
    pub sold_at: NaiveDateTime,
    pub cashier_id: i32,
    pub outlet_id: i32,
    pub shift_uuid: String,
    pub total: i64,
    pub prev_hash: String,
    pub hash: String,
    pub received_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sale_lines)]
struct LineRow {
    line_no: i32,
    product_id: i32,
    lot_code: Option<String>,
    name: String,
    unit: String,
    group_code: String,
    qty_milli: i64,
    unit_price: i64,
    catalogue_price: Option<i64>,
    discount: i64,
    discount_reason: Option<String>,
    vat_rate: String,
    amount: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sale_payments)]
struct PaymentRow {
    method: String,
    amount: i64,
    tendered: Option<i64>,
    change_given: Option<i64>,
    transfer_status: Option<String>,
    reference: Option<String>,
}

/// A stored VAT bucket: (rate, gross, vat, net), of a sale or a refund.
pub(crate) type VatRow = (String, i64, i64, i64);

pub(crate) fn bucket(row: &VatRow) -> QueryResult<VatBucket> {
    Ok(VatBucket {
        rate: vat_rate(&row.0)?,
        gross: Dong::new(row.1),
        vat: Dong::new(row.2),
        net: Dong::new(row.3),
    })
}

fn transfer_status(s: Option<&str>) -> QueryResult<TransferStatus> {
    match s {
        Some("pending") => Ok(TransferStatus::Pending),
        Some("confirmed_by_cashier") => Ok(TransferStatus::ConfirmedByCashier),
        Some("confirmed_by_bank") => Ok(TransferStatus::ConfirmedByBank),
        _ => Err(corrupt("transfer status")),
    }
}

/// Stores a verified sale (header, lines, payments, VAT); returns its row id.
/// `server_prices` holds the catalogue price the server knew for each line.
pub fn insert(conn: &mut DbConn, sale: &Sale, server_prices: &[Option<i64>]) -> QueryResult<i32> {
    let now = Utc::now().naive_utc();
    let id = diesel::insert_into(sales::table)
        .values((
            sales::uuid.eq(sale.id.to_string()),
            sales::till_id.eq(sale.till_id),
            sales::receipt_no.eq(i64::from(sale.receipt_no)),
            sales::sold_at.eq(sale.sold_at.naive_utc()),
            sales::cashier_id.eq(sale.cashier_id),
            sales::outlet_id.eq(sale.outlet_id),
            sales::shift_uuid.eq(sale.shift_id.to_string()),
            sales::total.eq(sale.total.amount()),
            sales::prev_hash.eq(sale.prev_hash.to_hex()),
            sales::hash.eq(sale.hash.to_hex()),
            sales::received_at.eq(now),
        ))
        .returning(sales::id)
        .get_result::<i32>(conn)?;
    let mut lines = Vec::with_capacity(sale.lines.len());
    for (l, server_price) in sale
        .lines
        .iter()
        .zip(server_prices.iter().chain(std::iter::repeat(&None)))
    {
        lines.push((
            sale_lines::sale_id.eq(id),
            sale_lines::line_no.eq(db_int(l.line_no)?),
            sale_lines::product_id.eq(l.product_id),
            sale_lines::lot_code.eq(l.lot_code.clone()),
            sale_lines::name.eq(l.name.clone()),
            sale_lines::unit.eq(l.unit.clone()),
            sale_lines::group_code.eq(l.group.clone()),
            sale_lines::qty_milli.eq(l.qty.milli()),
            sale_lines::unit_price.eq(l.unit_price.amount()),
            sale_lines::catalogue_price.eq(l.catalogue_price.map(Dong::amount)),
            sale_lines::server_price.eq(*server_price),
            sale_lines::discount.eq(l.discount.amount()),
            sale_lines::discount_reason.eq(l.discount_reason.clone()),
            sale_lines::vat_rate.eq(l.vat_rate.code()),
            sale_lines::amount.eq(l.amount.amount()),
        ));
    }
    // One multi-row INSERT for all the lines (issue 16: one round trip
    // instead of one a line). Backend-specific only in form: diesel builds
    // a batch insert per backend, not for the MultiConnection.
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(sale_lines::table)
            .values(&lines)
            .execute(c)?,
        DbConn::Postgres(c) => diesel::insert_into(sale_lines::table)
            .values(&lines)
            .execute(c)?,
    };
    crate::models::provenance::label::bind_sale(conn, id, sale)?;
    for (seq, p) in (1..).zip(&sale.payments) {
        let (method, tendered, change, status, reference) = match &p.method {
            PaymentMethod::Cash { tendered, change } => (
                "cash",
                Some(tendered.amount()),
                Some(change.amount()),
                None,
                None,
            ),
            PaymentMethod::BankTransfer { status, reference } => (
                "bank_transfer",
                None,
                None,
                Some(status.code()),
                reference.clone(),
            ),
            PaymentMethod::Card { terminal_ref } => {
                ("card", None, None, None, Some(terminal_ref.clone()))
            }
        };
        diesel::insert_into(sale_payments::table)
            .values((
                sale_payments::sale_id.eq(id),
                sale_payments::seq.eq(seq),
                sale_payments::method.eq(method),
                sale_payments::amount.eq(p.amount.amount()),
                sale_payments::tendered.eq(tendered),
                sale_payments::change_given.eq(change),
                sale_payments::transfer_status.eq(status),
                sale_payments::reference.eq(reference),
            ))
            .execute(conn)?;
    }
    for b in &sale.vat {
        diesel::insert_into(sale_vat::table)
            .values((
                sale_vat::sale_id.eq(id),
                sale_vat::vat_rate.eq(b.rate.code()),
                sale_vat::gross.eq(b.gross.amount()),
                sale_vat::vat.eq(b.vat.amount()),
                sale_vat::net.eq(b.net.amount()),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn find_row_by_uuid(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<SaleRow>> {
    sales::table
        .filter(sales::uuid.eq(id.to_string()))
        .select(SaleRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_row(conn: &mut DbConn, id: i32) -> QueryResult<SaleRow> {
    sales::table
        .find(id)
        .select(SaleRow::as_select())
        .first(conn)
}

/// The sale as the till sealed it, rebuilt from its rows.
pub fn load(conn: &mut DbConn, row: &SaleRow) -> QueryResult<Sale> {
    let lines: Vec<LineRow> = sale_lines::table
        .filter(sale_lines::sale_id.eq(row.id))
        .order(sale_lines::line_no)
        .select(LineRow::as_select())
        .load(conn)?;
    let payments: Vec<PaymentRow> = sale_payments::table
        .filter(sale_payments::sale_id.eq(row.id))
        .order(sale_payments::seq)
        .select(PaymentRow::as_select())
        .load(conn)?;
    let vat: Vec<VatRow> = sale_vat::table
        .filter(sale_vat::sale_id.eq(row.id))
        .order(sale_vat::id)
        .select((
            sale_vat::vat_rate,
            sale_vat::gross,
            sale_vat::vat,
            sale_vat::net,
        ))
        .load(conn)?;
    let mut serials = crate::models::provenance::label::serials_of_sale(conn, row.id)?;
    Ok(Sale {
        id: uuid(&row.uuid)?,
        till_id: row.till_id,
        receipt_no: receipt_no(row.receipt_no)?,
        sold_at: utc(row.sold_at),
        cashier_id: row.cashier_id,
        outlet_id: row.outlet_id,
        shift_id: uuid(&row.shift_uuid)?,
        lines: lines
            .into_iter()
            .map(|l| {
                Ok(SaleLine {
                    line_no: line_no(l.line_no)?,
                    product_id: l.product_id,
                    lot_code: l.lot_code,
                    name: l.name,
                    unit: l.unit,
                    group: l.group_code,
                    qty: Quantity::from_milli(l.qty_milli),
                    unit_price: Dong::new(l.unit_price),
                    catalogue_price: l.catalogue_price.map(Dong::new),
                    discount: Dong::new(l.discount),
                    discount_reason: l.discount_reason,
                    vat_rate: vat_rate(&l.vat_rate)?,
                    amount: Dong::new(l.amount),
                    serials: serials.remove(&l.line_no).unwrap_or_default(),
                })
            })
            .collect::<QueryResult<_>>()?,
        payments: payments
            .into_iter()
            .map(|p| {
                let method = match p.method.as_str() {
                    "cash" => PaymentMethod::Cash {
                        tendered: Dong::new(p.tendered.ok_or_else(|| corrupt("tendered"))?),
                        change: Dong::new(p.change_given.ok_or_else(|| corrupt("change"))?),
                    },
                    "bank_transfer" => PaymentMethod::BankTransfer {
                        status: transfer_status(p.transfer_status.as_deref())?,
                        reference: p.reference,
                    },
                    "card" => PaymentMethod::Card {
                        terminal_ref: p.reference.ok_or_else(|| corrupt("terminal reference"))?,
                    },
                    _ => return Err(corrupt("payment method")),
                };
                Ok(Payment {
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

/// Sales of a shift, in receipt order.
pub fn for_shift(conn: &mut DbConn, shift_uuid: Uuid) -> QueryResult<Vec<Sale>> {
    let rows: Vec<SaleRow> = sales::table
        .filter(sales::shift_uuid.eq(shift_uuid.to_string()))
        .order((sales::till_id, sales::receipt_no))
        .select(SaleRow::as_select())
        .load(conn)?;
    rows.iter().map(|r| load(conn, r)).collect()
}

/// Sales of an outlet between two instants (UTC), in till and receipt order.
pub fn for_outlet_between(
    conn: &mut DbConn,
    outlet_id: i32,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Sale>> {
    let rows: Vec<SaleRow> = sales::table
        .filter(sales::outlet_id.eq(outlet_id))
        .filter(sales::sold_at.ge(from))
        .filter(sales::sold_at.lt(to))
        .order((sales::till_id, sales::receipt_no))
        .select(SaleRow::as_select())
        .load(conn)?;
    rows.iter().map(|r| load(conn, r)).collect()
}
