//! Storing a computed draft: its header, lines and the `computed` event.
//! Replacing a draft's figures is the one write a statement allows before
//! it is approved (the database triggers refuse it afterwards).

use chrono::{DateTime, NaiveDateTime};
use diesel::prelude::*;
use ocop_core::settlement::{Period, Status, Step};

use super::figures::Figures;
use crate::db::DbConn;
use crate::db::schema::{
    settlement_events as se, settlement_lines as sl, settlement_statements as ss,
};
use crate::models::error::ModelError;
use crate::models::settlement::Statement;
use crate::models::stock::agreement::Agreement;

#[expect(clippy::too_many_arguments, reason = "one statement's whole header")]
pub fn store(
    conn: &mut DbConn,
    f: &Figures,
    agreement: &Agreement,
    period: Period,
    prev: Option<&Statement>,
    same: Option<&Statement>,
    cutoff: NaiveDateTime,
    now: NaiveDateTime,
    by: Option<i32>,
) -> Result<i32, ModelError> {
    let (json, hash) = f.canonical();
    let m = &f.money;
    let values = (
        (
            ss::producer_id.eq(f.producer_id),
            ss::outlet_id.eq(f.outlet_id),
            ss::agreement_id.eq(agreement.id),
            ss::period.eq(period.to_string()),
            ss::period_start.eq(period.first_day()),
            ss::period_end.eq(period.end_day()),
            ss::prev_statement_id.eq(prev.map(|p| p.id)),
            ss::status.eq(Status::Draft.code()),
            ss::cutoff_at.eq(cutoff),
            ss::terms.eq(f.terms.clone()),
            ss::commission_bp.eq(f.commission_bp),
            ss::loss_bearer.eq(f.loss_bearer.clone()),
            ss::min_payout.eq(f.min_payout),
        ),
        (
            ss::gross.eq(m.gross.amount()),
            ss::refunds.eq(m.refunds.amount()),
            ss::net_sales.eq(m.net_sales.amount()),
            ss::outlet_losses.eq(m.outlet_losses.amount()),
            ss::producer_losses.eq(m.producer_losses.amount()),
            ss::commission.eq(m.commission.amount()),
            ss::producer_share.eq(m.producer_share.amount()),
            ss::adjustments.eq(m.adjustments.amount()),
            ss::carried_in.eq(m.carried_in.amount()),
            ss::total_due.eq(m.total_due.amount()),
            ss::net_payable.eq(m.net_payable.amount()),
            ss::carried_forward.eq(m.carried_forward.amount()),
        ),
        (
            ss::rounding_rule.eq(f.rounding_rule.clone()),
            ss::figures.eq(json),
            ss::figures_sha256.eq(hash),
            ss::computed_by.eq(by),
            ss::computed_at.eq(now),
        ),
    );
    let id = match same {
        Some(s) => {
            diesel::delete(sl::table.filter(sl::statement_id.eq(s.id))).execute(conn)?;
            diesel::update(ss::table.find(s.id))
                .set(values)
                .execute(conn)?;
            s.id
        }
        None => diesel::insert_into(ss::table)
            .values(values)
            .returning(ss::id)
            .get_result::<i32>(conn)?,
    };
    for (i, l) in f.lines.iter().enumerate() {
        let line_no = i32::try_from(i + 1).unwrap_or(i32::MAX);
        diesel::insert_into(sl::table)
            .values((
                (
                    sl::statement_id.eq(id),
                    sl::line_no.eq(line_no),
                    sl::kind.eq(l.kind),
                    sl::product_id.eq(l.product_id),
                    sl::lot_id.eq(l.lot_id),
                    sl::lot_code.eq(l.lot_code.clone()),
                    sl::name.eq(l.name.clone()),
                    sl::opening_milli.eq(l.qty.opening.milli()),
                    sl::received_milli.eq(l.qty.received.milli()),
                    sl::transferred_in_milli.eq(l.qty.transferred_in.milli()),
                    sl::transferred_out_milli.eq(l.qty.transferred_out.milli()),
                    sl::sold_milli.eq(l.qty.sold.milli()),
                ),
                (
                    sl::refunded_milli.eq(l.qty.refunded.milli()),
                    sl::returned_milli.eq(l.qty.returned.milli()),
                    sl::written_off_milli.eq(l.qty.written_off.milli()),
                    sl::closing_milli.eq(l.qty.closing.milli()),
                    sl::retail_price.eq(l.retail_price),
                    sl::payout_price.eq(l.payout_price),
                    sl::amount.eq(l.amount),
                    sl::reference.eq(l.reference.clone()),
                    sl::original_at.eq(l
                        .original_at
                        .as_deref()
                        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                        .map(|t| t.naive_utc())),
                    sl::corrects_statement_id.eq(l.corrects_statement_id),
                ),
            ))
            .execute(conn)?;
    }
    diesel::insert_into(se::table)
        .values((
            se::statement_id.eq(id),
            se::step.eq(Step::Computed.code()),
            se::comment.eq(format!("sha256 {}", &f.canonical().1)),
            se::user_id.eq(by),
            se::at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}
