//! Low-stock thresholds of an outlet, viewed and set from a web page: the
//! products with a threshold, what is on hand of each, and a form to set
//! (or replace) one. Setting goes through [`alerts::set_threshold`], the
//! function behind `PUT /api/v1/stock/thresholds`, so the alerts page and
//! the API see the same value at once.
//!
//! Managers see and set their own outlet only (another answers 404),
//! admins any outlet they choose; a negative threshold is refused (422,
//! nothing written); the CSRF token is checked first.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::money::Quantity;

use super::csrf_refused;
use super::forms::{self, csrf_field};
use super::layout::t;
use super::session::WebUser;
use super::stock::chosen_outlet;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::outlet::{self, Outlet};
use crate::models::product::{self, Product};
use crate::models::stock::alerts::{self, Threshold};
use crate::models::stock::report::{self, OnHandQuery, Scope};
use crate::state::AppState;

type Submitted = HashMap<String, String>;

fn get<'a>(f: &'a Submitted, key: &str) -> &'a str {
    f.get(key).map_or("", |v| v.trim())
}

struct Loaded {
    outlets: Vec<Outlet>,
    products: Vec<Product>,
    thresholds: Vec<Threshold>,
    /// Milli-units on hand per product at the outlet.
    on_hand: HashMap<i32, i64>,
}

fn markup(
    me: &WebUser,
    outlet_id: Option<i32>,
    l: &Loaded,
    f: &Submitted,
    error: Option<&str>,
) -> Markup {
    let lang = me.lang;
    let product = |id: i32| {
        l.products
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("#{id}"), |p| p.name_vi.clone())
    };
    html! {
        @if me.user.role == Role::Admin {
            form.filters method="get" action="/stock/thresholds" {
                select name="outlet_id" {
                    @for o in &l.outlets {
                        option value=(o.id) selected[Some(o.id) == outlet_id] { (o.name) }
                    }
                }
                button type="submit" { (t(lang, "Xem", "Show")) }
            }
        }
        @if let Some(outlet_id) = outlet_id {
            @if let Some(e) = error {
                div.error role="alert" { p { strong { (t(lang, "Chưa lưu:", "Not saved:")) } " " (e) } }
            }
            table {
                thead { tr {
                    th { (t(lang, "Sản phẩm", "Product")) }
                    th { (t(lang, "Ngưỡng tồn tối thiểu", "Minimum stock")) }
                    th { (t(lang, "Đang có", "On hand")) }
                } }
                tbody {
                    @for th in &l.thresholds {
                        @let on_hand = l.on_hand.get(&th.product_id).copied().unwrap_or(0);
                        tr.low[on_hand < th.min_qty_milli] {
                            td { (product(th.product_id)) }
                            td { (Quantity::from_milli(th.min_qty_milli)) }
                            td { (Quantity::from_milli(on_hand)) }
                        }
                    }
                }
            }
            form.card method="post" action="/stock/thresholds" {
                (csrf_field(me))
                input type="hidden" name="outlet_id" value=(outlet_id);
                div.field {
                    label for="product_id" { (t(lang, "Sản phẩm", "Product")) }
                    select id="product_id" name="product_id" {
                        @for p in &l.products {
                            option value=(p.id) selected[get(f, "product_id") == p.id.to_string()] { (p.name_vi) }
                        }
                    }
                }
                div.field {
                    label for="min_qty" { (t(lang, "Ngưỡng tồn tối thiểu", "Minimum stock")) }
                    input id="min_qty" name="min_qty" type="text" inputmode="decimal" value=(get(f, "min_qty"));
                }
                button type="submit" { (t(lang, "Lưu ngưỡng", "Save the threshold")) }
            }
        } @else {
            p { (t(lang, "Chọn một điểm bán.", "Choose an outlet.")) }
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
    let loaded = state
        .read(move |c| {
            let mut on_hand = HashMap::new();
            if let Some(o) = outlet_id {
                let q = OnHandQuery {
                    outlet_id: Some(o),
                    ..Default::default()
                };
                let scope = Scope {
                    outlet_id: Some(o),
                    producer_id: None,
                };
                for r in report::rows_in_scope(c, &q, scope)? {
                    let sum = on_hand.entry(r.product_id).or_insert(0_i64);
                    *sum = sum.saturating_add(r.qty_milli);
                }
            }
            Ok(Loaded {
                outlets: outlet::list(c)?,
                products: product::list(c, None)?,
                thresholds: match outlet_id {
                    Some(o) => alerts::thresholds(c, Some(o))?,
                    None => Vec::new(),
                },
                on_hand,
            })
        })
        .await;
    let title = t(me.lang, "Ngưỡng tồn kho thấp", "Low-stock thresholds");
    match loaded {
        Ok(l) => forms::respond(
            status,
            me.lang,
            title,
            me,
            markup(me, outlet_id, &l, f, error),
        ),
        Err(e) => forms::failure(me, &e),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct OutletQuery {
    outlet_id: Option<String>,
}

#[get("/stock/thresholds")]
pub async fn thresholds_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<OutletQuery>,
) -> HttpResponse {
    if let Err(e) = me.user.require(&[Role::Admin, Role::Manager]) {
        return forms::failure(&me, &e);
    }
    match chosen_outlet(&me, q.outlet_id.as_deref()) {
        Ok(o) => show(&state, &me, StatusCode::OK, o, &Submitted::new(), None).await,
        Err(e) => forms::failure(&me, &e),
    }
}

#[post("/stock/thresholds")]
pub async fn thresholds_submit(
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
    let Ok(outlet_id) = get(&f, "outlet_id").parse::<i32>() else {
        return forms::failure(&me, &ApiError::not_found());
    };
    if let Err(e) = me.user.check_outlet(outlet_id) {
        return forms::failure(&me, &e);
    }
    let Ok(product_id) = get(&f, "product_id").parse::<i32>() else {
        return forms::failure(&me, &ApiError::not_found());
    };
    let min = match get(&f, "min_qty").replace(',', ".").parse::<Quantity>() {
        Ok(q) => q,
        Err(_) => {
            let msg = format!(
                "{} \"{}\" {}",
                t(lang, "Ngưỡng", "Threshold"),
                get(&f, "min_qty"),
                t(lang, "không hợp lệ.", "is not valid.")
            );
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
    let saved = state
        .write(move |c| Ok(alerts::set_threshold(c, outlet_id, product_id, min, by)?))
        .await;
    match saved {
        Ok(_) => HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/stock/thresholds?outlet_id={outlet_id}")))
            .finish(),
        // The model's refusal (a negative threshold): the form again, with
        // what was typed and the model's words.
        Err(e) if actix_web::ResponseError::status_code(&e) == StatusCode::UNPROCESSABLE_ENTITY => {
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
        Err(e) => forms::failure(&me, &e),
    }
}
