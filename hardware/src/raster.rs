//! 1-bit pictures and the drawing the raster printer mode needs: text in the
//! embedded font, QR codes and EAN-13 bars. One pixel is one printer dot
//! (203 dpi, 8 dots per mm on the printers we target).
//!
//! Text is drawn from precomposed (NFC) characters, which DejaVu has for all
//! of Vietnamese, so no combining marks are stacked by hand. Anti-aliased
//! coverage is thresholded at one half: thermal heads print a dot or not.
#![expect(
    clippy::as_conversions,
    clippy::indexing_slicing,
    reason = "pixel code: coordinates are bounds-checked in `set`/`get`, and f32 <-> pixel casts are the nature of glyph rasterisation"
)]

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use qrcode::{EcLevel, QrCode};
use unicode_normalization::UnicodeNormalization;

use crate::barcode::Ean13;

/// A 1-bit picture, one byte per pixel (1 = black dot) for simple drawing;
/// packed to 8 dots per byte only when sent to the printer.
#[derive(Clone, PartialEq, Eq)]
pub struct Bitmap {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl std::fmt::Debug for Bitmap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Bitmap({}x{}, {} black)",
            self.width,
            self.height,
            self.black_pixels()
        )
    }
}

impl Bitmap {
    /// A white picture.
    pub fn new(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            pixels: vec![0; width as usize * height as usize],
        }
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// Black dot at (x, y); outside the picture is ignored (clipped).
    pub fn set(&mut self, x: i64, y: i64) {
        if x >= 0 && y >= 0 && x < i64::from(self.width) && y < i64::from(self.height) {
            self.pixels[y as usize * self.width as usize + x as usize] = 1;
        }
    }

    pub fn get(&self, x: u32, y: u32) -> bool {
        x < self.width
            && y < self.height
            && self.pixels[y as usize * self.width as usize + x as usize] == 1
    }

    pub fn fill_rect(&mut self, x: i64, y: i64, w: u32, h: u32) {
        for yy in y..y + i64::from(h) {
            for xx in x..x + i64::from(w) {
                self.set(xx, yy);
            }
        }
    }

    /// Copies the black dots of `other` with its top-left corner at (x, y).
    pub fn blit(&mut self, other: &Bitmap, x: i64, y: i64) {
        for oy in 0..other.height {
            for ox in 0..other.width {
                if other.get(ox, oy) {
                    self.set(x + i64::from(ox), y + i64::from(oy));
                }
            }
        }
    }

    /// Number of black dots (tests and debugging).
    pub fn black_pixels(&self) -> usize {
        self.pixels.iter().filter(|p| **p == 1).count()
    }

    /// Rows `y0..y1` packed for `GS v 0`: 8 dots per byte, most significant
    /// bit leftmost, 1 = print; each row padded to whole bytes.
    pub fn packed_rows(&self, y0: u32, y1: u32) -> Vec<u8> {
        let bytes_per_row = self.width.div_ceil(8) as usize;
        let mut out = vec![0u8; bytes_per_row * (y1.saturating_sub(y0)) as usize];
        for (row, y) in (y0..y1.min(self.height)).enumerate() {
            for x in 0..self.width {
                if self.get(x, y) {
                    out[row * bytes_per_row + (x / 8) as usize] |= 0x80 >> (x % 8);
                }
            }
        }
        out
    }

    /// Stacks pictures of the same width top to bottom.
    pub fn stack(parts: &[Bitmap], width: u32) -> Bitmap {
        let height = parts.iter().map(|p| p.height).sum();
        let mut out = Bitmap::new(width, height);
        let mut y = 0i64;
        for p in parts {
            out.blit(p, 0, y);
            y += i64::from(p.height);
        }
        out
    }
}

/// A font at a pixel size: what raster text is drawn with.
#[derive(Clone, Copy)]
pub struct TextFace {
    pub font: &'static FontRef<'static>,
    pub px: f32,
}

impl TextFace {
    /// Height of one line of text in dots, with room for the stacked tone
    /// marks of capitals (Ẩ, Ỗ) above and the dot below (ạ) under.
    pub fn line_height(&self) -> u32 {
        (self.px * 1.3).ceil() as u32
    }

    fn baseline(&self) -> f32 {
        // DejaVu's ascent is ~0.76 of the px scale; capitals with two marks
        // reach ~1.0 em above the baseline, so leave that much room.
        (self.px * 1.02).round()
    }

    /// Width of `text` in dots.
    pub fn measure(&self, text: &str) -> u32 {
        let scaled = self.font.as_scaled(PxScale::from(self.px));
        let mut width = 0.0f32;
        let mut prev = None;
        for c in text.nfc() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                width += scaled.kern(p, id);
            }
            width += scaled.h_advance(id);
            prev = Some(id);
        }
        width.ceil() as u32
    }

    /// Draws `text` on `bitmap` with the top of its line box at (x, y).
    pub fn draw(&self, bitmap: &mut Bitmap, x: i64, y: i64, text: &str) {
        let scale = PxScale::from(self.px);
        let scaled = self.font.as_scaled(scale);
        let baseline = y as f32 + self.baseline();
        let mut caret = x as f32;
        let mut prev = None;
        for c in text.nfc() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                caret += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(scale, point(caret, baseline));
            caret += scaled.h_advance(id);
            prev = Some(id);
            if let Some(outlined) = self.font.outline_glyph(glyph) {
                let bounds = outlined.px_bounds();
                outlined.draw(|gx, gy, coverage| {
                    if coverage >= 0.5 {
                        bitmap.set(
                            bounds.min.x as i64 + i64::from(gx),
                            bounds.min.y as i64 + i64::from(gy),
                        );
                    }
                });
            }
        }
    }
}

/// Error correction level used for every QR code we print: M (15 %), the
/// usual choice for receipts and labels (smaller symbol than H, survives
/// thermal-paper smudges).
pub const QR_EC: EcLevel = EcLevel::M;

/// A QR code with `module` dots per module and a 4-module quiet zone.
pub fn qr_bitmap(data: &str, module: u32) -> Result<Bitmap, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), QR_EC)?;
    Ok(qr_bitmap_of(&code, module))
}

/// Modules (without quiet zone) of the QR code for `data` at our EC level.
pub fn qr_modules(data: &str) -> Result<u32, qrcode::types::QrError> {
    Ok(QrCode::with_error_correction_level(data.as_bytes(), QR_EC)?.width() as u32)
}

pub(crate) fn qr_bitmap_of(code: &QrCode, module: u32) -> Bitmap {
    let n = code.width() as u32;
    let side = (n + 8) * module;
    let mut bitmap = Bitmap::new(side, side);
    let colors = code.to_colors();
    for y in 0..n {
        for x in 0..n {
            if colors[(y * n + x) as usize] == qrcode::Color::Dark {
                bitmap.fill_rect(
                    i64::from((x + 4) * module),
                    i64::from((y + 4) * module),
                    module,
                    module,
                );
            }
        }
    }
    bitmap
}

/// An EAN-13 symbol `module` dots per module, `bar_height` dots tall, with an
/// 11-module quiet zone each side and the digits printed under the bars.
pub fn ean13_bitmap(ean: &Ean13, module: u32, bar_height: u32, digits: Option<TextFace>) -> Bitmap {
    let modules = ean.modules();
    let quiet = 11;
    let width = (modules.len() as u32 + 2 * quiet) * module;
    let text_h = digits.map_or(0, |f| f.line_height());
    let mut bitmap = Bitmap::new(width, bar_height + text_h);
    for (i, bar) in modules.iter().enumerate() {
        if *bar {
            bitmap.fill_rect(
                i64::from((quiet + i as u32) * module),
                0,
                module,
                bar_height,
            );
        }
    }
    if let Some(face) = digits {
        let text = ean.as_string();
        let w = face.measure(&text);
        face.draw(
            &mut bitmap,
            i64::from(width.saturating_sub(w) / 2),
            i64::from(bar_height),
            &text,
        );
    }
    bitmap
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font;

    #[test]
    fn packed_rows_put_the_leftmost_dot_in_the_high_bit() {
        let mut b = Bitmap::new(10, 2);
        b.set(0, 0);
        b.set(9, 1);
        assert_eq!(b.packed_rows(0, 2), vec![0x80, 0x00, 0x00, 0x40]);
    }

    #[test]
    fn vietnamese_text_draws_differently_from_its_folded_form() {
        let face = TextFace {
            font: font::sans(),
            px: 24.0,
        };
        let draw = |t: &str| {
            let mut b = Bitmap::new(300, face.line_height());
            face.draw(&mut b, 0, 0, t);
            b
        };
        let vi = draw("Rượu ngô");
        let ascii = draw("Ruou ngo");
        assert!(vi.black_pixels() > ascii.black_pixels());
        assert_ne!(vi, ascii);
    }

    #[test]
    fn stacked_tone_marks_stay_inside_the_line_box() {
        // Ấ has a circumflex and an acute above the capital; ạ a dot below.
        let face = TextFace {
            font: font::sans_bold(),
            px: 24.0,
        };
        let h = face.line_height();
        let mut tall = Bitmap::new(200, h + 40);
        face.draw(&mut tall, 0, 20, "ẤỖẬỵ");
        for x in 0..200 {
            for y in 0..20 {
                assert!(!tall.get(x, y), "mark above the line box at {x},{y}");
            }
            for y in 20 + h..h + 40 {
                assert!(!tall.get(x, y), "mark below the line box at {x},{y}");
            }
        }
    }
}
