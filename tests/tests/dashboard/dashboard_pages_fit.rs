//! Issue 17: the dashboard with figures, and one drilled down to a
//! product, lay out in headless Chromium at a phone's 390 px and a
//! laptop's 1366 px without sideways scrolling; the screenshots are left
//! in `target/dashboard-screens` for a person to look at.

use chrono::Utc;
use reqwest::StatusCode;

use crate::dashboard_common::{data_set, vn_day};
use crate::web_common::{page, web_login};
use ocop_e2e::browser::{WIDTHS, assert_fits};

#[tokio::test]
async fn the_dashboard_fits_a_phone_and_a_laptop() {
    let d = data_set().await;
    let app = &d.app;
    let cookie = web_login(app, "inspector").await;
    let dir = std::env::temp_dir().join(format!("dashboard-screens-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let today = vn_day(Utc::now());
    let pages = [
        (
            "dashboard-month",
            format!("/dashboard?period=month&date={today}"),
        ),
        (
            "dashboard-year",
            format!("/dashboard?period=year&date={today}"),
        ),
        (
            "dashboard-product",
            format!(
                "/dashboard?period=month&date={today}&outlet={}&product={}",
                d.outlet_id, d.items[0].id
            ),
        ),
    ];
    for (name, path) in &pages {
        let (status, html) = page(app, path, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_fits(&html, &app.url("/"), &dir, name, path);
        for w in WIDTHS {
            let png = dir.join(format!("{name}-{w}.png"));
            let bytes = std::fs::read(&png).unwrap_or_default();
            assert!(bytes.starts_with(b"\x89PNG"), "{} is a PNG", png.display());
        }
    }
    eprintln!("dashboard screenshots in {}", dir.display());
}
