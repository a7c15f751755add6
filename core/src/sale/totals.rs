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
use crate::money::{
    Dong, MoneyError, Quantity, VatBucket, VatRate, check_amount, line_amount, vat_buckets,
};

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
    /// Serials of the provenance labels scanned for this line.
    pub serials: Vec<crate::digital_link::Serial>,
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
        let total = Dong::checked_sum(self.lines.iter().map(|l| l.amount))
            .ok_or(SaleError::Money(MoneyError::Overflow))?;
        Ok(check_amount(total)?)
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
        serials: line.serials,
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
                check_amount(*tendered)?;
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
    check_amount(total)?;
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
pub(crate) mod tests;
