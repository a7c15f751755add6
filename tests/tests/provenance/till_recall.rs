//! The real till process: a label scanned at checkout is bound to the sale
//! on the server; after an inspector recalls the lot, the till's next sync
//! brings the recall and the till refuses to sell the lot, saying why.

use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::json;

use super::{HTML, LOT, fetch, issue, path_of};
use crate::till_common::{till, till_refuses, till_with_shift};

#[tokio::test]
async fn a_recall_reaches_a_real_till_which_refuses_the_lot() {
    let app = TestApp::spawn_demo().await;
    let (_tmp, dir, _cfg) = till_with_shift(&app).await;
    let manager = app.login("manager1", "demo1234").await;
    let batch = issue(&app, &manager, 2).await;
    let first = batch["labels"][0]["uri"].as_str().unwrap().to_owned();
    let second = batch["labels"][1]["uri"].as_str().unwrap().to_owned();

    // Sold with its label scanned, then sent.
    let d = dir.clone();
    let f = first.clone();
    tokio::task::spawn_blocking(move || {
        till(
            &d,
            &[
                "sell",
                "--item",
                &f,
                "--pay",
                "cash",
                "--printer",
                "none",
                "--json",
            ],
        );
        let sent = till(&d, &["sync", "--json"]);
        assert_eq!(sent["waiting"], 0, "{sent}");
    })
    .await
    .unwrap();
    let (_, _, html) = fetch(&app, &path_of(&first), HTML).await;
    assert!(html.contains("data-status=\"sold\""), "{html}");

    // The inspector recalls the lot.
    let inspector = app.login("inspector", "demo1234").await;
    let (_, case) = app
        .post(
            "/api/v1/cases",
            Some(&inspector),
            &json!({"title": "Thu hồi", "lot_id": LOT}),
        )
        .await;
    let (status, body) = app
        .post(
            &format!("/api/v1/cases/{}/confirm", case["id"]),
            Some(&inspector),
            &json!({"reason": "Nấm mốc", "recall_lot": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let d = dir.clone();
    let refused = tokio::task::spawn_blocking(move || {
        till(&d, &["sync", "--json"]);
        till_refuses(
            &d,
            &[
                "sell",
                "--item",
                &second,
                "--pay",
                "cash",
                "--printer",
                "none",
            ],
        )
    })
    .await
    .unwrap();
    assert!(refused.contains("recalled_lot"), "{refused}");
    assert!(refused.contains("KHÔNG BÁN"), "{refused}");
    assert!(refused.contains("Nấm mốc"), "{refused}");
}
