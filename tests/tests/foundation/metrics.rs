//! Prometheus metrics (issue 17): requests counted by route pattern and
//! status, sales ingested (new and resent apart) with the till's queue lag,
//! the database pool; readable from this machine or with the token only.

use crate::sales_common::{cart, post_sale, setup, stocked_items, to_json};
use ocop_e2e::TestApp;
use ocop_server::config::Secret;
use reqwest::StatusCode;

/// The value of one sample line `name{labels} value`, if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        l.strip_prefix(series)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

async fn scrape(app: &TestApp) -> String {
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    res.text().await.unwrap()
}

#[tokio::test]
async fn requests_sales_and_the_pool_are_counted() {
    let (app, mut till) = setup().await;
    let before = scrape(&app).await;
    let health = r#"ocop_http_requests_total{method="GET",route="/healthz",status="200"}"#;
    let start = sample(&before, health).unwrap_or(0.0);
    for _ in 0..3 {
        app.get("/healthz", None).await;
    }
    // A path with an id is counted under its pattern, never the raw path.
    let token = app.login("admin", "demo1234").await;
    let (status, _) = app.get("/api/v1/products/987654", Some(&token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // One sale, then the same sale again (a resend).
    let item = stocked_items(&app, till.outlet_id).await.remove(0);
    let sale = to_json(&till.sale(vec![cart(&item, 1)]));
    assert_eq!(post_sale(&app, &till, &sale).await.0, StatusCode::CREATED);
    assert_eq!(post_sale(&app, &till, &sale).await.0, StatusCode::OK);

    let text = scrape(&app).await;
    assert_eq!(sample(&text, health), Some(start + 3.0), "{text}");
    assert_eq!(
        sample(
            &text,
            r#"ocop_http_requests_total{method="GET",route="/api/v1/products/{id}",status="404"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(!text.contains("987654"), "raw paths must not become labels");
    assert_eq!(
        sample(&text, r#"ocop_sales_ingested_total{result="created"}"#),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, r#"ocop_sales_ingested_total{result="resent"}"#),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, "ocop_sale_ingest_duration_seconds_count"),
        Some(2.0)
    );
    let lag = sample(
        &text,
        &format!(r#"ocop_till_queue_lag_seconds{{till="{}"}}"#, till.id),
    )
    .expect("the till's lag");
    assert!((0.0..60.0).contains(&lag), "{lag}");
    assert_eq!(sample(&text, "ocop_db_pool_size"), Some(4.0), "{text}");
    assert!(sample(&text, r#"ocop_db_pool_connections{state="idle"}"#).is_some());
    assert!(
        sample(
            &text,
            r#"ocop_http_request_duration_seconds_count{method="GET",route="/healthz"}"#
        )
        .is_some_and(|n| n >= 3.0)
    );
}

#[tokio::test]
async fn only_this_machine_or_the_token_holder_reads_the_metrics() {
    let token = "m".repeat(40);
    let configured = Secret::new(token.clone());
    let app = TestApp::spawn_with(move |c| c.metrics_token = Some(configured)).await;
    let get = |xff: bool, bearer: Option<&str>| {
        let mut req = app.client.get(app.url("/metrics"));
        if xff {
            // Through a proxy on this machine: not "this machine" any more.
            req = req.header("X-Forwarded-For", "203.0.113.9");
        }
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        req.send()
    };
    assert_eq!(get(false, None).await.unwrap().status(), StatusCode::OK);
    let refused = get(true, None).await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
    assert_eq!(
        get(true, Some("wrong-token-of-forty-characters-xxxxxxxxx"))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(true, Some(&token)).await.unwrap().status(),
        StatusCode::OK
    );
}
