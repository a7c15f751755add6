//! The GS1 Digital Link resolver and the public product page: what a phone
//! opens when it scans a provenance label.
//!
//! - `/01/{GTIN}[/10/{lot}][/21/{serial}][?17=YYMMDD]` (GS1 Digital Link)
//!   and `/l/{serial}` (the own short path of a label of a product without
//!   a GTIN, `ocop_core::provenance`).
//! - By default the answer is the product page (HTML, Vietnamese first,
//!   `?lang=en` for English, no JavaScript). `Accept:
//!   application/linkset+json` or `?linkType=linkset` answers the RFC 9264
//!   linkset instead (product page, certificate information, where to buy,
//!   label verification, recall status, report a fake). Every answer carries
//!   a `Link: <…?linkType=linkset>; rel="linkset"` header.
//! - A malformed path is 400 and an unknown GTIN 404: a page for people,
//!   the API's JSON error body for programs (`Accept: application/json`
//!   or a linkset request). A serial path walks up to its lot and product:
//!   the page always describes the product, and the label's status says
//!   whether the serial was issued for it.
//! - Every request is recorded in the scan log with coarse client facts
//!   only (`models::provenance::scan`).
//! - A label's page asks, without JavaScript, whether the person will say
//!   which district they are in (a plain GET form reloading the page with
//!   `?near={district}`). Only then does the scan keep a place: the
//!   district's centre (`ocop_core::place`), nothing finer. The distance
//!   signals (`models::provenance::signals`) are computed from these.
//!
//! Producer-entered text goes through maud, which escapes it; the page's
//! headers are those of every public page (`layout::public_response`).

use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT, LINK, USER_AGENT};
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Utc;
use maud::{Markup, html};
use ocop_core::catalogue::ProducerKind;
use ocop_core::digital_link::DigitalLink;
use ocop_core::i18n::{Lang, UserError};
use ocop_core::place::district_centre;
use ocop_core::provenance::{LabelStatus, OWN_LABEL_PATH, ip_prefix, is_issued_form, ua_family};
use ocop_core::time::vn_date;
use serde_json::{Value, json};

use super::catalogue::{public_name_and_photo, stars};
use super::layout::{public_page_in, public_response, t};
use super::session::LANG_COOKIE;
use crate::error::ApiError;
use crate::models::provenance::resolve::{self, Asked, ModelOrUnresolved, Resolved, Unresolved};
use crate::models::provenance::scan::{self, NewScan};
use crate::models::reference::{self, District};
use crate::state::AppState;

/// The linkset's media type (RFC 9264).
pub const LINKSET_TYPE: &str = "application/linkset+json";
/// GS1 Web vocabulary link types.
const GS1: &str = "https://gs1.org/voc/";

/// How the caller wants the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wants {
    Page(Lang),
    Linkset,
    /// A program asking for JSON (errors as the API's error body).
    Json,
}

fn wants(req: &HttpRequest) -> Wants {
    let query = req.query_string();
    let param = |p: &str| query.split('&').any(|q| q == p);
    let accept = req
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if param("linkType=linkset") || param("linkType=all") || accept.contains(LINKSET_TYPE) {
        return Wants::Linkset;
    }
    if accept.contains("application/json") && !accept.contains("text/html") {
        return Wants::Json;
    }
    // Vietnamese first: English only when asked for (link or remembered choice).
    let lang = if param("lang=en") {
        Lang::En
    } else if param("lang=vi") {
        Lang::Vi
    } else {
        match req.cookie(LANG_COOKIE).as_ref().map(|c| c.value()) {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        }
    };
    Wants::Page(lang)
}

/// The coarse client facts a scan keeps. The peer address, not a
/// forwarded-for header a client could write itself.
fn client(req: &HttpRequest) -> (String, String) {
    let prefix = req
        .peer_addr()
        .map(|a| ip_prefix(a.ip()))
        .unwrap_or_else(|| "unknown".to_owned());
    let ua = req
        .headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    (prefix, ua_family(ua).to_owned())
}

/// The district the person chose to share (`?near=…`), if it is one of
/// the province's.
fn shared_district(req: &HttpRequest) -> Option<String> {
    req.query_string()
        .split('&')
        .find_map(|p| p.strip_prefix("near="))
        .filter(|code| district_centre(code).is_some())
        .map(str::to_owned)
}

/// What the path asks for, or why it is malformed.
fn parse(req: &HttpRequest) -> Result<Asked, ApiError> {
    let path = req.uri().path();
    if let Some(serial) = path.strip_prefix(OWN_LABEL_PATH) {
        // Issued serials are 13 Crockford characters: anything else is not a
        // label of ours, and is answered like an unknown one.
        return Ok(Asked::Own {
            serial: serial.trim_end_matches('/').to_owned(),
        });
    }
    let uri = match req.uri().query() {
        Some(q) => format!("http://resolver{path}?{q}"),
        None => format!("http://resolver{path}"),
    };
    let link = DigitalLink::parse(&uri).map_err(|e| {
        ApiError::bad_request(
            "malformed_digital_link",
            e.message(Lang::Vi),
            e.message(Lang::En),
        )
    })?;
    Ok(Asked::Gtin {
        gtin14: link.gtin.as_str14().to_owned(),
        lot: link.lot.map(|l| l.as_str().to_owned()),
        serial: link.serial.map(|s| s.as_str().to_owned()),
    })
}

fn unknown(what: &Unresolved) -> ApiError {
    match what {
        Unresolved::UnknownGtin => ApiError::from(ocop_core::refusal::Refusal::not_found(
            "unknown_gtin",
            "Không có sản phẩm OCOP nào mang mã GTIN này.",
            "No OCOP product carries this GTIN.",
        )),
        Unresolved::UnknownSerial => ApiError::from(ocop_core::refusal::Refusal::not_found(
            "not_registered_label",
            LabelStatus::NotRegistered.describe(Lang::Vi),
            LabelStatus::NotRegistered.describe(Lang::En),
        )),
    }
}

/// The linkset of a resolved path (RFC 9264 JSON form).
fn linkset(anchor: &str, r: &Resolved, public_url: &str) -> Value {
    let page = |lang: &str, title: &str| json!({"href": format!("{anchor}?lang={lang}"), "title": title, "type": "text/html", "hreflang": [lang]});
    let default = page("vi", &format!("Thông tin sản phẩm: {}", r.product.name_vi));
    let pip = vec![
        default.clone(),
        page(
            "en",
            &format!(
                "Product information: {}",
                r.product.name_en.as_deref().unwrap_or(&r.product.name_vi)
            ),
        ),
    ];
    let mut context = serde_json::Map::new();
    context.insert("anchor".into(), json!(anchor));
    context.insert(format!("{GS1}defaultLink"), json!([default]));
    context.insert(format!("{GS1}pip"), Value::Array(pip));
    context.insert(
        format!("{GS1}certificationInfo"),
        json!([{"href": format!("{anchor}#certificate"), "title": "Giấy chứng nhận OCOP / OCOP certificate", "type": "text/html", "hreflang": ["vi", "en"]}]),
    );
    context.insert(
        format!("{GS1}whereToBuy"),
        json!([{"href": format!("{anchor}#where-to-buy"), "title": "Nơi bán / Where to buy", "type": "text/html", "hreflang": ["vi", "en"]}]),
    );
    if r.status.is_some() {
        context.insert(
            format!("{GS1}verificationService"),
            json!([{"href": format!("{anchor}#label-status"), "title": "Kiểm tra tem / Label check", "type": "text/html", "hreflang": ["vi", "en"]}]),
        );
    }
    if r.lot.is_some() {
        context.insert(
            format!("{GS1}recallStatus"),
            json!([{"href": format!("{anchor}#lot"), "title": "Tình trạng thu hồi lô / Lot recall status", "type": "text/html", "hreflang": ["vi", "en"]}]),
        );
    }
    context.insert(
        format!("{public_url}/voc/reportFake"),
        json!([{"href": report_href(public_url, r), "title": "Báo hàng giả / Report a suspected fake", "type": "text/html", "hreflang": ["vi", "en"]}]),
    );
    json!({ "linkset": [Value::Object(context)] })
}

/// The fake-report form for what this page shows.
fn report_href(public_url: &str, r: &Resolved) -> String {
    let mut href = format!("{public_url}/report?product={}", r.product.id);
    if let Some(l) = &r.label {
        href.push_str(&format!("&serial={}", l.serial));
    }
    href
}

fn status_box(lang: Lang, status: &LabelStatus) -> Markup {
    let class = if status.is_warning() {
        "card status bad"
    } else {
        "card status good"
    };
    html! {
        div id="label-status" class=(class) data-status=(status.code()) {
            strong { (status.describe(lang)) }
        }
    }
}

fn producer_kind(lang: Lang, code: &str) -> String {
    code.parse::<ProducerKind>()
        .map(|k| k.label(lang).to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

/// The "where are you?" step of a label's page: a GET form back to this
/// page with the district chosen (the other query parameters kept), or the
/// thanks once one was shared.
fn location_markup(
    lang: Lang,
    req: &HttpRequest,
    districts: &[District],
    shared: Option<&str>,
) -> Markup {
    let kept: Vec<(&str, &str)> = req
        .query_string()
        .split('&')
        .filter_map(|p| p.split_once('='))
        .filter(|(k, _)| *k == "lang" || *k == "17")
        .collect();
    html! {
        div.card id="share-location" {
            @if let Some(code) = shared {
                @let name = districts.iter().find(|d| d.code == code).map_or(code, |d| d.name.as_str());
                p data-shared=(code) { (t(lang, "Cảm ơn bạn. Đã ghi nhận nơi quét: ", "Thank you. The scan was recorded in: ")) strong { (name) } "." }
            } @else {
                form method="get" action=(req.uri().path()) {
                    @for (k, v) in &kept { input type="hidden" name=(k) value=(v); }
                    div.field {
                        label for="near" { (t(lang,
                            "Bạn đang ở huyện, thị xã nào? Chia sẻ (không bắt buộc, chỉ lưu cấp huyện) giúp phát hiện tem bị sao chép.",
                            "Which district are you in? Sharing it (optional, only the district is kept) helps find copied labels.")) }
                        select id="near" name="near" required {
                            option value="" { (t(lang, "— chọn huyện, thị xã —", "— choose a district —")) }
                            @for d in districts { option value=(d.code) { (d.name) } }
                        }
                    }
                    button type="submit" { (t(lang, "Chia sẻ nơi quét", "Share where I scanned")) }
                }
            }
        }
    }
}

fn product_markup(lang: Lang, r: &Resolved, public_url: &str, location: Markup) -> Markup {
    let p = &r.product;
    let today = vn_date(Utc::now());
    let (name, photo) = public_name_and_photo(
        lang,
        &p.name_vi,
        p.name_en.as_deref(),
        p.photo_url.as_deref(),
    );
    let cert = p.certificate();
    html! {
        @if let Some(status) = &r.status { (status_box(lang, status)) }
        @if let Some(recall) = &r.recall {
            div.card.status.bad data-status="recalled_lot" {
                strong { (t(lang, "Lô hàng này đã bị thu hồi.", "This lot has been recalled.")) }
                " " (t(lang, "Lý do", "Reason")) ": " (recall.reason)
            }
        }
        @if r.producer.status == "suspended" {
            div.card.status.bad data-status="producer_suspended" {
                strong { (LabelStatus::ProducerSuspended.describe(lang)) }
            }
        }
        div.card {
            @if let Some(src) = photo {
                img.photo src=(src) alt=(name);
            }
            h2.product-name { (name) }
            p.stars aria-label=(format!("{} sao", p.stars)) { (stars(p.stars)) " " span.muted { (p.stars) " " (t(lang, "sao OCOP", "OCOP stars")) } }
            p { (t(lang, "Nhóm", "Group")) ": " (t(lang, &r.group_vi, &r.group_en)) }
            @if !p.description.is_empty() { p { (p.description) } }
        }
        div.card {
            h2 { (t(lang, "Chủ thể sản xuất", "Producer")) }
            p {
                strong.producer { (r.producer.name) }
                br; (producer_kind(lang, &r.producer.kind))
                br; (r.producer.commune) ", " (r.producer_district) ", Lào Cai"
            }
        }
        div.card id="certificate" {
            h2 { (t(lang, "Giấy chứng nhận OCOP", "OCOP certificate")) }
            @match &cert {
                Some(c) => {
                    p {
                        (t(lang, "Số", "Number")) ": " strong { (c.number()) }
                        @if !c.is_valid_on(today) {
                            " " span.warn.expired { (t(lang, "hết hạn", "expired")) }
                        }
                        br; (t(lang, "Cấp", "Level")) ": " (c.level().label(lang))
                        br; (t(lang, "Hiệu lực", "Valid")) ": " (c.issued_on().format("%d/%m/%Y")) " – " (c.expires_on().format("%d/%m/%Y"))
                    }
                }
                None => {
                    p.muted { (t(lang, "Sản phẩm chưa có giấy chứng nhận OCOP được ghi nhận.", "No OCOP certificate is on record for this product.")) }
                }
            }
        }
        @if let Some(lot) = &r.lot {
            div.card id="lot" {
                h2 { (t(lang, "Lô hàng", "Lot")) }
                p {
                    @if !lot.lot_code.is_empty() { (t(lang, "Số lô", "Lot number")) ": " strong { (lot.lot_code) } br; }
                    @if let Some(d) = lot.produced_on { (t(lang, "Ngày sản xuất", "Produced")) ": " (d.format("%d/%m/%Y")) br; }
                    @if let Some(d) = lot.expires_on { (t(lang, "Hạn sử dụng", "Best before")) ": " (d.format("%d/%m/%Y")) }
                }
            }
        }
        @if r.lot_unknown {
            p.muted { (t(lang, "Số lô trên tem không có trong hệ thống; dưới đây là thông tin chung của sản phẩm.", "The lot on the label is not on record; the product's general information is shown.")) }
        }
        div.card id="where-to-buy" {
            h2 { (t(lang, "Nơi bán", "Where to buy")) }
            @if r.stockists.is_empty() {
                p.muted { (t(lang, "Hiện chưa có điểm bán OCOP nào còn hàng.", "No OCOP outlet has it in stock right now.")) }
            } @else {
                ul {
                    @for s in &r.stockists {
                        li { strong { (s.name) } br; span.muted { (s.address) ", " (s.district) } }
                    }
                }
            }
        }
        @if r.label.is_some() { (location) }
        p { a.button href=(report_href(public_url, r)) { (t(lang, "Báo hàng giả", "Report a suspected fake")) } }
        p.muted { (t(lang, "Thông tin do Sở Công Thương Lào Cai quản lý.", "Information managed by the Lào Cai Department of Industry and Trade.")) }
    }
}

fn error_markup(lang: Lang, err: &ApiError) -> Markup {
    html! {
        div.card.status.bad data-error=(err.code()) {
            p { strong { (err.message(lang)) } }
            p.muted { (t(lang,
                "Hãy kiểm tra lại mã vừa quét. Nếu tem trên sản phẩm dẫn tới trang này, sản phẩm có thể không phải hàng OCOP thật.",
                "Check the code you scanned. If the label on a product leads here, the product may not be a genuine OCOP product.")) }
        }
    }
}

/// `?lang=…` toggled on this page's own path.
fn switch_href(req: &HttpRequest, lang: Lang) -> String {
    let other = match lang {
        Lang::Vi => "en",
        Lang::En => "vi",
    };
    let kept: Vec<&str> = req
        .query_string()
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang=") && !p.starts_with("near="))
        .collect();
    let mut q = kept.join("&");
    if !q.is_empty() {
        q.push('&');
    }
    format!("{}?{q}lang={other}", req.uri().path())
}

fn linkset_header(anchor: &str) -> (actix_web::http::header::HeaderName, String) {
    (
        LINK,
        format!("<{anchor}?linkType=linkset>; rel=\"linkset\"; type=\"{LINKSET_TYPE}\""),
    )
}

fn refusal_answer(req: &HttpRequest, wants: Wants, anchor: &str, err: ApiError) -> HttpResponse {
    match wants {
        Wants::Page(lang) => {
            let mut res = public_response(
                actix_web::ResponseError::status_code(&err),
                public_page_in(
                    lang,
                    t(lang, "Không tìm thấy sản phẩm", "Product not found"),
                    Some(&switch_href(req, lang)),
                    error_markup(lang, &err),
                ),
            );
            if let Ok(v) = linkset_header(anchor).1.parse() {
                res.headers_mut().insert(LINK, v);
            }
            res
        }
        Wants::Linkset | Wants::Json => actix_web::ResponseError::error_response(&err),
    }
}

async fn answer(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let wants = wants(&req);
    let public_url = state.config.public_url.clone();
    let anchor = format!("{public_url}{}", req.uri().path());
    let (ip, ua) = client(&req);
    let shared = shared_district(&req);
    let place = shared.as_deref().and_then(district_centre);
    let mut scan = NewScan {
        scanned_at: Utc::now().naive_utc(),
        gtin: None,
        lot_code: None,
        serial: None,
        label_id: None,
        product_id: None,
        status: String::new(),
        ip_prefix: ip,
        ua_family: ua,
        latitude: place.map(|p| p.latitude),
        longitude: place.map(|p| p.longitude),
    };
    let asked = match parse(&req) {
        Ok(a) => a,
        Err(e) => {
            scan.status = "malformed".into();
            state.write(move |c| Ok(scan::record(c, &scan)?)).await?;
            return Ok(refusal_answer(&req, wants, &anchor, e));
        }
    };
    match &asked {
        Asked::Gtin {
            gtin14,
            lot,
            serial,
        } => {
            scan.gtin = Some(gtin14.clone());
            scan.lot_code = lot.clone();
            scan.serial = serial.clone();
        }
        Asked::Own { serial } => scan.serial = Some(serial.clone()),
    }
    let found = state
        .write(move |c| {
            let found = resolve::resolve(c, &asked);
            scan.status = match &found {
                Ok(r) => match (&r.status, &r.lot) {
                    (Some(s), _) => s.code().to_owned(),
                    (None, Some(_)) => "lot".to_owned(),
                    (None, None) => "product".to_owned(),
                },
                Err(ModelOrUnresolved::No(Unresolved::UnknownGtin)) => "unknown_gtin".to_owned(),
                Err(ModelOrUnresolved::No(Unresolved::UnknownSerial)) => {
                    LabelStatus::NotRegistered.code().to_owned()
                }
                Err(ModelOrUnresolved::Db(_)) => "error".to_owned(),
            };
            if let Ok(r) = &found {
                scan.product_id = Some(r.product.id);
                scan.label_id = r.label.as_ref().map(|l| l.id);
            }
            match found {
                Ok(r) => {
                    scan::record(c, &scan)?;
                    // The districts for the "where are you?" step.
                    let districts = if r.label.is_some() && matches!(wants, Wants::Page(_)) {
                        reference::districts(c)?
                    } else {
                        Vec::new()
                    };
                    Ok(Ok((r, districts)))
                }
                Err(ModelOrUnresolved::No(why)) => {
                    scan::record(c, &scan)?;
                    Ok(Err(why))
                }
                Err(ModelOrUnresolved::Db(e)) => Err(e.into()),
            }
        })
        .await?;
    let (r, districts) = match found {
        Ok(found) => found,
        Err(why) => {
            let own_malformed = matches!(why, Unresolved::UnknownSerial)
                && !is_issued_form(req.uri().path().trim_start_matches(OWN_LABEL_PATH));
            let err = if own_malformed {
                ApiError::bad_request(
                    "malformed_label_path",
                    "Đường dẫn tem không hợp lệ.",
                    "The label path is not valid.",
                )
            } else {
                unknown(&why)
            };
            return Ok(refusal_answer(&req, wants, &anchor, err));
        }
    };
    let (name, value) = linkset_header(&anchor);
    Ok(match wants {
        Wants::Linkset | Wants::Json => HttpResponse::Ok()
            .content_type(LINKSET_TYPE)
            .insert_header((name, value))
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-cache"))
            .body(linkset(&anchor, &r, &public_url).to_string()),
        Wants::Page(lang) => {
            let title = t(lang, "Sản phẩm OCOP", "OCOP product");
            let mut res = public_response(
                StatusCode::OK,
                public_page_in(
                    lang,
                    title,
                    Some(&switch_href(&req, lang)),
                    product_markup(
                        lang,
                        &r,
                        &public_url,
                        location_markup(lang, &req, &districts, shared.as_deref()),
                    ),
                ),
            );
            if let Ok(v) = value.parse() {
                res.headers_mut().insert(name, v);
            }
            res
        }
    })
}

/// A GS1 Digital Link: `/01/{GTIN}[/10/{lot}][/21/{serial}]`.
#[get("/01/{tail:.*}")]
pub async fn by_gtin(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    answer(req, state).await
}

/// A label of a product without a GTIN: `/l/{serial}`.
#[get("/l/{serial}")]
pub async fn by_own_serial(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    answer(req, state).await
}
