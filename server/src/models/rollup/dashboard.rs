//! The Department's sales figures, read from the daily rollups (the lot
//! level, narrow, from the raw rows): totals of a period, a breakdown by one
//! dimension, under the drill-down filters province → district → outlet →
//! producer → product → lot.
//!
//! Revenue is net: the sale lines' amounts of the period's days less the
//! refunds made on those days; units likewise. Receipts are counted from
//! the table that counts each receipt once at the filter's level: outlet ×
//! day with no producer or product chosen, producer × day with a producer,
//! product × day with a product (a receipt with two of a producer's
//! products counts once for the producer). The average basket is the gross
//! sales (before refunds) per receipt.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::DbConn;
use crate::db::schema::{districts, lots, outlets, producers, product_groups, products};

/// The period kinds of the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 5] = [
        PeriodKind::Day,
        PeriodKind::Week,
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Year,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Day => "day",
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// A period: its kind and its Vietnam days `start..until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: NaiveDate,
    pub until: NaiveDate,
}

impl Period {
    /// The period of `kind` that holds `day` (weeks start on Monday).
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Period {
        let start = match kind {
            PeriodKind::Day => day,
            PeriodKind::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            PeriodKind::Month => day.with_day(1).unwrap_or(day),
            PeriodKind::Quarter => {
                let m = (day.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(day.year(), m, 1).unwrap_or(day)
            }
            PeriodKind::Year => NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day),
        };
        Period {
            kind,
            start,
            until: Self::after(kind, start),
        }
    }

    fn after(kind: PeriodKind, start: NaiveDate) -> NaiveDate {
        let next = match kind {
            PeriodKind::Day => start.checked_add_days(Days::new(1)),
            PeriodKind::Week => start.checked_add_days(Days::new(7)),
            PeriodKind::Month => start.checked_add_months(Months::new(1)),
            PeriodKind::Quarter => start.checked_add_months(Months::new(3)),
            PeriodKind::Year => start.checked_add_months(Months::new(12)),
        };
        next.unwrap_or(start)
    }

    /// The period just before.
    pub fn previous(self) -> Period {
        Period::containing(self.kind, self.start.pred_opt().unwrap_or(self.start))
    }

    /// The same period a year earlier (a week: the week holding the same
    /// day a year before).
    pub fn year_before(self) -> Period {
        let day = self
            .start
            .checked_sub_months(Months::new(12))
            .unwrap_or(self.start);
        Period::containing(self.kind, day)
    }

    /// The next period (for the picker's arrows).
    pub fn next(self) -> Period {
        Period::containing(self.kind, self.until)
    }

    /// The last day in the period.
    pub fn last_day(self) -> NaiveDate {
        self.until.pred_opt().unwrap_or(self.until)
    }

    /// How it is written: `2026-12-04`, `2026-W49`, `2026-12`, `2026-Q4`,
    /// `2026`.
    pub fn label(self) -> String {
        let s = self.start;
        match self.kind {
            PeriodKind::Day => s.to_string(),
            PeriodKind::Week => {
                let w = s.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            PeriodKind::Month => format!("{}-{:02}", s.year(), s.month()),
            PeriodKind::Quarter => format!("{}-Q{}", s.year(), s.month0() / 3 + 1),
            PeriodKind::Year => s.year().to_string(),
        }
    }
}

/// The drill-down filters, in path order. A district code is checked
/// against the districts table before use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub district: Option<String>,
    pub outlet: Option<i32>,
    pub producer: Option<i32>,
    pub product: Option<i32>,
    pub lot: Option<String>,
}

/// The figures of a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Sales of the period's days (line amounts), đồng.
    pub gross: i64,
    /// Refunds made on the period's days, đồng.
    pub refunded: i64,
    pub sold_milli: i64,
    pub refunded_milli: i64,
    pub receipts: i64,
}

impl Totals {
    /// Net revenue: sales less refunds.
    pub fn revenue(&self) -> i64 {
        self.gross.saturating_sub(self.refunded)
    }

    /// Net units, thousandths.
    pub fn units_milli(&self) -> i64 {
        self.sold_milli.saturating_sub(self.refunded_milli)
    }

    /// Gross sales per receipt, whole đồng (rounded half up); 0 without
    /// receipts.
    pub fn basket(&self) -> i64 {
        if self.receipts <= 0 {
            return 0;
        }
        let d =
            rust_decimal::Decimal::from(self.gross) / rust_decimal::Decimal::from(self.receipts);
        d.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .try_into()
            .unwrap_or(0)
    }

    fn add(&mut self, o: &Totals) {
        self.gross = self.gross.saturating_add(o.gross);
        self.refunded = self.refunded.saturating_add(o.refunded);
        self.sold_milli = self.sold_milli.saturating_add(o.sold_milli);
        self.refunded_milli = self.refunded_milli.saturating_add(o.refunded_milli);
        self.receipts = self.receipts.saturating_add(o.receipts);
    }
}

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Total,
    Day,
    Group,
    Stars,
    District,
    Kind,
    Outlet,
    Producer,
    Product,
}

impl Dim {
    fn key_sql(self) -> &'static str {
        match self {
            Dim::Total => "CAST('' AS TEXT)",
            Dim::Day => "CAST(r.day AS TEXT)",
            Dim::Group => "p.group_code",
            Dim::Stars => "CAST(p.stars AS TEXT)",
            Dim::District => "o.district_code",
            Dim::Kind => "o.kind",
            Dim::Outlet => "CAST(o.id AS TEXT)",
            Dim::Producer => "CAST(p.producer_id AS TEXT)",
            Dim::Product => "CAST(p.id AS TEXT)",
        }
    }

    /// Whether the receipts of one key are counted once each (a group or a
    /// star rating shares receipts with the others: not summable).
    pub fn counts_receipts(self) -> bool {
        !matches!(self, Dim::Group | Dim::Stars)
    }
}

#[derive(QueryableByName)]
struct Sums {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    gross: i64,
    #[diesel(sql_type = BigInt)]
    refunded: i64,
    #[diesel(sql_type = BigInt)]
    sold: i64,
    #[diesel(sql_type = BigInt)]
    back: i64,
    #[diesel(sql_type = BigInt)]
    receipts: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    receipts: i64,
}

/// Only a district code that is in the districts table goes into SQL.
fn known_district(conn: &mut DbConn, code: &str) -> QueryResult<bool> {
    Ok(districts::table
        .find(code)
        .select(districts::code)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

fn where_sql(f: &Filter, period: Period, product_level: bool) -> String {
    let mut w = format!(
        "r.day >= '{}' AND r.day < '{}'",
        period.start.format("%Y-%m-%d"),
        period.until.format("%Y-%m-%d")
    );
    if let Some(d) = &f.district {
        // Checked against the table (and codes are digits), see `figures`.
        w.push_str(&format!(" AND o.district_code = '{}'", d.replace('\'', "")));
    }
    if let Some(o) = f.outlet {
        w.push_str(&format!(" AND o.id = {o}"));
    }
    if product_level {
        if let Some(p) = f.producer {
            w.push_str(&format!(" AND p.producer_id = {p}"));
        }
        if let Some(p) = f.product {
            w.push_str(&format!(" AND p.id = {p}"));
        }
    }
    w
}

/// The figures of `period` under `f`, by `dim` (one row per key; `Total`
/// gives one row with an empty key). Lot filters are read from the raw
/// rows by [`lot_rows`], not here.
pub fn figures(
    conn: &mut DbConn,
    f: &Filter,
    period: Period,
    dim: Dim,
) -> QueryResult<BTreeMap<String, Totals>> {
    let mut out: BTreeMap<String, Totals> = BTreeMap::new();
    if let Some(d) = &f.district
        && !known_district(conn, d)?
    {
        return Ok(out);
    }
    let key = dim.key_sql();
    let w = where_sql(f, period, true);
    let sums: Vec<Sums> = diesel::sql_query(format!(
        "SELECT {key} AS key, CAST(SUM(r.revenue) AS BIGINT) AS gross, \
         CAST(SUM(r.refunded) AS BIGINT) AS refunded, \
         CAST(SUM(r.sold_milli) AS BIGINT) AS sold, \
         CAST(SUM(r.refunded_milli) AS BIGINT) AS back, \
         CAST(SUM(r.receipts) AS BIGINT) AS receipts \
         FROM rollup_product_days r JOIN products p ON p.id = r.product_id \
         JOIN outlets o ON o.id = r.outlet_id WHERE {w} GROUP BY {key}"
    ))
    .load(conn)?;
    for s in sums {
        out.insert(
            s.key,
            Totals {
                gross: s.gross,
                refunded: s.refunded,
                sold_milli: s.sold,
                refunded_milli: s.back,
                receipts: s.receipts,
            },
        );
    }
    // Receipts once each, from the table at the filter's level.
    let counts: Option<Vec<Count>> = if f.product.is_some() || dim == Dim::Product {
        None // product × day counts each receipt once per product already
    } else if !dim.counts_receipts() {
        for v in out.values_mut() {
            v.receipts = 0;
        }
        None
    } else if f.producer.is_some() || dim == Dim::Producer {
        let key = match dim {
            Dim::Producer => "CAST(r.producer_id AS TEXT)",
            _ => key,
        };
        let mut w = where_sql(f, period, false);
        if let Some(p) = f.producer {
            w.push_str(&format!(" AND r.producer_id = {p}"));
        }
        Some(
            diesel::sql_query(format!(
                "SELECT {key} AS key, CAST(SUM(r.receipts) AS BIGINT) AS receipts \
                 FROM rollup_producer_days r JOIN outlets o ON o.id = r.outlet_id \
                 WHERE {w} GROUP BY {key}"
            ))
            .load(conn)?,
        )
    } else {
        let w = where_sql(f, period, false);
        Some(
            diesel::sql_query(format!(
                "SELECT {key} AS key, CAST(SUM(r.receipts) AS BIGINT) AS receipts \
                 FROM rollup_outlet_days r JOIN outlets o ON o.id = r.outlet_id \
                 WHERE {w} GROUP BY {key}"
            ))
            .load(conn)?,
        )
    };
    if let Some(counts) = counts {
        for v in out.values_mut() {
            v.receipts = 0;
        }
        for c in counts {
            out.entry(c.key).or_default().receipts = c.receipts;
        }
    }
    Ok(out)
}

/// The totals of `period` under `f` (the lot level from the raw rows).
pub fn totals(conn: &mut DbConn, f: &Filter, period: Period) -> QueryResult<Totals> {
    if f.lot.is_some() {
        let mut t = Totals::default();
        for (_, v) in lot_rows(conn, f, period)? {
            t.add(&v);
        }
        return Ok(t);
    }
    Ok(figures(conn, f, period, Dim::Total)?
        .remove("")
        .unwrap_or_default())
}

/// The product's lots in `period` (the drill-down's last level), read from
/// the raw sale and refund lines; with `f.lot`, only that lot. A line sold
/// without a lot code is under "".
pub fn lot_rows(
    conn: &mut DbConn,
    f: &Filter,
    period: Period,
) -> QueryResult<BTreeMap<String, Totals>> {
    use crate::db::schema::{refund_lines, refunds, sale_lines, sales};
    let mut out: BTreeMap<String, Totals> = BTreeMap::new();
    let Some(product) = f.product else {
        return Ok(out);
    };
    let (from, until) = (
        ocop_core::time::vn_day_bounds(period.start).0.naive_utc(),
        ocop_core::time::vn_day_bounds(period.until).0.naive_utc(),
    );
    let outlet_ids: Option<Vec<i32>> = match (&f.district, f.outlet) {
        (_, Some(o)) => Some(vec![o]),
        (Some(d), None) => Some(
            outlets::table
                .filter(outlets::district_code.eq(d))
                .select(outlets::id)
                .load(conn)?,
        ),
        (None, None) => None,
    };
    let mut q = sales::table
        .inner_join(sale_lines::table)
        .filter(sale_lines::product_id.eq(product))
        .filter(sales::sold_at.ge(from).and(sales::sold_at.lt(until)))
        .select((
            sales::id,
            sale_lines::lot_code,
            sale_lines::qty_milli,
            sale_lines::amount,
        ))
        .into_boxed();
    if let Some(ids) = &outlet_ids {
        q = q.filter(sales::outlet_id.eq_any(ids.clone()));
    }
    if let Some(lot) = &f.lot {
        q = q.filter(sale_lines::lot_code.eq(lot));
    }
    let mut seen: BTreeMap<String, std::collections::BTreeSet<i32>> = BTreeMap::new();
    for (sale, lot, qty, amount) in q.load::<(i32, Option<String>, i64, i64)>(conn)? {
        let lot = lot.unwrap_or_default();
        let e = out.entry(lot.clone()).or_default();
        e.sold_milli = e.sold_milli.saturating_add(qty);
        e.gross = e.gross.saturating_add(amount);
        seen.entry(lot).or_default().insert(sale);
    }
    for (lot, ids) in seen {
        out.entry(lot).or_default().receipts = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    }
    let mut q = refunds::table
        .inner_join(refund_lines::table)
        .filter(refund_lines::product_id.eq(product))
        .filter(
            refunds::refunded_at
                .ge(from)
                .and(refunds::refunded_at.lt(until)),
        )
        .select((
            refund_lines::lot_code,
            refund_lines::qty_milli,
            refund_lines::amount,
        ))
        .into_boxed();
    if let Some(ids) = &outlet_ids {
        q = q.filter(refunds::outlet_id.eq_any(ids.clone()));
    }
    if let Some(lot) = &f.lot {
        q = q.filter(refund_lines::lot_code.eq(lot));
    }
    for (lot, qty, amount) in q.load::<(Option<String>, i64, i64)>(conn)? {
        let e = out.entry(lot.unwrap_or_default()).or_default();
        e.refunded_milli = e.refunded_milli.saturating_add(qty);
        e.refunded = e.refunded.saturating_add(amount);
    }
    Ok(out)
}

/// Display names of the keys of a breakdown.
pub fn names(conn: &mut DbConn, dim: Dim, lang_vi: bool) -> QueryResult<BTreeMap<String, String>> {
    Ok(match dim {
        Dim::Group => product_groups::table
            .select((
                product_groups::code,
                product_groups::name_vi,
                product_groups::name_en,
            ))
            .load::<(String, String, String)>(conn)?
            .into_iter()
            .map(|(k, vi, en)| (k, if lang_vi { vi } else { en }))
            .collect(),
        Dim::District => districts::table
            .select((districts::code, districts::name))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect(),
        Dim::Outlet => outlets::table
            .select((outlets::id, outlets::name))
            .load::<(i32, String)>(conn)?
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        Dim::Producer => producers::table
            .select((producers::id, producers::name))
            .load::<(i32, String)>(conn)?
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        Dim::Product => products::table
            .select((products::id, products::name_vi))
            .load::<(i32, String)>(conn)?
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        _ => BTreeMap::new(),
    })
}

/// Whether a lot code belongs to the product (the breadcrumb's check).
pub fn lot_known(conn: &mut DbConn, product: i32, code: &str) -> QueryResult<bool> {
    Ok(lots::table
        .filter(lots::product_id.eq(product).and(lots::lot_code.eq(code)))
        .select(lots::id)
        .first::<i32>(conn)
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{Period, PeriodKind};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn periods_hold_the_day_and_compare_with_the_right_ones() {
        let w = Period::containing(PeriodKind::Week, d(2026, 12, 4));
        assert_eq!((w.start, w.until), (d(2026, 11, 30), d(2026, 12, 7)));
        assert_eq!(w.label(), "2026-W49");
        let q = Period::containing(PeriodKind::Quarter, d(2026, 12, 4));
        assert_eq!((q.start, q.until), (d(2026, 10, 1), d(2027, 1, 1)));
        assert_eq!(q.previous().start, d(2026, 7, 1));
        assert_eq!(q.year_before().start, d(2025, 10, 1));
        assert_eq!(q.label(), "2026-Q4");
        let m = Period::containing(PeriodKind::Month, d(2026, 3, 31));
        assert_eq!(m.previous().start, d(2026, 2, 1));
        assert_eq!(m.next().start, d(2026, 4, 1));
        let y = Period::containing(PeriodKind::Year, d(2024, 2, 29));
        assert_eq!((y.start, y.until), (d(2024, 1, 1), d(2025, 1, 1)));
    }
}
