//! Two outlet sheets that send goods away, from web forms: the transfer to
//! another outlet (first step: the goods leave and are in transit until the
//! destination receives them, see [`super::stock_transfer`]), and the return
//! of goods to their producer. Lines are product, lot code (empty: first
//! expiry first) and quantity.
//!
//! Like the other stock forms, the draft is created and posted in ONE
//! transaction through [`document::create_draft`] and [`posting::post`],
//! the same functions as the API: sending more than is on hand, or
//! returning goods that are not the producer's, is refused with the model's
//! reason, the form comes back (422) with what was typed, and nothing is
//! written. Managers act at their own outlet, admins at any (404 for
//! another outlet); the CSRF token is checked first.

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
use super::stock::chosen_outlet;
use super::stock_transfer::in_transit_markup;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::outlet::{self, Outlet};
use crate::models::producer::{self, Producer};
use crate::models::product::{self, Product, vn_today};
use crate::models::stock::document::{self, DraftInput, DraftLine};
use crate::models::stock::posting;
use crate::models::stock::report::{self, InTransitLine, Scope};
use crate::state::AppState;

const LINES: usize = 4;

/// Which sheet a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sheet {
    Transfer,
    Return,
}

impl Sheet {
    fn path(self) -> &'static str {
        match self {
            Sheet::Transfer => "/stock/transfer",
            Sheet::Return => "/stock/return",
        }
    }

    fn title(self, lang: Lang) -> &'static str {
        match self {
            Sheet::Transfer => t(
                lang,
                "Chuyển kho sang điểm bán khác",
                "Transfer to another outlet",
            ),
            Sheet::Return => t(lang, "Trả hàng cho chủ thể", "Return goods to the producer"),
        }
    }

    fn kind(self) -> DocumentKind {
        match self {
            Sheet::Transfer => DocumentKind::Transfer,
            Sheet::Return => DocumentKind::ReturnToProducer,
        }
    }
}

type Submitted = HashMap<String, String>;

fn get<'a>(f: &'a Submitted, key: &str) -> &'a str {
    f.get(key).map_or("", |v| v.trim())
}

/// What the form needs from the database.
struct Choices {
    outlets: Vec<Outlet>,
    producers: Vec<Producer>,
    products: Vec<Product>,
    in_transit: Vec<InTransitLine>,
}

fn form_markup(
    sheet: Sheet,
    me: &WebUser,
    outlet_id: Option<i32>,
    f: &Submitted,
    error: Option<&str>,
    c: &Choices,
) -> Markup {
    let lang = me.lang;
    let chosen = match get(f, "outlet_id") {
        "" => outlet_id.map(|o| o.to_string()).unwrap_or_default(),
        v => v.to_owned(),
    };
    html! {
        @if let Some(e) = error {
            div.error role="alert" { p { strong { (t(lang, "Chưa ghi sổ:", "Not posted:")) } " " (e) } }
        }
        form.card method="post" action=(sheet.path()) {
            (csrf_field(me))
            div.field {
                label for="outlet_id" { (t(lang, "Điểm bán gửi", "Sending outlet")) }
                select id="outlet_id" name="outlet_id" {
                    @for o in &c.outlets {
                        @if me.user.role == Role::Admin || me.user.outlet_id == Some(o.id) {
                            option value=(o.id) selected[chosen == o.id.to_string()] { (o.name) }
                        }
                    }
                }
            }
            @match sheet {
                Sheet::Transfer => div.field {
                    label for="dest_outlet_id" { (t(lang, "Điểm bán nhận", "Destination outlet")) }
                    select id="dest_outlet_id" name="dest_outlet_id" {
                        option value="" { "—" }
                        @for o in &c.outlets {
                            option value=(o.id) selected[get(f, "dest_outlet_id") == o.id.to_string()] { (o.name) }
                        }
                    }
                },
                Sheet::Return => div.field {
                    label for="producer_id" { (t(lang, "Chủ thể nhận lại hàng", "Producer taking the goods back")) }
                    select id="producer_id" name="producer_id" {
                        option value="" { "—" }
                        @for p in &c.producers {
                            option value=(p.id) selected[get(f, "producer_id") == p.id.to_string()] { (p.name) }
                        }
                    }
                },
            }
            div.field {
                label for="note" { (t(lang, "Ghi chú", "Note")) }
                input id="note" name="note" type="text" value=(get(f, "note"));
            }
            @for i in 1..=LINES {
                fieldset {
                    legend { (t(lang, "Dòng", "Line")) " " (i) }
                    @let pkey = format!("product_id_{i}");
                    div.field {
                        label for=(pkey) { (t(lang, "Sản phẩm", "Product")) }
                        select id=(pkey) name=(pkey) {
                            option value="" { "—" }
                            @for p in &c.products {
                                option value=(p.id) selected[get(f, &pkey) == p.id.to_string()] { (p.name_vi) }
                            }
                        }
                    }
                    @for (name, label) in [
                        ("lot_code", t(lang, "Mã lô (để trống: lô hết hạn trước)", "Lot code (empty: first to expire)")),
                        ("qty", t(lang, "Số lượng", "Quantity")),
                    ] {
                        @let key = format!("{name}_{i}");
                        div.field {
                            label for=(key) { (label) }
                            input id=(key) name=(key) type="text" value=(get(f, &key));
                        }
                    }
                }
            }
            button type="submit" {
                @match sheet {
                    Sheet::Transfer => (t(lang, "Ghi sổ và gửi hàng", "Post and send")),
                    Sheet::Return => (t(lang, "Ghi sổ phiếu trả hàng", "Post the return")),
                }
            }
        }
        @if sheet == Sheet::Transfer {
            (in_transit_markup(lang, &c.outlets, &c.products, &c.in_transit, me.user.outlet_id.filter(|_| me.user.role != Role::Admin)))
        }
    }
}

async fn show(
    sheet: Sheet,
    state: &AppState,
    me: &WebUser,
    status: StatusCode,
    outlet_id: Option<i32>,
    f: &Submitted,
    error: Option<&str>,
) -> HttpResponse {
    let title = sheet.title(me.lang);
    let scope = Scope {
        outlet_id: match me.user.role {
            Role::Admin => None,
            _ => Some(me.user.outlet_id.unwrap_or(-1)),
        },
        producer_id: None,
    };
    let loaded = state
        .read(move |c| {
            Ok(Choices {
                outlets: outlet::list(c)?,
                producers: producer::list(c)?,
                products: product::list(c, None)?,
                in_transit: report::in_transit(c, scope)?,
            })
        })
        .await;
    match loaded {
        Ok(c) => forms::respond(
            status,
            me.lang,
            title,
            me,
            form_markup(sheet, me, outlet_id, f, error, &c),
        ),
        Err(e) => forms::failure(me, &e),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct OutletQuery {
    outlet_id: Option<String>,
}

#[get("/stock/transfer")]
pub async fn transfer_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<OutletQuery>,
) -> HttpResponse {
    blank(Sheet::Transfer, &state, &me, q.outlet_id.as_deref()).await
}

#[get("/stock/return")]
pub async fn return_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<OutletQuery>,
) -> HttpResponse {
    blank(Sheet::Return, &state, &me, q.outlet_id.as_deref()).await
}

async fn blank(sheet: Sheet, state: &AppState, me: &WebUser, outlet: Option<&str>) -> HttpResponse {
    if let Err(e) = me.user.require(&[Role::Admin, Role::Manager]) {
        return forms::failure(me, &e);
    }
    match chosen_outlet(me, outlet) {
        Ok(o) => show(sheet, state, me, StatusCode::OK, o, &Submitted::new(), None).await,
        Err(e) => forms::failure(me, &e),
    }
}

fn draft(sheet: Sheet, lang: Lang, outlet_id: i32, f: &Submitted) -> Result<DraftInput, String> {
    let pick = |key: &str, what: (&str, &str)| {
        get(f, key).parse::<i32>().map_err(|_| {
            format!(
                "{} {}.",
                t(lang, "Chọn", "Choose the"),
                t(lang, what.0, what.1)
            )
        })
    };
    let (dest_outlet_id, producer_id) = match sheet {
        Sheet::Transfer => (
            Some(pick(
                "dest_outlet_id",
                ("điểm bán nhận", "destination outlet"),
            )?),
            None,
        ),
        Sheet::Return => (None, Some(pick("producer_id", ("chủ thể", "producer"))?)),
    };
    let mut lines = Vec::new();
    for i in 1..=LINES {
        let v = |name: &str| get(f, &format!("{name}_{i}")).to_owned();
        if v("product_id").is_empty() {
            continue;
        }
        let n = lines.len() + 1;
        let bad = |what: (&str, &str), value: String| {
            format!(
                "{} {n}: {} \"{value}\" {}",
                t(lang, "Dòng", "Line"),
                t(lang, what.0, what.1),
                t(lang, "không hợp lệ.", "is not valid.")
            )
        };
        let product_id = v("product_id")
            .parse::<i32>()
            .map_err(|_| bad(("sản phẩm", "product"), v("product_id")))?;
        let qty = v("qty")
            .replace(',', ".")
            .parse::<Quantity>()
            .map_err(|_| bad(("số lượng", "quantity"), v("qty")))?;
        lines.push(DraftLine {
            product_id: Some(product_id),
            scan: None,
            lot_code: forms::opt(&v("lot_code")),
            produced_on: None,
            expires_on: None,
            qty,
            payout_price: None,
            reason: None,
        });
    }
    if lines.is_empty() {
        return Err(t(
            lang,
            "Phiếu cần ít nhất một dòng hàng.",
            "The sheet needs at least one line.",
        )
        .to_owned());
    }
    Ok(DraftInput {
        kind: sheet.kind(),
        outlet_id,
        producer_id,
        dest_outlet_id,
        ref_document_id: None,
        write_off_reason: None,
        note: get(f, "note").to_owned(),
        lines,
    })
}

#[post("/stock/transfer")]
pub async fn transfer_submit(
    state: web::Data<AppState>,
    me: WebUser,
    form: web::Form<Submitted>,
) -> HttpResponse {
    submit(Sheet::Transfer, &state, &me, form.into_inner()).await
}

#[post("/stock/return")]
pub async fn return_submit(
    state: web::Data<AppState>,
    me: WebUser,
    form: web::Form<Submitted>,
) -> HttpResponse {
    submit(Sheet::Return, &state, &me, form.into_inner()).await
}

async fn submit(sheet: Sheet, state: &AppState, me: &WebUser, f: Submitted) -> HttpResponse {
    let lang = me.lang;
    if !me.check_csrf(state, get(&f, "csrf")) {
        return csrf_refused(lang);
    }
    if let Err(e) = me.user.require(&[Role::Admin, Role::Manager]) {
        return forms::failure(me, &e);
    }
    let Ok(outlet_id) = get(&f, "outlet_id").parse::<i32>() else {
        return forms::failure(me, &ApiError::not_found());
    };
    if let Err(e) = me.user.check_outlet(outlet_id) {
        return forms::failure(me, &e);
    }
    let f = &f;
    let refused = |msg: String| async move {
        show(
            sheet,
            state,
            me,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(outlet_id),
            f,
            Some(&msg),
        )
        .await
    };
    let input = match draft(sheet, lang, outlet_id, f) {
        Ok(d) => d,
        Err(msg) => return refused(msg).await,
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
            forms::failure(me, &e)
        }
        Err(e) => refused(e.message(lang).to_owned()).await,
    }
}
