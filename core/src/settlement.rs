//! Consignment settlement (quyết toán ký gửi), the pure part: settlement
//! periods in Vietnam time, the quantity identity of each product × lot row,
//! and the money of one statement.
//!
//! Guarantees:
//! - a [`Period`] is a calendar month (`2026-11`) or quarter (`2026-Q4`)
//!   whose days are Vietnamese calendar days: it starts at local 00:00 of its
//!   first day, ends (exclusive) at local 00:00 of the next period's first
//!   day, and consecutive periods tile time with no gap and no overlap;
//! - a quantity row is part of a statement only if
//!   `opening + received + transferred in − transferred out − sold + refunded
//!   − returned − written off = closing` ([`QtyRow::check`]); a row that
//!   breaks it is a [`Discrepancy`], never a statement;
//! - the money is computed by [`compute_money`] with **one rounding point**,
//!   the producer's share ([`ROUNDING_RULE_VI`] is printed on every
//!   statement); every other figure is a sum or a difference of whole đồng,
//!   so the printed figures add up exactly;
//! - the same inputs give the same figures, field for field.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, UserError};
use crate::money::{Dong, MoneyError, Quantity};
use crate::refusal::Refusal;
use crate::stock::{
    ConsignmentTerms, SettlementPeriod, UnknownCode, basis_points_percent, code_enum,
};
use crate::time::vn_day_bounds;

/// Printed on every statement: where and how money is rounded.
pub const ROUNDING_RULE_VI: &str = "Làm tròn một lần: phần chủ thể được hưởng (doanh thu thuần \
cộng hàng hao hụt điểm bán chịu, trừ hoa hồng; hoặc số lượng × giá thanh toán) được tính chính \
xác rồi làm tròn đến đồng, nửa đồng làm tròn lên. Hoa hồng = doanh thu thuần + hao hụt điểm bán \
chịu − phần chủ thể.";
pub const ROUNDING_RULE_EN: &str = "Rounded once: the producer's share (net sales plus losses \
the outlet bears, less commission; or quantity × payout price) is computed exactly and rounded \
to whole đồng, halves away from zero. Commission = net sales + losses the outlet bears − the \
producer's share.";

/// Why a period or statement input is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettlementError {
    #[error("invalid settlement period {0:?}")]
    InvalidPeriod(String),
    #[error("a figure of the statement does not fit")]
    Money(#[from] MoneyError),
}

impl UserError for SettlementError {
    fn code(&self) -> &'static str {
        match self {
            SettlementError::InvalidPeriod(_) => "invalid_period",
            SettlementError::Money(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (SettlementError::InvalidPeriod(p), Lang::Vi) => {
                format!("Kỳ quyết toán \"{p}\" không hợp lệ (dạng 2026-11 hoặc 2026-Q4).")
            }
            (SettlementError::InvalidPeriod(p), Lang::En) => {
                format!("Invalid settlement period \"{p}\" (use 2026-11 or 2026-Q4).")
            }
            (SettlementError::Money(e), lang) => e.message(lang),
        }
    }

    fn refusal(&self) -> Refusal {
        Refusal::invalid(self.code(), self.message(Lang::Vi), self.message(Lang::En))
            .on_field("period")
    }
}

/// A settlement period: a calendar month or quarter, in Vietnam time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    kind: SettlementPeriod,
    /// Month 1–12, or quarter 1–4.
    index: u32,
}

impl Period {
    pub fn month(year: i32, month: u32) -> Option<Period> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year)).then_some(Period {
            year,
            kind: SettlementPeriod::Monthly,
            index: month,
        })
    }

    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        ((1..=4).contains(&quarter) && (1900..=9999).contains(&year)).then_some(Period {
            year,
            kind: SettlementPeriod::Quarterly,
            index: quarter,
        })
    }

    /// The period of `kind` that contains the Vietnamese day `day`.
    pub fn containing(kind: SettlementPeriod, day: NaiveDate) -> Option<Period> {
        match kind {
            SettlementPeriod::Monthly => Period::month(day.year(), day.month()),
            SettlementPeriod::Quarterly => Period::quarter(day.year(), (day.month() - 1) / 3 + 1),
        }
    }

    pub fn kind(self) -> SettlementPeriod {
        self.kind
    }

    /// First Vietnamese day of the period.
    pub fn first_day(self) -> NaiveDate {
        let month = match self.kind {
            SettlementPeriod::Monthly => self.index,
            SettlementPeriod::Quarterly => (self.index - 1) * 3 + 1,
        };
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The period right after this one.
    pub fn next(self) -> Period {
        let last = match self.kind {
            SettlementPeriod::Monthly => 12,
            SettlementPeriod::Quarterly => 4,
        };
        if self.index == last {
            Period {
                year: self.year + 1,
                index: 1,
                ..self
            }
        } else {
            Period {
                index: self.index + 1,
                ..self
            }
        }
    }

    /// The period right before this one.
    pub fn prev(self) -> Period {
        let last = match self.kind {
            SettlementPeriod::Monthly => 12,
            SettlementPeriod::Quarterly => 4,
        };
        if self.index == 1 {
            Period {
                year: self.year - 1,
                index: last,
                ..self
            }
        } else {
            Period {
                index: self.index - 1,
                ..self
            }
        }
    }

    /// Day after the last day of the period (exclusive end).
    pub fn end_day(self) -> NaiveDate {
        self.next().first_day()
    }

    /// UTC bounds `[start, end)`: local 00:00 of the first day and of the
    /// next period's first day.
    pub fn bounds(self) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            vn_day_bounds(self.first_day()).0,
            vn_day_bounds(self.end_day()).0,
        )
    }

    /// The monthly period `month` as a period of `kind`: itself for monthly
    /// agreements; for quarterly ones the quarter that **ends** with that
    /// month, or `None` (a quarter is settled when its last month is run).
    pub fn for_run(month: Period, kind: SettlementPeriod) -> Option<Period> {
        match (month.kind, kind) {
            (a, b) if a == b => Some(month),
            (SettlementPeriod::Monthly, SettlementPeriod::Quarterly) => month
                .index
                .is_multiple_of(3)
                .then(|| Period::quarter(month.year, month.index / 3))
                .flatten(),
            _ => None,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SettlementPeriod::Monthly => write!(f, "{:04}-{:02}", self.year, self.index),
            SettlementPeriod::Quarterly => write!(f, "{:04}-Q{}", self.year, self.index),
        }
    }
}

impl FromStr for Period {
    type Err = SettlementError;

    fn from_str(s: &str) -> Result<Period, SettlementError> {
        let bad = || SettlementError::InvalidPeriod(s.to_owned());
        let (y, rest) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let digits =
            |t: &str| t.len() <= 2 && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            if q.len() != 1 || !digits(q) {
                return Err(bad());
            }
            Period::quarter(year, q.parse().map_err(|_| bad())?).ok_or_else(bad)
        } else {
            if rest.len() != 2 || !digits(rest) {
                return Err(bad());
            }
            Period::month(year, rest.parse().map_err(|_| bad())?).ok_or_else(bad)
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One product × lot of a statement, in quantities (milli-units in JSON via
/// [`Quantity`]'s decimal string). `written_off` includes count variances
/// (a shortage found by a count is a loss; a surplus a negative loss).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QtyRow {
    pub opening: Quantity,
    pub received: Quantity,
    pub transferred_in: Quantity,
    pub transferred_out: Quantity,
    pub sold: Quantity,
    pub refunded: Quantity,
    pub returned: Quantity,
    pub written_off: Quantity,
    pub closing: Quantity,
}

/// A row whose identity does not hold: what the movements give against
/// what the ledger holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discrepancy {
    /// opening + movements.
    pub expected_closing: Quantity,
    /// What the ledger says.
    pub closing: Quantity,
}

impl QtyRow {
    /// opening + received + in − out − sold + refunded − returned − written off.
    pub fn movements_closing(&self) -> Option<Quantity> {
        self.opening
            .checked_add(self.received)?
            .checked_add(self.transferred_in)?
            .checked_sub(self.transferred_out)?
            .checked_sub(self.sold)?
            .checked_add(self.refunded)?
            .checked_sub(self.returned)?
            .checked_sub(self.written_off)
    }

    /// The identity, or the discrepancy.
    pub fn check(&self) -> Result<(), Discrepancy> {
        match self.movements_closing() {
            Some(c) if c == self.closing => Ok(()),
            other => Err(Discrepancy {
                expected_closing: other.unwrap_or(Quantity::ZERO),
                closing: self.closing,
            }),
        }
    }

    /// Units sold net of refunds.
    pub fn net_sold(&self) -> Quantity {
        self.sold
            .checked_sub(self.refunded)
            .unwrap_or(Quantity::ZERO)
    }
}

/// How a statement's producer share is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "terms", rename_all = "snake_case")]
pub enum Terms {
    /// The outlet keeps `bp` basis points of VAT-inclusive net sales.
    Commission { bp: i32 },
    /// The producer gets a fixed price per unit (per row, from the
    /// goods-received line of the lot).
    PayoutPrice,
}

impl Terms {
    pub fn code(self) -> ConsignmentTerms {
        match self {
            Terms::Commission { .. } => ConsignmentTerms::Commission,
            Terms::PayoutPrice => ConsignmentTerms::PayoutPrice,
        }
    }
}

/// One row's money inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowMoney {
    pub qty: QtyRow,
    /// Retail price per unit (to value losses under commission terms).
    pub retail_price: Dong,
    /// Payout price per unit (payout-price terms; `None` otherwise).
    pub payout_price: Option<Dong>,
}

/// Everything a statement's money depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoneyInput {
    pub terms: Terms,
    /// Whether the outlet (true) or the producer (false) bears losses.
    pub outlet_bears_losses: bool,
    /// VAT-inclusive amounts (after discounts) of the sale and refund lines
    /// in the statement, as the receipts show them.
    pub gross: Dong,
    pub refunds: Dong,
    pub rows: Vec<RowMoney>,
    /// Σ adjustment lines (corrections of earlier statements), signed.
    pub adjustments: Dong,
    /// What earlier statements carried forward (below the minimum payout,
    /// or negative).
    pub carried_in: Dong,
    /// Below this the amount due carries to the next statement.
    pub min_payout: Dong,
}

/// The money of a statement, all whole đồng.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// VAT-inclusive sales (after discounts).
    pub gross: Dong,
    pub refunds: Dong,
    /// gross − refunds.
    pub net_sales: Dong,
    /// Value of written-off goods the outlet bears (credited to the producer).
    pub outlet_losses: Dong,
    /// Value of written-off goods the producer bears (not paid).
    pub producer_losses: Dong,
    /// net sales + outlet losses − producer share.
    pub commission: Dong,
    /// The one rounded figure.
    pub producer_share: Dong,
    pub adjustments: Dong,
    pub carried_in: Dong,
    /// producer share + adjustments + carried in.
    pub total_due: Dong,
    /// What is paid for this statement (0 when carried forward).
    pub net_payable: Dong,
    /// What goes to the next statement.
    pub carried_forward: Dong,
}

fn add(a: Dong, b: Dong) -> Result<Dong, MoneyError> {
    a.checked_add(b).ok_or(MoneyError::Overflow)
}

fn sub(a: Dong, b: Dong) -> Result<Dong, MoneyError> {
    a.checked_sub(b).ok_or(MoneyError::Overflow)
}

fn value(unit: Dong, qty: Quantity) -> Result<Decimal, MoneyError> {
    unit.to_decimal()
        .checked_mul(qty.to_decimal())
        .ok_or(MoneyError::Overflow)
}

fn dsum(a: Decimal, b: Decimal) -> Result<Decimal, MoneyError> {
    a.checked_add(b).ok_or(MoneyError::Overflow)
}

/// The money of a statement. Written-off goods are valued at the payout
/// price (payout terms) or the retail price (commission terms); losses the
/// outlet bears count towards the producer's share as if sold, losses the
/// producer bears are shown and not paid.
pub fn compute_money(input: &MoneyInput) -> Result<Money, MoneyError> {
    let (gross, refunds) = (input.gross, input.refunds);
    let mut losses_x = Decimal::ZERO;
    let mut payout_x = Decimal::ZERO;
    for r in &input.rows {
        let unit = match input.terms {
            Terms::Commission { .. } => r.retail_price,
            Terms::PayoutPrice => r.payout_price.unwrap_or(Dong::new(0)),
        };
        losses_x = dsum(losses_x, value(unit, r.qty.written_off)?)?;
        if input.terms == Terms::PayoutPrice {
            payout_x = dsum(payout_x, value(unit, r.qty.net_sold())?)?;
        }
    }
    let net_sales = sub(gross, refunds)?;
    let losses = Dong::round(losses_x)?;
    let (outlet_losses, producer_losses, credit_x) = if input.outlet_bears_losses {
        (losses, Dong::new(0), losses_x)
    } else {
        (Dong::new(0), losses, Decimal::ZERO)
    };
    // The one rounding point: the producer's share, computed exactly.
    let share_x = match input.terms {
        Terms::Commission { bp } => {
            let keep = Decimal::ONE
                .checked_sub(
                    basis_points_percent(bp)
                        .checked_div(Decimal::ONE_HUNDRED)
                        .ok_or(MoneyError::Overflow)?,
                )
                .ok_or(MoneyError::Overflow)?;
            if !(0..=10_000).contains(&bp) {
                return Err(MoneyError::InvalidCommissionRate {
                    rate: basis_points_percent(bp),
                });
            }
            dsum(net_sales.to_decimal(), credit_x)?
                .checked_mul(keep)
                .ok_or(MoneyError::Overflow)?
        }
        Terms::PayoutPrice => dsum(payout_x, credit_x)?,
    };
    let producer_share = Dong::round(share_x)?;
    let commission = sub(add(net_sales, outlet_losses)?, producer_share)?;
    let total_due = add(add(producer_share, input.adjustments)?, input.carried_in)?;
    let pays = total_due.is_positive() && total_due >= input.min_payout;
    let (net_payable, carried_forward) = if pays {
        (total_due, Dong::new(0))
    } else {
        (Dong::new(0), total_due)
    };
    Ok(Money {
        gross,
        refunds,
        net_sales,
        outlet_losses,
        producer_losses,
        commission,
        producer_share,
        adjustments: input.adjustments,
        carried_in: input.carried_in,
        total_due,
        net_payable,
        carried_forward,
    })
}

code_enum!(
    /// Where a statement is in its workflow.
    Status {
        /// Computed, may be recomputed; not yet binding.
        Draft = "draft",
        /// Approved by the outlet manager: its figures never change again.
        Approved = "approved",
        /// Confirmed by the producer in the portal.
        Confirmed = "confirmed",
        /// Disputed by the producer, with a comment.
        Disputed = "disputed",
        /// Paid, with the bank transfer reference.
        Paid = "paid",
    }
);

code_enum!(
    /// A step of the workflow, as recorded in a statement's history.
    Step {
        Computed = "computed",
        Approved = "approved",
        Confirmed = "confirmed",
        Disputed = "disputed",
        Paid = "paid",
    }
);

impl Status {
    /// The status after `step`, or `None` when the step is not allowed now.
    /// Draft → approved → confirmed | disputed; approved or confirmed →
    /// paid; a disputed statement may still be confirmed by its producer.
    pub fn after(self, step: Step) -> Option<Status> {
        match (self, step) {
            (Status::Draft, Step::Computed) => Some(Status::Draft),
            (Status::Draft, Step::Approved) => Some(Status::Approved),
            (Status::Approved | Status::Disputed, Step::Confirmed) => Some(Status::Confirmed),
            (Status::Approved, Step::Disputed) => Some(Status::Disputed),
            (Status::Approved | Status::Confirmed, Step::Paid) => Some(Status::Paid),
            _ => None,
        }
    }

    /// Approved or later: the figures are fixed.
    pub fn is_fixed(self) -> bool {
        self != Status::Draft
    }

    /// Due for payment: in a payout batch.
    pub fn is_due(self) -> bool {
        matches!(self, Status::Approved | Status::Confirmed)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Draft => "Bản nháp",
            Status::Approved => "Đã duyệt",
            Status::Confirmed => "Chủ thể đã xác nhận",
            Status::Disputed => "Chủ thể khiếu nại",
            Status::Paid => "Đã thanh toán",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Approved => "Approved",
            Status::Confirmed => "Confirmed by producer",
            Status::Disputed => "Disputed by producer",
            Status::Paid => "Paid",
        }
    }
}

/// The memo of a payout transfer, naming the statement: `QT` + id + the
/// period without its dash (`QT12 202611`, `QT13 2026Q4`): letters, digits
/// and one space, which banks and VietQR's memo field carry unchanged.
pub fn payout_memo(statement_id: i32, period: Period) -> String {
    format!("QT{statement_id} {}", period.to_string().replace('-', ""))
}

#[cfg(test)]
mod tests;
