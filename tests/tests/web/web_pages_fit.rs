//! Issue 14: the stock pages and the producer's pages fit a 390-px phone
//! without sideways scrolling, and a 1366-px laptop, in a real browser
//! (headless Chromium, `ocop_e2e::browser`), each as its user gets it
//! signed in: the manager's stock pages and forms (receiving, write-off,
//! count, transfer, return, thresholds, alerts, movements, documents, a
//! posted note), the producer's portal, statements and stock, and the
//! catalogue's producer pages. (The producer's stock page was 556 px wide
//! at 390: a select as wide as its longest outlet name.) Screenshots are left in the test's folder.

use crate::web_common::{page, stock_ids, web_login};
use ocop_e2e::TestApp;
use ocop_e2e::browser::assert_fits;
use reqwest::StatusCode;

#[tokio::test]
async fn stock_and_producer_pages_fit_a_phone_and_a_laptop() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let (_, docs) = app.get("/api/v1/stock-documents", Some(&s.admin)).await;
    let doc = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["outlet_id"] == s.own && d["kind"] == "goods_received" && d["status"] == "posted"
        })
        .expect("a posted goods-received note of manager1's outlet")["id"]
        .as_i64()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let movements = format!(
        "/stock/movements?outlet_id={}&product_id={}",
        s.own, s.product
    );
    let print = format!("/stock/documents/{doc}/print");
    let posted = format!("/stock/documents/{doc}/posted");
    let manager = web_login(&app, "manager1").await;
    let producer = web_login(&app, "producer1").await;
    let admin = web_login(&app, "admin").await;
    let pages: Vec<(&str, &str, &str)> = vec![
        ("manager", "stock", "/stock"),
        ("manager", "alerts", "/stock/alerts"),
        ("manager", "receive", "/stock/receive"),
        ("manager", "write-off", "/stock/write-off"),
        ("manager", "count", "/stock/count"),
        ("manager", "transfer", "/stock/transfer"),
        ("manager", "return", "/stock/return"),
        ("manager", "thresholds", "/stock/thresholds"),
        ("manager", "movements", &movements),
        ("manager", "documents", "/stock/documents"),
        ("manager", "print", &print),
        ("manager", "posted", &posted),
        ("producer", "portal", "/portal"),
        ("producer", "statements", "/settlements"),
        ("producer", "producer-stock", "/stock"),
        ("producer", "producer-alerts", "/stock/alerts"),
        ("producer", "producers", "/catalogue/producers"),
        ("producer", "products", "/catalogue/products"),
        ("admin", "producer-new", "/catalogue/producers/new"),
        ("admin", "producer-edit", "/catalogue/producers/1/edit"),
    ];
    for (who, name, path) in pages {
        let cookie = match who {
            "manager" => &manager,
            "producer" => &producer,
            _ => &admin,
        };
        let (status, html) = page(&app, path, cookie).await;
        assert_eq!(status, StatusCode::OK, "{who} {path}: {html}");
        assert_fits(&html, &app.url("/"), tmp.path(), name, path);
    }
}
