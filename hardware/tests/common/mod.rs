//! Fixtures and the independent decoder (zbarimg) shared by the tests.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the fixtures"
)]

use std::process::Command;

use chrono::{NaiveDate, TimeZone, Utc};
use ocop_core::gtin::Gtin;
use ocop_core::money::{Dong, Quantity, VatBucket, VatRate};
use ocop_core::sale::TransferStatus;
use ocop_core::sale::shift::TransferFigures;
use ocop_hardware::layout::OutletHeader;
use ocop_hardware::layout::label::ProvenanceLabelView;
use ocop_hardware::layout::receipt::{ReceiptLine, ReceiptView};
use ocop_hardware::layout::report::{ShiftReportKind, ShiftReportView};
use ocop_hardware::layout::slip::{SlipKind, SlipLine, StockSlipView};
use ocop_hardware::layout::{PaymentLine, PaymentMethod};

pub const VIETQR: &str = "00020101021238540010A00000072701240006970436011001234567890208QRIBFTTA530370454061250005802VN62150811PAYABCDEFGH63046729";
pub const E_RECEIPT: &str = "https://ocop.example.vn/r/6f1c2d3e-0000-4000-8000-00000000abcd";
pub const LABEL_URL: &str = "https://ocop.example.vn/01/08936012345674/10/L2611?17=271231";

pub fn header() -> OutletHeader {
    OutletHeader {
        legal_name: "HTX Nông sản Bắc Hà".into(),
        tax_code: "5300765432".into(),
        address: "Thôn Na Hối, xã Bắc Hà, Lào Cai".into(),
        phone: "0214 3880 123".into(),
    }
}

pub fn line(name: &str, milli: i64, price: i64, discount: i64, amount: i64) -> ReceiptLine {
    ReceiptLine {
        name: name.into(),
        qty: Quantity::from_milli(milli),
        unit: String::new(),
        unit_price: Dong::new(price),
        discount: Dong::new(discount),
        amount: Dong::new(amount),
    }
}

/// A cash receipt of three lines, with the amounts the core would compute.
pub fn receipt() -> ReceiptView {
    ReceiptView {
        header: header(),
        refund_of: None,
        receipt_no: "BH01-000123".into(),
        // 10:47 UTC = 17:47 in Vietnam.
        sold_at: Utc.with_ymd_and_hms(2026, 11, 28, 10, 47, 0).unwrap(),
        cashier: "Nguyễn Thị Lan".into(),
        lines: vec![
            line("Rượu ngô Bắc Hà 500ml", 2000, 350_000, 0, 700_000),
            line(
                "Trà Shan tuyết cổ thụ Ý Tý (hộp 100g)",
                1500,
                180_000,
                20_000,
                250_000,
            ),
            line("Mật ong bạc hà Đồng Văn", 1000, 120_000, 0, 120_000),
        ],
        vat: vec![
            VatBucket {
                rate: VatRate::Five,
                gross: Dong::new(370_000),
                vat: Dong::new(17_619),
                net: Dong::new(352_381),
            },
            VatBucket {
                rate: VatRate::Ten,
                gross: Dong::new(700_000),
                vat: Dong::new(63_636),
                net: Dong::new(636_364),
            },
        ],
        total: Dong::new(1_070_000),
        // Cash settles the total; the customer handed over 1.100.000.
        payments: vec![PaymentLine::new(PaymentMethod::Cash, Dong::new(1_070_000))],
        tendered: Some(Dong::new(1_100_000)),
        change: Dong::new(30_000),
        pending_vietqr: None,
        e_receipt_url: None,
        journal_hash_short: "9f3a1c07".into(),
        footer: vec!["Cảm ơn quý khách!".into(), "Hẹn gặp lại".into()],
    }
}

/// The receipt paid by bank transfer, still pending, with its e-receipt link.
pub fn transfer_receipt() -> ReceiptView {
    let mut r = receipt();
    r.payments = vec![PaymentLine {
        method: PaymentMethod::BankTransfer,
        amount: Dong::new(1_070_000),
        transfer: Some(TransferStatus::Pending),
    }];
    r.tendered = None;
    r.change = Dong::ZERO;
    r.pending_vietqr = Some(VIETQR.into());
    r.e_receipt_url = Some(E_RECEIPT.into());
    r
}

/// A receipt of `n` lines (benchmarks, banding).
pub fn long_receipt(n: usize) -> ReceiptView {
    let mut r = receipt();
    r.lines = (0..n)
        .map(|i| {
            line(
                &format!("Sản phẩm OCOP số {i} - Lào Cai"),
                1000,
                10_000,
                0,
                10_000,
            )
        })
        .collect();
    r
}

pub fn label(name: &str) -> ProvenanceLabelView {
    ProvenanceLabelView {
        url: LABEL_URL.into(),
        product_name: name.into(),
        producer: "HTX Nông sản Bắc Hà".into(),
        lot: Some("L2611".into()),
        expiry: NaiveDate::from_ymd_opt(2027, 12, 31),
        stars: 4,
    }
}

pub fn gtin() -> Gtin {
    Gtin::parse("8936012345674").unwrap()
}

/// Symbols found by zbarimg in a PNG, as `TYPE:data` (e.g.
/// `QR-Code:https://…`, `EAN-13:893…`). Fails, never skips, without zbar.
pub fn zbar(png: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.png");
    std::fs::write(&path, png).unwrap();
    let output = Command::new("zbarimg")
        .arg("--quiet")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("zbarimg could not run ({e}): apt-get install zbar-tools"));
    // Exit 4 means "no symbol found": an empty list, which the test judges.
    assert!(
        output.status.success() || output.status.code() == Some(4),
        "zbarimg failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut found: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    found.sort();
    found
}

/// A Z report with a small cash difference.
pub fn z_report() -> ShiftReportView {
    ShiftReportView {
        header: header(),
        kind: ShiftReportKind::Z,
        till: "BH01".into(),
        z_no: Some(42),
        cashier: "Nguyễn Thị Lan".into(),
        opened_at: vn_time(1),
        printed_at: vn_time(11),
        first_receipt: Some("BH01-000101".into()),
        last_receipt: Some("BH01-000123".into()),
        sales_count: 22,
        refunds_count: 1,
        gross_sales: Dong::new(12_450_000),
        refunds: Dong::new(350_000),
        net_sales: Dong::new(12_100_000),
        vat: receipt().vat,
        payments: vec![
            PaymentLine::new(PaymentMethod::Cash, Dong::new(7_100_000)),
            PaymentLine::new(PaymentMethod::BankTransfer, Dong::new(5_000_000)),
        ],
        transfers: TransferFigures {
            confirmed_by_bank: Dong::new(3_000_000),
            confirmed_by_cashier: Dong::new(1_500_000),
            pending: Dong::new(500_000),
        },
        opening_float: Dong::new(1_000_000),
        cash_in: Dong::ZERO,
        cash_out: Dong::new(500_000),
        expected_cash: Dong::new(7_600_000),
        counted_cash: Some(Dong::new(7_598_000)),
        difference: Some(Dong::new(-2_000)),
        grand_total: Dong::new(987_654_000),
        journal_hash_short: "9f3a1c07".into(),
        unsent_records: 0,
    }
}

/// A goods-received (consignment) slip.
pub fn goods_received() -> StockSlipView {
    StockSlipView {
        header: header(),
        kind: SlipKind::GoodsReceived,
        number: "NK-2026-0042".into(),
        posted_at: vn_time(3),
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
    }
}

fn vn_time(hour: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, hour, 0, 0).unwrap()
}
