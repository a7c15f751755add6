//! Raster mode: every block is drawn into full-width 1-bit rows which are
//! sent as `GS v 0` bands of at most `band_rows` rows. Memory is one band
//! plus the tallest single block (a QR code), whatever the receipt length.

use std::io::Write;

use super::wrap;
use super::{EncodeError, PrinterProfile, commands};
use crate::document::{Align, Block, Document, Style, TextSize};
use crate::font;
use crate::raster::{Bitmap, TextFace, ean13_bitmap, qr_bitmap};

/// Font sizes in dots: normal text is about as tall as the printer's own
/// 12x24 font A, so a raster receipt is as long as a text one.
pub(crate) fn face(style: Style) -> TextFace {
    TextFace {
        font: if style.bold {
            font::sans_bold()
        } else {
            font::sans()
        },
        px: match style.size {
            TextSize::Normal => 24.0,
            TextSize::Large => 36.0,
        },
    }
}

/// Collects rows and sends them as `GS v 0` bands.
struct Bands<'a, W: Write> {
    out: &'a mut W,
    band: Bitmap,
    filled: u32,
}

impl<W: Write> Bands<'_, W> {
    fn push(&mut self, picture: &Bitmap, x: i64) -> Result<(), EncodeError> {
        for y in 0..picture.height() {
            if self.filled == self.band.height() {
                self.flush()?;
            }
            for px in 0..picture.width() {
                if picture.get(px, y) {
                    self.band.set(x + i64::from(px), i64::from(self.filled));
                }
            }
            self.filled += 1;
        }
        Ok(())
    }

    fn blank(&mut self, rows: u32) -> Result<(), EncodeError> {
        self.push(&Bitmap::new(1, rows), 0)
    }

    fn flush(&mut self) -> Result<(), EncodeError> {
        if self.filled == 0 {
            return Ok(());
        }
        write_raster(self.out, &self.band, self.filled)?;
        self.band = Bitmap::new(self.band.width(), self.band.height());
        self.filled = 0;
        Ok(())
    }
}

/// `GS v 0` for the first `rows` rows of `bitmap`.
pub(crate) fn write_raster(
    out: &mut impl Write,
    bitmap: &Bitmap,
    rows: u32,
) -> Result<(), EncodeError> {
    let too_big = || EncodeError::ImageTooWide {
        width: bitmap.width(),
        paper: 65535 * 8,
    };
    let bytes_per_row = u16::try_from(bitmap.width().div_ceil(8)).map_err(|_| too_big())?;
    let rows16 = u16::try_from(rows).map_err(|_| too_big())?;
    out.write_all(&commands::raster_header(bytes_per_row, rows16))?;
    out.write_all(&bitmap.packed_rows(0, rows))?;
    Ok(())
}

fn x_for(align: Align, width: u32, paper: u32) -> i64 {
    i64::from(match align {
        Align::Left => 0,
        Align::Center => paper.saturating_sub(width) / 2,
        Align::Right => paper.saturating_sub(width),
    })
}

fn text_line(face: TextFace, paper: u32, text: &str, align: Align) -> Bitmap {
    let mut line = Bitmap::new(paper, face.line_height());
    face.draw(&mut line, x_for(align, face.measure(text), paper), 0, text);
    line
}

/// Picture of a QR code for this profile, shrinking the module size if the
/// symbol would not fit the paper.
pub(crate) fn qr_for_paper(data: &str, profile: &PrinterProfile) -> Result<Bitmap, EncodeError> {
    let too_large = || EncodeError::QrTooLarge { len: data.len() };
    let modules = crate::raster::qr_modules(data).map_err(|_| too_large())? + 8;
    let module = profile.qr_module.min(profile.paper.dots() / modules);
    if module < 2 {
        return Err(too_large());
    }
    qr_bitmap(data, module).map_err(|_| too_large())
}

pub(super) fn encode(
    doc: &Document,
    profile: &PrinterProfile,
    out: &mut impl Write,
) -> Result<(), EncodeError> {
    let paper = profile.paper.dots();
    out.write_all(&commands::INIT)?;
    let mut bands = Bands {
        out,
        band: Bitmap::new(paper, profile.band_rows.max(1)),
        filled: 0,
    };
    for block in &doc.blocks {
        match block {
            Block::Text { text, align, style } => {
                let face = face(*style);
                let measure = |s: &str| face.measure(s);
                for line in wrap::wrap(text, paper, &measure) {
                    bands.push(&text_line(face, paper, &line, *align), 0)?;
                }
            }
            Block::Row { left, right, style } => {
                let face = face(*style);
                let measure = |s: &str| face.measure(s);
                let gap = face.measure("  ");
                for (l, r) in wrap::row(left, right, paper, gap, &measure) {
                    let mut line = text_line(face, paper, &l, Align::Left);
                    face.draw(
                        &mut line,
                        x_for(Align::Right, face.measure(&r), paper),
                        0,
                        &r,
                    );
                    bands.push(&line, 0)?;
                }
            }
            Block::Separator => {
                let mut line = Bitmap::new(paper, 14);
                for x in (0..paper).step_by(8) {
                    line.fill_rect(i64::from(x), 6, 5, 2);
                }
                bands.push(&line, 0)?;
            }
            Block::Qr { data } => {
                let qr = qr_for_paper(data, profile)?;
                bands.push(&qr, x_for(Align::Center, qr.width(), paper))?;
            }
            Block::Barcode { ean13 } => {
                let bars = ean13_bitmap(ean13, 3, 96, Some(face(Style::NORMAL)));
                bands.blank(8)?;
                bands.push(&bars, x_for(Align::Center, bars.width(), paper))?;
            }
            Block::Image(picture) => {
                if picture.width() > paper {
                    return Err(EncodeError::ImageTooWide {
                        width: picture.width(),
                        paper,
                    });
                }
                bands.push(picture, x_for(Align::Center, picture.width(), paper))?;
            }
            Block::Feed(n) => {
                bands.flush()?;
                bands.out.write_all(&commands::feed(*n))?;
            }
            Block::Cut => {
                bands.flush()?;
                bands
                    .out
                    .write_all(&commands::feed(profile.feed_before_cut))?;
                bands.out.write_all(&commands::cut(0))?;
            }
            Block::OpenDrawer => {
                bands.flush()?;
                bands.out.write_all(&commands::OPEN_DRAWER)?;
            }
        }
    }
    bands.flush()?;
    bands.out.flush()?;
    Ok(())
}
