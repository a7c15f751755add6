//! The security headers of every answer, in one middleware
//! ([`security_headers`], wrapped around the whole app in `startup.rs`).
//!
//! - Every answer: `X-Content-Type-Options: nosniff`.
//! - Every HTML page (the pages, the e-receipt, the API documentation):
//!   a `Content-Security-Policy` that allows scripts, styles and requests
//!   from this site only — no inline script or style anywhere, the pages'
//!   CSS is the static [`STYLESHEET_PATH`] — with `frame-ancestors 'none'`
//!   (and `X-Frame-Options: DENY` for old browsers), and a
//!   `Referrer-Policy` (`same-origin`, unless the page chose a stricter
//!   one: the e-receipt sends `no-referrer`, its link being its key).
//! - A request signed in with the session cookie: `Cache-Control:
//!   no-store`, so a shared computer's back button or a proxy never shows
//!   one person's page to the next.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderValue, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, get};

use super::session::SESSION_COOKIE;

/// Where the pages' one stylesheet is served.
pub const STYLESHEET_PATH: &str = "/static/app.css";

/// The policy of every HTML page.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: https: http:; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let signed_in = req
        .cookie(SESSION_COOKIE)
        .is_some_and(|c| !c.value().is_empty());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if !headers.contains_key(REFERRER_POLICY) {
            headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        }
    }
    if signed_in {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

/// The pages' stylesheet (it was inline; the policy allows none).
#[get("/static/app.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(super::layout::CSS)
}

/// A public answer that caches and revalidates: a strong `ETag` (SHA-256 of
/// the body), `304 Not Modified` when `If-None-Match` already names it, and
/// `Cache-Control: public` for `max_age` seconds. The body is built before
/// the check (it is the tag), so a 304 saves the transfer, not the query.
pub fn cacheable(
    req: &actix_web::HttpRequest,
    content_type: &str,
    body: Vec<u8>,
    max_age: u32,
) -> HttpResponse {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(&body);
    let etag = format!("\"{}\"", hex::encode(digest.get(..16).unwrap_or_default()));
    let cache = format!("public, max-age={max_age}");
    let held = req
        .headers()
        .get(actix_web::http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sent| {
            sent.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        });
    let mut res = if held {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((actix_web::http::header::ETAG, etag))
        .insert_header((CACHE_CONTROL, cache))
        .insert_header((actix_web::http::header::VARY, "Cookie, Accept-Language"));
    if held {
        res.finish()
    } else {
        res.content_type(content_type).body(body)
    }
}
