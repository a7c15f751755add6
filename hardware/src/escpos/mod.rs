//! Document -> ESC/POS bytes for one printer profile, written into any
//! [`std::io::Write`] as the document is laid out, so a long receipt never
//! sits in memory as one image: raster output goes out in bands of
//! [`PrinterProfile::band_rows`] rows.
//!
//! Three modes, chosen by the printer profile (never guessed):
//! - [`Mode::Raster`] (default): every line of text is drawn with the
//!   embedded DejaVu font and sent as `GS v 0` raster images; QR codes and
//!   barcodes are drawn too. Only `ESC @`, `GS v 0`, `ESC d`, `GS V`, `ESC p`
//!   are used, which every ESC/POS printer we know of understands, and
//!   Vietnamese prints identically everywhere.
//! - [`Mode::CodePage`]: the printer's own font with Windows-1258
//!   (see [`cp1258`]), selected with `FS .` then `ESC t n` where `n` comes
//!   from the profile (52 on Epson; clones differ). QR codes and EAN-13 use
//!   the printer's native `GS ( k` (Model 2) and `GS k` commands.
//! - [`Mode::Ascii`]: as the code-page mode but diacritics folded away
//!   ("Rượu ngô" -> "Ruou ngo"); no byte above 0x7F is ever sent.
//!
//! Why the bytes are written here and not through the `escpos` crate's
//! `Printer`: it buffers every command until `print()`, writes only to its
//! own `Driver`s, has no Windows-1258 table and no banded raster. Its command
//! bytes are still our reference: `tests/escpos_crate_agrees.rs` checks
//! ours against it. The crate's `NativeUsbDriver` is our USB transport.

pub mod commands;
pub mod cp1258;
mod raster;
mod text;
pub(crate) mod wrap;

use std::io::{self, Write};

use crate::document::Document;

/// Paper width. Dots are at 203 dpi (8 per mm) on every printer we target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    /// 58 mm roll: 384 printable dots, 32 characters of font A.
    Mm58,
    /// 80 mm roll: 576 printable dots, 48 characters of font A.
    #[default]
    Mm80,
}

impl Paper {
    /// Printable width in dots.
    pub fn dots(self) -> u32 {
        match self {
            Paper::Mm58 => 384,
            Paper::Mm80 => 576,
        }
    }

    /// Characters per line of the printer's 12x24 font A.
    pub fn columns(self) -> u32 {
        self.dots() / 12
    }

    /// `58` or `80`.
    pub fn from_mm(mm: u32) -> Option<Paper> {
        match mm {
            58 => Some(Paper::Mm58),
            80 => Some(Paper::Mm80),
            _ => None,
        }
    }
}

impl std::fmt::Display for Paper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Paper::Mm58 => f.write_str("58 mm"),
            Paper::Mm80 => f.write_str("80 mm"),
        }
    }
}

/// A code page for the text mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePage {
    /// Windows-1258 (Epson "WPC1258"): base letters with the Vietnamese
    /// vowel marks precomposed, tone marks as combining characters.
    Cp1258,
}

/// How text reaches the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Text drawn with the embedded font and sent as raster images.
    #[default]
    Raster,
    /// The printer's font and code page; `esc_t` is the `ESC t n` number the
    /// printer uses for that page (Epson: 52 for WPC1258).
    CodePage { page: CodePage, esc_t: u8 },
    /// Diacritics folded to ASCII.
    Ascii,
}

impl Mode {
    /// Windows-1258 with Epson's table number 52.
    pub const CP1258_EPSON: Mode = Mode::CodePage {
        page: CodePage::Cp1258,
        esc_t: 52,
    };
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mode::Raster => f.write_str("raster"),
            Mode::CodePage {
                page: CodePage::Cp1258,
                esc_t,
            } => write!(f, "cp1258 (ESC t {esc_t})"),
            Mode::Ascii => f.write_str("ascii"),
        }
    }
}

/// What we know about one printer model: its paper and how it takes text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterProfile {
    pub paper: Paper,
    pub mode: Mode,
    /// Rows per `GS v 0` command; bounds memory and the printer's buffer.
    pub band_rows: u32,
    /// Dots per QR module (3-8 scan well from a phone at 203 dpi).
    pub qr_module: u32,
    /// Blank lines fed before the cut so the last line clears the cutter.
    pub feed_before_cut: u8,
}

impl PrinterProfile {
    pub fn new(paper: Paper, mode: Mode) -> Self {
        Self {
            paper,
            mode,
            band_rows: 128,
            qr_module: match paper {
                Paper::Mm58 => 5,
                Paper::Mm80 => 6,
            },
            feed_before_cut: 3,
        }
    }
}

impl Default for PrinterProfile {
    fn default() -> Self {
        Self::new(Paper::Mm80, Mode::Raster)
    }
}

/// Why a document could not be encoded.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("writing to the printer failed: {0}")]
    Io(#[from] io::Error),
    #[error("QR code data too long ({len} bytes) for a QR code on this paper")]
    QrTooLarge { len: usize },
    #[error("image {width} dots wide does not fit paper of {paper} dots")]
    ImageTooWide { width: u32, paper: u32 },
}

/// Writes `doc` as ESC/POS for `profile` into `out`, starting with `ESC @`.
pub fn encode(
    doc: &Document,
    profile: &PrinterProfile,
    out: &mut impl Write,
) -> Result<(), EncodeError> {
    match profile.mode {
        Mode::Raster => raster::encode(doc, profile, out),
        Mode::CodePage { .. } | Mode::Ascii => text::encode(doc, profile, out),
    }
}

/// [`encode`] into memory.
pub fn encode_to_vec(doc: &Document, profile: &PrinterProfile) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    encode(doc, profile, &mut out)?;
    Ok(out)
}
