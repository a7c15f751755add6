//! The load generator (issue 16) run as an operator runs it: the real
//! `ocop-load` binary against the real server on a real port, on the
//! backend the suite runs on. It must report its own check passed, and the
//! database — read here directly, not through the API the generator used —
//! must hold exactly the sales, refunds and totals it says were
//! acknowledged, for exactly the tills it enrolled; stock on hand must
//! equal the ledger and every till's journal must verify.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};

use crate::sales_common::*;
use serde_json::Value;

/// `ocop-load` with `args` against `app`, writing its summary in `dir`.
fn load_command(app: &ocop_e2e::TestApp, dir: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(ocop_e2e::load_binary());
    cmd.args(["--server", &app.base, "--quiet", "--summary"])
        .arg(dir.join("summary.json"))
        .args(args)
        // The password from the environment, never the command line.
        .env("OCOP_LOAD_PASSWORD", "demo1234")
        .env("OCOP_LOAD_USER", "manager1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for a started `ocop-load`; (exit success, its output, its summary).
async fn finish(child: Child, dir: &std::path::Path) -> (bool, String, Value) {
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let json = std::fs::read(dir.join("summary.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    (out.status.success(), text, json)
}

/// Runs `ocop-load` with `args` against `app` to its end.
async fn run_load(app: &ocop_e2e::TestApp, args: &[&str]) -> (bool, String, Value) {
    let dir = tempfile::tempdir().unwrap();
    let child = load_command(app, dir.path(), args).spawn().unwrap();
    finish(child, dir.path()).await
}

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or(-1)
}

#[tokio::test]
async fn the_load_generator_leaves_exactly_what_it_was_acknowledged() {
    let app = ocop_e2e::TestApp::spawn_demo().await;
    let sales_before = count(&app, "sales").await;
    let (ok, output, summary) = run_load(
        &app,
        &[
            "--tills",
            "4",
            "--count",
            "120",
            "--batch",
            "1",
            "--refunds-per-mille",
            "100",
        ],
    )
    .await;
    assert!(ok, "ocop-load failed:\n{output}");
    assert_eq!(summary["check"]["passed"], true, "{output}");
    assert_eq!(n(&summary["figures"]["sales"]), 120, "{output}");
    assert_eq!(n(&summary["figures"]["refused"]), 0, "{output}");

    let tills: Vec<i64> = summary["tills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| n(&t["till_id"]))
        .collect();
    assert_eq!(tills.iter().collect::<BTreeSet<_>>().len(), 4);
    let list = tills
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let (stored, total, refunds, distinct_receipts) = db(&app, move |c| {
        (
            numbers(c, &format!("SELECT COUNT(*) AS n FROM sales WHERE till_id IN ({list})"))[0],
            numbers(
                c,
                &format!("SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) AS n FROM sales WHERE till_id IN ({list})"),
            )[0],
            numbers(c, &format!("SELECT COUNT(*) AS n FROM refunds WHERE till_id IN ({list})"))[0],
            numbers(
                c,
                &format!(
                    "SELECT COUNT(*) AS n FROM (SELECT DISTINCT till_id, receipt_no FROM journal_entries \
                     WHERE till_id IN ({list})) d"
                ),
            )[0],
        )
    })
    .await;
    let acknowledged: i64 = summary["tills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| n(&t["sales"]))
        .sum();
    let acknowledged_total: i64 = summary["tills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| n(&t["sales_total"]))
        .sum();
    let acknowledged_refunds = n(&summary["figures"]["refunds"]);
    assert_eq!(stored, 120);
    assert_eq!(stored, acknowledged);
    assert_eq!(total, acknowledged_total);
    assert_eq!(refunds, acknowledged_refunds);
    // Every record holds its own receipt number: nothing stored twice.
    assert_eq!(distinct_receipts, stored + refunds);
    assert_eq!(count(&app, "sales").await, sales_before + 120);

    let verify = std::process::Command::new(ocop_e2e::server_binary())
        .args(["stock", "verify"])
        .env("OCOP_DATABASE_URL", &app.test_db.url)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    for till in tills {
        let (ok, report) = journal_verify(&app, Some(i32::try_from(till).unwrap()));
        assert!(ok, "till {till}: {report}");
    }
}

#[tokio::test]
async fn a_catch_up_in_batches_is_checked_the_same_way() {
    let app = ocop_e2e::TestApp::spawn_demo().await;
    let (ok, output, summary) =
        run_load(&app, &["--tills", "2", "--count", "250", "--batch", "50"]).await;
    assert!(ok, "ocop-load failed:\n{output}");
    assert_eq!(summary["check"]["passed"], true, "{output}");
    assert_eq!(n(&summary["check"]["sales_checked"]), 250, "{output}");
    let tills: Vec<String> = summary["tills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| n(&t["till_id"]).to_string())
        .collect();
    let list = tills.join(",");
    let stored = db(&app, move |c| {
        numbers(
            c,
            &format!("SELECT COUNT(*) AS n FROM sales WHERE till_id IN ({list})"),
        )[0]
    })
    .await;
    assert_eq!(stored, 250);
}

#[tokio::test]
async fn the_check_fails_when_the_server_holds_a_sale_nobody_sent() {
    // The check must be able to fail. While ocop-load sells 200 sales on
    // one till (no refunds, so its last receipt is 200), receipt 201 is
    // planted on that till through the server's own ingest, as a server
    // storing one record twice under a new number would: ocop-load must
    // find it and exit non-zero.
    let app = ocop_e2e::TestApp::spawn_demo().await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let items = stocked_items(&app, outlet).await;
    let tills_before = count(&app, "tills").await;
    let dir = tempfile::tempdir().unwrap();
    let child = load_command(
        &app,
        dir.path(),
        &["--tills", "1", "--count", "200", "--refunds-per-mille", "0"],
    )
    .spawn()
    .unwrap();
    let mut till_id = None;
    for _ in 0..1000 {
        let found = db(&app, move |c| {
            numbers(c, "SELECT CAST(id AS BIGINT) AS n FROM tills ORDER BY id")
                .into_iter()
                .nth(usize::try_from(tills_before).unwrap())
        })
        .await;
        if found.is_some() {
            till_id = found;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let till_id = i32::try_from(till_id.expect("ocop-load registered no till")).unwrap();
    let cashier_id = db(&app, |c| {
        numbers(
            c,
            "SELECT CAST(id AS BIGINT) AS n FROM users WHERE username = 'manager1'",
        )[0]
    })
    .await;
    let planter = Till {
        id: till_id,
        outlet_id: outlet,
        auth: String::new(),
        cashier_id: i32::try_from(cashier_id).unwrap(),
        shift_id: uuid::Uuid::new_v4(),
        next_no: 201,
        last_hash: ocop_core::sale::ChainHash::GENESIS,
    };
    let sale = planter.sale_numbered(
        201,
        ocop_core::sale::ChainHash::GENESIS,
        vec![cart(&items[0], 1)],
    );
    let handle = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let till =
            ocop_server::models::sale::till::find(&mut handle.conn().unwrap(), till_id).unwrap();
        let checked = ocop_server::models::sale::ingest::check(till, sale).unwrap();
        handle
            .write(|c| ocop_server::models::sale::ingest::ingest(c, &checked))
            .unwrap();
    })
    .await
    .unwrap();

    let (ok, output, summary) = finish(child, dir.path()).await;
    assert!(!ok, "ocop-load passed with a sale nobody sent:\n{output}");
    assert_eq!(summary["check"]["passed"], false, "{output}");
    assert_eq!(n(&summary["figures"]["sales"]), 200, "{output}");
    let problems = summary["check"]["problems"].to_string();
    assert!(problems.contains("receipt 201"), "{problems}");
}
