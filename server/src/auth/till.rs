//! The `TillAuth` extractor: a registered till, proven by its secret.
//!
//! A till sends `Authorization: Till <till_id>:<secret>` on every call that
//! posts journal records (sales, refunds, shifts). The secret is the one
//! `POST /api/v1/tills` showed once; the server keeps only its SHA-256. No
//! session token: a till is often offline for hours and retries a queue
//! when it comes back, and a credential that never expires mid-queue is the
//! simpler thing to get right. Revoking a till means registering a new one.
//! A till may only post records carrying its own till id and outlet.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};

use crate::error::ApiError;
use crate::models::sale::till::{self, Till};
use crate::state::AppState;

/// The authenticated till.
#[derive(Debug, Clone)]
pub struct TillAuth(pub Till);

fn bad_till() -> ApiError {
    ApiError::unauthorized(
        "invalid_till_credentials",
        "Thông tin xác thực máy bán hàng không hợp lệ (cần tiêu đề Authorization: Till <mã máy>:<khóa bí mật>).",
        "Invalid till credentials (send Authorization: Till <till id>:<secret>).",
    )
}

/// `(till id, secret)` from the header.
fn credentials(req: &HttpRequest) -> Result<(i32, String), ApiError> {
    let text = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .ok_or_else(bad_till)?;
    let (scheme, rest) = text.split_once(' ').ok_or_else(bad_till)?;
    if !scheme.eq_ignore_ascii_case("till") {
        return Err(bad_till());
    }
    let (id, secret) = rest.trim().split_once(':').ok_or_else(bad_till)?;
    let id: i32 = id.parse().map_err(|_| bad_till())?;
    Ok((id, secret.to_owned()))
}

impl FromRequest for TillAuth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<TillAuth, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let creds = credentials(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no AppState")))?;
            let (id, secret) = creds?;
            state
                .read(move |c| Ok(till::authenticate(c, id, &secret)?))
                .await?
                .map(TillAuth)
                .ok_or_else(bad_till)
        })
    }
}
