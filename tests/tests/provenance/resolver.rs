//! The public resolver: every label status in words, the linkset in RFC
//! 9264's shape, 400/404 for people and for programs, escaping of
//! producer text, the security headers, and the scan log.

use diesel::prelude::*;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{GTIN, HTML, base_of, fetch, issue, path_of};

/// The `data-status` of the page's label status box.
fn status_of(html: &str) -> Option<String> {
    let at = html.find("id=\"label-status\"")?;
    let rest = &html[at..];
    let v = rest.find("data-status=\"")? + 13;
    Some(rest[v..v + rest[v..].find('"')?].to_owned())
}

async fn scans(app: &TestApp) -> Vec<(Option<String>, Option<i32>, String, String, String)> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use ocop_server::db::schema::label_scans as s;
        let mut c = db.conn().unwrap();
        s::table
            .order(s::id)
            .select((
                s::serial,
                s::label_id,
                s::status,
                s::ip_prefix,
                s::ua_family,
            ))
            .load(&mut c)
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_label_reads_genuine_then_scanned_n_times_and_unknown_serials_are_not_registered() {
    let app = TestApp::spawn_demo().await;
    let manager = app.login("manager1", "demo1234").await;
    let batch = issue(&app, &manager, 2).await;
    let uri = batch["labels"][0]["uri"].as_str().unwrap().to_owned();
    let path = path_of(&uri);

    let (status, headers, html) = fetch(&app, &path, HTML).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        status_of(&html).as_deref(),
        Some("genuine_first_scan"),
        "{html}"
    );
    assert!(html.contains("Tem thật, đây là lần quét đầu tiên."));
    assert!(html.contains("Chè Shan Tuyết"), "the product is named");
    assert!(html.contains("DEMO-LC-SR01-01"), "the lot is shown");
    assert!(html.contains("Hợp tác xã"), "the producer's kind");
    assert!(!html.contains("<script"), "no script on a public page");
    // Security headers of every public page, and the linkset link.
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(headers[name], value, "{name}");
    }
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    let anchor = uri.split('?').next().unwrap();
    assert_eq!(
        headers["link"].to_str().unwrap(),
        format!("<{anchor}?linkType=linkset>; rel=\"linkset\"; type=\"application/linkset+json\"")
    );

    // Two more scans: the third phone reads "scanned 2 times since …".
    fetch(&app, &path, HTML).await;
    let (_, _, html) = fetch(&app, &format!("{path}&lang=en"), HTML).await;
    assert_eq!(status_of(&html).as_deref(), Some("genuine_scanned"));
    assert!(
        html.contains("Genuine label, scanned 2 times since"),
        "{html}"
    );
    assert!(html.contains("lang=\"en\""));

    // A well-formed serial this system never issued for the product.
    let forged = format!("/01/{GTIN}/10/DEMO-LC-SR01-01/21/7K3M9PQRSTVWX");
    let (status, _, html) = fetch(&app, &forged, HTML).await;
    assert_eq!(status, StatusCode::OK, "the product is still described");
    assert_eq!(status_of(&html).as_deref(), Some("not_registered"));
    assert!(html.contains("không phải là tem OCOP đã đăng ký"), "{html}");
    // A genuine serial under another lot is not this label either.
    let serial = batch["labels"][1]["serial"].as_str().unwrap();
    let (_, _, html) = fetch(&app, &format!("/01/{GTIN}/10/OTHER-LOT/21/{serial}"), HTML).await;
    assert_eq!(status_of(&html).as_deref(), Some("not_registered"));
    // The serial alone walks up to its lot and product.
    let (_, _, html) = fetch(&app, &format!("/01/{GTIN}/21/{serial}"), HTML).await;
    assert_eq!(status_of(&html).as_deref(), Some("genuine_first_scan"));
    assert!(html.contains("DEMO-LC-SR01-01"));

    // Every request was logged, with the coarse facts only.
    let log = scans(&app).await;
    assert_eq!(log.len(), 6);
    for (_, _, _, ip, ua) in &log {
        assert_eq!(ip, "127.0.0.0/24");
        assert_eq!(ua, "safari");
    }
    assert_eq!(log[0].2, "genuine_first_scan");
    assert_eq!(log[3].2, "not_registered");
    assert_eq!(log[3].1, None, "a forged serial links no label");
    assert_eq!(log[3].0.as_deref(), Some("7K3M9PQRSTVWX"));
}

/// Changes the producer of product 1 through the API as the admin;
/// returns the admin's token.
async fn edit_producer_of_product_1(app: &TestApp, edit: impl FnOnce(&mut Value)) -> String {
    let admin = app.login("admin", "demo1234").await;
    let (_, product) = app.get("/api/v1/products/1", Some(&admin)).await;
    let producer_id = product["producer_id"].as_i64().unwrap();
    let (_, mut input) = app
        .get(&format!("/api/v1/producers/{producer_id}"), Some(&admin))
        .await;
    for key in ["id", "created_at", "updated_at", "search_key"] {
        input.as_object_mut().unwrap().remove(key);
    }
    edit(&mut input);
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/producers/{producer_id}"),
            Some(&admin),
            Some(&input),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    admin
}

/// RFC 9264 §4.2: `{"linkset": [context…]}`, each context an object with
/// an `anchor` and relation types (registered names or URIs) mapping to
/// arrays of target objects that carry an `href`; `hreflang` an array of
/// strings, `title` and `type` strings.
fn assert_linkset_shape(v: &Value) {
    let obj = v.as_object().expect("an object");
    assert_eq!(obj.keys().collect::<Vec<_>>(), vec!["linkset"]);
    let contexts = obj["linkset"].as_array().expect("linkset is an array");
    assert!(!contexts.is_empty());
    for ctx in contexts {
        let ctx = ctx.as_object().expect("context object");
        assert!(ctx["anchor"].as_str().unwrap().starts_with("http"));
        for (rel, targets) in ctx.iter().filter(|(k, _)| *k != "anchor") {
            assert!(
                rel.starts_with("https://") || rel.starts_with("http://"),
                "{rel}"
            );
            let targets = targets.as_array().expect("targets are an array");
            assert!(!targets.is_empty(), "{rel}");
            for t in targets {
                let t = t.as_object().unwrap();
                assert!(t["href"].as_str().unwrap().starts_with("http"), "{rel}");
                if let Some(langs) = t.get("hreflang") {
                    assert!(langs.as_array().unwrap().iter().all(Value::is_string));
                }
                for key in ["title", "type"] {
                    if let Some(x) = t.get(key) {
                        assert!(x.is_string());
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn programs_get_a_linkset_and_json_errors() {
    let app = TestApp::spawn_demo().await;
    let manager = app.login("manager1", "demo1234").await;
    let batch = issue(&app, &manager, 1).await;
    let uri = batch["labels"][0]["uri"].as_str().unwrap().to_owned();
    let path = path_of(&uri);
    let anchor = uri.split('?').next().unwrap().to_owned();
    for (p, accept) in [
        (path.clone(), "application/linkset+json"),
        (format!("{path}&linkType=linkset"), HTML),
    ] {
        let (status, headers, body) = fetch(&app, &p, accept).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "application/linkset+json");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_linkset_shape(&v);
        let ctx = &v["linkset"][0];
        assert_eq!(ctx["anchor"], json!(anchor));
        for rel in [
            "pip",
            "defaultLink",
            "certificationInfo",
            "whereToBuy",
            "verificationService",
            "recallStatus",
        ] {
            assert!(
                ctx.get(format!("https://gs1.org/voc/{rel}")).is_some(),
                "{rel}: {ctx}"
            );
        }
        assert!(
            ctx[format!("{}/voc/reportFake", base_of(&uri))][0]["href"]
                .as_str()
                .unwrap()
                .contains("/report?")
        );
    }

    // 400 for a malformed path, 404 for a GTIN nobody carries: JSON for
    // programs, a page for people.
    let bad = format!("/01/{}9", &GTIN[..13]); // wrong check digit
    let (status, _, body) = fetch(&app, &bad, "application/json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"], "malformed_digital_link");
    let (status, headers, html) = fetch(&app, &bad, HTML).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.contains("Sai số kiểm tra"), "{html}");
    for malformed in [
        format!("/01/{GTIN}/10/A%20B"),
        format!("/01/{GTIN}/21/S/10/L"),
        format!("/01/{GTIN}/99/x"),
        "/l/not-a-serial".to_owned(),
    ] {
        let (status, _, body) = fetch(&app, &malformed, "application/json").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{malformed}: {body}");
    }
    let unknown = "/01/08936012345674"; // valid check digit, not in the catalogue
    let (status, _, body) = fetch(&app, unknown, "application/linkset+json").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"], "unknown_gtin");
    let (status, _, html) = fetch(&app, unknown, HTML).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Không có sản phẩm OCOP nào mang mã GTIN này."));
    // An own-path serial never issued: not a registered label.
    let (status, _, html) = fetch(&app, "/l/7K3M9PQRSTVWX", HTML).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("không phải là tem OCOP đã đăng ký"));
}

#[tokio::test]
async fn the_product_alone_lists_outlets_with_stock_and_escapes_producer_text() {
    let app = TestApp::spawn_demo().await;
    let admin = edit_producer_of_product_1(&app, |input| {
        input["name"] = json!("HTX <script>alert(1)</script> & \"Bạn\"");
        input["commune"] = json!("<img src=x onerror=alert(1)>");
    })
    .await;

    let (status, _, html) = fetch(&app, &format!("/01/{GTIN}"), HTML).await;
    assert_eq!(status, StatusCode::OK);
    assert!(status_of(&html).is_none(), "no label, no label status");
    assert!(
        html.contains("HTX &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bạn&quot;"),
        "{html}"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<script") && !html.contains("<img src=x"));
    // Where to buy: the demo outlets holding product 1.
    let where_to_buy = &html[html.find("id=\"where-to-buy\"").unwrap()..];
    assert!(where_to_buy.contains("<li>"), "{where_to_buy}");
    let (_, outlets) = app.get("/api/v1/outlets", Some(&admin)).await;
    let first = outlets["items"].as_array().or(outlets.as_array()).unwrap()[0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(html.contains(&first), "{first}");
}

#[tokio::test]
async fn a_suspended_producer_and_a_recalled_lot_are_said_plainly() {
    let app = TestApp::spawn_demo().await;
    let manager = app.login("manager1", "demo1234").await;
    let batch = issue(&app, &manager, 1).await;
    let path = path_of(batch["labels"][0]["uri"].as_str().unwrap());
    edit_producer_of_product_1(&app, |input| input["status"] = json!("suspended")).await;
    let (_, _, html) = fetch(&app, &path, HTML).await;
    assert_eq!(status_of(&html).as_deref(), Some("producer_suspended"));
    assert!(html.contains("đang bị tạm đình chỉ"));

    // A recall outranks the suspension.
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut c = db.conn().unwrap();
        ocop_server::models::provenance::recall::recall(&mut c, 1, "Nhiễm nấm mốc <b>", None, 1)
            .unwrap();
    })
    .await
    .unwrap();
    let (_, _, html) = fetch(&app, &path, HTML).await;
    assert_eq!(status_of(&html).as_deref(), Some("recalled_lot"));
    assert!(
        html.contains(
            "Lô hàng này đã bị thu hồi. Không sử dụng sản phẩm. Lý do: Nhiễm nấm mốc &lt;b&gt;"
        ),
        "{html}"
    );
}

#[tokio::test]
async fn scans_older_than_the_retention_are_pruned() {
    let app = TestApp::spawn_demo().await;
    fetch(&app, &format!("/01/{GTIN}"), HTML).await;
    let db = app.db.clone();
    let (pruned, left) = tokio::task::spawn_blocking(move || {
        use ocop_server::models::provenance::scan;
        let mut c = db.conn().unwrap();
        let old = scan::NewScan {
            scanned_at: chrono::Utc::now().naive_utc() - chrono::Duration::days(400),
            gtin: Some(GTIN.into()),
            lot_code: None,
            serial: None,
            label_id: None,
            product_id: None,
            status: "product".into(),
            ip_prefix: "203.0.113.0/24".into(),
            ua_family: "chrome".into(),
            latitude: None,
            longitude: None,
        };
        scan::record(&mut c, &old).unwrap();
        let pruned = scan::prune(&mut c, 365).unwrap();
        let left: i64 = ocop_server::db::schema::label_scans::table
            .count()
            .get_result(&mut c)
            .unwrap();
        (pruned, left)
    })
    .await
    .unwrap();
    assert_eq!((pruned, left), (1, 1), "the old scan goes, today's stays");
}
