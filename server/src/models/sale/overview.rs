//! What an outlet's manager runs the outlet by, read for the web pages:
//! sales by Vietnamese day and by till, the shifts with their Z figures and
//! variances, the daily closings and the refunds, over a window of days.
//!
//! Days are Vietnam's calendar days (UTC+7): the rows of the window are
//! read by their UTC bounds and bucketed here, the same on SQLite and
//! PostgreSQL. Money is summed in whole đồng with checked arithmetic.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use ocop_core::money::Dong;
use ocop_core::sale::shift::DailyClosing;
use ocop_core::time::{vn_date, vn_day_bounds};

use crate::db::DbConn;
use crate::db::schema::{
    daily_closings, refunds, sales, shift_acknowledgements, shift_closings, shifts, tills,
};
use crate::models::error::ModelError;

/// At most this many days on a page.
pub const MAX_DAYS: i64 = 62;

/// One till's sales of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTill {
    pub day: NaiveDate,
    pub till_id: i32,
    pub till_name: String,
    pub sales: u32,
    pub gross: Dong,
    pub refunds: u32,
    pub refunded: Dong,
}

/// A shift of the window, with its Z figures once closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftRow {
    pub uuid: String,
    pub till_name: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub net_sales: Option<Dong>,
    pub total_variance: Option<Dong>,
    pub acknowledged: bool,
}

/// A refund of the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRow {
    pub receipt: String,
    pub refunded_at: DateTime<Utc>,
    pub reason: String,
    pub total: Dong,
}

/// The outlet over `from..=to` (Vietnam days).
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub by_day_till: Vec<DayTill>,
    pub shifts: Vec<ShiftRow>,
    pub closings: Vec<DailyClosing>,
    pub refunds: Vec<RefundRow>,
}

fn add(a: Dong, b: i64) -> Dong {
    a.checked_add(Dong::new(b)).unwrap_or(a)
}

fn till_name(names: &BTreeMap<i32, String>, id: i32) -> String {
    names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
}

/// The day × till row a record at `at` counts in, made on first use.
fn row<'a>(
    rows: &'a mut BTreeMap<(NaiveDate, i32), DayTill>,
    names: &BTreeMap<i32, String>,
    till_id: i32,
    at: chrono::NaiveDateTime,
) -> &'a mut DayTill {
    let day = vn_date(at.and_utc());
    rows.entry((day, till_id)).or_insert_with(|| DayTill {
        day,
        till_id,
        till_name: till_name(names, till_id),
        sales: 0,
        gross: Dong::ZERO,
        refunds: 0,
        refunded: Dong::ZERO,
    })
}

/// Reads the outlet's figures of the days `from..=to`.
pub fn overview(
    conn: &mut DbConn,
    outlet_id: i32,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Overview, ModelError> {
    let (start, _) = vn_day_bounds(from);
    let (_, end) = vn_day_bounds(to);
    let (start, end) = (start.naive_utc(), end.naive_utc());
    let names: BTreeMap<i32, String> = tills::table
        .filter(tills::outlet_id.eq(outlet_id))
        .select((tills::id, tills::name))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let name = |id: i32| till_name(&names, id);

    let mut rows: BTreeMap<(NaiveDate, i32), DayTill> = BTreeMap::new();
    let sold: Vec<(i32, chrono::NaiveDateTime, i64)> = sales::table
        .filter(sales::outlet_id.eq(outlet_id))
        .filter(sales::sold_at.ge(start))
        .filter(sales::sold_at.lt(end))
        .select((sales::till_id, sales::sold_at, sales::total))
        .load(conn)?;
    for (till_id, at, total) in sold {
        let r = row(&mut rows, &names, till_id, at);
        r.sales = r.sales.saturating_add(1);
        r.gross = add(r.gross, total);
    }
    let refunded: Vec<(i32, i64, chrono::NaiveDateTime, String, i64)> = refunds::table
        .filter(refunds::outlet_id.eq(outlet_id))
        .filter(refunds::refunded_at.ge(start))
        .filter(refunds::refunded_at.lt(end))
        .order(refunds::refunded_at.desc())
        .select((
            refunds::till_id,
            refunds::receipt_no,
            refunds::refunded_at,
            refunds::reason,
            refunds::total,
        ))
        .load(conn)?;
    let mut refund_rows = Vec::with_capacity(refunded.len());
    for (till_id, no, at, reason, total) in refunded {
        let r = row(&mut rows, &names, till_id, at);
        r.refunds = r.refunds.saturating_add(1);
        r.refunded = add(r.refunded, total);
        refund_rows.push(RefundRow {
            receipt: format!("T{till_id}-{no:06}"),
            refunded_at: at.and_utc(),
            reason,
            total: Dong::new(total),
        });
    }
    // Newest day first, tills in order within a day.
    let mut by_day_till: Vec<DayTill> = rows.into_values().collect();
    by_day_till.sort_by(|a, b| b.day.cmp(&a.day).then(a.till_id.cmp(&b.till_id)));

    let opened: Vec<(i32, String, i32, chrono::NaiveDateTime)> = shifts::table
        .filter(shifts::outlet_id.eq(outlet_id))
        .filter(shifts::opened_at.ge(start))
        .filter(shifts::opened_at.lt(end))
        .order(shifts::opened_at.desc())
        .select((shifts::id, shifts::uuid, shifts::till_id, shifts::opened_at))
        .load(conn)?;
    let mut shift_rows = Vec::with_capacity(opened.len());
    for (id, uuid, till_id, opened_at) in opened {
        let closing: Option<(chrono::NaiveDateTime, i64, i64)> = shift_closings::table
            .filter(shift_closings::shift_id.eq(id))
            .select((
                shift_closings::closed_at,
                shift_closings::net_sales,
                shift_closings::total_variance,
            ))
            .first(conn)
            .optional()?;
        let acknowledged = shift_acknowledgements::table
            .filter(shift_acknowledgements::shift_id.eq(id))
            .select(shift_acknowledgements::id)
            .first::<i32>(conn)
            .optional()?
            .is_some();
        shift_rows.push(ShiftRow {
            uuid,
            till_name: name(till_id),
            opened_at: opened_at.and_utc(),
            closed_at: closing.map(|c| c.0.and_utc()),
            net_sales: closing.map(|c| Dong::new(c.1)),
            total_variance: closing.map(|c| Dong::new(c.2)),
            acknowledged,
        });
    }

    let reports: Vec<String> = daily_closings::table
        .filter(daily_closings::outlet_id.eq(outlet_id))
        .filter(daily_closings::day.ge(from))
        .filter(daily_closings::day.le(to))
        .order(daily_closings::day.desc())
        .select(daily_closings::report)
        .load(conn)?;
    let closings = reports
        .iter()
        .map(|r| {
            serde_json::from_str(r)
                .map_err(|_| ModelError::Db(super::store::corrupt("daily closing")))
        })
        .collect::<Result<_, _>>()?;
    Ok(Overview {
        by_day_till,
        shifts: shift_rows,
        closings,
        refunds: refund_rows,
    })
}
