//! Scan resolution: whatever a scanner typed — an EAN/GTIN, an outlet's
//! internal barcode, or a GS1 Digital Link URI from a QR label — to the
//! product, and the lot and serial when the URI names them.

use actix_web::{get, web};
use ocop_core::digital_link::ScanInput;
use ocop_core::refusal::Refusal;
use serde::{Deserialize, Serialize};

use crate::api::products::ProductView;
use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::product;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ScanQuery {
    /// What the scanner typed.
    pub code: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScanResult {
    /// `gtin`, `internal_code` or `digital_link`.
    pub matched_by: &'static str,
    pub product: ProductView,
    /// Lot code (AI 10) when a Digital Link names one.
    pub lot: Option<String>,
    /// Serial (AI 21) when a Digital Link names one.
    pub serial: Option<String>,
    /// Expiry (AI 17) when a Digital Link names one.
    pub expiry: Option<chrono::NaiveDate>,
}

fn unknown_code(code: &str) -> ApiError {
    ApiError::from(Refusal::not_found(
        "unknown_code",
        format!("Không có sản phẩm nào mang mã \"{code}\"."),
        format!("No product carries the code \"{code}\"."),
    ))
}

/// Resolves a scan to a product. A GTIN with a wrong check digit or a
/// malformed Digital Link is 422; a well-formed code nobody carries is 404.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(ScanQuery),
    responses(
        (status = 200, description = "The product scanned", body = ScanResult),
        (status = 404, description = "No product carries the code", body = ErrorBody),
        (status = 422, description = "Not a valid code", body = ErrorBody),
    )
)]
#[get("/scan")]
pub async fn scan(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ScanQuery>,
) -> Result<web::Json<ScanResult>, ApiError> {
    let raw = query.into_inner().code;
    let input = ScanInput::classify(&raw).map_err(|e| ApiError::invalid(&e))?;
    let trimmed = raw.trim().to_owned();
    let shown = trimmed.clone();
    let (found, lot, serial, expiry) = state
        .read(move |c| {
            Ok(match input {
                ScanInput::Gtin(g) => {
                    // A restricted-circulation number may be stored as an internal code.
                    let by_gtin = product::find_by_gtin(c, g.as_str14())?.map(|p| (p, "gtin"));
                    let found = match by_gtin {
                        Some(hit) => Some(hit),
                        None => product::find_by_internal_code(c, &trimmed)?
                            .map(|p| (p, "internal_code")),
                    };
                    (found, None, None, None)
                }
                ScanInput::DigitalLink(dl) => (
                    product::find_by_gtin(c, dl.gtin.as_str14())?.map(|p| (p, "digital_link")),
                    dl.lot.map(|l| l.as_str().to_owned()),
                    dl.serial.map(|s| s.as_str().to_owned()),
                    dl.expiry,
                ),
                ScanInput::Internal(code) => (
                    product::find_by_internal_code(c, &code)?.map(|p| (p, "internal_code")),
                    None,
                    None,
                    None,
                ),
            })
        })
        .await?;
    let (found, matched_by) = found.ok_or_else(|| unknown_code(&shown))?;
    if caller.role == Role::Producer && caller.check_producer(found.producer_id).is_err() {
        return Err(unknown_code(&shown));
    }
    Ok(web::Json(ScanResult {
        matched_by,
        product: ProductView::of(found),
        lot,
        serial,
        expiry,
    }))
}
