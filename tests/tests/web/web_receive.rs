//! Issue 14: the goods-received form for a real delivery. An expired lot
//! is refused (web and API alike) unless the row says why it is taken in,
//! then received with the reason kept and listed among the expired lots
//! ("đã hết hạn", apart from "sắp hết hạn") with its write-off and
//! return-to-producer actions; every problem of every row is said at once
//! beside its row; "add a line" grows the form without JavaScript; a
//! chosen producer narrows the products; a scanned code fills its row;
//! a posted note lands on a page that says so, with print and the way on.

use crate::web_common::{csrf, id_in, items, on_hand_milli, page, post_form, stock_ids, web_login};
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::json;

fn row(n: usize, field: &str, value: impl Into<String>) -> (String, String) {
    (format!("{field}_{n}"), value.into())
}

fn header(token: &str, outlet: i64, producer: i64) -> Vec<(String, String)> {
    vec![
        ("csrf".into(), token.to_owned()),
        ("outlet_id".into(), outlet.to_string()),
        ("producer_id".into(), producer.to_string()),
        ("note".into(), "Giao hàng".into()),
    ]
}

async fn post(
    app: &TestApp,
    cookie: &str,
    fields: &[(String, String)],
) -> (StatusCode, Option<String>, String) {
    let fields: Vec<(&str, String)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    post_form(app, "/stock/receive", cookie, &fields).await
}

async fn documents(app: &TestApp, admin: &str) -> usize {
    items(&app.get("/api/v1/stock-documents", Some(admin)).await.1).len()
}

#[tokio::test]
async fn an_expired_lot_is_refused_unless_a_reason_is_given_then_flagged_with_actions() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let token = csrf(&app, &cookie).await;
    let docs = documents(&app, &s.admin).await;
    let before = on_hand_milli(&app, &s.admin, s.own, s.product).await;

    // The API: refused with a stable code, nothing written.
    let manager = app.login("manager1", "demo1234").await;
    let body = |reason: Option<&str>| {
        json!({"kind": "goods_received", "outlet_id": s.own, "producer_id": s.producer,
               "lines": [{"product_id": s.product, "lot_code": "OLD-2026", "qty": "3",
                          "expires_on": ocop_e2e::days_ago(2), "reason": reason}]})
    };
    let (status, refused) = app
        .post("/api/v1/stock-documents", Some(&manager), &body(None))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"], "lot_expired", "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("đã hết hạn"),
        "{refused}"
    );

    // The form: the reason asked for beside the row, nothing written.
    let mut fields = header(&token, s.own, s.producer);
    fields.extend([
        row(1, "product_id", s.product.to_string()),
        row(1, "lot_code", "OLD-2026"),
        row(1, "expires_on", ocop_e2e::days_ago(2)),
        row(1, "qty", "3"),
    ]);
    let (status, _, html) = post(&app, &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let beside = html.split("name=\"reason_1\"").nth(1).unwrap();
    assert!(
        beside[..beside.find("</div>").unwrap()].contains("lô đã hết hạn"),
        "{html}"
    );
    assert_eq!(documents(&app, &s.admin).await, docs);
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await,
        before
    );

    // With a reason: received, the reason kept on the line.
    fields.push(row(1, "reason", "Nhận để trả lại chủ thể"));
    let (status, location, body) = post(&app, &cookie, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.unwrap();
    let id = id_in(location.trim_end_matches("/posted"));
    let (_, doc) = app
        .get(&format!("/api/v1/stock-documents/{id}"), Some(&s.admin))
        .await;
    assert_eq!(
        doc["lines"][0]["reason"], "Nhận để trả lại chủ thể",
        "{doc}"
    );
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await - before,
        3000
    );

    // The alerts: expired apart from expiring, each with its actions.
    let (_, alerts) = app
        .get("/api/v1/stock/alerts?expiry_days=30", Some(&manager))
        .await;
    let expired = alerts["expired_lots"].as_array().unwrap();
    assert!(
        expired.iter().any(|l| l["lot_code"] == "OLD-2026"),
        "{alerts}"
    );
    assert!(
        alerts["expiring_lots"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["days_left"].as_i64().unwrap() >= 0),
        "{alerts}"
    );
    let (status, html) = page(&app, "/stock/alerts", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let (expired_part, expiring_part) = html.split_once("Lô sắp hết hạn").expect("two sections");
    assert!(expired_part.contains("Lô đã hết hạn"), "{html}");
    assert!(expired_part.contains("OLD-2026"), "{html}");
    assert!(!expiring_part.contains("OLD-2026"), "{html}");
    let write_off = format!(
        "/stock/write-off?outlet_id={}&amp;write_off_reason=expired&amp;product_id_1={}&amp;lot_code_1=OLD-2026&amp;qty_1=3",
        s.own, s.product
    );
    assert!(expired_part.contains(&write_off), "{expired_part}");
    assert!(
        expired_part.contains("/stock/return?outlet_id="),
        "{expired_part}"
    );
    // The action opens its form filled in.
    let (status, form) = page(&app, &write_off.replace("&amp;", "&"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"OLD-2026\""), "{form}");
    assert!(
        form.contains(&format!("<option value=\"{}\" selected", s.product)),
        "{form}"
    );
    assert!(
        form.contains("<option value=\"expired\" selected"),
        "{form}"
    );
}

#[tokio::test]
async fn every_problem_of_every_row_is_said_at_once_and_nothing_is_written() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let token = csrf(&app, &cookie).await;
    let docs = documents(&app, &s.admin).await;
    let mut fields = header(&token, s.own, s.producer);
    fields.extend([
        // Row 1 cannot be read; row 2 is fine; rows 3 and 4 break rules.
        row(1, "product_id", s.product.to_string()),
        row(1, "qty", "abc"),
        row(2, "product_id", s.product.to_string()),
        row(2, "qty", "1"),
        row(3, "product_id", s.product.to_string()),
        row(3, "qty", "-2"),
        row(4, "scan", "0000000000000"),
        row(4, "qty", "1"),
    ]);
    let (status, _, html) = post(&app, &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    for said in [
        "Dòng 1: số lượng &quot;abc&quot; không hợp lệ",
        "Dòng 3:",
        "Dòng 4:",
    ] {
        assert!(html.contains(said), "{said}: {html}");
    }
    assert!(!html.contains("Dòng 2:"), "{html}");
    assert_eq!(documents(&app, &s.admin).await, docs);
}

#[tokio::test]
async fn the_form_grows_narrows_reads_scans_and_says_it_posted() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let token = csrf(&app, &cookie).await;
    let (status, blank) = page(&app, "/stock/receive", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(blank.contains("name=\"product_id_4\""));
    assert!(!blank.contains("name=\"product_id_5\""));
    // A scanner's Enter presses the first button: "update", never "post".
    let form = &blank[blank.find("action=\"/stock/receive\"").unwrap()..];
    let first = form.find("type=\"submit\"").unwrap();
    assert!(
        form[first..first + 80].contains("value=\"refresh\""),
        "{form}"
    );

    // Add a line: one more row, what was typed kept, nothing written.
    let docs = documents(&app, &s.admin).await;
    let mut fields = header(&token, s.own, s.producer);
    fields.extend([
        ("rows".into(), "4".into()),
        ("action".into(), "add_line".into()),
        row(1, "product_id", s.product.to_string()),
        row(1, "qty", "2"),
    ]);
    let (status, _, html) = post(&app, &cookie, &fields).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"product_id_5\""), "{html}");
    assert!(html.contains("name=\"rows\" value=\"5\""), "{html}");
    assert!(
        html.contains("name=\"qty_1\" type=\"text\" value=\"2\""),
        "{html}"
    );
    assert_eq!(documents(&app, &s.admin).await, docs);

    // The chosen producer narrows the products offered.
    let all = items(&app.get("/api/v1/products", Some(&s.admin)).await.1);
    let others = all
        .iter()
        .find(|p| p["producer_id"] != s.producer)
        .expect("another producer's product");
    let other_id = others["id"].as_i64().unwrap();
    let option = |id: i64| format!("<option value=\"{id}\"");
    let products_of = |html: &str| -> String {
        let at = html.find("name=\"product_id_1\"").unwrap();
        html[at..at + html[at..].find("</select>").unwrap()].to_owned()
    };
    assert!(
        products_of(&blank).contains(&option(other_id)),
        "all products without a producer"
    );
    assert!(products_of(&html).contains(&option(s.product)));
    assert!(
        !products_of(&html).contains(&option(other_id)),
        "only the producer's products"
    );

    // A scanned code fills its row on "update", the producer with it.
    let gtin = all
        .iter()
        .find(|p| p["producer_id"] == s.producer && p["id"] == s.product)
        .and_then(|p| p["gtin"].as_str())
        .expect("the product has a GTIN")
        .to_owned();
    let mut fields = header(&token, s.own, s.producer);
    fields.retain(|(k, _)| k != "producer_id");
    fields.extend([
        ("action".into(), "refresh".into()),
        row(1, "scan", gtin.clone()),
        row(1, "qty", "2"),
        row(2, "scan", "8930000000000"),
    ]);
    let (status, _, html) = post(&app, &cookie, &fields).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        products_of(&html).contains(&format!("<option value=\"{}\" selected", s.product)),
        "{html}"
    );
    let producers = &html[html.find("name=\"producer_id\"").unwrap()..];
    assert!(
        producers[..producers.find("</select>").unwrap()]
            .contains(&format!("<option value=\"{}\" selected", s.producer)),
        "{html}"
    );
    let beside = html.split("name=\"scan_2\"").nth(1).unwrap();
    assert!(
        beside[..beside.find("</div>").unwrap()].contains("Dòng 2"),
        "{html}"
    );

    // Posting a scanned row straight away works too; the page says posted.
    let before = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    let mut fields = header(&token, s.own, s.producer);
    fields.extend([
        ("action".into(), "post".into()),
        row(1, "scan", gtin),
        row(1, "lot_code", "SCAN-1"),
        row(1, "expires_on", ocop_e2e::days_ahead(200)),
        row(1, "qty", "4"),
    ]);
    let (status, location, body) = post(&app, &cookie, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.unwrap();
    assert!(location.ends_with("/posted"), "{location}");
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await - before,
        4000
    );
    let id = id_in(location.trim_end_matches("/posted"));
    let (status, done) = page(&app, &location, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(done.contains("Đã ghi sổ"), "{done}");
    assert!(
        done.contains(&format!("href=\"/stock/documents/{id}/print\"")),
        "{done}"
    );
    assert!(done.contains("/labels/new?"), "{done}");
    assert!(
        done.contains(&format!("/stock/receive?outlet_id={}", s.own)),
        "{done}"
    );
    assert!(done.contains("SCAN-1"), "the note itself: {done}");
}
