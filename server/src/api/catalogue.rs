//! Reference lists every catalogue form needs: districts, product groups
//! and banks. Producers, products and outlets have their own modules.

use actix_web::{get, web};
use serde::Serialize;

use crate::error::ApiError;
use crate::models::reference::{self, Bank, District, ProductGroup};
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReferenceData {
    pub districts: Vec<District>,
    pub product_groups: Vec<ProductGroup>,
    pub banks: Vec<Bank>,
}

/// Districts, product groups and banks (public).
#[utoipa::path(
    tag = "catalogue",
    responses((status = 200, description = "Reference lists", body = ReferenceData))
)]
#[get("/reference")]
pub async fn reference_data(
    state: web::Data<AppState>,
) -> Result<web::Json<ReferenceData>, ApiError> {
    let data = state
        .read(|c| {
            Ok(ReferenceData {
                districts: reference::districts(c)?,
                product_groups: reference::product_groups(c)?,
                banks: reference::banks(c)?,
            })
        })
        .await?;
    Ok(web::Json(data))
}
