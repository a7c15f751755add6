//! The till against a real server: sales made with the server unreachable
//! are committed, numbered and printed locally, then arrive on the server
//! exactly once; a till killed (SIGKILL) between its local commit and the
//! send loses nothing and duplicates nothing.
//!
//! The till runs as its real binary (`ocop-till`, built by `cargo build
//! -p ocop-till` or `cargo test --workspace`); "unreachable" is a port
//! nobody listens on, so the till sees a refused connection, as with a cut
//! network.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::till_common::*;
use diesel::prelude::*;
use ocop_e2e::TestApp;
use ocop_till::commands::PAUSE_AFTER_COMMIT_ENV;
use ocop_till::store::Store;
use reqwest::StatusCode;

/// How many rows of `table` belong to till `till_id` on the server.
async fn server_rows(app: &TestApp, table: &'static str, till_id: i32) -> Vec<i64> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut c = db.conn().unwrap();
        diesel::sql_query(format!(
            "SELECT CAST(receipt_no AS BIGINT) AS n FROM {table} WHERE till_id = {till_id} ORDER BY receipt_no"
        ))
        .load::<N>(&mut c)
        .unwrap()
        .into_iter()
        .map(|r| r.n)
        .collect()
    })
    .await
    .unwrap()
}

/// Turns the till's acknowledged outbox rows back into 'sent', straight in
/// its SQLite file.
fn forget_acknowledgements(dir: &Path) {
    let path = dir.join(ocop_till::store::DB_FILE);
    let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    let n = diesel::sql_query(
        "UPDATE outbox SET state = 'sent', acked_at = NULL WHERE state = 'acknowledged'",
    )
    .execute(&mut c)
    .unwrap();
    assert_eq!(n, 4, "the shift's opening and three sales");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_made_offline_arrive_once_when_the_server_is_back() {
    let app = TestApp::spawn_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("till");
    let cfg = setup_till(&app, &dir).await;
    open_shift(&dir, 0);
    let codes = scan_codes(&dir, 2);
    point_at(&dir, &dead_url());

    let mut sales = Vec::new();
    for i in 1..=3u32 {
        let receipt = tmp.path().join(format!("receipt{i}.bin"));
        let printer = format!("file:{}", receipt.display());
        let item = format!("{}:{i}", codes[0]);
        let out = till(
            &dir,
            &[
                "sell",
                "--item",
                &item,
                "--item",
                &codes[1],
                "--pay",
                "cash:5000000",
                "--printer",
                &printer,
                "--mode",
                "cp1258",
                "--json",
            ],
        );
        assert_eq!(out["printed"], true, "{out}");
        assert_eq!(out["queue_waiting"], i64::from(i), "{out}");
        assert!(
            out["send_error"].is_string(),
            "the server was unreachable: {out}"
        );
        assert_eq!(out["sale"]["receipt_no"], i64::from(i));
        // The receipt was printed from the committed sale: decode the bytes.
        let bytes = std::fs::read(&receipt).unwrap();
        let paper = ocop_hardware::preview::render(&bytes, &cp1258()).unwrap();
        let text = paper.text_lines.join("\n");
        let number = format!("T{}-{:06}", cfg.till_id, i);
        assert!(text.contains(&number), "receipt {number} printed:\n{text}");
        assert!(text.contains("Tiền mặt"), "{text}");
        assert_eq!(paper.cuts.len(), 1);
        sales.push(out["sale"].clone());
    }
    assert!(server_rows(&app, "sales", cfg.till_id).await.is_empty());
    let status = till(&dir, &["status", "--json"]);
    assert_eq!(status["server_reachable"], false);
    assert_eq!(status["queue_waiting"], 3);

    // The server is back.
    point_at(&dir, &app.base);
    let report = till(&dir, &["sync", "--json"]);
    assert_eq!(report["acknowledged"], 3, "{report}");
    assert_eq!(report["waiting"], 0, "{report}");
    assert_eq!(server_rows(&app, "sales", cfg.till_id).await, vec![1, 2, 3]);
    let manager = app.login("manager1", "demo1234").await;
    for sale in &sales {
        let id = sale["id"].as_str().unwrap();
        let (code, stored) = app
            .get(&format!("/api/v1/sales/{id}"), Some(&manager))
            .await;
        assert_eq!(code, StatusCode::OK, "{stored}");
        assert_eq!(
            stored["sale"], *sale,
            "stored exactly as sealed on the till"
        );
        assert_eq!(stored["chain_status"], "ok", "{stored}");
    }

    // Syncing again sends nothing and stores nothing twice.
    let again = till(&dir, &["sync", "--json"]);
    assert_eq!(again["acknowledged"], 0, "{again}");
    assert_eq!(server_rows(&app, "sales", cfg.till_id).await, vec![1, 2, 3]);

    // What a crash between the server's answer and the local
    // acknowledgement leaves: rows still 'sent'. They go again, the server
    // answers with the stored sales, and still stores each once.
    forget_acknowledgements(&dir);
    let resent = till(&dir, &["sync", "--json"]);
    assert_eq!(resent["acknowledged"], 4, "{resent}");
    assert_eq!(resent["rejected"], 0, "{resent}");
    assert_eq!(server_rows(&app, "sales", cfg.till_id).await, vec![1, 2, 3]);
    assert!(
        again["catalogue"].as_str().unwrap().contains("unchanged"),
        "ETag: nothing new to download: {again}"
    );
    let status = till(&dir, &["status", "--json"]);
    assert_eq!(status["server_reachable"], true);
    assert_eq!(status["queue_waiting"], 0);
    assert_eq!(status["queue_acknowledged"], 4);
    assert!(status["last_sync"].is_string());
    assert!(status["catalogue_version"].is_i64());
    // Shown to a person: the last sync in Vietnam's time, not UTC, and
    // the open shift (as the README says).
    let last: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(status["last_sync"].clone()).unwrap();
    let opened: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(status["shift"]["opened_at"].clone()).unwrap();
    let text = till_text(&dir, &["status"]);
    assert!(text.contains(&ocop_core::time::format_vn(last)), "{text}");
    let shift_line = format!(
        "Ca / shift: đang mở từ {}",
        ocop_core::time::format_vn(opened)
    );
    assert!(text.contains(&shift_line), "{text}");
}

/// Starts `ocop-till sell` paused right after its local commit, waits for
/// the commit, and kills it (SIGKILL) before it prints or sends.
fn sell_and_kill_after_commit(dir: &Path, code: &str) {
    let mut child = Command::new(till_binary())
        .arg("--data-dir")
        .arg(dir)
        .args(["sell", "--item", code, "--pay", "cash", "--printer", "none"])
        .env(PAUSE_AFTER_COMMIT_ENV, "60000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(line.starts_with("Đã lưu phiếu"), "{line}");
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_killed_between_commit_and_send_loses_and_duplicates_nothing() {
    let app = TestApp::spawn_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("till");
    let cfg = setup_till(&app, &dir).await;
    open_shift(&dir, 0);
    let codes = scan_codes(&dir, 1);
    let code = codes[0].clone();

    // Killed with the server down…
    point_at(&dir, &dead_url());
    let d = dir.clone();
    let c = code.clone();
    tokio::task::spawn_blocking(move || sell_and_kill_after_commit(&d, &c))
        .await
        .unwrap();
    // …restarted: the next sale takes the next number.
    let out = sell_cash(&dir, &code);
    assert_eq!(out["sale"]["receipt_no"], 2, "{out}");
    // Killed again with the server up, before the send.
    point_at(&dir, &app.base);
    let d = dir.clone();
    tokio::task::spawn_blocking(move || sell_and_kill_after_commit(&d, &code))
        .await
        .unwrap();
    assert!(server_rows(&app, "sales", cfg.till_id).await.is_empty());

    let report = till(&dir, &["sync", "--json"]);
    assert_eq!(report["acknowledged"], 3, "{report}");
    assert_eq!(server_rows(&app, "sales", cfg.till_id).await, vec![1, 2, 3]);
    let local = Store::open_dir(&dir).unwrap().receipt_numbers().unwrap();
    assert_eq!(local, vec![1, 2, 3], "no gap, no repeat on the till");
    let again = till(&dir, &["sync", "--json"]);
    assert_eq!(again["acknowledged"], 0);
    assert_eq!(server_rows(&app, "sales", cfg.till_id).await, vec![1, 2, 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_the_server_refuses_is_kept_and_reported_and_does_not_block_the_queue() {
    let app = TestApp::spawn_demo().await;
    let (_tmp, dir, cfg) = till_with_shift(&app).await;
    let code = scan_codes(&dir, 1).remove(0);
    let sell = |dir: &Path| {
        till(
            dir,
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
        )
    };
    sell(&dir);
    // A cashier the server does not know at this outlet: refused (422).
    let store = Store::open_dir(&dir).unwrap();
    let mut wrong = cfg.clone();
    wrong.cashier_id = 999_999;
    wrong.save(&store).unwrap();
    sell(&dir);
    cfg.save(&store).unwrap();
    sell(&dir);

    let report = till(&dir, &["sync", "--json"]);
    assert_eq!(report["acknowledged"], 2, "{report}");
    assert_eq!(report["rejected"], 1, "{report}");
    assert_eq!(report["waiting"], 0, "{report}");
    assert_eq!(server_rows(&app, "sales", cfg.till_id).await, vec![1, 3]);
    let status = till(&dir, &["status", "--json"]);
    assert_eq!(status["queue_rejected"], 1, "{status}");
    assert!(
        status["last_error"].as_str().unwrap().contains("422"),
        "{status}"
    );
    // Not retried forever, not dropped: still on the till for a reprint.
    let again = till(&dir, &["sync", "--json"]);
    assert_eq!(again["acknowledged"], 0);
    assert_eq!(again["rejected"], 0);
    assert_eq!(store.receipt_numbers().unwrap(), vec![1, 2, 3]);
}
