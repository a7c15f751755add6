//! `ocop-load`: N simulated tills selling against one or several
//! `ocop-server` URLs, then a check that the servers hold exactly what was
//! acknowledged.
//!
//! Each till is enrolled through the real API (a manager logs in and
//! registers it, as `ocop-till setup` does), reads its outlet's catalogue
//! with its own credential, opens a shift, and sells realistic carts: 1–8
//! lines, cash, card or a VietQR transfer (left pending, or confirmed by
//! the cashier a moment later), now and then a refund of one of its earlier
//! sales. Every record is built and sealed by `ocop_core` exactly as the
//! till builds it, chained per till. A request that fails in transit (or
//! answers 5xx) is sent again with the same id until it is answered: the
//! server stores it once, so a retry is safe — and the final check proves
//! it.
//!
//! The final check reads back, from the server each till spoke to, every
//! acknowledged sale (present, the same document, the same total) and its
//! refunds (exactly those acknowledged), and that no sale exists past each
//! till's last receipt; any difference, refusal or unanswered record makes
//! the exit status non-zero.
//!
//! Secrets never come from the command line: the password is read from
//! `OCOP_LOAD_PASSWORD` or, failing that, the first line of stdin.

mod check;
mod stats;
mod till;

use std::io::BufRead as _;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use crate::till::{Api, Mix, Plan, TillRun};

/// Simulated tills selling against ocop-server, with an exactly-once check at the end.
///
/// Tills are spread round-robin over the --server URLs (several servers on
/// one database: a till keeps to its server, as a real one does). The run
/// ends after --count sales in all, or after --duration seconds. It prints
/// throughput and p50/p95/p99 latency, then checks that the servers hold
/// exactly what was acknowledged: every acknowledged sale once, the same
/// document and total, its refunds exactly those acknowledged, no sale past
/// each till's last receipt. Exit status 0 only if that check passes and
/// no record was refused.
///
/// The manager's password comes from OCOP_LOAD_PASSWORD, or the first line
/// of stdin; never from the command line.
#[derive(Debug, Parser)]
#[command(name = "ocop-load", version)]
struct Args {
    /// Server base URL (repeat, or separate with commas), e.g. http://127.0.0.1:8080
    #[arg(long = "server", required = true, value_delimiter = ',')]
    servers: Vec<String>,
    /// Simulated tills
    #[arg(long, default_value_t = 10)]
    tills: u32,
    /// Sales in all (spread over the tills); the run ends when they are acknowledged
    #[arg(long, conflicts_with = "duration")]
    count: Option<u64>,
    /// Seconds to sell for (instead of --count)
    #[arg(long)]
    duration: Option<u64>,
    /// Offered sales per second over all tills (paced; latency then counts
    /// from each sale's planned instant, so a slow server cannot hide its
    /// queue). Without it each till sends as fast as it is answered.
    #[arg(long)]
    rate: Option<f64>,
    /// Send sales in batches of this many (POST /sales/batch, one
    /// transaction on the server): a till catching up after a day offline.
    /// 1 = each sale on its own (POST /sales), as a till online does.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    batch: u32,
    /// Per mille of sales followed by a refund of one of the till's earlier sales
    #[arg(long, default_value_t = 30)]
    refunds_per_mille: u32,
    /// Per mille of sales paid by VietQR transfer (half of them confirmed by the cashier)
    #[arg(long, default_value_t = 150)]
    transfers_per_mille: u32,
    /// Per mille of sales paid by card (the rest in cash)
    #[arg(long, default_value_t = 250)]
    cards_per_mille: u32,
    /// Manager who registers the tills and sells on them (their outlet is used)
    #[arg(long, env = "OCOP_LOAD_USER", default_value = "manager1")]
    user: String,
    /// Seed of the carts (the same seed gives the same carts)
    #[arg(long, default_value_t = 16)]
    seed: u64,
    /// Write a JSON summary here (tills, acknowledged counts, figures, check result)
    #[arg(long)]
    summary: Option<std::path::PathBuf>,
    /// Request timeout in seconds (a timed-out request is sent again, same id)
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// No progress bar
    #[arg(long)]
    quiet: bool,
}

fn password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("OCOP_LOAD_PASSWORD")
        && !p.is_empty()
    {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let p = line.trim_end_matches(['\r', '\n']).to_owned();
    if p.is_empty() {
        bail!("no password: set OCOP_LOAD_PASSWORD or give it on the first line of stdin");
    }
    Ok(p)
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => {
            eprintln!("ocop-load: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<bool> {
    let args = Args::parse();
    if args.count.is_none() && args.duration.is_none() {
        bail!("give --count or --duration");
    }
    if args.tills == 0 {
        bail!("--tills must be at least 1");
    }
    let password = password()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_async(args, password))
}

async fn run_async(args: Args, password: String) -> anyhow::Result<bool> {
    let timeout = Duration::from_secs(args.timeout);
    let mut apis = Vec::new();
    for url in &args.servers {
        let api = Api::connect(url, timeout)?;
        let session = api
            .login(&args.user, &password)
            .await
            .with_context(|| format!("logging in as {} on {url}", args.user))?;
        apis.push((api, session));
    }
    drop(password);
    let mix = Mix {
        refunds_per_mille: args.refunds_per_mille,
        transfers_per_mille: args.transfers_per_mille,
        cards_per_mille: args.cards_per_mille,
    };
    let plan = Plan::new(args.count, args.duration, args.tills, args.rate, args.batch);

    let mut tills = Vec::new();
    for n in 0..args.tills {
        let slot = usize::try_from(n).unwrap_or(0) % apis.len().max(1);
        let Some((api, session)) = apis.get(slot) else {
            bail!("no server");
        };
        let till = TillRun::enrol(api.clone(), session, n, args.seed)
            .await
            .with_context(|| format!("enrolling till {n} on {}", api.base()))?;
        tills.push(till);
    }
    println!(
        "ocop-load: {} tills on {} server(s), {}, batch {}, mix: {}‰ refunds, {}‰ VietQR, {}‰ card",
        tills.len(),
        apis.len(),
        plan.describe(),
        args.batch,
        mix.refunds_per_mille,
        mix.transfers_per_mille,
        mix.cards_per_mille
    );

    let bar = progress(&plan, args.quiet);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (n, till) in tills.into_iter().enumerate() {
        let (plan, bar) = (plan.clone(), bar.clone());
        tasks.push(tokio::spawn(async move {
            till.sell(plan.for_till(n), mix, &bar).await
        }));
    }
    let mut done = Vec::new();
    for t in tasks {
        done.push(t.await.context("a till task panicked")??);
    }
    let wall = started.elapsed();
    bar.finish_and_clear();

    let figures = stats::Figures::of(&done, wall);
    figures.print();
    println!("checking what the servers hold …");
    let verdict = check::all(&done).await;
    verdict.print();
    if let Some(path) = &args.summary {
        let json = serde_json::json!({
            "servers": args.servers,
            "tills": done.iter().map(|t| t.summary()).collect::<Vec<_>>(),
            "figures": figures.json(),
            "check": verdict.json(),
        });
        std::fs::write(path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(verdict.passed() && figures.refused == 0)
}

fn progress(plan: &Plan, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let (bar, template) = match plan.total_sales() {
        Some(n) => (
            ProgressBar::new(n),
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} sales ({per_sec}, eta {eta})",
        ),
        None => (
            ProgressBar::no_length(),
            "{spinner} [{elapsed_precise}] {pos} sales ({per_sec}) of a {msg} run",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    if let Some(s) = plan.seconds() {
        bar.set_message(format!("{s} s"));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
