//! Field validation shared by the catalogue's API and its CSV import.
//!
//! Pure format rules come from ocop-core's types (`Gtin`, `TaxCode`,
//! `StarRating`, `Certificate`, `VatRate`, `Dong`); this module turns their
//! errors into a [`Refusal`] on the field at fault (`err.refusal().on_field(…)`)
//! and adds the checks against reference data
//! ([`Refs`]: districts, product groups, banks). A write that fails
//! validation writes nothing: validation runs before the first statement.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use ocop_core::refusal::Refusal;
use ocop_core::text::{Lines, clean_text};

use crate::db::DbConn;
use crate::db::schema::{banks, districts, product_groups};

/// A refusal of kind invalid about one field (JSON key, form field or CSV
/// column).
pub fn invalid(
    field: &'static str,
    code: &'static str,
    vi: impl Into<String>,
    en: impl Into<String>,
) -> Refusal {
    Refusal::invalid(code, vi, en).on_field(field)
}

/// `label` (Vietnamese, English) is required and was empty.
pub fn required(field: &'static str, label: (&str, &str)) -> Refusal {
    invalid(
        field,
        "required_field",
        format!("{} không được để trống.", label.0),
        format!("{} is required.", label.1),
    )
}

pub fn too_long(field: &'static str, label: (&str, &str), max: usize) -> Refusal {
    invalid(
        field,
        "field_too_long",
        format!("{} dài quá {max} ký tự.", label.0),
        format!("{} is longer than {max} characters.", label.1),
    )
}

/// Collects problems while a record is checked field by field.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Refusal>);

impl Problems {
    pub fn push(&mut self, i: Refusal) {
        self.0.push(i);
    }

    /// Keeps the value, or records the problem and gives `None`.
    pub fn take<T>(&mut self, r: Result<T, Refusal>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(i) => {
                self.0.push(i);
                None
            }
        }
    }

    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<Refusal>> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(self.0),
        }
    }
}

/// The core's one text rule ([`ocop_core::text::clean_text`]) on a field.
pub fn clean(
    field: &'static str,
    label: (&str, &str),
    value: &str,
    lines: Lines,
) -> Result<(), Refusal> {
    clean_text(value, lines).map_err(|c| {
        invalid(
            field,
            "invalid_characters",
            format!(
                "{} chứa ký tự không được phép (U+{:04X}: ký tự điều khiển hoặc đảo chiều văn bản).",
                label.0,
                u32::from(c)
            ),
            format!(
                "{} holds a character that is not allowed (U+{:04X}: a control or \
                 text-direction character).",
                label.1,
                u32::from(c)
            ),
        )
    })
}

/// Trimmed required text of at most `max` characters, one line.
pub fn required_text(
    field: &'static str,
    label: (&str, &str),
    value: &str,
    max: usize,
) -> Result<String, Refusal> {
    let v = value.trim();
    if v.is_empty() {
        return Err(required(field, label));
    }
    if v.chars().count() > max {
        return Err(too_long(field, label, max));
    }
    clean(field, label, v, Lines::Single)?;
    Ok(v.to_owned())
}

/// Trimmed optional text, one line; empty becomes `None`.
pub fn optional_text(
    field: &'static str,
    label: (&str, &str),
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, Refusal> {
    optional_lines(field, label, value, max, Lines::Single)
}

/// Trimmed optional text that may span `lines`; empty becomes `None`.
pub fn optional_lines(
    field: &'static str,
    label: (&str, &str),
    value: Option<&str>,
    max: usize,
    lines: Lines,
) -> Result<Option<String>, Refusal> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > max => Err(too_long(field, label, max)),
        Some(v) => {
            clean(field, label, v, lines)?;
            Ok(Some(v.to_owned()))
        }
    }
}

/// A phone number: digits with optional `+`, spaces, dots and hyphens, 8–15 digits.
pub fn phone(field: &'static str, value: &str) -> Result<String, Refusal> {
    let v = value.trim();
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    let chars_ok = v
        .bytes()
        .enumerate()
        .all(|(i, b)| b.is_ascii_digit() || b" .-".contains(&b) || (b == b'+' && i == 0));
    if chars_ok && (8..=15).contains(&digits) {
        Ok(v.to_owned())
    } else {
        Err(invalid(
            field,
            "invalid_phone",
            format!("Số điện thoại \"{v}\" không hợp lệ (8–15 chữ số)."),
            format!("Invalid phone number \"{v}\" (8–15 digits)."),
        ))
    }
}

/// Reference lists a catalogue record must point into.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    pub districts: HashSet<String>,
    /// Product group code → whether it needs a food-safety reference.
    pub groups: HashMap<String, bool>,
    pub banks: HashSet<String>,
}

impl Refs {
    pub fn load(conn: &mut DbConn) -> QueryResult<Refs> {
        Ok(Refs {
            districts: districts::table
                .select(districts::code)
                .load::<String>(conn)?
                .into_iter()
                .collect(),
            groups: product_groups::table
                .select((product_groups::code, product_groups::food_safety_required))
                .load::<(String, bool)>(conn)?
                .into_iter()
                .collect(),
            banks: banks::table
                .select(banks::bin)
                .load::<String>(conn)?
                .into_iter()
                .collect(),
        })
    }

    pub fn district(&self, field: &'static str, code: &str) -> Result<String, Refusal> {
        let code = code.trim();
        if self.districts.contains(code) {
            Ok(code.to_owned())
        } else {
            Err(invalid(
                field,
                "unknown_district",
                format!("Không có huyện/thị xã/thành phố mã \"{code}\" (xem /api/v1/reference)."),
                format!("Unknown district code \"{code}\" (see /api/v1/reference)."),
            ))
        }
    }

    /// Bank account: all three parts or none; the BIN must be a known bank.
    pub fn bank_account(
        &self,
        bin: Option<&str>,
        account: Option<&str>,
        holder: Option<&str>,
    ) -> Result<Option<(String, String, String)>, Refusal> {
        let bin = optional_text("bank_bin", ("Mã ngân hàng", "Bank BIN"), bin, 6)
            .map_err(|_| unknown_bank(bin.unwrap_or_default()))?;
        let account = optional_text(
            "bank_account",
            ("Số tài khoản", "Account number"),
            account,
            19,
        )?;
        let holder = optional_text(
            "bank_holder",
            ("Tên chủ tài khoản", "Account holder"),
            holder,
            100,
        )?;
        match (bin, account, holder) {
            (None, None, None) => Ok(None),
            (Some(bin), Some(account), Some(holder)) => {
                if !self.banks.contains(&bin) {
                    return Err(unknown_bank(&bin));
                }
                let account_ok = (6..=19).contains(&account.len())
                    && account.bytes().all(|b| b.is_ascii_alphanumeric());
                if !account_ok {
                    return Err(invalid(
                        "bank_account",
                        "invalid_bank_account",
                        "Số tài khoản ngân hàng phải gồm 6–19 chữ số hoặc chữ cái, không dấu cách.",
                        "A bank account number is 6–19 letters or digits, no spaces.",
                    ));
                }
                Ok(Some((bin, account, holder)))
            }
            _ => Err(invalid(
                "bank_account",
                "incomplete_bank_account",
                "Tài khoản ngân hàng cần đủ mã ngân hàng, số tài khoản và tên chủ tài khoản.",
                "A bank account needs the bank BIN, the account number and the holder's name.",
            )),
        }
    }
}

fn unknown_bank(bin: &str) -> Refusal {
    invalid(
        "bank_bin",
        "unknown_bank",
        format!("Không có ngân hàng mã BIN \"{bin}\" (xem /api/v1/reference)."),
        format!("Unknown bank BIN \"{bin}\" (see /api/v1/reference)."),
    )
}
