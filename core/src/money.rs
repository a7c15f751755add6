//! Money, quantities and VAT.
//!
//! Vietnamese đồng has no minor unit, so an amount is a whole number of đồng
//! held in an `i64` ([`Dong`]); it may be negative (refunds, cash variances).
//! Quantities have at most three decimals (tea sold by the kg) and are held as
//! whole milli-units ([`Quantity`]).
//!
//! # The rounding rule
//!
//! Arithmetic that can produce fractions of a đồng (price × quantity, VAT
//! extraction, commission) is done in [`rust_decimal::Decimal`], exactly, and
//! the result is rounded to whole đồng in exactly one place, [`Dong::round`]:
//! **half away from zero** (`RoundingStrategy::MidpointAwayFromZero`), so
//! `0.5 → 1`, `-0.5 → -1`, `31 818.18 → 31 818`. Each money function below
//! rounds once, at its end, never in between. A result that does not fit an
//! `i64` is an error ([`MoneyError::Overflow`]), never a wrap or a panic.
//!
//! # VAT
//!
//! Shelf prices include VAT. The VAT of a receipt is extracted **per rate
//! bucket**: the gross of all lines of one rate is summed first and VAT is
//! taken from that sum once ([`vat_buckets`]), so the VAT lines printed on a
//! receipt add up to the receipt's VAT, and the receipt's gross equals the sum
//! of its lines.
//!
//! Nothing here overflows silently: there are no `+`/`-` operators on
//! [`Dong`], only `checked_*` methods and [`Dong::checked_sum`].
//!
//! # Domain bounds
//!
//! What a kiosk or a showroom can really see, enforced wherever a person or
//! a till hands the system an amount or a quantity ([`check_unit_price`],
//! [`check_line_qty`], [`check_amount`]; [`line_amount`] applies all three):
//!
//! | what | bound |
//! |---|---|
//! | unit price (VAT included) | 0 – [`MAX_UNIT_PRICE`] = 1.000.000.000 ₫ |
//! | quantity on one line (sale, refund, stock document) | up to [`MAX_LINE_QTY`] = 100 000 units |
//! | a line's amount, a receipt's total, one payment, a float or cash movement | up to [`MAX_AMOUNT`] = 10.000.000.000 ₫ |
//!
//! With these, a report summing a billion records stays far inside `i64`.
//! Records stored before the bounds existed may lie outside them: reports
//! flag such a record ([`amount_in_bounds`], [`qty_in_bounds`]) and leave it
//! out of their sums instead of failing.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::i18n::{Lang, UserError};

/// Whole Vietnamese đồng. Serialised as a plain JSON integer.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Dong(i64);

/// Errors of money and quantity arithmetic and parsing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount out of range")]
    Overflow,
    #[error("not an amount of money: {input:?}")]
    InvalidAmount { input: String },
    #[error("amounts of đồng have no fractional part: {input:?}")]
    FractionalAmount { input: String },
    #[error("not a quantity: {input:?}")]
    InvalidQuantity { input: String },
    #[error("quantity has more than 3 decimals: {input:?}")]
    QuantityTooPrecise { input: String },
    #[error("quantity must be greater than zero")]
    NonPositiveQuantity,
    #[error("unit price must not be negative")]
    NegativePrice,
    #[error("discount must not be negative")]
    NegativeDiscount,
    #[error("discount {discount} exceeds the line amount {gross}")]
    DiscountExceedsGross { discount: Dong, gross: Dong },
    #[error("unknown VAT rate {input:?}")]
    InvalidVatRate { input: String },
    #[error("commission rate must be between 0 and 100 %: {rate}")]
    InvalidCommissionRate { rate: Decimal },
    #[error("unit price {price} is above the highest allowed")]
    PriceOutOfRange { price: Dong },
    #[error("quantity {qty} is above the most one line may hold")]
    QuantityOutOfRange { qty: Quantity },
    #[error("amount {amount} is above the highest allowed")]
    AmountOutOfBounds { amount: Dong },
    #[error("a listed product needs a price above zero")]
    PriceNotPositive,
}

impl UserError for MoneyError {
    fn code(&self) -> &'static str {
        match self {
            MoneyError::Overflow => "amount_out_of_range",
            MoneyError::InvalidAmount { .. } => "invalid_amount",
            MoneyError::FractionalAmount { .. } => "fractional_amount",
            MoneyError::InvalidQuantity { .. } => "invalid_quantity",
            MoneyError::QuantityTooPrecise { .. } => "quantity_too_precise",
            MoneyError::NonPositiveQuantity => "non_positive_quantity",
            MoneyError::NegativePrice => "negative_price",
            MoneyError::NegativeDiscount => "negative_discount",
            MoneyError::DiscountExceedsGross { .. } => "discount_exceeds_amount",
            MoneyError::InvalidVatRate { .. } => "invalid_vat_rate",
            MoneyError::InvalidCommissionRate { .. } => "invalid_commission_rate",
            MoneyError::PriceOutOfRange { .. } => "price_out_of_range",
            MoneyError::QuantityOutOfRange { .. } => "quantity_out_of_range",
            MoneyError::AmountOutOfBounds { .. } => "amount_out_of_range",
            MoneyError::PriceNotPositive => "price_not_positive",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (MoneyError::Overflow, Lang::Vi) => "Số tiền vượt quá giới hạn cho phép.".into(),
            (MoneyError::Overflow, Lang::En) => "The amount is too large.".into(),
            (MoneyError::InvalidAmount { input }, Lang::Vi) => {
                format!("\"{input}\" không phải là số tiền hợp lệ. Ví dụ: 350000 hoặc 350.000 ₫.")
            }
            (MoneyError::InvalidAmount { input }, Lang::En) => {
                format!("\"{input}\" is not a valid amount. Example: 350000 or 350.000 ₫.")
            }
            (MoneyError::FractionalAmount { input }, Lang::Vi) => format!(
                "\"{input}\": số tiền phải là số đồng nguyên, không có phần lẻ \
                 (dấu chấm dùng để phân cách hàng nghìn, ví dụ 350.000)."
            ),
            (MoneyError::FractionalAmount { input }, Lang::En) => format!(
                "\"{input}\": amounts are whole đồng, without a fractional part \
                 (the dot separates thousands, e.g. 350.000)."
            ),
            (MoneyError::InvalidQuantity { input }, Lang::Vi) => {
                format!("\"{input}\" không phải là số lượng hợp lệ. Ví dụ: 2 hoặc 1,5.")
            }
            (MoneyError::InvalidQuantity { input }, Lang::En) => {
                format!("\"{input}\" is not a valid quantity. Example: 2 or 1.5.")
            }
            (MoneyError::QuantityTooPrecise { input }, Lang::Vi) => {
                format!("Số lượng \"{input}\" có quá 3 chữ số thập phân.")
            }
            (MoneyError::QuantityTooPrecise { input }, Lang::En) => {
                format!("The quantity \"{input}\" has more than 3 decimals.")
            }
            (MoneyError::NonPositiveQuantity, Lang::Vi) => "Số lượng phải lớn hơn 0.".into(),
            (MoneyError::NonPositiveQuantity, Lang::En) => {
                "The quantity must be greater than zero.".into()
            }
            (MoneyError::NegativePrice, Lang::Vi) => "Đơn giá không được âm.".into(),
            (MoneyError::NegativePrice, Lang::En) => "The unit price cannot be negative.".into(),
            (MoneyError::NegativeDiscount, Lang::Vi) => "Chiết khấu không được âm.".into(),
            (MoneyError::NegativeDiscount, Lang::En) => "The discount cannot be negative.".into(),
            (MoneyError::DiscountExceedsGross { discount, gross }, Lang::Vi) => {
                format!("Chiết khấu {discount} lớn hơn thành tiền {gross}.")
            }
            (MoneyError::DiscountExceedsGross { discount, gross }, Lang::En) => format!(
                "The discount {} is larger than the line amount {}.",
                discount.to_ascii_string(),
                gross.to_ascii_string()
            ),
            (MoneyError::InvalidVatRate { input }, Lang::Vi) => {
                format!("Thuế suất GTGT \"{input}\" không hợp lệ (chỉ nhận: kct, 0, 5, 8, 10).")
            }
            (MoneyError::InvalidVatRate { input }, Lang::En) => {
                format!("Unknown VAT rate \"{input}\" (expected one of: kct, 0, 5, 8, 10).")
            }
            (MoneyError::InvalidCommissionRate { rate }, Lang::Vi) => {
                format!("Tỷ lệ hoa hồng phải từ 0 đến 100%, nhận được {rate}%.")
            }
            (MoneyError::InvalidCommissionRate { rate }, Lang::En) => {
                format!("The commission rate must be between 0 and 100 %, got {rate} %.")
            }
            (MoneyError::PriceOutOfRange { price }, Lang::Vi) => {
                format!("Đơn giá {price} vượt quá mức tối đa {MAX_UNIT_PRICE}.")
            }
            (MoneyError::PriceOutOfRange { price }, Lang::En) => format!(
                "The unit price {} is above the maximum of {}.",
                price.to_ascii_string(),
                MAX_UNIT_PRICE.to_ascii_string()
            ),
            (MoneyError::QuantityOutOfRange { qty }, Lang::Vi) => {
                format!("Số lượng {qty} vượt quá mức tối đa {MAX_LINE_QTY} cho một dòng.")
            }
            (MoneyError::QuantityOutOfRange { qty }, Lang::En) => format!(
                "The quantity {} is above the maximum of {} for one line.",
                qty.to_machine_string(),
                MAX_LINE_QTY.to_machine_string()
            ),
            (MoneyError::PriceNotPositive, Lang::Vi) => {
                "Sản phẩm đang bán phải có giá lớn hơn 0.".into()
            }
            (MoneyError::PriceNotPositive, Lang::En) => {
                "A product on sale needs a price above zero.".into()
            }
            (MoneyError::AmountOutOfBounds { amount }, Lang::Vi) => {
                format!("Số tiền {amount} vượt quá mức tối đa {MAX_AMOUNT}.")
            }
            (MoneyError::AmountOutOfBounds { amount }, Lang::En) => format!(
                "The amount {} is above the maximum of {}.",
                amount.to_ascii_string(),
                MAX_AMOUNT.to_ascii_string()
            ),
        }
    }
}

impl Dong {
    pub const ZERO: Dong = Dong(0);

    pub const fn new(amount: i64) -> Dong {
        Dong(amount)
    }

    pub const fn amount(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Dong) -> Option<Dong> {
        self.0.checked_add(other.0).map(Dong)
    }

    pub fn checked_sub(self, other: Dong) -> Option<Dong> {
        self.0.checked_sub(other.0).map(Dong)
    }

    pub fn checked_neg(self) -> Option<Dong> {
        self.0.checked_neg().map(Dong)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// Sums amounts; `None` if the sum (or any partial sum) overflows.
    pub fn checked_sum<I: IntoIterator<Item = Dong>>(iter: I) -> Option<Dong> {
        iter.into_iter()
            .try_fold(Dong::ZERO, |acc, d| acc.checked_add(d))
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::from(self.0)
    }

    /// The one rounding point of the system: rounds to whole đồng, half away
    /// from zero. A value outside `i64` is [`MoneyError::Overflow`].
    pub fn round(d: Decimal) -> Result<Dong, MoneyError> {
        d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
            .to_i64()
            .map(Dong)
            .ok_or(MoneyError::Overflow)
    }

    /// `350.000 d`: for printers that can print ASCII only.
    pub fn to_ascii_string(self) -> String {
        format!("{} d", group_thousands(self.0))
    }

    /// Parses what a person types: `350000`, `350.000`, `350.000 ₫`,
    /// `350000đ`, `350000 VND`, `-1.500`. Dots may only group thousands (as
    /// in Vietnamese writing); a comma or a dot before a group other than
    /// three digits is read as a fraction and refused, since đồng has none.
    pub fn parse(input: &str) -> Result<Dong, MoneyError> {
        let invalid = || MoneyError::InvalidAmount {
            input: input.to_string(),
        };
        let fractional = || MoneyError::FractionalAmount {
            input: input.to_string(),
        };
        let s = input.trim();
        let s = ["VNĐ", "VND", "vnđ", "vnd", "₫", "đ", "Đ", "d", "D"]
            .iter()
            .find_map(|suffix| s.strip_suffix(suffix))
            .unwrap_or(s)
            .trim_end_matches([' ', '\u{a0}']);
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        if digits.is_empty() {
            return Err(invalid());
        }
        if !digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        {
            return Err(invalid());
        }
        if digits.contains(',') {
            // A comma is the Vietnamese decimal separator (and the English
            // thousands one): either way it cannot be read safely.
            return Err(fractional());
        }
        let mut groups = digits.split('.');
        let first = groups.next().unwrap_or_default();
        if first.is_empty() {
            return Err(invalid());
        }
        let mut plain = String::with_capacity(digits.len());
        plain.push_str(first);
        let mut grouped = false;
        for group in groups {
            if group.len() != 3 {
                return Err(if group.is_empty() {
                    invalid()
                } else {
                    fractional()
                });
            }
            grouped = true;
            plain.push_str(group);
        }
        if grouped && (first.len() > 3) {
            return Err(invalid());
        }
        let magnitude: i128 = plain.parse().map_err(|_| MoneyError::Overflow)?;
        let value = if negative { -magnitude } else { magnitude };
        i64::try_from(value)
            .map(Dong)
            .map_err(|_| MoneyError::Overflow)
    }
}

impl FromStr for Dong {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dong::parse(s)
    }
}

/// `-1234567` → `-1.234.567`: whole numbers grouped as Vietnamese text
/// groups them (the grouping of [`Dong`]'s `Display`).
pub fn group_thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    let len = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Dong {
    /// `350.000 ₫`, `-1.500 ₫`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ₫", group_thousands(self.0))
    }
}

/// A quantity with at most three decimals, held as whole milli-units.
///
/// Serialised as a JSON string with a decimal point (`"1.5"`); a JSON number
/// is accepted on input too.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Quantity(i64);

const MILLI_PER_UNIT: i64 = 1000;

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);
    pub const ONE: Quantity = Quantity(MILLI_PER_UNIT);

    pub const fn from_milli(milli: i64) -> Quantity {
        Quantity(milli)
    }

    /// A whole number of units; `None` on overflow.
    pub fn from_units(units: i64) -> Option<Quantity> {
        units.checked_mul(MILLI_PER_UNIT).map(Quantity)
    }

    pub const fn milli(self) -> i64 {
        self.0
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 3).normalize()
    }

    /// Refuses more than 3 decimals (after dropping trailing zeros) and
    /// values outside the `i64` milli-unit range.
    pub fn from_decimal(d: Decimal) -> Result<Quantity, MoneyError> {
        let d = d.normalize();
        if d.scale() > 3 {
            return Err(MoneyError::QuantityTooPrecise {
                input: d.to_string(),
            });
        }
        d.checked_mul(Decimal::from(MILLI_PER_UNIT))
            .and_then(|m| m.to_i64())
            .map(Quantity)
            .ok_or(MoneyError::Overflow)
    }

    pub fn is_whole(self) -> bool {
        self.0 % MILLI_PER_UNIT == 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn checked_add(self, other: Quantity) -> Option<Quantity> {
        self.0.checked_add(other.0).map(Quantity)
    }

    pub fn checked_sub(self, other: Quantity) -> Option<Quantity> {
        self.0.checked_sub(other.0).map(Quantity)
    }

    pub fn checked_neg(self) -> Option<Quantity> {
        self.0.checked_neg().map(Quantity)
    }

    /// Parses `2`, `1,5` (Vietnamese) or `1.5`, optionally signed. Both the
    /// comma and the dot are read as the decimal separator — a quantity is
    /// never written with thousands separators here — and at most one may
    /// appear.
    pub fn parse(input: &str) -> Result<Quantity, MoneyError> {
        let invalid = || MoneyError::InvalidQuantity {
            input: input.to_string(),
        };
        let s = input.trim();
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int_part, frac_part) = match body.split_once([',', '.']) {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if int_part.is_empty()
            || !all_digits(int_part)
            || !all_digits(frac_part)
            || (body.len() > int_part.len() && frac_part.is_empty())
        {
            return Err(invalid());
        }
        let frac_trimmed = frac_part.trim_end_matches('0');
        if frac_trimmed.len() > 3 {
            return Err(MoneyError::QuantityTooPrecise {
                input: input.to_string(),
            });
        }
        let units: i64 = int_part.parse().map_err(|_| MoneyError::Overflow)?;
        let mut frac_milli: i64 = 0;
        let mut scale: i64 = 100;
        for c in frac_trimmed.chars() {
            let digit = i64::from(c.to_digit(10).ok_or_else(invalid)?);
            frac_milli += digit * scale;
            scale /= 10;
        }
        let milli = units
            .checked_mul(MILLI_PER_UNIT)
            .and_then(|m| m.checked_add(frac_milli))
            .ok_or(MoneyError::Overflow)?;
        Ok(Quantity(if negative { -milli } else { milli }))
    }

    /// `1.5`, `2`, `0.125`: the machine form, with a decimal point.
    pub fn to_machine_string(self) -> String {
        self.format_with('.')
    }

    fn format_with(self, separator: char) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let units = abs / 1000;
        let frac = abs % 1000;
        if frac == 0 {
            format!("{sign}{units}")
        } else {
            let frac = format!("{frac:03}");
            format!("{sign}{units}{separator}{}", frac.trim_end_matches('0'))
        }
    }
}

impl fmt::Display for Quantity {
    /// Vietnamese style: `1,5`, `2`, `0,125` (no thousands grouping, so the
    /// text reads back unambiguously through [`Quantity::parse`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_with(','))
    }
}

impl FromStr for Quantity {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quantity::parse(s)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_machine_string())
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct QuantityVisitor;

        impl serde::de::Visitor<'_> for QuantityVisitor {
            type Value = Quantity;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity with at most 3 decimals, as a string or a number")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                Quantity::parse(v).map_err(E::custom)
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                Quantity::from_units(v).ok_or_else(|| E::custom(MoneyError::Overflow))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(Quantity::from_units)
                    .ok_or_else(|| E::custom(MoneyError::Overflow))
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                // Rust prints the shortest text that reads back as the same
                // f64, so 1.5 arrives as "1.5", never 1.49999…
                if !v.is_finite() {
                    return Err(E::custom(MoneyError::InvalidQuantity {
                        input: v.to_string(),
                    }));
                }
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
        }

        deserializer.deserialize_any(QuantityVisitor)
    }
}

/// Vietnamese VAT rates (thuế GTGT). `NotSubject` is "không chịu thuế" (KCT),
/// which is not the same as the 0 % rate (exports), though both carry no VAT.
/// Ordered by rate, not-subject first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum VatRate {
    NotSubject,
    Zero,
    Five,
    Eight,
    Ten,
}

impl VatRate {
    pub const ALL: [VatRate; 5] = [
        VatRate::NotSubject,
        VatRate::Zero,
        VatRate::Five,
        VatRate::Eight,
        VatRate::Ten,
    ];

    pub fn percent(self) -> Decimal {
        Decimal::from(self.percent_int())
    }

    fn percent_int(self) -> i64 {
        match self {
            VatRate::NotSubject | VatRate::Zero => 0,
            VatRate::Five => 5,
            VatRate::Eight => 8,
            VatRate::Ten => 10,
        }
    }

    /// Stable code used in JSON and the database: `kct`, `0`, `5`, `8`, `10`.
    pub fn code(self) -> &'static str {
        match self {
            VatRate::NotSubject => "kct",
            VatRate::Zero => "0",
            VatRate::Five => "5",
            VatRate::Eight => "8",
            VatRate::Ten => "10",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (VatRate::NotSubject, Lang::Vi) => "KCT",
            (VatRate::NotSubject, Lang::En) => "Not subject",
            (VatRate::Zero, _) => "0%",
            (VatRate::Five, _) => "5%",
            (VatRate::Eight, _) => "8%",
            (VatRate::Ten, _) => "10%",
        }
    }
}

impl FromStr for VatRate {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VatRate::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| MoneyError::InvalidVatRate {
                input: s.to_string(),
            })
    }
}

impl fmt::Display for VatRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for VatRate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for VatRate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Highest unit price, VAT included (see the module's domain bounds).
pub const MAX_UNIT_PRICE: Dong = Dong(1_000_000_000);
/// Largest quantity on one line of a sale, refund or stock document.
pub const MAX_LINE_QTY: Quantity = Quantity(100_000 * MILLI_PER_UNIT);
/// Largest line amount, receipt total, payment, float or cash movement.
pub const MAX_AMOUNT: Dong = Dong(10_000_000_000);

/// A unit price within 0 ..= [`MAX_UNIT_PRICE`].
pub fn check_unit_price(price: Dong) -> Result<Dong, MoneyError> {
    if price.is_negative() {
        return Err(MoneyError::NegativePrice);
    }
    if price > MAX_UNIT_PRICE {
        return Err(MoneyError::PriceOutOfRange { price });
    }
    Ok(price)
}

/// The price of a listed product: above zero (a product on sale at 0 ₫ is
/// a data-entry slip) and within [`check_unit_price`].
pub fn check_listed_price(price: Dong) -> Result<Dong, MoneyError> {
    check_unit_price(price)?;
    if !price.is_positive() {
        return Err(MoneyError::PriceNotPositive);
    }
    Ok(price)
}

/// A line quantity within 0 (exclusive) ..= [`MAX_LINE_QTY`].
pub fn check_line_qty(qty: Quantity) -> Result<Quantity, MoneyError> {
    if !qty.is_positive() {
        return Err(MoneyError::NonPositiveQuantity);
    }
    if qty > MAX_LINE_QTY {
        return Err(MoneyError::QuantityOutOfRange { qty });
    }
    Ok(qty)
}

/// An amount within −[`MAX_AMOUNT`] ..= [`MAX_AMOUNT`] (negative amounts
/// are variances and refunds netted in reports; each entrance checks its own
/// sign).
pub fn check_amount(amount: Dong) -> Result<Dong, MoneyError> {
    if amount_in_bounds(amount) {
        Ok(amount)
    } else {
        Err(MoneyError::AmountOutOfBounds { amount })
    }
}

/// Whether a stored amount is within the bounds: reports flag it otherwise.
pub fn amount_in_bounds(amount: Dong) -> bool {
    amount.0.checked_abs().is_some_and(|a| a <= MAX_AMOUNT.0)
}

/// Whether a stored line quantity is within the bounds (either sign).
pub fn qty_in_bounds(qty: Quantity) -> bool {
    qty.0.checked_abs().is_some_and(|q| q <= MAX_LINE_QTY.0)
}

/// The amount of a sale line: `round(unit_price × qty) − discount`.
///
/// The price must be within [`check_unit_price`], the quantity within
/// [`check_line_qty`], the discount between zero and the rounded gross, so
/// the result is never negative (refunds are separate documents, not
/// negative lines) and never above [`MAX_AMOUNT`].
pub fn line_amount(unit_price: Dong, qty: Quantity, discount: Dong) -> Result<Dong, MoneyError> {
    check_unit_price(unit_price)?;
    check_line_qty(qty)?;
    if discount.is_negative() {
        return Err(MoneyError::NegativeDiscount);
    }
    let gross = unit_price
        .to_decimal()
        .checked_mul(qty.to_decimal())
        .ok_or(MoneyError::Overflow)
        .and_then(Dong::round)?;
    if discount > gross {
        return Err(MoneyError::DiscountExceedsGross { discount, gross });
    }
    gross
        .checked_sub(discount)
        .ok_or(MoneyError::Overflow)
        .and_then(check_amount)
}

/// The VAT contained in a VAT-inclusive amount:
/// `round(gross × r / (100 + r))`. Negative for a negative gross (refunds),
/// symmetric thanks to half-away-from-zero rounding.
///
/// The division is done in `Decimal` to 28 significant digits; since the
/// divisor is at most 110 the exact quotient is either a midpoint or at
/// least 1/220 away from one, far more than that precision, so rounding the
/// quotient is the same as rounding the exact fraction.
pub fn vat_of_gross(gross: Dong, rate: VatRate) -> Result<Dong, MoneyError> {
    let r = rate.percent();
    if r.is_zero() {
        return Ok(Dong::ZERO);
    }
    let divisor = Decimal::ONE_HUNDRED
        .checked_add(r)
        .ok_or(MoneyError::Overflow)?;
    gross
        .to_decimal()
        .checked_mul(r)
        .and_then(|n| n.checked_div(divisor))
        .ok_or(MoneyError::Overflow)
        .and_then(Dong::round)
}

/// The lines of one VAT rate on a receipt, summed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VatBucket {
    pub rate: VatRate,
    /// VAT-inclusive total of the lines of this rate.
    pub gross: Dong,
    /// VAT extracted once from `gross`.
    pub vat: Dong,
    /// `gross − vat`.
    pub net: Dong,
}

/// Groups `(rate, VAT-inclusive line amount)` pairs into one bucket per rate,
/// ordered by rate. Gross is summed per rate **first** and VAT extracted once
/// per bucket (per-bucket rounding), so the buckets' VAT adds up to what the
/// receipt prints and `Σ gross` equals the sum of the lines exactly.
pub fn vat_buckets(
    lines: impl IntoIterator<Item = (VatRate, Dong)>,
) -> Result<Vec<VatBucket>, MoneyError> {
    let mut sums: BTreeMap<VatRate, Dong> = BTreeMap::new();
    for (rate, amount) in lines {
        let sum = sums.entry(rate).or_insert(Dong::ZERO);
        *sum = sum.checked_add(amount).ok_or(MoneyError::Overflow)?;
    }
    sums.into_iter()
        .map(|(rate, gross)| {
            let vat = vat_of_gross(gross, rate)?;
            let net = gross.checked_sub(vat).ok_or(MoneyError::Overflow)?;
            Ok(VatBucket {
                rate,
                gross,
                vat,
                net,
            })
        })
        .collect()
}

/// Commission on VAT-inclusive sales: `round(gross × rate_percent / 100)`,
/// rounded once. The rate must be within 0–100 %.
pub fn commission(gross: Dong, rate_percent: Decimal) -> Result<Dong, MoneyError> {
    if rate_percent.is_sign_negative() && !rate_percent.is_zero()
        || rate_percent > Decimal::ONE_HUNDRED
    {
        return Err(MoneyError::InvalidCommissionRate { rate: rate_percent });
    }
    gross
        .to_decimal()
        .checked_mul(rate_percent)
        .and_then(|n| n.checked_div(Decimal::ONE_HUNDRED))
        .ok_or(MoneyError::Overflow)
        .and_then(Dong::round)
}

#[cfg(test)]
mod tests;
