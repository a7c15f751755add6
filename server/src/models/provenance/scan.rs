//! The scan log: one row per resolver request, with coarse client facts
//! only (an IP prefix, a user-agent family, a location only when the
//! person chose to share it). Rows older than the retention are pruned
//! (`ocop-server scans prune`, and at start-up).

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::label_scans;

/// What one scan records.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = label_scans)]
pub struct NewScan {
    pub scanned_at: NaiveDateTime,
    pub gtin: Option<String>,
    pub lot_code: Option<String>,
    pub serial: Option<String>,
    pub label_id: Option<i32>,
    pub product_id: Option<i32>,
    /// The label status code the page showed, or what the request was
    /// (`product`, `lot`, `unknown_gtin`, `malformed`).
    pub status: String,
    pub ip_prefix: String,
    pub ua_family: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

pub fn record(conn: &mut DbConn, scan: &NewScan) -> QueryResult<()> {
    diesel::insert_into(label_scans::table)
        .values(scan.clone())
        .execute(conn)?;
    Ok(())
}

/// How many times a label was scanned before, and when first.
pub fn history_of_label(
    conn: &mut DbConn,
    label_id: i32,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let (count, first) = label_scans::table
        .filter(label_scans::label_id.eq(label_id))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(label_scans::scanned_at),
        ))
        .first::<(i64, Option<NaiveDateTime>)>(conn)?;
    Ok((count, first))
}

/// Deletes scans older than `days` days; returns how many.
pub fn prune(conn: &mut DbConn, days: u32) -> QueryResult<usize> {
    let cutoff = Utc::now().naive_utc() - chrono::Duration::days(i64::from(days));
    diesel::delete(label_scans::table.filter(label_scans::scanned_at.lt(cutoff))).execute(conn)
}

/// Every scan of a label, oldest first (the inspector's view).
pub fn of_label(
    conn: &mut DbConn,
    label_id: i32,
) -> QueryResult<Vec<(NaiveDateTime, String, String)>> {
    label_scans::table
        .filter(label_scans::label_id.eq(label_id))
        .order(label_scans::id)
        .select((
            label_scans::scanned_at,
            label_scans::ip_prefix,
            label_scans::ua_family,
        ))
        .load(conn)
}
