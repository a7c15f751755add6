//! Statements computed before their members were recorded (migration
//! `2026-12-04-000130_settlement_members`) hold no `settlement_members`
//! rows, so without this the next run would hold their sales again. Their
//! rule then: for the pair, what was dated before the period's end and
//! received (documents posted, adjustments made) by the statement's stored
//! `cutoff_at` — already the computation time less the old 5-second margin
//! — and not held by an earlier statement of the pair.
//!
//! For each such fixed statement, in period order, the backfill records
//! what that rule gives ([`Unclaimed::load`] with an upper bound), then
//! recomputes the statement from those members and compares the SHA-256
//! with the stored one: equal, kept; different, the pair's backfill is
//! rolled back and refused (`statement_members_missing`, naming the
//! statement), and so is any run of the pair until it is resolved by hand.
//! Nothing is guessed. Only statements computed before that migration ran
//! (`__diesel_schema_migrations.run_on`) are concerned: one computed since
//! that holds nothing holds nothing by record, and must stay so.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ocop_core::refusal::Refusal;
use ocop_core::settlement::Period;

use super::figures::ts;
use super::members::{self, Unclaimed};
use super::recompute_figures;
use crate::db::schema::{
    settlement_member_backfills as smb, settlement_members as sm, settlement_statements as ss,
};
use crate::db::{Db, DbConn};
use crate::models::error::{ModelError, refuse};
use crate::models::settlement::Statement;

/// One statement backfilled: how many members it now holds (zero for a
/// statement that held nothing, verified all the same).
#[derive(Debug, Clone)]
pub struct Filled {
    pub statement_id: i32,
    pub period: String,
    pub members: usize,
}

/// The refusal for a statement whose members could not be rebuilt.
pub fn missing(s: &Statement) -> Refusal {
    Refusal::conflict(
        "statement_members_missing",
        format!(
            "Bảng quyết toán số {} (kỳ {}) được tính trước khi ghi danh sách chứng từ; \
             dựng lại theo quy tắc cũ không ra đúng số liệu đã lưu. Cần kiểm tra thủ công \
             trước khi tính kỳ sau cho chủ thể và điểm bán này.",
            s.id, s.period
        ),
        format!(
            "Statement {} ({}) was computed before its members were recorded, and rebuilding \
             them by the old rule does not give its stored figures. It needs a manual check \
             before a later period of this producer and outlet can be computed.",
            s.id, s.period
        ),
    )
}

/// The migration from which statements record their members.
const MEMBERS_MIGRATION: &str = "20261204000130";

/// When [`MEMBERS_MIGRATION`] ran (UTC); `None` if it is not recorded.
fn members_since(conn: &mut DbConn) -> QueryResult<Option<NaiveDateTime>> {
    #[derive(QueryableByName)]
    struct RunOn {
        #[diesel(sql_type = diesel::sql_types::Timestamp)]
        run_on: NaiveDateTime,
    }
    let r: Option<RunOn> = match conn {
        // diesel records CURRENT_TIMESTAMP: UTC on SQLite, the session's
        // time zone on PostgreSQL.
        DbConn::Sqlite(c) => diesel::sql_query(format!(
            "SELECT run_on FROM __diesel_schema_migrations WHERE version = '{MEMBERS_MIGRATION}'"
        ))
        .get_result(c)
        .optional()?,
        DbConn::Postgres(c) => diesel::sql_query(format!(
            "SELECT CAST((run_on AT TIME ZONE current_setting('TimeZone')) AT TIME ZONE 'UTC' \
             AS TIMESTAMP) AS run_on FROM __diesel_schema_migrations \
             WHERE version = '{MEMBERS_MIGRATION}'"
        ))
        .get_result(c)
        .optional()?,
    };
    Ok(r.map(|r| r.run_on))
}

/// Statements computed before this hold their members only if backfilled:
/// when [`MEMBERS_MIGRATION`] ran, or (not recorded) any time.
fn old_before(conn: &mut DbConn) -> QueryResult<NaiveDateTime> {
    let never = chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    Ok(members_since(conn)?.unwrap_or(never))
}

/// The pair's fixed statements computed before [`MEMBERS_MIGRATION`] ran
/// and holding no members, in period order.
fn memberless(conn: &mut DbConn, producer_id: i32, outlet_id: i32) -> QueryResult<Vec<Statement>> {
    let before = old_before(conn)?;
    ss::table
        .filter(ss::status.ne("draft"))
        .filter(ss::computed_at.lt(before))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            sm::table.filter(sm::statement_id.eq(ss::id)),
        )))
        .filter(ss::producer_id.eq(producer_id))
        .filter(ss::outlet_id.eq(outlet_id))
        .select(Statement::as_select())
        .order(ss::period_start)
        .load(conn)
}

/// Backfills the pair's old statements in one (nested) transaction: all
/// of them, or none and the refusal naming the first that does not match.
pub fn pair(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
) -> Result<Vec<Filled>, ModelError> {
    let old = memberless(conn, producer_id, outlet_id)?;
    if old.is_empty() {
        return Ok(Vec::new());
    }
    conn.transaction(|c| old.iter().map(|s| fill(c, s)).collect())
}

fn fill(conn: &mut DbConn, s: &Statement) -> Result<Filled, ModelError> {
    let period: Period = s.period.parse().map_err(|_| missing(s))?;
    let end = ts(period.bounds().1);
    let one = BTreeSet::from([s.producer_id]);
    let inputs = Unclaimed::load(
        conn,
        s.outlet_id,
        &one,
        end,
        None,
        Some(s.cutoff_at),
        &BTreeSet::new(),
    )?
    .take(s.producer_id);
    let count = inputs.sales.len()
        + inputs.refunds.len()
        + inputs.documents.len()
        + inputs.adjustments.len();
    // The permit row lets members into this fixed statement (it holds none);
    // removed again before the transaction ends.
    diesel::insert_into(smb::table)
        .values(smb::statement_id.eq(s.id))
        .execute(conn)?;
    members::record(conn, s.id, s.outlet_id, s.producer_id, &inputs)?;
    diesel::delete(smb::table.find(s.id)).execute(conn)?;
    let (_, hash) = recompute_figures(conn, s.id)?;
    if hash != s.figures_sha256 {
        return refuse(missing(s));
    }
    Ok(Filled {
        statement_id: s.id,
        period: s.period.clone(),
        members: count,
    })
}

/// One pair's outcome of [`all`].
pub type PairFill = (i32, i32, Result<Vec<Filled>, ModelError>);

/// Backfills every pair with old statements, one transaction per pair, in
/// (producer, outlet) order. Only database errors fail the whole run.
pub fn all(db: &Db) -> Result<Vec<PairFill>, ModelError> {
    let pairs: BTreeSet<(i32, i32)> = {
        let mut conn = db.conn()?;
        let before = old_before(&mut conn)?;
        ss::table
            .filter(ss::status.ne("draft"))
            .filter(ss::computed_at.lt(before))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                sm::table.filter(sm::statement_id.eq(ss::id)),
            )))
            .select((ss::producer_id, ss::outlet_id))
            .load::<(i32, i32)>(&mut conn)?
            .into_iter()
            .collect()
    };
    let mut out = Vec::with_capacity(pairs.len());
    for (p, o) in pairs {
        match db.write(|c| pair(c, p, o)) {
            Err(ModelError::Db(e)) => return Err(ModelError::Db(e)),
            Err(ModelError::Unavailable(e)) => return Err(ModelError::Unavailable(e)),
            r => out.push((p, o, r)),
        }
    }
    Ok(out)
}
