//! VietQR transfers confirmed after the sale, the till against a real
//! server (SQLite or PostgreSQL): a sale paid `--pay qr` reaches the
//! server `pending`; a correctly signed bank notification makes it
//! `confirmed_by_bank`, which `ocop-till transfer status` (and the
//! interface's VietQR screen, polling from its worker thread) then shows;
//! a cashier's confirmation made while the server is unreachable is
//! queued after its sale and arrives after it, recorded with that
//! cashier; the till's credential reaches only its own outlet's sales.

use std::path::Path;
use std::time::Duration;

use crate::till_common::*;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use ocop_core::sale::TransferStatus;
use ocop_e2e::TestApp;
use ocop_server::config::Secret;
use ocop_till::config::TillConfig;
use ocop_till::store::{OutboxKind, Store};
use ocop_till::transfer::Seen;
use ocop_till::tui::{App, KeyCode, KeyEvent, KeyModifiers, Screen};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

const KEY: &str = "bank-webhook-test-key-0123456789abcdef";

/// The demo server with the bank webhook's secret set.
async fn signed_demo() -> TestApp {
    let app = TestApp::spawn_with(|c| c.bank_webhook_secret = Some(Secret::new(KEY.into()))).await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || ocop_server::demo::load(&db))
        .await
        .unwrap()
        .unwrap();
    app
}

/// Posts a bank notification signed as docs/bank-webhook.md says.
async fn notify(app: &TestApp, note: &Value) -> (StatusCode, Value) {
    let raw = serde_json::to_vec(note).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(&raw);
    let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let res = app
        .client
        .post(app.url("/api/v1/bank/notifications"))
        .header("Content-Type", "application/json")
        .header("X-Ocop-Signature", signature)
        .body(raw)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The bank's notification of the transfer `state` (as the till's
/// `transfer status --json` gives it) shows.
async fn bank_pays(app: &TestApp, state: &Value, transaction: &str) {
    let note = json!({
        "transaction_id": transaction,
        "amount": state["amount"],
        "memo": format!("NGUYEN VAN A chuyen tien {}", state["memo"].as_str().unwrap()),
        "account": null,
    });
    let (status, body) = notify(app, &note).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "confirmed_by_bank");
}

/// The server's confirmations of a sale, in order: (source, confirmed by,
/// confirmed after the sale arrived).
async fn confirmations(app: &TestApp, sale_id: &str) -> Vec<(String, Option<i32>, bool)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        source: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Integer>)]
        confirmed_by: Option<i32>,
        #[diesel(sql_type = diesel::sql_types::Timestamp)]
        confirmed_at: chrono::NaiveDateTime,
        #[diesel(sql_type = diesel::sql_types::Timestamp)]
        received_at: chrono::NaiveDateTime,
    }
    let db = app.db.clone();
    let id = sale_id.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut c = db.conn().unwrap();
        diesel::sql_query(format!(
            "SELECT t.source, t.confirmed_by, t.confirmed_at, s.received_at
             FROM transfer_confirmations t JOIN sales s ON s.id = t.sale_id
             WHERE s.uuid = '{id}' ORDER BY t.id"
        ))
        .load::<Row>(&mut c)
        .unwrap()
        .into_iter()
        .map(|r| (r.source, r.confirmed_by, r.confirmed_at >= r.received_at))
        .collect()
    })
    .await
    .unwrap()
}

/// Sells one item paid by VietQR with no printer; the sale's JSON.
fn sell_qr(dir: &Path, code: &str, send: bool) -> Value {
    let mut args = vec![
        "sell",
        "--item",
        code,
        "--pay",
        "qr",
        "--printer",
        "none",
        "--json",
    ];
    if !send {
        args.push("--no-send");
    }
    till(dir, &args)
}

fn receipt_of(sold: &Value) -> String {
    format!(
        "T{}-{:06}",
        sold["sale"]["till_id"],
        sold["sale"]["receipt_no"].as_u64().unwrap()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_notification_reaches_the_till_through_the_server() {
    let app = signed_demo().await;
    let (_tmp, dir, _cfg) = till_with_shift(&app).await;
    let code = scan_codes(&dir, 1).remove(0);
    let sold = sell_qr(&dir, &code, true);
    assert_eq!(sold["queue_waiting"], 0, "sent: {sold}");
    let receipt = receipt_of(&sold);
    let sale_id = sold["sale"]["id"].as_str().unwrap().to_owned();

    let pending = till(&dir, &["transfer", "status", "--sale", &receipt, "--json"]);
    assert_eq!(pending["status"], "pending", "{pending}");
    assert_eq!(pending["sale_id"], sale_id.as_str());
    assert_eq!(pending["amount"], sold["sale"]["total"]);
    assert_eq!(pending["receipt"], receipt.as_str());
    assert!(pending["local_confirmation"].is_null());
    // Issue 14: the till lists the outlet's transfers awaiting confirmation.
    let listed = till(&dir, &["transfer", "pending", "--json"]);
    assert_eq!(listed["source"], "server", "{listed}");
    assert_eq!(
        listed["pending"][0]["sale_id"],
        sale_id.as_str(),
        "{listed}"
    );
    assert_eq!(listed["pending"][0]["receipt"], receipt.as_str());
    let text = till_text(&dir, &["transfer", "pending"]);
    assert!(
        text.contains(&receipt) && text.contains("chờ xác nhận"),
        "{text}"
    );

    bank_pays(&app, &pending, "FT2633300001").await;
    let listed = till(&dir, &["transfer", "pending", "--json"]);
    assert_eq!(
        listed["pending"],
        json!([]),
        "the bank's notice took it off: {listed}"
    );
    let by_bank = till(&dir, &["transfer", "status", "--sale", &sale_id, "--json"]);
    assert_eq!(by_bank["status"], "confirmed_by_bank", "{by_bank}");
    assert!(by_bank["confirmed_at"].is_string(), "{by_bank}");
    let text = till_text(&dir, &["transfer", "status", "--sale", &receipt]);
    assert!(
        text.contains("Ngân hàng đã xác nhận") && text.contains("confirmed_by_bank"),
        "{text}"
    );

    // The cashier confirming afterwards is sent, answered, and changes
    // nothing: the bank's confirmation stands alone.
    let late = till(&dir, &["transfer", "confirm", "--sale", &receipt, "--json"]);
    assert_eq!(late["state"], "acknowledged", "{late}");
    assert_eq!(
        confirmations(&app, &sale_id).await,
        vec![("bank".to_owned(), None, true)]
    );
    let still = till(&dir, &["transfer", "status", "--sale", &receipt, "--json"]);
    assert_eq!(still["status"], "confirmed_by_bank");
}

/// Issue 14: a pending transfer's receipt carried two QR codes (the
/// VietQR and the online copy). The paper the real till prints now
/// carries one, the online copy's, and says the transfer is paid from the
/// till's screen; the amount still to pay stays on the paper.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_transfers_receipt_carries_one_qr_code() {
    let app = signed_demo().await;
    let (tmp, dir, _cfg) = till_with_shift(&app).await;
    let code = scan_codes(&dir, 1).remove(0);
    let paper = tmp.path().join("paper.bin");
    let printer = format!("file:{}", paper.display());
    let sold = till(
        &dir,
        &[
            "sell",
            "--item",
            &code,
            "--pay",
            "qr",
            "--printer",
            &printer,
            "--mode",
            "cp1258",
            "--json",
        ],
    );
    assert_eq!(sold["printed"], true, "{sold}");
    let sale_id = sold["sale"]["id"].as_str().unwrap();
    let (text, qrs) = printed(&paper);
    let base = till_config(&dir).e_receipt_base().to_owned();
    assert_eq!(qrs, vec![format!("{base}/r/{sale_id}")], "{text}");
    assert!(text.contains("quét mã VietQR trên màn hình quầy"), "{text}");
    assert!(text.contains("CHƯA THANH TOÁN"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cashiers_confirmation_made_offline_arrives_after_its_sale() {
    let app = signed_demo().await;
    let (_tmp, dir, cfg) = till_with_shift(&app).await;
    let code = scan_codes(&dir, 1).remove(0);
    point_at(&dir, &dead_url());

    let sold = sell_qr(&dir, &code, true);
    assert_eq!(sold["queue_waiting"], 1, "the sale waits: {sold}");
    let receipt = receipt_of(&sold);
    let sale_id = sold["sale"]["id"].as_str().unwrap().to_owned();
    let confirmed = till(&dir, &["transfer", "confirm", "--sale", &receipt, "--json"]);
    assert_eq!(confirmed["new"], true);
    assert_eq!(confirmed["state"], "queued", "{confirmed}");
    assert_eq!(confirmed["cashier_id"], cfg.cashier_id);
    assert_eq!(
        confirmed["queue_waiting"], 2,
        "the sale and its confirmation"
    );
    assert!(confirmed["send_error"].is_string());
    let again = till(
        &dir,
        &[
            "transfer",
            "confirm",
            "--sale",
            &receipt,
            "--json",
            "--no-send",
        ],
    );
    assert_eq!(again["new"], false, "confirming twice queues nothing new");
    assert_eq!(again["queue_waiting"], 2);
    let offline = till_refuses(&dir, &["transfer", "status", "--sale", &receipt]);
    assert!(offline.contains("server_unreachable"), "{offline}");
    // In the queue: the sale, then its confirmation.
    let order: Vec<OutboxKind> = Store::open_dir(&dir)
        .unwrap()
        .pending(100, false)
        .unwrap()
        .into_iter()
        .map(|i| i.kind)
        .collect();
    assert_eq!(order, [OutboxKind::Sale, OutboxKind::TransferConfirmation]);

    point_at(&dir, &app.base);
    // Reachable again, but nothing sent yet: the server has no such sale.
    let unsent = till_refuses(&dir, &["transfer", "status", "--sale", &receipt]);
    assert!(unsent.contains("sale_not_on_server"), "{unsent}");
    let sent = till(&dir, &["sync", "--json"]);
    assert_eq!(sent["acknowledged"], 2, "{sent}");
    assert_eq!(sent["waiting"], 0, "{sent}");
    assert_eq!(
        confirmations(&app, &sale_id).await,
        vec![("cashier".to_owned(), Some(cfg.cashier_id), true)],
        "stored once, by that cashier, after the sale arrived"
    );
    let state = till(&dir, &["transfer", "status", "--sale", &receipt, "--json"]);
    assert_eq!(state["status"], "confirmed_by_cashier", "{state}");
    assert_eq!(state["confirmed_by"], cfg.cashier_id);
    assert_eq!(state["local_confirmation"]["cashier_id"], cfg.cashier_id);

    // Resent (a crash after the send, before the acknowledgement): the
    // server answers and stores nothing more.
    let path = dir.join(ocop_till::store::DB_FILE);
    let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    diesel::sql_query("UPDATE outbox SET state = 'sent' WHERE kind = 'transfer_confirmation'")
        .execute(&mut c)
        .unwrap();
    let resent = till(&dir, &["sync", "--json"]);
    assert_eq!(resent["acknowledged"], 1, "{resent}");
    assert_eq!(confirmations(&app, &sale_id).await.len(), 1);
}

/// A till registered by the admin at another outlet than `home`.
async fn till_of_another_outlet(app: &TestApp, dir: &Path, home: i32) -> TillConfig {
    let admin = app.login("admin", "demo1234").await;
    let (_, outlets) = app.get("/api/v1/outlets", Some(&admin)).await;
    let other = outlets
        .as_array()
        .or_else(|| outlets["items"].as_array())
        .unwrap()
        .iter()
        .filter_map(|o| o["id"].as_i64())
        .find(|&id| id != i64::from(home))
        .expect("the demo has a second outlet");
    setup_till_at(
        app,
        dir,
        "admin",
        "Quầy nơi khác",
        Some(i32::try_from(other).unwrap()),
    )
    .await
}

/// A raw call with a till's own credential.
async fn as_till(
    app: &TestApp,
    cfg: &TillConfig,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let mut req = app.client.request(method, app.url(path)).header(
        "Authorization",
        format!("Till {}:{}", cfg.till_id, cfg.till_secret),
    );
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_reaches_only_its_own_outlets_transfers() {
    let app = signed_demo().await;
    let (tmp, dir, cfg) = till_with_shift(&app).await;
    let code = scan_codes(&dir, 1).remove(0);
    let sold = sell_qr(&dir, &code, true);
    let sale_id = sold["sale"]["id"].as_str().unwrap().to_owned();
    let qr_path = format!("/api/v1/sales/{sale_id}/vietqr");
    let confirm_path = format!("/api/v1/sales/{sale_id}/transfer-confirmations");

    let elsewhere = tmp.path().join("elsewhere");
    let foreign = till_of_another_outlet(&app, &elsewhere, cfg.outlet_id).await;
    assert_ne!(foreign.outlet_id, cfg.outlet_id);
    let body = json!({"cashier_id": cfg.cashier_id});
    for (method, path, body) in [
        (reqwest::Method::GET, &qr_path, None),
        (reqwest::Method::POST, &confirm_path, Some(&body)),
    ] {
        let (status, err) = as_till(&app, &foreign, method, path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {err}");
        assert_eq!(err["error"], "not_found");
    }
    let refused = till_refuses(&elsewhere, &["transfer", "status", "--sale", &sale_id]);
    assert!(refused.contains("sale_not_found"), "{refused}");
    assert!(confirmations(&app, &sale_id).await.is_empty());

    // The till's own credential: it must name a cashier of the outlet.
    let (status, err) = as_till(&app, &cfg, reqwest::Method::POST, &confirm_path, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["error"], "cashier_required");
    let (_, me) = app
        .get(
            "/api/v1/auth/me",
            Some(&app.login("admin", "demo1234").await),
        )
        .await;
    let (status, err) = as_till(
        &app,
        &cfg,
        reqwest::Method::POST,
        &confirm_path,
        Some(&json!({"cashier_id": me["id"]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "unknown_cashier");
    let (status, err) = as_till(
        &app,
        &cfg,
        reqwest::Method::POST,
        &confirm_path,
        Some(&json!({"cashier_id": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(
        confirmations(&app, &sale_id).await.is_empty(),
        "nothing written"
    );
    let (status, state) = as_till(&app, &cfg, reqwest::Method::GET, &qr_path, None).await;
    assert_eq!(status, StatusCode::OK, "{state}");
    assert_eq!(state["status"], "pending");

    // A cashier's bearer token still works with no body at all, once.
    let cashier = app.login("cashier1", "demo1234").await;
    let (_, cashier_me) = app.get("/api/v1/auth/me", Some(&cashier)).await;
    for _ in 0..2 {
        let res = app
            .client
            .post(app.url(&confirm_path))
            .bearer_auth(&cashier)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let state: Value = res.json().await.unwrap();
        assert_eq!(state["status"], "confirmed_by_cashier");
        assert_eq!(state["confirmed_by"], cashier_me["id"]);
    }
    let stored = confirmations(&app, &sale_id).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Refreshes the interface (as its idle tick does) until `done` or 10 s.
async fn until(app: &mut App, done: impl Fn(&App) -> bool) {
    for _ in 0..200 {
        app.refresh_status().unwrap();
        if done(app) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the VietQR screen never saw it: {:?}", app.transfer.seen);
}

/// The interface's VietQR screen: its worker sends the sale, sees it
/// pending, then sees the bank's confirmation; Enter goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vietqr_screen_shows_the_banks_confirmation() {
    let app = signed_demo().await;
    let (_tmp, dir, cfg) = till_with_shift(&app).await;
    let code = scan_codes(&dir, 1).remove(0);
    let store = Store::open_dir(&dir).unwrap();
    let mut ui = App::new(store, cfg.clone(), None).unwrap();
    ui.transfer_poll = Some(Duration::from_millis(100));
    for c in code.chars() {
        key(&mut ui, KeyCode::Char(c));
    }
    key(&mut ui, KeyCode::Enter);
    key(&mut ui, KeyCode::F(10));
    key(&mut ui, KeyCode::F(5));
    assert_eq!(ui.screen, Screen::Qr, "{}", ui.message);
    let sale = ui.last.as_ref().unwrap().sale.clone();
    until(&mut ui, |a| {
        a.transfer.seen == Some(Seen::State(TransferStatus::Pending))
    })
    .await;
    assert_eq!(ui.queued, 0, "the worker sent the sale");

    let state = json!({
        "amount": sale.total.amount(),
        "memo": format!("OCOP T{} R{:06}", sale.till_id, sale.receipt_no),
    });
    bank_pays(&app, &state, "FT2633300077").await;
    until(&mut ui, |a| {
        a.transfer.seen == Some(Seen::State(TransferStatus::ConfirmedByBank))
    })
    .await;
    key(&mut ui, KeyCode::Enter);
    assert_eq!(ui.screen, Screen::Done);
    assert_eq!(ui.message, "Ngân hàng đã xác nhận");
    assert_eq!(
        confirmations(&app, &sale.id.to_string()).await,
        vec![("bank".to_owned(), None, true)]
    );
}
