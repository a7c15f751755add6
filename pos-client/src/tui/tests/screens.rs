//! What the cashier sees, as snapshots of the 100×30 test terminal (the
//! clock is pinned; nothing on screen depends on random ids).
//!
//! A snapshot only records what the code draws today, so every screen that
//! shows money also asserts its amounts as literals worked out by hand
//! (issue #18: `paid_in_cash_with_change` had recorded "TIỀN THỪA: 0 ₫").

use super::*;
use crate::approval::{self, Approver};

fn snap(app: &App) -> String {
    screen(app)
}

/// The one line of `screen` holding `needle`, to check what sits beside it.
pub(super) fn row<'s>(screen: &'s str, needle: &str) -> &'s str {
    let mut found = screen.lines().filter(|l| l.contains(needle));
    let line = found
        .next()
        .unwrap_or_else(|| panic!("{needle:?} not in\n{screen}"));
    assert!(found.next().is_none(), "{needle:?} twice in\n{screen}");
    line
}

/// Asserts that `screen` shows each of `texts`.
pub(super) fn assert_shows(screen: &str, texts: &[&str]) {
    for t in texts {
        assert!(screen.contains(t), "{t:?} not in\n{screen}");
    }
}

/// The cart of [`cart_of_three_with_a_discount`]: 150.000 + 150.000 +
/// 2 × 250.000 − 25.000 = 775.000.
fn assert_cart_of_three(s: &str) {
    assert!(
        row(s, "1   Rượu ngô Bắc Hà  ").ends_with("150.000 ₫                150.000 ₫   │"),
        "{s}"
    );
    assert!(
        row(s, "[L2611]").contains("150.000 ₫                150.000 ₫"),
        "{s}"
    );
    assert!(
        row(s, "3   Mật ong bạc hà").contains("2       250.000 ₫   -25.000 ₫    475.000 ₫"),
        "{s}"
    );
}

#[test]
fn empty_sale_screen() {
    let (_dir, app) = app();
    let s = snap(&app);
    assert_shows(&s, &["TỔNG CỘNG: 0 ₫"]);
    insta::assert_snapshot!(s);
}

/// 150.000 + 150.000 (lot L2611) + 2 × 250.000 with 25.000 off, approved
/// by the manager's PIN: 775.000 ₫.
pub(super) fn cart_of_three_with_a_discount(app: &mut App) {
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
    let s = snap(&app);
    assert_cart_of_three(&s);
    assert_shows(&s, &["TỔNG CỘNG: 775.000 ₫", "Giảm giá dòng 3: 25.000 ₫"]);
    insta::assert_snapshot!(s);
}

#[test]
fn search_results_for_a_name_typed_without_diacritics() {
    let (_dir, mut app) = app();
    type_text(&mut app, "mat ong");
    key(&mut app, KeyCode::Down);
    let s = snap(&app);
    assert!(row(&s, "Mật ong bạc hà").contains("250.000 ₫  MO-1"), "{s}");
    assert!(row(&s, "Mật ong rừng").contains("180.000 ₫"), "{s}");
    assert_shows(&s, &["TỔNG CỘNG: 0 ₫"]);
    insta::assert_snapshot!(s);
}

#[test]
fn manager_pin_prompt() {
    let (_dir, mut app) = app();
    cart_of_three_with_a_discount(&mut app);
    key(&mut app, KeyCode::F(3));
    type_text(&mut app, "100000");
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "24");
    let s = snap(&app);
    // The discount waiting for the PIN is not applied yet.
    assert_cart_of_three(&s);
    assert_shows(&s, &["TỔNG CỘNG: 775.000 ₫", "Giảm giá dòng 3: 25.000 ₫"]);
    insta::assert_snapshot!(s);
}

#[test]
fn payment_screen_after_a_part_in_cash() {
    let (_dir, mut app) = app();
    cart_of_three_with_a_discount(&mut app);
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(3));
    type_text(&mut app, "50");
    let s = snap(&app);
    // 775.000 − 200.000 handed over
    assert_shows(
        &s,
        &[
            "TỔNG CỘNG: 775.000 ₫",
            "CÒN LẠI: 575.000 ₫",
            "Tiền mặt: 200.000 ₫",
            "Còn lại 575.000 ₫",
        ],
    );
    insta::assert_snapshot!(s);
}

/// Split cash: 775.000 ₫ paid 500.000 and then another 500.000. The
/// change is 225.000 ₫ (issue #18: this snapshot had recorded 0 ₫, the
/// change of the first cash payment only).
#[test]
fn paid_in_cash_with_change() {
    let (_dir, mut app) = app();
    cart_of_three_with_a_discount(&mut app);
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(4));
    key(&mut app, KeyCode::F(4));
    let s = snap(&app);
    assert_shows(
        &s,
        &[
            "TỔNG CỘNG: 775.000 ₫",
            "Tiền mặt: 500.000 ₫ — khách đưa 500.000 ₫",
            "Tiền mặt: 275.000 ₫ — khách đưa 500.000 ₫",
            "TIỀN THỪA: 225.000 ₫",
        ],
    );
    insta::assert_snapshot!(s);
}

#[test]
fn vietqr_on_screen() {
    let (_dir, mut app) = app();
    scan(&mut app, "8936012345674");
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(5));
    let buf = render(&app, 100, 30);
    assert!(super::pay::decode_screen_qr(&buf).contains("OCOP T3 R000001"));
    let s = buffer_text(&buf);
    assert_shows(&s, &["Chuyển khoản: 150.000 ₫"]);
    insta::assert_snapshot!(s);
}

#[test]
fn parked_list() {
    let (_dir, mut app) = app();
    cart_of_three_with_a_discount(&mut app);
    key(&mut app, KeyCode::F(4));
    scan(&mut app, "CHE-01");
    // Sold by weight: the till asks for it (issue 14).
    scan(&mut app, "1");
    key(&mut app, KeyCode::F(4));
    key(&mut app, KeyCode::F(5));
    key(&mut app, KeyCode::Down);
    let s = snap(&app);
    assert!(row(&s, "#1  11:05").contains("775.000 ₫"), "{s}");
    assert!(row(&s, "▶ #2  11:05").contains("600.000 ₫"), "{s}");
    assert_shows(&s, &["Đã cất đơn: 11:05 — 600.000 ₫"]);
    insta::assert_snapshot!(s);
}

#[test]
fn english_mode() {
    let (_dir, mut app) = app();
    key(&mut app, KeyCode::F(12));
    cart_of_three_with_a_discount(&mut app);
    app.online = Some(false);
    let s = snap(&app);
    assert_cart_of_three(&s);
    assert_shows(&s, &["TOTAL: 775.000 ₫", "Line 3 discount: 25.000 ₫"]);
    insta::assert_snapshot!(s);
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
    let s = s.replace(&sold, "[sold at]");
    // Sold 3 × 150.000 + 250.000 = 700.000; one of each back: 400.000.
    assert_shows(
        &s,
        &[
            "Phiếu T3-000001 — [sold at] — 700.000 ₫",
            "Hoàn lại: 400.000 ₫",
        ],
    );
    assert!(row(&s, "1   Rượu ngô Bắc Hà").contains("450.000 ₫"), "{s}");
    assert!(row(&s, "2   Mật ong bạc hà").contains("250.000 ₫"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn shift_close_count() {
    let (_dir, mut app) = super::shift::unopened();
    insta::assert_snapshot!("shift_open", snap(&app));
    super::shift::open_sell_and_take_out(&mut app);
    key(&mut app, KeyCode::F(4));
    super::shift::counted_850_000(&mut app);
    type_text(&mut app, "0");
    let s = snap(&app);
    // 500.000 float + 450.000 sold in cash − 100.000 taken out = 850.000.
    assert!(
        row(&s, "Tiền mặt   ").ends_with("850.000 ₫     850.000 ₫     0 ₫          │"),
        "{s}"
    );
    assert!(
        row(&s, "Chuyển khoản  ").contains("0 ₫           0 ₫           0 ₫"),
        "{s}"
    );
    assert!(
        row(&s, "500.000 ₫    × 1").contains("500.000 ₫     │"),
        "{s}"
    );
    assert_shows(&s, &["Rút khỏi két: 100.000 ₫"]);
    insta::assert_snapshot!(s);
}
