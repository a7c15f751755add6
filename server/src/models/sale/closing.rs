//! The daily closing of an outlet: the shifts closed on a Vietnamese
//! calendar day, totalled by the core's [`daily_closing`], numbered 1, 2, 3…
//! per outlet, with a grand total carried on from the previous closing and
//! never reset. Stored once per outlet and day (unique key), append-only.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use ocop_core::i18n::UserError as _;
use ocop_core::sale::shift::{DailyClosing, ShiftSummary, check_day_ended, daily_closing};
use ocop_core::time::vn_day_bounds;

use crate::db::DbConn;
use crate::db::schema::{daily_closings, shift_closings, shifts};
use crate::models::error::ModelError;

fn corrupt() -> ModelError {
    ModelError::Db(super::store::corrupt("daily closing"))
}

/// The outlet's last closing, if any.
pub fn last(conn: &mut DbConn, outlet_id: i32) -> Result<Option<DailyClosing>, ModelError> {
    let report: Option<String> = daily_closings::table
        .filter(daily_closings::outlet_id.eq(outlet_id))
        .order(daily_closings::closing_no.desc())
        .select(daily_closings::report)
        .first(conn)
        .optional()?;
    report
        .map(|r| serde_json::from_str(&r).map_err(|_| corrupt()))
        .transpose()
}

/// Closes `day` for the outlet from the shifts closed that day.
pub fn close_day(
    conn: &mut DbConn,
    outlet_id: i32,
    day: NaiveDate,
    by: i32,
) -> Result<DailyClosing, ModelError> {
    check_day_ended(day, Utc::now()).map_err(|e| e.refusal())?;
    let previous = last(conn, outlet_id)?;
    let (start, end) = vn_day_bounds(day);
    let stored: Vec<(String, String)> = shift_closings::table
        .inner_join(shifts::table)
        .filter(shifts::outlet_id.eq(outlet_id))
        .filter(shift_closings::closed_at.ge(start.naive_utc()))
        .filter(shift_closings::closed_at.lt(end.naive_utc()))
        .order(shift_closings::id)
        .select((shift_closings::summary, shifts::uuid))
        .load(conn)?;
    let mut summaries: Vec<ShiftSummary> = Vec::with_capacity(stored.len());
    for (json, shift_uuid) in &stored {
        let mut summary: ShiftSummary = serde_json::from_str(json).map_err(|_| corrupt())?;
        // A transfer confirmed after its shift's Z report counts as
        // received on the day's closing: its state as known now.
        let id = super::store::uuid(shift_uuid)?;
        summary.transfers = super::shift::summary(conn, id)?.2.transfers;
        summaries.push(summary);
    }
    let closing =
        daily_closing(previous.as_ref(), outlet_id, day, &summaries).map_err(|e| e.refusal())?;
    diesel::insert_into(daily_closings::table)
        .values((
            daily_closings::outlet_id.eq(outlet_id),
            daily_closings::day.eq(day),
            daily_closings::closing_no.eq(super::store::db_int(closing.closing_no)?),
            daily_closings::report.eq(serde_json::to_string(&closing).unwrap_or_default()),
            daily_closings::grand_total.eq(closing.grand_total.amount()),
            daily_closings::closed_by.eq(by),
            daily_closings::closed_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(closing)
}
