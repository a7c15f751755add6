//! Refunds from the interface: the receipt found by number or by its QR
//! code, lines and quantities picked, card with its reference, the reason;
//! committed with the next receipt number and printed.

use super::*;
use ocop_core::sale::RefundMethod;

/// Sells 3 × Rượu ngô and 1 × Mật ong bạc hà for exact cash: T3-000001.
fn sold(app: &mut App) -> Sale {
    for _ in 0..3 {
        scan(app, "8936012345674");
    }
    scan(app, "MO-1");
    key(app, KeyCode::F(10));
    key(app, KeyCode::F(1));
    key(app, KeyCode::Enter);
    app.last.as_ref().unwrap().sale.clone()
}

pub(super) fn refund_screen_with_picks(app: &mut App) {
    key(app, KeyCode::F(6));
    assert_eq!(app.screen, Screen::Refund);
    scan(app, "T3-000001");
    assert!(app.refund.is_some(), "{}", app.message);
    // line 1: one of the three bottles; line 2: all of it
    key(app, KeyCode::F(2));
    type_text(app, "1");
    key(app, KeyCode::Enter);
    key(app, KeyCode::Down);
    key(app, KeyCode::Char(' '));
}

#[test]
fn a_refund_by_receipt_number_with_card_commits_the_next_number_and_prints() {
    let (dir, mut app) = app_with_printer(true);
    let sale = sold(&mut app);
    refund_screen_with_picks(&mut app);
    key(&mut app, KeyCode::F(4));
    type_text(&mut app, "VCB-99");
    key(&mut app, KeyCode::Enter);
    // Nothing without a reason.
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::Enter);
    assert!(queued::<Refund>(&app, OutboxKind::Refund).is_empty());
    assert!(app.message.contains("lý do"), "{}", app.message);
    key(&mut app, KeyCode::F(10));
    type_text(&mut app, "Khách đổi ý");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Sale, "{}", app.message);

    let refunds = queued::<Refund>(&app, OutboxKind::Refund);
    assert_eq!(refunds.len(), 1);
    let r = &refunds[0];
    assert_eq!(r.receipt_ref().to_string(), "T3-000002");
    assert_eq!(r.original_sale_id, sale.id);
    assert_eq!(r.total, Dong::new(400_000), "150.000 + 250.000");
    assert_eq!(r.reason, "Khách đổi ý");
    assert!(matches!(
        &r.payments[0].method,
        RefundMethod::Card { terminal_ref } if terminal_ref == "VCB-99"
    ));
    assert_eq!(app.store.receipt_numbers().unwrap(), vec![1, 2]);
    let bytes = std::fs::read(dir.path().join("receipt.bin")).unwrap();
    let profile = app.printer.as_ref().unwrap().config().unwrap().profile;
    let paper = ocop_hardware::preview::render(&bytes, &profile)
        .unwrap()
        .text_lines
        .join("\n");
    assert!(
        paper.contains("T3-000002") && paper.contains("T3-000001"),
        "{paper}"
    );

    // The receipt's QR code finds the sale again: only what is left.
    key(&mut app, KeyCode::F(6));
    scan(&mut app, &format!("http://127.0.0.1:9/r/{}", sale.id));
    let draft = app.refund.as_ref().expect("found by the QR URL");
    assert_eq!(draft.found.lines[0].remaining_qty.to_string(), "2");
    assert_eq!(
        draft.found.lines[1].remaining_qty,
        ocop_core::money::Quantity::ZERO
    );
    key(&mut app, KeyCode::F(2));
    type_text(&mut app, "3");
    key(&mut app, KeyCode::Enter);
    assert!(app.message.contains("Chỉ còn 2"), "{}", app.message);
    key(&mut app, KeyCode::F(10));
    assert!(app.prompt.is_none(), "nothing picked, nothing asked");
    assert_eq!(app.store.receipt_numbers().unwrap(), vec![1, 2]);
}

#[test]
fn an_unknown_receipt_is_said_and_the_screen_stays() {
    let (_dir, mut app) = app();
    key(&mut app, KeyCode::F(6));
    scan(&mut app, "khong phai so phieu");
    assert!(app.refund.is_none());
    // The cashier's sentence, never the internal code (issue 14).
    assert!(
        app.message.starts_with("Không đọc được số phiếu"),
        "{}",
        app.message
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Sale);
}
