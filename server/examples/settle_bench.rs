//! Settlement benchmark (issue 13): one month of consignment sales, then the
//! month's statements for every producer × outlet, timed (first run, then a
//! re-run that recomputes every draft and must give the same bytes).
//!
//!     cargo run --release -p ocop-server --example settle_bench
//!     cargo run --release -p ocop-server --example settle_bench -- postgres://postgres@127.0.0.1:5432/bench
//!
//! Without an argument it uses a fresh SQLite file in a temporary directory;
//! a PostgreSQL database named in the argument must exist and be empty.
//! `OCOP_BENCH_LINES` (default 1 000 000 sale lines, 5 per sale),
//! `OCOP_BENCH_PRODUCERS` (500), `OCOP_BENCH_OUTLETS` (50) and
//! `OCOP_BENCH_OUTLETS_PER_PRODUCER` (10 agreements per producer) size it.
//!
//! The month's data is written by plain SQL (the ingest path has its own
//! benchmark, `sales_bench`): sales, their lines and their stock ledger
//! entries, one goods receipt per pair. The figures are checked after the
//! run: one statement per pair, none refused, Σ gross of the statements =
//! Σ of the sale lines, the re-run's SHA-256 equal to the first, every
//! sale held once per producer on it (`settlement_members`), and 20
//! statements recomputed from what they hold giving their bytes.

use std::time::Instant;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use ocop_core::settlement::Period;
use ocop_server::db::Db;
use ocop_server::db::schema::{settlement_members as sm, settlement_statements as ss};
use ocop_server::models::settlement::compute::recompute_figures;
use ocop_server::models::settlement::{RunOutcome, run_period};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn exec(db: &Db, sql: &str) -> anyhow::Result<()> {
    let mut c = db.conn()?;
    diesel::sql_query(sql).execute(&mut c)?;
    Ok(())
}

/// Runs `rows` as multi-row INSERTs of 400 rows, in transactions of ~20 000.
fn insert(db: &Db, head: &str, rows: &[String]) -> anyhow::Result<()> {
    for tx in rows.chunks(20_000) {
        db.write(|c| -> anyhow::Result<()> {
            for chunk in tx.chunks(400) {
                diesel::sql_query(format!("{head} VALUES {}", chunk.join(","))).execute(c)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn ts(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn main() -> anyhow::Result<()> {
    let lines = env("OCOP_BENCH_LINES", 1_000_000);
    let producers = env("OCOP_BENCH_PRODUCERS", 500);
    let outlets = env("OCOP_BENCH_OUTLETS", 50);
    let per_producer = env("OCOP_BENCH_OUTLETS_PER_PRODUCER", 10).min(outlets);
    let dir = tempfile::tempdir()?;
    let url = std::env::args().nth(1).unwrap_or_else(|| {
        dir.path()
            .join("settle-bench.sqlite3")
            .to_string_lossy()
            .into_owned()
    });
    let db = Db::connect(&url, 4)?;
    db.migrate()?;
    println!(
        "backend {}: {lines} sale lines, {producers} producers, {outlets} outlets, {per_producer} outlets per producer",
        db.backend().name()
    );
    let month: Period = "2026-10".parse()?;
    let (start, end) = month.bounds();
    let (start, end) = (start.naive_utc(), end.naive_utc());
    let created = ts(start - TimeDelta::days(30));

    let t0 = Instant::now();
    exec(
        &db,
        &format!(
            "INSERT INTO users (id, username, display_name, password_hash, role, outlet_id, producer_id, active, created_at, updated_at) VALUES (1, 'bench', 'Bench', 'x', 'admin', NULL, NULL, TRUE, '{created}', '{created}')"
        ),
    )?;
    let rows: Vec<String> = (1..=outlets)
        .map(|o| format!("({o}, 'B-{o:03}', 'Điểm bán {o}', 'showroom', 'lao-cai', 'x', NULL, NULL, '7-21', 'x', 1500, 'x', '5300000000', '0', NULL, NULL, NULL, TRUE, '{created}', '{created}')"))
        .collect();
    insert(
        &db,
        "INSERT INTO outlets (id, code, name, kind, district_code, address, latitude, longitude, opening_hours, operator_name, commission_bp, legal_name, tax_code, phone, bank_bin, bank_account, bank_holder, active, created_at, updated_at)",
        &rows,
    )?;
    let rows: Vec<String> = (1..=producers)
        .map(|p| format!("({p}, 'HTX {p}', 'htx {p}', 'htx', NULL, 'lao-cai', 'x', 'x', 'x', '0', NULL, NULL, NULL, 'active', '{created}', '{created}')"))
        .collect();
    insert(
        &db,
        "INSERT INTO producers (id, name, search_key, kind, tax_code, district_code, commune, address, contact_name, phone, bank_bin, bank_account, bank_holder, status, created_at, updated_at)",
        &rows,
    )?;
    let price = |p: usize| 50_000 + i64::try_from(p % 40).unwrap_or(0) * 5_000;
    let rows: Vec<String> = (1..=producers)
        .map(|p| format!("({p}, {p}, 'Sản phẩm {p}', NULL, 'san pham {p}', 'food', 4, NULL, NULL, NULL, NULL, NULL, NULL, 'goi', FALSE, '10', {}, NULL, '', NULL, FALSE, TRUE, '{created}', '{created}', 0)", price(p)))
        .collect();
    insert(
        &db,
        "INSERT INTO products (id, producer_id, name_vi, name_en, search_key, group_code, stars, cert_number, cert_level, cert_issued_on, cert_expires_on, gtin, internal_code, unit, fractional, vat_rate, price, food_safety_ref, description, photo_url, key_product, active, created_at, updated_at, catalogue_version)",
        &rows,
    )?;
    let rows: Vec<String> = (1..=producers)
        .map(|p| format!("({p}, {p}, 'L1', NULL, NULL, '{created}')"))
        .collect();
    insert(
        &db,
        "INSERT INTO lots (id, product_id, lot_code, produced_on, expires_on, created_at)",
        &rows,
    )?;
    // Producer p consigns at outlets p, p+1, … (mod outlets).
    let outlet_of = |p: usize, j: usize| (p + j) % outlets + 1;
    let mut agreements = Vec::new();
    let mut documents = Vec::new();
    let mut receipts = Vec::new();
    let mut by_outlet: Vec<Vec<usize>> = vec![Vec::new(); outlets + 1];
    let mut n = 0;
    for p in 1..=producers {
        for j in 0..per_producer {
            n += 1;
            let o = outlet_of(p, j);
            if let Some(v) = by_outlet.get_mut(o) {
                v.push(p);
            }
            agreements.push(format!("({n}, {p}, {o}, 'commission', 1500, 'monthly', 'producer', '2026-01-01', NULL, '', 1, '{created}', 0)"));
            documents.push(format!("({n}, {o}, 'goods_received', 'posted', {n}, 'PN-{n}', {p}, {n}, NULL, NULL, NULL, '', 1, '{created}', 1, '{created}')"));
            receipts.push(format!("({o}, {p}, {p}, {p}, 100000000, 'consignment_received', {n}, NULL, 'PN-{n}', 1, '{created}')"));
        }
    }
    insert(
        &db,
        "INSERT INTO consignment_agreements (id, producer_id, outlet_id, terms, commission_bp, settlement_period, loss_bearer, starts_on, ends_on, note, created_by, created_at, min_payout)",
        &agreements,
    )?;
    insert(
        &db,
        "INSERT INTO stock_documents (id, outlet_id, kind, status, seq, number, producer_id, agreement_id, dest_outlet_id, ref_document_id, write_off_reason, note, created_by, created_at, posted_by, posted_at)",
        &documents,
    )?;
    insert(
        &db,
        "INSERT INTO stock_ledger (outlet_id, product_id, lot_id, owner_producer_id, qty_milli, kind, document_id, document_line_id, document_ref, user_id, created_at)",
        &receipts,
    )?;
    let rows: Vec<String> = (1..=outlets)
        .map(|o| format!("({o}, {o}, 'Quầy', 'x', 1, '{created}')"))
        .collect();
    insert(
        &db,
        "INSERT INTO tills (id, outlet_id, name, secret_sha256, created_by, created_at)",
        &rows,
    )?;

    // The month's sales: 5 lines each, spread over the month and outlets.
    let sales_n = lines / 5;
    let seconds = (end - start).num_seconds();
    let (mut sale_rows, mut line_rows, mut ledger_rows) = (Vec::new(), Vec::new(), Vec::new());
    let mut next_no = vec![0u32; outlets + 1];
    let mut total_gross: i64 = 0;
    let mut sale_producers: usize = 0;
    for i in 1..=sales_n {
        let o = i % outlets + 1;
        let Some(here) = by_outlet.get(o).filter(|v| !v.is_empty()) else {
            continue;
        };
        let Some(no) = next_no.get_mut(o) else {
            continue;
        };
        *no += 1;
        let offset = i64::try_from(i).unwrap_or(0).saturating_mul(7919) % seconds.max(1);
        let sold = start + TimeDelta::seconds(offset);
        let recv = sold + TimeDelta::seconds(30);
        let reference = format!("T{o}-{no:06}");
        let mut total = 0;
        let mut on_sale = std::collections::BTreeSet::new();
        for j in 0..5 {
            let p = *here.get((i * 7 + j * 13) % here.len()).unwrap_or(&1);
            on_sale.insert(p);
            let amount = price(p);
            total += amount;
            line_rows.push(format!("({i}, {}, {p}, NULL, 'Sản phẩm {p}', 'goi', 'food', 1000, {amount}, {amount}, NULL, 0, NULL, '10', {amount})", j + 1));
            ledger_rows.push(format!(
                "({o}, {p}, {p}, {p}, -1000, 'sale', NULL, NULL, '{reference}', 1, '{}')",
                ts(recv)
            ));
        }
        total_gross += total;
        sale_producers += on_sale.len();
        sale_rows.push(format!(
            "({i}, 'bench-{i}', {o}, {no}, '{}', 1, {o}, 'shift', {total}, 'x', 'x', '{}')",
            ts(sold),
            ts(recv)
        ));
    }
    insert(
        &db,
        "INSERT INTO sales (id, uuid, till_id, receipt_no, sold_at, cashier_id, outlet_id, shift_uuid, total, prev_hash, hash, received_at)",
        &sale_rows,
    )?;
    insert(
        &db,
        "INSERT INTO sale_lines (sale_id, line_no, product_id, lot_code, name, unit, group_code, qty_milli, unit_price, catalogue_price, server_price, discount, discount_reason, vat_rate, amount)",
        &line_rows,
    )?;
    insert(
        &db,
        "INSERT INTO stock_ledger (outlet_id, product_id, lot_id, owner_producer_id, qty_milli, kind, document_id, document_line_id, document_ref, user_id, created_at)",
        &ledger_rows,
    )?;
    if db.backend().name() == "postgres" {
        exec(&db, "ANALYZE")?;
    }
    println!(
        "seeded {} sales / {} lines / {n} pairs in {:.1} s",
        sale_rows.len(),
        line_rows.len(),
        t0.elapsed().as_secs_f64()
    );

    let now = (end + TimeDelta::days(2)).and_utc();
    let mut timed = Vec::new();
    let mut hashes = Vec::new();
    for label in ["first run", "re-run (recompute every draft)"] {
        let t = Instant::now();
        let out = run_period(&db, month, None, now, Some(1), |_, _| {})?;
        let secs = t.elapsed().as_secs_f64();
        let refused: Vec<_> = out
            .iter()
            .filter(|r| matches!(r.2, RunOutcome::Refused(_)))
            .collect();
        anyhow::ensure!(refused.is_empty(), "refused: {:?}", refused.first());
        anyhow::ensure!(out.len() == n, "{} results for {n} pairs", out.len());
        let mut c = db.conn()?;
        let all: Vec<i64> = ss::table.select(ss::gross).load(&mut c)?;
        let (count, gross) = (i64::try_from(all.len())?, Some(all.iter().sum::<i64>()));
        anyhow::ensure!(count == i64::try_from(n)?, "{count} statements");
        anyhow::ensure!(
            gross == Some(total_gross),
            "Σ gross {gross:?} ≠ {total_gross}"
        );
        let h: Vec<String> = ss::table
            .order(ss::id)
            .select(ss::figures_sha256)
            .load(&mut c)?;
        hashes.push(h);
        println!(
            "{label}: {n} statements in {secs:.1} s = {:.0} statements/s, {:.0} sale lines/s",
            f64::from(u32::try_from(n).unwrap_or(0)) / secs,
            f64::from(u32::try_from(line_rows.len()).unwrap_or(0)) / secs
        );
        timed.push(secs);
    }
    anyhow::ensure!(
        hashes.first() == hashes.get(1),
        "the re-run changed a statement's bytes"
    );
    println!("re-run byte-identical: yes; Σ gross = {total_gross} đồng");
    // Every sale is held once per producer on it, by exactly one statement,
    // and a statement recomputed from what it holds gives its bytes.
    let mut c = db.conn()?;
    let members: i64 = sm::table
        .filter(sm::kind.eq("sale"))
        .count()
        .get_result(&mut c)?;
    anyhow::ensure!(
        members == i64::try_from(sale_producers)?,
        "{members} sale members for {sale_producers} sale × producer pairs"
    );
    let sample: Vec<i32> = ss::table
        .select(ss::id)
        .order(ss::id)
        .limit(20)
        .load(&mut c)?;
    for id in sample {
        let (_, hash) = recompute_figures(&mut c, id).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let stored: String = ss::table
            .find(id)
            .select(ss::figures_sha256)
            .first(&mut c)?;
        anyhow::ensure!(hash == stored, "statement #{id} does not verify");
    }
    println!("members: {members} (sale × producer), each held once; 20 statements verify");
    Ok(())
}
