//! The Department's sales dashboard (`/dashboard`, issue 17): a period
//! (day, week, month, quarter, year) against the previous one and the same
//! one a year before; revenue, units, receipts, average basket; the trend
//! and the shares drawn as inline SVG (no script: the CSP forbids it), each
//! with its figures in a table; breakdowns by group, stars, district,
//! outlet kind, outlet, producer and product; a drill-down along province →
//! district → outlet → producer → product → lot whose filters live in the
//! URL and show as breadcrumbs. Every table downloads as CSV or XLSX
//! (`/dashboard/export/{table}.{csv|xlsx}` with the same query), starting
//! with the filters and the rollups' freshness. Inspectors and admins only
//! (403 for everyone else, as `/cases`).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use chrono::{NaiveDate, Utc};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::money::{Dong, Quantity, group_thousands};
use serde::Deserialize;

use super::forms;
use super::layout::t;
use super::session::WebUser;
use super::table_export::{Column, FileKind, Table, Value};
use crate::auth::Role;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::models::rollup::dashboard::{self as dash, Dim, Filter, Period, PeriodKind, Totals};
use crate::state::AppState;

const WHO: &[Role] = &[Role::Admin, Role::Inspector];

/// Rows of a breakdown shown on the page (the download holds them all).
const SHOWN: usize = 30;

/// Bars in a chart.
const BARS: usize = 10;

/// The page's query: the period and the drill-down filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Query {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    district: Option<String>,
    #[serde(default)]
    outlet: Option<i32>,
    #[serde(default)]
    producer: Option<i32>,
    #[serde(default)]
    product: Option<i32>,
    #[serde(default)]
    lot: Option<String>,
}

/// What the page shows: a period and the filters.
#[derive(Debug, Clone)]
struct View {
    period: Period,
    filter: Filter,
}

impl View {
    fn parse(q: &Query) -> View {
        let kind = q
            .period
            .as_deref()
            .and_then(PeriodKind::parse)
            .unwrap_or(PeriodKind::Month);
        let today = ocop_core::time::vn_date(Utc::now());
        let day = q
            .date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or(today);
        let clean = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let filter = Filter {
            district: clean(&q.district),
            outlet: q.outlet,
            producer: q.producer,
            product: q.product,
            // A lot only under a product.
            lot: clean(&q.lot).filter(|_| q.product.is_some()),
        };
        View {
            period: Period::containing(kind, day),
            filter,
        }
    }

    /// The query string of this view (with `?`), for links and exports.
    fn query(&self) -> String {
        let f = &self.filter;
        let mut parts: Vec<(&str, String)> = vec![
            ("period", self.period.kind.code().to_owned()),
            ("date", self.period.start.to_string()),
        ];
        if let Some(d) = &f.district {
            parts.push(("district", d.clone()));
        }
        if let Some(o) = f.outlet {
            parts.push(("outlet", o.to_string()));
        }
        if let Some(p) = f.producer {
            parts.push(("producer", p.to_string()));
        }
        if let Some(p) = f.product {
            parts.push(("product", p.to_string()));
        }
        if let Some(l) = &f.lot {
            parts.push(("lot", l.clone()));
        }
        format!(
            "?{}",
            serde_urlencoded::to_string(parts).unwrap_or_default()
        )
    }

    fn with_filter(&self, filter: Filter) -> View {
        View {
            period: self.period,
            filter,
        }
    }

    fn with_period(&self, period: Period) -> View {
        View {
            period,
            filter: self.filter.clone(),
        }
    }

    fn href(&self) -> String {
        format!("/dashboard{}", self.query())
    }
}

/// One level of the drill-down path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Province,
    District,
    Outlet,
    Producer,
    Product,
    Lot,
}

impl Level {
    /// The deepest filter set.
    fn of(f: &Filter) -> Level {
        if f.lot.is_some() {
            Level::Lot
        } else if f.product.is_some() {
            Level::Product
        } else if f.producer.is_some() {
            Level::Producer
        } else if f.outlet.is_some() {
            Level::Outlet
        } else if f.district.is_some() {
            Level::District
        } else {
            Level::Province
        }
    }
}

/// A breakdown row: key, name, figures.
type Row = (String, String, Totals);

/// One table of the page: its id (the export's name), the table, the
/// drill-down link of each row, and how it is drawn.
struct Section {
    id: &'static str,
    table: Table,
    links: Vec<Option<String>>,
    chart: Chart,
}

enum Chart {
    None,
    /// (label, revenue) over time.
    Line(Vec<(String, i64)>),
    /// (label, value) bars, largest first.
    Bars(Vec<(String, i64)>),
}

/// A summary row: key, Vietnamese, English, the figure.
type Metric = (
    &'static str,
    &'static str,
    &'static str,
    fn(&Totals) -> Value,
);

/// Everything the page and the downloads show.
struct Dashboard {
    view: View,
    as_of: Option<chrono::DateTime<Utc>>,
    /// This period, the previous one, the same one a year before.
    totals: [Totals; 3],
    crumbs: Vec<(String, String)>,
    sections: Vec<Section>,
}

fn pct(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    let (p, w) = (
        rust_decimal::Decimal::from(part),
        rust_decimal::Decimal::from(whole),
    );
    (p * rust_decimal::Decimal::from(100) / w)
        .round_dp(1)
        .to_string()
        .parse()
        .unwrap_or(0.0)
}

fn filters_for_file(lang: Lang, d: &Dashboard) -> Vec<(String, String)> {
    let mut out = vec![(
        t(lang, "Kỳ", "Period").to_owned(),
        format!(
            "{} ({} – {})",
            d.view.period.label(),
            d.view.period.start,
            d.view.period.last_day()
        ),
    )];
    for (label, _) in d.crumbs.iter().skip(1) {
        out.push((t(lang, "Phạm vi", "Scope").to_owned(), label.clone()));
    }
    out
}

fn breakdown_columns(lang: Lang, first: &'static str, vi: &str, en: &str) -> Vec<Column> {
    vec![
        Column::new(first, t(lang, vi, en)),
        Column::new("revenue", t(lang, "Doanh thu thuần (₫)", "Net revenue (₫)")),
        Column::new("share_pct", t(lang, "Tỷ trọng (%)", "Share (%)")),
        Column::new("units", t(lang, "Số lượng", "Units")),
        Column::new("receipts", t(lang, "Số hóa đơn", "Receipts")),
        Column::new("gross", t(lang, "Doanh số bán (₫)", "Sales (₫)")),
        Column::new("refunded", t(lang, "Hoàn trả (₫)", "Refunded (₫)")),
    ]
}

fn breakdown_row(name: &str, v: &Totals, whole: i64, receipts: bool) -> Vec<Value> {
    vec![
        Value::Text(name.to_owned()),
        Value::Money(v.revenue()),
        Value::Percent(pct(v.revenue(), whole)),
        Value::Qty(v.units_milli()),
        if receipts {
            Value::Int(v.receipts)
        } else {
            Value::Empty
        },
        Value::Money(v.gross),
        Value::Money(v.refunded),
    ]
}

/// Rows of a dimension, named, largest revenue first.
fn rows_of(conn: &mut DbConn, lang: Lang, view: &View, dim: Dim) -> diesel::QueryResult<Vec<Row>> {
    let figures = dash::figures(conn, &view.filter, view.period, dim)?;
    let names = dash::names(conn, dim, lang == Lang::Vi)?;
    let mut rows: Vec<Row> = figures
        .into_iter()
        .map(|(k, v)| {
            let name = match dim {
                Dim::Stars => format!("{k}★"),
                Dim::Kind => kind_label(lang, &k).to_owned(),
                _ => names.get(&k).cloned().unwrap_or_else(|| k.clone()),
            };
            (k, name, v)
        })
        .collect();
    rows.sort_by(|a, b| b.2.revenue().cmp(&a.2.revenue()).then(a.1.cmp(&b.1)));
    Ok(rows)
}

fn kind_label(lang: Lang, kind: &str) -> &str {
    match kind {
        "showroom" => t(lang, "Trung tâm trưng bày", "Showroom"),
        "rest_stop" => t(lang, "Trạm dừng nghỉ", "Rest stop"),
        "tourist_point" => t(lang, "Điểm du lịch", "Tourist point"),
        other => other,
    }
}

/// The drill-down link of a row of `dim` (None where the path has no such
/// step from here).
fn drill(view: &View, dim: Dim, key: &str) -> Option<String> {
    let mut f = view.filter.clone();
    match dim {
        Dim::District => f.district = Some(key.to_owned()),
        Dim::Outlet => f.outlet = Some(key.parse().ok()?),
        Dim::Producer => f.producer = Some(key.parse().ok()?),
        Dim::Product => f.product = Some(key.parse().ok()?),
        _ => return None,
    }
    Some(view.with_filter(f).href())
}

/// What every section of one page shares.
struct Ctx<'a> {
    lang: Lang,
    view: &'a View,
    /// The period's net revenue (the shares' whole).
    whole: i64,
}

fn section(
    cx: &Ctx<'_>,
    id: &'static str,
    title: String,
    dim: Dim,
    rows: &[Row],
    chart: bool,
) -> Section {
    let (lang, view, whole) = (cx.lang, cx.view, cx.whole);
    let (key, vi, en) = match dim {
        Dim::Group => ("group", "Nhóm sản phẩm", "Product group"),
        Dim::Stars => ("stars", "Hạng sao", "Stars"),
        Dim::District => ("district", "Huyện/thị xã/thành phố", "District"),
        Dim::Kind => ("outlet_kind", "Loại điểm bán", "Outlet kind"),
        Dim::Outlet => ("outlet", "Điểm bán", "Outlet"),
        Dim::Producer => ("producer", "Chủ thể", "Producer"),
        _ => ("product", "Sản phẩm", "Product"),
    };
    let receipts = dim.counts_receipts();
    Section {
        id,
        table: Table {
            title,
            filters: Vec::new(),
            as_of: None,
            columns: breakdown_columns(lang, key, vi, en),
            rows: rows
                .iter()
                .map(|(_, name, v)| breakdown_row(name, v, whole, receipts))
                .collect(),
        },
        links: rows.iter().map(|(k, _, _)| drill(view, dim, k)).collect(),
        chart: if chart {
            Chart::Bars(
                rows.iter()
                    .take(BARS)
                    .map(|(_, n, v)| (n.clone(), v.revenue()))
                    .collect(),
            )
        } else {
            Chart::None
        },
    }
}

/// Names of the chosen filters, for the breadcrumbs.
fn crumbs(
    conn: &mut DbConn,
    lang: Lang,
    view: &View,
) -> diesel::QueryResult<Vec<(String, String)>> {
    let f = &view.filter;
    let mut out = vec![(
        t(lang, "Toàn tỉnh", "Whole province").to_owned(),
        view.with_filter(Filter::default()).href(),
    )];
    let mut so_far = Filter::default();
    if let Some(d) = &f.district {
        so_far.district = Some(d.clone());
        let name = dash::names(conn, Dim::District, true)?
            .remove(d)
            .unwrap_or_else(|| d.clone());
        out.push((name, view.with_filter(so_far.clone()).href()));
    }
    for (dim, id) in [
        (Dim::Outlet, f.outlet),
        (Dim::Producer, f.producer),
        (Dim::Product, f.product),
    ] {
        let Some(id) = id else { continue };
        match dim {
            Dim::Outlet => so_far.outlet = Some(id),
            Dim::Producer => so_far.producer = Some(id),
            _ => so_far.product = Some(id),
        }
        let name = dash::names(conn, dim, lang == Lang::Vi)?
            .remove(&id.to_string())
            .unwrap_or_else(|| format!("#{id}"));
        out.push((name, view.with_filter(so_far.clone()).href()));
    }
    if let Some(l) = &f.lot {
        so_far.lot = Some(l.clone());
        out.push((
            format!("{} {l}", t(lang, "Lô", "Lot")),
            view.with_filter(so_far).href(),
        ));
    }
    Ok(out)
}

fn build(conn: &mut DbConn, lang: Lang, view: View) -> diesel::QueryResult<Dashboard> {
    let as_of = crate::models::rollup::as_of(conn)?.map(|t| t.and_utc());
    let p = view.period;
    let totals = [
        dash::totals(conn, &view.filter, p)?,
        dash::totals(conn, &view.filter, p.previous())?,
        dash::totals(conn, &view.filter, p.year_before())?,
    ];
    let whole = totals[0].revenue();
    let crumbs = crumbs(conn, lang, &view)?;
    let mut sections = Vec::new();
    let view_for_cx = view.clone();
    let cx = Ctx {
        lang,
        view: &view_for_cx,
        whole,
    };

    // Summary.
    let metrics: [Metric; 4] = [
        ("revenue", "Doanh thu thuần", "Net revenue", |t| {
            Value::Money(t.revenue())
        }),
        ("units", "Số lượng", "Units", |t| {
            Value::Qty(t.units_milli())
        }),
        ("receipts", "Số hóa đơn", "Receipts", |t| {
            Value::Int(t.receipts)
        }),
        (
            "basket",
            "Giá trị TB/hóa đơn",
            "Average basket",
            |t| Value::Money(t.basket()),
        ),
    ];
    sections.push(Section {
        id: "summary",
        table: Table {
            title: t(lang, "Tổng quan", "Summary").to_owned(),
            filters: Vec::new(),
            as_of: None,
            columns: vec![
                Column::new("metric", t(lang, "Chỉ tiêu", "Measure")),
                Column::new("period", p.label()),
                Column::new(
                    "previous",
                    format!(
                        "{} {}",
                        t(lang, "Kỳ trước", "Previous"),
                        p.previous().label()
                    ),
                ),
                Column::new(
                    "year_before",
                    format!(
                        "{} {}",
                        t(lang, "Cùng kỳ năm trước", "Year before"),
                        p.year_before().label()
                    ),
                ),
            ],
            rows: metrics
                .iter()
                .map(|(_, vi, en, f)| {
                    vec![
                        Value::Text(t(lang, vi, en).to_owned()),
                        f(&totals[0]),
                        f(&totals[1]),
                        f(&totals[2]),
                    ]
                })
                .collect(),
        },
        links: Vec::new(),
        chart: Chart::None,
    });

    // Trend: by day, or by month over a year.
    let by_day = if view.filter.lot.is_some() {
        BTreeMap::new()
    } else {
        dash::figures(conn, &view.filter, p, Dim::Day)?
    };
    let mut points: Vec<(NaiveDate, Totals)> = Vec::new();
    let mut d = p.start;
    while d < p.until {
        let v = by_day.get(&d.to_string()).copied().unwrap_or_default();
        let key = if p.kind == PeriodKind::Year {
            d.format("%Y-%m-01").to_string()
        } else {
            d.to_string()
        };
        let key = NaiveDate::parse_from_str(&key, "%Y-%m-%d").unwrap_or(d);
        match points.last_mut() {
            Some((k, t)) if *k == key => {
                t.gross = t.gross.saturating_add(v.gross);
                t.refunded = t.refunded.saturating_add(v.refunded);
                t.sold_milli = t.sold_milli.saturating_add(v.sold_milli);
                t.refunded_milli = t.refunded_milli.saturating_add(v.refunded_milli);
                t.receipts = t.receipts.saturating_add(v.receipts);
            }
            _ => points.push((key, v)),
        }
        d = d.succ_opt().unwrap_or(p.until);
    }
    if view.filter.lot.is_none() {
        sections.push(Section {
            id: "trend",
            table: Table {
                title: t(lang, "Diễn biến doanh thu", "Revenue over time").to_owned(),
                filters: Vec::new(),
                as_of: None,
                columns: vec![
                    Column::new(
                        if p.kind == PeriodKind::Year {
                            "month"
                        } else {
                            "day"
                        },
                        if p.kind == PeriodKind::Year {
                            t(lang, "Tháng", "Month")
                        } else {
                            t(lang, "Ngày", "Day")
                        },
                    ),
                    Column::new("revenue", t(lang, "Doanh thu thuần (₫)", "Net revenue (₫)")),
                    Column::new("units", t(lang, "Số lượng", "Units")),
                    Column::new("receipts", t(lang, "Số hóa đơn", "Receipts")),
                ],
                rows: points
                    .iter()
                    .map(|(d, v)| {
                        vec![
                            Value::Date(*d),
                            Value::Money(v.revenue()),
                            Value::Qty(v.units_milli()),
                            Value::Int(v.receipts),
                        ]
                    })
                    .collect(),
            },
            links: Vec::new(),
            chart: Chart::Line(
                points
                    .iter()
                    .map(|(d, v)| {
                        let label = if p.kind == PeriodKind::Year {
                            d.format("%m/%Y").to_string()
                        } else {
                            d.format("%d/%m").to_string()
                        };
                        (label, v.revenue())
                    })
                    .collect(),
            ),
        });
    }

    // The next level of the path.
    match Level::of(&view.filter) {
        Level::Product | Level::Lot => {
            let lots = dash::lot_rows(conn, &view.filter, p)?;
            let mut rows: Vec<Row> = lots
                .into_iter()
                .map(|(k, v)| {
                    let name = if k.is_empty() {
                        t(lang, "(không ghi lô)", "(no lot)").to_owned()
                    } else {
                        k.clone()
                    };
                    (k, name, v)
                })
                .collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.2.revenue()));
            let mut s = section(
                &cx,
                "lots",
                t(lang, "Theo lô", "By lot").to_owned(),
                Dim::Product,
                &rows,
                false,
            );
            if let Some(c) = s.table.columns.first_mut() {
                *c = Column::new("lot", t(lang, "Lô", "Lot"));
            }
            s.links = rows
                .iter()
                .map(|(k, _, _)| {
                    let mut f = view.filter.clone();
                    f.lot = Some(k.clone());
                    (!k.is_empty()).then(|| view.with_filter(f).href())
                })
                .collect();
            sections.push(s);
        }
        _ => {}
    }
    if view.filter.lot.is_some() {
        return Ok(Dashboard {
            view,
            as_of,
            totals,
            crumbs,
            sections,
        });
    }

    let products = rows_of(conn, lang, &view, Dim::Product)?;
    let mut bottom: Vec<Row> = products.iter().rev().take(BARS).cloned().collect();
    bottom.sort_by_key(|r| r.2.revenue());
    let top: Vec<Row> = products.iter().take(BARS).cloned().collect();
    // (id, Vietnamese title, English title, dimension, drawn as bars).
    let breakdowns: [(&'static str, &str, &str, Dim, bool); 9] = [
        (
            "group",
            "Theo nhóm sản phẩm",
            "By product group",
            Dim::Group,
            true,
        ),
        ("district", "Theo huyện", "By district", Dim::District, true),
        (
            "top",
            "Sản phẩm bán chạy nhất",
            "Top products",
            Dim::Product,
            true,
        ),
        (
            "bottom",
            "Sản phẩm bán chậm nhất",
            "Bottom products",
            Dim::Product,
            true,
        ),
        ("stars", "Theo hạng sao", "By stars", Dim::Stars, false),
        (
            "kind",
            "Theo loại điểm bán",
            "By outlet kind",
            Dim::Kind,
            false,
        ),
        ("outlet", "Theo điểm bán", "By outlet", Dim::Outlet, false),
        (
            "producer",
            "Theo chủ thể",
            "By producer",
            Dim::Producer,
            false,
        ),
        (
            "product",
            "Theo sản phẩm",
            "By product",
            Dim::Product,
            false,
        ),
    ];
    for (id, vi, en, dim, chart) in breakdowns {
        let rows = match id {
            "top" => top.clone(),
            "bottom" => bottom.clone(),
            _ if dim == Dim::Product => products.clone(),
            _ => rows_of(conn, lang, &view, dim)?,
        };
        sections.push(section(
            &cx,
            id,
            t(lang, vi, en).to_owned(),
            dim,
            &rows,
            chart,
        ));
    }
    Ok(Dashboard {
        view,
        as_of,
        totals,
        crumbs,
        sections,
    })
}

async fn load(state: &AppState, me: &WebUser, q: &Query) -> Result<Dashboard, ApiError> {
    me.user.require(WHO)?;
    let view = View::parse(q);
    let lang = me.lang;
    state.read(move |c| Ok(build(c, lang, view)?)).await
}

// ---- drawing ----

fn change(lang: Lang, now: i64, before: i64) -> Markup {
    if before == 0 {
        return html! { span.muted { "—" } };
    }
    let p = pct(now.saturating_sub(before), before);
    let text = format!("{}{:.1} %", if p > 0.0 { "+" } else { "" }, p);
    let text = match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    };
    html! { span class=(if p < 0.0 { "down" } else { "up" }) { (text) } }
}

fn cell(v: &Value) -> Markup {
    match v {
        Value::Text(s) => html! { (s) },
        Value::Int(n) => html! { (group_thousands(*n)) },
        Value::Money(n) => html! { (Dong::new(*n)) },
        Value::Qty(m) => html! { (units(*m)) },
        Value::Percent(p) => html! { (format!("{p:.1}")) },
        Value::Date(d) => html! { (d.format("%d/%m/%Y")) },
        Value::Time(at) => html! { (ocop_core::time::format_vn(*at)) },
        Value::Empty => html! { "—" },
    }
}

/// Units for people: whole units grouped (`1.845.992`), a fraction as
/// the till writes it (`1,5`).
fn units(milli: i64) -> String {
    if milli % 1000 == 0 {
        group_thousands(milli / 1000)
    } else {
        Quantity::from_milli(milli).to_string()
    }
}

/// A money amount in short form for a chart's labels: 1,2 tỷ, 350,5 tr,
/// 350 k.
fn short(v: i64) -> String {
    let d = rust_decimal::Decimal::from(v);
    let scaled = |by: i64, dp: u32| (d / rust_decimal::Decimal::from(by)).round_dp(dp);
    let text = if v.abs() >= 1_000_000_000 {
        format!("{} tỷ", scaled(1_000_000_000, 1))
    } else if v.abs() >= 1_000_000 {
        format!("{} tr", scaled(1_000_000, 1))
    } else if v.abs() >= 1_000 {
        format!("{} k", scaled(1_000, 0))
    } else {
        v.to_string()
    };
    text.replace('.', ",")
}

fn scaled(v: i64, max: i64, span: i64) -> i64 {
    if max <= 0 {
        return 0;
    }
    let r = rust_decimal::Decimal::from(v.max(0)) * rust_decimal::Decimal::from(span)
        / rust_decimal::Decimal::from(max);
    r.round().try_into().unwrap_or(0)
}

fn line_svg(lang: Lang, points: &[(String, i64)]) -> Markup {
    let (w, h, left, top, bottom) = (400i64, 180i64, 60i64, 10i64, 24i64);
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    let n = i64::try_from(points.len()).unwrap_or(1).max(1);
    let x = |i: i64| {
        if n <= 1 {
            left + (w - left) / 2
        } else {
            left + i * (w - left - 8) / (n - 1)
        }
    };
    let y = |v: i64| top + (h - top - bottom) - scaled(v, max, h - top - bottom);
    let path: Vec<String> = (0i64..)
        .zip(points)
        .map(|(i, (_, v))| format!("{},{}", x(i), y(*v)))
        .collect();
    let first = points.first().map(|p| p.0.clone()).unwrap_or_default();
    let last = points.last().map(|p| p.0.clone()).unwrap_or_default();
    html! {
        svg.chart viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(t(lang, "Biểu đồ doanh thu theo thời gian", "Revenue over time chart")) {
            line x1=(left) y1=(h - bottom) x2=(w) y2=(h - bottom) stroke="#9aa896" {}
            line x1=(left) y1=(top) x2=(left) y2=(h - bottom) stroke="#9aa896" {}
            text x=(left - 4) y=(top + 8) text-anchor="end" font-size="11" fill="#5d6b5a" { (short(max)) }
            text x=(left - 4) y=(h - bottom) text-anchor="end" font-size="11" fill="#5d6b5a" { "0" }
            text x=(left) y=(h - 6) font-size="11" fill="#5d6b5a" { (first) }
            text x=(w) y=(h - 6) text-anchor="end" font-size="11" fill="#5d6b5a" { (last) }
            polyline points=(path.join(" ")) fill="none" stroke="#1f6b3a" stroke-width="2.5" stroke-linejoin="round" {}
            @for (i, (_, v)) in (0i64..).zip(points) {
                circle cx=(x(i)) cy=(y(*v)) r="2.5" fill="#1f6b3a" {}
            }
        }
    }
}

fn bars_svg(lang: Lang, bars: &[(String, i64)]) -> Markup {
    let (w, row) = (400i64, 36i64);
    let n = i64::try_from(bars.len()).unwrap_or(0);
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let cut = |s: &str| {
        if s.chars().count() > 44 {
            let mut o: String = s.chars().take(43).collect();
            o.push('…');
            o
        } else {
            s.to_owned()
        }
    };
    html! {
        svg.chart viewBox=(format!("0 0 {w} {}", (n * row).max(row))) role="img" aria-label=(t(lang, "Biểu đồ cột", "Bar chart")) {
            @for (i, (label, v)) in (0i64..).zip(bars) {
                text x="0" y=(i * row + 12) font-size="14" fill="#1d2a1d" { (cut(label)) }
                rect x="0" y=(i * row + 16) width=(scaled(*v, max, w - 90).max(1)) height="12" rx="2" fill="#3f8f5a" {}
                text x=(scaled(*v, max, w - 90).max(1) + 4) y=(i * row + 27) font-size="13" fill="#5d6b5a" { (short(*v)) }
            }
        }
    }
}

fn export_links(lang: Lang, id: &str, query: &str) -> Markup {
    html! {
        p.exports {
            a href=(format!("/dashboard/export/{id}.csv{query}")) { "CSV" }
            " · "
            a href=(format!("/dashboard/export/{id}.xlsx{query}")) { "XLSX" }
            span.muted { " " (t(lang, "(tải về)", "(download)")) }
        }
    }
}

/// Columns a phone does without (the download has them): the share and
/// the sales and refunds behind the net revenue.
fn extra_class(key: &str) -> &'static str {
    match key {
        "share_pct" | "gross" | "refunded" => "wide-only",
        _ => "",
    }
}

fn col_class(i: usize, key: &str) -> String {
    format!("{}{}", if i > 0 { "num " } else { "" }, extra_class(key))
}

fn table_html(s: &Section) -> Markup {
    let numeric = |v: &Value| !matches!(v, Value::Text(_) | Value::Date(_));
    html! {
        div.scroll {
            table.figures {
                thead { tr { @for (i, c) in s.table.columns.iter().enumerate() {
                    th class=(col_class(i, c.key)) { (c.heading) }
                } } }
                tbody { @for (r, row) in s.table.rows.iter().enumerate().take(SHOWN) { tr {
                    @for (i, v) in row.iter().enumerate() {
                        td class=(format!("{}{}", if numeric(v) { "num " } else { "" }, s.table.columns.get(i).map_or("", |c| extra_class(c.key)))) {
                            @match (i, s.links.get(r).cloned().flatten()) {
                                (0, Some(href)) => { a href=(href) { (cell(v)) } }
                                _ => { (cell(v)) }
                            }
                        }
                    }
                } } }
            }
        }
    }
}

fn page_body(lang: Lang, d: &Dashboard) -> Markup {
    let v = &d.view;
    let p = v.period;
    let query = v.query();
    let [now, prev, year] = d.totals;
    let kpis: [(&str, &str, String, i64, i64, i64); 4] = [
        (
            "Doanh thu thuần",
            "Net revenue",
            Dong::new(now.revenue()).to_string(),
            now.revenue(),
            prev.revenue(),
            year.revenue(),
        ),
        (
            "Số lượng",
            "Units",
            units(now.units_milli()),
            now.units_milli(),
            prev.units_milli(),
            year.units_milli(),
        ),
        (
            "Số hóa đơn",
            "Receipts",
            group_thousands(now.receipts),
            now.receipts,
            prev.receipts,
            year.receipts,
        ),
        (
            "Giá trị TB/hóa đơn",
            "Average basket",
            Dong::new(now.basket()).to_string(),
            now.basket(),
            prev.basket(),
            year.basket(),
        ),
    ];
    html! {
        form.filters method="get" action="/dashboard" {
            select name="period" aria-label=(t(lang, "Kỳ", "Period")) {
                @for k in PeriodKind::ALL {
                    option value=(k.code()) selected[k == p.kind] { (period_name(lang, k)) }
                }
            }
            input type="date" name="date" value=(p.start) aria-label=(t(lang, "Ngày trong kỳ", "A day in the period"));
            @if let Some(x) = &v.filter.district { input type="hidden" name="district" value=(x); }
            @if let Some(x) = v.filter.outlet { input type="hidden" name="outlet" value=(x); }
            @if let Some(x) = v.filter.producer { input type="hidden" name="producer" value=(x); }
            @if let Some(x) = v.filter.product { input type="hidden" name="product" value=(x); }
            @if let Some(x) = &v.filter.lot { input type="hidden" name="lot" value=(x); }
            button type="submit" { (t(lang, "Xem", "Show")) }
        }
        p.pager {
            a href=(v.with_period(p.previous()).href()) { "← " (p.previous().label()) }
            strong { (p.label()) " (" (p.start.format("%d/%m/%Y")) " – " (p.last_day().format("%d/%m/%Y")) ")" }
            a href=(v.with_period(p.next()).href()) { (p.next().label()) " →" }
        }
        nav.crumbs aria-label=(t(lang, "Phạm vi", "Scope")) {
            @for (i, (label, href)) in d.crumbs.iter().enumerate() {
                @if i > 0 { span.sep { " › " } }
                a href=(href) { (label) }
            }
        }
        p.muted.freshness {
            (t(lang, "Số liệu tính đến", "Data as of")) ": "
            @match d.as_of { Some(at) => { (ocop_core::time::format_vn(at)) }, None => { (t(lang, "chưa tổng hợp", "not rolled up yet")) } }
            ". " (t(lang, "Doanh thu thuần = doanh số bán trong kỳ trừ hoàn trả trong kỳ; không phụ thuộc hình thức thanh toán.",
                "Net revenue = sales of the period less refunds made in it, whatever the payment method."))
        }
        div.kpis {
            @for (vi, en, shown, a, b, c) in &kpis {
                div.kpi {
                    span.label { (t(lang, vi, en)) }
                    strong { (shown) }
                    span.cmp { (t(lang, "so kỳ trước", "vs previous")) " " (change(lang, *a, *b)) }
                    span.cmp { (t(lang, "so cùng kỳ", "vs year before")) " " (change(lang, *a, *c)) }
                }
            }
        }
        @for s in &d.sections {
            section.card.chart-card id=(s.id) {
                h2 { (s.table.title) }
                @match &s.chart {
                    Chart::Line(points) => { (line_svg(lang, points)) }
                    Chart::Bars(bars) => { @if !bars.is_empty() { (bars_svg(lang, bars)) } }
                    Chart::None => {}
                }
                @if s.table.rows.is_empty() {
                    p.muted { (t(lang, "Không có số liệu.", "No figures.")) }
                } @else {
                    @if matches!(s.chart, Chart::Line(_)) {
                        details { summary { (t(lang, "Bảng số liệu", "Figures")) } (table_html(s)) }
                    } @else {
                        (table_html(s))
                    }
                    @if s.table.rows.len() > SHOWN {
                        p.muted { (t(lang, "Trang hiển thị", "Showing")) " " (SHOWN) "/" (s.table.rows.len()) "; " (t(lang, "tệp tải về có đủ.", "the download has them all.")) }
                    }
                }
                (export_links(lang, s.id, &query))
            }
        }
    }
}

fn period_name(lang: Lang, k: PeriodKind) -> &'static str {
    match k {
        PeriodKind::Day => t(lang, "Ngày", "Day"),
        PeriodKind::Week => t(lang, "Tuần", "Week"),
        PeriodKind::Month => t(lang, "Tháng", "Month"),
        PeriodKind::Quarter => t(lang, "Quý", "Quarter"),
        PeriodKind::Year => t(lang, "Năm", "Year"),
    }
}

#[get("/dashboard")]
pub async fn dashboard_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<Query>,
) -> HttpResponse {
    let d = match load(&state, &me, &q).await {
        Ok(d) => d,
        Err(e) => return forms::failure(&me, &e),
    };
    let lang = me.lang;
    forms::respond(
        StatusCode::OK,
        lang,
        t(
            lang,
            "Doanh số OCOP toàn tỉnh",
            "OCOP sales across the province",
        ),
        &me,
        page_body(lang, &d),
    )
}

/// One table of the dashboard as CSV or XLSX, with the same query.
#[get("/dashboard/export/{file}")]
pub async fn dashboard_export(
    state: web::Data<AppState>,
    me: WebUser,
    file: web::Path<String>,
    q: web::Query<Query>,
) -> HttpResponse {
    let d = match load(&state, &me, &q).await {
        Ok(d) => d,
        Err(e) => return forms::failure(&me, &e),
    };
    let lang = me.lang;
    let (id, ext) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let (Some(kind), Some(s)) = (
        FileKind::from_ext(ext),
        d.sections.iter().find(|s| s.id == id),
    ) else {
        return forms::failure(&me, &ApiError::not_found());
    };
    let mut table = s.table.clone();
    table.filters = filters_for_file(lang, &d);
    table.as_of = d.as_of;
    let stem = format!("doanh-so-{}-{}", s.id, d.view.period.label());
    table.respond(lang, kind, &stem)
}
