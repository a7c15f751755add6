//! The programme indicators page (`/oversight/indicators`, inspectors and
//! admins): the plan's targets against the actual figures computed from
//! the catalogue, by year and by district; certified products by stars and
//! group; producers by kind, existing or new; every certificate's rating
//! record. Admins enter targets on the same page (a CSRF form posting to
//! `/oversight/indicators/targets`); each entry is kept, the newest
//! counts, the history is listed under the form.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::{Datelike as _, Utc};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::forms::{self, Errors, Input, csrf_field, field, summary};
use super::layout::t;
use super::oversight::WHO;
use super::session::WebUser;
use crate::auth::Role;
use crate::models::oversight::indicators::{
    self, Actuals, Certified, INDICATORS, Target, TargetInput,
};
use crate::models::reference;
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Params {
    /// The year of the district table and the rating records (all when empty).
    year: Option<String>,
}

/// The target form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TargetForm {
    year: String,
    indicator: String,
    target: String,
    note: String,
}

struct Data {
    actuals: Actuals,
    targets: BTreeMap<(String, i32), i32>,
    certified: Vec<Certified>,
    history: Vec<Target>,
    districts: Vec<reference::District>,
}

async fn load(state: &AppState) -> Result<Data, crate::error::ApiError> {
    state
        .read(|c| {
            let certified = indicators::certified(c)?;
            Ok(Data {
                actuals: indicators::actuals(c, &certified)?,
                targets: indicators::current_targets(c)?,
                certified,
                history: indicators::history(c)?,
                districts: reference::districts(c)?,
            })
        })
        .await
}

#[get("/oversight/indicators")]
pub async fn page(state: web::Data<AppState>, me: WebUser, q: web::Query<Params>) -> HttpResponse {
    if let Err(e) = me.user.require(WHO) {
        return forms::failure(&me, &e);
    }
    let year = q.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok());
    show(
        &state,
        &me,
        StatusCode::OK,
        year,
        &TargetForm::default(),
        &Errors::default(),
    )
    .await
}

async fn show(
    state: &AppState,
    me: &WebUser,
    status: StatusCode,
    year: Option<i32>,
    form: &TargetForm,
    errors: &Errors,
) -> HttpResponse {
    let lang = me.lang;
    let data = match load(state).await {
        Ok(d) => d,
        Err(e) => return forms::failure(me, &e),
    };
    let body = html! {
        p { a href="/oversight" { "← " (t(lang, "Giám sát", "Oversight")) } }
        (against_target(lang, &data))
        (by_district(lang, &data, year))
        (by_stars_and_group(lang, &data))
        (by_kind(lang, &data))
        (ratings(lang, &data, year))
        (targets(lang, me, &data, form, errors))
    };
    forms::respond(
        status,
        lang,
        t(
            lang,
            "Chỉ tiêu chương trình OCOP",
            "OCOP programme indicators",
        ),
        me,
        body,
    )
}

fn against_target(lang: Lang, d: &Data) -> Markup {
    let years: Vec<i32> = indicators::years(&d.actuals, &d.targets)
        .into_iter()
        .collect();
    let cell = |ind: &str, year: i32| {
        let actual = if year == 0 {
            d.actuals
                .get(ind)
                .map(|y| y.values().flat_map(|m| m.values()).sum::<i64>())
                .unwrap_or(0)
        } else {
            indicators::year_total(&d.actuals, ind, year)
        };
        let target = d.targets.get(&(ind.to_owned(), year)).copied();
        let met = target.is_some_and(|t| actual >= i64::from(t));
        html! {
            td.num data-label=(if year == 0 { t(lang, "Cả giai đoạn", "Whole plan").to_owned() } else { year.to_string() })
                data-indicator=(ind) data-year=(year) data-actual=(actual) data-target=[target]
                class=[target.map(|_| if met { "met" } else { "unmet" })] {
                strong { (actual) }
                @if let Some(t) = target { " / " (t) }
            }
        }
    };
    html! {
        h2 { (t(lang, "Thực hiện / chỉ tiêu theo năm", "Actual / target by year")) }
        table.responsive.indicators {
            thead { tr {
                th { (t(lang, "Chỉ tiêu", "Indicator")) }
                @for y in &years { th.num { (y) } }
                th.num { (t(lang, "Cả giai đoạn", "Whole plan")) }
            } }
            tbody { @for (code, _, _) in INDICATORS { tr {
                td { (indicators::label(lang, code)) }
                @for y in &years { (cell(code, *y)) }
                (cell(code, 0))
            } } }
        }
        p.muted { (t(lang, "Số đậm: thực hiện, tính từ danh mục; sau dấu /: chỉ tiêu hiện hành.", "Bold: actual, computed from the catalogue; after the /: the current target.")) }
    }
}

fn by_district(lang: Lang, d: &Data, year: Option<i32>) -> Markup {
    let count = |ind: &str, district: &str| -> i64 {
        d.actuals
            .get(ind)
            .map(|by_year| {
                by_year
                    .iter()
                    .filter(|(y, _)| year.is_none_or(|want| want == **y))
                    .filter_map(|(_, m)| m.get(district))
                    .sum()
            })
            .unwrap_or(0)
    };
    // short headings: four columns must fit a laptop's width
    let shown: [(&str, &str, &str); 4] = [
        (
            "products_standardised",
            "Sản phẩm chuẩn hóa",
            "Products standardised",
        ),
        (
            "organisations_consolidated",
            "Tổ chức củng cố",
            "Organisations consolidated",
        ),
        ("organisations_new", "Tổ chức mới", "New organisations"),
        ("sales_points", "Điểm bán", "Sales points"),
    ];
    let years: Vec<i32> = indicators::years(&d.actuals, &d.targets)
        .into_iter()
        .collect();
    html! {
        h2 { (t(lang, "Thực hiện theo huyện", "Actual by district")) }
        form.filters method="get" action="/oversight/indicators" {
            select name="year" aria-label=(t(lang, "Năm", "Year")) {
                option value="" { (t(lang, "Mọi năm", "Every year")) }
                @for y in &years { option value=(y) selected[year == Some(*y)] { (y) } }
            }
            button type="submit" { (t(lang, "Lọc", "Filter")) }
        }
        table.responsive.districts {
            thead { tr {
                th { (t(lang, "Huyện", "District")) }
                @for (_, vi, en) in &shown { th.num { (t(lang, vi, en)) } }
            } }
            tbody { @for dist in &d.districts { tr data-district=(dist.code) {
                td { (dist.name) }
                @for (code, vi, en) in &shown {
                    td.num data-label=(t(lang, vi, en)) data-indicator=(code) { (count(code, &dist.code)) }
                }
            } } }
        }
    }
}

fn by_stars_and_group(lang: Lang, d: &Data) -> Markup {
    let mut by_year: BTreeMap<i32, BTreeMap<i32, i64>> = BTreeMap::new();
    let mut groups: BTreeMap<String, BTreeMap<i32, i64>> = BTreeMap::new();
    for c in &d.certified {
        let y = c.issued_on.year();
        let n = by_year.entry(y).or_default().entry(c.stars).or_default();
        *n = n.saturating_add(1);
        let g = groups
            .entry(c.group_code.clone())
            .or_default()
            .entry(y)
            .or_default();
        *g = g.saturating_add(1);
    }
    let years: Vec<i32> = by_year.keys().copied().collect();
    html! {
        h2 { (t(lang, "Sản phẩm được chứng nhận theo năm, hạng sao và nhóm", "Certified products by year, stars and group")) }
        div.grid {
            table.responsive {
                thead { tr { th { (t(lang, "Năm", "Year")) } th.num { "3★" } th.num { "4★" } th.num { "5★" } } }
                tbody { @for (y, stars) in &by_year { tr {
                    td { (y) }
                    @for s in 3..=5 { td.num data-label=(format!("{s}★")) { (stars.get(&s).copied().unwrap_or(0)) } }
                } } }
            }
            table.responsive {
                thead { tr { th { (t(lang, "Nhóm", "Group")) } @for y in &years { th.num { (y) } } } }
                tbody { @for (g, counts) in &groups { tr {
                    td { (g) }
                    @for y in &years { td.num data-label=(y) { (counts.get(y).copied().unwrap_or(0)) } }
                } } }
            }
        }
    }
}

fn kind_label(lang: Lang, code: &str) -> &'static str {
    match code {
        "jsc" => t(lang, "Công ty cổ phần", "Joint-stock company"),
        "llc" => t(lang, "Công ty TNHH", "Limited company"),
        "htx" => t(lang, "Hợp tác xã", "Cooperative"),
        "tht" => t(lang, "Tổ hợp tác", "Cooperative group"),
        "household" => t(lang, "Hộ sản xuất", "Household"),
        _ => "?",
    }
}

fn by_kind(lang: Lang, d: &Data) -> Markup {
    // cooperatives and companies first, as the plan ranks them
    const ORDER: [&str; 5] = ["htx", "jsc", "llc", "tht", "household"];
    let mut seen: BTreeMap<i32, (&str, &str)> = BTreeMap::new();
    for c in &d.certified {
        seen.entry(c.producer_id)
            .or_insert((c.producer_kind.as_str(), c.origin.as_str()));
    }
    let count = |kind: &str, origin: &str| {
        seen.values()
            .filter(|(k, o)| *k == kind && *o == origin)
            .count()
    };
    html! {
        h2 { (t(lang, "Chủ thể có sản phẩm được chứng nhận, theo loại hình", "Producers with a certified product, by kind")) }
        table.responsive.kinds {
            thead { tr { th { (t(lang, "Loại hình", "Kind")) } th.num { (t(lang, "Hiện có, được củng cố", "Existing, consolidated")) } th.num { (t(lang, "Mới thành lập", "New")) } } }
            tbody { @for k in ORDER { tr data-kind=(k) {
                td { (kind_label(lang, k)) }
                td.num data-label=(t(lang, "Hiện có", "Existing")) data-origin="existing" { (count(k, "existing")) }
                td.num data-label=(t(lang, "Mới", "New")) data-origin="new" { (count(k, "new")) }
            } } }
        }
    }
}

fn ratings(lang: Lang, d: &Data, year: Option<i32>) -> Markup {
    let rows: Vec<&Certified> = d
        .certified
        .iter()
        .filter(|c| year.is_none_or(|y| c.issued_on.year() == y))
        .take(500)
        .collect();
    html! {
        h2 { (t(lang, "Kết quả đánh giá, phân hạng từng sản phẩm", "Each certificate's rating record")) }
        table.responsive.ratings {
            thead { tr {
                th { (t(lang, "Sản phẩm", "Product")) }
                th.num { (t(lang, "Sao", "Stars")) }
                th.num { (t(lang, "Điểm", "Score")) }
                th { (t(lang, "Quyết định", "Decision")) }
                th { (t(lang, "Cơ quan", "Body")) }
            } }
            tbody { @for c in rows { tr data-product=(c.product_id) {
                td { a href=(format!("/catalogue/products/{}", c.product_id)) { (c.product) } br; span.muted { (c.producer) } }
                td.num data-label=(t(lang, "Sao", "Stars")) { (c.stars) "★" }
                td.num data-label=(t(lang, "Điểm", "Score")) data-score=[c.rating_score] { @if let Some(s) = c.rating_score { (s) } @else { "—" } }
                td data-label=(t(lang, "Quyết định", "Decision")) {
                    @if let (Some(no), Some(on)) = (&c.rating_decision_no, c.rating_decision_on) { (no) " (" (on.format("%d/%m/%Y")) ")" } @else { "—" }
                }
                td data-label=(t(lang, "Cơ quan", "Body")) { (c.rating_body.as_deref().unwrap_or("—")) }
            } } }
        }
    }
}

fn targets(lang: Lang, me: &WebUser, d: &Data, form: &TargetForm, errors: &Errors) -> Markup {
    let choices: Vec<(String, String)> = INDICATORS
        .iter()
        .map(|(c, vi, en)| ((*c).to_owned(), t(lang, vi, en).to_owned()))
        .collect();
    html! {
        h2 { (t(lang, "Chỉ tiêu kế hoạch", "Plan targets")) }
        @if me.user.role == Role::Admin {
            (summary(lang, errors, &["year", "indicator", "target", "note"]))
            form.card.narrow method="post" action="/oversight/indicators/targets" {
                (csrf_field(me))
                (field(lang, "year", t(lang, "Năm (0: cả giai đoạn)", "Year (0: whole plan)"), &form.year, Input::Number, errors))
                (field(lang, "indicator", t(lang, "Chỉ tiêu", "Indicator"), &form.indicator, Input::Select(&choices), errors))
                (field(lang, "target", t(lang, "Mục tiêu", "Target"), &form.target, Input::Number, errors))
                (field(lang, "note", t(lang, "Ghi chú (căn cứ)", "Note (source)"), &form.note, Input::Text, errors))
                button type="submit" { (t(lang, "Ghi chỉ tiêu", "Record target")) }
            }
        }
        table.responsive.history {
            thead { tr {
                th { (t(lang, "Lúc", "When")) } th { (t(lang, "Năm", "Year")) } th { (t(lang, "Chỉ tiêu", "Indicator")) }
                th.num { (t(lang, "Mục tiêu", "Target")) } th { (t(lang, "Ghi chú", "Note")) }
            } }
            tbody { @for h in &d.history { tr {
                td { (ocop_core::time::format_vn(h.entered_at.and_utc())) }
                td data-label=(t(lang, "Năm", "Year")) { @if h.year == 0 { (t(lang, "cả giai đoạn", "whole plan")) } @else { (h.year) } }
                td data-label=(t(lang, "Chỉ tiêu", "Indicator")) { (indicators::label(lang, &h.indicator)) }
                td.num data-label=(t(lang, "Mục tiêu", "Target")) { (h.target) }
                td data-label=(t(lang, "Ghi chú", "Note")) { (h.note) }
            } } }
        }
    }
}

#[post("/oversight/indicators/targets")]
pub async fn enter_target(
    state: web::Data<AppState>,
    CsrfForm { me, form }: CsrfForm<TargetForm>,
) -> HttpResponse {
    if let Err(e) = me.user.require(&[Role::Admin]) {
        return forms::failure(&me, &e);
    }
    let mut bad = Errors::default();
    let mut num = |name: &'static str, label, text: &str| match forms::parse_int(name, label, text)
    {
        Ok(Some(v)) => v,
        Ok(None) => {
            bad.push(forms::FieldError::new(
                name,
                format!("{} là bắt buộc.", label.0),
                format!("{} is required.", label.1),
            ));
            -1
        }
        Err(e) => {
            bad.push(e);
            -1
        }
    };
    let year = num("year", ("Năm", "The year"), &form.year);
    let target = num("target", ("Mục tiêu", "The target"), &form.target);
    if !bad.is_empty() {
        return show(
            &state,
            &me,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            &form,
            &bad,
        )
        .await;
    }
    let input = TargetInput {
        year,
        indicator: form.indicator.clone(),
        target,
        note: form.note.clone(),
    };
    let by = me.user.id;
    let result = forms::write_form(&state, move |c| {
        indicators::enter_target(c, &input, Some(by), Utc::now().naive_utc())
    })
    .await;
    match result {
        Ok(forms::Outcome::Saved(_)) => forms::see_other("/oversight/indicators"),
        Ok(forms::Outcome::Refused(errors)) => {
            show(
                &state,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                &form,
                &errors,
            )
            .await
        }
        Err(e) => forms::failure(&me, &e),
    }
}
