//! Provenance labels (tem truy xuất nguồn gốc): QR code of the product's
//! Digital Link / provenance URL on the left; star rating and the OCOP mark,
//! product name, producer, lot and expiry on the right. Drawn as one 1-bit
//! picture per label at 8 dots/mm for ESC/POS label rolls (one label per
//! cut); `crate::pdf` lays the same content out on A4 sticker sheets.

use chrono::NaiveDate;

use crate::document::{Block, Document};
use crate::escpos::wrap::wrap;
use crate::font;
use crate::raster::{Bitmap, TextFace, qr_bitmap, qr_modules};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenanceLabelView {
    /// What the QR code holds: the GS1 Digital Link or provenance URL.
    pub url: String,
    pub product_name: String,
    pub producer: String,
    pub lot: Option<String>,
    pub expiry: Option<NaiveDate>,
    /// OCOP star rating, 1-5.
    pub stars: u8,
}

impl ProvenanceLabelView {
    /// `OCOP ★★★★`.
    pub fn stars_line(&self) -> String {
        format!("OCOP {}", "★".repeat(usize::from(self.stars.min(5))))
    }

    /// `Lô: L2611 · HSD: 31/12/2027`, or what of it is known.
    pub fn lot_expiry_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(lot) = &self.lot {
            lines.push(format!("Lô: {lot}"));
        }
        if let Some(expiry) = self.expiry {
            lines.push(format!("HSD: {}", expiry.format("%d/%m/%Y")));
        }
        lines
    }
}

/// Label stock sizes for ESC/POS label printers (203 dpi).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelSize {
    Mm40x30,
    Mm50x30,
}

impl LabelSize {
    /// (width, height) in dots, 8 per mm.
    pub fn dots(self) -> (u32, u32) {
        match self {
            LabelSize::Mm40x30 => (320, 240),
            LabelSize::Mm50x30 => (400, 240),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error("the label URL is too long ({len} bytes) for a QR code readable on this label")]
    UrlTooLong { len: usize },
}

const MARGIN: u32 = 8;

/// Draws one label.
pub fn label_bitmap(view: &ProvenanceLabelView, size: LabelSize) -> Result<Bitmap, LabelError> {
    let (w, h) = size.dots();
    let mut bitmap = Bitmap::new(w, h);
    let too_long = LabelError::UrlTooLong {
        len: view.url.len(),
    };
    // The QR code takes the left part; its own 4-module quiet zone doubles
    // as the label margin. At least 3 dots per module for phone cameras.
    let n = qr_modules(&view.url).map_err(|_| too_long.clone())? + 8;
    let module = ((h - MARGIN) / n).min(w * 11 / 20 / n).min(5);
    if module < 3 {
        return Err(too_long);
    }
    let qr = qr_bitmap(&view.url, module).map_err(|_| too_long)?;
    bitmap.blit(&qr, 0, i64::from(h.saturating_sub(qr.height()) / 2));
    // Text column: to the right of the QR code's dark modules.
    let x0 = qr.width() - 3 * module;
    let text_w = w - x0 - MARGIN;
    let small = TextFace {
        font: font::sans(),
        px: 17.0,
    };
    let bold = TextFace {
        font: font::sans_bold(),
        px: 19.0,
    };
    let mark = TextFace {
        font: font::sans_bold(),
        px: 19.0,
    };
    let mut lines: Vec<(TextFace, String)> = vec![(mark, view.stars_line())];
    let fixed: Vec<(TextFace, String)> = view
        .lot_expiry_lines()
        .into_iter()
        .map(|l| (small, l))
        .collect();
    let budget = h - 2 * MARGIN;
    let used = |ls: &[(TextFace, String)]| ls.iter().map(|(f, _)| f.line_height() - 3).sum::<u32>();
    // Name (up to 3 lines), then producer (up to 2), as space allows.
    let mut flexible = Vec::new();
    for (face, text, max_lines) in [
        (bold, &view.product_name, 3usize),
        (small, &view.producer, 2),
    ] {
        let measure = |s: &str| face.measure(s);
        let mut wrapped = wrap(text, text_w, &measure);
        if wrapped.len() > max_lines {
            wrapped.truncate(max_lines);
            if let Some(last) = wrapped.last_mut() {
                while !last.is_empty() && face.measure(&format!("{last}…")) > text_w {
                    last.pop();
                }
                last.push('…');
            }
        }
        flexible.extend(wrapped.into_iter().map(|l| (face, l)));
    }
    while !flexible.is_empty() && used(&lines) + used(&flexible) + used(&fixed) > budget {
        flexible.pop();
    }
    lines.extend(flexible);
    lines.extend(fixed);
    // Centre the text block vertically against the QR code.
    let mut y = i64::from(MARGIN + budget.saturating_sub(used(&lines)) / 2);
    for (face, text) in &lines {
        face.draw(&mut bitmap, i64::from(x0), y, text);
        y += i64::from(face.line_height() - 3);
    }
    Ok(bitmap)
}

/// A print job of labels, one per cut.
pub fn labels_document(
    views: &[ProvenanceLabelView],
    size: LabelSize,
) -> Result<Document, LabelError> {
    let mut doc = Document::new();
    for view in views {
        doc.push(Block::Image(label_bitmap(view, size)?));
        doc.push(Block::Cut);
    }
    Ok(doc)
}
