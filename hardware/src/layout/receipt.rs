//! The sales receipt (and refund receipt): outlet header, number and time
//! in Vietnam time, cashier, lines, VAT per rate, total, payments, change,
//! one QR code — the e-receipt / provenance page's, or without one the
//! VietQR code while a bank transfer is pending —, the short journal hash,
//! the footer; then cut, then the drawer when
//! cash was taken. Amounts are printed as given: the layout never computes
//! money (the core crate did, once).

use chrono::{DateTime, Utc};
use ocop_core::i18n::Lang;
use ocop_core::money::{Dong, Quantity, VatBucket, VatRate};
use ocop_core::time::format_vn;

use super::{OutletHeader, PaymentLine, PaymentMethod};
use crate::document::{Block, Document, Style};

/// One sold line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    pub name: String,
    pub qty: Quantity,
    /// Unit (cái, chai, kg…), printed after the quantity when not empty.
    pub unit: String,
    pub unit_price: Dong,
    /// Discount on the line (positive number), zero for none.
    pub discount: Dong,
    /// `qty × unit_price − discount`, as the core computed it.
    pub amount: Dong,
}

/// Everything a receipt prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptView {
    pub header: OutletHeader,
    /// For a refund receipt (phiếu trả hàng): the number of the sale refunded.
    pub refund_of: Option<String>,
    pub receipt_no: String,
    pub sold_at: DateTime<Utc>,
    pub cashier: String,
    pub lines: Vec<ReceiptLine>,
    pub vat: Vec<VatBucket>,
    pub total: Dong,
    pub payments: Vec<PaymentLine>,
    /// Cash the customer handed over (tiền khách đưa), when paid in cash;
    /// printed above the change.
    pub tendered: Option<Dong>,
    pub change: Dong,
    /// The VietQR payload while a bank transfer waits for the bank's notice.
    pub pending_vietqr: Option<String>,
    /// Link to the sale's e-receipt / provenance page.
    pub e_receipt_url: Option<String>,
    /// First characters of the sale's journal hash.
    pub journal_hash_short: String,
    pub footer: Vec<String>,
}

fn vat_label(rate: VatRate) -> &'static str {
    rate.label(Lang::Vi)
}

/// Lays out a receipt.
pub fn receipt(view: &ReceiptView) -> Document {
    let mut doc = Document::new();
    view.header.write(&mut doc);
    doc.feed(1);
    let title = if view.refund_of.is_some() {
        "PHIẾU TRẢ HÀNG"
    } else {
        "PHIẾU BÁN HÀNG"
    };
    doc.center(title, Style::LARGE_BOLD);
    doc.row("Số:", &view.receipt_no);
    if let Some(original) = &view.refund_of {
        doc.row("Trả cho phiếu:", original);
    }
    doc.row("Thời gian:", format_vn(view.sold_at));
    doc.row("Thu ngân:", &view.cashier);
    doc.separator();
    for line in &view.lines {
        doc.line(&line.name);
        let unit = if line.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", line.unit)
        };
        doc.row(
            format!("  {}{unit} × {}", line.qty, line.unit_price),
            line.amount.to_string(),
        );
        if line.discount != Dong::ZERO {
            doc.row("  Giảm giá", format!("-{}", line.discount));
        }
    }
    doc.separator();
    doc.row_styled("TỔNG CỘNG", view.total.to_string(), Style::BOLD);
    for bucket in &view.vat {
        match bucket.rate {
            VatRate::NotSubject => {
                doc.row("Không chịu thuế GTGT", bucket.gross.to_string());
            }
            rate => {
                doc.row(
                    format!("Giá chưa thuế ({})", vat_label(rate)),
                    bucket.net.to_string(),
                );
                doc.row(
                    format!("Thuế GTGT ({})", vat_label(rate)),
                    bucket.vat.to_string(),
                );
            }
        }
    }
    doc.separator();
    let mut unpaid = Dong::ZERO;
    for payment in &view.payments {
        doc.row(payment.method.label_vi(), payment.amount.to_string());
        if let Some(state) = payment.transfer {
            doc.line(format!("  ({})", state.label(Lang::Vi)));
            if !state.is_confirmed() {
                unpaid = unpaid.checked_add(payment.amount).unwrap_or(unpaid);
            }
        }
    }
    // A transfer nobody has confirmed is not money received: said plainly,
    // so this paper can never pass for a paid receipt.
    if unpaid != Dong::ZERO {
        doc.row_styled("CHƯA THANH TOÁN", unpaid.to_string(), Style::BOLD);
    }
    if let Some(tendered) = view.tendered {
        doc.row("Tiền khách đưa", tendered.to_string());
    }
    if view.change != Dong::ZERO {
        doc.row("Tiền thừa trả khách", view.change.to_string());
    }
    // One QR code on the paper (issue 14): two side by side left the
    // customer's phone to pick one. With an online copy that is its code,
    // and a pending transfer is paid from the till's screen, which shows the
    // VietQR until the cashier leaves it; the paper keeps the amount to pay.
    if let Some(payload) = &view.pending_vietqr {
        doc.feed(1);
        if view.e_receipt_url.is_some() {
            doc.center(
                "Chuyển khoản: quét mã VietQR trên màn hình quầy",
                Style::BOLD,
            );
        } else {
            doc.center("Quét mã VietQR để chuyển khoản", Style::BOLD);
            doc.qr(payload);
        }
        // The amount the code asks for, read from the payload itself: on a
        // split payment it is the transfer's share, not the receipt total.
        if let Some(amount) = ocop_core::vietqr::VietQr::parse(payload)
            .ok()
            .and_then(|qr| qr.amount())
        {
            doc.center(format!("Số tiền: {amount}"), Style::NORMAL);
        }
    }
    if let Some(url) = &view.e_receipt_url {
        doc.feed(1);
        // A sale receipt with an online copy, not an e-invoice (hóa đơn
        // điện tử is a legal term for the tax authority's invoices).
        doc.center("Phiếu trực tuyến và nguồn gốc sản phẩm", Style::NORMAL);
        doc.qr(url);
        doc.center(url, Style::NORMAL);
    }
    doc.center(
        format!("Mã kiểm tra: {}", view.journal_hash_short),
        Style::NORMAL,
    );
    for line in &view.footer {
        doc.center(line, Style::NORMAL);
    }
    doc.cut();
    if view
        .payments
        .iter()
        .any(|p| p.method == PaymentMethod::Cash)
    {
        doc.push(Block::OpenDrawer);
    }
    doc
}
