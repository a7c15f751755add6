//! Each printer mode, from a receipt to bytes and back: the text modes
//! decode to exactly the intended text, raster decodes to a picture, and
//! the preview refuses bytes outside our subset.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::as_conversions,
    reason = "test code and its helpers: a panic is a failed test"
)]

mod common;

use ocop_hardware::escpos::{Mode, Paper, PrinterProfile, encode_to_vec};
use ocop_hardware::layout::receipt::receipt;
use ocop_hardware::preview::{self, PreviewError};
use ocop_hardware::{Document, Style};
use unicode_normalization::UnicodeNormalization;

fn profile(paper: Paper, mode: Mode) -> PrinterProfile {
    PrinterProfile::new(paper, mode)
}

#[test]
fn ascii_receipt_text_snapshot() {
    let p = profile(Paper::Mm58, Mode::Ascii);
    let bytes = encode_to_vec(&receipt(&common::receipt()), &p).unwrap();
    let preview = preview::render(&bytes, &p).unwrap();
    // The money, literally: cash settles the total, the customer handed
    // over 1.100.000 and gets 30.000 back (a snapshot alone only records
    // what the code does today).
    for line in [
        "TONG CONG            1.070.000 d",
        "Tien mat             1.070.000 d",
        "Tien khach dua       1.100.000 d",
        "Tien thua tra khach     30.000 d",
    ] {
        assert!(
            preview.text_lines.iter().any(|l| l == line),
            "{line:?} not in {:#?}",
            preview.text_lines
        );
    }
    insta::assert_snapshot!(preview.text_lines.join("\n"));
}

#[test]
fn ascii_mode_sends_nothing_above_0x7f_and_folds_vietnamese() {
    let p = profile(Paper::Mm80, Mode::Ascii);
    let bytes = encode_to_vec(&receipt(&common::receipt()), &p).unwrap();
    // The only byte above 0x7F is the drawer pulse's off-time (250) at the
    // very end; every text byte is ASCII (the preview also refuses text
    // bytes >= 0x80 while the ASCII table is selected).
    let body = bytes
        .strip_suffix(&ocop_hardware::escpos::commands::OPEN_DRAWER)
        .unwrap();
    assert!(
        body.iter().all(|b| *b < 0x80),
        "a byte >= 0x80 in ASCII mode"
    );
    let text = preview::render(&bytes, &p).unwrap().text_lines.join("\n");
    assert!(text.contains("Ruou ngo Bac Ha 500ml"), "{text}");
    assert!(text.contains("Thu ngan:"), "{text}");
    assert!(text.contains("1.070.000 d"), "{text}");
}

#[test]
fn cp1258_receipt_command_snapshot() {
    let p = profile(Paper::Mm80, Mode::CP1258_EPSON);
    let bytes = encode_to_vec(&receipt(&common::receipt()), &p).unwrap();
    let preview = preview::render(&bytes, &p).unwrap();
    insta::assert_snapshot!(preview.commands.join("\n"));
}

#[test]
fn cp1258_text_decodes_back_to_the_exact_vietnamese() {
    let p = profile(Paper::Mm80, Mode::CP1258_EPSON);
    let view = common::receipt();
    let bytes = encode_to_vec(&receipt(&view), &p).unwrap();
    // Set up the printer before any text: init, leave Chinese mode, page 52.
    assert_eq!(bytes[..7], [0x1b, 0x40, 0x1c, 0x2e, 0x1b, 0x74, 52]);
    let lines = preview::render(&bytes, &p).unwrap().text_lines;
    for expected in [
        "HTX Nông sản Bắc Hà",
        "Rượu ngô Bắc Hà 500ml",
        "Mật ong bạc hà Đồng Văn",
        "Cảm ơn quý khách!",
        "Hẹn gặp lại",
    ] {
        let expected: String = expected.nfc().collect();
        assert!(lines.contains(&expected), "{expected:?} not in {lines:#?}");
    }
    let cashier = lines.iter().find(|l| l.starts_with("Thu ngân:")).unwrap();
    assert!(cashier.ends_with("Nguyễn Thị Lan"), "{cashier}");
    let total = lines.iter().find(|l| l.starts_with("TỔNG CỘNG")).unwrap();
    assert!(total.ends_with("1.070.000 ₫"), "{total}");
    // Row lines are exactly the paper width (48 columns of font A).
    assert_eq!(total.chars().count(), 48);
}

#[test]
fn the_code_table_number_comes_from_the_profile() {
    let mode = Mode::CodePage {
        page: ocop_hardware::CodePage::Cp1258,
        esc_t: 27,
    };
    let p = profile(Paper::Mm58, mode);
    let mut doc = Document::new();
    doc.line("Đặc sản Sa Pa");
    let bytes = encode_to_vec(&doc, &p).unwrap();
    assert_eq!(bytes[4..7], [0x1b, 0x74, 27]);
    assert_eq!(
        preview::render(&bytes, &p).unwrap().text_lines,
        ["Đặc sản Sa Pa"]
    );
    // A printer whose table 27 is not Windows-1258 would print garbage:
    // the preview for an Epson profile refuses it.
    let epson = profile(Paper::Mm58, Mode::CP1258_EPSON);
    assert!(matches!(
        preview::render(&bytes, &epson),
        Err(PreviewError::CodeTable { n: 27, .. })
    ));
}

#[test]
fn raster_receipt_decodes_to_a_png_of_the_paper() {
    for paper in [Paper::Mm58, Paper::Mm80] {
        let p = profile(paper, Mode::Raster);
        let bytes = encode_to_vec(&receipt(&common::receipt()), &p).unwrap();
        let preview = preview::render(&bytes, &p).unwrap();
        assert!(preview.text_lines.is_empty(), "raster mode sends no text");
        assert_eq!(preview.paper.width(), paper.dots());
        assert!(preview.paper.height() > 600);
        assert_eq!(preview.cuts.len(), 1);
        assert_eq!(preview.drawer_pulses, 1, "cash was taken: open the drawer");
        let png = preview.to_png().unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        assert_eq!(reader.info().width, paper.dots() + 16);
    }
}

#[test]
fn raster_is_sent_in_bands_of_at_most_128_rows() {
    let p = profile(Paper::Mm80, Mode::Raster);
    let bytes = encode_to_vec(&receipt(&common::long_receipt(30)), &p).unwrap();
    let commands = preview::render(&bytes, &p).unwrap().commands;
    let bands: Vec<u32> = commands
        .iter()
        .filter_map(|c| c.strip_prefix("GS v 0 576x"))
        .map(|rows| rows.parse().unwrap())
        .collect();
    assert!(bands.len() > 10, "{} bands", bands.len());
    assert!(bands.iter().all(|rows| *rows <= 128), "{bands:?}");
}

#[test]
fn raster_vietnamese_prints_differently_from_its_folded_form() {
    let p = profile(Paper::Mm80, Mode::Raster);
    let paper_of = |text: &str| {
        let mut doc = Document::new();
        doc.text(text, ocop_hardware::Align::Left, Style::NORMAL);
        preview::render(&encode_to_vec(&doc, &p).unwrap(), &p)
            .unwrap()
            .paper
    };
    let vi = paper_of("Rượu ngô");
    let ascii = paper_of("Ruou ngo");
    assert_eq!(vi.width(), ascii.width());
    assert_ne!(vi, ascii);
    assert!(vi.black_pixels() > ascii.black_pixels() + 20);
}

#[test]
fn no_drawer_pulse_without_cash() {
    let p = profile(Paper::Mm80, Mode::Raster);
    let bytes = encode_to_vec(&receipt(&common::transfer_receipt()), &p).unwrap();
    assert_eq!(preview::render(&bytes, &p).unwrap().drawer_pulses, 0);
}

#[test]
fn the_drawer_pulse_has_its_timing_bytes() {
    // The escpos crate's cash_drawer() sends `ESC p 0` without them.
    let p = profile(Paper::Mm80, Mode::Ascii);
    let bytes = encode_to_vec(&receipt(&common::receipt()), &p).unwrap();
    assert!(bytes.ends_with(&[0x1b, 0x70, 0x00, 0x19, 0xfa]));
}

#[test]
fn the_preview_refuses_what_we_do_not_send() {
    let p = profile(Paper::Mm80, Mode::Ascii);
    // ESC ! (select print mode) is not in our subset.
    assert!(matches!(
        preview::render(&[0x1b, 0x40, 0x1b, 0x21, 0x00], &p),
        Err(PreviewError::Unknown { offset: 2, .. })
    ));
    // A raster image whose data stops early.
    assert!(matches!(
        preview::render(&[0x1d, 0x76, 0x30, 0x00, 0x01, 0x00, 0x02, 0x00, 0xff], &p),
        Err(PreviewError::Truncated { .. })
    ));
    // QR Model 1 (the escpos crate's default) is refused.
    assert!(matches!(
        preview::render(&[0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x31, 0x00], &p),
        Err(PreviewError::Qr { .. })
    ));
    // A byte >= 0x80 while the ASCII table is selected.
    assert!(matches!(
        preview::render(&[0x41, 0xe0, 0x0a], &p),
        Err(PreviewError::Unprintable { offset: 1, .. })
    ));
    // A raster wider than the paper.
    let p58 = profile(Paper::Mm58, Mode::Raster);
    let mut wide = vec![0x1d, 0x76, 0x30, 0x00, 72, 0x00, 0x01, 0x00];
    wide.extend([0u8; 72]);
    assert!(matches!(
        preview::render(&wide, &p58),
        Err(PreviewError::TooWide { .. })
    ));
}

#[test]
fn z_report_goods_received_and_shelf_label_text_snapshots() {
    use ocop_hardware::layout::report::shift_report;
    use ocop_hardware::layout::shelf::{ShelfLabelView, shelf_label};
    use ocop_hardware::layout::slip::stock_slip;
    let p = profile(Paper::Mm58, Mode::Ascii);
    let text = |doc: &Document| {
        let bytes = encode_to_vec(doc, &p).unwrap();
        preview::render(&bytes, &p).unwrap().text_lines.join("\n")
    };
    insta::assert_snapshot!("z_report", text(&shift_report(&common::z_report())));
    insta::assert_snapshot!(
        "goods_received",
        text(&stock_slip(&common::goods_received()))
    );
    let shelf = ShelfLabelView {
        product_name: "Rượu ngô Bắc Hà 500ml".into(),
        producer: "HTX Nông sản Bắc Hà".into(),
        price: ocop_core::money::Dong::new(350_000),
        unit: "chai".into(),
        stars: 4,
        gtin: Some(common::gtin()),
    };
    insta::assert_snapshot!("shelf_label", text(&shelf_label(&shelf)));
}

/// Regression (found by the till): on a split payment the line under the
/// VietQR code printed the receipt total, while the code asks only for the
/// transfer's share. The amount now comes from the payload itself.
#[test]
fn the_amount_under_a_vietqr_code_is_the_codes_own() {
    let p = profile(Paper::Mm80, Mode::Ascii);
    let mut view = common::transfer_receipt();
    // The fixture's payload asks for 125.000 đồng; the receipt totals 1.070.000.
    view.payments = vec![
        ocop_hardware::layout::PaymentLine::new(
            ocop_hardware::layout::PaymentMethod::Cash,
            ocop_core::money::Dong::new(945_000),
        ),
        ocop_hardware::layout::PaymentLine {
            method: ocop_hardware::layout::PaymentMethod::BankTransfer,
            amount: ocop_core::money::Dong::new(125_000),
            transfer: Some(ocop_core::sale::TransferStatus::Pending),
        },
    ];
    let bytes = encode_to_vec(&receipt(&view), &p).unwrap();
    let text = preview::render(&bytes, &p).unwrap().text_lines.join("\n");
    assert!(text.contains("So tien: 125.000 d"), "{text}");
    assert!(!text.contains("So tien: 1.070.000 d"), "{text}");
}

/// Issue 14: a VietQR transfer nobody confirmed printed exactly like a paid
/// one. The receipt now says its state and, while pending, what is still
/// unpaid; once confirmed (a reprint after the bank's notice) it says who
/// confirmed and owes nothing.
#[test]
fn a_transfer_receipt_says_pending_or_confirmed() {
    use ocop_core::sale::TransferStatus;
    let p = profile(Paper::Mm58, Mode::Ascii);
    let text_of = |state: TransferStatus| {
        let mut view = common::transfer_receipt();
        view.payments[0].transfer = Some(state);
        if state.is_confirmed() {
            view.pending_vietqr = None;
        }
        let bytes = encode_to_vec(&receipt(&view), &p).unwrap();
        preview::render(&bytes, &p).unwrap().text_lines.join("\n")
    };
    let pending = text_of(TransferStatus::Pending);
    assert!(pending.contains("  (cho xac nhan)"), "{pending}");
    assert!(
        pending.contains("CHUA THANH TOAN      1.070.000 d"),
        "{pending}"
    );
    insta::assert_snapshot!("transfer_receipt_pending", pending);
    let by_bank = text_of(TransferStatus::ConfirmedByBank);
    assert!(by_bank.contains("  (ngan hang da xac nhan)"), "{by_bank}");
    assert!(!by_bank.contains("CHUA THANH TOAN"), "{by_bank}");
    insta::assert_snapshot!("transfer_receipt_confirmed_by_bank", by_bank);
    let by_cashier = text_of(TransferStatus::ConfirmedByCashier);
    assert!(
        by_cashier.contains("  (thu ngan da xac nhan)"),
        "{by_cashier}"
    );
    assert!(!by_cashier.contains("CHUA THANH TOAN"), "{by_cashier}");
}

/// Issue 14: the Z report added confirmed and pending transfers into one
/// figure; the three states are now printed apart under the transfers.
#[test]
fn the_z_report_prints_transfers_by_state() {
    use ocop_hardware::layout::report::shift_report;
    let p = profile(Paper::Mm58, Mode::Ascii);
    let bytes = encode_to_vec(&shift_report(&common::z_report()), &p).unwrap();
    let lines = preview::render(&bytes, &p).unwrap().text_lines;
    for line in [
        "  Chuyen khoan       5.000.000 d",
        "    NH da xac nhan   3.000.000 d",
        "    Thu ngan da nhan 1.500.000 d",
        "    CHO XAC NHAN       500.000 d",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(line)),
            "{line:?} not in {lines:#?}"
        );
    }
}
