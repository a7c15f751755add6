//! The sale screen: scan or search, quantity, line discount (with a
//! manager's PIN above the limit), remove, park and resume.
//!
//! A scan (digits, an internal code, or a provenance label's GS1 Digital
//! Link URI, which names the lot) is tried first on Enter; letters search
//! the catalogue as they are typed, ignoring diacritics, and Enter adds the
//! highlighted result. Line amounts and the total come from the core.

use ocop_core::digital_link::Serial;
use ocop_core::i18n::Lang;
use ocop_core::i18n::UserError as _;
use ocop_core::money::{Dong, Quantity, line_amount};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Cell, List, ListItem, ListState, Paragraph, Row, Table, TableState};
use serde::{Deserialize, Serialize};

use super::text::{self, T, pick};
use super::widgets;
use super::{App, Prompt, Screen};
use crate::checkout::{self, CartItem};

/// How many search results are listed.
const RESULTS: usize = 10;

/// A parked cart line, as the `parked` table keeps it (the interface alone
/// reads it back).
#[derive(Debug, Serialize, Deserialize)]
struct ParkedLine {
    product_id: i32,
    lot: Option<String>,
    #[serde(default)]
    serials: Vec<ocop_core::digital_link::Serial>,
    qty: Quantity,
    discount: Dong,
    discount_reason: Option<String>,
    #[serde(default)]
    approved_by: Option<crate::approval::Approver>,
}

/// Whether what is typed is a name to search for rather than a code or a
/// scanned URI (a scanner types a provenance label's `https://…` one key
/// at a time: no search for any of it, its first letters "ht", "htt"
/// included — a name search waits one more letter there).
fn is_search(typed: &str) -> bool {
    const HTTP: &str = "http";
    let url_start = HTTP
        .get(..typed.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(typed))
        || typed
            .get(..HTTP.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(HTTP));
    typed.chars().any(char::is_alphabetic)
        && !typed.contains('/')
        && !url_start
        && typed.chars().count() >= 2
}

impl App {
    pub(super) fn sale_keys(&self) -> Vec<(&'static str, T)> {
        // Selling and paying first: they stay in view whatever the width.
        let mut keys = vec![("Enter", text::K_SCAN), ("F10", text::K_PAY)];
        if !self.input.is_empty() {
            keys.push(("Esc", text::K_CLEAR));
        }
        keys.extend([
            ("↑↓", text::K_PICK),
            ("F2/*", text::K_QTY),
            ("F3", text::K_DISCOUNT),
            ("Del", text::K_REMOVE),
            ("F4", text::K_PARK),
            ("F5", text::K_PARKED),
            ("F6", text::K_REFUND),
            ("F7", text::K_SHIFT),
            ("F8", text::K_LABELS),
            ("F9", text::K_REPRINT),
        ]);
        keys
    }

    pub(super) fn sale_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Char('*') => self.star(),
            KeyCode::Char(c) => {
                self.input.push(c);
                self.search();
            }
            KeyCode::Backspace => {
                self.input.pop();
                self.search();
            }
            KeyCode::Enter => self.enter(),
            KeyCode::Esc => {
                self.input.clear();
                self.results.clear();
            }
            KeyCode::Up => self.move_pick(false),
            KeyCode::Down => self.move_pick(true),
            KeyCode::Delete => self.remove_line(),
            KeyCode::F(2) => self.open_prompt_on_line(|line| Prompt::Qty { line }),
            KeyCode::F(3) => self.open_prompt_on_line(|line| Prompt::Discount { line }),
            KeyCode::F(4) => self.park(),
            KeyCode::F(5) => self.show_parked(),
            KeyCode::F(6) => self.start_refund(),
            KeyCode::F(7) => self.show_shift(),
            KeyCode::F(8) => self.start_labels(),
            KeyCode::F(9) => self.reprint_last(),
            KeyCode::F(10) => self.start_payment(),
            _ => {}
        }
    }

    fn search(&mut self) {
        self.picked = 0;
        self.results = if is_search(&self.input) {
            self.cat
                .search(&self.input, RESULTS)
                .iter()
                .map(|p| p.id)
                .collect()
        } else {
            Vec::new()
        };
    }

    fn move_pick(&mut self, down: bool) {
        let (at, len) = if self.results.is_empty() {
            (&mut self.line, self.cart.len())
        } else {
            (&mut self.picked, self.results.len())
        };
        *at = if down {
            at.saturating_add(1).min(len.saturating_sub(1))
        } else {
            at.saturating_sub(1)
        };
    }

    /// Enter: a scan adds its product (with the lot a provenance label
    /// names); otherwise the highlighted search result.
    fn enter(&mut self) {
        let typed = self.input.trim().to_owned();
        if typed.is_empty() {
            return;
        }
        // A scale's label (2x, weight in grams): the weighed line as is.
        if ocop_core::gtin::WeighedItem::parse(&typed).is_some() {
            match checkout::scan_item(&self.cat, &typed, Quantity::ONE) {
                Ok(item) => self.add_weighed(item),
                Err(e) => self.say_error(&e),
            }
            self.input.clear();
            self.results.clear();
            return;
        }
        if let Ok(Some(found)) = self.cat.scan(&typed) {
            let (id, lot, serial) = (found.product.id, found.lot, found.serial);
            return self.add(id, lot, serial);
        }
        if let Some(&id) = self.results.get(self.picked) {
            return self.add(id, None, None);
        }
        if is_search(&typed) {
            self.message = pick(
                self.lang,
                format!("Không tìm thấy \"{typed}\""),
                format!("Nothing found for \"{typed}\""),
            );
        } else if let Err(e) = checkout::scan_item(&self.cat, &typed, Quantity::ONE) {
            self.say_error(&e);
        }
        // A failed scan leaves nothing behind: the next scan is read alone
        // (issue 14: it was appended to the failed digits).
        self.input.clear();
        self.results.clear();
    }

    fn add(&mut self, product_id: i32, lot: Option<String>, serial: Option<Serial>) {
        if let Err(refused) = self.cat.check_not_recalled(product_id, lot.as_deref()) {
            self.input.clear();
            return self.say_error(&anyhow::Error::from(refused));
        }
        let at = self
            .cart
            .iter()
            .position(|l| l.product_id == product_id && l.lot == lot);
        match at.and_then(|i| self.cart.get_mut(i).map(|l| (i, l))) {
            Some((i, line)) => {
                self.line = i;
                if let Some(s) = serial.clone() {
                    // The same label scanned twice is one item, not two.
                    if line.serials.contains(&s) {
                        self.input.clear();
                        self.message = pick(
                            self.lang,
                            format!("Tem {s} đã được quét cho dòng này"),
                            format!("Label {s} is already on this line"),
                        );
                        return;
                    }
                    line.serials.push(s);
                }
                line.qty = line.qty.checked_add(Quantity::ONE).unwrap_or(line.qty);
            }
            None => {
                self.cart.push(CartItem {
                    product_id,
                    lot: lot.clone(),
                    serials: serial.into_iter().collect(),
                    qty: Quantity::ONE,
                    discount: Dong::ZERO,
                    discount_reason: None,
                    approved_by: None,
                });
                self.line = self.cart.len().saturating_sub(1);
            }
        }
        let product = self.cat.by_id(product_id);
        let name = product.map_or("?", |p| p.name.as_str());
        self.message = match lot {
            Some(lot) => format!("+ {name} (lô/lot {lot})"),
            None => format!("+ {name}"),
        };
        // Sold by weight: ask for it at once (the line is 1 until then).
        if at.is_none()
            && let Some(p) = product.filter(|p| p.fractional)
        {
            self.message = pick(
                self.lang,
                format!("+ {name} — nhập khối lượng ({})", p.unit),
                format!("+ {name} — enter the weight ({})", p.unit),
            );
            self.prompt = Some((Prompt::Weight { line: self.line }, String::new()));
        }
        // The catalogue's own warning (an expired certificate: sold from
        // stock, not received again) is worth the cashier's eye.
        if let Some(w) = product.and_then(|p| p.warning.as_deref()) {
            self.message = format!("{} — ⚠ {w}", self.message);
        }
        self.input.clear();
        self.results.clear();
    }

    /// A line read from a scale's label, with its weight.
    fn add_weighed(&mut self, item: CartItem) {
        let Some(p) = self.cat.by_id(item.product_id) else {
            return;
        };
        self.message = format!("+ {} {} {}", p.name, item.qty, p.unit);
        self.cart.push(item);
        self.line = self.cart.len().saturating_sub(1);
    }

    /// `*`: the typed number is the quantity of the highlighted line (`3*`);
    /// with nothing typed, ask for it.
    fn star(&mut self) {
        if self.input.trim().is_empty() {
            return self.open_prompt_on_line(|line| Prompt::Qty { line });
        }
        let typed = std::mem::take(&mut self.input);
        self.results.clear();
        self.set_qty(self.line, typed.trim());
    }

    fn open_prompt_on_line(&mut self, make: impl FnOnce(usize) -> Prompt) {
        if self.cart.get(self.line).is_none() {
            return self.say(text::EMPTY_CART);
        }
        self.prompt = Some((make(self.line), String::new()));
    }

    fn remove_line(&mut self) {
        if self.line < self.cart.len() {
            let gone = self.cart.remove(self.line);
            let name = self
                .cat
                .by_id(gone.product_id)
                .map_or("?", |p| p.name.as_str());
            self.message = format!("− {name}");
            self.line = self.line.min(self.cart.len().saturating_sub(1));
        }
    }

    pub(super) fn set_qty(&mut self, line: usize, typed: &str) {
        let qty = match Quantity::parse(typed) {
            Ok(q) if q.is_positive() => q,
            _ => {
                self.not_a_quantity(typed);
                return;
            }
        };
        let Some(item) = self.cart.get(line) else {
            return;
        };
        let Some(product) = self.cat.by_id(item.product_id) else {
            return;
        };
        if !qty.is_whole() && !product.fractional {
            self.message = pick(
                self.lang,
                format!("{} chỉ bán theo số nguyên", product.name),
                format!("{} is sold in whole units", product.name),
            );
            return;
        }
        if let Err(e) = line_amount(product.price, qty, item.discount) {
            return self.say_error(&anyhow::Error::from(e.refusal()));
        }
        let name = product.name.clone();
        if let Some(item) = self.cart.get_mut(line) {
            item.qty = qty;
        }
        self.message = format!("{name} × {qty}");
    }

    /// A discount typed for a line: checked against the line by the core,
    /// then applied, or held until a manager's PIN when above the limit.
    pub(super) fn ask_discount(&mut self, line: usize, typed: &str) {
        let discount = match Dong::parse(typed) {
            Ok(d) if !d.is_negative() => d,
            _ => {
                self.not_an_amount(typed);
                return;
            }
        };
        let Some(item) = self.cart.get(line) else {
            return;
        };
        let checked = crate::checkout::line_gross(&self.cat, item).and_then(|gross| {
            let price = self.cat.by_id(item.product_id).map(|p| p.price);
            line_amount(price.unwrap_or(Dong::ZERO), item.qty, discount)
                .map_err(|e| e.refusal())?;
            Ok(gross)
        });
        let gross = match checked {
            Ok(gross) => gross,
            Err(e) => return self.say_error(&e),
        };
        if !discount.is_positive() {
            return self.apply_discount(line, Dong::ZERO);
        }
        match crate::approval::discount_needs_pin(&self.store, gross, discount) {
            Ok(true) => self.prompt = Some((Prompt::Pin { line, discount }, String::new())),
            Ok(false) => self.apply_discount(line, discount),
            Err(e) => self.say_error(&e),
        }
    }

    pub(super) fn check_pin(&mut self, line: usize, discount: Dong, pin: &str) {
        match crate::approval::verify_pin(&self.store, pin) {
            Ok(Some(approver)) => {
                self.apply_discount(line, discount);
                if let Some(item) = self.cart.get_mut(line) {
                    crate::checkout::approve(item, &approver);
                }
                self.message = pick(
                    self.lang,
                    format!("{} — duyệt: {}", self.message, approver.name),
                    format!("{} — approved by {}", self.message, approver.name),
                );
            }
            Ok(None) => self.say(text::WRONG_PIN),
            Err(e) => self.say_error(&e),
        }
    }

    /// Sets a line's discount (the reason, and with it any approval, is
    /// reset: a new amount needs a new approval).
    fn apply_discount(&mut self, line: usize, discount: Dong) {
        if let Some(item) = self.cart.get_mut(line) {
            item.discount = discount;
            // The core wants a reason for every discount; an approval is
            // appended to it by `checkout::approve`.
            item.discount_reason = discount
                .is_positive()
                .then(|| text::DISCOUNT_REASON.get(Lang::Vi).to_owned());
            self.message = pick(
                self.lang,
                format!("Giảm giá dòng {}: {discount}", line.saturating_add(1)),
                format!("Line {} discount: {discount}", line.saturating_add(1)),
            );
        }
    }

    fn park(&mut self) {
        if self.cart.is_empty() {
            return self.say(text::EMPTY_CART);
        }
        let lines: Vec<ParkedLine> = self
            .cart
            .iter()
            .map(|l| ParkedLine {
                product_id: l.product_id,
                lot: l.lot.clone(),
                serials: l.serials.clone(),
                qty: l.qty,
                discount: l.discount,
                discount_reason: l.discount_reason.clone(),
                approved_by: l.approved_by.clone(),
            })
            .collect();
        let names: Vec<&str> = self
            .cart
            .iter()
            .filter_map(|l| self.cat.by_id(l.product_id).map(|p| p.name.as_str()))
            .take(2)
            .collect();
        let more = if self.cart.len() > 2 { ", …" } else { "" };
        let total = self
            .total()
            .map_or_else(|| "?".to_owned(), |t| t.to_string());
        let time = ocop_core::time::to_vn((self.clock)()).format("%H:%M");
        let label = format!("{time} — {total} — {}{more}", names.join(", "));
        let parked = serde_json::to_string(&lines)
            .map_err(anyhow::Error::from)
            .and_then(|json| self.store.park(&label, &json));
        match parked {
            Ok(_) => {
                self.cart.clear();
                self.line = 0;
                self.message = pick(
                    self.lang,
                    format!("Đã cất đơn: {label}"),
                    format!("Parked: {label}"),
                );
            }
            Err(e) => self.say_error(&e),
        }
    }

    fn show_parked(&mut self) {
        match self.store.parked() {
            Ok(list) if list.is_empty() => self.say(text::NO_PARKED),
            Ok(list) => {
                self.parked = list;
                self.parked_pick = 0;
                self.screen = Screen::Parked;
            }
            Err(e) => self.say_error(&e),
        }
    }

    pub(super) fn parked_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => self.screen = Screen::Sale,
            KeyCode::Up => self.parked_pick = self.parked_pick.saturating_sub(1),
            KeyCode::Down => {
                self.parked_pick = self
                    .parked_pick
                    .saturating_add(1)
                    .min(self.parked.len().saturating_sub(1));
            }
            KeyCode::Enter => self.resume(),
            _ => {}
        }
    }

    fn resume(&mut self) {
        if !self.cart.is_empty() {
            return self.say(text::RESUME_NEEDS_EMPTY_CART);
        }
        let Some((id, label)) = self.parked.get(self.parked_pick).cloned() else {
            return;
        };
        let lines = self.store.unpark(id).and_then(|json| {
            json.map(|j| serde_json::from_str::<Vec<ParkedLine>>(&j))
                .transpose()
                .map_err(anyhow::Error::from)
        });
        match lines {
            Ok(Some(lines)) => {
                self.cart = lines
                    .into_iter()
                    .map(|l| CartItem {
                        product_id: l.product_id,
                        lot: l.lot,
                        serials: l.serials,
                        qty: l.qty,
                        discount: l.discount,
                        discount_reason: l.discount_reason,
                        approved_by: l.approved_by,
                    })
                    .collect();
                self.line = self.cart.len().saturating_sub(1);
                self.screen = Screen::Sale;
                self.message = pick(
                    self.lang,
                    format!("Mở lại đơn: {label}"),
                    format!("Resumed: {label}"),
                );
            }
            Ok(None) => self.screen = Screen::Sale,
            Err(e) => self.say_error(&e),
        }
    }

    pub(super) fn draw_sale(&self, f: &mut Frame, area: Rect) {
        let [input, list, total] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(3),
            Constraint::Length(widgets::BIG_ROWS.saturating_add(2)),
        ])
        .areas(area);
        f.render_widget(
            Paragraph::new(format!("> {}_", self.input))
                .block(Block::bordered().title(format!(" {} ", self.t(text::SCAN_OR_TYPE)))),
            input,
        );
        if self.results.is_empty() {
            self.draw_cart(f, list);
        } else {
            self.draw_results(f, list);
        }
        self.draw_total(f, total);
    }

    fn draw_results(&self, f: &mut Frame, area: Rect) {
        let items: Vec<ListItem> = self
            .results
            .iter()
            .filter_map(|id| self.cat.by_id(*id))
            .map(|p| {
                let code = p.scan_code().unwrap_or("");
                ListItem::new(format!(
                    "{:<40} {:>14}  {code}",
                    p.name,
                    p.price.to_string()
                ))
            })
            .collect();
        let mut state = ListState::default().with_selected(Some(self.picked));
        f.render_stateful_widget(
            List::new(items)
                .highlight_symbol("▶ ")
                .highlight_style(Style::default().add_modifier(Modifier::REVERSED))
                .block(Block::bordered().title(format!(
                    " {} \"{}\" ({}) ",
                    self.t(text::RESULTS),
                    self.input,
                    self.results.len()
                ))),
            area,
            &mut state,
        );
    }

    fn draw_cart(&self, f: &mut Frame, area: Rect) {
        // The discount column only when a line has one: the name takes the
        // room, and a name still too long wraps onto a second line rather
        // than being cut (issue 14, at 80 columns).
        let any_discount = self.cart.iter().any(|l| l.discount.is_positive());
        let discount_width: u16 = if any_discount { 12 } else { 0 };
        let fixed = 3 + 7 + 11 + discount_width + 12 + 5 + 2;
        let name_width = usize::from(area.width.saturating_sub(fixed).max(8));
        let rows: Vec<Row> = self
            .cart
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let p = self.cat.by_id(l.product_id);
                let name = p.map_or("?", |p| p.name.as_str());
                let name = match &l.lot {
                    Some(lot) => format!("{name} [{lot}]"),
                    None => name.to_owned(),
                };
                let price = p.map(|p| p.price);
                let amount = price
                    .and_then(|price| line_amount(price, l.qty, l.discount).ok())
                    .map_or_else(|| "?".to_owned(), |a| a.to_string());
                let discount = if l.discount.is_positive() {
                    format!("-{}", l.discount)
                } else {
                    String::new()
                };
                let (name, height) = wrap_name(&name, name_width);
                Row::new(vec![
                    Cell::from(format!("{}", i.saturating_add(1))),
                    Cell::from(name),
                    Cell::from(l.qty.to_string()),
                    Cell::from(price.map_or_else(|| "?".to_owned(), |p| p.to_string())),
                    Cell::from(discount),
                    Cell::from(amount),
                ])
                .height(height)
            })
            .collect();
        let header = Row::new(vec![
            "#",
            self.t(text::COL_NAME),
            self.t(text::COL_QTY),
            self.t(text::COL_PRICE),
            self.t(text::COL_DISCOUNT),
            self.t(text::COL_AMOUNT),
        ])
        .style(Style::default().add_modifier(Modifier::BOLD));
        let widths = [
            Constraint::Length(3),
            Constraint::Fill(1),
            Constraint::Length(7),
            Constraint::Length(11),
            Constraint::Length(discount_width),
            Constraint::Length(12),
        ];
        let mut state = TableState::default().with_selected(
            (!self.cart.is_empty()).then_some(self.line.min(self.cart.len().saturating_sub(1))),
        );
        f.render_stateful_widget(
            Table::new(rows, widths)
                .header(header)
                .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
                .block(Block::bordered().title(format!(" {} ", self.t(text::CART)))),
            area,
            &mut state,
        );
    }

    fn draw_total(&self, f: &mut Frame, area: Rect) {
        let [count, big] =
            Layout::horizontal([Constraint::Length(24), Constraint::Fill(1)]).areas(area);
        let items = self
            .cart
            .iter()
            .try_fold(Quantity::ZERO, |sum, l| sum.checked_add(l.qty));
        let items = items.map_or_else(|| "?".to_owned(), |q| q.to_string());
        f.render_widget(
            Paragraph::new(vec![
                Line::from(format!("{} {}", self.cart.len(), self.t(text::LINES))),
                Line::from(format!("{items} {}", self.t(text::ITEMS))),
            ])
            .block(Block::bordered()),
            count,
        );
        let total = match checkout::cart_total(&self.cat, &self.cart) {
            Ok(t) => t.to_string(),
            Err(e) => format!("? ({e:#})"),
        };
        self.big(f, big, text::TOTAL, &total);
    }

    pub(super) fn draw_parked(&self, f: &mut Frame, area: Rect) {
        let items: Vec<ListItem> = self
            .parked
            .iter()
            .map(|(id, label)| ListItem::new(format!("#{id}  {label}")))
            .collect();
        let mut state = ListState::default().with_selected(Some(self.parked_pick));
        f.render_stateful_widget(
            List::new(items)
                .highlight_symbol("▶ ")
                .highlight_style(Style::default().add_modifier(Modifier::REVERSED))
                .block(Block::bordered().title(format!(" {} ", self.t(text::PARKED)))),
            area,
            &mut state,
        );
    }
}

/// A product name in `width` columns: whole on one line when it fits,
/// else wrapped at a space onto a second line (the row's height).
fn wrap_name(name: &str, width: usize) -> (Text<'static>, u16) {
    if name.chars().count() <= width {
        return (Text::from(name.to_owned()), 1);
    }
    // The last space within the width (by characters), else a hard cut.
    let mut cut = None;
    let mut hard = name.len();
    for (n, (i, c)) in name.char_indices().enumerate() {
        if n == width {
            hard = i;
            break;
        }
        if c == ' ' {
            cut = Some(i);
        }
    }
    let cut = cut.unwrap_or(hard);
    let (first, rest) = name.split_at(cut);
    (
        Text::from(vec![
            Line::from(first.trim_end().to_owned()),
            Line::from(rest.trim_start().to_owned()),
        ]),
        2,
    )
}
