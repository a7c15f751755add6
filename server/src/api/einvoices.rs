//! E-invoice data (`ocop-pos/einvoice/v1`) of a sale, and a day's export of
//! an outlet (`ocop-pos/einvoice-day/v1`); see `ocop_core::sale::einvoice`
//! for the format. Outlet staff, inspectors and admins.

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::models::sale::{einvoice, store};
use crate::state::AppState;

/// The core's e-invoice JSON.
pub struct EInvoiceDoc;

impl utoipa::PartialSchema for EInvoiceDoc {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .description(Some(
                "ocop-pos/einvoice/v1 (one invoice) or ocop-pos/einvoice-day/v1 (a day's export): \
                 see ocop_core::sale::einvoice",
            ))
            .into()
    }
}

impl utoipa::ToSchema for EInvoiceDoc {}

/// The e-invoice data of a sale.
#[utoipa::path(
    tag = "sales",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Sale id")),
    responses(
        (status = 200, description = "ocop-pos/einvoice/v1", body = EInvoiceDoc),
        (status = 404, description = "No such sale, or not your outlet", body = ErrorBody),
    )
)]
#[get("/sales/{id}/einvoice")]
pub async fn for_sale(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ocop_core::sale::einvoice::EInvoice>, ApiError> {
    let id = id.into_inner();
    let out = state
        .read(move |c| {
            let row = store::find_row_by_uuid(c, id)?.ok_or_else(ApiError::not_found)?;
            caller.check_outlet(row.outlet_id)?;
            Ok(einvoice::for_sale(c, &row)?)
        })
        .await?;
    Ok(web::Json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// Vietnamese calendar day, YYYY-MM-DD.
    pub day: NaiveDate,
}

/// Every sale of the outlet on a day, as e-invoice data.
#[utoipa::path(
    tag = "sales",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Outlet id"), DayQuery),
    responses(
        (status = 200, description = "ocop-pos/einvoice-day/v1", body = EInvoiceDoc),
        (status = 404, description = "Not your outlet", body = ErrorBody),
    )
)]
#[get("/outlets/{id}/einvoices")]
pub async fn day(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    q: web::Query<DayQuery>,
) -> Result<web::Json<ocop_core::sale::einvoice::DayExport>, ApiError> {
    let outlet_id = id.into_inner();
    caller.check_outlet(outlet_id)?;
    let day = q.into_inner().day;
    let out = state
        .read(move |c| Ok(einvoice::day(c, outlet_id, day)?))
        .await?;
    Ok(web::Json(out))
}
