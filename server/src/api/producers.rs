//! Producers: list and search (every signed-in account; a producer account
//! sees only itself), read, create and replace (admin). A producer's bank
//! account is shown only to admins, inspectors and the producer itself.

use actix_web::{HttpResponse, get, post, put, web};

use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::producer::{self, Producer, ProducerInput, ProducerSearch};
use crate::state::AppState;

/// Blanks the bank account unless the caller may see it.
fn view(caller: &AuthUser, mut p: Producer) -> Producer {
    if caller.check_producer(p.id).is_err() {
        p.bank_bin = None;
        p.bank_account = None;
        p.bank_holder = None;
    }
    p
}

/// The producer a producer account is confined to; `None` for other roles.
pub fn own_producer(caller: &AuthUser) -> Option<i32> {
    // A producer account always has a producer (checked at creation); -1
    // matches nothing if the data were ever inconsistent.
    (caller.role == Role::Producer).then(|| caller.producer_id.unwrap_or(-1))
}

/// Producers, by name; filters combine. The total is in `X-Total-Count`.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(ProducerSearch),
    responses((status = 200, description = "One page of producers", body = Vec<Producer>))
)]
#[get("/producers")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    filter: web::Query<ProducerSearch>,
) -> Result<HttpResponse, ApiError> {
    let filter = filter.into_inner();
    let own = own_producer(&caller);
    let (rows, total) = state
        .read(move |c| match own {
            Some(id) => {
                let p = producer::find(c, id)?;
                Ok((vec![p], 1))
            }
            None => Ok(producer::search(c, &filter)?),
        })
        .await?;
    let rows: Vec<Producer> = rows.into_iter().map(|p| view(&caller, p)).collect();
    Ok(HttpResponse::Ok()
        .insert_header(("X-Total-Count", total.to_string()))
        .json(rows))
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
pub async fn get(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<Producer>, ApiError> {
    let id = id.into_inner();
    if caller.role == Role::Producer {
        caller.check_producer(id)?;
    }
    let found = state.read(move |c| Ok(producer::find(c, id)?)).await?;
    Ok(web::Json(view(&caller, found)))
}

/// Registers a producer (admin).
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    request_body = ProducerInput,
    responses(
        (status = 201, description = "Created", body = Producer),
        (status = 422, description = "A field is invalid; nothing was written", body = ErrorBody),
    )
)]
#[post("/producers")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<ProducerInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let input = body.into_inner();
    let created = state
        .write(move |c| Ok(producer::create(c, &input)?))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Replaces every field of a producer (admin). Suspending a producer
/// withdraws its goods from every till at the next sync.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Producer id")),
    request_body = ProducerInput,
    responses(
        (status = 200, description = "Updated", body = Producer),
        (status = 404, description = "No such producer", body = ErrorBody),
        (status = 422, description = "A field is invalid; nothing was written", body = ErrorBody),
    )
)]
#[put("/producers/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<ProducerInput>,
) -> Result<web::Json<Producer>, ApiError> {
    caller.require(&[Role::Admin])?;
    let (id, input, by) = (id.into_inner(), body.into_inner(), caller.id);
    Ok(web::Json(
        state
            .write(move |c| Ok(producer::update(c, id, &input, Some(by))?))
            .await?,
    ))
}
