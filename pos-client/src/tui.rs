//! The terminal interface (ratatui), Vietnamese first with English on F12:
//! the sale screen ([`sale`]), payment, VietQR and change ([`pay`]),
//! parked sales, and the status line that is always visible.
//!
//! Guarantees: the interface holds no money logic: totals come from
//! [`checkout::cart_total`], line amounts from the core's
//! `money::line_amount`, and a payment goes through
//! [`checkout::commit_sale`], the same path as `ocop-till sell`, so the
//! sale is committed locally before the receipt prints; the background
//! sender ([`crate::sync::spawn_background`]) delivers it. Every key a
//! screen reacts to is in its hint bar; nothing needs a mouse.
//!
//! Shape: [`App`] holds the state; [`App::handle_key`] and [`App::draw`]
//! are pure enough to drive from tests with ratatui's `TestBackend` (the
//! clock is injected); [`run`] is the thin crossterm loop around them.

mod labels;
mod pay;
mod refund;
mod sale;
mod shift;
pub mod text;
pub mod widgets;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use ocop_core::i18n::Lang;
use ocop_core::money::Dong;
use ocop_core::sale::shift::{CashDirection, ShiftSummary};
use ocop_core::sale::{Refund, Sale};
use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::catalogue::Catalogue;
use crate::checkout::{self, CartItem, Tender};
use crate::config::TillConfig;
use crate::printing::PrinterArgs;
use crate::store::{OutboxKind, Store};
use text::{T, pick};
use widgets::PrinterState;

/// The key events [`App::handle_key`] takes, for whoever drives the
/// interface without a terminal (tests, benchmarks).
pub use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The store key remembering the interface language.
pub const LANG_KEY: &str = "ui_lang";

/// Where the clock comes from (tests pin it so screens are reproducible).
pub type Clock = fn() -> DateTime<Utc>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Sale,
    Pay,
    /// A sale paid (partly) by VietQR: the code on screen until the cashier
    /// sees the transfer arrive.
    Qr,
    /// A sale just paid: the change in large type.
    Done,
    Parked,
    Refund,
    /// No shift is open: the float is asked before anything else.
    ShiftOpen,
    /// The open shift's figures, cash in and out, the X report.
    Shift,
    /// The count by note and closing.
    ShiftClose,
}

/// A one-line question over the current screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    Qty {
        line: usize,
    },
    /// The weight of a product sold by weight, asked when it is scanned.
    Weight {
        line: usize,
    },
    Discount {
        line: usize,
    },
    /// A discount above the limit waits for a manager's PIN (masked).
    Pin {
        line: usize,
        discount: Dong,
    },
    CardRef,
    RefundQty {
        line: usize,
    },
    RefundReason,
    RefundCardRef,
    CashAmount {
        direction: CashDirection,
    },
    CashReason {
        direction: CashDirection,
        amount: Dong,
    },
    /// The float typed at opening, shown back: Enter with nothing typed
    /// opens the shift (a barcode scanned by mistake types digits, so it
    /// cancels instead).
    ConfirmFloat {
        float: Dong,
    },
    /// Printing labels (F8): the lot, then how many, then a manager's
    /// account and its password (masked).
    LabelLot,
    LabelCount {
        lot: i32,
    },
    LabelUser {
        lot: i32,
        count: i32,
    },
    LabelPassword {
        lot: i32,
        count: i32,
        username: String,
    },
}

impl Prompt {
    fn label(&self) -> T {
        match self {
            Prompt::Qty { .. } => text::ASK_QTY,
            Prompt::Weight { .. } => text::ASK_WEIGHT,
            Prompt::Discount { .. } => text::ASK_DISCOUNT,
            Prompt::Pin { .. } => text::ASK_PIN,
            Prompt::CardRef | Prompt::RefundCardRef => text::ASK_CARD_REF,
            Prompt::RefundQty { .. } => text::ASK_QTY,
            Prompt::RefundReason | Prompt::CashReason { .. } => text::ASK_REASON,
            Prompt::ConfirmFloat { .. } => text::CONFIRM_FLOAT,
            Prompt::LabelLot => text::ASK_LABEL_LOT,
            Prompt::LabelCount { .. } => text::ASK_LABEL_COUNT,
            Prompt::LabelUser { .. } => text::ASK_LABEL_USER,
            Prompt::LabelPassword { .. } => text::ASK_LABEL_PASSWORD,
            Prompt::CashAmount {
                direction: CashDirection::In,
            } => text::ASK_CASH_IN,
            Prompt::CashAmount {
                direction: CashDirection::Out,
            } => text::ASK_CASH_OUT,
        }
    }

    fn masked(&self) -> bool {
        matches!(self, Prompt::Pin { .. } | Prompt::LabelPassword { .. })
    }
}

/// The sale just committed, as the payment screens show it.
#[derive(Debug, Clone)]
pub struct LastSale {
    /// Its change is [`Sale::cash_tender`]'s, read when drawn.
    pub sale: Sale,
    /// The VietQR code when (part of) it is a pending transfer.
    pub qr: Option<ocop_core::vietqr::VietQr>,
}

pub struct App {
    pub store: Store,
    pub cfg: TillConfig,
    pub cat: Catalogue,
    pub lang: Lang,
    pub clock: Clock,
    pub screen: Screen,
    pub cart: Vec<CartItem>,
    /// What was typed or scanned on the sale screen (or the amount on the
    /// payment screen).
    pub input: String,
    /// Live search results for what is typed (product ids).
    pub results: Vec<i32>,
    /// The highlighted search result.
    pub picked: usize,
    /// The highlighted cart line (the last added, unless moved).
    pub line: usize,
    pub prompt: Option<(Prompt, String)>,
    /// The parts of a split payment taken so far.
    pub tenders: Vec<Tender>,
    pub last: Option<LastSale>,
    pub parked: Vec<(i64, String)>,
    pub parked_pick: usize,
    pub refund: Option<refund::RefundDraft>,
    pub shift_summary: Option<ShiftSummary>,
    /// The shift's transfers still awaiting confirmation (F7 screen).
    pub pending_transfers: Vec<ocop_core::wire::PendingTransfer>,
    pub count: shift::CountDraft,
    pub message: String,
    pub printer: Option<PrinterArgs>,
    pub printer_state: PrinterState,
    pub online: Option<bool>,
    pub queued: i64,
    pub rejected: i64,
    /// What the VietQR screen knows of its sale's transfer.
    pub transfer: pay::TransferView,
    /// How often the VietQR screen asks the server (from a worker thread);
    /// `None`: never (tests that need no network).
    pub transfer_poll: Option<Duration>,
}

impl App {
    pub fn new(store: Store, cfg: TillConfig, printer: Option<PrinterArgs>) -> anyhow::Result<App> {
        App::with_clock(store, cfg, printer, Utc::now)
    }

    pub fn with_clock(
        store: Store,
        cfg: TillConfig,
        printer: Option<PrinterArgs>,
        clock: Clock,
    ) -> anyhow::Result<App> {
        let cat = Catalogue::load(&store)?;
        let lang = store.get::<Lang>(LANG_KEY)?.unwrap_or_default();
        let printer_state = if printer.is_some() {
            PrinterState::Ready
        } else {
            PrinterState::NotConfigured
        };
        let mut app = App {
            store,
            cfg,
            cat,
            lang,
            clock,
            screen: Screen::Sale,
            cart: Vec::new(),
            input: String::new(),
            results: Vec::new(),
            picked: 0,
            line: 0,
            prompt: None,
            tenders: Vec::new(),
            last: None,
            parked: Vec::new(),
            parked_pick: 0,
            refund: None,
            shift_summary: None,
            pending_transfers: Vec::new(),
            count: shift::CountDraft::new(),
            message: text::SCAN_OR_TYPE.get(lang).to_owned(),
            printer,
            printer_state,
            online: None,
            queued: 0,
            rejected: 0,
            transfer: pay::TransferView::default(),
            transfer_poll: None,
        };
        if crate::shift::current(&app.store)?.is_none() {
            app.screen = Screen::ShiftOpen;
            app.say(text::ASK_FLOAT);
        }
        app.refresh_status()?;
        Ok(app)
    }

    /// Re-reads what the background sender records: reachability, the
    /// queue, and a newer catalogue if one arrived.
    pub fn refresh_status(&mut self) -> anyhow::Result<()> {
        let (waiting, _, rejected) = self.store.queue_counts()?;
        self.queued = waiting;
        self.rejected = rejected;
        self.online = self.store.get::<bool>(crate::sync::ONLINE_KEY)?;
        self.poll_transfer();
        let held = crate::catalogue::held_version(&self.store)?.map(|(v, _)| v);
        if held != self.cat.version {
            self.cat = Catalogue::load(&self.store)?;
        }
        Ok(())
    }

    /// The cart's total as the core computes it (`None` if the core refuses
    /// the cart, which the message then says).
    pub fn total(&self) -> Option<Dong> {
        checkout::cart_total(&self.cat, &self.cart).ok()
    }

    fn t(&self, label: T) -> &'static str {
        label.get(self.lang)
    }

    fn say(&mut self, label: T) {
        self.message = label.get(self.lang).to_owned();
    }

    /// Says what went wrong in the cashier's language: a refusal's own
    /// sentence, never its internal code (the log keeps the code).
    fn say_error(&mut self, e: &anyhow::Error) {
        tracing::warn!(error = %format!("{e:#}"), "interface: refused or failed");
        self.message = match e
            .chain()
            .find_map(|c| c.downcast_ref::<ocop_core::refusal::Refusal>())
        {
            Some(r) => r.message(self.lang).to_owned(),
            None => format!("{e:#}"),
        };
    }

    fn not_an_amount(&mut self, typed: &str) {
        self.message = pick(
            self.lang,
            format!("Số tiền không hợp lệ: \"{typed}\""),
            format!("Not an amount: \"{typed}\""),
        );
    }

    fn not_a_quantity(&mut self, typed: &str) {
        self.message = pick(
            self.lang,
            format!("Số lượng không hợp lệ: \"{typed}\""),
            format!("Not a quantity: \"{typed}\""),
        );
    }

    /// Typing an amount (digits and thousands dots) into `input`; the text
    /// typed when Enter is pressed.
    fn amount_key(&mut self, key: KeyEvent) -> Option<String> {
        match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() || c == '.' => self.input.push(c),
            KeyCode::Backspace => {
                self.input.pop();
            }
            KeyCode::Enter => return Some(std::mem::take(&mut self.input)),
            _ => {}
        }
        None
    }

    /// Handles one key; `true` to quit.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        if key.kind != KeyEventKind::Press {
            return false;
        }
        if key.code == KeyCode::Char('q') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return true;
        }
        if key.code == KeyCode::F(12) {
            self.toggle_lang();
            return false;
        }
        if self.prompt.is_some() {
            self.prompt_key(key);
            return false;
        }
        match self.screen {
            Screen::Sale => self.sale_key(key),
            Screen::Pay => self.pay_key(key),
            Screen::Qr => self.qr_key(key),
            Screen::Done => self.done_key(key),
            Screen::Parked => self.parked_key(key),
            Screen::Refund => self.refund_key(key),
            Screen::ShiftOpen => self.shift_open_key(key),
            Screen::Shift => self.shift_key(key),
            Screen::ShiftClose => self.shift_close_key(key),
        }
        false
    }

    fn toggle_lang(&mut self) {
        self.lang = match self.lang {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        };
        if let Err(e) = self.store.set(LANG_KEY, &self.lang) {
            self.say_error(&e);
        }
    }

    fn prompt_key(&mut self, key: KeyEvent) {
        let Some((prompt, mut typed)) = self.prompt.take() else {
            return;
        };
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter => {
                self.answer(prompt, typed.trim());
                return;
            }
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) => typed.push(c),
            _ => {}
        }
        self.prompt = Some((prompt, typed));
    }

    /// What the cashier answered to a prompt.
    fn answer(&mut self, prompt: Prompt, typed: &str) {
        match prompt {
            Prompt::Qty { line } | Prompt::Weight { line } => self.set_qty(line, typed),
            Prompt::Discount { line } => self.ask_discount(line, typed),
            Prompt::Pin { line, discount } => self.check_pin(line, discount, typed),
            Prompt::CardRef => {
                if !typed.is_empty() {
                    self.add_tender(Tender::Card(typed.to_owned()));
                }
            }
            Prompt::RefundQty { line } => self.set_refund_qty(line, typed),
            Prompt::RefundReason => self.commit_refund(typed),
            Prompt::RefundCardRef => self.set_refund_card(typed),
            Prompt::CashAmount { direction } => self.cash_amount(direction, typed),
            Prompt::CashReason { direction, amount } => {
                self.cash_movement(direction, amount, typed);
            }
            Prompt::ConfirmFloat { float } => self.open_shift(float, typed),
            Prompt::LabelLot => self.label_lot(typed),
            Prompt::LabelCount { lot } => self.label_count(lot, typed),
            Prompt::LabelUser { lot, count } => self.label_user(lot, count, typed),
            Prompt::LabelPassword {
                lot,
                count,
                username,
            } => self.print_labels(lot, count, &username, typed),
        }
    }

    /// Prints the last receipt (sale or refund) again.
    fn reprint_last(&mut self) {
        let (reference, printed) = match self.store.receipt_json(None) {
            Ok(Some((OutboxKind::Refund, json))) => match serde_json::from_str::<Refund>(&json) {
                Ok(r) => (r.receipt_ref(), self.print_refund(&r, true)),
                Err(e) => return self.message = e.to_string(),
            },
            Ok(Some((_, json))) => match serde_json::from_str::<Sale>(&json) {
                Ok(sale) => (sale.receipt_ref(), self.print_sale(&sale, true)),
                Err(e) => return self.message = e.to_string(),
            },
            Ok(None) => return self.say(text::NOTHING_TO_REPRINT),
            Err(e) => return self.say_error(&e),
        };
        self.message = pick(
            self.lang,
            format!("In lại phiếu {reference} — {printed}"),
            format!("Reprint of {reference} — {printed}"),
        );
    }

    fn no_printer(&self) -> String {
        format!("{}: {}", self.t(text::PRINTER), self.t(text::PRINTER_NONE))
    }

    /// Prints a committed sale; the answer is what the message line says.
    fn print_sale(&mut self, sale: &Sale, reprint: bool) -> String {
        let Some(p) = &self.printer else {
            return self.no_printer();
        };
        // A reprint says what is known of the transfer since: the bank's
        // word seen on the VietQR screen, or this till's own confirmation.
        let seen = self
            .last
            .as_ref()
            .filter(|l| l.sale.id == sale.id)
            .and_then(|_| self.transfer.status());
        let mine = crate::transfer::known_state(&self.store, sale.id)
            .ok()
            .flatten();
        let known = match (seen, mine) {
            (Some(a), Some(b)) => Some(a.strongest(b)),
            (a, b) => a.or(b),
        };
        let result = crate::receipt::print_sale(
            p,
            &self.cfg,
            sale,
            self.cat.outlet.as_ref(),
            reprint,
            known,
        );
        self.printed(result)
    }

    /// Prints a committed refund, with its sale when the till has it.
    fn print_refund(&mut self, refund: &Refund, reprint: bool) -> String {
        let Some(p) = &self.printer else {
            return self.no_printer();
        };
        let sale = crate::refund::kept_sale(&self.store, refund.original_sale_id)
            .ok()
            .flatten();
        let result = crate::receipt::print_refund(
            p,
            refund,
            sale.as_ref(),
            self.cat.outlet.as_ref(),
            &self.cfg.cashier_name,
            reprint,
        );
        self.printed(result)
    }

    /// Records how a print went on the status line.
    fn printed(&mut self, result: anyhow::Result<()>) -> String {
        match result {
            Ok(()) => {
                self.printer_state = PrinterState::Printed;
                self.t(text::PRINTER_OK).to_owned()
            }
            Err(e) => {
                let e = format!("{e:#}");
                self.printer_state = PrinterState::Failed(e.clone());
                format!("{}: {e}", self.t(text::PRINTER_FAILED))
            }
        }
    }

    /// An amount (as `Dong` displays it) in large digits, titled.
    fn big(&self, f: &mut Frame, area: Rect, label: T, shown: &str) {
        f.render_widget(
            Paragraph::new(
                widgets::big_amount(shown)
                    .into_iter()
                    .map(Line::from)
                    .collect::<Vec<_>>(),
            )
            .right_aligned()
            .style(Style::default().add_modifier(Modifier::BOLD))
            .block(Block::bordered().title(format!(" {}: {shown} ", self.t(label)))),
            area,
        );
    }

    fn now_text(&self) -> String {
        ocop_core::time::format_vn((self.clock)())
    }

    pub fn draw(&self, f: &mut Frame) {
        let keys = if self.prompt.is_some() {
            vec![("Enter", text::K_CONFIRM), ("Esc", text::K_CANCEL)]
        } else {
            self.keys()
        };
        // Every key stays on screen (at 80×24 the sale keys take three
        // lines, four while something is typed), and a long message takes
        // a second line rather than being cut.
        let width = f.area().width.max(1);
        let hint_lines = widgets::hints(self.lang, &keys, width);
        let hint_rows = u16::try_from(hint_lines.len()).unwrap_or(4).clamp(1, 4);
        let message_rows = if Line::from(self.message.as_str()).width() > usize::from(width) {
            2
        } else {
            1
        };
        let [head, body, message, hints, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(8),
            Constraint::Length(message_rows),
            Constraint::Length(hint_rows),
            Constraint::Length(1),
        ])
        .areas(f.area());
        let title = match self.screen {
            Screen::Sale => text::SALE,
            Screen::Pay => text::PAY,
            Screen::Qr => text::QR_TITLE,
            Screen::Done if self.awaiting_transfer() => text::DONE_AWAITING_TRANSFER,
            Screen::Done => text::DONE,
            Screen::Parked => text::PARKED,
            Screen::Refund => text::REFUND,
            Screen::ShiftOpen => text::OPEN_SHIFT,
            Screen::Shift => text::SHIFT,
            Screen::ShiftClose => text::CLOSE_SHIFT,
        };
        f.render_widget(
            Paragraph::new(format!(
                " {} — {} — {}",
                self.t(title).to_uppercase(),
                self.cfg.till_name,
                self.cfg.cashier_name
            ))
            .style(Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)),
            head,
        );
        match self.screen {
            Screen::Sale => self.draw_sale(f, body),
            Screen::Pay => self.draw_pay(f, body),
            Screen::Qr => self.draw_qr(f, body),
            Screen::Done => self.draw_done(f, body),
            Screen::Parked => self.draw_parked(f, body),
            Screen::Refund => self.draw_refund(f, body),
            Screen::ShiftOpen => self.draw_shift_open(f, body),
            Screen::Shift => self.draw_shift(f, body),
            Screen::ShiftClose => self.draw_shift_close(f, body),
        }
        f.render_widget(
            Paragraph::new(self.message.as_str()).wrap(ratatui::widgets::Wrap { trim: true }),
            message,
        );
        f.render_widget(Paragraph::new(hint_lines), hints);
        let clock = self.now_text();
        f.render_widget(
            Paragraph::new(widgets::status_line(
                self.lang,
                &widgets::Status {
                    online: self.online,
                    queued: self.queued,
                    rejected: self.rejected,
                    printer: &self.printer_state,
                    catalogue_version: self.cat.version,
                    clock: &clock,
                },
                width,
            )),
            status,
        );
        if let Some((prompt, typed)) = &self.prompt {
            draw_prompt(f, body, self.lang, prompt, typed);
        }
    }

    /// The screen as text at `width` × `height` cells, as a terminal of
    /// that size shows it (the key-driven interface tests read it).
    pub fn screen_text(&self, width: u16, height: u16) -> anyhow::Result<String> {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))?;
        t.draw(|f| self.draw(f))?;
        let buf = t.backend().buffer();
        Ok((0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .filter_map(|x| buf.cell((x, y)).map(|c| c.symbol().to_owned()))
                    .collect::<String>()
                    .trim_end()
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join("\n"))
    }

    /// What to show while `key` waits on the network (closing a shift
    /// drains the queue; a receipt of another till is looked up on the
    /// server), if it does.
    pub fn busy(&self, key: &KeyEvent) -> Option<T> {
        if key.kind != KeyEventKind::Press {
            return None;
        }
        if let Some((prompt, _)) = &self.prompt {
            return (matches!(prompt, Prompt::LabelPassword { .. }) && key.code == KeyCode::Enter)
                .then_some(text::BUSY_LABELS);
        }
        match (self.screen, key.code) {
            (Screen::ShiftClose, KeyCode::F(10 | 11)) => Some(text::BUSY_SENDING),
            (Screen::Refund, KeyCode::Enter) if self.refund.is_none() => Some(text::BUSY_FINDING),
            _ => None,
        }
    }

    /// The keys of the current screen, as its hint bar shows them.
    fn keys(&self) -> Vec<(&'static str, T)> {
        let mut keys = match self.screen {
            Screen::Sale => self.sale_keys(),
            Screen::Pay => pay::KEYS.to_vec(),
            Screen::Qr => self.qr_keys(),
            Screen::Done => self.done_keys(),
            Screen::Parked => vec![
                ("↑↓", text::K_PICK),
                ("Enter", text::K_RESUME),
                ("Esc", text::K_BACK),
            ],
            Screen::Refund => self.refund_keys(),
            Screen::ShiftOpen | Screen::Shift | Screen::ShiftClose => self.shift_keys(),
        };
        keys.push(("F12", text::K_LANG));
        keys.push(("Ctrl+Q", text::K_QUIT));
        keys
    }
}

/// A boxed one-line question in the middle of `area`; a PIN shows as dots.
fn draw_prompt(f: &mut Frame, area: Rect, lang: Lang, prompt: &Prompt, typed: &str) {
    let width = area.width.clamp(20, 50);
    let [_, row, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(3),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, boxed, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width),
        Constraint::Fill(1),
    ])
    .areas(row);
    let shown = if prompt.masked() {
        "•".repeat(typed.chars().count())
    } else {
        typed.to_owned()
    };
    f.render_widget(Clear, boxed);
    f.render_widget(
        Paragraph::new(Line::from(format!("> {shown}_")))
            .block(Block::bordered().title(format!(" {} ", prompt.label().get(lang)))),
        boxed,
    );
}

/// Runs the interface on the real terminal until Ctrl+Q, with the
/// background sender.
pub fn run(data_dir: &Path, printer: Option<PrinterArgs>) -> anyhow::Result<()> {
    let store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    let printer = printer.or_else(|| cfg.printer.as_ref().map(|p| p.to_args()));
    let db_path = store.path().to_path_buf();
    let mut app = App::new(store, cfg, printer)?;
    app.transfer_poll = Some(Duration::from_secs(2));
    let stop = Arc::new(AtomicBool::new(false));
    let sender = crate::sync::spawn_background(db_path, Duration::from_secs(5), stop.clone());
    let mut terminal = ratatui::init();
    let result = (|| -> anyhow::Result<()> {
        loop {
            terminal.draw(|f| app.draw(f))?;
            if event::poll(Duration::from_millis(500))? {
                if let Event::Key(key) = event::read()? {
                    // The network may take seconds: say so on screen first.
                    if let Some(busy) = app.busy(&key) {
                        app.say(busy);
                        terminal.draw(|f| app.draw(f))?;
                    }
                    if app.handle_key(key) {
                        return Ok(());
                    }
                }
            } else if let Err(e) = app.refresh_status() {
                // A busy database is no reason to leave the cashier without
                // a till: say it and try again at the next tick.
                app.say_error(&e);
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
