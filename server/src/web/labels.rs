//! "In tem cho lô này / Print labels for this lot": the form a manager (own
//! outlet) or an admin opens from a posted goods-received note, and the
//! page of an issued batch (its serials and label links, the A4 sticker
//! sheet and the label-printer file).
//!
//! The form carries a request id made when the form is shown, so pressing
//! the button twice, or resending after a lost answer, issues once.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::csrf_form::CsrfForm;
use super::forms::{self, Errors, Input, Outcome, csrf_field, field, see_other, summary};
use super::layout::t;
use super::session::WebUser;
use super::stock_form::writer_at;
use crate::api::labels::visible_batch;
use crate::error::ApiError;
use crate::models::provenance::label::{self, IssueRequest, MAX_LABELS_PER_REQUEST};
use crate::models::stock::lot;
use crate::models::{outlet, product};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    pub outlet_id: String,
    pub lot_id: i32,
    #[serde(default)]
    pub count: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IssueForm {
    pub outlet_id: String,
    pub lot_id: String,
    pub count: String,
    pub request_id: String,
}

/// What the form says it is for.
struct Subject {
    product: String,
    lot_code: String,
    outlet: String,
}

async fn subject(state: &AppState, outlet_id: i32, lot_id: i32) -> Result<Subject, ApiError> {
    state
        .read(move |c| {
            let lot = lot::find(c, lot_id)?;
            Ok(Subject {
                product: product::find(c, lot.product_id)?.name_vi,
                lot_code: lot.lot_code,
                outlet: outlet::find(c, outlet_id)?.name,
            })
        })
        .await
}

fn form_markup(me: &WebUser, f: &IssueForm, s: &Subject, errors: &Errors) -> Markup {
    let lang = me.lang;
    html! {
        (summary(lang, errors, &["count"]))
        div.card {
            p {
                (t(lang, "Sản phẩm", "Product")) ": " strong { (s.product) }
                br; (t(lang, "Lô", "Lot")) ": " strong { @if s.lot_code.is_empty() { (t(lang, "(không có số lô)", "(no lot number)")) } @else { (s.lot_code) } }
                br; (t(lang, "Điểm bán", "Outlet")) ": " (s.outlet)
            }
        }
        form method="post" action="/labels/new" {
            (csrf_field(me))
            input type="hidden" name="outlet_id" value=(f.outlet_id);
            input type="hidden" name="lot_id" value=(f.lot_id);
            input type="hidden" name="request_id" value=(f.request_id);
            (field(lang, "count", &format!("{} (1–{MAX_LABELS_PER_REQUEST})", t(lang, "Số tem", "Number of labels")), &f.count, Input::Number, errors))
            p.muted { (t(lang,
                "Mỗi tem có một số sê-ri ngẫu nhiên riêng, không thể đoán được. Bấm lại nút không in thêm tem.",
                "Each label gets its own random serial that cannot be guessed. Pressing the button again does not issue more.")) }
            button type="submit" { (t(lang, "Cấp tem", "Issue labels")) }
        }
    }
}

fn show(
    status: StatusCode,
    me: &WebUser,
    f: &IssueForm,
    s: &Subject,
    errors: &Errors,
) -> HttpResponse {
    let title = t(me.lang, "In tem cho lô này", "Print labels for this lot");
    forms::respond(status, me.lang, title, me, form_markup(me, f, s, errors))
}

#[get("/labels/new")]
pub async fn new_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<NewQuery>,
) -> HttpResponse {
    let outlet_id = match writer_at(&me, &q.outlet_id) {
        Ok(o) => o,
        Err(e) => return forms::failure(&me, &e),
    };
    let s = match subject(&state, outlet_id, q.lot_id).await {
        Ok(s) => s,
        Err(e) => return forms::failure(&me, &e),
    };
    let f = IssueForm {
        outlet_id: outlet_id.to_string(),
        lot_id: q.lot_id.to_string(),
        count: q.count.clone().unwrap_or_default(),
        request_id: Uuid::new_v4().to_string(),
    };
    show(StatusCode::OK, &me, &f, &s, &Errors::default())
}

#[post("/labels/new")]
pub async fn issue_submit(
    state: web::Data<AppState>,
    CsrfForm { me, form }: CsrfForm<IssueForm>,
) -> HttpResponse {
    let outlet_id = match writer_at(&me, &form.outlet_id) {
        Ok(o) => o,
        Err(e) => return forms::failure(&me, &e),
    };
    let (Ok(lot_id), Ok(request_id)) = (
        form.lot_id.trim().parse::<i32>(),
        Uuid::parse_str(form.request_id.trim()),
    ) else {
        return forms::failure(&me, &ApiError::not_found());
    };
    let s = match subject(&state, outlet_id, lot_id).await {
        Ok(s) => s,
        Err(e) => return forms::failure(&me, &e),
    };
    let Ok(count) = form.count.trim().parse::<i32>() else {
        let errors = Errors(vec![forms::FieldError::new(
            "count",
            format!("Số tem phải là số từ 1 đến {MAX_LABELS_PER_REQUEST}."),
            format!("The number of labels must be a number from 1 to {MAX_LABELS_PER_REQUEST}."),
        )]);
        return show(StatusCode::UNPROCESSABLE_ENTITY, &me, &form, &s, &errors);
    };
    let req = IssueRequest {
        request_id,
        lot_id,
        outlet_id,
        count,
    };
    let (by, base) = (me.user.id, state.config.public_url.clone());
    match forms::write_form(&state, move |c| {
        label::issue(c, &req, by, &base, rand::random::<u128>).map(|(b, _)| b.id)
    })
    .await
    {
        Ok(Outcome::Saved(id)) => see_other(&format!("/labels/batches/{id}")),
        Ok(Outcome::Refused(errors)) => {
            show(StatusCode::UNPROCESSABLE_ENTITY, &me, &form, &s, &errors)
        }
        Err(e) => forms::failure(&me, &e),
    }
}

#[get("/labels/batches/{id}")]
pub async fn batch_page(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    let lang = me.lang;
    let batch = match visible_batch(&state, &me.user, id.into_inner()).await {
        Ok(b) => b,
        Err(e) => return forms::failure(&me, &e),
    };
    let body = html! {
        div.card {
            p {
                (t(lang, "Lô", "Lot")) ": " strong { (batch.lot_code) }
                @if let Some(e) = batch.expires_on { " · " (t(lang, "HSD", "Best before")) ": " (e.format("%d/%m/%Y")) }
                br; (batch.labels.len()) " " (t(lang, "tem", "labels"))
            }
            p {
                a.button href=(format!("/labels/batches/{}/sheet.pdf", batch.id)) { (t(lang, "Tải tờ tem A4 (PDF)", "Download the A4 sticker sheet (PDF)")) }
                " "
                a.button href=(format!("/labels/batches/{}/labels.escpos", batch.id)) { (t(lang, "Tệp in máy in tem (ESC/POS)", "Label printer file (ESC/POS)")) }
            }
        }
        table.responsive {
            thead { tr { th { "#" } th { (t(lang, "Số sê-ri", "Serial")) } th { (t(lang, "Đường dẫn trên tem", "Link on the label")) } } }
            tbody {
                @for (i, l) in batch.labels.iter().enumerate() {
                    tr {
                        td { (i + 1) }
                        td data-label=(t(lang, "Số sê-ri", "Serial")) { code.serial { (l.serial) } }
                        td.break-all data-label=(t(lang, "Đường dẫn", "Link")) { a href=(l.uri) { (l.uri) } }
                    }
                }
            }
        }
    };
    forms::respond(
        StatusCode::OK,
        lang,
        t(lang, "Tem truy xuất nguồn gốc", "Provenance labels"),
        &me,
        body,
    )
}
