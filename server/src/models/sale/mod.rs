//! Sales on the server, the book of record: tills and their secrets,
//! exactly-once ingest of sealed sales, the per-till journal and its
//! verifier, refunds, shifts with X/Z reports and the daily closing, payment
//! confirmations, e-invoice data.
//!
//! Guarantees, on both backends:
//! - everything here is append-only (database triggers refuse UPDATE and
//!   DELETE on every table but `tills`); a correction is a new row;
//! - a sale or refund is stored at most once: its client-generated id and
//!   its (till, receipt number) are unique keys, and a resend is answered
//!   with the stored record;
//! - a sale's rows and its stock ledger entries are one transaction;
//! - a chain problem (gap, broken link, late record) is stored and flagged
//!   on arrival, never hidden and never refused.
//!
//! The pure rules (totals, VAT, chain hashing, refund limits, shift maths)
//! are the core crate's (`ocop_core::sale`); this module only stores, locks
//! and reads. Its functions return `models::error::ModelError`; the
//! refusals only sales make are built here.

pub mod closing;
pub mod einvoice;
pub mod ingest;
pub mod journal;
pub mod lookup;
pub mod overview;
pub mod payment;
pub mod refund;
pub mod refund_store;
pub mod shift;
pub mod store;
pub mod till;
pub mod vat_request;

use diesel::Connection as _;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use ocop_core::refusal::Refusal;

use crate::db::DbConn;
use crate::models::error::ModelError;

/// Stores a till's record exactly once, inside the caller's transaction:
/// `store` runs in a savepoint; if it loses a race on a unique key (another
/// copy committed first), the savepoint is rolled back, which keeps the
/// transaction usable on PostgreSQL, and `stored` answers from the store.
fn once<T>(
    conn: &mut DbConn,
    store: impl FnOnce(&mut DbConn) -> Result<T, ModelError>,
    stored: impl FnOnce(&mut DbConn) -> Result<T, ModelError>,
) -> Result<T, ModelError> {
    match conn.transaction(store) {
        Err(ModelError::Db(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))) => {
            stored(conn)
        }
        other => other,
    }
}

/// The record names another till or outlet than the one posting it.
pub fn wrong_till() -> Refusal {
    Refusal::forbidden(
        "wrong_till",
        "Máy bán hàng này chỉ được gửi phiếu của chính nó (đúng mã máy và cửa hàng).",
        "A till may only send its own receipts (its own till id and outlet).",
    )
}

/// The same id with different content.
pub fn sale_conflict() -> Refusal {
    Refusal::conflict(
        "sale_conflict",
        "Mã phiếu này đã được lưu với nội dung khác.",
        "This id is already stored with different content.",
    )
}

/// The till's receipt number is held by another record.
pub fn receipt_taken() -> Refusal {
    Refusal::conflict(
        "receipt_no_taken",
        "Số phiếu này của máy đã được dùng cho một phiếu khác.",
        "This till's receipt number is already used by another record.",
    )
}

pub fn unknown_cashier() -> Refusal {
    Refusal::invalid(
        "unknown_cashier",
        "Thu ngân không thuộc cửa hàng của máy bán hàng này.",
        "The cashier does not belong to this till's outlet.",
    )
}

/// Line `line_no` names no product.
pub fn unknown_product(line_no: u32) -> Refusal {
    Refusal::invalid(
        "unknown_product",
        "sản phẩm không tồn tại.",
        "no such product.",
    )
    .on_line(line_no)
}

#[cfg(test)]
mod tests {
    use diesel::RunQueryDsl as _;
    use diesel::connection::SimpleConnection as _;

    use super::*;
    use crate::db::Db;

    fn insert(conn: &mut DbConn, id: i32) -> Result<(), ModelError> {
        diesel::sql_query(format!("INSERT INTO once_test (id) VALUES ({id})")).execute(conn)?;
        Ok(())
    }

    /// On PostgreSQL a failed statement aborts the whole transaction unless
    /// it ran in a savepoint: a lost race must still be answered, and the
    /// caller's transaction must still commit. Runs on PostgreSQL when
    /// `OCOP_TEST_DATABASE_URL` names one (the race itself is hard to
    /// provoke end to end: the till's row lock nearly always prevents it).
    #[test]
    fn a_lost_race_is_answered_from_the_store_in_the_same_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let url = std::env::var("OCOP_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| dir.path().join("once.sqlite3").display().to_string());
        crate::db::init_postgres_tls();
        let db = Db::connect(&url, 1).unwrap();
        let (answer, rows) = db
            .write(|c| -> Result<(&str, i64), ModelError> {
                c.batch_execute("CREATE TEMPORARY TABLE once_test (id INTEGER PRIMARY KEY)")?;
                insert(c, 1)?;
                let answer = once(
                    c,
                    |c| insert(c, 1).map(|()| "stored now"),
                    |c| insert(c, 2).map(|()| "answered from the store"),
                )?;
                #[derive(diesel::QueryableByName)]
                struct Count {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                let count: Count =
                    diesel::sql_query("SELECT COUNT(*) AS n FROM once_test").get_result(c)?;
                Ok((answer, count.n))
            })
            .unwrap();
        assert_eq!((answer, rows), ("answered from the store", 2));
    }
}
