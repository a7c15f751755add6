//! X (mid-shift, changes nothing) and Z (end of shift, closes it) reports.
//! Figures are printed as the server or till computed them.

use chrono::{DateTime, Utc};
use ocop_core::i18n::Lang;
use ocop_core::money::{Dong, VatBucket};
use ocop_core::sale::shift::TransferFigures;
use ocop_core::time::format_vn;

use super::{OutletHeader, PaymentLine};
use crate::document::{Document, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftReportKind {
    X,
    Z,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftReportView {
    pub header: OutletHeader,
    pub kind: ShiftReportKind,
    pub till: String,
    /// Z report number (consecutive per till); `None` on an X report.
    pub z_no: Option<u64>,
    pub cashier: String,
    pub opened_at: DateTime<Utc>,
    pub printed_at: DateTime<Utc>,
    pub first_receipt: Option<String>,
    pub last_receipt: Option<String>,
    pub sales_count: u64,
    pub refunds_count: u64,
    pub gross_sales: Dong,
    pub refunds: Dong,
    pub net_sales: Dong,
    pub vat: Vec<VatBucket>,
    pub payments: Vec<PaymentLine>,
    /// The bank transfers by state: confirmed by the bank, by the cashier,
    /// and still pending (printed apart, never as money received).
    pub transfers: TransferFigures,
    pub opening_float: Dong,
    pub cash_in: Dong,
    pub cash_out: Dong,
    pub expected_cash: Dong,
    pub counted_cash: Option<Dong>,
    pub difference: Option<Dong>,
    /// Running grand total of the till since it was registered.
    pub grand_total: Dong,
    pub journal_hash_short: String,
    /// Records (sales, refunds, shift events) the till had not yet sent to
    /// the server when the shift closed: printed as a warning when above
    /// zero, since the server's figures lack them until they arrive.
    pub unsent_records: u64,
}

pub fn shift_report(view: &ShiftReportView) -> Document {
    let mut doc = Document::new();
    view.header.write(&mut doc);
    doc.feed(1);
    match view.kind {
        ShiftReportKind::X => doc.center("BÁO CÁO X", Style::LARGE_BOLD),
        ShiftReportKind::Z => doc.center("BÁO CÁO Z", Style::LARGE_BOLD),
    };
    doc.center(
        match view.kind {
            ShiftReportKind::X => "(giữa ca - không đóng ca)",
            ShiftReportKind::Z => "(đóng ca)",
        },
        Style::NORMAL,
    );
    doc.row("Máy bán hàng:", &view.till);
    if let Some(z) = view.z_no {
        doc.row("Số báo cáo Z:", z.to_string());
    }
    doc.row("Thu ngân:", &view.cashier);
    doc.row("Mở ca:", format_vn(view.opened_at));
    doc.row("In lúc:", format_vn(view.printed_at));
    if let (Some(first), Some(last)) = (&view.first_receipt, &view.last_receipt) {
        doc.row("Từ phiếu:", first);
        doc.row("Đến phiếu:", last);
    }
    doc.separator();
    doc.row(
        format!("Bán hàng ({} phiếu)", view.sales_count),
        view.gross_sales.to_string(),
    );
    doc.row(
        format!("Trả hàng ({} phiếu)", view.refunds_count),
        format!("-{}", view.refunds),
    );
    doc.row_styled("Doanh thu thuần", view.net_sales.to_string(), Style::BOLD);
    for bucket in &view.vat {
        let label = bucket.rate.label(Lang::Vi);
        doc.row(format!("  Doanh thu {label}"), bucket.gross.to_string());
        doc.row(format!("  Thuế GTGT {label}"), bucket.vat.to_string());
    }
    doc.separator();
    doc.text("Thanh toán", crate::Align::Left, Style::BOLD);
    for payment in &view.payments {
        doc.row(
            format!("  {}", payment.method.label_vi()),
            payment.amount.to_string(),
        );
        if payment.method == super::PaymentMethod::BankTransfer {
            let t = &view.transfers;
            doc.row("    NH đã xác nhận", t.confirmed_by_bank.to_string());
            doc.row("    Thu ngân đã nhận", t.confirmed_by_cashier.to_string());
            doc.row_styled("    CHỜ XÁC NHẬN", t.pending.to_string(), Style::BOLD);
        }
    }
    doc.separator();
    doc.text("Tiền mặt trong két", crate::Align::Left, Style::BOLD);
    doc.row("  Tiền đầu ca", view.opening_float.to_string());
    doc.row("  Nộp thêm", view.cash_in.to_string());
    doc.row("  Rút ra", format!("-{}", view.cash_out));
    doc.row("  Phải có", view.expected_cash.to_string());
    if let Some(counted) = view.counted_cash {
        doc.row("  Đếm được", counted.to_string());
    }
    if let Some(diff) = view.difference {
        doc.row_styled("  Chênh lệch", diff.to_string(), Style::BOLD);
    }
    if view.unsent_records > 0 {
        doc.separator();
        doc.center(
            format!("CHƯA GỬI MÁY CHỦ: {} bản ghi", view.unsent_records),
            Style::BOLD,
        );
        doc.center("(số liệu trên máy chủ chưa đủ)", Style::NORMAL);
    }
    doc.separator();
    doc.row("Tổng lũy kế máy", view.grand_total.to_string());
    doc.center(
        format!("Mã kiểm tra: {}", view.journal_hash_short),
        Style::NORMAL,
    );
    doc.feed(2);
    doc.row("Thu ngân ký", "Quản lý ký");
    doc.feed(3);
    doc.cut();
    doc
}
