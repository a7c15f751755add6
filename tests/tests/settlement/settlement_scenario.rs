//! The issue's scenario, end to end on a real server (SQLite file or
//! PostgreSQL, per `OCOP_TEST_DATABASE_URL`).
//!
//! Stock documents are dated by the server's clock, so the scenario's goods
//! move in the current (Vietnamese) month, whose statement is provisional
//! until the month ends; the previous month holds one sale, dated back as an
//! offline till would send it, so that statement can be approved. The late
//! sale is posted through the API exactly as a till sends it, with its own
//! (previous-month) date, after that month's statement was approved;
//! `late_till_sale` does the same from a real `ocop-till` process.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use ocop_core::money::{Dong, VatRate};
use ocop_core::sale::{CartLine, Payment, Restock, Sale, SaleBuilder, SaleHeader};
use ocop_core::settlement::Period;
use ocop_core::stock::SettlementPeriod;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::sales_common::{
    Item, Till, cart, db, outlet_id, post_refund, post_sale, register_till, to_json,
};

const PRICE: i64 = 150_000;

async fn ok(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let (status, v) = app.post(path, Some(token), &body).await;
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

async fn get_ok(app: &TestApp, path: &str, token: &str) -> Value {
    let (status, v) = app.get(path, Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{path}: {v}");
    v
}

/// Posts a stock document and returns the posted document.
async fn document(app: &TestApp, token: &str, body: Value) -> Value {
    let doc = ok(app, "/api/v1/stock-documents", token, body).await;
    let id = doc["document"]["id"].as_i64().unwrap();
    ok(
        app,
        &format!("/api/v1/stock-documents/{id}/post"),
        token,
        json!({}),
    )
    .await
}

fn line(item: &Item, qty: i64, discount: i64) -> CartLine {
    CartLine {
        discount: Dong::new(discount),
        discount_reason: (discount > 0).then(|| "Khách quen".to_owned()),
        ..cart(item, qty)
    }
}

/// The till's next sale, dated `sold_at`, paid in cash, sealed on its chain.
fn sale_at(till: &mut Till, sold_at: DateTime<Utc>, lines: Vec<CartLine>) -> Sale {
    let mut b = SaleBuilder::new(SaleHeader {
        id: Uuid::new_v4(),
        till_id: till.id,
        receipt_no: till.next_no.try_into().unwrap(),
        sold_at,
        cashier_id: till.cashier_id,
        outlet_id: till.outlet_id,
        shift_id: till.shift_id,
    });
    for l in lines {
        b.add(l).unwrap();
    }
    let total = b.total().unwrap();
    let pay = Payment::cash(total, total).unwrap();
    let sale = b.finish(vec![pay], till.last_hash).unwrap();
    till.next_no += 1;
    till.last_hash = sale.hash;
    sale
}

async fn sell(app: &TestApp, till: &mut Till, at: DateTime<Utc>, lines: Vec<CartLine>) -> Sale {
    let sale = sale_at(till, at, lines);
    let (status, body) = post_sale(app, till, &to_json(&sale)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    sale
}

/// A statement's money and stock rows as computed by hand.
struct Expected {
    gross: i64,
    refunds: i64,
    net_sales: i64,
    outlet_losses: i64,
    producer_losses: i64,
    commission: i64,
    producer_share: i64,
    net_payable: i64,
    /// lot → (opening, received, in, out, sold, refunded, returned,
    /// written off, closing), units.
    rows: Vec<(&'static str, [i64; 9])>,
}

fn check(view: &Value, e: &Expected) {
    let s = &view["statement"];
    for (field, want) in [
        ("gross", e.gross),
        ("refunds", e.refunds),
        ("net_sales", e.net_sales),
        ("outlet_losses", e.outlet_losses),
        ("producer_losses", e.producer_losses),
        ("commission", e.commission),
        ("producer_share", e.producer_share),
        ("net_payable", e.net_payable),
    ] {
        assert_eq!(s[field].as_i64(), Some(want), "{field} in {s}");
    }
    assert_eq!(
        e.net_sales + e.outlet_losses - e.commission,
        e.producer_share,
        "the printed figures add up"
    );
    let stock: Vec<&Value> = view["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "stock")
        .collect();
    assert_eq!(stock.len(), e.rows.len(), "{stock:?}");
    for (lot, q) in &e.rows {
        let l = stock
            .iter()
            .find(|l| l["lot_code"] == *lot)
            .unwrap_or_else(|| panic!("no row for lot {lot}: {stock:?}"));
        let got: Vec<i64> = [
            "opening_milli",
            "received_milli",
            "transferred_in_milli",
            "transferred_out_milli",
            "sold_milli",
            "refunded_milli",
            "returned_milli",
            "written_off_milli",
            "closing_milli",
        ]
        .iter()
        .map(|f| l[*f].as_i64().unwrap() / 1000)
        .collect();
        assert_eq!(got, q.to_vec(), "lot {lot}");
        // The identity, checked here too.
        assert_eq!(q[0] + q[1] + q[2] - q[3] - q[4] + q[5] - q[6] - q[7], q[8]);
    }
}

fn statement_of(results: &Value, producer: i64, outlet: i32) -> (String, Option<i64>) {
    let r = results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["producer_id"] == producer && r["outlet_id"] == outlet)
        .unwrap_or_else(|| panic!("no result for {producer}×{outlet}: {results}"));
    (
        r["outcome"].as_str().unwrap().to_owned(),
        r["statement_id"].as_i64(),
    )
}

fn vn_noon(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(5, 0, 0).unwrap())
}

#[tokio::test]
async fn the_issue_scenario_settles_to_the_figures_computed_by_hand() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let manager = app.login("manager1", "demo1234").await;
    let sr = outlet_id(&app, "LC-SR01").await;
    let rs = outlet_id(&app, "LC-RS01").await;

    // A producer of our own, so only this test moves its goods.
    let producer = ok(
        &app,
        "/api/v1/producers",
        &admin,
        json!({"name": "HTX Quyết toán Thử", "kind": "htx", "tax_code": "5300999111",
            "district_code": "bac-ha", "commune": "Xã Bản Phố", "address": "Thôn 1",
            "contact_name": "Lù Văn Páo", "phone": "0912 345 678",
            "bank_bin": "970405", "bank_account": "8800123456789", "bank_holder": "HTX QUYET TOAN THU"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let product = ok(
        &app,
        "/api/v1/products",
        &admin,
        json!({"producer_id": producer, "name_vi": "Rượu ngô men lá thử", "group_code": "beverage",
            "stars": 4, "cert_number": "99/QĐ-UBND", "cert_level": "province",
            "cert_issued_on": ocop_e2e::days_ago(100), "unit": "chai", "vat_rate": "10",
            "price": PRICE, "food_safety_ref": "TCB 99/2025"}),
    )
    .await;
    let item = Item {
        id: i32::try_from(product["id"].as_i64().unwrap()).unwrap(),
        name: "Rượu ngô men lá thử".into(),
        unit: "chai".into(),
        group: "beverage".into(),
        price: PRICE,
        vat: VatRate::Ten,
    };
    // SR01: 15 % commission, the producer bears losses. RS01: a payout of
    // 100.000 ₫ per unit, the outlet bears losses.
    let starts = ocop_e2e::days_ago(150);
    ok(
        &app,
        "/api/v1/consignment-agreements",
        &admin,
        json!({"producer_id": producer,
        "outlet_id": sr, "terms": "commission", "commission_bp": 1500, "loss_bearer": "producer",
        "starts_on": starts}),
    )
    .await;
    ok(
        &app,
        "/api/v1/consignment-agreements",
        &admin,
        json!({"producer_id": producer,
        "outlet_id": rs, "terms": "payout_price", "loss_bearer": "outlet", "starts_on": starts}),
    )
    .await;
    // Accounts: the producer, and a cashier at RS01 for its till.
    ok(
        &app,
        "/api/v1/users",
        &admin,
        json!({"username": "htxthu", "display_name": "HTX Thử",
        "password": "demo1234", "role": "producer", "producer_id": producer}),
    )
    .await;
    ok(
        &app,
        "/api/v1/users",
        &admin,
        json!({"username": "cashier_rs", "display_name": "Thu ngân RS",
        "password": "demo12345", "role": "cashier", "outlet_id": rs}),
    )
    .await;
    let own = app.login("htxthu", "demo1234").await;
    let other_producer = app.login("producer1", "demo1234").await;

    let expires = |days: u64| ocop_e2e::days_ahead(days);
    // Goods received: 20 of lot L1 at SR01, 10 of lot L2 at RS01.
    document(&app, &manager, json!({"kind": "goods_received", "outlet_id": sr, "producer_id": producer,
        "lines": [{"product_id": item.id, "qty": "20", "lot_code": "L1", "expires_on": expires(30)}]})).await;
    document(
        &app,
        &admin,
        json!({"kind": "goods_received", "outlet_id": rs, "producer_id": producer,
        "lines": [{"product_id": item.id, "qty": "10", "lot_code": "L2", "expires_on": expires(90),
                   "payout_price": 100_000}]}),
    )
    .await;
    // A transfer of 5 of L1 from SR01 to RS01, received in full.
    let sent = document(
        &app,
        &manager,
        json!({"kind": "transfer", "outlet_id": sr, "dest_outlet_id": rs,
        "lines": [{"product_id": item.id, "qty": "5", "lot_code": "L1"}]}),
    )
    .await;
    let sent_id = sent["document"]["id"].as_i64().unwrap();
    ok(
        &app,
        &format!("/api/v1/stock-documents/{sent_id}/receive"),
        &admin,
        json!({}),
    )
    .await;

    let mut till_sr = register_till(&app, "manager1", "LC-SR01").await;
    let mut till_rs = register_till(&app, "admin", "LC-RS01").await;
    till_rs.cashier_id = db(&app, move |c| {
        use ocop_server::db::schema::users;
        users::table
            .filter(users::username.eq("cashier_rs"))
            .select(users::id)
            .first::<i32>(c)
            .unwrap()
    })
    .await;

    // The previous month: one sale at RS01 (from lot L1, first expiry).
    let this_month = Period::containing(
        SettlementPeriod::Monthly,
        ocop_core::time::vn_date(Utc::now()),
    )
    .unwrap();
    let last_month = this_month.prev();
    let early = vn_noon(last_month.first_day() + chrono::Days::new(9));
    let late_day = vn_noon(last_month.end_day() - chrono::Days::new(2));
    sell(&app, &mut till_rs, early, vec![line(&item, 1, 0)]).await;

    // Run last month for everyone; ours are drafts now.
    let results = ok(
        &app,
        "/api/v1/settlements/run",
        &admin,
        json!({"period": last_month.to_string()}),
    )
    .await;
    let (outcome, sr_prev) = statement_of(&results, producer, sr);
    assert_eq!(outcome, "computed");
    let (outcome, rs_prev) = statement_of(&results, producer, rs);
    assert_eq!(outcome, "computed");
    let (sr_prev, rs_prev) = (sr_prev.unwrap(), rs_prev.unwrap());
    // SR01: nothing happened there last month.
    let v = get_ok(&app, &format!("/api/v1/settlements/{sr_prev}"), &manager).await;
    check(
        &v,
        &Expected {
            gross: 0,
            refunds: 0,
            net_sales: 0,
            outlet_losses: 0,
            producer_losses: 0,
            commission: 0,
            producer_share: 0,
            net_payable: 0,
            rows: vec![],
        },
    );
    // RS01: one unit sold at 150.000 ₫, paid 100.000 ₫; the goods were
    // booked in this month, so the row closes at −1.
    let v = get_ok(&app, &format!("/api/v1/settlements/{rs_prev}"), &admin).await;
    check(
        &v,
        &Expected {
            gross: 150_000,
            refunds: 0,
            net_sales: 150_000,
            outlet_losses: 0,
            producer_losses: 0,
            commission: 50_000,
            producer_share: 100_000,
            net_payable: 100_000,
            rows: vec![("L1", [0, 0, 0, 0, 1, 0, 0, 0, -1])],
        },
    );
    assert!(
        v["statement"]["rounding_rule"]
            .as_str()
            .unwrap()
            .contains("Làm tròn một lần")
    );

    // Approve: the manager of SR01 approves its own, not RS01's (404).
    let (status, _) = app
        .post(
            &format!("/api/v1/settlements/{rs_prev}/approve"),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A producer cannot approve.
    let (status, _) = app
        .post(
            &format!("/api/v1/settlements/{sr_prev}/approve"),
            Some(&own),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    ok(
        &app,
        &format!("/api/v1/settlements/{sr_prev}/approve"),
        &manager,
        json!({}),
    )
    .await;
    let approved = ok(
        &app,
        &format!("/api/v1/settlements/{rs_prev}/approve"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(approved["status"], "approved");

    // Approved never changes: again 409, a re-run leaves it, and the
    // database refuses an UPDATE of its figures and new lines.
    let (status, err) = app
        .post(
            &format!("/api/v1/settlements/{rs_prev}/approve"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("statement_step_not_allowed"))
    );
    let again = ok(
        &app,
        "/api/v1/settlements/run",
        &admin,
        json!({"period": last_month.to_string(), "outlet_id": rs}),
    )
    .await;
    assert_eq!(
        statement_of(&again, producer, rs),
        ("fixed".to_owned(), Some(rs_prev))
    );
    let rs_prev_i32 = i32::try_from(rs_prev).unwrap();
    let (upd, ins, del) = db(&app, move |c| {
        use ocop_server::db::schema::{settlement_lines as sl, settlement_statements as ss};
        let upd = diesel::update(ss::table.find(rs_prev_i32))
            .set(ss::net_payable.eq(1))
            .execute(c);
        let ins = diesel::insert_into(sl::table)
            .values((
                sl::statement_id.eq(rs_prev_i32),
                sl::line_no.eq(99),
                sl::kind.eq("adjustment"),
                sl::lot_code.eq(""),
                sl::name.eq(""),
                sl::opening_milli.eq(0),
                sl::received_milli.eq(0),
                sl::transferred_in_milli.eq(0),
                sl::transferred_out_milli.eq(0),
                sl::sold_milli.eq(0),
                sl::refunded_milli.eq(0),
                sl::returned_milli.eq(0),
                sl::written_off_milli.eq(0),
                sl::closing_milli.eq(0),
                sl::retail_price.eq(0),
                sl::amount.eq(5),
                sl::reference.eq("x"),
            ))
            .execute(c);
        let del = diesel::delete(ss::table.find(rs_prev_i32)).execute(c);
        (format!("{upd:?}"), format!("{ins:?}"), format!("{del:?}"))
    })
    .await;
    // What it holds cannot change either: no member added, none removed.
    let (add_member, drop_members) = db(&app, move |c| {
        use ocop_server::db::schema::settlement_members as sm;
        let add = diesel::insert_into(sm::table)
            .values((
                sm::statement_id.eq(rs_prev_i32),
                sm::outlet_id.eq(rs),
                sm::producer_id.eq(i32::try_from(producer).unwrap()),
                sm::kind.eq("sale"),
                sm::source_id.eq(999_999),
            ))
            .execute(c);
        let drop = diesel::delete(sm::table.filter(sm::statement_id.eq(rs_prev_i32))).execute(c);
        (format!("{add:?}"), format!("{drop:?}"))
    })
    .await;
    for r in [&upd, &ins, &del, &add_member, &drop_members] {
        assert!(
            r.contains("an approved settlement statement never changes"),
            "{r}"
        );
    }
    // The approved statement recomputed from what it holds: same bytes.
    let ver = get_ok(
        &app,
        &format!("/api/v1/settlements/{rs_prev}/verify"),
        &admin,
    )
    .await;
    assert_eq!(ver["identical"], true, "{ver}");

    // This month: sales with a discount and a refund at SR01, write-offs on
    // both sides (the producer bears SR01's, the outlet RS01's), a return.
    let now = Utc::now();
    let s1 = sell(&app, &mut till_sr, now, vec![line(&item, 3, 0)]).await;
    sell(&app, &mut till_sr, now, vec![line(&item, 2, 20_000)]).await;
    let refund = till_sr.refund(&s1, &[], &[(1, 1, Restock::Shelf)]);
    let (status, body) = post_refund(&app, &till_sr, &refund).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    document(
        &app,
        &manager,
        json!({"kind": "write_off", "outlet_id": sr, "write_off_reason": "expired",
        "lines": [{"product_id": item.id, "qty": "1", "lot_code": "L1"}]}),
    )
    .await;
    document(
        &app,
        &manager,
        json!({"kind": "return_to_producer", "outlet_id": sr, "producer_id": producer,
        "lines": [{"product_id": item.id, "qty": "2", "lot_code": "L1"}]}),
    )
    .await;
    document(
        &app,
        &admin,
        json!({"kind": "write_off", "outlet_id": rs, "write_off_reason": "damaged",
        "lines": [{"product_id": item.id, "qty": "2", "lot_code": "L2"}]}),
    )
    .await;
    sell(&app, &mut till_rs, now, vec![line(&item, 4, 0)]).await;
    // The late offline sale: dated last month, arriving after its month was
    // approved.
    let late = sell(&app, &mut till_sr, late_day, vec![line(&item, 1, 0)]).await;

    let run = || async {
        ok(
            &app,
            "/api/v1/settlements/run",
            &admin,
            json!({"period": this_month.to_string()}),
        )
        .await
    };
    let first = run().await;
    let (_, sr_now) = statement_of(&first, producer, sr);
    let (_, rs_now) = statement_of(&first, producer, rs);
    let (sr_now, rs_now) = (sr_now.unwrap(), rs_now.unwrap());
    let v_sr = get_ok(&app, &format!("/api/v1/settlements/{sr_now}"), &manager).await;
    // By hand, SR01 (15 %): sold 3 + 2 (−20.000 discount) + 1 late =
    // 450.000 + 280.000 + 150.000 = 880.000; refunded 1 = 150.000; net
    // 730.000; share 730.000 × 0,85 = 620.500; the producer bears the
    // expired unit (150.000). L1: 20 in, 5 out, 6 sold, 1 back, 2 returned,
    // 1 written off: closes at 7.
    check(
        &v_sr,
        &Expected {
            gross: 880_000,
            refunds: 150_000,
            net_sales: 730_000,
            outlet_losses: 0,
            producer_losses: 150_000,
            commission: 109_500,
            producer_share: 620_500,
            net_payable: 620_500,
            rows: vec![("L1", [0, 20, 0, 5, 6, 1, 2, 1, 7])],
        },
    );
    let late_line = v_sr["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "late_sale")
        .unwrap_or_else(|| panic!("no late arrival: {v_sr}"));
    assert_eq!(late_line["reference"], late.receipt_ref().to_string());
    assert_eq!(late_line["amount"], 150_000);
    let original: DateTime<Utc> = late_line["original_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(original, late_day);
    // RS01 (100.000 ₫ per unit, the outlet bears losses): L1 opens at −1,
    // 5 in, 4 sold: 0; L2: 10 received, 2 damaged: 8. Share 4 × 100.000 +
    // the 2 damaged units credited at 100.000 = 600.000.
    let v_rs = get_ok(&app, &format!("/api/v1/settlements/{rs_now}"), &admin).await;
    check(
        &v_rs,
        &Expected {
            gross: 600_000,
            refunds: 0,
            net_sales: 600_000,
            outlet_losses: 200_000,
            producer_losses: 0,
            commission: 200_000,
            producer_share: 600_000,
            net_payable: 600_000,
            rows: vec![
                ("L1", [-1, 0, 5, 0, 4, 0, 0, 0, 0]),
                ("L2", [0, 10, 0, 0, 0, 0, 0, 2, 8]),
            ],
        },
    );

    // Re-running gives byte-identical figures.
    let second = run().await;
    assert_eq!(statement_of(&second, producer, sr).1, Some(sr_now));
    let v_sr2 = get_ok(&app, &format!("/api/v1/settlements/{sr_now}"), &manager).await;
    assert_eq!(v_sr["statement"]["figures"], v_sr2["statement"]["figures"]);
    assert_eq!(
        v_sr["statement"]["figures_sha256"],
        v_sr2["statement"]["figures_sha256"]
    );
    // The month is not over: this month's statement is provisional.
    let (status, err) = app
        .post(
            &format!("/api/v1/settlements/{sr_now}/approve"),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("period_not_over"))
    );

    // The producer confirms RS01's approved statement and disputes SR01's.
    let (status, _) = app
        .post(
            &format!("/api/v1/settlements/{rs_prev}/confirm"),
            Some(&other_producer),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let c = ok(
        &app,
        &format!("/api/v1/settlements/{rs_prev}/confirm"),
        &own,
        json!({}),
    )
    .await;
    assert_eq!(c["status"], "confirmed");
    let (status, err) = app
        .post(
            &format!("/api/v1/settlements/{sr_prev}/dispute"),
            Some(&own),
            &json!({"comment": " "}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("comment_required"))
    );
    let d = ok(
        &app,
        &format!("/api/v1/settlements/{sr_prev}/dispute"),
        &own,
        json!({"comment": "Thiếu 1 chai đã giao"}),
    )
    .await;
    assert_eq!(d["status"], "disputed");
    let hist = get_ok(&app, &format!("/api/v1/settlements/{sr_prev}"), &own).await;
    let steps: Vec<&str> = hist["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["computed", "approved", "disputed"]);
    assert!(
        hist["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["user_id"].is_i64() && e["at"].is_string())
    );

    // A correction of SR01's disputed statement: an adjustment line in the
    // next statement, pointing at it.
    ok(
        &app,
        &format!("/api/v1/settlements/{sr_prev}/adjustments"),
        &manager,
        json!({"amount": 150_000, "reason": "Bổ sung 1 chai giao thiếu"}),
    )
    .await;
    run().await;
    let v_sr3 = get_ok(&app, &format!("/api/v1/settlements/{sr_now}"), &manager).await;
    let adj = v_sr3["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "adjustment")
        .unwrap();
    assert_eq!(adj["corrects_statement_id"], sr_prev);
    assert_eq!(adj["amount"], 150_000);
    assert_eq!(v_sr3["statement"]["net_payable"], 620_500 + 150_000);

    // The payout batch of RS01: last month's confirmed statement, with a
    // VietQR the independent decoders read back.
    let batch = get_ok(
        &app,
        &format!("/api/v1/settlement-payouts?outlet_id={rs}"),
        &admin,
    )
    .await;
    let item_b = batch
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["statement_id"] == rs_prev)
        .unwrap()
        .clone();
    assert_eq!(item_b["amount"], 100_000);
    let memo = format!("QT{rs_prev} {}", last_month.to_string().replace('-', ""));
    assert_eq!(item_b["memo"], memo.as_str());
    let payload = item_b["vietqr"].as_str().unwrap().to_owned();
    let decoded = decode_vietqr(&payload);
    assert_eq!(decoded["isValid"], true, "{decoded}");
    assert_eq!(decoded["bankBin"], "970405");
    assert_eq!(decoded["bankNumber"], "8800123456789");
    assert_eq!(decoded["amount"], "100000");
    assert_eq!(decoded["purpose"], memo.as_str());
    let png = app
        .client
        .get(app.url(&format!("/api/v1/settlements/{rs_prev}/vietqr.png")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(png.status(), StatusCode::OK);
    let png = png.bytes().await.unwrap();
    assert_eq!(zbarimg(&png), payload, "the PNG scans to the payload");
    // The CSV in a bulk-transfer layout: amount as a plain integer.
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/settlement-payouts.csv?outlet_id={rs}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains(&format!(
            "8800123456789,HTX QUYET TOAN THU,970405,100000,{memo}"
        )),
        "{csv}"
    );
    // A producer cannot see any outlet's batch.
    let (status, _) = app
        .get(
            &format!("/api/v1/settlement-payouts?outlet_id={rs}"),
            Some(&own),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Paid once, with the reference; never twice.
    let (status, err) = app
        .post(
            &format!("/api/v1/settlements/{rs_prev}/pay"),
            Some(&admin),
            &json!({"reference": ""}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reference_required"))
    );
    let p = ok(
        &app,
        &format!("/api/v1/settlements/{rs_prev}/pay"),
        &admin,
        json!({"reference": "FT26337000123"}),
    )
    .await;
    assert_eq!(p["amount"], 100_000);
    assert_eq!(p["memo"], memo.as_str());
    let (status, err) = app
        .post(
            &format!("/api/v1/settlements/{rs_prev}/pay"),
            Some(&admin),
            &json!({"reference": "FT2"}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("already_paid"))
    );
    // A disputed statement is not due.
    let (status, _) = app
        .post(
            &format!("/api/v1/settlements/{sr_prev}/pay"),
            Some(&manager),
            &json!({"reference": "FT3"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let batch = get_ok(
        &app,
        &format!("/api/v1/settlement-payouts?outlet_id={rs}"),
        &admin,
    )
    .await;
    assert!(
        batch
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["statement_id"] != rs_prev)
    );
    let payouts: i64 = db(&app, move |c| {
        use ocop_server::db::schema::settlement_payouts as sp;
        sp::table
            .filter(sp::statement_id.eq(rs_prev_i32))
            .count()
            .get_result(c)
            .unwrap()
    })
    .await;
    assert_eq!(payouts, 1);
    // Owed versus paid, per producer.
    let bal = get_ok(
        &app,
        &format!("/api/v1/settlements/balances?producer_id={producer}"),
        &admin,
    )
    .await;
    let b_rs = bal
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["outlet_id"] == rs)
        .unwrap();
    assert_eq!(
        (b_rs["owed"].as_i64(), b_rs["paid"].as_i64()),
        (Some(100_000), Some(100_000))
    );

    // Isolation: another producer sees none of it (API answers 404, lists
    // are empty of it); the inspector reads everything.
    for id in [sr_prev, rs_prev, sr_now, rs_now] {
        let (status, _) = app
            .get(&format!("/api/v1/settlements/{id}"), Some(&other_producer))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app
            .get(
                &format!("/api/v1/settlements/{id}/verify"),
                Some(&other_producer),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let theirs = get_ok(
        &app,
        &format!("/api/v1/settlements?producer_id={producer}"),
        &other_producer,
    )
    .await;
    assert!(
        theirs
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["producer_id"] != producer),
        "{theirs}"
    );
    let mine = get_ok(&app, "/api/v1/settlements", &own).await;
    assert_eq!(mine.as_array().unwrap().len(), 4);
    let inspector = app.login("inspector", "demo1234").await;
    get_ok(&app, &format!("/api/v1/settlements/{sr_now}"), &inspector).await;
    let (status, _) = app
        .post(
            &format!("/api/v1/settlements/{sr_now}/approve"),
            Some(&inspector),
            &json!({}),
        )
        .await;
    assert!(status == StatusCode::FORBIDDEN, "{status}");

    // The pages: the producer's portal shows its own goods and statements,
    // another producer's shows none of them and its statement pages 404.
    use crate::web_common::{csrf, page, post_form, web_login};
    let mine = web_login(&app, "htxthu").await;
    let theirs = web_login(&app, "producer1").await;
    let (status, html) = page(&app, "/portal", &mine).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Rượu ngô men lá thử") && html.contains("FT26337000123"),
        "{html}"
    );
    let (status, html) = page(&app, "/portal", &theirs).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Rượu ngô men lá thử") && !html.contains("HTX Quyết toán Thử"));
    for id in [sr_prev, rs_prev, sr_now, rs_now] {
        for path in [
            format!("/settlements/{id}"),
            format!("/settlements/{id}/statement.csv"),
        ] {
            let (status, html) = page(&app, &path, &theirs).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(!html.contains("HTX Quyết toán Thử"));
        }
    }
    let (_, html) = page(&app, "/settlements", &theirs).await;
    assert!(!html.contains("HTX Quyết toán Thử"));
    let token = csrf(&app, &theirs).await;
    let (status, _, _) = post_form(
        &app,
        &format!("/settlements/{sr_prev}/confirm"),
        &theirs,
        &[("csrf", token)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Its own statement page, printable, and its CSV with numbers as numbers.
    let (status, html) = page(&app, &format!("/settlements/{sr_now}"), &mine).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("770.500") && html.contains("Làm tròn một lần"),
        "{html}"
    );
    let (status, csv) = page(&app, &format!("/settlements/{sr_now}/statement.csv"), &mine).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains("money:net_payable,,,,,,,,,,,,770500,"),
        "{csv}"
    );
    assert!(
        csv.contains("stock,Rượu ngô men lá thử,L1,0,20,0,5,6,1,2,1,7,0,"),
        "{csv}"
    );
    // The producer confirms through the page: SR01's disputed statement.
    let token = csrf(&app, &mine).await;
    let (status, location, _) = post_form(
        &app,
        &format!("/settlements/{sr_prev}/confirm"),
        &mine,
        &[("csrf", token)],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some(format!("/settlements/{sr_prev}").as_str())
        )
    );
    let v = get_ok(&app, &format!("/api/v1/settlements/{sr_prev}"), &own).await;
    assert_eq!(v["statement"]["status"], "confirmed");

    // Membership: the late sale is held by this month's statement and by no
    // other; every receipt of the producer is held once.
    let late_uuid = late.id.to_string();
    let (held_by, per_source) = db(&app, move |c| {
        use ocop_server::db::schema::{sales, settlement_members as sm};
        let late_id: i32 = sales::table
            .filter(sales::uuid.eq(late_uuid))
            .select(sales::id)
            .first(c)
            .unwrap();
        let held_by: Vec<i32> = sm::table
            .filter(sm::kind.eq("sale"))
            .filter(sm::source_id.eq(late_id))
            .select(sm::statement_id)
            .load(c)
            .unwrap();
        let all: Vec<(i32, i32, String, i32)> = sm::table
            .filter(sm::producer_id.eq(i32::try_from(producer).unwrap()))
            .select((sm::outlet_id, sm::statement_id, sm::kind, sm::source_id))
            .load(c)
            .unwrap();
        let mut seen = std::collections::BTreeMap::new();
        for (o, _, k, id) in all {
            *seen.entry((o, k, id)).or_insert(0) += 1;
        }
        (held_by, seen.into_values().max().unwrap_or(0))
    })
    .await;
    assert_eq!(held_by, vec![i32::try_from(sr_now).unwrap()]);
    assert_eq!(per_source, 1);

    // Downloads: PDF (Vietnamese text extracted by poppler) and XLSX
    // (numbers as numbers, dates as dates, read by calamine).
    let pdf = download(&app, &format!("/settlements/{sr_now}/statement.pdf"), &mine).await;
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdftotext(&pdf);
    for want in [
        "BẢNG QUYẾT TOÁN HÀNG KÝ GỬI",
        "HTX Quyết toán Thử",
        "Rượu ngô men lá thử · L1",
        "770.500 ₫",
        "Bán đến muộn",
        &late.receipt_ref().to_string(),
    ] {
        assert!(text.contains(want), "{want:?} not in the PDF text:\n{text}");
    }
    assert!(pdftoppm_renders(&pdf), "poppler renders the PDF");
    let xlsx = download(
        &app,
        &format!("/settlements/{sr_now}/statement.xlsx"),
        &mine,
    )
    .await;
    check_statement_xlsx(&xlsx);
    for id in [sr_prev, rs_prev, sr_now, rs_now] {
        for ext in ["pdf", "xlsx"] {
            let (status, _) =
                page(&app, &format!("/settlements/{id}/statement.{ext}"), &theirs).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{ext} of #{id}");
        }
    }

    // Sell-through per lot, from the ledger: SR01's L1 took 20, sold 6 less
    // 1 refunded, returned 2, sent 5 away and wrote 1 off: 7 on hand, 25 %.
    let producer_i32 = i32::try_from(producer).unwrap();
    let lots = db(&app, move |c| {
        ocop_server::models::settlement::portal::sell_through(c, producer_i32, Utc::now()).unwrap()
    })
    .await;
    let row = |outlet: i32, lot: &str| {
        lots.iter()
            .find(|r| r.outlet_id == outlet && r.lot_code == lot)
            .unwrap_or_else(|| panic!("no {lot} at {outlet}"))
            .clone()
    };
    let l1 = row(sr, "L1");
    assert_eq!(
        (
            l1.received_milli,
            l1.sold_milli,
            l1.returned_milli,
            l1.other_out_milli,
            l1.on_hand_milli
        ),
        (20_000, 5_000, 2_000, 6_000, 7_000)
    );
    assert_eq!((l1.sold_permille, l1.days_on_shelf), (Some(250), 0));
    let l1_rs = row(rs, "L1");
    assert_eq!(
        (l1_rs.received_milli, l1_rs.sold_milli, l1_rs.on_hand_milli),
        (5_000, 5_000, 0)
    );
    assert_eq!(l1_rs.sold_permille, Some(1000));
    let l2 = row(rs, "L2");
    assert_eq!(
        (
            l2.received_milli,
            l2.sold_milli,
            l2.other_out_milli,
            l2.on_hand_milli
        ),
        (10_000, 0, 2_000, 8_000)
    );
    assert_eq!(l2.sold_permille, Some(0));
    let (_, html) = page(&app, "/portal", &mine).await;
    assert!(
        html.contains("Tỷ lệ bán theo lô") && html.contains("25 %"),
        "{html}"
    );

    // Notifications: approvals to confirm, the payout, L1 expiring at SR01
    // (30 days); unread until marked, and only by their producer.
    let notes = db(&app, move |c| {
        ocop_server::models::settlement::notices::list(c, producer_i32, 50).unwrap()
    })
    .await;
    let kinds: std::collections::BTreeSet<(String, Option<i32>)> = notes
        .0
        .iter()
        .map(|n| (n.kind.clone(), n.statement_id))
        .collect();
    let (sr_prev_i32, sr_now_i32) = (
        i32::try_from(sr_prev).unwrap(),
        i32::try_from(sr_now).unwrap(),
    );
    for want in [
        ("statement_ready".to_owned(), Some(sr_prev_i32)),
        ("statement_ready".to_owned(), Some(rs_prev_i32)),
        ("statement_paid".to_owned(), Some(rs_prev_i32)),
        ("lot_expiring".to_owned(), None),
    ] {
        assert!(kinds.contains(&want), "{want:?} not in {kinds:?}");
    }
    assert!(
        !kinds.iter().any(|k| k.1 == Some(sr_now_i32)),
        "a draft is not announced"
    );
    assert_eq!(notes.1, i64::try_from(notes.0.len()).unwrap(), "all unread");
    assert!(html.contains("Đã chuyển khoản 100.000 ₫"), "{html}");
    let (_, their_html) = page(&app, "/portal", &theirs).await;
    assert!(!their_html.contains("Đã chuyển khoản 100.000 ₫"));
    let first = notes.0.first().unwrap().id;
    // Another producer marking it changes nothing; its own marks it.
    let token = csrf(&app, &theirs).await;
    let (status, _, _) = post_form(
        &app,
        "/portal/notices/read",
        &theirs,
        &[("csrf", token), ("id", first.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let unread = || {
        db(&app, move |c| {
            ocop_server::models::settlement::notices::list(c, producer_i32, 50)
                .unwrap()
                .1
        })
    };
    assert_eq!(unread().await, notes.1);
    let token = csrf(&app, &mine).await;
    let (status, location, _) = post_form(
        &app,
        "/portal/notices/read",
        &mine,
        &[("csrf", token), ("id", first.to_string())],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/portal#notices"))
    );
    assert_eq!(unread().await, notes.1 - 1);
    let token = csrf(&app, &mine).await;
    post_form(&app, "/portal/notices/read", &mine, &[("csrf", token)]).await;
    assert_eq!(unread().await, 0);
    // Opening the portal again notices nothing new.
    page(&app, "/portal", &mine).await;
    assert_eq!(unread().await, 0);
}

/// The bytes of a signed-in page (a download).
async fn download(app: &TestApp, path: &str, cookie: &str) -> Vec<u8> {
    let res = app
        .client
        .get(app.url(path))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.bytes().await.unwrap().to_vec()
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pdftoppm_renders(pdf: &[u8]) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "50", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm (poppler-utils) is installed");
    out.status.success()
        && std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| {
                e.file_name().to_string_lossy().ends_with(".png")
                    && e.metadata().unwrap().len() > 1000
            })
}

/// SR01's statement as XLSX: the L1 row's quantities and the net payable
/// are numbers, the computation time and the late sale's date are dates.
fn check_statement_xlsx(bytes: &[u8]) {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.sheet_names().first().unwrap().clone();
    assert_eq!(sheet, "Quyết toán");
    let range = book.worksheet_range(&sheet).unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let find = |label: &str| {
        rows.iter()
            .find(|r| matches!(r.first(), Some(Data::String(s)) if s == label))
            .unwrap_or_else(|| panic!("no row {label}: {rows:?}"))
    };
    let l1 = find("Rượu ngô men lá thử");
    assert_eq!(l1[1], Data::String("L1".into()));
    let numbers: Vec<f64> = l1[2..11]
        .iter()
        .map(|c| match c {
            Data::Float(f) => *f,
            other => panic!("not a number: {other:?}"),
        })
        .collect();
    assert_eq!(numbers, [0.0, 20.0, 0.0, 5.0, 6.0, 1.0, 2.0, 1.0, 7.0]);
    assert_eq!(find("Số tiền thanh toán")[1], Data::Float(770_500.0));
    assert!(
        matches!(find("Lập lúc")[1], Data::DateTime(_)),
        "{:?}",
        find("Lập lúc")
    );
    let late = find("Bán đến muộn");
    assert!(matches!(late[2], Data::DateTime(_)), "{late:?}");
    assert_eq!(late[4], Data::Float(150_000.0));
}

/// The independent VietQR decoder (npm `vietnam-qr-pay`, installed in
/// core/tests/vietqr by `.ci/test`).
fn decode_vietqr(payload: &str) -> Value {
    use std::io::Write;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/vietqr");
    assert!(
        dir.join("node_modules/vietnam-qr-pay").exists(),
        "run .ci/test (npm ci in core/tests/vietqr)"
    );
    let mut child = std::process::Command::new("node")
        .arg("decode.js")
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node");
    writeln!(child.stdin.take().unwrap(), "{payload}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Scans a PNG with zbarimg (ZBar), an independent QR reader.
fn zbarimg(png: &[u8]) -> String {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), png).unwrap();
    let out = std::process::Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(file.path())
        .output()
        .expect("zbarimg");
    assert!(out.status.success(), "zbarimg found no code");
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}
