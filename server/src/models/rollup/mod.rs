//! Daily sales rollups for the Department's dashboard (issue 17): per
//! outlet × product × Vietnam day, per outlet × producer × day (receipts
//! holding the producer's goods) and per outlet × day (receipts, each sale
//! once). The definitions are the Z reports' and the outlet overview's: a
//! sale counts on its own day (`sold_at`, in Vietnam time) for its line
//! amounts (the total is the sum of the lines), a refund on the refund's day
//! (`refunded_at`), apart; how a sale was paid does not matter here, so a
//! pending transfer is never counted as money received — these are sales,
//! not takings.
//!
//! **Off the checkout path.** Nothing here runs in a sale's or refund's
//! transaction, and no row a sale writes or locks belongs to it: the
//! server's background pass ([`catch_up`], every few seconds) reads the raw
//! rows that arrived since the last pass and recomputes, from the raw rows,
//! the (outlet, day) pairs they touch, in its own short transactions.
//! Recomputing a pair replaces it whole, so any rescan is harmless; a sale
//! made offline three days ago, or a refund of last month's sale, only
//! marks its own (outlet, day) to recompute.
//!
//! **Out-of-order commits.** On PostgreSQL two transactions can commit ids
//! out of order (id 11 visible before id 10), so "everything above the last
//! id seen" would skip id 10 for good. A cursor per raw table records the id
//! up to which *every* id has been seen; rows above a gap are recomputed
//! (and will be again next pass) but the cursor stops at the gap until the
//! missing id appears or the gap is older than [`GAP_GRACE_SECS`] (an id a
//! rolled-back transaction consumed never appears; no write transaction
//! here lasts minutes).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer};
use ocop_core::time::{vn_date, vn_day_bounds};

use crate::db::DbConn;
use crate::db::schema::{
    refunds, rollup_cursors, rollup_outlet_days, rollup_producer_days, rollup_product_days, sales,
};
use crate::models::error::ModelError;

pub mod dashboard;
#[cfg(test)]
mod tests;

/// A gap in the ids older than this is an id that will never appear.
pub const GAP_GRACE_SECS: i64 = 300;

/// Raw rows read per pass and table.
pub const BATCH: i64 = 5_000;

/// (outlet, Vietnam day).
pub type Pair = (i32, NaiveDate);

/// One outlet × product × day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Queryable)]
pub struct ProductDay {
    pub sold_milli: i64,
    pub revenue: i64,
    pub receipts: i32,
    pub refunded_milli: i64,
    pub refunded: i64,
    pub refunds: i32,
}

/// One outlet × day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Queryable)]
pub struct OutletDay {
    pub receipts: i32,
    pub gross: i64,
    pub refunds: i32,
    pub refunded: i64,
}

/// The rollups of some (outlet, day) pairs, as stored or as the raw rows
/// say they should be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub products: BTreeMap<(i32, i32, NaiveDate), ProductDay>,
    pub producers: BTreeMap<(i32, i32, NaiveDate), i32>,
    pub outlets: BTreeMap<Pair, OutletDay>,
}

/// Which raw rows: an optional outlet and the Vietnam days `from..until`.
#[derive(Debug, Clone, Copy)]
struct Scope {
    outlet: Option<i32>,
    from: NaiveDate,
    until: NaiveDate,
}

impl Scope {
    fn time_bounds(&self) -> (NaiveDateTime, NaiveDateTime) {
        (
            vn_day_bounds(self.from).0.naive_utc(),
            vn_day_bounds(self.until).0.naive_utc(),
        )
    }

    /// The WHERE clause on `alias`'s time column. Only numbers and
    /// timestamps this module formats go into the text.
    fn sql(&self, alias: &str, time_col: &str) -> String {
        let (a, b) = self.time_bounds();
        let f = "%Y-%m-%d %H:%M:%S";
        let mut w = format!(
            "{alias}.{time_col} >= '{}' AND {alias}.{time_col} < '{}'",
            a.format(f),
            b.format(f)
        );
        if let Some(o) = self.outlet {
            w.push_str(&format!(" AND {alias}.outlet_id = {o}"));
        }
        w
    }
}

/// The Vietnam day of a timestamp column, in each backend's SQL.
fn day_sql(conn: &DbConn, col: &str) -> String {
    match conn {
        DbConn::Sqlite(_) => format!("date({col}, '+7 hours')"),
        DbConn::Postgres(_) => format!("CAST({col} + INTERVAL '7 hours' AS DATE)"),
    }
}

#[derive(QueryableByName)]
struct KeyedSums {
    #[diesel(sql_type = Integer)]
    outlet_id: i32,
    #[diesel(sql_type = Integer)]
    key_id: i32,
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    qty: i64,
    #[diesel(sql_type = BigInt)]
    amount: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// A raw side of the product rollup: header table, lines table, the
/// lines' key to the header, the header's time, and where its sums go.
type Side = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    fn(&mut ProductDay, &KeyedSums),
);

fn count(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The figures of `scope` computed from the raw rows. Sums are cast back
/// to BIGINT (PostgreSQL's SUM of BIGINT is NUMERIC).
fn raw(conn: &mut DbConn, scope: Scope) -> QueryResult<Figures> {
    let mut out = Figures::default();
    let sday = day_sql(conn, "s.sold_at");
    let rday = day_sql(conn, "r.refunded_at");
    let (sw, rw) = (scope.sql("s", "sold_at"), scope.sql("r", "refunded_at"));
    // Sale lines on their sale's day, refund lines on their refund's day.
    let sides: [Side; 2] = [
        ("sales", "sale_lines", "sale_id", "sold_at", |e, k| {
            e.sold_milli = k.qty;
            e.revenue = k.amount;
            e.receipts = count(k.n);
        }),
        (
            "refunds",
            "refund_lines",
            "refund_id",
            "refunded_at",
            |e, k| {
                e.refunded_milli = k.qty;
                e.refunded = k.amount;
                e.refunds = count(k.n);
            },
        ),
    ];
    for (head, lines, fk, at, set) in sides {
        let day = day_sql(conn, &format!("h.{at}"));
        let w = scope.sql("h", at);
        let sums: Vec<KeyedSums> = diesel::sql_query(format!(
            "SELECT h.outlet_id, l.product_id AS key_id, {day} AS day, \
             CAST(SUM(l.qty_milli) AS BIGINT) AS qty, CAST(SUM(l.amount) AS BIGINT) AS amount, \
             CAST(COUNT(DISTINCT h.id) AS BIGINT) AS n \
             FROM {head} h JOIN {lines} l ON l.{fk} = h.id WHERE {w} \
             GROUP BY h.outlet_id, l.product_id, {day}"
        ))
        .load(conn)?;
        for k in &sums {
            set(
                out.products
                    .entry((k.outlet_id, k.key_id, k.day))
                    .or_default(),
                k,
            );
        }
    }
    let by_producer: Vec<KeyedSums> = diesel::sql_query(format!(
        "SELECT s.outlet_id, p.producer_id AS key_id, {sday} AS day, \
         CAST(0 AS BIGINT) AS qty, CAST(0 AS BIGINT) AS amount, \
         CAST(COUNT(DISTINCT s.id) AS BIGINT) AS n \
         FROM sales s JOIN sale_lines l ON l.sale_id = s.id \
         JOIN products p ON p.id = l.product_id WHERE {sw} \
         GROUP BY s.outlet_id, p.producer_id, {sday}"
    ))
    .load(conn)?;
    for k in by_producer {
        out.producers
            .insert((k.outlet_id, k.key_id, k.day), count(k.n));
    }
    let receipts: Vec<KeyedSums> = diesel::sql_query(format!(
        "SELECT s.outlet_id, 0 AS key_id, {sday} AS day, CAST(0 AS BIGINT) AS qty, \
         CAST(SUM(s.total) AS BIGINT) AS amount, CAST(COUNT(*) AS BIGINT) AS n \
         FROM sales s WHERE {sw} GROUP BY s.outlet_id, {sday}"
    ))
    .load(conn)?;
    for k in receipts {
        let e = out.outlets.entry((k.outlet_id, k.day)).or_default();
        e.receipts = count(k.n);
        e.gross = k.amount;
    }
    let refunded: Vec<KeyedSums> = diesel::sql_query(format!(
        "SELECT r.outlet_id, 0 AS key_id, {rday} AS day, CAST(0 AS BIGINT) AS qty, \
         CAST(SUM(r.total) AS BIGINT) AS amount, CAST(COUNT(*) AS BIGINT) AS n \
         FROM refunds r WHERE {rw} GROUP BY r.outlet_id, {rday}"
    ))
    .load(conn)?;
    for k in refunded {
        let e = out.outlets.entry((k.outlet_id, k.day)).or_default();
        e.refunds = count(k.n);
        e.refunded = k.amount;
    }
    Ok(out)
}

/// The stored rollups of the days `from..until` (every outlet).
fn stored(conn: &mut DbConn, from: NaiveDate, until: NaiveDate) -> QueryResult<Figures> {
    use rollup_outlet_days as o;
    use rollup_producer_days as pr;
    use rollup_product_days as p;
    let mut out = Figures::default();
    let rows: Vec<(i32, i32, NaiveDate, ProductDay)> = p::table
        .filter(p::day.ge(from).and(p::day.lt(until)))
        .select((
            p::outlet_id,
            p::product_id,
            p::day,
            (
                p::sold_milli,
                p::revenue,
                p::receipts,
                p::refunded_milli,
                p::refunded,
                p::refunds,
            ),
        ))
        .load(conn)?;
    for (o, prod, d, f) in rows {
        out.products.insert((o, prod, d), f);
    }
    let rows: Vec<(i32, i32, NaiveDate, i32)> = pr::table
        .filter(pr::day.ge(from).and(pr::day.lt(until)))
        .select((pr::outlet_id, pr::producer_id, pr::day, pr::receipts))
        .load(conn)?;
    for (o, prod, d, n) in rows {
        out.producers.insert((o, prod, d), n);
    }
    let rows: Vec<(i32, NaiveDate, OutletDay)> = o::table
        .filter(o::day.ge(from).and(o::day.lt(until)))
        .select((
            o::outlet_id,
            o::day,
            (o::receipts, o::gross, o::refunds, o::refunded),
        ))
        .load(conn)?;
    for (id, d, f) in rows {
        out.outlets.insert((id, d), f);
    }
    Ok(out)
}

/// Replaces the stored rollups of `scope` with `f` (which holds only rows
/// of that scope).
fn replace(conn: &mut DbConn, scope: Scope, f: &Figures) -> QueryResult<()> {
    use rollup_outlet_days as o;
    use rollup_producer_days as pr;
    use rollup_product_days as p;
    match scope.outlet {
        Some(id) => {
            diesel::delete(
                p::table.filter(
                    p::outlet_id
                        .eq(id)
                        .and(p::day.ge(scope.from))
                        .and(p::day.lt(scope.until)),
                ),
            )
            .execute(conn)?;
            diesel::delete(
                pr::table.filter(
                    pr::outlet_id
                        .eq(id)
                        .and(pr::day.ge(scope.from))
                        .and(pr::day.lt(scope.until)),
                ),
            )
            .execute(conn)?;
            diesel::delete(
                o::table.filter(
                    o::outlet_id
                        .eq(id)
                        .and(o::day.ge(scope.from))
                        .and(o::day.lt(scope.until)),
                ),
            )
            .execute(conn)?;
        }
        None => {
            diesel::delete(p::table.filter(p::day.ge(scope.from).and(p::day.lt(scope.until))))
                .execute(conn)?;
            diesel::delete(pr::table.filter(pr::day.ge(scope.from).and(pr::day.lt(scope.until))))
                .execute(conn)?;
            diesel::delete(o::table.filter(o::day.ge(scope.from).and(o::day.lt(scope.until))))
                .execute(conn)?;
        }
    }
    // Multi-row INSERTs of numbers and dates this function formats (the
    // MultiConnection has no batch insert).
    let products: Vec<String> = f
        .products
        .iter()
        .map(|(&(outlet, product, day), v)| {
            format!(
                "({outlet}, {product}, '{day}', {}, {}, {}, {}, {}, {})",
                v.sold_milli, v.revenue, v.receipts, v.refunded_milli, v.refunded, v.refunds
            )
        })
        .collect();
    insert_rows(
        conn,
        "rollup_product_days (outlet_id, product_id, day, sold_milli, revenue, receipts, \
         refunded_milli, refunded, refunds)",
        &products,
    )?;
    let producers: Vec<String> = f
        .producers
        .iter()
        .map(|(&(outlet, producer, day), &n)| format!("({outlet}, {producer}, '{day}', {n})"))
        .collect();
    insert_rows(
        conn,
        "rollup_producer_days (outlet_id, producer_id, day, receipts)",
        &producers,
    )?;
    let outlets: Vec<String> = f
        .outlets
        .iter()
        .map(|(&(outlet, day), v)| {
            format!(
                "({outlet}, '{day}', {}, {}, {}, {})",
                v.receipts, v.gross, v.refunds, v.refunded
            )
        })
        .collect();
    insert_rows(
        conn,
        "rollup_outlet_days (outlet_id, day, receipts, gross, refunds, refunded)",
        &outlets,
    )?;
    Ok(())
}

fn insert_rows(conn: &mut DbConn, into: &str, rows: &[String]) -> QueryResult<()> {
    for chunk in rows.chunks(500) {
        diesel::sql_query(format!("INSERT INTO {into} VALUES {}", chunk.join(", ")))
            .execute(conn)?;
    }
    Ok(())
}

/// Recomputes one (outlet, day) pair from the raw rows.
pub fn recompute(conn: &mut DbConn, (outlet, day): Pair) -> QueryResult<()> {
    let scope = Scope {
        outlet: Some(outlet),
        from: day,
        until: day.succ_opt().unwrap_or(day),
    };
    let f = raw(conn, scope)?;
    replace(conn, scope, &f)
}

/// The raw tables the rollups read, with their cursor's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Sales,
    Refunds,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Sales => "sales",
            Source::Refunds => "refunds",
        }
    }

    /// (id, outlet, when it happened, when it arrived) above `after`.
    fn above(
        self,
        conn: &mut DbConn,
        after: i32,
        limit: i64,
    ) -> QueryResult<Vec<(i32, i32, NaiveDateTime, NaiveDateTime)>> {
        match self {
            Source::Sales => sales::table
                .filter(sales::id.gt(after))
                .order(sales::id)
                .limit(limit)
                .select((
                    sales::id,
                    sales::outlet_id,
                    sales::sold_at,
                    sales::received_at,
                ))
                .load(conn),
            Source::Refunds => refunds::table
                .filter(refunds::id.gt(after))
                .order(refunds::id)
                .limit(limit)
                .select((
                    refunds::id,
                    refunds::outlet_id,
                    refunds::refunded_at,
                    refunds::received_at,
                ))
                .load(conn),
        }
    }

    fn max_id(self, conn: &mut DbConn) -> QueryResult<i32> {
        let m: Option<i32> = match self {
            Source::Sales => sales::table
                .select(diesel::dsl::max(sales::id))
                .first(conn)?,
            Source::Refunds => refunds::table
                .select(diesel::dsl::max(refunds::id))
                .first(conn)?,
        };
        Ok(m.unwrap_or(0))
    }
}

const SOURCES: [Source; 2] = [Source::Sales, Source::Refunds];

fn cursor(conn: &mut DbConn, s: Source) -> QueryResult<i32> {
    Ok(rollup_cursors::table
        .find(s.name())
        .select(rollup_cursors::last_id)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

fn set_cursor(conn: &mut DbConn, s: Source, last_id: i32, now: NaiveDateTime) -> QueryResult<()> {
    let n = diesel::update(rollup_cursors::table.find(s.name()))
        .set((
            rollup_cursors::last_id.eq(last_id),
            rollup_cursors::checked_at.eq(now),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(rollup_cursors::table)
            .values((
                rollup_cursors::source.eq(s.name()),
                rollup_cursors::last_id.eq(last_id),
                rollup_cursors::checked_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pass {
    /// Raw rows read.
    pub rows: usize,
    /// (outlet, day) pairs recomputed.
    pub pairs: usize,
    /// Whether more rows wait (the batch was full).
    pub more: bool,
}

/// The pairs the raw rows above each cursor touch, and how far each
/// cursor may move: to the end of the run of consecutive ids, past a gap
/// only when the row after it arrived more than [`GAP_GRACE_SECS`] ago.
pub fn pending(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<PendingWork> {
    let mut work = PendingWork::default();
    for s in SOURCES {
        let from = cursor(conn, s)?;
        let rows = s.above(conn, from, BATCH)?;
        work.rows += rows.len();
        let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= BATCH;
        let mut last = from;
        let mut blocked = false;
        for (id, outlet, at, received) in rows {
            work.pairs.insert((outlet, vn_date(at.and_utc())));
            let next = last.saturating_add(1);
            if !blocked {
                if id == next || received + Duration::seconds(GAP_GRACE_SECS) < now {
                    last = id;
                } else {
                    blocked = true;
                }
            }
        }
        // Go again at once only if the cursor moved (not stuck at a gap).
        work.more |= full && last > from;
        work.cursors.push((s, last));
    }
    Ok(work)
}

/// What a pass has to do.
#[derive(Debug, Clone, Default)]
pub struct PendingWork {
    pairs: BTreeSet<Pair>,
    cursors: Vec<(Source, i32)>,
    rows: usize,
    more: bool,
}

impl PendingWork {
    /// The touched pairs.
    pub fn pairs(&self) -> &BTreeSet<Pair> {
        &self.pairs
    }
}

/// Writes what [`pending`] found: recomputes every touched pair and moves
/// the cursors. One transaction (the caller's).
pub fn apply(conn: &mut DbConn, work: &PendingWork, now: NaiveDateTime) -> QueryResult<Pass> {
    for &pair in &work.pairs {
        recompute(conn, pair)?;
    }
    for &(s, last) in &work.cursors {
        set_cursor(conn, s, last, now)?;
    }
    Ok(Pass {
        rows: work.rows,
        pairs: work.pairs.len(),
        more: work.more,
    })
}

/// One pass in the caller's transaction: [`pending`], then [`apply`].
pub fn catch_up(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Pass> {
    let work = pending(conn, now)?;
    apply(conn, &work, now)
}

/// The rollups' freshness: the last pass that read both raw tables.
pub fn as_of(conn: &mut DbConn) -> QueryResult<Option<NaiveDateTime>> {
    let times: Vec<NaiveDateTime> = rollup_cursors::table
        .select(rollup_cursors::checked_at)
        .load(conn)?;
    if times.len() < SOURCES.len() {
        return Ok(None);
    }
    Ok(times.into_iter().min())
}

/// Seconds the oldest sale not yet rolled up (above the sales cursor) has
/// waited since it arrived; 0 when there is none.
pub fn lag_seconds(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<i64> {
    let from = cursor(conn, Source::Sales)?;
    let oldest: Option<NaiveDateTime> = sales::table
        .filter(sales::id.gt(from))
        .select(diesel::dsl::min(sales::received_at))
        .first(conn)?;
    Ok(oldest.map_or(0, |t| (now - t).num_seconds().max(0)))
}

/// The Vietnam days that hold raw rows (first, last), if any.
fn raw_days(conn: &mut DbConn) -> QueryResult<Option<(NaiveDate, NaiveDate)>> {
    let s: (Option<NaiveDateTime>, Option<NaiveDateTime>) = sales::table
        .select((
            diesel::dsl::min(sales::sold_at),
            diesel::dsl::max(sales::sold_at),
        ))
        .first(conn)?;
    let r: (Option<NaiveDateTime>, Option<NaiveDateTime>) = refunds::table
        .select((
            diesel::dsl::min(refunds::refunded_at),
            diesel::dsl::max(refunds::refunded_at),
        ))
        .first(conn)?;
    let lo = [s.0, r.0].into_iter().flatten().min();
    let hi = [s.1, r.1].into_iter().flatten().max();
    Ok(lo
        .zip(hi)
        .map(|(a, b)| (vn_date(a.and_utc()), vn_date(b.and_utc()))))
}

/// The stored days (first, last), if any.
fn stored_days(conn: &mut DbConn) -> QueryResult<Option<(NaiveDate, NaiveDate)>> {
    use rollup_outlet_days as o;
    use rollup_product_days as p;
    let a: (Option<NaiveDate>, Option<NaiveDate>) = p::table
        .select((diesel::dsl::min(p::day), diesel::dsl::max(p::day)))
        .first(conn)?;
    let b: (Option<NaiveDate>, Option<NaiveDate>) = o::table
        .select((diesel::dsl::min(o::day), diesel::dsl::max(o::day)))
        .first(conn)?;
    let lo = [a.0, b.0].into_iter().flatten().min();
    let hi = [a.1, b.1].into_iter().flatten().max();
    Ok(lo.zip(hi))
}

/// Month-long windows covering `lo..=hi`.
fn windows(lo: NaiveDate, hi: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut from = lo;
    while from <= hi {
        let until = from
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(hi)
            .min(hi.succ_opt().unwrap_or(hi));
        if until <= from {
            break;
        }
        out.push((from, until));
        from = until;
    }
    out
}

/// What a rebuild did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuilt {
    pub windows: usize,
    pub product_days: usize,
    pub outlet_days: usize,
}

/// Rebuilds every rollup from the raw rows, a month at a time, then sets
/// the cursors to the highest ids seen before it started (later rows are
/// the background pass's). For `ocop-server rollup rebuild` and the demo
/// generator. A batch job, not a request: unlike the model functions that
/// run in their caller's transaction, it opens one transaction per month,
/// so a national-scale year is not one enormous transaction.
pub fn rebuild(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Rebuilt> {
    let tops = [Source::Sales.max_id(conn)?, Source::Refunds.max_id(conn)?];
    let span = match (raw_days(conn)?, stored_days(conn)?) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (a, b) => a.or(b),
    };
    let mut done = Rebuilt::default();
    if let Some((lo, hi)) = span {
        for (from, until) in windows(lo, hi) {
            let scope = Scope {
                outlet: None,
                from,
                until,
            };
            let (products, outlets) = conn.transaction(|c| {
                let f = raw(c, scope)?;
                replace(c, scope, &f)?;
                QueryResult::Ok((f.products.len(), f.outlets.len()))
            })?;
            done.windows = done.windows.saturating_add(1);
            done.product_days = done.product_days.saturating_add(products);
            done.outlet_days = done.outlet_days.saturating_add(outlets);
        }
    }
    conn.transaction(|c| {
        for (s, top) in SOURCES.into_iter().zip(tops) {
            // Never move a cursor back past what a pass already covered.
            let at = cursor(c, s)?.max(top);
            set_cursor(c, s, at, now)?;
        }
        QueryResult::Ok(())
    })?;
    Ok(done)
}

/// One difference between the stored rollups and the raw rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub table: &'static str,
    pub key: String,
    pub stored: String,
    pub raw: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: stored {}, raw rows say {}",
            self.table, self.key, self.stored, self.raw
        )
    }
}

fn compare<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    table: &'static str,
    stored: &BTreeMap<K, V>,
    raw: &BTreeMap<K, V>,
    out: &mut Vec<Difference>,
) {
    let keys: BTreeSet<&K> = stored.keys().chain(raw.keys()).collect();
    for k in keys {
        let (a, b) = (stored.get(k), raw.get(k));
        if a != b {
            let show = |v: Option<&V>| v.map_or_else(|| "nothing".to_owned(), |v| format!("{v:?}"));
            out.push(Difference {
                table,
                key: format!("{k:?}"),
                stored: show(a),
                raw: show(b),
            });
        }
    }
}

/// Compares every stored rollup with the raw rows, a month at a time;
/// empty when they agree. (Rows above the cursors may not be rolled up
/// yet: run it when the server is idle, or after `rollup rebuild`.)
pub fn check(conn: &mut DbConn) -> QueryResult<Vec<Difference>> {
    let span = match (raw_days(conn)?, stored_days(conn)?) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (a, b) => a.or(b),
    };
    let mut out = Vec::new();
    let Some((lo, hi)) = span else {
        return Ok(out);
    };
    for (from, until) in windows(lo, hi) {
        let scope = Scope {
            outlet: None,
            from,
            until,
        };
        let r = raw(conn, scope)?;
        let s = stored(conn, from, until)?;
        compare("rollup_product_days", &s.products, &r.products, &mut out);
        compare("rollup_producer_days", &s.producers, &r.producers, &mut out);
        compare("rollup_outlet_days", &s.outlets, &r.outlets, &mut out);
    }
    Ok(out)
}

/// Seconds between two background passes when there is nothing left over.
pub const PASS_EVERY_SECS: u64 = 2;

/// One background pass: reads what arrived (a read, no lock a sale waits
/// for on PostgreSQL), then recomputes the touched pairs in one short
/// write transaction.
pub fn pass(db: &crate::db::Db) -> Result<Pass, ModelError> {
    let now = chrono::Utc::now().naive_utc();
    let work = {
        let mut conn = db.conn()?;
        pending(&mut conn, now)?
    };
    if work.pairs.is_empty() && work.rows == 0 {
        // Nothing new: only say the rollups are fresh as of now.
        return db.write(|c| {
            for s in SOURCES {
                let at = cursor(c, s)?;
                set_cursor(c, s, at, now)?;
            }
            Ok::<_, ModelError>(Pass::default())
        });
    }
    db.write(|c| Ok::<_, ModelError>(apply(c, &work, now)?))
}

/// The server's background task: a pass every [`PASS_EVERY_SECS`] (at
/// once again while a batch was full), until the server's state is gone.
pub async fn run_in_background(state: std::sync::Weak<crate::state::AppState>) {
    loop {
        let Some(db) = state.upgrade().map(|s| s.db.clone()) else {
            return;
        };
        let done = tokio::task::spawn_blocking(move || pass(&db)).await;
        let more = match done {
            Ok(Ok(p)) => p.more,
            Ok(Err(e)) => {
                tracing::warn!(error = ?e, "rollup pass failed; retried next time");
                false
            }
            Err(e) => {
                tracing::warn!(error = %e, "rollup pass panicked");
                false
            }
        };
        if !more {
            tokio::time::sleep(std::time::Duration::from_secs(PASS_EVERY_SECS)).await;
        }
    }
}

/// `ocop-server rollup rebuild`.
pub fn run_rebuild_cli(db: &crate::db::Db) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    let started = std::time::Instant::now();
    let done = rebuild(&mut conn, chrono::Utc::now().naive_utc())?;
    println!(
        "rollups rebuilt: {} month windows, {} outlet × product × day rows, {} outlet × day rows, in {:.1} s",
        done.windows,
        done.product_days,
        done.outlet_days,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `ocop-server rollup check`: lists every difference; false if any.
pub fn run_check_cli(db: &crate::db::Db) -> anyhow::Result<bool> {
    let mut conn = db.conn()?;
    let diffs = check(&mut conn)?;
    for d in &diffs {
        println!("{d}");
    }
    if diffs.is_empty() {
        println!("rollups match the raw sales and refunds");
    } else {
        println!("{} differences", diffs.len());
    }
    Ok(diffs.is_empty())
}
