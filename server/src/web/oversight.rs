//! The Department's oversight pages (`/oversight/…`), for inspectors and
//! admins (403 for everyone else, as `/cases`): an index, and six lists —
//! stock across outlets, certificates expiring or expired, sales after a
//! certificate expired, outlets with problems, silent tills, counterfeit
//! work per week. Filters are GET parameters, so a list's URL is the list;
//! each list is one [`Table`] drawn as HTML here and downloaded as CSV or
//! XLSX (`/oversight/<list>.csv`, `.xlsx`) by [`super::table_export`], with
//! the same filters.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use chrono::{NaiveDate, TimeDelta, Utc};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::money::{Dong, Quantity};
use serde::Deserialize;

use super::forms;
use super::layout::t;
use super::session::WebUser;
use super::table_export::{Column, FileKind, Table, Value};
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::oversight::{health, lists};
use crate::models::product::vn_today;
use crate::models::reference;
use crate::state::AppState;

/// Who may open these pages.
pub const WHO: &[Role] = &[Role::Admin, Role::Inspector];

/// The lists: URL name, Vietnamese title, English title, what it shows.
const LISTS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "stock",
        "Tồn kho theo điểm bán",
        "Stock across outlets",
        "Số lượng tồn của từng sản phẩm tại từng điểm bán, kèm chủ thể sở hữu.",
        "On hand of each product at each outlet, with its producer.",
    ),
    (
        "certificates",
        "Giấy chứng nhận sắp hết hạn",
        "Certificates expiring",
        "Giấy chứng nhận hết hạn trong 90 ngày tới (và đã hết hạn).",
        "Certificates expiring within 90 days (and already expired).",
    ),
    (
        "expired-sales",
        "Bán khi giấy chứng nhận đã hết hạn",
        "Sold after the certificate expired",
        "Dòng bán của sản phẩm mà giấy chứng nhận đã hết hạn vào ngày bán.",
        "Sale lines of products whose certificate had expired on the day of sale.",
    ),
    (
        "outlets",
        "Điểm bán cần kiểm tra",
        "Outlets needing a look",
        "Tồn âm, lỗi sổ nhật ký (thiếu số, đứt chuỗi), sổ kho lệch.",
        "Negative stock, journal problems (gaps, broken chains), ledger mismatches.",
    ),
    (
        "tills",
        "Máy bán hàng im lặng",
        "Silent tills",
        "Máy không gửi gì về máy chủ quá 24 giờ.",
        "Tills the server has not heard from for more than 24 hours.",
    ),
    (
        "signals",
        "Hàng giả theo tuần",
        "Counterfeit work per week",
        "Vụ việc mở, báo cáo hàng giả và lượt quét cảnh báo mỗi tuần.",
        "Cases opened, fake reports and warning scans per week.",
    ),
];

/// Every filter of every list (each list reads the ones it has).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Params {
    district: Option<String>,
    group: Option<String>,
    q: Option<String>,
    /// certificates: the window in days (default 90).
    within: Option<String>,
    /// certificates: `1` to include the expired (default on), `0` to hide.
    expired: Option<String>,
    /// expired-sales: Vietnamese days, `YYYY-MM-DD`.
    from: Option<String>,
    to: Option<String>,
    /// outlets: `1` walks every till's chain now.
    walk: Option<String>,
    /// tills: silent for more than this many hours (default 24).
    hours: Option<String>,
    /// signals: how many weeks (default 12).
    weeks: Option<String>,
}

fn number<T: std::str::FromStr>(v: &Option<String>, default: T, ok: impl Fn(&T) -> bool) -> T {
    v.as_deref()
        .and_then(|s| s.trim().parse::<T>().ok())
        .filter(|n| ok(n))
        .unwrap_or(default)
}

fn day(v: &Option<String>) -> Option<NaiveDate> {
    v.as_deref()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
}

#[get("/oversight")]
pub async fn index(me: WebUser) -> HttpResponse {
    if let Err(e) = me.user.require(WHO) {
        return forms::failure(&me, &e);
    }
    let lang = me.lang;
    let body = html! {
        div.grid {
            @for (name, vi, en, about_vi, about_en) in LISTS {
                div.card {
                    h2 { a href=(format!("/oversight/{name}")) { (t(lang, vi, en)) } }
                    p.muted { (t(lang, about_vi, about_en)) }
                }
            }
            div.card {
                h2 { a href="/oversight/indicators" { (t(lang, "Chỉ tiêu chương trình", "Programme indicators")) } }
                p.muted { (t(lang, "Thực hiện so với chỉ tiêu của kế hoạch, theo năm và huyện.", "Actual against the plan's targets, by year and district.")) }
            }
        }
    };
    forms::respond(
        StatusCode::OK,
        lang,
        t(lang, "Giám sát của Sở Công Thương", "Department oversight"),
        &me,
        body,
    )
}

/// `/oversight/<list>`, `/oversight/<list>.csv`, `/oversight/<list>.xlsx`.
#[get("/oversight/{list}")]
pub async fn list_page(
    state: web::Data<AppState>,
    me: WebUser,
    path: web::Path<String>,
    q: web::Query<Params>,
) -> HttpResponse {
    if let Err(e) = me.user.require(WHO) {
        return forms::failure(&me, &e);
    }
    let lang = me.lang;
    let path = path.into_inner();
    let (name, file) = match path.rsplit_once('.') {
        Some((name, ext)) => match FileKind::from_ext(ext) {
            Some(kind) => (name.to_owned(), Some(kind)),
            None => return forms::failure(&me, &ApiError::not_found()),
        },
        None => (path, None),
    };
    let Some(entry) = LISTS.iter().find(|l| l.0 == name) else {
        return forms::failure(&me, &ApiError::not_found());
    };
    let p = q.into_inner();
    let built = {
        let p = p.clone();
        let name = name.clone();
        state
            .read(move |c| {
                let choices = (reference::districts(c)?, reference::product_groups(c)?);
                let table = build(c, lang, &name, &p)?;
                Ok((table, choices))
            })
            .await
    };
    let ((table, cut), (districts, groups)) = match built {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    if let Some(kind) = file {
        return table.respond(lang, kind, &format!("oversight-{name}"));
    }
    let qs = serde_urlencoded::to_string(params_pairs(&p)).unwrap_or_default();
    let sep = if qs.is_empty() { "" } else { "?" };
    let body = html! {
        p { a href="/oversight" { "← " (t(lang, "Giám sát", "Oversight")) } }
        (filters(lang, &name, &p, &districts, &groups))
        p.actions {
            a.button href=(format!("/oversight/{name}.csv{sep}{qs}")) { (t(lang, "Xuất CSV", "Export CSV")) }
            a.button href=(format!("/oversight/{name}.xlsx{sep}{qs}")) { (t(lang, "Xuất Excel", "Export Excel")) }
        }
        @if cut { p.warn { (t(lang, "Danh sách bị cắt: hãy lọc hẹp hơn.", "The list was cut: narrow the filters.")) } }
        (render(&table))
        @if table.rows.is_empty() { p.muted data-empty="1" { (t(lang, "Không có gì cần lưu ý.", "Nothing to report.")) } }
    };
    forms::respond(StatusCode::OK, lang, t(lang, entry.1, entry.2), &me, body)
}

/// The non-empty filters, as URL pairs.
fn params_pairs(p: &Params) -> Vec<(&'static str, String)> {
    let all = [
        ("district", &p.district),
        ("group", &p.group),
        ("q", &p.q),
        ("within", &p.within),
        ("expired", &p.expired),
        ("from", &p.from),
        ("to", &p.to),
        ("walk", &p.walk),
        ("hours", &p.hours),
        ("weeks", &p.weeks),
    ];
    all.into_iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| (k, s.to_owned()))
        })
        .collect()
}

fn filters(
    lang: Lang,
    name: &str,
    p: &Params,
    districts: &[reference::District],
    groups: &[reference::ProductGroup],
) -> Markup {
    let catalogue = matches!(name, "stock" | "certificates" | "expired-sales");
    let by_district = name != "signals";
    let v = |x: &Option<String>| x.clone().unwrap_or_default();
    html! {
        form.filters method="get" action=(format!("/oversight/{name}")) {
            @if by_district {
                select name="district" aria-label=(t(lang, "Huyện", "District")) {
                    option value="" { (t(lang, "Mọi huyện", "Every district")) }
                    @for d in districts { option value=(d.code) selected[p.district.as_deref() == Some(d.code.as_str())] { (d.name) } }
                }
            }
            @if catalogue {
                select name="group" aria-label=(t(lang, "Nhóm", "Group")) {
                    option value="" { (t(lang, "Mọi nhóm", "Every group")) }
                    @for g in groups { option value=(g.code) selected[p.group.as_deref() == Some(g.code.as_str())] { (t(lang, &g.name_vi, &g.name_en)) } }
                }
                input type="search" name="q" value=(v(&p.q)) placeholder=(t(lang, "Tên sản phẩm", "Product name"));
            }
            @if name == "certificates" {
                label.check { (t(lang, "Trong", "Within")) " " input type="number" name="within" min="0" max="3650" value=(number(&p.within, 90u32, |n| *n <= 3650)) style="width:5.5rem"; " " (t(lang, "ngày", "days")) }
                select name="expired" {
                    option value="1" selected[p.expired.as_deref() != Some("0")] { (t(lang, "Gồm cả đã hết hạn", "Include expired")) }
                    option value="0" selected[p.expired.as_deref() == Some("0")] { (t(lang, "Chỉ sắp hết hạn", "Expiring only")) }
                }
            }
            @if name == "expired-sales" {
                input type="date" name="from" value=(v(&p.from)) aria-label=(t(lang, "Từ ngày", "From"));
                input type="date" name="to" value=(v(&p.to)) aria-label=(t(lang, "Đến ngày", "To"));
            }
            @if name == "outlets" {
                label.check { input type="checkbox" name="walk" value="1" checked[p.walk.as_deref() == Some("1")]; (t(lang, "Kiểm tra lại toàn bộ chuỗi (chậm)", "Walk every chain now (slow)")) }
            }
            @if name == "tills" {
                label.check { (t(lang, "Im lặng quá", "Silent over")) " " input type="number" name="hours" min="1" max="8760" value=(number(&p.hours, 24i64, |n| (1..=8760).contains(n))) style="width:5.5rem"; " " (t(lang, "giờ", "hours")) }
            }
            @if name == "signals" {
                label.check { input type="number" name="weeks" min="1" max="104" value=(number(&p.weeks, 12u32, |n| (1..=104).contains(n))) style="width:5rem"; " " (t(lang, "tuần", "weeks")) }
            }
            button type="submit" { (t(lang, "Lọc", "Filter")) }
        }
    }
}

/// A table as HTML: one row per row, each cell labelled for phones.
pub fn render(table: &Table) -> Markup {
    html! {
        table.responsive.oversight {
            thead { tr { @for c in &table.columns { th class=[numeric_col(table, c.key).then_some("num")] { (c.heading) } } } }
            tbody { @for row in &table.rows { tr {
                @for (c, v) in table.columns.iter().zip(row) {
                    td data-label=(c.heading) data-key=(c.key) class=[is_number(v).then_some("num")] { (cell(v)) }
                }
            } } }
        }
    }
}

fn is_number(v: &Value) -> bool {
    matches!(
        v,
        Value::Int(_) | Value::Money(_) | Value::Qty(_) | Value::Percent(_)
    )
}

fn numeric_col(table: &Table, key: &str) -> bool {
    let Some(i) = table.columns.iter().position(|c| c.key == key) else {
        return false;
    };
    table
        .rows
        .first()
        .and_then(|r| r.get(i))
        .is_some_and(is_number)
}

fn cell(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Int(n) => n.to_string(),
        Value::Money(n) => Dong::new(*n).to_string(),
        Value::Qty(m) => Quantity::from_milli(*m).to_string(),
        Value::Percent(p) => format!("{p:.1} %"),
        Value::Date(d) => d.format("%d/%m/%Y").to_string(),
        Value::Time(at) => ocop_core::time::format_vn(*at),
        Value::Empty => "—".to_owned(),
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// Builds one list as a table; `true` when it was cut at the limit.
fn build(
    c: &mut crate::db::DbConn,
    lang: Lang,
    name: &str,
    p: &Params,
) -> Result<(Table, bool), ApiError> {
    let f = lists::Filter {
        district: p.district.clone(),
        group: p.group.clone(),
        q: p.q.clone(),
    }
    .cleaned();
    let mut shown: Vec<(String, String)> = Vec::new();
    if let Some(d) = &f.district {
        shown.push((t(lang, "Huyện", "District").to_owned(), d.clone()));
    }
    if let Some(g) = &f.group {
        shown.push((t(lang, "Nhóm", "Group").to_owned(), g.clone()));
    }
    if let Some(q) = &f.q {
        shown.push((t(lang, "Tên", "Name").to_owned(), q.clone()));
    }
    let title = LISTS
        .iter()
        .find(|l| l.0 == name)
        .map(|l| t(lang, l.1, l.2).to_owned())
        .unwrap_or_default();
    let col = |key, vi, en| Column::new(key, t(lang, vi, en));
    let now = Utc::now();
    let names: std::collections::BTreeMap<String, String> = reference::districts(c)?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect();
    let district = |code: String| text(names.get(&code).cloned().unwrap_or(code));
    let group_names: std::collections::BTreeMap<String, String> = reference::product_groups(c)?
        .into_iter()
        .map(|g| (g.code, t(lang, &g.name_vi, &g.name_en).to_owned()))
        .collect();
    let group = |code: String| text(group_names.get(&code).cloned().unwrap_or(code));
    let (columns, rows, cut) = match name {
        "stock" => {
            let (found, cut) = lists::stock(c, &f)?;
            let columns = vec![
                col("product_id", "Mã SP", "Product id"),
                col("product", "Sản phẩm", "Product"),
                col("group", "Nhóm", "Group"),
                col("producer", "Chủ thể", "Producer"),
                col("outlet", "Điểm bán", "Outlet"),
                col("district", "Huyện", "District"),
                col("on_hand", "Tồn", "On hand"),
            ];
            let rows = found
                .into_iter()
                .map(|r| {
                    vec![
                        Value::Int(i64::from(r.product_id)),
                        text(r.product),
                        group(r.group_code),
                        text(r.producer),
                        text(r.outlet),
                        district(r.district_code),
                        Value::Qty(r.qty_milli),
                    ]
                })
                .collect();
            (columns, rows, cut)
        }
        "certificates" => {
            let within = number(&p.within, 90u32, |n| *n <= 3650);
            let expired = p.expired.as_deref() != Some("0");
            shown.push((
                t(lang, "Trong (ngày)", "Within (days)").to_owned(),
                within.to_string(),
            ));
            if !expired {
                shown.push((
                    t(lang, "Đã hết hạn", "Expired").to_owned(),
                    t(lang, "không", "no").to_owned(),
                ));
            }
            let (found, cut) = lists::certificates(c, &f, vn_today(), within, expired)?;
            let columns = vec![
                col("product_id", "Mã SP", "Product id"),
                col("product", "Sản phẩm", "Product"),
                col("stars", "Sao", "Stars"),
                col("cert_number", "Số GCN", "Certificate"),
                col("expires_on", "Hết hạn", "Expires"),
                col("days_left", "Còn (ngày)", "Days left"),
                col("producer", "Chủ thể", "Producer"),
                col("district", "Huyện", "District"),
            ];
            let rows = found
                .into_iter()
                .map(|r| {
                    vec![
                        Value::Int(i64::from(r.product_id)),
                        text(r.product),
                        Value::Int(i64::from(r.stars)),
                        text(r.cert_number),
                        Value::Date(r.expires_on),
                        Value::Int(r.days_left),
                        text(r.producer),
                        district(r.district_code),
                    ]
                })
                .collect();
            (columns, rows, cut)
        }
        "expired-sales" => {
            let to = day(&p.to).unwrap_or_else(vn_today);
            let from = day(&p.from)
                .unwrap_or_else(|| to.checked_sub_days(chrono::Days::new(365)).unwrap_or(to));
            shown.push((t(lang, "Từ", "From").to_owned(), from.to_string()));
            shown.push((t(lang, "Đến", "To").to_owned(), to.to_string()));
            let (found, cut) = lists::expired_sales(c, &f, from, to)?;
            let columns = vec![
                col("sold_at", "Lúc bán", "Sold at"),
                col("outlet", "Điểm bán", "Outlet"),
                col("district", "Huyện", "District"),
                col("product_id", "Mã SP", "Product id"),
                col("product", "Sản phẩm", "Product"),
                col("producer", "Chủ thể", "Producer"),
                col("cert_expired_on", "GCN hết hạn", "Certificate expired"),
                col("qty", "SL", "Qty"),
                col("amount", "Thành tiền", "Amount"),
                col("sale", "Hóa đơn", "Sale"),
            ];
            let rows = found
                .into_iter()
                .map(|r| {
                    vec![
                        Value::Time(r.sold_at.and_utc()),
                        text(r.outlet),
                        district(r.district_code),
                        Value::Int(i64::from(r.product_id)),
                        text(r.product),
                        text(r.producer),
                        Value::Date(r.cert_expires_on),
                        Value::Qty(r.qty_milli),
                        Value::Money(r.amount),
                        text(r.sale_uuid),
                    ]
                })
                .collect();
            (columns, rows, cut)
        }
        "outlets" => {
            let walk = p.walk.as_deref() == Some("1");
            let found = health::outlets_with_problems(c, f.district.as_deref(), walk)?;
            let kinds = |m: &std::collections::BTreeMap<String, i64>| {
                m.iter()
                    .map(|(k, n)| format!("{k}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let columns = vec![
                col("outlet_id", "Mã", "Id"),
                col("outlet", "Điểm bán", "Outlet"),
                col("district", "Huyện", "District"),
                col("negative_keys", "Dòng tồn âm", "Negative stock keys"),
                col(
                    "journal",
                    "Lỗi nhật ký khi nhận",
                    "Journal problems on arrival",
                ),
                col("chain", "Lỗi chuỗi (kiểm tra lại)", "Chain walk findings"),
                col("ledger_mismatches", "Sổ kho lệch", "Ledger mismatches"),
            ];
            let rows = found
                .into_iter()
                .map(|h| {
                    vec![
                        Value::Int(i64::from(h.outlet_id)),
                        text(h.outlet.clone()),
                        district(h.district_code.clone()),
                        Value::Int(h.negative_keys),
                        text(kinds(&h.journal)),
                        if walk {
                            text(kinds(&h.chain))
                        } else {
                            Value::Empty
                        },
                        Value::Int(h.ledger_mismatches),
                    ]
                })
                .collect();
            (columns, rows, false)
        }
        "tills" => {
            let hours = number(&p.hours, 24i64, |n| (1..=8760).contains(n));
            shown.push((
                t(lang, "Im lặng quá (giờ)", "Silent over (hours)").to_owned(),
                hours.to_string(),
            ));
            let found = health::silent_tills(
                c,
                now.naive_utc(),
                TimeDelta::hours(hours),
                f.district.as_deref(),
            )?;
            let columns = vec![
                col("till_id", "Mã máy", "Till id"),
                col("till", "Máy", "Till"),
                col("outlet", "Điểm bán", "Outlet"),
                col("district", "Huyện", "District"),
                col("last_seen", "Lần cuối", "Last seen"),
                col("silent_hours", "Im lặng (giờ)", "Silent (hours)"),
            ];
            let rows = found
                .into_iter()
                .map(|s| {
                    let since = s.last_seen.unwrap_or(s.registered_at);
                    vec![
                        Value::Int(i64::from(s.till_id)),
                        text(s.till),
                        text(s.outlet),
                        district(s.district_code),
                        s.last_seen
                            .map_or(Value::Empty, |at| Value::Time(at.and_utc())),
                        Value::Int(now.naive_utc().signed_duration_since(since).num_hours()),
                    ]
                })
                .collect();
            (columns, rows, false)
        }
        _ => {
            let weeks = number(&p.weeks, 12u32, |n| (1..=104).contains(n));
            shown.push((t(lang, "Số tuần", "Weeks").to_owned(), weeks.to_string()));
            let found = health::weekly_signals(c, now.naive_utc(), weeks)?;
            let columns = vec![
                col("week_of", "Tuần từ", "Week of"),
                col("cases", "Vụ việc mở", "Cases opened"),
                col("reports", "Báo cáo hàng giả", "Fake reports"),
                col("warning_scans", "Lượt quét cảnh báo", "Warning scans"),
            ];
            let rows = found
                .into_iter()
                .map(|w| {
                    vec![
                        Value::Date(w.week_of),
                        Value::Int(w.cases),
                        Value::Int(w.reports),
                        Value::Int(w.warning_scans),
                    ]
                })
                .collect();
            (columns, rows, false)
        }
    };
    Ok((
        Table {
            title,
            filters: shown,
            as_of: None,
            columns,
            rows,
        },
        cut,
    ))
}
