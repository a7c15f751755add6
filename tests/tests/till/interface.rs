//! The till's terminal interface against a real server: the `tui::App`
//! driven by key presses as a cashier would (no terminal: the same
//! `handle_key` the crossterm loop calls), on a till registered with
//! `setup`. Open the shift with a float, scan, pay cash with change,
//! refund by scanning the printed receipt's QR code, count the drawer by
//! note and close; the receipts and the Z go to a `file:` printer and are
//! read back with the hardware preview decoder and rqrr. The server ends
//! up with the sale, the refund and the closed shift, with the till's own
//! Z figures.

use std::path::PathBuf;

use crate::till_common::*;
use ocop_core::money::Dong;
use ocop_core::sale::shift::Denomination;
use ocop_core::sale::{PaymentMethod, Sale};
use ocop_e2e::TestApp;
use ocop_till::config::TillConfig;
use ocop_till::printing::{PrinterArgs, TextMode};
use ocop_till::store::Store;
use ocop_till::sync::{Backoff, sync_once};
use ocop_till::tui::{App, KeyCode, KeyEvent, KeyModifiers, Screen};
use reqwest::StatusCode;

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn enter(app: &mut App, s: &str) {
    type_text(app, s);
    key(app, KeyCode::Enter);
}

/// Sends the till's queue (the background sender's one pass); nothing may
/// be left waiting.
fn sync(app: &mut App) {
    let report = sync_once(&mut app.store, &app.cfg, Backoff::default(), false).unwrap();
    assert_eq!(report.waiting, 0, "{report:?}");
    app.refresh_status().unwrap();
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cashiers_shift_through_the_interface_reaches_the_server() {
    let server = TestApp::spawn_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("till");
    setup_till(&server, &dir).await;
    let codes = scan_codes(&dir, 2);
    let paper: PathBuf = tmp.path().join("paper.bin");

    // Start-up: no shift, so the float first; then a sale paid in cash.
    let (d, p) = (dir.clone(), paper.clone());
    let (app, sale, tendered) = blocking(move || {
        let store = Store::open_dir(&d).unwrap();
        let cfg = TillConfig::require(&store).unwrap();
        let printer = PrinterArgs {
            printer: format!("file:{}", p.display()),
            width: 80,
            mode: TextMode::Cp1258,
            esc_t: 52,
            check_paper: false,
        };
        let mut app = App::new(store, cfg, Some(printer)).unwrap();
        assert_eq!(app.screen, Screen::ShiftOpen);
        enter(&mut app, "500000");
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.screen, Screen::Sale, "{}", app.message);
        // Issue 14: a failed scan clears the input, so the next scan is
        // read alone; the message is the Vietnamese sentence, no code.
        enter(&mut app, "8930000000001");
        assert!(app.input.is_empty(), "{:?}", app.input);
        assert!(
            !app.message.contains("product_not_found"),
            "{}",
            app.message
        );
        enter(&mut app, &codes[0]);
        enter(&mut app, &codes[0]);
        enter(&mut app, &codes[1]);
        // A product sold by weight: the till asks for it (issue 14).
        let weighed = app.cat.by_id(app.cart[1].product_id).unwrap().fractional;
        assert_eq!(app.prompt.is_some(), weighed, "{}", app.message);
        if weighed {
            enter(&mut app, "0.5");
            assert_eq!(app.cart[1].qty.to_string(), "0,5", "{}", app.message);
        }
        assert_eq!(app.cart.len(), 2, "{}", app.message);
        // At 80×24 every key to sell and pay is on screen, F10 included,
        // and the products' names are whole.
        let small = app.screen_text(80, 24).unwrap();
        for hint in [" Enter ", " F10 ", " F2/* ", " Del ", " F7 ", " F12 "] {
            assert!(small.contains(hint), "{hint:?} not on screen:\n{small}");
        }
        for line in &app.cart {
            let name = &app.cat.by_id(line.product_id).unwrap().name;
            assert!(small.contains(name.as_str()), "{name} cut:\n{small}");
        }
        let total = app.total().unwrap();
        // A round sum above the total, handed over.
        let tendered = (total.amount() / 100_000 + 1) * 100_000;
        key(&mut app, KeyCode::F(10));
        enter(&mut app, &tendered.to_string());
        assert_eq!(app.screen, Screen::Done, "{}", app.message);
        let sale: Sale = app.last.as_ref().unwrap().sale.clone();
        sync(&mut app);
        (app, sale, tendered)
    })
    .await;
    assert_eq!(
        sale.payments[0].method,
        PaymentMethod::Cash {
            tendered: Dong::new(tendered),
            change: Dong::new(tendered - sale.total.amount()),
        }
    );
    let (receipt, qrs) = printed(&paper);
    assert!(
        receipt.contains(&sale.receipt_ref().to_string()),
        "{receipt}"
    );
    let url = qrs
        .iter()
        .find(|q| q.ends_with(&format!("/r/{}", sale.id)))
        .unwrap_or_else(|| panic!("the e-receipt QR code: {qrs:?}"))
        .clone();

    let manager = server.login("manager1", "demo1234").await;
    let (status, stored) = server
        .get(&format!("/api/v1/sales/{}", sale.id), Some(&manager))
        .await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(stored["sale"]["receipt_no"], sale.receipt_no.get());
    assert_eq!(
        stored["sale"]["total"],
        serde_json::to_value(sale.total).unwrap()
    );

    // The customer brings the first line back: the receipt's QR code.
    let (app, refund) = blocking(move || {
        let mut app = app;
        key(&mut app, KeyCode::F(6));
        enter(&mut app, &url);
        assert!(app.refund.is_some(), "{}", app.message);
        key(&mut app, KeyCode::Char(' '));
        key(&mut app, KeyCode::F(10));
        enter(&mut app, "Khách đổi ý");
        assert_eq!(app.screen, Screen::Sale, "{}", app.message);
        let refund = app.store.receipt_json(None).unwrap().unwrap();
        assert_eq!(refund.0, ocop_till::store::OutboxKind::Refund);
        sync(&mut app);
        (
            app,
            serde_json::from_str::<serde_json::Value>(&refund.1).unwrap(),
        )
    })
    .await;
    let (refund_paper, _) = printed(&paper);
    assert!(
        refund_paper.contains(&sale.receipt_ref().to_string()),
        "the refund names its sale:\n{refund_paper}"
    );
    let (status, refunds) = server
        .get(
            &format!("/api/v1/sales/{}/refunds", sale.id),
            Some(&manager),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{refunds}");
    assert_eq!(refunds.as_array().unwrap().len(), 1, "{refunds}");
    assert_eq!(refunds[0]["id"], refund["id"]);

    // Closing: the drawer counted by note, exactly what it should hold.
    let (app, z) = blocking(move || {
        let mut app = app;
        key(&mut app, KeyCode::F(7));
        assert_eq!(app.screen, Screen::Shift, "{}", app.message);
        let mut left = app.shift_summary.as_ref().unwrap().cash.expected.amount();
        key(&mut app, KeyCode::F(4));
        for note in Denomination::ALL {
            let value = note.value().amount();
            type_text(&mut app, &(left / value).to_string());
            left %= value;
            key(&mut app, KeyCode::Down);
        }
        assert_eq!(left, 0);
        // Typed amounts are shown grouped, as money is.
        type_text(&mut app, "1000000");
        assert!(app.screen_text(80, 24).unwrap().contains("= 1.000.000"));
        for _ in 0..7 {
            key(&mut app, KeyCode::Backspace);
        }
        // Issue 14: closing asks first, with the Z on screen at 80×24.
        key(&mut app, KeyCode::F(10));
        assert_eq!(app.screen, Screen::ShiftClose, "{}", app.message);
        let small = app.screen_text(80, 24).unwrap();
        assert!(small.contains("BÁO CÁO Z"), "{small}");
        assert!(small.contains("F10  đóng ca và in Z"), "{small}");
        key(&mut app, KeyCode::F(10));
        assert_eq!(app.screen, Screen::ShiftOpen, "{}", app.message);
        let z = ocop_till::shift::last_z(&app.store).unwrap().unwrap();
        (app, z)
    })
    .await;
    assert_eq!(z.unsent, 0, "the queue was drained before closing");
    assert_eq!(z.closing.total_variance, Dong::ZERO);
    assert_eq!(z.summary.sales_count, 1);
    assert_eq!(z.summary.refunds_count, 1);
    let (z_paper, _) = printed(&paper);
    assert!(z_paper.contains('Z'), "{z_paper}");
    assert_eq!(app.queued, 0, "{}", app.message);

    let (status, report) = server
        .get(
            &format!("/api/v1/shifts/{}/report", z.opening.id),
            Some(&manager),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["status"], "closed", "{report}");
    assert_eq!(report["summary"], serde_json::to_value(&z.summary).unwrap());
    assert_eq!(report["closing"], serde_json::to_value(&z.closing).unwrap());
}
