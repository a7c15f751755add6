//! Consignment settlement statements: computed from the stock ledger and the
//! sales alone ([`compute`]), then approved, confirmed or disputed, and paid
//! ([`workflow`]).
//!
//! Guarantees, on both backends:
//! - one statement per producer × outlet × period (unique key); a draft may
//!   be recomputed, an approved (or later) statement never changes: the
//!   model refuses (`statement_fixed`) and database triggers abort any
//!   UPDATE of its figures, any DELETE, and any change to its lines;
//! - which sales, refunds, stock documents and adjustments a statement
//!   holds is recorded (`settlement_members`, unique per pair and source):
//!   statement *k* of a pair holds those dated before its period's end that
//!   no earlier statement holds. So a sale that reaches the server after its
//!   period's statement was computed (or whose ingest was still open then)
//!   lands in the next statement, listed as a late arrival with its own
//!   date, nothing is held twice, and recomputing a statement from its own
//!   members gives the same bytes (`figures`, `figures_sha256`);
//!   statements approved before members were recorded get theirs, by the
//!   rule they were computed with and checked by hash, before any run of
//!   their pair (`compute::backfill`), or the pair is refused
//!   (`statement_members_missing`);
//! - a stock document counts in the period its ledger entries were written
//!   in (Vietnam days), or the next one computed after it was posted;
//! - every step (computed, approved, confirmed, disputed, paid) is an
//!   append-only event with who and when; a payout is recorded once per
//!   statement (unique key).

pub mod cli;
pub mod compute;
pub mod notices;
pub mod portal;
pub mod workflow;

pub use compute::{RunOutcome, compute, run_period};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ocop_core::refusal::Refusal;
use ocop_core::settlement::Status;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{
    settlement_events as se, settlement_lines as sl, settlement_payouts as sp,
    settlement_statements as ss,
};
use crate::models::error::ModelError;

/// A statement's header and money (all amounts whole đồng).
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = ss)]
pub struct Statement {
    pub id: i32,
    pub producer_id: i32,
    pub outlet_id: i32,
    pub agreement_id: i32,
    /// `2026-11` or `2026-Q4`.
    pub period: String,
    pub period_start: chrono::NaiveDate,
    /// Exclusive.
    pub period_end: chrono::NaiveDate,
    pub prev_statement_id: Option<i32>,
    /// `draft`, `approved`, `confirmed`, `disputed` or `paid`.
    pub status: String,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub cutoff_at: NaiveDateTime,
    pub terms: String,
    pub commission_bp: Option<i32>,
    pub loss_bearer: String,
    pub min_payout: i64,
    pub gross: i64,
    pub refunds: i64,
    pub net_sales: i64,
    pub outlet_losses: i64,
    pub producer_losses: i64,
    pub commission: i64,
    pub producer_share: i64,
    pub adjustments: i64,
    pub carried_in: i64,
    pub total_due: i64,
    pub net_payable: i64,
    pub carried_forward: i64,
    pub rounding_rule: String,
    /// Canonical JSON of every figure and line.
    pub figures: String,
    pub figures_sha256: String,
    pub computed_by: Option<i32>,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub computed_at: NaiveDateTime,
}

impl Statement {
    pub fn status(&self) -> Status {
        self.status.parse().unwrap_or(Status::Draft)
    }
}

/// A line: a product × lot row (`stock`), a late sale or refund, or an
/// adjustment of an earlier statement.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = sl)]
pub struct Line {
    pub id: i32,
    pub statement_id: i32,
    pub line_no: i32,
    /// `stock`, `late_sale`, `late_refund` or `adjustment`.
    pub kind: String,
    pub product_id: Option<i32>,
    pub lot_id: Option<i32>,
    pub lot_code: String,
    pub name: String,
    pub opening_milli: i64,
    pub received_milli: i64,
    pub transferred_in_milli: i64,
    pub transferred_out_milli: i64,
    pub sold_milli: i64,
    pub refunded_milli: i64,
    pub returned_milli: i64,
    pub written_off_milli: i64,
    pub closing_milli: i64,
    pub retail_price: i64,
    pub payout_price: Option<i64>,
    /// Late sale/refund: its amount for this producer; adjustment: signed.
    pub amount: i64,
    /// Receipt reference (`T3-000012`) or the adjustment's reason.
    pub reference: String,
    #[serde(serialize_with = "crate::models::utc::serialize_opt")]
    pub original_at: Option<NaiveDateTime>,
    pub corrects_statement_id: Option<i32>,
}

/// One step of a statement's history.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = se)]
pub struct Event {
    pub id: i32,
    pub statement_id: i32,
    /// `computed`, `approved`, `confirmed`, `disputed` or `paid`.
    pub step: String,
    pub comment: String,
    pub user_id: Option<i32>,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub at: NaiveDateTime,
}

/// The payout of a statement.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = sp)]
pub struct Payout {
    pub id: i32,
    pub statement_id: i32,
    pub amount: i64,
    pub bank_bin: String,
    pub bank_account: String,
    pub memo: String,
    /// The bank transfer reference.
    pub reference: String,
    pub paid_by: Option<i32>,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub paid_at: NaiveDateTime,
}

/// A statement with its lines, history and payout.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatementView {
    pub statement: Statement,
    pub producer_name: String,
    pub outlet_name: String,
    pub lines: Vec<Line>,
    pub events: Vec<Event>,
    pub payout: Option<Payout>,
}

pub fn not_found() -> Refusal {
    Refusal::not_found(
        "statement_not_found",
        "Không tìm thấy bảng quyết toán.",
        "No such settlement statement.",
    )
}

pub fn find(conn: &mut DbConn, id: i32) -> Result<Statement, ModelError> {
    ss::table
        .find(id)
        .select(Statement::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| not_found().into())
}

pub fn view(conn: &mut DbConn, id: i32) -> Result<StatementView, ModelError> {
    let statement = find(conn, id)?;
    let lines = sl::table
        .filter(sl::statement_id.eq(id))
        .order(sl::line_no)
        .select(Line::as_select())
        .load(conn)?;
    let events = se::table
        .filter(se::statement_id.eq(id))
        .order(se::id)
        .select(Event::as_select())
        .load(conn)?;
    let payout = sp::table
        .filter(sp::statement_id.eq(id))
        .select(Payout::as_select())
        .first(conn)
        .optional()?;
    let producer_name = crate::models::producer::find(conn, statement.producer_id)?.name;
    let outlet_name = crate::models::outlet::find(conn, statement.outlet_id)?.name;
    Ok(StatementView {
        statement,
        producer_name,
        outlet_name,
        lines,
        events,
        payout,
    })
}

/// Which statements to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub producer_id: Option<i32>,
    pub outlet_id: Option<i32>,
    pub status: Option<Status>,
    pub period: Option<String>,
}

pub fn list(conn: &mut DbConn, f: &Filter) -> QueryResult<Vec<Statement>> {
    let mut q = ss::table.select(Statement::as_select()).into_boxed();
    if let Some(p) = f.producer_id {
        q = q.filter(ss::producer_id.eq(p));
    }
    if let Some(o) = f.outlet_id {
        q = q.filter(ss::outlet_id.eq(o));
    }
    if let Some(s) = f.status {
        q = q.filter(ss::status.eq(s.code()));
    }
    if let Some(p) = &f.period {
        q = q.filter(ss::period.eq(p.clone()));
    }
    q.order((ss::period_start.desc(), ss::outlet_id, ss::producer_id))
        .load(conn)
}

/// Owed versus paid, per producer (and outlet), over the statements listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Balance {
    pub producer_id: i32,
    pub outlet_id: i32,
    /// Σ net payable of approved, confirmed, disputed and paid statements.
    pub owed: i64,
    /// Σ payouts recorded.
    pub paid: i64,
    /// owed − paid.
    pub outstanding: i64,
    /// Carried forward by the latest fixed statement.
    pub carried_forward: i64,
}

pub fn balances(conn: &mut DbConn, f: &Filter) -> QueryResult<Vec<Balance>> {
    let statements = list(
        conn,
        &Filter {
            status: None,
            ..f.clone()
        },
    )?;
    let ids: Vec<i32> = statements.iter().map(|s| s.id).collect();
    let mut paid_by_statement = std::collections::BTreeMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i32, i64)> = sp::table
            .filter(sp::statement_id.eq_any(chunk))
            .select((sp::statement_id, sp::amount))
            .load(conn)?;
        paid_by_statement.extend(rows);
    }
    let mut out: std::collections::BTreeMap<(i32, i32), Balance> = Default::default();
    // Statements come newest period first: the first fixed one per pair
    // carries the current carry-forward.
    for s in &statements {
        if !s.status().is_fixed() {
            continue;
        }
        let b = out
            .entry((s.producer_id, s.outlet_id))
            .or_insert_with(|| Balance {
                producer_id: s.producer_id,
                outlet_id: s.outlet_id,
                owed: 0,
                paid: 0,
                outstanding: 0,
                carried_forward: s.carried_forward,
            });
        b.owed = b.owed.saturating_add(s.net_payable);
        b.paid = b
            .paid
            .saturating_add(paid_by_statement.get(&s.id).copied().unwrap_or(0));
        b.outstanding = b.owed.saturating_sub(b.paid);
    }
    Ok(out.into_values().collect())
}

/// Every producer's id and name (for lists of statements).
pub fn producer_names(conn: &mut DbConn) -> QueryResult<Vec<(i32, String)>> {
    use crate::db::schema::producers;
    producers::table
        .select((producers::id, producers::name))
        .order(producers::id)
        .load(conn)
}

/// The payouts a producer has received, newest first, with their period.
pub fn payouts_of(conn: &mut DbConn, producer_id: i32) -> QueryResult<Vec<(Payout, String)>> {
    sp::table
        .inner_join(ss::table)
        .filter(ss::producer_id.eq(producer_id))
        .order(sp::paid_at.desc())
        .select((Payout::as_select(), ss::period))
        .load(conn)
}
