//! Web pages: cookie sessions (HttpOnly, SameSite=Strict), CSRF on forms,
//! scope, language, and the API refusing the cookie.

use ocop_e2e::TestApp;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Logs in through the form; returns the `ocop_session=…` cookie pair.
async fn web_login(app: &TestApp, user: &str, password: &str) -> String {
    let res = no_redirects()
        .post(app.url("/login"))
        .form(&[
            ("username", user),
            ("password", password),
            ("next", "/catalogue/products"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/catalogue/products");
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    cookie.split(';').next().unwrap().to_owned()
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, String) {
    let res = no_redirects()
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn pages_need_a_session_and_login_sets_a_safe_cookie() {
    let app = TestApp::spawn_demo().await;
    let res = no_redirects()
        .get(app.url("/catalogue/products?q=che"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[LOCATION],
        "/login?next=/catalogue/products%3Fq%3Dche"
    );

    let res = no_redirects()
        .post(app.url("/login"))
        .form(&[("username", "manager1"), ("password", "wrong-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(SET_COOKIE).is_none());
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Sai tên đăng nhập hoặc mật khẩu")
    );

    // An open redirect through `next` is not possible.
    let res = no_redirects()
        .post(app.url("/login"))
        .form(&[
            ("username", "manager1"),
            ("password", "demo1234"),
            ("next", "https://evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[LOCATION], "/");

    let cookie = web_login(&app, "manager1", "demo1234").await;
    let (status, html) = page(&app, "/", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("manager1"));

    // The JSON API takes bearer tokens only: the cookie alone is not enough.
    let res = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn product_search_ignores_diacritics_and_pages_respect_producer_scope() {
    let app = TestApp::spawn_demo().await;
    let cookie = web_login(&app, "inspector", "demo1234").await;
    let (status, html) = page(&app, "/catalogue/products?q=ruou+ngo", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Rượu ngô Bản Phố"),
        "diacritics-insensitive search"
    );
    assert!(!html.contains("Chè Shan Tuyết"), "only matches are listed");
    let (_, html) = page(&app, "/catalogue/products?stars=2", &cookie).await;
    assert!(
        html.contains("Không được bày bán"),
        "the 2-star product is shown as not listable"
    );

    // producer1 owns the Ý Tý tea cooperative only.
    let mine = web_login(&app, "producer1", "demo1234").await;
    let (_, html) = page(&app, "/catalogue/products", &mine).await;
    assert!(html.contains("Chè Shan Tuyết"));
    assert!(
        !html.contains("Rượu ngô"),
        "another producer's product leaked"
    );
    let admin = app.login("admin", "demo1234").await;
    let (_, all) = app.get("/api/v1/products?q=ruou%20ngo", Some(&admin)).await;
    let foreign_id = all.as_array().or_else(|| all["items"].as_array()).unwrap()[0]["id"]
        .as_i64()
        .unwrap();
    let (status, _) = page(&app, &format!("/catalogue/products/{foreign_id}"), &mine).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, html) = page(&app, &format!("/catalogue/products/{foreign_id}"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Lịch sử giá"));
}

#[tokio::test]
async fn logout_needs_the_session_csrf_token() {
    let app = TestApp::spawn_demo().await;
    let cookie = web_login(&app, "cashier1", "demo1234").await;
    let other = web_login(&app, "manager1", "demo1234").await;
    let (_, html) = page(&app, "/", &other).await;
    let foreign_token = csrf_of(&html);

    for bad in ["", "00ff", foreign_token.as_str()] {
        let res = no_redirects()
            .post(app.url("/logout"))
            .header(COOKIE, &cookie)
            .form(&[("csrf", bad)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "csrf {bad:?}");
        assert!(res.headers().get(SET_COOKIE).is_none());
    }
    let (_, html) = page(&app, "/", &cookie).await;
    let token = csrf_of(&html);
    let res = no_redirects()
        .post(app.url("/logout"))
        .header(COOKIE, &cookie)
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cleared = res.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cleared.starts_with("ocop_session=;"), "{cleared}");
}

#[tokio::test]
async fn pages_switch_to_english_and_remember_it() {
    let app = TestApp::spawn_demo().await;
    let cookie = web_login(&app, "inspector", "demo1234").await;
    let res = no_redirects()
        .get(app.url("/catalogue/outlets?lang=en"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let remembered = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(remembered.starts_with("ocop_lang=en"), "{remembered}");
    let html = res.text().await.unwrap();
    assert!(html.contains("OCOP outlets"));
    assert!(html.contains("lang=\"en\""));
    let (_, html) = page(
        &app,
        "/catalogue/outlets",
        &format!("{cookie}; ocop_lang=en"),
    )
    .await;
    assert!(html.contains("Opening hours"));
    let (_, html) = page(&app, "/catalogue/outlets", &cookie).await;
    assert!(html.contains("Giờ mở cửa"), "Vietnamese by default");
}

/// Issue 11: a catalogue form is refused by the CSRF extractor before it is
/// read (a body the form would reject is still 403, not 400), and a POST
/// without a session goes to the login page; nothing is written.
#[tokio::test]
async fn a_forged_catalogue_form_is_refused_before_it_is_read() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let cookie = web_login(&app, "admin", "demo1234").await;
    let other = web_login(&app, "manager1", "demo1234").await;
    let (_, html) = page(&app, "/", &other).await;
    let foreign = csrf_of(&html);
    let named = || async {
        let (status, list) = app
            .get("/api/v1/products?q=Tra%20gia%20mao", Some(&admin))
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        list.as_array().map_or(0, Vec::len)
    };
    let before = named().await;
    for bad in ["", "00ff", foreign.as_str()] {
        for extra in [("unit", "hộp"), ("no_such_field", "x")] {
            let res = no_redirects()
                .post(app.url("/catalogue/products/new"))
                .header(COOKIE, &cookie)
                .form(&[("csrf", bad), ("name_vi", "Trà giả mạo"), extra])
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::FORBIDDEN,
                "csrf {bad:?} {extra:?}"
            );
            let body = res.text().await.unwrap();
            assert!(
                body.contains("anti") || body.contains("chống giả mạo"),
                "{body}"
            );
        }
    }
    let res = no_redirects()
        .post(app.url("/catalogue/products/new"))
        .form(&[("csrf", foreign.as_str()), ("name_vi", "Trà giả mạo")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()[LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
    assert_eq!(named().await, before, "nothing written");
}

/// Issue 14: the navigation of every page reaches the pages each role runs
/// its work by — sales (not producers), settlements (not cashiers), the
/// producer portal (producers), inspection cases (admins, inspectors) —
/// and each link it shows opens for that role. Producers get no link to
/// the API documentation.
#[tokio::test]
async fn the_navigation_links_each_roles_pages() {
    let app = TestApp::spawn_demo().await;
    let nav_of = |html: &str| -> String {
        let start = html.find("<nav>").expect("a nav");
        let end = html[start..].find("</nav>").unwrap() + start;
        html[start..end].to_owned()
    };
    for (user, shown, hidden) in [
        (
            "manager1",
            &["/sales", "/settlements"][..],
            &["/cases", "/portal"][..],
        ),
        (
            "cashier1",
            &["/sales"][..],
            &["/settlements", "/cases", "/portal"][..],
        ),
        (
            "producer1",
            &["/portal", "/settlements"][..],
            &["/sales", "/cases"][..],
        ),
        (
            "inspector",
            &["/sales", "/settlements", "/cases"][..],
            &["/portal"][..],
        ),
        (
            "admin",
            &["/sales", "/settlements", "/cases"][..],
            &["/portal"][..],
        ),
    ] {
        let cookie = crate::web_common::web_login(&app, user).await;
        let (status, html) = page(&app, "/stock", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{user}");
        let nav = nav_of(&html);
        for link in shown {
            assert!(
                nav.contains(&format!("href=\"{link}\"")),
                "{user} {link}: {nav}"
            );
            let (status, body) = page(&app, link, &cookie).await;
            assert_eq!(status, StatusCode::OK, "{user} follows {link}: {body}");
        }
        for link in hidden {
            assert!(
                !nav.contains(&format!("href=\"{link}\"")),
                "{user} {link}: {nav}"
            );
        }
        let (_, home) = page(&app, "/", &cookie).await;
        assert_eq!(
            home.contains("/api/docs/"),
            user != "producer1",
            "{user}: API documentation link"
        );
    }
}
