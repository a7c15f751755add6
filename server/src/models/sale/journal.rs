//! The per-till journal on the server: the chain head an arriving receipt is
//! checked against, the problems found on arrival (stored and flagged, never
//! hidden, never blocking the sale), and the full verification
//! `ocop-server journal verify` runs.
//!
//! `journal_entries` holds one row per (till, receipt number), sale or
//! refund: its unique key is what keeps a second record with a stored number
//! out. Verification does not trust that index: it walks the sale and refund
//! rows themselves, rebuilds each record from its columns and recomputes
//! every hash with the core crate, so an edited amount, a deleted receipt or
//! a re-pointed link shows whatever else was changed.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ocop_core::i18n::Lang;
use ocop_core::sale::journal::{Chained, reconciliation_problems, verify_chain};
use ocop_core::sale::{ChainHead, ChainProblem, JournalEntry};
use serde::Serialize;
use uuid::Uuid;

use super::store::{self, SaleRow, hash, receipt_no};
use super::{refund_store, till};
use crate::db::DbConn;
use crate::db::schema::{journal_entries, journal_problems, refunds, sales, shifts, tills};

/// Kind of a journal record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sale,
    Refund,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Sale => "sale",
            Kind::Refund => "refund",
        }
    }
}

/// `chain_status` of a record kept aside ([`ChainProblem::NumberJump`]):
/// the head ignores it, so the till's later receipts follow on cleanly.
const JUMP: &str = "jump";

/// Where the till's chain stands: after its highest stored receipt number
/// (records kept aside as number jumps excepted).
pub fn head(conn: &mut DbConn, till_id: i32) -> QueryResult<ChainHead> {
    let last: Option<(i64, String, String)> = journal_entries::table
        .filter(journal_entries::till_id.eq(till_id))
        .filter(journal_entries::chain_status.ne(JUMP))
        .order(journal_entries::receipt_no.desc())
        .select((
            journal_entries::receipt_no,
            journal_entries::kind,
            journal_entries::record_uuid,
        ))
        .first(conn)
        .optional()?;
    let Some((number, kind, uuid)) = last else {
        return Ok(ChainHead::genesis(till_id));
    };
    let last_hash: String = if kind == Kind::Refund.code() {
        refunds::table
            .filter(refunds::uuid.eq(&uuid))
            .select(refunds::hash)
            .first(conn)?
    } else {
        sales::table
            .filter(sales::uuid.eq(&uuid))
            .select(sales::hash)
            .first(conn)?
    };
    let number = receipt_no(number)?;
    Ok(ChainHead {
        till_id,
        next_receipt_no: number.next().unwrap_or(number),
        last_hash: hash(&last_hash)?,
    })
}

/// The record holding a till's receipt number, if any: (kind, uuid).
pub fn holder(
    conn: &mut DbConn,
    till_id: i32,
    number: i64,
) -> QueryResult<Option<(String, String)>> {
    journal_entries::table
        .filter(journal_entries::till_id.eq(till_id))
        .filter(journal_entries::receipt_no.eq(number))
        .select((journal_entries::kind, journal_entries::record_uuid))
        .first(conn)
        .optional()
}

/// The problems an arriving record shows: the chain's, against the till's
/// head, and those that would let it escape reconciliation (a shift the
/// till never opened, an implausible time). All are stored and flagged,
/// none refuses the record.
pub fn arrival_problems<R: Chained>(
    conn: &mut DbConn,
    record: &R,
    at: DateTime<Utc>,
    shift_id: Uuid,
) -> QueryResult<Vec<ChainProblem>> {
    let mut problems = head(conn, record.till_id())?.check_next(record);
    let shift_known = shifts::table
        .filter(shifts::uuid.eq(shift_id.to_string()))
        .filter(shifts::till_id.eq(record.till_id()))
        .select(shifts::id)
        .first::<i32>(conn)
        .optional()?
        .is_some();
    problems.extend(reconciliation_problems(
        record.receipt_no(),
        at,
        shift_id,
        shift_known,
        Utc::now(),
    ));
    Ok(problems)
}

/// Appends the journal row of an arriving record and the problems its chain
/// check found.
pub fn append(
    conn: &mut DbConn,
    till_id: i32,
    number: i64,
    kind: Kind,
    uuid: Uuid,
    problems: &[ChainProblem],
) -> QueryResult<()> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(journal_entries::table)
        .values((
            journal_entries::till_id.eq(till_id),
            journal_entries::receipt_no.eq(number),
            journal_entries::kind.eq(kind.code()),
            journal_entries::record_uuid.eq(uuid.to_string()),
            journal_entries::chain_status.eq(
                if problems
                    .iter()
                    .any(|p| matches!(p, ChainProblem::NumberJump { .. }))
                {
                    JUMP
                } else if problems.is_empty() {
                    "ok"
                } else {
                    "flagged"
                },
            ),
            journal_entries::received_at.eq(now),
        ))
        .execute(conn)?;
    for p in problems {
        diesel::insert_into(journal_problems::table)
            .values((
                journal_problems::till_id.eq(till_id),
                journal_problems::receipt_no.eq(number),
                journal_problems::kind.eq(p.code()),
                journal_problems::detail.eq(serde_json::to_string(p).unwrap_or_default()),
                journal_problems::found_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The problems stored when a receipt arrived.
pub fn problems_at(conn: &mut DbConn, till_id: i32, number: i64) -> QueryResult<Vec<ChainProblem>> {
    let details: Vec<String> = journal_problems::table
        .filter(journal_problems::till_id.eq(till_id))
        .filter(journal_problems::receipt_no.eq(number))
        .order(journal_problems::id)
        .select(journal_problems::detail)
        .load(conn)?;
    Ok(parsed(&details))
}

/// Stored problem details, read back (a row that no longer parses is
/// skipped: `journal verify` walks the records themselves).
fn parsed(details: &[String]) -> Vec<ChainProblem> {
    details
        .iter()
        .filter_map(|d| serde_json::from_str(d).ok())
        .collect()
}

/// One problem found by `journal verify`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Finding {
    pub till_id: i32,
    /// `gap`, `duplicate`, `out_of_order`, `altered_record`, `broken_link`,
    /// `wrong_till`, `number_jump`, `unknown_shift`, `implausible_time`, or
    /// `unreadable_record` (a stored row no longer parses).
    pub kind: String,
    pub message: String,
}

/// The result of walking one till's chain.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TillJournal {
    pub till_id: i32,
    pub records: usize,
    pub findings: Vec<Finding>,
}

/// Walks each till's chain (or one till's) from the stored sale and refund
/// rows, recomputing every hash, and lists every problem.
pub fn verify(conn: &mut DbConn, only: Option<i32>) -> QueryResult<Vec<TillJournal>> {
    let till_ids: Vec<i32> = match only {
        Some(id) => vec![till::find(conn, id)?.id],
        None => tills::table.order(tills::id).select(tills::id).load(conn)?,
    };
    let mut out = Vec::new();
    for till_id in till_ids {
        let mut findings = Vec::new();
        let mut records: Vec<(i64, JournalEntry)> = Vec::new();
        let sale_rows: Vec<SaleRow> = sales::table
            .filter(sales::till_id.eq(till_id))
            .select(SaleRow::as_select())
            .load(conn)?;
        for row in &sale_rows {
            match store::load(conn, row) {
                Ok(s) => records.push((row.receipt_no, JournalEntry::Sale(s))),
                Err(e) => findings.push(unreadable(till_id, row.receipt_no, &e)),
            }
        }
        for (number, loaded) in refund_store::load_for_till(conn, till_id)? {
            match loaded {
                Ok(r) => records.push((number, JournalEntry::Refund(r))),
                Err(e) => findings.push(unreadable(till_id, number, &e)),
            }
        }
        records.sort_by_key(|(n, _)| *n);
        let entries: Vec<JournalEntry> = records.into_iter().map(|(_, e)| e).collect();
        let mut problems = verify_chain(&entries);
        problems.extend(escaped_at_arrival(conn, till_id)?);
        findings.extend(problems.into_iter().map(|p| Finding {
            till_id,
            kind: p.code().to_owned(),
            message: p.describe(Lang::En),
        }));
        out.push(TillJournal {
            till_id,
            records: entries.len(),
            findings,
        });
    }
    Ok(out)
}

/// The problems found on arrival that the chain walk cannot see again (a
/// shift unknown then, a time implausible then), as stored.
fn escaped_at_arrival(conn: &mut DbConn, till_id: i32) -> QueryResult<Vec<ChainProblem>> {
    let details: Vec<String> = journal_problems::table
        .filter(journal_problems::till_id.eq(till_id))
        .filter(journal_problems::kind.eq_any(["unknown_shift", "implausible_time"]))
        .order(journal_problems::id)
        .select(journal_problems::detail)
        .load(conn)?;
    Ok(parsed(&details))
}

fn unreadable(till_id: i32, number: i64, e: &diesel::result::Error) -> Finding {
    Finding {
        till_id,
        kind: "unreadable_record".into(),
        message: format!("Receipt {number}: a stored row no longer reads ({e})."),
    }
}

/// `ocop-server journal verify`: prints one line per till and per finding;
/// `Ok(false)` when anything was found.
pub fn run_cli(db: &crate::db::Db, only: Option<i32>) -> anyhow::Result<bool> {
    let mut conn = db.conn()?;
    let report = verify(&mut conn, only)?;
    let mut clean = true;
    for till in &report {
        println!(
            "till {}: {} records, {} problems",
            till.till_id,
            till.records,
            till.findings.len()
        );
        for f in &till.findings {
            clean = false;
            println!("  till {} {}: {}", f.till_id, f.kind, f.message);
        }
    }
    if clean {
        println!("journal OK");
    }
    Ok(clean)
}
