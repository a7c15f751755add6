//! Building the application and running it: shared by `ocop-server serve`
//! and the tests, so the tests exercise exactly what production runs.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context as _;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi as _;
use utoipa_actix_web::AppExt as _;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::{self, ApiDoc};
use crate::auth::token::{self, TokenKeys};
use crate::config::Config;
use crate::db::Db;
use crate::error::{self, localize_errors};
use crate::state::AppState;
use crate::web as pages;

/// Largest JSON body accepted, in bytes.
pub const JSON_LIMIT: usize = 256 * 1024;

/// Connects to the database, applies migrations and loads the signing key.
pub fn prepare(config: Config) -> anyhow::Result<AppState> {
    let db = Db::connect(&config.database_url, config.db_pool_size)?;
    let applied = db.migrate()?;
    if !applied.is_empty() {
        tracing::info!(
            ?applied,
            backend = db.backend().name(),
            "migrations applied"
        );
    }
    let secret = {
        let mut conn = db.conn().context("no database connection")?;
        token::signing_secret(&mut conn, config.jwt_secret.as_ref())?
    };
    let tokens = TokenKeys::new(&secret, config.token_ttl)?;
    let state = AppState {
        db,
        config,
        tokens,
        login_limiter: Default::default(),
        report_limiter: crate::web::report::limiter(),
        metrics: crate::metrics::Metrics::new()?,
    };
    let pruned = prune_scans(&state)?;
    if pruned > 0 {
        tracing::info!(pruned, "old label scans deleted");
    }
    Ok(state)
}

/// Deletes the label scans older than the configured retention.
pub fn prune_scans(state: &AppState) -> anyhow::Result<usize> {
    let mut conn = state.db.conn().context("no database connection")?;
    Ok(crate::models::provenance::scan::prune(
        &mut conn,
        state.config.scan_retention_days,
    )?)
}

/// The OpenAPI document, generated from the registered handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(api::configure)
        .split_for_parts();
    let mut doc = doc;
    api::edge_statuses::document(&mut doc);
    doc
}

/// Starts serving on an already bound listener (tests bind port 0).
pub fn run(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let workers = state.config.workers;
    let tls = state.config.tls.clone();
    let state = web::Data::new(state);
    // The dashboard's daily rollups, kept off the checkout path; the task
    // ends when the server (and its state) is gone.
    tokio::spawn(crate::models::rollup::run_in_background(
        std::sync::Arc::downgrade(&state.clone().into_inner()),
    ));
    let mut server = HttpServer::new(move || {
        let (app, doc) = App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .app_data(state.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT)
                    .error_handler(error::json_error),
            )
            .app_data(
                web::PathConfig::default().error_handler(|e, _| error::param_error(e.to_string())),
            )
            .app_data(
                web::QueryConfig::default().error_handler(|e, _| error::param_error(e.to_string())),
            )
            .configure(api::configure)
            .split_for_parts();
        let mut doc = doc;
        api::edge_statuses::document(&mut doc);
        app.service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", doc))
            .service(web::redirect("/api/docs", "/api/docs/"))
            .configure(pages::configure)
            .service(crate::metrics::scrape)
            .default_service(web::to(error::no_such_route))
            .wrap(from_fn(pages::remember_lang))
            .wrap(from_fn(localize_errors))
            .wrap(TracingLogger::default())
            .wrap(from_fn(crate::metrics::observe))
            // Outermost, so every answer passes through it, errors included.
            .wrap(from_fn(pages::headers::security_headers))
    });
    if let Some(n) = workers {
        server = server.workers(n);
    }
    let server = match &tls {
        Some(files) => server
            .listen_rustls_0_23(listener, tls_config(files)?)
            .context("cannot listen (TLS)")?,
        None => server.listen(listener).context("cannot listen")?,
    };
    Ok(server.run())
}

/// The rustls configuration of `OCOP_TLS_CERT` / `OCOP_TLS_KEY`: the PEM
/// chain (server certificate first) and its private key, TLS 1.2 and 1.3,
/// with the same crypto provider (aws-lc-rs) as the till's client.
pub fn tls_config(files: &crate::config::TlsFiles) -> anyhow::Result<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("OCOP_TLS_CERT: cannot read {}", files.cert.display()))?;
    if certs.is_empty() {
        anyhow::bail!("OCOP_TLS_CERT: no certificate in {}", files.cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .with_context(|| format!("OCOP_TLS_KEY: cannot read {}", files.key.display()))?;
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("OCOP_TLS_CERT / OCOP_TLS_KEY: the key does not match the certificate")
}
