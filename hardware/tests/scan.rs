//! QR codes and barcodes on the paper decode, with decoders we did not
//! write (zbarimg from zbar-tools, and the rqrr crate), to exactly the
//! payload given: raster-drawn symbols and the printer's native ones.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::as_conversions,
    reason = "test code and its helpers: a panic is a failed test"
)]

mod common;

use ocop_core::money::Dong;
use ocop_hardware::barcode::Ean13;
use ocop_hardware::escpos::{Mode, Paper, PrinterProfile, encode_to_vec};
use ocop_hardware::layout::label::{LabelSize, label_bitmap, labels_document};
use ocop_hardware::layout::receipt::receipt;
use ocop_hardware::layout::shelf::{ShelfLabelView, shelf_label};
use ocop_hardware::preview::{self, write_png};
use ocop_hardware::raster::Bitmap;
use ocop_hardware::{Block, Document};

fn png_of(doc: &Document, profile: &PrinterProfile) -> (Vec<u8>, Bitmap) {
    let bytes = encode_to_vec(doc, profile).unwrap();
    let preview = preview::render(&bytes, profile).unwrap();
    (preview.to_png().unwrap(), preview.paper)
}

/// All QR codes rqrr finds in a picture, decoded.
fn rqrr_decode(paper: &Bitmap) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(
        paper.width() as usize,
        paper.height() as usize,
        |x, y| {
            if paper.get(x as u32, y as u32) {
                0
            } else {
                255
            }
        },
    );
    let mut found: Vec<String> = img
        .detect_grids()
        .into_iter()
        .map(|g| g.decode().unwrap().1)
        .collect();
    found.sort();
    found
}

/// Issue 14: a pending transfer's receipt carried two QR codes (the
/// VietQR and the online copy) and a phone picked either. The paper now
/// carries one: the online copy's, provenance reached from it; without an
/// online copy, the VietQR to pay.
#[test]
fn a_receipt_carries_one_qr_code_scanning_to_its_exact_payload_in_every_mode() {
    let with_copy = receipt(&common::transfer_receipt());
    let without_copy = receipt(&ocop_hardware::layout::receipt::ReceiptView {
        e_receipt_url: None,
        ..common::transfer_receipt()
    });
    for paper in [Paper::Mm58, Paper::Mm80] {
        for mode in [Mode::Raster, Mode::CP1258_EPSON, Mode::Ascii] {
            let profile = PrinterProfile::new(paper, mode);
            let (png, bitmap) = png_of(&with_copy, &profile);
            assert_eq!(
                common::zbar(&png),
                [format!("QR-Code:{}", common::E_RECEIPT)],
                "{paper:?} {mode:?}"
            );
            assert_eq!(
                rqrr_decode(&bitmap),
                [common::E_RECEIPT.to_string()],
                "{paper:?} {mode:?}"
            );
            let (png, bitmap) = png_of(&without_copy, &profile);
            assert_eq!(
                common::zbar(&png),
                [format!("QR-Code:{}", common::VIETQR)],
                "{paper:?} {mode:?}"
            );
            assert_eq!(
                rqrr_decode(&bitmap),
                [common::VIETQR.to_string()],
                "{paper:?} {mode:?}"
            );
        }
    }
}

#[test]
fn ean13_scans_in_raster_and_native_modes() {
    let view = ShelfLabelView {
        product_name: "Rượu ngô Bắc Hà 500ml".into(),
        producer: "HTX Nông sản Bắc Hà".into(),
        price: Dong::new(350_000),
        unit: "chai".into(),
        stars: 4,
        gtin: Some(common::gtin()),
    };
    for paper in [Paper::Mm58, Paper::Mm80] {
        for mode in [Mode::Raster, Mode::CP1258_EPSON, Mode::Ascii] {
            let (png, _) = png_of(&shelf_label(&view), &PrinterProfile::new(paper, mode));
            assert_eq!(
                common::zbar(&png),
                ["EAN-13:8936012345674"],
                "{paper:?} {mode:?}"
            );
        }
    }
}

#[test]
fn a_wrong_barcode_does_not_scan_as_the_right_one() {
    // Guards the test above: a different GTIN scans as itself.
    let other = ocop_core::gtin::Gtin::parse("4006381333931").unwrap();
    let mut doc = Document::new();
    doc.push(Block::Barcode {
        ean13: Ean13::from_gtin(&other).unwrap(),
    });
    let (png, _) = png_of(&doc, &PrinterProfile::default());
    assert_eq!(common::zbar(&png), ["EAN-13:4006381333931"]);
}

#[test]
fn provenance_labels_scan_on_both_sizes() {
    for size in [LabelSize::Mm40x30, LabelSize::Mm50x30] {
        let bitmap = label_bitmap(
            &common::label("Trà Shan tuyết cổ thụ Ý Tý thượng hạng hộp quà 200g đặc biệt"),
            size,
        )
        .unwrap();
        assert_eq!((bitmap.width(), bitmap.height()), size.dots());
        let mut png = Vec::new();
        write_png(&bitmap, &mut png).unwrap();
        assert_eq!(
            common::zbar(&png),
            [format!("QR-Code:{}", common::LABEL_URL)],
            "{size:?}"
        );
    }
}

#[test]
fn a_label_job_is_one_label_per_cut_and_every_label_scans() {
    let labels = [
        common::label("Rượu ngô Bắc Hà"),
        common::label("Mật ong bạc hà"),
        common::label("Miến dong Bát Xát"),
    ];
    let doc = labels_document(&labels, LabelSize::Mm50x30).unwrap();
    // 50 mm labels do not fit a 58 mm head (384 dots = 48 mm): refused.
    assert!(matches!(
        encode_to_vec(&doc, &PrinterProfile::new(Paper::Mm58, Mode::Raster)),
        Err(ocop_hardware::escpos::EncodeError::ImageTooWide {
            width: 400,
            paper: 384
        })
    ));
    let profile = PrinterProfile::new(Paper::Mm80, Mode::Raster);
    let bytes = encode_to_vec(&doc, &profile).unwrap();
    let preview = preview::render(&bytes, &profile).unwrap();
    assert_eq!(preview.cuts.len(), 3);
    let found = common::zbar(&preview.to_png().unwrap());
    assert_eq!(found, vec![format!("QR-Code:{}", common::LABEL_URL); 3]);
}
