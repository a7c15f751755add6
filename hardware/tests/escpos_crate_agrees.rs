//! Our command bytes, checked against the `escpos` crate (the stack's
//! chosen ESC/POS library) where it emits the same command, so a typo in
//! `commands.rs` cannot hide. Where we differ on purpose (drawer pulse
//! timing, QR model), the test says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::as_conversions,
    reason = "test code and its helpers: a panic is a failed test"
)]

use std::cell::RefCell;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{
    BarcodeFont, BarcodeOption, BarcodePosition, BarcodeWidth, JustifyMode, Protocol,
    QRCodeCorrectionLevel, QRCodeModel, QRCodeOption,
};
use ocop_hardware::escpos::commands;

#[derive(Clone, Default)]
struct Capture(Rc<RefCell<Vec<u8>>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

fn bytes_of(build: impl FnOnce(&mut Printer<Capture>)) -> Vec<u8> {
    let capture = Capture::default();
    let mut printer = Printer::new(capture.clone(), Protocol::default(), None);
    build(&mut printer);
    printer.print().unwrap();
    capture.0.take()
}

#[test]
fn simple_commands_match() {
    assert_eq!(
        bytes_of(|p| {
            p.init().unwrap();
        }),
        commands::INIT
    );
    assert_eq!(
        bytes_of(|p| {
            p.bold(true).unwrap();
        }),
        commands::bold(true)
    );
    assert_eq!(
        bytes_of(|p| {
            p.justify(JustifyMode::CENTER).unwrap();
        }),
        commands::justify(1)
    );
    assert_eq!(
        bytes_of(|p| {
            p.size(2, 2).unwrap();
        }),
        commands::size(true)
    );
    assert_eq!(
        bytes_of(|p| {
            p.feeds(3).unwrap();
        }),
        commands::feed(3)
    );
}

#[test]
fn qr_model_2_matches_when_asked_for_explicitly() {
    let data = "https://ocop.example.vn/01/08936012345674";
    let theirs = bytes_of(|p| {
        p.qrcode_option(
            data,
            QRCodeOption::new(QRCodeModel::Model2, 6, QRCodeCorrectionLevel::M),
        )
        .unwrap();
    });
    assert_eq!(theirs, commands::qr_native(data.as_bytes(), 6).unwrap());
}

#[test]
fn ean13_matches() {
    let theirs = bytes_of(|p| {
        p.ean13_option(
            "8936012345674",
            BarcodeOption::new(
                BarcodeWidth::M,
                escpos::utils::BarcodeHeight::S,
                BarcodeFont::A,
                BarcodePosition::Below,
            ),
        )
        .unwrap();
    });
    // The crate uses function A (`GS k 2 digits NUL`); we use function B
    // (`GS k 67 13 digits`), whose length byte cannot be confused by a
    // stray NUL. Same symbology (EAN-13), same digits.
    let digits = b"8936012345674";
    let mut function_a = vec![0x1d, 0x6b, 0x02];
    function_a.extend(digits);
    function_a.push(0);
    assert!(theirs.ends_with(&function_a), "{theirs:02X?}");
    let ours = commands::ean13_native("8936012345674", 3, 96);
    let mut function_b = vec![0x1d, 0x6b, 0x43, 13];
    function_b.extend(digits);
    assert!(ours.ends_with(&function_b), "{ours:02X?}");
    // Both set the digits below the bars (`GS H 2`).
    assert!(theirs.windows(3).any(|w| w == [0x1d, 0x48, 0x02]));
    assert!(ours.windows(3).any(|w| w == [0x1d, 0x48, 0x02]));
}

#[test]
fn the_crate_drawer_pulse_lacks_timing_and_ours_has_it() {
    let theirs = bytes_of(|p| {
        p.cash_drawer(escpos::utils::CashDrawer::Pin2).unwrap();
    });
    assert_eq!(theirs, [0x1b, 0x70, 0x00]);
    assert_eq!(commands::OPEN_DRAWER, [0x1b, 0x70, 0x00, 0x19, 0xfa]);
}
