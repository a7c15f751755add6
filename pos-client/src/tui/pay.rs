//! The payment screens: cash with quick amounts and change, VietQR on
//! screen, card with its reference, and split payments (part cash, the rest
//! by card or VietQR); then the change (or the code to scan) after the
//! sale is committed and printed.
//!
//! A split payment is a list of tenders in order, as `ocop-till sell
//! --pay … --pay …` takes them: cash handed over below what remains is a
//! part payment; the first tender that covers the rest commits the sale
//! through [`checkout::commit_sale`], which turns the tenders into the
//! core's payments (change, pending transfer) in one local transaction.
//! Only then does the receipt print. The change shown is the core's, over
//! all the sale's cash ([`Sale::cash_tender`]), as the receipt prints it.
//!
//! A VietQR sale stays on the code's screen while the customer pays: Enter
//! (which a scanner sends after every code) does not leave it while the
//! transfer is pending; F4 "Để chờ" leaves it deliberately, with the sale
//! shown as awaiting the transfer, never as paid. The
//! cashier who sees the money arrive presses F8 ("Đã nhận tiền"): the
//! confirmation is committed to the queue ([`transfer::confirm`]) and sent
//! after the sale. Meanwhile a worker thread ([`transfer::Watch`]) sends
//! the queue and asks the server every couple of seconds, so a bank
//! notification shows as "Ngân hàng đã xác nhận"; offline, the screen says
//! so and F8 is still there. The interface never waits on the network.

use ocop_core::money::Dong;
use ocop_core::sale::qr::vietqr_for_sale;
use ocop_core::sale::{PaymentMethod, Sale, TransferStatus};
use ocop_core::vietqr::{BankBin, VietQr};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::text::{self, T, pick};
use super::widgets;
use super::{App, LastSale, Prompt, Screen};
use crate::catalogue::TillOutlet;
use crate::checkout::{self, Tender};
use crate::transfer::{self, Seen};

/// Quick cash amounts on the payment screen (F2–F4); F1 is the exact sum.
pub const QUICK_CASH: [i64; 3] = [100_000, 200_000, 500_000];

pub(super) const KEYS: [(&str, T); 8] = [
    ("F1", text::K_EXACT),
    ("F2", T("100.000", "100.000")),
    ("F3", T("200.000", "200.000")),
    ("F4", T("500.000", "500.000")),
    ("0-9 Enter", text::K_CASH_TYPED),
    ("F5", text::K_QR),
    ("F6", text::K_CARD),
    ("Esc", text::K_BACK),
];

/// The VietQR screen's keys while the transfer is pending: no Enter.
pub(super) const QR_KEYS: [(&str, T); 3] = [
    ("F8", text::K_MONEY_RECEIVED),
    ("F4", text::K_LEAVE_PENDING),
    ("F9", text::K_REPRINT),
];

/// The VietQR screen's keys once the transfer is confirmed.
pub(super) const QR_KEYS_CONFIRMED: [(&str, T); 2] =
    [("Enter", text::K_CONTINUE), ("F9", text::K_REPRINT)];

/// What the VietQR screen knows of the transfer of the sale on it.
#[derive(Default)]
pub struct TransferView {
    /// The server's last answer, or why there was none.
    pub seen: Option<Seen>,
    /// The cashier confirmed on this screen (queued in the outbox).
    pub confirmed_here: bool,
    /// The worker asking the server while the screen is shown.
    watch: Option<transfer::Watch>,
}

impl TransferView {
    fn by_bank(&self) -> bool {
        self.seen == Some(Seen::State(TransferStatus::ConfirmedByBank))
    }

    pub(super) fn confirmed(&self) -> bool {
        self.confirmed_here
            || matches!(self.seen, Some(Seen::State(s)) if s != TransferStatus::Pending)
    }

    /// The state this screen knows: the server's answer, or the cashier's
    /// own confirmation; `None` when nothing is known beyond the sale.
    pub(super) fn status(&self) -> Option<TransferStatus> {
        let seen = match self.seen {
            Some(Seen::State(s)) => Some(s),
            _ => None,
        };
        let mine = self
            .confirmed_here
            .then_some(TransferStatus::ConfirmedByCashier);
        match (seen, mine) {
            (Some(a), Some(b)) => Some(a.strongest(b)),
            (a, b) => a.or(b),
        }
    }

    /// What the screen says of the transfer.
    fn line(&self, lang: ocop_core::i18n::Lang) -> String {
        let on_server = self.seen == Some(Seen::State(TransferStatus::ConfirmedByCashier));
        if self.by_bank() {
            text::TRANSFER_CONFIRMED_BY_BANK.get(lang).to_owned()
        } else if self.confirmed_here && !on_server {
            format!(
                "{} ({})",
                text::TRANSFER_CONFIRMED_BY_CASHIER.get(lang),
                text::TRANSFER_QUEUED.get(lang)
            )
        } else if on_server {
            text::TRANSFER_CONFIRMED_BY_CASHIER.get(lang).to_owned()
        } else {
            match self.seen {
                Some(Seen::Offline(_)) => text::TRANSFER_OFFLINE,
                Some(Seen::Refused(_)) => text::TRANSFER_REFUSED,
                _ => text::QR_PENDING,
            }
            .get(lang)
            .to_owned()
        }
    }
}

fn shown(amount: Option<Dong>) -> String {
    amount.map_or_else(|| "?".to_owned(), |a| a.to_string())
}

/// The outlet's account for VietQR, if it has one.
fn outlet_account(outlet: Option<&TillOutlet>) -> Option<(BankBin, &str)> {
    let o = outlet?;
    let bin = BankBin::parse(o.bank_bin.as_deref()?).ok()?;
    Some((bin, o.bank_account.as_deref()?))
}

/// The VietQR code of a committed sale's pending transfer, if any.
fn pending_qr(sale: &Sale, outlet: Option<&TillOutlet>) -> Option<VietQr> {
    let amount = sale.payments.iter().find_map(|p| match p.method {
        PaymentMethod::BankTransfer {
            status: TransferStatus::Pending,
            ..
        } => Some(p.amount),
        _ => None,
    })?;
    let (bin, account) = outlet_account(outlet)?;
    vietqr_for_sale(&bin, account, amount, sale.receipt_ref()).ok()
}

impl App {
    pub(super) fn start_payment(&mut self) {
        if self.cart.is_empty() {
            return self.say(text::EMPTY_CART);
        }
        if let Err(e) = checkout::cart_total(&self.cat, &self.cart) {
            return self.say_error(&e);
        }
        self.tenders.clear();
        self.input.clear();
        self.results.clear();
        self.screen = Screen::Pay;
        self.message.clear();
    }

    /// What the customer still owes: the core's total less the cash parts
    /// already handed over.
    pub fn remaining(&self) -> Option<Dong> {
        let total = self.total()?;
        self.tenders.iter().try_fold(total, |left, t| match t {
            Tender::Cash(Some(given)) => left.checked_sub(*given),
            _ => Some(left),
        })
    }

    pub(super) fn pay_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::F(1) => self.add_tender(Tender::Cash(None)),
            KeyCode::F(n @ 2..=4) => {
                let quick = QUICK_CASH.get(usize::from(n).saturating_sub(2));
                if let Some(&v) = quick {
                    self.add_tender(Tender::Cash(Some(Dong::new(v))));
                }
            }
            KeyCode::F(5) => {
                if outlet_account(self.cat.outlet.as_ref()).is_none() {
                    return self.say(text::NO_BANK_ACCOUNT);
                }
                self.add_tender(Tender::Qr);
            }
            KeyCode::F(6) => self.prompt = Some((Prompt::CardRef, String::new())),
            KeyCode::Esc => {
                self.tenders.clear();
                self.input.clear();
                self.screen = Screen::Sale;
            }
            _ => {
                if let Some(typed) = self.amount_key(key) {
                    match Dong::parse(&typed) {
                        Ok(given) if given.is_positive() => {
                            self.add_tender(Tender::Cash(Some(given)));
                        }
                        _ => self.not_an_amount(&typed),
                    }
                }
            }
        }
    }

    /// Takes one tender: cash below what remains is a part payment; any
    /// other tender settles the rest and commits the sale.
    pub(super) fn add_tender(&mut self, tender: Tender) {
        let Some(remaining) = self.remaining() else {
            return;
        };
        let partial = matches!(tender, Tender::Cash(Some(given)) if given < remaining);
        self.tenders.push(tender);
        if partial {
            self.message = pick(
                self.lang,
                format!("Còn lại {}", self.remaining().unwrap_or(Dong::ZERO)),
                format!("Still to pay {}", self.remaining().unwrap_or(Dong::ZERO)),
            );
            return;
        }
        self.commit();
    }

    fn commit(&mut self) {
        let committed = checkout::commit_sale(
            &mut self.store,
            &self.cfg,
            &self.cat,
            &self.cart,
            &self.tenders,
        );
        let sale = match committed {
            Ok(done) => done.record,
            Err(e) => {
                // Nothing was stored: the cashier may take another tender.
                self.tenders.pop();
                return self.say_error(&e);
            }
        };
        let qr = pending_qr(&sale, self.cat.outlet.as_ref());
        self.transfer = TransferView::default();
        if let (Some(_), Some(every)) = (&qr, self.transfer_poll) {
            let db = self.store.path().to_path_buf();
            self.transfer.watch = Some(transfer::Watch::start(db, sale.id, every));
        }
        let printed = self.print_sale(&sale, false);
        self.message = pick(
            self.lang,
            format!("Phiếu {} đã lưu — {printed}", sale.receipt_ref()),
            format!("Receipt {} stored — {printed}", sale.receipt_ref()),
        );
        self.screen = if qr.is_some() {
            Screen::Qr
        } else {
            Screen::Done
        };
        self.last = Some(LastSale { sale, qr });
        self.cart.clear();
        self.tenders.clear();
        self.line = 0;
        if let Err(e) = self.refresh_status() {
            self.say_error(&e);
        }
    }

    pub(super) fn qr_key(&mut self, key: KeyEvent) {
        match key.code {
            // Enter leaves only a confirmed transfer: a scanner sends one
            // after every code, and a pending transfer is not money.
            KeyCode::Enter | KeyCode::Esc if self.transfer.confirmed() => self.leave_qr(),
            KeyCode::Enter => self.say(text::QR_STAYS),
            KeyCode::F(4) if !self.transfer.confirmed() => self.leave_qr(),
            KeyCode::F(8) => self.money_received(),
            KeyCode::F(9) => self.reprint_last(),
            _ => {}
        }
    }

    /// Leaves the VietQR screen: the sale is shown with its transfer's
    /// state (awaiting it, unless confirmed).
    fn leave_qr(&mut self) {
        // Stops the worker (it does not wait for a look in flight).
        self.transfer.watch = None;
        self.screen = Screen::Done;
        self.message = self.transfer.line(self.lang);
    }

    /// The keys the VietQR screen shows: Enter only once confirmed.
    pub(super) fn qr_keys(&self) -> Vec<(&'static str, T)> {
        if self.transfer.confirmed() {
            QR_KEYS_CONFIRMED.to_vec()
        } else {
            QR_KEYS.to_vec()
        }
    }

    /// Whether the last sale still waits for its transfer (the Done
    /// screen's title and lines say so rather than "paid").
    pub(super) fn awaiting_transfer(&self) -> bool {
        self.last.as_ref().is_some_and(|l| {
            l.sale.payments.iter().any(|p| {
                matches!(
                    p.method,
                    PaymentMethod::BankTransfer {
                        status: TransferStatus::Pending,
                        ..
                    }
                )
            })
        }) && !self.transfer.confirmed()
    }

    /// F8: the cashier saw the money arrive. Queued (durably) and sent
    /// after the sale; the screen shows it confirmed.
    fn money_received(&mut self) {
        if self.transfer.by_bank() {
            return self.say(text::TRANSFER_CONFIRMED_BY_BANK);
        }
        let Some(sale) = self.last.as_ref().map(|l| l.sale.clone()) else {
            return;
        };
        match transfer::confirm(&mut self.store, &self.cfg, &sale) {
            Ok(_) => {
                self.transfer.confirmed_here = true;
                self.message = self.transfer.line(self.lang);
            }
            Err(e) => return self.say_error(&e),
        }
        if let Err(e) = self.refresh_status() {
            self.say_error(&e);
        }
    }

    /// Takes what the worker saw since the last call (never waits); the
    /// worker ends once the transfer is confirmed.
    pub(super) fn poll_transfer(&mut self) {
        let Some(seen) = self
            .transfer
            .watch
            .as_ref()
            .and_then(transfer::Watch::latest)
        else {
            return;
        };
        if matches!(seen, Seen::State(s) if s != TransferStatus::Pending) {
            self.transfer.watch = None;
        }
        self.transfer.seen = Some(seen);
    }

    /// After a sale: Enter or Esc, or any key of the sale screen (the next
    /// customer's first scan, a refund, the shift…) goes on selling.
    pub(super) fn done_key(&mut self, key: KeyEvent) {
        match key.code {
            // Keys the sale screen has no use for leave the change shown.
            KeyCode::F(1 | 8 | 11) => {}
            KeyCode::Enter | KeyCode::Esc => self.screen = Screen::Sale,
            _ => {
                self.screen = Screen::Sale;
                self.sale_key(key);
            }
        }
    }

    pub(super) fn done_keys(&self) -> Vec<(&'static str, T)> {
        let mut keys = vec![("Enter/Esc", text::K_NEXT_SALE)];
        keys.extend(self.sale_keys().into_iter().filter(|(k, _)| *k != "Enter"));
        keys
    }

    fn tender_lines(&self) -> Vec<Line<'static>> {
        self.tenders
            .iter()
            .map(|t| match t {
                Tender::Cash(Some(given)) => format!("{}: {given}", self.t(text::CASH)),
                Tender::Cash(None) => self.t(text::CASH).to_owned(),
                Tender::Qr => self.t(text::TRANSFER).to_owned(),
                Tender::Card(r) => format!("{}: {r}", self.t(text::CARD)),
            })
            .map(Line::from)
            .collect()
    }

    pub(super) fn draw_pay(&self, f: &mut Frame, area: Rect) {
        let big = widgets::BIG_ROWS.saturating_add(2);
        let [total, remaining, rest] = Layout::vertical([
            Constraint::Length(big),
            Constraint::Length(big),
            Constraint::Min(3),
        ])
        .areas(area);
        self.big(f, total, text::TOTAL, &shown(self.total()));
        self.big(f, remaining, text::REMAINING, &shown(self.remaining()));
        let [paid, typed] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(rest);
        f.render_widget(
            Paragraph::new(self.tender_lines())
                .block(Block::bordered().title(format!(" {} ", self.t(text::PAID_SO_FAR)))),
            paid,
        );
        f.render_widget(
            Paragraph::new(format!("> {}_", widgets::grouped(&self.input)))
                .block(Block::bordered().title(format!(" {} ", self.t(text::ASK_CASH)))),
            typed,
        );
    }

    pub(super) fn draw_done(&self, f: &mut Frame, area: Rect) {
        let Some(last) = &self.last else {
            return;
        };
        let big = widgets::BIG_ROWS.saturating_add(2);
        let [info, change] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(big)]).areas(area);
        let sale = &last.sale;
        let mut lines = vec![Line::from(format!(
            "{} {}  —  {}: {}",
            pick(self.lang, "Phiếu".into(), "Receipt".into()),
            sale.receipt_ref(),
            self.t(text::TOTAL),
            sale.total
        ))];
        for p in &sale.payments {
            lines.push(Line::from(match &p.method {
                PaymentMethod::Cash { tendered, .. } => {
                    format!(
                        "  {}: {} — {} {tendered}",
                        self.t(text::CASH),
                        p.amount,
                        self.t(text::TENDERED)
                    )
                }
                PaymentMethod::BankTransfer { status, .. } => {
                    let now = self
                        .transfer
                        .status()
                        .map_or(*status, |k| status.strongest(k));
                    format!(
                        "  {}: {} — {}",
                        self.t(text::TRANSFER),
                        p.amount,
                        now.label(self.lang)
                    )
                }
                PaymentMethod::Card { .. } => format!("  {}: {}", self.t(text::CARD), p.amount),
            }));
        }
        f.render_widget(Paragraph::new(lines).block(Block::bordered()), info);
        // The sale's change, over all its cash (issue #18: not the first
        // cash payment's); "?" only for a sale the core would refuse.
        // A transfer still awaited is shown large in place of the change:
        // it is what the customer still owes.
        if self.awaiting_transfer() {
            let awaited = Dong::checked_sum(sale.payments.iter().filter_map(|p| match p.method {
                PaymentMethod::BankTransfer { .. } => Some(p.amount),
                _ => None,
            }));
            return self.big(f, change, text::AWAITED, &shown(awaited));
        }
        let due = sale.cash_tender().ok().map(|c| c.change);
        self.big(f, change, text::CHANGE, &shown(due));
    }

    pub(super) fn draw_qr(&self, f: &mut Frame, area: Rect) {
        let Some(qr) = self.last.as_ref().and_then(|l| l.qr.as_ref()) else {
            return;
        };
        let rows = widgets::qr_rows(&qr.payload()).unwrap_or_default();
        let width = rows
            .first()
            .map_or(0, |r| u16::try_from(r.chars().count()).unwrap_or(u16::MAX));
        let [code, info] =
            Layout::horizontal([Constraint::Length(width), Constraint::Fill(1)]).areas(area);
        f.render_widget(
            Paragraph::new(rows.into_iter().map(Line::from).collect::<Vec<_>>())
                .style(widgets::qr_style()),
            code,
        );
        let amount = qr.amount().map_or_else(String::new, |a| a.to_string());
        let lines = vec![
            Line::from(self.t(text::QR_SCAN_HINT)),
            Line::from(""),
            Line::from(format!("{}: {amount}", self.t(text::TRANSFER)))
                .style(Style::default().add_modifier(Modifier::BOLD)),
            Line::from(format!(
                "{} · {}",
                qr.bank_bin().display_name(),
                qr.account()
            )),
            Line::from(
                self.cat
                    .outlet
                    .as_ref()
                    .and_then(|o| o.bank_holder.clone())
                    .unwrap_or_default(),
            ),
            Line::from(qr.memo().unwrap_or_default().to_owned()),
            Line::from(""),
            Line::from(self.transfer.line(self.lang)).style(if self.transfer.confirmed() {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            }),
        ];
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(format!(
                    " {} ",
                    self.last
                        .as_ref()
                        .map(|l| l.sale.receipt_ref().to_string())
                        .unwrap_or_default()
                ))),
            info,
        );
    }
}
