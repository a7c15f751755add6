//! The interface through ratatui's TestBackend: scan and search add lines,
//! the total is the core's, paying commits the sale (receipt 1, queued),
//! and the status line and key hints are always on screen.

use super::*;
use crate::catalogue::tests::{outlet, product};
use crate::catalogue::{TillCatalogue, save};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let snap = TillCatalogue {
        version: 4,
        full: true,
        outlet: outlet(),
        products: vec![
            product(1, "Rượu ngô Bắc Hà", Some("08936012345674"), None),
            product(2, "Mật ong bạc hà", None, Some("MO-1")),
            product(3, "Mật ong rừng", None, None),
        ],
        removed: vec![],
    };
    save(&mut store, &snap, None).unwrap();
    let cfg = TillConfig {
        server_url: "http://127.0.0.1:9".into(),
        till_id: 3,
        till_name: "Quầy 1".into(),
        outlet_id: 1,
        till_secret: "s".into(),
        cashier_id: 5,
        cashier_name: "Thu ngân".into(),
        user_token: None,
        printer: None,
    };
    let app = App::new(store, cfg, None).unwrap();
    (dir, app)
}

fn key(app: &mut App, code: KeyCode) {
    app.handle(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 16)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_owned())
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn scan_search_pay_and_status_line() {
    let (_dir, mut app) = app();
    let s = screen(&app);
    assert!(s.contains("Bán hàng"), "{s}");
    assert!(s.contains("F10 thanh toán"), "key hints visible:\n{s}");
    assert!(s.contains("chờ gửi: 0"), "{s}");
    assert!(s.contains("danh mục v4"), "{s}");

    // a barcode scan (digits + Enter), twice: one line, quantity 2
    type_text(&mut app, "8936012345674");
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "8936012345674");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.cart.len(), 1);
    // a search without diacritics with two hits, picked by number
    type_text(&mut app, "mat ong");
    key(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(
        s.contains("[1] Mật ong bạc hà") && s.contains("[2] Mật ong rừng"),
        "{s}"
    );
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(app.cart.len(), 2);
    let s = screen(&app);
    assert!(s.contains("Rượu ngô Bắc Hà  × 2"), "{s}");
    assert!(s.contains("TỔNG CỘNG: 450.000 ₫"), "3 × 150.000:\n{s}");

    key(&mut app, KeyCode::F(10));
    let s = screen(&app);
    assert!(s.contains("Thanh toán") && s.contains("F4 500.000"), "{s}");
    key(&mut app, KeyCode::F(4));
    assert!(app.cart.is_empty());
    assert_eq!(app.screen, Screen::Sale);
    let s = screen(&app);
    assert!(s.contains("Phiếu T3-000001"), "{s}");
    assert!(s.contains("tiền thừa 50.000 ₫"), "{s}");
    assert!(
        s.contains("chờ gửi: 1"),
        "queued for the background sender:\n{s}"
    );
    assert_eq!(app.store.receipt_numbers().unwrap(), vec![1]);
}

#[test]
fn nothing_to_pay_for_an_empty_cart_and_unknown_scans_are_said() {
    let (_dir, mut app) = app();
    key(&mut app, KeyCode::F(10));
    assert_eq!(
        app.screen,
        Screen::Sale,
        "no payment screen for an empty cart"
    );
    type_text(&mut app, "khong co");
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("Không tìm thấy"));
    key(&mut app, KeyCode::Esc);
    assert!(app.input.is_empty());
    assert_eq!(app.store.queue_counts().unwrap(), (0, 0, 0));
}
