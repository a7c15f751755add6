//! A till's day against a real server, through the real `ocop-till`
//! binary: open a shift, sell (cash, more handed over than the total),
//! refund a line by scanning the receipt's QR code, take cash out, close
//! with a count. The receipt, refund and Z bytes go to a `file:` printer
//! and are read back with the hardware preview decoder, the QR code with
//! rqrr (a decoder we did not write). The server ends up with the sale,
//! the refund, the movement and the closed shift, and its Z report has the
//! same figures as the till's own.
//!
//! Also: closing is refused while the server is down and records are
//! queued (odoo/odoo#203431), allowed with --allow-unsent and then the Z
//! says how many; a refund of more than was sold is refused and uses no
//! receipt number; a second till of the outlet refunds the first till's
//! sale found on the server.

use std::path::Path;

use crate::till_common::*;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

/// Notes for `amount` (whole thousands), largest first, as `--cash` args.
fn notes(mut amount: i64) -> Vec<String> {
    let mut out = Vec::new();
    for note in [
        500_000, 200_000, 100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000,
    ] {
        let n = amount / note;
        if n > 0 {
            out.push(format!("{note}:{n}"));
            amount -= n * note;
        }
    }
    assert_eq!(amount, 0, "whole thousands");
    out
}

fn close_args<'a>(cash: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["shift", "close", "--json"];
    for c in cash {
        args.push("--cash");
        args.push(c);
    }
    args.extend_from_slice(extra);
    args
}

/// `ocop-till sell ARGS --printer none --json`.
fn sell(dir: &Path, args: &[&str]) -> Value {
    till(
        dir,
        &[&["sell"], args, &["--printer", "none", "--json"]].concat(),
    )
}

/// `ocop-till sell ARGS --printer none`, refused: the error output.
fn sell_refused(dir: &Path, args: &[&str]) -> String {
    till_refuses(dir, &[&["sell"], args, &["--printer", "none"]].concat())
}

/// `ocop-till sell --item ITEM --pay cash --pin-stdin`, the PIN on stdin.
fn sell_with_pin(dir: &Path, item: &str, pin: &str) -> std::process::Output {
    run_with_stdin(
        dir,
        &[
            "sell",
            "--item",
            item,
            "--pay",
            "cash",
            "--pin-stdin",
            "--printer",
            "none",
            "--json",
        ],
        pin,
    )
}

/// `ocop-till refund --sale SALE --line LINE --reason REASON EXTRA --json`.
fn refund(dir: &Path, sale: &str, line: &str, reason: &str, extra: &[&str]) -> Value {
    let base = ["refund", "--sale", sale, "--line", line, "--reason", reason];
    till(
        dir,
        &[&base[..], extra, &["--printer", "none", "--json"]].concat(),
    )
}

/// The same refund, refused: the error output.
fn refund_refused(dir: &Path, sale: &str, line: &str) -> String {
    let base = ["refund", "--sale", sale, "--line", line, "--reason", "x"];
    till_refuses(dir, &[&base[..], &["--printer", "none"]].concat())
}

async fn server_report(app: &TestApp, shift_id: &str) -> Value {
    let manager = app.login("manager1", "demo1234").await;
    let (status, body) = app
        .get(&format!("/api/v1/shifts/{shift_id}/report"), Some(&manager))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shift_sells_refunds_and_closes_with_the_same_z_as_the_server() {
    let app = TestApp::spawn_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("till");
    let cfg = setup_till(&app, &dir).await;
    let codes = scan_codes(&dir, 2);
    let paper = tmp.path().join("paper.bin");
    let printer = format!("file:{}", paper.display());
    let set = till(
        &dir,
        &[
            "printer",
            "set",
            "--printer",
            &printer,
            "--mode",
            "cp1258",
            "--json",
        ],
    );
    assert_eq!(set["printer"]["uri"], printer.as_str());
    assert_eq!(till(&dir, &["printer", "show", "--json"]), set);

    // Nothing is sold before a shift is open.
    let err = till_refuses(&dir, &["sell", "--item", &codes[0], "--pay", "cash"]);
    assert!(err.contains("no_open_shift"), "{err}");
    assert!(err.contains("shift open --float"), "{err}");
    let opening = till(&dir, &["shift", "open", "--float", "500000", "--json"]);
    let shift_id = opening["id"].as_str().unwrap().to_owned();
    assert_eq!(opening["opening_float"], 500_000);
    let err = till_refuses(&dir, &["shift", "open", "--float", "1"]);
    assert!(err.contains("shift_already_open"), "{err}");

    // A sale paid in cash, 2.000.000 handed over.
    let item = format!("{}:2", codes[0]);
    let items = ["--item", &item, "--item", &codes[1]];
    let sold = till(
        &dir,
        &[&["sell"], &items[..], &["--pay", "cash:2000000", "--json"]].concat(),
    );
    assert_eq!(sold["printed"], true, "{sold}");
    let sale = &sold["sale"];
    let sale_id = sale["id"].as_str().unwrap().to_owned();
    assert_eq!(sale["shift_id"], shift_id.as_str());
    let total = sale["total"].as_i64().unwrap();
    let change = sale["payments"][0]["method"]["change"].as_i64().unwrap();
    assert_eq!(change, 2_000_000 - total);
    let (text, qrs) = printed(&paper);
    let receipt_no = format!("T{}-000001", cfg.till_id);
    assert!(text.contains(&receipt_no), "{text}");
    assert!(text.contains("Tiền khách đưa"), "{text}");
    assert!(text.contains("2.000.000 ₫"), "{text}");
    assert!(text.contains("Tiền thừa trả khách"), "{text}");
    // The server's public address, from the catalogue sync.
    let base = till_config(&dir).e_receipt_base().to_owned();
    let manager = app.login("manager1", "demo1234").await;
    let (_, cat) = app
        .get(
            &format!("/api/v1/outlets/{}/catalogue", cfg.outlet_id),
            Some(&manager),
        )
        .await;
    assert_eq!(
        cat["public_url"],
        base.as_str(),
        "the server's public address"
    );
    let url = format!("{base}/r/{sale_id}");
    assert_eq!(qrs, vec![url.clone()], "the e-receipt QR code reads back");

    // The customer brings one of the two back: the QR code finds the sale.
    let refunded = till(
        &dir,
        &[
            "refund",
            "--sale",
            &url,
            "--line",
            "1:1",
            "--pay",
            "cash",
            "--reason",
            "Khách đổi ý",
            "--json",
        ],
    );
    assert_eq!(refunded["printed"], true, "{refunded}");
    let refund = &refunded["refund"];
    assert_eq!(refund["receipt_no"], 2, "the till's next number");
    assert_eq!(refund["original_sale_id"], sale_id.as_str());
    assert_eq!(refund["shift_id"], shift_id.as_str());
    let refund_total = refund["total"].as_i64().unwrap();
    assert_eq!(
        refund_total,
        sale["lines"][0]["unit_price"].as_i64().unwrap()
    );
    let (text, _) = printed(&paper);
    assert!(text.contains("PHIẾU TRẢ HÀNG"), "{text}");
    assert!(text.contains(&format!("T{}-000002", cfg.till_id)), "{text}");
    assert!(
        text.contains("Trả cho phiếu:") && text.contains(&receipt_no),
        "{text}"
    );
    assert!(text.contains("Khách đổi ý"), "{text}");

    let cash_out = ["shift", "cash-out", "--amount", "100000"];
    let out = till(
        &dir,
        &[&cash_out[..], &["--reason", "Nộp két", "--json"]].concat(),
    );
    assert_eq!(out["direction"], "out");
    let x = till(&dir, &["shift", "x", "--json"]);
    let expected = 500_000 + total - refund_total - 100_000;
    assert_eq!(x["summary"]["cash"]["expected"], expected, "{x}");
    let (text, _) = printed(&paper);
    assert!(text.contains("BÁO CÁO X"), "{text}");

    // Close, 10.000 short.
    let cash = notes(expected - 10_000);
    let closed = till(&dir, &close_args(&cash, &[]));
    let z = &closed["z"];
    assert_eq!(z["unsent"], 0, "{closed}");
    assert_eq!(
        closed["queue_waiting"], 0,
        "the close itself was sent: {closed}"
    );
    assert_eq!(z["z_no"], 1);
    assert_eq!(z["closing"]["total_variance"], -10_000);
    assert_eq!(z["grand_total"], total - refund_total);
    let (text, _) = printed(&paper);
    assert!(text.contains("BÁO CÁO Z"), "{text}");
    assert!(text.contains("Số báo cáo Z:"), "{text}");
    assert!(text.contains("-10.000 ₫"), "{text}");
    assert!(!text.contains("CHƯA GỬI"), "{text}");

    // The server has it all, and its Z has the till's figures.
    let report = server_report(&app, &shift_id).await;
    assert_eq!(report["status"], "closed", "{report}");
    assert_eq!(report["summary"], z["summary"], "same X/Z figures");
    assert_eq!(report["closing"], z["closing"], "same count and variance");
    assert_eq!(report["summary"]["sales_count"], 1);
    assert_eq!(report["summary"]["refunds_count"], 1);
    assert_eq!(report["summary"]["cash_movements"], 1);
    assert_eq!(report["needs_acknowledgement"], true);
    let manager = app.login("manager1", "demo1234").await;
    let (status, stored) = app
        .get(&format!("/api/v1/sales/{sale_id}"), Some(&manager))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored["sale"], *sale);
    // Reprints: the refund (with its sale's prices) and the last Z.
    let said = till_text(&dir, &["reprint", "--receipt", "2"]);
    assert!(said.contains(&format!("T{}-000002", cfg.till_id)), "{said}");
    let (text, _) = printed(&paper);
    assert!(text.contains("PHIẾU TRẢ HÀNG"), "{text}");
    assert!(text.contains("BẢN IN LẠI"), "{text}");
    till_text(&dir, &["reprint", "--receipt", "1"]);
    let (text, qrs) = printed(&paper);
    assert!(
        text.contains("PHIẾU BÁN HÀNG") && text.contains("BẢN IN LẠI"),
        "{text}"
    );
    assert_eq!(qrs, vec![url.clone()]);
    till(&dir, &["shift", "last-z", "--json"]);
    let (text, _) = printed(&paper);
    assert!(text.contains("BÁO CÁO Z"), "{text}");
    let status = till(&dir, &["status", "--json"]);
    assert_eq!(status["queue_waiting"], 0, "{status}");
    assert_eq!(status["queue_rejected"], 0, "{status}");
    assert!(status["shift"].is_null(), "closed: {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_is_refused_while_sales_are_queued_unless_told_and_the_z_says_so() {
    let app = TestApp::spawn_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("till");
    setup_till(&app, &dir).await;
    let opening = open_shift(&dir, 200_000);
    let shift_id = opening["id"].as_str().unwrap().to_owned();
    let code = scan_codes(&dir, 1).remove(0);
    point_at(&dir, &dead_url());
    let mut totals = 0;
    for _ in 0..2 {
        let out = sell(&dir, &["--item", &code, "--pay", "cash"]);
        totals += out["sale"]["total"].as_i64().unwrap();
    }
    let cash = notes(200_000 + totals);
    let err = till_refuses(&dir, &close_args(&cash, &[]));
    assert!(err.contains("queue_not_empty"), "{err}");
    assert!(err.contains("2 records are still queued"), "{err}");
    let status = till(&dir, &["status", "--json"]);
    assert_eq!(status["queue_waiting"], 2, "{status}");
    assert_eq!(
        status["shift"]["id"],
        shift_id.as_str(),
        "still open: {status}"
    );
    // Still open: the X works offline.
    let x = till(&dir, &["shift", "x", "--printer", "none", "--json"]);
    assert_eq!(x["summary"]["sales_count"], 2);

    let paper = tmp.path().join("z.bin");
    let printer = format!("file:{}", paper.display());
    let closed = till(
        &dir,
        &close_args(
            &cash,
            &["--allow-unsent", "--printer", &printer, "--mode", "cp1258"],
        ),
    );
    assert_eq!(closed["z"]["unsent"], 2, "{closed}");
    assert_eq!(closed["queue_waiting"], 3, "the sales and the close wait");
    let (text, _) = printed(&paper);
    assert!(text.contains("CHƯA GỬI MÁY CHỦ: 2 bản ghi"), "{text}");

    // Back online: everything arrives in order and the server agrees.
    point_at(&dir, &app.base);
    let sent = till(&dir, &["sync", "--json"]);
    assert_eq!(sent["acknowledged"], 3, "{sent}");
    let report = server_report(&app, &shift_id).await;
    assert_eq!(report["status"], "closed");
    assert_eq!(report["summary"], closed["z"]["summary"]);
    assert_eq!(report["closing"], closed["z"]["closing"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_of_more_than_was_sold_is_refused_and_uses_no_number() {
    let app = TestApp::spawn_demo().await;
    let (_tmp, dir, cfg) = till_with_shift(&app).await;
    let code = scan_codes(&dir, 1).remove(0);
    let first = sell(&dir, &["--item", &code, "--pay", "cash"]);
    let price = first["sale"]["lines"][0]["unit_price"].as_i64().unwrap();
    let sale_ref = format!("t{}-1", cfg.till_id);
    let err = refund_refused(&dir, &sale_ref, "1:2");
    assert!(err.contains("refund_exceeds_sold"), "{err}");
    let err = refund_refused(&dir, &sale_ref, "7");
    assert!(err.contains("line 7"), "{err}");
    assert_eq!(till(&dir, &["status", "--json"])["last_receipt_no"], 1);
    let extra = ["--pay", "card:APPR 5", "--restock", "damaged"];
    let ok = refund(&dir, &sale_ref, "1", "Hỏng", &extra);
    assert_eq!(ok["refund"]["receipt_no"], 2, "the next number, no gap");
    assert_eq!(ok["refund"]["lines"][0]["restock"], "damaged_write_off");
    assert!(ok["send_error"].is_null(), "{ok}");
    // Nothing left: refused again, locally.
    let err = refund_refused(&dir, &sale_ref, "1:1");
    assert!(err.contains("refund_exceeds_sold"), "{err}");

    // A discount above the limit needs the manager's PIN, set by a manager.
    // The password and the PIN come on standard input, never as flags.
    let pin = |user: &str, json: bool| {
        let mut args = vec![
            "manager-pin",
            "set",
            "--username",
            user,
            "--password-stdin",
            "--discount-limit-percent",
            "5",
        ];
        if json {
            args.push("--json");
        }
        run_with_stdin(&dir, &args, "demo1234\n2468\n")
    };
    let refused = pin("cashier1", false);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("not_a_manager"), "{err}");
    let set = pin("manager1", true);
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    // No PIN line: refused, nothing stored.
    let short = run_with_stdin(
        &dir,
        &[
            "manager-pin",
            "set",
            "--username",
            "manager1",
            "--password-stdin",
        ],
        "demo1234\n",
    );
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("secret_missing"),
        "{}",
        String::from_utf8_lossy(&short.stderr)
    );
    let small = price / 50;
    assert!(small > 0, "price {price}");
    let discounted = format!("{code}@{small}");
    let out = sell(&dir, &["--item", &discounted, "--pay", "cash"]);
    assert_eq!(
        out["sale"]["lines"][0]["discount"], small,
        "within 5 %: no PIN"
    );
    let big = format!("{code}@{}", price / 2);
    let err = sell_refused(&dir, &["--item", &big, "--pay", "cash"]);
    assert!(err.contains("manager_pin_required"), "{err}");
    // Issue 14: the PIN is never a flag (`ps` and the shell's history show
    // flags); it is read from standard input, as `setup` reads a password.
    let flag = run_with_stdin(
        &dir,
        &["sell", "--item", &big, "--pay", "cash", "--pin", "2468"],
        "",
    );
    assert!(!flag.status.success());
    assert!(
        String::from_utf8_lossy(&flag.stderr).contains("--pin"),
        "{}",
        String::from_utf8_lossy(&flag.stderr)
    );
    let wrong = sell_with_pin(&dir, &big, "1111\n");
    assert!(!wrong.status.success());
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(err.contains("wrong_manager_pin"), "{err}");
    let right = sell_with_pin(&dir, &big, "2468\n");
    let stdout = String::from_utf8_lossy(&right.stdout);
    assert!(
        right.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&right.stderr)
    );
    let out: Value = serde_json::from_str(&stdout).unwrap();
    let reason = out["sale"]["lines"][0]["discount_reason"].as_str().unwrap();
    assert!(reason.contains("duyệt: Quản lý"), "{reason}");
    assert_eq!(out["send_error"], Value::Null, "the server took it: {out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_till_refunds_the_first_tills_sale_found_on_the_server() {
    let app = TestApp::spawn_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("till1");
    let second = tmp.path().join("till2");
    let cfg1 = setup_till_as(&app, &first, "manager1", "Quầy 1").await;
    let cfg2 = setup_till_as(&app, &second, "manager1", "Quầy 2").await;
    assert_eq!(cfg1.outlet_id, cfg2.outlet_id);
    open_shift(&first, 0);
    open_shift(&second, 0);
    let code = scan_codes(&first, 1).remove(0);
    let item = format!("{code}:3");
    let sold = sell(&first, &["--item", &item, "--pay", "cash"]);
    assert!(sold["send_error"].is_null(), "{sold}");
    let sale_ref = format!("T{}-000001", cfg1.till_id);
    // The first till refunds one itself (sent at once).
    refund(&first, &sale_ref, "1:1", "Vỡ", &[]);
    // The second till finds the sale and that refund on the server.
    let err = refund_refused(&second, &sale_ref, "1:3");
    assert!(err.contains("refund_exceeds_sold"), "{err}");
    let r = refund(&second, &sale_ref, "1:1", "Khách trả", &["--no-send"]);
    assert_eq!(r["refund"]["till_id"], cfg2.till_id);
    assert_eq!(r["refund"]["receipt_no"], 1, "the second till's own number");
    assert_eq!(r["refund"]["original_receipt"]["till_id"], cfg1.till_id);
    // Its own refund, not sent yet, counts with the server's: one is left.
    let err = refund_refused(&second, &sale_ref, "1:2");
    assert!(err.contains("refund_exceeds_sold"), "{err}");
    // Offline, the sale it kept still counts both earlier refunds.
    point_at(&second, &dead_url());
    let err = refund_refused(&second, &sale_ref, "1:2");
    assert!(err.contains("refund_exceeds_sold"), "{err}");
    let last = refund(&second, &sale_ref, "1", "Khách trả nốt", &[]);
    assert_eq!(last["refund"]["lines"][0]["qty"], "1", "{last}");
    assert!(last["send_error"].is_string(), "offline: {last}");
    // A sale it never saw needs the server: a clear refusal.
    let unseen = format!("T{}-000009", cfg1.till_id);
    let err = refund_refused(&second, &unseen, "1");
    assert!(err.contains("sale_not_found"), "{err}");
    point_at(&second, &app.base);
    let sent = till(&second, &["sync", "--json"]);
    assert_eq!(sent["acknowledged"], 2, "both refunds accepted: {sent}");
    assert_eq!(sent["rejected"], 0, "{sent}");
}
