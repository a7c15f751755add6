//! Lots: a product's batches with production and expiry dates. Lot codes
//! follow GS1 AI 10 (1–20 characters of set 82, checked by
//! `ocop_core::digital_link::Lot`), so every lot can go on a Digital Link
//! label. The empty code is the product's "no lot" lot, used for goods that
//! carry none (handicrafts), so every stock row has a lot.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::i18n::UserError as _;
use ocop_core::refusal::Refusal;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::lots;
use crate::models::error::{ModelError, refuse};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = lots)]
pub struct Lot {
    pub id: i32,
    pub product_id: i32,
    /// Empty for goods without a lot.
    pub lot_code: String,
    pub produced_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub created_at: NaiveDateTime,
}

/// Checks a lot code as typed (`None` or blank: no lot).
pub fn parse_code(code: Option<&str>) -> Result<Option<String>, Refusal> {
    match code.map(str::trim) {
        None | Some("") => Ok(None),
        Some(c) => ocop_core::digital_link::Lot::parse(c)
            .map(|l| Some(l.as_str().to_owned()))
            .map_err(|e| e.refusal()),
    }
}

/// Checks the dates of a lot: production not after expiry.
pub fn check_dates(produced: Option<NaiveDate>, expires: Option<NaiveDate>) -> Result<(), Refusal> {
    match (produced, expires) {
        (Some(p), Some(e)) if e < p => Err(Refusal::invalid(
            "lot_dates_inverted",
            format!(
                "Hạn sử dụng ({}) trước ngày sản xuất ({}).",
                e.format("%d/%m/%Y"),
                p.format("%d/%m/%Y")
            ),
            format!(
                "The expiry date ({}) is before the production date ({}).",
                e.format("%d/%m/%Y"),
                p.format("%d/%m/%Y")
            ),
        )),
        _ => Ok(()),
    }
}

/// The product of a lot, or the `unknown_lot` refusal (on `lot_id`).
pub fn product_of(conn: &mut DbConn, lot_id: i32) -> Result<i32, ModelError> {
    lots::table
        .find(lot_id)
        .select(lots::product_id)
        .first::<i32>(conn)
        .optional()?
        .ok_or_else(|| {
            ModelError::from(
                Refusal::not_found(
                    "unknown_lot",
                    "Không có lô hàng này.",
                    "There is no such lot.",
                )
                .on_field("lot_id"),
            )
        })
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Lot> {
    lots::table.find(id).select(Lot::as_select()).first(conn)
}

pub fn find_by_code(conn: &mut DbConn, product_id: i32, code: &str) -> QueryResult<Option<Lot>> {
    lots::table
        .filter(lots::product_id.eq(product_id))
        .filter(lots::lot_code.eq(code))
        .select(Lot::as_select())
        .first(conn)
        .optional()
}

pub fn find_many(conn: &mut DbConn, ids: &[i32]) -> QueryResult<Vec<Lot>> {
    lots::table
        .filter(lots::id.eq_any(ids))
        .select(Lot::as_select())
        .load(conn)
}

/// The lot with this code, created if new. An existing lot must have the
/// same dates (where both are given): one lot code means one batch.
pub fn find_or_create(
    conn: &mut DbConn,
    product_id: i32,
    code: &str,
    produced_on: Option<NaiveDate>,
    expires_on: Option<NaiveDate>,
) -> Result<Lot, ModelError> {
    if let Some(existing) = find_by_code(conn, product_id, code)? {
        let differs = |a: Option<NaiveDate>, b: Option<NaiveDate>| matches!((a, b), (Some(x), Some(y)) if x != y);
        if differs(existing.produced_on, produced_on) || differs(existing.expires_on, expires_on) {
            return refuse(Refusal::invalid(
                "lot_dates_mismatch",
                format!("Lô \"{code}\" đã có với ngày sản xuất/hạn sử dụng khác."),
                format!("Lot \"{code}\" already exists with other production/expiry dates."),
            ));
        }
        return Ok(existing);
    }
    // A concurrent posting may create the same lot: insert-or-ignore, then read.
    macro_rules! insert {
        ($c:expr) => {
            diesel::insert_into(lots::table)
                .values((
                    lots::product_id.eq(product_id),
                    lots::lot_code.eq(code),
                    lots::produced_on.eq(produced_on),
                    lots::expires_on.eq(expires_on),
                    lots::created_at.eq(Utc::now().naive_utc()),
                ))
                .on_conflict((lots::product_id, lots::lot_code))
                .do_nothing()
                .execute($c)
        };
    }
    // Backend-specific only because the upsert DSL is per backend.
    match conn {
        DbConn::Sqlite(c) => insert!(c)?,
        DbConn::Postgres(c) => insert!(c)?,
    };
    Ok(find_by_code(conn, product_id, code)?.ok_or(diesel::result::Error::NotFound)?)
}

/// The product's "no lot" lot.
pub fn unlotted(conn: &mut DbConn, product_id: i32) -> Result<Lot, ModelError> {
    find_or_create(conn, product_id, "", None, None)
}
