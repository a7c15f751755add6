//! Catalogue import (admin; CSV body, all or nothing, `dry_run` to check
//! only) and export (admin and inspector; CSV or XLSX), in the formats of
//! `docs/catalogue-csv.md`.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use crate::auth::{AuthUser, Role};
use crate::catalogue_io::export::{self as exporter, Format};
use crate::catalogue_io::import::{import_producers, import_products};
use crate::catalogue_io::{ImportReport, Kind, no_progress};
use crate::error::{ApiError, ErrorBody, request_lang};
use crate::state::AppState;

/// Largest CSV accepted: 100,000 products is about 30 MB.
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Check every row, write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// The answer to an import: the report, and an error code when rejected.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportAnswer {
    /// `import_rejected` when any row is bad (then nothing was written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    pub message: String,
    pub report: ImportReport,
}

/// Imports producers or products from a UTF-8 CSV body (admin). Every row is
/// checked first; if any is bad nothing is written and every problem is
/// listed with its line number (422).
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(("kind" = Kind, Path, description = "`producers` or `products`"), ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, description = "Imported (or, with dry_run, valid)", body = ImportAnswer),
        (status = 422, description = "Rejected: nothing written; every bad row listed", body = ImportAnswer),
        (status = 413, description = "Body too large", body = ErrorBody),
    )
)]
#[post("/import/{kind}")]
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    kind: web::Path<Kind>,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let body = payload
        .to_bytes_limited(IMPORT_LIMIT)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("Tệp quá lớn (tối đa {} MB).", IMPORT_LIMIT / 1024 / 1024),
                format!(
                    "The file is too large (at most {} MB).",
                    IMPORT_LIMIT / 1024 / 1024
                ),
            )
        })?
        .map_err(|e| {
            ApiError::bad_request(
                "invalid_request",
                "Không đọc được tệp gửi lên.",
                e.to_string(),
            )
        })?;
    let (kind, dry_run, by) = (kind.into_inner(), query.dry_run, caller.id);
    let report = state
        .write(move |c| {
            Ok(match kind {
                Kind::Producers => import_producers(c, &body, dry_run, &no_progress)?,
                Kind::Products => import_products(c, &body, dry_run, Some(by), &no_progress)?,
            })
        })
        .await?;
    let lang = request_lang(&req);
    let ok = report.is_ok();
    let answer = ImportAnswer {
        error: (!ok).then_some("import_rejected"),
        message: report.summary(lang),
        report,
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(HttpResponse::build(status).json(answer))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` (default) or `xlsx`.
    #[serde(default)]
    pub format: Format,
}

/// Exports producers or products in the import format (admin, inspector).
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(("kind" = Kind, Path, description = "`producers` or `products`"), ExportQuery),
    responses(
        (status = 200, description = "The file: CSV, or XLSX with `format=xlsx`", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 403, description = "Not allowed", body = ErrorBody),
    )
)]
#[get("/export/{kind}")]
pub async fn export(
    state: web::Data<AppState>,
    caller: AuthUser,
    kind: web::Path<Kind>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin, Role::Inspector])?;
    let (kind, format) = (kind.into_inner(), query.format);
    let bytes = state
        .read(move |c| exporter::export(c, kind, format).map_err(ApiError::internal))
        .await?;
    let name = match kind {
        Kind::Producers => "producers",
        Kind::Products => "products",
    };
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"ocop-{name}.{}\"",
                format.extension()
            ),
        ))
        .body(bytes))
}
