//! [`CsrfForm`]: the one way a web POST handler receives its form. It signs
//! the person in (or sends them to the login page), reads the urlencoded
//! body, refuses a missing or wrong anti-forgery token, and only then parses
//! the rest of the body into the handler's typed form `T`.
//!
//! Guarantees: a handler taking a `CsrfForm<T>` never runs for a forged or
//! expired form, so nothing is written (403, the same page for every form);
//! `T` never sees the `csrf` field.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, dev::Payload, web};
use maud::html;
use ocop_core::i18n::Lang;
use serde::de::DeserializeOwned;

use super::layout::{page, t};
use super::session::{LoginRedirect, WebUser, page_lang};
use crate::state::AppState;

/// The name of the hidden anti-forgery field every form carries.
pub const CSRF_FIELD: &str = "csrf";

/// A form posted by a signed-in person with this session's token.
#[derive(Debug)]
pub struct CsrfForm<T> {
    pub me: WebUser,
    pub form: T,
}

/// Why a form never reached its handler.
#[derive(Debug)]
pub enum Rejected {
    /// Not signed in: the login page, then back.
    Login(LoginRedirect),
    /// No token, or not this session's: 403, nothing done.
    Forged(Lang),
    /// A body that is not the form's shape: 400.
    Malformed(Lang),
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejected::Login(l) => l.fmt(f),
            Rejected::Forged(_) => write!(f, "bad anti-forgery token"),
            Rejected::Malformed(_) => write!(f, "malformed form"),
        }
    }
}

impl ResponseError for Rejected {
    fn status_code(&self) -> StatusCode {
        match self {
            Rejected::Login(l) => l.status_code(),
            Rejected::Forged(_) => StatusCode::FORBIDDEN,
            Rejected::Malformed(_) => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Rejected::Login(l) => l.error_response(),
            Rejected::Forged(lang) => csrf_refused(*lang),
            Rejected::Malformed(lang) => not_done(
                StatusCode::BAD_REQUEST,
                *lang,
                t(
                    *lang,
                    "Biểu mẫu gửi lên không đúng dạng. Vui lòng tải lại trang và thử lại.",
                    "The form sent is not in the expected shape. Reload the page and try again.",
                ),
            ),
        }
    }
}

/// A form arrived without this session's CSRF token: refuse, change nothing.
pub fn csrf_refused(lang: Lang) -> HttpResponse {
    not_done(
        StatusCode::FORBIDDEN,
        lang,
        t(
            lang,
            "Biểu mẫu đã hết hạn hoặc không hợp lệ (mã chống giả mạo sai). Vui lòng tải lại trang và thử lại.",
            "The form expired or is invalid (bad anti-forgery token). Reload the page and try again.",
        ),
    )
}

fn not_done(status: StatusCode, lang: Lang, message: &str) -> HttpResponse {
    let body = html! { p.error { (message) } };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(
            page(
                lang,
                t(lang, "Không thực hiện được", "Not done"),
                None,
                body,
            )
            .into_string(),
        )
}

/// The body's fields without the token, and the token (empty if missing).
fn split_token(body: &[u8]) -> Result<(Vec<(String, String)>, String), ()> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|_| ())?;
    let mut token = String::new();
    let mut rest = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        if k == CSRF_FIELD {
            token = v;
        } else {
            rest.push((k, v));
        }
    }
    Ok((rest, token))
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = Rejected;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Rejected>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = WebUser::from_request(req, payload);
        let body = web::Bytes::from_request(req, payload);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let lang = page_lang(req);
        Box::pin(async move {
            let me = user.await.map_err(Rejected::Login)?;
            let body = body.await.map_err(|_| Rejected::Malformed(lang))?;
            let (fields, token) = split_token(&body).map_err(|()| Rejected::Malformed(lang))?;
            let Some(state) = state else {
                return Err(Rejected::Forged(lang));
            };
            if !me.check_csrf(&state, &token) {
                return Err(Rejected::Forged(lang));
            }
            let rest =
                serde_urlencoded::to_string(&fields).map_err(|_| Rejected::Malformed(lang))?;
            let form = serde_urlencoded::from_str::<T>(&rest).map_err(|e| {
                tracing::debug!(error = %e, "malformed web form");
                Rejected::Malformed(lang)
            })?;
            Ok(CsrfForm { me, form })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_taken_out_of_the_fields() {
        let (rest, token) = split_token(b"a=1&csrf=ab%20c&b=").unwrap();
        assert_eq!(token, "ab c");
        assert_eq!(
            rest,
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), String::new())
            ]
        );
        let (_, token) = split_token(b"a=1").unwrap();
        assert_eq!(token, "");
    }
}
