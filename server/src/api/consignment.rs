//! Consignment agreements (hợp đồng ký gửi): `GET` and `POST
//! /api/v1/consignment-agreements`. Admins create any; a manager creates
//! them for its own outlet. Producers see their own, outlet staff their
//! outlet's, inspectors and admins all.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::stock::agreement::{self, Agreement, NewAgreement};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AgreementFilter {
    pub producer_id: Option<i32>,
    pub outlet_id: Option<i32>,
}

/// Agreements the caller may see.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(AgreementFilter),
    responses((status = 200, description = "Agreements", body = Vec<Agreement>))
)]
#[get("/consignment-agreements")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    filter: web::Query<AgreementFilter>,
) -> Result<web::Json<Vec<Agreement>>, ApiError> {
    let f = filter.into_inner();
    let (producer, outlet) = match caller.role {
        Role::Admin | Role::Inspector => (f.producer_id, f.outlet_id),
        Role::Manager | Role::Cashier => (f.producer_id, Some(caller.outlet_id.unwrap_or(-1))),
        Role::Producer => (Some(caller.producer_id.unwrap_or(-1)), f.outlet_id),
    };
    let rows = state
        .read(move |c| Ok(agreement::list(c, producer, outlet)?))
        .await?;
    // A filter for another outlet or producer than one's own finds nothing.
    let rows = rows
        .into_iter()
        .filter(|a| {
            f.outlet_id.is_none_or(|o| o == a.outlet_id)
                && f.producer_id.is_none_or(|p| p == a.producer_id)
        })
        .collect();
    Ok(web::Json(rows))
}

/// Creates an agreement (admin, or the outlet's manager).
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    request_body = NewAgreement,
    responses(
        (status = 201, description = "Created", body = Agreement),
        (status = 404, description = "Not your outlet, or no such producer/outlet", body = ErrorBody),
        (status = 409, description = "Overlaps an existing agreement", body = ErrorBody),
        (status = 422, description = "Invalid terms or dates", body = ErrorBody),
    )
)]
#[post("/consignment-agreements")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<NewAgreement>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin, Role::Manager])?;
    let new = body.into_inner();
    caller.check_outlet(new.outlet_id)?;
    let by = caller.id;
    let created = state
        .write(move |c| Ok(agreement::create(c, &new, Some(by))?))
        .await?;
    Ok(HttpResponse::Created().json(created))
}
