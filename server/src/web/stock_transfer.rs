//! The second step of a transfer, from a web form: the destination outlet's
//! manager (or an admin) sees the lines sent and enters what arrived per
//! line, with a reason when it differs. Receiving goes through
//! [`posting::receive_transfer`], the API's own function, in one
//! transaction: the receipt is numbered and posted, what arrived is booked
//! into the same lots and owners that left, and a shortfall is recorded on
//! the line as the model does. A refusal (already received, a bad quantity)
//! comes back with the model's reason (422) and writes nothing.
//!
//! Only the destination may receive: anyone else — the sending manager
//! included — gets 404, as for any record outside their scope. A forged
//! form never gets here ([`CsrfForm`]); an unreadable quantity is said
//! beside its field.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::money::Quantity;
use ocop_core::stock::DocumentKind;
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::forms::{self, Errors, FieldError, Input, Rows, csrf_field, field};
use super::layout::t;
use super::session::WebUser;
use super::stock_form::{self, quantity};
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::outlet::Outlet;
use crate::models::product::{self, Product};
use crate::models::stock::document::{self, Document, DocumentLine};
use crate::models::stock::posting::{self, ReceiveInput, ReceivedLine};
use crate::models::stock::report::InTransitLine;
use crate::state::AppState;

/// What arrived of one line sent, as typed (`received_{line id}`,
/// `reason_{line id}`); empty is all of it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReceivedRow {
    received: String,
    reason: String,
}

/// The form row of a line sent: its id.
fn row_of(l: &DocumentLine) -> usize {
    usize::try_from(l.id).unwrap_or(0)
}

/// The receipt form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReceiptForm {
    note: String,
    #[serde(flatten)]
    lines: Rows<ReceivedRow>,
}

struct Sent {
    transfer: Document,
    lines: Vec<DocumentLine>,
    products: Vec<Product>,
}

/// The transfer, if the caller may receive it (404 otherwise).
async fn load(state: &AppState, me: &WebUser, id: i32) -> Result<Sent, ApiError> {
    me.user.require(&[Role::Admin, Role::Manager])?;
    let sent = state
        .read(move |c| {
            let transfer = document::find(c, id)?;
            let lines = document::lines(c, id)?;
            let mut products = Vec::new();
            for l in &lines {
                products.push(product::find(c, l.product_id)?);
            }
            Ok(Sent {
                transfer,
                lines,
                products,
            })
        })
        .await?;
    if sent.transfer.kind()? != DocumentKind::Transfer {
        return Err(ApiError::not_found());
    }
    me.user
        .check_outlet(sent.transfer.dest_outlet_id.unwrap_or(-1))?;
    Ok(sent)
}

/// The lines sent and not yet received, with a link to receive them where
/// the viewer is the destination (`own`: `None` for an admin).
pub(super) fn in_transit_markup(
    lang: Lang,
    outlets: &[Outlet],
    products: &[Product],
    in_transit: &[InTransitLine],
    own: Option<i32>,
) -> Markup {
    let name = |id: i32| {
        outlets
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| format!("#{id}"), |o| o.name.clone())
    };
    let product = |id: i32| {
        products
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("#{id}"), |p| p.name_vi.clone())
    };
    html! {
        section.card {
            h2 { (t(lang, "Hàng đang chuyển", "Stock in transit")) }
            @if in_transit.is_empty() {
                p { (t(lang, "Không có hàng đang chuyển.", "Nothing in transit.")) }
            } @else {
                table {
                    thead { tr {
                        th { (t(lang, "Phiếu", "Transfer")) }
                        th { (t(lang, "Từ", "From")) }
                        th { (t(lang, "Đến", "To")) }
                        th { (t(lang, "Sản phẩm", "Product")) }
                        th { (t(lang, "Lô", "Lot")) }
                        th { (t(lang, "Số lượng", "Quantity")) }
                        th {}
                    } }
                    tbody {
                        @for l in in_transit {
                            tr {
                                td { (l.number) }
                                td { (name(l.from_outlet_id)) }
                                td { (name(l.to_outlet_id)) }
                                td { (product(l.product_id)) }
                                td { (l.lot_code.as_deref().unwrap_or("—")) }
                                td { (l.qty) }
                                td {
                                    @if own.is_none_or(|o| o == l.to_outlet_id) {
                                        a href={"/stock/transfer/" (l.transfer_id) "/receive"} { (t(lang, "Nhận hàng", "Receive")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn form_markup(me: &WebUser, s: &Sent, f: &ReceiptForm, e: &Errors) -> Markup {
    let lang = me.lang;
    let name = |id: i32| {
        s.products
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("#{id}"), |p| p.name_vi.clone())
    };
    let mut shown = vec!["note".to_owned()];
    for l in &s.lines {
        shown.push(Rows::<ReceivedRow>::name("received", row_of(l)));
        shown.push(Rows::<ReceivedRow>::name("reason", row_of(l)));
    }
    html! {
        (stock_form::summary(lang, e, &shown))
        p { (t(lang, "Phiếu chuyển", "Transfer")) " " strong { (s.transfer.label()) } }
        form.card method="post" action={"/stock/transfer/" (s.transfer.id) "/receive"} {
            (csrf_field(me))
            @for l in &s.lines {
                @let sent = Quantity::from_milli(l.qty_milli);
                @let row = f.lines.at(row_of(l));
                fieldset {
                    legend { (name(l.product_id)) " — " (l.lot_code.as_deref().unwrap_or("—")) }
                    p { (t(lang, "Đã gửi", "Sent")) ": " (sent) }
                    (field(lang, &Rows::<ReceivedRow>::name("received", row_of(l)), t(lang, "Số lượng nhận được", "Quantity received"),
                        &row.map_or_else(|| sent.to_string(), |r| r.received.clone()), Input::Text, e))
                    (field(lang, &Rows::<ReceivedRow>::name("reason", row_of(l)), t(lang, "Lý do chênh lệch", "Reason for a difference"),
                        row.map_or("", |r| r.reason.as_str()), Input::Text, e))
                }
            }
            (field(lang, "note", t(lang, "Ghi chú", "Note"), &f.note, Input::Text, e))
            button type="submit" { (t(lang, "Ghi sổ nhận hàng", "Post the receipt")) }
        }
    }
}

fn respond(
    me: &WebUser,
    status: StatusCode,
    s: &Sent,
    f: &ReceiptForm,
    e: &Errors,
) -> HttpResponse {
    let title = t(me.lang, "Nhận hàng chuyển kho", "Receive a transfer");
    forms::respond(status, me.lang, title, me, form_markup(me, s, f, e))
}

#[get("/stock/transfer/{id}/receive")]
pub async fn receive_form(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    match load(&state, &me, id.into_inner()).await {
        Ok(s) => respond(
            &me,
            StatusCode::OK,
            &s,
            &ReceiptForm::default(),
            &Errors::default(),
        ),
        Err(e) => forms::failure(&me, &e),
    }
}

/// What the form says arrived, or every problem found in it.
fn received(s: &Sent, f: &ReceiptForm) -> Result<ReceiveInput, Errors> {
    let mut errors = Errors::default();
    let mut lines = Vec::new();
    for (n, l) in (1..).zip(&s.lines) {
        let row = f.lines.at(row_of(l));
        let typed = row.map_or("", |r| r.received.trim());
        let received_qty = if typed.is_empty() {
            Some(Quantity::from_milli(l.qty_milli))
        } else {
            quantity(typed)
        };
        let Some(received_qty) = received_qty else {
            errors.push(FieldError::new(
                Rows::<ReceivedRow>::name("received", row_of(l)),
                format!("Dòng {n}: số lượng \"{typed}\" không hợp lệ."),
                format!("Line {n}: quantity \"{typed}\" is not valid."),
            ));
            continue;
        };
        lines.push(ReceivedLine {
            line_id: l.id,
            received_qty,
            reason: row.and_then(|r| forms::opt(&r.reason)),
        });
    }
    errors.or_ok(ReceiveInput {
        lines,
        note: f.note.trim().to_owned(),
    })
}

#[post("/stock/transfer/{id}/receive")]
pub async fn receive_submit(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    CsrfForm { me, form }: CsrfForm<ReceiptForm>,
) -> HttpResponse {
    let id = id.into_inner();
    let s = match load(&state, &me, id).await {
        Ok(s) => s,
        Err(e) => return forms::failure(&me, &e),
    };
    let (me, s, form) = (&me, &s, &form);
    stock_form::submit(
        &state,
        me,
        received(s, form),
        move |c, input, by| posting::receive_transfer(c, id, &input, by),
        stock_form::print_location,
        |errors| async move { respond(me, StatusCode::UNPROCESSABLE_ENTITY, s, form, &errors) },
    )
    .await
}
