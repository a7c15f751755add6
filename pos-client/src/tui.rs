//! The terminal interface (ratatui): a sale screen, a payment screen and a
//! status line, Vietnamese first. Every key it reacts to is shown on screen.
//!
//! Guarantees: the interface holds no money logic: totals come from
//! [`checkout::cart_total`] and a payment goes through
//! [`checkout::commit_sale`], the same path as `ocop-till sell`, so the
//! sale is committed locally before the receipt prints; the background
//! sender ([`crate::sync::spawn_background`]) delivers it.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ocop_core::money::{Dong, Quantity};
use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, List, ListItem, Paragraph};

use crate::catalogue::Catalogue;
use crate::checkout::{self, CartItem, Tender};
use crate::config::TillConfig;
use crate::printing::PrinterArgs;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Sale,
    Pay,
}

pub struct App {
    pub store: Store,
    pub cfg: TillConfig,
    pub cat: Catalogue,
    pub cart: Vec<CartItem>,
    pub input: String,
    pub screen: Screen,
    pub message: String,
    pub printer: Option<PrinterArgs>,
    /// Search results for what was typed (product ids).
    pub results: Vec<i32>,
    pub queued: i64,
    pub online: Option<bool>,
}

/// Quick cash amounts on the payment screen (F2–F4); F1 is the exact sum.
pub const QUICK_CASH: [i64; 3] = [100_000, 200_000, 500_000];

impl App {
    pub fn new(store: Store, cfg: TillConfig, printer: Option<PrinterArgs>) -> anyhow::Result<App> {
        let cat = Catalogue::load(&store)?;
        let queued = store.queue_counts()?.0;
        Ok(App {
            store,
            cfg,
            cat,
            cart: Vec::new(),
            input: String::new(),
            screen: Screen::Sale,
            message: "Quét mã hoặc gõ tên sản phẩm (scan or type to search)".into(),
            printer,
            results: Vec::new(),
            queued,
            online: None,
        })
    }

    fn total(&self) -> Dong {
        checkout::cart_total(&self.cat, &self.cart).unwrap_or(Dong::ZERO)
    }

    fn add(&mut self, product_id: i32, lot: Option<String>) {
        let Some(one) = Quantity::from_units(1) else {
            return;
        };
        if let Some(line) = self
            .cart
            .iter_mut()
            .find(|l| l.product_id == product_id && l.lot == lot)
        {
            line.qty = line.qty.checked_add(one).unwrap_or(line.qty);
        } else {
            self.cart.push(CartItem {
                product_id,
                lot,
                qty: one,
                discount: Dong::ZERO,
                discount_reason: None,
            });
        }
        self.results.clear();
        self.input.clear();
    }

    /// Enter on the sale screen: a scan adds its product; text searches,
    /// and a single hit is added.
    fn enter(&mut self) {
        let typed = self.input.trim().to_owned();
        if typed.is_empty() {
            if let Some(&first) = self.results.first() {
                self.add(first, None);
            }
            return;
        }
        if let Ok(Some(found)) = self.cat.scan(&typed) {
            let (id, lot, name) = (found.product.id, found.lot, found.product.name.clone());
            self.add(id, lot);
            self.message = format!("+ {name}");
            return;
        }
        self.results = self.cat.search(&typed, 8).iter().map(|p| p.id).collect();
        match self.results.as_slice() {
            [] => self.message = format!("Không tìm thấy \"{typed}\" (not found)"),
            [only] => {
                let only = *only;
                self.add(only, None);
            }
            _ => {
                self.input.clear();
                self.message = "Chọn bằng số 1–8, Esc bỏ (pick with 1–8)".into();
            }
        }
    }

    fn pay(&mut self, tender: Tender) {
        match checkout::commit_sale(&mut self.store, &self.cfg, &self.cat, &self.cart, &[tender]) {
            Ok(done) => {
                let sale = done.record;
                let change = sale
                    .payments
                    .iter()
                    .find_map(|p| match &p.method {
                        ocop_core::sale::PaymentMethod::Cash { change, .. } => Some(*change),
                        _ => None,
                    })
                    .unwrap_or(Dong::ZERO);
                let printed = match &self.printer {
                    Some(p) => crate::receipt::print(
                        p,
                        &sale,
                        self.cat.outlet.as_ref(),
                        &self.cfg.cashier_name,
                        false,
                    )
                    .map_or_else(|e| format!("chưa in: {e}"), |()| "đã in".into()),
                    None => "chưa cấu hình máy in".into(),
                };
                self.message = format!(
                    "Phiếu {} — {} — tiền thừa {change} — {printed}",
                    sale.receipt_ref(),
                    sale.total
                );
                self.cart.clear();
                self.screen = Screen::Sale;
                self.queued = self.store.queue_counts().map_or(self.queued, |c| c.0);
            }
            Err(e) => self.message = format!("{e:#}"),
        }
    }

    /// Handles one key; `true` to quit.
    pub fn handle(&mut self, key: KeyEvent) -> bool {
        if key.kind != KeyEventKind::Press {
            return false;
        }
        if key.code == KeyCode::Char('q') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return true;
        }
        match (self.screen, key.code) {
            (Screen::Sale, KeyCode::Char(c))
                if c.is_ascii_digit() && self.input.is_empty() && !self.results.is_empty() =>
            {
                let pick = c
                    .to_digit(10)
                    .and_then(|d| usize::try_from(d).ok())
                    .unwrap_or(0);
                if let Some(&id) = pick.checked_sub(1).and_then(|i| self.results.get(i)) {
                    self.add(id, None);
                }
            }
            (Screen::Sale, KeyCode::Char(c)) => self.input.push(c),
            (Screen::Sale, KeyCode::Backspace) => {
                self.input.pop();
            }
            (Screen::Sale, KeyCode::Enter) => self.enter(),
            (Screen::Sale, KeyCode::Delete) => {
                self.cart.pop();
            }
            (Screen::Sale, KeyCode::Esc) => {
                self.input.clear();
                self.results.clear();
            }
            (Screen::Sale, KeyCode::F(10)) if !self.cart.is_empty() => self.screen = Screen::Pay,
            (Screen::Pay, KeyCode::Esc) => self.screen = Screen::Sale,
            (Screen::Pay, KeyCode::F(1)) => self.pay(Tender::Cash(None)),
            (Screen::Pay, KeyCode::F(n @ 2..=4)) => {
                let i = usize::from(n).saturating_sub(2);
                if let Some(&v) = QUICK_CASH.get(i) {
                    self.pay(Tender::Cash(Some(Dong::new(v))));
                }
            }
            (Screen::Pay, KeyCode::F(5)) => self.pay(Tender::Qr),
            _ => {}
        }
        false
    }

    pub fn draw(&self, f: &mut Frame) {
        let [head, body, total, message, hints, status] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(3),
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(f.area());
        let title = match self.screen {
            Screen::Sale => " Bán hàng (sale) ",
            Screen::Pay => " Thanh toán (payment) ",
        };
        f.render_widget(
            Paragraph::new(format!("> {}", self.input)).block(Block::bordered().title(title)),
            head,
        );
        let items: Vec<ListItem> = if self.results.is_empty() {
            self.cart
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let p = self.cat.by_id(l.product_id);
                    let name = p.map_or("?", |p| p.name.as_str());
                    let price = p.map_or(Dong::ZERO, |p| p.price());
                    ListItem::new(format!(
                        "{:>2}. {name}  × {}  {price}",
                        i.saturating_add(1),
                        l.qty
                    ))
                })
                .collect()
        } else {
            self.results
                .iter()
                .enumerate()
                .filter_map(|(i, id)| self.cat.by_id(*id).map(|p| (i, p)))
                .map(|(i, p)| {
                    ListItem::new(format!(
                        "[{}] {}  {}",
                        i.saturating_add(1),
                        p.name,
                        p.price()
                    ))
                })
                .collect()
        };
        f.render_widget(
            List::new(items)
                .block(Block::bordered().title(format!(" {} món (items) ", self.cart.len()))),
            body,
        );
        f.render_widget(
            Paragraph::new(Line::from(format!("TỔNG CỘNG: {}", self.total())))
                .style(Style::default().add_modifier(Modifier::BOLD))
                .block(Block::bordered()),
            total,
        );
        let keys = match self.screen {
            Screen::Sale => {
                "Enter quét/tìm · 1–8 chọn · Del xóa dòng · F10 thanh toán · Ctrl+Q thoát"
            }
            Screen::Pay => {
                "F1 đủ tiền · F2 100.000 · F3 200.000 · F4 500.000 · F5 VietQR · Esc quay lại"
            }
        };
        f.render_widget(Paragraph::new(self.message.as_str()), message);
        f.render_widget(Paragraph::new(keys), hints);
        let online = match self.online {
            Some(true) => "TRỰC TUYẾN",
            Some(false) => "NGOẠI TUYẾN",
            None => "—",
        };
        let printer = if self.printer.is_some() {
            "máy in: có"
        } else {
            "máy in: chưa cấu hình"
        };
        f.render_widget(
            Paragraph::new(format!(
                "{online} · chờ gửi: {} · {printer} · danh mục v{}",
                self.queued,
                self.cat.version.unwrap_or(0),
            )),
            status,
        );
    }
}

/// Runs the interface on the real terminal until Ctrl+Q, with the
/// background sender.
pub fn run(data_dir: &Path, printer: Option<PrinterArgs>) -> anyhow::Result<()> {
    let store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    let printer = printer.or_else(|| cfg.printer.as_ref().map(|p| p.to_args()));
    let db_path = store.path().to_path_buf();
    let mut app = App::new(store, cfg, printer)?;
    let stop = Arc::new(AtomicBool::new(false));
    let sender = crate::sync::spawn_background(db_path, Duration::from_secs(5), stop.clone());
    let mut terminal = ratatui::init();
    let result = (|| -> anyhow::Result<()> {
        loop {
            terminal.draw(|f| app.draw(f))?;
            if event::poll(Duration::from_millis(500))? {
                if let Event::Key(key) = event::read()?
                    && app.handle(key)
                {
                    return Ok(());
                }
            } else {
                let counts = app.store.queue_counts()?;
                app.queued = counts.0;
                app.online = app.store.get::<bool>(crate::sync::ONLINE_KEY)?;
            }
        }
    })();
    ratatui::restore();
    stop.store(true, Ordering::Relaxed);
    let _ = sender.join();
    result
}

#[cfg(test)]
mod tests;
