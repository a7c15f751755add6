//! Certified products and their price history.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{product_prices, products};

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
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

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
}

/// Inserts the product and the first entry of its price history.
pub fn insert(conn: &mut DbConn, new: &NewProduct, by_user: Option<i32>) -> QueryResult<Product> {
    let now = Utc::now().naive_utc();
    let id = diesel::insert_into(products::table)
        .values((
            products::producer_id.eq(new.producer_id),
            products::name_vi.eq(&new.name_vi),
            products::name_en.eq(&new.name_en),
            products::search_key.eq(ocop_core::text::search_key(&new.name_vi)),
            products::group_code.eq(&new.group_code),
            products::stars.eq(new.stars),
            products::cert_number.eq(&new.cert_number),
            products::cert_level.eq(&new.cert_level),
            products::cert_issued_on.eq(new.cert_issued_on),
            products::cert_expires_on.eq(new.cert_expires_on),
            products::gtin.eq(&new.gtin),
            products::internal_code.eq(&new.internal_code),
            products::unit.eq(&new.unit),
            products::fractional.eq(new.fractional),
            products::vat_rate.eq(&new.vat_rate),
            products::price.eq(new.price),
            products::food_safety_ref.eq(&new.food_safety_ref),
            products::description.eq(&new.description),
            products::photo_url.eq(None::<String>),
            products::key_product.eq(new.key_product),
            products::active.eq(true),
            products::created_at.eq(now),
            products::updated_at.eq(now),
        ))
        .returning(products::id)
        .get_result::<i32>(conn)?;
    let product = find(conn, id)?;
    diesel::insert_into(product_prices::table)
        .values((
            product_prices::product_id.eq(product.id),
            product_prices::price.eq(new.price),
            product_prices::changed_by.eq(by_user),
            product_prices::valid_from.eq(now),
        ))
        .execute(conn)?;
    Ok(product)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Product> {
    products::table
        .find(id)
        .select(Product::as_select())
        .first(conn)
}

/// All products, or only one producer's.
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
