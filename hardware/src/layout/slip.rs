//! Stock slips printed at the outlet: goods received on consignment, write
//! offs, transfers and returns to the producer, with signature lines.

use chrono::{DateTime, NaiveDate, Utc};
use ocop_core::money::{Dong, Quantity};
use ocop_core::time::format_vn;

use super::OutletHeader;
use crate::document::{Document, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlipKind {
    /// Phiếu nhập ký gửi.
    GoodsReceived,
    /// Phiếu xuất hủy.
    WriteOff,
    /// Phiếu chuyển kho.
    Transfer,
    /// Phiếu trả hàng cho chủ thể.
    ReturnToProducer,
}

impl SlipKind {
    pub fn title_vi(self) -> &'static str {
        match self {
            SlipKind::GoodsReceived => "PHIẾU NHẬP KÝ GỬI",
            SlipKind::WriteOff => "PHIẾU XUẤT HỦY",
            SlipKind::Transfer => "PHIẾU CHUYỂN KHO",
            SlipKind::ReturnToProducer => "PHIẾU TRẢ HÀNG CHỦ THỂ",
        }
    }

    fn signatures(self) -> (&'static str, &'static str) {
        match self {
            SlipKind::GoodsReceived => ("Người giao", "Người nhận"),
            SlipKind::WriteOff => ("Người lập", "Quản lý"),
            SlipKind::Transfer => ("Kho xuất", "Kho nhận"),
            SlipKind::ReturnToProducer => ("Người giao", "Chủ thể nhận"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipLine {
    pub name: String,
    pub lot: Option<String>,
    pub expiry: Option<NaiveDate>,
    pub qty: Quantity,
    pub unit: String,
    /// Value of the line where the slip carries one (write-offs at cost).
    pub value: Option<Dong>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockSlipView {
    pub header: OutletHeader,
    pub kind: SlipKind,
    pub number: String,
    pub posted_at: DateTime<Utc>,
    /// The owner of the goods (consignment producer).
    pub producer: Option<String>,
    pub reason: Option<String>,
    pub prepared_by: String,
    pub lines: Vec<SlipLine>,
    pub total_value: Option<Dong>,
}

pub fn stock_slip(view: &StockSlipView) -> Document {
    let mut doc = Document::new();
    view.header.write(&mut doc);
    doc.feed(1);
    doc.center(view.kind.title_vi(), Style::LARGE_BOLD);
    doc.row("Số:", &view.number);
    doc.row("Ngày:", format_vn(view.posted_at));
    if let Some(producer) = &view.producer {
        doc.line(format!("Chủ thể: {producer}"));
    }
    if let Some(reason) = &view.reason {
        doc.line(format!("Lý do: {reason}"));
    }
    doc.line(format!("Người lập: {}", view.prepared_by));
    doc.separator();
    for (i, line) in view.lines.iter().enumerate() {
        doc.text(
            format!("{}. {}", i + 1, line.name),
            crate::Align::Left,
            Style::BOLD,
        );
        let mut details = Vec::new();
        if let Some(lot) = &line.lot {
            details.push(format!("Lô {lot}"));
        }
        if let Some(expiry) = line.expiry {
            details.push(format!("HSD {}", expiry.format("%d/%m/%Y")));
        }
        let value = line.value.map(|v| v.to_string()).unwrap_or_default();
        doc.row(
            format!("  {} {} {}", line.qty, line.unit, details.join(" · ")),
            value,
        );
    }
    doc.separator();
    doc.row("Số dòng hàng", view.lines.len().to_string());
    if let Some(total) = view.total_value {
        doc.row_styled("Tổng giá trị", total.to_string(), Style::BOLD);
    }
    let (left, right) = view.kind.signatures();
    doc.feed(1);
    doc.row(left, right);
    doc.feed(4);
    doc.cut();
    doc
}
