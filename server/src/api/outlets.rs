//! Outlets: list and read (every signed-in account), create (admin),
//! replace (admin; the outlet's manager for its day-to-day details), and the
//! versioned catalogue a till downloads to sell offline (with its own
//! credential or a user's token).

use std::io::Write as _;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;

use crate::auth::{AuthUser, Role, StaffOrTill};
use crate::error::{ApiError, ErrorBody};
use crate::models::outlet::{self, Outlet, OutletInput};
use crate::models::product::vn_today;
use crate::models::till_catalogue::{self, TillCatalogue};
use crate::state::AppState;

/// Outlets (every signed-in user may see where OCOP goods are sold).
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    responses((status = 200, description = "Outlets", body = Vec<Outlet>))
)]
#[get("/outlets")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: AuthUser,
) -> Result<web::Json<Vec<Outlet>>, ApiError> {
    Ok(web::Json(state.read(|c| Ok(outlet::list(c)?)).await?))
}

#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Outlet id")),
    responses(
        (status = 200, description = "The outlet", body = Outlet),
        (status = 404, description = "No such outlet", body = ErrorBody),
    )
)]
#[get("/outlets/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<Outlet>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state.read(move |c| Ok(outlet::find(c, id)?)).await?,
    ))
}

/// Registers an outlet (admin).
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    request_body = OutletInput,
    responses(
        (status = 201, description = "Created", body = Outlet),
        (status = 422, description = "A field is invalid; nothing was written", body = ErrorBody),
    )
)]
#[post("/outlets")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<OutletInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let (input, by) = (body.into_inner(), caller.id);
    let created = state
        .write(move |c| Ok(outlet::create(c, &input, Some(by))?))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Replaces an outlet's fields. Admins change anything; the outlet's own
/// manager only address, coordinates, opening hours and phone
/// (`admin_only_fields` otherwise).
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Outlet id")),
    request_body = OutletInput,
    responses(
        (status = 200, description = "Updated", body = Outlet),
        (status = 404, description = "No such outlet (or not yours)", body = ErrorBody),
        (status = 422, description = "A field is invalid; nothing was written", body = ErrorBody),
    )
)]
#[put("/outlets/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<OutletInput>,
) -> Result<web::Json<Outlet>, ApiError> {
    caller.require(&[Role::Admin, Role::Manager])?;
    let id = id.into_inner();
    let admin = caller.role == Role::Admin;
    if !admin {
        caller.check_outlet(id)?;
    }
    let (input, by) = (body.into_inner(), caller.id);
    Ok(web::Json(
        state
            .write(move |c| Ok(outlet::update(c, id, &input, admin, Some(by))?))
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    /// The `version` of the catalogue the till holds; omit for a full snapshot.
    pub since: Option<i64>,
}

/// Bodies smaller than this are not worth compressing.
const GZIP_MIN_BYTES: usize = 1024;

/// Everything a till needs to sell offline at this outlet: a full snapshot,
/// or with `since` only what changed (products the till may no longer sell
/// are listed in `removed`). Answers `304 Not Modified` when `If-None-Match`
/// names the current `ETag`. Gzip-compressed when the till accepts it.
/// The till reads it with its own credential (`Authorization: Till …`, its
/// outlet only) or a user of the outlet with a bearer token.
#[utoipa::path(
    tag = "catalogue",
    security(("bearer" = []), ("till" = [])),
    params(("id" = i32, Path, description = "Outlet id"), CatalogueQuery),
    responses(
        (status = 200, description = "Snapshot or delta", body = TillCatalogue),
        (status = 304, description = "Nothing changed since the ETag sent"),
        (status = 404, description = "No such outlet (or not yours)", body = ErrorBody),
    )
)]
#[get("/outlets/{id}/catalogue")]
pub async fn catalogue(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: StaffOrTill,
    id: web::Path<i32>,
    query: web::Query<CatalogueQuery>,
) -> Result<HttpResponse, ApiError> {
    let outlet_id = id.into_inner();
    caller.check_outlet(outlet_id)?;
    let since = query.since;
    let today = vn_today();
    let etag_of =
        move |version: i64| format!("\"o{outlet_id}-v{version}-d{}\"", today.format("%Y%m%d"));
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(sent) = &if_none_match {
        let (version, _) = state
            .read(move |c| {
                Ok((
                    till_catalogue::current_version(c)?,
                    outlet::find(c, outlet_id)?,
                ))
            })
            .await?;
        let etag = etag_of(version);
        if sent.split(',').any(|t| t.trim() == etag || t.trim() == "*") {
            return Ok(HttpResponse::NotModified()
                .insert_header((header::ETAG, etag))
                .finish());
        }
    }
    let gzip = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let public_url = state.config.public_url.clone();
    // Build, serialise and compress off the async workers.
    let (version, body, gzipped) = state
        .read(move |c| {
            let mut cat = till_catalogue::build(c, outlet_id, since, today)?;
            cat.public_url = Some(public_url);
            let json = serde_json::to_vec(&cat).map_err(ApiError::internal)?;
            if gzip && json.len() >= GZIP_MIN_BYTES {
                Ok((cat.version, gzip_bytes(&json)?, true))
            } else {
                Ok((cat.version, json, false))
            }
        })
        .await?;
    let mut res = HttpResponse::Ok();
    res.content_type("application/json")
        .insert_header((header::ETAG, etag_of(version)))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::VARY, "Accept-Encoding"));
    if gzipped {
        res.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")));
    }
    Ok(res.body(body))
}

/// Fast gzip: a 20 MB snapshot compresses ~8× at level 1 in a fraction of
/// the time level 6 takes.
pub fn gzip_bytes(data: &[u8]) -> Result<Vec<u8>, ApiError> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 6),
        flate2::Compression::fast(),
    );
    enc.write_all(data).map_err(ApiError::internal)?;
    enc.finish().map_err(ApiError::internal)
}
