//! The late offline sale from a real till process: `ocop-till`
//! sells on the last days of the previous month while offline (its clock
//! set back with libfaketime, as a till that stayed offline would have
//! dated it), the previous month's statement is computed and approved
//! without it, then the till syncs: the sale lands in this month's
//! statement as a late arrival with its original date, the approved
//! statement does not change, and both still recompute to their bytes.

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, TimeZone, Utc};
use ocop_core::settlement::Period;
use ocop_core::stock::SettlementPeriod;
use ocop_e2e::TestApp;
use serde_json::{Value, json};

use crate::sales_common::{db, outlet_id};
use crate::till_common::{dead_url, point_at, scan_codes, setup_till, till, till_binary};

/// Runs the till with its clock at `at` (libfaketime); its JSON.
fn till_at(at: DateTime<Utc>, dir: &Path, args: &[&str]) -> Value {
    let out = Command::new("faketime")
        .env("TZ", "UTC")
        .arg(at.format("%Y-%m-%d %H:%M:%S").to_string())
        .arg(till_binary())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("faketime is installed (.ci/test installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "faketime ocop-till {args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

async fn ok(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let (status, v) = app.post(path, Some(token), &body).await;
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

fn statement_of(results: &Value, producer: i64, outlet: i32) -> i64 {
    results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["producer_id"] == producer && r["outlet_id"] == outlet)
        .and_then(|r| r["statement_id"].as_i64())
        .unwrap_or_else(|| panic!("no statement for {producer}×{outlet}: {results}"))
}

#[tokio::test]
async fn a_real_tills_offline_sale_synced_after_approval_lands_in_the_next_statement() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("till");
    setup_till(&app, &dir).await;
    let code = scan_codes(&dir, 1).remove(0);
    let outlet = outlet_id(&app, "LC-SR01").await;

    let this_month = Period::containing(
        SettlementPeriod::Monthly,
        ocop_core::time::vn_date(Utc::now()),
    )
    .unwrap();
    let last_month = this_month.prev();
    // Noon in Vietnam, two days before the end of last month.
    let day = last_month.end_day() - chrono::Days::new(2);
    let sold_at = Utc.from_utc_datetime(&day.and_hms_opt(5, 0, 0).unwrap());

    // Offline since last month: the till opens its shift and sells then,
    // and cannot send.
    point_at(&dir, &dead_url());
    till_at(
        sold_at - chrono::TimeDelta::hours(1),
        &dir,
        &["shift", "open", "--float", "0", "--json"],
    );
    let out = till_at(
        sold_at,
        &dir,
        &[
            "sell",
            "--item",
            &code,
            "--pay",
            "cash",
            "--printer",
            "none",
            "--no-send",
            "--json",
        ],
    );
    let sale = out["sale"].clone();
    let sold: DateTime<Utc> = sale["sold_at"].as_str().unwrap().parse().unwrap();
    assert!(
        (sold - sold_at).num_seconds().abs() < 60,
        "dated by the till's clock: {sold}"
    );
    let product = i32::try_from(sale["lines"][0]["product_id"].as_i64().unwrap()).unwrap();
    let amount = sale["lines"][0]["amount"].as_i64().unwrap();
    let producer = i64::from(
        db(&app, move |c| {
            use diesel::prelude::*;
            use ocop_server::db::schema::products;
            products::table
                .find(product)
                .select(products::producer_id)
                .first::<i32>(c)
                .unwrap()
        })
        .await,
    );

    // Last month is settled without it, and approved.
    let run = |period: Period| {
        let admin = admin.clone();
        let app = &app;
        async move {
            ok(
                app,
                "/api/v1/settlements/run",
                &admin,
                json!({"period": period.to_string(), "outlet_id": outlet}),
            )
            .await
        }
    };
    let prev = statement_of(&run(last_month).await, producer, outlet);
    ok(
        &app,
        &format!("/api/v1/settlements/{prev}/approve"),
        &admin,
        json!({}),
    )
    .await;
    let (_, before) = app
        .get(&format!("/api/v1/settlements/{prev}"), Some(&admin))
        .await;
    assert_eq!(before["statement"]["gross"], 0, "{before}");

    // The till is back online and syncs (its real clock now).
    point_at(&dir, &app.base);
    let report = till(&dir, &["sync", "--json"]);
    assert_eq!(report["waiting"], 0, "{report}");

    let now_id = statement_of(&run(this_month).await, producer, outlet);
    let (_, v) = app
        .get(&format!("/api/v1/settlements/{now_id}"), Some(&admin))
        .await;
    let late = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "late_sale")
        .unwrap_or_else(|| panic!("no late arrival: {v}"));
    let reference = format!(
        "T{}-{:06}",
        sale["till_id"].as_i64().unwrap(),
        sale["receipt_no"].as_i64().unwrap()
    );
    assert_eq!(late["reference"], reference.as_str());
    assert_eq!(late["amount"], amount);
    let original: DateTime<Utc> = late["original_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(original, sold);
    assert!(v["statement"]["gross"].as_i64().unwrap() >= amount, "{v}");

    // The approved statement did not change; both recompute to their bytes.
    let (_, after) = app
        .get(&format!("/api/v1/settlements/{prev}"), Some(&admin))
        .await;
    assert_eq!(
        before["statement"]["figures_sha256"],
        after["statement"]["figures_sha256"]
    );
    for id in [prev, now_id] {
        let (_, ver) = app
            .get(&format!("/api/v1/settlements/{id}/verify"), Some(&admin))
            .await;
        assert_eq!(ver["identical"], true, "#{id}: {ver}");
    }
}
