//! Sale arithmetic: the till builds a sale from its cart with
//! [`SaleBuilder`]; the server checks an arriving sale with [`verify`] and
//! refuses one whose arithmetic is wrong.
//!
//! The rules, all in whole đồng:
//! - a line amount is `round(unit_price × qty) − discount`
//!   ([`crate::money::line_amount`], the one rounding point of a line);
//!   quantity above zero, price and discount not negative, discount not
//!   above the rounded gross, and a discount above zero needs a reason;
//! - lines are numbered 1, 2, 3… without gaps; at least one, at most
//!   [`MAX_LINES`];
//! - the total is the sum of the line amounts, exactly;
//! - the VAT buckets are [`crate::money::vat_buckets`] of the lines (summed
//!   per rate first, VAT extracted once per rate);
//! - each payment is above zero and they add up to the total exactly (split
//!   payments are allowed, at most [`MAX_PAYMENTS`]); cash may be tendered
//!   above its amount, and then `change = tendered − amount`;
//! - times carry whole milliseconds (the canonical encoding's precision,
//!   [`super::journal`]);
//! - the hash is the one the content and `prev_hash` call for.
//!
//! A sale whose prices differ from the catalogue is *not* an error here
//! (an offline till may hold older prices): [`SaleLine::price_differs`]
//! reports it.

use chrono::{DateTime, Datelike, Timelike, Utc};
use uuid::Uuid;

use super::journal::{self, Chained};
use super::model::{
    ChainHash, MAX_GROUP_CHARS, MAX_LINES, MAX_LOT_CHARS, MAX_NAME_CHARS, MAX_PAYMENTS,
    MAX_REASON_CHARS, MAX_REFERENCE_CHARS, MAX_UNIT_CHARS, Payment, PaymentMethod, ReceiptNo, Sale,
    SaleLine, TransferStatus,
};
use super::{TextRule, check_text, format_buckets};
use crate::i18n::{Lang, UserError};
use crate::money::{Dong, MoneyError, Quantity, VatBucket, VatRate, line_amount, vat_buckets};

/// Why a sale is refused. Each names the expected figure where there is
/// one, so the cashier (or the till's developer) sees what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaleError {
    #[error("a sale needs at least one line")]
    EmptySale,
    #[error("a sale has at most {max} lines, this one has {count}")]
    TooManyLines { count: usize, max: usize },
    #[error("a sale has at most {max} payments, this one has {count}")]
    TooManyPayments { count: usize, max: usize },
    #[error("line number {found} at position {expected} (lines are numbered 1, 2, 3…)")]
    LineNumbering { expected: u32, found: u32 },
    #[error("the sale has no line {line_no}")]
    UnknownLine { line_no: u32 },
    #[error("line {line_no}: {source}")]
    InvalidLine { line_no: u32, source: MoneyError },
    #[error("line {line_no}: a discount needs a reason")]
    DiscountReasonRequired { line_no: u32 },
    #[error("line {line_no}: a discount reason without a discount")]
    ReasonWithoutDiscount { line_no: u32 },
    #[error("{field} is empty, too long or holds control characters")]
    InvalidText {
        line_no: Option<u32>,
        field: &'static str,
    },
    #[error("{field} must be a positive id, got {value}")]
    InvalidId { field: &'static str, value: i32 },
    #[error("line {line_no}: amount should be {expected}, got {found}")]
    LineAmountMismatch {
        line_no: u32,
        expected: Dong,
        found: Dong,
    },
    #[error("total should be {expected}, got {found}")]
    TotalMismatch { expected: Dong, found: Dong },
    #[error("VAT buckets do not match the lines")]
    VatMismatch {
        expected: Vec<VatBucket>,
        found: Vec<VatBucket>,
    },
    #[error("payment {index}: amount must be above zero, got {amount}")]
    PaymentNotPositive { index: usize, amount: Dong },
    #[error("payment {index}: cash tendered {tendered} is less than its amount {amount}")]
    CashTenderedTooLow {
        index: usize,
        amount: Dong,
        tendered: Dong,
    },
    #[error("payment {index}: change should be {expected}, got {found}")]
    CashChangeMismatch {
        index: usize,
        expected: Dong,
        found: Dong,
    },
    #[error("payment {index}: a card payment needs the terminal's reference")]
    CardReferenceRequired { index: usize },
    #[error("payments {paid} do not cover the total {total}")]
    PaymentsDoNotCoverTotal { total: Dong, paid: Dong },
    #[error("payments {paid} exceed the total {total}")]
    PaymentsExceedTotal { total: Dong, paid: Dong },
    #[error("time {time} is finer than a millisecond or outside years 0–9999")]
    InvalidTime { time: DateTime<Utc> },
    #[error("the sale's hash should be {expected}")]
    HashMismatch { expected: ChainHash },
    #[error(transparent)]
    Money(MoneyError),
}

impl From<MoneyError> for SaleError {
    fn from(e: MoneyError) -> Self {
        SaleError::Money(e)
    }
}

/// Payment numbers in messages count from 1, as the cashier sees them.
fn human(index: usize) -> usize {
    index.saturating_add(1)
}

impl UserError for SaleError {
    fn code(&self) -> &'static str {
        match self {
            SaleError::EmptySale => "empty_sale",
            SaleError::TooManyLines { .. } => "too_many_lines",
            SaleError::TooManyPayments { .. } => "too_many_payments",
            SaleError::LineNumbering { .. } => "line_numbers_not_sequential",
            SaleError::UnknownLine { .. } => "unknown_sale_line",
            SaleError::InvalidLine { source, .. } => source.code(),
            SaleError::DiscountReasonRequired { .. } => "discount_reason_required",
            SaleError::ReasonWithoutDiscount { .. } => "discount_reason_without_discount",
            SaleError::InvalidText { .. } => "invalid_text",
            SaleError::InvalidId { .. } => "invalid_id",
            SaleError::LineAmountMismatch { .. } => "line_amount_mismatch",
            SaleError::TotalMismatch { .. } => "sale_total_mismatch",
            SaleError::VatMismatch { .. } => "vat_mismatch",
            SaleError::PaymentNotPositive { .. } => "payment_not_positive",
            SaleError::CashTenderedTooLow { .. } => "cash_tendered_too_low",
            SaleError::CashChangeMismatch { .. } => "cash_change_mismatch",
            SaleError::CardReferenceRequired { .. } => "card_reference_required",
            SaleError::PaymentsDoNotCoverTotal { .. } => "payments_do_not_cover_total",
            SaleError::PaymentsExceedTotal { .. } => "payments_exceed_total",
            SaleError::InvalidTime { .. } => "invalid_sale_time",
            SaleError::HashMismatch { .. } => "sale_hash_mismatch",
            SaleError::Money(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (SaleError::EmptySale, Lang::Vi) => "Phiếu bán hàng phải có ít nhất một dòng.".into(),
            (SaleError::EmptySale, Lang::En) => "A sale needs at least one line.".into(),
            (SaleError::TooManyLines { count, max }, Lang::Vi) => {
                format!("Một phiếu có tối đa {max} dòng, phiếu này có {count} dòng.")
            }
            (SaleError::TooManyLines { count, max }, Lang::En) => {
                format!("A sale has at most {max} lines; this one has {count}.")
            }
            (SaleError::TooManyPayments { count, max }, Lang::Vi) => {
                format!("Một phiếu có tối đa {max} lần thanh toán, phiếu này có {count}.")
            }
            (SaleError::TooManyPayments { count, max }, Lang::En) => {
                format!("A sale has at most {max} payments; this one has {count}.")
            }
            (SaleError::LineNumbering { expected, found }, Lang::Vi) => format!(
                "Số thứ tự dòng phải liên tục từ 1: dòng thứ {expected} lại mang số {found}."
            ),
            (SaleError::LineNumbering { expected, found }, Lang::En) => {
                format!("Lines are numbered 1, 2, 3…: line {expected} is numbered {found}.")
            }
            (SaleError::UnknownLine { line_no }, Lang::Vi) => {
                format!("Phiếu không có dòng số {line_no}.")
            }
            (SaleError::UnknownLine { line_no }, Lang::En) => {
                format!("The sale has no line {line_no}.")
            }
            (SaleError::InvalidLine { line_no, source }, lang) => {
                let prefix = match lang {
                    Lang::Vi => "Dòng",
                    Lang::En => "Line",
                };
                format!("{prefix} {line_no}: {}", source.message(lang))
            }
            (SaleError::DiscountReasonRequired { line_no }, Lang::Vi) => {
                format!("Dòng {line_no}: có chiết khấu thì phải ghi lý do.")
            }
            (SaleError::DiscountReasonRequired { line_no }, Lang::En) => {
                format!("Line {line_no}: a discount needs a reason.")
            }
            (SaleError::ReasonWithoutDiscount { line_no }, Lang::Vi) => {
                format!("Dòng {line_no}: có lý do chiết khấu nhưng chiết khấu bằng 0.")
            }
            (SaleError::ReasonWithoutDiscount { line_no }, Lang::En) => {
                format!("Line {line_no}: a discount reason is given but the discount is zero.")
            }
            (SaleError::InvalidText { line_no, field }, Lang::Vi) => {
                let at = line_no.map(|n| format!("Dòng {n}: ")).unwrap_or_default();
                format!("{at}trường \"{field}\" trống, quá dài hoặc chứa ký tự điều khiển.")
            }
            (SaleError::InvalidText { line_no, field }, Lang::En) => {
                let at = line_no.map(|n| format!("Line {n}: ")).unwrap_or_default();
                format!("{at}the field \"{field}\" is empty, too long or holds control characters.")
            }
            (SaleError::InvalidId { field, value }, Lang::Vi) => {
                format!("Mã \"{field}\" phải là số dương (nhận được {value}).")
            }
            (SaleError::InvalidId { field, value }, Lang::En) => {
                format!("The id \"{field}\" must be positive (got {value}).")
            }
            (
                SaleError::LineAmountMismatch {
                    line_no,
                    expected,
                    found,
                },
                Lang::Vi,
            ) => format!(
                "Dòng {line_no}: thành tiền phải là {expected} \
                 (đơn giá × số lượng − chiết khấu), phiếu ghi {found}."
            ),
            (
                SaleError::LineAmountMismatch {
                    line_no,
                    expected,
                    found,
                },
                Lang::En,
            ) => format!(
                "Line {line_no}: the amount should be {} (price × quantity − discount), \
                 the sale says {}.",
                expected.to_ascii_string(),
                found.to_ascii_string()
            ),
            (SaleError::TotalMismatch { expected, found }, Lang::Vi) => {
                format!(
                    "Tổng cộng phải là {expected} (tổng thành tiền các dòng), phiếu ghi {found}."
                )
            }
            (SaleError::TotalMismatch { expected, found }, Lang::En) => format!(
                "The total should be {} (the sum of the lines), the sale says {}.",
                expected.to_ascii_string(),
                found.to_ascii_string()
            ),
            (SaleError::VatMismatch { expected, .. }, Lang::Vi) => format!(
                "Thuế GTGT theo thuế suất không khớp với các dòng; đúng phải là: {}.",
                format_buckets(expected, Lang::Vi)
            ),
            (SaleError::VatMismatch { expected, .. }, Lang::En) => format!(
                "The VAT per rate does not match the lines; it should be: {}.",
                format_buckets(expected, Lang::En)
            ),
            (SaleError::PaymentNotPositive { index, amount }, Lang::Vi) => format!(
                "Lần thanh toán {}: số tiền phải lớn hơn 0 (nhận được {amount}).",
                human(*index)
            ),
            (SaleError::PaymentNotPositive { index, amount }, Lang::En) => format!(
                "Payment {}: the amount must be above zero (got {}).",
                human(*index),
                amount.to_ascii_string()
            ),
            (
                SaleError::CashTenderedTooLow {
                    index,
                    amount,
                    tendered,
                },
                Lang::Vi,
            ) => format!(
                "Lần thanh toán {}: khách đưa {tendered}, ít hơn số phải trả {amount}.",
                human(*index)
            ),
            (
                SaleError::CashTenderedTooLow {
                    index,
                    amount,
                    tendered,
                },
                Lang::En,
            ) => format!(
                "Payment {}: {} tendered is less than the {} due.",
                human(*index),
                tendered.to_ascii_string(),
                amount.to_ascii_string()
            ),
            (
                SaleError::CashChangeMismatch {
                    index,
                    expected,
                    found,
                },
                Lang::Vi,
            ) => format!(
                "Lần thanh toán {}: tiền thừa trả khách phải là {expected}, phiếu ghi {found}.",
                human(*index)
            ),
            (
                SaleError::CashChangeMismatch {
                    index,
                    expected,
                    found,
                },
                Lang::En,
            ) => format!(
                "Payment {}: the change should be {}, the sale says {}.",
                human(*index),
                expected.to_ascii_string(),
                found.to_ascii_string()
            ),
            (SaleError::CardReferenceRequired { index }, Lang::Vi) => format!(
                "Lần thanh toán {}: thanh toán thẻ phải có mã giao dịch của máy POS.",
                human(*index)
            ),
            (SaleError::CardReferenceRequired { index }, Lang::En) => format!(
                "Payment {}: a card payment needs the terminal's reference.",
                human(*index)
            ),
            (SaleError::PaymentsDoNotCoverTotal { total, paid }, Lang::Vi) => {
                format!("Khách mới trả {paid}, chưa đủ tổng cộng {total}.")
            }
            (SaleError::PaymentsDoNotCoverTotal { total, paid }, Lang::En) => format!(
                "Payments of {} do not cover the total of {}.",
                paid.to_ascii_string(),
                total.to_ascii_string()
            ),
            (SaleError::PaymentsExceedTotal { total, paid }, Lang::Vi) => format!(
                "Các lần thanh toán cộng lại {paid}, nhiều hơn tổng cộng {total} \
                 (tiền thừa ghi ở phần tiền mặt)."
            ),
            (SaleError::PaymentsExceedTotal { total, paid }, Lang::En) => format!(
                "Payments add up to {}, more than the total of {} \
                 (change belongs in the cash payment).",
                paid.to_ascii_string(),
                total.to_ascii_string()
            ),
            (SaleError::InvalidTime { time }, Lang::Vi) => format!(
                "Thời gian {} không hợp lệ: phải tính đến mili giây và trong khoảng năm 0–9999.",
                journal::canonical_time(time)
            ),
            (SaleError::InvalidTime { time }, Lang::En) => format!(
                "The time {} is invalid: it must be whole milliseconds, in years 0–9999.",
                journal::canonical_time(time)
            ),
            (SaleError::HashMismatch { expected }, Lang::Vi) => format!(
                "Mã băm của phiếu không khớp nội dung: đúng phải là {expected}. \
                 Phiếu đã bị sửa sau khi lập."
            ),
            (SaleError::HashMismatch { expected }, Lang::En) => format!(
                "The sale's hash does not match its content: it should be {expected}. \
                 The sale was changed after it was sealed."
            ),
            (SaleError::Money(e), lang) => e.message(lang),
        }
    }
}

// ---------------------------------------------------------------------------
// Building a sale on the till
// ---------------------------------------------------------------------------

/// Who, where and when: the fields of a sale that are not lines or money.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SaleHeader {
    pub id: Uuid,
    pub till_id: i32,
    pub receipt_no: ReceiptNo,
    pub sold_at: DateTime<Utc>,
    pub cashier_id: i32,
    pub outlet_id: i32,
    pub shift_id: Uuid,
}

/// A line of the cart, before its amount is computed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CartLine {
    pub product_id: i32,
    pub lot_code: Option<String>,
    pub name: String,
    pub unit: String,
    pub group: String,
    pub qty: Quantity,
    pub unit_price: Dong,
    pub catalogue_price: Option<Dong>,
    pub discount: Dong,
    pub discount_reason: Option<String>,
    pub vat_rate: VatRate,
}

/// Builds a sale from cart lines, computing each amount once, then the
/// total and the VAT, then checks the payments and seals it.
#[derive(Clone, Debug)]
pub struct SaleBuilder {
    header: SaleHeader,
    lines: Vec<SaleLine>,
}

impl SaleBuilder {
    /// The sale time is cut to whole milliseconds (the journal's precision).
    pub fn new(mut header: SaleHeader) -> SaleBuilder {
        header.sold_at = truncate_to_millis(header.sold_at);
        SaleBuilder {
            header,
            lines: Vec::new(),
        }
    }

    /// Adds a line at the end, computing its amount. Refused (and the cart
    /// left as it was) if the line is invalid or the cart is full.
    pub fn add(&mut self, line: CartLine) -> Result<&SaleLine, SaleError> {
        if self.lines.len() >= MAX_LINES {
            return Err(SaleError::TooManyLines {
                count: self.lines.len().saturating_add(1),
                max: MAX_LINES,
            });
        }
        let line_no = line_number(self.lines.len());
        let line = priced_line(line_no, line)?;
        self.lines.push(line);
        // Just pushed, so never empty.
        self.lines.last().ok_or(SaleError::EmptySale)
    }

    /// Replaces line `line_no` (a changed quantity or discount). Refused
    /// (and the cart left as it was) if the line does not exist or the new
    /// one is invalid.
    pub fn replace(&mut self, line_no: u32, line: CartLine) -> Result<&SaleLine, SaleError> {
        let priced = priced_line(line_no, line)?;
        let slot = self
            .lines
            .iter_mut()
            .find(|l| l.line_no == line_no)
            .ok_or(SaleError::UnknownLine { line_no })?;
        *slot = priced;
        Ok(slot)
    }

    /// Removes line `line_no` and renumbers the lines after it.
    pub fn remove(&mut self, line_no: u32) -> Option<SaleLine> {
        let position = self.lines.iter().position(|l| l.line_no == line_no)?;
        let removed = self.lines.remove(position);
        for (i, line) in self.lines.iter_mut().enumerate() {
            line.line_no = line_number(i);
        }
        Some(removed)
    }

    pub fn lines(&self) -> &[SaleLine] {
        &self.lines
    }

    pub fn header(&self) -> &SaleHeader {
        &self.header
    }

    /// The running total, for the big number on the till's screen.
    pub fn total(&self) -> Result<Dong, SaleError> {
        Dong::checked_sum(self.lines.iter().map(|l| l.amount))
            .ok_or(SaleError::Money(MoneyError::Overflow))
    }

    /// The VAT buckets the receipt will print.
    pub fn vat(&self) -> Result<Vec<VatBucket>, SaleError> {
        Ok(vat_buckets(
            self.lines.iter().map(|l| (l.vat_rate, l.amount)),
        )?)
    }

    /// Completes the sale: computes total and VAT, takes the payments,
    /// verifies everything ([`verify`]) and seals it after `prev_hash`
    /// (the hash of the till's previous receipt, or
    /// [`super::journal::GENESIS_HASH`]).
    pub fn finish(self, payments: Vec<Payment>, prev_hash: ChainHash) -> Result<Sale, SaleError> {
        let total = self.total()?;
        let vat = self.vat()?;
        let h = self.header;
        let mut sale = Sale {
            id: h.id,
            till_id: h.till_id,
            receipt_no: h.receipt_no,
            sold_at: h.sold_at,
            cashier_id: h.cashier_id,
            outlet_id: h.outlet_id,
            shift_id: h.shift_id,
            lines: self.lines,
            payments,
            total,
            vat,
            prev_hash,
            hash: prev_hash,
        };
        journal::seal(&mut sale, prev_hash);
        verify(&sale)?;
        Ok(sale)
    }
}

/// `index` 0 → line 1. Lines are capped at [`MAX_LINES`], so it fits.
fn line_number(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX).saturating_add(1)
}

fn priced_line(line_no: u32, line: CartLine) -> Result<SaleLine, SaleError> {
    let amount = line_amount(line.unit_price, line.qty, line.discount)
        .map_err(|source| SaleError::InvalidLine { line_no, source })?;
    let sale_line = SaleLine {
        line_no,
        product_id: line.product_id,
        lot_code: line.lot_code,
        name: line.name,
        unit: line.unit,
        group: line.group,
        qty: line.qty,
        unit_price: line.unit_price,
        catalogue_price: line.catalogue_price,
        discount: line.discount,
        discount_reason: line.discount_reason,
        vat_rate: line.vat_rate,
        amount,
    };
    check_line_fields(&sale_line)?;
    Ok(sale_line)
}

/// Cuts a time to whole milliseconds (towards the past).
pub fn truncate_to_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = t.nanosecond() % 1_000_000_000;
    let keep = nanos - nanos % 1_000_000;
    t.with_nanosecond(keep).unwrap_or(t)
}

/// Whether a time is one the journal encodes exactly.
pub(crate) fn time_is_canonical(t: &DateTime<Utc>) -> bool {
    // chrono keeps a leap second as nanosecond ≥ 1e9: refused with the rest.
    t.nanosecond().is_multiple_of(1_000_000)
        && t.nanosecond() < 1_000_000_000
        && (0..=9999).contains(&t.year())
}

// ---------------------------------------------------------------------------
// Payments
// ---------------------------------------------------------------------------

impl Payment {
    /// Cash for `amount`, the customer handing over `tendered`: the change
    /// is computed. Refused if `tendered` is less than `amount`.
    pub fn cash(amount: Dong, tendered: Dong) -> Result<Payment, SaleError> {
        let change = tendered
            .checked_sub(amount)
            .ok_or(SaleError::Money(MoneyError::Overflow))?;
        if change.is_negative() {
            return Err(SaleError::CashTenderedTooLow {
                index: 0,
                amount,
                tendered,
            });
        }
        Ok(Payment {
            method: PaymentMethod::Cash { tendered, change },
            amount,
        })
    }

    /// A VietQR transfer for `amount`.
    pub fn bank_transfer(
        amount: Dong,
        status: TransferStatus,
        reference: Option<String>,
    ) -> Payment {
        Payment {
            method: PaymentMethod::BankTransfer { status, reference },
            amount,
        }
    }

    /// A card payment for `amount` with the terminal's reference.
    pub fn card(amount: Dong, terminal_ref: impl Into<String>) -> Payment {
        Payment {
            method: PaymentMethod::Card {
                terminal_ref: terminal_ref.into(),
            },
            amount,
        }
    }
}

/// What is still to be paid after `payments` (negative when they exceed
/// the total), for the till's payment screen.
pub fn remaining_due(total: Dong, payments: &[Payment]) -> Result<Dong, SaleError> {
    let paid = Dong::checked_sum(payments.iter().map(|p| p.amount))
        .ok_or(SaleError::Money(MoneyError::Overflow))?;
    total
        .checked_sub(paid)
        .ok_or(SaleError::Money(MoneyError::Overflow))
}

// ---------------------------------------------------------------------------
// Verification on the server
// ---------------------------------------------------------------------------

fn check_id(field: &'static str, value: i32) -> Result<(), SaleError> {
    if value > 0 {
        Ok(())
    } else {
        Err(SaleError::InvalidId { field, value })
    }
}

fn text_error(line_no: Option<u32>, field: &'static str) -> SaleError {
    SaleError::InvalidText { line_no, field }
}

/// Checks the text and id fields of a line and the discount-reason rule.
fn check_line_fields(line: &SaleLine) -> Result<(), SaleError> {
    let n = Some(line.line_no);
    check_id("product_id", line.product_id)?;
    if !check_text(&line.name, TextRule::required(MAX_NAME_CHARS)) {
        return Err(text_error(n, "name"));
    }
    if !check_text(&line.unit, TextRule::optional(MAX_UNIT_CHARS)) {
        return Err(text_error(n, "unit"));
    }
    if !check_text(&line.group, TextRule::required(MAX_GROUP_CHARS)) {
        return Err(text_error(n, "group"));
    }
    if let Some(lot) = &line.lot_code
        && !check_text(lot, TextRule::required(MAX_LOT_CHARS))
    {
        return Err(text_error(n, "lot_code"));
    }
    if let Some(price) = line.catalogue_price
        && price.is_negative()
    {
        return Err(SaleError::InvalidLine {
            line_no: line.line_no,
            source: MoneyError::NegativePrice,
        });
    }
    match (&line.discount_reason, line.discount.is_positive()) {
        (None, true) => {
            return Err(SaleError::DiscountReasonRequired {
                line_no: line.line_no,
            });
        }
        (Some(_), false) => {
            return Err(SaleError::ReasonWithoutDiscount {
                line_no: line.line_no,
            });
        }
        (Some(reason), true) if !check_text(reason, TextRule::required(MAX_REASON_CHARS)) => {
            return Err(SaleError::DiscountReasonRequired {
                line_no: line.line_no,
            });
        }
        _ => {}
    }
    Ok(())
}

/// Checks payments against a total: each above zero, cash change right,
/// card references present, and the sum equal to the total.
pub fn verify_payments(total: Dong, payments: &[Payment]) -> Result<(), SaleError> {
    if payments.len() > MAX_PAYMENTS {
        return Err(SaleError::TooManyPayments {
            count: payments.len(),
            max: MAX_PAYMENTS,
        });
    }
    for (index, p) in payments.iter().enumerate() {
        if !p.amount.is_positive() {
            return Err(SaleError::PaymentNotPositive {
                index,
                amount: p.amount,
            });
        }
        match &p.method {
            PaymentMethod::Cash { tendered, change } => {
                if tendered < &p.amount {
                    return Err(SaleError::CashTenderedTooLow {
                        index,
                        amount: p.amount,
                        tendered: *tendered,
                    });
                }
                let expected = tendered
                    .checked_sub(p.amount)
                    .ok_or(SaleError::Money(MoneyError::Overflow))?;
                if *change != expected {
                    return Err(SaleError::CashChangeMismatch {
                        index,
                        expected,
                        found: *change,
                    });
                }
            }
            PaymentMethod::BankTransfer { reference, .. } => {
                if let Some(r) = reference
                    && !check_text(r, TextRule::required(MAX_REFERENCE_CHARS))
                {
                    return Err(text_error(None, "reference"));
                }
            }
            PaymentMethod::Card { terminal_ref } => {
                if terminal_ref.trim().is_empty() {
                    return Err(SaleError::CardReferenceRequired { index });
                }
                if !check_text(terminal_ref, TextRule::required(MAX_REFERENCE_CHARS)) {
                    return Err(text_error(None, "terminal_ref"));
                }
            }
        }
    }
    let paid = Dong::checked_sum(payments.iter().map(|p| p.amount))
        .ok_or(SaleError::Money(MoneyError::Overflow))?;
    if paid < total {
        return Err(SaleError::PaymentsDoNotCoverTotal { total, paid });
    }
    if paid > total {
        return Err(SaleError::PaymentsExceedTotal { total, paid });
    }
    Ok(())
}

/// Checks everything about a sale that can be checked without the
/// catalogue or the chain: the rules in the module documentation, in that
/// order, stopping at the first problem. The chain link (is `prev_hash` the
/// till's head?) is [`super::journal::ChainHead::check_next`]'s job.
pub fn verify(sale: &Sale) -> Result<(), SaleError> {
    check_id("till_id", sale.till_id)?;
    check_id("cashier_id", sale.cashier_id)?;
    check_id("outlet_id", sale.outlet_id)?;
    if !time_is_canonical(&sale.sold_at) {
        return Err(SaleError::InvalidTime { time: sale.sold_at });
    }
    if sale.lines.is_empty() {
        return Err(SaleError::EmptySale);
    }
    if sale.lines.len() > MAX_LINES {
        return Err(SaleError::TooManyLines {
            count: sale.lines.len(),
            max: MAX_LINES,
        });
    }
    for (i, line) in sale.lines.iter().enumerate() {
        let expected_no = line_number(i);
        if line.line_no != expected_no {
            return Err(SaleError::LineNumbering {
                expected: expected_no,
                found: line.line_no,
            });
        }
        let expected = line_amount(line.unit_price, line.qty, line.discount).map_err(|source| {
            SaleError::InvalidLine {
                line_no: line.line_no,
                source,
            }
        })?;
        check_line_fields(line)?;
        if expected != line.amount {
            return Err(SaleError::LineAmountMismatch {
                line_no: line.line_no,
                expected,
                found: line.amount,
            });
        }
    }
    let total = Dong::checked_sum(sale.lines.iter().map(|l| l.amount))
        .ok_or(SaleError::Money(MoneyError::Overflow))?;
    if total != sale.total {
        return Err(SaleError::TotalMismatch {
            expected: total,
            found: sale.total,
        });
    }
    let vat = vat_buckets(sale.lines.iter().map(|l| (l.vat_rate, l.amount)))?;
    if vat != sale.vat {
        return Err(SaleError::VatMismatch {
            expected: vat,
            found: sale.vat.clone(),
        });
    }
    verify_payments(sale.total, &sale.payments)?;
    let expected = sale.compute_hash();
    if expected != sale.hash {
        return Err(SaleError::HashMismatch { expected });
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sale::journal::GENESIS_HASH;
    use chrono::TimeZone;

    /// An edit a test applies to a record.
    pub(crate) type Mutation<T> = Box<dyn Fn(&mut T)>;

    pub(crate) fn d(v: i64) -> Dong {
        Dong::new(v)
    }

    pub(crate) fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    pub(crate) fn header(receipt_no: u32) -> SaleHeader {
        SaleHeader {
            id: Uuid::from_u128(u128::from(receipt_no)),
            till_id: 3,
            receipt_no: ReceiptNo::new(receipt_no).unwrap(),
            sold_at: Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap()
                + chrono::TimeDelta::minutes(i64::from(receipt_no)),
            cashier_id: 7,
            outlet_id: 2,
            shift_id: Uuid::from_u128(0xABC),
        }
    }

    /// A cart line stating only what a test cares about.
    pub(crate) fn item(price: i64, qty: &str, rate: VatRate) -> CartLine {
        CartLine {
            product_id: 1,
            lot_code: None,
            name: "Mật ong bạc hà".into(),
            unit: "chai".into(),
            group: "thuc_pham".into(),
            qty: q(qty),
            unit_price: d(price),
            catalogue_price: Some(d(price)),
            discount: Dong::ZERO,
            discount_reason: None,
            vat_rate: rate,
        }
    }

    pub(crate) fn discounted(mut line: CartLine, discount: i64) -> CartLine {
        line.discount = d(discount);
        line.discount_reason = Some("Khuyến mại".into());
        line
    }

    pub(crate) fn sale_of(
        receipt_no: u32,
        lines: Vec<CartLine>,
        payments: impl FnOnce(Dong) -> Vec<Payment>,
    ) -> Sale {
        let mut b = SaleBuilder::new(header(receipt_no));
        for l in lines {
            b.add(l).unwrap();
        }
        let total = b.total().unwrap();
        b.finish(payments(total), GENESIS_HASH).unwrap()
    }

    fn exact_cash(total: Dong) -> Vec<Payment> {
        vec![Payment::cash(total, total).unwrap()]
    }

    /// Re-seals a sale edited by a test, so only the arithmetic is wrong.
    fn resealed(mut sale: Sale) -> Sale {
        let prev = sale.prev_hash;
        journal::seal(&mut sale, prev);
        sale
    }

    #[test]
    fn a_simple_sale() {
        let sale = sale_of(1, vec![item(350_000, "1", VatRate::Ten)], |t| {
            vec![Payment::cash(t, d(500_000)).unwrap()]
        });
        assert_eq!(sale.total, d(350_000));
        assert_eq!(sale.lines[0].line_no, 1);
        assert_eq!(sale.lines[0].amount, d(350_000));
        assert_eq!(
            sale.vat,
            vec![VatBucket {
                rate: VatRate::Ten,
                gross: d(350_000),
                vat: d(31_818),
                net: d(318_182)
            }]
        );
        assert_eq!(
            sale.payments[0].method,
            PaymentMethod::Cash {
                tendered: d(500_000),
                change: d(150_000)
            }
        );
        assert_eq!(verify(&sale), Ok(()));
        assert!(sale.hash_is_valid());
        assert_eq!(sale.prev_hash, GENESIS_HASH);
    }

    #[test]
    fn three_vat_rates_and_fractional_quantities() {
        let sale = sale_of(
            2,
            vec![
                item(175_000, "2", VatRate::Ten),                    // 350 000
                item(333_333, "1,5", VatRate::Eight),                // 499 999,5 → 500 000
                discounted(item(52_500, "1", VatRate::Five), 2_500), // 50 000
                item(1_001, "0,125", VatRate::Ten),                  // 125,125 → 125
                item(20_000, "1", VatRate::NotSubject),              // 20 000
            ],
            exact_cash,
        );
        let amounts: Vec<Dong> = sale.lines.iter().map(|l| l.amount).collect();
        assert_eq!(
            amounts,
            vec![d(350_000), d(500_000), d(50_000), d(125), d(20_000)]
        );
        assert_eq!(sale.total, d(920_125));
        let by_rate: Vec<(VatRate, Dong, Dong)> =
            sale.vat.iter().map(|b| (b.rate, b.gross, b.vat)).collect();
        assert_eq!(
            by_rate,
            vec![
                (VatRate::NotSubject, d(20_000), d(0)),
                // 50 000 × 5/105 = 2 380,95 → 2 381
                (VatRate::Five, d(50_000), d(2_381)),
                // 500 000 × 8/108 = 37 037,04 → 37 037
                (VatRate::Eight, d(500_000), d(37_037)),
                // 350 125 × 10/110 = 31 829,5454… → 31 830
                (VatRate::Ten, d(350_125), d(31_830)),
            ]
        );
        assert_eq!(verify(&sale), Ok(()));
    }

    #[test]
    fn vat_is_rounded_per_bucket_not_per_line() {
        // three lines of 16 at 10 %: per line 1 + 1 + 1 = 3, per bucket 4
        let sale = sale_of(
            1,
            vec![
                item(16, "1", VatRate::Ten),
                item(16, "1", VatRate::Ten),
                item(16, "1", VatRate::Ten),
            ],
            exact_cash,
        );
        assert_eq!(sale.vat.len(), 1);
        assert_eq!(sale.vat[0].vat, d(4));
        // a sale claiming the per-line figure is refused, naming the right one
        let mut bad = sale.clone();
        bad.vat[0].vat = d(3);
        bad.vat[0].net = d(45);
        let err = verify(&resealed(bad)).unwrap_err();
        assert_eq!(err.code(), "vat_mismatch");
        assert!(
            err.message(Lang::Vi).contains("4 ₫"),
            "{}",
            err.message(Lang::Vi)
        );
    }

    #[test]
    fn split_payments_add_up() {
        let sale = sale_of(
            1,
            vec![
                item(350_000, "1", VatRate::Ten),
                item(90_000, "1", VatRate::Five),
            ],
            |total| {
                assert_eq!(total, d(440_000));
                vec![
                    Payment::card(d(200_000), "APPR 778812"),
                    Payment::bank_transfer(d(100_000), TransferStatus::Pending, None),
                    Payment::cash(d(140_000), d(200_000)).unwrap(),
                ]
            },
        );
        assert_eq!(verify(&sale), Ok(()));
        assert_eq!(remaining_due(sale.total, &sale.payments).unwrap(), d(0));
        assert_eq!(
            remaining_due(sale.total, &sale.payments[..2]).unwrap(),
            d(140_000)
        );
    }

    #[test]
    fn payments_must_cover_the_total_exactly() {
        let mut b = SaleBuilder::new(header(1));
        b.add(item(100_000, "1", VatRate::Ten)).unwrap();
        let short = b
            .clone()
            .finish(vec![Payment::card(d(99_999), "X1")], GENESIS_HASH)
            .unwrap_err();
        assert_eq!(
            short,
            SaleError::PaymentsDoNotCoverTotal {
                total: d(100_000),
                paid: d(99_999)
            }
        );
        assert_eq!(short.code(), "payments_do_not_cover_total");
        assert!(short.message(Lang::Vi).contains("100.000 ₫"));
        let over = b
            .clone()
            .finish(
                vec![
                    Payment::card(d(60_000), "X1"),
                    Payment::card(d(60_000), "X2"),
                ],
                GENESIS_HASH,
            )
            .unwrap_err();
        assert_eq!(over.code(), "payments_exceed_total");
        let none = b.clone().finish(vec![], GENESIS_HASH).unwrap_err();
        assert_eq!(none.code(), "payments_do_not_cover_total");
        // zero and negative payments are refused
        let zero = b
            .clone()
            .finish(
                vec![Payment::card(d(100_000), "X1"), Payment::card(d(0), "X2")],
                GENESIS_HASH,
            )
            .unwrap_err();
        assert_eq!(zero.code(), "payment_not_positive");
        let neg = b
            .clone()
            .finish(
                vec![Payment::card(d(100_001), "X1"), Payment::card(d(-1), "X2")],
                GENESIS_HASH,
            )
            .unwrap_err();
        assert_eq!(neg.code(), "payment_not_positive");
        let too_many = b
            .finish(
                (0..11).map(|_| Payment::card(d(1), "X")).collect(),
                GENESIS_HASH,
            )
            .unwrap_err();
        assert_eq!(too_many.code(), "too_many_payments");
    }

    #[test]
    fn a_free_sale_needs_no_payment() {
        // a line discounted to zero (a tasting sample): total 0, no payment
        let sale = sale_of(
            1,
            vec![discounted(item(30_000, "1", VatRate::Ten), 30_000)],
            |_| vec![],
        );
        assert_eq!(sale.total, d(0));
        assert_eq!(verify(&sale), Ok(()));
    }

    #[test]
    fn cash_change() {
        assert_eq!(
            Payment::cash(d(350_000), d(350_000)).unwrap().method,
            PaymentMethod::Cash {
                tendered: d(350_000),
                change: d(0)
            }
        );
        assert_eq!(
            Payment::cash(d(350_000), d(349_000)).unwrap_err().code(),
            "cash_tendered_too_low"
        );
        let sale = sale_of(1, vec![item(350_000, "1", VatRate::Ten)], |t| {
            vec![Payment::cash(t, d(500_000)).unwrap()]
        });
        // wrong change
        let mut bad = sale.clone();
        bad.payments[0].method = PaymentMethod::Cash {
            tendered: d(500_000),
            change: d(160_000),
        };
        let err = verify(&resealed(bad)).unwrap_err();
        assert_eq!(
            err,
            SaleError::CashChangeMismatch {
                index: 0,
                expected: d(150_000),
                found: d(160_000)
            }
        );
        assert!(err.message(Lang::Vi).contains("150.000 ₫"));
        assert!(err.message(Lang::Vi).starts_with("Lần thanh toán 1"));
        // tendered below the amount
        let mut bad = sale.clone();
        bad.payments[0].method = PaymentMethod::Cash {
            tendered: d(300_000),
            change: d(-50_000),
        };
        assert_eq!(
            verify(&resealed(bad)).unwrap_err().code(),
            "cash_tendered_too_low"
        );
    }

    #[test]
    fn card_needs_a_reference() {
        let mut b = SaleBuilder::new(header(1));
        b.add(item(10_000, "1", VatRate::Ten)).unwrap();
        let err = b
            .finish(vec![Payment::card(d(10_000), "  ")], GENESIS_HASH)
            .unwrap_err();
        assert_eq!(err.code(), "card_reference_required");
    }

    #[test]
    fn arithmetic_errors_name_the_expected_figure() {
        let sale = sale_of(
            1,
            vec![
                item(350_000, "2", VatRate::Ten),
                item(333_333, "1,5", VatRate::Eight),
            ],
            exact_cash,
        );
        let mut bad = sale.clone();
        bad.lines[1].amount = d(499_999); // rounded the wrong way
        let err = verify(&resealed(bad)).unwrap_err();
        assert_eq!(
            err,
            SaleError::LineAmountMismatch {
                line_no: 2,
                expected: d(500_000),
                found: d(499_999)
            }
        );
        assert_eq!(err.code(), "line_amount_mismatch");
        assert!(err.message(Lang::Vi).contains("500.000 ₫"));
        assert!(err.message(Lang::En).contains("500.000 d"));
    }

    #[test]
    fn total_mismatch() {
        let sale = sale_of(1, vec![item(350_000, "2", VatRate::Ten)], exact_cash);
        let mut bad = sale.clone();
        bad.total = d(690_000);
        let err = verify(&resealed(bad)).unwrap_err();
        assert_eq!(
            err,
            SaleError::TotalMismatch {
                expected: d(700_000),
                found: d(690_000)
            }
        );
        assert_eq!(err.code(), "sale_total_mismatch");
        assert!(err.message(Lang::Vi).contains("700.000 ₫"));
    }

    #[test]
    fn lines_are_checked() {
        let sale = sale_of(1, vec![item(10_000, "1", VatRate::Ten)], exact_cash);
        let cases: Vec<(Mutation<Sale>, &str)> = vec![
            (Box::new(|s| s.lines.clear()), "empty_sale"),
            (
                Box::new(|s| s.lines[0].qty = Quantity::ZERO),
                "non_positive_quantity",
            ),
            (
                Box::new(|s| s.lines[0].qty = q("-1")),
                "non_positive_quantity",
            ),
            (
                Box::new(|s| s.lines[0].unit_price = d(-1)),
                "negative_price",
            ),
            (
                Box::new(|s| s.lines[0].discount = d(-1)),
                "negative_discount",
            ),
            (
                Box::new(|s| {
                    s.lines[0].discount = d(10_001);
                    s.lines[0].discount_reason = Some("x".into());
                }),
                "discount_exceeds_amount",
            ),
            (
                Box::new(|s| {
                    s.lines[0].discount = d(1_000);
                    s.lines[0].amount = d(9_000);
                }),
                "discount_reason_required",
            ),
            (
                Box::new(|s| {
                    s.lines[0].discount = d(1_000);
                    s.lines[0].amount = d(9_000);
                    s.lines[0].discount_reason = Some("  ".into());
                }),
                "discount_reason_required",
            ),
            (
                Box::new(|s| s.lines[0].discount_reason = Some("x".into())),
                "discount_reason_without_discount",
            ),
            (
                Box::new(|s| s.lines[0].line_no = 2),
                "line_numbers_not_sequential",
            ),
            (
                Box::new(|s| s.lines[0].name = String::new()),
                "invalid_text",
            ),
            (
                Box::new(|s| s.lines[0].name = "a\u{7}b".into()),
                "invalid_text",
            ),
            (
                Box::new(|s| s.lines[0].name = "x".repeat(201)),
                "invalid_text",
            ),
            (
                Box::new(|s| s.lines[0].group = String::new()),
                "invalid_text",
            ),
            (
                Box::new(|s| s.lines[0].lot_code = Some("L".repeat(21))),
                "invalid_text",
            ),
            (
                Box::new(|s| s.lines[0].catalogue_price = Some(d(-5))),
                "negative_price",
            ),
            (Box::new(|s| s.lines[0].product_id = 0), "invalid_id"),
            (Box::new(|s| s.till_id = -3), "invalid_id"),
            (Box::new(|s| s.cashier_id = 0), "invalid_id"),
            (
                Box::new(|s| s.sold_at += chrono::TimeDelta::microseconds(1)),
                "invalid_sale_time",
            ),
            (
                Box::new(|s| {
                    s.lines[0].unit_price = d(i64::MAX);
                    s.lines[0].qty = q("2");
                }),
                "amount_out_of_range",
            ),
        ];
        for (mutate, code) in cases {
            let mut bad = sale.clone();
            mutate(&mut bad);
            let err = verify(&resealed(bad)).unwrap_err();
            assert_eq!(err.code(), code, "{err:?}");
            assert!(!err.message(Lang::Vi).is_empty());
        }
        // a unit may be empty (printed without one); a name of 200 is fine
        let mut ok = sale.clone();
        ok.lines[0].unit = String::new();
        ok.lines[0].name = "ư".repeat(200);
        assert_eq!(verify(&resealed(ok)), Ok(()));
    }

    #[test]
    fn too_many_lines() {
        let mut b = SaleBuilder::new(header(1));
        for _ in 0..MAX_LINES {
            b.add(item(1_000, "1", VatRate::Ten)).unwrap();
        }
        assert_eq!(b.lines().len(), 500);
        assert_eq!(b.lines()[499].line_no, 500);
        let err = b.add(item(1_000, "1", VatRate::Ten)).unwrap_err();
        assert_eq!(err.code(), "too_many_lines");
        assert_eq!(b.lines().len(), 500);
        let sale = b
            .finish(vec![Payment::card(d(500_000), "X")], GENESIS_HASH)
            .unwrap();
        let mut bad = sale.clone();
        let mut extra = bad.lines[0].clone();
        extra.line_no = 501;
        bad.lines.push(extra);
        assert_eq!(verify(&resealed(bad)).unwrap_err().code(), "too_many_lines");
    }

    #[test]
    fn an_altered_sale_fails_its_hash() {
        let sale = sale_of(1, vec![item(10_000, "1", VatRate::Ten)], exact_cash);
        let mut bad = sale.clone();
        bad.cashier_id = 8; // arithmetic still right, content changed
        let err = verify(&bad).unwrap_err();
        assert_eq!(
            err,
            SaleError::HashMismatch {
                expected: bad.compute_hash()
            }
        );
        assert_eq!(err.code(), "sale_hash_mismatch");
    }

    #[test]
    fn builder_edits_keep_lines_numbered() {
        let mut b = SaleBuilder::new(header(1));
        b.add(item(10_000, "1", VatRate::Ten)).unwrap();
        b.add(item(20_000, "1", VatRate::Ten)).unwrap();
        b.add(item(30_000, "1", VatRate::Ten)).unwrap();
        assert_eq!(b.total().unwrap(), d(60_000));
        let removed = b.remove(2).unwrap();
        assert_eq!(removed.amount, d(20_000));
        let numbers: Vec<u32> = b.lines().iter().map(|l| l.line_no).collect();
        assert_eq!(numbers, vec![1, 2]);
        assert_eq!(b.total().unwrap(), d(40_000));
        let replaced = b.replace(2, item(30_000, "3", VatRate::Ten)).unwrap();
        assert_eq!((replaced.line_no, replaced.amount), (2, d(90_000)));
        assert_eq!(b.total().unwrap(), d(100_000));
        // an invalid replacement leaves the cart alone
        assert!(b.replace(2, item(-1, "1", VatRate::Ten)).is_err());
        assert_eq!(
            b.replace(7, item(1, "1", VatRate::Ten)).unwrap_err(),
            SaleError::UnknownLine { line_no: 7 }
        );
        assert_eq!(b.total().unwrap(), d(100_000));
        assert!(b.remove(9).is_none());
        // an invalid line is refused and not added
        let err = b.add(item(10_000, "0", VatRate::Ten)).unwrap_err();
        assert_eq!(
            err,
            SaleError::InvalidLine {
                line_no: 3,
                source: MoneyError::NonPositiveQuantity
            }
        );
        assert!(err.message(Lang::Vi).starts_with("Dòng 3: "));
        assert_eq!(b.lines().len(), 2);
        // the sale time is cut to milliseconds
        let mut h = header(1);
        h.sold_at += chrono::TimeDelta::nanoseconds(1_234_567);
        let b = SaleBuilder::new(h);
        assert_eq!(b.header().sold_at.nanosecond(), 1_000_000);
    }

    #[test]
    fn price_differences_are_accepted_and_visible() {
        let mut line = item(90_000, "1", VatRate::Ten);
        line.catalogue_price = Some(d(95_000));
        let sale = sale_of(1, vec![line, item(1_000, "1", VatRate::Ten)], exact_cash);
        assert_eq!(verify(&sale), Ok(()));
        assert!(sale.lines[0].price_differs());
        assert!(!sale.lines[1].price_differs());
    }

    #[test]
    fn sale_json_round_trips_and_still_verifies() {
        let sale = sale_of(
            4,
            vec![
                item(175_000, "2", VatRate::Ten),
                item(333_333, "1,5", VatRate::Eight),
            ],
            |t| vec![Payment::cash(t, d(2_000_000)).unwrap()],
        );
        let json = serde_json::to_string(&sale).unwrap();
        let back: Sale = serde_json::from_str(&json).unwrap();
        assert_eq!(back, sale);
        assert_eq!(verify(&back), Ok(()));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["receipt_no"], 4);
        assert_eq!(v["sold_at"], "2026-11-28T03:04:00Z");
        assert_eq!(v["lines"][1]["qty"], "1.5");
        assert_eq!(v["lines"][1]["vat_rate"], "8");
        assert_eq!(v["lines"][0]["lot_code"], serde_json::Value::Null);
        assert_eq!(v["total"], 850_000);
        assert_eq!(v["prev_hash"], "0".repeat(64));
        // an unknown field is refused
        let mut extra = v.clone();
        extra["discount_total"] = 5.into();
        assert!(serde_json::from_value::<Sale>(extra).is_err());
    }

    #[test]
    fn errors_have_codes_and_both_languages() {
        let errors = [
            SaleError::EmptySale,
            SaleError::TooManyLines {
                count: 501,
                max: 500,
            },
            SaleError::TooManyPayments { count: 11, max: 10 },
            SaleError::LineNumbering {
                expected: 1,
                found: 2,
            },
            SaleError::UnknownLine { line_no: 1 },
            SaleError::DiscountReasonRequired { line_no: 1 },
            SaleError::ReasonWithoutDiscount { line_no: 1 },
            SaleError::InvalidText {
                line_no: Some(1),
                field: "name",
            },
            SaleError::InvalidId {
                field: "till_id",
                value: 0,
            },
            SaleError::LineAmountMismatch {
                line_no: 1,
                expected: d(1),
                found: d(2),
            },
            SaleError::TotalMismatch {
                expected: d(1),
                found: d(2),
            },
            SaleError::VatMismatch {
                expected: vec![],
                found: vec![],
            },
            SaleError::PaymentNotPositive {
                index: 0,
                amount: d(0),
            },
            SaleError::CashTenderedTooLow {
                index: 0,
                amount: d(2),
                tendered: d(1),
            },
            SaleError::CashChangeMismatch {
                index: 0,
                expected: d(1),
                found: d(2),
            },
            SaleError::CardReferenceRequired { index: 0 },
            SaleError::PaymentsDoNotCoverTotal {
                total: d(2),
                paid: d(1),
            },
            SaleError::PaymentsExceedTotal {
                total: d(1),
                paid: d(2),
            },
            SaleError::InvalidTime {
                time: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            },
            SaleError::HashMismatch {
                expected: GENESIS_HASH,
            },
        ];
        let mut codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
        for e in &errors {
            assert!(e.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_ne!(e.message(Lang::Vi), e.message(Lang::En), "{e:?}");
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), errors.len());
    }
}
