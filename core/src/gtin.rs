//! GS1 Global Trade Item Numbers (the numbers under EAN/UPC barcodes).
//!
//! [`Gtin::parse`] accepts GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) and
//! GTIN-14, verifies the GS1 check digit and keeps the number normalised to
//! 14 digits (left-padded with zeros), the form GS1 Digital Link and the
//! database use. A `Gtin` value therefore always has a correct check digit.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::i18n::{Lang, UserError};

/// A GTIN, held as its 14-digit form.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Gtin(String);

/// Why a text is not a GTIN. All problems share the code `invalid_gtin`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GtinError {
    #[error("a GTIN has 8, 12, 13 or 14 digits, got {len}")]
    Length { len: usize },
    #[error("a GTIN has only digits, found {found:?} at position {position}")]
    NonDigit { position: usize, found: char },
    #[error("wrong GTIN check digit {found}, expected {expected}")]
    CheckDigit { expected: u8, found: u8 },
    /// All zeros: a valid check digit, but no item carries it (a scanner's
    /// or a form's empty value).
    #[error("a GTIN of only zeros names no item")]
    AllZeros,
}

impl UserError for GtinError {
    fn code(&self) -> &'static str {
        "invalid_gtin"
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (GtinError::Length { len }, Lang::Vi) => {
                format!("Mã GTIN phải có 8, 12, 13 hoặc 14 chữ số (mã vừa nhập có {len} ký tự).")
            }
            (GtinError::Length { len }, Lang::En) => {
                format!("A GTIN has 8, 12, 13 or 14 digits (this one has {len} characters).")
            }
            (GtinError::NonDigit { position, found }, Lang::Vi) => {
                format!("Mã GTIN chỉ gồm chữ số; ký tự thứ {position} là \"{found}\".")
            }
            (GtinError::NonDigit { position, found }, Lang::En) => {
                format!("A GTIN has digits only; character {position} is \"{found}\".")
            }
            (GtinError::CheckDigit { expected, found }, Lang::Vi) => format!(
                "Sai số kiểm tra của mã GTIN: số cuối là {found}, đúng phải là {expected}. \
                 Hãy kiểm tra lại mã vạch."
            ),
            (GtinError::CheckDigit { expected, found }, Lang::En) => format!(
                "Wrong GTIN check digit: the last digit is {found}, it should be {expected}. \
                 Check the barcode."
            ),
            (GtinError::AllZeros, Lang::Vi) => {
                "Mã GTIN toàn số 0 không phải mã của sản phẩm nào.".into()
            }
            (GtinError::AllZeros, Lang::En) => "A GTIN of only zeros names no product.".into(),
        }
    }
}

fn digits_of(s: &str) -> Result<Vec<u8>, GtinError> {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            c.to_digit(10)
                .and_then(|d| u8::try_from(d).ok())
                .filter(|_| c.is_ascii_digit())
                .ok_or(GtinError::NonDigit {
                    position: i + 1,
                    found: c,
                })
        })
        .collect()
}

/// The GS1 check digit of `body` (the digits before the check digit): weights
/// 3, 1, 3, 1… from the rightmost digit, check = `(10 − sum mod 10) mod 10`.
/// Works for every GS1 key length (GTIN, GLN, SSCC).
pub fn check_digit(body: &str) -> Result<u8, GtinError> {
    let digits = digits_of(body)?;
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    // (10 - sum % 10) % 10 is in 0..=9.
    u8::try_from((10 - sum % 10) % 10).map_err(|_| GtinError::Length { len: body.len() })
}

/// A weighed-item barcode printed by a shop scale: EAN-13 with a 2x
/// restricted-circulation prefix, `2F PPPPP WWWWW C` — `F` 0 to 4, the
/// item's 5-digit code (`PPPPP`, the product's internal code at the
/// outlet), the weight in grams (`WWWWW`), the check digit. Prefixes 25 to
/// 29 (a price embedded) are not read: a till prices by the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeighedItem {
    /// The item's code, as the scale printed it (5 digits).
    pub item_code: String,
    /// The weight in grams (above zero).
    pub grams: u32,
}

impl WeighedItem {
    /// `None` for anything that is not a weight-embedded 2x EAN-13 with a
    /// right check digit and a weight above zero.
    pub fn parse(input: &str) -> Option<WeighedItem> {
        let s = input.trim();
        if s.len() != 13 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let flag = s.get(1..2)?;
        if !s.starts_with('2') || !matches!(flag, "0" | "1" | "2" | "3" | "4") {
            return None;
        }
        let check = s.bytes().last()?.checked_sub(b'0')?;
        if check_digit(s.get(..12)?).ok()? != check {
            return None;
        }
        let grams: u32 = s.get(7..12)?.parse().ok()?;
        (grams > 0).then(|| WeighedItem {
            item_code: s.get(2..7).unwrap_or_default().to_owned(),
            grams,
        })
    }
}

impl Gtin {
    /// Parses a GTIN-8/12/13/14 (surrounding whitespace ignored) and
    /// normalises it to 14 digits.
    pub fn parse(input: &str) -> Result<Gtin, GtinError> {
        let s = input.trim();
        let len = s.chars().count();
        // Report a stray letter before a wrong length: it is the likelier typo.
        digits_of(s)?;
        if ![8, 12, 13, 14].contains(&len) {
            return Err(GtinError::Length { len });
        }
        // All ASCII digits by now, so a char count is a byte index.
        let (body, last) = s
            .split_at_checked(len - 1)
            .ok_or(GtinError::Length { len })?;
        let found = digits_of(last)?
            .first()
            .copied()
            .ok_or(GtinError::Length { len })?;
        let expected = check_digit(body)?;
        if expected != found {
            return Err(GtinError::CheckDigit { expected, found });
        }
        if s.bytes().all(|b| b == b'0') {
            return Err(GtinError::AllZeros);
        }
        Ok(Gtin(format!("{s:0>14}")))
    }

    /// The 14-digit form, e.g. `08936012345674`.
    pub fn as_str14(&self) -> &str {
        &self.0
    }

    /// The EAN-13 form when the GTIN-14 starts with 0 (no packaging-level
    /// indicator), which is what is printed under a retail barcode.
    pub fn as_gtin13(&self) -> Option<String> {
        self.0.strip_prefix('0').map(str::to_string)
    }

    /// The shortest standard form: GTIN-8, then GTIN-12, GTIN-13, GTIN-14,
    /// whichever the leading zeros allow. A GTIN-12 is shown as 12 digits
    /// only when it has 2 leading zeros in the 14-digit form.
    pub fn as_shortest(&self) -> &str {
        for width in [8usize, 12, 13] {
            let pad = 14 - width;
            if self.0.bytes().take(pad).all(|b| b == b'0')
                && let Some(short) = self.0.get(pad..)
            {
                return short;
            }
        }
        &self.0
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Gtin {
    type Err = GtinError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Gtin::parse(s)
    }
}

impl Serialize for Gtin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Gtin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Gtin::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighed_item_barcodes() {
        // 20 | 00123 | 00250 g | check
        let body = "200012300250";
        let code = format!("{body}{}", check_digit(body).unwrap());
        let w = WeighedItem::parse(&code).unwrap();
        assert_eq!((w.item_code.as_str(), w.grams), ("00123", 250));
        // a wrong check digit, a price prefix, a zero weight, a GTIN: none
        let wrong = format!("{body}{}", (check_digit(body).unwrap() + 1) % 10);
        assert_eq!(WeighedItem::parse(&wrong), None);
        let priced = "250012300250";
        assert_eq!(
            WeighedItem::parse(&format!("{priced}{}", check_digit(priced).unwrap())),
            None
        );
        let zero = "200012300000";
        assert_eq!(
            WeighedItem::parse(&format!("{zero}{}", check_digit(zero).unwrap())),
            None
        );
        assert_eq!(WeighedItem::parse("8936012345674"), None);
    }

    #[test]
    fn check_digits_of_known_numbers() {
        // GS1's own examples and real products
        assert_eq!(check_digit("629104150021").unwrap(), 3); // 6291041500213
        assert_eq!(check_digit("0086008000130").unwrap(), 0); // 00860080001300
        assert_eq!(check_digit("400638133393").unwrap(), 1); // 4006381333931
        assert_eq!(check_digit("978034541891").unwrap(), 3); // ISBN 9780345418913
        assert_eq!(check_digit("9638507").unwrap(), 4); // EAN-8 96385074
        assert_eq!(check_digit("03600029145").unwrap(), 2); // UPC-A 036000291452
        assert_eq!(check_digit("0000000000000").unwrap(), 0);
        assert_eq!(check_digit("").unwrap(), 0);
        assert!(matches!(
            check_digit("12a"),
            Err(GtinError::NonDigit {
                position: 3,
                found: 'a'
            })
        ));
    }

    // Issue 15: GTIN 00000000000000 was accepted (its check digit is right).
    #[test]
    fn all_zeros_is_no_gtin() {
        for zeros in [
            "00000000",
            "000000000000",
            "0000000000000",
            "00000000000000",
        ] {
            let err = Gtin::parse(zeros).unwrap_err();
            assert_eq!(err, GtinError::AllZeros);
            assert_eq!(err.code(), "invalid_gtin");
            assert_ne!(err.message(Lang::Vi), err.message(Lang::En));
        }
        assert!(Gtin::parse("00000096385074").is_ok());
    }

    #[test]
    fn parses_every_length_and_normalises_to_14() {
        let cases = [
            ("96385074", "00000096385074"),
            ("036000291452", "00036000291452"),
            ("4006381333931", "04006381333931"),
            ("8936012345674", "08936012345674"),
            ("00860080001300", "00860080001300"),
            ("18936012345671", "18936012345671"),
        ];
        for (input, fourteen) in cases {
            let g = Gtin::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(g.as_str14(), fourteen);
            assert_eq!(g.to_string(), fourteen);
            assert_eq!(Gtin::parse(fourteen).unwrap(), g);
        }
        assert_eq!(
            Gtin::parse("  8936012345674\n").unwrap().as_str14(),
            "08936012345674"
        );
    }

    #[test]
    fn gtin13_and_shortest_forms() {
        let ean = Gtin::parse("8936012345674").unwrap();
        assert_eq!(ean.as_gtin13().as_deref(), Some("8936012345674"));
        assert_eq!(ean.as_shortest(), "8936012345674");
        let case = Gtin::parse("18936012345671").unwrap();
        assert_eq!(case.as_gtin13(), None);
        assert_eq!(case.as_shortest(), "18936012345671");
        let ean8 = Gtin::parse("96385074").unwrap();
        assert_eq!(ean8.as_shortest(), "96385074");
        assert_eq!(ean8.as_gtin13().as_deref(), Some("0000096385074"));
        let upc = Gtin::parse("036000291452").unwrap();
        assert_eq!(upc.as_shortest(), "036000291452");
    }

    #[test]
    fn wrong_check_digit_says_the_expected_one() {
        let err = Gtin::parse("8936012345670").unwrap_err();
        assert_eq!(
            err,
            GtinError::CheckDigit {
                expected: 4,
                found: 0
            }
        );
        assert_eq!(err.code(), "invalid_gtin");
        assert!(err.message(Lang::Vi).contains("đúng phải là 4"));
        assert!(err.message(Lang::En).contains("should be 4"));
        for bad in [
            "96385075",
            "036000291453",
            "4006381333932",
            "00860080001301",
        ] {
            assert!(
                matches!(Gtin::parse(bad), Err(GtinError::CheckDigit { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn wrong_length_and_non_digits() {
        for (bad, len) in [
            ("", 0),
            ("1234567", 7),
            ("123456789", 9),
            ("123456789012345", 15),
        ] {
            assert_eq!(Gtin::parse(bad), Err(GtinError::Length { len }), "{bad}");
        }
        assert_eq!(
            Gtin::parse("893601234567X"),
            Err(GtinError::NonDigit {
                position: 13,
                found: 'X'
            })
        );
        // Non-ASCII digits are not GS1 digits.
        assert!(matches!(
            Gtin::parse("٨٩٣٦٠١٢٣٤٥٦٧٤"),
            Err(GtinError::NonDigit { position: 1, .. })
        ));
        assert!(matches!(
            Gtin::parse("8936 012345672"),
            Err(GtinError::NonDigit { found: ' ', .. })
        ));
        let msg = Gtin::parse("123").unwrap_err().message(Lang::Vi);
        assert!(msg.contains("8, 12, 13 hoặc 14"));
    }

    #[test]
    fn serde_as_string() {
        let g = Gtin::parse("8936012345674").unwrap();
        assert_eq!(serde_json::to_string(&g).unwrap(), "\"08936012345674\"");
        assert_eq!(
            serde_json::from_str::<Gtin>("\"8936012345674\"").unwrap(),
            g
        );
        assert!(serde_json::from_str::<Gtin>("\"8936012345670\"").is_err());
        assert!(serde_json::from_str::<Gtin>("8936012345674").is_err());
    }
}
