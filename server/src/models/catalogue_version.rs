//! The catalogue version: one number that grows with every change a till
//! must learn about (products, prices, producers, outlets).
//!
//! [`bump`] must run inside the write transaction that makes the change. It
//! updates the single `catalogue_counter` row, which on PostgreSQL locks that
//! row until commit: concurrent catalogue writers therefore take versions
//! one after another and commit in version order, so a reader that sees
//! version `v` has seen every change stamped `<= v` — what makes
//! "everything since `v`" exact. On SQLite writers are serialised anyway.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{catalogue_counter, catalogue_versions, products};

/// Takes the next catalogue version and records why; returns it.
pub fn bump(conn: &mut DbConn, what: &str, by_user: Option<i32>) -> QueryResult<i64> {
    let version = diesel::update(catalogue_counter::table.find(1))
        .set(catalogue_counter::version.eq(catalogue_counter::version + 1))
        .returning(catalogue_counter::version)
        .get_result::<i64>(conn)?;
    diesel::insert_into(catalogue_versions::table)
        .values((
            catalogue_versions::version.eq(version),
            catalogue_versions::changed_at.eq(Utc::now().naive_utc()),
            catalogue_versions::changed_by.eq(by_user),
            catalogue_versions::what.eq(what),
        ))
        .execute(conn)?;
    Ok(version)
}

/// Takes the next version and stamps it on the given products.
pub fn bump_products(
    conn: &mut DbConn,
    product_ids: &[i32],
    what: &str,
    by_user: Option<i32>,
) -> QueryResult<i64> {
    let version = bump(conn, what, by_user)?;
    // Chunks keep the bind count under SQLite's and PostgreSQL's limits.
    for chunk in product_ids.chunks(5000) {
        diesel::update(products::table.filter(products::id.eq_any(chunk)))
            .set(products::catalogue_version.eq(version))
            .execute(conn)?;
    }
    Ok(version)
}

/// The newest version.
pub fn current(conn: &mut DbConn) -> QueryResult<i64> {
    catalogue_counter::table
        .find(1)
        .select(catalogue_counter::version)
        .first(conn)
}

/// When `version` was made; `None` for 0 (nothing yet) or an unknown number.
pub fn made_at(conn: &mut DbConn, version: i64) -> QueryResult<Option<NaiveDateTime>> {
    catalogue_versions::table
        .find(version)
        .select(catalogue_versions::changed_at)
        .first(conn)
        .optional()
}
