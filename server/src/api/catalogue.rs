//! Read access to the catalogue: producers, products, outlets and the
//! reference lists. Producer accounts see only their own producer and products.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};

use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::outlet::{self, Outlet};
use crate::models::producer::{self, Producer};
use crate::models::product::{self, Product};
use crate::models::reference::{self, Bank, District, ProductGroup};
use crate::state::AppState;

/// Producers the caller may see: all of them, or a producer account's own.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    responses((status = 200, description = "Producers", body = Vec<Producer>))
)]
#[get("/producers")]
pub async fn list_producers(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<web::Json<Vec<Producer>>, ApiError> {
    let own = own_producer(&caller);
    let rows = state
        .read(move |c| match own {
            Some(id) => Ok(vec![producer::find(c, id)?]),
            None => Ok(producer::list(c)?),
        })
        .await?;
    Ok(web::Json(rows))
}

/// One producer. A producer account gets 404 for any producer but its own.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Producer id")),
    responses(
        (status = 200, description = "The producer", body = Producer),
        (status = 404, description = "No such producer (or not yours)", body = ErrorBody),
    )
)]
#[get("/producers/{id}")]
pub async fn get_producer(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<Producer>, ApiError> {
    let id = id.into_inner();
    if caller.role == Role::Producer {
        caller.check_producer(id)?;
    }
    Ok(web::Json(
        state.read(move |c| Ok(producer::find(c, id)?)).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProductFilter {
    /// Only this producer's products.
    pub producer_id: Option<i32>,
}

/// Products; a producer account sees only its own whatever it asks.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(ProductFilter),
    responses((status = 200, description = "Products", body = Vec<Product>))
)]
#[get("/products")]
pub async fn list_products(
    state: web::Data<AppState>,
    caller: AuthUser,
    filter: web::Query<ProductFilter>,
) -> Result<web::Json<Vec<Product>>, ApiError> {
    let wanted = filter.into_inner().producer_id;
    let producer_id = match own_producer(&caller) {
        Some(own) if wanted.is_some_and(|w| w != own) => return Ok(web::Json(Vec::new())),
        Some(own) => Some(own),
        None => wanted,
    };
    Ok(web::Json(
        state
            .read(move |c| Ok(product::list(c, producer_id)?))
            .await?,
    ))
}

/// One product. A producer account gets 404 for other producers' products.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 404, description = "No such product (or not yours)", body = ErrorBody),
    )
)]
#[get("/products/{id}")]
pub async fn get_product(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<Product>, ApiError> {
    let id = id.into_inner();
    let found = state.read(move |c| Ok(product::find(c, id)?)).await?;
    if caller.role == Role::Producer {
        caller.check_producer(found.producer_id)?;
    }
    Ok(web::Json(found))
}

/// Outlets (every signed-in user may see where OCOP goods are sold).
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    responses((status = 200, description = "Outlets", body = Vec<Outlet>))
)]
#[get("/outlets")]
pub async fn list_outlets(
    state: web::Data<AppState>,
    _caller: AuthUser,
) -> Result<web::Json<Vec<Outlet>>, ApiError> {
    Ok(web::Json(state.read(|c| Ok(outlet::list(c)?)).await?))
}

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

/// The producer a producer account is confined to; `None` for other roles.
fn own_producer(caller: &AuthUser) -> Option<i32> {
    if caller.role == Role::Producer {
        // A producer account always has a producer (checked at creation);
        // -1 matches nothing if the data were ever inconsistent.
        Some(caller.producer_id.unwrap_or(-1))
    } else {
        None
    }
}
