//! The till's printer configuration, from the command line or `OCOP_PRINTER*`
//! environment variables: one URI (see `ocop_hardware::printer`), the paper
//! width and how the printer takes Vietnamese text.

use anyhow::Context;
use clap::{Args, ValueEnum};
use ocop_hardware::escpos::{CodePage, Mode, Paper, PrinterProfile};
use ocop_hardware::printer::{PrinterConfig, PrinterUri};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextMode {
    /// Text drawn with the embedded font and sent as images (works on every
    /// printer; the default).
    Raster,
    /// The printer's own font with code page Windows-1258 (only printers
    /// that have it; see --esc-t).
    Cp1258,
    /// Diacritics removed ("Ruou ngo"): last resort.
    Ascii,
}

#[derive(Debug, Clone, Args)]
pub struct PrinterArgs {
    /// Printer: tcp:HOST:PORT, usb:VID:PID, serial:PATH[:BAUD], dev:PATH,
    /// file:PATH or preview:PATH.png
    #[arg(long, env = "OCOP_PRINTER")]
    pub printer: String,
    /// Paper width in mm: 58 or 80 (others are refused).
    #[arg(long, env = "OCOP_PRINTER_WIDTH", default_value_t = 80, value_parser = clap::value_parser!(u32).range(58..=80))]
    pub width: u32,
    /// How text is printed.
    #[arg(long, env = "OCOP_PRINTER_MODE", value_enum, default_value_t = TextMode::Raster)]
    pub mode: TextMode,
    /// The printer's `ESC t` number for Windows-1258 (Epson 52; some clones
    /// use 27 or 94).
    #[arg(long, env = "OCOP_PRINTER_ESC_T", default_value_t = 52)]
    pub esc_t: u8,
    /// Ask the printer for its paper sensor before printing (TCP printers
    /// that answer `DLE EOT 4`).
    #[arg(long, env = "OCOP_PRINTER_CHECK_PAPER")]
    pub check_paper: bool,
}

impl PrinterArgs {
    pub fn config(&self) -> anyhow::Result<PrinterConfig> {
        let uri: PrinterUri = self.printer.parse().context("--printer")?;
        let paper = Paper::from_mm(self.width).context("--width must be 58 or 80")?;
        let mode = match self.mode {
            TextMode::Raster => Mode::Raster,
            TextMode::Cp1258 => Mode::CodePage {
                page: CodePage::Cp1258,
                esc_t: self.esc_t,
            },
            TextMode::Ascii => Mode::Ascii,
        };
        let mut config = PrinterConfig::new(uri, PrinterProfile::new(paper, mode));
        config.check_paper = self.check_paper;
        Ok(config)
    }
}
