//! Printers: where the bytes go. One URI syntax everywhere (configuration,
//! CLI, tests):
//!
//! | URI | what |
//! |---|---|
//! | `tcp:HOST:PORT` | network printer (raw port 9100), connect and write timeouts |
//! | `usb:VID:PID` | USB printer class device, hex ids (`usb:04b8:0202`), pure-Rust `nusb` |
//! | `serial:PATH[:BAUD]` | serial port, raw 8N1, default 9600 baud |
//! | `dev:PATH` | a device file that takes raw bytes, e.g. `/dev/usb/lp0` |
//! | `file:PATH` | a plain file: the raw ESC/POS bytes (created or replaced) |
//! | `preview:PATH.png` | a PNG of what the paper would show |
//!
//! Printing never owns data: callers print after the sale (or document) is
//! stored, so a failed print loses nothing and any document can be printed
//! again. Errors say which printer and what went wrong (unreachable,
//! refused, timed out, paper out).

mod serial;
mod tcp;
mod usb;

use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::document::Document;
use crate::escpos::{self, EncodeError, PrinterProfile};
use crate::preview::{self, PreviewError};

/// Where a printer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterUri {
    Tcp { host: String, port: u16 },
    Usb { vendor_id: u16, product_id: u16 },
    Serial { path: PathBuf, baud: u32 },
    Dev(PathBuf),
    File(PathBuf),
    Preview(PathBuf),
}

/// A printer URI that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    #[error(
        "unknown printer URI {0:?}: use tcp:HOST:PORT, usb:VID:PID, serial:PATH[:BAUD], dev:PATH, file:PATH or preview:PATH.png"
    )]
    Scheme(String),
    #[error("printer URI {uri:?}: {reason}")]
    Invalid { uri: String, reason: &'static str },
}

impl FromStr for PrinterUri {
    type Err = UriError;

    fn from_str(uri: &str) -> Result<Self, Self::Err> {
        let invalid = |reason| UriError::Invalid {
            uri: uri.to_string(),
            reason,
        };
        let (scheme, rest) = uri
            .split_once(':')
            .ok_or_else(|| UriError::Scheme(uri.to_string()))?;
        let path = |rest: &str| {
            if rest.is_empty() {
                Err(invalid("the path is empty"))
            } else {
                Ok(PathBuf::from(rest))
            }
        };
        match scheme {
            "tcp" => {
                let (host, port) = rest
                    .rsplit_once(':')
                    .ok_or_else(|| invalid("expected tcp:HOST:PORT"))?;
                let host = host.trim_start_matches('[').trim_end_matches(']');
                if host.is_empty() {
                    return Err(invalid("the host is empty"));
                }
                let port = port
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| invalid("the port must be 1-65535"))?;
                Ok(PrinterUri::Tcp {
                    host: host.to_string(),
                    port,
                })
            }
            "usb" => {
                let (v, p) = rest
                    .split_once(':')
                    .ok_or_else(|| invalid("expected usb:VID:PID in hex, e.g. usb:04b8:0202"))?;
                let hex = |s: &str| {
                    u16::from_str_radix(s.trim_start_matches("0x"), 16)
                        .map_err(|_| invalid("vendor and product ids are 4 hex digits"))
                };
                Ok(PrinterUri::Usb {
                    vendor_id: hex(v)?,
                    product_id: hex(p)?,
                })
            }
            "serial" => {
                // The baud rate is the part after the last ':' when it is a
                // number, so paths with ':' still work.
                match rest.rsplit_once(':') {
                    Some((p, baud))
                        if !baud.is_empty() && baud.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        let baud = baud
                            .parse()
                            .map_err(|_| invalid("the baud rate is not a number"))?;
                        if !serial::SUPPORTED_BAUD.contains(&baud) {
                            return Err(invalid(
                                "unsupported baud rate (use 9600, 19200, 38400, 57600 or 115200)",
                            ));
                        }
                        Ok(PrinterUri::Serial {
                            path: path(p)?,
                            baud,
                        })
                    }
                    _ => Ok(PrinterUri::Serial {
                        path: path(rest)?,
                        baud: 9600,
                    }),
                }
            }
            "dev" => Ok(PrinterUri::Dev(path(rest)?)),
            "file" => Ok(PrinterUri::File(path(rest)?)),
            "preview" => {
                let p = path(rest)?;
                if p.extension().and_then(|e| e.to_str()) != Some("png") {
                    return Err(invalid("a preview is written as a .png file"));
                }
                Ok(PrinterUri::Preview(p))
            }
            _ => Err(UriError::Scheme(uri.to_string())),
        }
    }
}

impl fmt::Display for PrinterUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterUri::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp:[{host}]:{port}")
            }
            PrinterUri::Tcp { host, port } => write!(f, "tcp:{host}:{port}"),
            PrinterUri::Usb {
                vendor_id,
                product_id,
            } => write!(f, "usb:{vendor_id:04x}:{product_id:04x}"),
            PrinterUri::Serial { path, baud } => write!(f, "serial:{}:{baud}", path.display()),
            PrinterUri::Dev(p) => write!(f, "dev:{}", p.display()),
            PrinterUri::File(p) => write!(f, "file:{}", p.display()),
            PrinterUri::Preview(p) => write!(f, "preview:{}", p.display()),
        }
    }
}

/// A configured printer: where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterConfig {
    pub uri: PrinterUri,
    pub profile: PrinterProfile,
    pub timeouts: Timeouts,
    /// Ask the printer for its paper sensor (`DLE EOT 4`) before printing
    /// and refuse with [`PrintError::PaperOut`]. Only for printers that
    /// answer (TCP, USB); others would time out.
    pub check_paper: bool,
}

impl PrinterConfig {
    pub fn new(uri: PrinterUri, profile: PrinterProfile) -> Self {
        Self {
            uri,
            profile,
            timeouts: Timeouts::default(),
            check_paper: false,
        }
    }
}

/// Network timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// For each write (and status read): a printer that stops taking bytes
    /// (paper out, lid open, buffer full) fails the job after this long.
    pub write: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(3),
            write: Duration::from_secs(10),
        }
    }
}

/// What went wrong while printing. The sale (or document) is untouched;
/// the same document can be printed again.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("máy in {printer} không kết nối được (printer unreachable): {source}")]
    Unreachable {
        printer: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "máy in {printer} từ chối kết nối (connection refused): is it on and is the port right?"
    )]
    Refused { printer: String },
    #[error("máy in {printer} không phản hồi sau {after:?} khi {during} (printer timed out)")]
    TimedOut {
        printer: String,
        during: &'static str,
        after: Duration,
    },
    #[error("máy in {printer} hết giấy (paper out)")]
    PaperOut { printer: String },
    #[error("máy in {printer}: {what} không có trong bản dựng này (not supported in this build)")]
    NotSupported { printer: String, what: &'static str },
    #[error("máy in {printer}: lỗi ghi (write error): {source}")]
    Io {
        printer: String,
        #[source]
        source: std::io::Error,
    },
    #[error("máy in {printer}: {message}")]
    Device { printer: String, message: String },
    #[error("không tạo được bản in (cannot encode the document): {0}")]
    Encode(EncodeError),
    #[error("không tạo được bản xem trước (cannot preview): {0}")]
    Preview(#[from] PreviewError),
}

/// Prints `doc` on the configured printer.
pub fn print(config: &PrinterConfig, doc: &Document) -> Result<(), PrintError> {
    match &config.uri {
        PrinterUri::Preview(_) | PrinterUri::Usb { .. } => {
            let bytes = escpos::encode_to_vec(doc, &config.profile).map_err(PrintError::Encode)?;
            send(config, &bytes)
        }
        _ => {
            let mut conn = open(config)?;
            let printer = config.uri.to_string();
            let result = {
                let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, &mut conn);
                escpos::encode(doc, &config.profile, &mut buffered)
                    .and_then(|()| buffered.flush().map_err(EncodeError::Io))
            };
            result.map_err(|e| match e {
                EncodeError::Io(source) => io_error(&printer, config, source),
                other => PrintError::Encode(other),
            })
        }
    }
}

/// Sends already-encoded ESC/POS bytes (a reprint, or `file:` output) to
/// the configured printer.
pub fn send(config: &PrinterConfig, bytes: &[u8]) -> Result<(), PrintError> {
    let printer = config.uri.to_string();
    match &config.uri {
        PrinterUri::Preview(path) => {
            let preview = preview::render(bytes, &config.profile)?;
            preview.save_png(path)?;
            Ok(())
        }
        PrinterUri::Usb {
            vendor_id,
            product_id,
        } => usb::send(&printer, *vendor_id, *product_id, bytes),
        _ => {
            let mut conn = open(config)?;
            conn.write_all(bytes)
                .and_then(|()| conn.flush())
                .map_err(|e| io_error(&printer, config, e))
        }
    }
}

fn io_error(printer: &str, config: &PrinterConfig, source: std::io::Error) -> PrintError {
    match source.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => PrintError::TimedOut {
            printer: printer.to_string(),
            during: "gửi dữ liệu (sending data)",
            after: config.timeouts.write,
        },
        _ => PrintError::Io {
            printer: printer.to_string(),
            source,
        },
    }
}

/// Opens a byte stream to a printer (not for `usb:` and `preview:`, which
/// take the whole job at once).
fn open(config: &PrinterConfig) -> Result<Box<dyn Write>, PrintError> {
    let printer = config.uri.to_string();
    let file_err = |source: std::io::Error| PrintError::Unreachable {
        printer: printer.clone(),
        source,
    };
    match &config.uri {
        PrinterUri::Tcp { host, port } => {
            let mut stream = tcp::connect(&printer, host, *port, config.timeouts)?;
            if config.check_paper {
                tcp::check_paper(&printer, &mut stream, config.timeouts)?;
            }
            Ok(Box::new(stream))
        }
        PrinterUri::Serial { path, baud } => Ok(Box::new(serial::open(&printer, path, *baud)?)),
        PrinterUri::Dev(path) => Ok(Box::new(
            std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(file_err)?,
        )),
        PrinterUri::File(path) => Ok(Box::new(std::fs::File::create(path).map_err(file_err)?)),
        PrinterUri::Usb { .. } | PrinterUri::Preview(_) => Err(PrintError::NotSupported {
            printer,
            what: "a byte stream to this printer kind",
        }),
    }
}

/// Reads the paper status byte of `DLE EOT 4`: bits 5 and 6 set mean the
/// roll is out (bits 2 and 3: near end, still printing).
pub fn paper_out(status: u8) -> bool {
    status & 0x60 == 0x60
}
