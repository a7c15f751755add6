//! Drawing helpers shared by the screens: the total in large digits, the
//! VietQR code in half blocks, the key-hint bar and the status line.
//!
//! Nothing here computes money: amounts arrive formatted by
//! `ocop_core::money::Dong`'s `Display` and are only redrawn larger.

use ocop_core::i18n::Lang;
use qrcode::render::unicode::Dense1x2;
use qrcode::{EcLevel, QrCode};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::text::{self, T};

/// Rows of a large digit.
pub const BIG_ROWS: u16 = 5;

/// A 3×5 block font for the characters of a formatted amount.
fn glyph(c: char) -> Option<[&'static str; 5]> {
    Some(match c {
        '0' => ["███", "█ █", "█ █", "█ █", "███"],
        '1' => [" █ ", "██ ", " █ ", " █ ", "███"],
        '2' => ["███", "  █", "███", "█  ", "███"],
        '3' => ["███", "  █", "███", "  █", "███"],
        '4' => ["█ █", "█ █", "███", "  █", "  █"],
        '5' => ["███", "█  ", "███", "  █", "███"],
        '6' => ["███", "█  ", "███", "█ █", "███"],
        '7' => ["███", "  █", "  █", "  █", "  █"],
        '8' => ["███", "█ █", "███", "█ █", "███"],
        '9' => ["███", "█ █", "███", "  █", "███"],
        '.' => [" ", " ", " ", " ", "▄"],
        '-' => ["   ", "   ", "███", "   ", "   "],
        _ => return None,
    })
}

/// The five rows that draw `amount` (as `Dong` displays it: `450.000 ₫`)
/// in large digits, followed by a small `₫` on the last row.
pub fn big_amount(amount: &str) -> Vec<String> {
    let mut rows = vec![String::new(); usize::from(BIG_ROWS)];
    for c in amount.chars() {
        if let Some(g) = glyph(c) {
            for (row, part) in rows.iter_mut().zip(g) {
                row.push_str(part);
                row.push(' ');
            }
        }
    }
    // The small `₫` sits on the baseline; the rows above keep the width.
    for (i, row) in rows.iter_mut().enumerate() {
        row.push(if i + 1 == usize::from(BIG_ROWS) {
            '₫'
        } else {
            ' '
        });
    }
    rows
}

/// The QR code of `payload` as rows of half blocks: one terminal cell is
/// one module wide and two modules high (cells are about twice as tall as
/// wide, so modules come out square), dark modules drawn in the glyph's
/// colour. A quiet zone of two modules is added around it; draw it with
/// [`qr_style`] so the dark modules are black on white on any terminal.
pub fn qr_rows(payload: &str) -> Result<Vec<String>, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)?;
    let image = code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Dark)
        .light_color(Dense1x2::Light)
        .quiet_zone(false)
        .build();
    let body: Vec<String> = image.lines().map(|l| format!("  {l}  ")).collect();
    let width = body.first().map_or(0, |l| l.chars().count());
    let blank = " ".repeat(width);
    let mut rows = Vec::with_capacity(body.len().saturating_add(2));
    rows.push(blank.clone());
    rows.extend(body);
    rows.push(blank);
    Ok(rows)
}

/// Black modules on white paper, whatever the terminal's own colours.
pub fn qr_style() -> Style {
    Style::default().fg(Color::Black).bg(Color::White)
}

/// One key hint per entry: the key in reverse video, then what it does;
/// lines break between hints, never inside one, to fit `width`.
/// Digits as typed, grouped by thousands as money is shown (`1000000` →
/// `1.000.000`); anything else (a decimal point, letters) as typed.
pub fn grouped(typed: &str) -> String {
    if typed.is_empty() || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return typed.to_owned();
    }
    let digits = typed.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

pub fn hints(lang: Lang, keys: &[(&str, T)], width: u16) -> Vec<Line<'static>> {
    let mut lines = vec![Line::default()];
    for (key, what) in keys {
        let key = Span::styled(
            format!(" {key} "),
            Style::default().add_modifier(Modifier::REVERSED),
        );
        let what = Span::raw(format!(" {}  ", what.get(lang)));
        let needed = key.width().saturating_add(what.width());
        if let Some(line) = lines.last()
            && line.width() > 0
            && line.width().saturating_add(needed) > usize::from(width)
        {
            lines.push(Line::default());
        }
        if let Some(line) = lines.last_mut() {
            line.spans.push(key);
            line.spans.push(what);
        }
    }
    lines
}

/// What the status line shows about the printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterState {
    NotConfigured,
    Ready,
    Printed,
    Failed(String),
}

/// Everything the status line shows, gathered by the app.
#[derive(Debug, Clone)]
pub struct Status<'a> {
    pub online: Option<bool>,
    pub queued: i64,
    pub rejected: i64,
    pub printer: &'a PrinterState,
    pub catalogue_version: Option<i64>,
    pub clock: &'a str,
}

/// The status line for a terminal `width` cells wide. The clock always
/// shows whole at the end (an 80-column terminal cut it, issue 14): when
/// everything does not fit, what comes before it is shortened with "…",
/// from its end, so the network state and the queue stay.
pub fn status_line(lang: Lang, s: &Status<'_>, width: u16) -> Line<'static> {
    let clock = format!(" │ {}", s.clock);
    let room = usize::from(width).saturating_sub(Span::raw(clock.as_str()).width());
    let mut line = truncate(status_spans(lang, s), room);
    line.spans.push(Span::raw(clock));
    line
}

/// `spans` cut to `room` cells, the last one kept ending in "…" when cut.
fn truncate(spans: Vec<Span<'static>>, room: usize) -> Line<'static> {
    if Line::from(spans.clone()).width() <= room {
        return Line::from(spans);
    }
    let mut kept = Vec::new();
    let mut used = 0;
    // Leaves a cell for the ellipsis.
    let budget = room.saturating_sub(1);
    for span in spans {
        let w = span.width();
        if used + w <= budget {
            used += w;
            kept.push(span);
            continue;
        }
        let mut part = String::new();
        for c in span.content.chars() {
            let cw = Span::raw(c.to_string()).width();
            if used + cw > budget {
                break;
            }
            used += cw;
            part.push(c);
        }
        part.push('…');
        kept.push(Span::styled(part, span.style));
        break;
    }
    Line::from(kept)
}

fn status_spans(lang: Lang, s: &Status<'_>) -> Vec<Span<'static>> {
    let (link, link_style) = match s.online {
        Some(true) => (text::ONLINE, Style::default().fg(Color::Green)),
        Some(false) => (text::OFFLINE, Style::default().fg(Color::Red)),
        None => (text::UNKNOWN_LINK, Style::default()),
    };
    let version = s
        .catalogue_version
        .map_or_else(|| "—".to_owned(), |v| format!("v{v}"));
    let mut spans = vec![
        Span::styled(
            link.get(lang).to_owned(),
            link_style.add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(" │ {}: {}", text::QUEUED.get(lang), s.queued)),
    ];
    if s.rejected > 0 {
        spans.push(Span::styled(
            format!(" │ {}: {}", text::REJECTED.get(lang), s.rejected),
            Style::default().fg(Color::Red),
        ));
    }
    // The catalogue (and offline selling) before the printer: a long
    // printer error is what gets shortened on a narrow terminal.
    if s.online == Some(false) {
        spans.push(Span::raw(format!(
            " │ {} {version}",
            text::OFFLINE_SELLING.get(lang)
        )));
    } else {
        spans.push(Span::raw(format!(
            " │ {} {version}",
            text::CATALOGUE.get(lang)
        )));
    }
    let printer = match s.printer {
        PrinterState::NotConfigured => text::PRINTER_NONE.get(lang).to_owned(),
        PrinterState::Ready => text::PRINTER_READY.get(lang).to_owned(),
        PrinterState::Printed => text::PRINTER_OK.get(lang).to_owned(),
        PrinterState::Failed(e) => format!("{}: {e}", text::PRINTER_FAILED.get(lang)),
    };
    let printer_style = match s.printer {
        PrinterState::Failed(_) => Style::default().fg(Color::Red),
        _ => Style::default(),
    };
    spans.push(Span::raw(format!(" │ {}: ", text::PRINTER.get(lang))));
    spans.push(Span::styled(printer, printer_style));
    spans
}
