//! Refund rules: what may be brought back, and how much money goes back.
//!
//! A refund points at one sale and at lines of it by line number. Across
//! **all** the refunds of a sale, no line gets back more quantity than was
//! sold: the functions here take the earlier refunds of the sale as input
//! (the server must read them, and check, under the same lock as the
//! insert, or two tills refunding the same line at once could both pass).
//!
//! # How much is paid back
//!
//! A line's amount (after its discount) is shared out pro rata to the
//! quantity, **cumulatively**: once quantity `r` of a line sold as quantity
//! `Q` for amount `A` has been refunded, the refunds of that line have
//! together paid back exactly
//!
//! ```text
//! paid(r) = round(A × r / Q)        (half away from zero, whole đồng)
//! ```
//!
//! so a refund of quantity `q` pays `paid(r + q) − paid(r)`. Consequences:
//! each refund pays at least 0 (the rounding is monotone); refunding the
//! whole line at once pays `A`; and whichever refund brings the line to its
//! full quantity takes the remainder, so the refunds of a line always sum
//! exactly to its amount. Example: 3 units for 10 đồng, refunded one at a
//! time: 3, 4 (`round(6.67) − 3`), 3 (`10 − 7`).
//!
//! The division is exact (integers, not `Decimal`), with the same rounding
//! rule as [`crate::money::Dong::round`]: a quantity has no upper bound but
//! `i64`, and 28 significant digits could misround a quotient with a huge
//! divisor.
//!
//! The VAT of a refund is extracted per rate from its lines with
//! [`crate::money::vat_buckets`], the same rule as for a sale.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::journal::{self, Chained};
use super::model::{
    ChainHash, MAX_LINES, MAX_PAYMENTS, MAX_REASON_CHARS, MAX_REFERENCE_CHARS, ReceiptNo,
    ReceiptRef, Refund, RefundLine, RefundMethod, RefundPayment, Restock, Sale, SaleLine,
};
use super::totals::{time_is_canonical, truncate_to_millis};
use super::{TextRule, check_text, format_buckets};
use crate::i18n::{Lang, UserError};
use crate::money::{Dong, MoneyError, Quantity, VatBucket, vat_buckets};

/// Why a refund is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error("the refund points at sale {found}, not {expected}")]
    WrongSale { expected: Uuid, found: Uuid },
    #[error("the refund names receipt {found} but the sale is {expected}")]
    OriginalReceiptMismatch {
        expected: ReceiptRef,
        found: ReceiptRef,
    },
    #[error("a refund needs at least one line")]
    EmptyRefund,
    #[error("a refund has at most {max} lines, this one has {count}")]
    TooManyLines { count: usize, max: usize },
    #[error("the sale has no line {line_no}")]
    UnknownSaleLine { line_no: u32 },
    #[error("line {line_no} appears twice in the refund")]
    DuplicateLine { line_no: u32 },
    #[error("line {line_no}: the quantity returned must be above zero")]
    QuantityNotPositive { line_no: u32 },
    #[error("line {line_no}: {requested} returned, but only {remaining} of {sold} is left")]
    ExceedsSold {
        line_no: u32,
        sold: Quantity,
        remaining: Quantity,
        requested: Quantity,
    },
    #[error("line {line_no}: refund should be {expected}, got {found}")]
    AmountMismatch {
        line_no: u32,
        expected: Dong,
        found: Dong,
    },
    #[error("line {line_no}: {field} differs from the sale line")]
    LineMismatch { line_no: u32, field: &'static str },
    #[error("refund total should be {expected}, got {found}")]
    TotalMismatch { expected: Dong, found: Dong },
    #[error("refund VAT buckets do not match its lines")]
    VatMismatch {
        expected: Vec<VatBucket>,
        found: Vec<VatBucket>,
    },
    #[error("a refund has at most {max} payments, this one has {count}")]
    TooManyPayments { count: usize, max: usize },
    #[error("pay-back {index}: amount must be above zero, got {amount}")]
    PaymentNotPositive { index: usize, amount: Dong },
    #[error("pay-back {index}: a card refund needs the terminal's reference")]
    CardReferenceRequired { index: usize },
    #[error("money paid back {paid} differs from the refund total {total}")]
    PaymentsDoNotMatchTotal { total: Dong, paid: Dong },
    #[error("a refund needs a reason")]
    ReasonRequired,
    #[error("{field} is empty, too long or holds control characters")]
    InvalidText { field: &'static str },
    #[error("{field} must be a positive id, got {value}")]
    InvalidId { field: &'static str, value: i32 },
    #[error("time {time} is finer than a millisecond or outside years 0–9999")]
    InvalidTime { time: DateTime<Utc> },
    #[error("the refund's hash should be {expected}")]
    HashMismatch { expected: ChainHash },
    #[error(transparent)]
    Money(MoneyError),
}

impl From<MoneyError> for RefundError {
    fn from(e: MoneyError) -> Self {
        RefundError::Money(e)
    }
}

fn human(index: usize) -> usize {
    index.saturating_add(1)
}

impl UserError for RefundError {
    fn code(&self) -> &'static str {
        match self {
            RefundError::WrongSale { .. } => "refund_wrong_sale",
            RefundError::OriginalReceiptMismatch { .. } => "refund_original_mismatch",
            RefundError::EmptyRefund => "empty_refund",
            RefundError::TooManyLines { .. } => "too_many_lines",
            RefundError::UnknownSaleLine { .. } => "unknown_sale_line",
            RefundError::DuplicateLine { .. } => "duplicate_refund_line",
            RefundError::QuantityNotPositive { .. } => "refund_quantity_not_positive",
            RefundError::ExceedsSold { .. } => "refund_exceeds_sold",
            RefundError::AmountMismatch { .. } => "refund_amount_mismatch",
            RefundError::LineMismatch { .. } => "refund_line_mismatch",
            RefundError::TotalMismatch { .. } => "refund_total_mismatch",
            RefundError::VatMismatch { .. } => "refund_vat_mismatch",
            RefundError::TooManyPayments { .. } => "too_many_payments",
            RefundError::PaymentNotPositive { .. } => "payment_not_positive",
            RefundError::CardReferenceRequired { .. } => "card_reference_required",
            RefundError::PaymentsDoNotMatchTotal { .. } => "refund_payments_mismatch",
            RefundError::ReasonRequired => "refund_reason_required",
            RefundError::InvalidText { .. } => "invalid_text",
            RefundError::InvalidId { .. } => "invalid_id",
            RefundError::InvalidTime { .. } => "invalid_refund_time",
            RefundError::HashMismatch { .. } => "refund_hash_mismatch",
            RefundError::Money(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        use RefundError as E;
        match (self, lang) {
            (E::WrongSale { .. }, Lang::Vi) => "Phiếu trả hàng không thuộc phiếu bán này.".into(),
            (E::WrongSale { .. }, Lang::En) => "The refund is not for this sale.".into(),
            (E::OriginalReceiptMismatch { expected, found }, Lang::Vi) => {
                format!("Phiếu trả hàng ghi phiếu bán {found}, nhưng phiếu bán là {expected}.")
            }
            (E::OriginalReceiptMismatch { expected, found }, Lang::En) => {
                format!("The refund names receipt {found}, but the sale is {expected}.")
            }
            (E::EmptyRefund, Lang::Vi) => "Phiếu trả hàng phải có ít nhất một dòng.".into(),
            (E::EmptyRefund, Lang::En) => "A refund needs at least one line.".into(),
            (E::TooManyLines { count, max }, Lang::Vi) => {
                format!("Một phiếu trả hàng có tối đa {max} dòng, phiếu này có {count}.")
            }
            (E::TooManyLines { count, max }, Lang::En) => {
                format!("A refund has at most {max} lines; this one has {count}.")
            }
            (E::UnknownSaleLine { line_no }, Lang::Vi) => {
                format!("Phiếu bán không có dòng số {line_no}.")
            }
            (E::UnknownSaleLine { line_no }, Lang::En) => {
                format!("The sale has no line {line_no}.")
            }
            (E::DuplicateLine { line_no }, Lang::Vi) => {
                format!("Dòng {line_no} được trả hai lần trong cùng một phiếu.")
            }
            (E::DuplicateLine { line_no }, Lang::En) => {
                format!("Line {line_no} appears twice in the refund.")
            }
            (E::QuantityNotPositive { line_no }, Lang::Vi) => {
                format!("Dòng {line_no}: số lượng trả phải lớn hơn 0.")
            }
            (E::QuantityNotPositive { line_no }, Lang::En) => {
                format!("Line {line_no}: the quantity returned must be above zero.")
            }
            (
                E::ExceedsSold {
                    line_no,
                    sold,
                    remaining,
                    requested,
                },
                Lang::Vi,
            ) => format!(
                "Dòng {line_no}: trả {requested} nhưng chỉ còn được trả tối đa {remaining} \
                 (đã bán {sold})."
            ),
            (
                E::ExceedsSold {
                    line_no,
                    sold,
                    remaining,
                    requested,
                },
                Lang::En,
            ) => format!(
                "Line {line_no}: {} returned, but at most {} can still be returned (sold {}).",
                requested.to_machine_string(),
                remaining.to_machine_string(),
                sold.to_machine_string()
            ),
            (
                E::AmountMismatch {
                    line_no,
                    expected,
                    found,
                },
                Lang::Vi,
            ) => format!("Dòng {line_no}: số tiền trả lại phải là {expected}, phiếu ghi {found}."),
            (
                E::AmountMismatch {
                    line_no,
                    expected,
                    found,
                },
                Lang::En,
            ) => format!(
                "Line {line_no}: the refund should be {}, the refund says {}.",
                expected.to_ascii_string(),
                found.to_ascii_string()
            ),
            (E::LineMismatch { line_no, field }, Lang::Vi) => {
                format!("Dòng {line_no}: trường \"{field}\" khác với dòng trên phiếu bán.")
            }
            (E::LineMismatch { line_no, field }, Lang::En) => {
                format!("Line {line_no}: \"{field}\" differs from the sale line.")
            }
            (E::TotalMismatch { expected, found }, Lang::Vi) => {
                format!("Tổng tiền trả lại phải là {expected}, phiếu ghi {found}.")
            }
            (E::TotalMismatch { expected, found }, Lang::En) => format!(
                "The refund total should be {}, the refund says {}.",
                expected.to_ascii_string(),
                found.to_ascii_string()
            ),
            (E::VatMismatch { expected, .. }, Lang::Vi) => format!(
                "Thuế GTGT của phiếu trả hàng không khớp; đúng phải là: {}.",
                format_buckets(expected, Lang::Vi)
            ),
            (E::VatMismatch { expected, .. }, Lang::En) => format!(
                "The refund's VAT does not match its lines; it should be: {}.",
                format_buckets(expected, Lang::En)
            ),
            (E::TooManyPayments { count, max }, Lang::Vi) => {
                format!("Một phiếu trả hàng có tối đa {max} lần hoàn tiền, phiếu này có {count}.")
            }
            (E::TooManyPayments { count, max }, Lang::En) => {
                format!("A refund has at most {max} pay-backs; this one has {count}.")
            }
            (E::PaymentNotPositive { index, amount }, Lang::Vi) => format!(
                "Lần hoàn tiền {}: số tiền phải lớn hơn 0 (nhận được {amount}).",
                human(*index)
            ),
            (E::PaymentNotPositive { index, amount }, Lang::En) => format!(
                "Pay-back {}: the amount must be above zero (got {}).",
                human(*index),
                amount.to_ascii_string()
            ),
            (E::CardReferenceRequired { index }, Lang::Vi) => format!(
                "Lần hoàn tiền {}: hoàn tiền qua thẻ phải có mã giao dịch của máy POS.",
                human(*index)
            ),
            (E::CardReferenceRequired { index }, Lang::En) => format!(
                "Pay-back {}: a card refund needs the terminal's reference.",
                human(*index)
            ),
            (E::PaymentsDoNotMatchTotal { total, paid }, Lang::Vi) => {
                format!("Số tiền hoàn cho khách là {paid}, phải đúng bằng {total}.")
            }
            (E::PaymentsDoNotMatchTotal { total, paid }, Lang::En) => format!(
                "{} is paid back, it must be exactly {}.",
                paid.to_ascii_string(),
                total.to_ascii_string()
            ),
            (E::ReasonRequired, Lang::Vi) => "Phải ghi lý do trả hàng.".into(),
            (E::ReasonRequired, Lang::En) => "A refund needs a reason.".into(),
            (E::InvalidText { field }, Lang::Vi) => {
                format!("Trường \"{field}\" trống, quá dài hoặc chứa ký tự điều khiển.")
            }
            (E::InvalidText { field }, Lang::En) => {
                format!("The field \"{field}\" is empty, too long or holds control characters.")
            }
            (E::InvalidId { field, value }, Lang::Vi) => {
                format!("Mã \"{field}\" phải là số dương (nhận được {value}).")
            }
            (E::InvalidId { field, value }, Lang::En) => {
                format!("The id \"{field}\" must be positive (got {value}).")
            }
            (E::InvalidTime { time }, Lang::Vi) => format!(
                "Thời gian {} không hợp lệ: phải tính đến mili giây và trong khoảng năm 0–9999.",
                journal::canonical_time(time)
            ),
            (E::InvalidTime { time }, Lang::En) => format!(
                "The time {} is invalid: it must be whole milliseconds, in years 0–9999.",
                journal::canonical_time(time)
            ),
            (E::HashMismatch { expected }, Lang::Vi) => {
                format!("Mã băm của phiếu trả hàng không khớp nội dung: đúng phải là {expected}.")
            }
            (E::HashMismatch { expected }, Lang::En) => {
                format!("The refund's hash does not match its content: it should be {expected}.")
            }
            (E::Money(e), lang) => e.message(lang),
        }
    }
}

// ---------------------------------------------------------------------------
// What is left to refund
// ---------------------------------------------------------------------------

/// One sale line and how much of it is left to refund.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Refundable {
    pub line_no: u32,
    pub sold_qty: Quantity,
    pub refunded_qty: Quantity,
    pub remaining_qty: Quantity,
    pub amount: Dong,
    pub refunded_amount: Dong,
    pub remaining_amount: Dong,
}

/// Quantity and money already refunded, per sale line.
fn already_refunded<'a>(
    sale: &Sale,
    earlier: impl IntoIterator<Item = &'a Refund>,
    except: Option<Uuid>,
) -> Result<BTreeMap<u32, (Quantity, Dong)>, RefundError> {
    let mut done: BTreeMap<u32, (Quantity, Dong)> = BTreeMap::new();
    let mut counted: BTreeSet<Uuid> = BTreeSet::new();
    for refund in earlier {
        // Refunds of other sales, the refund under check itself, and the
        // same refund passed twice are not counted.
        if refund.original_sale_id != sale.id
            || Some(refund.id) == except
            || !counted.insert(refund.id)
        {
            continue;
        }
        for line in &refund.lines {
            let entry = done
                .entry(line.original_line_no)
                .or_insert((Quantity::ZERO, Dong::ZERO));
            entry.0 = entry
                .0
                .checked_add(line.qty)
                .ok_or(RefundError::Money(MoneyError::Overflow))?;
            entry.1 = entry
                .1
                .checked_add(line.amount)
                .ok_or(RefundError::Money(MoneyError::Overflow))?;
        }
    }
    Ok(done)
}

/// What is left to refund of each line of `sale`, given its earlier refunds
/// (refunds of other sales in `earlier` are ignored). For the till's
/// refund screen.
pub fn refundable(sale: &Sale, earlier: &[Refund]) -> Result<Vec<Refundable>, RefundError> {
    let done = already_refunded(sale, earlier, None)?;
    sale.lines
        .iter()
        .map(|line| {
            let (refunded_qty, refunded_amount) = done
                .get(&line.line_no)
                .copied()
                .unwrap_or((Quantity::ZERO, Dong::ZERO));
            let overflow = RefundError::Money(MoneyError::Overflow);
            Ok(Refundable {
                line_no: line.line_no,
                sold_qty: line.qty,
                refunded_qty,
                remaining_qty: line.qty.checked_sub(refunded_qty).ok_or(overflow.clone())?,
                amount: line.amount,
                refunded_amount,
                remaining_amount: line.amount.checked_sub(refunded_amount).ok_or(overflow)?,
            })
        })
        .collect()
}

/// `round(amount × part / whole)`, half away from zero, exactly; for
/// `amount ≥ 0`, `0 ≤ part`, `whole > 0`.
fn pro_rata(amount: Dong, part: Quantity, whole: Quantity) -> Result<Dong, RefundError> {
    let overflow = || RefundError::Money(MoneyError::Overflow);
    let num = i128::from(amount.amount())
        .checked_mul(i128::from(part.milli()))
        .ok_or_else(overflow)?;
    let den = i128::from(whole.milli());
    if den <= 0 || num < 0 {
        return Err(RefundError::Money(MoneyError::NonPositiveQuantity));
    }
    let quotient = num.checked_div(den).ok_or_else(overflow)?;
    let remainder = num.checked_rem(den).ok_or_else(overflow)?;
    // remainder ≥ den − remainder  ⇔  fraction ≥ ½: round up (away from 0).
    let rounded = if remainder >= den.checked_sub(remainder).ok_or_else(overflow)? {
        quotient.checked_add(1).ok_or_else(overflow)?
    } else {
        quotient
    };
    i64::try_from(rounded)
        .map(Dong::new)
        .map_err(|_| overflow())
}

/// The money for refunding `qty` more of `line`, when `already_qty` has
/// been refunded for `already_amount` (module documentation). Refuses a
/// quantity above what is left.
pub fn refund_amount(
    line: &SaleLine,
    already_qty: Quantity,
    already_amount: Dong,
    qty: Quantity,
) -> Result<Dong, RefundError> {
    if !qty.is_positive() {
        return Err(RefundError::QuantityNotPositive {
            line_no: line.line_no,
        });
    }
    let overflow = || RefundError::Money(MoneyError::Overflow);
    let remaining = line.qty.checked_sub(already_qty).ok_or_else(overflow)?;
    if qty > remaining {
        return Err(RefundError::ExceedsSold {
            line_no: line.line_no,
            sold: line.qty,
            remaining: remaining.max(Quantity::ZERO),
            requested: qty,
        });
    }
    let through = already_qty.checked_add(qty).ok_or_else(overflow)?;
    let cumulative = pro_rata(line.amount, through, line.qty)?;
    let left = line
        .amount
        .checked_sub(already_amount)
        .ok_or_else(overflow)?;
    // With consistent earlier refunds this is already within [0, left];
    // clamping keeps a refund sane after inconsistent history too.
    let amount = cumulative
        .checked_sub(already_amount)
        .ok_or_else(overflow)?;
    Ok(amount.max(Dong::ZERO).min(left.max(Dong::ZERO)))
}

// ---------------------------------------------------------------------------
// Building a refund on the till
// ---------------------------------------------------------------------------

/// One line the customer brings back.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RefundRequest {
    pub original_line_no: u32,
    pub qty: Quantity,
    pub restock: Restock,
}

/// The fields of a refund that are not lines or money.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RefundHeader {
    pub id: Uuid,
    pub till_id: i32,
    pub receipt_no: ReceiptNo,
    pub refunded_at: DateTime<Utc>,
    pub cashier_id: i32,
    pub outlet_id: i32,
    pub shift_id: Uuid,
    pub reason: String,
}

/// The refund lines for `requests`, with their amounts, copying the sale
/// lines' details. Checks every rule about lines and quantities.
pub fn refund_lines(
    sale: &Sale,
    earlier: &[Refund],
    requests: &[RefundRequest],
) -> Result<Vec<RefundLine>, RefundError> {
    refund_lines_except(sale, earlier, None, requests)
}

fn refund_lines_except(
    sale: &Sale,
    earlier: &[Refund],
    except: Option<Uuid>,
    requests: &[RefundRequest],
) -> Result<Vec<RefundLine>, RefundError> {
    if requests.is_empty() {
        return Err(RefundError::EmptyRefund);
    }
    if requests.len() > MAX_LINES {
        return Err(RefundError::TooManyLines {
            count: requests.len(),
            max: MAX_LINES,
        });
    }
    let done = already_refunded(sale, earlier, except)?;
    let mut seen = BTreeSet::new();
    requests
        .iter()
        .map(|req| {
            let line_no = req.original_line_no;
            if !seen.insert(line_no) {
                return Err(RefundError::DuplicateLine { line_no });
            }
            let line = sale
                .line(line_no)
                .ok_or(RefundError::UnknownSaleLine { line_no })?;
            let (qty_done, amount_done) = done
                .get(&line_no)
                .copied()
                .unwrap_or((Quantity::ZERO, Dong::ZERO));
            let amount = refund_amount(line, qty_done, amount_done, req.qty)?;
            Ok(RefundLine {
                original_line_no: line_no,
                product_id: line.product_id,
                lot_code: line.lot_code.clone(),
                name: line.name.clone(),
                unit: line.unit.clone(),
                group: line.group.clone(),
                vat_rate: line.vat_rate,
                qty: req.qty,
                amount,
                restock: req.restock,
            })
        })
        .collect()
}

/// The total and VAT of refund lines.
pub fn refund_totals(lines: &[RefundLine]) -> Result<(Dong, Vec<VatBucket>), RefundError> {
    let total = Dong::checked_sum(lines.iter().map(|l| l.amount))
        .ok_or(RefundError::Money(MoneyError::Overflow))?;
    let vat = vat_buckets(lines.iter().map(|l| (l.vat_rate, l.amount)))?;
    Ok((total, vat))
}

impl RefundPayment {
    pub fn cash(amount: Dong) -> RefundPayment {
        RefundPayment {
            method: RefundMethod::Cash {},
            amount,
        }
    }

    pub fn bank_transfer(amount: Dong, reference: Option<String>) -> RefundPayment {
        RefundPayment {
            method: RefundMethod::BankTransfer { reference },
            amount,
        }
    }

    pub fn card(amount: Dong, terminal_ref: impl Into<String>) -> RefundPayment {
        RefundPayment {
            method: RefundMethod::Card {
                terminal_ref: terminal_ref.into(),
            },
            amount,
        }
    }
}

/// Builds, verifies and seals a refund of `sale` after `prev_hash` (the
/// hash of the refunding till's previous receipt). `earlier` are the
/// sale's earlier refunds.
pub fn build_refund(
    header: RefundHeader,
    sale: &Sale,
    earlier: &[Refund],
    requests: &[RefundRequest],
    payments: Vec<RefundPayment>,
    prev_hash: ChainHash,
) -> Result<Refund, RefundError> {
    let lines = refund_lines(sale, earlier, requests)?;
    let (total, vat) = refund_totals(&lines)?;
    let mut refund = Refund {
        id: header.id,
        till_id: header.till_id,
        receipt_no: header.receipt_no,
        refunded_at: truncate_to_millis(header.refunded_at),
        cashier_id: header.cashier_id,
        outlet_id: header.outlet_id,
        shift_id: header.shift_id,
        original_sale_id: sale.id,
        original_receipt: sale.receipt_ref(),
        reason: header.reason,
        lines,
        payments,
        total,
        vat,
        prev_hash,
        hash: prev_hash,
    };
    journal::seal(&mut refund, prev_hash);
    verify_refund(&refund, sale, earlier)?;
    Ok(refund)
}

// ---------------------------------------------------------------------------
// Verification on the server
// ---------------------------------------------------------------------------

fn check_id(field: &'static str, value: i32) -> Result<(), RefundError> {
    if value > 0 {
        Ok(())
    } else {
        Err(RefundError::InvalidId { field, value })
    }
}

fn check_payments(total: Dong, payments: &[RefundPayment]) -> Result<(), RefundError> {
    if payments.len() > MAX_PAYMENTS {
        return Err(RefundError::TooManyPayments {
            count: payments.len(),
            max: MAX_PAYMENTS,
        });
    }
    for (index, p) in payments.iter().enumerate() {
        if !p.amount.is_positive() {
            return Err(RefundError::PaymentNotPositive {
                index,
                amount: p.amount,
            });
        }
        match &p.method {
            RefundMethod::Cash {} => {}
            RefundMethod::BankTransfer { reference } => {
                if let Some(r) = reference
                    && !check_text(r, TextRule::required(MAX_REFERENCE_CHARS))
                {
                    return Err(RefundError::InvalidText { field: "reference" });
                }
            }
            RefundMethod::Card { terminal_ref } => {
                if terminal_ref.trim().is_empty() {
                    return Err(RefundError::CardReferenceRequired { index });
                }
                if !check_text(terminal_ref, TextRule::required(MAX_REFERENCE_CHARS)) {
                    return Err(RefundError::InvalidText {
                        field: "terminal_ref",
                    });
                }
            }
        }
    }
    let paid = Dong::checked_sum(payments.iter().map(|p| p.amount))
        .ok_or(RefundError::Money(MoneyError::Overflow))?;
    if paid != total {
        return Err(RefundError::PaymentsDoNotMatchTotal { total, paid });
    }
    Ok(())
}

/// Checks a refund against its sale and the sale's other refunds
/// (`earlier`; the refund itself and refunds of other sales are ignored
/// there, so all of a sale's refunds may be passed). Stops at the first
/// problem.
pub fn verify_refund(refund: &Refund, sale: &Sale, earlier: &[Refund]) -> Result<(), RefundError> {
    check_id("till_id", refund.till_id)?;
    check_id("cashier_id", refund.cashier_id)?;
    check_id("outlet_id", refund.outlet_id)?;
    if !time_is_canonical(&refund.refunded_at) {
        return Err(RefundError::InvalidTime {
            time: refund.refunded_at,
        });
    }
    if refund.reason.trim().is_empty() {
        return Err(RefundError::ReasonRequired);
    }
    if !check_text(&refund.reason, TextRule::required(MAX_REASON_CHARS)) {
        return Err(RefundError::InvalidText { field: "reason" });
    }
    if refund.original_sale_id != sale.id {
        return Err(RefundError::WrongSale {
            expected: sale.id,
            found: refund.original_sale_id,
        });
    }
    if refund.original_receipt != sale.receipt_ref() {
        return Err(RefundError::OriginalReceiptMismatch {
            expected: sale.receipt_ref(),
            found: refund.original_receipt,
        });
    }
    let requests: Vec<RefundRequest> = refund
        .lines
        .iter()
        .map(|l| RefundRequest {
            original_line_no: l.original_line_no,
            qty: l.qty,
            restock: l.restock,
        })
        .collect();
    let expected = refund_lines_except(sale, earlier, Some(refund.id), &requests)?;
    for (want, got) in expected.iter().zip(&refund.lines) {
        let line_no = got.original_line_no;
        let mismatch = |field| Err(RefundError::LineMismatch { line_no, field });
        if want.product_id != got.product_id {
            return mismatch("product_id");
        }
        if want.lot_code != got.lot_code {
            return mismatch("lot_code");
        }
        if want.name != got.name {
            return mismatch("name");
        }
        if want.unit != got.unit {
            return mismatch("unit");
        }
        if want.group != got.group {
            return mismatch("group");
        }
        if want.vat_rate != got.vat_rate {
            return mismatch("vat_rate");
        }
        if want.amount != got.amount {
            return Err(RefundError::AmountMismatch {
                line_no,
                expected: want.amount,
                found: got.amount,
            });
        }
    }
    let (total, vat) = refund_totals(&refund.lines)?;
    if total != refund.total {
        return Err(RefundError::TotalMismatch {
            expected: total,
            found: refund.total,
        });
    }
    if vat != refund.vat {
        return Err(RefundError::VatMismatch {
            expected: vat,
            found: refund.vat.clone(),
        });
    }
    check_payments(refund.total, &refund.payments)?;
    let expected = refund.compute_hash();
    if expected != refund.hash {
        return Err(RefundError::HashMismatch { expected });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
