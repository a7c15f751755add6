//! Hostile and malformed requests get clear 4xx answers and change nothing.

use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn user_count(app: &TestApp, admin: &str) -> usize {
    app.get("/api/v1/users", Some(admin))
        .await
        .1
        .as_array()
        .unwrap()
        .len()
}

async fn raw_post(
    app: &TestApp,
    path: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn malformed_unknown_oversize_and_wrong_type_bodies_are_4xx_and_write_nothing() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let before = user_count(&app, &admin).await;

    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "application/json",
            br#"{"username": "x1", "#.to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "application/json",
            b"not json at all".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "application/json",
            serde_json::to_vec(
                &json!({"username": "cashier7", "display_name": "x", "password": "longenough",
                "role": "cashier", "outlet_id": 1, "is_superuser": true}),
            )
            .unwrap(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "application/json",
            serde_json::to_vec(
                &json!({"username": "cashier7", "display_name": "x", "password": "longenough",
                "role": "emperor"}),
            )
            .unwrap(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "application/json",
            serde_json::to_vec(&json!({"username": 7})).unwrap(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "application/json",
            format!(
                r#"{{"username": "{}", "display_name": "x", "password": "y", "role": "admin"}}"#,
                "a".repeat(400_000)
            )
            .into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            "text/plain",
            b"{}".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ];
    for (ctype, body, want_status, want_code) in cases {
        let (status, answer) = raw_post(&app, "/api/v1/users", &admin, ctype, body).await;
        assert_eq!(status, want_status, "{answer}");
        assert_eq!(answer["error"], want_code, "{answer}");
        assert!(!answer["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(user_count(&app, &admin).await, before);
}

#[tokio::test]
async fn unknown_routes_and_bad_parameters_are_clear_errors() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let (status, body) = app.get("/api/v1/no-such-thing", Some(&admin)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "no_such_route");
    let (status, body) = app.get("/api/v1/producers/abc", Some(&admin)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_parameter");
    let (status, body) = app
        .get("/api/v1/products?producer_id=x", Some(&admin))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_parameter");
    let (status, body) = app.get("/api/v1/producers/99999", Some(&admin)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
}
