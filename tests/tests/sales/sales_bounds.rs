//! Issue 15, over real HTTP on the suite's backend: amounts beyond the
//! domain bounds are refused at ingest with nothing written; a sale stored
//! beyond them before the bounds existed is flagged in the X/Z report and
//! the day's e-invoice export instead of blocking them (the shift still
//! closes); sales that would escape reconciliation (a shift the server does
//! not know, a time in 1970 or 9999, receipt number 4294967295) are stored,
//! flagged on the journal like a gap, shown by `journal verify`, and the
//! till's later receipts still follow on cleanly.

use crate::sales_common::*;
use chrono::{DateTime, TimeZone as _, Utc};
use ocop_core::money::Dong;
use ocop_core::sale::{CartLine, ChainHash, Payment, Sale, SaleBuilder, SaleHeader, seal};
use ocop_server::models::sale::journal::{self, Kind};
use ocop_server::models::sale::store;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

/// A sale of `till` numbered `no` after `prev`, at `at`, in `shift`.
fn sale_at(
    till: &Till,
    no: u32,
    prev: ChainHash,
    at: DateTime<Utc>,
    shift: Uuid,
    lines: Vec<CartLine>,
) -> Sale {
    let mut b = SaleBuilder::new(SaleHeader {
        id: Uuid::new_v4(),
        till_id: till.id,
        receipt_no: no.try_into().unwrap(),
        sold_at: at,
        cashier_id: till.cashier_id,
        outlet_id: till.outlet_id,
        shift_id: shift,
    });
    for l in lines {
        b.add(l).unwrap();
    }
    let total = b.total().unwrap();
    b.finish(vec![Payment::cash(total, total).unwrap()], prev)
        .unwrap()
}

/// `sale` with its first line priced at `unit_price` for 0.001 of a unit,
/// the totals made to agree, resealed: what a faulty till could seal.
fn absurd(mut sale: Sale, unit_price: i64) -> Sale {
    let line = &mut sale.lines[0];
    line.unit_price = Dong::new(unit_price);
    line.qty = ocop_core::money::Quantity::from_milli(1);
    line.amount = Dong::new(unit_price / 1000);
    sale.lines.truncate(1);
    sale.total = sale.lines[0].amount;
    sale.vat = ocop_core::money::vat_buckets([(sale.lines[0].vat_rate, sale.total)]).unwrap();
    sale.payments = vec![Payment::cash(sale.total, sale.total).unwrap()];
    let prev = sale.prev_hash;
    seal(&mut sale, prev);
    sale
}

#[tokio::test]
async fn amounts_beyond_the_bounds_are_refused_and_stored_ones_never_block_a_report() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;

    // Refused at the entrance, nothing written.
    let priced = absurd(
        till.sale_numbered(1, till.last_hash, vec![cart(&items[0], 1)]),
        i64::MAX,
    );
    let (status, err) = post_sale(&app, &till, &to_json(&priced)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "price_out_of_range", "{err}");
    let mut many = till.sale_numbered(1, till.last_hash, vec![cart(&items[0], 1)]);
    many.lines[0].qty = ocop_core::money::Quantity::from_milli(9_000_000_000_000_000_000);
    let (status, err) = post_sale(&app, &till, &to_json(&many)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "quantity_out_of_range", "{err}");
    assert_eq!(count(&app, "sales").await, 0);

    // The same sale stored before the bounds existed: written through the
    // store as the old ingest did (it only flagged a price difference).
    let stored = priced.clone();
    let price = items[0].price;
    db(&app, move |c| {
        journal::append(c, stored.till_id, 1, Kind::Sale, stored.id, &[]).unwrap();
        store::insert(c, &stored, &[Some(price)]).unwrap();
    })
    .await;
    till.follow(1, priced.hash);
    let fine = till.sale(vec![cart(&items[1], 2)]);
    let (status, body) = post_sale(&app, &till, &to_json(&fine)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["chain_status"], "ok", "{body}");

    let manager = app.login("manager1", "demo1234").await;
    let path = format!("/api/v1/shifts/{}", till.shift_id);
    let (status, x) = app.get(&format!("{path}/report"), Some(&manager)).await;
    assert_eq!(status, StatusCode::OK, "{x}");
    assert_eq!(x["summary"]["out_of_bounds"]["receipts"], json!([1]), "{x}");
    assert_eq!(x["summary"]["gross_sales"], fine.total.amount());
    assert_eq!(x["summary"]["sales_count"], 2);

    // The day's e-invoice export lists it aside and exports the rest.
    let day = ocop_core::time::vn_date(fine.sold_at);
    let (status, export) = app
        .get(
            &format!("/api/v1/outlets/{}/einvoices?day={day}", till.outlet_id),
            Some(&manager),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["count"], 1, "{export}");
    assert_eq!(export["total"], fine.total.amount());
    assert_eq!(
        export["out_of_bounds"],
        json!([{"till_id": till.id, "receipt_no": 1}])
    );

    // And the shift closes.
    let counts = json!({"cash": {}, "card": 0, "bank_transfer": 0});
    let (status, z) = post_as(&app, &till.auth, &format!("{path}/close"), &counts).await;
    assert_eq!(status, StatusCode::OK, "{z}");
    assert_eq!(z["status"], "closed");
    assert_eq!(z["summary"]["out_of_bounds"]["receipts"], json!([1]));
    // Nothing new may be counted beyond the bounds.
    till.shift_id = Uuid::new_v4();
    open_shift(&app, &till).await;
    let absurd_counts = json!({"cash": {}, "card": i64::MAX, "bank_transfer": 0});
    let (status, err) = post_as(
        &app,
        &till.auth,
        &format!("/api/v1/shifts/{}/close", till.shift_id),
        &absurd_counts,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "amount_out_of_range");
}

#[tokio::test]
async fn sales_that_escape_reconciliation_are_stored_flagged_and_the_till_goes_on() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let first = till.sale(vec![cart(&items[0], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&first)).await.0,
        StatusCode::CREATED
    );

    let epoch = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap();
    let far = Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).unwrap();
    let cases = [
        (Utc::now(), Uuid::new_v4(), "unknown_shift"),
        (epoch, till.shift_id, "implausible_time"),
        (far, till.shift_id, "implausible_time"),
    ];
    for (at, shift, kind) in cases {
        let no = till.next_no;
        let s = sale_at(
            &till,
            no,
            till.last_hash,
            at,
            shift,
            vec![cart(&items[0], 1)],
        );
        let (status, body) = post_sale(&app, &till, &to_json(&s)).await;
        assert_eq!(status, StatusCode::CREATED, "{kind}: {body}");
        assert_eq!(body["chain_status"], "flagged", "{body}");
        assert_eq!(body["chain_problems"][0]["kind"], kind, "{body}");
        assert_eq!(
            body["chain_problems"].as_array().unwrap().len(),
            1,
            "{body}"
        );
        till.follow(no, s.hash);
    }

    // Receipt 4294967295: stored, kept aside as a number jump.
    let max = till.sale_numbered(u32::MAX, till.last_hash, vec![cart(&items[0], 1)]);
    let (status, body) = post_sale(&app, &till, &to_json(&max)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["chain_problems"][0]["kind"], "number_jump", "{body}");
    assert_eq!(body["chain_problems"][0]["expected"], till.next_no);
    // The till's own next receipts still follow on cleanly.
    for _ in 0..2 {
        let next = till.sale(vec![cart(&items[1], 1)]);
        let (status, body) = post_sale(&app, &till, &to_json(&next)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["chain_status"], "ok", "{body}");
    }
    assert_eq!(count(&app, "sales").await, 7);

    // Shown where gaps are shown.
    let (ok, out) = journal_verify(&app, Some(till.id));
    assert!(!ok, "{out}");
    for kind in ["unknown_shift", "implausible_time", "number_jump"] {
        assert!(out.contains(kind), "{kind}: {out}");
    }
    assert!(!out.contains(" gap:"), "{out}");
    assert!(!out.contains("out_of_order"), "{out}");
}
