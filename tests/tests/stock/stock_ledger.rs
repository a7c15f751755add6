//! The ledger itself: sales first-expiry-first-out through the model hook
//! the sale code calls, refunds back into the same lots, negative stock
//! flagged, reports scoped per caller, and the verifier catching a ledger
//! row altered behind the application's back.

use crate::stock_common::*;
use diesel::connection::SimpleConnection as _;
use ocop_core::money::Quantity;
use ocop_e2e::TestApp;
use ocop_server::db::DbConn;
use ocop_server::models::stock::{self, SaleStockLine};
use reqwest::StatusCode;
use serde_json::json;

#[expect(clippy::unwrap_used, reason = "test helper: a panic is a failed test")]
fn units(n: i64) -> Quantity {
    Quantity::from_units(n).unwrap()
}

#[expect(clippy::unwrap_used, reason = "test helper: a panic is a failed test")]
async fn sell(
    app: &TestApp,
    outlet: i32,
    product: i32,
    qty: i64,
    sale_ref: &str,
) -> Vec<stock::LedgerEntry> {
    let db = app.db.clone();
    let sale_ref = sale_ref.to_owned();
    tokio::task::spawn_blocking(move || {
        db.write(|c| {
            stock::post_sale_lines(
                c,
                outlet,
                &sale_ref,
                &[SaleStockLine {
                    product_id: product,
                    lot_id: None,
                    qty: units(qty),
                }],
                None,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))
        })
    })
    .await
    .unwrap()
    .unwrap()
}

#[tokio::test]
async fn sales_go_first_expiry_first_out_may_go_negative_and_refunds_return_to_the_lot() {
    let app = TestApp::spawn_demo().await;
    let (_, manager) = tokens(&app).await;
    // A fresh outlet-product pair: use the rest stop, whose demo stock is known.
    let outlet = outlet_id(&app, "LC-SR01").await;
    let (product, producer) = receivable(&app).await[0];
    // Clear the demo stock of this product with a count, so the lots are ours.
    let count = draft(&app, &manager, json!({"kind": "count", "outlet_id": outlet, "note": "reset", "lines": [line(product, "0")]})).await;
    assert_eq!(
        post(&app, &manager, count["document"]["id"].as_i64().unwrap())
            .await
            .0,
        StatusCode::OK
    );
    let late = receive(&app, &manager, outlet, producer, product, "3", "LATE", 200).await;
    let early = receive(&app, &manager, outlet, producer, product, "2", "EARLY", 10).await;
    let late_lot = late["entries"][0]["lot_id"].as_i64().unwrap();
    let early_lot = early["entries"][0]["lot_id"].as_i64().unwrap();

    let entries = sell(&app, outlet, product, 4, "HD-0001").await;
    let took: Vec<(i64, i64)> = entries
        .iter()
        .map(|e| (i64::from(e.lot_id), e.qty_milli))
        .collect();
    assert_eq!(
        took,
        vec![(early_lot, -2000), (late_lot, -2000)],
        "earliest expiry first"
    );
    assert!(entries.iter().all(|e| e.kind == "sale"
        && e.owner_producer_id == producer
        && e.document_ref == "HD-0001"));

    // Selling more than is on hand goes through (the goods left the shop) and is flagged.
    sell(&app, outlet, product, 3, "HD-0002").await;
    assert_eq!(on_hand(&app, outlet, product).await, -2000);
    let (_, alerts) = app
        .get(
            &format!("/api/v1/stock/alerts?outlet_id={outlet}"),
            Some(&manager),
        )
        .await;
    let negative: Vec<_> = alerts["negative_stock"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["product_id"] == product)
        .collect();
    assert_eq!(negative.len(), 1, "{alerts}");
    assert_eq!(negative[0]["qty"], "-2");

    // A refund of the first sale goes back to the lot sold last.
    let db = app.db.clone();
    let refund = tokio::task::spawn_blocking(move || {
        db.write(|c| {
            stock::post_refund_lines(
                c,
                outlet,
                "HD-0001",
                "TL-0001",
                &[SaleStockLine {
                    product_id: product,
                    lot_id: None,
                    qty: units(1),
                }],
                None,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))
        })
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(refund.len(), 1);
    assert_eq!(
        (
            i64::from(refund[0].lot_id),
            refund[0].qty_milli,
            refund[0].kind.as_str()
        ),
        (late_lot, 1000, "customer_refund")
    );
    assert_consistent(&app, outlet, product).await;

    // A non-sale posting may not take stock below zero.
    let (status, err) = app
        .post("/api/v1/stock-documents", Some(&manager), &json!({"kind": "write_off", "outlet_id": outlet, "write_off_reason": "damaged", "lines": [line(product, "1")]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{err}");
    let (status, err) = post(&app, &manager, err["document"]["id"].as_i64().unwrap()).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("insufficient_stock"))
    );

    // The movement history ends at the stock on hand.
    let (status, history) = app
        .get(
            &format!("/api/v1/stock/movements?outlet_id={outlet}&product_id={product}"),
            Some(&manager),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let rows = history.as_array().unwrap();
    let mut running = 0i64;
    for r in rows {
        running += Quantity::parse(r["qty"].as_str().unwrap()).unwrap().milli();
        assert_eq!(
            Quantity::parse(r["balance"].as_str().unwrap())
                .unwrap()
                .milli(),
            running
        );
    }
    assert_eq!(running, on_hand(&app, outlet, product).await);
}

#[tokio::test]
async fn reports_value_stock_and_show_each_caller_only_its_own() {
    let app = TestApp::spawn_demo().await;
    let (admin, manager) = tokens(&app).await;
    let producer_token = app.login("producer1", "demo1234").await;
    let own_producer = db(&app, |c| {
        ocop_server::models::user::find_by_username(c, "producer1")
            .unwrap()
            .unwrap()
            .producer_id
            .unwrap()
    })
    .await;
    let showroom = outlet_id(&app, "LC-SR01").await;
    let rest_stop = outlet_id(&app, "LC-RS01").await;

    let (_, all) = app
        .get("/api/v1/stock/on-hand?group_by=outlet", Some(&admin))
        .await;
    let rows = all["rows"].as_array().unwrap();
    assert!(
        rows.iter().any(|r| r["outlet_id"] == rest_stop)
            && rows.iter().any(|r| r["outlet_id"] == showroom)
    );
    for r in rows {
        let qty = Quantity::parse(r["qty"].as_str().unwrap()).unwrap();
        let retail = r["retail_price"].as_i64().unwrap();
        let payout = r["payout_price"].as_i64().unwrap();
        // Demo agreements are commission-based: payout = retail − commission.
        assert!(payout < retail && payout > 0, "{r}");
        let expected = ocop_core::stock::stock_value(ocop_core::money::Dong::new(retail), qty)
            .unwrap()
            .amount();
        assert_eq!(r["retail_value"].as_i64().unwrap(), expected);
    }
    let group_total: i64 = all["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["retail_value"].as_i64().unwrap())
        .sum();
    assert_eq!(group_total, all["total_retail_value"].as_i64().unwrap());
    assert_eq!(all["groups"].as_array().unwrap().len(), 3);

    // The manager sees only the showroom, whatever it asks for.
    let (_, mine) = app
        .get(
            &format!("/api/v1/stock/on-hand?outlet_id={rest_stop}"),
            Some(&manager),
        )
        .await;
    assert!(mine["rows"].as_array().unwrap().is_empty());
    let (_, mine) = app.get("/api/v1/stock/on-hand", Some(&manager)).await;
    assert!(!mine["rows"].as_array().unwrap().is_empty());
    assert!(
        mine["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["outlet_id"] == showroom)
    );
    let (status, _) = app
        .get(
            &format!("/api/v1/stock/movements?outlet_id={rest_stop}&product_id=1"),
            Some(&manager),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The producer sees its own goods at every outlet, and nobody else's.
    let (_, theirs) = app
        .get("/api/v1/stock/on-hand", Some(&producer_token))
        .await;
    let rows = theirs["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["owner_producer_id"] == own_producer));
    assert!(
        rows.iter().any(|r| r["outlet_id"] == rest_stop)
            && rows.iter().any(|r| r["outlet_id"] == showroom)
    );
    let (_, docs) = app
        .get("/api/v1/stock-documents", Some(&producer_token))
        .await;
    assert!(
        docs.as_array()
            .unwrap()
            .iter()
            .all(|d| d["producer_id"] == own_producer)
    );
    let (_, deals) = app
        .get("/api/v1/consignment-agreements", Some(&producer_token))
        .await;
    assert_eq!(deals.as_array().unwrap().len(), 3);
    // Only admins and inspectors run the verifier.
    let (status, _) = app.get("/api/v1/stock/verify", Some(&manager)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Alerts: demo lots expiring within 30 days; a threshold makes a low-stock alert.
    let (_, alerts) = app
        .get("/api/v1/stock/alerts?expiry_days=30", Some(&manager))
        .await;
    let expiring = alerts["expiring_lots"].as_array().unwrap();
    assert!(!expiring.is_empty(), "{alerts}");
    assert!(
        expiring
            .iter()
            .all(|l| l["days_left"].as_i64().unwrap() <= 30 && l["outlet_id"] == showroom)
    );
    let product = mine["rows"][0]["product_id"].as_i64().unwrap();
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/stock/thresholds",
            Some(&manager),
            Some(&json!({"outlet_id": showroom, "product_id": product, "min_qty": "100000"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/stock/thresholds",
            Some(&manager),
            Some(&json!({"outlet_id": rest_stop, "product_id": product, "min_qty": "1"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, alerts) = app.get("/api/v1/stock/alerts", Some(&manager)).await;
    assert_eq!(alerts["low_stock"].as_array().unwrap().len(), 1, "{alerts}");
    assert_eq!(alerts["low_stock"][0]["product_id"], product);
}

fn tamper(c: &mut DbConn, id: i32) -> Result<usize, diesel::result::Error> {
    use diesel::RunQueryDsl as _;
    diesel::sql_query(format!(
        "UPDATE stock_ledger SET qty_milli = qty_milli + 1000 WHERE id = {id}"
    ))
    .execute(c)
}

#[tokio::test]
async fn the_ledger_refuses_updates_and_the_verifier_catches_a_row_altered_behind_its_back() {
    use diesel::RunQueryDsl as _;
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let (_, clean) = app.get("/api/v1/stock/verify", Some(&admin)).await;
    assert_eq!(clean, json!([]));
    let first = db(&app, |c| {
        use diesel::prelude::*;
        ocop_server::db::schema::stock_ledger::table
            .select((
                ocop_server::db::schema::stock_ledger::id,
                ocop_server::db::schema::stock_ledger::qty_milli,
            ))
            .order(ocop_server::db::schema::stock_ledger::id)
            .first::<(i32, i64)>(c)
            .unwrap()
    })
    .await;
    // The append-only triggers refuse an UPDATE and a DELETE, in their own
    // words, and the row reads back as it was.
    let row = move |c: &mut DbConn| {
        use diesel::prelude::*;
        use ocop_server::db::schema::stock_ledger;
        stock_ledger::table
            .find(first.0)
            .select((stock_ledger::id, stock_ledger::qty_milli))
            .first::<(i32, i64)>(c)
            .optional()
            .unwrap()
    };
    db(&app, move |c| {
        ocop_e2e::assert_refused_as_append_only(tamper(c, first.0), "stock_ledger");
        assert_eq!(row(c), Some(first), "the UPDATE changed the row");
        ocop_e2e::assert_refused_as_append_only(
            diesel::sql_query(format!("DELETE FROM stock_ledger WHERE id = {}", first.0))
                .execute(c),
            "stock_ledger",
        );
        assert_eq!(row(c), Some(first), "the DELETE removed the row");
    })
    .await;

    // Someone with database access drops the guard and alters a row.
    db(&app, move |c| {
        match c {
            DbConn::Sqlite(s) => s
                .batch_execute("DROP TRIGGER stock_ledger_no_update")
                .unwrap(),
            DbConn::Postgres(p) => p
                .batch_execute("ALTER TABLE stock_ledger DISABLE TRIGGER stock_ledger_no_update")
                .unwrap(),
        }
        assert_eq!(tamper(c, first.0).unwrap(), 1);
    })
    .await;
    let (status, found) = app.get("/api/v1/stock/verify", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]["ledger_milli"].as_i64().unwrap(),
        found[0]["on_hand_milli"].as_i64().unwrap() + 1000
    );

    // The CLI reports it too, and fails.
    let out = std::process::Command::new(ocop_e2e::server_binary())
        .args(["stock", "verify"])
        .env("OCOP_DATABASE_URL", &app.test_db.url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("MISMATCH") && text.contains("difference=-1"),
        "{text}"
    );
}
