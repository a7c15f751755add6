//! Products: search (every signed-in account; a producer account sees only
//! its own), read with the 950/QĐ-BCT listing verdict, price history, create
//! and replace (admin).

use actix_web::{HttpResponse, get, post, put, web};
use serde::Serialize;

use crate::api::producers::own_producer;
use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::product::search::{self, ProductSearch};
use crate::models::product::{self, ListingView, PriceEntry, Product, ProductInput};
use crate::state::AppState;

/// A product with what the listing rule says about it today.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProductView {
    #[serde(flatten)]
    pub product: Product,
    pub listing: ListingView,
}

impl ProductView {
    pub fn of(product: Product) -> ProductView {
        let listing = ListingView::of(&product.listing(product::vn_today()));
        ProductView { product, listing }
    }
}

/// Products, by name; filters combine. The total is in `X-Total-Count`.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(ProductSearch),
    responses((status = 200, description = "One page of products", body = Vec<ProductView>))
)]
#[get("/products")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    filter: web::Query<ProductSearch>,
) -> Result<HttpResponse, ApiError> {
    let mut filter = filter.into_inner();
    if let Some(own) = own_producer(&caller) {
        if filter.producer_id.is_some_and(|w| w != own) {
            return Ok(HttpResponse::Ok()
                .insert_header(("X-Total-Count", "0"))
                .json(Vec::<ProductView>::new()));
        }
        filter.producer_id = Some(own);
    }
    let (rows, total) = state.read(move |c| Ok(search::search(c, &filter)?)).await?;
    let rows: Vec<ProductView> = rows.into_iter().map(ProductView::of).collect();
    Ok(HttpResponse::Ok()
        .insert_header(("X-Total-Count", total.to_string()))
        .json(rows))
}

async fn visible(state: &AppState, caller: &AuthUser, id: i32) -> Result<Product, ApiError> {
    let found = state.read(move |c| Ok(product::find(c, id)?)).await?;
    if caller.role == Role::Producer {
        caller.check_producer(found.producer_id)?;
    }
    Ok(found)
}

/// One product. A producer account gets 404 for other producers' products.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = ProductView),
        (status = 404, description = "No such product (or not yours)", body = ErrorBody),
    )
)]
#[get("/products/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<ProductView>, ApiError> {
    let found = visible(&state, &caller, id.into_inner()).await?;
    Ok(web::Json(ProductView::of(found)))
}

/// The price history, oldest first. Past sales keep their own prices.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Product id")),
    responses(
        (status = 200, description = "Prices", body = Vec<PriceEntry>),
        (status = 404, description = "No such product (or not yours)", body = ErrorBody),
    )
)]
#[get("/products/{id}/prices")]
pub async fn prices(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<Vec<PriceEntry>>, ApiError> {
    let found = visible(&state, &caller, id.into_inner()).await?;
    let id = found.id;
    Ok(web::Json(
        state.read(move |c| Ok(product::prices(c, id)?)).await?,
    ))
}

/// Registers a product (admin).
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    request_body = ProductInput,
    responses(
        (status = 201, description = "Created", body = ProductView),
        (status = 422, description = "A field is invalid; nothing was written", body = ErrorBody),
    )
)]
#[post("/products")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<ProductInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let (input, by) = (body.into_inner(), caller.id);
    let created = state
        .write(move |c| Ok(product::create(c, &input, Some(by))?))
        .await?;
    Ok(HttpResponse::Created().json(ProductView::of(created)))
}

/// Replaces every field of a product (admin). A new price is appended to
/// the price history.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Product id")),
    request_body = ProductInput,
    responses(
        (status = 200, description = "Updated", body = ProductView),
        (status = 404, description = "No such product", body = ErrorBody),
        (status = 422, description = "A field is invalid; nothing was written", body = ErrorBody),
    )
)]
#[put("/products/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<ProductInput>,
) -> Result<web::Json<ProductView>, ApiError> {
    caller.require(&[Role::Admin])?;
    let (id, input, by) = (id.into_inner(), body.into_inner(), caller.id);
    let updated = state
        .write(move |c| Ok(product::update(c, id, &input, Some(by))?))
        .await?;
    Ok(web::Json(ProductView::of(updated)))
}
