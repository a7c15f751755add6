//! The interface through ratatui's `TestBackend`, on a real temporary store
//! with an open shift and a pinned clock: behaviour driven by keys
//! ([`sale`], [`pay`]) and screens as insta snapshots ([`screens`]).

mod pay;
mod refund;
mod sale;
mod screens;
mod shift;

use super::*;
use crate::catalogue::tests::{outlet, product};
use crate::catalogue::{Product, TillCatalogue, save};
use crate::printing::TextMode;
use crate::store::OutboxKind;
use chrono::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

pub(super) const GTIN: &str = "08936012345674";

/// 28/11/2026 11:05 in Hà Nội.
fn fixed_clock() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 4, 5, 0).unwrap()
}

fn priced(mut p: Product, price: i64) -> Product {
    p.price = Dong::new(price);
    p
}

pub(super) fn catalogue() -> TillCatalogue {
    let mut tea = priced(
        product(4, "Chè Shan tuyết Suối Giàng", None, Some("CHE-01")),
        600_000,
    );
    tea.fractional = true;
    tea.unit = "kg".into();
    TillCatalogue {
        version: 4,
        full: true,
        outlet: outlet(),
        products: vec![
            product(1, "Rượu ngô Bắc Hà", Some(GTIN), None),
            Product {
                warning: Some("Giấy chứng nhận hết hạn 01/10/2026".into()),
                ..priced(product(2, "Mật ong bạc hà", None, Some("MO-1")), 250_000)
            },
            priced(product(3, "Mật ong rừng", None, None), 180_000),
            tea,
        ],
        removed: vec![],
        ..crate::catalogue::tests::answer()
    }
}

pub(super) fn config() -> TillConfig {
    TillConfig {
        cashier_name: "Thu ngân Lan".into(),
        ..crate::checkout::tests::cfg()
    }
}

/// A set-up till with the catalogue, a shift open with a 500.000 float,
/// and no printer.
pub(super) fn app() -> (tempfile::TempDir, App) {
    app_with_printer(false)
}

/// The same, printing to a `file:` printer in the temporary directory in
/// code-page mode, so the printed text can be decoded.
pub(super) fn app_with_printer(printer: bool) -> (tempfile::TempDir, App) {
    build(true, printer)
}

pub(super) fn build(open_shift: bool, printer: bool) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    save(&mut store, &catalogue(), None).unwrap();
    let cfg = config();
    if open_shift {
        crate::shift::open(&mut store, &cfg, Dong::new(500_000)).unwrap();
    }
    let printer = printer.then(|| PrinterArgs {
        printer: format!("file:{}", dir.path().join("receipt.bin").display()),
        width: 80,
        mode: TextMode::Cp1258,
        esc_t: 52,
        check_paper: false,
    });
    let app = App::with_clock(store, cfg, printer, fixed_clock).unwrap();
    (dir, app)
}

/// The records of `kind` waiting in the outbox, as stored.
pub(super) fn queued<T: serde::de::DeserializeOwned>(app: &App, kind: OutboxKind) -> Vec<T> {
    app.store
        .pending(100, false)
        .unwrap()
        .into_iter()
        .filter(|i| i.kind == kind)
        .map(|i| serde_json::from_str(&i.json).unwrap())
        .collect()
}

pub(super) fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub(super) fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Types `s` and presses Enter, as a scanner does.
pub(super) fn scan(app: &mut App, s: &str) {
    type_text(app, s);
    key(app, KeyCode::Enter);
}

pub(super) fn render(app: &App, width: u16, height: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    t.backend().buffer().clone()
}

pub(super) fn buffer_text(buf: &Buffer) -> String {
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

/// The screen as text, at the size of a small cashier's terminal.
pub(super) fn screen(app: &App) -> String {
    buffer_text(&render(app, 100, 30))
}
