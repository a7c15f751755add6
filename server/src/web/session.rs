//! Web sessions: the login token travels in an HttpOnly, SameSite=Strict
//! cookie (never readable by scripts), and every form that changes something
//! carries a CSRF token bound to that session (HMAC with the server's secret),
//! checked by [`WebUser::check_csrf`] in the one extractor every POST
//! handler takes ([`super::csrf_form::CsrfForm`]). The JSON API does not accept the
//! cookie: it takes bearer tokens only, so it cannot be driven cross-site.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::LOCATION;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use ocop_core::i18n::Lang;

use crate::auth::AuthUser;
use crate::auth::extract::authenticate;
use crate::error::request_lang;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "ocop_session";
pub const LANG_COOKIE: &str = "ocop_lang";

/// A signed-in person on a web page.
#[derive(Debug, Clone)]
pub struct WebUser {
    pub user: AuthUser,
    /// The CSRF token to put in every form of this session.
    pub csrf: String,
    pub lang: Lang,
    session: String,
}

impl WebUser {
    /// True when the submitted form token belongs to this session.
    pub fn check_csrf(&self, state: &AppState, submitted: &str) -> bool {
        state.tokens.csrf_valid(&self.session, submitted)
    }
}

/// Not signed in (or the session ended): go to the login page, then come back.
#[derive(Debug)]
pub struct LoginRedirect(String);

impl std::fmt::Display for LoginRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "login required")
    }
}

impl ResponseError for LoginRedirect {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::SEE_OTHER
    }
    fn error_response(&self) -> HttpResponse {
        HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/login?next={}", self.0)))
            .cookie(expired_session_cookie())
            .finish()
    }
}

/// The page language: `?lang=` first, then the language cookie, then the
/// browser's Accept-Language.
pub fn page_lang(req: &HttpRequest) -> Lang {
    let query = req.query_string();
    if query.split('&').any(|p| p == "lang=en") {
        return Lang::En;
    }
    if query.split('&').any(|p| p == "lang=vi") {
        return Lang::Vi;
    }
    match req.cookie(LANG_COOKIE).as_ref().map(Cookie::value) {
        Some("en") => Lang::En,
        Some("vi") => Lang::Vi,
        _ => request_lang(req),
    }
}

/// Only a same-site path may be a `next` target (no open redirects):
/// it starts with one `/`, and holds printable ASCII only — no backslash,
/// space, tab, CR or LF, which browsers drop or read as `/` (so `/\t/host`
/// would become `//host`) and which cannot go into a `Location` header.
/// Anything else is refused quietly: the target becomes `/`.
pub fn safe_next(next: &str) -> String {
    let same_site = next.starts_with('/')
        && !next.starts_with("//")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if same_site {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

fn encode_next(req: &HttpRequest) -> String {
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub fn session_cookie(token: &str, secure: bool, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::seconds(max_age_secs))
        .finish()
}

pub fn expired_session_cookie() -> Cookie<'static> {
    let mut c = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    c.make_removal();
    c
}

impl FromRequest for WebUser {
    type Error = LoginRedirect;
    type Future = Pin<Box<dyn Future<Output = Result<WebUser, LoginRedirect>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let session = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let next = encode_next(req);
        let lang = page_lang(req);
        Box::pin(async move {
            let (Some(state), Some(session)) = (state, session) else {
                return Err(LoginRedirect(next));
            };
            match authenticate(&state, &session).await {
                Ok(user) => Ok(WebUser {
                    user,
                    csrf: state.tokens.csrf_token(&session),
                    lang,
                    session,
                }),
                Err(_) => Err(LoginRedirect(next)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_stay_on_this_site() {
        assert_eq!(
            safe_next("/catalogue/products?q=che"),
            "/catalogue/products?q=che"
        );
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        // Issue 15: browsers drop tabs and line breaks, so this was //evil…
        assert_eq!(safe_next("/\t/evil.example/x"), "/");
        assert_eq!(safe_next("/\n/evil.example/x"), "/");
        assert_eq!(safe_next("/\r\nSet-Cookie: x=1"), "/");
        assert_eq!(safe_next("/ /evil.example"), "/");
        assert_eq!(safe_next("/sản-phẩm"), "/");
        assert_eq!(
            safe_next("/stock?outlet_id=2&lang=en"),
            "/stock?outlet_id=2&lang=en"
        );
    }
}
