//! The check behind `ocop-server stock verify`: stock on hand must equal the
//! sum of the ledger for every (outlet, product, lot, owner). A difference
//! means someone wrote to the database outside this code (or a bug): it is
//! reported, never repaired here.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use serde::Serialize;

use super::{OnHand, StockKey};
use crate::db::DbConn;
use crate::db::schema::stock_on_hand;

/// One key where the ledger and stock on hand disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Mismatch {
    pub outlet_id: i32,
    pub product_id: i32,
    pub lot_id: i32,
    pub owner_producer_id: i32,
    /// Σ ledger, milli-units.
    pub ledger_milli: i64,
    /// The stored stock on hand, milli-units (0 when there is no row).
    pub on_hand_milli: i64,
}

#[derive(QueryableByName)]
struct LedgerSum {
    #[diesel(sql_type = Integer)]
    outlet_id: i32,
    #[diesel(sql_type = Integer)]
    product_id: i32,
    #[diesel(sql_type = Integer)]
    lot_id: i32,
    #[diesel(sql_type = Integer)]
    owner_producer_id: i32,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// Every mismatch, in key order; empty when all is well.
pub fn verify(conn: &mut DbConn) -> QueryResult<Vec<Mismatch>> {
    // SUM of BIGINT is NUMERIC on PostgreSQL, which the MultiConnection
    // cannot read: cast back. The same text runs on both backends.
    let sums: Vec<LedgerSum> = diesel::sql_query(
        "SELECT outlet_id, product_id, lot_id, owner_producer_id, \
         CAST(SUM(qty_milli) AS BIGINT) AS total FROM stock_ledger \
         GROUP BY outlet_id, product_id, lot_id, owner_producer_id",
    )
    .load(conn)?;
    let mut both: BTreeMap<StockKey, (i64, i64)> = BTreeMap::new();
    for s in sums {
        let key = StockKey {
            outlet_id: s.outlet_id,
            product_id: s.product_id,
            lot_id: s.lot_id,
            owner_producer_id: s.owner_producer_id,
        };
        both.entry(key).or_default().0 = s.total;
    }
    for row in stock_on_hand::table
        .select(OnHand::as_select())
        .load(conn)?
    {
        both.entry(row.key()).or_default().1 = row.qty_milli;
    }
    Ok(both
        .into_iter()
        .filter(|(_, (ledger, on_hand))| ledger != on_hand)
        .map(|(k, (ledger_milli, on_hand_milli))| Mismatch {
            outlet_id: k.outlet_id,
            product_id: k.product_id,
            lot_id: k.lot_id,
            owner_producer_id: k.owner_producer_id,
            ledger_milli,
            on_hand_milli,
        })
        .collect())
}

/// `ocop-server stock verify`: prints every mismatch (or that all is
/// well); returns whether all is well. Read-only.
pub fn run_cli(db: &crate::db::Db) -> anyhow::Result<bool> {
    let mut conn = db.conn()?;
    let mismatches = verify(&mut conn)?;
    if mismatches.is_empty() {
        println!(
            "stock ledger OK ({}): stock on hand equals the sum of the ledger for every outlet, product, lot and owner",
            db.backend().name()
        );
        return Ok(true);
    }
    println!(
        "stock ledger MISMATCH ({}): {} row(s) differ",
        db.backend().name(),
        mismatches.len()
    );
    for m in &mismatches {
        println!(
            "outlet={} product={} lot={} owner={} ledger={} on_hand={} difference={}",
            m.outlet_id,
            m.product_id,
            m.lot_id,
            m.owner_producer_id,
            ocop_core::money::Quantity::from_milli(m.ledger_milli).to_machine_string(),
            ocop_core::money::Quantity::from_milli(m.on_hand_milli).to_machine_string(),
            ocop_core::money::Quantity::from_milli(m.on_hand_milli.saturating_sub(m.ledger_milli))
                .to_machine_string(),
        );
    }
    Ok(false)
}
