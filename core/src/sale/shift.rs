//! Shifts and closings: the cash count by note, the X/Z report figures of a
//! shift, the variance at closing, and the daily closing's perpetual grand
//! total.
//!
//! A shift (ca bán hàng) is opened on one till by one cashier with an
//! opening float ([`ShiftOpening`]); cash is put in or taken out with a
//! reason ([`CashMovement`]); sales and refunds carry the shift's id. The
//! figures of a shift ([`summarise`]) are the same for the X report (during
//! the shift, changes nothing) and the Z report (closing). They gather
//! records by shift id and order them by receipt number, never by time.
//!
//! Money flows, per payment method: `net = sales − refunds`. For cash the
//! drawer should hold `expected = float + cash sales − cash refunds +
//! cash in − cash out` (change given is already netted: a cash payment's
//! `amount` is what stayed in the drawer). At closing the cashier counts
//! the drawer by note and enters the card terminal's and the bank's totals
//! ([`CountedTotals`]); [`close`] gives the variance per method (`counted −
//! expected`: positive is over, negative short). Any variance needs a
//! manager's acknowledgement.
//!
//! VAT by rate sums the VAT **printed on the receipts** (each receipt's
//! buckets), so the Z report agrees with the receipts to the đồng; it is
//! not re-extracted from the day's gross.
//!
//! Product groups: each sale line carries its group code as sold
//! ([`super::model::SaleLine::group`]), so a shift totals by group from its
//! own records, offline, whatever the catalogue says later.
//!
//! The daily closing ([`daily_closing`]) of an outlet adds the day's net
//! sales to a grand total that never resets: each closing starts from the
//! previous closing's grand total, and closings only move forward in days.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{
    ChainHash, MAX_REASON_CHARS, PaymentKind, PaymentMethod, ReceiptNo, Refund, Sale,
    TransferStatus,
};
use super::{TextRule, check_text};
use crate::i18n::{Lang, UserError};
use crate::money::{Dong, MoneyError, VatBucket, VatRate, check_amount};

/// Why shift or closing figures cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShiftError {
    #[error("the opening float cannot be negative: {amount}")]
    NegativeFloat { amount: Dong },
    #[error("a cash movement must be above zero: {amount}")]
    MovementNotPositive { amount: Dong },
    #[error("a cash movement needs a reason")]
    MovementReasonRequired,
    #[error("receipt {receipt_no} of till {till_id} is not in this shift")]
    ReceiptNotInShift { till_id: i32, receipt_no: ReceiptNo },
    #[error("a cash movement of another shift was passed")]
    MovementNotInShift { movement_id: Uuid },
    #[error("receipt {receipt_no} appears twice")]
    DuplicateReceipt { receipt_no: ReceiptNo },
    #[error("shift {shift_id} appears twice in the closing")]
    DuplicateShift { shift_id: Uuid },
    #[error("shift {shift_id} belongs to outlet {found}, not {expected}")]
    ShiftOfAnotherOutlet {
        shift_id: Uuid,
        expected: i32,
        found: i32,
    },
    #[error("the previous closing is of outlet {found}, not {expected}")]
    ClosingOutletMismatch { expected: i32, found: i32 },
    #[error("a closing for {day} cannot follow the closing of {previous}")]
    ClosingNotAfterPrevious { day: NaiveDate, previous: NaiveDate },
    #[error("{day} has not ended yet (today is {today})")]
    DayNotEnded { day: NaiveDate, today: NaiveDate },
    #[error(transparent)]
    Money(MoneyError),
}

impl From<MoneyError> for ShiftError {
    fn from(e: MoneyError) -> Self {
        ShiftError::Money(e)
    }
}

fn overflow() -> ShiftError {
    ShiftError::Money(MoneyError::Overflow)
}

impl UserError for ShiftError {
    fn code(&self) -> &'static str {
        match self {
            ShiftError::NegativeFloat { .. } => "negative_opening_float",
            ShiftError::MovementNotPositive { .. } => "cash_movement_not_positive",
            ShiftError::MovementReasonRequired => "cash_movement_reason_required",
            ShiftError::ReceiptNotInShift { .. } => "receipt_not_in_shift",
            ShiftError::MovementNotInShift { .. } => "cash_movement_not_in_shift",
            ShiftError::DuplicateReceipt { .. } => "duplicate_receipt",
            ShiftError::DuplicateShift { .. } => "duplicate_shift",
            ShiftError::ShiftOfAnotherOutlet { .. } => "shift_of_another_outlet",
            ShiftError::ClosingOutletMismatch { .. } => "closing_outlet_mismatch",
            ShiftError::ClosingNotAfterPrevious { .. } => "closing_not_after_previous",
            ShiftError::DayNotEnded { .. } => "day_not_ended",
            ShiftError::Money(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        use ShiftError as E;
        match (self, lang) {
            (E::NegativeFloat { amount }, Lang::Vi) => {
                format!("Tiền đầu ca không được âm ({amount}).")
            }
            (E::NegativeFloat { amount }, Lang::En) => format!(
                "The opening float cannot be negative ({}).",
                amount.to_ascii_string()
            ),
            (E::MovementNotPositive { amount }, Lang::Vi) => {
                format!("Số tiền nộp/rút phải lớn hơn 0 ({amount}).")
            }
            (E::MovementNotPositive { amount }, Lang::En) => format!(
                "A cash in/out amount must be above zero ({}).",
                amount.to_ascii_string()
            ),
            (E::MovementReasonRequired, Lang::Vi) => "Phải ghi lý do nộp/rút tiền.".into(),
            (E::MovementReasonRequired, Lang::En) => "Cash in/out needs a reason.".into(),
            (
                E::ReceiptNotInShift {
                    till_id,
                    receipt_no,
                },
                Lang::Vi,
            ) => {
                format!("Phiếu số {receipt_no} của máy {till_id} không thuộc ca này.")
            }
            (
                E::ReceiptNotInShift {
                    till_id,
                    receipt_no,
                },
                Lang::En,
            ) => {
                format!("Receipt {receipt_no} of till {till_id} is not in this shift.")
            }
            (E::MovementNotInShift { .. }, Lang::Vi) => {
                "Có khoản nộp/rút tiền không thuộc ca này.".into()
            }
            (E::MovementNotInShift { .. }, Lang::En) => {
                "A cash in/out of another shift was included.".into()
            }
            (E::DuplicateReceipt { receipt_no }, Lang::Vi) => {
                format!("Phiếu số {receipt_no} bị tính hai lần.")
            }
            (E::DuplicateReceipt { receipt_no }, Lang::En) => {
                format!("Receipt {receipt_no} is counted twice.")
            }
            (E::DuplicateShift { .. }, Lang::Vi) => "Một ca bị tính hai lần khi chốt ngày.".into(),
            (E::DuplicateShift { .. }, Lang::En) => {
                "A shift is counted twice in the daily closing.".into()
            }
            (E::ShiftOfAnotherOutlet { found, .. }, Lang::Vi) => {
                format!("Có ca của điểm bán khác (điểm bán {found}).")
            }
            (E::ShiftOfAnotherOutlet { found, .. }, Lang::En) => {
                format!("A shift of another outlet ({found}) was included.")
            }
            (E::ClosingOutletMismatch { expected, found }, Lang::Vi) => {
                format!("Lần chốt trước là của điểm bán {found}, không phải {expected}.")
            }
            (E::ClosingOutletMismatch { expected, found }, Lang::En) => {
                format!("The previous closing is of outlet {found}, not {expected}.")
            }
            (E::ClosingNotAfterPrevious { day, previous }, Lang::Vi) => format!(
                "Không thể chốt ngày {} sau khi đã chốt ngày {}.",
                day.format("%d/%m/%Y"),
                previous.format("%d/%m/%Y")
            ),
            (E::ClosingNotAfterPrevious { day, previous }, Lang::En) => format!(
                "Cannot close {} after {} was closed.",
                day.format("%d/%m/%Y"),
                previous.format("%d/%m/%Y")
            ),
            (E::DayNotEnded { day, today }, Lang::Vi) => format!(
                "Chỉ chốt được ngày đã kết thúc: ngày {} chưa qua (hôm nay là {}).",
                day.format("%d/%m/%Y"),
                today.format("%d/%m/%Y")
            ),
            (E::DayNotEnded { day, today }, Lang::En) => format!(
                "Only a day that has ended can be closed: {} has not (today is {}).",
                day.format("%d/%m/%Y"),
                today.format("%d/%m/%Y")
            ),
            (E::Money(e), lang) => e.message(lang),
        }
    }
}

mod cash;
mod daily;
pub use cash::{CashCount, Denomination};
pub use daily::{DailyClosing, check_day_ended, daily_closing};

// ---------------------------------------------------------------------------
// Shift events
// ---------------------------------------------------------------------------

/// A shift opened on a till (an event the till queues like a sale).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShiftOpening {
    /// Client-generated, carried by the shift's sales and refunds.
    pub id: Uuid,
    pub till_id: i32,
    pub outlet_id: i32,
    pub cashier_id: i32,
    pub opened_at: DateTime<Utc>,
    /// Cash in the drawer at the start (tiền đầu ca).
    pub opening_float: Dong,
}

impl ShiftOpening {
    pub fn validate(&self) -> Result<(), ShiftError> {
        if self.opening_float.is_negative() {
            return Err(ShiftError::NegativeFloat {
                amount: self.opening_float,
            });
        }
        check_amount(self.opening_float)?;
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CashDirection {
    /// Cash put into the drawer (nộp tiền: more change brought in).
    In,
    /// Cash taken out (rút tiền: a safe drop, paying a supplier).
    Out,
}

/// Cash put into or taken out of the drawer during a shift.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CashMovement {
    pub id: Uuid,
    pub shift_id: Uuid,
    pub at: DateTime<Utc>,
    pub direction: CashDirection,
    /// Above zero; the direction gives the sign.
    pub amount: Dong,
    pub reason: String,
}

impl CashMovement {
    pub fn validate(&self) -> Result<(), ShiftError> {
        if !self.amount.is_positive() {
            return Err(ShiftError::MovementNotPositive {
                amount: self.amount,
            });
        }
        check_amount(self.amount)?;
        if !check_text(&self.reason, TextRule::required(MAX_REASON_CHARS)) {
            return Err(ShiftError::MovementReasonRequired);
        }
        Ok(())
    }
}

/// What the cashier counted at closing, per payment method.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountedTotals {
    /// The drawer, by note.
    pub cash: CashCount,
    /// The card terminal's settlement total for the shift.
    pub card: Dong,
    /// Transfers seen arriving on the outlet's account.
    pub bank_transfer: Dong,
}

// ---------------------------------------------------------------------------
// X / Z figures
// ---------------------------------------------------------------------------

/// Money in and out for one payment method.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodTotal {
    pub method: PaymentKind,
    pub sales: Dong,
    pub refunds: Dong,
    /// `sales − refunds`.
    pub net: Dong,
}

/// Gross (VAT included), VAT and net (before VAT) of one rate.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VatAmounts {
    pub gross: Dong,
    pub vat: Dong,
    pub net: Dong,
}

impl VatAmounts {
    fn add(&mut self, b: &VatBucket) -> Result<(), ShiftError> {
        self.gross = self.gross.checked_add(b.gross).ok_or_else(overflow)?;
        self.vat = self.vat.checked_add(b.vat).ok_or_else(overflow)?;
        self.net = self.net.checked_add(b.net).ok_or_else(overflow)?;
        Ok(())
    }

    fn minus(&self, other: &VatAmounts) -> Result<VatAmounts, ShiftError> {
        Ok(VatAmounts {
            gross: self.gross.checked_sub(other.gross).ok_or_else(overflow)?,
            vat: self.vat.checked_sub(other.vat).ok_or_else(overflow)?,
            net: self.net.checked_sub(other.net).ok_or_else(overflow)?,
        })
    }
}

/// One VAT rate's figures on the report.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VatTotal {
    pub rate: VatRate,
    pub sales: VatAmounts,
    pub refunds: VatAmounts,
    pub net: VatAmounts,
}

/// One product group's figures on the report.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupTotal {
    /// The group code as sold.
    pub group: String,
    pub sales: Dong,
    pub refunds: Dong,
    pub net: Dong,
}

/// What the drawer should hold.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CashFigures {
    pub opening_float: Dong,
    pub cash_sales: Dong,
    pub cash_refunds: Dong,
    pub cash_in: Dong,
    pub cash_out: Dong,
    /// `float + sales − refunds + in − out`.
    pub expected: Dong,
}

/// The figures of an X or Z report.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShiftSummary {
    pub shift_id: Uuid,
    pub till_id: i32,
    pub outlet_id: i32,
    pub sales_count: u32,
    pub refunds_count: u32,
    /// Lowest and highest receipt number of the shift (sales and refunds).
    pub first_receipt: Option<ReceiptNo>,
    pub last_receipt: Option<ReceiptNo>,
    /// Numbers between first and last that the shift does not hold: not
    /// yet arrived, or missing (the journal check says which).
    pub missing_receipts: u64,
    /// Σ sale totals.
    pub gross_sales: Dong,
    /// Σ refund totals (positive).
    pub refunds: Dong,
    /// `gross_sales − refunds`.
    pub net_sales: Dong,
    /// Σ line discounts of the sales.
    pub discounts: Dong,
    /// Lines sold at a price other than the catalogue price the till knew.
    pub price_overrides: u32,
    /// Every method, in [`PaymentKind::ALL`] order, zero when unused.
    pub by_method: Vec<MethodTotal>,
    /// The sales' bank transfers by state, as known when the figures were
    /// computed: only confirmed transfers are money received.
    #[serde(default)]
    pub transfers: TransferFigures,
    /// Rates present, in rate order.
    pub by_vat: Vec<VatTotal>,
    /// Groups present, by code.
    pub by_group: Vec<GroupTotal>,
    pub cash: CashFigures,
    pub cash_movements: u32,
    /// The hash of the shift's highest-numbered receipt: printed on the Z
    /// report, it anchors the till's chain outside the database.
    pub last_hash: Option<ChainHash>,
    /// Records outside the domain bounds, left out of every figure above.
    #[serde(default)]
    pub out_of_bounds: OutOfBounds,
}

/// Records of a shift whose amounts lie outside the domain bounds
/// ([`crate::money`]): stored by a faulty till or before the bounds were
/// enforced. Nothing fiscal is changed, so they are left out of the sums and
/// listed, and the shift can still be reported and closed.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutOfBounds {
    /// Sales and refunds, by receipt number.
    pub receipts: Vec<ReceiptNo>,
    pub cash_movements: Vec<Uuid>,
    /// The opening float was out of bounds and counted as zero.
    pub opening_float: bool,
}

impl OutOfBounds {
    pub fn is_empty(&self) -> bool {
        self.receipts.is_empty() && self.cash_movements.is_empty() && !self.opening_float
    }
}

impl ShiftSummary {
    pub fn method(&self, kind: PaymentKind) -> MethodTotal {
        self.by_method
            .iter()
            .find(|m| m.method == kind)
            .copied()
            .unwrap_or(MethodTotal {
                method: kind,
                sales: Dong::ZERO,
                refunds: Dong::ZERO,
                net: Dong::ZERO,
            })
    }

    /// The net VAT buckets (sales − refunds), as a receipt-style list for
    /// the printed report.
    pub fn net_vat_buckets(&self) -> Vec<VatBucket> {
        self.by_vat
            .iter()
            .map(|v| VatBucket {
                rate: v.rate,
                gross: v.net.gross,
                vat: v.net.vat,
                net: v.net.net,
            })
            .collect()
    }
}

/// The bank transfers of sales, by state. A transfer is money received
/// only once confirmed (by the bank's signed notice or by the cashier); a
/// pending one is shown apart and never counted as paid.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct TransferFigures {
    pub confirmed_by_bank: Dong,
    pub confirmed_by_cashier: Dong,
    pub pending: Dong,
}

impl TransferFigures {
    /// Adds one transfer in its state.
    pub fn add(&mut self, status: TransferStatus, amount: Dong) -> Result<(), ShiftError> {
        let bucket = match status {
            TransferStatus::Pending => &mut self.pending,
            TransferStatus::ConfirmedByCashier => &mut self.confirmed_by_cashier,
            TransferStatus::ConfirmedByBank => &mut self.confirmed_by_bank,
        };
        add(bucket, amount)
    }

    /// Adds another set of figures (shifts into a day).
    pub fn add_all(&mut self, other: &TransferFigures) -> Result<(), ShiftError> {
        add(&mut self.confirmed_by_bank, other.confirmed_by_bank)?;
        add(&mut self.confirmed_by_cashier, other.confirmed_by_cashier)?;
        add(&mut self.pending, other.pending)
    }

    /// Money received by transfer: confirmed by the bank or the cashier.
    pub fn confirmed(&self) -> Result<Dong, ShiftError> {
        self.confirmed_by_bank
            .checked_add(self.confirmed_by_cashier)
            .ok_or_else(overflow)
    }
}

/// A transfer's state learnt after its sale was sealed: a cashier's or the
/// bank's confirmation (appended events; the sealed sale never changes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LaterTransferState {
    pub sale_id: Uuid,
    pub status: TransferStatus,
}

/// A shift's records, as read from the till's or the server's store.
#[derive(Clone, Copy, Debug)]
pub struct ShiftInput<'a> {
    pub shift: &'a ShiftOpening,
    pub movements: &'a [CashMovement],
    pub sales: &'a [Sale],
    pub refunds: &'a [Refund],
    /// Confirmations known so far of the sales' transfers (any order; the
    /// bank's word wins over the cashier's).
    pub confirmations: &'a [LaterTransferState],
}

/// The state of a sale's transfer now: the sealed one, or a later
/// confirmation of it.
pub fn transfer_status_now(
    sale_id: Uuid,
    sealed: TransferStatus,
    confirmations: &[LaterTransferState],
) -> TransferStatus {
    confirmations
        .iter()
        .filter(|c| c.sale_id == sale_id)
        .fold(sealed, |now, c| now.strongest(c.status))
}

fn add(a: &mut Dong, b: Dong) -> Result<(), ShiftError> {
    *a = a.checked_add(b).ok_or_else(overflow)?;
    Ok(())
}

fn sub(a: Dong, b: Dong) -> Result<Dong, ShiftError> {
    a.checked_sub(b).ok_or_else(overflow)
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The X/Z figures of a shift. Every record must belong to the shift (its
/// id and till); a receipt number seen twice is refused rather than counted
/// twice.
pub fn summarise(input: ShiftInput<'_>) -> Result<ShiftSummary, ShiftError> {
    let shift = input.shift;
    let mut out_of_bounds = OutOfBounds::default();
    let opening_float = match shift.validate() {
        Ok(()) => shift.opening_float,
        Err(ShiftError::Money(_)) => {
            out_of_bounds.opening_float = true;
            Dong::ZERO
        }
        Err(e) => return Err(e),
    };

    let mut receipts: BTreeMap<ReceiptNo, ChainHash> = BTreeMap::new();
    let mut note = |till_id: i32, shift_id: Uuid, no: ReceiptNo, hash: ChainHash| {
        if till_id != shift.till_id || shift_id != shift.id {
            return Err(ShiftError::ReceiptNotInShift {
                till_id,
                receipt_no: no,
            });
        }
        if receipts.insert(no, hash).is_some() {
            return Err(ShiftError::DuplicateReceipt { receipt_no: no });
        }
        Ok(())
    };
    for s in input.sales {
        note(s.till_id, s.shift_id, s.receipt_no, s.hash)?;
    }
    for r in input.refunds {
        note(r.till_id, r.shift_id, r.receipt_no, r.hash)?;
    }

    let mut method_sales: BTreeMap<PaymentKind, Dong> = BTreeMap::new();
    let mut method_refunds: BTreeMap<PaymentKind, Dong> = BTreeMap::new();
    let mut vat_sales: BTreeMap<VatRate, VatAmounts> = BTreeMap::new();
    let mut vat_refunds: BTreeMap<VatRate, VatAmounts> = BTreeMap::new();
    let mut group_sales: BTreeMap<&str, Dong> = BTreeMap::new();
    let mut group_refunds: BTreeMap<&str, Dong> = BTreeMap::new();
    let mut gross_sales = Dong::ZERO;
    let mut refunds = Dong::ZERO;
    let mut discounts = Dong::ZERO;
    let mut price_overrides = 0u32;
    let mut transfers = TransferFigures::default();

    let sales: Vec<&Sale> = input
        .sales
        .iter()
        .filter(|s| {
            let ok = s.in_bounds();
            if !ok {
                out_of_bounds.receipts.push(s.receipt_no);
            }
            ok
        })
        .collect();
    let refund_records: Vec<&Refund> = input
        .refunds
        .iter()
        .filter(|r| {
            let ok = r.in_bounds();
            if !ok {
                out_of_bounds.receipts.push(r.receipt_no);
            }
            ok
        })
        .collect();
    out_of_bounds.receipts.sort();

    for s in sales {
        add(&mut gross_sales, s.total)?;
        for line in &s.lines {
            add(&mut discounts, line.discount)?;
            add(group_sales.entry(&line.group).or_default(), line.amount)?;
            if line.price_differs() {
                price_overrides = price_overrides.saturating_add(1);
            }
        }
        for p in &s.payments {
            add(method_sales.entry(p.method.kind()).or_default(), p.amount)?;
            if let PaymentMethod::BankTransfer { status, .. } = &p.method {
                let now = transfer_status_now(s.id, *status, input.confirmations);
                transfers.add(now, p.amount)?;
            }
        }
        for b in &s.vat {
            vat_sales.entry(b.rate).or_default().add(b)?;
        }
    }
    for r in refund_records {
        add(&mut refunds, r.total)?;
        for line in &r.lines {
            add(group_refunds.entry(&line.group).or_default(), line.amount)?;
        }
        for p in &r.payments {
            add(method_refunds.entry(p.method.kind()).or_default(), p.amount)?;
        }
        for b in &r.vat {
            vat_refunds.entry(b.rate).or_default().add(b)?;
        }
    }

    let mut cash_in = Dong::ZERO;
    let mut cash_out = Dong::ZERO;
    for m in input.movements {
        if m.shift_id != shift.id {
            return Err(ShiftError::MovementNotInShift { movement_id: m.id });
        }
        match m.validate() {
            Ok(()) => {}
            Err(ShiftError::Money(_)) => {
                out_of_bounds.cash_movements.push(m.id);
                continue;
            }
            Err(e) => return Err(e),
        }
        match m.direction {
            CashDirection::In => add(&mut cash_in, m.amount)?,
            CashDirection::Out => add(&mut cash_out, m.amount)?,
        }
    }

    let by_method = PaymentKind::ALL
        .into_iter()
        .map(|kind| {
            let sales = method_sales.get(&kind).copied().unwrap_or_default();
            let refunds = method_refunds.get(&kind).copied().unwrap_or_default();
            Ok(MethodTotal {
                method: kind,
                sales,
                refunds,
                net: sub(sales, refunds)?,
            })
        })
        .collect::<Result<Vec<_>, ShiftError>>()?;

    let rates: BTreeSet<VatRate> = vat_sales
        .keys()
        .chain(vat_refunds.keys())
        .copied()
        .collect();
    let by_vat = rates
        .into_iter()
        .map(|rate| {
            let sales = vat_sales.get(&rate).copied().unwrap_or_default();
            let refunds = vat_refunds.get(&rate).copied().unwrap_or_default();
            Ok(VatTotal {
                rate,
                sales,
                refunds,
                net: sales.minus(&refunds)?,
            })
        })
        .collect::<Result<Vec<_>, ShiftError>>()?;

    let groups: BTreeSet<&str> = group_sales
        .keys()
        .chain(group_refunds.keys())
        .copied()
        .collect();
    let by_group = groups
        .into_iter()
        .map(|group| {
            let sales = group_sales.get(group).copied().unwrap_or_default();
            let refunds = group_refunds.get(group).copied().unwrap_or_default();
            Ok(GroupTotal {
                group: group.to_string(),
                sales,
                refunds,
                net: sub(sales, refunds)?,
            })
        })
        .collect::<Result<Vec<_>, ShiftError>>()?;

    let cash_sales = method_sales
        .get(&PaymentKind::Cash)
        .copied()
        .unwrap_or_default();
    let cash_refunds = method_refunds
        .get(&PaymentKind::Cash)
        .copied()
        .unwrap_or_default();
    let mut expected = opening_float;
    add(&mut expected, cash_sales)?;
    expected = sub(expected, cash_refunds)?;
    add(&mut expected, cash_in)?;
    expected = sub(expected, cash_out)?;

    let first_receipt = receipts.keys().next().copied();
    let last_receipt = receipts.keys().next_back().copied();
    let missing_receipts = match (first_receipt, last_receipt) {
        (Some(first), Some(last)) => {
            let span = u64::from(last.get()) - u64::from(first.get()) + 1;
            span.saturating_sub(u64::try_from(receipts.len()).unwrap_or(u64::MAX))
        }
        _ => 0,
    };

    Ok(ShiftSummary {
        shift_id: shift.id,
        till_id: shift.till_id,
        outlet_id: shift.outlet_id,
        sales_count: count_u32(input.sales.len()),
        refunds_count: count_u32(input.refunds.len()),
        first_receipt,
        last_receipt,
        missing_receipts,
        gross_sales,
        refunds,
        net_sales: sub(gross_sales, refunds)?,
        discounts,
        price_overrides,
        by_method,
        transfers,
        by_vat,
        by_group,
        cash: CashFigures {
            opening_float,
            cash_sales,
            cash_refunds,
            cash_in,
            cash_out,
            expected,
        },
        cash_movements: count_u32(input.movements.len()),
        last_hash: receipts.values().next_back().copied(),
        out_of_bounds,
    })
}

// ---------------------------------------------------------------------------
// Closing a shift
// ---------------------------------------------------------------------------

/// Expected against counted, for one method.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variance {
    pub method: PaymentKind,
    pub expected: Dong,
    pub counted: Dong,
    /// `counted − expected`: positive is over, negative is short.
    pub variance: Dong,
}

/// The closing figures of a shift (Z report bottom half).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShiftClosing {
    pub counted: CountedTotals,
    /// Every method, in [`PaymentKind::ALL`] order.
    pub variances: Vec<Variance>,
    /// Σ of the variances.
    pub total_variance: Dong,
}

impl ShiftClosing {
    /// Whether a manager must acknowledge the closing (any variance).
    pub fn needs_acknowledgement(&self) -> bool {
        self.variances.iter().any(|v| v.variance != Dong::ZERO)
    }

    pub fn variance(&self, kind: PaymentKind) -> Option<Variance> {
        self.variances.iter().find(|v| v.method == kind).copied()
    }
}

/// Compares what was counted with what the shift's records call for: the
/// drawer against [`CashFigures::expected`], the card terminal against the
/// net card takings, and the bank against the net transfers less those
/// still pending (a pending transfer is not money received).
pub fn close(summary: &ShiftSummary, counted: CountedTotals) -> Result<ShiftClosing, ShiftError> {
    let variances = PaymentKind::ALL
        .into_iter()
        .map(|kind| {
            let (expected, counted) = match kind {
                PaymentKind::Cash => (summary.cash.expected, counted.cash.total()?),
                PaymentKind::Card => (summary.method(kind).net, counted.card),
                PaymentKind::BankTransfer => (
                    sub(summary.method(kind).net, summary.transfers.pending)?,
                    counted.bank_transfer,
                ),
            };
            check_amount(counted)?;
            Ok(Variance {
                method: kind,
                expected,
                counted,
                variance: sub(counted, expected)?,
            })
        })
        .collect::<Result<Vec<_>, ShiftError>>()?;
    let total_variance =
        Dong::checked_sum(variances.iter().map(|v| v.variance)).ok_or_else(overflow)?;
    Ok(ShiftClosing {
        counted,
        variances,
        total_variance,
    })
}

#[cfg(test)]
mod tests;
