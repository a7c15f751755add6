//! Reference data seeded by migration: districts, product groups and banks.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{banks, districts, product_groups};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = districts)]
pub struct District {
    pub code: String,
    pub name: String,
    /// `city`, `town` or `district`.
    pub kind: String,
    pub sort_order: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = product_groups)]
pub struct ProductGroup {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// Food and beverages need a food-safety self-declaration reference.
    pub food_safety_required: bool,
    pub sort_order: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = banks)]
pub struct Bank {
    /// NAPAS bank identification number, as used in VietQR.
    pub bin: String,
    pub short_name: String,
    pub name: String,
}

pub fn districts(conn: &mut DbConn) -> QueryResult<Vec<District>> {
    districts::table
        .order(districts::sort_order)
        .select(District::as_select())
        .load(conn)
}

pub fn product_groups(conn: &mut DbConn) -> QueryResult<Vec<ProductGroup>> {
    product_groups::table
        .order(product_groups::sort_order)
        .select(ProductGroup::as_select())
        .load(conn)
}

pub fn banks(conn: &mut DbConn) -> QueryResult<Vec<Bank>> {
    banks::table
        .order(banks::short_name)
        .select(Bank::as_select())
        .load(conn)
}
