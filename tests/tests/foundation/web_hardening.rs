//! Issue 15, the web and auth findings over real HTTP: the login's `next`
//! stays on this site (and never breaks the `Location` header); every HTML
//! page carries the security headers, with no inline script or style left
//! for its policy to forbid, and signed-in pages are `no-store`; signing
//! out revokes the token server-side, for the API and the web session.

use ocop_e2e::TestApp;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn web_login(app: &TestApp, next: &str) -> reqwest::Response {
    no_redirects()
        .post(app.url("/login"))
        .form(&[
            ("username", "manager1"),
            ("password", "demo1234"),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

fn session_of(res: &reqwest::Response) -> String {
    res.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn login_next_only_goes_to_a_path_of_this_site() {
    let app = TestApp::spawn_demo().await;
    for (next, expected) in [
        ("/stock?outlet_id=1", "/stock?outlet_id=1"),
        ("/\t/evil.example/x", "/"),
        ("/\n/evil.example/x", "/"),
        ("/\r\nSet-Cookie: x=1", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/%0A", "/%0A"),
    ] {
        let res = web_login(&app, next).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(res.headers()[LOCATION], expected, "{next:?}");
    }
    // The same through the login form's query: the hidden field holds "/".
    let res = no_redirects()
        .get(app.url("/login?next=/%0A/evil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"name="next" value="/""#), "{html}");
}

#[tokio::test]
async fn every_page_has_the_security_headers_and_no_inline_script_or_style() {
    let app = TestApp::spawn_demo().await;
    let cookie = session_of(&web_login(&app, "/").await);
    let producer = session_of(
        &no_redirects()
            .post(app.url("/login"))
            .form(&[
                ("username", "producer1"),
                ("password", "demo1234"),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap(),
    );
    let client = no_redirects();
    let public = [
        "/login",
        "/r/00000000-0000-0000-0000-000000000000",
        "/report",
        "/01/09999999999994",
        "/products",
    ];
    let signed_in = [
        "/",
        "/catalogue/products",
        "/catalogue/producers",
        "/catalogue/outlets",
        "/stock",
        "/stock/alerts",
        "/stock/documents",
        "/stock/receive",
        "/stock/count",
        "/settlements",
        "/settlements/payouts",
        "/sales",
        "/sales/transfers",
        "/sales/vat-invoices",
        "/stock/write-off?outlet_id=1&write_off_reason=expired&product_id_1=1&qty_1=1",
        "/stock/documents/1/posted",
    ];
    // The producer portal (with its notifications and sell-through).
    let as_producer = ["/portal"];
    for (path, session) in public
        .iter()
        .map(|p| (*p, None))
        .chain(signed_in.iter().map(|p| (*p, Some(&cookie))))
        .chain(as_producer.iter().map(|p| (*p, Some(&producer))))
    {
        let with_session = session.is_some();
        let mut req = client.get(app.url(path));
        if let Some(c) = session {
            req = req.header(COOKIE, c);
        }
        let res = req.send().await.unwrap();
        assert!(
            res.status() == StatusCode::OK || res.status() == StatusCode::NOT_FOUND,
            "{path}: {}",
            res.status()
        );
        let h = res.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("style-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        if with_session {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
        let html = res.text().await.unwrap();
        assert!(html.contains(r#"href="/static/app.css""#), "{path}");
        for inline in ["<script", "<style", " style=", "onclick=", "onload="] {
            assert!(!html.contains(inline), "{path} holds {inline}");
        }
    }
    // the e-receipt keeps its stricter referrer policy
    let res = client
        .get(app.url("/r/00000000-0000-0000-0000-000000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    // the stylesheet itself, and a JSON answer gets nosniff too
    let res = client.get(app.url("/static/app.css")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(res.text().await.unwrap().contains(".card"));
    let res = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn signing_out_ends_the_token_and_the_session_everywhere() {
    let app = TestApp::spawn_demo().await;
    // The API: the same bearer token stops working at once.
    let token = app.login("cashier1", "demo1234").await;
    let (status, _) = app.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = app.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "token_revoked");
    // Another token of the same account is not affected.
    let other = app.login("cashier1", "demo1234").await;
    let (status, _) = app.get("/api/v1/auth/me", Some(&other)).await;
    assert_eq!(status, StatusCode::OK);
    // A second server on the same database refuses it too: the revocation
    // is in the database, not in the process.
    let twin = TestApp::spawn_with(|c| {
        c.database_url = app.test_db.url.clone();
    })
    .await;
    let (status, _) = twin.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = twin.get("/api/v1/auth/me", Some(&other)).await;
    assert_eq!(status, StatusCode::OK);

    // The web: the same cookie is signed out after logout.
    let client = no_redirects();
    let cookie = session_of(&web_login(&app, "/").await);
    let home = client
        .get(app.url("/"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    let marker = "name=\"csrf\" value=\"";
    let at = html.find(marker).unwrap() + marker.len();
    let csrf = html[at..].split('"').next().unwrap().to_owned();
    let res = client
        .post(app.url("/logout"))
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let again = client
        .get(app.url("/stock"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert!(
        again.headers()[LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
}
