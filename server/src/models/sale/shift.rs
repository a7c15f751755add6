//! Shifts on the server: the opening (float) and cash movements the till
//! posts, X figures on demand, the Z report stored once at closing with the
//! counted cash, and the manager's acknowledgement of the variance.
//!
//! All figures are the core's ([`summarise`], [`close`]) over the shift's
//! stored sales and refunds, gathered by shift id, never by time. The Z
//! report keeps the last hash of the till's chain at closing (a copy of the
//! head kept outside the chain). Every table here is append-only: a shift
//! closes once, is acknowledged once.

use chrono::Utc;
use diesel::prelude::*;
use ocop_core::i18n::UserError as _;
use ocop_core::money::Dong;
use ocop_core::refusal::Refusal;
use ocop_core::sale::shift::{
    CashDirection, CashMovement, CountedTotals, ShiftClosing, ShiftInput, ShiftOpening,
    ShiftSummary, close, summarise,
};
use serde::Serialize;
use uuid::Uuid;

use super::store::{utc, uuid};
use super::{refund_store, store};
use crate::db::DbConn;
use crate::db::schema::{cash_movements, shift_acknowledgements, shift_closings, shifts};
use crate::models::error::{ModelError, refuse};

fn shift_closed() -> ModelError {
    ModelError::Refused(Refusal::conflict(
        "shift_closed",
        "Ca làm việc đã đóng.",
        "The shift is already closed.",
    ))
}

fn invalid(e: &ocop_core::sale::shift::ShiftError) -> ModelError {
    ModelError::Refused(e.refusal())
}

/// A stored shift: its row id and opening.
pub fn find(conn: &mut DbConn, id: Uuid) -> Result<(i32, ShiftOpening), ModelError> {
    let row: Option<(i32, String, i32, i32, i32, chrono::NaiveDateTime, i64)> = shifts::table
        .filter(shifts::uuid.eq(id.to_string()))
        .select((
            shifts::id,
            shifts::uuid,
            shifts::till_id,
            shifts::outlet_id,
            shifts::cashier_id,
            shifts::opened_at,
            shifts::opening_float,
        ))
        .first(conn)
        .optional()?;
    let (row_id, u, till_id, outlet_id, cashier_id, opened_at, float) =
        row.ok_or(ModelError::Db(diesel::result::Error::NotFound))?;
    Ok((
        row_id,
        ShiftOpening {
            id: uuid(&u)?,
            till_id,
            outlet_id,
            cashier_id,
            opened_at: utc(opened_at),
            opening_float: Dong::new(float),
        },
    ))
}

/// Opens a shift (once; the same opening again is answered as stored).
pub fn open(conn: &mut DbConn, opening: &ShiftOpening) -> Result<bool, ModelError> {
    opening.validate().map_err(|e| invalid(&e))?;
    match find(conn, opening.id) {
        Ok((_, stored)) if stored == *opening => return Ok(false),
        Ok(_) => return refuse(super::sale_conflict()),
        Err(ModelError::Db(diesel::result::Error::NotFound)) => {}
        Err(e) => return Err(e),
    }
    diesel::insert_into(shifts::table)
        .values((
            shifts::uuid.eq(opening.id.to_string()),
            shifts::till_id.eq(opening.till_id),
            shifts::outlet_id.eq(opening.outlet_id),
            shifts::cashier_id.eq(opening.cashier_id),
            shifts::opened_at.eq(opening.opened_at.naive_utc()),
            shifts::opening_float.eq(opening.opening_float.amount()),
        ))
        .execute(conn)?;
    Ok(true)
}

fn is_closed(conn: &mut DbConn, shift_row: i32) -> QueryResult<bool> {
    Ok(shift_closings::table
        .filter(shift_closings::shift_id.eq(shift_row))
        .select(shift_closings::id)
        .first::<i32>(conn)
        .optional()?
        .is_some())
}

/// Records cash put in or taken out (once per movement id).
pub fn add_movement(
    conn: &mut DbConn,
    m: &CashMovement,
    by: Option<i32>,
) -> Result<(), ModelError> {
    m.validate().map_err(|e| invalid(&e))?;
    let (row, _) = find(conn, m.shift_id)?;
    let known: Option<i32> = cash_movements::table
        .filter(cash_movements::uuid.eq(m.id.to_string()))
        .select(cash_movements::id)
        .first(conn)
        .optional()?;
    if known.is_some() {
        return Ok(());
    }
    if is_closed(conn, row)? {
        return Err(shift_closed());
    }
    diesel::insert_into(cash_movements::table)
        .values((
            cash_movements::uuid.eq(m.id.to_string()),
            cash_movements::shift_id.eq(row),
            cash_movements::at.eq(m.at.naive_utc()),
            cash_movements::direction.eq(match m.direction {
                CashDirection::In => "in",
                CashDirection::Out => "out",
            }),
            cash_movements::amount.eq(m.amount.amount()),
            cash_movements::reason.eq(&m.reason),
            cash_movements::recorded_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

fn movements(
    conn: &mut DbConn,
    shift_row: i32,
    shift_id: Uuid,
) -> Result<Vec<CashMovement>, ModelError> {
    let rows: Vec<(String, chrono::NaiveDateTime, String, i64, String)> = cash_movements::table
        .filter(cash_movements::shift_id.eq(shift_row))
        .order(cash_movements::id)
        .select((
            cash_movements::uuid,
            cash_movements::at,
            cash_movements::direction,
            cash_movements::amount,
            cash_movements::reason,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(u, at, dir, amount, reason)| {
            Ok(CashMovement {
                id: uuid(&u)?,
                shift_id,
                at: utc(at),
                direction: if dir == "in" {
                    CashDirection::In
                } else {
                    CashDirection::Out
                },
                amount: Dong::new(amount),
                reason,
            })
        })
        .collect()
}

/// The X figures of a shift as it stands.
pub fn summary(
    conn: &mut DbConn,
    id: Uuid,
) -> Result<(i32, ShiftOpening, ShiftSummary), ModelError> {
    let (row, opening) = find(conn, id)?;
    let moves = movements(conn, row, id)?;
    let sales = store::for_shift(conn, id)?;
    let refunds = refund_store::for_shift(conn, id)?;
    let confirmations = super::payment::later_states(conn, id)?;
    let summary = summarise(ShiftInput {
        shift: &opening,
        movements: &moves,
        sales: &sales,
        refunds: &refunds,
        confirmations: &confirmations,
    })
    .map_err(|e| invalid(&e))?;
    Ok((row, opening, summary))
}

/// A shift's report: X figures while open; the stored Z report once closed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShiftReport {
    /// `open`, `closed` (variance awaiting a manager) or `acknowledged`.
    pub status: &'static str,
    pub opening: ShiftOpening,
    pub summary: ShiftSummary,
    pub closing: Option<ShiftClosing>,
    pub needs_acknowledgement: bool,
}

fn stored_closing(
    conn: &mut DbConn,
    row: i32,
) -> Result<Option<(ShiftSummary, ShiftClosing)>, ModelError> {
    let stored: Option<(String, String)> = shift_closings::table
        .filter(shift_closings::shift_id.eq(row))
        .select((shift_closings::summary, shift_closings::closing))
        .first(conn)
        .optional()?;
    stored
        .map(|(s, c)| {
            let bad = |_| ModelError::Db(super::store::corrupt("Z report"));
            Ok((
                serde_json::from_str(&s).map_err(bad)?,
                serde_json::from_str(&c).map_err(bad)?,
            ))
        })
        .transpose()
}

fn acknowledged(conn: &mut DbConn, row: i32) -> QueryResult<bool> {
    Ok(shift_acknowledgements::table
        .filter(shift_acknowledgements::shift_id.eq(row))
        .select(shift_acknowledgements::id)
        .first::<i32>(conn)
        .optional()?
        .is_some())
}

/// The X report (open shift) or the stored Z report (closed).
pub fn report(conn: &mut DbConn, id: Uuid) -> Result<ShiftReport, ModelError> {
    let (row, opening) = find(conn, id)?;
    if let Some((summary, closing)) = stored_closing(conn, row)? {
        let acked = acknowledged(conn, row)?;
        return Ok(ShiftReport {
            status: if acked { "acknowledged" } else { "closed" },
            needs_acknowledgement: closing.needs_acknowledgement() && !acked,
            opening,
            summary,
            closing: Some(closing),
        });
    }
    let (_, opening, summary) = self::summary(conn, id)?;
    Ok(ShiftReport {
        status: "open",
        opening,
        summary,
        closing: None,
        needs_acknowledgement: false,
    })
}

/// Closes the shift with what was counted: the Z report, stored once.
pub fn close_shift(
    conn: &mut DbConn,
    id: Uuid,
    counted: CountedTotals,
    by: Option<i32>,
) -> Result<ShiftReport, ModelError> {
    let (row, _, summary) = summary(conn, id)?;
    if let Some((_, stored)) = stored_closing(conn, row)? {
        if stored.counted == counted {
            return report(conn, id);
        }
        return Err(shift_closed());
    }
    let closing = close(&summary, counted).map_err(|e| invalid(&e))?;
    diesel::insert_into(shift_closings::table)
        .values((
            shift_closings::shift_id.eq(row),
            shift_closings::closed_at.eq(Utc::now().naive_utc()),
            shift_closings::summary.eq(serde_json::to_string(&summary).unwrap_or_default()),
            shift_closings::closing.eq(serde_json::to_string(&closing).unwrap_or_default()),
            shift_closings::net_sales.eq(summary.net_sales.amount()),
            shift_closings::gross_sales.eq(summary.gross_sales.amount()),
            shift_closings::refunds.eq(summary.refunds.amount()),
            shift_closings::total_variance.eq(closing.total_variance.amount()),
            shift_closings::last_hash.eq(summary.last_hash.map(|h| h.to_hex())),
            shift_closings::closed_by.eq(by),
        ))
        .execute(conn)?;
    report(conn, id)
}

/// A manager acknowledges the closed shift's variance (once).
pub fn acknowledge(
    conn: &mut DbConn,
    id: Uuid,
    by: i32,
    note: &str,
) -> Result<ShiftReport, ModelError> {
    let (row, _) = find(conn, id)?;
    if stored_closing(conn, row)?.is_none() {
        return refuse(Refusal::conflict(
            "shift_not_closed",
            "Ca làm việc chưa đóng.",
            "The shift is not closed yet.",
        ));
    }
    if !acknowledged(conn, row)? {
        diesel::insert_into(shift_acknowledgements::table)
            .values((
                shift_acknowledgements::shift_id.eq(row),
                shift_acknowledgements::acknowledged_by.eq(by),
                shift_acknowledgements::acknowledged_at.eq(Utc::now().naive_utc()),
                shift_acknowledgements::note.eq(note),
            ))
            .execute(conn)?;
    }
    report(conn, id)
}
