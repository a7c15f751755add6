//! Lot recalls: once recalled, a lot is recalled for good (the row is
//! append-only). A recall takes a catalogue version, so every till learns it
//! with its next catalogue delta (`TillCatalogue::recalled_lots`) and
//! refuses to sell the lot; the stock pages and the public page say so.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::refusal::Refusal;
use ocop_core::wire::RecalledLot;

use crate::db::DbConn;
use crate::db::schema::{lot_recalls, lots};
use crate::models::catalogue_version;
use crate::models::error::{ModelError, refuse};

/// A recall as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lot_recalls)]
pub struct Recall {
    pub id: i32,
    pub lot_id: i32,
    pub reason: String,
    pub case_id: Option<i32>,
    pub recalled_by: i32,
    pub recalled_at: NaiveDateTime,
}

pub fn of_lot(conn: &mut DbConn, lot_id: i32) -> QueryResult<Option<Recall>> {
    lot_recalls::table
        .filter(lot_recalls::lot_id.eq(lot_id))
        .select(Recall::as_select())
        .first(conn)
        .optional()
}

/// Recalls a lot; refused if it is already recalled or the reason is blank.
pub fn recall(
    conn: &mut DbConn,
    lot_id: i32,
    reason: &str,
    case_id: Option<i32>,
    by: i32,
) -> Result<Recall, ModelError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return refuse(
            Refusal::invalid(
                "recall_reason_required",
                "Hãy ghi lý do thu hồi.",
                "Give the reason for the recall.",
            )
            .on_field("reason"),
        );
    }
    let product_id = crate::models::stock::lot::product_of(conn, lot_id)?;
    if of_lot(conn, lot_id)?.is_some() {
        return refuse(Refusal::conflict(
            "lot_already_recalled",
            "Lô hàng này đã bị thu hồi.",
            "This lot is already recalled.",
        ));
    }
    diesel::insert_into(lot_recalls::table)
        .values((
            lot_recalls::lot_id.eq(lot_id),
            lot_recalls::reason.eq(reason),
            lot_recalls::case_id.eq(case_id),
            lot_recalls::recalled_by.eq(by),
            lot_recalls::recalled_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    // Stamped on the product too, so a delta since an older version lists it.
    catalogue_version::bump_products(conn, &[product_id], "lot recalled", Some(by))?;
    Ok(of_lot(conn, lot_id)?.ok_or(diesel::result::Error::NotFound)?)
}

/// Every recalled lot, as tills receive them.
pub fn all_for_tills(conn: &mut DbConn) -> QueryResult<Vec<RecalledLot>> {
    let rows: Vec<(i32, String, String)> = lot_recalls::table
        .inner_join(lots::table)
        .order(lot_recalls::id)
        .select((lots::product_id, lots::lot_code, lot_recalls::reason))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(product_id, lot_code, reason)| RecalledLot {
            product_id,
            lot_code,
            reason,
        })
        .collect())
}

/// The ids of every recalled lot (a short list: stock pages flag them).
pub fn recalled_lot_ids(conn: &mut DbConn) -> QueryResult<Vec<i32>> {
    lot_recalls::table.select(lot_recalls::lot_id).load(conn)
}
