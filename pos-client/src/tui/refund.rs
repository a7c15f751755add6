//! The refund screen: scan the receipt's QR code (the e-receipt URL ending
//! `/r/{uuid}`) or type its number (`T3-000012`), pick lines and
//! quantities, choose how the money goes back, give the reason, confirm.
//!
//! The sale is found by [`refund::find`] (this till's own offline, another
//! till's from the server); the amounts shown before confirming are the
//! core's (`refund_lines`, `refund_totals`), and the refund is committed by
//! [`refund::commit_refund`] (numbered, sealed, queued) before it prints.

use ocop_core::i18n::UserError as _;
use ocop_core::money::{Dong, Quantity};
use ocop_core::sale::Restock;
use ocop_core::sale::refund::{RefundRequest, refund_lines, refund_totals};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};

use super::text::{self, T, pick};
use super::{App, Prompt, Screen};
use crate::refund::{self, Found, RefundTender};

/// A refund being prepared: the sale found, and how much of each of its
/// lines goes back (aligned with `found.lines`).
#[derive(Debug, Clone)]
pub struct RefundDraft {
    pub found: Found,
    pub qty: Vec<Quantity>,
    pub pick: usize,
    pub tender: RefundTender,
}

impl RefundDraft {
    fn requests(&self) -> Vec<RefundRequest> {
        self.found
            .lines
            .iter()
            .zip(&self.qty)
            .filter(|(_, q)| q.is_positive())
            .map(|(l, q)| RefundRequest {
                original_line_no: l.line_no,
                qty: *q,
                restock: Restock::Shelf,
            })
            .collect()
    }

    /// What goes back, as the core computes it.
    fn total(&self) -> anyhow::Result<Dong> {
        let lines = refund_lines(&self.found.sale, &self.found.earlier, &self.requests())
            .map_err(|e| e.refusal())?;
        Ok(refund_totals(&lines).map_err(|e| e.refusal())?.0)
    }
}

impl App {
    pub(super) fn refund_keys(&self) -> Vec<(&'static str, T)> {
        if self.refund.is_none() {
            return vec![("Enter", text::K_FIND), ("Esc", text::K_BACK)];
        }
        vec![
            ("↑↓", text::K_PICK),
            ("Space", text::K_WHOLE_LINE),
            ("F2/*", text::K_QTY),
            ("F4", text::K_REFUND_METHOD),
            ("F10", text::K_CONFIRM),
            ("Esc", text::K_BACK),
        ]
    }

    pub(super) fn start_refund(&mut self) {
        if !self.cart.is_empty() {
            return self.say(text::RESUME_NEEDS_EMPTY_CART);
        }
        self.input.clear();
        self.results.clear();
        self.refund = None;
        self.screen = Screen::Refund;
        self.say(text::REFUND_FIND);
    }

    pub(super) fn refund_key(&mut self, key: KeyEvent) {
        if self.refund.is_none() {
            return self.refund_find_key(key);
        }
        match key.code {
            KeyCode::Esc => {
                self.refund = None;
                self.say(text::REFUND_FIND);
            }
            KeyCode::Up => self.move_refund_pick(false),
            KeyCode::Down => self.move_refund_pick(true),
            KeyCode::Char(' ') => self.toggle_refund_line(),
            KeyCode::Char('*') | KeyCode::F(2) => {
                let line = self.refund.as_ref().map_or(0, |d| d.pick);
                self.prompt = Some((Prompt::RefundQty { line }, String::new()));
            }
            KeyCode::F(4) => self.next_refund_tender(),
            KeyCode::F(10) => {
                let chosen = self
                    .refund
                    .as_ref()
                    .is_some_and(|d| !d.requests().is_empty());
                if chosen {
                    self.prompt = Some((Prompt::RefundReason, String::new()));
                } else {
                    self.say(text::REFUND_NOTHING);
                }
            }
            _ => {}
        }
    }

    fn refund_find_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {
                self.input.clear();
                self.screen = Screen::Sale;
                self.say(text::SCAN_OR_TYPE);
            }
            KeyCode::Char(c) => self.input.push(c),
            KeyCode::Backspace => {
                self.input.pop();
            }
            KeyCode::Enter => {
                let typed = std::mem::take(&mut self.input);
                let found = refund::parse_sale_ref(&typed)
                    .and_then(|r| refund::find(&self.store, &self.cfg, &r));
                match found {
                    Ok(found) => {
                        self.message = pick(
                            self.lang,
                            format!("Phiếu {}: chọn hàng trả lại", found.sale.receipt_ref()),
                            format!("Receipt {}: pick what comes back", found.sale.receipt_ref()),
                        );
                        self.refund = Some(RefundDraft {
                            qty: vec![Quantity::ZERO; found.lines.len()],
                            found,
                            pick: 0,
                            tender: RefundTender::Cash,
                        });
                    }
                    Err(e) => self.say_error(&e),
                }
            }
            _ => {}
        }
    }

    fn move_refund_pick(&mut self, down: bool) {
        if let Some(d) = &mut self.refund {
            d.pick = if down {
                d.pick
                    .saturating_add(1)
                    .min(d.found.lines.len().saturating_sub(1))
            } else {
                d.pick.saturating_sub(1)
            };
        }
    }

    /// Space: all that is left of the line, or nothing.
    fn toggle_refund_line(&mut self) {
        if let Some(d) = &mut self.refund
            && let (Some(line), Some(q)) = (d.found.lines.get(d.pick), d.qty.get_mut(d.pick))
        {
            *q = if q.is_positive() {
                Quantity::ZERO
            } else {
                line.remaining_qty
            };
        }
    }

    pub(super) fn set_refund_qty(&mut self, line: usize, typed: &str) {
        let Ok(qty) = Quantity::parse(typed) else {
            self.not_a_quantity(typed);
            return;
        };
        let Some(d) = &mut self.refund else {
            return;
        };
        let left = d.found.lines.get(line).map(|l| l.remaining_qty);
        if left.is_some_and(|left| qty > left) {
            self.message = pick(
                self.lang,
                format!("Chỉ còn {} để trả", left.unwrap_or_default()),
                format!("Only {} left to refund", left.unwrap_or_default()),
            );
            return;
        }
        if let Some(q) = d.qty.get_mut(line) {
            *q = qty;
        }
    }

    /// F4: cash → card (asks the terminal's reference) → transfer → cash.
    fn next_refund_tender(&mut self) {
        let Some(d) = &mut self.refund else {
            return;
        };
        match d.tender {
            RefundTender::Cash => self.prompt = Some((Prompt::RefundCardRef, String::new())),
            RefundTender::Card(_) => d.tender = RefundTender::Transfer(None),
            RefundTender::Transfer(_) => d.tender = RefundTender::Cash,
        }
    }

    pub(super) fn set_refund_card(&mut self, reference: &str) {
        if let Some(d) = &mut self.refund
            && !reference.is_empty()
        {
            d.tender = RefundTender::Card(reference.to_owned());
        }
    }

    /// The reason was given: commit, print, back to selling.
    pub(super) fn commit_refund(&mut self, reason: &str) {
        if reason.is_empty() {
            return self.say(text::REFUND_REASON_NEEDED);
        }
        let Some(d) = self.refund.clone() else {
            return;
        };
        let committed = refund::commit_refund(
            &mut self.store,
            &self.cfg,
            &d.found,
            &d.requests(),
            d.tender.clone(),
            reason,
        );
        let refund = match committed {
            Ok(c) => c.record,
            Err(e) => return self.say_error(&e),
        };
        let printed = self.print_refund(&refund, false);
        self.message = pick(
            self.lang,
            format!(
                "Phiếu trả {} cho {} — hoàn {} — {printed}",
                refund.receipt_ref(),
                refund.original_receipt,
                refund.total
            ),
            format!(
                "Refund {} of {} — {} back — {printed}",
                refund.receipt_ref(),
                refund.original_receipt,
                refund.total
            ),
        );
        self.refund = None;
        self.screen = Screen::Sale;
        if let Err(e) = self.refresh_status() {
            self.say_error(&e);
        }
    }

    pub(super) fn draw_refund(&self, f: &mut Frame, area: Rect) {
        let [input, rest] =
            Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
        let Some(d) = &self.refund else {
            f.render_widget(
                Paragraph::new(format!("> {}_", self.input))
                    .block(Block::bordered().title(format!(" {} ", self.t(text::REFUND_FIND)))),
                input,
            );
            return;
        };
        let sale = &d.found.sale;
        let tender = match &d.tender {
            RefundTender::Cash => self.t(text::CASH).to_owned(),
            RefundTender::Card(r) => format!("{}: {r}", self.t(text::CARD)),
            RefundTender::Transfer(_) => self.t(text::TRANSFER).to_owned(),
        };
        let total = match d.total() {
            Ok(t) => t.to_string(),
            Err(e) => format!("? ({e})"),
        };
        f.render_widget(
            Paragraph::new(format!(
                "{}: {}  │  {}: {tender}",
                self.t(text::REFUND_BACK),
                total,
                self.t(text::REFUND_METHOD),
            ))
            .style(Style::default().add_modifier(Modifier::BOLD))
            .block(Block::bordered().title(format!(
                " {} {} — {} — {} ",
                pick(self.lang, "Phiếu".into(), "Receipt".into()),
                sale.receipt_ref(),
                ocop_core::time::format_vn(sale.sold_at),
                sale.total
            ))),
            input,
        );
        let rows: Vec<Row> = d
            .found
            .lines
            .iter()
            .zip(&d.qty)
            .map(|(l, q)| {
                let name = sale.line(l.line_no).map_or("?", |s| s.name.as_str());
                Row::new(vec![
                    l.line_no.to_string(),
                    name.to_owned(),
                    l.sold_qty.to_string(),
                    l.refunded_qty.to_string(),
                    l.remaining_qty.to_string(),
                    l.amount.to_string(),
                    if q.is_positive() {
                        q.to_string()
                    } else {
                        String::new()
                    },
                ])
            })
            .collect();
        let header = Row::new(vec![
            "#",
            self.t(text::COL_NAME),
            self.t(text::COL_QTY),
            self.t(text::COL_REFUNDED),
            self.t(text::COL_LEFT),
            self.t(text::COL_AMOUNT),
            self.t(text::COL_BACK),
        ])
        .style(Style::default().add_modifier(Modifier::BOLD));
        let widths = [
            Constraint::Length(3),
            Constraint::Fill(1),
            Constraint::Length(6),
            Constraint::Length(8),
            Constraint::Length(6),
            Constraint::Length(13),
            Constraint::Length(8),
        ];
        let mut state = TableState::default().with_selected(Some(d.pick));
        f.render_stateful_widget(
            Table::new(rows, widths)
                .header(header)
                .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
                .block(Block::bordered().title(format!(" {} ", self.t(text::REFUND)))),
            rest,
            &mut state,
        );
    }
}
