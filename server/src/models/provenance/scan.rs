//! The scan log: one row per resolver request, with coarse client facts
//! only (an IP prefix, a user-agent family, a location only when the
//! person chose to share it, as a district's centre: `ocop_core::place`).
//! Rows older than the retention are pruned
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

/// How long after opening a label's page a person may still share where
/// they are and have it count as the same scan.
pub const LOCATE_WINDOW_MINUTES: i64 = 30;

/// Records a scan. A scan of a label that shares a place locates the same
/// person's earlier scan of that label instead, when there is one without a
/// place from the last [`LOCATE_WINDOW_MINUTES`] (the same IP prefix and
/// browser family): sharing a place on the page reloads it, and a second
/// row would count one look at the label twice.
pub fn record(conn: &mut DbConn, scan: &NewScan) -> QueryResult<()> {
    if let (Some(label_id), Some(lat), Some(lon)) = (scan.label_id, scan.latitude, scan.longitude) {
        let since = scan.scanned_at - chrono::Duration::minutes(LOCATE_WINDOW_MINUTES);
        let earlier: Option<i32> = label_scans::table
            .filter(label_scans::label_id.eq(label_id))
            .filter(label_scans::scanned_at.ge(since))
            .filter(label_scans::ip_prefix.eq(&scan.ip_prefix))
            .filter(label_scans::ua_family.eq(&scan.ua_family))
            .filter(label_scans::latitude.is_null())
            .order(label_scans::id.desc())
            .select(label_scans::id)
            .first(conn)
            .optional()?;
        if let Some(id) = earlier {
            diesel::update(label_scans::table.find(id))
                .set((
                    label_scans::latitude.eq(lat),
                    label_scans::longitude.eq(lon),
                ))
                .execute(conn)?;
            return Ok(());
        }
    }
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
