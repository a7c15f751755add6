//! The 950/QĐ-BCT listing rule on products, expired certificates, the
//! receiving check other modules call, and price history.

use crate::support::*;
use ocop_e2e::{TestApp, days_ago, days_ahead};
use ocop_server::models::product::{self, ReceiveError};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn receivable(app: &TestApp, id: i64) -> Result<(), String> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let id = i32::try_from(id).unwrap();
        match product::check_receivable(&mut conn, id, product::vn_today()) {
            Ok(p) => {
                assert_eq!(p.id, id);
                Ok(())
            }
            Err(ReceiveError::NotFound) => Err("not_found".into()),
            Err(ReceiveError::Withdrawn) => Err("withdrawn".into()),
            Err(ReceiveError::NotReceivable(l)) => Err(format!("not_receivable {l:?}")),
            Err(ReceiveError::Db(e)) => panic!("{e}"),
        }
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_listing_rule_decides_what_may_be_listed_received_and_sold() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let producer = create_producer(&app, &admin, "HTX Quy Tắc", "5300999101").await;
    let base = product_body(producer, "Sản phẩm", 100);
    let cases: Vec<(Value, &str, bool, bool)> = vec![
        // (changes, status, can_receive, can_sell)
        (json!({}), "listable", true, true),
        (json!({"stars": 3}), "listable", true, true),
        (json!({"stars": 2}), "not_listable", false, false),
        (
            json!({"stars": 2, "key_product": true}),
            "listable_key_product",
            true,
            true,
        ),
        (
            json!({"stars": 1, "key_product": true}),
            "listable_key_product",
            true,
            true,
        ),
        // issued four years ago: the 36-month default has run out
        (
            json!({"cert_issued_on": days_ago(4 * 365)}),
            "sell_from_stock_only",
            false,
            true,
        ),
        (
            json!({"cert_issued_on": days_ago(400), "cert_expires_on": days_ago(1)}),
            "sell_from_stock_only",
            false,
            true,
        ),
        (
            json!({"cert_issued_on": days_ago(400), "cert_expires_on": days_ago(0)}),
            "listable",
            true,
            true,
        ),
        (
            json!({"cert_issued_on": days_ahead(10)}),
            "not_listable",
            false,
            false,
        ),
        (
            json!({"cert_number": null, "cert_level": null, "cert_issued_on": null, "stars": 5}),
            "not_listable",
            false,
            false,
        ),
        (
            json!({"cert_number": null, "cert_level": null, "cert_issued_on": null, "key_product": true}),
            "not_listable",
            false,
            false,
        ),
    ];
    for (i, (change, status, can_receive, can_sell)) in cases.into_iter().enumerate() {
        let n = 100 + u32::try_from(i).unwrap();
        let body = with(
            &with(
                &base,
                &json!({"gtin": gtin13(n), "internal_code": format!("L-{n}")}),
            ),
            &change,
        );
        let created = create_product(&app, &admin, &body).await;
        let listing = &created["listing"];
        assert_eq!(listing["status"], status, "{change}: {listing}");
        assert_eq!(listing["can_receive"], can_receive, "{change}");
        assert_eq!(listing["can_sell"], can_sell, "{change}");
        assert_eq!(
            listing["warning"].is_null(),
            status.starts_with("listable"),
            "{change}: {listing}"
        );
        // GET says the same, and the receiving check agrees.
        let (_, again) = app
            .get(&format!("/api/v1/products/{}", created["id"]), Some(&admin))
            .await;
        assert_eq!(again["listing"], *listing);
        let check = receivable(&app, created["id"].as_i64().unwrap()).await;
        assert_eq!(check.is_ok(), can_receive, "{change}: {check:?}");
    }
}

#[tokio::test]
async fn an_expired_certificate_warns_and_blocks_receiving_only() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let producer = create_producer(&app, &admin, "HTX Hết Hạn", "5300999102").await;
    let body = with(
        &product_body(producer, "Chè hết hạn chứng nhận", 200),
        &json!({"cert_issued_on": days_ago(1200), "cert_expires_on": days_ago(5)}),
    );
    let created = create_product(&app, &admin, &body).await;
    let listing = &created["listing"];
    assert_eq!(listing["status"], "sell_from_stock_only");
    assert_eq!(listing["reason"]["kind"], "certificate_expired");
    assert_eq!(listing["reason"]["expired_on"], days_ago(5));
    let warning = listing["warning"].as_str().unwrap();
    assert!(
        warning.contains("hết hạn") && warning.contains("không được nhập"),
        "{warning}"
    );
    let err = receivable(&app, created["id"].as_i64().unwrap())
        .await
        .unwrap_err();
    assert!(err.contains("CertificateExpired"), "{err}");

    // Renewing the certificate makes it receivable again.
    let id = created["id"].as_i64().unwrap();
    let renewed = with(
        &body,
        &json!({"cert_issued_on": days_ago(1), "cert_expires_on": null}),
    );
    let (status, updated) = put(&app, &format!("/api/v1/products/{id}"), &admin, &renewed).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["listing"]["status"], "listable");
    assert!(receivable(&app, id).await.is_ok());

    // Withdrawn products and suspended producers receive nothing; unknown is not found.
    let (_, _) = put(
        &app,
        &format!("/api/v1/products/{id}"),
        &admin,
        &with(&renewed, &json!({"active": false})),
    )
    .await;
    assert_eq!(receivable(&app, id).await, Err("withdrawn".into()));
    let (_, _) = put(&app, &format!("/api/v1/products/{id}"), &admin, &renewed).await;
    assert!(receivable(&app, id).await.is_ok());
    let suspended = with(
        &producer_body("HTX Hết Hạn", "5300999102"),
        &json!({"status": "suspended"}),
    );
    let (status, p) = put(
        &app,
        &format!("/api/v1/producers/{producer}"),
        &admin,
        &suspended,
    )
    .await;
    assert_eq!(
        (status, p["status"].as_str()),
        (StatusCode::OK, Some("suspended"))
    );
    assert_eq!(receivable(&app, id).await, Err("withdrawn".into()));
    assert_eq!(receivable(&app, 987_654).await, Err("not_found".into()));

    // The demo holds expired certificates too, and says so.
    let (_, all) = app.get("/api/v1/products?limit=1000", Some(&admin)).await;
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|p| p["listing"]["status"] == "sell_from_stock_only")
    );
}

#[tokio::test]
async fn price_changes_append_to_the_history_and_never_rewrite_it() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let producer = create_producer(&app, &admin, "HTX Giá", "5300999103").await;
    let body = product_body(producer, "Mật ong rừng", 300);
    let created = create_product(&app, &admin, &body).await;
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/products/{id}");
    for price in [165_000, 165_000, 170_000] {
        let (status, updated) =
            put(&app, &path, &admin, &with(&body, &json!({"price": price}))).await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["price"], price);
    }
    // A change of name alone adds no price entry.
    let (status, _) = put(
        &app,
        &path,
        &admin,
        &with(
            &body,
            &json!({"price": 170_000, "name_vi": "Mật ong rừng Bắc Hà"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, prices) = app.get(&format!("{path}/prices"), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    let seen: Vec<i64> = prices
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["price"].as_i64().unwrap())
        .collect();
    assert_eq!(seen, vec![150_000, 165_000, 170_000]);
    // A refused update changes nothing, price history included.
    let (status, _) = put(
        &app,
        &path,
        &admin,
        &with(&body, &json!({"price": 1, "stars": 9})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, after) = app.get(&format!("{path}/prices"), Some(&admin)).await;
    assert_eq!(after.as_array().unwrap().len(), 3);
    let (_, product) = app.get(&path, Some(&admin)).await;
    assert_eq!(product["price"], 170_000);
    // A product never moves to another producer.
    let other = create_producer(&app, &admin, "HTX Khác", "5300999104").await;
    let (status, answer) = put(
        &app,
        &path,
        &admin,
        &with(&body, &json!({"producer_id": other})),
    )
    .await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("producer_cannot_change")
        )
    );
    // Unknown product: 404; another producer's prices: 404 for a producer account.
    let (status, _) = put(&app, "/api/v1/products/999999", &admin, &body).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let producer1 = app.login("producer1", PASSWORD).await;
    let (status, _) = app.get(&format!("{path}/prices"), Some(&producer1)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
