//! Refund ingest: a till posts a sealed refund of an earlier sale.
//!
//! The limit "never more than was sold, across several refunds" is the
//! core's [`verify_refund`], given the sale's earlier refunds read **inside
//! the same transaction** after the sale row is locked (`SELECT … FOR
//! UPDATE` on PostgreSQL; SQLite writes are serialised by `Db::write`), so
//! two tills refunding the same line at once cannot both pass. The refund
//! takes its own receipt number in its till's sequence and chain (checked
//! and flagged like a sale's), and its goods go back to the lots and owners
//! the sale took them from; damaged goods are written off at once.

use diesel::prelude::*;
use ocop_core::i18n::UserError as _;
use ocop_core::money::Quantity;
use ocop_core::refusal::Refusal;
use ocop_core::sale::refund::verify_refund;
use ocop_core::sale::{ChainProblem, Refund, Restock};
use ocop_core::stock::LedgerKind;
use serde::Serialize;

use super::journal::{self, Kind};
use super::till::Till;
use super::{refund_store, store};
use crate::db::DbConn;
use crate::db::schema::sales;
use crate::models::error::{ModelError, refuse};
use crate::models::stock::{self, Movement, SaleStockLine, lot};

/// What the server answers for a posted refund.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RefundIngested {
    /// `created` or `existing`.
    pub status: &'static str,
    pub chain_status: &'static str,
    pub chain_problems: Vec<ChainProblem>,
    pub refund: Refund,
}

/// Stores `refund`, posted by `till`, exactly once. Call inside a write
/// transaction; like a sale's ingest, a lost race on a unique key is
/// answered from the store (see `super::once`).
pub fn ingest(
    conn: &mut DbConn,
    till: &Till,
    refund: &Refund,
) -> Result<RefundIngested, ModelError> {
    if refund.till_id != till.id || refund.outlet_id != till.outlet_id {
        return refuse(super::wrong_till());
    }
    super::once(
        conn,
        |c| store_once(c, refund),
        |c| match refund_store::find_row_by_uuid(c, refund.id)? {
            Some(row) => existing(c, &row, refund),
            None => refuse(super::receipt_taken()),
        },
    )
}

fn existing(
    conn: &mut DbConn,
    row: &refund_store::RefundRow,
    posted: &Refund,
) -> Result<RefundIngested, ModelError> {
    let stored = refund_store::load(conn, row)?;
    if stored != *posted {
        return refuse(super::sale_conflict());
    }
    let problems = journal::problems_at(conn, row.till_id, row.receipt_no)?;
    Ok(answer("existing", stored, problems))
}

fn answer(status: &'static str, refund: Refund, problems: Vec<ChainProblem>) -> RefundIngested {
    RefundIngested {
        status,
        chain_status: if problems.is_empty() { "ok" } else { "flagged" },
        chain_problems: problems,
        refund,
    }
}

/// Locks the sale row against concurrent refunds (PostgreSQL).
fn lock_sale(conn: &mut DbConn, sale_id: i32) -> QueryResult<()> {
    match conn {
        DbConn::Postgres(c) => {
            sales::table
                .find(sale_id)
                .select(sales::id)
                .for_update()
                .first::<i32>(c)?;
        }
        DbConn::Sqlite(_) => {}
    }
    Ok(())
}

fn store_once(conn: &mut DbConn, refund: &Refund) -> Result<RefundIngested, ModelError> {
    super::till::lock(conn, refund.till_id)?;
    if let Some(row) = refund_store::find_row_by_uuid(conn, refund.id)? {
        return existing(conn, &row, refund);
    }
    let cashier = crate::models::user::find(conn, refund.cashier_id).optional()?;
    if cashier.is_none_or(|u| u.outlet_id != Some(refund.outlet_id)) {
        return refuse(super::unknown_cashier());
    }
    let sale_row = store::find_row_by_uuid(conn, refund.original_sale_id)?
        .filter(|s| s.outlet_id == refund.outlet_id)
        .ok_or_else(|| {
            ModelError::Refused(Refusal::invalid(
                "unknown_sale",
                "Không tìm thấy phiếu bán hàng gốc tại cửa hàng này.",
                "The original sale was not found at this outlet.",
            ))
        })?;
    lock_sale(conn, sale_row.id)?;
    let sale = store::load(conn, &sale_row)?;
    let earlier = refund_store::for_sale(conn, sale_row.id)?;
    verify_refund(refund, &sale, &earlier).map_err(|e| e.refusal())?;
    let number = i64::from(refund.receipt_no);
    if journal::holder(conn, refund.till_id, number)?.is_some() {
        return refuse(super::receipt_taken());
    }
    let problems = journal::arrival_problems(conn, refund, refund.refunded_at, refund.shift_id)?;
    journal::append(
        conn,
        refund.till_id,
        number,
        Kind::Refund,
        refund.id,
        &problems,
    )?;
    refund_store::insert(conn, refund, sale_row.id)?;

    let sale_ref = sale.receipt_ref().to_string();
    let refund_ref = refund.receipt_ref().to_string();
    for restock in [Restock::Shelf, Restock::DamagedWriteOff] {
        let mut lines = Vec::new();
        for l in refund.lines.iter().filter(|l| l.restock == restock) {
            let lot_id = match &l.lot_code {
                Some(code) => lot::find_by_code(conn, l.product_id, code)?.map(|x| x.id),
                None => None,
            };
            lines.push(SaleStockLine {
                product_id: l.product_id,
                lot_id,
                qty: l.qty,
            });
        }
        if lines.is_empty() {
            continue;
        }
        let back = stock::post_refund_lines(
            conn,
            refund.outlet_id,
            &sale_ref,
            &refund_ref,
            &lines,
            Some(refund.cashier_id),
        )?;
        if restock == Restock::DamagedWriteOff {
            // Back into the lot and owner it came from, then written off at
            // once: the owner's settlement sees both movements.
            let moves: Vec<Movement> = back
                .iter()
                .map(|e| Movement {
                    key: stock::StockKey {
                        outlet_id: e.outlet_id,
                        product_id: e.product_id,
                        lot_id: e.lot_id,
                        owner_producer_id: e.owner_producer_id,
                    },
                    qty: Quantity::from_milli(e.qty_milli.saturating_neg()),
                    kind: LedgerKind::DamagedWriteOff,
                    document_id: None,
                    document_line_id: None,
                    document_ref: refund_ref.clone(),
                })
                .collect();
            stock::append(conn, Some(refund.cashier_id), &moves)?;
        }
    }
    Ok(answer("created", refund.clone(), problems))
}
