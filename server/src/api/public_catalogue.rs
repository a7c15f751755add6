//! The public catalogue as JSON (issue 17): no login, cacheable, public
//! facts only (`models::public_catalogue`). The same data as the page
//! `/products` (`web::public_catalogue`).

use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::error::{ApiError, ErrorBody};
use crate::models::product::vn_today;
use crate::models::public_catalogue::{self, CatalogueQuery, PublicCatalogue};
use crate::state::AppState;
use crate::web::headers::cacheable;

/// How long a partner may reuse an answer before revalidating it.
pub const MAX_AGE_SECS: u32 = 60;

/// OCOP products listed publicly: filter by text (with or without
/// diacritics), group, stars, district and stock; each with its producer,
/// certificate validity and the outlets that have it in stock now. No
/// login. Revalidate with `If-None-Match` (304 when unchanged).
#[utoipa::path(
    tag = "public",
    params(CatalogueQuery),
    responses(
        (status = 200, description = "One page of the public catalogue", body = PublicCatalogue,
         headers(("ETag" = String, description = "Strong tag of this answer"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 400, description = "Malformed filter", body = ErrorBody),
    )
)]
#[get("/public/products")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CatalogueQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let public_url = state.config.public_url.clone();
    let body = state
        .read(move |c| {
            let page = public_catalogue::page(c, &query, &public_url, vn_today())?;
            serde_json::to_vec(&page).map_err(ApiError::internal)
        })
        .await?;
    Ok(cacheable(&req, "application/json", body, MAX_AGE_SECS))
}
