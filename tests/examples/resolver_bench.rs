//! Scans per second the public resolver answers (issue 12), with every
//! scan written to the scan log: the demo server on a real port (as the
//! e2e suites start it), 100 labels issued, then `OCOP_BENCH_CLIENTS`
//! (default 16) HTTP clients scanning them as phones do (`Accept:
//! text/html`) until `OCOP_BENCH_SCANS` (default 4000) pages are served.
//! The bench checks afterwards that the scan log holds exactly one row per
//! scan, and fails otherwise.
//!
//!     cargo run --release -p ocop-e2e --example resolver_bench
//!     OCOP_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!         cargo run --release -p ocop-e2e --example resolver_bench

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use diesel::prelude::*;
use ocop_e2e::TestApp;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let scans = env_usize("OCOP_BENCH_SCANS", 4000);
    let clients = env_usize("OCOP_BENCH_CLIENTS", 16);
    let app = TestApp::spawn_demo().await;
    let backend = format!("{:?}", app.test_db.backend());
    let token = app.login("manager1", "demo1234").await;
    let (status, batch) = app
        .post(
            "/api/v1/labels",
            Some(&token),
            &serde_json::json!({"request_id": uuid::Uuid::new_v4(), "lot_id": 1, "outlet_id": 1, "count": 100}),
        )
        .await;
    ensure!(status.as_u16() == 201, "issuing failed: {batch}");
    let paths: Arc<Vec<String>> = Arc::new(
        batch["labels"]
            .as_array()
            .context("labels")?
            .iter()
            .filter_map(|l| l["uri"].as_str())
            .map(|u| {
                let rest = u.split_once("://").map_or(u, |(_, r)| r);
                rest[rest.find('/').unwrap_or(0)..].to_owned()
            })
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let base = Arc::new(app.base.clone());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (next, paths, base) = (next.clone(), paths.clone(), base.clone());
        let client = reqwest::Client::new();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= scans {
                    break;
                }
                let path = &paths[i % paths.len()];
                let t = Instant::now();
                let res = client
                    .get(format!("{base}{path}"))
                    .header("accept", "text/html")
                    .send()
                    .await?;
                anyhow::ensure!(res.status().is_success(), "HTTP {}", res.status());
                res.bytes().await?;
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    let mut times: Vec<Duration> = Vec::with_capacity(scans);
    for t in tasks {
        times.extend(t.await??);
    }
    let elapsed = started.elapsed();
    times.sort();
    let pct = |p: usize| {
        times
            .get(times.len() * p / 100)
            .copied()
            .unwrap_or_default()
    };
    let db = app.db.clone();
    let logged: i64 = tokio::task::spawn_blocking(move || -> anyhow::Result<i64> {
        let mut c = db.conn()?;
        Ok(ocop_server::db::schema::label_scans::table
            .count()
            .get_result(&mut c)?)
    })
    .await??;
    ensure!(
        usize::try_from(logged)? == scans,
        "the scan log holds {logged} rows for {scans} scans"
    );
    println!(
        "{backend}: {scans} scans by {clients} clients in {:.2} s = {:.0} scans/s; p50 {:?}, p99 {:?}; scan log rows: {logged} (checked)",
        elapsed.as_secs_f64(),
        f64::from(u32::try_from(scans)?) / elapsed.as_secs_f64(),
        pct(50),
        pct(99)
    );
    Ok(())
}
