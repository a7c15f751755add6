//! Statements approved before statements recorded what they hold
//! (migration 2026-12-04-000130) have no `settlement_members` rows. Such a
//! database is simulated: a statement is computed and approved, then its
//! member rows are deleted with the protecting triggers bypassed (as a
//! database migrated past 000130 has them: absent). The next run records
//! them by the old rule (received by the statement's `cutoff_at`) and
//! checks its hash, so the new statement does not hold the old sales again;
//! where the old rule does not give the stored figures the pair is refused
//! with `statement_members_missing`, the run and `settle backfill` alike.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use ocop_core::money::VatRate;
use ocop_core::sale::{Payment, Sale, SaleBuilder, SaleHeader};
use ocop_core::settlement::Period;
use ocop_core::stock::SettlementPeriod;
use ocop_e2e::TestApp;
use ocop_server::db::DbConn;
use ocop_server::db::schema::{sales, settlement_members as sm, settlement_statements as ss};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::sales_common::{Item, Till, cart, db, outlet_id, post_sale, register_till, to_json};

const PRICE: i64 = 150_000;

async fn ok(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let (status, v) = app.post(path, Some(token), &body).await;
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

/// The till's next sale of `qty` units, dated `sold_at`, posted; its id.
async fn sell(app: &TestApp, till: &mut Till, item: &Item, qty: i64, at: DateTime<Utc>) -> Uuid {
    let mut b = SaleBuilder::new(SaleHeader {
        id: Uuid::new_v4(),
        till_id: till.id,
        receipt_no: till.next_no.try_into().unwrap(),
        sold_at: at,
        cashier_id: till.cashier_id,
        outlet_id: till.outlet_id,
        shift_id: till.shift_id,
    });
    b.add(cart(item, qty)).unwrap();
    let total = b.total().unwrap();
    let sale: Sale = b
        .finish(vec![Payment::cash(total, total).unwrap()], till.last_hash)
        .unwrap();
    till.next_no += 1;
    till.last_hash = sale.hash;
    let (status, body) = post_sale(app, till, &to_json(&sale)).await;
    assert!(status.is_success(), "{body}");
    sale.id
}

/// Runs `sql` with the database's protecting triggers out of the way, as
/// a database whose rows predate them: on SQLite the named triggers are
/// dropped and recreated from their own definitions, on PostgreSQL user
/// triggers are off for the transaction (`session_replication_role`).
fn bypassing(c: &mut DbConn, triggers: &[&str], sql: &[String]) {
    match c {
        DbConn::Sqlite(c) => c
            .transaction::<_, diesel::result::Error, _>(|c| {
                #[derive(QueryableByName)]
                struct Def {
                    #[diesel(sql_type = diesel::sql_types::Text)]
                    sql: String,
                }
                let mut defs = Vec::new();
                for t in triggers {
                    let d: Def = diesel::sql_query(format!(
                        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '{t}'"
                    ))
                    .get_result(c)?;
                    diesel::sql_query(format!("DROP TRIGGER {t}")).execute(c)?;
                    defs.push(d.sql);
                }
                for s in sql {
                    diesel::sql_query(s).execute(c)?;
                }
                for d in defs {
                    diesel::sql_query(d).execute(c)?;
                }
                Ok(())
            })
            .unwrap(),
        DbConn::Postgres(c) => c
            .transaction::<_, diesel::result::Error, _>(|c| {
                diesel::sql_query("SET LOCAL session_replication_role = replica").execute(c)?;
                for s in sql {
                    diesel::sql_query(s).execute(c)?;
                }
                Ok(())
            })
            .unwrap(),
    }
}

/// A statement's members, (kind, source id), in order.
async fn members(app: &TestApp, statement: i64) -> Vec<(String, i32)> {
    let id = i32::try_from(statement).unwrap();
    db(app, move |c| {
        sm::table
            .filter(sm::statement_id.eq(id))
            .select((sm::kind, sm::source_id))
            .order((sm::kind, sm::source_id))
            .load(c)
            .unwrap()
    })
    .await
}

async fn sale_row(app: &TestApp, id: Uuid) -> i32 {
    let id = id.to_string();
    db(app, move |c| {
        sales::table
            .filter(sales::uuid.eq(id))
            .select(sales::id)
            .first(c)
            .unwrap()
    })
    .await
}

/// Runs `period` at `outlet`; the pair's (outcome, statement, message).
async fn run(
    app: &TestApp,
    admin: &str,
    period: Period,
    producer: i64,
    outlet: i32,
) -> (String, Option<i64>, String) {
    let results = ok(
        app,
        "/api/v1/settlements/run",
        admin,
        json!({"period": period.to_string(), "outlet_id": outlet}),
    )
    .await;
    result_of(&results, producer, outlet)
}

/// One run's result for the pair: (outcome, statement, message).
fn result_of(results: &Value, producer: i64, outlet: i32) -> (String, Option<i64>, String) {
    let r = results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["producer_id"] == producer && r["outlet_id"] == outlet)
        .unwrap_or_else(|| panic!("no result for {producer}×{outlet}: {results}"));
    (
        r["outcome"].as_str().unwrap().to_owned(),
        r["statement_id"].as_i64(),
        r["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A producer of the test's own at SR01 (15 % commission), 10 units
/// received this month, a till; last month's statement holding `qty` units
/// sold then, approved, and its members deleted as an upgraded database
/// would have none. (app, admin, producer, outlet, item, till, statement,
/// the old sale's row id.)
struct Old {
    app: TestApp,
    admin: String,
    producer: i64,
    outlet: i32,
    item: Item,
    till: Till,
    statement: i64,
    old_sale: i32,
    this_month: Period,
    last_month: Period,
}

async fn old_statement(tax_code: &str) -> Old {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let manager = app.login("manager1", "demo1234").await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let producer = ok(
        &app,
        "/api/v1/producers",
        &admin,
        json!({"name": "HTX Bổ sung Thử", "kind": "htx", "tax_code": tax_code,
            "district_code": "bac-ha", "commune": "Xã Bản Phố", "address": "Thôn 2",
            "contact_name": "Lù Văn Páo", "phone": "0912 345 679",
            "bank_bin": "970405", "bank_account": "8800123456788", "bank_holder": "HTX BO SUNG THU"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let product = ok(
        &app,
        "/api/v1/products",
        &admin,
        json!({"producer_id": producer, "name_vi": "Mật ong bạc hà thử", "group_code": "food",
            "stars": 4, "cert_number": "98/QĐ-UBND", "cert_level": "province",
            "cert_issued_on": ocop_e2e::days_ago(100), "unit": "chai", "vat_rate": "10",
            "price": PRICE, "food_safety_ref": "TCB 98/2025"}),
    )
    .await;
    let item = Item {
        id: i32::try_from(product["id"].as_i64().unwrap()).unwrap(),
        name: "Mật ong bạc hà thử".into(),
        unit: "chai".into(),
        group: "food".into(),
        price: PRICE,
        vat: VatRate::Ten,
    };
    ok(
        &app,
        "/api/v1/consignment-agreements",
        &admin,
        json!({"producer_id": producer, "outlet_id": outlet, "terms": "commission",
            "commission_bp": 1500, "loss_bearer": "producer",
            "starts_on": ocop_e2e::days_ago(150)}),
    )
    .await;
    let doc = ok(
        &app,
        "/api/v1/stock-documents",
        &manager,
        json!({"kind": "goods_received", "outlet_id": outlet, "producer_id": producer,
            "lines": [{"product_id": item.id, "qty": "10", "lot_code": "B1",
                "expires_on": ocop_e2e::days_ahead(60)}]}),
    )
    .await;
    let doc_id = doc["document"]["id"].as_i64().unwrap();
    ok(
        &app,
        &format!("/api/v1/stock-documents/{doc_id}/post"),
        &manager,
        json!({}),
    )
    .await;
    let mut till = register_till(&app, "manager1", "LC-SR01").await;

    let this_month = Period::containing(
        SettlementPeriod::Monthly,
        ocop_core::time::vn_date(Utc::now()),
    )
    .unwrap();
    let last_month = this_month.prev();
    let day = last_month.first_day() + chrono::Days::new(9);
    let at = Utc.from_utc_datetime(&day.and_hms_opt(5, 0, 0).unwrap());
    // Last month: 2 units (300.000 ₫), approved.
    let old_sale = sale_row(&app, sell(&app, &mut till, &item, 2, at).await).await;
    let (outcome, statement, msg) = run(&app, &admin, last_month, producer, outlet).await;
    assert_eq!(outcome, "computed", "{msg}");
    let statement = statement.unwrap();
    ok(
        &app,
        &format!("/api/v1/settlements/{statement}/approve"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(
        members(&app, statement).await,
        vec![("sale".to_owned(), old_sale)]
    );
    // As a database upgraded past 2026-12-04-000130 has it: no members,
    // and the statement computed before that migration ran.
    let upgraded = (Utc::now() + chrono::TimeDelta::minutes(1)).format("%Y-%m-%d %H:%M:%S");
    let sql = vec![
        format!("DELETE FROM settlement_members WHERE statement_id = {statement}"),
        format!(
            "UPDATE __diesel_schema_migrations SET run_on = '{upgraded}' \
             WHERE version = '20261204000130'"
        ),
    ];
    db(&app, move |c| {
        bypassing(c, &["settlement_members_fixed_delete"], &sql);
    })
    .await;
    assert!(members(&app, statement).await.is_empty());
    Old {
        app,
        admin,
        producer,
        outlet,
        item,
        till,
        statement,
        old_sale,
        this_month,
        last_month,
    }
}

async fn statement(app: &TestApp, admin: &str, id: i64) -> Value {
    let (status, v) = app
        .get(&format!("/api/v1/settlements/{id}"), Some(admin))
        .await;
    assert!(status.is_success(), "{v}");
    v
}

#[tokio::test]
async fn an_upgraded_databases_old_statement_gets_its_members_back_and_is_not_paid_twice() {
    let Old {
        app,
        admin,
        producer,
        outlet,
        item,
        mut till,
        statement: old,
        old_sale,
        this_month,
        last_month: _,
    } = old_statement("5300999121").await;
    let before = statement(&app, &admin, old).await;
    assert_eq!(before["statement"]["gross"], 2 * PRICE, "{before}");
    // Without its members the old statement no longer recomputes.
    let (_, ver) = app
        .get(&format!("/api/v1/settlements/{old}/verify"), Some(&admin))
        .await;
    assert_eq!(ver["identical"], false, "{ver}");

    // This month: 1 unit (150.000 ₫), then the run.
    let new_sale = sale_row(&app, sell(&app, &mut till, &item, 1, Utc::now()).await).await;
    let (outcome, new, msg) = run(&app, &admin, this_month, producer, outlet).await;
    assert_eq!(outcome, "computed", "{msg}");
    let new = new.unwrap();

    // The old statement holds its sale again, unchanged and recomputing.
    assert_eq!(
        members(&app, old).await,
        vec![("sale".to_owned(), old_sale)]
    );
    let after = statement(&app, &admin, old).await;
    assert_eq!(
        before["statement"]["figures_sha256"],
        after["statement"]["figures_sha256"]
    );
    for id in [old, new] {
        let (_, ver) = app
            .get(&format!("/api/v1/settlements/{id}/verify"), Some(&admin))
            .await;
        assert_eq!(ver["identical"], true, "#{id}: {ver}");
    }
    // The new statement holds only this month's sale (and the goods
    // received this month), not last month's again. By hand: gross
    // 150.000 ₫, commission 15 % = 22.500 ₫, the producer's share
    // 127.500 ₫ (without the old sale it would be 450.000 / 67.500 /
    // 382.500).
    let held = members(&app, new).await;
    assert!(held.contains(&("sale".to_owned(), new_sale)), "{held:?}");
    assert!(!held.contains(&("sale".to_owned(), old_sale)), "{held:?}");
    let v = statement(&app, &admin, new).await;
    let s = &v["statement"];
    assert_eq!(s["gross"], PRICE, "{v}");
    assert_eq!(s["refunds"], 0, "{v}");
    assert_eq!(s["commission"], 22_500, "{v}");
    assert_eq!(s["producer_share"], 127_500, "{v}");

    // Approved statements stay protected: a member cannot be added to the
    // backfilled statement, nor a backfill permit be given to it.
    let old_i32 = i32::try_from(old).unwrap();
    let producer_i32 = i32::try_from(producer).unwrap();
    let (add, permit) = db(&app, move |c| {
        use ocop_server::db::schema::settlement_member_backfills as smb;
        let add = diesel::insert_into(sm::table)
            .values((
                sm::statement_id.eq(old_i32),
                sm::outlet_id.eq(outlet),
                sm::producer_id.eq(producer_i32),
                sm::kind.eq("sale"),
                sm::source_id.eq(999_999),
            ))
            .execute(c);
        let permit = diesel::insert_into(smb::table)
            .values(smb::statement_id.eq(old_i32))
            .execute(c);
        (format!("{add:?}"), format!("{permit:?}"))
    })
    .await;
    for r in [add, permit] {
        assert!(
            r.contains("an approved settlement statement never changes"),
            "{r}"
        );
    }
    // Nothing left to backfill.
    let (success, out) = backfill_cli(&app);
    assert!(success, "{out}");
    assert!(
        out.contains("0 statements verified, 0 pairs refused"),
        "{out}"
    );
}

/// `ocop-server settle backfill` on the test's database: (success, output).
fn backfill_cli(app: &TestApp) -> (bool, String) {
    let out = std::process::Command::new(ocop_e2e::server_binary())
        .args(["settle", "backfill"])
        .env("OCOP_DATABASE_URL", &app.test_db.url)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[tokio::test]
async fn an_old_statement_the_old_rule_does_not_reproduce_is_refused_not_guessed() {
    let Old {
        app,
        admin,
        producer,
        outlet,
        item,
        mut till,
        statement: old,
        old_sale: _,
        this_month,
        last_month,
    } = old_statement("5300999122").await;
    // A sale of last month that reached the server after the statement
    // (so it is not in its figures), recorded as received before its
    // cutoff: the old rule would say the statement held it, and its hash
    // disagrees.
    let day = last_month.first_day() + chrono::Days::new(12);
    let at = Utc.from_utc_datetime(&day.and_hms_opt(5, 0, 0).unwrap());
    let late = sale_row(&app, sell(&app, &mut till, &item, 1, at).await).await;
    let old_i32 = i32::try_from(old).unwrap();
    let cutoff: NaiveDateTime = db(&app, move |c| {
        ss::table
            .find(old_i32)
            .select(ss::cutoff_at)
            .first(c)
            .unwrap()
    })
    .await;
    let earlier = (cutoff - chrono::TimeDelta::seconds(1)).format("%Y-%m-%d %H:%M:%S");
    let sql = vec![format!(
        "UPDATE sales SET received_at = '{earlier}' WHERE id = {late}"
    )];
    db(&app, move |c| bypassing(c, &["sales_no_update"], &sql)).await;

    let (success, out) = backfill_cli(&app);
    assert!(!success, "{out}");
    assert!(out.contains("statement_members_missing"), "{out}");
    assert!(out.contains(&format!("Statement {old} ")), "{out}");
    assert!(out.contains(&format!("Bảng quyết toán số {old} ")), "{out}");
    assert!(
        out.contains("0 statements verified, 1 pairs refused"),
        "{out}"
    );

    let (outcome, new, msg) = run(&app, &admin, this_month, producer, outlet).await;
    assert_eq!(outcome, "refused", "{msg}");
    assert_eq!(new, None);
    assert!(msg.starts_with("statement_members_missing: "), "{msg}");
    assert!(msg.contains(&format!("Statement {old} ")), "{msg}");
    // Rolled back: still no members, no statement for this month.
    assert!(members(&app, old).await.is_empty());
    let start = this_month.first_day();
    let count: i64 = db(&app, move |c| {
        ss::table
            .filter(ss::outlet_id.eq(outlet))
            .filter(ss::producer_id.eq(i32::try_from(producer).unwrap()))
            .filter(ss::period_start.eq(start))
            .count()
            .get_result(c)
            .unwrap()
    })
    .await;
    assert_eq!(count, 0);
}
