//! Network printers (raw TCP, usually port 9100).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};

use super::{PrintError, Timeouts, paper_out};
use crate::escpos::commands;

/// Connects to the first address of `host` that answers within the connect
/// timeout; reads and writes then time out after `timeouts.write`.
pub(super) fn connect(
    printer: &str,
    host: &str,
    port: u16,
    timeouts: Timeouts,
) -> Result<TcpStream, PrintError> {
    let addrs = (host, port)
        .to_socket_addrs()
        .map_err(|source| PrintError::Unreachable {
            printer: printer.to_string(),
            source,
        })?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeouts.connect) {
            Ok(stream) => {
                let setup = stream
                    .set_write_timeout(Some(timeouts.write))
                    .and_then(|()| stream.set_read_timeout(Some(timeouts.write)))
                    .and_then(|()| stream.set_nodelay(true));
                setup.map_err(|source| PrintError::Io {
                    printer: printer.to_string(),
                    source,
                })?;
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    let source = last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::NotFound, "host has no address")
    });
    Err(match source.kind() {
        std::io::ErrorKind::ConnectionRefused => PrintError::Refused {
            printer: printer.to_string(),
        },
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => PrintError::TimedOut {
            printer: printer.to_string(),
            during: "kết nối (connecting)",
            after: timeouts.connect,
        },
        _ => PrintError::Unreachable {
            printer: printer.to_string(),
            source,
        },
    })
}

/// `DLE EOT 4` and one status byte back.
pub(super) fn check_paper(
    printer: &str,
    stream: &mut TcpStream,
    timeouts: Timeouts,
) -> Result<(), PrintError> {
    let timed_out = || PrintError::TimedOut {
        printer: printer.to_string(),
        during: "đọc trạng thái giấy (reading paper status)",
        after: timeouts.write,
    };
    stream
        .write_all(&commands::STATUS_PAPER)
        .map_err(|_| timed_out())?;
    let mut status = [0u8; 1];
    match stream.read_exact(&mut status) {
        Ok(()) if paper_out(status[0]) => Err(PrintError::PaperOut {
            printer: printer.to_string(),
        }),
        Ok(()) => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Err(timed_out())
        }
        Err(source) => Err(PrintError::Io {
            printer: printer.to_string(),
            source,
        }),
    }
}
