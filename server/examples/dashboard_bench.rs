//! The dashboard's main queries with and without the daily rollups, on a
//! generated one-province year (issue 17).
//!
//! ```text
//! cargo run --release -p ocop-server --example dashboard_bench -- [sales] [database-url]
//! ```
//!
//! Loads the demo catalogue into a fresh database (a temporary SQLite file
//! unless a URL is given), gives every outlet a till, writes `sales`
//! receipts (default 200 000) of one to three lines spread over the last
//! 365 days, rebuilds the rollups, and times: the year's revenue by
//! district and by product from the raw rows (the GROUP BY the dashboard
//! would need without rollups) and from the rollups, and the whole page's
//! queries (`dashboard::figures` for every breakdown).

use std::time::Instant;

use anyhow::Context as _;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use ocop_server::db::{Db, DbConn};
use ocop_server::models::rollup::{self, dashboard};

#[derive(QueryableByName)]
struct Key {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

fn ids(conn: &mut DbConn, sql: &str) -> anyhow::Result<Vec<i64>> {
    let rows: Vec<Key> = diesel::sql_query(sql).load(conn)?;
    Ok(rows.into_iter().map(|k| k.n).collect())
}

fn pick(rng: &mut Rng, v: &[i64]) -> i64 {
    let i = usize::try_from(rng.below(u64::try_from(v.len()).unwrap_or(1))).unwrap_or(0);
    v.get(i).copied().unwrap_or(0)
}

fn timed<T>(label: &str, f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    let t = Instant::now();
    let out = f()?;
    println!("{label:<58} {:>9.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    Ok(out)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let sales: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let dir = tempfile::tempdir()?;
    let url = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| dir.path().join("bench.sqlite3").display().to_string());
    let db = Db::connect(&url, 2)?;
    db.migrate()?;
    ocop_server::demo::load(&db)?;
    let mut conn = db.conn().context("connection")?;
    diesel::sql_query(
        "INSERT INTO tills (outlet_id, name, secret_sha256, created_by, created_at) \
         SELECT id, 'bench', 'x', (SELECT MIN(id) FROM users), '2026-01-01 00:00:00' FROM outlets",
    )
    .execute(&mut conn)?;
    let tills = ids(&mut conn, "SELECT CAST(id AS BIGINT) AS n FROM tills")?;
    let outlets = ids(
        &mut conn,
        "SELECT CAST(outlet_id AS BIGINT) AS n FROM tills",
    )?;
    let products = ids(&mut conn, "SELECT CAST(id AS BIGINT) AS n FROM products")?;
    let cashier = ids(&mut conn, "SELECT CAST(MIN(id) AS BIGINT) AS n FROM users")?
        .first()
        .copied()
        .unwrap_or(1);
    let mut rng = Rng(17);
    let now = Utc::now().naive_utc();
    let started = Instant::now();
    let mut lines_written = 0u64;
    let mut next_id = 1u64;
    while next_id <= sales {
        let mut heads = Vec::new();
        let mut lines = Vec::new();
        for _ in 0..1000 {
            if next_id > sales {
                break;
            }
            let t =
                usize::try_from(rng.below(u64::try_from(tills.len()).unwrap_or(1))).unwrap_or(0);
            let (till, outlet) = (
                tills.get(t).copied().unwrap_or(1),
                outlets.get(t).copied().unwrap_or(1),
            );
            let at = now - Duration::minutes(i64::try_from(rng.below(365 * 24 * 60)).unwrap_or(0));
            let at = at.format("%Y-%m-%d %H:%M:%S");
            let mut total = 0u64;
            for no in 1..=1 + rng.below(3) {
                let qty = 1 + rng.below(4);
                let price = 10_000 * (1 + rng.below(30));
                total += qty * price;
                lines.push(format!(
                    "({next_id}, {no}, {}, NULL, 'bench', 'cái', 'food', {}, {price}, NULL, NULL, 0, NULL, '8', {})",
                    pick(&mut rng, &products),
                    qty * 1000,
                    qty * price
                ));
                lines_written += 1;
            }
            heads.push(format!(
                "({next_id}, 'bench-{next_id}', {till}, {next_id}, '{at}', {cashier}, {outlet}, 'bench', {total}, '', '', '{at}')"
            ));
            next_id += 1;
        }
        conn.transaction(|c| {
            diesel::sql_query(format!(
                "INSERT INTO sales (id, uuid, till_id, receipt_no, sold_at, cashier_id, outlet_id, \
                 shift_uuid, total, prev_hash, hash, received_at) VALUES {}",
                heads.join(", ")
            ))
            .execute(c)?;
            diesel::sql_query(format!(
                "INSERT INTO sale_lines (sale_id, line_no, product_id, lot_code, name, unit, \
                 group_code, qty_milli, unit_price, catalogue_price, server_price, discount, \
                 discount_reason, vat_rate, amount) VALUES {}",
                lines.join(", ")
            ))
            .execute(c)?;
            QueryResult::Ok(())
        })?;
    }
    println!(
        "generated {sales} receipts, {lines_written} lines, {} outlets, {} products in {:.1} s",
        tills.len(),
        products.len(),
        started.elapsed().as_secs_f64()
    );
    let rebuilt = timed("rollup rebuild", || {
        Ok(rollup::rebuild(&mut conn, Utc::now().naive_utc())?)
    })?;
    println!(
        "  {} product-day rows, {} outlet-day rows",
        rebuilt.product_days, rebuilt.outlet_days
    );
    let today = ocop_core::time::vn_date(Utc::now());
    let year = dashboard::Period {
        kind: dashboard::PeriodKind::Year,
        start: today - Duration::days(365),
        until: today + Duration::days(1),
    };
    let (from, until) = (
        ocop_core::time::vn_day_bounds(year.start)
            .0
            .naive_utc()
            .format("%Y-%m-%d %H:%M:%S"),
        ocop_core::time::vn_day_bounds(year.until)
            .0
            .naive_utc()
            .format("%Y-%m-%d %H:%M:%S"),
    );
    for (label, key) in [
        ("district", "o.district_code"),
        ("product", "CAST(l.product_id AS TEXT)"),
    ] {
        timed(&format!("raw rows: a year's revenue by {label}"), || {
            let n: Vec<Key> = diesel::sql_query(format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT {key}, SUM(l.amount) \
                 FROM sales s JOIN sale_lines l ON l.sale_id = s.id JOIN outlets o ON o.id = s.outlet_id \
                 WHERE s.sold_at >= '{from}' AND s.sold_at < '{until}' GROUP BY {key}) x"
            ))
            .load(&mut conn)?;
            Ok(n.len())
        })?;
    }
    let f = dashboard::Filter::default();
    for (label, dim) in [
        ("district", dashboard::Dim::District),
        ("product", dashboard::Dim::Product),
    ] {
        timed(&format!("rollups: a year's revenue by {label}"), || {
            Ok(dashboard::figures(&mut conn, &f, year, dim)?.len())
        })?;
    }
    timed(
        "rollups: the whole year page (totals ×3, trend, 7 breakdowns)",
        || {
            for p in [year, year.previous(), year.year_before()] {
                dashboard::totals(&mut conn, &f, p)?;
            }
            for dim in [
                dashboard::Dim::Day,
                dashboard::Dim::Group,
                dashboard::Dim::District,
                dashboard::Dim::Product,
                dashboard::Dim::Stars,
                dashboard::Dim::Kind,
                dashboard::Dim::Outlet,
                dashboard::Dim::Producer,
            ] {
                dashboard::figures(&mut conn, &f, year, dim)?;
            }
            Ok(())
        },
    )?;
    timed("rollup check (every row against the raw rows)", || {
        let d = rollup::check(&mut conn)?;
        anyhow::ensure!(d.is_empty(), "{} differences", d.len());
        Ok(())
    })?;
    Ok(())
}
