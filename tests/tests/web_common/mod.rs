//! Helpers the web-page suites share: form login, pages with the session
//! cookie, CSRF tokens read from a page, and form posts without following
//! redirects (so a test sees the 303 a saved form answers); the ids and the
//! stock on hand the stock-page suites start from.

#![allow(dead_code, reason = "each suite uses a different subset")]

use ocop_e2e::TestApp;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Logs in through the form; returns the `ocop_session=…` cookie pair.
pub async fn web_login(app: &TestApp, user: &str) -> String {
    let res = no_redirects()
        .post(app.url("/login"))
        .form(&[("username", user), ("password", "demo1234"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login {user}");
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    cookie.split(';').next().unwrap().to_owned()
}

pub async fn page(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, String) {
    let res = no_redirects()
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let at = html.find(marker).expect("a csrf field") + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// The CSRF token of this session (read from its home page).
pub async fn csrf(app: &TestApp, cookie: &str) -> String {
    let (status, html) = page(app, "/", cookie).await;
    assert_eq!(status, StatusCode::OK);
    csrf_of(&html)
}

/// Posts a form; answers status, `Location` (if any) and body.
pub async fn post_form(
    app: &TestApp,
    path: &str,
    cookie: &str,
    fields: &[(&str, String)],
) -> (StatusCode, Option<String>, String) {
    let res = no_redirects()
        .post(app.url(path))
        .header(COOKIE, cookie)
        .form(fields)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    (status, location, res.text().await.unwrap())
}

/// The items of a list answer (a bare array).
pub fn items(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// The `…/{id}` at the end of a redirect target.
pub fn id_in(location: &str) -> i64 {
    location
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Milli-units on hand of a product at an outlet (all lots and owners).
pub async fn on_hand_milli(app: &TestApp, admin: &str, outlet: i64, product: i64) -> i64 {
    let (status, rep) = app
        .get(
            &format!("/api/v1/stock/on-hand?outlet_id={outlet}&product_id={product}"),
            Some(admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rep}");
    rep["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            ocop_core::money::Quantity::parse(r["qty"].as_str().unwrap())
                .unwrap()
                .milli()
        })
        .sum()
}

/// The ids the stock-page suites start from.
pub struct StockIds {
    pub admin: String,
    pub own: i64,
    pub other: i64,
    pub producer: i64,
    pub product: i64,
}

/// manager1's outlet, another outlet, producer1's producer and one of its
/// receivable products.
pub async fn stock_ids(app: &TestApp) -> StockIds {
    let admin = app.login("admin", "demo1234").await;
    let manager = app.login("manager1", "demo1234").await;
    let own = app.get("/api/v1/auth/me", Some(&manager)).await.1["outlet_id"]
        .as_i64()
        .unwrap();
    let prod_token = app.login("producer1", "demo1234").await;
    let producer = app.get("/api/v1/auth/me", Some(&prod_token)).await.1["producer_id"]
        .as_i64()
        .unwrap();
    let outlets = items(&app.get("/api/v1/outlets", Some(&admin)).await.1);
    let other = outlets
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .find(|id| *id != own)
        .unwrap();
    let products = items(
        &app.get(
            &format!("/api/v1/products?producer_id={producer}"),
            Some(&admin),
        )
        .await
        .1,
    );
    let product = products
        .iter()
        .find(|p| p["listing"]["can_receive"] == true && p["fractional"] == false)
        .expect("a receivable product of producer1")["id"]
        .as_i64()
        .unwrap();
    StockIds {
        admin,
        own,
        other,
        producer,
        product,
    }
}
