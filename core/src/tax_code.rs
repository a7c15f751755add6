//! Vietnamese enterprise tax codes (mã số thuế, MST) of producers and
//! outlets.
//!
//! A tax code is 10 digits (the enterprise), or 13 digits for a dependent
//! unit (branch, representative office), written `0123456789-001`: the
//! parent's 10 digits, a hyphen, a 3-digit branch number from `001`. The
//! 13 digits are also accepted without the hyphen and normalised to the
//! hyphenated form, the one printed on invoices.
//!
//! Only the format is checked. The 10th digit was once a check digit, but
//! codes issued by the current rules (and personal/household codes reused as
//! business codes) do not all satisfy it, so applying it would refuse real,
//! valid producers; the tax authority's lookup is the only real check.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, UserError};

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Vietnamese tax code: {input:?}")]
pub struct TaxCodeError {
    pub input: String,
}

impl UserError for TaxCodeError {
    fn code(&self) -> &'static str {
        "invalid_tax_code"
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => format!(
                "Mã số thuế \"{}\" không hợp lệ: phải gồm 10 chữ số, hoặc 13 chữ số \
                 dạng 0123456789-001 đối với chi nhánh.",
                self.input
            ),
            Lang::En => format!(
                "Invalid tax code \"{}\": it has 10 digits, or 13 written \
                 0123456789-001 for a branch.",
                self.input
            ),
        }
    }
}

impl TaxCode {
    pub fn parse(input: &str) -> Result<TaxCode, TaxCodeError> {
        let bad = || TaxCodeError {
            input: input.to_string(),
        };
        let s = input.trim();
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        let (main, branch) = match s.split_once('-') {
            Some((main, branch)) => (main, Some(branch)),
            None if s.len() == 13 => {
                let (main, branch) = s.split_at_checked(10).ok_or_else(bad)?;
                (main, Some(branch))
            }
            None => (s, None),
        };
        if main.len() != 10 || !digits(main) {
            return Err(bad());
        }
        match branch {
            None => Ok(TaxCode(main.to_string())),
            Some(b) if b.len() == 3 && digits(b) && b != "000" => {
                Ok(TaxCode(format!("{main}-{b}")))
            }
            Some(_) => Err(bad()),
        }
    }

    /// `0123456789` or `0123456789-001`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The enterprise's own 10 digits (the parent's, for a branch).
    pub fn enterprise(&self) -> &str {
        self.0.get(..10).unwrap_or(&self.0)
    }

    /// The branch number of a dependent unit, e.g. `001`.
    pub fn branch(&self) -> Option<&str> {
        self.0.get(11..)
    }
}

impl fmt::Display for TaxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for TaxCode {
    type Err = TaxCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaxCode::parse(s)
    }
}

impl TryFrom<String> for TaxCode {
    type Error = TaxCodeError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        TaxCode::parse(&s)
    }
}

impl From<TaxCode> for String {
    fn from(t: TaxCode) -> String {
        t.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_digits() {
        let t = TaxCode::parse(" 5300123456 ").unwrap();
        assert_eq!(t.as_str(), "5300123456");
        assert_eq!(t.enterprise(), "5300123456");
        assert_eq!(t.branch(), None);
        // leading zero kept (Hà Nội codes start with 01)
        assert_eq!(TaxCode::parse("0100109106").unwrap().as_str(), "0100109106");
    }

    #[test]
    fn thirteen_digits_normalised_to_hyphen() {
        let a = TaxCode::parse("5300123456-001").unwrap();
        let b = TaxCode::parse("5300123456001").unwrap();
        assert_eq!(a, b);
        assert_eq!(b.as_str(), "5300123456-001");
        assert_eq!(b.to_string(), "5300123456-001");
        assert_eq!(b.enterprise(), "5300123456");
        assert_eq!(b.branch(), Some("001"));
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "530012345",
            "53001234567",
            "530012345a",
            "5300123456-",
            "5300123456-01",
            "5300123456-0001",
            "5300123456-000",
            "5300123456000",
            "5300123456-00a",
            "530012345-6001",
            "-5300123456",
            "5300 123456",
            "5300123456-001-002",
            "５３００１２３４５６",
        ] {
            let err = TaxCode::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_tax_code", "{bad}");
        }
        let err = TaxCode::parse("123").unwrap_err();
        assert!(err.message(Lang::Vi).contains("10 chữ số"));
        assert!(err.message(Lang::En).contains("10 digits"));
    }

    #[test]
    fn serde_as_string() {
        let t = TaxCode::parse("5300123456001").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"5300123456-001\"");
        assert_eq!(
            serde_json::from_str::<TaxCode>("\"5300123456001\"").unwrap(),
            t
        );
        assert!(serde_json::from_str::<TaxCode>("\"12\"").is_err());
    }
}
