//! Refunds over real HTTP, on the backend the suite runs on: goods back on
//! the shelf (or written off when damaged), never more than was sold —
//! across several refunds, from two tills, and at the same instant — each
//! refund with its own receipt number in its till's chain.

use crate::sales_common::*;
use ocop_core::sale::Restock;
use reqwest::StatusCode;

#[tokio::test]
async fn refunds_cannot_exceed_what_was_sold_across_several_refunds() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let item = &items[0];
    let sale = till.sale(vec![cart(item, 3), cart(&items[1], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&sale)).await.0,
        StatusCode::CREATED
    );
    let after_sale = on_hand(&app, till.outlet_id, item.id).await;

    let r1 = till.refund(&sale, &[], &[(1, 1, Restock::Shelf)]);
    let (status, body) = post_refund(&app, &till, &r1).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["chain_status"], "ok", "{body}");
    assert_eq!(body["refund"]["receipt_no"], 2);
    assert_eq!(
        on_hand(&app, till.outlet_id, item.id).await,
        after_sale + 1_000
    );
    // Sent again: the stored one, stock untouched.
    let (status, _) = post_refund(&app, &till, &r1).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        on_hand(&app, till.outlet_id, item.id).await,
        after_sale + 1_000
    );

    // A till that does not know of r1 tries to return all 3 again.
    let mut other = register_till(&app, "manager1", "LC-SR01").await;
    let too_much = other.refund(&sale, &[], &[(1, 3, Restock::Shelf)]);
    let (status, err) = post_refund(&app, &other, &too_much).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "refund_exceeds_sold");
    assert_eq!(count(&app, "refunds").await, 1);
    assert_eq!(
        on_hand(&app, till.outlet_id, item.id).await,
        after_sale + 1_000
    );

    // The remaining 2 are fine, once; then nothing is left.
    let mut other = register_till(&app, "manager1", "LC-SR01").await;
    let r2 = other.refund(&sale, std::slice::from_ref(&r1), &[(1, 2, Restock::Shelf)]);
    let (status, body) = post_refund(&app, &other, &r2).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let r3 = till.refund(&sale, std::slice::from_ref(&r1), &[(1, 1, Restock::Shelf)]);
    let (status, err) = post_refund(&app, &till, &r3).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "refund_exceeds_sold");
    assert_eq!(
        on_hand(&app, till.outlet_id, item.id).await,
        after_sale + 3_000
    );
}

#[tokio::test]
async fn two_tills_refunding_the_same_line_at_once_cannot_both_pass() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let sale = till.sale(vec![cart(&items[0], 2)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&sale)).await.0,
        StatusCode::CREATED
    );
    let mut a = register_till(&app, "manager1", "LC-SR01").await;
    let mut b = register_till(&app, "manager1", "LC-SR01").await;
    let ra = a.refund(&sale, &[], &[(1, 2, Restock::Shelf)]);
    let rb = b.refund(&sale, &[], &[(1, 2, Restock::Shelf)]);
    let (x, y) = tokio::join!(post_refund(&app, &a, &ra), post_refund(&app, &b, &rb));
    let mut statuses = [x.0, y.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY],
        "{} {}",
        x.1,
        y.1
    );
    assert_eq!(count(&app, "refunds").await, 1);
}

#[tokio::test]
async fn damaged_goods_are_written_off_and_the_refund_is_chained() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let item = &items[0];
    let sale = till.sale(vec![cart(item, 2)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&sale)).await.0,
        StatusCode::CREATED
    );
    let after_sale = on_hand(&app, till.outlet_id, item.id).await;
    let ledger = count(&app, "stock_ledger").await;
    let r = till.refund(&sale, &[], &[(1, 1, Restock::DamagedWriteOff)]);
    let (status, body) = post_refund(&app, &till, &r).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Back in and written off: two ledger rows, stock unchanged.
    assert_eq!(count(&app, "stock_ledger").await, ledger + 2);
    assert_eq!(on_hand(&app, till.outlet_id, item.id).await, after_sale);
    // The chain goes sale 1, refund 2, sale 3, and verifies.
    let s3 = till.sale(vec![cart(item, 1)]);
    let (status, body) = post_sale(&app, &till, &to_json(&s3)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["chain_status"], "ok", "{body}");
    let (ok, out) = journal_verify(&app, Some(till.id));
    assert!(ok, "{out}");
    assert!(out.contains("3 records, 0 problems"), "{out}");
    // A refund naming a sale of nowhere is refused.
    let mut unknown = sale.clone();
    unknown.id = uuid::Uuid::new_v4();
    let r = till.refund(&unknown, &[], &[(1, 1, Restock::Shelf)]);
    let (status, err) = post_refund(&app, &till, &r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "unknown_sale");
}
