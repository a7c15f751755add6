//! Shifts: the till opens one (float), records cash in/out, and closes it
//! with the counted cash (Z report); the outlet's staff read the X/Z report;
//! a manager acknowledges the variance.

use actix_web::{HttpResponse, get, post, web};
use ocop_core::refusal::Refusal;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::till::TillAuth;
use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::sale;
use crate::models::sale::shift::{self, ShiftReport};
use crate::state::AppState;

core_body!(
    OpeningBody,
    ocop_core::sale::shift::ShiftOpening,
    "id (uuid, the till's), till_id, outlet_id, cashier_id, opened_at, opening_float (đồng)"
);
core_body!(
    MovementBody,
    ocop_core::sale::shift::CashMovement,
    "id (uuid), shift_id, at, direction (in|out), amount (đồng, > 0), reason"
);
core_body!(
    CountedBody,
    ocop_core::sale::shift::CountedTotals,
    "cash: {\"500000\": 2, \"10000\": 3, …} notes by value; card; bank_transfer (đồng)"
);

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// What the manager found (may be empty).
    pub note: String,
}

fn own_shift(till: &TillAuth, till_id: i32) -> Result<(), ApiError> {
    if till.0.id == till_id {
        Ok(())
    } else {
        Err(sale::wrong_till().into())
    }
}

/// Opens a shift on the posting till (201; 200 when sent again).
#[utoipa::path(
    tag = "sales",
    security(("till" = [])),
    request_body = OpeningBody,
    responses(
        (status = 201, description = "Opened", body = ShiftReport),
        (status = 200, description = "Already open", body = ShiftReport),
        (status = 403, description = "Another till's shift", body = ErrorBody),
        (status = 422, description = "Negative float", body = ErrorBody),
    )
)]
#[post("/shifts")]
pub async fn open(
    state: web::Data<AppState>,
    till: TillAuth,
    body: web::Json<OpeningBody>,
) -> Result<HttpResponse, ApiError> {
    let opening = body.into_inner().0;
    own_shift(&till, opening.till_id)?;
    if opening.outlet_id != till.0.outlet_id {
        return Err(sale::wrong_till().into());
    }
    let (created, out) = state
        .write(move |c| {
            let cashier = crate::models::user::find(c, opening.cashier_id)?;
            if cashier.outlet_id != Some(opening.outlet_id) {
                return Err(sale::unknown_cashier().into());
            }
            let created = shift::open(c, &opening)?;
            Ok((created, shift::report(c, opening.id)?))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created().json(out)
    } else {
        HttpResponse::Ok().json(out)
    })
}

/// Cash put in or taken out of the drawer, with a reason.
#[utoipa::path(
    tag = "sales",
    security(("till" = [])),
    params(("id" = Uuid, Path, description = "Shift id")),
    request_body = MovementBody,
    responses(
        (status = 200, description = "Recorded; the X report", body = ShiftReport),
        (status = 409, description = "The shift is closed", body = ErrorBody),
        (status = 422, description = "Amount not above zero, or no reason", body = ErrorBody),
    )
)]
#[post("/shifts/{id}/cash-movements")]
pub async fn cash_movement(
    state: web::Data<AppState>,
    till: TillAuth,
    id: web::Path<Uuid>,
    body: web::Json<MovementBody>,
) -> Result<web::Json<ShiftReport>, ApiError> {
    let id = id.into_inner();
    let m = body.into_inner().0;
    if m.shift_id != id {
        return Err(ApiError::from(Refusal::invalid(
            "shift_mismatch",
            "Mã ca trong nội dung khác mã ca trên đường dẫn.",
            "The shift id in the body differs from the one in the path.",
        )));
    }
    let out = state
        .write(move |c| {
            let (_, opening) = shift::find(c, id)?;
            own_shift(&till, opening.till_id)?;
            shift::add_movement(c, &m, None)?;
            Ok(shift::report(c, id)?)
        })
        .await?;
    Ok(web::Json(out))
}

/// The X report of an open shift, or the Z report of a closed one.
#[utoipa::path(
    tag = "sales",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Shift id")),
    responses(
        (status = 200, description = "X or Z report", body = ShiftReport),
        (status = 404, description = "No such shift, or not your outlet", body = ErrorBody),
    )
)]
#[get("/shifts/{id}/report")]
pub async fn report(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ShiftReport>, ApiError> {
    let id = id.into_inner();
    let out = state
        .read(move |c| {
            let (_, opening) = shift::find(c, id)?;
            caller.check_outlet(opening.outlet_id)?;
            Ok(shift::report(c, id)?)
        })
        .await?;
    Ok(web::Json(out))
}

/// Closes the shift with the counted cash by note and the counted totals
/// per method: the Z report, stored once.
#[utoipa::path(
    tag = "sales",
    security(("till" = [])),
    params(("id" = Uuid, Path, description = "Shift id")),
    request_body = CountedBody,
    responses(
        (status = 200, description = "The Z report", body = ShiftReport),
        (status = 409, description = "Already closed with other counts", body = ErrorBody),
    )
)]
#[post("/shifts/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    till: TillAuth,
    id: web::Path<Uuid>,
    body: web::Json<CountedBody>,
) -> Result<web::Json<ShiftReport>, ApiError> {
    let id = id.into_inner();
    let counted = body.into_inner().0;
    let out = state
        .write(move |c| {
            let (_, opening) = shift::find(c, id)?;
            own_shift(&till, opening.till_id)?;
            Ok(shift::close_shift(c, id, counted, None)?)
        })
        .await?;
    Ok(web::Json(out))
}

/// A manager of the outlet (or an admin) acknowledges the closed shift's
/// variance.
#[utoipa::path(
    tag = "sales",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Shift id")),
    request_body = Acknowledgement,
    responses(
        (status = 200, description = "Acknowledged", body = ShiftReport),
        (status = 403, description = "Not a manager", body = ErrorBody),
        (status = 409, description = "The shift is not closed", body = ErrorBody),
    )
)]
#[post("/shifts/{id}/acknowledge")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: web::Json<Acknowledgement>,
) -> Result<web::Json<ShiftReport>, ApiError> {
    caller.require(&[Role::Manager, Role::Admin])?;
    let id = id.into_inner();
    let note = body.into_inner().note;
    let out = state
        .write(move |c| {
            let (_, opening) = shift::find(c, id)?;
            caller.check_outlet(opening.outlet_id)?;
            Ok(shift::acknowledge(c, id, caller.id, &note)?)
        })
        .await?;
    Ok(web::Json(out))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseDay {
    /// The Vietnamese calendar day to close, YYYY-MM-DD.
    #[schema(value_type = String, example = "2026-11-28")]
    pub day: chrono::NaiveDate,
}

/// Closes a day for the outlet (manager of the outlet, or admin): the
/// shifts closed that day, with the perpetual grand total.
#[utoipa::path(
    tag = "sales",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Outlet id")),
    request_body = CloseDay,
    responses(
        (status = 201, description = "The daily closing (core DailyClosing JSON)", body = ocop_core::sale::shift::DailyClosing),
        (status = 404, description = "Not your outlet", body = ErrorBody),
        (status = 422, description = "The day is not after the last closing", body = ErrorBody),
    )
)]
#[post("/outlets/{id}/daily-closings")]
pub async fn close_day(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<CloseDay>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Manager, Role::Admin])?;
    let outlet_id = id.into_inner();
    caller.check_outlet(outlet_id)?;
    let day = body.into_inner().day;
    let by = caller.id;
    let out = state
        .write(move |c| {
            crate::models::outlet::find(c, outlet_id)?;
            Ok(crate::models::sale::closing::close_day(
                c, outlet_id, day, by,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}
