//! "Báo hàng giả / Report a suspected fake": the public form (`/report`,
//! linked from every product page) and the same submission for programs
//! (`POST /api/v1/reports`). No sign-in.
//!
//! Both take one `multipart/form-data` body: `what_wrong` (required),
//! `where_bought` (required), `contact` (optional), `product` and `serial`
//! (filled by the product page's link), an optional `photo` and the
//! honeypot `website`, hidden from people and left empty by them.
//!
//! Guarantees: at most [`REPORTS_PER_HOUR`] submissions per client address
//! an hour (429 beyond, counted before anything is read); a filled
//! honeypot, a missing or oversized text, an unknown product, or a photo
//! that is too large ([`MAX_PHOTO_BYTES`]) or not a JPEG, PNG or WebP
//! image that decodes is refused with a clear message and **nothing is
//! stored**; an accepted photo is decoded and re-encoded by the server as
//! a JPEG of at most [`MAX_PHOTO_SIDE`] pixels a side, so no byte of the
//! upload (metadata, location, anything hidden) is kept. Only the
//! client's IP prefix is recorded.

use std::io::Cursor;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use diesel::prelude::*;
use futures_util::StreamExt as _;
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::provenance::ip_prefix;
use ocop_core::refusal::Refusal;
use serde::{Deserialize, Serialize};

use super::layout::{public_page_in, public_response, t};
use super::session::LANG_COOKIE;
use crate::db::schema::{fake_reports, labels, products};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::throttle::Throttle;

/// Reports one client address may send per hour.
pub const REPORTS_PER_HOUR: usize = 5;
/// Largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// Longest side of the stored (re-encoded) photo, in pixels.
pub const MAX_PHOTO_SIDE: u32 = 1600;
/// Longest text field, in characters.
const MAX_TEXT: usize = 2000;

/// The report throttle of a new server.
pub fn limiter() -> Throttle<IpAddr> {
    Throttle::new(
        "fake reports",
        REPORTS_PER_HOUR,
        Duration::from_secs(3600),
        100_000,
    )
}

/// What a report says, read and checked.
#[derive(Debug, Default)]
struct Submitted {
    what_wrong: String,
    where_bought: String,
    contact: String,
    product: String,
    serial: String,
    website: String,
    photo: Option<Vec<u8>>,
}

/// The answer to an accepted report.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportReceived {
    pub id: i32,
    pub message: String,
}

/// The multipart body, for the OpenAPI document.
#[derive(Debug, utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the multipart form to OpenAPI only")]
pub struct ReportForm {
    /// What is wrong with the product (required, at most 2000 characters).
    what_wrong: String,
    /// Where it was bought (required).
    where_bought: String,
    /// How to reach the person (optional).
    contact: Option<String>,
    /// Product id (the product page fills it).
    product: Option<i32>,
    /// Label serial (the product page fills it).
    serial: Option<String>,
    /// JPEG, PNG or WebP, at most 5 MB; stored re-encoded.
    #[schema(value_type = Option<String>, format = Binary)]
    photo: Option<Vec<u8>>,
    /// Must be left empty (a trap for robots).
    website: Option<String>,
}

fn invalid(code: &'static str, field: &'static str, vi: &str, en: &str) -> Refusal {
    Refusal::invalid(code, vi, en).on_field(field)
}

/// Reads the multipart body, refusing a photo above the limit as it streams.
async fn read(mut payload: Multipart) -> Result<Submitted, Refusal> {
    let mut out = Submitted::default();
    let unreadable = || {
        Refusal::invalid(
            "unreadable_form",
            "Không đọc được biểu mẫu gửi lên.",
            "The form sent could not be read.",
        )
    };
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| unreadable())?;
        let name = field.name().unwrap_or_default().to_owned();
        let cap = if name == "photo" {
            MAX_PHOTO_BYTES
        } else {
            MAX_TEXT * 4
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| unreadable())?;
            if bytes.len() + chunk.len() > cap {
                return Err(if name == "photo" {
                    invalid(
                        "photo_too_large",
                        "photo",
                        "Ảnh quá lớn: tối đa 5 MB.",
                        "The photo is too large: at most 5 MB.",
                    )
                } else {
                    invalid(
                        "text_too_long",
                        "what_wrong",
                        "Nội dung quá dài (tối đa 2000 ký tự).",
                        "The text is too long (at most 2000 characters).",
                    )
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8(bytes.clone()).map_err(|_| unreadable());
        match name.as_str() {
            "what_wrong" => out.what_wrong = text()?,
            "where_bought" => out.where_bought = text()?,
            "contact" => out.contact = text()?,
            "product" => out.product = text()?,
            "serial" => out.serial = text()?,
            "website" => out.website = text()?,
            "photo" if !bytes.is_empty() => out.photo = Some(bytes),
            _ => {}
        }
    }
    Ok(out)
}

/// Decodes a JPEG, PNG or WebP (told by its bytes, not its name) and
/// re-encodes it as a JPEG no larger than [`MAX_PHOTO_SIDE`].
fn reencode(bytes: &[u8]) -> Result<Vec<u8>, Refusal> {
    let bad = || {
        invalid(
            "invalid_photo",
            "photo",
            "Ảnh phải là tệp JPEG, PNG hoặc WebP đọc được.",
            "The photo must be a readable JPEG, PNG or WebP file.",
        )
    };
    let format = image::guess_format(bytes).map_err(|_| bad())?;
    if !matches!(
        format,
        image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP
    ) {
        return Err(bad());
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| bad())?;
    let img = if img.width() > MAX_PHOTO_SIDE || img.height() > MAX_PHOTO_SIDE {
        img.resize(
            MAX_PHOTO_SIDE,
            MAX_PHOTO_SIDE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        img
    };
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img.to_rgb8())
        .map_err(|_| bad())?;
    Ok(out)
}

/// Every refusal of a submission, in field order (empty: acceptable).
fn check(s: &Submitted) -> Vec<Refusal> {
    let mut problems = Vec::new();
    if !s.website.trim().is_empty() {
        problems.push(invalid(
            "honeypot_filled",
            "website",
            "Biểu mẫu bị từ chối: ô \"website\" phải để trống.",
            "The form was refused: the \"website\" box must be left empty.",
        ));
    }
    let required = |value: &str, field: &'static str, vi: &str, en: &str| {
        let n = value.trim().chars().count();
        if n == 0 {
            Some(invalid("required", field, vi, en))
        } else if n > MAX_TEXT
            || value
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r')
        {
            Some(invalid(
                "text_too_long",
                field,
                "Nội dung quá dài (tối đa 2000 ký tự) hoặc có ký tự điều khiển.",
                "The text is too long (at most 2000 characters) or has control characters.",
            ))
        } else {
            None
        }
    };
    problems.extend(required(
        &s.what_wrong,
        "what_wrong",
        "Hãy cho biết sản phẩm có gì bất thường.",
        "Say what is wrong with the product.",
    ));
    problems.extend(required(
        &s.where_bought,
        "where_bought",
        "Hãy cho biết bạn mua sản phẩm ở đâu.",
        "Say where you bought the product.",
    ));
    if s.contact.chars().count() > 200 {
        problems.push(invalid(
            "text_too_long",
            "contact",
            "Thông tin liên hệ tối đa 200 ký tự.",
            "Contact details: at most 200 characters.",
        ));
    }
    if !s.product.trim().is_empty() && s.product.trim().parse::<i32>().is_err() {
        problems.push(invalid(
            "unknown_product",
            "product",
            "Không rõ sản phẩm được báo.",
            "The product reported is not known.",
        ));
    }
    if s.serial.trim().chars().count() > 20 {
        problems.push(invalid(
            "invalid_serial",
            "serial",
            "Số sê-ri không hợp lệ.",
            "The serial is not valid.",
        ));
    }
    problems
}

fn client_ip(req: &HttpRequest) -> IpAddr {
    req.peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip())
}

/// Throttles, reads, checks and stores one report; nothing is stored
/// unless every check passes.
async fn submit(
    state: &AppState,
    req: &HttpRequest,
    payload: Multipart,
) -> Result<i32, Result<Vec<Refusal>, ApiError>> {
    let ip = client_ip(req);
    if let Err(wait) = state.report_limiter.attempt_at(&ip, Instant::now()) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return Err(Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_reports",
            format!("Bạn đã gửi quá nhiều báo cáo. Vui lòng thử lại sau {minutes} phút."),
            format!("You have sent too many reports. Please try again in {minutes} minute(s)."),
        )));
    }
    let s = read(payload).await.map_err(|r| Ok(vec![r]))?;
    let problems = check(&s);
    if !problems.is_empty() {
        return Err(Ok(problems));
    }
    let photo = match &s.photo {
        Some(bytes) => {
            let bytes = bytes.clone();
            Some(
                web::block(move || reencode(&bytes))
                    .await
                    .map_err(|e| Err(ApiError::internal(e)))?
                    .map_err(|r| Ok(vec![r]))?,
            )
        }
        None => None,
    };
    let product_id = s.product.trim().parse::<i32>().ok();
    let serial = Some(s.serial.trim().to_owned()).filter(|x| !x.is_empty());
    let prefix = ip_prefix(ip);
    let outcome = state
        .write(move |c| {
            let product = match product_id {
                Some(id) => products::table
                    .find(id)
                    .select((products::id, products::gtin))
                    .first::<(i32, Option<String>)>(c)
                    .optional()?,
                None => None,
            };
            if product_id.is_some() && product.is_none() {
                return Ok(Err(vec![invalid(
                    "unknown_product",
                    "product",
                    "Không rõ sản phẩm được báo.",
                    "The product reported is not known.",
                )]));
            }
            let label_id = match &serial {
                Some(x) => labels::table
                    .filter(labels::serial.eq(x))
                    .select(labels::id)
                    .first::<i32>(c)
                    .optional()?,
                None => None,
            };
            let id = diesel::insert_into(fake_reports::table)
                .values((
                    fake_reports::reported_at.eq(Utc::now().naive_utc()),
                    fake_reports::gtin.eq(product.as_ref().and_then(|(_, g)| g.clone())),
                    fake_reports::serial.eq(serial),
                    fake_reports::product_id.eq(product.map(|(id, _)| id)),
                    fake_reports::label_id.eq(label_id),
                    fake_reports::what_wrong.eq(s.what_wrong.trim()),
                    fake_reports::where_bought.eq(s.where_bought.trim()),
                    fake_reports::contact.eq(s.contact.trim()),
                    fake_reports::photo.eq(photo),
                    fake_reports::ip_prefix.eq(prefix),
                ))
                .returning(fake_reports::id)
                .get_result::<i32>(c)?;
            Ok(Ok(id))
        })
        .await
        .map_err(Err)?;
    outcome.map_err(Ok)
}

const THANKS_VI: &str = "Cảm ơn bạn. Báo cáo đã được gửi tới thanh tra Sở Công Thương.";
const THANKS_EN: &str =
    "Thank you. Your report has been sent to the Department of Industry and Trade's inspectors.";

/// Files a report (multipart form, see [`ReportForm`]); no sign-in.
#[utoipa::path(
    tag = "provenance",
    request_body(content = ReportForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Received", body = ReportReceived),
        (status = 422, description = "Refused; nothing was stored", body = ErrorBody),
        (status = 429, description = "Too many reports from this address", body = ErrorBody),
    )
)]
#[post("/reports")]
pub async fn api_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    match submit(&state, &req, payload).await {
        Ok(id) => Ok(HttpResponse::Created().json(ReportReceived {
            id,
            message: format!("{THANKS_VI} / {THANKS_EN}"),
        })),
        Err(Ok(mut problems)) => Err(ApiError::from(problems.remove(0))),
        Err(Err(e)) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct FormQuery {
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    serial: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

fn lang_of(req: &HttpRequest, asked: Option<&str>) -> Lang {
    match asked {
        Some("en") => Lang::En,
        Some("vi") => Lang::Vi,
        _ => match req.cookie(LANG_COOKIE).as_ref().map(|c| c.value()) {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        },
    }
}

fn form_markup(lang: Lang, product: &str, serial: &str, problems: &[Refusal]) -> Markup {
    let error_of = |field: &str| -> Vec<&str> {
        problems
            .iter()
            .filter(|r| r.field() == Some(field))
            .map(|r| r.message(lang))
            .collect()
    };
    let text_field = |name: &'static str, label: &str, area: bool, required: bool| {
        let errors = error_of(name);
        html! {
            div.field.invalid[!errors.is_empty()] {
                label for=(name) { (label) @if !required { " " span.muted { (t(lang, "(không bắt buộc)", "(optional)")) } } }
                @if area {
                    textarea id=(name) name=(name) rows="4" maxlength="2000" required[required] {}
                } @else {
                    input id=(name) name=(name) type="text" maxlength="200" required[required];
                }
                @for e in errors { span.field-error { (e) } }
            }
        }
    };
    let general: Vec<&str> = problems
        .iter()
        .filter(|r| {
            !matches!(
                r.field(),
                Some("what_wrong" | "where_bought" | "contact" | "photo")
            )
        })
        .map(|r| r.message(lang))
        .collect();
    html! {
        @if !problems.is_empty() {
            div.error role="alert" {
                p { strong { (t(lang, "Chưa gửi được: vui lòng sửa các lỗi dưới đây.", "Not sent: please correct the problems below.")) } }
                @for m in general { p { (m) } }
            }
        }
        p { (t(lang,
            "Nếu bạn nghi sản phẩm OCOP là hàng giả, hàng kém chất lượng hoặc tem bị sao chép, hãy cho chúng tôi biết. Thanh tra Sở Công Thương sẽ xem xét.",
            "If you suspect an OCOP product is fake or substandard, or its label copied, tell us. The Department's inspectors will look into it.")) }
        form method="post" action="/report" enctype="multipart/form-data" {
            input type="hidden" name="product" value=(product);
            input type="hidden" name="serial" value=(serial);
            (text_field("what_wrong", t(lang, "Sản phẩm có gì bất thường?", "What is wrong?"), true, true))
            (text_field("where_bought", t(lang, "Bạn mua ở đâu?", "Where did you buy it?"), false, true))
            (text_field("contact", t(lang, "Số điện thoại hoặc email để chúng tôi liên hệ", "Phone or email so we can reach you"), false, false))
            div.field.invalid[!error_of("photo").is_empty()] {
                label for="photo" { (t(lang, "Ảnh sản phẩm (JPEG, PNG hoặc WebP, tối đa 5 MB)", "Photo of the product (JPEG, PNG or WebP, at most 5 MB)")) " " span.muted { (t(lang, "(không bắt buộc)", "(optional)")) } }
                input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp";
                @for e in error_of("photo") { span.field-error { (e) } }
            }
            // A trap for robots: hidden from people, who leave it empty.
            div.trap aria-hidden="true" {
                label for="website" { "Website" }
                input id="website" name="website" type="text" tabindex="-1" autocomplete="off";
            }
            button type="submit" { (t(lang, "Gửi báo cáo", "Send the report")) }
        }
        p.muted { (t(lang,
            "Chúng tôi chỉ lưu nội dung bạn gửi và một phần địa chỉ mạng; ảnh được chuyển đổi lại, không giữ thông tin ẩn trong tệp.",
            "We keep only what you send and part of your network address; the photo is re-encoded, dropping anything hidden in the file.")) }
    }
}

fn form_page(req: &HttpRequest, lang: Lang, status: StatusCode, body: Markup) -> HttpResponse {
    let other = match lang {
        Lang::Vi => "en",
        Lang::En => "vi",
    };
    let switch = format!("{}?lang={other}", req.uri().path());
    public_response(
        status,
        public_page_in(
            lang,
            t(lang, "Báo hàng giả", "Report a suspected fake"),
            Some(&switch),
            body,
        ),
    )
}

#[get("/report")]
pub async fn form(req: HttpRequest, q: web::Query<FormQuery>) -> HttpResponse {
    let lang = lang_of(&req, q.lang.as_deref());
    let body = form_markup(
        lang,
        q.product.as_deref().unwrap_or_default(),
        q.serial.as_deref().unwrap_or_default(),
        &[],
    );
    form_page(&req, lang, StatusCode::OK, body)
}

#[post("/report")]
pub async fn form_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: Multipart,
) -> HttpResponse {
    let lang = lang_of(&req, None);
    match submit(&state, &req, payload).await {
        Ok(_) => form_page(
            &req,
            lang,
            StatusCode::CREATED,
            html! { div.card.status.good { p { strong { (t(lang, THANKS_VI, THANKS_EN)) } } } },
        ),
        Err(Ok(problems)) => form_page(
            &req,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            form_markup(lang, "", "", &problems),
        ),
        Err(Err(e)) => form_page(
            &req,
            lang,
            actix_web::ResponseError::status_code(&e),
            html! { div.error role="alert" { p { (e.message(lang)) } } },
        ),
    }
}
