//! The shift screens: open with a float (at start-up when no shift is
//! open), the X figures with cash in/out and the printed X report, and
//! closing with a count by note, the card and transfer totals, expected
//! against counted, and the Z report.
//!
//! Every figure is the core's: [`shift::summary`] (the X figures), the
//! core's `CashCount::total`/`lines` and `close` for the preview of the
//! count; [`shift::close`] decides, drains the queue first and refuses
//! (`queue_not_empty`) while records are unsent unless the cashier closes
//! anyway (F11), which the Z report then says.

use ocop_core::i18n::UserError as _;
use ocop_core::money::Dong;
use ocop_core::sale::shift::{
    CashCount, CashDirection, CountedTotals, Denomination, ShiftSummary, TransferFigures,
    close as core_close,
};
use ocop_core::sale::{PaymentKind, TransferStatus};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};

use super::text::{self, T, pick};
use super::widgets;
use super::{App, Prompt, Screen};
use crate::shift::{self, ShiftReport};

/// The count being typed: one row per note, then card, then transfer.
#[derive(Debug, Clone, Default)]
pub struct CountDraft {
    pub rows: Vec<String>,
    pub row: usize,
    /// The Z report was shown for confirmation (`Some(allow_unsent)`, by
    /// F10 or F11): the same key again closes the shift; any change to the
    /// count asks again.
    pub confirming: Option<bool>,
}

/// More notes of one value than this in a drawer is questioned before the
/// shift closes (a typed amount in the count-of-notes column, say).
pub const NOTES_QUESTIONED_ABOVE: u32 = 1_000;

const CARD_ROW: usize = Denomination::ALL.len();
const TRANSFER_ROW: usize = CARD_ROW + 1;

impl CountDraft {
    pub fn new() -> CountDraft {
        CountDraft {
            rows: vec![String::new(); TRANSFER_ROW + 1],
            row: 0,
            confirming: None,
        }
    }

    /// Counts that make no sense for a drawer, as questions for the
    /// cashier (Vietnamese, English): "350000 tờ 100 ₫?".
    pub fn questions(&self) -> Vec<(String, String)> {
        Denomination::ALL
            .iter()
            .zip(&self.rows)
            .filter_map(|(note, typed)| {
                let n: u32 = typed.trim().parse().ok()?;
                (n > NOTES_QUESTIONED_ABOVE).then(|| {
                    (
                        format!(
                            "{} tờ {}? Ô này là số tờ, không phải số tiền.",
                            widgets::grouped(typed.trim()),
                            note.value()
                        ),
                        format!(
                            "{} notes of {}? This is the number of notes, not the amount.",
                            widgets::grouped(typed.trim()),
                            note.value().to_ascii_string()
                        ),
                    )
                })
            })
            .collect()
    }

    fn amount(&self, row: usize) -> anyhow::Result<Dong> {
        match self.rows.get(row).map(|s| s.trim()) {
            None | Some("") => Ok(Dong::ZERO),
            Some(s) => Dong::parse(s).map_err(|e| anyhow::Error::from(e.refusal())),
        }
    }

    /// What was counted, as the core takes it.
    pub fn counted(&self) -> anyhow::Result<CountedTotals> {
        let mut cash = CashCount::new();
        for (note, typed) in Denomination::ALL.iter().zip(&self.rows) {
            let n: u32 = match typed.trim() {
                "" => 0,
                t => t
                    .parse()
                    .map_err(|_| anyhow::anyhow!("\"{t}\": số tờ / a number of notes"))?,
            };
            cash.set(*note, n);
        }
        Ok(CountedTotals {
            cash,
            card: self.amount(CARD_ROW)?,
            bank_transfer: self.amount(TRANSFER_ROW)?,
        })
    }
}

fn method_label(kind: PaymentKind) -> T {
    match kind {
        PaymentKind::Cash => text::CASH,
        PaymentKind::Card => text::CARD,
        PaymentKind::BankTransfer => text::TRANSFER,
    }
}

impl App {
    pub(super) fn shift_keys(&self) -> Vec<(&'static str, T)> {
        match self.screen {
            Screen::ShiftOpen => vec![("0-9 Enter", text::K_OPEN_SHIFT)],
            Screen::ShiftClose => {
                if let Some(anyway) = self.count.confirming {
                    let key = if anyway { "F11" } else { "F10" };
                    return vec![(key, text::K_CONFIRM_CLOSE), ("Esc", text::K_CORRECT)];
                }
                let mut keys = vec![
                    ("↑↓", text::K_PICK),
                    ("0-9", text::K_COUNT),
                    ("F10", text::K_CLOSE_SHIFT),
                ];
                if self.queued > 0 {
                    keys.push(("F11", text::K_CLOSE_ANYWAY));
                }
                keys.push(("Esc", text::K_BACK));
                keys
            }
            _ => vec![
                ("F1", text::K_CASH_IN),
                ("F2", text::K_CASH_OUT),
                ("F3", text::K_PRINT_X),
                ("F4", text::K_COUNT_CLOSE),
                ("Esc", text::K_BACK),
            ],
        }
    }

    pub(super) fn show_shift(&mut self) {
        let pending = shift::require(&self.store)
            .and_then(|open| crate::transfer::pending_of_shift(&self.store, open.id));
        match (shift::summary(&self.store), pending) {
            (Ok(s), Ok(pending)) => {
                self.shift_summary = Some(s);
                self.pending_transfers = pending;
                self.screen = Screen::Shift;
            }
            (Err(e), _) | (_, Err(e)) => self.say_error(&e),
        }
    }

    pub(super) fn shift_open_key(&mut self, key: KeyEvent) {
        let Some(typed) = self.amount_key(key) else {
            return;
        };
        match Dong::parse(&typed) {
            Ok(float) => {
                self.message = pick(
                    self.lang,
                    format!("Mở ca với tiền đầu ca {float}? Enter: đồng ý · Esc: nhập lại"),
                    format!("Open the shift with a float of {float}? Enter: yes · Esc: retype"),
                );
                self.prompt = Some((Prompt::ConfirmFloat { float }, String::new()));
            }
            Err(_) => self.not_an_amount(&typed),
        }
    }

    /// The float shown back was confirmed (Enter with nothing typed).
    pub(super) fn open_shift(&mut self, float: Dong, typed: &str) {
        if !typed.is_empty() {
            return self.say(text::ASK_FLOAT);
        }
        match shift::open(&mut self.store, &self.cfg, float) {
            Ok(o) => {
                self.screen = Screen::Sale;
                self.message = pick(
                    self.lang,
                    format!("Đã mở ca — tiền đầu ca {}", o.opening_float),
                    format!("Shift open — float {}", o.opening_float),
                );
                let _ = self.refresh_status();
            }
            Err(e) => self.say_error(&e),
        }
    }

    pub(super) fn shift_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => self.screen = Screen::Sale,
            KeyCode::F(1) => {
                self.prompt = Some((
                    Prompt::CashAmount {
                        direction: CashDirection::In,
                    },
                    String::new(),
                ));
            }
            KeyCode::F(2) => {
                self.prompt = Some((
                    Prompt::CashAmount {
                        direction: CashDirection::Out,
                    },
                    String::new(),
                ));
            }
            KeyCode::F(3) => self.print_x(),
            KeyCode::F(4) => {
                self.count = CountDraft::new();
                self.screen = Screen::ShiftClose;
                let _ = self.refresh_status();
            }
            _ => {}
        }
    }

    pub(super) fn cash_amount(&mut self, direction: CashDirection, typed: &str) {
        match Dong::parse(typed) {
            Ok(amount) if amount.is_positive() => {
                self.prompt = Some((Prompt::CashReason { direction, amount }, String::new()));
            }
            _ => self.not_an_amount(typed),
        }
    }

    pub(super) fn cash_movement(&mut self, direction: CashDirection, amount: Dong, reason: &str) {
        match shift::cash_movement(&mut self.store, direction, amount, reason) {
            Ok(m) => {
                self.show_shift();
                let (vi, en) = match m.direction {
                    CashDirection::In => ("Nộp vào két", "Cash in"),
                    CashDirection::Out => ("Rút khỏi két", "Cash out"),
                };
                self.message = pick(
                    self.lang,
                    format!("{vi}: {} — {}", m.amount, m.reason),
                    format!("{en}: {} — {}", m.amount, m.reason),
                );
                let _ = self.refresh_status();
            }
            Err(e) => self.say_error(&e),
        }
    }

    fn print_x(&mut self) {
        let report = match shift::x_report(&self.store) {
            Ok(r) => r,
            Err(e) => return self.say_error(&e),
        };
        let printed = self.print_report(&report);
        self.message = pick(
            self.lang,
            format!("Báo cáo X — {printed}"),
            format!("X report — {printed}"),
        );
    }

    fn print_report(&mut self, report: &ShiftReport) -> String {
        let Some(p) = &self.printer else {
            return self.no_printer();
        };
        let result = shift::print_report(p, &self.cfg, self.cat.outlet.as_ref(), report);
        self.printed(result)
    }

    pub(super) fn shift_close_key(&mut self, key: KeyEvent) {
        let draft = &mut self.count;
        let confirming = draft.confirming.take();
        match key.code {
            // Esc while the Z is shown goes back to the count.
            KeyCode::Esc if confirming.is_some() => {
                self.message = self.t(text::CLOSE_CANCELLED).to_owned();
            }
            KeyCode::Esc => self.show_shift(),
            KeyCode::Up => draft.row = draft.row.saturating_sub(1),
            KeyCode::Down | KeyCode::Enter => {
                draft.row = draft.row.saturating_add(1).min(TRANSFER_ROW);
            }
            KeyCode::Char(c) if c.is_ascii_digit() || (c == '.' && draft.row >= CARD_ROW) => {
                if let Some(r) = draft.rows.get_mut(draft.row) {
                    r.push(c);
                }
            }
            KeyCode::Backspace => {
                if let Some(r) = draft.rows.get_mut(draft.row) {
                    r.pop();
                }
            }
            KeyCode::F(10) => self.confirm_or_close(confirming, false),
            KeyCode::F(11) => self.confirm_or_close(confirming, true),
            _ => draft.confirming = confirming,
        }
    }

    /// The first F10 (or F11) shows the Z figures and any count that looks
    /// wrong, and asks; the same key again closes and prints.
    fn confirm_or_close(&mut self, confirming: Option<bool>, allow_unsent: bool) {
        if confirming == Some(allow_unsent) {
            return self.close_shift(allow_unsent);
        }
        if let Err(e) = self.count.counted() {
            return self.say_error(&e);
        }
        self.count.confirming = Some(allow_unsent);
        let key = if allow_unsent { "F11" } else { "F10" };
        let questions = self.count.questions();
        self.message = if questions.is_empty() {
            pick(
                self.lang,
                format!("Xem báo cáo Z bên phải: {key} lần nữa để đóng ca và in; Esc để sửa"),
                format!(
                    "Check the Z report on the right: {key} again to close and print; Esc to correct"
                ),
            )
        } else {
            pick(
                self.lang,
                format!("Số đếm có vẻ sai — kiểm tra lại; vẫn đúng thì {key} lần nữa"),
                format!("The count looks wrong — check it; if it is right, {key} again"),
            )
        };
    }

    fn close_shift(&mut self, allow_unsent: bool) {
        let closed = self
            .count
            .counted()
            .and_then(|counted| shift::close(&mut self.store, &self.cfg, counted, allow_unsent));
        let closed = match closed {
            Ok(c) => c,
            Err(e) => {
                let _ = self.refresh_status();
                return self.say_error(&e);
            }
        };
        let (z_no, unsent) = (closed.z_no, closed.unsent);
        let printed = self.print_report(&ShiftReport::Z(closed));
        self.message = pick(
            self.lang,
            format!("Đã đóng ca — báo cáo Z số {z_no} ({unsent} chưa gửi) — {printed}"),
            format!("Shift closed — Z report no. {z_no} ({unsent} unsent) — {printed}"),
        );
        self.shift_summary = None;
        self.screen = Screen::ShiftOpen;
        let _ = self.refresh_status();
    }

    pub(super) fn draw_shift_open(&self, f: &mut Frame, area: Rect) {
        let [input, _] = Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(area);
        f.render_widget(
            Paragraph::new(format!("> {}_", widgets::grouped(&self.input)))
                .block(Block::bordered().title(format!(" {} ", self.t(text::ASK_FLOAT)))),
            input,
        );
    }

    fn summary_lines(&self, s: &ShiftSummary) -> Vec<Line<'static>> {
        let mut lines = vec![
            Line::from(format!(
                "{}: {}   {}: {}",
                self.t(text::SALES_COUNT),
                s.sales_count,
                self.t(text::REFUNDS_COUNT),
                s.refunds_count
            )),
            Line::from(format!(
                "{}: {}   {}: {}   {}: {}",
                self.t(text::GROSS),
                s.gross_sales,
                self.t(text::REFUNDS),
                s.refunds,
                self.t(text::NET),
                s.net_sales
            ))
            .style(Style::default().add_modifier(Modifier::BOLD)),
            Line::from(""),
        ];
        for m in &s.by_method {
            lines.push(Line::from(format!(
                "{:<14} {:>14} − {:>12} = {:>14}",
                self.t(method_label(m.method)),
                m.sales.to_string(),
                m.refunds.to_string(),
                m.net.to_string()
            )));
        }
        // Transfers apart by state: pending is not money received.
        let t = &s.transfers;
        if *t != TransferFigures::default() {
            lines.push(Line::from(format!(
                "  {}: {}  {}: {}",
                TransferStatus::ConfirmedByBank.label(self.lang),
                t.confirmed_by_bank,
                TransferStatus::ConfirmedByCashier.label(self.lang),
                t.confirmed_by_cashier,
            )));
            lines.push(
                Line::from(format!(
                    "  {}: {}",
                    TransferStatus::Pending.label(self.lang),
                    t.pending
                ))
                .style(Style::default().add_modifier(Modifier::BOLD)),
            );
        }
        let c = &s.cash;
        lines.extend([
            Line::from(""),
            Line::from(format!(
                "{}: {} + {} − {} + {} − {} = {}",
                self.t(text::DRAWER),
                c.opening_float,
                c.cash_sales,
                c.cash_refunds,
                c.cash_in,
                c.cash_out,
                c.expected
            )),
            Line::from(self.t(text::DRAWER_LEGEND)),
        ]);
        lines
    }

    pub(super) fn draw_shift(&self, f: &mut Frame, area: Rect) {
        let lines = self
            .shift_summary
            .as_ref()
            .map(|s| self.summary_lines(s))
            .unwrap_or_default();
        let listed = u16::try_from(self.pending_transfers.len())
            .unwrap_or(u16::MAX)
            .clamp(1, 4)
            .saturating_add(2);
        let [figures, pending] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(listed)]).areas(area);
        f.render_widget(
            Paragraph::new(lines)
                .block(Block::bordered().title(format!(" {} ", self.t(text::X_FIGURES)))),
            figures,
        );
        // The shift's transfers nobody confirmed: money not received yet.
        let rows: Vec<Line<'static>> = if self.pending_transfers.is_empty() {
            vec![Line::from(self.t(text::NO_PENDING_TRANSFERS))]
        } else {
            self.pending_transfers
                .iter()
                .map(|p| {
                    Line::from(format!(
                        "{}  {}  {}",
                        p.receipt,
                        ocop_core::time::format_vn(p.sold_at),
                        p.amount
                    ))
                })
                .collect()
        };
        f.render_widget(
            Paragraph::new(rows)
                .block(Block::bordered().title(format!(" {} ", self.t(text::PENDING_TRANSFERS)))),
            pending,
        );
    }

    /// The Z report as it will print, shown before the shift closes, with
    /// any count that looks wrong.
    fn z_preview_lines(&self) -> Vec<Line<'static>> {
        let mut lines = vec![
            Line::from(self.t(text::Z_PREVIEW).to_owned())
                .style(Style::default().add_modifier(Modifier::BOLD)),
        ];
        if let Some(s) = &self.shift_summary {
            lines.push(Line::from(format!(
                "{}: {}   {}: {}",
                self.t(text::SALES_COUNT),
                s.sales_count,
                self.t(text::NET),
                s.net_sales
            )));
            lines.push(Line::from(format!(
                "{}: {}",
                TransferStatus::Pending.label(self.lang),
                s.transfers.pending
            )));
        }
        for (vi, en) in self.count.questions() {
            lines.push(
                Line::from(format!("⚠ {}", pick(self.lang, vi, en)))
                    .style(Style::default().fg(Color::Red)),
            );
        }
        lines
    }

    pub(super) fn draw_shift_close(&self, f: &mut Frame, area: Rect) {
        let [count, right] =
            Layout::horizontal([Constraint::Length(42), Constraint::Fill(1)]).areas(area);
        let counted = self.count.counted();
        let subtotal = |note: Denomination| {
            counted.as_ref().ok().and_then(|c| {
                c.cash
                    .lines()
                    .into_iter()
                    .find(|(n, _, _)| *n == note)
                    .map(|(_, _, sub)| sub.to_string())
            })
        };
        let mut rows: Vec<Row> = Denomination::ALL
            .iter()
            .zip(&self.count.rows)
            .map(|(note, typed)| {
                Row::new(vec![
                    note.value().to_string(),
                    format!("× {}", widgets::grouped(typed)),
                    subtotal(*note).unwrap_or_default(),
                ])
            })
            .collect();
        for (row, label) in [(CARD_ROW, text::CARD), (TRANSFER_ROW, text::TRANSFER)] {
            rows.push(Row::new(vec![
                self.t(label).to_owned(),
                format!(
                    "= {}",
                    widgets::grouped(self.count.rows.get(row).map_or("", |s| s.as_str()))
                ),
                String::new(),
            ]));
        }
        let mut state = TableState::default().with_selected(Some(self.count.row));
        f.render_stateful_widget(
            Table::new(
                rows,
                [
                    Constraint::Length(12),
                    Constraint::Length(12),
                    Constraint::Length(14),
                ],
            )
            .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
            .block(Block::bordered().title(format!(" {} ", self.t(text::COUNT)))),
            count,
            &mut state,
        );
        let [table, warning] =
            Layout::vertical([Constraint::Length(6), Constraint::Min(0)]).areas(right);
        let header = Row::new(vec![
            "",
            self.t(text::EXPECTED),
            self.t(text::COUNTED),
            self.t(text::DIFFERENCE),
        ])
        .style(Style::default().add_modifier(Modifier::BOLD));
        let preview = counted.and_then(|c| {
            let s = self
                .shift_summary
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("no shift"))?;
            core_close(s, c).map_err(|e| anyhow::Error::from(e.refusal()))
        });
        let mut lines = Vec::new();
        let rows: Vec<Row> = match preview {
            Ok(closing) => closing
                .variances
                .iter()
                .map(|v| {
                    Row::new(vec![
                        self.t(method_label(v.method)).to_owned(),
                        v.expected.to_string(),
                        v.counted.to_string(),
                        v.variance.to_string(),
                    ])
                })
                .collect(),
            Err(e) => {
                lines.push(Line::from(format!("{e:#}")));
                Vec::new()
            }
        };
        f.render_widget(
            Table::new(
                rows,
                [
                    Constraint::Fill(1),
                    Constraint::Length(13),
                    Constraint::Length(13),
                    Constraint::Length(13),
                ],
            )
            .header(header)
            .block(Block::bordered().title(format!(" {} ", self.t(text::CLOSE_SHIFT)))),
            table,
        );
        if self.count.confirming.is_some() {
            lines.extend(self.z_preview_lines());
        }
        if self.queued > 0 {
            lines.push(
                Line::from(pick(
                    self.lang,
                    format!(
                        "⚠ Còn {} bản ghi chưa gửi lên máy chủ. F10 gửi rồi đóng ca; \
                         nếu vẫn không gửi được, F11 đóng ca và báo cáo Z ghi rõ số chưa gửi.",
                        self.queued
                    ),
                    format!(
                        "⚠ {} records are not on the server yet. F10 sends them, then closes; \
                         if they still cannot be sent, F11 closes and the Z report says how many.",
                        self.queued
                    ),
                ))
                .style(Style::default().fg(Color::Red)),
            );
        }
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(Block::bordered()),
            warning,
        );
    }
}
