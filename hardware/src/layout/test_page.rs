//! The printer test page: outlet header, every Vietnamese vowel with every
//! tone mark (lower and upper case) and đ, a VietQR code, a provenance QR
//! code and an EAN-13 barcode: if this page prints right, receipts and
//! labels will.

use ocop_core::gtin::Gtin;

use super::OutletHeader;
use crate::barcode::Ean13;
use crate::document::{Block, Document, Style};

/// What the test page shows besides the fixed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestPageView {
    pub header: OutletHeader,
    /// Printer URI and profile, printed so the page says what it tested.
    pub printer: String,
    pub vietqr_payload: String,
    pub provenance_url: String,
    pub gtin: Gtin,
}

/// Each vowel with its five tones, then đ: one line per vowel.
pub const VOWEL_LINES: [&str; 13] = [
    "a à á ả ã ạ  A À Á Ả Ã Ạ",
    "ă ằ ắ ẳ ẵ ặ  Ă Ằ Ắ Ẳ Ẵ Ặ",
    "â ầ ấ ẩ ẫ ậ  Â Ầ Ấ Ẩ Ẫ Ậ",
    "e è é ẻ ẽ ẹ  E È É Ẻ Ẽ Ẹ",
    "ê ề ế ể ễ ệ  Ê Ề Ế Ể Ễ Ệ",
    "i ì í ỉ ĩ ị  I Ì Í Ỉ Ĩ Ị",
    "o ò ó ỏ õ ọ  O Ò Ó Ỏ Õ Ọ",
    "ô ồ ố ổ ỗ ộ  Ô Ồ Ố Ổ Ỗ Ộ",
    "ơ ờ ớ ở ỡ ợ  Ơ Ờ Ớ Ở Ỡ Ợ",
    "u ù ú ủ ũ ụ  U Ù Ú Ủ Ũ Ụ",
    "ư ừ ứ ử ữ ự  Ư Ừ Ứ Ử Ữ Ự",
    "y ỳ ý ỷ ỹ ỵ  Y Ỳ Ý Ỷ Ỹ Ỵ",
    "đ Đ  ₫",
];

pub fn test_page(view: &TestPageView) -> Document {
    let mut doc = Document::new();
    view.header.write(&mut doc);
    doc.separator();
    doc.center("TRANG IN THỬ", Style::LARGE_BOLD);
    doc.center(&view.printer, Style::NORMAL);
    doc.separator();
    for line in VOWEL_LINES {
        doc.line(line);
    }
    doc.line("Rượu ngô Bắc Hà - Mật ong bạc hà Đồng Văn");
    doc.text(
        "Trà Shan tuyết cổ thụ Ý Tý",
        crate::Align::Left,
        Style::BOLD,
    );
    doc.separator();
    doc.center("VietQR", Style::BOLD);
    doc.qr(&view.vietqr_payload);
    doc.center("Nguồn gốc sản phẩm", Style::BOLD);
    doc.qr(&view.provenance_url);
    if let Some(ean) = Ean13::from_gtin(&view.gtin) {
        doc.center("EAN-13", Style::BOLD);
        doc.push(Block::Barcode { ean13: ean });
    }
    doc.cut();
    doc
}
