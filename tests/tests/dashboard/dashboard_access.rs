//! Issue 17: only inspectors and admins see the dashboard and its
//! downloads; every other role is refused (403) on every page and file,
//! and a visitor without a session is sent to the login page.

use reqwest::StatusCode;

use crate::web_common::{no_redirects, page, web_login};
use ocop_e2e::TestApp;

const PATHS: [&str; 6] = [
    "/dashboard",
    "/dashboard?period=year&district=01",
    "/dashboard/export/summary.csv",
    "/dashboard/export/product.xlsx?period=week",
    "/dashboard/export/trend.csv?period=day",
    "/dashboard/export/district.xlsx",
];

#[tokio::test]
async fn only_inspectors_and_admins_see_the_dashboard() {
    let app = TestApp::spawn_demo().await;
    for user in ["manager1", "cashier1", "producer1"] {
        let cookie = web_login(&app, user).await;
        for path in PATHS {
            let (status, body) = page(&app, path, &cookie).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user} {path}");
            assert!(
                !body.contains("Doanh thu thuần"),
                "{user} {path} leaks figures"
            );
        }
        let (_, home) = page(&app, "/", &cookie).await;
        assert!(
            !home.contains("href=\"/dashboard\""),
            "{user} has no dashboard link"
        );
    }
    for path in PATHS {
        let res = no_redirects().get(app.url(path)).send().await.unwrap();
        assert!(
            res.status() == StatusCode::SEE_OTHER || res.status() == StatusCode::UNAUTHORIZED,
            "{path} without a session: {}",
            res.status()
        );
    }
    for user in ["inspector", "admin"] {
        let cookie = web_login(&app, user).await;
        for path in PATHS {
            let (status, _) = page(&app, path, &cookie).await;
            assert_eq!(status, StatusCode::OK, "{user} {path}");
        }
        let (_, home) = page(&app, "/", &cookie).await;
        assert!(
            home.contains("href=\"/dashboard\""),
            "{user} has the dashboard in the nav"
        );
        let (status, _) = page(&app, "/dashboard/export/nothing.csv", &cookie).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = page(&app, "/dashboard/export/summary.pdf", &cookie).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
