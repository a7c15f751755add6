//! Bank transfers: the VietQR payload of a sale's pending transfer, the
//! cashier's confirmation, and the bank notification webhook (signed with
//! HMAC-SHA256, see docs/bank-webhook.md). Confirmations are appended
//! events; the sealed sale never changes.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use uuid::Uuid;

use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::sale::payment::{self, TransferState};
use crate::models::sale::store;
use crate::state::AppState;

/// The header carrying `sha256=<hex HMAC-SHA256 of the raw body>`.
pub const SIGNATURE_HEADER: &str = "X-Ocop-Signature";

/// The sale's transfer state and its VietQR payload (outlet staff).
#[utoipa::path(
    tag = "sales",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Sale id")),
    responses(
        (status = 200, description = "Transfer state and VietQR payload", body = TransferState),
        (status = 404, description = "No such sale, or not your outlet", body = ErrorBody),
        (status = 422, description = "No bank transfer, or the outlet has no bank account", body = ErrorBody),
    )
)]
#[get("/sales/{id}/vietqr")]
pub async fn vietqr(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<TransferState>, ApiError> {
    let id = id.into_inner();
    let out = state
        .read(move |c| {
            let row = store::find_row_by_uuid(c, id)?.ok_or_else(ApiError::not_found)?;
            caller.check_outlet(row.outlet_id)?;
            Ok(payment::state(c, &row)?)
        })
        .await?;
    Ok(web::Json(out))
}

/// The cashier (or manager) saw the transfer arrive and confirms it.
#[utoipa::path(
    tag = "sales",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Sale id")),
    responses(
        (status = 200, description = "Confirmed", body = TransferState),
        (status = 404, description = "No such sale, or not your outlet", body = ErrorBody),
    )
)]
#[post("/sales/{id}/transfer-confirmations")]
pub async fn confirm(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<TransferState>, ApiError> {
    caller.require(&[Role::Cashier, Role::Manager])?;
    let id = id.into_inner();
    let out = state
        .write(move |c| {
            let row = store::find_row_by_uuid(c, id)?.ok_or_else(ApiError::not_found)?;
            caller.check_outlet(row.outlet_id)?;
            payment::confirm(c, &row, "cashier", None, Some(caller.id))?;
            Ok(payment::state(c, &row)?)
        })
        .await?;
    Ok(web::Json(out))
}

/// A bank's notification of an incoming transfer (docs/bank-webhook.md).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankNotification {
    /// The bank's transaction id: a transaction confirms once.
    pub transaction_id: String,
    /// Whole đồng.
    pub amount: i64,
    /// The transfer's memo, carrying `T<till> R<receipt>`.
    pub memo: String,
    /// The receiving account (informational).
    pub account: Option<String>,
}

fn bad_signature() -> ApiError {
    ApiError::unauthorized(
        "invalid_signature",
        "Chữ ký thông báo ngân hàng không hợp lệ.",
        "The bank notification's signature is invalid.",
    )
}

/// Receives a signed bank notification and confirms the matching sale.
#[utoipa::path(
    tag = "sales",
    request_body = BankNotification,
    params(("X-Ocop-Signature" = String, Header, description = "sha256=<hex HMAC-SHA256 of the raw body>")),
    responses(
        (status = 200, description = "Confirmed (or already confirmed by this transaction)", body = TransferState),
        (status = 401, description = "Missing or wrong signature; nothing written", body = ErrorBody),
        (status = 422, description = "No sale matches memo and amount", body = ErrorBody),
        (status = 503, description = "OCOP_BANK_WEBHOOK_SECRET is not set", body = ErrorBody),
    )
)]
#[post("/bank/notifications")]
pub async fn bank_notification(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let Some(secret) = state.config.bank_webhook_secret.clone() else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
            "webhook_not_configured",
            "Chưa cấu hình khóa thông báo ngân hàng (OCOP_BANK_WEBHOOK_SECRET).",
            "The bank webhook is not configured (OCOP_BANK_WEBHOOK_SECRET).",
        ));
    };
    let given = req
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("sha256="))
        .and_then(|h| hex::decode(h.trim()).ok())
        .ok_or_else(bad_signature)?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()).map_err(ApiError::internal)?;
    mac.update(&body);
    // Constant-time comparison.
    mac.verify_slice(&given).map_err(|_| bad_signature())?;
    let note: BankNotification = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            "invalid_request",
            format!("Thông báo không đúng định dạng: {e}"),
            format!("The notification is malformed: {e}"),
        )
    })?;
    let out = state
        .write(move |c| {
            let row = payment::match_notification(c, &note.memo, note.amount)?;
            payment::confirm(c, &row, "bank", Some(&note.transaction_id), None)?;
            Ok(payment::state(c, &row)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
