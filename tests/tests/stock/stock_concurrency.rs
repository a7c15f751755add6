//! Concurrent postings lose no update: many clients receiving over HTTP and
//! tills selling through the sale hook, all on one product at one outlet,
//! at the same time. On PostgreSQL these really run in parallel.

use crate::stock_common::*;
use ocop_core::money::Quantity;
use ocop_e2e::TestApp;
use ocop_server::models::stock::{self, SaleStockLine};
use reqwest::StatusCode;
use serde_json::json;

const THREADS: usize = 8;
const ROUNDS: usize = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_threads_receiving_and_selling_the_same_product_lose_no_update() {
    let app = TestApp::spawn_demo().await;
    let (_, manager) = tokens(&app).await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let (product, producer) = receivable(&app).await[0];
    let start = on_hand(&app, outlet, product).await;
    let ledger_start = ledger_count(&app).await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for t in 0..THREADS {
        let app = app.clone();
        let token = manager.clone();
        tasks.push(tokio::spawn(async move {
            for r in 0..ROUNDS {
                // Receive 2 (a new lot every few rounds, so lots are created concurrently too).
                let body = json!({"kind": "goods_received", "outlet_id": outlet, "producer_id": producer,
                    "lines": [{"product_id": product, "qty": "2", "lot_code": format!("C-{}", r % 3)}]});
                let (status, doc) = app.post("/api/v1/stock-documents", Some(&token), &body).await;
                assert_eq!(status, StatusCode::CREATED, "{doc}");
                let (status, posted) = post(&app, &token, doc["document"]["id"].as_i64().unwrap()).await;
                assert_eq!(status, StatusCode::OK, "{posted}");
                // Sell 1 through the hook the sale code uses, in its own transaction.
                let db = app.db.clone();
                let sale_ref = format!("HD-{t}-{r}");
                tokio::task::spawn_blocking(move || {
                    db.write(|c| {
                        stock::post_sale_lines(c, outlet, &sale_ref, &[SaleStockLine { product_id: product, lot_id: None, qty: Quantity::ONE }], None)
                            .map_err(|e| anyhow::anyhow!("{e}"))
                    })
                })
                .await
                .unwrap()
                .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let n = i64::try_from(THREADS * ROUNDS).unwrap();
    assert_eq!(
        on_hand(&app, outlet, product).await,
        start + n * 2000 - n * 1000
    );
    assert!(ledger_count(&app).await - ledger_start >= 2 * n);
    assert_consistent(&app, outlet, product).await;
    // Every note got its own number, with no gaps.
    let numbers = db(&app, move |c| {
        use diesel::prelude::*;
        use ocop_server::db::schema::stock_documents as sd;
        sd::table
            .filter(sd::outlet_id.eq(outlet))
            .filter(sd::kind.eq("goods_received"))
            .filter(sd::status.eq("posted"))
            .select(sd::seq)
            .load::<Option<i32>>(c)
            .unwrap()
    })
    .await;
    let mut seqs: Vec<i32> = numbers.into_iter().map(Option::unwrap).collect();
    seqs.sort_unstable();
    let expected: Vec<i32> = (1..=i32::try_from(seqs.len()).unwrap()).collect();
    assert_eq!(seqs, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_draft_posted_twice_at_once_is_posted_exactly_once() {
    let app = TestApp::spawn_demo().await;
    let (_, manager) = tokens(&app).await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let (product, producer) = receivable(&app).await[0];
    let start = on_hand(&app, outlet, product).await;
    let doc = draft(
        &app,
        &manager,
        json!({"kind": "goods_received", "outlet_id": outlet, "producer_id": producer,
        "lines": [line(product, "5")]}),
    )
    .await;
    let id = doc["document"]["id"].as_i64().unwrap();
    let (a, b, c) = tokio::join!(
        post(&app, &manager, id),
        post(&app, &manager, id),
        post(&app, &manager, id)
    );
    let ok = [a.0, b.0, c.0]
        .iter()
        .filter(|s| **s == StatusCode::OK)
        .count();
    assert_eq!(ok, 1, "{a:?} {b:?} {c:?}");
    for (s, body) in [a, b, c] {
        if s != StatusCode::OK {
            assert_eq!(
                (s, body["error"].as_str()),
                (StatusCode::CONFLICT, Some("document_posted"))
            );
        }
    }
    assert_eq!(on_hand(&app, outlet, product).await, start + 5000);
    assert_consistent(&app, outlet, product).await;
}
