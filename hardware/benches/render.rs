//! Render speed: a 30-line receipt in raster mode on 58 and 80 mm (time and
//! bytes sent), the same in the code-page mode for comparison, and
//! provenance labels per second.
//! `cargo bench -p ocop-hardware --bench render`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::as_conversions,
    reason = "benchmark over fixed sample data"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ocop_hardware::escpos::{Mode, Paper, PrinterProfile, encode};
use ocop_hardware::layout::label::{LabelSize, label_bitmap};
use ocop_hardware::layout::receipt::receipt;
use ocop_hardware::pdf::{SheetLayout, sticker_sheet};

/// Counts bytes without keeping them, as a socket would.
struct Count(usize);

impl std::io::Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn receipts(c: &mut Criterion) {
    let view = common::long_receipt(30);
    let doc = receipt(&view);
    for (paper, name) in [(Paper::Mm58, "58mm"), (Paper::Mm80, "80mm")] {
        for (mode, mode_name) in [(Mode::Raster, "raster"), (Mode::CP1258_EPSON, "cp1258")] {
            let profile = PrinterProfile::new(paper, mode);
            let mut count = Count(0);
            encode(&doc, &profile, &mut count).unwrap();
            eprintln!("receipt 30 lines {name} {mode_name}: {} bytes", count.0);
            c.bench_function(&format!("receipt_30_lines_{mode_name}_{name}"), |b| {
                b.iter(|| {
                    let mut count = Count(0);
                    encode(black_box(&doc), &profile, &mut count).unwrap();
                    count.0
                })
            });
        }
    }
}

fn labels(c: &mut Criterion) {
    let view = common::label("Trà Shan tuyết cổ thụ Ý Tý hộp 100g");
    let mut group = c.benchmark_group("labels");
    group.throughput(Throughput::Elements(1));
    group.bench_function("provenance_label_50x30_bitmap", |b| {
        b.iter(|| label_bitmap(black_box(&view), LabelSize::Mm50x30).unwrap())
    });
    let sheet: Vec<_> = (0..65).map(|_| view.clone()).collect();
    group.throughput(Throughput::Elements(65));
    group.bench_function("a4_sheet_65_labels_pdf", |b| {
        b.iter(|| sticker_sheet(black_box(&sheet), &SheetLayout::a4_5x13()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, receipts, labels);
criterion_main!(benches);
