//! ocop-hardware: everything between a stored sale (or label, or report) and
//! the paper.
//!
//! The flow is always the same and every step is a plain value or writes into
//! any [`std::io::Write`], so tests can decode real bytes:
//!
//! ```text
//! view struct (layout::*) --layout--> Document --escpos::encode--> ESC/POS bytes
//!                                                       |               |
//!                                              printer::print     preview::render -> PNG
//! ```
//!
//! Vietnamese is printed as a raster image by default (an embedded DejaVu
//! font, see `fonts/`), because most thermal printers have no usable
//! Vietnamese code page; a Windows-1258 code-page mode and an ASCII fallback
//! exist for printers whose profile asks for them.
//!
//! Errors: library code returns typed errors ([`escpos::EncodeError`],
//! [`preview::PreviewError`], [`printer::PrintError`], [`printer::UriError`],
//! [`pdf::PdfError`]); binaries wrap them with anyhow.

pub mod barcode;
pub mod document;
pub mod escpos;
pub mod font;
pub mod layout;
pub mod pdf;
pub mod preview;
pub mod printer;
pub mod raster;

pub use document::{Align, Block, Document, Style, TextSize};
pub use escpos::{CodePage, Mode, Paper, PrinterProfile, encode, encode_to_vec};
pub use printer::{PrintError, PrinterConfig, PrinterUri};
