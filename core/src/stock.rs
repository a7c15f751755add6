//! Stock and consignment rules that need no database: the kinds of stock
//! documents and ledger entries, document numbers, consignment terms, the
//! payout price a commission implies, and first-expiry-first-out lot choice.
//!
//! Guarantees:
//! - a document number is `{prefix}-{outlet code}-{seq:06}`, e.g.
//!   `PN-LC-SR01-000123`, one sequence per outlet and kind;
//! - [`allocate_fefo`] takes stock from the lot that expires first (lots
//!   without an expiry last, ties by lot id), never takes more than a lot
//!   holds, and reports what it could not place as a shortfall — it never
//!   invents stock.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{Dong, MoneyError, Quantity, commission};

/// Declares a closed list of codes stored as text, with serde and parsing.
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and used in JSON.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;

            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == s)
                    .ok_or_else(|| UnknownCode(s.to_string()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

pub(crate) use code_enum;

/// A stored code that is not in its list (a corrupt row or a bad request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code {0:?}")]
pub struct UnknownCode(pub String);

code_enum!(
    /// The kinds of stock document.
    DocumentKind {
        /// Phiếu nhập ký gửi: consigned goods received from a producer.
        GoodsReceived = "goods_received",
        /// Phiếu chuyển kho: goods sent to another outlet (first step).
        Transfer = "transfer",
        /// Phiếu nhận chuyển kho: the receiving outlet's record (second step).
        TransferReceipt = "transfer_receipt",
        /// Phiếu kiểm kê: a count sheet; posting books the variances.
        Count = "count",
        /// Phiếu xuất hủy: expired or damaged goods written off.
        WriteOff = "write_off",
        /// Phiếu trả hàng: goods returned to their producer.
        ReturnToProducer = "return_to_producer",
    }
);

impl DocumentKind {
    /// The number prefix: Vietnamese initials of the document's name.
    pub fn prefix(self) -> &'static str {
        match self {
            DocumentKind::GoodsReceived => "PN",
            DocumentKind::Transfer => "CK",
            DocumentKind::TransferReceipt => "NC",
            DocumentKind::Count => "KK",
            DocumentKind::WriteOff => "XH",
            DocumentKind::ReturnToProducer => "TH",
        }
    }

    pub fn title_vi(self) -> &'static str {
        match self {
            DocumentKind::GoodsReceived => "Phiếu nhập ký gửi",
            DocumentKind::Transfer => "Phiếu chuyển kho",
            DocumentKind::TransferReceipt => "Phiếu nhận hàng chuyển kho",
            DocumentKind::Count => "Phiếu kiểm kê",
            DocumentKind::WriteOff => "Phiếu xuất hủy",
            DocumentKind::ReturnToProducer => "Phiếu trả hàng cho chủ thể",
        }
    }
}

code_enum!(
    /// Why a stock ledger entry exists.
    LedgerKind {
        ConsignmentReceived = "consignment_received",
        Sale = "sale",
        CustomerRefund = "customer_refund",
        TransferOut = "transfer_out",
        TransferIn = "transfer_in",
        CountAdjustment = "count_adjustment",
        ExpiredWriteOff = "expired_write_off",
        DamagedWriteOff = "damaged_write_off",
        ReturnedToProducer = "returned_to_producer",
    }
);

impl LedgerKind {
    /// Only a sale may take stock below zero: the till has already handed the
    /// goods over (possibly offline), so refusing would only hide the fact.
    pub fn may_go_negative(self) -> bool {
        self == LedgerKind::Sale
    }
}

code_enum!(
    /// Why goods are written off.
    WriteOffReason {
        Expired = "expired",
        Damaged = "damaged",
    }
);

impl WriteOffReason {
    pub fn ledger_kind(self) -> LedgerKind {
        match self {
            WriteOffReason::Expired => LedgerKind::ExpiredWriteOff,
            WriteOffReason::Damaged => LedgerKind::DamagedWriteOff,
        }
    }
}

code_enum!(
    /// How a producer is paid for consigned goods.
    ConsignmentTerms {
        /// The outlet keeps a percentage of VAT-inclusive sales.
        Commission = "commission",
        /// The producer gets a fixed price per unit sold.
        PayoutPrice = "payout_price",
    }
);

code_enum!(
    /// How often a consignment is settled.
    SettlementPeriod {
        Monthly = "monthly",
        Quarterly = "quarterly",
    }
);

code_enum!(
    /// Who bears expiry and damage losses of consigned goods.
    LossBearer {
        Producer = "producer",
        Outlet = "outlet",
    }
);

/// `PN-LC-SR01-000123`.
pub fn document_number(kind: DocumentKind, outlet_code: &str, seq: i32) -> String {
    format!("{}-{}-{:06}", kind.prefix(), outlet_code, seq)
}

/// Commission in basis points (1500 = 15 %) as a percentage.
pub fn basis_points_percent(bp: i32) -> Decimal {
    Decimal::new(i64::from(bp), 2)
}

/// What the producer receives for one unit sold at `retail` (VAT included)
/// under a commission of `bp` basis points: `retail − commission`, the
/// commission rounded once by [`commission`].
pub fn payout_for_commission(retail: Dong, bp: i32) -> Result<Dong, MoneyError> {
    let kept = commission(retail, basis_points_percent(bp))?;
    retail.checked_sub(kept).ok_or(MoneyError::Overflow)
}

/// The value of `qty` units at `unit` đồng each (`qty` may be negative:
/// stock sold ahead of receipt), rounded once by [`Dong::round`].
pub fn stock_value(unit: Dong, qty: Quantity) -> Result<Dong, MoneyError> {
    unit.to_decimal()
        .checked_mul(qty.to_decimal())
        .ok_or(MoneyError::Overflow)
        .and_then(Dong::round)
}

/// One lot's stock offered to [`allocate_fefo`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotStock<K> {
    pub key: K,
    pub expires_on: Option<NaiveDate>,
    /// Tie-breaker among lots with the same expiry: older lots first.
    pub lot_id: i32,
    pub available: Quantity,
}

/// The result of [`allocate_fefo`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FefoAllocation<K> {
    /// `(lot, quantity taken)`, in the order taken; quantities are positive.
    pub parts: Vec<(K, Quantity)>,
    /// What no lot could cover (zero when the stock sufficed).
    pub shortfall: Quantity,
}

/// Takes `wanted` from `stock`, first-expiry-first-out. Lots with nothing
/// (or less than nothing) available are skipped.
pub fn allocate_fefo<K: Clone>(stock: &[LotStock<K>], wanted: Quantity) -> FefoAllocation<K> {
    let mut order: Vec<&LotStock<K>> = stock.iter().filter(|s| s.available.is_positive()).collect();
    // None sorts last: goods without an expiry date keep.
    order.sort_by_key(|s| (s.expires_on.is_none(), s.expires_on, s.lot_id));
    let mut left = wanted.max(Quantity::ZERO);
    let mut parts = Vec::new();
    for lot in order {
        if !left.is_positive() {
            break;
        }
        let take = left.min(lot.available);
        parts.push((lot.key.clone(), take));
        left = left.checked_sub(take).unwrap_or(Quantity::ZERO);
    }
    FefoAllocation {
        parts,
        shortfall: left,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(units: i64) -> Quantity {
        Quantity::from_units(units).unwrap()
    }

    fn day(d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2027, 1, d)
    }

    #[test]
    fn numbers_are_prefixed_and_padded() {
        assert_eq!(
            document_number(DocumentKind::GoodsReceived, "LC-SR01", 123),
            "PN-LC-SR01-000123"
        );
        assert_eq!(
            document_number(DocumentKind::WriteOff, "LC-SP01", 1),
            "XH-LC-SP01-000001"
        );
    }

    #[test]
    fn codes_round_trip() {
        for k in LedgerKind::ALL {
            assert_eq!(k.code().parse::<LedgerKind>().unwrap(), *k);
        }
        for k in DocumentKind::ALL {
            assert_eq!(k.code().parse::<DocumentKind>().unwrap(), *k);
        }
        assert!("sold".parse::<LedgerKind>().is_err());
        assert!(LedgerKind::Sale.may_go_negative());
        assert!(!LedgerKind::TransferOut.may_go_negative());
    }

    #[test]
    fn fefo_takes_the_earliest_expiry_first_and_reports_shortfall() {
        let stock = vec![
            LotStock {
                key: "late",
                expires_on: day(20),
                lot_id: 1,
                available: q(5),
            },
            LotStock {
                key: "none",
                expires_on: None,
                lot_id: 2,
                available: q(5),
            },
            LotStock {
                key: "early",
                expires_on: day(3),
                lot_id: 3,
                available: q(2),
            },
            LotStock {
                key: "empty",
                expires_on: day(1),
                lot_id: 4,
                available: q(-1),
            },
        ];
        let a = allocate_fefo(&stock, q(8));
        assert_eq!(
            a.parts,
            vec![("early", q(2)), ("late", q(5)), ("none", q(1))]
        );
        assert_eq!(a.shortfall, Quantity::ZERO);
        let a = allocate_fefo(&stock, q(20));
        assert_eq!(a.shortfall, q(8));
        assert_eq!(allocate_fefo(&stock, Quantity::ZERO).parts, vec![]);
    }

    #[test]
    fn payout_is_retail_minus_rounded_commission() {
        assert_eq!(
            payout_for_commission(Dong::new(180_000), 1500).unwrap(),
            Dong::new(153_000)
        );
        // 15 % of 33 333 = 4 999.95 → 5 000
        assert_eq!(
            payout_for_commission(Dong::new(33_333), 1500).unwrap(),
            Dong::new(28_333)
        );
        assert!(payout_for_commission(Dong::new(1), 10_001).is_err());
    }

    #[test]
    fn stock_value_rounds_once_and_keeps_the_sign() {
        let tea = Quantity::parse("1.235").unwrap();
        // 850 000 × 1.235 = 1 049 750
        assert_eq!(
            stock_value(Dong::new(850_000), tea).unwrap(),
            Dong::new(1_049_750)
        );
        // 333 × 0.5 = 166.5 → 167; −0.5 → −167
        assert_eq!(
            stock_value(Dong::new(333), Quantity::from_milli(500)).unwrap(),
            Dong::new(167)
        );
        assert_eq!(
            stock_value(Dong::new(333), Quantity::from_milli(-500)).unwrap(),
            Dong::new(-167)
        );
    }
}
