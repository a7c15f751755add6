//! Helpers the web-page suites share: form login, pages with the session
//! cookie, CSRF tokens read from a page, and form posts without following
//! redirects (so a test sees the 303 a saved form answers).

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
