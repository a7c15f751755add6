//! Refund ingest: a till posts a sealed refund of an earlier sale of its
//! outlet (see `models::sale::refund` for the rules and the locking).

use actix_web::{HttpResponse, post, web};

use crate::auth::till::TillAuth;
use crate::error::{ApiError, ErrorBody};
use crate::models::sale::refund::{self, RefundIngested};
use crate::state::AppState;

core_body!(
    RefundBody,
    ocop_core::sale::Refund,
    "A sealed refund in the core crate's JSON (`ocop_core::sale::Refund`)."
);

/// Stores one refund exactly once (201, or 200 with the stored refund when
/// sent again). Refused with 422 when it would return more than was sold,
/// counting the sale's earlier refunds.
#[utoipa::path(
    tag = "sales",
    security(("till" = [])),
    request_body = RefundBody,
    responses(
        (status = 201, description = "Stored", body = RefundIngested),
        (status = 200, description = "Already stored", body = RefundIngested),
        (status = 403, description = "Not this till's refund (`wrong_till`)", body = ErrorBody),
        (status = 409, description = "`sale_conflict` or `receipt_no_taken`", body = ErrorBody),
        (status = 422, description = "More than was sold, wrong amounts, unknown sale; nothing written", body = ErrorBody),
    )
)]
#[post("/refunds")]
pub async fn create(
    state: web::Data<AppState>,
    till: TillAuth,
    body: web::Json<RefundBody>,
) -> Result<HttpResponse, ApiError> {
    let r = body.into_inner().0;
    let done = state
        .write(move |c| Ok(refund::ingest(c, &till.0, &r)?))
        .await?;
    Ok(if done.status == "created" {
        HttpResponse::Created().json(done)
    } else {
        HttpResponse::Ok().json(done)
    })
}
