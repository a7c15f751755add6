//! Bank transfers over real HTTP, on the backend the suite runs on: the
//! VietQR payload of a pending transfer (parsed back with the core's
//! decoder), the cashier's confirmation, and the bank webhook — a wrong or
//! missing signature writes nothing, a good one confirms once, an amount
//! that does not match is refused.

use crate::sales_common::*;
use hmac::{Hmac, Mac};
use ocop_core::vietqr::VietQr;
use ocop_e2e::TestApp;
use ocop_server::config::Secret;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

const KEY: &str = "bank-webhook-test-key-0123456789abcdef";

async fn setup_signed() -> (TestApp, Till) {
    let app = TestApp::spawn_with(|c| c.bank_webhook_secret = Some(Secret::new(KEY.into()))).await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || ocop_server::demo::load(&db))
        .await
        .unwrap()
        .unwrap();
    let till = register_till(&app, "manager1", "LC-SR01").await;
    (app, till)
}

fn sign(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn notify(app: &TestApp, body: &Value, signature: Option<String>) -> (StatusCode, Value) {
    let raw = serde_json::to_vec(body).unwrap();
    let mut req = app
        .client
        .post(app.url("/api/v1/bank/notifications"))
        .header("Content-Type", "application/json")
        .body(raw);
    if let Some(s) = signature {
        req = req.header("X-Ocop-Signature", s);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_pending_transfer_shows_a_vietqr_and_a_signed_notification_confirms_it() {
    let (app, mut till) = setup_signed().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let sale = till.sale_by_transfer(vec![cart(&items[0], 2)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&sale)).await.0,
        StatusCode::CREATED
    );
    let cashier = app.login("cashier1", "demo1234").await;
    let path = format!("/api/v1/sales/{}/vietqr", sale.id);
    let (status, qr) = app.get(&path, Some(&cashier)).await;
    assert_eq!(status, StatusCode::OK, "{qr}");
    assert_eq!(qr["status"], "pending");
    let parsed = VietQr::parse(qr["vietqr"].as_str().unwrap()).unwrap();
    assert_eq!(parsed.bank_bin().as_str(), "970418");
    assert_eq!(parsed.account(), "8800209900001");
    assert_eq!(parsed.amount().unwrap(), sale.total);
    let memo = parsed.memo().unwrap().to_owned();
    assert!(memo.contains(&format!("T{}", till.id)), "{memo}");

    let note = json!({"transaction_id": "FT2633212345", "amount": sale.total.amount(),
                      "memo": format!("NGUYEN VAN A chuyen tien {memo}"), "account": "8800209900001"});
    let raw = serde_json::to_vec(&note).unwrap();
    // No signature, a wrong key, a signature of other bytes: refused, nothing written.
    for sig in [
        None,
        Some(sign("another-key-another-key-another-key!", &raw)),
        Some(sign(KEY, b"{}")),
        Some("sha256=zz".to_owned()),
    ] {
        let (status, err) = notify(&app, &note, sig).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{err}");
        assert_eq!(err["error"], "invalid_signature");
    }
    assert_eq!(count(&app, "transfer_confirmations").await, 0);
    assert_eq!(app.get(&path, Some(&cashier)).await.1["status"], "pending");

    // Signed, but the amount differs from the sale's transfer.
    let wrong = json!({"transaction_id": "FT2633299999", "amount": sale.total.amount() - 1,
                       "memo": memo, "account": null});
    let (status, err) = notify(
        &app,
        &wrong,
        Some(sign(KEY, &serde_json::to_vec(&wrong).unwrap())),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "transfer_not_matched");

    // Good signature: confirmed by the bank, once even when retried.
    for _ in 0..2 {
        let (status, body) = notify(&app, &note, Some(sign(KEY, &raw))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "confirmed_by_bank");
    }
    assert_eq!(count(&app, "transfer_confirmations").await, 1);
    // The sealed sale is unchanged (still verifies, same hash).
    let (status, stored) = app
        .get(&format!("/api/v1/sales/{}", sale.id), Some(&cashier))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored["sale"], to_json(&sale));
}

#[tokio::test]
async fn the_cashier_confirms_a_transfer_and_an_unconfigured_webhook_refuses() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let sale = till.sale_by_transfer(vec![cart(&items[0], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&sale)).await.0,
        StatusCode::CREATED
    );
    let cashier = app.login("cashier1", "demo1234").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/sales/{}/transfer-confirmations", sale.id),
            Some(&cashier),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "confirmed_by_cashier");
    // A cash sale has no transfer to confirm.
    let cash = till.sale(vec![cart(&items[0], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&cash)).await.0,
        StatusCode::CREATED
    );
    let (status, err) = app
        .get(&format!("/api/v1/sales/{}/vietqr", cash.id), Some(&cashier))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"], "no_bank_transfer");
    // Without OCOP_BANK_WEBHOOK_SECRET the webhook accepts nothing.
    let note = json!({"transaction_id": "X", "amount": 1, "memo": "x", "account": null});
    let (status, err) = notify(&app, &note, Some(sign(KEY, b"x"))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{err}");
    assert_eq!(err["error"], "webhook_not_configured");
}

// Issue 15: a transaction id already used for another sale answered 200
// and was dropped silently; empty and 10,000-character ids were stored;
// each new id for a confirmed sale added another confirmation.
#[tokio::test]
async fn one_transaction_pays_one_sale_and_one_sale_is_confirmed_once() {
    let (app, mut till) = setup_signed().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let cashier = app.login("cashier1", "demo1234").await;
    let mut memos = Vec::new();
    let mut sales = Vec::new();
    for item in items.iter().take(2) {
        let sale = till.sale_by_transfer(vec![cart(item, 1)]);
        assert_eq!(
            post_sale(&app, &till, &to_json(&sale)).await.0,
            StatusCode::CREATED
        );
        let (_, qr) = app
            .get(&format!("/api/v1/sales/{}/vietqr", sale.id), Some(&cashier))
            .await;
        memos.push(qr["memo"].as_str().unwrap().to_owned());
        sales.push(sale);
    }
    let note = |id: &str, i: usize| {
        json!({"transaction_id": id, "amount": sales[i].total.amount(),
               "memo": memos[i], "account": null})
    };
    let send = |body: Value| {
        let app = &app;
        async move {
            let sig = sign(KEY, &serde_json::to_vec(&body).unwrap());
            notify(app, &body, Some(sig)).await
        }
    };
    // Ids out of bounds: refused, nothing written.
    for bad in [
        String::new(),
        "X".repeat(10_000),
        "FT 1".into(),
        "FT\u{0}1".into(),
    ] {
        let (status, err) = send(note(&bad, 0)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["error"], "invalid_transaction_id");
    }
    let mut long_memo = note("FT-OK-1", 0);
    long_memo["memo"] = json!("x".repeat(10_000));
    let (status, err) = send(long_memo).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "invalid_notification");
    assert_eq!(count(&app, "transfer_confirmations").await, 0);

    let (status, body) = send(note("FT-A", 0)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "confirmed_by_bank");
    // The same transaction id for the other sale: 409, nothing written.
    let (status, err) = send(note("FT-A", 1)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["error"], "transaction_id_reused");
    let (_, other) = app
        .get(
            &format!("/api/v1/sales/{}/vietqr", sales[1].id),
            Some(&cashier),
        )
        .await;
    assert_eq!(other["status"], "pending");
    assert_eq!(count(&app, "transfer_confirmations").await, 1);
    // A second transaction for the confirmed sale: kept as a duplicate,
    // the sale still confirmed once (by the first).
    for _ in 0..2 {
        let (status, body) = send(note("FT-B", 0)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "confirmed_by_bank");
    }
    let sources = db(&app, |c| {
        use diesel::prelude::*;
        use ocop_server::db::schema::transfer_confirmations as tc;
        tc::table
            .order(tc::id)
            .select((tc::source, tc::reference))
            .load::<(String, Option<String>)>(c)
            .unwrap()
    })
    .await;
    assert_eq!(
        sources,
        vec![
            ("bank".to_owned(), Some("FT-A".to_owned())),
            ("bank_duplicate".to_owned(), Some("FT-B".to_owned())),
        ]
    );
}
