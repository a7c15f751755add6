//! Paying from the interface: cash with change, split, card, VietQR; the
//! sale is committed to the real store (the outbox holds it) and the
//! receipt bytes printed to a `file:` printer decode to what was sold.

use super::*;
use ocop_core::sale::PaymentMethod;
use ocop_core::sale::qr::vietqr_for_sale;
use ocop_core::vietqr::BankBin;
use ratatui::style::Color;

fn three_lines(app: &mut App) {
    scan(app, "8936012345674");
    scan(app, "8936012345674");
    scan(app, "8936012345674");
}

fn printed_text(dir: &tempfile::TempDir, app: &App) -> String {
    let bytes = std::fs::read(dir.path().join("receipt.bin")).unwrap();
    let profile = app.printer.as_ref().unwrap().config().unwrap().profile;
    ocop_hardware::preview::render(&bytes, &profile)
        .unwrap()
        .text_lines
        .join("\n")
}

#[test]
fn cash_pays_commits_the_sale_prints_it_and_shows_the_change() {
    let (dir, mut app) = app_with_printer(true);
    three_lines(&mut app);
    key(&mut app, KeyCode::F(10));
    assert_eq!(app.screen, Screen::Pay);
    key(&mut app, KeyCode::F(4)); // 500.000 handed over for 450.000
    assert_eq!(app.screen, Screen::Done, "{}", app.message);
    assert!(app.cart.is_empty());

    let stored = queued::<Sale>(&app, OutboxKind::Sale);
    assert_eq!(stored.len(), 1);
    let sale = &stored[0];
    assert_eq!(sale.receipt_ref().to_string(), "T3-000001");
    assert_eq!(sale.total, Dong::new(450_000));
    assert_eq!(
        sale.payments[0].method,
        PaymentMethod::Cash {
            tendered: Dong::new(500_000),
            change: Dong::new(50_000)
        }
    );
    assert_eq!(sale.id, app.last.as_ref().unwrap().sale.id);
    assert_eq!(
        app.queued, 2,
        "the shift's opening and the sale wait to be sent"
    );

    let paper = printed_text(&dir, &app);
    assert!(paper.contains("T3-000001"), "{paper}");
    assert!(paper.contains("Rượu ngô Bắc Hà"), "{paper}");
    assert!(paper.contains("450.000"), "{paper}");
    assert!(paper.contains("Tiền mặt"), "{paper}");
    assert_eq!(app.printer_state, PrinterState::Printed);

    let handed = paper_row(&paper, "Tiền khách đưa").unwrap_or_default();
    assert!(handed.ends_with(" 500.000 ₫"), "{paper}");
    let change = paper_row(&paper, "Tiền thừa trả khách").unwrap_or_default();
    assert!(change.ends_with(" 50.000 ₫"), "{paper}");

    let s = screen(&app);
    assert!(s.contains("TIỀN THỪA: 50.000 ₫"), "{s}");
    assert!(s.contains("chờ gửi: 2"), "{s}");

    // F9 reprints the last receipt, marked as such.
    std::fs::remove_file(dir.path().join("receipt.bin")).unwrap();
    key(&mut app, KeyCode::F(9));
    let again = printed_text(&dir, &app);
    assert!(
        again.contains("BẢN IN LẠI") && again.contains("T3-000001"),
        "{again}"
    );

    // The next scan starts the next sale.
    type_text(&mut app, "MO-1");
    assert_eq!(app.screen, Screen::Sale);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.cart.len(), 1);
}

/// The paper's one line starting with `label`.
fn paper_row<'p>(paper: &'p str, label: &str) -> Option<&'p str> {
    paper.lines().find(|l| l.starts_with(label))
}

/// Split cash (issue #18): 775.000 ₫ paid 500.000 and another 500.000. The
/// screen, the stored sale and the printed receipt all give 225.000 ₫ of
/// change and 1.000.000 ₫ handed over.
#[test]
fn split_cash_shows_and_prints_the_change_of_the_whole_sale() {
    let (dir, mut app) = app_with_printer(true);
    super::screens::cart_of_three_with_a_discount(&mut app);
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(4));
    assert_eq!(app.screen, Screen::Pay, "500.000 is a part of 775.000");
    key(&mut app, KeyCode::F(4));
    assert_eq!(app.screen, Screen::Done, "{}", app.message);

    let sale = &queued::<Sale>(&app, OutboxKind::Sale)[0];
    assert_eq!(sale.total, Dong::new(775_000));
    let cash = sale.cash_tender().unwrap();
    assert_eq!(
        (cash.handed_over, cash.settles, cash.change),
        (Dong::new(1_000_000), Dong::new(775_000), Dong::new(225_000))
    );

    let s = screen(&app);
    assert!(s.contains("TIỀN THỪA: 225.000 ₫"), "{s}");

    let paper = printed_text(&dir, &app);
    let rows =
        |label: &str| -> Vec<&str> { paper.lines().filter(|l| l.starts_with(label)).collect() };
    let cash_rows = rows("Tiền mặt");
    assert_eq!(cash_rows.len(), 2, "{paper}");
    assert!(cash_rows[0].ends_with(" 500.000 ₫"), "{paper}");
    assert!(cash_rows[1].ends_with(" 275.000 ₫"), "{paper}");
    let handed = paper_row(&paper, "Tiền khách đưa").unwrap_or_default();
    assert!(handed.ends_with(" 1.000.000 ₫"), "{paper}");
    let change = paper_row(&paper, "Tiền thừa trả khách").unwrap_or_default();
    assert!(change.ends_with(" 225.000 ₫"), "{paper}");
}

#[test]
fn split_payment_part_cash_then_card_with_its_reference() {
    let (_dir, mut app) = app();
    three_lines(&mut app);
    key(&mut app, KeyCode::F(10));
    type_text(&mut app, "100.000");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Pay, "a part payment");
    assert_eq!(app.remaining(), Some(Dong::new(350_000)));
    assert!(screen(&app).contains("CÒN LẠI: 350.000 ₫"));
    key(&mut app, KeyCode::F(6));
    type_text(&mut app, "VCB-778812");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Done, "{}", app.message);
    let sale = &queued::<Sale>(&app, OutboxKind::Sale)[0];
    assert_eq!(sale.payments.len(), 2);
    assert_eq!(sale.payments[0].amount, Dong::new(100_000));
    assert_eq!(sale.payments[1].amount, Dong::new(350_000));
    assert!(matches!(
        &sale.payments[1].method,
        PaymentMethod::Card { terminal_ref } if terminal_ref == "VCB-778812"
    ));
    // The card settles the rest: the 100.000 in cash gives no change.
    assert!(screen(&app).contains("TIỀN THỪA: 0 ₫"));
}

#[test]
fn leaving_the_payment_screen_forgets_the_parts_and_commits_nothing() {
    let (_dir, mut app) = app();
    key(&mut app, KeyCode::F(10));
    assert_eq!(app.screen, Screen::Sale, "nothing to pay for");
    three_lines(&mut app);
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(2));
    assert_eq!(app.tenders.len(), 1);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Sale);
    assert!(app.tenders.is_empty());
    assert_eq!(app.cart.len(), 1);
    assert!(queued::<Sale>(&app, OutboxKind::Sale).is_empty());
    assert!(app.store.receipt_numbers().unwrap().is_empty());
}

#[test]
fn a_printer_failure_keeps_the_sale_and_shows_on_the_status_line() {
    let (dir, mut app) = app();
    app.printer = Some(PrinterArgs {
        printer: format!("file:{}", dir.path().join("no/such/dir/r.bin").display()),
        width: 80,
        mode: TextMode::Cp1258,
        esc_t: 52,
        check_paper: false,
    });
    three_lines(&mut app);
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(1));
    assert_eq!(app.screen, Screen::Done);
    assert_eq!(
        queued::<Sale>(&app, OutboxKind::Sale).len(),
        1,
        "committed before printing"
    );
    assert!(matches!(app.printer_state, PrinterState::Failed(_)));
    let s = screen(&app);
    assert!(s.contains("máy in: LỖI"), "{s}");
}

/// Reads the QR code drawn in half blocks back from the screen: every cell
/// on a white background is two modules (top, bottom), dark where the
/// glyph covers it; scaled up and decoded by rqrr.
pub(super) fn decode_screen_qr(buf: &Buffer) -> String {
    let cells: Vec<(u16, u16)> = (0..buf.area.height)
        .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
        .filter(|&(x, y)| buf[(x, y)].bg == Color::White)
        .collect();
    let x0 = cells.iter().map(|c| c.0).min().unwrap();
    let x1 = cells.iter().map(|c| c.0).max().unwrap();
    let y0 = cells.iter().map(|c| c.1).min().unwrap();
    let y1 = cells.iter().map(|c| c.1).max().unwrap();
    const SCALE: usize = 4;
    let w = usize::from(x1 - x0 + 1) * SCALE;
    let h = usize::from(y1 - y0 + 1) * 2 * SCALE;
    let dark = |px: usize, py: usize| {
        let x = x0 + u16::try_from(px / SCALE).unwrap();
        let module_row = py / SCALE;
        let y = y0 + u16::try_from(module_row / 2).unwrap();
        let top = module_row.is_multiple_of(2);
        match buf[(x, y)].symbol() {
            "█" => true,
            "▀" => top,
            "▄" => !top,
            _ => false,
        }
    };
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| if dark(x, y) { 0 } else { 255 });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on screen");
    grids[0].decode().unwrap().1
}

#[test]
fn vietqr_on_screen_scans_to_the_outlets_account_the_amount_and_the_receipt() {
    let (_dir, mut app) = app();
    three_lines(&mut app);
    key(&mut app, KeyCode::F(10));
    type_text(&mut app, "50000");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::F(5));
    assert_eq!(app.screen, Screen::Qr, "{}", app.message);
    let sale = &queued::<Sale>(&app, OutboxKind::Sale)[0];
    assert!(matches!(
        sale.payments[1].method,
        PaymentMethod::BankTransfer {
            status: ocop_core::sale::TransferStatus::Pending,
            ..
        }
    ));
    let decoded = decode_screen_qr(&render(&app, 100, 30));
    let expected = vietqr_for_sale(
        &BankBin::parse("970436").unwrap(),
        "0011001234567",
        Dong::new(400_000),
        sale.receipt_ref(),
    )
    .unwrap()
    .payload();
    assert_eq!(decoded, expected);
    assert!(decoded.contains("5406400000"), "amount 400.000: {decoded}");
    assert!(decoded.contains("OCOP T3 R000001"), "memo: {decoded}");
    // The bank by name and the account holder, not the BIN.
    let s = screen(&app);
    assert!(s.contains("Vietcombank · 0011001234567"), "{s}");
    assert!(!s.contains("BIN 970436"), "{s}");
}

/// Issue 14: one Enter (which a scanner sends after every code) left the
/// VietQR screen and the header said "ĐÃ THANH TOÁN" for a transfer nobody
/// had confirmed. Enter now stays (and says what to do); F4 leaves it
/// deliberately, and the next screen says the transfer is awaited.
#[test]
fn enter_does_not_leave_a_pending_transfer_and_pending_is_never_paid() {
    let (_dir, mut app) = app();
    on_the_vietqr_screen(&mut app);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Qr);
    assert!(app.message.contains("F4"), "{}", app.message);
    let s = screen(&app);
    assert!(!s.contains("Enter  tiếp tục"), "{s}");
    assert!(s.contains("F4  để chờ (chưa nhận)"), "{s}");
    key(&mut app, KeyCode::F(4));
    assert_eq!(app.screen, Screen::Done);
    let s = screen(&app);
    assert!(s.contains("CHỜ CHUYỂN KHOẢN"), "{s}");
    assert!(!s.contains("ĐÃ THANH TOÁN"), "{s}");
    assert!(s.contains("Chuyển khoản: 150.000 ₫ — chờ xác nhận"), "{s}");
    insta::assert_snapshot!(s);
}

/// Once the cashier confirmed, Enter goes on and the sale shows as paid,
/// the transfer "confirmed by the cashier".
#[test]
fn a_confirmed_transfer_leaves_with_enter_and_shows_paid() {
    let (_dir, mut app) = app();
    on_the_vietqr_screen(&mut app);
    key(&mut app, KeyCode::F(8));
    key(&mut app, KeyCode::F(4));
    assert_eq!(app.screen, Screen::Qr, "F4 is only for a pending transfer");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Done);
    let s = screen(&app);
    assert!(s.contains("ĐÃ THANH TOÁN"), "{s}");
    assert!(
        s.contains("Chuyển khoản: 150.000 ₫ — thu ngân đã xác nhận"),
        "{s}"
    );
}

fn on_the_vietqr_screen(app: &mut App) -> Sale {
    scan(app, "8936012345674");
    key(app, KeyCode::F(10));
    key(app, KeyCode::F(5));
    assert_eq!(app.screen, Screen::Qr, "{}", app.message);
    queued::<Sale>(app, OutboxKind::Sale).remove(0)
}

/// F8 "Đã nhận tiền": the cashier's confirmation is committed to the
/// outbox after its sale (once, however often F8 is pressed) and the
/// screen says the transfer is confirmed; Enter goes on.
#[test]
fn money_received_queues_the_cashiers_confirmation_after_the_sale() {
    let (_dir, mut app) = app();
    let sale = on_the_vietqr_screen(&mut app);
    key(&mut app, KeyCode::F(8));
    let confirmations =
        queued::<crate::transfer::Confirmation>(&app, OutboxKind::TransferConfirmation);
    assert_eq!(confirmations.len(), 1, "{}", app.message);
    assert_eq!(confirmations[0].sale_id, sale.id);
    assert_eq!(confirmations[0].cashier_id, app.cfg.cashier_id);
    let kinds: Vec<OutboxKind> = app
        .store
        .pending(100, false)
        .unwrap()
        .into_iter()
        .map(|i| i.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            OutboxKind::ShiftEvent,
            OutboxKind::Sale,
            OutboxKind::TransferConfirmation
        ]
    );
    assert_eq!(app.queued, 3, "the status line counts it");
    let s = screen(&app);
    assert!(
        s.contains("Đã nhận tiền — thu ngân xác nhận (chờ gửi)"),
        "{s}"
    );
    assert!(s.contains("Chuyển khoản: 150.000 ₫"), "{s}");
    insta::assert_snapshot!(s);
    key(&mut app, KeyCode::F(8));
    assert_eq!(app.store.pending(100, false).unwrap().len(), 3, "once");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Done);
    assert!(app.message.starts_with("Đã nhận tiền"), "{}", app.message);
}

/// With the server unreachable the worker's look says so on the screen
/// (the interface never waited for it) and F8 still confirms.
#[test]
fn offline_the_screen_says_so_and_money_received_still_works() {
    let (_dir, mut app) = app();
    app.transfer_poll = Some(std::time::Duration::from_millis(50));
    on_the_vietqr_screen(&mut app);
    for _ in 0..200 {
        app.refresh_status().unwrap();
        if app.transfer.seen.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(
        matches!(app.transfer.seen, Some(crate::transfer::Seen::Offline(_))),
        "{:?}",
        app.transfer.seen
    );
    let s = screen(&app);
    assert!(s.contains("Không liên lạc được máy chủ"), "{s}");
    assert!(s.contains("F8  Đã nhận tiền"), "{s}");
    key(&mut app, KeyCode::F(8));
    assert!(app.transfer.confirmed_here);
    assert_eq!(
        queued::<crate::transfer::Confirmation>(&app, OutboxKind::TransferConfirmation).len(),
        1
    );
}
