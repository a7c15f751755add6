//! Issue 16, faults: the real `ocop-server` and `ocop-till` binaries, the
//! server killed (SIGKILL) at random instants while two tills sync, and two
//! tills of one outlet selling the last units of a lot while both offline.
//! Each run ends with the same checks: every sale a till committed is on
//! the server exactly once, every sale a till holds as acknowledged is
//! there, stock on hand equals the ledger (`ocop-server stock verify`) and
//! the journal verifies (`ocop-server journal verify`).
//!
//! The instants are drawn from a seed printed at the start;
//! `OCOP_FAULT_SEED=<n>` replays a run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::prelude::*;
use ocop_e2e::TestApp;
use ocop_e2e::process::Served;
use ocop_server::db::Db;
use ocop_till::config::TillConfig;
use serde_json::Value;

use crate::till_common::*;

/// A small deterministic generator (xorshift64*), seeded per run.
struct Rng(u64);

impl Rng {
    fn from_env_or_clock() -> Rng {
        let seed = std::env::var("OCOP_FAULT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .subsec_nanos();
                u64::from(nanos) | 1
            });
        eprintln!("fault seed: OCOP_FAULT_SEED={seed}");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// One number per row of `sql` (column `n`), on the test database.
pub(crate) async fn numbers(db: &Db, sql: String) -> Vec<i64> {
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql)
            .load::<N>(&mut db.conn().unwrap())
            .unwrap()
            .into_iter()
            .map(|r| r.n)
            .collect()
    })
    .await
    .unwrap()
}

/// The sale ids stored for a till on the server.
pub(crate) async fn server_sale_ids(db: &Db, till_id: i32) -> Vec<String> {
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        #[derive(QueryableByName)]
        struct S {
            #[diesel(sql_type = diesel::sql_types::Text)]
            uuid: String,
        }
        diesel::sql_query(format!(
            "SELECT uuid FROM sales WHERE till_id = {till_id} ORDER BY receipt_no"
        ))
        .load::<S>(&mut db.conn().unwrap())
        .unwrap()
        .into_iter()
        .map(|r| r.uuid)
        .collect()
    })
    .await
    .unwrap()
}

/// The till's own sales: (id, state) from its outbox, read from its SQLite
/// file as the till left it.
pub(crate) fn till_sales(dir: &Path) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct R {
        #[diesel(sql_type = diesel::sql_types::Text)]
        record_id: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        state: String,
    }
    let path = dir.join(ocop_till::store::DB_FILE);
    let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    diesel::sql_query("SELECT record_id, state FROM outbox WHERE kind = 'sale' ORDER BY seq")
        .load::<R>(&mut c)
        .unwrap()
        .into_iter()
        .map(|r| (r.record_id, r.state))
        .collect()
}

/// Runs `ocop-server <args>` on the database at `url`; (success, output).
pub(crate) fn server_cli(url: &str, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(ocop_e2e::server_binary())
        .args(args)
        .env("OCOP_DATABASE_URL", url)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// `ocop-till sync`, which may fail (the server may be killed under it).
pub(crate) fn try_sync(dir: &Path) -> Option<Value> {
    let out = run_with_stdin(dir, &["sync", "--json"], "");
    serde_json::from_slice(&out.stdout).ok()
}

/// The checks after every fault run, for tills whose sales each sold
/// `units` of one product: every committed sale on the server once, every
/// acknowledged one among them, the ledger booking each sale once, stock
/// verify and journal verify clean.
pub(crate) async fn assert_exactly_once(db: &Db, url: &str, tills: &[(&Path, i32)], units: i64) {
    for (dir, till_id) in tills {
        let local = till_sales(dir);
        let server = server_sale_ids(db, *till_id).await;
        let unique: BTreeSet<&String> = server.iter().collect();
        assert_eq!(
            unique.len(),
            server.len(),
            "a sale stored twice: {server:?}"
        );
        let committed: BTreeSet<&String> = local.iter().map(|(id, _)| id).collect();
        assert_eq!(
            unique, committed,
            "till {till_id}: the server holds exactly the sales the till committed"
        );
        assert!(
            local.iter().all(|(_, state)| state == "acknowledged"),
            "till {till_id}: everything acknowledged: {local:?}"
        );
        let receipts = numbers(
            db,
            format!(
                "SELECT CAST(receipt_no AS BIGINT) AS n FROM sales WHERE till_id = {till_id} ORDER BY receipt_no"
            ),
        )
        .await;
        let expected: Vec<i64> = (1..=i64::try_from(local.len()).unwrap()).collect();
        assert_eq!(receipts, expected, "till {till_id}: numbered without gaps");
        // What each sale took from the shelf, booked once.
        let booked = numbers(
            db,
            format!(
                "SELECT CAST(COALESCE(SUM(qty_milli), 0) AS BIGINT) AS n FROM stock_ledger \
                 WHERE kind = 'sale' AND document_ref LIKE 'T{till_id}-%'"
            ),
        )
        .await;
        assert_eq!(
            booked,
            vec![-1000 * units * i64::try_from(local.len()).unwrap()],
            "till {till_id}: the ledger books each sale once"
        );
    }
    let (ok, out) = server_cli(url, &["stock", "verify"]);
    assert!(ok, "stock verify: {out}");
    let (ok, out) = server_cli(url, &["journal", "verify"]);
    assert!(ok, "journal verify: {out}");
}

/// Syncs every till once more (the server is back, the network healed):
/// nothing is left waiting and nothing was refused.
pub(crate) fn drain(dirs: &[PathBuf]) {
    for dir in dirs {
        let report = till(dir, &["sync", "--json"]);
        assert_eq!(report["waiting"], 0, "{report}");
        assert_eq!(report["rejected"], 0, "{report}");
    }
}

/// On a thread per till: two sales committed and queued, then a sync
/// (which may fail); each thread answers the sync's report.
pub(crate) fn sell_twice_and_sync(
    dirs: &[PathBuf],
    code: &str,
) -> Vec<std::thread::JoinHandle<Option<Value>>> {
    dirs.iter()
        .cloned()
        .map(|dir| {
            let code = code.to_owned();
            std::thread::spawn(move || {
                sell_queued(&dir, &code);
                sell_queued(&dir, &code);
                try_sync(&dir)
            })
        })
        .collect()
}

/// Two tills of manager1's outlet, registered with the server at `base`,
/// each with its shift open; their directories under `tmp`, and their
/// configurations.
pub(crate) async fn two_tills(base: &str, tmp: &Path) -> (Vec<PathBuf>, Vec<TillConfig>) {
    let dirs: Vec<PathBuf> = ["a", "b"].iter().map(|n| tmp.join(n)).collect();
    let mut cfgs = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        cfgs.push(setup_till_on(base, dir, "manager1", &format!("Quầy {i}"), None).await);
        open_shift(dir, 0);
    }
    (dirs, cfgs)
}

/// The tills as (directory, till id).
pub(crate) fn pairs<'a>(dirs: &'a [PathBuf], ids: &[i32]) -> Vec<(&'a Path, i32)> {
    dirs.iter()
        .map(PathBuf::as_path)
        .zip(ids.iter().copied())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_killed_at_random_instants_while_tills_sync_loses_and_duplicates_nothing() {
    let mut rng = Rng::from_env_or_clock();
    let app = TestApp::spawn_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, cfgs) = two_tills(&app.base, tmp.path()).await;
    let till_ids: Vec<i32> = cfgs.iter().map(|c| c.till_id).collect();
    let code = scan_codes(&dirs[0], 1).remove(0);
    // From here on the server is a separate process, killed and restarted
    // on the same database.
    app.stop().await;
    let env = [("OCOP_DATABASE_URL", app.test_db.url.as_str())];

    // A backlog from a morning offline…
    const BACKLOG: usize = 10;
    for dir in &dirs {
        for _ in 0..BACKLOG {
            sell_queued(dir, &code);
        }
    }
    // …and kills while it drains, the tills still selling.
    const KILLS: usize = 6;
    for round in 0..KILLS {
        let mut server = Served::start(tmp.path(), &[], &env);
        for dir in &dirs {
            point_at(dir, &server.url());
        }
        let workers = sell_twice_and_sync(&dirs, &code);
        let wait = rng.below(400);
        std::thread::sleep(Duration::from_millis(wait));
        server.stop();
        let reports: Vec<Option<Value>> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        eprintln!("round {round}: killed after {wait} ms; syncs {reports:?}");

        // What a till holds as acknowledged is on the server, once.
        for (dir, till_id) in dirs.iter().zip(&till_ids) {
            let stored: BTreeSet<String> = server_sale_ids(&app.db, *till_id)
                .await
                .into_iter()
                .collect();
            for (id, state) in till_sales(dir) {
                if state == "acknowledged" {
                    assert!(stored.contains(&id), "acknowledged sale {id} is missing");
                }
            }
        }
    }

    // The server back for good: everything drains.
    let server = Served::start(tmp.path(), &[], &env);
    for dir in &dirs {
        point_at(dir, &server.url());
    }
    drain(&dirs);
    let tills = pairs(&dirs, &till_ids);
    for (dir, _) in &tills {
        // The backlog + 2 in each round.
        assert_eq!(till_sales(dir).len(), BACKLOG + 2 * KILLS);
    }
    assert_exactly_once(&app.db, &app.test_db.url, &tills, 1).await;
}

/// Stock rows (lot, milli-units) of a product at an outlet.
async fn lots_on_hand(db: &Db, outlet: i32, product: i32) -> Vec<(i32, i64)> {
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        #[derive(QueryableByName)]
        struct L {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            lot_id: i32,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            qty_milli: i64,
        }
        diesel::sql_query(format!(
            "SELECT lot_id, qty_milli FROM stock_on_hand \
             WHERE outlet_id = {outlet} AND product_id = {product} AND qty_milli <> 0 ORDER BY lot_id"
        ))
        .load::<L>(&mut db.conn().unwrap())
        .unwrap()
        .into_iter()
        .map(|l| (l.lot_id, l.qty_milli))
        .collect()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_offline_tills_selling_the_last_units_of_a_lot_go_negative_flagged_and_explained() {
    let app = TestApp::spawn_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, cfgs) = two_tills(&app.base, tmp.path()).await;
    let outlet = cfgs[0].outlet_id;
    assert_eq!(cfgs[1].outlet_id, outlet, "one outlet");

    // A product held in exactly one lot at the outlet, whole units.
    let catalogue = ocop_till::catalogue::Catalogue::load(
        &ocop_till::store::Store::open_dir(&dirs[0]).unwrap(),
    )
    .unwrap();
    let mut chosen = None;
    for p in catalogue.products() {
        let Some(code) = p.scan_code() else { continue };
        let lots = lots_on_hand(&app.db, outlet, p.id).await;
        if let [(lot, qty)] = lots[..]
            && qty > 0
            && qty % 1000 == 0
        {
            chosen = Some((p.id, code.to_owned(), lot, qty / 1000));
            break;
        }
    }
    let (product, code, lot, units) = chosen.expect("a demo product in one lot");

    // Both offline; each sells the whole lot.
    let dead = dead_url();
    for dir in &dirs {
        point_at(dir, &dead);
        let out = sell_queued(dir, &format!("{code}:{units}"));
        assert_eq!(out["sale"]["receipt_no"], 1, "{out}");
    }
    // Back online, both sync: neither is refused.
    for dir in &dirs {
        point_at(dir, &app.base);
        let report = till(dir, &["sync", "--json"]);
        assert_eq!(report["acknowledged"], 1, "{report}");
        assert_eq!(report["rejected"], 0, "{report}");
    }

    // The lot went negative by exactly one lot's worth…
    let after = lots_on_hand(&app.db, outlet, product).await;
    assert_eq!(after, vec![(lot, -1000 * units)], "{after:?}");
    // …flagged in the negative-stock alert…
    let manager = app.login("manager1", "demo1234").await;
    let (status, alerts) = app
        .get(
            &format!("/api/v1/stock/alerts?outlet_id={outlet}"),
            Some(&manager),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{alerts}");
    let flagged: Vec<&Value> = alerts["negative_stock"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["product_id"] == product && r["lot_id"] == lot)
        .collect();
    assert_eq!(flagged.len(), 1, "{alerts}");
    let qty = ocop_core::money::Quantity::parse(flagged[0]["qty"].as_str().unwrap()).unwrap();
    assert_eq!(qty.milli(), -1000 * units);
    // …and the ledger explains it: what came in, and the two sales that
    // each took the lot, one entry per receipt.
    let refs = {
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            #[derive(QueryableByName)]
            struct E {
                #[diesel(sql_type = diesel::sql_types::Text)]
                kind: String,
                #[diesel(sql_type = diesel::sql_types::Text)]
                document_ref: String,
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                qty_milli: i64,
            }
            diesel::sql_query(format!(
                "SELECT kind, document_ref, qty_milli FROM stock_ledger \
                 WHERE outlet_id = {outlet} AND product_id = {product} AND lot_id = {lot} ORDER BY id"
            ))
            .load::<E>(&mut db.conn().unwrap())
            .unwrap()
            .into_iter()
            .map(|e| (e.kind, e.document_ref, e.qty_milli))
            .collect::<Vec<_>>()
        })
        .await
        .unwrap()
    };
    let total: i64 = refs.iter().map(|(_, _, q)| q).sum();
    assert_eq!(
        total,
        -1000 * units,
        "the ledger sums to what is on hand: {refs:?}"
    );
    let sales: Vec<(String, i64)> = refs
        .iter()
        .filter(|(k, _, _)| k == "sale")
        .map(|(_, r, q)| (r.clone(), *q))
        .collect();
    let mut expected: Vec<(String, i64)> = cfgs
        .iter()
        .map(|c| (format!("T{}-000001", c.till_id), -1000 * units))
        .collect();
    expected.sort();
    let mut sales_sorted = sales.clone();
    sales_sorted.sort();
    assert_eq!(sales_sorted, expected, "{refs:?}");

    let tills = pairs(&dirs, &cfgs.iter().map(|c| c.till_id).collect::<Vec<_>>());
    assert_exactly_once(&app.db, &app.test_db.url, &tills, units).await;
}
