//! What a product must satisfy before it is stored, field by field.
//!
//! [`ProductInput`] is the unchecked shape (the JSON body, or a CSV row);
//! [`check`] turns it into a [`ProductRecord`] or lists every problem. Only
//! pure rules and reference lists are checked here; the producer's existence
//! and the uniqueness of GTIN and internal code are checked by the caller
//! (one query for an API call, one preloaded set for a 10,000-row import).

use std::str::FromStr as _;

use chrono::NaiveDate;
use ocop_core::catalogue::{Certificate, CertificateLevel, StarRating};
use ocop_core::digital_link::ScanInput;
use ocop_core::gtin::Gtin;
use ocop_core::i18n::UserError as _;
use ocop_core::money::{Dong, VatRate};
use ocop_core::refusal::Refusal;
use serde::Deserialize;

use crate::models::validation::{
    Problems, Refs, invalid, optional_lines, optional_text, required_text,
};

/// A product as a client sends it (create and full update).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    pub producer_id: i32,
    /// Vietnamese name, as printed on the receipt.
    #[schema(example = "Rượu ngô men lá Bắc Hà")]
    pub name_vi: String,
    #[serde(default)]
    pub name_en: Option<String>,
    /// One of the product groups in `/api/v1/reference`.
    #[schema(example = "beverage")]
    pub group_code: String,
    /// OCOP star rating, 1–5.
    pub stars: i64,
    #[serde(default)]
    pub cert_number: Option<String>,
    /// `province` or `central`.
    #[serde(default)]
    pub cert_level: Option<String>,
    #[serde(default)]
    pub cert_issued_on: Option<NaiveDate>,
    /// Defaults to 36 months after issue.
    #[serde(default)]
    pub cert_expires_on: Option<NaiveDate>,
    /// The rating council's 100-point score behind the stars (0–100, in
    /// the stars' band: 3★ 50–69, 4★ 70–89, 5★ 90–100). The four
    /// `rating_*` fields come together, and only with a certificate.
    #[serde(default)]
    pub rating_score: Option<i64>,
    /// Number of the decision recognising the rating (số quyết định).
    #[serde(default)]
    #[schema(example = "1234/QĐ-UBND")]
    pub rating_decision_no: Option<String>,
    /// Date of that decision; not after the certificate's issue date.
    #[serde(default)]
    pub rating_decision_on: Option<NaiveDate>,
    /// The body that issued it (cơ quan ban hành), e.g. `UBND tỉnh Lào Cai`.
    #[serde(default)]
    pub rating_body: Option<String>,
    /// GTIN-8/12/13/14 with a correct check digit; stored as 14 digits.
    #[serde(default)]
    #[schema(example = "8936052000019")]
    pub gtin: Option<String>,
    /// The outlet's own barcode: printable ASCII, at most 48 characters.
    #[serde(default)]
    pub internal_code: Option<String>,
    /// Unit of sale: chai, hộp, gói, kg…
    pub unit: String,
    /// Whether quantities may be fractional (tea by the kg).
    #[serde(default)]
    pub fractional: bool,
    /// `kct`, `0`, `5`, `8` or `10`.
    pub vat_rate: String,
    /// Retail price in whole đồng, VAT included.
    pub price: i64,
    /// Food-safety self-declaration reference (required for groups that need it).
    #[serde(default)]
    pub food_safety_ref: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub photo_url: Option<String>,
    /// A province key product (sản phẩm chủ lực) may be listed below 3 stars.
    #[serde(default)]
    pub key_product: bool,
    /// `false` withdraws the product from every till.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// A product that passed [`check`]: what is written to `products`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductRecord {
    pub producer_id: i32,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub group_code: String,
    pub stars: StarRating,
    pub certificate: Option<Certificate>,
    pub rating: Option<RatingRecord>,
    pub gtin: Option<Gtin>,
    pub internal_code: Option<String>,
    pub unit: String,
    pub fractional: bool,
    pub vat_rate: VatRate,
    pub price: i64,
    pub food_safety_ref: Option<String>,
    pub description: String,
    pub photo_url: Option<String>,
    pub key_product: bool,
    pub active: bool,
}

/// The rating record behind a certificate's stars, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingRecord {
    pub score: i32,
    pub decision_no: String,
    pub decision_on: NaiveDate,
    pub body: String,
}

const NAME: (&str, &str) = ("Tên sản phẩm", "The product name");

/// Checks every field; lists every problem found.
pub fn check(input: &ProductInput, refs: &Refs) -> Result<ProductRecord, Vec<Refusal>> {
    let mut p = Problems::default();
    let name_vi = p.take(required_text("name_vi", NAME, &input.name_vi, 200));
    let name_en = p.take(optional_text(
        "name_en",
        ("Tên tiếng Anh", "The English name"),
        input.name_en.as_deref(),
        200,
    ));
    let group = p.take(group(refs, &input.group_code));
    let stars = p.take(stars(input.stars));
    let certificate = p.take(certificate(input));
    let rating = p.take(rating(input, stars, certificate.as_ref()));
    let gtin = p.take(gtin(input.gtin.as_deref()));
    let internal_code = p.take(internal_code(input.internal_code.as_deref()));
    let unit = p.take(required_text(
        "unit",
        ("Đơn vị tính", "The unit of sale"),
        &input.unit,
        20,
    ));
    let vat_rate =
        p.take(VatRate::from_str(&input.vat_rate).map_err(|e| e.refusal().on_field("vat_rate")));
    let price = p.take(price(input.price, input.active));
    let food_safety_ref = p.take(optional_text(
        "food_safety_ref",
        (
            "Số tự công bố an toàn thực phẩm",
            "The food-safety reference",
        ),
        input.food_safety_ref.as_deref(),
        100,
    ));
    if let (Some((_, true)), Some(None)) = (&group, &food_safety_ref) {
        p.push(invalid(
            "food_safety_ref",
            "food_safety_ref_required",
            "Sản phẩm thuộc nhóm thực phẩm/đồ uống phải có số bản tự công bố an toàn thực phẩm.",
            "Products of this group need a food-safety self-declaration reference.",
        ));
    }
    let description = p.take(
        optional_lines(
            "description",
            ("Mô tả", "The description"),
            Some(&input.description),
            4000,
            ocop_core::text::Lines::Multi,
        )
        .map(Option::unwrap_or_default),
    );
    let photo_url = p.take(photo_url(input.photo_url.as_deref()));
    if input.producer_id <= 0 {
        p.push(invalid(
            "producer_id",
            "unknown_producer",
            "Chưa chọn chủ thể OCOP (producer_id).",
            "No producer given (producer_id).",
        ));
    }
    let all = (|| {
        Some(ProductRecord {
            producer_id: input.producer_id,
            name_vi: name_vi?,
            name_en: name_en?,
            group_code: group?.0,
            stars: stars?,
            certificate: certificate?,
            rating: rating?,
            gtin: gtin?,
            internal_code: internal_code?,
            unit: unit?,
            fractional: input.fractional,
            vat_rate: vat_rate?,
            price: price?,
            food_safety_ref: food_safety_ref?,
            description: description?,
            photo_url: photo_url?,
            key_product: input.key_product,
            active: input.active,
        })
    })();
    p.finish(all)
}

fn group(refs: &Refs, code: &str) -> Result<(String, bool), Refusal> {
    let code = code.trim();
    refs.groups
        .get(code)
        .map(|food| (code.to_owned(), *food))
        .ok_or_else(|| {
            invalid(
                "group_code",
                "unknown_product_group",
                format!("Không có nhóm sản phẩm \"{code}\" (xem /api/v1/reference)."),
                format!("Unknown product group \"{code}\" (see /api/v1/reference)."),
            )
        })
}

fn stars(n: i64) -> Result<StarRating, Refusal> {
    u8::try_from(n)
        .ok()
        .and_then(|n| StarRating::new(n).ok())
        .ok_or_else(|| {
            let e = ocop_core::catalogue::CatalogueError::InvalidStars {
                input: n.to_string(),
            };
            e.refusal().on_field("stars")
        })
}

/// No certificate at all, or number, level and issue date (expiry optional).
fn certificate(input: &ProductInput) -> Result<Option<Certificate>, Refusal> {
    let number = input
        .cert_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let level = input
        .cert_level
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match (number, level, input.cert_issued_on) {
        (None, None, None) if input.cert_expires_on.is_none() => Ok(None),
        (Some(number), Some(level), Some(issued)) => {
            let level = CertificateLevel::from_str(level)
                .map_err(|e| e.refusal().on_field("cert_level"))?;
            Certificate::new(number, level, issued, input.cert_expires_on)
                .map(Some)
                .map_err(|e| {
                    let field = match e {
                        ocop_core::catalogue::CatalogueError::InvalidCertificateNumber => {
                            "cert_number"
                        }
                        _ => "cert_expires_on",
                    };
                    e.refusal().on_field(field)
                })
        }
        _ => Err(invalid(
            "cert_number",
            "incomplete_certificate",
            "Giấy chứng nhận OCOP cần đủ số, cấp chứng nhận (province/central) và ngày cấp.",
            "An OCOP certificate needs its number, level (province/central) and issue date.",
        )),
    }
}

/// The rating record: nothing, or score, decision number, date and body
/// together, only with a certificate, the score in the stars' band
/// ([`StarRating::score_band`] cites the rule).
fn rating(
    input: &ProductInput,
    stars: Option<StarRating>,
    certificate: Option<&Option<Certificate>>,
) -> Result<Option<RatingRecord>, Refusal> {
    let decision_no = optional_text(
        "rating_decision_no",
        ("Số quyết định công nhận", "The decision number"),
        input.rating_decision_no.as_deref(),
        64,
    )?;
    let body = optional_text(
        "rating_body",
        ("Cơ quan ban hành quyết định", "The issuing body"),
        input.rating_body.as_deref(),
        200,
    )?;
    let (score, on) = (input.rating_score, input.rating_decision_on);
    if score.is_none() && decision_no.is_none() && on.is_none() && body.is_none() {
        return Ok(None);
    }
    let Some(certificate) = certificate else {
        // the certificate itself was refused: that refusal is enough
        return Ok(None);
    };
    let Some(certificate) = certificate else {
        return Err(invalid(
            "rating_score",
            "rating_without_certificate",
            "Kết quả đánh giá, phân hạng (điểm, quyết định) chỉ nhập kèm giấy chứng nhận OCOP.",
            "A rating record (score, decision) is entered only with an OCOP certificate.",
        ));
    };
    let (Some(score), Some(decision_no), Some(decision_on), Some(body)) =
        (score, decision_no, on, body)
    else {
        return Err(invalid(
            "rating_score",
            "incomplete_rating",
            "Kết quả phân hạng cần đủ điểm, số quyết định, ngày quyết định và cơ quan ban hành.",
            "A rating record needs its score, decision number, decision date and issuing body.",
        ));
    };
    let Some(score) = u8::try_from(score).ok().filter(|s| *s <= 100) else {
        return Err(invalid(
            "rating_score",
            "invalid_rating_score",
            format!("Điểm đánh giá phải từ 0 đến 100 (nhận được {score})."),
            format!("The rating score must be 0 to 100 (got {score})."),
        ));
    };
    if let Some(stars) = stars
        && !stars.matches_score(score)
    {
        let (low, high) = stars.score_band();
        return Err(invalid(
            "rating_score",
            "rating_score_mismatch",
            format!(
                "Điểm {score} không khớp hạng {stars}: hạng này cần từ {low} đến {high} điểm \
                 (Bộ tiêu chí OCOP, QĐ 148/QĐ-TTg)."
            ),
            format!(
                "A score of {score} does not match {stars}: that rating needs {low} to {high} \
                 points (OCOP criteria, Decision 148/QĐ-TTg)."
            ),
        ));
    }
    if decision_on > certificate.issued_on() {
        return Err(invalid(
            "rating_decision_on",
            "rating_decision_after_certificate",
            format!(
                "Ngày quyết định ({}) không thể sau ngày cấp giấy chứng nhận ({}).",
                decision_on.format("%d/%m/%Y"),
                certificate.issued_on().format("%d/%m/%Y")
            ),
            format!(
                "The decision date ({}) cannot be after the certificate's issue date ({}).",
                decision_on.format("%d/%m/%Y"),
                certificate.issued_on().format("%d/%m/%Y")
            ),
        ));
    }
    Ok(Some(RatingRecord {
        score: i32::from(score),
        decision_no,
        decision_on,
        body,
    }))
}

fn gtin(value: Option<&str>) -> Result<Option<Gtin>, Refusal> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Gtin::parse(v)
            .map(Some)
            .map_err(|e| e.refusal().on_field("gtin")),
    }
}

/// An internal code must scan back as itself: printable ASCII, not a
/// GTIN-looking number with a wrong check digit, not a URL.
fn internal_code(value: Option<&str>) -> Result<Option<String>, Refusal> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match ScanInput::classify(v) {
        Ok(ScanInput::Internal(code)) => Ok(Some(code)),
        _ => Err(invalid(
            "internal_code",
            "invalid_internal_code",
            "Mã nội bộ chỉ gồm ký tự ASCII in được (tối đa 48), không phải đường dẫn \
             và không được trông như mã GTIN (8, 12, 13 hoặc 14 chữ số).",
            "An internal code is printable ASCII (at most 48), not a link, and must not \
             look like a GTIN (8, 12, 13 or 14 digits).",
        )),
    }
}

/// A listed (active) product is sold at its price, so it must have one.
fn price(v: i64, listed: bool) -> Result<i64, Refusal> {
    let checked = if listed {
        ocop_core::money::check_listed_price(Dong::new(v))
    } else {
        ocop_core::money::check_unit_price(Dong::new(v))
    };
    checked
        .map(Dong::amount)
        .map_err(|e| e.refusal().on_field("price"))
}

fn photo_url(value: Option<&str>) -> Result<Option<String>, Refusal> {
    let Some(v) = optional_text("photo_url", ("Ảnh", "The photo URL"), value, 500)? else {
        return Ok(None);
    };
    if ocop_core::text::is_http_url(&v) {
        Ok(Some(v))
    } else {
        Err(invalid(
            "photo_url",
            "invalid_photo_url",
            "Đường dẫn ảnh phải là địa chỉ đầy đủ bắt đầu bằng https:// hoặc http://.",
            "The photo URL must be a full address starting with https:// or http://.",
        ))
    }
}
