//! The CSV columns of each kind, and the text-to-value rules of a cell.

use chrono::NaiveDate;
use ocop_core::catalogue::StarRating;
use ocop_core::i18n::UserError as _;
use ocop_core::money::Dong;
use ocop_core::refusal::Refusal;

use crate::models::validation::invalid;

/// Producer columns, in file order. `name`, `kind`, `district`, `commune`,
/// `contact_name` and `phone` are required.
pub const PRODUCER_COLUMNS: &[&str] = &[
    "name",
    "kind",
    "tax_code",
    "district",
    "commune",
    "address",
    "contact_name",
    "phone",
    "bank_bin",
    "bank_account",
    "bank_holder",
    "status",
];

pub const PRODUCER_REQUIRED: &[&str] = &[
    "name",
    "kind",
    "district",
    "commune",
    "contact_name",
    "phone",
];

/// Product columns, in file order. One of `producer_tax_code` and
/// `producer_id` names the producer.
pub const PRODUCT_COLUMNS: &[&str] = &[
    "producer_tax_code",
    "producer_id",
    "name_vi",
    "name_en",
    "group",
    "stars",
    "cert_number",
    "cert_level",
    "cert_issued_on",
    "cert_expires_on",
    "gtin",
    "internal_code",
    "unit",
    "fractional",
    "vat",
    "price",
    "food_safety_ref",
    "key_product",
    "description",
    "photo_url",
    "active",
    // the rating record behind the stars (issue 17), optional columns
    "rating_score",
    "rating_decision_no",
    "rating_decision_on",
    "rating_body",
];

pub const PRODUCT_REQUIRED: &[&str] = &["name_vi", "group", "stars", "unit", "vat", "price"];

/// `2024-03-15` or `15/03/2024`; empty is `None`.
pub fn date(field: &'static str, text: &str) -> Result<Option<NaiveDate>, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| {
            invalid(
                field,
                "invalid_date",
                format!("Ngày \"{t}\" không hợp lệ (dạng 2024-03-15 hoặc 15/03/2024)."),
                format!("Refusal date \"{t}\" (write 2024-03-15 or 15/03/2024)."),
            )
        })
}

/// `1`/`0`, `true`/`false`, `có`/`không`, `x`/empty.
pub fn boolean(field: &'static str, text: &str, default: bool) -> Result<bool, Refusal> {
    let t = ocop_core::text::search_key(text);
    match t.as_str() {
        "" => Ok(default),
        "1" | "true" | "yes" | "co" | "x" => Ok(true),
        "0" | "false" | "no" | "khong" => Ok(false),
        _ => Err(invalid(
            field,
            "invalid_boolean",
            format!(
                "Giá trị \"{}\" không hợp lệ: ghi 1/0, có/không hoặc true/false.",
                text.trim()
            ),
            format!(
                "Refusal value \"{}\": write 1/0, yes/no or true/false.",
                text.trim()
            ),
        )),
    }
}

/// `4`, `4 sao`, `4★`.
pub fn stars(text: &str) -> Result<i64, Refusal> {
    StarRating::parse(text)
        .map(|s| i64::from(s.stars()))
        .map_err(|e| e.refusal().on_field("stars"))
}

/// `350000`, `350.000`, `350.000 ₫`.
pub fn price(text: &str) -> Result<i64, Refusal> {
    Dong::parse(text)
        .map(Dong::amount)
        .map_err(|e| e.refusal().on_field("price"))
}

/// A whole number (an id).
pub fn id(field: &'static str, text: &str) -> Result<Option<i32>, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i32>().map(Some).map_err(|_| {
        invalid(
            field,
            "invalid_number",
            format!("\"{t}\" không phải là số."),
            format!("\"{t}\" is not a number."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_parse() {
        assert_eq!(
            date("d", "15/03/2024").unwrap(),
            NaiveDate::from_ymd_opt(2024, 3, 15)
        );
        assert_eq!(
            date("d", "2024-03-15").unwrap(),
            NaiveDate::from_ymd_opt(2024, 3, 15)
        );
        assert!(date("d", "31/02/2024").is_err());
        assert_eq!(date("d", " ").unwrap(), None);
        assert!(boolean("b", "Có", false).unwrap());
        assert!(!boolean("b", "không", true).unwrap());
        assert!(boolean("b", "", true).unwrap());
        assert!(boolean("b", "maybe", true).is_err());
        assert_eq!(stars("4 sao").unwrap(), 4);
        assert_eq!(stars("6").unwrap_err().code(), "invalid_star_rating");
        assert_eq!(price("350.000 ₫").unwrap(), 350_000);
        assert!(price("12,5").is_err());
    }
}
