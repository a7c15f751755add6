//! Time to sync 10,000 queued sales (issue 7): a till registered with a
//! real `ocop-server` (the demo data, on a real port, as the e2e suites
//! start it) commits 10,000 sales offline in one open shift, then sends
//! its outbox through `sync::send_outbox` (batches of 100). The server
//! must then hold exactly 10,000 sales of that till, receipts 1–10,000,
//! with an unbroken chain, and the till nothing waiting: otherwise the
//! bench stops with an error.
//!
//!     cargo run --release -p ocop-e2e --example till_sync_bench
//!     OCOP_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!         cargo run --release -p ocop-e2e --example till_sync_bench
//!
//! SQLite by default; with `OCOP_TEST_DATABASE_URL` (as for the e2e
//! suites) a fresh PostgreSQL database, dropped afterwards.
//! `OCOP_BENCH_SALES` changes the count.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use diesel::prelude::*;
use ocop_core::money::Dong;
use ocop_e2e::TestApp;
use ocop_till::catalogue::Catalogue;
use ocop_till::checkout::{self, Tender};
use ocop_till::commands::{self, SetupArgs};
use ocop_till::config::TillConfig;
use ocop_till::server_api::Server;
use ocop_till::shift;
use ocop_till::store::Store;
use ocop_till::sync::{self, Backoff};

/// Registers a till with the demo manager and downloads the catalogue.
fn setup(base: &str, dir: &Path) -> anyhow::Result<TillConfig> {
    commands::setup(
        dir,
        &SetupArgs {
            server: base.to_owned(),
            ca_file: None,
            username: "manager1".into(),
            password: Some("demo1234".into()),
            password_stdin: false,
            outlet: None,
            name: "Quầy đo tốc độ".into(),
            printer: None,
            width: 80,
            mode: "raster".into(),
        },
    )?;
    TillConfig::require(&Store::open_dir(dir)?)
}

/// Commits `count` cash sales of 1–5 lines from the catalogue, offline.
fn commit_sales(dir: &Path, cfg: &TillConfig, count: u32) -> anyhow::Result<Duration> {
    let mut store = Store::open_dir(dir)?;
    let cat = Catalogue::load(&store)?;
    let codes: Vec<String> = cat
        .products()
        .iter()
        .filter_map(|p| p.scan_code().map(str::to_owned))
        .collect();
    ensure!(
        codes.len() >= 5,
        "the demo catalogue has scannable products"
    );
    let one = ocop_core::money::Quantity::from_units(1).context("1")?;
    shift::open(&mut store, cfg, Dong::new(1_000_000))?;
    let started = Instant::now();
    for n in 0..usize::try_from(count)? {
        let items = (0..1 + n % 5)
            .map(|j| checkout::scan_item(&cat, &codes[(n * 7 + j * 3) % codes.len()], one))
            .collect::<anyhow::Result<Vec<_>>>()?;
        checkout::commit_sale(&mut store, cfg, &cat, &items, &[Tender::Cash(None)])?;
    }
    Ok(started.elapsed())
}

/// Sends the outbox, as `ocop-till sync` does (without the catalogue).
fn send(dir: &Path, cfg: &TillConfig) -> anyhow::Result<(Duration, sync::SyncReport)> {
    let store = Store::open_dir(dir)?;
    let server = Server::new(&cfg.server_url, Duration::from_secs(60))?;
    let started = Instant::now();
    let report = sync::send_outbox(&store, &server, &cfg.till_auth(), Backoff::default(), false)?;
    Ok((started.elapsed(), report))
}

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    sales: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    receipts: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    last: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    flagged: i64,
}

/// What the server holds for the till: sales, distinct receipt numbers,
/// the highest, and journal rows whose chain check found a problem.
fn server_counts(db: &ocop_server::db::Db, till_id: i32) -> anyhow::Result<Counts> {
    let mut c = db.conn()?;
    Ok(diesel::sql_query(format!(
        "SELECT
           (SELECT COUNT(*) FROM sales WHERE till_id = {till_id}) AS sales,
           (SELECT COUNT(DISTINCT receipt_no) FROM sales WHERE till_id = {till_id}) AS receipts,
           (SELECT CAST(COALESCE(MAX(receipt_no), 0) AS BIGINT) FROM sales WHERE till_id = {till_id}) AS last,
           (SELECT COUNT(*) FROM journal_entries WHERE till_id = {till_id} AND chain_status <> 'ok') AS flagged"
    ))
    .get_result::<Counts>(&mut c)?)
}

fn rate(n: u32, d: Duration) -> String {
    format!("{:.0} sales/s", f64::from(n) / d.as_secs_f64())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let count: u32 = std::env::var("OCOP_BENCH_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let app = TestApp::spawn_demo().await;
    let backend = app.test_db.backend().name();
    let dir = tempfile::tempdir()?;
    let till_dir = dir.path().to_owned();
    let base = app.base.clone();
    let (cfg, committed, sent, report) = tokio::task::spawn_blocking(move || {
        let cfg = setup(&base, &till_dir)?;
        let committed = commit_sales(&till_dir, &cfg, count)?;
        let (sent, report) = send(&till_dir, &cfg)?;
        anyhow::Ok((cfg, committed, sent, report))
    })
    .await??;
    let db = app.db.clone();
    let till_id = cfg.till_id;
    let held = tokio::task::spawn_blocking(move || server_counts(&db, till_id)).await??;
    let queue = Store::open_dir(dir.path())?.queue_counts()?;
    app.stop().await;

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "backend {backend}: one till, {count} cash sales of 1–5 lines, one shift; load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "  {:<44} {:>9.1} s  {:>12}",
        "commit locally (SQLite, synchronous=FULL)",
        committed.as_secs_f64(),
        rate(count, committed)
    );
    println!(
        "  {:<44} {:>9.1} s  {:>12}",
        "send_outbox, batches of 100, real HTTP",
        sent.as_secs_f64(),
        rate(count, sent)
    );
    println!(
        "  server holds {} sales of till {till_id} ({} receipt numbers, last {}, {} flagged); \
         till queue: {} waiting, {} acknowledged, {} rejected",
        held.sales, held.receipts, held.last, held.flagged, queue.0, queue.1, queue.2
    );
    let expected = i64::from(count);
    ensure!(
        report.error.is_none(),
        "the send stopped: {:?}",
        report.error
    );
    ensure!(report.rejected == 0, "{} sales rejected", report.rejected);
    ensure!(
        held.sales == expected && held.receipts == expected && held.last == expected,
        "the server holds {} sales (expected exactly {count})",
        held.sales
    );
    ensure!(held.flagged == 0, "{} journal rows flagged", held.flagged);
    ensure!(queue.0 == 0 && queue.2 == 0, "the till still has {queue:?}");
    Ok(())
}
