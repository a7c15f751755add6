//! GS1 Digital Link URIs, as printed in the QR code of a provenance label,
//! and classification of whatever a barcode scanner types.
//!
//! The URI form made here is
//! `{base}/01/{GTIN-14}[/10/{lot}][/21/{serial}][?17=YYMMDD]`, which GS1's
//! Digital Link grammar (1.1–1.4) accepts: the GTIN is always written with 14
//! digits; lot and serial are 1–20 characters of GS1 AI character set 82,
//! written with `0-9 A-Z a-z - . _` as they are and every other set-82
//! character percent-encoded (`/` → `%2F`), as the grammar's `XCHAR` rule
//! requires. Characters outside set 82 — spaces, Vietnamese letters, `~` —
//! cannot be carried at all and are refused when a [`Lot`] or [`Serial`] is
//! made, so a `DigitalLink` value always yields a valid URI.
//!
//! One set-82 character is refused too: the double quote `"`. GS1's ABNF
//! (and its `digital-link.js` validator) wants it raw (`DoubleQuote = '"'`,
//! a known defect of the grammar, gs1/DigitalLinkDocs#13), while RFC 3986
//! forbids a raw `"` in a URI and requires `%22`. No encoding satisfies
//! both, and a lot or serial has no need for quotes.
//!
//! Parsing is lenient where GS1 allows it: any scheme-qualified base and path
//! prefix before `/01/`, GTIN-8/12/13 normalised to 14 digits, percent-escapes
//! in either case, unknown query parameters and a consumer-product-variant
//! (`/22/`) qualifier ignored. It is strict where a wrong reading could sell
//! the wrong thing: the GTIN check digit, the order and uniqueness of the
//! path qualifiers (`22`, `10`, `21`), and the set-82 content of lot and serial.
//!
//! Expiry (AI 17, `YYMMDD`) is read as a date in 2000–2099; day `00` means
//! the last day of the month, as GS1 specifies. Only such dates can be
//! written; a date outside that century is written modulo 100.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::gtin::{Gtin, GtinError};
use crate::i18n::{Lang, UserError};

/// The longest lot or serial GS1 allows (AI 10 and AI 21).
pub const MAX_AI_VALUE_LEN: usize = 20;

/// Longest internal barcode [`ScanInput::classify`] accepts.
pub const MAX_INTERNAL_CODE_LEN: usize = 48;

/// Which Digital Link value a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AiField {
    Lot,
    Serial,
}

impl AiField {
    fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (AiField::Lot, Lang::Vi) => "Số lô",
            (AiField::Lot, Lang::En) => "The lot number",
            (AiField::Serial, Lang::Vi) => "Số sê-ri",
            (AiField::Serial, Lang::En) => "The serial number",
        }
    }
}

/// A lot or serial that GS1 cannot carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AiValueError {
    #[error("{field:?} is empty")]
    Empty { field: AiField },
    #[error("{field:?} has {len} characters, at most 20 are allowed")]
    TooLong { field: AiField, len: usize },
    #[error("{field:?} contains {found:?} at position {position}, outside GS1 character set 82")]
    InvalidChar {
        field: AiField,
        found: char,
        position: usize,
    },
}

impl AiValueError {
    fn field(&self) -> AiField {
        match self {
            AiValueError::Empty { field }
            | AiValueError::TooLong { field, .. }
            | AiValueError::InvalidChar { field, .. } => *field,
        }
    }
}

impl UserError for AiValueError {
    fn code(&self) -> &'static str {
        match self.field() {
            AiField::Lot => "invalid_lot",
            AiField::Serial => "invalid_serial",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let name = self.field().name(lang);
        match (self, lang) {
            (AiValueError::Empty { .. }, Lang::Vi) => format!("{name} không được để trống."),
            (AiValueError::Empty { .. }, Lang::En) => format!("{name} cannot be empty."),
            (AiValueError::TooLong { len, .. }, Lang::Vi) => {
                format!("{name} dài tối đa 20 ký tự (đang có {len}).")
            }
            (AiValueError::TooLong { len, .. }, Lang::En) => {
                format!("{name} can have at most 20 characters (it has {len}).")
            }
            (
                AiValueError::InvalidChar {
                    found, position, ..
                },
                Lang::Vi,
            ) => {
                let why = if found.is_whitespace() {
                    "không được có dấu cách".to_string()
                } else if found.is_alphabetic() {
                    format!("chữ có dấu \"{found}\" không dùng được, hãy viết không dấu")
                } else {
                    format!("ký tự \"{found}\" không được phép")
                };
                format!(
                    "{name} chỉ gồm chữ cái không dấu, chữ số và các ký hiệu GS1 \
                     (- . _ / ! % & ( ) * + , : ; < = > ? '): ở vị trí {position}, {why}."
                )
            }
            (
                AiValueError::InvalidChar {
                    found, position, ..
                },
                Lang::En,
            ) => {
                let why = if found.is_whitespace() {
                    "spaces are not allowed".to_string()
                } else if found.is_alphabetic() {
                    format!(
                        "the accented letter \"{found}\" cannot be used, write it without accents"
                    )
                } else {
                    format!("the character \"{found}\" is not allowed")
                };
                format!(
                    "{name} may only use unaccented letters, digits and the GS1 symbols \
                     (- . _ / ! % & ( ) * + , : ; < = > ? '): at position {position}, {why}."
                )
            }
        }
    }
}

/// GS1 AI encodable character set 82 (GS1 General Specifications, fig. 7.11-1).
fn is_cset82(c: char) -> bool {
    matches!(c,
        '!' | '"' | '%' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | '-' | '.' | '/'
        | '0'..='9' | ':' | ';' | '<' | '=' | '>' | '?' | 'A'..='Z' | '_' | 'a'..='z')
}

/// Set 82 without the double quote (see the module documentation).
fn is_link_safe(c: char) -> bool {
    is_cset82(c) && c != '"'
}

fn validate_ai_value(field: AiField, value: &str) -> Result<(), AiValueError> {
    if value.is_empty() {
        return Err(AiValueError::Empty { field });
    }
    if let Some((i, found)) = value.chars().enumerate().find(|(_, c)| !is_link_safe(*c)) {
        return Err(AiValueError::InvalidChar {
            field,
            found,
            position: i + 1,
        });
    }
    // All ASCII by now: bytes are characters.
    if value.len() > MAX_AI_VALUE_LEN {
        return Err(AiValueError::TooLong {
            field,
            len: value.len(),
        });
    }
    Ok(())
}

/// Writes `value` with the characters GS1 Digital Link leaves as they are
/// (`0-9 A-Z a-z - . _`) and percent-encodes every other byte, upper-case hex.
fn percent_encode(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push_str(&format!("{b:02X}"));
        }
    }
}

/// Strict percent-decoding: every `%` must start a two-hex-digit escape and
/// the result must be UTF-8.
fn percent_decode(segment: &str) -> Result<String, DigitalLinkError> {
    let bad = || DigitalLinkError::BadPercentEncoding {
        segment: segment.to_string(),
    };
    let mut bytes = Vec::with_capacity(segment.len());
    let mut iter = segment.bytes();
    while let Some(b) = iter.next() {
        if b == b'%' {
            let hi = iter.next().and_then(|h| char::from(h).to_digit(16));
            let lo = iter.next().and_then(|l| char::from(l).to_digit(16));
            match (hi, lo) {
                (Some(hi), Some(lo)) => {
                    bytes.push(u8::try_from(hi * 16 + lo).map_err(|_| bad())?);
                }
                _ => return Err(bad()),
            }
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).map_err(|_| bad())
}

macro_rules! ai_value_type {
    ($(#[$doc:meta])* $name:ident, $field:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub struct $name(String);

        impl $name {
            /// Accepts 1–20 characters of GS1 character set 82 other than
            /// `"` (see the module documentation), as given
            /// (no trimming: a space is an error, not something to guess at).
            pub fn parse(value: &str) -> Result<Self, AiValueError> {
                validate_ai_value($field, value)?;
                Ok(Self(value.to_string()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = AiValueError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

ai_value_type!(
    /// A batch/lot number (GS1 AI 10).
    Lot,
    AiField::Lot
);
ai_value_type!(
    /// A serial number (GS1 AI 21), unique per label of one product.
    Serial,
    AiField::Serial
);

/// Why a text is not a (supported) GS1 Digital Link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigitalLinkError {
    #[error("not a GS1 Digital Link URI (expected http(s)://…/01/<GTIN>)")]
    NotADigitalLink,
    #[error(transparent)]
    Gtin(#[from] GtinError),
    #[error(transparent)]
    Value(#[from] AiValueError),
    #[error("bad percent-encoding in {segment:?}")]
    BadPercentEncoding { segment: String },
    #[error("unexpected path element {segment:?} after the GTIN")]
    UnexpectedPath { segment: String },
    #[error("expiry date (17) must be YYMMDD, got {value:?}")]
    BadExpiry { value: String },
    #[error("the query parameter {key:?} appears twice")]
    DuplicateParameter { key: String },
}

impl UserError for DigitalLinkError {
    fn code(&self) -> &'static str {
        match self {
            DigitalLinkError::Gtin(e) => e.code(),
            DigitalLinkError::Value(e) => e.code(),
            _ => "invalid_digital_link",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (DigitalLinkError::Gtin(e), _) => e.message(lang),
            (DigitalLinkError::Value(e), _) => e.message(lang),
            (DigitalLinkError::NotADigitalLink, Lang::Vi) => {
                "Đây không phải là đường dẫn GS1 Digital Link của sản phẩm \
                 (dạng https://…/01/<mã GTIN>)."
                    .into()
            }
            (DigitalLinkError::NotADigitalLink, Lang::En) => {
                "This is not a GS1 Digital Link of a product (https://…/01/<GTIN>).".into()
            }
            (DigitalLinkError::BadPercentEncoding { segment }, Lang::Vi) => {
                format!("Đường dẫn có mã hoá % sai ở \"{segment}\".")
            }
            (DigitalLinkError::BadPercentEncoding { segment }, Lang::En) => {
                format!("The link has a bad %-escape in \"{segment}\".")
            }
            (DigitalLinkError::UnexpectedPath { segment }, Lang::Vi) => format!(
                "Đường dẫn có thành phần không hợp lệ sau mã GTIN: \"{segment}\" \
                 (chỉ nhận /22/, /10/ số lô, /21/ số sê-ri, theo thứ tự đó)."
            ),
            (DigitalLinkError::UnexpectedPath { segment }, Lang::En) => format!(
                "The link has an unexpected part after the GTIN: \"{segment}\" \
                 (only /22/, /10/ lot, /21/ serial, in that order)."
            ),
            (DigitalLinkError::BadExpiry { value }, Lang::Vi) => {
                format!("Hạn sử dụng (17) phải có dạng YYMMDD, nhận được \"{value}\".")
            }
            (DigitalLinkError::BadExpiry { value }, Lang::En) => {
                format!("The expiry date (17) must be YYMMDD, got \"{value}\".")
            }
            (DigitalLinkError::DuplicateParameter { key }, Lang::Vi) => {
                format!("Tham số \"{key}\" xuất hiện hai lần trong đường dẫn.")
            }
            (DigitalLinkError::DuplicateParameter { key }, Lang::En) => {
                format!("The parameter \"{key}\" appears twice in the link.")
            }
        }
    }
}

/// A GS1 Digital Link for one trade item, optionally one lot, one serialised
/// unit, and the expiry date.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct DigitalLink {
    pub gtin: Gtin,
    pub lot: Option<Lot>,
    pub serial: Option<Serial>,
    /// Written as `?17=YYMMDD`; must fall in 2000–2099.
    pub expiry: Option<NaiveDate>,
}

fn parse_yymmdd(value: &str) -> Result<NaiveDate, DigitalLinkError> {
    let bad = || DigitalLinkError::BadExpiry {
        value: value.to_string(),
    };
    if value.len() != 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let field = |range: std::ops::Range<usize>| -> Result<u32, DigitalLinkError> {
        value
            .get(range)
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)
    };
    let year = i32::try_from(2000 + field(0..2)?).map_err(|_| bad())?;
    let month = field(2..4)?;
    let day = field(4..6)?;
    if day == 0 {
        // GS1: day 00 means the last day of the month.
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .ok_or_else(bad)?;
        return next.pred_opt().ok_or_else(bad);
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(bad)
}

/// Parses what follows `/01/`: GTIN, then qualifiers in grammar order.
fn parse_tail(segments: &[&str]) -> Result<(Gtin, Option<Lot>, Option<Serial>), DigitalLinkError> {
    let mut iter = segments.iter();
    let gtin_text = iter.next().ok_or(DigitalLinkError::NotADigitalLink)?;
    let gtin = Gtin::parse(&percent_decode(gtin_text)?)?;
    let mut lot = None;
    let mut serial = None;
    // Grammar order: cpv (22), lot (10), serial (21); each at most once.
    let order = ["22", "10", "21"];
    let mut next_allowed = 0usize;
    while let Some(key) = iter.next() {
        let unexpected = || DigitalLinkError::UnexpectedPath {
            segment: (*key).to_string(),
        };
        let position = order
            .iter()
            .position(|k| k == key)
            .filter(|p| *p >= next_allowed)
            .ok_or_else(unexpected)?;
        next_allowed = position + 1;
        let raw = iter.next().ok_or_else(unexpected)?;
        let value = percent_decode(raw)?;
        match *key {
            "10" => lot = Some(Lot::parse(&value)?),
            "21" => serial = Some(Serial::parse(&value)?),
            // A consumer product variant: checked to be GS1-valid, then not
            // needed to find the product.
            _ => validate_ai_value(AiField::Lot, &value).map_err(|_| unexpected())?,
        }
    }
    Ok((gtin, lot, serial))
}

impl DigitalLink {
    pub fn new(gtin: Gtin) -> DigitalLink {
        DigitalLink {
            gtin,
            lot: None,
            serial: None,
            expiry: None,
        }
    }

    pub fn with_lot(mut self, lot: Lot) -> DigitalLink {
        self.lot = Some(lot);
        self
    }

    pub fn with_serial(mut self, serial: Serial) -> DigitalLink {
        self.serial = Some(serial);
        self
    }

    pub fn with_expiry(mut self, expiry: NaiveDate) -> DigitalLink {
        self.expiry = Some(expiry);
        self
    }

    /// `{base}/01/{GTIN-14}[/10/{lot}][/21/{serial}][?17=YYMMDD]`. `base` is
    /// scheme and host, optionally a path, e.g. `https://ocop.laocai.gov.vn`;
    /// a trailing slash is tolerated.
    pub fn to_uri(&self, base: &str) -> String {
        let mut uri = String::with_capacity(base.len() + 80);
        uri.push_str(base.trim_end_matches('/'));
        uri.push_str("/01/");
        uri.push_str(self.gtin.as_str14());
        if let Some(lot) = &self.lot {
            uri.push_str("/10/");
            percent_encode(lot.as_str(), &mut uri);
        }
        if let Some(serial) = &self.serial {
            uri.push_str("/21/");
            percent_encode(serial.as_str(), &mut uri);
        }
        if let Some(expiry) = self.expiry {
            uri.push_str(&format!(
                "?17={:02}{:02}{:02}",
                expiry.year().rem_euclid(100),
                expiry.month(),
                expiry.day()
            ));
        }
        uri
    }

    /// Parses a Digital Link URI with any `http`/`https` base and path
    /// prefix before `/01/`.
    pub fn parse(uri: &str) -> Result<DigitalLink, DigitalLinkError> {
        let uri = uri.trim();
        let uri = uri.split_once('#').map_or(uri, |(before, _)| before);
        let lower_scheme = uri.get(..8).unwrap_or(uri).to_ascii_lowercase();
        let rest = if lower_scheme.starts_with("https://") {
            uri.get(8..)
        } else if lower_scheme.starts_with("http://") {
            uri.get(7..)
        } else {
            None
        }
        .ok_or(DigitalLinkError::NotADigitalLink)?;
        let (path_and_host, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        // Drop the host; keep the path segments. A trailing slash is tolerated.
        let path = path_and_host
            .split_once('/')
            .map(|(_, path)| path)
            .ok_or(DigitalLinkError::NotADigitalLink)?;
        let path = path.strip_suffix('/').unwrap_or(path);
        let segments: Vec<&str> = path.split('/').collect();

        // The identifier is "01" followed by the GTIN and key/value pairs. A
        // prefix may itself contain "01": try each candidate from the left,
        // keep the first that parses, otherwise report the first problem.
        let mut first_error = None;
        let mut parsed = None;
        for (i, segment) in segments.iter().enumerate() {
            let Some(tail) = segments.get(i + 1..) else {
                break;
            };
            if *segment != "01" || tail.is_empty() {
                continue;
            }
            match parse_tail(tail) {
                Ok(found) => {
                    parsed = Some(found);
                    break;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        let (gtin, lot, serial) = match (parsed, first_error) {
            (Some(found), _) => found,
            (None, Some(e)) => return Err(e),
            (None, None) => return Err(DigitalLinkError::NotADigitalLink),
        };

        let mut expiry = None;
        for param in query.unwrap_or_default().split(['&', ';']) {
            let (key, value) = param.split_once('=').unwrap_or((param, ""));
            if key == "17" {
                if expiry.is_some() {
                    return Err(DigitalLinkError::DuplicateParameter {
                        key: key.to_string(),
                    });
                }
                expiry = Some(parse_yymmdd(&percent_decode(value)?)?);
            }
        }
        Ok(DigitalLink {
            gtin,
            lot,
            serial,
            expiry,
        })
    }
}

/// Why a scan cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("empty scan")]
    Empty,
    #[error("unrecognised scan")]
    Unrecognised,
    #[error(transparent)]
    Gtin(#[from] GtinError),
    #[error(transparent)]
    DigitalLink(#[from] DigitalLinkError),
}

impl UserError for ScanError {
    fn code(&self) -> &'static str {
        match self {
            ScanError::Empty => "empty_scan",
            ScanError::Unrecognised => "unrecognised_scan",
            ScanError::Gtin(e) => e.code(),
            ScanError::DigitalLink(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ScanError::Empty, Lang::Vi) => "Chưa quét hoặc nhập mã nào.".into(),
            (ScanError::Empty, Lang::En) => "Nothing was scanned or typed.".into(),
            (ScanError::Unrecognised, Lang::Vi) => format!(
                "Không nhận ra mã vừa quét: mã nội bộ chỉ gồm ký tự ASCII in được, \
                 tối đa {MAX_INTERNAL_CODE_LEN} ký tự."
            ),
            (ScanError::Unrecognised, Lang::En) => format!(
                "Unrecognised scan: internal codes are printable ASCII, \
                 at most {MAX_INTERNAL_CODE_LEN} characters."
            ),
            (ScanError::Gtin(e), _) => e.message(lang),
            (ScanError::DigitalLink(e), _) => e.message(lang),
        }
    }
}

/// What a barcode scanner (or a cashier) typed, classified.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ScanInput {
    /// An EAN-8/13, UPC-A or GTIN-14 with a correct check digit.
    Gtin(Gtin),
    /// A GS1 Digital Link read from a QR label.
    DigitalLink(DigitalLink),
    /// Any other code: the outlet's own barcodes. Trimmed.
    Internal(String),
}

impl ScanInput {
    /// Classifies a scan. Digits of a GTIN length (8, 12, 13, 14) must carry
    /// a correct GS1 check digit — a wrong one is reported, not looked up as
    /// an internal code, because it is almost always a mistyped barcode; so
    /// internal codes must avoid those lengths or be valid GS1 numbers
    /// (restricted-circulation prefix 2). Text starting with `http://` or
    /// `https://` must be a GS1 Digital Link. Anything else is an internal
    /// code: printable ASCII, at most [`MAX_INTERNAL_CODE_LEN`] characters.
    pub fn classify(input: &str) -> Result<ScanInput, ScanError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ScanError::Empty);
        }
        if s.bytes().all(|b| b.is_ascii_digit()) && [8, 12, 13, 14].contains(&s.len()) {
            return Ok(ScanInput::Gtin(Gtin::parse(s)?));
        }
        let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            return Ok(ScanInput::DigitalLink(DigitalLink::parse(s)?));
        }
        if s.len() <= MAX_INTERNAL_CODE_LEN && s.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Ok(ScanInput::Internal(s.to_string()));
        }
        Err(ScanError::Unrecognised)
    }
}

#[cfg(test)]
mod tests;
