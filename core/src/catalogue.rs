//! OCOP catalogue rules: star ratings, certificates, producer kinds, and
//! whether a product may be listed, received and sold at an outlet.
//!
//! The listing rule (Decision 950/QĐ-BCT on OCOP showrooms and sales points,
//! as this system applies it), decided by [`listing_status`]:
//!
//! 1. a product needs an OCOP certificate that has been issued;
//! 2. it needs 3 stars or more, unless it is one of the province's key
//!    products (sản phẩm chủ lực);
//! 3. while the certificate is valid it may be received and sold;
//! 4. once the certificate has expired, the stock already on the shelf may
//!    still be sold (with a warning) but no new goods may be received.
//!
//! A certificate is valid from its issue date through its expiry date, both
//! inclusive; OCOP certificates run 36 months unless stated otherwise.

use std::fmt;
use std::str::FromStr;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, UserError};

/// How long an OCOP certificate runs when its expiry is not stated.
pub const DEFAULT_CERTIFICATE_MONTHS: u32 = 36;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("star rating must be 1 to 5: {input:?}")]
    InvalidStars { input: String },
    #[error("certificate number is empty or too long")]
    InvalidCertificateNumber,
    #[error("certificate expires on {expires_on}, not after its issue on {issued_on}")]
    CertificateDatesInverted {
        issued_on: NaiveDate,
        expires_on: NaiveDate,
    },
    #[error("unknown certificate level {input:?}")]
    InvalidCertificateLevel { input: String },
    #[error("unknown producer kind {input:?}")]
    InvalidProducerKind { input: String },
}

impl UserError for CatalogueError {
    fn code(&self) -> &'static str {
        match self {
            CatalogueError::InvalidStars { .. } => "invalid_star_rating",
            CatalogueError::InvalidCertificateNumber => "invalid_certificate_number",
            CatalogueError::CertificateDatesInverted { .. } => "certificate_dates_inverted",
            CatalogueError::InvalidCertificateLevel { .. } => "invalid_certificate_level",
            CatalogueError::InvalidProducerKind { .. } => "invalid_producer_kind",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CatalogueError::InvalidStars { input }, Lang::Vi) => {
                format!("Hạng sao OCOP phải từ 1 đến 5 (nhận được \"{input}\").")
            }
            (CatalogueError::InvalidStars { input }, Lang::En) => {
                format!("The OCOP star rating must be 1 to 5 (got \"{input}\").")
            }
            (CatalogueError::InvalidCertificateNumber, Lang::Vi) => {
                "Số giấy chứng nhận OCOP không được để trống và dài tối đa 64 ký tự.".into()
            }
            (CatalogueError::InvalidCertificateNumber, Lang::En) => {
                "The OCOP certificate number must be 1 to 64 characters.".into()
            }
            (
                CatalogueError::CertificateDatesInverted {
                    issued_on,
                    expires_on,
                },
                Lang::Vi,
            ) => format!(
                "Ngày hết hạn ({}) phải sau ngày cấp giấy chứng nhận ({}).",
                expires_on.format("%d/%m/%Y"),
                issued_on.format("%d/%m/%Y")
            ),
            (
                CatalogueError::CertificateDatesInverted {
                    issued_on,
                    expires_on,
                },
                Lang::En,
            ) => format!(
                "The expiry date ({}) must be after the certificate's issue date ({}).",
                expires_on.format("%d/%m/%Y"),
                issued_on.format("%d/%m/%Y")
            ),
            (CatalogueError::InvalidCertificateLevel { input }, Lang::Vi) => format!(
                "Cấp chứng nhận \"{input}\" không hợp lệ (province: cấp tỉnh, central: cấp trung ương)."
            ),
            (CatalogueError::InvalidCertificateLevel { input }, Lang::En) => {
                format!("Unknown certificate level \"{input}\" (expected province or central).")
            }
            (CatalogueError::InvalidProducerKind { input }, Lang::Vi) => format!(
                "Loại hình chủ thể \"{input}\" không hợp lệ (jsc, llc, htx, tht, household)."
            ),
            (CatalogueError::InvalidProducerKind { input }, Lang::En) => format!(
                "Unknown producer kind \"{input}\" (expected jsc, llc, htx, tht or household)."
            ),
        }
    }
}

/// An OCOP star rating, 1 to 5. Serialised as a plain integer.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct StarRating(u8);

impl StarRating {
    pub fn new(stars: u8) -> Result<StarRating, CatalogueError> {
        if (1..=5).contains(&stars) {
            Ok(StarRating(stars))
        } else {
            Err(CatalogueError::InvalidStars {
                input: stars.to_string(),
            })
        }
    }

    /// Accepts `4`, `4★`, `4 sao`, `4*`.
    pub fn parse(input: &str) -> Result<StarRating, CatalogueError> {
        let bad = || CatalogueError::InvalidStars {
            input: input.to_string(),
        };
        let s = input.trim();
        let s = ["sao", "★", "*"]
            .iter()
            .find_map(|suffix| s.strip_suffix(suffix))
            .unwrap_or(s)
            .trim_end();
        if s.len() != 1 {
            return Err(bad());
        }
        let stars: u8 = s.parse().map_err(|_| bad())?;
        StarRating::new(stars).map_err(|_| bad())
    }

    pub fn stars(self) -> u8 {
        self.0
    }

    /// 3 stars or more: certified OCOP, promoted and listable.
    pub fn is_certified(self) -> bool {
        self.0 >= 3
    }

    /// The band of the 100-point score that earns these stars, inclusive.
    ///
    /// The OCOP criteria (Decision 1048/QĐ-TTg of 21/8/2019, kept by
    /// Decision 148/QĐ-TTg of 24/2/2023, section "Phân hạng sản phẩm"):
    /// the total is at most 100 points; 5★ 90–100, 4★ 70–89, 3★ 50–69,
    /// 2★ 30–49, 1★ below 30.
    pub fn score_band(self) -> (u8, u8) {
        match self.0 {
            5 => (90, 100),
            4 => (70, 89),
            3 => (50, 69),
            2 => (30, 49),
            _ => (0, 29),
        }
    }

    /// Whether a rating council's score agrees with these stars.
    pub fn matches_score(self, score: u8) -> bool {
        let (low, high) = self.score_band();
        (low..=high).contains(&score)
    }
}

impl TryFrom<u8> for StarRating {
    type Error = CatalogueError;

    fn try_from(v: u8) -> Result<Self, Self::Error> {
        StarRating::new(v)
    }
}

impl From<StarRating> for u8 {
    fn from(s: StarRating) -> u8 {
        s.0
    }
}

impl fmt::Display for StarRating {
    /// `4★`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}★", self.0)
    }
}

/// Which level of government issued the certificate.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CertificateLevel {
    /// Provincial People's Committee (3–4 stars).
    Province,
    /// Central government (5 stars).
    Central,
}

impl CertificateLevel {
    pub fn code(self) -> &'static str {
        match self {
            CertificateLevel::Province => "province",
            CertificateLevel::Central => "central",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (CertificateLevel::Province, Lang::Vi) => "Cấp tỉnh",
            (CertificateLevel::Province, Lang::En) => "Provincial",
            (CertificateLevel::Central, Lang::Vi) => "Cấp trung ương",
            (CertificateLevel::Central, Lang::En) => "National",
        }
    }
}

impl FromStr for CertificateLevel {
    type Err = CatalogueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "province" => Ok(CertificateLevel::Province),
            "central" => Ok(CertificateLevel::Central),
            other => Err(CatalogueError::InvalidCertificateLevel {
                input: other.to_string(),
            }),
        }
    }
}

/// An OCOP certificate (giấy chứng nhận). Its expiry is always after its
/// issue date.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(try_from = "CertificateFields")]
pub struct Certificate {
    number: String,
    level: CertificateLevel,
    issued_on: NaiveDate,
    expires_on: NaiveDate,
}

/// The unchecked shape of a certificate, for deserialising.
#[derive(Deserialize)]
struct CertificateFields {
    number: String,
    level: CertificateLevel,
    issued_on: NaiveDate,
    expires_on: Option<NaiveDate>,
}

impl TryFrom<CertificateFields> for Certificate {
    type Error = CatalogueError;

    fn try_from(f: CertificateFields) -> Result<Self, Self::Error> {
        Certificate::new(&f.number, f.level, f.issued_on, f.expires_on)
    }
}

impl Certificate {
    /// `expires_on` defaults to issue + 36 months (the same day of the month,
    /// or the month's last day when that day does not exist). An expiry on
    /// or before the issue date is [`CatalogueError::CertificateDatesInverted`].
    pub fn new(
        number: &str,
        level: CertificateLevel,
        issued_on: NaiveDate,
        expires_on: Option<NaiveDate>,
    ) -> Result<Certificate, CatalogueError> {
        let number = number.trim();
        if number.is_empty() || number.chars().count() > 64 {
            return Err(CatalogueError::InvalidCertificateNumber);
        }
        let expires_on = match expires_on {
            Some(date) => date,
            None => issued_on
                .checked_add_months(Months::new(DEFAULT_CERTIFICATE_MONTHS))
                .unwrap_or(NaiveDate::MAX),
        };
        if expires_on <= issued_on {
            return Err(CatalogueError::CertificateDatesInverted {
                issued_on,
                expires_on,
            });
        }
        Ok(Certificate {
            number: number.to_string(),
            level,
            issued_on,
            expires_on,
        })
    }

    pub fn number(&self) -> &str {
        &self.number
    }

    pub fn level(&self) -> CertificateLevel {
        self.level
    }

    pub fn issued_on(&self) -> NaiveDate {
        self.issued_on
    }

    pub fn expires_on(&self) -> NaiveDate {
        self.expires_on
    }

    /// Issued on or before `date` and not yet past its expiry date.
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.issued_on <= date && date <= self.expires_on
    }

    /// Still valid on `today` but expiring within `days` days: for the
    /// inspector's list of certificates to renew.
    pub fn expires_within(&self, today: NaiveDate, days: u64) -> bool {
        self.is_valid_on(today)
            && today
                .checked_add_days(chrono::Days::new(days))
                .is_none_or(|limit| self.expires_on <= limit)
    }
}

/// Why a product is not fully listable.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ListingReason {
    NoCertificate,
    CertificateNotYetValid { issued_on: NaiveDate },
    BelowThreeStars { stars: StarRating },
    CertificateExpired { expired_on: NaiveDate },
}

/// What an outlet may do with a product.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Listing {
    /// 3 stars or more with a valid certificate.
    Listable,
    /// Below 3 stars with a valid certificate, listed as a key product of
    /// the province.
    ListableKeyProduct,
    /// The certificate has expired: remaining stock may be sold (with a
    /// warning), nothing more may be received.
    SellFromStockOnly { reason: ListingReason },
    /// May be neither received nor sold.
    NotListable { reason: ListingReason },
}

/// The listing rule; see the module documentation.
pub fn listing_status(
    stars: StarRating,
    certificate: Option<&Certificate>,
    key_product: bool,
    today: NaiveDate,
) -> Listing {
    let Some(certificate) = certificate else {
        return Listing::NotListable {
            reason: ListingReason::NoCertificate,
        };
    };
    if today < certificate.issued_on() {
        return Listing::NotListable {
            reason: ListingReason::CertificateNotYetValid {
                issued_on: certificate.issued_on(),
            },
        };
    }
    if !stars.is_certified() && !key_product {
        return Listing::NotListable {
            reason: ListingReason::BelowThreeStars { stars },
        };
    }
    if !certificate.is_valid_on(today) {
        return Listing::SellFromStockOnly {
            reason: ListingReason::CertificateExpired {
                expired_on: certificate.expires_on(),
            },
        };
    }
    if stars.is_certified() {
        Listing::Listable
    } else {
        Listing::ListableKeyProduct
    }
}

impl Listing {
    /// New goods may be received (consigned) at an outlet.
    pub fn can_receive(&self) -> bool {
        matches!(self, Listing::Listable | Listing::ListableKeyProduct)
    }

    /// Stock already at the outlet may be sold.
    pub fn can_sell_from_stock(&self) -> bool {
        !matches!(self, Listing::NotListable { .. })
    }

    /// What to show the cashier, manager or inspector; `None` when all is well.
    pub fn warning(&self, lang: Lang) -> Option<String> {
        let reason = match self {
            Listing::Listable | Listing::ListableKeyProduct => return None,
            Listing::SellFromStockOnly { reason } | Listing::NotListable { reason } => reason,
        };
        let text = match (reason, lang) {
            (ListingReason::NoCertificate, Lang::Vi) => {
                "Sản phẩm chưa có giấy chứng nhận OCOP: không được nhập và bán.".to_string()
            }
            (ListingReason::NoCertificate, Lang::En) => {
                "The product has no OCOP certificate: it cannot be received or sold.".to_string()
            }
            (ListingReason::CertificateNotYetValid { issued_on }, Lang::Vi) => format!(
                "Giấy chứng nhận OCOP có hiệu lực từ {}: chưa được nhập và bán.",
                issued_on.format("%d/%m/%Y")
            ),
            (ListingReason::CertificateNotYetValid { issued_on }, Lang::En) => format!(
                "The OCOP certificate is valid from {}: the product cannot be received or sold yet.",
                issued_on.format("%d/%m/%Y")
            ),
            (ListingReason::BelowThreeStars { stars }, Lang::Vi) => format!(
                "Sản phẩm đạt {} sao, dưới 3 sao và không phải sản phẩm chủ lực: \
                 không được trưng bày và bán.",
                stars.stars()
            ),
            (ListingReason::BelowThreeStars { stars }, Lang::En) => format!(
                "The product is rated {} stars, below 3, and is not a key product: \
                 it cannot be listed or sold.",
                stars.stars()
            ),
            (ListingReason::CertificateExpired { expired_on }, Lang::Vi) => format!(
                "Giấy chứng nhận OCOP đã hết hạn ngày {}: chỉ được bán hết hàng còn tồn, \
                 không được nhập thêm.",
                expired_on.format("%d/%m/%Y")
            ),
            (ListingReason::CertificateExpired { expired_on }, Lang::En) => format!(
                "The OCOP certificate expired on {}: remaining stock may be sold, \
                 no more may be received.",
                expired_on.format("%d/%m/%Y")
            ),
        };
        Some(text)
    }
}

/// The legal form of an OCOP producer (chủ thể OCOP).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum ProducerKind {
    #[serde(rename = "jsc")]
    JointStock,
    #[serde(rename = "llc")]
    Limited,
    #[serde(rename = "htx")]
    Cooperative,
    #[serde(rename = "tht")]
    CooperativeGroup,
    #[serde(rename = "household")]
    Household,
}

impl ProducerKind {
    pub const ALL: [ProducerKind; 5] = [
        ProducerKind::JointStock,
        ProducerKind::Limited,
        ProducerKind::Cooperative,
        ProducerKind::CooperativeGroup,
        ProducerKind::Household,
    ];

    /// Stable code: `jsc`, `llc`, `htx`, `tht`, `household`.
    pub fn code(self) -> &'static str {
        match self {
            ProducerKind::JointStock => "jsc",
            ProducerKind::Limited => "llc",
            ProducerKind::Cooperative => "htx",
            ProducerKind::CooperativeGroup => "tht",
            ProducerKind::Household => "household",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ProducerKind::JointStock, Lang::Vi) => "Công ty cổ phần",
            (ProducerKind::JointStock, Lang::En) => "Joint-stock company",
            (ProducerKind::Limited, Lang::Vi) => "Công ty TNHH",
            (ProducerKind::Limited, Lang::En) => "Limited liability company",
            (ProducerKind::Cooperative, Lang::Vi) => "Hợp tác xã",
            (ProducerKind::Cooperative, Lang::En) => "Cooperative",
            (ProducerKind::CooperativeGroup, Lang::Vi) => "Tổ hợp tác",
            (ProducerKind::CooperativeGroup, Lang::En) => "Cooperative group",
            (ProducerKind::Household, Lang::Vi) => "Hộ sản xuất kinh doanh",
            (ProducerKind::Household, Lang::En) => "Registered household business",
        }
    }
}

impl FromStr for ProducerKind {
    type Err = CatalogueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        ProducerKind::ALL
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| CatalogueError::InvalidProducerKind {
                input: s.to_string(),
            })
    }
}

#[cfg(test)]
mod score_band_tests {
    use super::StarRating;

    #[test]
    fn every_score_has_exactly_one_star_band() {
        for score in 0..=100u8 {
            let matching: Vec<u8> = (1..=5u8)
                .filter(|s| StarRating(*s).matches_score(score))
                .collect();
            assert_eq!(matching.len(), 1, "score {score}: {matching:?}");
        }
        assert!(StarRating(3).matches_score(50));
        assert!(StarRating(3).matches_score(69));
        assert!(!StarRating(3).matches_score(70));
        assert!(StarRating(4).matches_score(89));
        assert!(StarRating(5).matches_score(100));
        assert!(!StarRating(5).matches_score(101));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn stars(n: u8) -> StarRating {
        StarRating::new(n).unwrap()
    }

    fn cert(issued: NaiveDate) -> Certificate {
        Certificate::new("123/QĐ-UBND", CertificateLevel::Province, issued, None).unwrap()
    }

    #[test]
    fn star_ratings() {
        for n in 1..=5 {
            assert_eq!(stars(n).stars(), n);
            assert_eq!(StarRating::parse(&n.to_string()).unwrap(), stars(n));
            assert_eq!(stars(n).is_certified(), n >= 3);
        }
        assert_eq!(StarRating::parse(" 4★").unwrap(), stars(4));
        assert_eq!(StarRating::parse("4 sao").unwrap(), stars(4));
        assert_eq!(StarRating::parse("5*").unwrap(), stars(5));
        for bad in ["0", "6", "", "x", "10", "3.5", "-3", "★"] {
            let err = StarRating::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_star_rating", "{bad}");
        }
        assert!(StarRating::new(0).is_err());
        assert!(StarRating::new(6).is_err());
        assert_eq!(stars(4).to_string(), "4★");
        assert_eq!(serde_json::to_string(&stars(3)).unwrap(), "3");
        assert_eq!(serde_json::from_str::<StarRating>("5").unwrap(), stars(5));
        assert!(serde_json::from_str::<StarRating>("6").is_err());
    }

    #[test]
    fn certificate_defaults_to_36_months() {
        let c = cert(date(2024, 3, 15));
        assert_eq!(c.expires_on(), date(2027, 3, 15));
        // 29 February → 28 February three years later
        let c = cert(date(2024, 2, 29));
        assert_eq!(c.expires_on(), date(2027, 2, 28));
        assert_eq!(c.number(), "123/QĐ-UBND");
        assert_eq!(c.level(), CertificateLevel::Province);
        assert_eq!(c.issued_on(), date(2024, 2, 29));
    }

    #[test]
    fn certificate_refuses_inverted_dates() {
        for expires in [date(2024, 3, 15), date(2024, 3, 14)] {
            let err = Certificate::new(
                "1",
                CertificateLevel::Central,
                date(2024, 3, 15),
                Some(expires),
            )
            .unwrap_err();
            assert_eq!(err.code(), "certificate_dates_inverted");
            assert!(err.message(Lang::Vi).contains("15/03/2024"));
        }
        let c = Certificate::new(
            "1",
            CertificateLevel::Central,
            date(2024, 3, 15),
            Some(date(2024, 3, 16)),
        )
        .unwrap();
        assert_eq!(c.expires_on(), date(2024, 3, 16));
        assert_eq!(
            Certificate::new(" ", CertificateLevel::Central, date(2024, 3, 15), None),
            Err(CatalogueError::InvalidCertificateNumber)
        );
    }

    #[test]
    fn certificate_validity_is_inclusive() {
        let c = cert(date(2024, 3, 15));
        assert!(!c.is_valid_on(date(2024, 3, 14)));
        assert!(c.is_valid_on(date(2024, 3, 15)));
        assert!(c.is_valid_on(date(2027, 3, 15)));
        assert!(!c.is_valid_on(date(2027, 3, 16)));
        assert!(c.expires_within(date(2027, 2, 13), 30));
        assert!(!c.expires_within(date(2027, 2, 12), 30));
        assert!(!c.expires_within(date(2027, 3, 16), 30));
    }

    #[test]
    fn certificate_serde_validates() {
        let json =
            r#"{"number":"12","level":"central","issued_on":"2025-01-10","expires_on":null}"#;
        let c: Certificate = serde_json::from_str(json).unwrap();
        assert_eq!(c.expires_on(), date(2028, 1, 10));
        let round = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Certificate>(&round).unwrap(), c);
        let bad = r#"{"number":"12","level":"central","issued_on":"2025-01-10","expires_on":"2024-01-01"}"#;
        assert!(serde_json::from_str::<Certificate>(bad).is_err());
        let bad =
            r#"{"number":"12","level":"district","issued_on":"2025-01-10","expires_on":null}"#;
        assert!(serde_json::from_str::<Certificate>(bad).is_err());
    }

    #[test]
    fn levels() {
        for level in [CertificateLevel::Province, CertificateLevel::Central] {
            assert_eq!(level.code().parse::<CertificateLevel>().unwrap(), level);
            assert_eq!(
                serde_json::to_string(&level).unwrap(),
                format!("\"{}\"", level.code())
            );
        }
        assert_eq!(CertificateLevel::Central.label(Lang::Vi), "Cấp trung ương");
        assert!("district".parse::<CertificateLevel>().is_err());
    }

    #[test]
    fn listing_rule() {
        let today = date(2026, 11, 28);
        let valid = cert(date(2025, 1, 1));
        let expired = cert(date(2022, 1, 1)); // expired 1 Jan 2025
        let future = cert(date(2026, 12, 1));

        assert_eq!(
            listing_status(stars(3), Some(&valid), false, today),
            Listing::Listable
        );
        assert_eq!(
            listing_status(stars(5), Some(&valid), true, today),
            Listing::Listable
        );
        assert_eq!(
            listing_status(stars(2), Some(&valid), true, today),
            Listing::ListableKeyProduct
        );
        assert_eq!(
            listing_status(stars(2), Some(&valid), false, today),
            Listing::NotListable {
                reason: ListingReason::BelowThreeStars { stars: stars(2) }
            }
        );
        assert_eq!(
            listing_status(stars(4), None, true, today),
            Listing::NotListable {
                reason: ListingReason::NoCertificate
            }
        );
        assert_eq!(
            listing_status(stars(4), Some(&expired), false, today),
            Listing::SellFromStockOnly {
                reason: ListingReason::CertificateExpired {
                    expired_on: date(2025, 1, 1)
                }
            }
        );
        assert_eq!(
            listing_status(stars(1), Some(&expired), true, today),
            Listing::SellFromStockOnly {
                reason: ListingReason::CertificateExpired {
                    expired_on: date(2025, 1, 1)
                }
            }
        );
        assert!(matches!(
            listing_status(stars(4), Some(&future), false, today),
            Listing::NotListable {
                reason: ListingReason::CertificateNotYetValid { .. }
            }
        ));
        // expiry day itself is still valid; the day after is not
        let c = cert(date(2023, 11, 28));
        assert_eq!(
            listing_status(stars(3), Some(&c), false, date(2026, 11, 28)),
            Listing::Listable
        );
        assert!(matches!(
            listing_status(stars(3), Some(&c), false, date(2026, 11, 29)),
            Listing::SellFromStockOnly { .. }
        ));
    }

    #[test]
    fn listing_permissions_and_warnings() {
        let expired = Listing::SellFromStockOnly {
            reason: ListingReason::CertificateExpired {
                expired_on: date(2025, 1, 1),
            },
        };
        let not = Listing::NotListable {
            reason: ListingReason::NoCertificate,
        };
        assert!(Listing::Listable.can_receive() && Listing::Listable.can_sell_from_stock());
        assert!(Listing::ListableKeyProduct.can_receive());
        assert!(!expired.can_receive() && expired.can_sell_from_stock());
        assert!(!not.can_receive() && !not.can_sell_from_stock());
        assert_eq!(Listing::Listable.warning(Lang::Vi), None);
        let w = expired.warning(Lang::Vi).unwrap();
        assert!(
            w.contains("01/01/2025") && w.contains("không được nhập thêm"),
            "{w}"
        );
        assert!(expired.warning(Lang::En).unwrap().contains("expired"));
        assert!(
            not.warning(Lang::Vi)
                .unwrap()
                .contains("chưa có giấy chứng nhận")
        );
        let below = Listing::NotListable {
            reason: ListingReason::BelowThreeStars { stars: stars(2) },
        };
        assert!(below.warning(Lang::En).unwrap().contains("2 stars"));
        assert_eq!(
            serde_json::to_value(expired).unwrap(),
            serde_json::json!({
                "status": "sell_from_stock_only",
                "reason": {"kind": "certificate_expired", "expired_on": "2025-01-01"}
            })
        );
    }

    #[test]
    fn producer_kinds() {
        let codes: Vec<&str> = ProducerKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes, ["jsc", "llc", "htx", "tht", "household"]);
        for k in ProducerKind::ALL {
            assert_eq!(k.code().parse::<ProducerKind>().unwrap(), k);
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.code())
            );
            assert_ne!(k.label(Lang::Vi), k.label(Lang::En));
        }
        assert_eq!(ProducerKind::Cooperative.label(Lang::Vi), "Hợp tác xã");
        assert_eq!(ProducerKind::Limited.label(Lang::Vi), "Công ty TNHH");
        assert_eq!(
            ProducerKind::Household.label(Lang::Vi),
            "Hộ sản xuất kinh doanh"
        );
        assert_eq!(
            "HTX".parse::<ProducerKind>().unwrap(),
            ProducerKind::Cooperative
        );
        let err = "coop".parse::<ProducerKind>().unwrap_err();
        assert_eq!(err.code(), "invalid_producer_kind");
    }
}
