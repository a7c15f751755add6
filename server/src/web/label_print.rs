//! Printing an issued batch of labels, rendered by `ocop-hardware`: the A4
//! PDF sticker sheet (5×13 labels of 38.1×21.2 mm, or `?layout=4x10`) for
//! office printers, and the ESC/POS job for label printers (one 50×30 mm
//! label per cut, raster, for an 80 mm head) — the bytes a till or any
//! tool sends to a printer URI. Under the web session (the batch page's
//! links) and the API's bearer token; the batch's visibility applies.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, get, web};
use ocop_hardware::layout::label::{LabelSize, ProvenanceLabelView, labels_document};
use ocop_hardware::pdf::{SheetLayout, sticker_sheet};
use ocop_hardware::{Mode, Paper, PrinterProfile, encode_to_vec};
use serde::Deserialize;

use super::forms;
use super::session::WebUser;
use crate::api::labels::visible_batch;
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::models::{producer, product};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SheetQuery {
    /// `5x13` (default, 38.1×21.2 mm stickers) or `4x10`.
    #[serde(default)]
    pub layout: Option<String>,
}

async fn views(
    state: &AppState,
    caller: &AuthUser,
    id: i32,
) -> Result<Vec<ProvenanceLabelView>, ApiError> {
    let batch = visible_batch(state, caller, id).await?;
    let product_id = batch.product_id;
    let (name, producer_name, stars) = state
        .read(move |c| {
            let p = product::find(c, product_id)?;
            let producer = producer::find(c, p.producer_id)?;
            Ok((p.name_vi, producer.name, p.stars))
        })
        .await?;
    let lot = Some(batch.lot_code.clone()).filter(|l| !l.is_empty());
    Ok(batch
        .labels
        .into_iter()
        .map(|l| ProvenanceLabelView {
            url: l.uri,
            product_name: name.clone(),
            producer: producer_name.clone(),
            lot: lot.clone(),
            expiry: batch.expires_on,
            stars: u8::try_from(stars.clamp(1, 5)).unwrap_or(5),
        })
        .collect())
}

fn rendering_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(anyhow::anyhow!("label rendering failed: {e}"))
}

async fn sheet(
    state: &AppState,
    caller: &AuthUser,
    id: i32,
    layout: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let layout = match layout {
        None | Some("5x13") => SheetLayout::a4_5x13(),
        Some("4x10") => SheetLayout::a4_grid(4, 10).ok_or_else(|| rendering_failed("4x10"))?,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_layout",
                "Khổ tờ tem chỉ có 5x13 hoặc 4x10.",
                "The sheet layout is 5x13 or 4x10.",
            ));
        }
    };
    let labels = views(state, caller, id).await?;
    let pdf = web::block(move || sticker_sheet(&labels, &layout))
        .await
        .map_err(ApiError::internal)?
        .map_err(rendering_failed)?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/pdf"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("inline; filename=\"tem-{id}.pdf\""),
        ))
        .body(pdf))
}

async fn escpos(state: &AppState, caller: &AuthUser, id: i32) -> Result<HttpResponse, ApiError> {
    let labels = views(state, caller, id).await?;
    let bytes = web::block(move || {
        let doc = labels_document(&labels, LabelSize::Mm50x30).map_err(rendering_failed)?;
        encode_to_vec(&doc, &PrinterProfile::new(Paper::Mm80, Mode::Raster))
            .map_err(rendering_failed)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/octet-stream"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"tem-{id}.escpos\""),
        ))
        .body(bytes))
}

/// The batch as an A4 PDF sticker sheet.
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Batch id"), SheetQuery),
    responses(
        (status = 200, description = "PDF", content_type = "application/pdf"),
        (status = 404, description = "No such batch, or not yours", body = ErrorBody),
    )
)]
#[get("/labels/batches/{id}/sheet.pdf")]
pub async fn sheet_api(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    q: web::Query<SheetQuery>,
) -> Result<HttpResponse, ApiError> {
    sheet(&state, &caller, id.into_inner(), q.layout.as_deref()).await
}

/// The batch as an ESC/POS label job (50×30 mm, one per cut, raster, 80 mm head).
#[utoipa::path(
    tag = "provenance",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Batch id")),
    responses(
        (status = 200, description = "ESC/POS bytes", content_type = "application/octet-stream"),
        (status = 404, description = "No such batch, or not yours", body = ErrorBody),
    )
)]
#[get("/labels/batches/{id}/labels.escpos")]
pub async fn escpos_api(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    escpos(&state, &caller, id.into_inner()).await
}

#[get("/labels/batches/{id}/sheet.pdf")]
pub async fn sheet_page(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
    q: web::Query<SheetQuery>,
) -> HttpResponse {
    sheet(&state, &me.user, id.into_inner(), q.layout.as_deref())
        .await
        .unwrap_or_else(|e| forms::failure(&me, &e))
}

#[get("/labels/batches/{id}/labels.escpos")]
pub async fn escpos_page(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    escpos(&state, &me.user, id.into_inner())
        .await
        .unwrap_or_else(|e| forms::failure(&me, &e))
}
