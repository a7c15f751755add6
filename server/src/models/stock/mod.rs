//! The stock ledger and stock on hand.
//!
//! Guarantees, on both backends:
//! - `stock_ledger` is append-only (triggers refuse UPDATE and DELETE); every
//!   stock change is one or more rows appended by [`append`], which updates
//!   the materialised `stock_on_hand` in the **same transaction** with an
//!   upsert whose arithmetic runs in SQL (`qty = qty + delta`), so
//!   concurrent postings never lose an update. The rows a posting touches
//!   are updated in one fixed order (outlet, product, lot, owner) so two
//!   postings on PostgreSQL cannot deadlock on each other.
//! - Σ ledger = stock on hand for every (outlet, product, lot, owner);
//!   [`verify`] (`ocop-server stock verify`) recomputes it and reports every
//!   difference.
//! - Stock goes below zero only through sales ([`LedgerKind::may_go_negative`]);
//!   any other posting that would is refused with `insufficient_stock`.
//!   Negative stock is reported as an alert, never corrected silently.
//! - Every row names its owner: consigned goods stay the producer's.
//!
//! # For the sale engineer
//!
//! Inside the sale's own transaction (`Db::write`), after the sale row is
//! stored, call
//!
//! ```ignore
//! let entries = stock::post_sale_lines(conn, outlet_id, &receipt_no,
//!     &[SaleStockLine { product_id, lot_id: None, qty }], Some(cashier_id))?;
//! ```
//!
//! It appends one `sale` entry (negative quantity) per lot/owner it takes
//! from: the named lot, or first-expiry-first-out over the outlet's stock of
//! the product when `lot_id` is `None`. What no lot covers is booked on the
//! latest-expiring lot (or the product's "no lot" lot) and goes negative —
//! the goods were handed over — and shows up in the negative-stock alert.
//! Each [`LedgerEntry`] carries the owner, for settlement. A refund calls
//! [`post_refund_lines`] with the sale's reference: goods go back to the lots
//! and owners the sale took them from. both return `ModelError`.

pub mod agreement;
pub mod alerts;
pub mod document;
pub mod error;
pub mod lot;
pub mod posting;
pub mod report;
mod sale;
pub mod verify;

pub use sale::{SaleStockLine, post_refund_lines, post_sale_lines};
pub use verify::{Mismatch, verify};

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use ocop_core::money::Quantity;
use ocop_core::refusal::Refusal;
use ocop_core::stock::LedgerKind;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{stock_ledger, stock_on_hand};
use crate::models::error::ModelError;
use crate::models::product;

/// One appended ledger row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = stock_ledger)]
pub struct LedgerEntry {
    pub id: i32,
    pub outlet_id: i32,
    pub product_id: i32,
    pub lot_id: i32,
    /// The producer who owns the goods (consignment).
    pub owner_producer_id: i32,
    /// Signed, in milli-units (1000 = one unit).
    pub qty_milli: i64,
    /// `consignment_received`, `sale`, `customer_refund`, `transfer_out`,
    /// `transfer_in`, `count_adjustment`, `expired_write_off`,
    /// `damaged_write_off` or `returned_to_producer`.
    pub kind: String,
    pub document_id: Option<i32>,
    pub document_line_id: Option<i32>,
    /// Document number, or the sale/refund reference.
    pub document_ref: String,
    pub user_id: Option<i32>,
    /// UTC.
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub created_at: NaiveDateTime,
}

/// Where a quantity of stock sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StockKey {
    pub outlet_id: i32,
    pub product_id: i32,
    pub lot_id: i32,
    pub owner_producer_id: i32,
}

/// A stock change to append.
#[derive(Debug, Clone)]
pub struct Movement {
    pub key: StockKey,
    /// Signed.
    pub qty: Quantity,
    pub kind: LedgerKind,
    pub document_id: Option<i32>,
    pub document_line_id: Option<i32>,
    pub document_ref: String,
}

/// A stock-on-hand row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = stock_on_hand)]
pub struct OnHand {
    pub outlet_id: i32,
    pub product_id: i32,
    pub lot_id: i32,
    pub owner_producer_id: i32,
    pub qty_milli: i64,
    pub updated_at: NaiveDateTime,
}

impl OnHand {
    pub fn key(&self) -> StockKey {
        StockKey {
            outlet_id: self.outlet_id,
            product_id: self.product_id,
            lot_id: self.lot_id,
            owner_producer_id: self.owner_producer_id,
        }
    }
}

/// Appends `moves` to the ledger and applies them to stock on hand. Call
/// inside a write transaction. Refuses (and the caller's transaction must
/// roll back) if a movement other than a sale would leave a row below zero.
pub fn append(
    conn: &mut DbConn,
    user_id: Option<i32>,
    moves: &[Movement],
) -> Result<Vec<LedgerEntry>, ModelError> {
    // Net change per key, in the one fixed order every posting uses.
    let mut deltas: BTreeMap<StockKey, (i64, bool)> = BTreeMap::new();
    for m in moves {
        let entry = deltas.entry(m.key).or_insert((0, false));
        entry.0 = entry.0.checked_add(m.qty.milli()).ok_or_else(|| {
            Refusal::invalid(
                "quantity_out_of_range",
                "Số lượng quá lớn.",
                "Quantity out of range.",
            )
        })?;
        if m.qty.milli() < 0 && !m.kind.may_go_negative() {
            entry.1 = true;
        }
    }
    let now = Utc::now().naive_utc();
    for (key, (delta, must_stay_positive)) in &deltas {
        let after = add_on_hand(conn, key, *delta, now)?;
        if *must_stay_positive && *delta < 0 && after < 0 {
            let name = product::find(conn, key.product_id)?.name_vi;
            let before = after.saturating_sub(*delta);
            return crate::models::error::refuse(error::insufficient_stock(
                &name,
                Quantity::from_milli(before),
            ));
        }
    }
    let mut out = Vec::with_capacity(moves.len());
    for m in moves {
        let entry = diesel::insert_into(stock_ledger::table)
            .values((
                stock_ledger::outlet_id.eq(m.key.outlet_id),
                stock_ledger::product_id.eq(m.key.product_id),
                stock_ledger::lot_id.eq(m.key.lot_id),
                stock_ledger::owner_producer_id.eq(m.key.owner_producer_id),
                stock_ledger::qty_milli.eq(m.qty.milli()),
                stock_ledger::kind.eq(m.kind.code()),
                stock_ledger::document_id.eq(m.document_id),
                stock_ledger::document_line_id.eq(m.document_line_id),
                stock_ledger::document_ref.eq(&m.document_ref),
                stock_ledger::user_id.eq(user_id),
                stock_ledger::created_at.eq(now),
            ))
            // The row as stored, in the same round trip (its columns are
            // LedgerEntry's fields, in order).
            .returning(stock_ledger::all_columns)
            .get_result::<LedgerEntry>(conn)?;
        out.push(entry);
    }
    Ok(out)
}

/// `qty = qty + delta` for one key, creating the row at zero first if need
/// be; returns the new quantity. The addition happens in the database under
/// the row lock, never as read-modify-write in Rust.
fn add_on_hand(
    conn: &mut DbConn,
    key: &StockKey,
    delta: i64,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    // Backend-specific: diesel's upsert DSL exists for each backend but not
    // for the MultiConnection; the statement is the same text on both.
    macro_rules! upsert {
        ($c:expr) => {
            diesel::insert_into(stock_on_hand::table)
                .values((
                    stock_on_hand::outlet_id.eq(key.outlet_id),
                    stock_on_hand::product_id.eq(key.product_id),
                    stock_on_hand::lot_id.eq(key.lot_id),
                    stock_on_hand::owner_producer_id.eq(key.owner_producer_id),
                    stock_on_hand::qty_milli.eq(delta),
                    stock_on_hand::updated_at.eq(now),
                ))
                .on_conflict((
                    stock_on_hand::outlet_id,
                    stock_on_hand::product_id,
                    stock_on_hand::lot_id,
                    stock_on_hand::owner_producer_id,
                ))
                .do_update()
                .set((
                    stock_on_hand::qty_milli
                        .eq(stock_on_hand::qty_milli + excluded(stock_on_hand::qty_milli)),
                    stock_on_hand::updated_at.eq(now),
                ))
                .returning(stock_on_hand::qty_milli)
                .get_result::<i64>($c)
        };
    }
    match conn {
        DbConn::Sqlite(c) => upsert!(c),
        DbConn::Postgres(c) => upsert!(c),
    }
}

/// The outlet's stock rows of one product, locked against concurrent
/// postings until the transaction ends (PostgreSQL `FOR UPDATE`, in key
/// order; SQLite has a single writer already). Call for products in
/// ascending id order.
pub fn lock_product_stock(
    conn: &mut DbConn,
    outlet_id: i32,
    product_id: i32,
) -> QueryResult<Vec<OnHand>> {
    lock_products_stock(conn, outlet_id, &[product_id])
}

/// The outlet's stock rows of several products, locked in one query in the
/// one fixed key order (product, lot, owner): PostgreSQL's `FOR UPDATE`
/// locks the rows as the sorted scan returns them, so two postings locking
/// overlapping products this way cannot deadlock on each other.
pub fn lock_products_stock(
    conn: &mut DbConn,
    outlet_id: i32,
    product_ids: &[i32],
) -> QueryResult<Vec<OnHand>> {
    macro_rules! rows {
        () => {
            stock_on_hand::table
                .filter(stock_on_hand::outlet_id.eq(outlet_id))
                .filter(stock_on_hand::product_id.eq_any(product_ids))
                .order((
                    stock_on_hand::product_id,
                    stock_on_hand::lot_id,
                    stock_on_hand::owner_producer_id,
                ))
                .select(OnHand::as_select())
        };
    }
    // Backend-specific: row locks exist only on PostgreSQL.
    match conn {
        DbConn::Postgres(c) => rows!().for_update().load(c),
        DbConn::Sqlite(c) => rows!().load(c),
    }
}

/// Stock on hand of one key (zero when there is no row).
pub fn on_hand_of(conn: &mut DbConn, key: &StockKey) -> QueryResult<Quantity> {
    stock_on_hand::table
        .find((
            key.outlet_id,
            key.product_id,
            key.lot_id,
            key.owner_producer_id,
        ))
        .select(stock_on_hand::qty_milli)
        .first::<i64>(conn)
        .optional()
        .map(|q| Quantity::from_milli(q.unwrap_or(0)))
}

/// Ledger entries a document or a sale produced, in order.
pub fn entries_for_document(conn: &mut DbConn, document_id: i32) -> QueryResult<Vec<LedgerEntry>> {
    stock_ledger::table
        .filter(stock_ledger::document_id.eq(document_id))
        .order(stock_ledger::id)
        .select(LedgerEntry::as_select())
        .load(conn)
}

/// Ledger entries with this reference (a sale or refund), in order.
pub fn entries_for_ref(conn: &mut DbConn, document_ref: &str) -> QueryResult<Vec<LedgerEntry>> {
    stock_ledger::table
        .filter(stock_ledger::document_ref.eq(document_ref))
        .order(stock_ledger::id)
        .select(LedgerEntry::as_select())
        .load(conn)
}
