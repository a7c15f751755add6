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

/// `-1234567` → `-1.234.567`.
fn group_thousands(value: i64) -> String {
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

/// The amount of a sale line: `round(unit_price × qty) − discount`.
///
/// The price must not be negative, the quantity must be positive, the
/// discount must be between zero and the rounded gross, so the result is
/// never negative (refunds are separate documents, not negative lines).
pub fn line_amount(unit_price: Dong, qty: Quantity, discount: Dong) -> Result<Dong, MoneyError> {
    if unit_price.is_negative() {
        return Err(MoneyError::NegativePrice);
    }
    if !qty.is_positive() {
        return Err(MoneyError::NonPositiveQuantity);
    }
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
    gross.checked_sub(discount).ok_or(MoneyError::Overflow)
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
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(v: i64) -> Dong {
        Dong::new(v)
    }

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn round_is_half_away_from_zero() {
        assert_eq!(Dong::round(dec!(0.5)).unwrap(), d(1));
        assert_eq!(Dong::round(dec!(1.5)).unwrap(), d(2));
        assert_eq!(Dong::round(dec!(2.5)).unwrap(), d(3)); // not banker's
        assert_eq!(Dong::round(dec!(-0.5)).unwrap(), d(-1));
        assert_eq!(Dong::round(dec!(-2.5)).unwrap(), d(-3));
        assert_eq!(Dong::round(dec!(0.4999)).unwrap(), d(0));
        assert_eq!(Dong::round(dec!(-1.4999)).unwrap(), d(-1));
        assert_eq!(Dong::round(dec!(31818.1818)).unwrap(), d(31818));
    }

    #[test]
    fn round_overflow_is_an_error() {
        let too_big = Decimal::from(i64::MAX) + Decimal::ONE;
        assert_eq!(Dong::round(too_big), Err(MoneyError::Overflow));
        assert_eq!(Dong::round(Decimal::MAX), Err(MoneyError::Overflow));
        assert_eq!(Dong::round(Decimal::from(i64::MIN)).unwrap(), d(i64::MIN));
        // i64::MAX + 0.4 rounds back into range.
        assert_eq!(
            Dong::round(Decimal::from(i64::MAX) + dec!(0.4)).unwrap(),
            d(i64::MAX)
        );
    }

    #[test]
    fn checked_arithmetic() {
        assert_eq!(d(1).checked_add(d(2)), Some(d(3)));
        assert_eq!(d(i64::MAX).checked_add(d(1)), None);
        assert_eq!(d(i64::MIN).checked_sub(d(1)), None);
        assert_eq!(d(5).checked_sub(d(7)), Some(d(-2)));
        assert_eq!(d(i64::MIN).checked_neg(), None);
        assert_eq!(d(-3).checked_neg(), Some(d(3)));
        assert_eq!(Dong::checked_sum([d(1), d(2), d(-5)]), Some(d(-2)));
        assert_eq!(Dong::checked_sum(Vec::new()), Some(Dong::ZERO));
        assert_eq!(Dong::checked_sum([d(i64::MAX), d(1), d(-1)]), None);
        assert_eq!(Dong::default(), Dong::ZERO);
        assert_eq!(d(-7).to_decimal(), dec!(-7));
    }

    #[test]
    fn display_is_vietnamese() {
        assert_eq!(d(350_000).to_string(), "350.000 ₫");
        assert_eq!(d(-1_500).to_string(), "-1.500 ₫");
        assert_eq!(d(0).to_string(), "0 ₫");
        assert_eq!(d(999).to_string(), "999 ₫");
        assert_eq!(d(1_000).to_string(), "1.000 ₫");
        assert_eq!(d(12_345_678).to_string(), "12.345.678 ₫");
        assert_eq!(d(-100_000).to_string(), "-100.000 ₫");
        assert_eq!(d(i64::MIN).to_string(), "-9.223.372.036.854.775.808 ₫");
        assert_eq!(d(350_000).to_ascii_string(), "350.000 d");
        assert!(d(-1_500).to_ascii_string().is_ascii());
    }

    #[test]
    fn parse_accepts_what_people_type() {
        for s in [
            "350000",
            "350.000",
            "350.000 ₫",
            "350000đ",
            "350.000đ",
            " 350000 VND ",
            "350.000 VNĐ",
            "350.000\u{a0}₫",
            "350000 d",
        ] {
            assert_eq!(Dong::parse(s).unwrap(), d(350_000), "{s}");
        }
        assert_eq!(Dong::parse("0").unwrap(), d(0));
        assert_eq!(Dong::parse("-1.500 ₫").unwrap(), d(-1_500));
        assert_eq!(Dong::parse("1.234.567").unwrap(), d(1_234_567));
        assert_eq!("42".parse::<Dong>().unwrap(), d(42));
    }

    #[test]
    fn parse_round_trips_display() {
        for v in [0, 1, -1, 999, 1000, 350_000, -1_500, i64::MAX, i64::MIN] {
            assert_eq!(Dong::parse(&d(v).to_string()).unwrap(), d(v));
            assert_eq!(Dong::parse(&d(v).to_ascii_string()).unwrap(), d(v));
        }
    }

    #[test]
    fn parse_rejects_fractions_and_garbage() {
        for s in ["350,5", "350,000", "350.5", "350.50", "1.2345"] {
            assert!(
                matches!(Dong::parse(s), Err(MoneyError::FractionalAmount { .. })),
                "{s}"
            );
        }
        for s in [
            "", " ", "₫", "abc", "12a", "1..000", ".500", "1.000.", "3500.000", "--5", "+5",
            "1 000", "5 ₫ 5", "-",
        ] {
            assert!(
                matches!(Dong::parse(s), Err(MoneyError::InvalidAmount { .. })),
                "{s:?} gave {:?}",
                Dong::parse(s)
            );
        }
        assert_eq!(
            Dong::parse("9223372036854775808"),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Dong::parse("99999999999999999999999999999999999999999"),
            Err(MoneyError::Overflow)
        );
        assert_eq!(Dong::parse("-9223372036854775808").unwrap(), d(i64::MIN));
    }

    #[test]
    fn dong_serde_is_a_plain_integer() {
        assert_eq!(serde_json::to_string(&d(350_000)).unwrap(), "350000");
        assert_eq!(serde_json::to_string(&d(-5)).unwrap(), "-5");
        assert_eq!(serde_json::from_str::<Dong>("125000").unwrap(), d(125_000));
        assert!(serde_json::from_str::<Dong>("1.5").is_err());
        assert!(serde_json::from_str::<Dong>("\"1\"").is_err());
    }

    #[test]
    fn quantity_parse_and_display() {
        assert_eq!(q("1,5").milli(), 1500);
        assert_eq!(q("1.5").milli(), 1500);
        assert_eq!(q("2").milli(), 2000);
        assert_eq!(q("0,125").milli(), 125);
        assert_eq!(q("0.120").milli(), 120);
        assert_eq!(q("1.2500").milli(), 1250); // trailing zeros are not precision
        assert_eq!(q("-3").milli(), -3000);
        assert_eq!(q(" 7 ").milli(), 7000);
        assert_eq!(q("1,5").to_string(), "1,5");
        assert_eq!(q("2").to_string(), "2");
        assert_eq!(q("0,125").to_string(), "0,125");
        assert_eq!(q("0,12").to_string(), "0,12");
        assert_eq!(q("-0,5").to_string(), "-0,5");
        assert_eq!(Quantity::from_milli(-500).to_string(), "-0,5");
        assert_eq!(q("1500").to_string(), "1500");
        assert_eq!(Quantity::ONE.to_string(), "1");
    }

    #[test]
    fn quantity_parse_rejects() {
        assert!(matches!(
            Quantity::parse("1,2345"),
            Err(MoneyError::QuantityTooPrecise { .. })
        ));
        for s in [
            "", "a", "1,", ",5", "1.5.0", "1,5,0", "1 5", "1e3", "--1", "0x10",
        ] {
            assert!(
                matches!(Quantity::parse(s), Err(MoneyError::InvalidQuantity { .. })),
                "{s:?}"
            );
        }
        assert_eq!(
            Quantity::parse("9223372036854776"),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn quantity_decimal_conversions() {
        assert_eq!(Quantity::from_decimal(dec!(1.5)).unwrap().milli(), 1500);
        assert_eq!(Quantity::from_decimal(dec!(0.125)).unwrap().milli(), 125);
        assert_eq!(Quantity::from_decimal(dec!(2.10000)).unwrap().milli(), 2100);
        assert!(matches!(
            Quantity::from_decimal(dec!(0.1255)),
            Err(MoneyError::QuantityTooPrecise { .. })
        ));
        assert_eq!(
            Quantity::from_decimal(Decimal::from(i64::MAX)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(Quantity::from_milli(1500).to_decimal(), dec!(1.5));
        assert_eq!(Quantity::from_milli(1500).to_decimal().to_string(), "1.5");
        assert!(Quantity::from_milli(2000).is_whole());
        assert!(!Quantity::from_milli(2001).is_whole());
        assert_eq!(Quantity::from_units(3), Some(Quantity::from_milli(3000)));
        assert_eq!(Quantity::from_units(i64::MAX), None);
    }

    #[test]
    fn quantity_serde() {
        assert_eq!(serde_json::to_string(&q("1,5")).unwrap(), "\"1.5\"");
        assert_eq!(serde_json::to_string(&q("2")).unwrap(), "\"2\"");
        assert_eq!(serde_json::to_string(&q("0,125")).unwrap(), "\"0.125\"");
        assert_eq!(
            serde_json::from_str::<Quantity>("\"1.5\"").unwrap(),
            q("1.5")
        );
        assert_eq!(serde_json::from_str::<Quantity>("1.5").unwrap(), q("1.5"));
        assert_eq!(serde_json::from_str::<Quantity>("0.1").unwrap(), q("0.1"));
        assert_eq!(serde_json::from_str::<Quantity>("2").unwrap(), q("2"));
        assert_eq!(serde_json::from_str::<Quantity>("-2").unwrap(), q("-2"));
        assert_eq!(
            serde_json::from_str::<Quantity>("0.125").unwrap(),
            q("0.125")
        );
        assert!(serde_json::from_str::<Quantity>("0.1255").is_err());
        assert!(serde_json::from_str::<Quantity>("\"abc\"").is_err());
        assert!(serde_json::from_str::<Quantity>("1e300").is_err());
        assert!(serde_json::from_str::<Quantity>("true").is_err());
    }

    #[test]
    fn vat_rate_codes() {
        for r in VatRate::ALL {
            assert_eq!(r.code().parse::<VatRate>().unwrap(), r);
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.code()));
            assert_eq!(serde_json::from_str::<VatRate>(&json).unwrap(), r);
        }
        assert_eq!("KCT".parse::<VatRate>().unwrap(), VatRate::NotSubject);
        assert!("7".parse::<VatRate>().is_err());
        assert!(serde_json::from_str::<VatRate>("10").is_err());
        assert_eq!(VatRate::Ten.percent(), dec!(10));
        assert_eq!(VatRate::NotSubject.percent(), dec!(0));
        assert_eq!(VatRate::NotSubject.label(Lang::Vi), "KCT");
        assert_eq!(VatRate::NotSubject.label(Lang::En), "Not subject");
        assert_eq!(VatRate::Ten.label(Lang::Vi), "10%");
        assert!(VatRate::NotSubject < VatRate::Zero && VatRate::Eight < VatRate::Ten);
    }

    #[test]
    fn line_amounts() {
        assert_eq!(line_amount(d(350_000), q("2"), d(0)).unwrap(), d(700_000));
        assert_eq!(
            line_amount(d(350_000), q("2"), d(50_000)).unwrap(),
            d(650_000)
        );
        // 1,5 kg tea at 333.333/kg = 499 999,5 → 500 000 (half away from zero)
        assert_eq!(line_amount(d(333_333), q("1,5"), d(0)).unwrap(), d(500_000));
        // 0,125 kg at 1.001 = 125,125 → 125
        assert_eq!(line_amount(d(1_001), q("0,125"), d(0)).unwrap(), d(125));
        // discount equal to gross is allowed and gives zero
        assert_eq!(line_amount(d(10_000), q("1"), d(10_000)).unwrap(), d(0));
        assert_eq!(line_amount(d(0), q("1"), d(0)).unwrap(), d(0));
    }

    #[test]
    fn line_amount_rejects() {
        assert_eq!(
            line_amount(d(10_000), q("1"), d(-1)),
            Err(MoneyError::NegativeDiscount)
        );
        assert_eq!(
            line_amount(d(10_000), q("1"), d(10_001)),
            Err(MoneyError::DiscountExceedsGross {
                discount: d(10_001),
                gross: d(10_000)
            })
        );
        assert_eq!(
            line_amount(d(-1), q("1"), d(0)),
            Err(MoneyError::NegativePrice)
        );
        assert_eq!(
            line_amount(d(1), q("0"), d(0)),
            Err(MoneyError::NonPositiveQuantity)
        );
        assert_eq!(
            line_amount(d(1), q("-1"), d(0)),
            Err(MoneyError::NonPositiveQuantity)
        );
        assert_eq!(
            line_amount(d(i64::MAX), q("2"), d(0)),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn vat_extraction_real_cases() {
        // 350.000 at 10 %: 350000 × 10 / 110 = 31 818,18…
        assert_eq!(vat_of_gross(d(350_000), VatRate::Ten).unwrap(), d(31_818));
        // 99.999 at 8 %: 99999 × 8 / 108 = 7 407,33…
        assert_eq!(vat_of_gross(d(99_999), VatRate::Eight).unwrap(), d(7_407));
        // 105.000 at 5 %: exactly 5 000
        assert_eq!(vat_of_gross(d(105_000), VatRate::Five).unwrap(), d(5_000));
        // 11 at 10 %: exactly 1; 77 at 10 % = 7; 121 at 10 % = 11
        assert_eq!(vat_of_gross(d(121), VatRate::Ten).unwrap(), d(11));
        // 105 at 5 % = 5 exactly; 1.080 at 8 % = 80 exactly
        assert_eq!(vat_of_gross(d(105), VatRate::Five).unwrap(), d(5));
        assert_eq!(vat_of_gross(d(1_080), VatRate::Eight).unwrap(), d(80));
        assert_eq!(vat_of_gross(d(0), VatRate::Ten).unwrap(), d(0));
        assert_eq!(vat_of_gross(d(350_000), VatRate::Zero).unwrap(), d(0));
        assert_eq!(vat_of_gross(d(350_000), VatRate::NotSubject).unwrap(), d(0));
        // refunds are symmetric
        assert_eq!(vat_of_gross(d(-350_000), VatRate::Ten).unwrap(), d(-31_818));
        assert_eq!(
            vat_of_gross(d(i64::MAX), VatRate::Ten).unwrap(),
            Dong::round(Decimal::from(i64::MAX) / dec!(11)).unwrap()
        );
    }

    #[test]
    fn vat_midpoint_rounds_away_from_zero() {
        // A VAT midpoint needs 2·g·r = (2k+1)(100+r): for r = 10 that is
        // 2g = 11(2k+1), for 5 it is 2g = 21(2k+1), for 8 it is 4g = 27(2k+1)
        // — even = odd, impossible for whole đồng. So check both sides of the
        // half instead (the midpoint rule itself is tested on commission and
        // line amounts).
        // 10 % of 16 = 1,4545 → 1; of 17 = 1,5454 → 2
        assert_eq!(vat_of_gross(d(16), VatRate::Ten).unwrap(), d(1));
        assert_eq!(vat_of_gross(d(17), VatRate::Ten).unwrap(), d(2));
        assert_eq!(vat_of_gross(d(-17), VatRate::Ten).unwrap(), d(-2));
    }

    #[test]
    fn vat_buckets_sum_first_then_round_once() {
        // 3 × 33.333 at 8 %: per line VAT would be 3 × round(2 469,11) = 7 407
        // as well, but 99.999 × 8/108 = 7 407,33 → 7 407 once.
        let buckets = vat_buckets([
            (VatRate::Eight, d(33_333)),
            (VatRate::Eight, d(33_333)),
            (VatRate::Eight, d(33_333)),
        ])
        .unwrap();
        assert_eq!(
            buckets,
            vec![VatBucket {
                rate: VatRate::Eight,
                gross: d(99_999),
                vat: d(7_407),
                net: d(92_592),
            }]
        );

        // Where per-line rounding would drift: 3 lines of 16 at 10 %: per line
        // 1 each (3), per bucket 48/11 = 4,36 → 4.
        let buckets = vat_buckets([
            (VatRate::Ten, d(16)),
            (VatRate::Ten, d(16)),
            (VatRate::Ten, d(16)),
        ])
        .unwrap();
        assert_eq!(buckets.len(), 1);
        assert_eq!(buckets[0].vat, d(4));
        assert_eq!(buckets[0].net, d(44));
    }

    #[test]
    fn vat_buckets_are_ordered_and_add_up() {
        let lines = [
            (VatRate::Ten, d(350_000)),
            (VatRate::NotSubject, d(20_000)),
            (VatRate::Five, d(52_500)),
            (VatRate::Ten, d(15_000)),
            (VatRate::Eight, d(108_000)),
        ];
        let buckets = vat_buckets(lines).unwrap();
        let rates: Vec<VatRate> = buckets.iter().map(|b| b.rate).collect();
        assert_eq!(
            rates,
            vec![
                VatRate::NotSubject,
                VatRate::Five,
                VatRate::Eight,
                VatRate::Ten
            ]
        );
        let ten = buckets.iter().find(|b| b.rate == VatRate::Ten).unwrap();
        assert_eq!(ten.gross, d(365_000));
        assert_eq!(ten.vat, d(33_182)); // 33 181,8…
        assert_eq!(ten.net, d(331_818));
        let kct = &buckets[0];
        assert_eq!((kct.gross, kct.vat, kct.net), (d(20_000), d(0), d(20_000)));
        let total_gross = Dong::checked_sum(buckets.iter().map(|b| b.gross)).unwrap();
        let total_lines = Dong::checked_sum(lines.iter().map(|l| l.1)).unwrap();
        assert_eq!(total_gross, total_lines);
        for b in &buckets {
            assert_eq!(b.net.checked_add(b.vat), Some(b.gross));
        }
        assert!(vat_buckets([]).unwrap().is_empty());
    }

    #[test]
    fn vat_buckets_overflow_is_an_error() {
        assert_eq!(
            vat_buckets([(VatRate::Ten, d(i64::MAX)), (VatRate::Ten, d(1))]),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn commission_rounds_once() {
        assert_eq!(commission(d(1_000_000), dec!(15)).unwrap(), d(150_000));
        // 12.5 % of 1.001 = 125,125 → 125
        assert_eq!(commission(d(1_001), dec!(12.5)).unwrap(), d(125));
        // midpoint: 10 % of 15 = 1,5 → 2; of -15 → -2
        assert_eq!(commission(d(15), dec!(10)).unwrap(), d(2));
        assert_eq!(commission(d(-15), dec!(10)).unwrap(), d(-2));
        // 2.5 % of 100 = 2,5 → 3
        assert_eq!(commission(d(100), dec!(2.5)).unwrap(), d(3));
        assert_eq!(commission(d(123_456), dec!(0)).unwrap(), d(0));
        assert_eq!(commission(d(123_456), dec!(100)).unwrap(), d(123_456));
        assert!(matches!(
            commission(d(100), dec!(-1)),
            Err(MoneyError::InvalidCommissionRate { .. })
        ));
        assert!(matches!(
            commission(d(100), dec!(100.01)),
            Err(MoneyError::InvalidCommissionRate { .. })
        ));
    }

    #[test]
    fn errors_have_codes_and_both_languages() {
        let errors = [
            MoneyError::Overflow,
            MoneyError::InvalidAmount { input: "x".into() },
            MoneyError::FractionalAmount {
                input: "1,5".into(),
            },
            MoneyError::InvalidQuantity { input: "x".into() },
            MoneyError::QuantityTooPrecise {
                input: "0,1234".into(),
            },
            MoneyError::NonPositiveQuantity,
            MoneyError::NegativePrice,
            MoneyError::NegativeDiscount,
            MoneyError::DiscountExceedsGross {
                discount: d(2),
                gross: d(1),
            },
            MoneyError::InvalidVatRate { input: "7".into() },
            MoneyError::InvalidCommissionRate { rate: dec!(101) },
        ];
        let mut codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
        for e in &errors {
            let code = e.code();
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
            assert!(!e.message(Lang::Vi).is_empty());
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), errors.len());
    }
}
