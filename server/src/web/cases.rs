//! The inspectors' case pages: the list with filters and the CSV export
//! link (`/cases`), one case with every step and a form for the next step
//! (`/cases/{id}`). Inspectors and admins only (403 for everyone else);
//! the writes go through the same model functions as the API.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::html;
use ocop_core::time::format_vn;
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::forms::{self, csrf_field, see_other};
use super::layout::t;
use super::session::WebUser;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::provenance::case::{self, CaseFilter, CaseStep, STATUSES};
use crate::state::AppState;

const WHO: &[Role] = &[Role::Admin, Role::Inspector];

fn status_label(lang: ocop_core::i18n::Lang, status: &str) -> &'static str {
    match status {
        "new" => t(lang, "Mới", "New"),
        "investigating" => t(lang, "Đang xác minh", "Investigating"),
        "confirmed" => t(lang, "Đã xác nhận", "Confirmed"),
        "dismissed" => t(lang, "Đã bác bỏ", "Dismissed"),
        _ => "?",
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: Option<String>,
}

#[get("/cases")]
pub async fn list_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<ListQuery>,
) -> HttpResponse {
    if let Err(e) = me.user.require(WHO) {
        return forms::failure(&me, &e);
    }
    let lang = me.lang;
    let status = q.status.clone().filter(|s| STATUSES.contains(&s.as_str()));
    let f = CaseFilter {
        status: status.clone(),
        ..CaseFilter::default()
    };
    let rows = match state.read(move |c| Ok(case::list(c, &f)?)).await {
        Ok(r) => r,
        Err(e) => return forms::failure(&me, &e),
    };
    let csv = match &status {
        Some(s) => format!("/cases/export.csv?status={s}"),
        None => "/cases/export.csv".to_owned(),
    };
    let body = html! {
        form.filters method="get" action="/cases" {
            select name="status" {
                option value="" { (t(lang, "Mọi trạng thái", "Every status")) }
                @for s in STATUSES { option value=(s) selected[status.as_deref() == Some(s)] { (status_label(lang, s)) } }
            }
            button type="submit" { (t(lang, "Lọc", "Filter")) }
            a.button href=(csv) { (t(lang, "Xuất CSV", "Export CSV")) }
        }
        table.responsive {
            thead { tr { th { "#" } th { (t(lang, "Vụ việc", "Case")) } th { (t(lang, "Trạng thái", "Status")) } th { (t(lang, "Cập nhật", "Updated")) } } }
            tbody { @for r in &rows { tr {
                td { (r.id) }
                td { a href=(format!("/cases/{}", r.id)) { (r.title) } }
                td data-label=(t(lang, "Trạng thái", "Status")) { (status_label(lang, &r.status)) }
                td data-label=(t(lang, "Cập nhật", "Updated")) { (format_vn(r.updated_at.and_utc())) }
            } } }
        }
        @if rows.is_empty() { p.muted { (t(lang, "Không có vụ việc nào.", "No cases.")) } }
    };
    forms::respond(
        StatusCode::OK,
        lang,
        t(lang, "Vụ việc thanh tra", "Inspection cases"),
        &me,
        body,
    )
}

/// The CSV export under the web session (the API has `/api/v1/cases.csv`).
#[get("/cases/export.csv")]
pub async fn export_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<ListQuery>,
) -> HttpResponse {
    if let Err(e) = me.user.require(WHO) {
        return forms::failure(&me, &e);
    }
    let f = CaseFilter {
        status: q.status.clone(),
        ..CaseFilter::default()
    };
    let rows = match state.read(move |c| Ok(case::list(c, &f)?)).await {
        Ok(r) => r,
        Err(e) => return forms::failure(&me, &e),
    };
    match case::to_csv(&rows) {
        Ok(bytes) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("content-disposition", "attachment; filename=\"cases.csv\""))
            .body(bytes),
        Err(e) => forms::failure(&me, &ApiError::internal(e)),
    }
}

#[get("/cases/{id}")]
pub async fn case_page(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    if let Err(e) = me.user.require(WHO) {
        return forms::failure(&me, &e);
    }
    let lang = me.lang;
    let id = id.into_inner();
    let v = match state.read(move |c| Ok(case::find(c, id)?)).await {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    let c = &v.case;
    let link = |label: &str, value: Option<i32>| {
        html! { @if let Some(x) = value { li { (label) ": " (x) } } }
    };
    let body = html! {
        div.card {
            p { (t(lang, "Trạng thái", "Status")) ": " strong { (status_label(lang, &c.status)) } }
            ul {
                (link(t(lang, "Sản phẩm", "Product"), c.product_id))
                (link(t(lang, "Chủ thể", "Producer"), c.producer_id))
                (link(t(lang, "Lô", "Lot"), c.lot_id))
                (link(t(lang, "Điểm bán", "Outlet"), c.outlet_id))
                (link(t(lang, "Tem", "Label"), c.label_id))
                (link(t(lang, "Báo cáo", "Report"), c.report_id))
            }
        }
        h2 { (t(lang, "Diễn biến", "Steps")) }
        table.responsive {
            thead { tr { th { (t(lang, "Lúc", "When")) } th { (t(lang, "Ai", "Who")) } th { (t(lang, "Việc", "What")) } } }
            tbody { @for e in &v.events { tr {
                td { (format_vn(e.at)) }
                td data-label=(t(lang, "Ai", "Who")) { (e.by_username) }
                td data-label=(t(lang, "Việc", "What")) { strong { (e.kind) } ": " (e.detail) }
            } } }
        }
        @if !matches!(c.status.as_str(), "confirmed" | "dismissed") {
            form method="post" action=(format!("/cases/{}/steps", c.id)) {
                (csrf_field(&me))
                div.field {
                    label for="status" { (t(lang, "Trạng thái mới", "New status")) }
                    select id="status" name="status" {
                        option value="" { "—" }
                        option value="investigating" { (status_label(lang, "investigating")) }
                        option value="dismissed" { (status_label(lang, "dismissed")) }
                    }
                }
                div.field { label for="note" { (t(lang, "Ghi chú", "Note")) } textarea id="note" name="note" rows="3" {} }
                button type="submit" { (t(lang, "Ghi lại", "Record")) }
            }
        }
    };
    forms::respond(StatusCode::OK, lang, &c.title, &me, body)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
}

#[post("/cases/{id}/steps")]
pub async fn step_submit(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    CsrfForm { me, form }: CsrfForm<StepForm>,
) -> HttpResponse {
    if let Err(e) = me.user.require(WHO) {
        return forms::failure(&me, &e);
    }
    let id = id.into_inner();
    let step = CaseStep {
        status: Some(form.status.trim().to_owned()).filter(|s| !s.is_empty()),
        assignee_id: None,
        note: Some(form.note.clone()),
    };
    let by = me.user.id;
    match state
        .write(move |c| Ok(case::step(c, id, &step, by)?))
        .await
    {
        Ok(_) => see_other(&format!("/cases/{id}")),
        Err(e) => forms::failure(&me, &e),
    }
}
