//! The resolver's paths in the OpenAPI document. The resolver answers at
//! the site's root (`/01/…`, `/l/…`, what a label's QR code holds), not
//! under `/api/v1`, and one handler (`resolver::by_gtin`) serves every
//! GS1 Digital Link shape; these functions are never called, they only
//! describe each shape for people and for schemathesis.
//!
//! Every shape answers the product page (`text/html`) by default, the RFC
//! 9264 linkset with `Accept: application/linkset+json` or
//! `?linkType=linkset`, and its errors as a page or as the API's JSON error
//! body (`Accept: application/json`).

#![expect(
    dead_code,
    reason = "documentation only: the paths are served by resolver::by_gtin and by_own_serial"
)]

use serde::Serialize;
use serde_json::Value;

use crate::error::ErrorBody;

/// An RFC 9264 linkset (`application/linkset+json`): one link context,
/// anchored at the requested URI, whose keys are GS1 link types
/// (`https://gs1.org/voc/pip`, `…/certificationInfo`, `…/whereToBuy`,
/// `…/verificationService`, `…/recallStatus`, `…/defaultLink`) and the
/// report-a-fake form, each an array of `{href, title, type, hreflang}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Linkset {
    #[schema(value_type = Vec<Object>, min_items = 1)]
    pub linkset: Vec<Value>,
}

/// The query every resolver path accepts.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResolverQuery {
    /// `linkset` (or `all`) answers the linkset instead of the page.
    #[param(rename = "linkType")]
    pub link_type: Option<String>,
    /// `vi` (default) or `en`: the page's language.
    pub lang: Option<String>,
    /// GS1 AI 17, the expiry date as `YYMMDD` (day `00`: end of month).
    #[param(rename = "17")]
    pub expiry: Option<String>,
    /// The district the person chose to share (`lao-cai`, `sa-pa`,
    /// `bat-xat`, `muong-khuong`, `si-ma-cai`, `bac-ha`, `bao-thang`,
    /// `bao-yen`, `van-ban`): the scan is logged at the district's centre,
    /// nothing finer. Another value is ignored.
    pub near: Option<String>,
}

/// The product, as a page or a linkset.
#[utoipa::path(
    get,
    path = "/01/{gtin}",
    tag = "provenance",
    params(("gtin" = String, Path, description = "GTIN-8, 12, 13 or 14"), ResolverQuery),
    responses(
        (status = 200, description = "The product page, or its linkset", content((Linkset = "application/linkset+json"), (String = "text/html"))),
        (status = 400, description = "Not a GS1 Digital Link (`malformed_digital_link`)", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 404, description = "No OCOP product has this GTIN (`unknown_gtin`)", content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
fn product() {}

/// A lot of the product.
#[utoipa::path(
    get,
    path = "/01/{gtin}/10/{lot}",
    tag = "provenance",
    params(
        ("gtin" = String, Path, description = "GTIN-8, 12, 13 or 14"),
        ("lot" = String, Path, description = "Lot number (AI 10), percent-encoded as GS1 requires"),
        ResolverQuery,
    ),
    responses(
        (status = 200, description = "The product page with the lot, or its linkset", content((Linkset = "application/linkset+json"), (String = "text/html"))),
        (status = 400, description = "Not a GS1 Digital Link (`malformed_digital_link`)", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 404, description = "No OCOP product has this GTIN (`unknown_gtin`)", content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
fn lot() {}

/// A serialised label of a lot: the page says the label's status.
#[utoipa::path(
    get,
    path = "/01/{gtin}/10/{lot}/21/{serial}",
    tag = "provenance",
    params(
        ("gtin" = String, Path, description = "GTIN-8, 12, 13 or 14"),
        ("lot" = String, Path, description = "Lot number (AI 10)"),
        ("serial" = String, Path, description = "Serial number (AI 21)"),
        ResolverQuery,
    ),
    responses(
        (status = 200, description = "The product page with the label's status, or its linkset", content((Linkset = "application/linkset+json"), (String = "text/html"))),
        (status = 400, description = "Not a GS1 Digital Link (`malformed_digital_link`)", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 404, description = "Unknown GTIN (`unknown_gtin`), or a well-formed serial never issued (`not_registered_label`)", content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
fn lot_serial() {}

/// A serialised label without a lot.
#[utoipa::path(
    get,
    path = "/01/{gtin}/21/{serial}",
    tag = "provenance",
    params(
        ("gtin" = String, Path, description = "GTIN-8, 12, 13 or 14"),
        ("serial" = String, Path, description = "Serial number (AI 21)"),
        ResolverQuery,
    ),
    responses(
        (status = 200, description = "The product page with the label's status, or its linkset", content((Linkset = "application/linkset+json"), (String = "text/html"))),
        (status = 400, description = "Not a GS1 Digital Link (`malformed_digital_link`)", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 404, description = "Unknown GTIN (`unknown_gtin`), or a well-formed serial never issued (`not_registered_label`)", content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
fn serial() {}

/// The label of a product without a GTIN (the project's own short path).
#[utoipa::path(
    get,
    path = "/l/{serial}",
    tag = "provenance",
    params(("serial" = String, Path, description = "The label's serial (13 Crockford base-32 characters)"), ResolverQuery),
    responses(
        (status = 200, description = "The product page with the label's status, or its linkset", content((Linkset = "application/linkset+json"), (String = "text/html"))),
        (status = 400, description = "Not the form of an issued serial (`malformed_label_path`)", content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 404, description = "A well-formed serial never issued (`not_registered_label`)", content((ErrorBody = "application/json"), (String = "text/html"))),
    )
)]
fn own_label() {}

/// The resolver's part of the API document, merged into `ApiDoc`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(product, lot, lot_serial, serial, own_label),
    components(schemas(Linkset))
)]
pub struct ResolverDoc;
