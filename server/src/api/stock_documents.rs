//! Stock documents: drafts (create, replace), posting, receiving a
//! transfer, and reading. Managers act for their own outlet, admins for
//! any; cashiers may prepare count sheets. A posted document is never
//! changed: replacing or posting it again answers 409 `document_posted`.

use actix_web::{HttpResponse, get, post, put, web};
use ocop_core::stock::DocumentKind;

use crate::auth::scope::load_view;
use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::product::vn_today;
use crate::models::stock::document::{self, Document, DocumentFilter, DocumentView, DraftInput};
use crate::models::stock::posting::{self, ReceiveInput};
use crate::state::AppState;

/// May the caller write documents of this kind at this outlet?
fn check_writer(caller: &AuthUser, outlet_id: i32, kind: DocumentKind) -> Result<(), ApiError> {
    let roles: &[Role] = if kind == DocumentKind::Count {
        &[Role::Admin, Role::Manager, Role::Cashier]
    } else {
        &[Role::Admin, Role::Manager]
    };
    caller.require(roles)?;
    caller.check_outlet(outlet_id)
}

/// Creates a draft.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    request_body = DraftInput,
    responses(
        (status = 201, description = "Draft created", body = DocumentView),
        (status = 404, description = "Not your outlet", body = ErrorBody),
        (status = 422, description = "Invalid document (no agreement, product not receivable, bad line…)", body = ErrorBody),
    )
)]
#[post("/stock-documents")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<DraftInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    check_writer(&caller, input.outlet_id, input.kind)?;
    let by = caller.id;
    let doc = state
        .write(move |c| Ok(document::create_draft(c, &input, by, vn_today())?))
        .await?;
    Ok(HttpResponse::Created().json(load_view(&state, &caller, doc.id).await?))
}

/// Replaces a draft (409 `document_posted` once posted).
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Document id")),
    request_body = DraftInput,
    responses(
        (status = 200, description = "Draft replaced", body = DocumentView),
        (status = 404, description = "No such document (or not yours)", body = ErrorBody),
        (status = 409, description = "Already posted", body = ErrorBody),
        (status = 422, description = "Invalid document", body = ErrorBody),
    )
)]
#[put("/stock-documents/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<DraftInput>,
) -> Result<web::Json<DocumentView>, ApiError> {
    let id = id.into_inner();
    let current = load_view(&state, &caller, id).await?.document;
    let kind = current.kind()?;
    check_writer(&caller, current.outlet_id, kind)?;
    let input = body.into_inner();
    state
        .write(move |c| Ok(document::replace_draft(c, id, &input, vn_today())?))
        .await?;
    Ok(web::Json(load_view(&state, &caller, id).await?))
}

/// Posts a draft: numbers it and books it in the stock ledger. For a count,
/// this is the manager's approval.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Document id")),
    responses(
        (status = 200, description = "Posted", body = DocumentView),
        (status = 404, description = "No such document (or not yours)", body = ErrorBody),
        (status = 409, description = "Already posted, or not enough stock", body = ErrorBody),
        (status = 422, description = "Rule broken at posting (agreement ended, product no longer receivable…)", body = ErrorBody),
    )
)]
#[post("/stock-documents/{id}/post")]
pub async fn post_document(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<DocumentView>, ApiError> {
    let id = id.into_inner();
    let current = load_view(&state, &caller, id).await?.document;
    caller.require(&[Role::Admin, Role::Manager])?;
    caller.check_outlet(current.outlet_id)?;
    let by = caller.id;
    state
        .write(move |c| Ok(posting::post(c, id, by, vn_today())?))
        .await?;
    Ok(web::Json(load_view(&state, &caller, id).await?))
}

/// Receives a sent transfer at its destination (second step): books what
/// arrived and records any discrepancy. Answers the transfer receipt.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Transfer document id")),
    request_body = ReceiveInput,
    responses(
        (status = 201, description = "Received: the transfer receipt", body = DocumentView),
        (status = 404, description = "No such transfer (or not to your outlet)", body = ErrorBody),
        (status = 409, description = "Already received", body = ErrorBody),
        (status = 422, description = "Not a sent transfer, or bad quantities", body = ErrorBody),
    )
)]
#[post("/stock-documents/{id}/receive")]
pub async fn receive(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<ReceiveInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let transfer = load_view(&state, &caller, id).await?.document;
    caller.require(&[Role::Admin, Role::Manager])?;
    caller.check_outlet(transfer.dest_outlet_id.unwrap_or(-1))?;
    let by = caller.id;
    let input = body.into_inner();
    let receipt = state
        .write(move |c| Ok(posting::receive_transfer(c, id, &input, by)?))
        .await?;
    Ok(HttpResponse::Created().json(load_view(&state, &caller, receipt.id).await?))
}

/// Documents the caller may see, newest first.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(DocumentFilter),
    responses((status = 200, description = "Documents", body = Vec<Document>))
)]
#[get("/stock-documents")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    filter: web::Query<DocumentFilter>,
) -> Result<web::Json<Vec<Document>>, ApiError> {
    let mut f = filter.into_inner();
    let outlets = match caller.role {
        Role::Admin | Role::Inspector => None,
        Role::Manager | Role::Cashier => Some(vec![caller.outlet_id.unwrap_or(-1)]),
        Role::Producer => {
            if f.producer_id.is_some_and(|p| Some(p) != caller.producer_id) {
                return Ok(web::Json(Vec::new()));
            }
            f.producer_id = Some(caller.producer_id.unwrap_or(-1));
            None
        }
    };
    Ok(web::Json(
        state
            .read(move |c| Ok(document::list(c, &f, outlets)?))
            .await?,
    ))
}

/// One document with its lines and ledger entries.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document", body = DocumentView),
        (status = 404, description = "No such document (or not yours)", body = ErrorBody),
    )
)]
#[get("/stock-documents/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<DocumentView>, ApiError> {
    Ok(web::Json(
        load_view(&state, &caller, id.into_inner()).await?,
    ))
}
