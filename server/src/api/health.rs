//! `GET /healthz`: is this server able to serve? Names the backend and the
//! schema version; 503 when the database does not answer within 2 seconds.

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;

use crate::db::{self, Backend};
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    pub database: Backend,
    /// The newest applied migration, e.g. `20261128000002`.
    pub schema_version: Option<String>,
    pub version: &'static str,
}

#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Serving", body = Health),
        (status = 503, description = "The database does not answer", body = Health),
    )
)]
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let db = state.db.clone();
    let backend = db.backend();
    let probe = web::block(move || {
        let mut conn = db
            .conn_within(Duration::from_secs(2))
            .map_err(|e| e.to_string())?;
        db::schema_version(&mut conn).map_err(|e| e.to_string())
    })
    .await;
    match probe {
        Ok(Ok(schema_version)) => HttpResponse::Ok().json(Health {
            status: "ok",
            database: backend,
            schema_version,
            version: env!("CARGO_PKG_VERSION"),
        }),
        Ok(Err(cause)) => {
            tracing::warn!(%cause, "health check: database unavailable");
            unavailable(backend)
        }
        Err(_) => unavailable(backend),
    }
}

fn unavailable(backend: Backend) -> HttpResponse {
    HttpResponse::ServiceUnavailable().json(Health {
        status: "unavailable",
        database: backend,
        schema_version: None,
        version: env!("CARGO_PKG_VERSION"),
    })
}
