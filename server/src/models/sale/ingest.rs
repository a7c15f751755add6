//! Exactly-once sale ingest.
//!
//! Order of the checks, each for a reason:
//! 1. the core's [`verify`] (arithmetic, VAT buckets, payments, own hash),
//!    before any database work: a wrong sale writes nothing;
//! 2. the till's row lock (PostgreSQL) so one till's receipts chain one at a
//!    time, then **the sale id**: a resent sale is answered from the store
//!    before any chain check (its number is below the head by then) — the
//!    same content gives the stored sale, different content `sale_conflict`;
//! 3. the (till, receipt number) unique key: a number held by another record
//!    is `receipt_no_taken`, a free number below the head is a late
//!    gap-filler, stored and flagged `out_of_order`;
//! 4. the chain against the till's head: gaps and broken links are stored
//!    in `journal_problems` and flagged on the journal row, never refused;
//! 5. the rows and the stock ledger entries, in the same transaction.
//!
//! Measured (BENCHMARKS.md, issue 11): the savepoint costs about 7 % of the
//! SQLite ingest rate and 5 % of PostgreSQL's against the old pattern (a
//! transaction of its own, a second one after a lost race); it is kept for
//! one pattern across the models and for issue 16's batches (one
//! transaction, a savepoint per sale).
//!
//! Like every other model write, [`ingest`] runs inside the caller's one
//! write transaction (`state.write`, i.e. `Db::write`); it opens none of its
//! own. Should two copies of a new sale still race past step 2 (they cannot
//! with the lock, but the unique keys are the arbiter, not the lock), the
//! loser's insert fails on `sales.uuid`; the checks and writes run in a
//! savepoint (`super::once`), so [`ingest`] rolls back to it and answers
//! from the store in the same transaction (on PostgreSQL a failed statement
//! would otherwise abort the whole transaction).

use std::collections::BTreeMap;

use diesel::prelude::*;
use ocop_core::i18n::UserError as _;
use ocop_core::sale::{ChainProblem, Sale, verify};
use ocop_core::wire::{ChainStatus, IngestStatus};

use super::journal::{self, Kind};
use super::store;
use super::till::Till;
use crate::db::DbConn;
use crate::db::schema::products;
use crate::models::error::{ModelError, refuse};
use crate::models::stock::{self, SaleStockLine, lot};
use crate::models::user;

pub use ocop_core::wire::{Ingested, PriceDifference};

/// A sale that passed the core's checks and names the till posting it:
/// the only thing [`ingest`] stores. The checks are pure (arithmetic, VAT,
/// payments, the sale's own hash), so they run before the write
/// transaction: on SQLite one writer holds the lock at a time, and hashing
/// inside it cost 16 % of the ingest rate (measured, issue 11).
#[derive(Debug)]
pub struct Checked {
    till: Till,
    sale: Sale,
}

impl Checked {
    pub fn sale(&self) -> &Sale {
        &self.sale
    }
}

/// Checks `sale`, posted by `till`, before anything touches the database.
pub fn check(till: Till, sale: Sale) -> Result<Checked, ModelError> {
    verify(&sale).map_err(|e| e.refusal())?;
    if sale.till_id != till.id || sale.outlet_id != till.outlet_id {
        return refuse(super::wrong_till());
    }
    Ok(Checked { till, sale })
}

/// Stores a checked sale exactly once. Call inside a write transaction; a
/// refusal means nothing of the sale was written.
pub fn ingest(conn: &mut DbConn, checked: &Checked) -> Result<Ingested, ModelError> {
    let sale = &checked.sale;
    debug_assert_eq!(sale.till_id, checked.till.id);
    super::once(
        conn,
        |c| store_once(c, sale),
        |c| match store::find_row_by_uuid(c, sale.id)? {
            Some(row) => existing(c, &row, sale),
            None => refuse(super::receipt_taken()),
        },
    )
}

fn store_once(conn: &mut DbConn, sale: &Sale) -> Result<Ingested, ModelError> {
    super::till::lock(conn, sale.till_id)?;
    if let Some(row) = store::find_row_by_uuid(conn, sale.id)? {
        return existing(conn, &row, sale);
    }
    let number = i64::from(sale.receipt_no);
    if journal::holder(conn, sale.till_id, number)?.is_some() {
        return refuse(super::receipt_taken());
    }
    let cashier = user::find(conn, sale.cashier_id).optional()?;
    if cashier.is_none_or(|u| u.outlet_id != Some(sale.outlet_id)) {
        return refuse(super::unknown_cashier());
    }
    let problems = journal::arrival_problems(conn, sale, sale.sold_at, sale.shift_id)?;
    let server_prices = catalogue_prices(conn, sale)?;
    journal::append(conn, sale.till_id, number, Kind::Sale, sale.id, &problems)?;
    store::insert(conn, sale, &server_prices)?;
    let mut stock_lines = Vec::with_capacity(sale.lines.len());
    for line in &sale.lines {
        // Most lines name no lot (FEFO); a scanned lot costs one query.
        let lot_id = match &line.lot_code {
            Some(code) => lot::find_by_code(conn, line.product_id, code)?.map(|l| l.id),
            None => None,
        };
        stock_lines.push(SaleStockLine {
            product_id: line.product_id,
            lot_id,
            qty: line.qty,
        });
    }
    stock::post_sale_lines(
        conn,
        sale.outlet_id,
        &sale.receipt_ref().to_string(),
        &stock_lines,
        Some(sale.cashier_id),
    )?;
    Ok(answer(
        IngestStatus::Created,
        sale.clone(),
        problems,
        &server_prices,
    ))
}

/// The catalogue price of each line's product, read in one query (issue 16:
/// one query per line before); `unknown_product` for a line naming none.
fn catalogue_prices(conn: &mut DbConn, sale: &Sale) -> Result<Vec<Option<i64>>, ModelError> {
    let mut ids: Vec<i32> = sale.lines.iter().map(|l| l.product_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let known: BTreeMap<i32, i64> = products::table
        .filter(products::id.eq_any(&ids))
        .select((products::id, products::price))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .collect();
    sale.lines
        .iter()
        .map(|l| match known.get(&l.product_id) {
            Some(price) => Ok(Some(*price)),
            None => refuse(super::unknown_product(l.line_no)),
        })
        .collect()
}

/// Stores one till's checked sales, in order, inside the caller's one write
/// transaction (issue 16: a till catching up pays one commit per batch, not
/// one per sale). Each sale is stored by [`ingest`], in its own savepoint:
/// a refused sale rolls back to it and is answered with its refusal, and
/// the others are stored. The answers come back in the order of `sales`.
///
/// The till's row and the outlet's stock rows of every product the batch
/// sells are locked first, in one query and the one fixed order single
/// sales use (till, then products ascending), so a batch holding its locks
/// to the end cannot deadlock with single sales or another batch at the
/// outlet. The outer `Err` is only a failure of those locks; a database
/// error inside one sale is that sale's answer (its savepoint rolled back),
/// and a transaction that cannot go on fails its commit, so nothing is
/// acknowledged that was not stored.
pub fn ingest_batch(
    conn: &mut DbConn,
    sales: &[Checked],
) -> Result<Vec<Result<Ingested, ModelError>>, ModelError> {
    let mut tills: Vec<(i32, i32)> = sales
        .iter()
        .map(|c| (c.sale.till_id, c.sale.outlet_id))
        .collect();
    tills.sort_unstable();
    tills.dedup();
    for (till_id, outlet_id) in &tills {
        super::till::lock(conn, *till_id)?;
        let mut products: Vec<i32> = sales
            .iter()
            .filter(|c| c.sale.outlet_id == *outlet_id)
            .flat_map(|c| c.sale.lines.iter().map(|l| l.product_id))
            .collect();
        products.sort_unstable();
        products.dedup();
        stock::lock_products_stock(conn, *outlet_id, &products)?;
    }
    Ok(sales.iter().map(|c| ingest(conn, c)).collect())
}

/// The answer for a sale id already stored: the stored sale if `posted` is
/// the same document, `sale_conflict` otherwise.
fn existing(
    conn: &mut DbConn,
    row: &store::SaleRow,
    posted: &Sale,
) -> Result<Ingested, ModelError> {
    let stored = store::load(conn, row)?;
    if stored != *posted {
        return refuse(super::sale_conflict());
    }
    answer_stored(conn, row, stored, IngestStatus::Existing)
}

/// The answer for a stored sale.
pub fn answer_stored(
    conn: &mut DbConn,
    row: &store::SaleRow,
    sale: Sale,
    status: IngestStatus,
) -> Result<Ingested, ModelError> {
    let problems = journal::problems_at(conn, row.till_id, row.receipt_no)?;
    let server_prices: Vec<Option<i64>> = crate::db::schema::sale_lines::table
        .filter(crate::db::schema::sale_lines::sale_id.eq(row.id))
        .order(crate::db::schema::sale_lines::line_no)
        .select(crate::db::schema::sale_lines::server_price)
        .load(conn)?;
    Ok(answer(status, sale, problems, &server_prices))
}

fn answer(
    status: IngestStatus,
    sale: Sale,
    problems: Vec<ChainProblem>,
    server_prices: &[Option<i64>],
) -> Ingested {
    let price_differences = sale
        .lines
        .iter()
        .zip(server_prices)
        .filter(|(l, p)| **p != Some(l.unit_price.amount()))
        .map(|(l, p)| PriceDifference {
            line_no: l.line_no,
            product_id: l.product_id,
            unit_price: l.unit_price.amount(),
            catalogue_price: *p,
        })
        .collect();
    Ingested {
        status,
        chain_status: if problems.is_empty() {
            ChainStatus::Ok
        } else {
            ChainStatus::Flagged
        },
        chain_problems: problems,
        price_differences,
        sale,
    }
}
