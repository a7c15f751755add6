//! The batch path (issue 16): a till catching up posts up to 100 sales,
//! stored in one transaction with a savepoint per sale. One sale the
//! database refuses (unknown product, a cashier of another outlet, a
//! receipt number already held) is answered with its own code and leaves
//! nothing behind, while the others are stored with their rows, journal
//! entries and stock movements; the same batch sent again stores nothing
//! twice. Figures are read back from the database, not from the answers.

use std::collections::BTreeMap;

use crate::sales_common::*;
use ocop_core::sale::Sale;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// `SELECT COUNT(*)` of `sql_table` rows belonging to `till` (`till_id`).
async fn count_for_till(app: &ocop_e2e::TestApp, sql_table: &'static str, till: i32) -> i64 {
    db(app, move |c| {
        numbers(
            c,
            &format!("SELECT COUNT(*) AS n FROM {sql_table} WHERE till_id = {till}"),
        )[0]
    })
    .await
}

/// The till's sales as stored: (receipt number, total), in receipt order.
async fn stored_sales(app: &ocop_e2e::TestApp, till: i32) -> Vec<(i64, i64)> {
    db(app, move |c| {
        let receipts = numbers(
            c,
            &format!(
                "SELECT receipt_no AS n FROM sales WHERE till_id = {till} ORDER BY receipt_no"
            ),
        );
        let totals = numbers(
            c,
            &format!("SELECT total AS n FROM sales WHERE till_id = {till} ORDER BY receipt_no"),
        );
        receipts.into_iter().zip(totals).collect()
    })
    .await
}

/// Milli-units the stock ledger booked out with `sale` entries for the
/// till's receipts, per product.
async fn booked_out(app: &ocop_e2e::TestApp, till: i32) -> BTreeMap<i64, i64> {
    db(app, move |c| {
        let like = format!("T{till}-%");
        let products = numbers(
            c,
            &format!(
                "SELECT CAST(product_id AS BIGINT) AS n FROM stock_ledger WHERE kind = 'sale' \
                 AND document_ref LIKE '{like}' ORDER BY id"
            ),
        );
        let qty = numbers(
            c,
            &format!(
                "SELECT qty_milli AS n FROM stock_ledger WHERE kind = 'sale' \
                 AND document_ref LIKE '{like}' ORDER BY id"
            ),
        );
        let mut out = BTreeMap::new();
        for (p, q) in products.into_iter().zip(qty) {
            *out.entry(p).or_insert(0) -= q;
        }
        out
    })
    .await
}

/// What `sales` sold, per product, in milli-units.
fn sold(sales: &[&Sale]) -> BTreeMap<i64, i64> {
    let mut out = BTreeMap::new();
    for s in sales {
        for l in &s.lines {
            *out.entry(i64::from(l.product_id)).or_insert(0) += l.qty.milli();
        }
    }
    out
}

fn statuses(out: &Value) -> Vec<i64> {
    out.as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn one_sale_the_database_refuses_is_answered_alone_and_the_others_are_stored() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    // An account of no outlet (the province's inspector) as the cashier.
    let stranger = db(&app, move |c| {
        numbers(
            c,
            "SELECT CAST(id AS BIGINT) AS n FROM users WHERE username = 'inspector'",
        )[0]
    })
    .await;
    let before: Vec<i64> = {
        let mut v = Vec::new();
        for it in &items[..3] {
            v.push(on_hand(&app, till.outlet_id, it.id).await);
        }
        v
    };

    let first = till.sale(vec![cart(&items[0], 2), cart(&items[1], 1)]);
    // Passes every pure check, refused by the database's knowledge.
    let mut unknown = cart(&items[2], 1);
    unknown.product_id = 9_999_999;
    let no_such_product = till.sale(vec![cart(&items[2], 1), unknown]);
    let mut foreign = till.clone_for_outlet(till.outlet_id);
    foreign.cashier_id = i32::try_from(stranger).unwrap();
    let wrong_cashier =
        foreign.sale_numbered(till.next_no, till.last_hash, vec![cart(&items[0], 1)]);
    till.follow(till.next_no, wrong_cashier.hash);
    // A new sale with the number `first` holds.
    let taken = till.sale_numbered(1, till.last_hash, vec![cart(&items[1], 1)]);
    let last = till.sale(vec![cart(&items[2], 3), cart(&items[0], 1)]);

    let batch = json!([
        to_json(&first),
        to_json(&no_such_product),
        to_json(&wrong_cashier),
        to_json(&taken),
        to_json(&last),
    ]);
    let (status, out) = post_as(&app, &till.auth, "/api/v1/sales/batch", &batch).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(statuses(&out), vec![201, 422, 422, 409, 201], "{out}");
    assert_eq!(out[1]["body"]["error"], "unknown_product");
    assert_eq!(out[2]["body"]["error"], "unknown_cashier");
    assert_eq!(out[3]["body"]["error"], "receipt_no_taken");
    assert_eq!(out[0]["id"], json!(first.id));
    assert_eq!(out[4]["body"]["sale"]["total"], json!(last.total));

    // Exactly the two good sales, nothing of the three refused ones.
    assert_eq!(
        stored_sales(&app, till.id).await,
        vec![
            (1, first.total.amount()),
            (i64::from(last.receipt_no), last.total.amount())
        ]
    );
    assert_eq!(count_for_till(&app, "journal_entries", till.id).await, 2);
    let lines = db(&app, {
        let till = till.id;
        move |c| {
            numbers(
                c,
                &format!(
                    "SELECT COUNT(*) AS n FROM sale_lines JOIN sales ON sales.id = sale_lines.sale_id \
                     WHERE sales.till_id = {till}"
                ),
            )[0]
        }
    })
    .await;
    assert_eq!(lines, 4);
    let expected = sold(&[&first, &last]);
    assert_eq!(booked_out(&app, till.id).await, expected);
    for (it, was) in items[..3].iter().zip(before) {
        let now = on_hand(&app, till.outlet_id, it.id).await;
        let out = expected.get(&i64::from(it.id)).copied().unwrap_or(0);
        assert_eq!(was - now, out, "product {}", it.id);
    }
    // The last sale came after three numbers the server never stored: its
    // chain is flagged, not refused.
    assert_eq!(out[4]["body"]["chain_status"], "flagged", "{out}");
}

#[tokio::test]
async fn a_batch_sent_twice_stores_each_sale_once() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let before = on_hand(&app, till.outlet_id, items[0].id).await;
    let sales: Vec<Sale> = (0..30)
        .map(|n| till.sale(vec![cart(&items[0], 1), cart(&items[1 + n % 2], 2)]))
        .collect();
    let batch = Value::Array(sales.iter().map(to_json).collect());

    let (status, out) = post_as(&app, &till.auth, "/api/v1/sales/batch", &batch).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(statuses(&out), vec![201; 30]);
    // Sent again (the till never saw the answer): each answered from the
    // store, nothing written twice.
    let (status, again) = post_as(&app, &till.auth, "/api/v1/sales/batch", &batch).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(statuses(&again), vec![200; 30]);
    for (a, b) in out
        .as_array()
        .unwrap()
        .iter()
        .zip(again.as_array().unwrap())
    {
        assert_eq!(a["body"]["sale"], b["body"]["sale"]);
    }

    let expected: Vec<(i64, i64)> = sales
        .iter()
        .map(|s| (i64::from(s.receipt_no), s.total.amount()))
        .collect();
    assert_eq!(stored_sales(&app, till.id).await, expected);
    assert_eq!(count_for_till(&app, "journal_entries", till.id).await, 30);
    let refs: Vec<&Sale> = sales.iter().collect();
    assert_eq!(booked_out(&app, till.id).await, sold(&refs));
    assert_eq!(
        before - on_hand(&app, till.outlet_id, items[0].id).await,
        30_000
    );
    let (ok, report) = journal_verify(&app, Some(till.id));
    assert!(ok, "{report}");
}
