//! Prometheus metrics at `GET /metrics` (issue 17), in the text exposition
//! format:
//!
//! - `ocop_http_requests_total{method,route,status}` and
//!   `ocop_http_request_duration_seconds{method,route}`: every answer, by
//!   the route's pattern (`/api/v1/sales/{id}`, never the raw path, so a
//!   scanner cannot blow up the label sets; unmatched paths are `other`);
//! - `ocop_sales_ingested_total{result}` (`created` or `resent`) and
//!   `ocop_sale_ingest_duration_seconds`: the checks and the write
//!   transaction of one sale;
//! - `ocop_till_queue_lag_seconds{till}`: for each till, how long its latest
//!   sale waited between the sale and its arrival here (a till selling
//!   offline shows hours; a healthy one seconds);
//! - `ocop_db_pool_connections{state}` (`idle`, `in_use`) and
//!   `ocop_db_pool_size`, read at scrape time;
//! - `ocop_rollup_lag_seconds`: how long the oldest sale not yet in the
//!   dashboard's daily rollups has waited since it arrived (0 when all are
//!   in), read at scrape time.
//!
//! Who may read it: a request from this machine (loopback, not through a
//! trusted proxy), or one that sends `Authorization: Bearer
//! <OCOP_METRICS_TOKEN>`; anyone else gets 404, as if it were not there.

use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, get, web};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

use crate::error::ApiError;
use crate::state::AppState;

/// Latency buckets, in seconds: a checkout's request should be well under
/// 100 ms; a catch-up batch may take seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process's metrics; one per `AppState`.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    sales: IntCounterVec,
    ingest: Histogram,
    till_lag: IntGaugeVec,
    pool: IntGaugeVec,
    pool_size: IntGauge,
    rollup_lag: IntGauge,
}

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new_custom(Some("ocop".to_owned()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP answers by route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP answer time")
                .buckets(BUCKETS.to_vec()),
            &["method", "route"],
        )?;
        let sales = IntCounterVec::new(
            Opts::new(
                "sales_ingested_total",
                "Sales received from tills: created, or resent and answered from the store",
            ),
            &["result"],
        )?;
        let ingest = Histogram::with_opts(
            HistogramOpts::new(
                "sale_ingest_duration_seconds",
                "Checks and write transaction of one sale",
            )
            .buckets(BUCKETS.to_vec()),
        )?;
        let till_lag = IntGaugeVec::new(
            Opts::new(
                "till_queue_lag_seconds",
                "How long the till's latest sale waited before it arrived",
            ),
            &["till"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database connections by state"),
            &["state"],
        )?;
        let pool_size = IntGauge::new("db_pool_size", "Largest number of database connections")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(sales.clone()))?;
        registry.register(Box::new(ingest.clone()))?;
        registry.register(Box::new(till_lag.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        registry.register(Box::new(pool_size.clone()))?;
        let rollup_lag = IntGauge::new(
            "rollup_lag_seconds",
            "How long the oldest sale not yet in the daily rollups has waited",
        )?;
        registry.register(Box::new(rollup_lag.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            latency,
            sales,
            ingest,
            till_lag,
            pool,
            pool_size,
            rollup_lag,
        })
    }

    /// One sale from a till: whether it was new, how long it took here, and
    /// how long it had waited since it was sold.
    pub fn sale_ingested(&self, created: bool, took: Duration, till_id: i32, waited_secs: i64) {
        let result = if created { "created" } else { "resent" };
        self.sales.with_label_values(&[result]).inc();
        self.ingest.observe(took.as_secs_f64());
        if created {
            self.till_lag
                .with_label_values(&[till_id.to_string().as_str()])
                .set(waited_secs.max(0));
        }
    }

    fn answered(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.requests
            .with_label_values(&[method, route, status.to_string().as_str()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(took.as_secs_f64());
    }

    /// The exposition text, with the pool read now.
    fn render(&self, state: &AppState) -> Result<Vec<u8>, prometheus::Error> {
        let pool = state.db.pool_state();
        self.pool
            .with_label_values(&["idle"])
            .set(i64::from(pool.idle_connections));
        self.pool.with_label_values(&["in_use"]).set(i64::from(
            pool.connections.saturating_sub(pool.idle_connections),
        ));
        self.pool_size.set(i64::from(state.db.pool_max_size()));
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        Ok(out)
    }
}

/// Counts and times every answer by its route pattern.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());
    let method = req.method().as_str().to_owned();
    let res = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "other".to_owned());
        metrics.answered(&method, &route, res.status().as_u16(), started.elapsed());
    }
    Ok(res)
}

/// Whether the caller may read the metrics.
fn allowed(req: &HttpRequest, state: &AppState) -> bool {
    let sent = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let (Some(token), Some(sent)) = (&state.config.metrics_token, sent) {
        // Compared as digests, so the time taken says nothing of the token.
        use sha2::{Digest, Sha256};
        return Sha256::digest(token.expose().as_bytes()) == Sha256::digest(sent.as_bytes());
    }
    let peer = req.peer_addr().map(|a| a.ip());
    peer.is_some_and(|ip| {
        ip.is_loopback()
            && !state.config.trusted_proxies.contains(&ip)
            && !req.headers().contains_key("x-forwarded-for")
    })
}

/// The metrics, for Prometheus.
#[get("/metrics")]
pub async fn scrape(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !allowed(&req, &state) {
        return Err(ApiError::not_found());
    }
    let now = chrono::Utc::now().naive_utc();
    let lag = state
        .read(move |c| Ok(crate::models::rollup::lag_seconds(c, now)?))
        .await?;
    state.metrics.rollup_lag.set(lag);
    let body = state.metrics.render(&state).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(prometheus::TEXT_FORMAT)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(body))
}
