//! Helpers shared by the stock suites (`stock_*.rs`): demo fixtures, goods
//! receipts through the real API, and direct reads of the ledger and stock
//! on hand to check the API against.
// Helpers panic on failure (that is a failed test), and not every suite
// uses every helper; `expect` would fail in the suites that do not.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_arguments
)]

use diesel::prelude::*;
use ocop_e2e::TestApp;
use ocop_server::db::DbConn;
use ocop_server::db::schema::{products, stock_ledger, stock_on_hand};
use ocop_server::models::product::{self, vn_today};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Runs `f` on a pooled connection off the async runtime.
pub async fn db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut DbConn) -> T + Send + 'static,
) -> T {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        f(&mut conn)
    })
    .await
    .unwrap()
}

/// Demo outlet id by code (LC-SR01 is manager1's).
pub async fn outlet_id(app: &TestApp, code: &str) -> i32 {
    let code = code.to_owned();
    db(app, move |c| {
        ocop_server::models::outlet::list(c)
            .unwrap()
            .into_iter()
            .find(|o| o.code == code)
            .unwrap()
            .id
    })
    .await
}

/// (product id, producer id, unit is fractional) of products that may be received today.
pub async fn receivable(app: &TestApp) -> Vec<(i32, i32)> {
    db(app, |c| {
        let ids: Vec<i32> = products::table
            .select(products::id)
            .order(products::id)
            .load(c)
            .unwrap();
        ids.into_iter()
            .map(|id| product::find(c, id).unwrap())
            .filter(|p| p.active && p.listing(vn_today()).can_receive())
            .map(|p| (p.id, p.producer_id))
            .collect()
    })
    .await
}

/// A product the 950/QĐ-BCT rule refuses to receive, with its producer.
pub async fn not_receivable(app: &TestApp) -> (i32, i32) {
    db(app, |c| {
        let ids: Vec<i32> = products::table
            .select(products::id)
            .order(products::id)
            .load(c)
            .unwrap();
        ids.into_iter()
            .map(|id| product::find(c, id).unwrap())
            .find(|p| !p.listing(vn_today()).can_receive())
            .map(|p| (p.id, p.producer_id))
            .expect("the demo has a product that cannot be received")
    })
    .await
}

/// Σ stock on hand of a product at an outlet, milli-units.
pub async fn on_hand(app: &TestApp, outlet: i32, product: i32) -> i64 {
    db(app, move |c| {
        stock_on_hand::table
            .filter(stock_on_hand::outlet_id.eq(outlet))
            .filter(stock_on_hand::product_id.eq(product))
            .select(stock_on_hand::qty_milli)
            .load::<i64>(c)
            .unwrap()
            .into_iter()
            .sum()
    })
    .await
}

/// Σ ledger of a product at an outlet, milli-units (summed here, not in SQL).
pub async fn ledger_sum(app: &TestApp, outlet: i32, product: i32) -> i64 {
    db(app, move |c| {
        stock_ledger::table
            .filter(stock_ledger::outlet_id.eq(outlet))
            .filter(stock_ledger::product_id.eq(product))
            .select(stock_ledger::qty_milli)
            .load::<i64>(c)
            .unwrap()
            .into_iter()
            .sum()
    })
    .await
}

pub async fn ledger_count(app: &TestApp) -> i64 {
    db(app, |c| {
        stock_ledger::table.count().get_result::<i64>(c).unwrap()
    })
    .await
}

/// The verifier finds nothing, and the ledger agrees with stock on hand
/// for this product (checked independently of the verifier).
pub async fn assert_consistent(app: &TestApp, outlet: i32, product: i32) {
    let mismatches = db(app, |c| ocop_server::models::stock::verify(c).unwrap()).await;
    assert!(mismatches.is_empty(), "verifier: {mismatches:?}");
    assert_eq!(
        ledger_sum(app, outlet, product).await,
        on_hand(app, outlet, product).await
    );
}

pub fn line(product: i32, qty: &str) -> Value {
    json!({"product_id": product, "qty": qty})
}

/// Creates a draft; panics unless 201.
pub async fn draft(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, doc) = app
        .post("/api/v1/stock-documents", Some(token), &body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    doc
}

/// Posts a draft; returns (status, body).
pub async fn post(app: &TestApp, token: &str, id: i64) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/stock-documents/{id}/post"),
        Some(token),
        &json!({}),
    )
    .await
}

/// Receives `qty` of `product` at `outlet` (lot `lot`, expiring in `days`), posted.
pub async fn receive(
    app: &TestApp,
    token: &str,
    outlet: i32,
    producer: i32,
    product: i32,
    qty: &str,
    lot: &str,
    days: u64,
) -> Value {
    let expires = vn_today()
        .checked_add_days(chrono::Days::new(days))
        .unwrap();
    let doc = draft(
        app,
        token,
        json!({"kind": "goods_received", "outlet_id": outlet, "producer_id": producer,
               "lines": [{"product_id": product, "qty": qty, "lot_code": lot, "expires_on": expires}]}),
    )
    .await;
    let (status, posted) = post(app, token, doc["document"]["id"].as_i64().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{posted}");
    posted
}

/// Logs in the demo accounts: (admin, manager1 of LC-SR01).
pub async fn tokens(app: &TestApp) -> (String, String) {
    (
        app.login("admin", "demo1234").await,
        app.login("manager1", "demo1234").await,
    )
}
