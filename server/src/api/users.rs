//! Accounts, administered by admins: `GET` and `POST /api/v1/users`.

use actix_web::{get, post, web};
use ocop_core::refusal::Refusal;
use serde::Deserialize;

use crate::auth::{AuthUser, Role, password};
use crate::error::{ApiError, ErrorBody};
use crate::models::user::{self, NewUser};
use crate::state::AppState;
use ocop_core::wire::Me;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[schema(example = "cashier2")]
    pub username: String,
    #[schema(example = "Lò Thị Mai")]
    pub display_name: String,
    /// At least 8 characters.
    pub password: String,
    pub role: Role,
    /// Required for managers and cashiers.
    pub outlet_id: Option<i32>,
    /// Required for producer accounts.
    pub producer_id: Option<i32>,
}

/// Every account (admin only).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "All accounts", body = Vec<Me>),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<web::Json<Vec<Me>>, ApiError> {
    caller.require(&[Role::Admin])?;
    let users = state.read(|c| Ok(user::list(c)?)).await?;
    Ok(web::Json(users.iter().map(Me::from).collect()))
}

/// Creates an account (admin only). The password is stored as an argon2id hash.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = Me),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "Username taken", body = ErrorBody),
        (status = 422, description = "Invalid account", body = ErrorBody),
    )
)]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<CreateUser>,
) -> Result<actix_web::HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let body = body.into_inner();
    let new = validate(body)?;
    let created = state.write(move |c| Ok(user::insert(c, &new)?)).await?;
    tracing::info!(by = %caller.username, user = %created.username, role = %created.role, "account created");
    Ok(actix_web::HttpResponse::Created().json(Me::from(&created)))
}

fn validate(body: CreateUser) -> Result<NewUser, ApiError> {
    let username = body.username.trim().to_lowercase();
    user::check_account(&username, body.role, body.outlet_id, body.producer_id)
        .map_err(ApiError::from)?;
    if body.password.chars().count() < password::MIN_PASSWORD_CHARS {
        return Err(ApiError::from(Refusal::invalid(
            "password_too_short",
            format!(
                "Mật khẩu phải có ít nhất {} ký tự.",
                password::MIN_PASSWORD_CHARS
            ),
            format!(
                "The password needs at least {} characters.",
                password::MIN_PASSWORD_CHARS
            ),
        )));
    }
    let display_name = body.display_name.trim().to_owned();
    if display_name.is_empty() {
        return Err(ApiError::from(Refusal::invalid(
            "display_name_required",
            "Cần nhập họ tên hiển thị.",
            "A display name is required.",
        )));
    }
    Ok(NewUser {
        username,
        display_name,
        password_hash: password::hash(&body.password).map_err(ApiError::internal)?,
        role: body.role,
        outlet_id: body.outlet_id,
        producer_id: body.producer_id,
    })
}
