//! Serial printers: the port is opened as a file and switched to raw 8N1
//! at the requested speed with termios (pure Rust via rustix, so no
//! libudev is needed to build or run).

use std::fs::File;
use std::path::Path;

use super::PrintError;

pub(super) const SUPPORTED_BAUD: [u32; 5] = [9600, 19200, 38400, 57600, 115200];

#[cfg(unix)]
pub(super) fn open(printer: &str, path: &Path, baud: u32) -> Result<File, PrintError> {
    use rustix::termios::{OptionalActions, tcgetattr, tcsetattr};
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|source| PrintError::Unreachable {
            printer: printer.to_string(),
            source,
        })?;
    let device = |e: rustix::io::Errno| PrintError::Device {
        printer: printer.to_string(),
        message: format!("not a serial port or cannot set {baud} baud: {e}"),
    };
    let mut termios = tcgetattr(&file).map_err(device)?;
    termios.make_raw();
    termios.set_speed(baud).map_err(device)?;
    tcsetattr(&file, OptionalActions::Drain, &termios).map_err(device)?;
    Ok(file)
}

#[cfg(not(unix))]
pub(super) fn open(printer: &str, _path: &Path, _baud: u32) -> Result<File, PrintError> {
    Err(PrintError::NotSupported {
        printer: printer.to_string(),
        what: "serial ports outside Unix",
    })
}
