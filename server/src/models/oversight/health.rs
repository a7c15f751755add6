//! Where something needs a look: outlets with negative stock, journal
//! problems or a stock ledger that disagrees with stock on hand; tills that
//! have gone silent; counterfeit work per week.
//!
//! The journal and stock checks are the existing ones: the problems stored
//! when a receipt arrived (`journal_problems`, written by
//! [`crate::models::sale::journal`]), the full chain walk of
//! [`crate::models::sale::journal::verify`] on request (it reads every sale),
//! and [`crate::models::stock::verify`].

use std::collections::BTreeMap;

use chrono::{Datelike as _, NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{
    cases, fake_reports, journal_problems, label_scans, outlets, refunds, sales, shifts,
    stock_on_hand, tills,
};

/// One outlet and what is wrong there.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OutletHealth {
    pub outlet_id: i32,
    pub outlet: String,
    pub district_code: String,
    /// (product, lot, owner) keys with less than nothing on hand.
    pub negative_keys: i64,
    /// Journal problems found on arrival, by kind (`gap`, `broken_link`…).
    pub journal: BTreeMap<String, i64>,
    /// Problems found by walking the chains now (only when asked).
    pub chain: BTreeMap<String, i64>,
    /// Keys where stock on hand disagrees with the sum of the ledger.
    pub ledger_mismatches: i64,
}

impl OutletHealth {
    pub fn is_clean(&self) -> bool {
        self.negative_keys == 0
            && self.journal.is_empty()
            && self.chain.is_empty()
            && self.ledger_mismatches == 0
    }
}

/// Every outlet with a problem, by outlet. `walk_chains` also walks every
/// till's journal (reads every sale: slower on a big database).
pub fn outlets_with_problems(
    conn: &mut DbConn,
    district: Option<&str>,
    walk_chains: bool,
) -> QueryResult<Vec<OutletHealth>> {
    let mut q = outlets::table.into_boxed();
    if let Some(d) = district {
        q = q.filter(outlets::district_code.eq(d.to_owned()));
    }
    let list: Vec<(i32, String, String)> = q
        .order(outlets::id)
        .select((outlets::id, outlets::name, outlets::district_code))
        .load(conn)?;
    let mut by_outlet: BTreeMap<i32, OutletHealth> = list
        .into_iter()
        .map(|(outlet_id, outlet, district_code)| {
            (
                outlet_id,
                OutletHealth {
                    outlet_id,
                    outlet,
                    district_code,
                    ..OutletHealth::default()
                },
            )
        })
        .collect();
    let negative: Vec<(i32, i64)> = stock_on_hand::table
        .filter(stock_on_hand::qty_milli.lt(0))
        .group_by(stock_on_hand::outlet_id)
        .select((stock_on_hand::outlet_id, diesel::dsl::count_star()))
        .load(conn)?;
    for (outlet, n) in negative {
        if let Some(h) = by_outlet.get_mut(&outlet) {
            h.negative_keys = n;
        }
    }
    let till_outlet: BTreeMap<i32, i32> = tills::table
        .select((tills::id, tills::outlet_id))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect();
    let stored: Vec<(i32, String, i64)> = journal_problems::table
        .group_by((journal_problems::till_id, journal_problems::kind))
        .select((
            journal_problems::till_id,
            journal_problems::kind,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    for (till, kind, n) in stored {
        if let Some(h) = till_outlet.get(&till).and_then(|o| by_outlet.get_mut(o)) {
            let e = h.journal.entry(kind).or_default();
            *e = e.saturating_add(n);
        }
    }
    if walk_chains {
        for till in crate::models::sale::journal::verify(conn, None)? {
            let Some(h) = till_outlet
                .get(&till.till_id)
                .and_then(|o| by_outlet.get_mut(o))
            else {
                continue;
            };
            for f in till.findings {
                let e = h.chain.entry(f.kind).or_default();
                *e = e.saturating_add(1);
            }
        }
    }
    for m in crate::models::stock::verify(conn)? {
        if let Some(h) = by_outlet.get_mut(&m.outlet_id) {
            h.ledger_mismatches = h.ledger_mismatches.saturating_add(1);
        }
    }
    Ok(by_outlet.into_values().filter(|h| !h.is_clean()).collect())
}

/// A till and when the server last heard from it.
#[derive(Debug, Clone, Serialize)]
pub struct TillSeen {
    pub till_id: i32,
    pub till: String,
    pub outlet_id: i32,
    pub outlet: String,
    pub district_code: String,
    /// The latest arrival of a sale or refund, or the opening of a shift
    /// (UTC); `None` when it never sent anything.
    pub last_seen: Option<NaiveDateTime>,
    /// The till's registration (UTC).
    pub registered_at: NaiveDateTime,
}

/// Tills not heard from since `now - silent_for`, longest silent first
/// (never-heard tills first of all). What the server stores per till is
/// read as it is: the arrival time of its sales and refunds and the
/// opening of its shifts; nothing is written on the checkout path for it.
pub fn silent_tills(
    conn: &mut DbConn,
    now: NaiveDateTime,
    silent_for: TimeDelta,
    district: Option<&str>,
) -> QueryResult<Vec<TillSeen>> {
    let mut q = tills::table
        .inner_join(outlets::table.on(outlets::id.eq(tills::outlet_id)))
        .into_boxed();
    if let Some(d) = district {
        q = q.filter(outlets::district_code.eq(d.to_owned()));
    }
    let list: Vec<(i32, String, NaiveDateTime, i32, String, String)> = q
        .order(tills::id)
        .select((
            tills::id,
            tills::name,
            tills::created_at,
            outlets::id,
            outlets::name,
            outlets::district_code,
        ))
        .load(conn)?;
    let mut last: BTreeMap<i32, NaiveDateTime> = BTreeMap::new();
    let mut note = |rows: Vec<(i32, Option<NaiveDateTime>)>| {
        for (till, at) in rows {
            if let Some(at) = at {
                let e = last.entry(till).or_insert(at);
                if at > *e {
                    *e = at;
                }
            }
        }
    };
    note(
        sales::table
            .group_by(sales::till_id)
            .select((sales::till_id, diesel::dsl::max(sales::received_at)))
            .load(conn)?,
    );
    note(
        refunds::table
            .group_by(refunds::till_id)
            .select((refunds::till_id, diesel::dsl::max(refunds::received_at)))
            .load(conn)?,
    );
    note(
        shifts::table
            .group_by(shifts::till_id)
            .select((shifts::till_id, diesel::dsl::max(shifts::opened_at)))
            .load(conn)?,
    );
    let since = now.checked_sub_signed(silent_for).unwrap_or(now);
    let mut out: Vec<TillSeen> = list
        .into_iter()
        .map(
            |(till_id, till, registered_at, outlet_id, outlet, district_code)| TillSeen {
                till_id,
                till,
                outlet_id,
                outlet,
                district_code,
                last_seen: last.get(&till_id).copied(),
                registered_at,
            },
        )
        .filter(|t| t.last_seen.is_none_or(|at| at < since))
        .collect();
    out.sort_by_key(|t| (t.last_seen, t.till_id));
    Ok(out)
}

/// Counterfeit work in one week (Monday to Sunday, Vietnam).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WeekCounts {
    pub week_of: NaiveDate,
    /// Cases opened.
    pub cases: i64,
    /// Suspected fakes reported by the public.
    pub reports: i64,
    /// Scans of a label not issued here, of a recalled lot or of a
    /// suspended producer.
    pub warning_scans: i64,
}

/// The label statuses counted as warnings (the codes of
/// `ocop_core::provenance::LabelStatus`).
pub const WARNING_STATUSES: [&str; 3] = ["not_registered", "recalled_lot", "producer_suspended"];

/// The Monday of the Vietnamese week holding a UTC time.
pub fn week_of(at: NaiveDateTime) -> NaiveDate {
    let day = ocop_core::time::vn_date(at.and_utc());
    let back = u64::from(day.weekday().num_days_from_monday());
    day.checked_sub_days(chrono::Days::new(back)).unwrap_or(day)
}

/// Counts per week for the `weeks` weeks ending with the one holding
/// `now`, oldest first; weeks with nothing are kept (a zero is a fact).
pub fn weekly_signals(
    conn: &mut DbConn,
    now: NaiveDateTime,
    weeks: u32,
) -> QueryResult<Vec<WeekCounts>> {
    let last = week_of(now);
    let first = last
        .checked_sub_days(chrono::Days::new(
            u64::from(weeks.saturating_sub(1)).saturating_mul(7),
        ))
        .unwrap_or(last);
    let (start, _) = ocop_core::time::vn_day_bounds(first);
    let start = start.naive_utc();
    let mut out: BTreeMap<NaiveDate, WeekCounts> = BTreeMap::new();
    for i in 0..weeks {
        let Some(day) = first.checked_add_days(chrono::Days::new(u64::from(i).saturating_mul(7)))
        else {
            break;
        };
        out.insert(
            day,
            WeekCounts {
                week_of: day,
                ..WeekCounts::default()
            },
        );
    }
    let opened: Vec<NaiveDateTime> = cases::table
        .filter(cases::created_at.ge(start))
        .select(cases::created_at)
        .load(conn)?;
    let reported: Vec<NaiveDateTime> = fake_reports::table
        .filter(fake_reports::reported_at.ge(start))
        .select(fake_reports::reported_at)
        .load(conn)?;
    let scanned: Vec<NaiveDateTime> = label_scans::table
        .filter(label_scans::scanned_at.ge(start))
        .filter(label_scans::status.eq_any(WARNING_STATUSES))
        .select(label_scans::scanned_at)
        .load(conn)?;
    for at in opened {
        if let Some(w) = out.get_mut(&week_of(at)) {
            w.cases = w.cases.saturating_add(1);
        }
    }
    for at in reported {
        if let Some(w) = out.get_mut(&week_of(at)) {
            w.reports = w.reports.saturating_add(1);
        }
    }
    for at in scanned {
        if let Some(w) = out.get_mut(&week_of(at)) {
            w.warning_scans = w.warning_scans.saturating_add(1);
        }
    }
    Ok(out.into_values().collect())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::week_of;

    fn at(s: &str) -> chrono::NaiveDateTime {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap_or_default()
    }

    #[test]
    fn weeks_are_vietnamese_weeks() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30);
        // Sunday 16:59 UTC is still Sunday 23:59 in Vietnam: the week before.
        assert_eq!(
            Some(week_of(at("2026-11-29 16:59:59"))),
            NaiveDate::from_ymd_opt(2026, 11, 23)
        );
        // Sunday 17:00 UTC is Monday 00:00 in Vietnam.
        assert_eq!(Some(week_of(at("2026-11-29 17:00:00"))), monday);
        assert_eq!(Some(week_of(at("2026-12-06 16:59:59"))), monday);
    }
}
