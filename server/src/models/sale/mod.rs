//! Sales on the server, the book of record: tills and their secrets,
//! exactly-once ingest of sealed sales, the per-till journal and its
//! verifier, refunds, shifts with X/Z reports and the daily closing, payment
//! confirmations, e-invoice data.
//!
//! Guarantees, on both backends:
//! - everything here is append-only (database triggers refuse UPDATE and
//!   DELETE on every table but `tills`); a correction is a new row;
//! - a sale or refund is stored at most once: its client-generated id and
//!   its (till, receipt number) are unique keys, and a resend is answered
//!   with the stored record;
//! - a sale's rows and its stock ledger entries are one transaction;
//! - a chain problem (gap, broken link, late record) is stored and flagged
//!   on arrival, never hidden and never refused.
//!
//! The pure rules (totals, VAT, chain hashing, refund limits, shift maths)
//! are the core crate's (`ocop_core::sale`); this module only stores, locks
//! and reads.

pub mod closing;
pub mod einvoice;
pub mod ingest;
pub mod journal;
pub mod lookup;
pub mod payment;
pub mod refund;
pub mod refund_store;
pub mod shift;
pub mod store;
pub mod till;

use actix_web::http::StatusCode;
use diesel::result::Error as DieselError;
use ocop_core::sale::RefundError;

use crate::error::ApiError;
use crate::models::stock::StockFailure;

/// Why a sale, refund or shift operation failed.
#[derive(Debug)]
pub enum SaleFailure {
    /// The core crate refused the sale (arithmetic, VAT, payments, hash).
    Invalid(ocop_core::sale::SaleError),
    /// The core crate refused the refund.
    InvalidRefund(RefundError),
    /// The record names another till or outlet than the one posting it.
    WrongTill,
    /// The same id with different content.
    Conflict,
    /// The till's receipt number is held by another record.
    ReceiptTaken,
    UnknownCashier,
    UnknownProduct(u32),
    Stock(StockFailure),
    Api(ApiError),
    Db(DieselError),
}

impl From<DieselError> for SaleFailure {
    fn from(e: DieselError) -> Self {
        SaleFailure::Db(e)
    }
}

impl From<StockFailure> for SaleFailure {
    fn from(e: StockFailure) -> Self {
        SaleFailure::Stock(e)
    }
}

impl From<ApiError> for SaleFailure {
    fn from(e: ApiError) -> Self {
        SaleFailure::Api(e)
    }
}

impl From<diesel::r2d2::PoolError> for SaleFailure {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        SaleFailure::Api(e.into())
    }
}

impl From<SaleFailure> for ApiError {
    fn from(e: SaleFailure) -> Self {
        match e {
            SaleFailure::Invalid(e) => ApiError::invalid(&e),
            SaleFailure::InvalidRefund(e) => ApiError::invalid(&e),
            SaleFailure::WrongTill => ApiError::new(
                StatusCode::FORBIDDEN,
                "wrong_till",
                "Máy bán hàng này chỉ được gửi phiếu của chính nó (đúng mã máy và cửa hàng).",
                "A till may only send its own receipts (its own till id and outlet).",
            ),
            SaleFailure::Conflict => ApiError::conflict(
                "sale_conflict",
                "Mã phiếu này đã được lưu với nội dung khác.",
                "This id is already stored with different content.",
            ),
            SaleFailure::ReceiptTaken => ApiError::conflict(
                "receipt_no_taken",
                "Số phiếu này của máy đã được dùng cho một phiếu khác.",
                "This till's receipt number is already used by another record.",
            ),
            SaleFailure::UnknownCashier => ApiError::unprocessable(
                "unknown_cashier",
                "Thu ngân không thuộc cửa hàng của máy bán hàng này.",
                "The cashier does not belong to this till's outlet.",
            ),
            SaleFailure::UnknownProduct(line) => ApiError::unprocessable(
                "unknown_product",
                format!("Dòng {line}: sản phẩm không tồn tại."),
                format!("Line {line}: no such product."),
            ),
            SaleFailure::Stock(e) => e.into(),
            SaleFailure::Api(e) => e,
            SaleFailure::Db(e) => e.into(),
        }
    }
}
