//! Writes previews of every layout to a folder, to look at them:
//! `cargo run -p ocop-hardware --example previews -- /tmp/ocop-previews`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::as_conversions,
    reason = "a demo program over fixed sample data"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use ocop_core::money::{Dong, Quantity};
use ocop_hardware::Document;
use ocop_hardware::escpos::{Mode, Paper, PrinterProfile, encode_to_vec};
use ocop_hardware::layout::label::{LabelSize, label_bitmap};
use ocop_hardware::layout::receipt::receipt;
use ocop_hardware::layout::report::{ShiftReportKind, ShiftReportView, shift_report};
use ocop_hardware::layout::shelf::{ShelfLabelView, shelf_label};
use ocop_hardware::layout::slip::{SlipKind, SlipLine, StockSlipView, stock_slip};
use ocop_hardware::layout::{PaymentLine, PaymentMethod};
use ocop_hardware::pdf::{SheetLayout, sticker_sheet};
use ocop_hardware::preview::{self, write_png};

fn save(dir: &std::path::Path, name: &str, doc: &Document, profile: &PrinterProfile) {
    let bytes = encode_to_vec(doc, profile).unwrap();
    let path = dir.join(format!("{name}.png"));
    preview::render(&bytes, profile)
        .unwrap()
        .save_png(&path)
        .unwrap();
    println!("{} ({} bytes of ESC/POS)", path.display(), bytes.len());
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "ocop-previews".into()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let raster80 = PrinterProfile::new(Paper::Mm80, Mode::Raster);
    let raster58 = PrinterProfile::new(Paper::Mm58, Mode::Raster);
    save(
        &dir,
        "receipt-80-raster",
        &receipt(&common::transfer_receipt()),
        &raster80,
    );
    save(
        &dir,
        "receipt-58-raster",
        &receipt(&common::receipt()),
        &raster58,
    );
    save(
        &dir,
        "receipt-80-cp1258",
        &receipt(&common::transfer_receipt()),
        &PrinterProfile::new(Paper::Mm80, Mode::CP1258_EPSON),
    );
    save(
        &dir,
        "receipt-58-ascii",
        &receipt(&common::receipt()),
        &PrinterProfile::new(Paper::Mm58, Mode::Ascii),
    );
    let t = |h| Utc.with_ymd_and_hms(2026, 11, 28, h, 0, 0).unwrap();
    let report = ShiftReportView {
        header: common::header(),
        kind: ShiftReportKind::Z,
        till: "BH01".into(),
        z_no: Some(42),
        cashier: "Nguyễn Thị Lan".into(),
        opened_at: t(1),
        printed_at: t(11),
        first_receipt: Some("BH01-000101".into()),
        last_receipt: Some("BH01-000123".into()),
        sales_count: 22,
        refunds_count: 1,
        gross_sales: Dong::new(12_450_000),
        refunds: Dong::new(350_000),
        net_sales: Dong::new(12_100_000),
        vat: common::receipt().vat,
        payments: vec![
            PaymentLine {
                method: PaymentMethod::Cash,
                amount: Dong::new(7_100_000),
            },
            PaymentLine {
                method: PaymentMethod::BankTransfer,
                amount: Dong::new(5_000_000),
            },
        ],
        opening_float: Dong::new(1_000_000),
        cash_in: Dong::ZERO,
        cash_out: Dong::new(500_000),
        expected_cash: Dong::new(7_600_000),
        counted_cash: Some(Dong::new(7_598_000)),
        difference: Some(Dong::new(-2_000)),
        grand_total: Dong::new(987_654_000),
        journal_hash_short: "9f3a1c07".into(),
    };
    save(&dir, "z-report-80", &shift_report(&report), &raster80);
    let slip = StockSlipView {
        header: common::header(),
        kind: SlipKind::GoodsReceived,
        number: "NK-2026-0042".into(),
        posted_at: t(3),
        producer: Some("HTX Nông sản Bắc Hà".into()),
        reason: None,
        prepared_by: "Lò Văn Minh".into(),
        lines: vec![SlipLine {
            name: "Rượu ngô Bắc Hà 500ml".into(),
            lot: Some("L2611".into()),
            expiry: NaiveDate::from_ymd_opt(2027, 12, 31),
            qty: Quantity::from_milli(24_000),
            unit: "chai".into(),
            value: None,
        }],
        total_value: None,
    };
    save(&dir, "goods-received-58", &stock_slip(&slip), &raster58);
    let shelf = ShelfLabelView {
        product_name: "Rượu ngô Bắc Hà 500ml".into(),
        producer: "HTX Nông sản Bắc Hà".into(),
        price: Dong::new(350_000),
        unit: "chai".into(),
        stars: 4,
        gtin: Some(common::gtin()),
    };
    save(&dir, "shelf-58", &shelf_label(&shelf), &raster58);
    for (size, name) in [
        (LabelSize::Mm40x30, "label-40x30"),
        (LabelSize::Mm50x30, "label-50x30"),
    ] {
        let bitmap =
            label_bitmap(&common::label("Trà Shan tuyết cổ thụ Ý Tý hộp 100g"), size).unwrap();
        let mut png = Vec::new();
        write_png(&bitmap, &mut png).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
        println!("{}", dir.join(format!("{name}.png")).display());
    }
    let labels: Vec<_> = (0..70)
        .map(|i| common::label(&format!("Rượu ngô Bắc Hà số {i}")))
        .collect();
    let pdf = sticker_sheet(&labels, &SheetLayout::a4_5x13()).unwrap();
    std::fs::write(dir.join("stickers-a4-5x13.pdf"), pdf).unwrap();
    println!("{}", dir.join("stickers-a4-5x13.pdf").display());
}
