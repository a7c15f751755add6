//! The `AuthUser` extractor: who is calling, proven by a bearer token.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};

use super::Role;
use super::token::TokenError;
use crate::error::ApiError;
use crate::models::user;
use crate::state::AppState;

/// The authenticated caller, reloaded from the database on every request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: i32,
    pub username: String,
    pub role: Role,
    pub outlet_id: Option<i32>,
    pub producer_id: Option<i32>,
    /// The id of the token the call came with, and when it expires (Unix
    /// seconds): what signing out revokes.
    pub token_id: String,
    pub token_expires: i64,
}

impl AuthUser {
    /// Refuses the call unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// Province-wide readers: admin and inspector.
    pub fn reads_everything(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Inspector)
    }

    /// May the caller see this producer's own data (stock, sales, statements,
    /// bank account)? Province-wide readers and the producer itself.
    pub fn check_producer(&self, producer_id: i32) -> Result<(), ApiError> {
        if self.reads_everything() || self.producer_id == Some(producer_id) {
            Ok(())
        } else {
            // 404 rather than 403: do not confirm that someone else's record exists.
            Err(ApiError::not_found())
        }
    }

    /// May the caller see this outlet's own data? Province-wide readers and
    /// the outlet's manager and cashiers.
    pub fn check_outlet(&self, outlet_id: i32) -> Result<(), ApiError> {
        if self.reads_everything() || self.outlet_id == Some(outlet_id) {
            Ok(())
        } else {
            Err(ApiError::not_found())
        }
    }
}

fn missing_token() -> ApiError {
    ApiError::unauthorized(
        "missing_token",
        "Bạn cần đăng nhập (thiếu mã truy cập).",
        "You need to log in (no access token).",
    )
}

fn invalid_token() -> ApiError {
    ApiError::unauthorized(
        "invalid_token",
        "Mã truy cập không hợp lệ. Vui lòng đăng nhập lại.",
        "The access token is invalid. Please log in again.",
    )
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req.headers().get(AUTHORIZATION).ok_or_else(missing_token)?;
    let text = header.to_str().map_err(|_| invalid_token())?;
    let (scheme, token) = text.split_once(' ').ok_or_else(invalid_token)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(invalid_token());
    }
    Ok(token.trim().to_owned())
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<AuthUser, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no AppState")))?;
            authenticate(&state, &token?).await
        })
    }
}

/// Verifies a session token (from the bearer header or the web cookie) and
/// reloads the account, so a disabled account or a changed role takes effect
/// at once.
pub async fn authenticate(state: &AppState, token: &str) -> Result<AuthUser, ApiError> {
    let claims = state.tokens.verify(token).map_err(|e| match e {
        TokenError::Expired => ApiError::unauthorized(
            "token_expired",
            "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
            "Your session has expired. Please log in again.",
        ),
        TokenError::Invalid => invalid_token(),
    })?;
    let id: i32 = claims.sub.parse().map_err(|_| invalid_token())?;
    let jti = claims.jti.clone();
    let found = state
        .read(move |c| {
            let revoked = crate::models::revoked::is_revoked(c, &jti)?;
            Ok((user::find(c, id)?, revoked))
        })
        .await;
    let account = match found {
        Ok((_, true)) => {
            return Err(ApiError::unauthorized(
                "token_revoked",
                "Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại.",
                "This session was signed out. Please log in again.",
            ));
        }
        Ok((u, false)) => u,
        Err(e) if e.code() == "not_found" => return Err(invalid_token()),
        Err(e) => return Err(e),
    };
    let same_grant = account.role() == Some(claims.role)
        && account.outlet_id == claims.outlet
        && account.producer_id == claims.producer;
    if !account.active || !same_grant {
        return Err(ApiError::unauthorized(
            "token_revoked",
            "Tài khoản đã bị khóa hoặc thay đổi quyền. Vui lòng đăng nhập lại.",
            "The account was disabled or its role changed. Please log in again.",
        ));
    }
    Ok(AuthUser {
        id,
        username: account.username,
        role: claims.role,
        outlet_id: account.outlet_id,
        producer_id: account.producer_id,
        token_id: claims.jti,
        token_expires: claims.exp,
    })
}
