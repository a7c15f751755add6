//! Issue 14: the till keeps a log support can read after a bad day —
//! rotated files in its data directory, never the terminal: the sale
//! committed, a printer error, what was sent and the catalogue refresh.
//! `sell --json` prints only JSON on stdout (the human line goes to
//! stderr), and the text output says a transfer is pending, Vietnamese
//! first.

use crate::till_common::*;
use ocop_e2e::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_till_logs_sends_printer_errors_and_catalogue_refreshes() {
    let app = TestApp::spawn_demo().await;
    let (tmp, dir, _cfg) = till_with_shift(&app).await;
    let code = scan_codes(&dir, 1).remove(0);
    // A printer that cannot be reached: the sale stands, the log says why.
    let broken = format!("file:{}", tmp.path().join("no/such/dir/p.bin").display());
    // `till` parses the whole of stdout as JSON: nothing else is there.
    let sold = sell_cash_to(&dir, &code, &broken);
    assert_eq!(sold["printed"], false, "{sold}");
    assert_eq!(sold["queue_waiting"], 0, "{sold}");
    let receipt = format!(
        "T{}-{:06}",
        sold["sale"]["till_id"],
        sold["sale"]["receipt_no"].as_u64().unwrap()
    );
    // Text output: a pending transfer is said to be pending, not paid.
    let text = till_text(
        &dir,
        &["sell", "--item", &code, "--pay", "qr", "--printer", "none"],
    );
    assert!(
        text.starts_with("Phiếu ") && text.contains("chờ xác nhận (chưa thanh toán)"),
        "{text}"
    );

    let logs: Vec<_> = std::fs::read_dir(dir.join("logs"))
        .expect("a logs folder in the data directory")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(logs.len(), 1, "one file per day: {logs:?}");
    let name = logs[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("ocop-till.") && name.ends_with(".log"),
        "{name}"
    );
    let log = std::fs::read_to_string(&logs[0]).unwrap();
    for expected in [
        "sale committed",
        &receipt,
        "printer error",
        "no/such/dir",
        "sent",
        "catalogue refresh",
    ] {
        assert!(
            log.contains(expected),
            "{expected:?} not in the log:\n{log}"
        );
    }
    // No secret is ever logged.
    assert!(!log.contains("demo1234"), "{log}");
}
