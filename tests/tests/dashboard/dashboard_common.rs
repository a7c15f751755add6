//! What the dashboard suites share: a demo server with sales made through
//! the real API (today's, one paid by a transfer still pending, a late
//! offline sale from three days ago, a refund of it made now), the figures
//! expected of them computed here from the sales as built, and a wait for
//! the background rollup pass.

#![allow(dead_code, reason = "each suite uses a different subset")]

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use diesel::prelude::*;
use ocop_core::money::Dong;
use ocop_core::sale::{CartLine, Payment, Refund, Restock, Sale, SaleBuilder, SaleHeader};
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::sales_common::{
    Item, Till, cart, db, post_refund, post_sale, register_till, stocked_items, to_json,
};

/// A Vietnam calendar day, computed here (UTC+7), not with the server's helper.
pub fn vn_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap())
        .date_naive()
}

/// One event of the data set, as the test built it.
#[derive(Debug, Clone)]
pub struct Event {
    pub day: NaiveDate,
    pub product_id: i32,
    /// Units (negative for a refund).
    pub units: i64,
    /// Đồng (negative for a refund).
    pub amount: i64,
    /// The sale's id, for counting receipts (None for a refund).
    pub sale: Option<Uuid>,
}

pub struct Data {
    pub app: TestApp,
    pub till: Till,
    pub items: Vec<Item>,
    pub events: Vec<Event>,
    pub outlet_id: i32,
    pub late_day: NaiveDate,
}

/// Expected (net revenue, net units, receipts, gross) of the events whose
/// day is in `from..until` and whose product passes `keep`.
pub fn expected(
    events: &[Event],
    from: NaiveDate,
    until: NaiveDate,
    keep: impl Fn(i32) -> bool,
) -> (i64, i64, i64, i64) {
    let mut revenue = 0;
    let mut units = 0;
    let mut gross = 0;
    let mut receipts = std::collections::BTreeSet::new();
    for e in events
        .iter()
        .filter(|e| e.day >= from && e.day < until && keep(e.product_id))
    {
        revenue += e.amount;
        units += e.units;
        if let Some(s) = e.sale {
            receipts.insert(s);
            gross += e.amount;
        }
    }
    (
        revenue,
        units,
        i64::try_from(receipts.len()).unwrap(),
        gross,
    )
}

fn sale_at(
    till: &mut Till,
    at: DateTime<Utc>,
    lines: Vec<CartLine>,
    pending_transfer: bool,
) -> Sale {
    let mut b = SaleBuilder::new(SaleHeader {
        id: Uuid::new_v4(),
        till_id: till.id,
        receipt_no: till.next_no.try_into().unwrap(),
        sold_at: at,
        cashier_id: till.cashier_id,
        outlet_id: till.outlet_id,
        shift_id: till.shift_id,
    });
    for l in lines {
        b.add(l).unwrap();
    }
    let total = b.total().unwrap();
    let pay = if pending_transfer {
        Payment::bank_transfer(total, ocop_core::sale::TransferStatus::Pending, None)
    } else {
        Payment::cash(total, Dong::new(total.amount())).unwrap()
    };
    let sale = b.finish(vec![pay], till.last_hash).unwrap();
    till.next_no += 1;
    till.last_hash = sale.hash;
    sale
}

fn events_of_sale(sale: &Sale) -> Vec<Event> {
    sale.lines
        .iter()
        .map(|l| Event {
            day: vn_day(sale.sold_at),
            product_id: l.product_id,
            units: l.qty.milli() / 1000,
            amount: l.amount.amount(),
            sale: Some(sale.id),
        })
        .collect()
}

fn events_of_refund(r: &Refund) -> Vec<Event> {
    r.lines
        .iter()
        .map(|l| Event {
            day: vn_day(r.refunded_at),
            product_id: l.product_id,
            units: -(l.qty.milli() / 1000),
            amount: -l.amount.amount(),
            sale: None,
        })
        .collect()
}

/// Waits (at most 30 s) until the background pass has rolled up every
/// sale and refund stored.
pub async fn rolled_up(app: &TestApp) {
    for _ in 0..120 {
        let done = db(app, |c| {
            #[derive(QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let behind: Vec<N> = diesel::sql_query(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM sales s WHERE s.id > \
                 COALESCE((SELECT last_id FROM rollup_cursors WHERE source = 'sales'), 0) \
                 UNION ALL SELECT CAST(COUNT(*) AS BIGINT) AS n FROM refunds r WHERE r.id > \
                 COALESCE((SELECT last_id FROM rollup_cursors WHERE source = 'refunds'), 0)",
            )
            .load(c)
            .unwrap();
            behind.iter().all(|b| b.n == 0)
        })
        .await;
        if done {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("the background pass did not roll up every sale in 30 s");
}

/// The data set: two sales today (one paid by a pending transfer), then,
/// once those are rolled up, a sale made offline three days ago arriving
/// now and a refund of one unit of it.
pub async fn data_set() -> Data {
    let app = TestApp::spawn_demo().await;
    let mut till = register_till(&app, "manager1", "LC-SR01").await;
    let items = stocked_items(&app, till.outlet_id).await;
    assert!(items.len() >= 2, "two stocked products at LC-SR01");
    let (a, b) = (items[0].clone(), items[1].clone());
    let mut events = Vec::new();
    let now = Utc::now();
    let s1 = sale_at(&mut till, now, vec![cart(&a, 2), cart(&b, 1)], false);
    let s2 = sale_at(&mut till, now, vec![cart(&a, 1)], true);
    for s in [&s1, &s2] {
        let (status, body) = post_sale(&app, &till, &to_json(s)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        events.extend(events_of_sale(s));
    }
    rolled_up(&app).await;
    // Late: sold offline three days ago, arriving after today's sales.
    let late_at = now - Duration::days(3);
    let late = sale_at(&mut till, late_at, vec![cart(&b, 3)], false);
    let (status, body) = post_sale(&app, &till, &to_json(&late)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    events.extend(events_of_sale(&late));
    let refund = till.refund(&late, &[], &[(1, 1, Restock::Shelf)]);
    let (status, body) = post_refund(&app, &till, &refund).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    events.extend(events_of_refund(&refund));
    rolled_up(&app).await;
    let outlet_id = till.outlet_id;
    Data {
        app,
        till,
        items: vec![a, b],
        events,
        outlet_id,
        late_day: vn_day(late_at),
    }
}

/// Runs `ocop-server rollup <what>` on the app's database: (success, output).
pub fn rollup_cli(app: &TestApp, what: &str) -> (bool, String) {
    let out = std::process::Command::new(ocop_e2e::server_binary())
        .args(["rollup", what])
        .env("OCOP_DATABASE_URL", &app.test_db.url)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// Per-product expected net revenue, for breakdown checks.
pub fn revenue_by_product(
    events: &[Event],
    from: NaiveDate,
    until: NaiveDate,
) -> BTreeMap<i32, i64> {
    let mut out = BTreeMap::new();
    for e in events.iter().filter(|e| e.day >= from && e.day < until) {
        *out.entry(e.product_id).or_insert(0) += e.amount;
    }
    out
}
