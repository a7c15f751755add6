//! Sale ingest benchmark (issue 5): 5-line sales posted over HTTP by 50
//! concurrent clients (each a till with its own chain), sales/s and p50/p99
//! latency; then, in the same run on the same database, the same rows
//! written by plain SQL (one transaction per sale, 50 threads) — the floor
//! the API cannot beat.
//!
//!     cargo run --release -p ocop-server --example sales_bench
//!     cargo run --release -p ocop-server --example sales_bench -- postgres://postgres@127.0.0.1:5432/bench
//!
//! Without an argument it uses a fresh SQLite file in a temporary directory.
//! A PostgreSQL database named in the argument must exist and be empty.
//! `OCOP_BENCH_SALES` sets the sales per client (default 40).
//!
//! A 201 is not enough: after each path the bench reads back what it sent
//! (one sale row per sale with its total, stock ledger entries adding up to
//! each sale's lines, stock on hand down by exactly what was sold) and fails
//! if anything disagrees, so its figures are for work actually done.

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use ocop_core::money::Quantity;
use ocop_core::sale::{ChainHash, Payment, Sale, SaleBuilder, SaleHeader};
use ocop_server::config::Config;
use ocop_server::db::schema::{sales, stock_ledger, stock_on_hand, users};
use ocop_server::db::{Db, DbConn};
use ocop_server::demo::generate::Item;
use ocop_server::models::sale::till;
use ocop_server::models::{outlet, product};
use ocop_server::startup;
use uuid::Uuid;

const CLIENTS: usize = 50;

fn sale(
    till_id: i32,
    outlet_id: i32,
    cashier: i32,
    no: u32,
    prev: ChainHash,
    items: &[Item],
) -> anyhow::Result<Sale> {
    let mut b = SaleBuilder::new(SaleHeader {
        id: Uuid::new_v4(),
        till_id,
        receipt_no: no.try_into().map_err(|_| anyhow::anyhow!("receipt 0"))?,
        sold_at: Utc::now(),
        cashier_id: cashier,
        outlet_id,
        shift_id: Uuid::nil(),
    });
    for it in items.iter().take(5) {
        b.add(it.cart_line(Quantity::from_milli(1_000)))?;
    }
    let total = b.total()?;
    Ok(b.finish(vec![Payment::cash(total, total)?], prev)?)
}

/// What one sent sale must leave in the database.
struct Sent {
    till_id: i32,
    receipt_no: i64,
    total: i64,
    /// Its ledger reference (`T3-000001`) and, per product, the quantity
    /// sold in milli-units.
    reference: String,
    sold: BTreeMap<i32, i64>,
}

impl Sent {
    fn of(s: &Sale) -> Self {
        let mut sold = BTreeMap::new();
        for l in &s.lines {
            *sold.entry(l.product_id).or_insert(0) += l.qty.milli();
        }
        Sent {
            till_id: s.till_id,
            receipt_no: i64::from(s.receipt_no),
            total: s.total.amount(),
            reference: s.receipt_ref().to_string(),
            sold,
        }
    }
}

/// Stock on hand at the outlet per product, all lots and owners together.
fn on_hand(c: &mut DbConn, outlet_id: i32) -> QueryResult<BTreeMap<i32, i64>> {
    let rows: Vec<(i32, i64)> = stock_on_hand::table
        .filter(stock_on_hand::outlet_id.eq(outlet_id))
        .select((stock_on_hand::product_id, stock_on_hand::qty_milli))
        .load(c)?;
    let mut by_product = BTreeMap::new();
    for (product_id, qty) in rows {
        *by_product.entry(product_id).or_insert(0) += qty;
    }
    Ok(by_product)
}

/// The till a ledger reference `T{till}-{receipt}` belongs to.
fn ref_till(reference: &str) -> Option<i32> {
    reference.strip_prefix('T')?.split_once('-')?.0.parse().ok()
}

/// Fails unless the database holds exactly what `sent` should have left on
/// the `path`'s tills: the same sales with the same totals, sale entries in
/// the stock ledger adding up to each sale's lines per product, and stock on
/// hand down from `before` by everything sold.
fn check_stored(
    c: &mut DbConn,
    outlet_id: i32,
    path: &str,
    sent: &[Sent],
    before: &BTreeMap<i32, i64>,
) -> anyhow::Result<()> {
    let tills: BTreeSet<i32> = sent.iter().map(|s| s.till_id).collect();
    let till_ids: Vec<i32> = tills.iter().copied().collect();

    let mut stored: Vec<(i32, i64, i64)> = sales::table
        .filter(sales::till_id.eq_any(&till_ids))
        .select((sales::till_id, sales::receipt_no, sales::total))
        .load(c)?;
    stored.sort_unstable();
    let mut expected: Vec<(i32, i64, i64)> = sent
        .iter()
        .map(|s| (s.till_id, s.receipt_no, s.total))
        .collect();
    expected.sort_unstable();
    anyhow::ensure!(
        stored == expected,
        "{path}: {} sales stored, {} sent (or their totals differ)",
        stored.len(),
        expected.len()
    );

    let entries: Vec<(String, i32, i64)> = stock_ledger::table
        .filter(stock_ledger::outlet_id.eq(outlet_id))
        .filter(stock_ledger::kind.eq("sale"))
        .select((
            stock_ledger::document_ref,
            stock_ledger::product_id,
            stock_ledger::qty_milli,
        ))
        .load(c)?;
    let mut booked: BTreeMap<(String, i32), i64> = BTreeMap::new();
    let mut rows = 0;
    for (reference, product_id, qty) in entries {
        if ref_till(&reference).is_some_and(|t| tills.contains(&t)) {
            rows += 1;
            *booked.entry((reference, product_id)).or_insert(0) -= qty;
        }
    }
    let owed: BTreeMap<(String, i32), i64> = sent
        .iter()
        .flat_map(|s| s.sold.iter().map(|(p, q)| ((s.reference.clone(), *p), *q)))
        .collect();
    anyhow::ensure!(
        booked == owed,
        "{path}: the stock ledger's sale entries ({rows} rows, {} sale×product pairs) \
         do not add up to the {} lines sent",
        booked.len(),
        owed.len()
    );

    let after = on_hand(c, outlet_id)?;
    let mut sold: BTreeMap<i32, i64> = BTreeMap::new();
    for s in sent {
        for (p, q) in &s.sold {
            *sold.entry(*p).or_insert(0) += q;
        }
    }
    for (product_id, qty) in &sold {
        let was = before.get(product_id).copied().unwrap_or(0);
        let now = after.get(product_id).copied().unwrap_or(0);
        anyhow::ensure!(
            was - now == *qty,
            "{path}: product {product_id} on hand went from {was} to {now} milli-units, \
             {qty} were sold"
        );
    }
    println!(
        "{path:<28} checked: {} sales, {rows} ledger entries, on hand down by what was sold",
        sent.len()
    );
    Ok(())
}

/// The `per_mille`‰ latency in ms (nearest rank).
fn percentile(sorted: &[Duration], per_mille: usize) -> f64 {
    let n = sorted.len();
    let rank = (n * per_mille).div_ceil(1000).clamp(1, n.max(1)) - 1;
    sorted.get(rank).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn report(label: &str, wall: Duration, mut lat: Vec<Duration>) {
    lat.sort();
    println!(
        "{label:<28} {:>6} sales  {:>8.0} sales/s  p50 {:>6.1} ms  p99 {:>6.1} ms",
        lat.len(),
        f64::from(u32::try_from(lat.len()).unwrap_or(u32::MAX)) / wall.as_secs_f64(),
        percentile(&lat, 500),
        percentile(&lat, 990)
    );
}

/// The rows one sale writes, by plain SQL (no checks, no core, no HTTP).
fn plain_sql(c: &mut DbConn, s: &Sale, line_lots: &[(i32, i32, i32)]) -> QueryResult<()> {
    let now = Utc::now().naive_utc();
    let q = |v: &str| v.replace('\'', "''");
    let mut sql = format!(
        "INSERT INTO journal_entries (till_id, receipt_no, kind, record_uuid, chain_status, received_at) \
         VALUES ({}, {}, 'sale', '{}', 'ok', '{now}');\
         INSERT INTO sales (uuid, till_id, receipt_no, sold_at, cashier_id, outlet_id, shift_uuid, total, prev_hash, hash, received_at) \
         VALUES ('{}', {}, {}, '{}', {}, {}, '{}', {}, '{}', '{}', '{now}');",
        s.till_id,
        i64::from(s.receipt_no),
        s.id,
        s.id,
        s.till_id,
        i64::from(s.receipt_no),
        s.sold_at.naive_utc(),
        s.cashier_id,
        s.outlet_id,
        s.shift_id,
        s.total.amount(),
        s.prev_hash,
        s.hash
    );
    let sale_id = format!("(SELECT id FROM sales WHERE uuid = '{}')", s.id);
    for l in &s.lines {
        sql += &format!(
            "INSERT INTO sale_lines (sale_id, line_no, product_id, lot_code, name, unit, group_code, qty_milli, unit_price, catalogue_price, server_price, discount, discount_reason, vat_rate, amount) \
             VALUES ({sale_id}, {}, {}, NULL, '{}', '{}', '{}', {}, {}, {}, {}, 0, NULL, '{}', {});",
            l.line_no,
            l.product_id,
            q(&l.name),
            q(&l.unit),
            q(&l.group),
            l.qty.milli(),
            l.unit_price.amount(),
            l.unit_price.amount(),
            l.unit_price.amount(),
            l.vat_rate.code(),
            l.amount.amount()
        );
    }
    sql += &format!(
        "INSERT INTO sale_payments (sale_id, seq, method, amount, tendered, change_given) VALUES ({sale_id}, 1, 'cash', {0}, {0}, 0);",
        s.total.amount()
    );
    for b in &s.vat {
        sql += &format!(
            "INSERT INTO sale_vat (sale_id, vat_rate, gross, vat, net) VALUES ({sale_id}, '{}', {}, {}, {});",
            b.rate.code(),
            b.gross.amount(),
            b.vat.amount(),
            b.net.amount()
        );
    }
    for (product_id, lot_id, owner) in line_lots {
        sql += &format!(
            "INSERT INTO stock_ledger (outlet_id, product_id, lot_id, owner_producer_id, qty_milli, kind, document_ref, created_at) \
             VALUES ({0}, {product_id}, {lot_id}, {owner}, -1000, 'sale', '{1}', '{now}');\
             UPDATE stock_on_hand SET qty_milli = qty_milli - 1000 WHERE outlet_id = {0} AND product_id = {product_id} AND lot_id = {lot_id} AND owner_producer_id = {owner};",
            s.outlet_id,
            s.receipt_ref()
        );
    }
    diesel::connection::SimpleConnection::batch_execute(c, &sql)
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = match std::env::args().nth(1) {
        Some(u) => u,
        None => dir.path().join("bench.sqlite3").display().to_string(),
    };
    let per_client: u32 = std::env::var("OCOP_BENCH_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let config = Config::from_sources(
        &[
            ("OCOP_DATABASE_URL".to_owned(), url.clone()),
            ("OCOP_DB_POOL_SIZE".to_owned(), "16".to_owned()),
        ],
        None,
    )?;
    let state = startup::prepare(config)?;
    let db: Db = state.db.clone();
    ocop_server::demo::load(&db)?;
    let mut conn = db.conn()?;
    let shop = outlet::list(&mut conn)?
        .into_iter()
        .find(|o| o.code == "LC-SR01")
        .ok_or_else(|| anyhow::anyhow!("demo outlet"))?;
    let cashier: i32 = users::table
        .filter(users::username.eq("cashier1"))
        .select(users::id)
        .first(&mut conn)?;
    let manager: i32 = users::table
        .filter(users::username.eq("manager1"))
        .select(users::id)
        .first(&mut conn)?;
    let stocked: Vec<(i32, i32, i32)> = stock_on_hand::table
        .filter(stock_on_hand::outlet_id.eq(shop.id))
        .filter(stock_on_hand::qty_milli.gt(0))
        .order(stock_on_hand::product_id)
        .select((
            stock_on_hand::product_id,
            stock_on_hand::lot_id,
            stock_on_hand::owner_producer_id,
        ))
        .load(&mut conn)?;
    let mut items = Vec::new();
    let mut lots = Vec::new();
    for (pid, lot, owner) in stocked {
        if items.iter().any(|i: &Item| i.id == pid) || items.len() >= 5 {
            continue;
        }
        let p = product::find(&mut conn, pid)?;
        items.push(Item {
            id: pid,
            name: p.name_vi,
            unit: p.unit,
            group: p.group_code,
            price: p.price,
            vat: p.vat_rate.parse().map_err(|_| anyhow::anyhow!("vat"))?,
        });
        lots.push((pid, lot, owner));
    }
    let items = Arc::new(items);
    let mut tills = Vec::new();
    for n in 0..CLIENTS * 2 {
        let (t, secret) = till::create(&mut conn, shop.id, &format!("Bench {n}"), manager)?;
        tills.push((t.id, format!("Till {}:{secret}", t.id)));
    }
    let before_api = on_hand(&mut conn, shop.id)?;
    drop(conn);
    println!(
        "backend {}, {CLIENTS} clients × {per_client} sales of 5 lines",
        db.backend().name()
    );

    // Over HTTP.
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let server = startup::run(listener, state)?;
    let handle = server.handle();
    rt.spawn(server);
    let (wall, lat, sent) = rt.block_on(async {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (till_id, auth) in tills.iter().take(CLIENTS).cloned() {
            let items = items.clone();
            let url = format!("http://127.0.0.1:{port}/api/v1/sales");
            let outlet_id = shop.id;
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut prev = ChainHash::GENESIS;
                let mut lat = Vec::new();
                let mut sent = Vec::new();
                for no in 1..=per_client {
                    let s = sale(till_id, outlet_id, cashier, no, prev, &items)?;
                    prev = s.hash;
                    sent.push(Sent::of(&s));
                    let t = Instant::now();
                    let res = client
                        .post(&url)
                        .header("Authorization", &auth)
                        .json(&s)
                        .send()
                        .await?;
                    anyhow::ensure!(res.status().as_u16() == 201, "status {}", res.status());
                    lat.push(t.elapsed());
                }
                anyhow::Ok((lat, sent))
            }));
        }
        let (mut all, mut sent) = (Vec::new(), Vec::new());
        for t in tasks {
            let (lat, s) = t.await??;
            all.extend(lat);
            sent.extend(s);
        }
        anyhow::Ok((started.elapsed(), all, sent))
    })?;
    report("API (HTTP, 50 clients)", wall, lat);
    rt.block_on(handle.stop(true));
    let mut conn = db.conn()?;
    check_stored(&mut conn, shop.id, "API", &sent, &before_api)?;
    let before_sql = on_hand(&mut conn, shop.id)?;
    drop(conn);

    // The floor: the same rows by plain SQL, one transaction per sale.
    let started = Instant::now();
    let lots = Arc::new(lots);
    let workers: Vec<_> = tills
        .iter()
        .skip(CLIENTS)
        .map(|(till_id, _)| {
            let (db, items, lots, till_id, outlet_id) =
                (db.clone(), items.clone(), lots.clone(), *till_id, shop.id);
            std::thread::spawn(move || -> anyhow::Result<(Vec<Duration>, Vec<Sent>)> {
                let mut prev = ChainHash::GENESIS;
                let mut lat = Vec::new();
                let mut sent = Vec::new();
                for no in 1..=per_client {
                    let s = sale(till_id, outlet_id, cashier, no, prev, &items)?;
                    prev = s.hash;
                    sent.push(Sent::of(&s));
                    let t = Instant::now();
                    db.write(|c| plain_sql(c, &s, &lots).map_err(anyhow::Error::from))?;
                    lat.push(t.elapsed());
                }
                Ok((lat, sent))
            })
        })
        .collect();
    let (mut all, mut sent) = (Vec::new(), Vec::new());
    for w in workers {
        let (lat, s) = w.join().map_err(|_| anyhow::anyhow!("worker panicked"))??;
        all.extend(lat);
        sent.extend(s);
    }
    report("plain SQL (50 threads)", started.elapsed(), all);
    check_stored(&mut *db.conn()?, shop.id, "plain SQL", &sent, &before_sql)?;
    Ok(())
}
