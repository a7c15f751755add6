//! Certified products: the record, its price history, the 950/QĐ-BCT
//! listing rule applied to it, and the writes that keep the till catalogue
//! version current.
//!
//! Every write here stamps the changed product with a new catalogue version
//! (see [`crate::models::catalogue_version`]) in the same transaction, and
//! every price change appends to `product_prices`; rows there are never
//! updated, and sales keep their own prices, so past sales never change.

pub mod search;
pub mod validate;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::catalogue::{Certificate, CertificateLevel, Listing, StarRating, listing_status};
use ocop_core::i18n::Lang;
use ocop_core::refusal::Refusal;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{product_prices, products};
use crate::models::catalogue_version;
use crate::models::error::ModelError;
use crate::models::validation::{Refs, invalid};
pub use validate::{ProductInput, ProductRecord};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = products)]
pub struct Product {
    pub id: i32,
    pub producer_id: i32,
    pub name_vi: String,
    pub name_en: Option<String>,
    #[serde(skip)]
    pub search_key: String,
    pub group_code: String,
    /// OCOP star rating, 1–5 (3 and above is certified).
    pub stars: i32,
    pub cert_number: Option<String>,
    /// `province` or `central`.
    pub cert_level: Option<String>,
    pub cert_issued_on: Option<NaiveDate>,
    pub cert_expires_on: Option<NaiveDate>,
    /// GTIN normalised to 14 digits.
    pub gtin: Option<String>,
    pub internal_code: Option<String>,
    pub unit: String,
    /// Whether quantities may be fractional (tea by the kg).
    pub fractional: bool,
    /// `kct`, `0`, `5`, `8` or `10`.
    pub vat_rate: String,
    /// Retail price in whole đồng, VAT included.
    pub price: i64,
    pub food_safety_ref: Option<String>,
    pub description: String,
    pub photo_url: Option<String>,
    pub key_product: bool,
    pub active: bool,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub updated_at: NaiveDateTime,
    /// The catalogue version of the product's last change.
    pub catalogue_version: i64,
    /// The rating council's 100-point score behind the stars.
    pub rating_score: Option<i32>,
    /// The decision recognising the rating: number, date, issuing body.
    pub rating_decision_no: Option<String>,
    pub rating_decision_on: Option<NaiveDate>,
    pub rating_body: Option<String>,
}

impl Product {
    /// The stored certificate, if complete. Stored rows were validated on
    /// the way in; a row that no longer builds counts as uncertified.
    pub fn certificate(&self) -> Option<Certificate> {
        let level = self
            .cert_level
            .as_deref()?
            .parse::<CertificateLevel>()
            .ok()?;
        Certificate::new(
            self.cert_number.as_deref()?,
            level,
            self.cert_issued_on?,
            self.cert_expires_on,
        )
        .ok()
    }

    /// The 950/QĐ-BCT listing rule on `today` (a Vietnamese calendar day).
    /// An inactive product is not listable whatever its certificate.
    pub fn listing(&self, today: NaiveDate) -> Listing {
        listing_of(
            self.stars,
            self.certificate().as_ref(),
            self.key_product,
            today,
        )
    }
}

/// The listing rule from stored columns (shared with the till catalogue).
pub fn listing_of(
    stars: i32,
    certificate: Option<&Certificate>,
    key_product: bool,
    today: NaiveDate,
) -> Listing {
    let stars = u8::try_from(stars)
        .ok()
        .and_then(|s| StarRating::new(s).ok());
    match stars {
        Some(stars) => listing_status(stars, certificate, key_product, today),
        None => Listing::NotListable {
            reason: ocop_core::catalogue::ListingReason::NoCertificate,
        },
    }
}

/// The listing as the API shows it: the rule's verdict plus the warning text.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListingView {
    /// `listable`, `listable_key_product`, `sell_from_stock_only` or `not_listable`.
    pub status: &'static str,
    /// Why, when not plainly listable: `{"kind": "certificate_expired", "expired_on": …}`.
    #[schema(value_type = Option<Object>)]
    pub reason: Option<ocop_core::catalogue::ListingReason>,
    /// New goods may be received at an outlet.
    pub can_receive: bool,
    /// Stock already at an outlet may be sold.
    pub can_sell: bool,
    /// What to show people, Vietnamese; `null` when all is well.
    pub warning: Option<String>,
}

impl ListingView {
    pub fn of(listing: &Listing) -> ListingView {
        let (status, reason) = match listing {
            Listing::Listable => ("listable", None),
            Listing::ListableKeyProduct => ("listable_key_product", None),
            Listing::SellFromStockOnly { reason } => ("sell_from_stock_only", Some(*reason)),
            Listing::NotListable { reason } => ("not_listable", Some(*reason)),
        };
        ListingView {
            status,
            reason,
            can_receive: listing.can_receive(),
            can_sell: listing.can_sell_from_stock(),
            warning: listing.warning(Lang::Vi),
        }
    }
}

/// The columns written for a product (insert and full update alike).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = products, treat_none_as_null = true)]
pub struct ProductRow {
    pub producer_id: i32,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub search_key: String,
    pub group_code: String,
    pub stars: i32,
    pub cert_number: Option<String>,
    pub cert_level: Option<String>,
    pub cert_issued_on: Option<NaiveDate>,
    pub cert_expires_on: Option<NaiveDate>,
    pub gtin: Option<String>,
    pub internal_code: Option<String>,
    pub unit: String,
    pub fractional: bool,
    pub vat_rate: String,
    pub price: i64,
    pub food_safety_ref: Option<String>,
    pub description: String,
    pub photo_url: Option<String>,
    pub key_product: bool,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub catalogue_version: i64,
    pub rating_score: Option<i32>,
    pub rating_decision_no: Option<String>,
    pub rating_decision_on: Option<NaiveDate>,
    pub rating_body: Option<String>,
}

impl ProductRow {
    pub fn from_record(r: &ProductRecord, now: NaiveDateTime, version: i64) -> ProductRow {
        let cert = r.certificate.as_ref();
        let rating = r.rating.as_ref();
        ProductRow {
            producer_id: r.producer_id,
            name_vi: r.name_vi.clone(),
            name_en: r.name_en.clone(),
            search_key: ocop_core::text::search_key(&r.name_vi),
            group_code: r.group_code.clone(),
            stars: i32::from(r.stars.stars()),
            cert_number: cert.map(|c| c.number().to_owned()),
            cert_level: cert.map(|c| c.level().code().to_owned()),
            cert_issued_on: cert.map(Certificate::issued_on),
            cert_expires_on: cert.map(Certificate::expires_on),
            gtin: r.gtin.as_ref().map(|g| g.as_str14().to_owned()),
            internal_code: r.internal_code.clone(),
            unit: r.unit.clone(),
            fractional: r.fractional,
            vat_rate: r.vat_rate.code().to_owned(),
            price: r.price,
            food_safety_ref: r.food_safety_ref.clone(),
            description: r.description.clone(),
            photo_url: r.photo_url.clone(),
            key_product: r.key_product,
            active: r.active,
            created_at: now,
            updated_at: now,
            catalogue_version: version,
            rating_score: rating.map(|x| x.score),
            rating_decision_no: rating.map(|x| x.decision_no.clone()),
            rating_decision_on: rating.map(|x| x.decision_on),
            rating_body: rating.map(|x| x.body.clone()),
        }
    }
}

/// Unchecked product data, for the demo loader (its data is known good).
#[derive(Debug, Clone)]
pub struct NewProduct {
    pub producer_id: i32,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub group_code: String,
    pub stars: i32,
    pub cert_number: Option<String>,
    pub cert_level: Option<String>,
    pub cert_issued_on: Option<NaiveDate>,
    pub cert_expires_on: Option<NaiveDate>,
    pub gtin: Option<String>,
    pub internal_code: Option<String>,
    pub unit: String,
    pub fractional: bool,
    pub vat_rate: String,
    pub price: i64,
    pub food_safety_ref: Option<String>,
    pub description: String,
    pub key_product: bool,
    /// The rating record (score, decision number, date, body), if known.
    pub rating: Option<validate::RatingRecord>,
}

/// Inserts an unchecked product and the first entry of its price history.
pub fn insert(conn: &mut DbConn, new: &NewProduct, by_user: Option<i32>) -> QueryResult<Product> {
    let now = Utc::now().naive_utc();
    let version = catalogue_version::bump(conn, "product created", by_user)?;
    let id = diesel::insert_into(products::table)
        .values(ProductRow {
            producer_id: new.producer_id,
            name_vi: new.name_vi.clone(),
            name_en: new.name_en.clone(),
            search_key: ocop_core::text::search_key(&new.name_vi),
            group_code: new.group_code.clone(),
            stars: new.stars,
            cert_number: new.cert_number.clone(),
            cert_level: new.cert_level.clone(),
            cert_issued_on: new.cert_issued_on,
            cert_expires_on: new.cert_expires_on,
            gtin: new.gtin.clone(),
            internal_code: new.internal_code.clone(),
            unit: new.unit.clone(),
            fractional: new.fractional,
            vat_rate: new.vat_rate.clone(),
            price: new.price,
            food_safety_ref: new.food_safety_ref.clone(),
            description: new.description.clone(),
            photo_url: None,
            key_product: new.key_product,
            active: true,
            created_at: now,
            updated_at: now,
            catalogue_version: version,
            rating_score: new.rating.as_ref().map(|x| x.score),
            rating_decision_no: new.rating.as_ref().map(|x| x.decision_no.clone()),
            rating_decision_on: new.rating.as_ref().map(|x| x.decision_on),
            rating_body: new.rating.as_ref().map(|x| x.body.clone()),
        })
        .returning(products::id)
        .get_result::<i32>(conn)?;
    record_price(conn, id, new.price, by_user, now)?;
    find(conn, id)
}

fn record_price(
    conn: &mut DbConn,
    product_id: i32,
    price: i64,
    by_user: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(product_prices::table)
        .values((
            product_prices::product_id.eq(product_id),
            product_prices::price.eq(price),
            product_prices::changed_by.eq(by_user),
            product_prices::valid_from.eq(at),
        ))
        .execute(conn)
}

/// Checks and stores a new product (admin).
pub fn create(
    conn: &mut DbConn,
    input: &ProductInput,
    by_user: Option<i32>,
) -> Result<Product, ModelError> {
    let refs = Refs::load(conn)?;
    let record = validate::check(input, &refs)?;
    check_references(conn, &record, None)?;
    let now = Utc::now().naive_utc();
    let version = catalogue_version::bump(conn, "product created", by_user)?;
    let id = diesel::insert_into(products::table)
        .values(ProductRow::from_record(&record, now, version))
        .returning(products::id)
        .get_result::<i32>(conn)?;
    record_price(conn, id, record.price, by_user, now)?;
    Ok(find(conn, id)?)
}

/// Replaces a product's fields (admin). A new price is appended to the
/// price history; the producer of a product never changes (its consigned
/// stock and sales belong to that producer).
pub fn update(
    conn: &mut DbConn,
    id: i32,
    input: &ProductInput,
    by_user: Option<i32>,
) -> Result<Product, ModelError> {
    let old = find(conn, id)?;
    let refs = Refs::load(conn)?;
    let record = validate::check(input, &refs)?;
    if record.producer_id != old.producer_id {
        return Err(invalid(
            "producer_id",
            "producer_cannot_change",
            "Không thể chuyển sản phẩm sang chủ thể khác; hãy tạo sản phẩm mới.",
            "A product cannot move to another producer; create a new product instead.",
        )
        .into());
    }
    check_references(conn, &record, Some(id))?;
    let now = Utc::now().naive_utc();
    let version = catalogue_version::bump(conn, "product updated", by_user)?;
    let mut row = ProductRow::from_record(&record, now, version);
    row.created_at = old.created_at;
    diesel::update(products::table.find(id))
        .set(&row)
        .execute(conn)?;
    if old.price != record.price {
        record_price(conn, id, record.price, by_user, now)?;
    }
    Ok(find(conn, id)?)
}

/// The producer exists; GTIN and internal code are not another product's.
fn check_references(
    conn: &mut DbConn,
    r: &ProductRecord,
    except: Option<i32>,
) -> Result<(), ModelError> {
    let mut problems = Vec::new();
    if !crate::models::producer::exists(conn, r.producer_id)? {
        problems.push(unknown_producer(&r.producer_id.to_string()));
    }
    let other = except.unwrap_or(-1);
    if let Some(g) = &r.gtin {
        let taken = products::table
            .filter(products::gtin.eq(g.as_str14()))
            .filter(products::id.ne(other))
            .count()
            .get_result::<i64>(conn)?;
        if taken > 0 {
            problems.push(gtin_taken(g.as_str14()));
        }
    }
    if let Some(code) = &r.internal_code {
        let taken = products::table
            .filter(products::internal_code.eq(code))
            .filter(products::id.ne(other))
            .count()
            .get_result::<i64>(conn)?;
        if taken > 0 {
            problems.push(internal_code_taken(code));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.into())
    }
}

pub fn unknown_producer(given: &str) -> Refusal {
    invalid(
        "producer_id",
        "unknown_producer",
        format!("Không có chủ thể OCOP \"{given}\"."),
        format!("There is no producer \"{given}\"."),
    )
}

pub fn gtin_taken(gtin: &str) -> Refusal {
    invalid(
        "gtin",
        "gtin_taken",
        format!("Mã GTIN {gtin} đã được dùng cho sản phẩm khác."),
        format!("The GTIN {gtin} already belongs to another product."),
    )
}

pub fn internal_code_taken(code: &str) -> Refusal {
    invalid(
        "internal_code",
        "internal_code_taken",
        format!("Mã nội bộ \"{code}\" đã được dùng cho sản phẩm khác."),
        format!("The internal code \"{code}\" already belongs to another product."),
    )
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Product> {
    products::table
        .find(id)
        .select(Product::as_select())
        .first(conn)
}

/// The product with this GTIN (14-digit form).
pub fn find_by_gtin(conn: &mut DbConn, gtin14: &str) -> QueryResult<Option<Product>> {
    products::table
        .filter(products::gtin.eq(gtin14))
        .select(Product::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_internal_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Product>> {
    products::table
        .filter(products::internal_code.eq(code))
        .select(Product::as_select())
        .first(conn)
        .optional()
}

/// All products by id, or only one producer's (kept for callers that want
/// everything; searches go through [`search::search`]).
pub fn list(conn: &mut DbConn, producer_id: Option<i32>) -> QueryResult<Vec<Product>> {
    let mut query = products::table.select(Product::as_select()).into_boxed();
    if let Some(pid) = producer_id {
        query = query.filter(products::producer_id.eq(pid));
    }
    query.order(products::id).load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    products::table.count().get_result(conn)
}

/// One entry of a product's price history.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = product_prices)]
pub struct PriceEntry {
    /// Retail price in whole đồng, VAT included.
    pub price: i64,
    pub changed_by: Option<i32>,
    /// UTC.
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub valid_from: NaiveDateTime,
}

/// The price history, oldest first.
pub fn prices(conn: &mut DbConn, product_id: i32) -> QueryResult<Vec<PriceEntry>> {
    product_prices::table
        .filter(product_prices::product_id.eq(product_id))
        .order((product_prices::valid_from, product_prices::id))
        .select(PriceEntry::as_select())
        .load(conn)
}

/// Why goods of a product may not be received at an outlet (matched on by
/// the listing tests; a model caller gets it as a [`ModelError`]).
#[derive(Debug)]
pub enum ReceiveError {
    /// No such product.
    NotFound,
    /// The product was withdrawn (`active = false`) or its producer suspended.
    Withdrawn,
    /// The 950/QĐ-BCT rule forbids receiving it (expired certificate, below
    /// 3 stars and not a key product, no certificate…).
    NotReceivable(Listing),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for ReceiveError {
    fn from(e: diesel::result::Error) -> Self {
        ReceiveError::Db(e)
    }
}

impl From<ReceiveError> for ModelError {
    fn from(e: ReceiveError) -> Self {
        match e {
            // Answered as any missing row is, by the edge.
            ReceiveError::NotFound => ModelError::Db(diesel::result::Error::NotFound),
            ReceiveError::Withdrawn => Refusal::invalid(
                "product_withdrawn",
                "Sản phẩm đã ngừng kinh doanh hoặc chủ thể đang bị đình chỉ: không được nhập hàng.",
                "The product is withdrawn or its producer suspended: it cannot be received.",
            )
            .into(),
            ReceiveError::NotReceivable(listing) => Refusal::invalid(
                "product_not_receivable",
                listing.warning(Lang::Vi).unwrap_or_default(),
                listing.warning(Lang::En).unwrap_or_default(),
            )
            .into(),
            ReceiveError::Db(e) => ModelError::Db(e),
        }
    }
}

/// May goods of this product be received (consigned) at an outlet on
/// `today` (Vietnamese date)? Call inside the receiving transaction. Returns
/// the product so the caller need not load it again.
pub fn check_receivable(
    conn: &mut DbConn,
    product_id: i32,
    today: NaiveDate,
) -> Result<Product, ReceiveError> {
    let product = find(conn, product_id)
        .optional()?
        .ok_or(ReceiveError::NotFound)?;
    if !product.active || !crate::models::producer::is_active(conn, product.producer_id)? {
        return Err(ReceiveError::Withdrawn);
    }
    let listing = product.listing(today);
    if listing.can_receive() {
        Ok(product)
    } else {
        Err(ReceiveError::NotReceivable(listing))
    }
}

/// Today in Vietnam: the day the listing rule is applied on.
pub fn vn_today() -> NaiveDate {
    ocop_core::time::vn_date(Utc::now())
}
