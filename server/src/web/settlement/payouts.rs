//! The payout batch of an outlet: one VietQR code per due statement, and
//! the batch as a bank bulk-transfer CSV.

use actix_web::{HttpResponse, get, web};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::money::Dong;
use serde::Deserialize;

use super::super::forms;
use super::super::html_page;
use super::super::layout::{page, t};
use super::super::session::WebUser;
use super::load;
use crate::api::settlements::{self as api, BatchItem};
use crate::auth::Role;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct BatchParams {
    outlet_id: Option<String>,
    #[expect(dead_code, reason = "read by the language middleware")]
    lang: Option<String>,
}

/// The payout batch of an outlet: one VietQR per due statement.
#[get("/settlements/payouts")]
pub async fn batch_page(
    state: web::Data<AppState>,
    me: WebUser,
    p: web::Query<BatchParams>,
) -> HttpResponse {
    let lang = me.lang;
    if !matches!(me.user.role, Role::Admin | Role::Manager | Role::Inspector) {
        return forms::failure(&me, &ApiError::not_found());
    }
    let outlet = match super::super::stock::chosen_outlet(&me, p.outlet_id.as_deref()) {
        Ok(Some(o)) => Some(o),
        Ok(None) => None,
        Err(e) => return forms::failure(&me, &e),
    };
    let found = state
        .read(move |c| {
            let items: Vec<BatchItem> = match outlet {
                Some(o) => api::batch(c, o)?,
                None => Vec::new(),
            };
            Ok((items, crate::models::outlet::list(c)?))
        })
        .await;
    let (items, outlets) = match found {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    let total: i64 = items.iter().map(|i| i.amount).sum();
    let body = html! {
        @if me.user.role != Role::Manager {
            form.filters method="get" action="/settlements/payouts" {
                select name="outlet_id" {
                    @for o in &outlets { option value=(o.id) selected[Some(o.id) == outlet] { (o.name) } }
                }
                button type="submit" { (t(lang, "Xem", "Show")) }
            }
        }
        @if let Some(o) = outlet {
            p { (items.len()) " " (t(lang, "khoản, tổng", "payouts, total")) " " strong { (Dong::new(total)) } " · "
                a href={"/settlements/payouts.csv?outlet_id=" (o)} { (t(lang, "Tải CSV chuyển khoản hàng loạt", "Bulk-transfer CSV")) } }
            @for i in &items { (batch_card(lang, i)) }
            @if items.is_empty() { p.muted { (t(lang, "Không có khoản nào đến hạn.", "Nothing due.")) } }
        }
    };
    html_page(page(
        lang,
        t(lang, "Đợt chi trả ký gửi", "Consignment payout batch"),
        Some(&me),
        body,
    ))
}

fn batch_card(lang: Lang, i: &BatchItem) -> Markup {
    html! {
        div.card {
            p { strong { (i.producer_name) } " · " a href={"/settlements/" (i.statement_id)} { (i.period) } }
            p { (Dong::new(i.amount)) " · " (i.bank_holder.clone().unwrap_or_default()) " · "
                (i.bank_account.clone().unwrap_or_default()) " (" (i.bank_bin.clone().unwrap_or_default()) ")" br;
                (t(lang, "Nội dung", "Memo")) ": " code { (i.memo) } }
            @if i.vietqr.is_some() {
                img.qr src={"/settlements/" (i.statement_id) "/vietqr.png"} width="240" height="240"
                    alt=(t(lang, "Mã VietQR chuyển khoản", "VietQR transfer code"));
            } @else {
                p.error { (t(lang, "Chủ thể chưa có tài khoản ngân hàng.", "The producer has no bank account.")) }
            }
        }
    }
}

#[get("/settlements/payouts.csv")]
pub async fn batch_csv(
    state: web::Data<AppState>,
    me: WebUser,
    p: web::Query<BatchParams>,
) -> HttpResponse {
    if !matches!(me.user.role, Role::Admin | Role::Manager | Role::Inspector) {
        return forms::failure(&me, &ApiError::not_found());
    }
    let outlet = match super::super::stock::chosen_outlet(&me, p.outlet_id.as_deref()) {
        Ok(Some(o)) => o,
        Ok(None) => return forms::failure(&me, &ApiError::not_found()),
        Err(e) => return forms::failure(&me, &e),
    };
    match state.read(move |c| Ok(api::batch(c, outlet)?)).await {
        Ok(items) => match api::batch_csv(&items) {
            Ok(b) => HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .body(b),
            Err(e) => forms::failure(&me, &e),
        },
        Err(e) => forms::failure(&me, &e),
    }
}

/// The VietQR PNG of a due statement, for the batch page.
#[get("/settlements/{id}/vietqr.png")]
pub async fn vietqr_png(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    let v = match load(&state, &me, id.into_inner()).await {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    if !matches!(me.user.role, Role::Admin | Role::Manager | Role::Inspector) {
        return forms::failure(&me, &ApiError::not_found());
    }
    let (sid, outlet) = (v.statement.id, v.statement.outlet_id);
    let payload = match state.read(move |c| Ok(api::batch(c, outlet)?)).await {
        Ok(items) => items
            .into_iter()
            .find(|i| i.statement_id == sid)
            .and_then(|i| i.vietqr),
        Err(e) => return forms::failure(&me, &e),
    };
    match payload.map(|p| api::qr_png(&p)) {
        Some(Ok(png)) => HttpResponse::Ok().content_type("image/png").body(png),
        Some(Err(e)) => forms::failure(&me, &e),
        None => forms::failure(&me, &ApiError::not_found()),
    }
}
