//! Low-stock thresholds of an outlet, viewed and set from a web page: the
//! products with a threshold, what is on hand of each, and a form to set
//! (or replace) one. Setting goes through [`alerts::set_threshold`], the
//! function behind `PUT /api/v1/stock/thresholds`, so the alerts page and
//! the API see the same value at once.
//!
//! Managers see and set their own outlet only (another answers 404),
//! admins any outlet they choose; a negative threshold is refused (422,
//! nothing written) with the reason beside the field; a forged form never
//! gets here ([`CsrfForm`]).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::money::Quantity;
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::forms::{self, Errors, FieldError, Input, csrf_field, field};
use super::layout::t;
use super::session::WebUser;
use super::stock_form::{self, OutletQuery, quantity, writer_at};
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::outlet::{self, Outlet};
use crate::models::product::{self, Product};
use crate::models::stock::alerts::{self, Threshold};
use crate::models::stock::report::{self, OnHandQuery, Scope};
use crate::state::AppState;

/// The threshold form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ThresholdForm {
    outlet_id: String,
    product_id: String,
    min_qty: String,
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
    f: &ThresholdForm,
    e: &Errors,
) -> Markup {
    let lang = me.lang;
    let product = |id: i32| {
        l.products
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("#{id}"), |p| p.name_vi.clone())
    };
    let products: Vec<(String, String)> = l
        .products
        .iter()
        .map(|p| (p.id.to_string(), p.name_vi.clone()))
        .collect();
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
            (forms::summary(lang, e, &["product_id", "min_qty"]))
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
                (field(lang, "product_id", t(lang, "Sản phẩm", "Product"), &f.product_id, Input::Select(&products), e))
                (field(lang, "min_qty", t(lang, "Ngưỡng tồn tối thiểu", "Minimum stock"), &f.min_qty, Input::Text, e))
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
    f: &ThresholdForm,
    errors: &Errors,
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
            markup(me, outlet_id, &l, f, errors),
        ),
        Err(e) => forms::failure(me, &e),
    }
}

#[get("/stock/thresholds")]
pub async fn thresholds_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<OutletQuery>,
) -> HttpResponse {
    let (state, me) = (&state, &me);
    stock_form::blank(me, q.outlet_id.as_deref(), |o| async move {
        show(
            state,
            me,
            StatusCode::OK,
            o,
            &ThresholdForm::default(),
            &Errors::default(),
        )
        .await
    })
    .await
}

#[post("/stock/thresholds")]
pub async fn thresholds_submit(
    state: web::Data<AppState>,
    CsrfForm { me, form }: CsrfForm<ThresholdForm>,
) -> HttpResponse {
    let outlet_id = match writer_at(&me, &form.outlet_id) {
        Ok(o) => o,
        Err(e) => return forms::failure(&me, &e),
    };
    let Ok(product_id) = form.product_id.trim().parse::<i32>() else {
        return forms::failure(&me, &ApiError::not_found());
    };
    let min: Result<Quantity, Errors> = quantity(&form.min_qty).ok_or_else(|| {
        FieldError::new(
            "min_qty",
            format!("Ngưỡng \"{}\" không hợp lệ.", form.min_qty),
            format!("Threshold \"{}\" is not valid.", form.min_qty),
        )
        .into()
    });
    let (state, me, form) = (&state, &me, &form);
    stock_form::submit(
        state,
        me,
        min,
        move |c, min, by| alerts::set_threshold(c, outlet_id, product_id, min, by),
        |_| format!("/stock/thresholds?outlet_id={outlet_id}"),
        |errors| async move {
            show(
                state,
                me,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(outlet_id),
                form,
                &errors,
            )
            .await
        },
    )
    .await
}
