//! Tills: a manager (of the outlet) or an admin registers one and receives
//! its secret, once. The till then authenticates its journal posts with
//! `Authorization: Till <id>:<secret>` (see `auth::till`).

use actix_web::{HttpResponse, post, web};
use ocop_core::refusal::Refusal;
use ocop_core::wire::{RegisteredTill, TillInfo};
use serde::Deserialize;

use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::outlet;
use crate::models::sale::till::{self, Till};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTill {
    pub outlet_id: i32,
    /// A name people recognise: "Quầy 1".
    pub name: String,
}

/// A till as the one registering it sees it (its secret's digest left out).
fn info(till: Till) -> TillInfo {
    TillInfo {
        id: till.id,
        outlet_id: till.outlet_id,
        name: till.name,
        created_by: till.created_by,
        created_at: till.created_at.and_utc(),
    }
}

/// Registers a till at an outlet (manager of that outlet, or admin).
#[utoipa::path(
    tag = "sales",
    security(("bearer" = [])),
    request_body = NewTill,
    responses(
        (status = 201, description = "Registered; the secret is shown only now", body = RegisteredTill),
        (status = 404, description = "No such outlet, or not yours", body = ErrorBody),
        (status = 422, description = "Name empty or too long", body = ErrorBody),
    )
)]
#[post("/tills")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<NewTill>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin, Role::Manager])?;
    let NewTill { outlet_id, name } = body.into_inner();
    caller.check_outlet(outlet_id)?;
    let name = name.trim().to_owned();
    if name.is_empty()
        || name.chars().count() > 60
        || ocop_core::text::clean_text(&name, ocop_core::text::Lines::Single).is_err()
    {
        return Err(ApiError::from(Refusal::invalid(
            "invalid_till_name",
            "Tên máy bán hàng không được để trống và tối đa 60 ký tự.",
            "The till name must not be empty and at most 60 characters.",
        )));
    }
    let by = caller.id;
    let (till, secret) = state
        .write(move |c| {
            outlet::find(c, outlet_id)?;
            Ok(till::create(c, outlet_id, &name, by)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(RegisteredTill {
        authorization: format!("Till {}:{secret}", till.id),
        till: info(till),
        secret,
    }))
}

/// Adds the `till` security scheme (`Authorization: Till <id>:<secret>`)
/// to the OpenAPI document.
pub struct TillAuthDoc;

impl utoipa::Modify for TillAuthDoc {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "till",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`Till <till id>:<secret>` — the secret POST /api/v1/tills showed once",
            ))),
        );
    }
}
