//! What every handler can reach: the database, the configuration and the
//! token keys. Passed as `web::Data<AppState>`, never as a global, so tests
//! can build as many differently configured apps as they like.

use crate::auth::login::LoginLimiter;
use crate::auth::token::TokenKeys;
use crate::config::Config;
use crate::db::{Db, DbConn};
use crate::error::ApiError;

#[derive(Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
    pub tokens: TokenKeys,
    /// Failed-login counts (per process), see `auth::login`.
    pub login_limiter: LoginLimiter,
    /// Public fake reports per client address (per process), see `web::report`.
    pub report_limiter: crate::throttle::Throttle<std::net::IpAddr>,
    /// Prometheus metrics of this process (`metrics`).
    pub metrics: crate::metrics::Metrics,
}

impl AppState {
    /// Runs blocking database work off the async workers.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        actix_web::web::block(move || {
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs `f` as one write transaction off the async workers.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        actix_web::web::block(move || db.write(f)).await?
    }
}
