//! The daily closing of an outlet and its perpetual grand total.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{ShiftError, ShiftSummary, TransferFigures, add, count_u32, sub};
use crate::money::Dong;
use crate::time::vn_date;

/// Only a day that has ended in Vietnam (UTC+7) may be closed: a closing
/// for today or a later day would take the place of the real one and, since
/// closings only move forward, block closing every day before it.
pub fn check_day_ended(day: NaiveDate, now: DateTime<Utc>) -> Result<(), ShiftError> {
    let today = vn_date(now);
    if day >= today {
        return Err(ShiftError::DayNotEnded { day, today });
    }
    Ok(())
}

/// An outlet's closing of one Vietnamese calendar day, with the perpetual
/// grand totals carried from the closing before.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyClosing {
    pub outlet_id: i32,
    /// The local (UTC+7) day closed.
    pub day: NaiveDate,
    /// 1 for the outlet's first closing, then +1 each: a missing closing
    /// shows as a skipped number.
    pub closing_no: u32,
    pub shifts: u32,
    pub gross_sales: Dong,
    pub refunds: Dong,
    pub net_sales: Dong,
    /// The day's bank transfers by state (confirmed by the bank, by the
    /// cashier, still pending) as known when the day was closed.
    #[serde(default)]
    pub transfers: TransferFigures,
    /// The grand total before this day.
    pub previous_grand_total: Dong,
    /// `previous_grand_total + net_sales`: net sales since the outlet's
    /// first closing. Never reset.
    pub grand_total: Dong,
    /// Σ gross sales since the first closing: only ever grows.
    pub grand_total_sales: Dong,
    /// Σ refunds since the first closing: only ever grows.
    pub grand_total_refunds: Dong,
}

/// Closes `day` for an outlet from the shifts closed that day, carrying the
/// grand totals on from `previous` (the outlet's last closing, `None` for
/// its first). Refused if the day is not after the previous closing's, so
/// the totals cannot be restarted or counted twice.
pub fn daily_closing(
    previous: Option<&DailyClosing>,
    outlet_id: i32,
    day: NaiveDate,
    shifts: &[ShiftSummary],
) -> Result<DailyClosing, ShiftError> {
    if let Some(p) = previous {
        if p.outlet_id != outlet_id {
            return Err(ShiftError::ClosingOutletMismatch {
                expected: outlet_id,
                found: p.outlet_id,
            });
        }
        if day <= p.day {
            return Err(ShiftError::ClosingNotAfterPrevious {
                day,
                previous: p.day,
            });
        }
    }
    let mut seen = BTreeSet::new();
    let mut gross_sales = Dong::ZERO;
    let mut refunds = Dong::ZERO;
    let mut transfers = TransferFigures::default();
    for s in shifts {
        if s.outlet_id != outlet_id {
            return Err(ShiftError::ShiftOfAnotherOutlet {
                shift_id: s.shift_id,
                expected: outlet_id,
                found: s.outlet_id,
            });
        }
        if !seen.insert(s.shift_id) {
            return Err(ShiftError::DuplicateShift {
                shift_id: s.shift_id,
            });
        }
        add(&mut gross_sales, s.gross_sales)?;
        add(&mut refunds, s.refunds)?;
        transfers.add_all(&s.transfers)?;
    }
    let net_sales = sub(gross_sales, refunds)?;
    let (closing_no, before, before_sales, before_refunds) = match previous {
        None => (1, Dong::ZERO, Dong::ZERO, Dong::ZERO),
        Some(p) => (
            p.closing_no.saturating_add(1),
            p.grand_total,
            p.grand_total_sales,
            p.grand_total_refunds,
        ),
    };
    let mut grand_total = before;
    add(&mut grand_total, net_sales)?;
    let mut grand_total_sales = before_sales;
    add(&mut grand_total_sales, gross_sales)?;
    let mut grand_total_refunds = before_refunds;
    add(&mut grand_total_refunds, refunds)?;
    Ok(DailyClosing {
        outlet_id,
        day,
        closing_no,
        shifts: count_u32(shifts.len()),
        gross_sales,
        refunds,
        net_sales,
        transfers,
        previous_grand_total: before,
        grand_total,
        grand_total_sales,
        grand_total_refunds,
    })
}
