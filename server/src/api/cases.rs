//! Inspector cases (issue 12): open, list with filters, read with every
//! step, add a step (status, assignee, note), confirm (recalling a lot or
//! suspending a producer), export as CSV or XLSX. Inspectors and admins only:
//! every other role gets 403 on every endpoint.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, get, post, web};

use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::provenance::case::{
    self, CaseFilter, CaseRow, CaseStep, CaseView, Confirm, ExportFormat, NewCase,
};
use crate::models::provenance::signals::{self as signal_model, Signal, Thresholds};
use crate::state::AppState;

const WHO: &[Role] = &[Role::Admin, Role::Inspector];

/// Opens a case.
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    request_body = NewCase,
    responses(
        (status = 201, description = "Opened", body = CaseView),
        (status = 403, description = "Not an inspector or admin", body = ErrorBody),
        (status = 422, description = "Invalid title or assignee", body = ErrorBody),
    )
)]
#[post("/cases")]
pub async fn open(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<NewCase>,
) -> Result<HttpResponse, ApiError> {
    caller.require(WHO)?;
    let (new, by) = (body.into_inner(), caller.id);
    let view = state.write(move |c| Ok(case::open(c, &new, by)?)).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Lists cases, newest first, filtered.
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    params(CaseFilter),
    responses(
        (status = 200, description = "Cases", body = Vec<CaseRow>),
        (status = 403, description = "Not an inspector or admin", body = ErrorBody),
    )
)]
#[get("/cases")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<CaseFilter>,
) -> Result<web::Json<Vec<CaseRow>>, ApiError> {
    caller.require(WHO)?;
    let f = q.into_inner();
    Ok(web::Json(
        state.read(move |c| Ok(case::list(c, &f)?)).await?,
    ))
}

/// The cases, filtered, as CSV (UTF-8 with BOM).
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    params(CaseFilter),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv"),
        (status = 403, description = "Not an inspector or admin", body = ErrorBody),
    )
)]
#[get("/cases.csv")]
pub async fn export(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<CaseFilter>,
) -> Result<HttpResponse, ApiError> {
    export_as(state, caller, q.into_inner(), ExportFormat::Csv).await
}

/// The filtered cases as a file: the CSV and the XLSX export.
async fn export_as(
    state: web::Data<AppState>,
    caller: AuthUser,
    f: CaseFilter,
    format: ExportFormat,
) -> Result<HttpResponse, ApiError> {
    caller.require(WHO)?;
    let rows = state.read(move |c| Ok(case::list(c, &f)?)).await?;
    let file = case::export(&rows, format).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, file.content_type))
        .insert_header((CONTENT_DISPOSITION, file.disposition()))
        .body(file.bytes))
}

/// The cases, filtered, as an XLSX workbook (ids as numbers, times as
/// date-times in Vietnam time).
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    params(CaseFilter),
    responses(
        (status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, description = "Not an inspector or admin", body = ErrorBody),
    )
)]
#[get("/cases.xlsx")]
pub async fn export_xlsx(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<CaseFilter>,
) -> Result<HttpResponse, ApiError> {
    export_as(state, caller, q.into_inner(), ExportFormat::Xlsx).await
}

/// One case with every step.
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case", body = CaseView),
        (status = 403, description = "Not an inspector or admin", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
    )
)]
#[get("/cases/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<CaseView>, ApiError> {
    caller.require(WHO)?;
    let id = id.into_inner();
    Ok(web::Json(
        state.read(move |c| Ok(case::find(c, id)?)).await?,
    ))
}

/// Adds a step: a status (`investigating`, `dismissed`), an assignee, a note.
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Case id")),
    request_body = CaseStep,
    responses(
        (status = 200, description = "The case after the step", body = CaseView),
        (status = 403, description = "Not an inspector or admin", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
        (status = 409, description = "The case is closed", body = ErrorBody),
        (status = 422, description = "Invalid step", body = ErrorBody),
    )
)]
#[post("/cases/{id}/steps")]
pub async fn step(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<CaseStep>,
) -> Result<web::Json<CaseView>, ApiError> {
    caller.require(WHO)?;
    let (id, s, by) = (id.into_inner(), body.into_inner(), caller.id);
    Ok(web::Json(
        state.write(move |c| Ok(case::step(c, id, &s, by)?)).await?,
    ))
}

/// Confirms a case; may recall its lot and suspend its producer.
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Case id")),
    request_body = Confirm,
    responses(
        (status = 200, description = "Confirmed", body = CaseView),
        (status = 403, description = "Not an inspector or admin", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
        (status = 409, description = "Closed already, or the lot is already recalled", body = ErrorBody),
        (status = 422, description = "No reason, or nothing to recall/suspend", body = ErrorBody),
    )
)]
#[post("/cases/{id}/confirm")]
pub async fn confirm(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<Confirm>,
) -> Result<web::Json<CaseView>, ApiError> {
    caller.require(WHO)?;
    let (id, c_in, by) = (id.into_inner(), body.into_inner(), caller.id);
    Ok(web::Json(
        state
            .write(move |c| Ok(case::confirm(c, id, &c_in, by)?))
            .await?,
    ))
}

/// Signals computed from scans and sales, each explained in words;
/// thresholds as query parameters.
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    params(Thresholds),
    responses(
        (status = 200, description = "Signals", body = Vec<Signal>),
        (status = 403, description = "Not an inspector or admin", body = ErrorBody),
    )
)]
#[get("/signals")]
pub async fn signals(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<Thresholds>,
) -> Result<web::Json<Vec<Signal>>, ApiError> {
    caller.require(WHO)?;
    let t = q.into_inner();
    Ok(web::Json(
        state
            .read(move |c| Ok(signal_model::compute(c, &t)?))
            .await?,
    ))
}
