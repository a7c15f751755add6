//! The sale and the refund as the till sends them and the server stores them.
//!
//! Both are fiscal documents: once sealed into a till's journal
//! ([`super::journal`]) they are never updated or deleted. A sale is
//! corrected by a [`Refund`] that points at it.
//!
//! # JSON
//!
//! Field names are snake_case and every field is always written (absent
//! optional values are `null`); unknown fields are refused, so a till and a
//! server that disagree about the format fail loudly instead of dropping a
//! fiscal field. Money is a JSON integer of whole đồng, a quantity is a
//! decimal string (`"1.5"`), a VAT rate is its code (`"kct"`, `"0"`, `"5"`,
//! `"8"`, `"10"`), a time is RFC 3339 UTC with milliseconds, hashes are 64
//! lowercase hex digits. Payment methods are tagged with `"type"`:
//!
//! ```json
//! {"method": {"type": "cash", "tendered": 500000, "change": 150000}, "amount": 350000}
//! {"method": {"type": "bank_transfer", "status": "pending", "reference": null}, "amount": 100000}
//! {"method": {"type": "card", "terminal_ref": "APPR 123456"}, "amount": 250000}
//! ```
//!
//! # Amounts in a refund
//!
//! A refund's amounts (lines, total, VAT, payments) are **positive**: the
//! money paid back. Reports subtract them.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::i18n::Lang;
use crate::money::{
    Dong, Quantity, VatBucket, VatRate, amount_in_bounds, check_unit_price, qty_in_bounds,
};

/// Most lines one sale (or refund) may have.
pub const MAX_LINES: usize = 500;
/// Most payments one sale (or refund) may have (split payments).
pub const MAX_PAYMENTS: usize = 10;
/// Longest product name printed on a line, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest unit (cái, chai, hộp, kg…), in characters.
pub const MAX_UNIT_CHARS: usize = 20;
/// Longest product group code, in characters.
pub const MAX_GROUP_CHARS: usize = 40;
/// Longest lot code (GS1 AI 10 allows 20).
pub const MAX_LOT_CHARS: usize = 20;
/// Longest free text (discount or refund reason), in characters.
pub const MAX_REASON_CHARS: usize = 200;
/// Longest payment reference (card approval, bank transaction), in characters.
pub const MAX_REFERENCE_CHARS: usize = 64;

// ---------------------------------------------------------------------------
// Receipt numbers
// ---------------------------------------------------------------------------

/// A receipt number: per till, gapless, starting at 1. Sales and refunds of a
/// till share one sequence. Zero does not exist.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct ReceiptNo(u32);

/// Why a number is not a receipt number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("receipt numbers start at 1")]
pub struct ZeroReceiptNo;

impl ReceiptNo {
    pub const FIRST: ReceiptNo = ReceiptNo(1);

    /// `None` for 0.
    pub const fn new(n: u32) -> Option<ReceiptNo> {
        if n == 0 { None } else { Some(ReceiptNo(n)) }
    }

    pub const fn get(self) -> u32 {
        self.0
    }

    /// The number after this one; `None` once the sequence is exhausted
    /// (after 4 294 967 295 receipts).
    pub fn next(self) -> Option<ReceiptNo> {
        self.0.checked_add(1).map(ReceiptNo)
    }

    /// At least six digits, zero-padded: `000123`, as printed and as carried
    /// in a transfer memo.
    pub fn padded(self) -> String {
        format!("{:06}", self.0)
    }
}

impl TryFrom<u32> for ReceiptNo {
    type Error = ZeroReceiptNo;

    fn try_from(n: u32) -> Result<Self, Self::Error> {
        ReceiptNo::new(n).ok_or(ZeroReceiptNo)
    }
}

impl From<ReceiptNo> for u32 {
    fn from(n: ReceiptNo) -> u32 {
        n.0
    }
}

impl From<ReceiptNo> for i64 {
    fn from(n: ReceiptNo) -> i64 {
        i64::from(n.0)
    }
}

impl fmt::Display for ReceiptNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A receipt, named the way people name it: till and number. Printed
/// `T3-000123`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptRef {
    pub till_id: i32,
    pub receipt_no: ReceiptNo,
}

impl fmt::Display for ReceiptRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{}-{}", self.till_id, self.receipt_no.padded())
    }
}

// ---------------------------------------------------------------------------
// Chain hashes
// ---------------------------------------------------------------------------

/// A SHA-256 link of a till's journal, written as 64 lowercase hex digits.
/// [`ChainHash::GENESIS`] (all zeros) is the `prev_hash` of a till's first
/// receipt.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChainHash([u8; 32]);

/// Why a string is not a chain hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a chain hash is 64 hex digits: {input:?}")]
pub struct InvalidChainHash {
    pub input: String,
}

impl ChainHash {
    pub const GENESIS: ChainHash = ChainHash([0; 32]);

    pub const fn from_bytes(bytes: [u8; 32]) -> ChainHash {
        ChainHash(bytes)
    }

    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 64 lowercase hex digits; either case is accepted.
    pub fn parse(input: &str) -> Result<ChainHash, InvalidChainHash> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(input, &mut bytes).map_err(|_| InvalidChainHash {
            input: input.to_string(),
        })?;
        Ok(ChainHash(bytes))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The first 8 hex digits, for a receipt footer or a report line.
    pub fn short(&self) -> String {
        let full = self.to_hex();
        full.get(..8).unwrap_or(&full).to_string()
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({})", self.to_hex())
    }
}

impl FromStr for ChainHash {
    type Err = InvalidChainHash;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChainHash::parse(s)
    }
}

impl Serialize for ChainHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for ChainHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        ChainHash::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------
// Sales
// ---------------------------------------------------------------------------

/// A sale: one receipt (phiếu bán hàng).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sale {
    /// Generated by the till; sending the same sale twice stores it once.
    pub id: Uuid,
    pub till_id: i32,
    /// The till's sequence, shared with its refunds.
    pub receipt_no: ReceiptNo,
    /// When the sale was completed, by the till's clock; whole milliseconds.
    pub sold_at: DateTime<Utc>,
    pub cashier_id: i32,
    pub outlet_id: i32,
    /// The till's shift the sale belongs to (opened on the till, so also a
    /// client-generated id). X/Z reports gather sales by shift, never by
    /// time.
    pub shift_id: Uuid,
    pub lines: Vec<SaleLine>,
    pub payments: Vec<Payment>,
    /// Σ line amounts, VAT included: what the customer pays.
    pub total: Dong,
    /// One bucket per VAT rate present, ordered by rate
    /// ([`crate::money::vat_buckets`]).
    pub vat: Vec<VatBucket>,
    /// The hash of the till's previous receipt (sale or refund), or
    /// [`ChainHash::GENESIS`] for its first.
    pub prev_hash: ChainHash,
    /// `SHA-256(prev_hash || canonical encoding)`, see [`super::journal`].
    pub hash: ChainHash,
}

impl Sale {
    pub fn receipt_ref(&self) -> ReceiptRef {
        ReceiptRef {
            till_id: self.till_id,
            receipt_no: self.receipt_no,
        }
    }

    pub fn line(&self, line_no: u32) -> Option<&SaleLine> {
        self.lines.iter().find(|l| l.line_no == line_no)
    }

    /// Whether every amount and quantity of this stored sale lies within
    /// the domain bounds ([`crate::money`]); reports flag it otherwise.
    pub fn in_bounds(&self) -> bool {
        amount_in_bounds(self.total)
            && self.lines.iter().all(|l| {
                check_unit_price(l.unit_price).is_ok()
                    && qty_in_bounds(l.qty)
                    && amount_in_bounds(l.amount)
                    && amount_in_bounds(l.discount)
            })
            && self.payments.iter().all(|p| amount_in_bounds(p.amount))
            && vat_in_bounds(&self.vat)
    }
}

fn vat_in_bounds(buckets: &[VatBucket]) -> bool {
    buckets
        .iter()
        .all(|b| amount_in_bounds(b.gross) && amount_in_bounds(b.vat) && amount_in_bounds(b.net))
}

/// One line of a sale, with everything the receipt printed, so the sale
/// reads the same whatever the catalogue says later.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaleLine {
    /// 1, 2, 3… in receipt order, without gaps.
    pub line_no: u32,
    pub product_id: i32,
    /// The lot, when the provenance label was scanned (it names the lot).
    pub lot_code: Option<String>,
    /// The product name as printed.
    pub name: String,
    /// The unit as printed (cái, chai, hộp, kg…).
    pub unit: String,
    /// The product group code at the time of sale (`thuc_pham`, …), so the
    /// Z report can total by group without the catalogue.
    pub group: String,
    pub qty: Quantity,
    /// VAT-inclusive price per unit, as charged.
    pub unit_price: Dong,
    /// The catalogue price the till knew, when it knew one. A different
    /// `unit_price` is accepted (an offline till may have an older price)
    /// and reported.
    pub catalogue_price: Option<Dong>,
    /// Line discount in đồng (0 for none).
    pub discount: Dong,
    /// Required when `discount` is above zero.
    pub discount_reason: Option<String>,
    pub vat_rate: VatRate,
    /// `round(unit_price × qty) − discount` ([`crate::money::line_amount`]).
    pub amount: Dong,
    /// Serials (GS1 AI 21) of the provenance labels scanned at checkout
    /// for this line, so the server knows which labels left which outlet
    /// when. Provenance, not fiscal: not part of the journal hash
    /// ([`super::journal`]), so every sale sealed before serials existed
    /// still verifies and a label the camera could not read changes no
    /// receipt. Absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serials: Vec<crate::digital_link::Serial>,
}

impl SaleLine {
    /// Whether the price charged differs from the catalogue price the till
    /// knew.
    pub fn price_differs(&self) -> bool {
        self.catalogue_price
            .is_some_and(|catalogue| catalogue != self.unit_price)
    }
}

/// One payment of a sale. A sale may be paid in several (split payments);
/// their amounts add up to the total exactly.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    pub method: PaymentMethod,
    /// What this payment contributes to the total (for cash: after change).
    pub amount: Dong,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PaymentMethod {
    /// Cash: `tendered − change = amount`.
    Cash { tendered: Dong, change: Dong },
    /// Bank transfer by VietQR.
    BankTransfer {
        /// The state when the sale was sealed. A confirmation arriving later
        /// (bank notification, cashier) is a separate, appended event: it
        /// never rewrites the sale.
        status: TransferStatus,
        /// The bank's transaction reference, when known.
        reference: Option<String>,
    },
    /// Card, on a separate terminal.
    Card {
        /// The terminal's approval / transaction reference.
        terminal_ref: String,
    },
}

impl PaymentMethod {
    pub fn kind(&self) -> PaymentKind {
        match self {
            PaymentMethod::Cash { .. } => PaymentKind::Cash,
            PaymentMethod::BankTransfer { .. } => PaymentKind::BankTransfer,
            PaymentMethod::Card { .. } => PaymentKind::Card,
        }
    }
}

/// Where a VietQR transfer stood when the sale was sealed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TransferStatus {
    /// Shown to the customer, not yet seen arriving.
    Pending,
    /// The cashier saw the transfer on the customer's phone or the outlet's
    /// account and confirmed it by hand.
    ConfirmedByCashier,
    /// A signed bank notification confirmed it.
    ConfirmedByBank,
}

impl TransferStatus {
    /// The state that decides when several are known for one transfer:
    /// the bank's word over the cashier's, any confirmation over pending.
    pub fn strongest(self, other: TransferStatus) -> TransferStatus {
        let rank = |s: TransferStatus| match s {
            TransferStatus::Pending => 0,
            TransferStatus::ConfirmedByCashier => 1,
            TransferStatus::ConfirmedByBank => 2,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }

    /// Money received: confirmed by the bank or by the cashier.
    pub fn is_confirmed(self) -> bool {
        self != TransferStatus::Pending
    }

    /// How people read the state (Vietnamese first).
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang;
        match (self, lang) {
            (TransferStatus::Pending, Lang::Vi) => "chờ xác nhận",
            (TransferStatus::Pending, Lang::En) => "awaiting confirmation",
            (TransferStatus::ConfirmedByCashier, Lang::Vi) => "thu ngân đã xác nhận",
            (TransferStatus::ConfirmedByCashier, Lang::En) => "confirmed by the cashier",
            (TransferStatus::ConfirmedByBank, Lang::Vi) => "ngân hàng đã xác nhận",
            (TransferStatus::ConfirmedByBank, Lang::En) => "confirmed by the bank",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            TransferStatus::Pending => "pending",
            TransferStatus::ConfirmedByCashier => "confirmed_by_cashier",
            TransferStatus::ConfirmedByBank => "confirmed_by_bank",
        }
    }
}

/// A payment method without its details: what reports total by.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PaymentKind {
    Cash,
    BankTransfer,
    Card,
}

impl PaymentKind {
    pub const ALL: [PaymentKind; 3] = [
        PaymentKind::Cash,
        PaymentKind::BankTransfer,
        PaymentKind::Card,
    ];

    /// The JSON tag: `cash`, `bank_transfer`, `card`.
    pub fn code(self) -> &'static str {
        match self {
            PaymentKind::Cash => "cash",
            PaymentKind::BankTransfer => "bank_transfer",
            PaymentKind::Card => "card",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (PaymentKind::Cash, Lang::Vi) => "Tiền mặt",
            (PaymentKind::Cash, Lang::En) => "Cash",
            (PaymentKind::BankTransfer, Lang::Vi) => "Chuyển khoản (VietQR)",
            (PaymentKind::BankTransfer, Lang::En) => "Bank transfer (VietQR)",
            (PaymentKind::Card, Lang::Vi) => "Thẻ",
            (PaymentKind::Card, Lang::En) => "Card",
        }
    }
}

// ---------------------------------------------------------------------------
// Refunds
// ---------------------------------------------------------------------------

/// A refund (phiếu trả hàng): goods of one earlier sale brought back. It
/// takes the next receipt number of the till it is made on, which need not
/// be the till of the sale. Amounts are positive (money paid back).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Refund {
    pub id: Uuid,
    pub till_id: i32,
    pub receipt_no: ReceiptNo,
    pub refunded_at: DateTime<Utc>,
    pub cashier_id: i32,
    pub outlet_id: i32,
    pub shift_id: Uuid,
    pub original_sale_id: Uuid,
    /// The sale's till and receipt number, printed on the refund receipt
    /// ("Trả cho phiếu T3-000123"); must match the sale.
    pub original_receipt: ReceiptRef,
    /// Why the goods came back (required).
    pub reason: String,
    pub lines: Vec<RefundLine>,
    pub payments: Vec<RefundPayment>,
    pub total: Dong,
    pub vat: Vec<VatBucket>,
    pub prev_hash: ChainHash,
    pub hash: ChainHash,
}

impl Refund {
    pub fn receipt_ref(&self) -> ReceiptRef {
        ReceiptRef {
            till_id: self.till_id,
            receipt_no: self.receipt_no,
        }
    }

    /// Whether every amount and quantity of this stored refund lies within
    /// the domain bounds; reports flag it otherwise.
    pub fn in_bounds(&self) -> bool {
        amount_in_bounds(self.total)
            && self
                .lines
                .iter()
                .all(|l| qty_in_bounds(l.qty) && amount_in_bounds(l.amount))
            && self.payments.iter().all(|p| amount_in_bounds(p.amount))
            && vat_in_bounds(&self.vat)
    }
}

/// One line brought back. Product, lot, name, unit, group and VAT rate are
/// copied from the sale line, so the refund prints, restocks and reports
/// without the sale at hand; [`super::refund::verify_refund`] checks the
/// copy.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundLine {
    pub original_line_no: u32,
    pub product_id: i32,
    pub lot_code: Option<String>,
    pub name: String,
    pub unit: String,
    pub group: String,
    pub vat_rate: VatRate,
    pub qty: Quantity,
    /// Money paid back for this line ([`super::refund`] explains the
    /// pro-rata rule).
    pub amount: Dong,
    pub restock: Restock,
}

/// What happens to goods brought back.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Restock {
    /// Back on the shelf: the stock ledger gets the quantity back, owner
    /// preserved.
    Shelf,
    /// Damaged: returned to stock and written off at once.
    DamagedWriteOff,
}

impl Restock {
    pub fn code(self) -> &'static str {
        match self {
            Restock::Shelf => "shelf",
            Restock::DamagedWriteOff => "damaged_write_off",
        }
    }
}

/// Money paid back to the customer.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundPayment {
    pub method: RefundMethod,
    pub amount: Dong,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RefundMethod {
    /// Cash from the drawer.
    Cash {},
    /// A transfer from the outlet's account to the customer's.
    BankTransfer { reference: Option<String> },
    /// A card refund on the terminal.
    Card { terminal_ref: String },
}

impl RefundMethod {
    pub fn kind(&self) -> PaymentKind {
        match self {
            RefundMethod::Cash {} => PaymentKind::Cash,
            RefundMethod::BankTransfer { .. } => PaymentKind::BankTransfer,
            RefundMethod::Card { .. } => PaymentKind::Card,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_numbers_start_at_one() {
        assert_eq!(ReceiptNo::new(0), None);
        assert_eq!(ReceiptNo::new(1), Some(ReceiptNo::FIRST));
        assert_eq!(ReceiptNo::FIRST.next(), ReceiptNo::new(2));
        assert_eq!(ReceiptNo::new(u32::MAX).unwrap().next(), None);
        assert_eq!(ReceiptNo::new(123).unwrap().padded(), "000123");
        assert_eq!(ReceiptNo::new(1_234_567).unwrap().padded(), "1234567");
        assert!(serde_json::from_str::<ReceiptNo>("0").is_err());
        assert!(serde_json::from_str::<ReceiptNo>("-1").is_err());
        assert_eq!(serde_json::from_str::<ReceiptNo>("7").unwrap().get(), 7);
        let r = ReceiptRef {
            till_id: 3,
            receipt_no: ReceiptNo::new(123).unwrap(),
        };
        assert_eq!(r.to_string(), "T3-000123");
    }

    #[test]
    fn chain_hash_is_64_hex_digits() {
        let zero = "0".repeat(64);
        assert_eq!(ChainHash::parse(&zero).unwrap(), ChainHash::GENESIS);
        assert_eq!(ChainHash::GENESIS.to_hex(), zero);
        let upper = "AB".repeat(32);
        let h = ChainHash::parse(&upper).unwrap();
        assert_eq!(h.to_hex(), "ab".repeat(32));
        assert_eq!(h.short(), "abababab");
        assert!(ChainHash::parse(&"0".repeat(63)).is_err());
        assert!(ChainHash::parse(&"0".repeat(66)).is_err());
        assert!(ChainHash::parse(&"g".repeat(64)).is_err());
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, format!("\"{}\"", "ab".repeat(32)));
        assert_eq!(serde_json::from_str::<ChainHash>(&json).unwrap(), h);
    }

    #[test]
    fn payment_json_is_tagged_and_strict() {
        let p = Payment {
            method: PaymentMethod::Cash {
                tendered: Dong::new(500_000),
                change: Dong::new(150_000),
            },
            amount: Dong::new(350_000),
        };
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"method":{"type":"cash","tendered":500000,"change":150000},"amount":350000}"#
        );
        assert_eq!(serde_json::from_str::<Payment>(&json).unwrap(), p);
        let transfer = r#"{"method":{"type":"bank_transfer","status":"confirmed_by_bank","reference":"FT123"},"amount":1}"#;
        let t: Payment = serde_json::from_str(transfer).unwrap();
        assert_eq!(t.method.kind(), PaymentKind::BankTransfer);
        assert_eq!(serde_json::to_string(&t).unwrap(), transfer);
        // an unknown field or method is refused, not dropped
        assert!(
            serde_json::from_str::<Payment>(
                r#"{"method":{"type":"cash","tendered":1,"change":0,"tip":5},"amount":1}"#
            )
            .is_err()
        );
        assert!(
            serde_json::from_str::<Payment>(r#"{"method":{"type":"cheque"},"amount":1}"#).is_err()
        );
        assert!(
            serde_json::from_str::<RefundPayment>(r#"{"method":{"type":"cash","x":1},"amount":1}"#)
                .is_err()
        );
        assert_eq!(
            serde_json::to_string(&RefundPayment {
                method: RefundMethod::Cash {},
                amount: Dong::new(5)
            })
            .unwrap(),
            r#"{"method":{"type":"cash"},"amount":5}"#
        );
    }

    #[test]
    fn kinds_and_codes() {
        for kind in PaymentKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.code()));
            assert_ne!(kind.label(Lang::Vi), kind.label(Lang::En));
        }
        assert_eq!(
            serde_json::to_string(&Restock::DamagedWriteOff).unwrap(),
            format!("\"{}\"", Restock::DamagedWriteOff.code())
        );
        assert_eq!(
            serde_json::to_string(&TransferStatus::ConfirmedByCashier).unwrap(),
            format!("\"{}\"", TransferStatus::ConfirmedByCashier.code())
        );
    }
}
