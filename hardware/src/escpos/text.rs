//! Text modes: the printer's own font, with Windows-1258 or folded ASCII.
//! Layout is in character columns (font A: 32 on 58 mm, 48 on 80 mm;
//! double-size characters take two). QR codes and EAN-13 use the printer's
//! native commands; pictures (labels) still go as `GS v 0`.

use std::io::Write;

use unicode_normalization::UnicodeNormalization;

use super::raster::write_raster;
use super::wrap;
use super::{CodePage, EncodeError, Mode, PrinterProfile, commands, cp1258};
use crate::document::{Align, Block, Document, Style, TextSize};
use crate::raster::Bitmap;

/// Text to bytes for the profile's mode.
pub(crate) fn encode_text(mode: Mode, text: &str) -> Vec<u8> {
    match mode {
        Mode::CodePage {
            page: CodePage::Cp1258,
            ..
        } => cp1258::encode(text),
        Mode::Ascii | Mode::Raster => ascii(text).into_bytes(),
    }
}

/// Folds Vietnamese to ASCII ("Rượu ngô" -> "Ruou ngo"); other characters
/// become an ASCII stand-in or `?`. The result is pure ASCII.
pub fn ascii(text: &str) -> String {
    let folded = ocop_core::text::fold_diacritics(text);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(cp1258::symbol_fallback(c));
        }
    }
    out
}

/// Columns a text takes: one per composed character.
fn columns(text: &str, style: Style) -> u32 {
    let n = u32::try_from(text.nfc().count()).unwrap_or(u32::MAX);
    match style.size {
        TextSize::Normal => n,
        TextSize::Large => n.saturating_mul(2),
    }
}

fn align_byte(align: Align) -> u8 {
    match align {
        Align::Left => 0,
        Align::Center => 1,
        Align::Right => 2,
    }
}

/// The printer's current justification and style, so only changes are sent
/// (after `ESC @`: left, not bold, normal size).
#[derive(Default)]
struct Current {
    align: u8,
    style: Style,
}

impl Current {
    fn set(&mut self, out: &mut impl Write, align: Align, style: Style) -> std::io::Result<()> {
        let align = align_byte(align);
        if align != self.align {
            out.write_all(&commands::justify(align))?;
        }
        if style.bold != self.style.bold {
            out.write_all(&commands::bold(style.bold))?;
        }
        if style.size != self.style.size {
            out.write_all(&commands::size(style.size == TextSize::Large))?;
        }
        self.align = align;
        self.style = style;
        Ok(())
    }
}

pub(super) fn encode(
    doc: &Document,
    profile: &PrinterProfile,
    out: &mut impl Write,
) -> Result<(), EncodeError> {
    let mode = profile.mode;
    // In ASCII mode the text fed to the layout is already folded, so widths
    // are those of what is printed.
    let prepare = |s: &str| -> String {
        match mode {
            Mode::Ascii | Mode::Raster => ascii(s),
            Mode::CodePage { .. } => s.to_string(),
        }
    };
    let cols = profile.paper.columns();
    out.write_all(&commands::INIT)?;
    out.write_all(&commands::CANCEL_KANJI)?;
    if let Mode::CodePage { esc_t, .. } = mode {
        out.write_all(&commands::code_table(esc_t))?;
    }
    let mut current = Current::default();
    for block in &doc.blocks {
        match block {
            Block::Text { text, align, style } => {
                let measure = |s: &str| columns(s, *style);
                current.set(out, *align, *style)?;
                for line in wrap::wrap(&prepare(text), cols, &measure) {
                    out.write_all(&encode_text(mode, &line))?;
                    out.write_all(&[commands::LF])?;
                }
            }
            Block::Row { left, right, style } => {
                let measure = |s: &str| columns(s, *style);
                let step = measure(" ").max(1);
                current.set(out, Align::Left, *style)?;
                for (l, r) in wrap::row(&prepare(left), &prepare(right), cols, step, &measure) {
                    let pad = (cols.saturating_sub(measure(&l) + measure(&r)) / step)
                        .max(if r.is_empty() { 0 } else { 1 });
                    let line = format!("{l}{}{r}", " ".repeat(usize::try_from(pad).unwrap_or(1)));
                    out.write_all(&encode_text(mode, line.trim_end()))?;
                    out.write_all(&[commands::LF])?;
                }
            }
            Block::Separator => {
                current.set(out, Align::Left, Style::NORMAL)?;
                out.write_all("-".repeat(usize::try_from(cols).unwrap_or(32)).as_bytes())?;
                out.write_all(&[commands::LF])?;
            }
            Block::Qr { data } => {
                // Fail here, not on paper, if the symbol cannot exist.
                let modules = crate::raster::qr_modules(data)
                    .map_err(|_| EncodeError::QrTooLarge { len: data.len() })?
                    + 8;
                let module = profile.qr_module.min(profile.paper.dots() / modules);
                let command = u8::try_from(module)
                    .ok()
                    .filter(|m| *m >= 2)
                    .and_then(|m| commands::qr_native(data.as_bytes(), m))
                    .ok_or(EncodeError::QrTooLarge { len: data.len() })?;
                current.set(out, Align::Center, Style::NORMAL)?;
                out.write_all(&command)?;
            }
            Block::Barcode { ean13 } => {
                current.set(out, Align::Center, Style::NORMAL)?;
                out.write_all(&commands::ean13_native(&ean13.as_string(), 3, 96))?;
            }
            Block::Image(picture) => {
                current.set(out, Align::Left, Style::NORMAL)?;
                let paper = profile.paper.dots();
                if picture.width() > paper {
                    return Err(EncodeError::ImageTooWide {
                        width: picture.width(),
                        paper,
                    });
                }
                // Centre by drawing into a full-width picture: printers
                // differ on whether `ESC a` moves raster images.
                let mut full = Bitmap::new(paper, picture.height());
                full.blit(picture, i64::from((paper - picture.width()) / 2), 0);
                for y0 in (0..full.height())
                    .step_by(usize::try_from(profile.band_rows.max(1)).unwrap_or(128))
                {
                    let rows = profile.band_rows.min(full.height() - y0);
                    let mut band = Bitmap::new(paper, rows);
                    band.blit(&full, 0, -i64::from(y0));
                    write_raster(out, &band, rows)?;
                }
            }
            Block::Feed(n) => out.write_all(&commands::feed(*n))?,
            Block::Cut => {
                out.write_all(&commands::feed(profile.feed_before_cut))?;
                out.write_all(&commands::cut(0))?;
            }
            Block::OpenDrawer => out.write_all(&commands::OPEN_DRAWER)?,
        }
    }
    out.flush()?;
    Ok(())
}
