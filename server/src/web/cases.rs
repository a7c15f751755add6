//! The inspectors' case pages: the list with filters and the CSV and XLSX
//! export links (`/cases`), one case with every step, a form for the next
//! step (status, assignee, note) and a form to confirm it, recalling its
//! lot or suspending its producer (`/cases/{id}`). Inspectors and admins
//! only (403 for everyone else); every form carries the session's
//! anti-forgery token; the writes go through the same model functions as
//! the API, in one transaction (a refused step or confirmation changes
//! nothing).

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
use crate::models::provenance::case::{
    self, CaseFilter, CaseStep, Confirm, ExportFormat, STATUSES,
};
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
    let query = match &status {
        Some(s) => format!("?status={s}"),
        None => String::new(),
    };
    let (csv, xlsx) = (
        format!("/cases/export.csv{query}"),
        format!("/cases/export.xlsx{query}"),
    );
    let body = html! {
        form.filters method="get" action="/cases" {
            select name="status" {
                option value="" { (t(lang, "Mọi trạng thái", "Every status")) }
                @for s in STATUSES { option value=(s) selected[status.as_deref() == Some(s)] { (status_label(lang, s)) } }
            }
            button type="submit" { (t(lang, "Lọc", "Filter")) }
            a.button href=(csv) { (t(lang, "Xuất CSV", "Export CSV")) }
            " "
            a.button href=(xlsx) { (t(lang, "Xuất Excel", "Export Excel")) }
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
    export_as(state, me, q.into_inner(), ExportFormat::Csv).await
}

/// The XLSX export under the web session (the API has `/api/v1/cases.xlsx`).
#[get("/cases/export.xlsx")]
pub async fn export_xlsx_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<ListQuery>,
) -> HttpResponse {
    export_as(state, me, q.into_inner(), ExportFormat::Xlsx).await
}

async fn export_as(
    state: web::Data<AppState>,
    me: WebUser,
    q: ListQuery,
    format: ExportFormat,
) -> HttpResponse {
    if let Err(e) = me.user.require(WHO) {
        return forms::failure(&me, &e);
    }
    let f = CaseFilter {
        status: q.status,
        ..CaseFilter::default()
    };
    let rows = match state.read(move |c| Ok(case::list(c, &f)?)).await {
        Ok(r) => r,
        Err(e) => return forms::failure(&me, &e),
    };
    match case::export(&rows, format) {
        Ok(file) => HttpResponse::Ok()
            .content_type(file.content_type)
            .insert_header(("content-disposition", file.disposition()))
            .body(file.bytes),
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
    let (v, people) = match state
        .read(move |c| Ok((case::find(c, id)?, case::assignable(c)?)))
        .await
    {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    let c = &v.case;
    let link = |label: &str, value: Option<i32>| {
        html! { @if let Some(x) = value { li { (label) ": " (x) } } }
    };
    let body = html! {
        div.card {
            p { (t(lang, "Trạng thái", "Status")) ": " strong data-status=(c.status) { (status_label(lang, &c.status)) } }
            p {
                (t(lang, "Người được giao", "Assignee")) ": "
                @match people.iter().find(|p| Some(p.0) == c.assignee_id) {
                    Some((_, username, name)) => strong data-assignee=(username) { (name) " (" (username) ")" },
                    None => span.muted { (t(lang, "chưa giao", "nobody yet")) },
                }
            }
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
            h2 { (t(lang, "Bước tiếp theo", "Next step")) }
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
                div.field {
                    label for="assignee_id" { (t(lang, "Giao cho", "Assign to")) }
                    select id="assignee_id" name="assignee_id" {
                        option value="" { "—" }
                        @for (id, username, name) in &people {
                            option value=(id) { (name) " (" (username) ")" }
                        }
                    }
                }
                div.field { label for="note" { (t(lang, "Ghi chú", "Note")) } textarea id="note" name="note" rows="3" {} }
                button type="submit" { (t(lang, "Ghi lại", "Record")) }
            }
            h2 { (t(lang, "Xác nhận vi phạm", "Confirm the case")) }
            form method="post" action=(format!("/cases/{}/confirm", c.id)) {
                (csrf_field(&me))
                div.field {
                    label for="reason" { (t(lang, "Lý do (hiện trên trang công khai và ở máy bán hàng khi thu hồi)", "Reason (shown on the public page and at the tills when a lot is recalled)")) }
                    textarea id="reason" name="reason" rows="2" required {}
                }
                @if let Some(lot) = c.lot_id {
                    div.field { label { input type="checkbox" name="recall_lot" value="on"; " " (t(lang, "Thu hồi lô", "Recall lot")) " " (lot) } }
                }
                @if c.producer_id.is_some() || c.product_id.is_some() {
                    div.field { label { input type="checkbox" name="suspend_producer" value="on"; " " (t(lang, "Đình chỉ chủ thể sản xuất", "Suspend the producer")) } }
                }
                button type="submit" { (t(lang, "Xác nhận", "Confirm")) }
            }
        }
    };
    forms::respond(StatusCode::OK, lang, &c.title, &me, body)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    status: String,
    /// A user id, or empty for no change.
    #[serde(default)]
    assignee_id: String,
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
    let assignee = form.assignee_id.trim();
    let assignee_id = if assignee.is_empty() {
        None
    } else {
        match assignee.parse::<i32>() {
            Ok(a) => Some(a),
            Err(_) => {
                return forms::failure(
                    &me,
                    &ApiError::bad_request(
                        "invalid_assignee",
                        "Người được giao không hợp lệ.",
                        "The assignee is not valid.",
                    ),
                );
            }
        }
    };
    let step = CaseStep {
        status: Some(form.status.trim().to_owned()).filter(|s| !s.is_empty()),
        assignee_id,
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

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    reason: String,
    /// A checkbox: present (`on`) when ticked.
    #[serde(default)]
    recall_lot: Option<String>,
    #[serde(default)]
    suspend_producer: Option<String>,
}

#[post("/cases/{id}/confirm")]
pub async fn confirm_submit(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    CsrfForm { me, form }: CsrfForm<ConfirmForm>,
) -> HttpResponse {
    if let Err(e) = me.user.require(WHO) {
        return forms::failure(&me, &e);
    }
    let id = id.into_inner();
    let confirm = Confirm {
        reason: form.reason.clone(),
        recall_lot: form.recall_lot.is_some(),
        suspend_producer: form.suspend_producer.is_some(),
    };
    let by = me.user.id;
    match state
        .write(move |c| Ok(case::confirm(c, id, &confirm, by)?))
        .await
    {
        Ok(_) => see_other(&format!("/cases/{id}")),
        Err(e) => forms::failure(&me, &e),
    }
}
