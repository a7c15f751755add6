//! End-to-end tests of the Department's oversight (issue 17): the rating
//! record behind a certificate's stars, the oversight lists built from
//! data made through the real API, the programme indicators against
//! targets, and who may see them — the real server on a real port, on
//! SQLite or PostgreSQL (`OCOP_TEST_DATABASE_URL`).

#[path = "../sales_common/mod.rs"]
mod sales_common;
#[path = "../web_common/mod.rs"]
mod web_common;

mod generator;
mod indicators;
mod lists;
mod rating;
mod roles;

use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Map, Value};

/// The writable fields of a product (`ProductInput`), read from its JSON.
pub const INPUT_FIELDS: &[&str] = &[
    "producer_id",
    "name_vi",
    "name_en",
    "group_code",
    "stars",
    "cert_number",
    "cert_level",
    "cert_issued_on",
    "cert_expires_on",
    "rating_score",
    "rating_decision_no",
    "rating_decision_on",
    "rating_body",
    "gtin",
    "internal_code",
    "unit",
    "fractional",
    "vat_rate",
    "price",
    "food_safety_ref",
    "description",
    "photo_url",
    "key_product",
    "active",
];

/// The product as the API shows it.
pub async fn product(app: &TestApp, admin: &str, id: i64) -> Value {
    let (status, body) = app
        .get(&format!("/api/v1/products/{id}"), Some(admin))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The product's current fields as a full-update body.
pub fn input_of(p: &Value) -> Map<String, Value> {
    INPUT_FIELDS
        .iter()
        .map(|k| ((*k).to_owned(), p[*k].clone()))
        .collect()
}

/// PUTs a full update; (status, body).
pub async fn put_product(
    app: &TestApp,
    admin: &str,
    id: i64,
    body: &Map<String, Value>,
) -> (StatusCode, Value) {
    app.call(
        reqwest::Method::PUT,
        &format!("/api/v1/products/{id}"),
        Some(admin),
        Some(&Value::Object(body.clone())),
    )
    .await
}

/// The first refusal code of an error body.
pub fn code(body: &Value) -> String {
    body["error"].as_str().unwrap_or_default().to_owned()
}
