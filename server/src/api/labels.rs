//! Provenance labels: issuing serialised labels for a lot (managers for
//! their own outlet, admins anywhere) and reading an issued batch back.
//! Issuing is idempotent per `request_id`.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::provenance::label::{self, IssueRequest, LabelBatch};
use crate::state::AppState;

/// Issues labels for a lot at an outlet. The same `request_id` sent again
/// answers 200 with the labels issued the first time.
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    request_body = IssueRequest,
    responses(
        (status = 201, description = "Issued", body = LabelBatch),
        (status = 200, description = "Issued before by the same request", body = LabelBatch),
        (status = 403, description = "Not a manager or admin", body = ErrorBody),
        (status = 404, description = "Not your outlet, or no such lot/outlet", body = ErrorBody),
        (status = 409, description = "The request id was used for another lot, outlet or count", body = ErrorBody),
        (status = 422, description = "Count out of range", body = ErrorBody),
    )
)]
#[post("/labels")]
pub async fn issue(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<IssueRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin, Role::Manager])?;
    let req = body.into_inner();
    caller.check_outlet(req.outlet_id)?;
    let (by, base) = (caller.id, state.config.public_url.clone());
    let (issued, created) = state
        .write(move |c| Ok(label::issue(c, &req, by, &base, rand::random::<u128>)?))
        .await?;
    Ok(if created {
        HttpResponse::Created().json(issued)
    } else {
        HttpResponse::Ok().json(issued)
    })
}

/// Loads a batch the caller may see: admins and inspectors any, a manager
/// or cashier their outlet's (404 otherwise).
pub async fn visible_batch(
    state: &AppState,
    caller: &AuthUser,
    id: i32,
) -> Result<LabelBatch, ApiError> {
    caller.require(&[Role::Admin, Role::Inspector, Role::Manager, Role::Cashier])?;
    let outlet = state.read(move |c| Ok(label::batch_outlet(c, id)?)).await?;
    caller.check_outlet(outlet)?;
    let base = state.config.public_url.clone();
    state
        .read(move |c| Ok(label::load_batch(c, id, &base)?))
        .await
}

/// One issued batch with its serials and label URIs.
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Batch id")),
    responses(
        (status = 200, description = "The batch", body = LabelBatch),
        (status = 404, description = "No such batch, or not yours", body = ErrorBody),
    )
)]
#[get("/labels/batches/{id}")]
pub async fn batch(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<LabelBatch>, ApiError> {
    Ok(web::Json(
        visible_batch(&state, &caller, id.into_inner()).await?,
    ))
}
