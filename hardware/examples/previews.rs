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

use ocop_core::money::Dong;
use ocop_hardware::Document;
use ocop_hardware::escpos::{Mode, Paper, PrinterProfile, encode_to_vec};
use ocop_hardware::layout::label::{LabelSize, label_bitmap};
use ocop_hardware::layout::receipt::receipt;
use ocop_hardware::layout::report::shift_report;
use ocop_hardware::layout::shelf::{ShelfLabelView, shelf_label};
use ocop_hardware::layout::slip::stock_slip;
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
    let report = common::z_report();
    save(&dir, "z-report-80", &shift_report(&report), &raster80);
    let slip = common::goods_received();
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
