//! Network printing against real sockets on 127.0.0.1: the bytes arrive
//! whole, and a refused connection, a printer that stops reading and a
//! printer out of paper each give their own error, quickly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::as_conversions,
    reason = "test code and its helpers: a panic is a failed test"
)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use ocop_hardware::escpos::{Mode, Paper, PrinterProfile, encode_to_vec};
use ocop_hardware::layout::receipt::receipt;
use ocop_hardware::printer::{self, PrintError, PrinterConfig, PrinterUri, Timeouts};

fn config(port: u16, mode: Mode) -> PrinterConfig {
    let mut c = PrinterConfig::new(
        PrinterUri::Tcp {
            host: "127.0.0.1".into(),
            port,
        },
        PrinterProfile::new(Paper::Mm80, mode),
    );
    c.timeouts = Timeouts {
        connect: Duration::from_millis(500),
        write: Duration::from_millis(300),
    };
    c
}

#[test]
fn a_receipt_reaches_a_network_printer_byte_for_byte() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let printer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        conn.read_to_end(&mut got).unwrap();
        got
    });
    let doc = receipt(&common::transfer_receipt());
    let config = config(port, Mode::Raster);
    printer::print(&config, &doc).unwrap();
    let got = printer.join().unwrap();
    assert_eq!(got, encode_to_vec(&doc, &config.profile).unwrap());
    assert!(
        got.len() > 50_000,
        "a raster receipt is tens of kB: {}",
        got.len()
    );
}

#[test]
fn a_closed_port_is_refused() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = printer::send(&config(port, Mode::Ascii), b"x").unwrap_err();
    assert!(matches!(err, PrintError::Refused { .. }), "{err:?}");
    assert!(err.to_string().contains("từ chối"), "{err}");
}

#[test]
fn a_printer_that_stops_reading_times_out() {
    // Accepts, then never reads: the socket buffers fill and the write
    // blocks until the write timeout.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let holder = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        thread::sleep(Duration::from_secs(3));
        drop(conn);
    });
    // 64 MB is far more than loopback socket buffers hold.
    let bytes = vec![0x0a; 64 << 20];
    let started = Instant::now();
    let err = printer::send(&config(port, Mode::Ascii), &bytes).unwrap_err();
    assert!(
        matches!(err, PrintError::TimedOut { during, .. } if during.contains("sending")),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    holder.join().unwrap();
}

/// A printer that answers `DLE EOT 4` with `status`, then reads the job.
fn status_printer(status: u8) -> (u16, thread::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut query = [0u8; 3];
        conn.read_exact(&mut query).unwrap();
        assert_eq!(query, [0x10, 0x04, 0x04]);
        conn.write_all(&[status]).unwrap();
        let mut rest = Vec::new();
        conn.read_to_end(&mut rest).unwrap();
        rest
    });
    (port, handle)
}

#[test]
fn paper_out_is_reported_before_anything_prints() {
    // 0x12 fixed bits + 0x60 paper end + 0x0C near end.
    let (port, printer) = status_printer(0x7e);
    let mut config = config(port, Mode::Ascii);
    config.check_paper = true;
    let err = printer::print(&config, &receipt(&common::receipt())).unwrap_err();
    assert!(matches!(err, PrintError::PaperOut { .. }), "{err:?}");
    assert!(
        printer.join().unwrap().is_empty(),
        "nothing sent after paper out"
    );
}

#[test]
fn paper_present_prints() {
    let (port, printer) = status_printer(0x12);
    let mut config = config(port, Mode::Ascii);
    config.check_paper = true;
    let doc = receipt(&common::receipt());
    printer::print(&config, &doc).unwrap();
    assert_eq!(
        printer.join().unwrap(),
        encode_to_vec(&doc, &config.profile).unwrap()
    );
}

#[test]
fn a_printer_that_never_answers_the_status_query_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let holder = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        thread::sleep(Duration::from_secs(2));
        drop(conn);
    });
    let mut config = config(port, Mode::Ascii);
    config.check_paper = true;
    let err = printer::print(&config, &receipt(&common::receipt())).unwrap_err();
    assert!(matches!(err, PrintError::TimedOut { .. }), "{err:?}");
    holder.join().unwrap();
}
