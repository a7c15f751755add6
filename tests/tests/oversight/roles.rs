//! Who may open the oversight pages: inspectors and admins; cashiers,
//! managers and producers are refused (403) on every page and export, as
//! on `/cases`; nobody signed in is sent to the login page.

use ocop_e2e::TestApp;
use reqwest::StatusCode;

use super::web_common::{no_redirects, page, web_login};

const PAGES: &[&str] = &[
    "/oversight",
    "/oversight/stock",
    "/oversight/certificates",
    "/oversight/expired-sales",
    "/oversight/outlets",
    "/oversight/tills",
    "/oversight/signals",
    "/oversight/stock.csv",
    "/oversight/certificates.xlsx",
    "/oversight/expired-sales.csv",
    "/oversight/outlets.xlsx",
    "/oversight/tills.csv",
    "/oversight/signals.xlsx",
    "/oversight/indicators",
];

#[tokio::test]
async fn only_inspectors_and_admins_see_the_oversight_pages() {
    let app = TestApp::spawn_demo().await;
    for user in ["inspector", "admin"] {
        let cookie = web_login(&app, user).await;
        for path in PAGES {
            let (status, body) = page(&app, path, &cookie).await;
            assert_eq!(status, StatusCode::OK, "{user} {path}: {body}");
        }
        // The nav leads there.
        let (_, home) = page(&app, "/", &cookie).await;
        assert!(home.contains("href=\"/oversight\""), "{user}");
    }
    for user in ["cashier1", "manager1", "producer1"] {
        let cookie = web_login(&app, user).await;
        for path in PAGES {
            let (status, _) = page(&app, path, &cookie).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user} {path}");
        }
        let (_, home) = page(&app, "/", &cookie).await;
        assert!(!home.contains("href=\"/oversight\""), "{user}");
    }
    for path in PAGES {
        let res = no_redirects().get(app.url(path)).send().await.unwrap();
        assert!(
            matches!(
                res.status(),
                StatusCode::SEE_OTHER | StatusCode::UNAUTHORIZED
            ),
            "anonymous {path}: {}",
            res.status()
        );
    }
    // An unknown list or file kind is 404.
    let cookie = web_login(&app, "inspector").await;
    for path in ["/oversight/nothing", "/oversight/stock.pdf"] {
        let (status, _) = page(&app, path, &cookie).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}
