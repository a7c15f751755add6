//! Printer URIs, and the local connections: a plain file, a device file,
//! a preview PNG, and a serial port (a pseudo-terminal stands in for it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::as_conversions,
    reason = "test code and its helpers: a panic is a failed test"
)]

mod common;

use std::path::PathBuf;

use ocop_hardware::escpos::{Mode, Paper, PrinterProfile, encode_to_vec};
use ocop_hardware::layout::receipt::receipt;
use ocop_hardware::printer::{self, PrintError, PrinterConfig, PrinterUri, UriError};

#[test]
fn every_uri_form_parses_and_prints_back() {
    let cases = [
        (
            "tcp:192.168.1.50:9100",
            PrinterUri::Tcp {
                host: "192.168.1.50".into(),
                port: 9100,
            },
        ),
        (
            "tcp:printer.local:9100",
            PrinterUri::Tcp {
                host: "printer.local".into(),
                port: 9100,
            },
        ),
        (
            "tcp:[::1]:9100",
            PrinterUri::Tcp {
                host: "::1".into(),
                port: 9100,
            },
        ),
        (
            "usb:04b8:0202",
            PrinterUri::Usb {
                vendor_id: 0x04b8,
                product_id: 0x0202,
            },
        ),
        (
            "serial:/dev/ttyUSB0:115200",
            PrinterUri::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 115_200,
            },
        ),
        (
            "serial:/dev/ttyS0:9600",
            PrinterUri::Serial {
                path: "/dev/ttyS0".into(),
                baud: 9600,
            },
        ),
        ("dev:/dev/usb/lp0", PrinterUri::Dev("/dev/usb/lp0".into())),
        (
            "file:/tmp/receipt.bin",
            PrinterUri::File("/tmp/receipt.bin".into()),
        ),
        (
            "preview:/tmp/receipt.png",
            PrinterUri::Preview("/tmp/receipt.png".into()),
        ),
    ];
    for (text, uri) in cases {
        assert_eq!(text.parse::<PrinterUri>().unwrap(), uri, "{text}");
        assert_eq!(uri.to_string(), text);
    }
    // Without a baud rate: 9600.
    assert_eq!(
        "serial:/dev/ttyS0".parse::<PrinterUri>().unwrap(),
        PrinterUri::Serial {
            path: "/dev/ttyS0".into(),
            baud: 9600
        }
    );
}

#[test]
fn bad_uris_say_what_is_wrong() {
    for bad in [
        "lpt:1",
        "/dev/usb/lp0",
        "tcp:printer",
        "tcp::9100",
        "tcp:printer:0",
        "tcp:printer:99999",
        "usb:epson",
        "usb:zzzz:0202",
        "serial:/dev/ttyS0:12345",
        "dev:",
        "preview:receipt.jpg",
    ] {
        let err = bad.parse::<PrinterUri>().unwrap_err();
        assert!(
            matches!(err, UriError::Scheme(_) | UriError::Invalid { .. }),
            "{bad}"
        );
        assert!(err.to_string().contains(bad), "{bad}: {err}");
    }
}

fn config(uri: PrinterUri) -> PrinterConfig {
    PrinterConfig::new(uri, PrinterProfile::new(Paper::Mm58, Mode::Raster))
}

#[test]
fn file_gets_the_exact_bytes_and_a_reprint_is_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipt.bin");
    let c = config(PrinterUri::File(path.clone()));
    let doc = receipt(&common::receipt());
    printer::print(&c, &doc).unwrap();
    let first = std::fs::read(&path).unwrap();
    assert_eq!(first, encode_to_vec(&doc, &c.profile).unwrap());
    printer::print(&c, &doc).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first);
}

#[test]
fn dev_writes_to_an_existing_device_and_never_creates_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("lp0");
    let err = printer::send(&config(PrinterUri::Dev(missing.clone())), b"x").unwrap_err();
    assert!(matches!(err, PrintError::Unreachable { .. }), "{err:?}");
    assert!(!missing.exists());
    std::fs::write(&missing, b"").unwrap();
    printer::send(&config(PrinterUri::Dev(missing.clone())), b"\x1b@").unwrap();
    assert_eq!(std::fs::read(&missing).unwrap(), b"\x1b@");
}

#[test]
fn preview_writes_a_png_that_scans() {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("receipt.png");
    printer::print(
        &config(PrinterUri::Preview(path.clone())),
        &receipt(&common::transfer_receipt()),
    )
    .unwrap();
    let png = std::fs::read(&path).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    // The one QR code of a transfer receipt (its online copy, issue 14),
    // holding exactly what was put in it.
    assert_eq!(
        common::zbar(&png),
        [format!("QR-Code:{}", common::E_RECEIPT)]
    );
}

#[cfg(unix)]
#[test]
fn serial_port_is_set_raw_at_the_baud_rate_and_gets_the_bytes() {
    use std::io::Read;

    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    use rustix::termios::tcgetattr;

    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let slave = PathBuf::from(ptsname(&master, Vec::new()).unwrap().to_str().unwrap());
    // Keep one handle open on the slave so the speed read back below is the
    // port's setting, not a fresh open's default.
    let keep = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&slave)
        .unwrap();
    let c = config(PrinterUri::Serial {
        path: slave.clone(),
        baud: 19200,
    });
    let job = b"\x1b@Xin ch\xe0o\n".to_vec();
    printer::send(&c, &job).unwrap();
    let termios = tcgetattr(&keep).unwrap();
    assert_eq!(termios.output_speed(), 19200);
    let mut master_file = std::fs::File::from(master);
    let mut got = vec![0u8; job.len()];
    master_file.read_exact(&mut got).unwrap();
    assert_eq!(got, job, "raw mode: no newline translation");
}

#[test]
fn a_serial_path_that_is_not_a_port_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("not-a-tty");
    std::fs::write(&path, b"").unwrap();
    let err = printer::send(&config(PrinterUri::Serial { path, baud: 9600 }), b"x").unwrap_err();
    assert!(matches!(err, PrintError::Device { .. }), "{err:?}");
    assert!(err.to_string().contains("not a serial port"), "{err}");
}

#[test]
fn a_missing_usb_printer_is_a_clear_error() {
    // No device with this id exists here (nor in CI): the error names it.
    let err = printer::send(
        &config(PrinterUri::Usb {
            vendor_id: 0xfffe,
            product_id: 0xfffe,
        }),
        b"x",
    )
    .unwrap_err();
    assert!(matches!(err, PrintError::Device { .. }), "{err:?}");
    assert!(err.to_string().contains("usb:fffe:fffe"), "{err}");
}
