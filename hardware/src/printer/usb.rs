//! USB printers through the `escpos` crate's `NativeUsbDriver` (pure-Rust
//! `nusb`): it finds the device by vendor and product id, claims the
//! interface and its bulk endpoints. The job is sent in one write, with the
//! crate's fixed 5 s timeout.

use escpos::driver::{Driver, NativeUsbDriver};

use super::PrintError;

pub(super) fn send(
    printer: &str,
    vendor_id: u16,
    product_id: u16,
    bytes: &[u8],
) -> Result<(), PrintError> {
    let device = |e: escpos::errors::PrinterError| PrintError::Device {
        printer: printer.to_string(),
        message: e.to_string(),
    };
    let driver = NativeUsbDriver::open(vendor_id, product_id).map_err(device)?;
    driver.write(bytes).map_err(device)?;
    driver.flush().map_err(device)
}
