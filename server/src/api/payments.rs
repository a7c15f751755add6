//! Bank transfers: the VietQR payload of a sale's pending transfer, the
//! cashier's confirmation, and the bank notification webhook (signed with
//! HMAC-SHA256, see docs/bank-webhook.md). Confirmations are appended
//! events; the sealed sale never changes.
//!
//! The transfer state and the cashier's confirmation take a user's bearer
//! token or the till's own credential ([`StaffOrTill`]): the till asks
//! while its VietQR code is on screen, and sends the confirmation its
//! cashier made, queued like a sale, long after any user token expired.
//! A till reaches only its own outlet's sales (404 elsewhere).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use hmac::{Hmac, Mac};
use ocop_core::refusal::Refusal;
use serde::Deserialize;
use sha2::Sha256;
use uuid::Uuid;

use crate::auth::{Role, StaffOrTill};
use crate::error::{ApiError, ErrorBody};
use crate::models::sale::payment::{self, TransferState};
use crate::models::sale::store;
use crate::state::AppState;

/// The header carrying `sha256=<hex HMAC-SHA256 of the raw body>`.
pub const SIGNATURE_HEADER: &str = "X-Ocop-Signature";

/// The sale's transfer state and its VietQR payload (outlet staff, or a
/// till of the outlet with its own credential).
#[utoipa::path(
    tag = "sales",
    security(("bearer" = []), ("till" = [])),
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
    caller: StaffOrTill,
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

/// At most this many pending transfers in one answer (oldest first).
pub const PENDING_LIMIT: i64 = 500;

/// The outlet's bank transfers nobody has confirmed yet (neither the bank
/// nor a cashier), oldest first: money not received, for the manager to
/// chase (outlet staff, or a till of the outlet).
#[utoipa::path(
    tag = "sales",
    security(("bearer" = []), ("till" = [])),
    params(("id" = i32, Path, description = "Outlet id")),
    responses(
        (status = 200, description = "Pending transfers, oldest first (at most 500)", body = Vec<payment::PendingTransfer>),
        (status = 404, description = "No such outlet, or not yours", body = ErrorBody),
    )
)]
#[get("/outlets/{id}/pending-transfers")]
pub async fn pending(
    state: web::Data<AppState>,
    caller: StaffOrTill,
    id: web::Path<i32>,
) -> Result<web::Json<Vec<payment::PendingTransfer>>, ApiError> {
    let outlet_id = id.into_inner();
    caller.check_outlet(outlet_id)?;
    let out = state
        .read(move |c| Ok(payment::pending(c, outlet_id, PENDING_LIMIT)?))
        .await?;
    Ok(web::Json(out))
}

/// Who confirms by hand: sent by a till (the cashier at it); a member of
/// staff confirms as themselves and may leave the body out.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CashierConfirmation {
    /// The cashier who saw the money arrive: a user of the sale's outlet.
    /// Required from a till; from a user, absent or their own id.
    pub cashier_id: Option<i32>,
}

/// The optional body: empty means `{}`. Read from the raw bytes because
/// actix's `Option<Json<T>>` turns a malformed body into `None` silently,
/// which would record a till's confirmation without its cashier.
fn confirmation_body(body: &[u8]) -> Result<CashierConfirmation, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(CashierConfirmation::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(
            "invalid_request",
            format!("Nội dung xác nhận không đúng định dạng: {e}"),
            format!("The confirmation is malformed: {e}"),
        )
    })
}

fn cashier_required() -> ApiError {
    ApiError::bad_request(
        "cashier_required",
        "Máy bán hàng phải ghi mã thu ngân xác nhận (cashier_id).",
        "A till must name the cashier who confirms (cashier_id).",
    )
}

fn not_yourself() -> ApiError {
    ApiError::from(Refusal::invalid(
        "unknown_cashier",
        "Chỉ được xác nhận với tư cách của chính mình.",
        "You can only confirm as yourself.",
    ))
}

/// The cashier (or manager) saw the transfer arrive and confirms it; a till
/// sends its cashier's confirmation. Idempotent: confirming a sale already
/// confirmed changes nothing and answers the current state.
#[utoipa::path(
    tag = "sales",
    security(("bearer" = []), ("till" = [])),
    params(("id" = Uuid, Path, description = "Sale id")),
    request_body(content = CashierConfirmation, description = "Optional (may be empty) for a user; `{\"cashier_id\": N}` from a till"),
    responses(
        (status = 200, description = "Confirmed (now or before)", body = TransferState),
        (status = 400, description = "Malformed body, or a till without `cashier_id` (`cashier_required`)", body = ErrorBody),
        (status = 403, description = "A user who is neither cashier nor manager", body = ErrorBody),
        (status = 404, description = "No such sale, or not your outlet", body = ErrorBody),
        (status = 422, description = "No bank transfer, or the cashier is not of the sale's outlet (`unknown_cashier`)", body = ErrorBody),
    )
)]
#[post("/sales/{id}/transfer-confirmations")]
pub async fn confirm(
    state: web::Data<AppState>,
    caller: StaffOrTill,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<web::Json<TransferState>, ApiError> {
    let asked = confirmation_body(&body)?;
    let by = match &caller {
        StaffOrTill::Staff(user) => {
            user.require(&[Role::Cashier, Role::Manager])?;
            if asked.cashier_id.is_some_and(|c| c != user.id) {
                return Err(not_yourself());
            }
            user.id
        }
        StaffOrTill::Till(_) => asked.cashier_id.ok_or_else(cashier_required)?,
    };
    let id = id.into_inner();
    let out = state
        .write(move |c| {
            let row = store::find_row_by_uuid(c, id)?.ok_or_else(ApiError::not_found)?;
            caller.check_outlet(row.outlet_id)?;
            if matches!(caller, StaffOrTill::Till(_)) {
                payment::check_cashier(c, by, row.outlet_id)?;
            }
            payment::confirm(c, &row, "cashier", None, Some(by))?;
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

/// Longest bank transaction id.
pub const MAX_TRANSACTION_ID_CHARS: usize = 64;
/// Longest memo or account field.
pub const MAX_NOTIFICATION_TEXT_CHARS: usize = 255;

impl BankNotification {
    /// Bounds: a transaction id of 1–64 printable ASCII characters (what
    /// banks send), a memo and account of plain text within bounds.
    fn check(&self) -> Result<(), ApiError> {
        let id = &self.transaction_id;
        if id.is_empty()
            || id.len() > MAX_TRANSACTION_ID_CHARS
            || !id.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(ApiError::from(Refusal::invalid(
                "invalid_transaction_id",
                "Mã giao dịch phải có từ 1 đến 64 ký tự ASCII in được, không có khoảng trắng.",
                "The transaction id must be 1 to 64 printable ASCII characters, without spaces.",
            )));
        }
        let text_ok = |t: &str| {
            t.chars().count() <= MAX_NOTIFICATION_TEXT_CHARS
                && ocop_core::text::clean_text(t, ocop_core::text::Lines::Single).is_ok()
        };
        if !text_ok(&self.memo) || !self.account.as_deref().is_none_or(text_ok) {
            return Err(ApiError::from(Refusal::invalid(
                "invalid_notification",
                "Nội dung hoặc số tài khoản của thông báo quá dài hoặc có ký tự không hợp lệ.",
                "The notification's memo or account is too long or holds invalid characters.",
            )));
        }
        Ok(())
    }
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
        (status = 200, description = "Confirmed (or already confirmed by this transaction; a second transaction for a confirmed sale is recorded as a duplicate)", body = TransferState),
        (status = 400, description = "Malformed notification", body = ErrorBody),
        (status = 401, description = "Missing or wrong signature; nothing written", body = ErrorBody),
        (status = 409, description = "The transaction id already confirmed another sale (`transaction_id_reused`); nothing written", body = ErrorBody),
        (status = 422, description = "No sale matches memo and amount, or a field is out of bounds (`invalid_transaction_id`, `invalid_notification`)", body = ErrorBody),
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
    note.check()?;
    let transaction = note.transaction_id.clone();
    let out = state
        .write(move |c| {
            let row = payment::match_notification(c, &note.memo, note.amount)?;
            payment::confirm(c, &row, payment::BANK, Some(&note.transaction_id), None)?;
            Ok(payment::state(c, &row)?)
        })
        .await;
    if let Err(e) = &out
        && e.code() == "transaction_id_reused"
    {
        tracing::warn!(%transaction, "bank notification reuses a transaction id of another sale");
    }
    Ok(HttpResponse::Ok().json(out?))
}
