//! `ocop-till print-test` end to end: the binary writes a preview, and an
//! independent decoder (zbarimg) reads back a VietQR payload that
//! ocop-core's strict parser accepts, the provenance Digital Link, and the
//! EAN-13. Also: a bad printer URI is refused with a clear message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::process::Command;

fn till() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ocop-till"))
}

fn zbar(path: &std::path::Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .arg("--quiet")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("zbarimg could not run ({e}): apt-get install zbar-tools"));
    assert!(out.status.success(), "zbarimg found nothing");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn print_test_preview_scans_in_every_mode_and_width() {
    let dir = tempfile::tempdir().unwrap();
    for (width, mode) in [
        ("80", "raster"),
        ("58", "raster"),
        ("80", "cp1258"),
        ("58", "ascii"),
    ] {
        let path = dir.path().join(format!("test-{width}-{mode}.png"));
        let status = till()
            .args(["print-test", "--width", width, "--mode", mode, "--printer"])
            .arg(format!("preview:{}", path.display()))
            .env_remove("OCOP_PRINTER")
            .status()
            .unwrap();
        assert!(status.success(), "{width} {mode}");
        let found = zbar(&path);
        assert_eq!(found.len(), 3, "{width} {mode}: {found:?}");
        let vietqr = found
            .iter()
            .find_map(|s| s.strip_prefix("QR-Code:000201"))
            .unwrap();
        let parsed = ocop_core::vietqr::VietQr::parse(&format!("000201{vietqr}")).unwrap();
        assert_eq!(parsed.account(), "0011001234567");
        assert!(
            found.contains(
                &"QR-Code:https://ocop.example.vn/01/08936012345674/10/L2611".to_string()
            )
        );
        assert!(found.contains(&"EAN-13:8936012345674".to_string()));
    }
}

#[test]
fn a_bad_printer_uri_is_refused_with_the_accepted_forms() {
    let out = till()
        .args(["print-test", "--printer", "lpt1"])
        .env_remove("OCOP_PRINTER")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tcp:HOST:PORT"), "{err}");
}

#[test]
fn an_unreachable_network_printer_fails_cleanly() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = till()
        .args(["print-test", "--printer", &format!("tcp:127.0.0.1:{port}")])
        .env_remove("OCOP_PRINTER")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("connection refused"), "{err}");
}
