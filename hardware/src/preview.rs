//! A reader for exactly the ESC/POS subset we emit (`crate::escpos::commands`)
//! that draws what the paper would show: raster images as sent, text in the
//! printer's font A grid (12x24 dots) drawn with Noto Sans Mono, native QR
//! codes (`GS ( k`, Model 2) and EAN-13 (`GS k 67`) drawn as real symbols.
//!
//! Any byte sequence outside that subset is an error with its offset, never
//! skipped: the preview is also how the tests prove our bytes are what we
//! think they are. Model 1 QR codes (the `escpos` crate's default) are
//! rejected on purpose.

use std::io::Write;
use std::path::Path;

use qrcode::{EcLevel, QrCode};

use crate::barcode::Ean13;
use crate::escpos::{CodePage, Mode, PrinterProfile, cp1258};
use crate::font;
use crate::raster::{Bitmap, TextFace, ean13_bitmap, qr_bitmap_of};

/// Why a byte stream could not be previewed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PreviewError {
    #[error("unknown or unsupported command at byte {offset}: {bytes:02X?}")]
    Unknown { offset: usize, bytes: Vec<u8> },
    #[error("command at byte {offset} is cut short")]
    Truncated { offset: usize },
    #[error("code table {n} (ESC t) at byte {offset} is not the profile's")]
    CodeTable { offset: usize, n: u8 },
    #[error("byte {byte:#04X} at {offset} is not printable in the selected code table")]
    Unprintable { offset: usize, byte: u8 },
    #[error("QR code at byte {offset}: {reason}")]
    Qr { offset: usize, reason: String },
    #[error("barcode at byte {offset}: {reason}")]
    Barcode { offset: usize, reason: String },
    #[error("raster image at byte {offset} is {width} dots wide, paper is {paper}")]
    TooWide {
        offset: usize,
        width: u32,
        paper: u32,
    },
    #[error("writing the PNG failed: {0}")]
    Png(String),
}

/// What the paper shows, plus what could not be drawn (text, drawer).
#[derive(Debug, Clone)]
pub struct Preview {
    /// The paper, printed dots black.
    pub paper: Bitmap,
    /// Every printed text line in the printer's font, decoded and composed
    /// (NFC), in order. Empty in raster mode.
    pub text_lines: Vec<String>,
    /// Cuts, in order, as the row where each happened.
    pub cuts: Vec<u32>,
    /// How many times the cash drawer was pulsed.
    pub drawer_pulses: usize,
    /// The decoded command stream, one command a line (for snapshots).
    pub commands: Vec<String>,
}

/// Rows per text line of font A (24 dots plus the default line spacing).
const LINE_PITCH: u32 = 32;
const CELL_W: u32 = 12;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    Ascii,
    Cp1258,
}

struct State<'p> {
    profile: &'p PrinterProfile,
    rows: Vec<Bitmap>,
    y: u32,
    line: Vec<u8>,
    align: u8,
    bold: bool,
    width_mul: u32,
    height_mul: u32,
    table: Table,
    qr_module: u32,
    qr_ec: EcLevel,
    qr_data: Option<Vec<u8>>,
    bar_height: u32,
    bar_module: u32,
    hri_below: bool,
    out: Preview,
}

impl State<'_> {
    fn width(&self) -> u32 {
        self.profile.paper.dots()
    }

    /// Places a picture at the current row, aligned, and moves down.
    fn place(&mut self, picture: Bitmap, aligned: bool) {
        let x = if aligned {
            let free = self.width().saturating_sub(picture.width());
            match self.align {
                1 => free / 2,
                2 => free,
                _ => 0,
            }
        } else {
            0
        };
        let mut row = Bitmap::new(self.width(), picture.height());
        row.blit(&picture, i64::from(x), 0);
        self.y += row.height();
        self.rows.push(row);
    }

    fn blank(&mut self, rows: u32) {
        self.place(Bitmap::new(self.width(), rows), false);
    }

    fn decode_line(&self) -> String {
        match self.table {
            Table::Cp1258 => cp1258::decode(&self.line),
            Table::Ascii => self.line.iter().map(|b| char::from(*b)).collect(),
        }
    }

    /// `LF` or `ESC d`: prints the line buffer (or feeds one empty line).
    fn print_line(&mut self) -> Option<String> {
        let text = self.decode_line();
        self.line.clear();
        let pitch = LINE_PITCH * self.height_mul;
        if text.is_empty() {
            self.blank(pitch);
            return None;
        }
        let cell_w = CELL_W * self.width_mul;
        let face = TextFace {
            font: font::mono(),
            px: 24.0 * f32::from(u16::try_from(self.height_mul).unwrap_or(8)),
        };
        let n = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
        let mut picture = Bitmap::new(n.saturating_mul(cell_w).min(self.width() * 2), pitch);
        for (i, c) in (0u32..).zip(text.chars()) {
            let x = i64::from(i * cell_w);
            let mut cell = Bitmap::new(cell_w, pitch);
            face.draw(&mut cell, 0, 0, &c.to_string());
            picture.blit(&cell, x, 0);
            if self.bold {
                picture.blit(&cell, x + 1, 0);
            }
        }
        self.out.text_lines.push(text.clone());
        self.place(picture, true);
        Some(text)
    }
}

fn need(bytes: &[u8], offset: usize, n: usize) -> Result<&[u8], PreviewError> {
    bytes
        .get(offset..offset + n)
        .ok_or(PreviewError::Truncated { offset })
}

/// Decodes `bytes` as sent to a printer of `profile`.
pub fn render(bytes: &[u8], profile: &PrinterProfile) -> Result<Preview, PreviewError> {
    let mut s = State {
        profile,
        rows: Vec::new(),
        y: 0,
        line: Vec::new(),
        align: 0,
        bold: false,
        width_mul: 1,
        height_mul: 1,
        table: Table::Ascii,
        qr_module: 3,
        qr_ec: EcLevel::L,
        qr_data: None,
        bar_height: 162,
        bar_module: 3,
        hri_below: false,
        out: Preview {
            paper: Bitmap::new(profile.paper.dots(), 0),
            text_lines: Vec::new(),
            cuts: Vec::new(),
            drawer_pulses: 0,
            commands: Vec::new(),
        },
    };
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        let at = i;
        let unknown = |n: usize| PreviewError::Unknown {
            offset: at,
            bytes: bytes
                .get(at..(at + n).min(bytes.len()))
                .unwrap_or_default()
                .to_vec(),
        };
        match b {
            0x0a => {
                if let Some(text) = s.print_line() {
                    s.out.commands.push(format!("TEXT {text:?}"));
                }
                s.out.commands.push("LF".into());
                i += 1;
            }
            0x1b => {
                let p = need(bytes, i, 2)?;
                match p.get(1) {
                    Some(0x40) => {
                        s.out.commands.push("ESC @".into());
                        s.line.clear();
                        s.align = 0;
                        s.bold = false;
                        s.width_mul = 1;
                        s.height_mul = 1;
                        s.table = Table::Ascii;
                        i += 2;
                    }
                    Some(0x74) => {
                        let n = *need(bytes, i, 3)?.get(2).unwrap_or(&0);
                        s.table = match (n, profile.mode) {
                            (0, _) => Table::Ascii,
                            (
                                n,
                                Mode::CodePage {
                                    page: CodePage::Cp1258,
                                    esc_t,
                                },
                            ) if n == esc_t => Table::Cp1258,
                            _ => return Err(PreviewError::CodeTable { offset: at, n }),
                        };
                        s.out.commands.push(format!("ESC t {n}"));
                        i += 3;
                    }
                    Some(0x61) => {
                        let n = *need(bytes, i, 3)?.get(2).unwrap_or(&0);
                        s.align = match n {
                            0 | 48 => 0,
                            1 | 49 => 1,
                            2 | 50 => 2,
                            _ => return Err(unknown(3)),
                        };
                        s.out.commands.push(format!("ESC a {n}"));
                        i += 3;
                    }
                    Some(0x45) => {
                        let n = *need(bytes, i, 3)?.get(2).unwrap_or(&0);
                        s.bold = n & 1 == 1;
                        s.out.commands.push(format!("ESC E {n}"));
                        i += 3;
                    }
                    Some(0x64) => {
                        let n = *need(bytes, i, 3)?.get(2).unwrap_or(&0);
                        if !s.line.is_empty()
                            && let Some(text) = s.print_line()
                        {
                            s.out.commands.push(format!("TEXT {text:?}"));
                        }
                        s.out.commands.push(format!("ESC d {n}"));
                        s.blank(u32::from(n) * LINE_PITCH);
                        i += 3;
                    }
                    Some(0x70) => {
                        let p = need(bytes, i, 5)?;
                        s.out
                            .commands
                            .push(format!("ESC p {:?}", p.get(2..5).unwrap_or_default()));
                        s.out.drawer_pulses += 1;
                        i += 5;
                    }
                    _ => return Err(unknown(2)),
                }
            }
            0x1c => match need(bytes, i, 2)?.get(1) {
                Some(0x2e) => {
                    s.out.commands.push("FS .".into());
                    i += 2;
                }
                _ => return Err(unknown(2)),
            },
            0x1d => {
                let p = need(bytes, i, 2)?;
                match p.get(1) {
                    Some(0x21) => {
                        let n = *need(bytes, i, 3)?.get(2).unwrap_or(&0);
                        s.width_mul = u32::from(n >> 4) + 1;
                        s.height_mul = u32::from(n & 0x07) + 1;
                        s.out.commands.push(format!("GS ! {n:#04x}"));
                        i += 3;
                    }
                    Some(0x76) => {
                        let h = need(bytes, i, 8)?;
                        let (m, xl, xh, yl, yh) = match h {
                            [_, _, 0x30, m, xl, xh, yl, yh] => (*m, *xl, *xh, *yl, *yh),
                            _ => return Err(unknown(3)),
                        };
                        if m != 0 && m != 48 {
                            return Err(unknown(4));
                        }
                        let bpr = usize::from(u16::from_le_bytes([xl, xh]));
                        let rows = usize::from(u16::from_le_bytes([yl, yh]));
                        let data = need(bytes, i + 8, bpr * rows)?;
                        let width = u32::from(u16::from_le_bytes([xl, xh])) * 8;
                        if width > s.width() {
                            return Err(PreviewError::TooWide {
                                offset: at,
                                width,
                                paper: s.width(),
                            });
                        }
                        let height = u32::from(u16::from_le_bytes([yl, yh]));
                        let mut picture = Bitmap::new(width, height);
                        for (idx, byte) in data.iter().enumerate() {
                            for bit in 0..8u32 {
                                if byte & (0x80 >> bit) != 0 {
                                    let x = u32::try_from(idx % bpr).unwrap_or(0) * 8 + bit;
                                    let y = u32::try_from(idx / bpr).unwrap_or(0);
                                    picture.set(i64::from(x), i64::from(y));
                                }
                            }
                        }
                        s.out.commands.push(format!("GS v 0 {}x{}", width, height));
                        s.place(picture, true);
                        i += 8 + bpr * rows;
                    }
                    Some(0x56) => {
                        let m = *need(bytes, i, 3)?.get(2).unwrap_or(&0);
                        let len = match m {
                            0 | 1 | 48 | 49 => 3,
                            65 | 66 => 4,
                            _ => return Err(unknown(3)),
                        };
                        need(bytes, i, len)?;
                        s.out.commands.push(format!("GS V {m}"));
                        s.out.cuts.push(s.y);
                        // Show the cut as a dotted line across the paper.
                        let mut cut = Bitmap::new(s.width(), 9);
                        for x in (0..s.width()).step_by(6) {
                            cut.fill_rect(i64::from(x), 4, 2, 1);
                        }
                        s.place(cut, false);
                        i += len;
                    }
                    Some(0x28) => i = qr_command(&mut s, bytes, i)?,
                    Some(0x48) => {
                        let n = *need(bytes, i, 3)?.get(2).unwrap_or(&0);
                        s.hri_below = matches!(n, 2 | 3 | 50 | 51);
                        s.out.commands.push(format!("GS H {n}"));
                        i += 3;
                    }
                    Some(0x68) => {
                        let n = *need(bytes, i, 3)?.get(2).unwrap_or(&0);
                        s.bar_height = u32::from(n).max(1);
                        s.out.commands.push(format!("GS h {n}"));
                        i += 3;
                    }
                    Some(0x77) => {
                        let n = *need(bytes, i, 3)?.get(2).unwrap_or(&0);
                        s.bar_module = u32::from(n).clamp(1, 6);
                        s.out.commands.push(format!("GS w {n}"));
                        i += 3;
                    }
                    Some(0x6b) => {
                        let h = need(bytes, i, 4)?;
                        if h.get(2) != Some(&67) {
                            return Err(unknown(3));
                        }
                        let n = usize::from(*h.get(3).unwrap_or(&0));
                        let digits = need(bytes, i + 4, n)?;
                        let text = String::from_utf8_lossy(digits).into_owned();
                        let ean =
                            Ean13::from_digit_str(&text).ok_or_else(|| PreviewError::Barcode {
                                offset: at,
                                reason: format!("EAN-13 needs 13 digits, got {text:?}"),
                            })?;
                        let hri = s.hri_below.then_some(TextFace {
                            font: font::mono(),
                            px: 24.0,
                        });
                        let bars = ean13_bitmap(&ean, s.bar_module, s.bar_height, hri);
                        s.out.commands.push(format!("GS k EAN13 {text}"));
                        s.place(bars, true);
                        i += 4 + n;
                    }
                    _ => return Err(unknown(2)),
                }
            }
            0x20..=0x7e => {
                s.line.push(b);
                i += 1;
            }
            0x80..=0xff if s.table == Table::Cp1258 => {
                s.line.push(b);
                i += 1;
            }
            0x80..=0xff => {
                return Err(PreviewError::Unprintable {
                    offset: at,
                    byte: b,
                });
            }
            _ => return Err(unknown(1)),
        }
    }
    if !s.line.is_empty() {
        // Printers hold an unterminated line until the next LF: nothing shows.
        s.out
            .commands
            .push("(unprinted text left in buffer)".into());
    }
    let mut out = s.out;
    out.paper = Bitmap::stack(&s.rows, profile.paper.dots());
    Ok(out)
}

/// `GS ( k pL pH cn fn ...`: only the QR functions (cn 49) we send.
fn qr_command(s: &mut State<'_>, bytes: &[u8], i: usize) -> Result<usize, PreviewError> {
    let h = need(bytes, i, 5)?;
    let len = usize::from(u16::from_le_bytes([
        *h.get(3).unwrap_or(&0),
        *h.get(4).unwrap_or(&0),
    ]));
    let body = need(bytes, i + 5, len)?;
    let err = |reason: &str| PreviewError::Qr {
        offset: i,
        reason: reason.to_string(),
    };
    match body {
        [0x31, 0x41, n1, _] => {
            if *n1 != 50 {
                return Err(err(
                    "only QR Model 2 is supported (Model 1 scans badly on phones)",
                ));
            }
            s.out.commands.push("QR model 2".into());
        }
        [0x31, 0x43, n] => {
            s.qr_module = u32::from(*n).clamp(1, 16);
            s.out.commands.push(format!("QR module {n}"));
        }
        [0x31, 0x45, n] => {
            s.qr_ec = match n {
                48 => EcLevel::L,
                49 => EcLevel::M,
                50 => EcLevel::Q,
                51 => EcLevel::H,
                _ => return Err(err("unknown error correction level")),
            };
            s.out.commands.push(format!("QR ec {n}"));
        }
        [0x31, 0x50, 0x30, data @ ..] => {
            s.out
                .commands
                .push(format!("QR store {:?}", String::from_utf8_lossy(data)));
            s.qr_data = Some(data.to_vec());
        }
        [0x31, 0x51, 0x30] => {
            let data = s
                .qr_data
                .as_ref()
                .ok_or_else(|| err("print without stored data"))?;
            let code = QrCode::with_error_correction_level(data, s.qr_ec)
                .map_err(|e| err(&e.to_string()))?;
            let picture = qr_bitmap_of(&code, s.qr_module);
            if picture.width() > s.width() {
                return Err(err("symbol wider than the paper"));
            }
            s.out.commands.push("QR print".into());
            s.place(picture, true);
        }
        _ => {
            return Err(PreviewError::Unknown {
                offset: i,
                bytes: bytes
                    .get(i..i + 5 + len.min(3))
                    .unwrap_or_default()
                    .to_vec(),
            });
        }
    }
    Ok(i + 5 + len)
}

impl Preview {
    /// The paper as an 8-bit greyscale PNG (black dots on white), with a
    /// small white margin so decoders see a quiet zone at the paper edge.
    pub fn to_png(&self) -> Result<Vec<u8>, PreviewError> {
        let mut out = Vec::new();
        write_png(&self.paper, &mut out)?;
        Ok(out)
    }

    pub fn save_png(&self, path: &Path) -> Result<(), PreviewError> {
        let png = self.to_png()?;
        std::fs::write(path, png).map_err(|e| PreviewError::Png(e.to_string()))
    }
}

/// Writes a 1-bit picture as a greyscale PNG with an 8-dot white margin.
pub fn write_png(picture: &Bitmap, out: &mut impl Write) -> Result<(), PreviewError> {
    const MARGIN: u32 = 8;
    let width = picture.width() + 2 * MARGIN;
    let height = picture.height() + 2 * MARGIN;
    let mut encoder = png::Encoder::new(out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let png_err = |e: png::EncodingError| PreviewError::Png(e.to_string());
    let mut writer = encoder.write_header().map_err(png_err)?;
    let mut data =
        Vec::with_capacity(usize::try_from(u64::from(width) * u64::from(height)).unwrap_or(0));
    for y in 0..height {
        for x in 0..width {
            let black = x >= MARGIN && y >= MARGIN && picture.get(x - MARGIN, y - MARGIN);
            data.push(if black { 0 } else { 255 });
        }
    }
    writer.write_image_data(&data).map_err(png_err)?;
    writer.finish().map_err(png_err)
}
