//! The login and logout pages.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use maud::html;
use ocop_core::i18n::Lang;
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::layout::{page, t};
use super::session::{self, page_lang, safe_next};
use crate::auth::login::check_password;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

fn login_page(lang: Lang, next: &str, error: Option<&str>, username: &str) -> HttpResponse {
    let status = if error.is_some() {
        actix_web::http::StatusCode::UNAUTHORIZED
    } else {
        actix_web::http::StatusCode::OK
    };
    login_page_with(status, lang, next, error, username)
}

fn login_page_with(
    status: actix_web::http::StatusCode,
    lang: Lang,
    next: &str,
    error: Option<&str>,
    username: &str,
) -> HttpResponse {
    let body = html! {
        div.card.narrow {
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/login" {
                input type="hidden" name="next" value=(next);
                p { label { (t(lang, "Tên đăng nhập", "Username")) br;
                    input name="username" value=(username) autocomplete="username" required autofocus; } }
                p { label { (t(lang, "Mật khẩu", "Password")) br;
                    input type="password" name="password" autocomplete="current-password" required; } }
                button type="submit" { (t(lang, "Đăng nhập", "Log in")) }
            }
        }
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page(lang, t(lang, "Đăng nhập", "Log in"), None, body).into_string())
}

#[get("/login")]
pub async fn login_form(req: HttpRequest, query: web::Query<NextQuery>) -> HttpResponse {
    let next = safe_next(query.next.as_deref().unwrap_or("/"));
    login_page(page_lang(&req), &next, None, "")
}

#[post("/login")]
pub async fn login_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let lang = page_lang(&req);
    let LoginForm {
        username,
        password: pw,
        next,
    } = form.into_inner();
    let next = safe_next(next.as_deref().unwrap_or("/"));
    let name = username.trim().to_lowercase();
    let found = check_password(&state, &req, &username, pw).await;
    let wrong = t(
        lang,
        "Sai tên đăng nhập hoặc mật khẩu.",
        "Wrong username or password.",
    );
    let account = match found {
        Ok(Some(u)) if u.active => u,
        Ok(_) => return login_page(lang, &next, Some(wrong), &name),
        Err(e) if e.code() == "too_many_attempts" => {
            let status = actix_web::ResponseError::status_code(&e);
            return login_page_with(status, lang, &next, Some(e.message(lang)), &name);
        }
        Err(_) => {
            let down = t(
                lang,
                "Hệ thống đang bận, vui lòng thử lại.",
                "The system is busy, please retry.",
            );
            return login_page(lang, &next, Some(down), &name);
        }
    };
    let Some(role) = account.role() else {
        return login_page(lang, &next, Some(wrong), &name);
    };
    let issued = state
        .tokens
        .issue(account.id, role, account.outlet_id, account.producer_id);
    let Ok((token, _)) = issued else {
        return login_page(lang, &next, Some(wrong), &name);
    };
    let secure = state.config.public_url.starts_with("https://");
    let max_age = i64::try_from(state.tokens.ttl().as_secs()).unwrap_or(3600);
    tracing::info!(user = %account.username, %role, "web login");
    HttpResponse::SeeOther()
        .insert_header((LOCATION, next))
        .cookie(session::session_cookie(&token, secure, max_age))
        .finish()
}

/// Signs out: the session's token is revoked server-side (on every server,
/// through the database), not only its cookie dropped.
#[post("/logout")]
pub async fn logout(state: web::Data<AppState>, form: CsrfForm<Empty>) -> HttpResponse {
    let me = &form.me.user;
    let (jti, user_id, expires) = (me.token_id.clone(), me.id, me.token_expires);
    if let Err(e) = state
        .write(move |c| Ok(crate::models::revoked::revoke(c, &jti, user_id, expires)?))
        .await
    {
        return super::forms::failure(&form.me, &e);
    }
    HttpResponse::SeeOther()
        .insert_header((LOCATION, "/login"))
        .cookie(session::expired_session_cookie())
        .finish()
}

/// A form with no field but the token.
#[derive(Debug, Deserialize)]
pub struct Empty {}
