//! `ocop-server settle --period 2026-11 [--outlet ID]`: computes the month's
//! draft statements for every producer × outlet with an agreement, with a
//! progress bar on standard error and one line per pair on standard output.
//! `ocop-server settle backfill`: records what statements computed before
//! members were recorded hold ([`super::compute::backfill`]).

use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use ocop_core::settlement::Period;

use super::{RunOutcome, run_period};
use crate::db::Db;

/// Runs the period; `Ok(false)` when any pair was refused.
pub fn run(db: &Db, period: &str, outlet: Option<i32>) -> anyhow::Result<bool> {
    let month: Period = period
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}: use a month such as 2026-11"))?;
    if month.kind() != ocop_core::stock::SettlementPeriod::Monthly {
        anyhow::bail!("use a month such as 2026-11 (a quarter is settled with its last month)");
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("quyết toán {msg} [{bar:40}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(month.to_string());
    let rows = run_period(db, month, outlet, Utc::now(), None, |done, total| {
        bar.set_length(u64::try_from(total).unwrap_or(0));
        bar.set_position(u64::try_from(done).unwrap_or(0));
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish();
    let mut ok = true;
    let (mut computed, mut fixed, mut not_due, mut refused) = (0, 0, 0, 0);
    for (producer, outlet, outcome) in &rows {
        match outcome {
            RunOutcome::Computed(id) => {
                computed += 1;
                println!("producer {producer} outlet {outlet}: draft statement {id}");
            }
            RunOutcome::Fixed(id) => {
                fixed += 1;
                println!(
                    "producer {producer} outlet {outlet}: statement {id} already approved, unchanged"
                );
            }
            RunOutcome::NotDue => not_due += 1,
            RunOutcome::Refused(m) => {
                refused += 1;
                ok = false;
                println!("producer {producer} outlet {outlet}: REFUSED {m}");
            }
        }
    }
    println!(
        "{month}: {computed} computed, {fixed} already approved, {not_due} not due (quarterly), {refused} refused"
    );
    Ok(ok)
}

/// Backfills every pair with old statements and prints what it did;
/// `Ok(false)` when any pair was refused.
pub fn backfill(db: &Db) -> anyhow::Result<bool> {
    let rows = super::compute::backfill::all(db).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut ok = true;
    let (mut filled, mut refused) = (0, 0);
    for (producer, outlet, r) in &rows {
        match r {
            Ok(done) => {
                for f in done {
                    filled += 1;
                    println!(
                        "producer {producer} outlet {outlet}: statement {} ({}) now holds {} members, figures unchanged",
                        f.statement_id, f.period, f.members
                    );
                }
            }
            Err(e) => {
                refused += 1;
                ok = false;
                println!("producer {producer} outlet {outlet}: REFUSED {e}");
            }
        }
    }
    println!("backfill: {filled} statements verified, {refused} pairs refused (left unchanged)");
    Ok(ok)
}
