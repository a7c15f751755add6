//! Fixtures shared by the catalogue test files: valid bodies to vary one
//! field at a time, GTIN builders, counts read straight from the database.

#![allow(dead_code)]

use diesel::prelude::*;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub const PASSWORD: &str = "demo1234";

/// A valid GTIN-13 with GS1 Vietnam's prefix 893, unique per `n`.
pub fn gtin13(n: u32) -> String {
    let body = format!("893{n:09}");
    let check = ocop_core::gtin::check_digit(&body).unwrap();
    format!("{body}{check}")
}

/// `gtin13(n)` with its check digit made wrong.
pub fn bad_gtin13(n: u32) -> String {
    let good = gtin13(n);
    let last = good.chars().last().unwrap().to_digit(10).unwrap();
    format!("{}{}", &good[..12], (last + 1) % 10)
}

/// The 14-digit form the server stores.
pub fn gtin14(n: u32) -> String {
    format!("0{}", gtin13(n))
}

pub fn producer_body(name: &str, tax_code: &str) -> Value {
    json!({
        "name": name,
        "kind": "htx",
        "tax_code": tax_code,
        "district_code": "bac-ha",
        "commune": "Xã Bản Phố",
        "address": "Thôn Bản Phố 1",
        "contact_name": "Lù Văn Páo",
        "phone": "0912 345 678",
        "bank_bin": "970405",
        "bank_account": "8800123456789",
        "bank_holder": "HTX TEST"
    })
}

/// A certified (4★, valid certificate) beverage product of `producer_id`.
pub fn product_body(producer_id: i64, name: &str, n: u32) -> Value {
    json!({
        "producer_id": producer_id,
        "name_vi": name,
        "group_code": "beverage",
        "stars": 4,
        "cert_number": format!("{n}/QĐ-UBND"),
        "cert_level": "province",
        "cert_issued_on": ocop_e2e::days_ago(100),
        "gtin": gtin13(n),
        "internal_code": format!("T-{n:05}"),
        "unit": "chai",
        "vat_rate": "10",
        "price": 150000,
        "food_safety_ref": format!("TCB {n}/2025")
    })
}

pub fn outlet_body(code: &str) -> Value {
    json!({
        "code": code,
        "name": "Điểm bán OCOP thử nghiệm",
        "kind": "rest_stop",
        "district_code": "bao-thang",
        "address": "Km 120 cao tốc Nội Bài – Lào Cai",
        "latitude": 22.3,
        "longitude": 104.1,
        "opening_hours": "07:00–21:00",
        "operator_name": "Công ty thử nghiệm",
        "commission_bp": 1500,
        "legal_name": "CÔNG TY THỬ NGHIỆM",
        "tax_code": "5300123456",
        "phone": "0214 3820 000"
    })
}

/// `base` with `changes` merged in (a `null` removes the key).
pub fn with(base: &Value, changes: &Value) -> Value {
    let mut out = base.clone();
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            out.as_object_mut().unwrap().remove(k);
        } else {
            out[k] = v.clone();
        }
    }
    out
}

/// Rows in a table, read from the database itself.
pub async fn count(app: &TestApp, table: &'static str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<N>(&mut *conn)
            .unwrap()
            .n
    })
    .await
    .unwrap()
}

/// Creates a producer as admin; returns its id.
pub async fn create_producer(app: &TestApp, admin: &str, name: &str, tax: &str) -> i64 {
    let (status, body) = app
        .post("/api/v1/producers", Some(admin), &producer_body(name, tax))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

/// Creates a product as admin; returns the body.
pub async fn create_product(app: &TestApp, admin: &str, body: &Value) -> Value {
    let (status, created) = app.post("/api/v1/products", Some(admin), body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

pub async fn put(app: &TestApp, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    app.call(reqwest::Method::PUT, path, Some(token), Some(body))
        .await
}
