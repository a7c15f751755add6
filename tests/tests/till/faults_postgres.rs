//! Issue 16, faults: PostgreSQL restarted under load. The test starts a
//! PostgreSQL cluster of its own (`initdb` and `pg_ctl` from Debian's
//! packages, on a spare port in a temporary directory; as the `postgres`
//! user when the test runs as root) — never the shared server the other
//! tests use — and the real `ocop-server` and two `ocop-till` processes
//! selling against it. PostgreSQL is stopped hard (`pg_ctl -m immediate`,
//! a crash) and started again: `/healthz` goes 503 and back to 200 with
//! the same server process, the tills keep selling throughout, and
//! afterwards every sale is on the server once, stock on hand equals the
//! ledger and the journal verifies.
//!
//! A PostgreSQL test: on a SQLite run (no `OCOP_TEST_DATABASE_URL`) it
//! says so and passes; on a PostgreSQL run it never skips.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::Connection as _;
use diesel::connection::SimpleConnection as _;
use ocop_e2e::process::{Served, free_port, probe_healthz};
use ocop_server::db::Db;

use super::faults::{assert_exactly_once, drain, pairs, till_sales, two_tills};
use crate::till_common::*;

/// A PostgreSQL cluster in a temporary directory, stopped when dropped.
struct PrivatePg {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

impl PrivatePg {
    fn start() -> PrivatePg {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's server binaries (Debian: postgresql) in /usr/lib/postgresql")
            .map(|e| e.unwrap().path().join("bin"))
            .filter(|b| b.join("initdb").exists())
            .max()
            .expect("an initdb under /usr/lib/postgresql/*/bin");
        let root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let pg = PrivatePg {
            bin,
            dir,
            port: free_port(),
            as_postgres: root,
        };
        if root {
            // PostgreSQL refuses to run as root: the cluster is postgres's.
            let ok = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(pg.dir.path())
                .status()
                .unwrap();
            assert!(ok.success());
        }
        pg.run(
            "initdb",
            &[
                "-D",
                &pg.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        pg.up();
        pg
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// `tool` of this PostgreSQL, as the user the cluster belongs to.
    fn command(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let out = self.command(tool).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the cluster and waits until it accepts connections.
    fn up(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-o", &opts, "-l", &log, "-w", "start"],
        );
    }

    /// Stops it as a crash would (no checkpoint; recovery at the next start).
    fn crash(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args(["-D", data.as_str(), "-m", "immediate", "stop"])
            .output();
    }
}

/// Polls `/healthz` until it answers `want`; how long that took.
fn wait_for_health(port: u16, want: u16, within: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let (status, _) = probe_healthz(port);
        if status == want {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < within,
            "/healthz did not answer {want} within {within:?} (last {status})"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load_the_server_recovers_on_its_own_and_loses_nothing() {
    if ocop_e2e::postgres_url().is_none() {
        eprintln!("a PostgreSQL test: runs when OCOP_TEST_DATABASE_URL names a PostgreSQL server");
        return;
    }
    let pg = PrivatePg::start();
    ocop_server::db::init_postgres_tls();
    diesel::PgConnection::establish(&pg.url("postgres"))
        .unwrap()
        .batch_execute("CREATE DATABASE ocop")
        .unwrap();
    let url = pg.url("ocop");
    let tmp = tempfile::tempdir().unwrap();
    let mut server = Served::start(tmp.path(), &["--demo"], &[("OCOP_DATABASE_URL", &url)]);
    server.wait_healthy();

    let (dirs, cfgs) = two_tills(&server.url(), tmp.path()).await;
    let till_ids: Vec<i32> = cfgs.iter().map(|c| c.till_id).collect();
    let code = scan_codes(&dirs[0], 1).remove(0);

    // Load: both tills sell (and send at once) until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let sold = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = dirs
        .iter()
        .cloned()
        .map(|dir| {
            let (stop, sold, code) = (Arc::clone(&stop), Arc::clone(&sold), code.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    // Committed on the till whatever the server does (the
                    // helper fails the test otherwise).
                    sell_cash(&dir, &code);
                    sold.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_millis(1500));
    pg.crash();
    let down = wait_for_health(server.port, 503, Duration::from_secs(15));
    std::thread::sleep(Duration::from_millis(1000));
    pg.up();
    let back = wait_for_health(server.port, 200, Duration::from_secs(30));
    assert!(server.is_running(), "the same server process recovered");
    std::thread::sleep(Duration::from_millis(1500));
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.join().unwrap();
    }
    eprintln!(
        "{} sales; /healthz 503 after {down:?}, 200 again {back:?} after the restart",
        sold.load(Ordering::SeqCst)
    );

    drain(&dirs);
    let tills = pairs(&dirs, &till_ids);
    let total: usize = tills.iter().map(|(d, _)| till_sales(d).len()).sum();
    assert_eq!(total, sold.load(Ordering::SeqCst));
    let db = Db::connect(&url, 2).unwrap();
    assert_exactly_once(&db, &url, &tills, 1).await;
    drop(server);
}
