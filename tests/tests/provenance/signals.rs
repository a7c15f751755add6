//! Signals: a serial never issued, a label scanned far more than its
//! product's others, scans after a recall — each explained in words, with
//! thresholds the inspector sets; inspectors and admins only.

use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{GTIN, HTML, LOT, fetch, issue, path_of};

fn of_kind<'a>(all: &'a Value, kind: &str) -> Vec<&'a Value> {
    all.as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == kind)
        .collect()
}

#[tokio::test]
async fn signals_are_computed_from_scans_and_explained() {
    let app = TestApp::spawn_demo().await;
    let manager = app.login("manager1", "demo1234").await;
    let batch = issue(&app, &manager, 3).await;
    let paths: Vec<String> = batch["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| path_of(l["uri"].as_str().unwrap()))
        .collect();
    let copied = batch["labels"][0]["serial"].as_str().unwrap().to_owned();
    for _ in 0..12 {
        fetch(&app, &paths[0], HTML).await;
    }
    fetch(&app, &paths[1], HTML).await;
    fetch(&app, &paths[2], HTML).await;
    for _ in 0..2 {
        fetch(&app, &format!("/01/{GTIN}/21/7K3M9PQRSTVWX"), HTML).await;
    }

    let inspector = app.login("inspector", "demo1234").await;
    let (status, all) = app.get("/api/v1/signals", Some(&inspector)).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let forged = of_kind(&all, "never_issued");
    assert_eq!(forged.len(), 1, "{all}");
    assert_eq!(forged[0]["serial"], "7K3M9PQRSTVWX");
    assert_eq!(forged[0]["count"], 2);
    assert!(
        forged[0]["explanation_vi"]
            .as_str()
            .unwrap()
            .contains("chưa từng được cấp")
    );
    let high = of_kind(&all, "scan_count_high");
    assert_eq!(high.len(), 1, "{all}");
    assert_eq!(high[0]["serial"], json!(copied));
    assert_eq!(high[0]["count"], 12);
    assert!(
        high[0]["explanation_en"]
            .as_str()
            .unwrap()
            .contains("scanned 12 times")
    );
    // A higher threshold: not flagged.
    let (_, stricter) = app
        .get("/api/v1/signals?min_scans=20", Some(&inspector))
        .await;
    assert!(of_kind(&stricter, "scan_count_high").is_empty());

    // After a recall, scans of the lot are a signal of their own.
    let (_, case) = app
        .post(
            "/api/v1/cases",
            Some(&inspector),
            &json!({"title": "x", "lot_id": LOT}),
        )
        .await;
    app.post(
        &format!("/api/v1/cases/{}/confirm", case["id"]),
        Some(&inspector),
        &json!({"reason": "thu hồi", "recall_lot": true}),
    )
    .await;
    fetch(&app, &paths[1], HTML).await;
    let (_, all) = app.get("/api/v1/signals", Some(&inspector)).await;
    let recalled = of_kind(&all, "recalled_or_suspended");
    assert_eq!(recalled.len(), 1, "{all}");
    assert_eq!(recalled[0]["count"], 1);

    for user in ["manager1", "cashier1", "producer1"] {
        let token = app.login(user, "demo1234").await;
        let (status, _) = app.get("/api/v1/signals", Some(&token)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
    }
}
