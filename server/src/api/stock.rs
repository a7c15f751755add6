//! Stock reports and alerts: stock on hand (valued), movement history,
//! stock in transit, alerts, low-stock thresholds, and the ledger check.
//! Managers and cashiers see their own outlet, producers their own goods at
//! every outlet, inspectors and admins everything — decided once, in
//! `auth::scope::stock_scope`, and applied by the model queries.

use actix_web::{get, put, web};
use ocop_core::money::Quantity;
use serde::Deserialize;

use crate::auth::scope::stock_scope;
use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::product::vn_today;
use crate::models::stock::alerts::{self as alert_model, AlertQuery, Alerts, Threshold};
use crate::models::stock::report::{self, InTransitLine, MovementRow, OnHandQuery, OnHandReport};
use crate::models::stock::{self, Mismatch};
use crate::state::AppState;

/// Stock on hand by outlet × product × lot × owner, valued at retail and at
/// payout price, with sums by `group_by`.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(OnHandQuery),
    responses((status = 200, description = "Stock on hand", body = OnHandReport))
)]
#[get("/stock/on-hand")]
pub async fn on_hand(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<OnHandQuery>,
) -> Result<web::Json<OnHandReport>, ApiError> {
    let q = q.into_inner();
    if q.group_by
        .as_deref()
        .is_some_and(|g| !["outlet", "producer", "product", "lot"].contains(&g))
    {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            "group_by phải là outlet, producer, product hoặc lot.",
            "group_by must be outlet, producer, product or lot.",
        ));
    }
    let scope = stock_scope(&caller);
    Ok(web::Json(
        state
            .read(move |c| Ok(report::on_hand(c, &q, scope, vn_today())?))
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MovementQuery {
    pub outlet_id: i32,
    pub product_id: i32,
}

/// Every ledger entry of a product at an outlet with its running balance
/// (a producer sees only its own goods).
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(MovementQuery),
    responses(
        (status = 200, description = "Movements, oldest first", body = Vec<MovementRow>),
        (status = 404, description = "Not your outlet", body = ErrorBody),
    )
)]
#[get("/stock/movements")]
pub async fn movements(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<MovementQuery>,
) -> Result<web::Json<Vec<MovementRow>>, ApiError> {
    let q = q.into_inner();
    let scope = stock_scope(&caller);
    if scope.outlet_id.is_some() {
        caller.check_outlet(q.outlet_id)?;
    }
    Ok(web::Json(
        state
            .read(move |c| {
                Ok(report::movements(
                    c,
                    q.outlet_id,
                    q.product_id,
                    scope.producer_id,
                )?)
            })
            .await?,
    ))
}

/// Goods sent between outlets and not yet received.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    responses((status = 200, description = "Stock in transit", body = Vec<InTransitLine>))
)]
#[get("/stock/in-transit")]
pub async fn in_transit(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<web::Json<Vec<InTransitLine>>, ApiError> {
    let scope = stock_scope(&caller);
    Ok(web::Json(
        state
            .read(move |c| Ok(report::in_transit(c, scope)?))
            .await?,
    ))
}

/// Expiring lots, expiring certificates (90 days), low stock, negative stock.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(AlertQuery),
    responses((status = 200, description = "Alerts", body = Alerts))
)]
#[get("/stock/alerts")]
pub async fn alerts(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<AlertQuery>,
) -> Result<web::Json<Alerts>, ApiError> {
    let q = q.into_inner();
    let scope = stock_scope(&caller);
    Ok(web::Json(
        state
            .read(move |c| Ok(alert_model::alerts(c, &q, scope, vn_today())?))
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetThreshold {
    pub outlet_id: i32,
    pub product_id: i32,
    /// Alert when stock on hand falls below this.
    #[schema(value_type = String, example = "5")]
    pub min_qty: Quantity,
}

/// Sets the low-stock threshold of a product at an outlet (its manager or an admin).
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    request_body = SetThreshold,
    responses(
        (status = 200, description = "Stored", body = Threshold),
        (status = 404, description = "Not your outlet, or no such product", body = ErrorBody),
        (status = 422, description = "Negative threshold", body = ErrorBody),
    )
)]
#[put("/stock/thresholds")]
pub async fn set_threshold(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<SetThreshold>,
) -> Result<web::Json<Threshold>, ApiError> {
    caller.require(&[Role::Admin, Role::Manager])?;
    let b = body.into_inner();
    caller.check_outlet(b.outlet_id)?;
    let by = caller.id;
    Ok(web::Json(
        state
            .write(move |c| {
                Ok(alert_model::set_threshold(
                    c,
                    b.outlet_id,
                    b.product_id,
                    b.min_qty,
                    by,
                )?)
            })
            .await?,
    ))
}

/// Recomputes Σ ledger and compares it with stock on hand (admins and
/// inspectors); the same check as `ocop-server stock verify`.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every mismatch (empty when all is well)", body = Vec<Mismatch>),
        (status = 403, description = "Not an admin or inspector", body = ErrorBody),
    )
)]
#[get("/stock/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<web::Json<Vec<Mismatch>>, ApiError> {
    caller.require(&[Role::Admin, Role::Inspector])?;
    Ok(web::Json(state.read(|c| Ok(stock::verify(c)?)).await?))
}
