//! The public catalogue page, `/products` (issue 17): OCOP products for
//! anyone — customers, trade-promotion and e-commerce partners — with no
//! login and no JavaScript, Vietnamese first (`?lang=en`). The filters are a
//! plain GET form, so every view has its own address; the same data as JSON
//! is `GET /api/v1/public/products` (`api::public_catalogue`).

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};
use ocop_core::catalogue::ProducerKind;
use ocop_core::i18n::Lang;
use ocop_core::money::Dong;

use super::catalogue::{public_name_and_photo, stars};
use super::headers::cacheable;
use super::layout::{public_page_in, t};
use super::session::page_lang;
use crate::api::public_catalogue::MAX_AGE_SECS;
use crate::error::ApiError;
use crate::models::product::vn_today;
use crate::models::public_catalogue::{self, CatalogueQuery, PublicCatalogue, PublicProduct};
use crate::state::AppState;

fn outlet_kind(lang: Lang, code: &str) -> &'static str {
    match code {
        "showroom" => t(lang, "Điểm trưng bày", "Showroom"),
        "rest_stop" => t(lang, "Trạm dừng nghỉ", "Rest stop"),
        "tourism" => t(lang, "Điểm du lịch", "Tourist site"),
        "trade_centre" => t(lang, "Trung tâm thương mại", "Trade centre"),
        "online" => t(lang, "Bán trực tuyến", "Online"),
        _ => t(lang, "Điểm bán", "Outlet"),
    }
}

/// This view's address with other filters kept: `change` sets (or, with
/// `None`, drops) one parameter.
fn href_with(query: &CatalogueQuery, change: impl FnOnce(&mut CatalogueQuery)) -> String {
    let mut q = query.clone();
    change(&mut q);
    let encoded = serde_urlencoded::to_string(&q).unwrap_or_default();
    if encoded.is_empty() {
        "/products".to_owned()
    } else {
        format!("/products?{encoded}")
    }
}

fn product_card(lang: Lang, p: &PublicProduct) -> Markup {
    let (name, photo) = public_name_and_photo(
        lang,
        &p.name_vi,
        p.name_en.as_deref(),
        p.photo_url.as_deref(),
    );
    let kind = p
        .producer
        .kind
        .parse::<ProducerKind>()
        .map(|k| k.label(lang))
        .unwrap_or_default();
    html! {
        article.card.product data-product=(p.id) {
            @if let Some(src) = photo { img.photo src=(src) alt=(name) loading="lazy"; }
            h2.product-name {
                @if let Some(href) = &p.page_url { a href=(href) { (name) } } @else { (name) }
            }
            p.stars aria-label=(format!("{} sao", p.stars)) { (stars(p.stars)) " " span.muted { (t(lang, &p.group_vi, &p.group_en)) } }
            p {
                strong.price { (Dong::new(p.price)) } " / " (p.unit)
                br; span.muted { (t(lang, "Giá bán lẻ tại điểm bán, đã gồm VAT", "Shelf price at outlets, VAT included")) }
            }
            p {
                (p.producer.name) br;
                span.muted { (kind) " · " (p.producer.commune) ", " (p.producer.district) }
            }
            @match &p.certificate {
                Some(c) => p.cert {
                    (t(lang, "Giấy chứng nhận", "Certificate")) " " (c.number) br;
                    @if c.valid {
                        span.status.good.badge { (t(lang, "còn hiệu lực đến ", "valid until ")) (c.expires_on.format("%d/%m/%Y")) }
                    } @else {
                        span.warn.expired { (t(lang, "hết hạn ", "expired ")) (c.expires_on.format("%d/%m/%Y")) }
                    }
                },
                None => p.muted { (t(lang, "Chưa ghi nhận giấy chứng nhận OCOP.", "No OCOP certificate on record.")) },
            }
            @if p.in_stock_at.is_empty() {
                p.muted.stock { (t(lang, "Tạm hết hàng tại các điểm bán.", "Out of stock at every outlet for now.")) }
            } @else {
                details.stock {
                    summary { (t(lang, "Còn hàng tại ", "In stock at ")) (p.in_stock_at.len()) (t(lang, " điểm bán", " outlets")) }
                    ul {
                        @for o in &p.in_stock_at {
                            li { strong { (o.name) } " · " (outlet_kind(lang, &o.kind)) br; span.muted { (o.address) ", " (o.district) } }
                        }
                    }
                }
            }
        }
    }
}

fn catalogue_markup(lang: Lang, query: &CatalogueQuery, cat: &PublicCatalogue) -> Markup {
    let q = query.q.clone().unwrap_or_default();
    let group = query.group.clone().unwrap_or_default();
    let district = query.district.clone().unwrap_or_default();
    let star = query.stars.unwrap_or_default();
    let shown_to = cat.offset + i64::try_from(cat.items.len()).unwrap_or(i64::MAX);
    html! {
        p.muted { (t(lang,
            "Sản phẩm OCOP của tỉnh Lào Cai: chủ thể, giấy chứng nhận và điểm bán đang còn hàng.",
            "Lào Cai's OCOP products: their producers, certificates and the outlets that have them now.")) }
        form.filters method="get" action="/products" {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            input type="search" name="q" value=(q) aria-label=(t(lang, "Tìm sản phẩm", "Search products"))
                placeholder=(t(lang, "Tên sản phẩm (có dấu hoặc không dấu)", "Product name (with or without accents)"));
            select name="group" aria-label=(t(lang, "Nhóm sản phẩm", "Product group")) {
                option value="" { (t(lang, "Mọi nhóm", "All groups")) }
                @for g in &cat.groups {
                    option value=(g.code) selected[g.code == group] { (t(lang, &g.name_vi, &g.name_en)) }
                }
            }
            select name="stars" aria-label=(t(lang, "Hạng sao", "Star rating")) {
                option value="" { (t(lang, "Mọi hạng sao", "Any rating")) }
                @for s in 3..=5 {
                    option value=(s) selected[star == s] { (stars(s)) }
                }
            }
            select name="district" aria-label=(t(lang, "Huyện, thị xã, thành phố", "District")) {
                option value="" { (t(lang, "Mọi huyện", "All districts")) }
                @for d in &cat.districts {
                    option value=(d.code) selected[d.code == district] { (d.name) }
                }
            }
            label.check { input type="checkbox" name="in_stock" value="true" checked[query.in_stock == Some(true)]; " " (t(lang, "Đang có hàng", "In stock now")) }
            button type="submit" { (t(lang, "Tìm", "Search")) }
        }
        p.muted id="count" { (cat.total) " " (t(lang, "sản phẩm", "products")) }
        @if cat.items.is_empty() {
            p.card { (t(lang, "Không có sản phẩm nào khớp với bộ lọc.", "No product matches these filters.")) }
        }
        div.grid {
            @for p in &cat.items { (product_card(lang, p)) }
        }
        p.pager {
            @if cat.offset > 0 {
                a.button href=(href_with(query, |q| q.offset = Some((cat.offset - cat.limit).max(0)).filter(|o| *o > 0))) { (t(lang, "Trang trước", "Previous page")) }
            }
            @if shown_to < cat.total {
                a.button href=(href_with(query, |q| q.offset = Some(shown_to))) { (t(lang, "Trang sau", "Next page")) }
            }
        }
        p.muted { (t(lang, "Dữ liệu cho đối tác: ", "For partners, as JSON: ")) a href="/api/v1/public/products" { "/api/v1/public/products" } }
    }
}

/// The public catalogue page.
#[get("/products")]
pub async fn catalogue_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CatalogueQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = page_lang(&req);
    let mut query = query.into_inner();
    query.q = query.q.filter(|s| !s.trim().is_empty());
    query.group = query.group.filter(|s| !s.is_empty());
    query.district = query.district.filter(|s| !s.is_empty());
    query.lang = (lang == Lang::En).then(|| "en".to_owned());
    let public_url = state.config.public_url.clone();
    let asked = query.clone();
    let cat = state
        .read(move |c| Ok(public_catalogue::page(c, &asked, &public_url, vn_today())?))
        .await?;
    let switch = href_with(&query, |q| {
        q.lang = Some(if lang == Lang::En { "vi" } else { "en" }.to_owned())
    });
    let markup = public_page_in(
        lang,
        t(lang, "Sản phẩm OCOP Lào Cai", "Lào Cai OCOP products"),
        Some(&switch),
        catalogue_markup(lang, &query, &cat),
    );
    Ok(cacheable(
        &req,
        "text/html; charset=utf-8",
        markup.into_string().into_bytes(),
        MAX_AGE_SECS,
    ))
}
