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
//! included — gets 404, as for any record outside their scope. The CSRF
//! token is checked first.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::money::Quantity;
use ocop_core::stock::DocumentKind;

use super::csrf_refused;
use super::forms::{self, csrf_field};
use super::layout::t;
use super::session::WebUser;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::outlet::Outlet;
use crate::models::product::{self, Product};
use crate::models::stock::document::{self, Document, DocumentLine};
use crate::models::stock::posting::{self, ReceiveInput, ReceivedLine};
use crate::models::stock::report::InTransitLine;
use crate::state::AppState;

type Submitted = HashMap<String, String>;

fn get<'a>(f: &'a Submitted, key: &str) -> &'a str {
    f.get(key).map_or("", |v| v.trim())
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

fn form_markup(me: &WebUser, s: &Sent, f: &Submitted, error: Option<&str>) -> Markup {
    let lang = me.lang;
    let name = |id: i32| {
        s.products
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("#{id}"), |p| p.name_vi.clone())
    };
    html! {
        @if let Some(e) = error {
            div.error role="alert" { p { strong { (t(lang, "Chưa ghi sổ:", "Not posted:")) } " " (e) } }
        }
        p { (t(lang, "Phiếu chuyển", "Transfer")) " " strong { (s.transfer.label()) } }
        form.card method="post" action={"/stock/transfer/" (s.transfer.id) "/receive"} {
            (csrf_field(me))
            @for l in &s.lines {
                @let sent = Quantity::from_milli(l.qty_milli);
                @let qkey = format!("received_{}", l.id);
                @let rkey = format!("reason_{}", l.id);
                fieldset {
                    legend { (name(l.product_id)) " — " (l.lot_code.as_deref().unwrap_or("—")) }
                    p { (t(lang, "Đã gửi", "Sent")) ": " (sent) }
                    div.field {
                        label for=(qkey) { (t(lang, "Số lượng nhận được", "Quantity received")) }
                        input id=(qkey) name=(qkey) type="text"
                            value=(f.get(&qkey).cloned().unwrap_or_else(|| sent.to_string()));
                    }
                    div.field {
                        label for=(rkey) { (t(lang, "Lý do chênh lệch", "Reason for a difference")) }
                        input id=(rkey) name=(rkey) type="text" value=(get(f, &rkey));
                    }
                }
            }
            div.field {
                label for="note" { (t(lang, "Ghi chú", "Note")) }
                input id="note" name="note" type="text" value=(get(f, "note"));
            }
            button type="submit" { (t(lang, "Ghi sổ nhận hàng", "Post the receipt")) }
        }
    }
}

fn respond(
    me: &WebUser,
    status: StatusCode,
    s: &Sent,
    f: &Submitted,
    error: Option<&str>,
) -> HttpResponse {
    let title = t(me.lang, "Nhận hàng chuyển kho", "Receive a transfer");
    forms::respond(status, me.lang, title, me, form_markup(me, s, f, error))
}

#[get("/stock/transfer/{id}/receive")]
pub async fn receive_form(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    match load(&state, &me, id.into_inner()).await {
        Ok(s) => respond(&me, StatusCode::OK, &s, &Submitted::new(), None),
        Err(e) => forms::failure(&me, &e),
    }
}

#[post("/stock/transfer/{id}/receive")]
pub async fn receive_submit(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
    form: web::Form<Submitted>,
) -> HttpResponse {
    let lang = me.lang;
    let f = form.into_inner();
    if !me.check_csrf(&state, get(&f, "csrf")) {
        return csrf_refused(lang);
    }
    let id = id.into_inner();
    let s = match load(&state, &me, id).await {
        Ok(s) => s,
        Err(e) => return forms::failure(&me, &e),
    };
    let mut lines = Vec::new();
    for (n, l) in s.lines.iter().enumerate() {
        let typed = get(&f, &format!("received_{}", l.id));
        let received_qty = if typed.is_empty() {
            Quantity::from_milli(l.qty_milli)
        } else {
            match typed.replace(',', ".").parse::<Quantity>() {
                Ok(q) => q,
                Err(_) => {
                    let msg = format!(
                        "{} {}: {} \"{typed}\" {}",
                        t(lang, "Dòng", "Line"),
                        n + 1,
                        t(lang, "số lượng", "quantity"),
                        t(lang, "không hợp lệ.", "is not valid.")
                    );
                    return respond(&me, StatusCode::UNPROCESSABLE_ENTITY, &s, &f, Some(&msg));
                }
            }
        };
        lines.push(ReceivedLine {
            line_id: l.id,
            received_qty,
            reason: forms::opt(get(&f, &format!("reason_{}", l.id))),
        });
    }
    let input = ReceiveInput {
        lines,
        note: get(&f, "note").to_owned(),
    };
    let by = me.user.id;
    let received = state
        .write(move |c| Ok(posting::receive_transfer(c, id, &input, by)?))
        .await;
    match received {
        Ok(doc) => HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/stock/documents/{}/print", doc.id)))
            .finish(),
        Err(e) if actix_web::ResponseError::status_code(&e).is_server_error() => {
            forms::failure(&me, &e)
        }
        Err(e) => respond(
            &me,
            StatusCode::UNPROCESSABLE_ENTITY,
            &s,
            &f,
            Some(e.message(lang)),
        ),
    }
}
