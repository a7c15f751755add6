//! `POST /api/v1/auth/login`, `POST /api/v1/auth/logout` and
//! `GET /api/v1/auth/me`.

use actix_web::{HttpRequest, get, post, web};
use ocop_core::wire::{LoginResponse, Me};
use serde::Deserialize;

use crate::auth::{AuthUser, Role, login as throttle};
use crate::error::{ApiError, ErrorBody};
use crate::models::user;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "cashier1")]
    pub username: String,
    #[schema(example = "demo1234")]
    pub password: String,
}

impl From<&user::User> for Me {
    fn from(u: &user::User) -> Self {
        Me {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role().unwrap_or(Role::Cashier),
            outlet_id: u.outlet_id,
            producer_id: u.producer_id,
        }
    }
}

fn bad_credentials() -> ApiError {
    ApiError::unauthorized(
        "invalid_credentials",
        "Sai tên đăng nhập hoặc mật khẩu.",
        "Wrong username or password.",
    )
}

/// Logs in with a username and password; answers a token that expires.
/// After 10 failed logins for one username from one address within 5
/// minutes, answers 429 `too_many_attempts` until the oldest leaves the
/// window.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = LoginResponse),
        (status = 401, description = "Wrong username or password, or account disabled", body = ErrorBody),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 429, description = "Too many failed logins (`too_many_attempts`)", body = ErrorBody),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<web::Json<LoginResponse>, ApiError> {
    let LoginRequest { username, password } = body.into_inner();
    let found = throttle::check_password(&state, &req, &username, password).await?;
    let account = found.ok_or_else(bad_credentials)?;
    let role = account.role().ok_or_else(bad_credentials)?;
    let (token, expires_at) = state
        .tokens
        .issue(account.id, role, account.outlet_id, account.producer_id)
        .map_err(ApiError::internal)?;
    tracing::info!(user = %account.username, %role, "login");
    Ok(web::Json(LoginResponse {
        token,
        token_type: "Bearer".to_owned(),
        expires_at,
        user: Me::from(&account),
    }))
}

/// Signs out: the token is revoked on every server at once (its id is
/// kept in the database until it would have expired).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out; the token no longer works"),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<actix_web::HttpResponse, ApiError> {
    let (jti, user_id, expires) = (caller.token_id.clone(), caller.id, caller.token_expires);
    state
        .write(move |c| Ok(crate::models::revoked::revoke(c, &jti, user_id, expires)?))
        .await?;
    tracing::info!(user = %caller.username, "logout");
    Ok(actix_web::HttpResponse::NoContent().finish())
}

/// Who am I? The account behind the token.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
#[get("/auth/me")]
pub async fn me(state: web::Data<AppState>, caller: AuthUser) -> Result<web::Json<Me>, ApiError> {
    let id = caller.id;
    let account = state.read(move |c| Ok(user::find(c, id)?)).await?;
    Ok(web::Json(Me::from(&account)))
}
