//! The ESC/POS commands we emit, as bytes. The preview decodes exactly this
//! set (and errors on anything else), so adding a command here means teaching
//! `crate::preview` about it too.

/// `ESC @`: initialise the printer (clears styles and the buffer).
pub const INIT: [u8; 2] = [0x1b, 0x40];
/// `FS .`: cancel Kanji (Chinese) mode, which many cheap printers start in.
pub const CANCEL_KANJI: [u8; 2] = [0x1c, 0x2e];
/// `LF`: print the line buffer and feed one line.
pub const LF: u8 = 0x0a;
/// `ESC p 0 25 250`: pulse drawer pin 2 for 50 ms on, 500 ms off. (The
/// `escpos` crate's `cash_drawer()` omits the two timing bytes.)
pub const OPEN_DRAWER: [u8; 5] = [0x1b, 0x70, 0x00, 0x19, 0xfa];
/// `DLE EOT 4`: real-time paper roll sensor status.
pub const STATUS_PAPER: [u8; 3] = [0x10, 0x04, 0x04];

/// `ESC t n`: select character code table `n`.
pub fn code_table(n: u8) -> [u8; 3] {
    [0x1b, 0x74, n]
}

/// `ESC a n`: 0 left, 1 centre, 2 right.
pub fn justify(n: u8) -> [u8; 3] {
    [0x1b, 0x61, n]
}

/// `ESC E n`: emphasised (bold) on/off.
pub fn bold(on: bool) -> [u8; 3] {
    [0x1b, 0x45, u8::from(on)]
}

/// `GS ! n`: character size; we use 0x00 (normal) and 0x11 (double both).
pub fn size(double: bool) -> [u8; 3] {
    [0x1d, 0x21, if double { 0x11 } else { 0x00 }]
}

/// `ESC d n`: print and feed `n` lines.
pub fn feed(n: u8) -> [u8; 3] {
    [0x1b, 0x64, n]
}

/// `GS V 66 n`: feed `n` dots past the cutter position, then partial cut.
pub fn cut(n: u8) -> [u8; 4] {
    [0x1d, 0x56, 0x42, n]
}

/// Header of `GS v 0` (normal density) for a raster of `bytes_per_row` x
/// `rows`; the packed rows follow.
pub fn raster_header(bytes_per_row: u16, rows: u16) -> [u8; 8] {
    let [xl, xh] = bytes_per_row.to_le_bytes();
    let [yl, yh] = rows.to_le_bytes();
    [0x1d, 0x76, 0x30, 0x00, xl, xh, yl, yh]
}

/// `GS ( k` QR Model 2 sequence: select model 2, module size, error
/// correction M, store `data`, print. `None` if `data` exceeds the command's
/// length field.
pub fn qr_native(data: &[u8], module: u8) -> Option<Vec<u8>> {
    let store_len = u16::try_from(data.len().checked_add(3)?).ok()?;
    let [pl, ph] = store_len.to_le_bytes();
    let mut out = Vec::with_capacity(data.len() + 40);
    // fn 65: model 2 (0x32).
    out.extend([0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
    // fn 67: module size 1-16 dots.
    out.extend([
        0x1d,
        0x28,
        0x6b,
        0x03,
        0x00,
        0x31,
        0x43,
        module.clamp(1, 16),
    ]);
    // fn 69: error correction 49 = M.
    out.extend([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31]);
    // fn 80: store data.
    out.extend([0x1d, 0x28, 0x6b, pl, ph, 0x31, 0x50, 0x30]);
    out.extend_from_slice(data);
    // fn 81: print the stored symbol.
    out.extend([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]);
    Some(out)
}

/// EAN-13 with the printer's barcode command: digits printed below
/// (`GS H 2`), `height` dots tall (`GS h`), module width `module` (`GS w`),
/// then `GS k 67 13 digits` (function B).
pub fn ean13_native(digits: &str, module: u8, height: u8) -> Vec<u8> {
    let mut out = vec![
        0x1d,
        0x48,
        0x02,
        0x1d,
        0x68,
        height,
        0x1d,
        0x77,
        module.clamp(2, 6),
    ];
    out.extend([0x1d, 0x6b, 0x43, 0x0d]);
    out.extend(digits.bytes().take(13));
    out
}
