//! Catalogue pages: search and browse products, producers and outlets.
//! Producer accounts see only their own producer and products, as in the API.

use actix_web::{HttpResponse, get, web};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::money::Dong;
use serde::Deserialize;

use super::html_page;
use super::layout::{page, t};
use super::session::WebUser;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::producer::{self, ProducerSearch};
use crate::models::product::search::{ProductSearch, search};
use crate::models::product::{self, ListingView, vn_today};
use crate::models::{outlet, reference};
use crate::state::AppState;

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Deserialize)]
pub struct ProductQuery {
    q: Option<String>,
    group: Option<String>,
    stars: Option<String>,
    page: Option<i64>,
    #[expect(dead_code, reason = "read by the language middleware")]
    lang: Option<String>,
}

fn own_producer(me: &WebUser) -> Option<i32> {
    (me.user.role == Role::Producer).then(|| me.user.producer_id.unwrap_or(-1))
}

fn listing_badge(lang: Lang, view: &ListingView) -> Markup {
    let (text, class) = match view.status {
        "listable" => (t(lang, "Được bán", "Listable"), ""),
        "listable_key_product" => (t(lang, "Sản phẩm chủ lực", "Key product"), ""),
        "sell_from_stock_only" => (
            t(lang, "Chỉ bán hàng tồn", "Sell remaining stock only"),
            "warn",
        ),
        _ => (t(lang, "Không được bày bán", "Not listable"), "warn"),
    };
    html! { span class=(class) title=[view.warning.as_deref()] { (text) } }
}

/// A product's name in the page's language (Vietnamese when it has no
/// English name) and the photo a public page may show: an https or
/// same-site address only, never a mixed-content or script URL.
pub(crate) fn public_name_and_photo<'a>(
    lang: Lang,
    name_vi: &'a str,
    name_en: Option<&'a str>,
    photo_url: Option<&'a str>,
) -> (&'a str, Option<&'a str>) {
    let name = match lang {
        Lang::En => name_en.unwrap_or(name_vi),
        Lang::Vi => name_vi,
    };
    let photo = photo_url.filter(|u| u.starts_with("https://") || u.starts_with('/'));
    (name, photo)
}

pub(crate) fn stars(n: i32) -> String {
    "★".repeat(usize::try_from(n.clamp(0, 5)).unwrap_or(0))
}

fn failure(lang: Lang, me: &WebUser, err: &ApiError) -> HttpResponse {
    let body = html! { p.error { (err.message(lang)) } };
    HttpResponse::build(actix_web::ResponseError::status_code(err))
        .content_type("text/html; charset=utf-8")
        .body(page(lang, t(lang, "Lỗi", "Error"), Some(me), body).into_string())
}

#[get("/catalogue/products")]
pub async fn products_page(
    state: web::Data<AppState>,
    me: WebUser,
    query: web::Query<ProductQuery>,
) -> HttpResponse {
    let lang = me.lang;
    let query = query.into_inner();
    let page_no = query.page.unwrap_or(1).max(1);
    let filter = ProductSearch {
        q: query.q.clone().filter(|s| !s.trim().is_empty()),
        group: query.group.clone().filter(|s| !s.is_empty()),
        stars: query.stars.as_deref().and_then(|s| s.parse().ok()),
        producer_id: own_producer(&me),
        limit: Some(PAGE_SIZE),
        offset: Some((page_no - 1) * PAGE_SIZE),
        ..ProductSearch::default()
    };
    let found = state
        .read(move |c| Ok((search(c, &filter)?, reference::product_groups(c)?)))
        .await;
    let ((rows, total), groups) = match found {
        Ok(v) => v,
        Err(e) => return failure(lang, &me, &e),
    };
    let today = vn_today();
    let q = query.q.unwrap_or_default();
    let group = query.group.unwrap_or_default();
    let star_filter = query.stars.unwrap_or_default();
    let admin = me.user.role == Role::Admin;
    let body = html! {
        @if admin { p { a.button href="/catalogue/products/new" { (t(lang, "Thêm sản phẩm", "New product")) } } }
        form.filters method="get" action="/catalogue/products" {
            input type="search" name="q" value=(q) placeholder=(t(lang, "Tên sản phẩm (gõ có dấu hoặc không dấu)", "Product name (with or without accents)"));
            select name="group" {
                option value="" { (t(lang, "Mọi nhóm", "All groups")) }
                @for g in &groups {
                    option value=(g.code) selected[g.code == group] { (t(lang, &g.name_vi, &g.name_en)) }
                }
            }
            select name="stars" {
                option value="" { (t(lang, "Mọi hạng sao", "Any rating")) }
                @for s in 1..=5 {
                    option value=(s) selected[star_filter == s.to_string()] { (stars(s)) }
                }
            }
            button type="submit" { (t(lang, "Tìm", "Search")) }
        }
        p.muted { (total) " " (t(lang, "sản phẩm", "products")) }
        table.responsive {
            thead { tr {
                th { (t(lang, "Sản phẩm", "Product")) }
                th { (t(lang, "Hạng", "Rating")) }
                th.num { (t(lang, "Giá bán (gồm VAT)", "Price (VAT incl.)")) }
                th { (t(lang, "Tình trạng", "Status")) }
            } }
            tbody {
                @for p in &rows {
                    tr {
                        td { a href={"/catalogue/products/" (p.id)} { (p.name_vi) } br; span.muted { (p.unit) } }
                        td { (stars(p.stars)) }
                        td.num { (Dong::new(p.price)) }
                        td { (listing_badge(lang, &ListingView::of(&p.listing(today)))) }
                    }
                }
            }
        }
        @if total > page_no * PAGE_SIZE {
            p { a.button href={"/catalogue/products?q=" (q) "&group=" (group) "&stars=" (star_filter) "&page=" (page_no + 1)} {
                (t(lang, "Trang sau", "Next page")) } }
        }
    };
    html_page(page(
        lang,
        t(lang, "Sản phẩm OCOP", "OCOP products"),
        Some(&me),
        body,
    ))
}

#[get("/catalogue/products/{id}")]
pub async fn product_page(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    let lang = me.lang;
    let id = id.into_inner();
    let own = own_producer(&me);
    let found = state
        .read(move |c| {
            let p = product::find(c, id)?;
            if own.is_some_and(|o| o != p.producer_id) {
                return Err(ApiError::not_found());
            }
            let maker = producer::find(c, p.producer_id)?;
            let prices = product::prices(c, id)?;
            Ok((p, maker, prices))
        })
        .await;
    let (p, maker, prices) = match found {
        Ok(v) => v,
        Err(e) => return failure(lang, &me, &e),
    };
    let view = ListingView::of(&p.listing(vn_today()));
    let admin = me.user.role == Role::Admin;
    let body = html! {
        div.card {
            p { (listing_badge(lang, &view))
                @if admin { " " a.button href={"/catalogue/products/" (p.id) "/edit"} { (t(lang, "Sửa", "Edit")) } } }
            @if let Some(w) = &view.warning { p.warn { (w) } }
            table {
                tr { th { (t(lang, "Chủ thể", "Producer")) } td { (maker.name) } }
                tr { th { (t(lang, "Hạng sao", "Star rating")) } td { (stars(p.stars)) " (" (p.stars) ")" } }
                tr { th { (t(lang, "Giấy chứng nhận", "Certificate")) } td {
                    @if let Some(n) = &p.cert_number { (n) } @else { "—" }
                    @if let (Some(i), Some(e)) = (p.cert_issued_on, p.cert_expires_on) {
                        br; span.muted { (i.format("%d/%m/%Y")) " – " (e.format("%d/%m/%Y")) }
                    }
                } }
                tr { th { (t(lang, "Kết quả phân hạng", "Rating record")) } td {
                    @if let (Some(score), Some(no), Some(on), Some(body)) = (p.rating_score, &p.rating_decision_no, p.rating_decision_on, &p.rating_body) {
                        strong { (score) "/100" } " " (t(lang, "điểm", "points"))
                        br; span.muted { (t(lang, "Quyết định ", "Decision ")) (no) " " (t(lang, "ngày", "of")) " " (on.format("%d/%m/%Y")) ", " (body) }
                    } @else { "—" }
                } }
                tr { th { "GTIN" } td { (p.gtin.as_deref().unwrap_or("—")) } }
                tr { th { (t(lang, "Mã nội bộ", "Internal code")) } td { (p.internal_code.as_deref().unwrap_or("—")) } }
                tr { th { (t(lang, "Đơn vị", "Unit")) } td { (p.unit) } }
                tr { th { (t(lang, "Giá bán (gồm VAT)", "Price (VAT incl.)")) } td { (Dong::new(p.price)) } }
                tr { th { "VAT" } td { (p.vat_rate) @if p.vat_rate != "kct" { "%" } } }
                @if !p.description.is_empty() { tr { th { (t(lang, "Mô tả", "Description")) } td { (p.description) } } }
            }
        }
        h2 { (t(lang, "Lịch sử giá", "Price history")) }
        table {
            thead { tr { th { (t(lang, "Từ", "From")) } th.num { (t(lang, "Giá", "Price")) } } }
            tbody { @for e in &prices { tr {
                td { (ocop_core::time::format_vn(e.valid_from.and_utc())) }
                td.num { (Dong::new(e.price)) }
            } } }
        }
    };
    html_page(page(lang, &p.name_vi, Some(&me), body))
}

#[get("/catalogue/producers")]
pub async fn producers_page(state: web::Data<AppState>, me: WebUser) -> HttpResponse {
    let lang = me.lang;
    let own = own_producer(&me);
    let found = state
        .read(move |c| match own {
            Some(id) => Ok(vec![producer::find(c, id)?]),
            None => Ok(producer::search(
                c,
                &ProducerSearch {
                    limit: Some(1000),
                    ..ProducerSearch::default()
                },
            )?
            .0),
        })
        .await;
    let rows = match found {
        Ok(v) => v,
        Err(e) => return failure(lang, &me, &e),
    };
    let body = html! {
        @if me.user.role == Role::Admin { p { a.button href="/catalogue/producers/new" { (t(lang, "Thêm chủ thể", "New producer")) } } }
        table.responsive {
            thead { tr {
                th { (t(lang, "Chủ thể", "Producer")) }
                th { (t(lang, "Loại hình", "Kind")) }
                th { (t(lang, "Địa bàn", "Area")) }
                th { (t(lang, "Liên hệ", "Contact")) }
            } }
            tbody { @for p in &rows { tr {
                td { a href={"/catalogue/products?q=&page=1"} { (p.name) }
                    @if me.user.role == Role::Admin { br; a href={"/catalogue/producers/" (p.id) "/edit"} { (t(lang, "Sửa", "Edit")) } } }
                td { (kind_label(lang, &p.kind)) }
                td { (p.commune) }
                td { (p.contact_name) br; span.muted { (p.phone) } }
            } } }
        }
    };
    html_page(page(
        lang,
        t(lang, "Chủ thể OCOP", "OCOP producers"),
        Some(&me),
        body,
    ))
}

fn kind_label(lang: Lang, code: &str) -> String {
    code.parse::<ocop_core::catalogue::ProducerKind>()
        .map(|k| k.label(lang).to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

#[get("/catalogue/outlets")]
pub async fn outlets_page(state: web::Data<AppState>, me: WebUser) -> HttpResponse {
    let lang = me.lang;
    let rows = match state.read(|c| Ok(outlet::list(c)?)).await {
        Ok(v) => v,
        Err(e) => return failure(lang, &me, &e),
    };
    let body = html! {
        @if me.user.role == Role::Admin { p { a.button href="/catalogue/outlets/new" { (t(lang, "Thêm điểm bán", "New outlet")) } } }
        table.responsive {
            thead { tr {
                th { (t(lang, "Điểm bán", "Outlet")) }
                th { (t(lang, "Địa chỉ", "Address")) }
                th { (t(lang, "Giờ mở cửa", "Opening hours")) }
            } }
            tbody { @for o in &rows { tr {
                td { (o.name) br; span.muted { (o.code) }
                    @if me.user.role == Role::Admin || (me.user.role == Role::Manager && me.user.outlet_id == Some(o.id)) {
                        br; a href={"/catalogue/outlets/" (o.id) "/edit"} { (t(lang, "Sửa", "Edit")) } } }
                td { (o.address) }
                td { (o.opening_hours) }
            } } }
        }
    };
    html_page(page(
        lang,
        t(lang, "Điểm bán OCOP", "OCOP outlets"),
        Some(&me),
        body,
    ))
}
