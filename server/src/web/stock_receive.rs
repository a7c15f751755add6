//! Record and post a goods-received note (phiếu nhập ký gửi) from a web
//! form: producer, and lines of product, lot code, production and expiry
//! dates, quantity (and payout price under payout-price terms).
//!
//! The draft is created and posted in ONE transaction through the same
//! model functions as `POST /api/v1/stock-documents` and `…/{id}/post`
//! ([`document::create_draft`], [`posting::post`]), so the model's rules
//! hold unchanged: a producer without an active agreement, a product that is
//! not listable (stars, expired certificate) or not the producer's is
//! refused with the model's Vietnamese reason, the form comes back (422)
//! with what was typed, and nothing is written. Managers receive at their
//! own outlet, admins at any; the CSRF token is checked first.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::money::Quantity;
use ocop_core::stock::DocumentKind;

use super::csrf_refused;
use super::forms::{self, csrf_field};
use super::layout::t;
use super::session::WebUser;
use super::stock::chosen_outlet;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::outlet::{self, Outlet};
use crate::models::producer::{self, Producer, ProducerSearch};
use crate::models::product::{self, Product, vn_today};
use crate::models::stock::document::{self, DraftInput, DraftLine};
use crate::models::stock::posting;
use crate::state::AppState;

/// Line rows the form offers; empty rows are ignored.
const LINES: usize = 6;

/// The form as submitted (`product_id_1`, `lot_code_1`, …).
type Submitted = HashMap<String, String>;

fn get<'a>(f: &'a Submitted, key: &str) -> &'a str {
    f.get(key).map_or("", |v| v.trim())
}

struct Choices {
    outlets: Vec<Outlet>,
    producers: Vec<Producer>,
    products: Vec<Product>,
}

async fn choices(state: &AppState) -> Result<Choices, ApiError> {
    state
        .read(|c| {
            let all = ProducerSearch {
                limit: Some(1000),
                status: Some("active".to_owned()),
                ..ProducerSearch::default()
            };
            Ok(Choices {
                outlets: outlet::list(c)?,
                producers: producer::search(c, &all)?.0,
                products: product::list(c, None)?,
            })
        })
        .await
}

fn form_markup(
    me: &WebUser,
    outlet_id: Option<i32>,
    f: &Submitted,
    error: Option<&str>,
    ch: &Choices,
) -> Markup {
    let lang = me.lang;
    let makers: HashMap<i32, &str> = ch
        .producers
        .iter()
        .map(|p| (p.id, p.name.as_str()))
        .collect();
    html! {
        @if let Some(e) = error {
            div.error role="alert" {
                p { strong { (t(lang, "Chưa nhập kho:", "Not received:")) } " " (e) }
            }
        }
        form.card method="post" action="/stock/receive" {
            (csrf_field(me))
            div.field {
                label for="outlet_id" { (t(lang, "Điểm bán nhận hàng", "Receiving outlet")) }
                @if me.user.role == Role::Admin {
                    select id="outlet_id" name="outlet_id" {
                        @for o in &ch.outlets {
                            option value=(o.id) selected[get(f, "outlet_id") == o.id.to_string() || (get(f, "outlet_id").is_empty() && Some(o.id) == outlet_id)] { (o.name) }
                        }
                    }
                } @else {
                    @let own = outlet_id.unwrap_or(-1);
                    input type="hidden" name="outlet_id" value=(own);
                    p { (ch.outlets.iter().find(|o| o.id == own).map_or("—", |o| o.name.as_str())) }
                }
            }
            div.field {
                label for="producer_id" { (t(lang, "Chủ thể giao hàng (chủ hàng ký gửi)", "Delivering producer (owner)")) }
                select id="producer_id" name="producer_id" {
                    option value="" { (t(lang, "— chọn —", "— choose —")) }
                    @for p in &ch.producers {
                        option value=(p.id) selected[get(f, "producer_id") == p.id.to_string()] { (p.name) }
                    }
                }
            }
            div.field {
                label for="note" { (t(lang, "Ghi chú", "Note")) }
                input id="note" name="note" type="text" value=(get(f, "note"));
            }
            @for i in 1..=LINES {
                fieldset {
                    legend { (t(lang, "Dòng", "Line")) " " (i) }
                    div.field {
                        label for={"product_id_" (i)} { (t(lang, "Sản phẩm", "Product")) }
                        select id={"product_id_" (i)} name={"product_id_" (i)} {
                            option value="" { "—" }
                            @for p in &ch.products {
                                @let key = format!("product_id_{i}");
                                option value=(p.id) selected[get(f, &key) == p.id.to_string()] {
                                    (p.name_vi) " — " (makers.get(&p.producer_id).copied().unwrap_or(""))
                                }
                            }
                        }
                    }
                    @for (name, label, kind) in [
                        ("lot_code", t(lang, "Mã lô", "Lot code"), "text"),
                        ("produced_on", t(lang, "Ngày sản xuất", "Production date"), "date"),
                        ("expires_on", t(lang, "Hạn sử dụng", "Expiry date"), "date"),
                        ("qty", t(lang, "Số lượng", "Quantity"), "text"),
                        ("payout_price", t(lang, "Giá trả chủ thể/đơn vị (nếu thỏa thuận theo giá)", "Payout per unit (payout-price terms)"), "text"),
                    ] {
                        @let key = format!("{name}_{i}");
                        div.field {
                            label for=(key) { (label) }
                            input id=(key) name=(key) type=(kind) value=(get(f, &key));
                        }
                    }
                }
            }
            button type="submit" { (t(lang, "Ghi sổ phiếu nhập", "Post the goods-received note")) }
        }
    }
}

async fn show(
    state: &AppState,
    me: &WebUser,
    status: StatusCode,
    outlet_id: Option<i32>,
    f: &Submitted,
    error: Option<&str>,
) -> HttpResponse {
    let title = t(me.lang, "Nhập hàng ký gửi", "Receive consigned goods");
    match choices(state).await {
        Ok(ch) => forms::respond(
            status,
            me.lang,
            title,
            me,
            form_markup(me, outlet_id, f, error, &ch),
        ),
        Err(e) => forms::failure(me, &e),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct OutletQuery {
    outlet_id: Option<String>,
}

#[get("/stock/receive")]
pub async fn receive_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<OutletQuery>,
) -> HttpResponse {
    if let Err(e) = me.user.require(&[Role::Admin, Role::Manager]) {
        return forms::failure(&me, &e);
    }
    match chosen_outlet(&me, q.outlet_id.as_deref()) {
        Ok(outlet_id) => {
            show(
                &state,
                &me,
                StatusCode::OK,
                outlet_id,
                &Submitted::new(),
                None,
            )
            .await
        }
        Err(e) => forms::failure(&me, &e),
    }
}

/// A user-typed value that cannot be read: the message for the form.
fn unreadable(lang: ocop_core::i18n::Lang, line: usize, what: (&str, &str), value: &str) -> String {
    format!(
        "{} {line}: {} \"{value}\" {}",
        t(lang, "Dòng", "Line"),
        t(lang, what.0, what.1),
        t(lang, "không hợp lệ.", "is not valid.")
    )
}

/// The draft the form describes, or why it cannot be read.
fn draft(lang: ocop_core::i18n::Lang, outlet_id: i32, f: &Submitted) -> Result<DraftInput, String> {
    let producer_id = get(f, "producer_id").parse::<i32>().ok();
    let mut lines = Vec::new();
    for i in 1..=LINES {
        let v = |name: &str| get(f, &format!("{name}_{i}")).to_owned();
        let product = v("product_id");
        if product.is_empty() {
            continue;
        }
        let n = lines.len() + 1;
        let product_id = product
            .parse::<i32>()
            .map_err(|_| unreadable(lang, n, ("sản phẩm", "product"), &product))?;
        let qty_text = v("qty");
        let qty = qty_text
            .replace(',', ".")
            .parse::<Quantity>()
            .map_err(|_| unreadable(lang, n, ("số lượng", "quantity"), &qty_text))?;
        let day = |name: &str, what: (&str, &str)| {
            forms::parse_date("line", what, &v(name))
                .map_err(|_| unreadable(lang, n, what, &v(name)))
        };
        let produced_on = day("produced_on", ("ngày sản xuất", "production date"))?;
        let expires_on = day("expires_on", ("hạn sử dụng", "expiry date"))?;
        let payout_price =
            forms::parse_int("line", ("", ""), &v("payout_price")).map_err(|_| {
                unreadable(
                    lang,
                    n,
                    ("giá trả chủ thể", "payout price"),
                    &v("payout_price"),
                )
            })?;
        lines.push(DraftLine {
            product_id: Some(product_id),
            scan: None,
            lot_code: forms::opt(&v("lot_code")),
            produced_on,
            expires_on,
            qty,
            payout_price,
            reason: None,
        });
    }
    if lines.is_empty() {
        return Err(t(
            lang,
            "Phiếu nhập cần ít nhất một dòng hàng.",
            "A goods-received note needs at least one line.",
        )
        .to_owned());
    }
    Ok(DraftInput {
        kind: DocumentKind::GoodsReceived,
        outlet_id,
        producer_id,
        dest_outlet_id: None,
        ref_document_id: None,
        write_off_reason: None,
        note: get(f, "note").to_owned(),
        lines,
    })
}

#[post("/stock/receive")]
pub async fn receive_submit(
    state: web::Data<AppState>,
    me: WebUser,
    form: web::Form<Submitted>,
) -> HttpResponse {
    let lang = me.lang;
    let f = form.into_inner();
    if !me.check_csrf(&state, get(&f, "csrf")) {
        return csrf_refused(lang);
    }
    if let Err(e) = me.user.require(&[Role::Admin, Role::Manager]) {
        return forms::failure(&me, &e);
    }
    // The same outlet rule as the API: a manager only its own (404).
    let outlet_id = match get(&f, "outlet_id").parse::<i32>() {
        Ok(o) => o,
        Err(_) => return forms::failure(&me, &ApiError::not_found()),
    };
    if let Err(e) = me.user.check_outlet(outlet_id) {
        return forms::failure(&me, &e);
    }
    let input = match draft(lang, outlet_id, &f) {
        Ok(d) => d,
        Err(msg) => {
            return show(
                &state,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(outlet_id),
                &f,
                Some(&msg),
            )
            .await;
        }
    };
    let by = me.user.id;
    let posted = state
        .write(move |c| {
            let today = vn_today();
            let doc = document::create_draft(c, &input, by, today)?;
            Ok(posting::post(c, doc.id, by, today)?)
        })
        .await;
    match posted {
        Ok(doc) => HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/stock/documents/{}/print", doc.id)))
            .finish(),
        Err(e) if actix_web::ResponseError::status_code(&e).is_server_error() => {
            forms::failure(&me, &e)
        }
        Err(e) => {
            let msg = e.message(lang).to_owned();
            show(
                &state,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(outlet_id),
                &f,
                Some(&msg),
            )
            .await
        }
    }
}
