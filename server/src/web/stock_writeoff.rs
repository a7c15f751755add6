//! Two outlet sheets from web forms: the write-off of expired or damaged
//! goods (reason, and lines of product, lot code — empty: first expiry
//! first — and quantity), and the stock count (lines of product, lot code —
//! empty: the whole product — and the counted quantity; the model posts the
//! variance against the books as count adjustments and wants a reason when
//! there is one). Posting a count from this page is the manager's approval.
//!
//! Like the goods-received form, the draft is created and posted in ONE
//! transaction through [`document::create_draft`] and [`posting::post`],
//! the same functions as the API: taking more than is on hand is refused
//! with the model's reason, the form comes back (422) with what was typed,
//! and nothing is written. Managers act at their own outlet, admins at any
//! (404 for another outlet); the CSRF token is checked first.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::money::Quantity;
use ocop_core::stock::{DocumentKind, WriteOffReason};

use super::csrf_refused;
use super::forms::{self, csrf_field};
use super::layout::t;
use super::session::WebUser;
use super::stock::chosen_outlet;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::outlet::{self, Outlet};
use crate::models::product::{self, Product, vn_today};
use crate::models::stock::document::{self, DraftInput, DraftLine};
use crate::models::stock::posting;
use crate::state::AppState;

const LINES: usize = 4;

/// Which sheet a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sheet {
    WriteOff,
    Count,
}

impl Sheet {
    fn path(self) -> &'static str {
        match self {
            Sheet::WriteOff => "/stock/write-off",
            Sheet::Count => "/stock/count",
        }
    }

    fn title(self, lang: Lang) -> &'static str {
        match self {
            Sheet::WriteOff => t(
                lang,
                "Hủy hàng hết hạn, hư hỏng",
                "Write off expired or damaged goods",
            ),
            Sheet::Count => t(lang, "Kiểm kê hàng tồn", "Stock count"),
        }
    }

    fn kind(self) -> DocumentKind {
        match self {
            Sheet::WriteOff => DocumentKind::WriteOff,
            Sheet::Count => DocumentKind::Count,
        }
    }
}

type Submitted = HashMap<String, String>;

fn get<'a>(f: &'a Submitted, key: &str) -> &'a str {
    f.get(key).map_or("", |v| v.trim())
}

fn form_markup(
    sheet: Sheet,
    me: &WebUser,
    outlet_id: Option<i32>,
    f: &Submitted,
    error: Option<&str>,
    outlets: &[Outlet],
    products: &[Product],
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
                label for="outlet_id" { (t(lang, "Điểm bán", "Outlet")) }
                select id="outlet_id" name="outlet_id" {
                    @for o in outlets {
                        @if me.user.role == Role::Admin || me.user.outlet_id == Some(o.id) {
                            option value=(o.id) selected[chosen == o.id.to_string()] { (o.name) }
                        }
                    }
                }
            }
            @if sheet == Sheet::WriteOff { div.field {
                label for="write_off_reason" { (t(lang, "Lý do hủy", "Reason")) }
                select id="write_off_reason" name="write_off_reason" {
                    option value="expired" selected[get(f, "write_off_reason") != "damaged"] { (t(lang, "Hết hạn sử dụng", "Expired")) }
                    option value="damaged" selected[get(f, "write_off_reason") == "damaged"] { (t(lang, "Hư hỏng", "Damaged")) }
                }
            } }
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
                            @for p in products {
                                option value=(p.id) selected[get(f, &pkey) == p.id.to_string()] { (p.name_vi) }
                            }
                        }
                    }
                    @for (name, label) in [
                        ("lot_code", match sheet {
                            Sheet::WriteOff => t(lang, "Mã lô (để trống: lô hết hạn trước)", "Lot code (empty: first to expire)"),
                            Sheet::Count => t(lang, "Mã lô (để trống: cả sản phẩm)", "Lot code (empty: the whole product)"),
                        }),
                        ("qty", match sheet {
                            Sheet::WriteOff => t(lang, "Số lượng", "Quantity"),
                            Sheet::Count => t(lang, "Số lượng đếm được", "Counted quantity"),
                        }),
                        ("reason", t(lang, "Lý do / mô tả", "Reason / details")),
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
                @if sheet == Sheet::WriteOff { (t(lang, "Ghi sổ phiếu hủy", "Post the write-off")) }
                @else { (t(lang, "Duyệt và ghi sổ kiểm kê", "Approve and post the count")) }
            }
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
    match state
        .read(|c| Ok((outlet::list(c)?, product::list(c, None)?)))
        .await
    {
        Ok((outlets, products)) => forms::respond(
            status,
            me.lang,
            title,
            me,
            form_markup(sheet, me, outlet_id, f, error, &outlets, &products),
        ),
        Err(e) => forms::failure(me, &e),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct OutletQuery {
    outlet_id: Option<String>,
}

#[get("/stock/write-off")]
pub async fn write_off_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<OutletQuery>,
) -> HttpResponse {
    blank(Sheet::WriteOff, &state, &me, q.outlet_id.as_deref()).await
}

#[get("/stock/count")]
pub async fn count_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<OutletQuery>,
) -> HttpResponse {
    blank(Sheet::Count, &state, &me, q.outlet_id.as_deref()).await
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
    let reason = match sheet {
        Sheet::Count => None,
        Sheet::WriteOff => Some(
            get(f, "write_off_reason")
                .parse::<WriteOffReason>()
                .map_err(|_| t(lang, "Chọn lý do hủy.", "Choose a reason.").to_owned())?,
        ),
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
            reason: forms::opt(&v("reason")),
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
        producer_id: None,
        dest_outlet_id: None,
        ref_document_id: None,
        write_off_reason: reason,
        note: get(f, "note").to_owned(),
        lines,
    })
}

#[post("/stock/write-off")]
pub async fn write_off_submit(
    state: web::Data<AppState>,
    me: WebUser,
    form: web::Form<Submitted>,
) -> HttpResponse {
    submit(Sheet::WriteOff, &state, &me, form.into_inner()).await
}

#[post("/stock/count")]
pub async fn count_submit(
    state: web::Data<AppState>,
    me: WebUser,
    form: web::Form<Submitted>,
) -> HttpResponse {
    submit(Sheet::Count, &state, &me, form.into_inner()).await
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
    let input = match draft(sheet, lang, outlet_id, &f) {
        Ok(d) => d,
        Err(msg) => {
            return show(
                sheet,
                state,
                me,
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
            forms::failure(me, &e)
        }
        Err(e) => {
            let msg = e.message(lang).to_owned();
            show(
                sheet,
                state,
                me,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(outlet_id),
                &f,
                Some(&msg),
            )
            .await
        }
    }
}
