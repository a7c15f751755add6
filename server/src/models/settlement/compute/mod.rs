//! Computing statements: for a period, each producer × outlet's draft from
//! exactly the sales, refunds, stock documents and adjustments it holds
//! ([`members`]), its figures ([`figures`]) and storing them ([`store`]).
//!
//! A run reads each outlet once and computes its pairs in one transaction
//! (a refused pair stores nothing and does not stop the others); a single
//! pair ([`compute`]) is the same pass restricted to one producer.

pub mod backfill;
pub mod figures;
pub mod members;
mod store;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use ocop_core::refusal::Refusal;
use ocop_core::settlement::Period;
use ocop_core::stock::SettlementPeriod;
use serde::Serialize;

use figures::ts;
pub use figures::{Figures, LineFigures};
use members::Unclaimed;

use super::{Statement, find};
use crate::db::DbConn;
use crate::db::schema::{consignment_agreements as ca, settlement_statements as ss};
use crate::models::error::{ModelError, refuse};
use crate::models::stock::agreement::Agreement;

/// How far before the previous statement (its period's end or its
/// computation, whichever is earlier) an outlet's pass starts reading.
/// Only a scan bound: membership decides what a statement holds. It must
/// exceed the longest a sale can take from its till's clock to a committed
/// ingest; sales dated more than 24 h ahead are refused as implausible.
pub const READ_BACK_DAYS: i64 = 2;

/// The outcome of computing one pair.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub enum RunOutcome {
    /// Computed (or recomputed) as a draft.
    Computed(i32),
    /// The agreement settles by quarter and this month does not end one.
    NotDue,
    /// Already approved: left as it is.
    Fixed(i32),
    /// Refused (discrepancy, previous statement not approved…).
    Refused(String),
}

/// The agreement of a pair that governs `period`: the latest one overlapping
/// it.
fn governing_agreement(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
    period: Period,
) -> QueryResult<Option<Agreement>> {
    let all: Vec<Agreement> = ca::table
        .filter(ca::producer_id.eq(producer_id))
        .filter(ca::outlet_id.eq(outlet_id))
        .select(Agreement::as_select())
        .order(ca::starts_on.desc())
        .load(conn)?;
    Ok(all.into_iter().find(|a| {
        a.starts_on < period.end_day() && a.ends_on.is_none_or(|e| e >= period.first_day())
    }))
}

/// A pair whose statement is due in this run.
struct Due {
    producer_id: i32,
    agreement: Agreement,
    period: Period,
    /// The previous statement (fixed): where this one starts.
    prev: Option<Statement>,
    /// This period's draft, being recomputed.
    same: Option<Statement>,
}

/// Whether the pair's statement for `month` can be computed now: `None`
/// when not due (a quarterly agreement mid-quarter).
fn due(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
    month: Period,
) -> Result<Option<Due>, ModelError> {
    let Some(agreement) = governing_agreement(conn, producer_id, outlet_id, month)? else {
        return refuse(Refusal::not_found(
            "no_agreement",
            "Chủ thể và điểm bán này không có hợp đồng ký gửi trong kỳ.",
            "This producer and outlet have no consignment agreement in the period.",
        ));
    };
    // Statements computed before members were recorded get theirs first,
    // or the pair is refused (`statement_members_missing`).
    backfill::pair(conn, producer_id, outlet_id)?;
    let kind: SettlementPeriod = agreement
        .settlement_period
        .parse()
        .unwrap_or(SettlementPeriod::Monthly);
    let Some(period) = Period::for_run(month, kind) else {
        return Ok(None);
    };
    let all: Vec<Statement> = ss::table
        .filter(ss::producer_id.eq(producer_id))
        .filter(ss::outlet_id.eq(outlet_id))
        .select(Statement::as_select())
        .order(ss::period_start)
        .load(conn)?;
    let start = period.first_day();
    if all.iter().any(|s| s.period_start > start) {
        return refuse(Refusal::conflict(
            "later_statement_exists",
            "Đã có bảng quyết toán của kỳ sau cho chủ thể và điểm bán này.",
            "A later period's statement already exists for this producer and outlet.",
        ));
    }
    let same = all.iter().find(|s| s.period_start == start).cloned();
    if let Some(s) = &same
        && s.status().is_fixed()
    {
        return refuse(fixed(s));
    }
    let prev = all.into_iter().rev().find(|s| s.period_start < start);
    if let Some(p) = &prev
        && !p.status().is_fixed()
    {
        return refuse(Refusal::conflict(
            "previous_statement_not_approved",
            format!("Bảng quyết toán kỳ {} chưa được duyệt.", p.period),
            format!("The statement of {} is not approved yet.", p.period),
        ));
    }
    Ok(Some(Due {
        producer_id,
        agreement,
        period,
        prev,
        same,
    }))
}

fn fixed(s: &Statement) -> Refusal {
    Refusal::conflict(
        "statement_fixed",
        format!(
            "Bảng quyết toán kỳ {} đã duyệt, không thay đổi được; điều chỉnh ở kỳ sau.",
            s.period
        ),
        format!(
            "The statement of {} is approved and cannot change; correct it in a later statement.",
            s.period
        ),
    )
}

/// Each pair's result: the draft, `None` when not due, or why not.
pub type PairResult = Result<Option<Statement>, ModelError>;

/// Computes (or recomputes) the drafts of `producers` at `outlet_id` for
/// `month` (a quarterly agreement's quarter is run with its last month), as
/// of `now`, reading the outlet once. A pair is refused if its statement is
/// already approved, if the previous one is not, or if a row breaks the
/// identity or a sale's lines disagree with its ledger entries (the
/// discrepancy is listed with the entries behind it); a refused pair stores
/// nothing. Only database errors fail the whole pass.
pub fn compute_outlet(
    conn: &mut DbConn,
    outlet_id: i32,
    producers: &BTreeSet<i32>,
    month: Period,
    now: DateTime<Utc>,
    by: Option<i32>,
) -> Result<Vec<(i32, PairResult)>, ModelError> {
    let mut out: Vec<(i32, PairResult)> = Vec::new();
    let mut dues = Vec::new();
    for p in producers {
        match due(conn, *p, outlet_id, month) {
            Ok(Some(d)) => dues.push(d),
            Ok(None) => out.push((*p, Ok(None))),
            Err(e @ ModelError::Refused(_)) => out.push((*p, Err(e))),
            Err(e) => return Err(e),
        }
    }
    if dues.is_empty() {
        return Ok(out);
    }
    let recomputing: BTreeSet<i32> = dues
        .iter()
        .filter_map(|d| d.same.as_ref())
        .map(|s| s.id)
        .collect();
    let end = dues
        .iter()
        .map(|d| ts(d.period.bounds().1))
        .max()
        .unwrap_or_else(|| ts(now));
    // Read from before the earliest previous statement; a pair without one
    // reads the outlet's whole history.
    let since = dues
        .iter()
        .map(|d| {
            d.prev.as_ref().map(|p| {
                let end = ts(ocop_core::time::vn_day_bounds(p.period_end).0);
                end.min(p.computed_at) - TimeDelta::days(READ_BACK_DAYS)
            })
        })
        .collect::<Option<Vec<_>>>()
        .and_then(|v| v.into_iter().min());
    let wanted: BTreeSet<i32> = dues.iter().map(|d| d.producer_id).collect();
    let mut unclaimed = Unclaimed::load(conn, outlet_id, &wanted, end, since, None, &recomputing)?;
    for d in dues {
        let inputs = unclaimed.take(d.producer_id);
        let f = match figures::figures(
            conn,
            d.producer_id,
            outlet_id,
            d.period,
            &d.agreement,
            d.prev.as_ref(),
            &inputs,
            ts(now),
        ) {
            Ok(f) => f,
            Err(e @ ModelError::Refused(_)) => {
                out.push((d.producer_id, Err(e)));
                continue;
            }
            Err(e) => return Err(e),
        };
        let id = store::store(
            conn,
            &f,
            &d.agreement,
            d.period,
            d.prev.as_ref(),
            d.same.as_ref(),
            ts(now),
            ts(now),
            by,
        )?;
        members::record(conn, id, outlet_id, d.producer_id, &inputs)?;
        out.push((d.producer_id, Ok(Some(find(conn, id)?))));
    }
    Ok(out)
}

/// Computes (or recomputes) the draft statement of `producer_id` at
/// `outlet_id` for `month`, as of `now` (see [`compute_outlet`]).
pub fn compute(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
    month: Period,
    now: DateTime<Utc>,
    by: Option<i32>,
) -> PairResult {
    let one = BTreeSet::from([producer_id]);
    compute_outlet(conn, outlet_id, &one, month, now, by)?
        .pop()
        .map_or(Ok(None), |(_, r)| r)
}

/// Recomputes a statement's figures from exactly the sources it holds, with
/// its own previous statement, agreement and computation time, without
/// storing anything: the canonical JSON and its SHA-256, to compare byte for
/// byte with what was stored.
pub fn recompute_figures(conn: &mut DbConn, id: i32) -> Result<(String, String), ModelError> {
    let s = find(conn, id)?;
    let period: Period =
        s.period
            .parse()
            .map_err(|e: ocop_core::settlement::SettlementError| {
                use ocop_core::i18n::UserError as _;
                ModelError::Refused(e.refusal())
            })?;
    let agreement = crate::models::stock::agreement::find(conn, s.agreement_id)?;
    let prev = match s.prev_statement_id {
        Some(p) => Some(find(conn, p)?),
        None => None,
    };
    let inputs = members::of_statement(conn, s.id, s.outlet_id, s.producer_id)?;
    let f = figures::figures(
        conn,
        s.producer_id,
        s.outlet_id,
        period,
        &agreement,
        prev.as_ref(),
        &inputs,
        s.cutoff_at,
    )?;
    Ok(f.canonical())
}

/// Runs `month` for every agreement overlapping it (optionally one outlet),
/// one transaction per outlet, calling `progress(done, total)` after each
/// outlet with the pairs done so far.
pub fn run_period(
    db: &crate::db::Db,
    month: Period,
    outlet: Option<i32>,
    now: DateTime<Utc>,
    by: Option<i32>,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<(i32, i32, RunOutcome)>, ModelError> {
    let by_outlet: BTreeMap<i32, BTreeSet<i32>> = {
        let mut conn = db.conn()?;
        let mut q = ca::table
            .filter(ca::starts_on.lt(month.end_day()))
            .filter(ca::ends_on.is_null().or(ca::ends_on.ge(month.first_day())))
            .select((ca::producer_id, ca::outlet_id))
            .into_boxed();
        if let Some(o) = outlet {
            q = q.filter(ca::outlet_id.eq(o));
        }
        let mut m: BTreeMap<i32, BTreeSet<i32>> = BTreeMap::new();
        for (p, o) in q.load::<(i32, i32)>(&mut conn)? {
            m.entry(o).or_default().insert(p);
        }
        m
    };
    let total = by_outlet.values().map(BTreeSet::len).sum();
    let mut out = Vec::with_capacity(total);
    for (outlet_id, producers) in by_outlet {
        let results = db.write(|c| compute_outlet(c, outlet_id, &producers, month, now, by))?;
        for (producer_id, r) in results {
            let outcome = match r {
                Ok(Some(s)) => RunOutcome::Computed(s.id),
                Ok(None) => RunOutcome::NotDue,
                Err(ModelError::Refused(r)) if r.code() == "statement_fixed" => {
                    let id = ss::table
                        .filter(ss::producer_id.eq(producer_id))
                        .filter(ss::outlet_id.eq(outlet_id))
                        .filter(ss::period_start.le(month.first_day()))
                        .filter(ss::period_end.ge(month.end_day()))
                        .select(ss::id)
                        .first::<i32>(&mut db.conn()?)
                        .unwrap_or(0);
                    RunOutcome::Fixed(id)
                }
                Err(ModelError::Refused(r)) => RunOutcome::Refused(r.to_string()),
                Err(e) => return Err(e),
            };
            out.push((producer_id, outlet_id, outcome));
        }
        progress(out.len(), total);
    }
    out.sort_by_key(|r| (r.0, r.1));
    Ok(out)
}
