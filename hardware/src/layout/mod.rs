//! Layouts: plain view structs (filled by the server or the till from their
//! own data) turned into [`crate::Document`]s or label pictures. Layouts know
//! what a receipt says and in which order; they know nothing about paper
//! width or printer modes.

pub mod label;
pub mod receipt;
pub mod report;
pub mod shelf;
pub mod slip;
pub mod test_page;

use crate::document::{Document, Style};

/// The outlet's receipt header (legal seller details printed on every receipt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutletHeader {
    pub legal_name: String,
    /// Mã số thuế.
    pub tax_code: String,
    pub address: String,
    pub phone: String,
}

impl OutletHeader {
    pub(crate) fn write(&self, doc: &mut Document) {
        doc.center(&self.legal_name, Style::BOLD);
        doc.center(format!("MST: {}", self.tax_code), Style::NORMAL);
        doc.center(&self.address, Style::NORMAL);
        doc.center(format!("ĐT: {}", self.phone), Style::NORMAL);
    }
}

/// A payment method as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentMethod {
    Cash,
    BankTransfer,
    Card,
}

impl PaymentMethod {
    pub fn label_vi(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Tiền mặt",
            PaymentMethod::BankTransfer => "Chuyển khoản",
            PaymentMethod::Card => "Thẻ",
        }
    }
}

/// One payment line on a receipt or report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLine {
    pub method: PaymentMethod,
    pub amount: ocop_core::money::Dong,
    /// A bank transfer's state as known when printing: a pending transfer
    /// is printed as not yet paid, never as money received.
    pub transfer: Option<ocop_core::sale::TransferStatus>,
}

impl PaymentLine {
    /// A payment that is not a bank transfer (or whose state is not told).
    pub fn new(method: PaymentMethod, amount: ocop_core::money::Dong) -> Self {
        PaymentLine {
            method,
            amount,
            transfer: None,
        }
    }
}
