//! Issue 15, the contract: every error answer is JSON with a code — also
//! those actix or an extractor builds before a handler runs (a web form
//! that does not parse, a body over its limit, a wrong content type) —;
//! the OpenAPI document defines every schema it references; date-times
//! carry their offset.

use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref"
                    && let Some(r) = x.as_str()
                {
                    out.insert(r.to_owned());
                }
                refs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_referenced_schema_is_defined() {
    let app = TestApp::spawn().await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let mut found = BTreeSet::new();
    refs(&doc, &mut found);
    assert!(found.contains("#/components/schemas/Format"), "{found:?}");
    for r in found {
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{r} is referenced but not defined"
        );
    }
}

async fn raw(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, String, Value) {
    let res = app
        .client
        .post(app.url(path))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = res.json::<Value>().await.unwrap_or(Value::Null);
    (status, ct, body)
}

#[tokio::test]
async fn errors_built_before_a_handler_are_json_with_a_code() {
    let app = TestApp::spawn_demo().await;
    for (path, content_type, body, status, code) in [
        // a web form that does not parse, and one sent as JSON
        (
            "/login",
            "application/x-www-form-urlencoded",
            b"username=x".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "/login",
            "application/json",
            b"{}".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        // a raw body over its limit
        (
            "/api/v1/bank/notifications",
            "application/json",
            vec![b'x'; 3 * 1024 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        // and the JSON extractor's own (unchanged)
        (
            "/api/v1/auth/login",
            "text/plain",
            b"x".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ] {
        let (got, ct, json) = raw(&app, path, content_type, body).await;
        assert_eq!(got, status, "{path}: {json}");
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        assert_eq!(json["error"], code, "{path}: {json}");
        assert!(!json["message"].as_str().unwrap().is_empty());
    }
    // English on request, like every other error
    let res = app
        .client
        .post(app.url("/login"))
        .header("Accept-Language", "en")
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    let json: Value = res.json().await.unwrap();
    assert!(
        json["message"]
            .as_str()
            .unwrap()
            .starts_with("The body's Content-Type"),
        "{json}"
    );
}

#[tokio::test]
async fn a_registered_till_says_when_in_utc() {
    let app = TestApp::spawn_demo().await;
    let manager = app.login("manager1", "demo1234").await;
    let (_, outlets) = app.get("/api/v1/outlets", Some(&manager)).await;
    let outlet = outlets
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "LC-SR01")
        .unwrap()["id"]
        .clone();
    let (status, body) = app
        .post(
            "/api/v1/tills",
            Some(&manager),
            &json!({"outlet_id": outlet, "name": "Quầy 9"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let at = body["till"]["created_at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
    assert!(at.ends_with('Z'), "{at}");
}
