//! What the cashier sees, as snapshots of the 100×30 test terminal (the
//! clock is pinned; nothing on screen depends on random ids).

use super::*;
use crate::approval::{self, Approver};

fn snap(app: &App) -> String {
    screen(app)
}

#[test]
fn empty_sale_screen() {
    let (_dir, app) = app();
    insta::assert_snapshot!(snap(&app));
}

fn cart_of_three_with_a_discount(app: &mut App) {
    scan(app, "8936012345674");
    scan(app, "https://ocop.laocai.gov.vn/01/08936012345674/10/L2611");
    type_text(app, "mat ong ba");
    key(app, KeyCode::Enter);
    type_text(app, "2*");
    key(app, KeyCode::F(3));
    type_text(app, "0");
    key(app, KeyCode::Enter);
    approval::set_pin(
        &app.store,
        &Approver {
            id: 7,
            name: "Quản lý Hoa".into(),
        },
        "2468",
        10,
    )
    .unwrap();
    key(app, KeyCode::F(3));
    type_text(app, "25.000");
    key(app, KeyCode::Enter);
}

#[test]
fn cart_with_three_lines_and_a_discount() {
    let (_dir, mut app) = app();
    cart_of_three_with_a_discount(&mut app);
    assert_eq!(app.cart.len(), 3);
    insta::assert_snapshot!(snap(&app));
}

#[test]
fn search_results_for_a_name_typed_without_diacritics() {
    let (_dir, mut app) = app();
    type_text(&mut app, "mat ong");
    key(&mut app, KeyCode::Down);
    insta::assert_snapshot!(snap(&app));
}

#[test]
fn manager_pin_prompt() {
    let (_dir, mut app) = app();
    cart_of_three_with_a_discount(&mut app);
    key(&mut app, KeyCode::F(3));
    type_text(&mut app, "100000");
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "24");
    insta::assert_snapshot!(snap(&app));
}

#[test]
fn payment_screen_after_a_part_in_cash() {
    let (_dir, mut app) = app();
    cart_of_three_with_a_discount(&mut app);
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(3));
    type_text(&mut app, "50");
    insta::assert_snapshot!(snap(&app));
}

#[test]
fn paid_in_cash_with_change() {
    let (_dir, mut app) = app();
    cart_of_three_with_a_discount(&mut app);
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(4));
    key(&mut app, KeyCode::F(4));
    insta::assert_snapshot!(snap(&app));
}

#[test]
fn vietqr_on_screen() {
    let (_dir, mut app) = app();
    scan(&mut app, "8936012345674");
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(5));
    let buf = render(&app, 100, 30);
    assert!(super::pay::decode_screen_qr(&buf).contains("OCOP T3 R000001"));
    insta::assert_snapshot!(buffer_text(&buf));
}

#[test]
fn parked_list() {
    let (_dir, mut app) = app();
    cart_of_three_with_a_discount(&mut app);
    key(&mut app, KeyCode::F(4));
    scan(&mut app, "CHE-01");
    key(&mut app, KeyCode::F(4));
    key(&mut app, KeyCode::F(5));
    key(&mut app, KeyCode::Down);
    insta::assert_snapshot!(snap(&app));
}

#[test]
fn english_mode() {
    let (_dir, mut app) = app();
    key(&mut app, KeyCode::F(12));
    cart_of_three_with_a_discount(&mut app);
    app.online = Some(false);
    insta::assert_snapshot!(snap(&app));
}

#[test]
fn refund_screen() {
    let (_dir, mut app) = app();
    for _ in 0..3 {
        scan(&mut app, "8936012345674");
    }
    scan(&mut app, "MO-1");
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(1));
    key(&mut app, KeyCode::Enter);
    super::refund::refund_screen_with_picks(&mut app);
    // The sale's time is the real clock's: mask it.
    let s = snap(&app);
    let sold = ocop_core::time::format_vn(app.last.as_ref().unwrap().sale.sold_at);
    insta::assert_snapshot!(s.replace(&sold, "[sold at]"));
}

#[test]
fn shift_close_count() {
    let (_dir, mut app) = super::shift::unopened();
    insta::assert_snapshot!("shift_open", snap(&app));
    super::shift::open_sell_and_take_out(&mut app);
    key(&mut app, KeyCode::F(4));
    super::shift::counted_850_000(&mut app);
    type_text(&mut app, "0");
    insta::assert_snapshot!(snap(&app));
}
