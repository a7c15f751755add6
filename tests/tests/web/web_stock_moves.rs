//! Stock leaving an outlet from the web pages: a transfer leaves outlet A,
//! is in transit, and arrives at B when B's manager receives it (a shortfall
//! recorded on the receipt); A's manager cannot receive at B (404); a
//! return to the producer takes goods off the shelf and is refused with the
//! model's reason when more than is on hand; low-stock thresholds are set
//! from a page and raise the alert.

use crate::web_common::{
    StockIds, csrf, id_in, items, on_hand_milli, page, post_form, stock_ids, web_login,
};
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::json;

struct Setup {
    admin: String,
    own: i64,
    other: i64,
    producer: i64,
    product: i64,
    cookie: String,
    token: String,
}

/// manager1's outlet with 20 of one of producer1's products in lot MOVE-1
/// (received through the goods-received form), and another outlet.
async fn setup(app: &TestApp) -> Setup {
    let StockIds {
        admin,
        own,
        other,
        producer,
        product,
    } = stock_ids(app).await;
    let cookie = web_login(app, "manager1").await;
    let token = csrf(app, &cookie).await;
    let fields = vec![
        ("csrf", token.clone()),
        ("outlet_id", own.to_string()),
        ("producer_id", producer.to_string()),
        ("note", String::new()),
        ("product_id_1", product.to_string()),
        ("lot_code_1", "MOVE-1".to_owned()),
        ("produced_on_1", ocop_e2e::days_ago(30)),
        ("expires_on_1", ocop_e2e::days_ahead(335)),
        ("qty_1", "20".to_owned()),
        ("payout_price_1", String::new()),
    ];
    let (status, _, body) = post_form(app, "/stock/receive", &cookie, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    Setup {
        admin,
        own,
        other,
        producer,
        product,
        cookie,
        token,
    }
}

/// A manager account at `outlet`, logged in on the web.
async fn manager_at(app: &TestApp, admin: &str, outlet: i64) -> String {
    let (status, body) = app
        .post(
            "/api/v1/users",
            Some(admin),
            &json!({"username": "manager_b", "display_name": "Quản lý B", "password": "demo1234",
                    "role": "manager", "outlet_id": outlet}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    web_login(app, "manager_b").await
}

#[tokio::test]
async fn a_transfer_leaves_a_is_in_transit_and_arrives_at_b_only_by_bs_manager() {
    let app = TestApp::spawn_demo().await;
    let s = setup(&app).await;
    let a_before = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    let b_before = on_hand_milli(&app, &s.admin, s.other, s.product).await;

    let fields = vec![
        ("csrf", s.token.clone()),
        ("outlet_id", s.own.to_string()),
        ("dest_outlet_id", s.other.to_string()),
        ("note", "Chuyển qua web".to_owned()),
        ("product_id_1", s.product.to_string()),
        ("lot_code_1", "MOVE-1".to_owned()),
        ("qty_1", "5".to_owned()),
    ];
    let (status, location, body) = post_form(&app, "/stock/transfer", &s.cookie, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let transfer = id_in(location.unwrap().trim_end_matches("/print"));
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await,
        a_before - 5_000,
        "the goods left A"
    );
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.other, s.product).await,
        b_before
    );
    let (_, transit) = app.get("/api/v1/stock/in-transit", Some(&s.admin)).await;
    let line = items(&transit)
        .into_iter()
        .find(|l| l["transfer_id"] == transfer)
        .expect("the transfer is in transit");
    assert_eq!(line["qty"], "5");
    let (status, html) = page(&app, "/stock/transfer", &s.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("MOVE-1"),
        "the sender sees it in transit: {html}"
    );

    // A's manager may not receive at B: 404, and nothing is booked.
    let path = format!("/stock/transfer/{transfer}/receive");
    let (status, _) = page(&app, &path, &s.cookie).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let line_key = format!("received_{}", line["line_id"]);
    let receive = |token: String, qty: &str| {
        vec![
            ("csrf", token),
            (line_key.as_str(), qty.to_owned()),
            ("note", String::new()),
        ]
    };
    let (status, _, _) = post_form(&app, &path, &s.cookie, &receive(s.token.clone(), "5")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.other, s.product).await,
        b_before
    );

    // B's manager sees it and receives 4 of the 5: a shortfall of 1.
    let b_cookie = manager_at(&app, &s.admin, s.other).await;
    let (status, html) = page(&app, "/stock/transfer", &b_cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&path), "B is offered to receive it: {html}");
    let (status, html) = page(&app, &path, &b_cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("name=\"{line_key}\"")));
    let b_token = csrf(&app, &b_cookie).await;
    let mut fields = receive(b_token.clone(), "4");
    let reason_key = format!("reason_{}", line["line_id"]);
    fields.push((reason_key.as_str(), "Vỡ một hũ".to_owned()));
    let (status, location, body) = post_form(&app, &path, &b_cookie, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.unwrap();
    let receipt = id_in(location.trim_end_matches("/print"));
    let (status, printed) = page(&app, &location, &b_cookie).await;
    assert_eq!(status, StatusCode::OK, "the receipt prints: {printed}");
    assert!(printed.contains("MOVE-1"), "{printed}");
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.other, s.product).await,
        b_before + 4_000,
        "what arrived is at B"
    );
    let (_, doc) = app
        .get(
            &format!("/api/v1/stock-documents/{receipt}"),
            Some(&s.admin),
        )
        .await;
    assert_eq!(doc["document"]["kind"], "transfer_receipt");
    assert_eq!(doc["lines"][0]["qty_milli"], 4_000);
    assert_eq!(
        doc["lines"][0]["expected_milli"], 5_000,
        "the shortfall is recorded"
    );
    let (_, transit) = app.get("/api/v1/stock/in-transit", Some(&s.admin)).await;
    assert!(
        !items(&transit).iter().any(|l| l["transfer_id"] == transfer),
        "no longer in transit"
    );

    // Receiving twice is refused with the model's reason, nothing booked.
    let (status, _, _) = post_form(&app, &path, &b_cookie, &receive(b_token, "4")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.other, s.product).await,
        b_before + 4_000
    );
}

#[tokio::test]
async fn a_return_to_the_producer_takes_goods_off_and_more_than_on_hand_is_refused() {
    let app = TestApp::spawn_demo().await;
    let s = setup(&app).await;
    let before = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    let (status, html) = page(&app, "/stock/return", &s.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"producer_id\""));
    let fields = |qty: &str| {
        vec![
            ("csrf", s.token.clone()),
            ("outlet_id", s.own.to_string()),
            ("producer_id", s.producer.to_string()),
            ("note", "Trả hàng cận date".to_owned()),
            ("product_id_1", s.product.to_string()),
            ("lot_code_1", "MOVE-1".to_owned()),
            ("qty_1", qty.to_owned()),
        ]
    };
    let (status, location, body) = post_form(&app, "/stock/return", &s.cookie, &fields("3")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let doc_id = id_in(location.unwrap().trim_end_matches("/print"));
    let (_, doc) = app
        .get(&format!("/api/v1/stock-documents/{doc_id}"), Some(&s.admin))
        .await;
    assert_eq!(doc["document"]["kind"], "return_to_producer");
    assert_eq!(doc["document"]["status"], "posted");
    let after = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    assert_eq!(after, before - 3_000, "exactly the quantity returned");

    // More than on hand: the API's reason, word for word; nothing written.
    let manager = app.login("manager1", "demo1234").await;
    let (status, draft) = app
        .post(
            "/api/v1/stock-documents",
            Some(&manager),
            &json!({"kind": "return_to_producer", "outlet_id": s.own, "producer_id": s.producer,
                    "lines": [{"product_id": s.product, "lot_code": "MOVE-1", "qty": "1000"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let draft_id = draft["document"]["id"].as_i64().unwrap();
    let (status, api) = app
        .post(
            &format!("/api/v1/stock-documents/{draft_id}/post"),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert!(status.is_client_error(), "{api}");
    let reason = api["message"].as_str().unwrap().to_owned();
    let docs = items(&app.get("/api/v1/stock-documents", Some(&s.admin)).await.1).len();
    let (status, _, html) = post_form(&app, "/stock/return", &s.cookie, &fields("1000")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(&maud_escape(&reason)),
        "the model's reason {reason:?} is shown: {html}"
    );
    assert!(html.contains("value=\"1000\""), "what was typed is kept");
    assert_eq!(on_hand_milli(&app, &s.admin, s.own, s.product).await, after);
    assert_eq!(
        items(&app.get("/api/v1/stock-documents", Some(&s.admin)).await.1).len(),
        docs,
        "not even a draft was left behind"
    );
}

/// What maud makes of text in HTML.
fn maud_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::test]
async fn a_manager_sets_a_low_stock_threshold_from_the_page_and_the_alert_follows() {
    let app = TestApp::spawn_demo().await;
    let s = setup(&app).await;
    let low_stock = |alerts: &serde_json::Value| {
        items(&alerts["low_stock"])
            .into_iter()
            .find(|a| a["product_id"] == s.product)
    };
    let alerts_path = format!("/api/v1/stock/alerts?outlet_id={}", s.own);
    let on_hand = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    assert!(on_hand > 0);
    let (status, html) = page(&app, "/stock/thresholds", &s.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"min_qty\""));

    let fields = |outlet: i64, min: &str| {
        vec![
            ("csrf", s.token.clone()),
            ("outlet_id", outlet.to_string()),
            ("product_id", s.product.to_string()),
            ("min_qty", min.to_owned()),
        ]
    };
    // Another outlet: 404.
    let (status, _, _) =
        post_form(&app, "/stock/thresholds", &s.cookie, &fields(s.other, "5")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = page(
        &app,
        &format!("/stock/thresholds?outlet_id={}", s.other),
        &s.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Above what is on hand: stored, and the product is now low on stock.
    let min = on_hand / 1000 + 10;
    let (status, location, body) = post_form(
        &app,
        "/stock/thresholds",
        &s.cookie,
        &fields(s.own, &min.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, alerts) = app.get(&alerts_path, Some(&s.admin)).await;
    let alert = low_stock(&alerts).expect("a low-stock alert");
    assert_eq!(alert["threshold"], min.to_string());
    let (status, html) = page(&app, &location.unwrap(), &s.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("<td>{min}</td>")), "{html}");

    // Negative: refused with the API's words, the stored one unchanged.
    let (status, _, html) =
        post_form(&app, "/stock/thresholds", &s.cookie, &fields(s.own, "-1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Ngưỡng tồn kho không được âm."), "{html}");
    let (_, alerts) = app.get(&alerts_path, Some(&s.admin)).await;
    assert_eq!(
        low_stock(&alerts).expect("still low")["threshold"],
        min.to_string()
    );

    // Lowered to zero: no longer low.
    let (status, _, _) = post_form(&app, "/stock/thresholds", &s.cookie, &fields(s.own, "0")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, alerts) = app.get(&alerts_path, Some(&s.admin)).await;
    assert!(low_stock(&alerts).is_none(), "{alerts}");
}

#[tokio::test]
async fn the_new_stock_forms_need_this_sessions_csrf_token() {
    let app = TestApp::spawn_demo().await;
    let s = setup(&app).await;
    let admin_cookie = web_login(&app, "admin").await;
    let foreign = csrf(&app, &admin_cookie).await;
    let docs = items(&app.get("/api/v1/stock-documents", Some(&s.admin)).await.1).len();
    let before = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    let common = |bad: &str| {
        vec![
            ("csrf", bad.to_owned()),
            ("outlet_id", s.own.to_string()),
            ("dest_outlet_id", s.other.to_string()),
            ("producer_id", s.producer.to_string()),
            ("product_id_1", s.product.to_string()),
            ("product_id", s.product.to_string()),
            ("qty_1", "1".to_owned()),
            ("min_qty", "1000".to_owned()),
        ]
    };
    for bad in [String::new(), "00ff".to_owned(), foreign] {
        for path in ["/stock/transfer", "/stock/return", "/stock/thresholds"] {
            let (status, _, _) = post_form(&app, path, &s.cookie, &common(&bad)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path} csrf {bad:?}");
        }
    }
    assert_eq!(
        items(&app.get("/api/v1/stock-documents", Some(&s.admin)).await.1).len(),
        docs
    );
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await,
        before
    );
    let (_, alerts) = app
        .get(
            &format!("/api/v1/stock/alerts?outlet_id={}", s.own),
            Some(&s.admin),
        )
        .await;
    assert!(
        !items(&alerts["low_stock"])
            .iter()
            .any(|a| a["product_id"] == s.product),
        "no threshold was stored: {alerts}"
    );
}
