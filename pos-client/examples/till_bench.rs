//! The till with a 100,000-product catalogue (issue 7), figures for
//! BENCHMARKS.md:
//!
//! 1. start-up: what the interface does before its first frame (open the
//!    store, read the configuration, load the catalogue with its indexes,
//!    draw), each time in a fresh process; *cold* with the database file
//!    and the program evicted from the page cache first, *warm* right after;
//! 2. memory: peak RSS (`VmHWM`) of that process, with 100,000 products
//!    and with none; and of the real `ocop-till` binary (`status`, and
//!    `sell`, which loads the catalogue) through `/usr/bin/time -v`;
//! 3. scan → screen: a scanned code to the cart and total recomputed
//!    (`checkout::scan_item` + `checkout::cart_total`), and through the
//!    interface (the scanner's keys, Enter, a redraw on ratatui's
//!    TestBackend), p50/p99 over 10,000 scans;
//! 4. search as you type: prefixes of real names typed without
//!    diacritics, one search a keystroke, p50/p99.
//!
//! `cargo run --release -p ocop-till --example till_bench`
//!
//! The catalogue is generated (see `bench_support`): Vietnamese names with
//! their diacritics, EAN-13 codes with valid check digits. The same
//! executable, started with `--start-up-of DIR`, is the measured process.

mod bench_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use bench_support::{Rng, median, mib, ms, p50_p99_us, proc_status_kb};
use ocop_core::money::{Dong, Quantity};
use ocop_core::text::search_key;
use ocop_till::catalogue::{Catalogue, TillCatalogue, save};
use ocop_till::config::TillConfig;
use ocop_till::store::{DB_FILE, Store};
use ocop_till::tui::App;
use ocop_till::{checkout, shift};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const PRODUCTS: i32 = 100_000;
const SCANS: usize = 10_000;
/// Lines in a basket before the cart starts again (a sale).
const BASKET: usize = 20;
const CHILD_FLAG: &str = "--start-up-of";
/// The size of a till's terminal.
const SCREEN: (u16, u16) = (120, 40);

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, dir] = args.as_slice()
        && flag == CHILD_FLAG
    {
        return start_up_child(Path::new(dir));
    }
    let tmp = tempfile::tempdir()?;
    let full = tmp.path().join("full");
    let empty = tmp.path().join("empty");
    println!(
        "ocop-till with {PRODUCTS} products, {}; load average {}",
        tmp.path().display(),
        load_average()
    );
    let saved = prepare(&full, PRODUCTS)?;
    prepare(&empty, 0)?;
    println!("save the snapshot to the till's store: {}", ms(saved));

    println!("\n1–2. start-up to the first frame, fresh process each time (median)");
    start_up(tmp.path(), &full, &empty)?;
    real_binary(&full)?;

    let store = Store::open_dir(&full)?;
    let cfg = TillConfig::require(&store)?;
    let mut app = App::new(store, cfg, None)?;
    ensure!(
        app.cat.len() == usize::try_from(PRODUCTS)?,
        "catalogue size"
    );
    println!("\n3. scan → screen, {SCANS} scans (p50, p99)");
    scan_to_screen(&mut app)?;
    println!("\n4. search as you type, one search a keystroke (p50, p99)");
    search_as_you_type(&mut app)?;
    Ok(())
}

/// The first three fields of /proc/loadavg: other work on the machine
/// shows in the tails.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// A till store in `dir` with `count` generated products and a
/// configuration pointing at a server that is not there.
fn prepare(dir: &Path, count: i32) -> anyhow::Result<Duration> {
    let mut store = Store::open_dir(dir)?;
    let cfg = TillConfig {
        server_url: "http://127.0.0.1:9".into(),
        till_id: 1,
        till_name: "Quầy 1".into(),
        outlet_id: 1,
        till_secret: "bench".into(),
        cashier_id: 1,
        cashier_name: "Thu ngân".into(),
        user_token: None,
        printer: None,
        public_url: None,
        ca_pem: None,
    };
    cfg.save(&store)?;
    let snap = TillCatalogue {
        version: 1,
        full: true,
        outlet: bench_support::outlet(),
        products: bench_support::products(count),
        removed: vec![],
        as_of: chrono::Utc::now().date_naive(),
        since: None,
        producers: vec![],
        lots: vec![],
        public_url: None,
        recalled_lots: Vec::new(),
    };
    let t = Instant::now();
    save(&mut store, &snap, None)?;
    let saved = t.elapsed();
    // Selling needs an open shift (the `sell` run below).
    shift::open(&mut store, &cfg, Dong::new(500_000))?;
    Ok(saved)
}

/// The measured process: what `tui::run` does before its first frame
/// (minus the terminal itself), then its memory. One line on stdout.
fn start_up_child(dir: &Path) -> anyhow::Result<()> {
    let t = Instant::now();
    let store = Store::open_dir(dir)?;
    let cfg = TillConfig::require(&store)?;
    let opened = t.elapsed();
    let app = App::new(store, cfg, None)?;
    let loaded = t.elapsed();
    let mut term = Terminal::new(TestBackend::new(SCREEN.0, SCREEN.1))?;
    term.draw(|f| app.draw(f))?;
    let framed = t.elapsed();
    println!(
        "{} {} {} {} {} {}",
        opened.as_micros(),
        loaded.as_micros(),
        framed.as_micros(),
        app.cat.len(),
        proc_status_kb("VmHWM").context("VmHWM")?,
        proc_status_kb("VmRSS").context("VmRSS")?,
    );
    Ok(())
}

/// One run of the measured process.
struct StartUp {
    opened: Duration,
    loaded: Duration,
    framed: Duration,
    wall: Duration,
    peak_kb: u64,
    rss_kb: u64,
}

fn run_child(exe: &Path, dir: &Path, products: i32) -> anyhow::Result<StartUp> {
    let t = Instant::now();
    let out = Command::new(exe).arg(CHILD_FLAG).arg(dir).output()?;
    let wall = t.elapsed();
    let text = String::from_utf8_lossy(&out.stdout);
    ensure!(
        out.status.success(),
        "start-up run failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f: Vec<u64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let [opened, loaded, framed, len, peak_kb, rss_kb] = f.as_slice() else {
        bail!("unexpected start-up line {text:?}");
    };
    ensure!(*len == u64::try_from(products)?, "loaded {len} products");
    Ok(StartUp {
        opened: Duration::from_micros(*opened),
        loaded: Duration::from_micros(*loaded),
        framed: Duration::from_micros(*framed),
        wall,
        peak_kb: *peak_kb,
        rss_kb: *rss_kb,
    })
}

/// Writes `file` back and asks the kernel to drop its cached pages
/// (`dd iflag=nocache count=0` = `posix_fadvise(DONTNEED)`); returns
/// what `fincore` still finds cached, in bytes.
fn evict(file: &Path) -> anyhow::Result<u64> {
    ensure!(Command::new("sync").arg(file).status()?.success(), "sync");
    let dd = Command::new("dd")
        .arg(format!("if={}", file.display()))
        .args(["iflag=nocache", "count=0", "status=none"])
        .status()?;
    ensure!(dd.success(), "dd could not drop {}", file.display());
    let out = Command::new("fincore")
        .args(["--bytes", "--noheadings", "--output", "RES"])
        .arg(file)
        .output()?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0))
}

fn start_up(tmp: &Path, full: &Path, empty: &Path) -> anyhow::Result<()> {
    // A private copy of this program: its pages can be evicted, while the
    // running parent keeps the original's mapped.
    let exe = tmp.join("till-start-up");
    std::fs::copy(std::env::current_exe()?, &exe)?;
    let db = full.join(DB_FILE);
    let size = std::fs::metadata(&db)?.len();
    let mut cold = Vec::new();
    let mut left = 0;
    for _ in 0..3 {
        left = evict(&db)?.max(left);
        left = evict(&exe)?.max(left);
        cold.push(run_child(&exe, full, PRODUCTS)?);
    }
    let warm = (0..5)
        .map(|_| run_child(&exe, full, PRODUCTS))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let none = (0..3)
        .map(|_| run_child(&exe, empty, 0))
        .collect::<anyhow::Result<Vec<_>>>()?;
    println!(
        "  database {} MB; after eviction {left} bytes of it and the program were still cached",
        size / 1_000_000
    );
    println!(
        "  {:<34} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}",
        "", "open", "+catalog", "+frame", "process", "peak RSS", "RSS"
    );
    for (label, runs) in [
        ("cold, 100,000 products (3 runs)", &cold),
        ("warm, 100,000 products (5 runs)", &warm),
        ("warm, empty catalogue (3 runs)", &none),
    ] {
        let pick = |f: fn(&StartUp) -> Duration| median(runs.iter().map(f).collect());
        let peak = runs.iter().map(|r| r.peak_kb).max().unwrap_or(0);
        let rss = runs.iter().map(|r| r.rss_kb).max().unwrap_or(0);
        println!(
            "  {label:<34} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}",
            ms(pick(|r| r.opened)),
            ms(pick(|r| r.loaded)),
            ms(pick(|r| r.framed)),
            ms(pick(|r| r.wall)),
            mib(peak),
            mib(rss)
        );
    }
    Ok(())
}

/// `ocop-till` next to this example (`target/release/`). Under `cargo
/// run` it is built first (`cargo run --example` builds only the example),
/// so the figures are those of the current source.
fn till_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .context("target directory")?;
    let bin = dir.join("ocop-till");
    if let Ok(cargo) = std::env::var("CARGO") {
        let built = Command::new(cargo)
            .args(["build", "--quiet", "--release", "-p", "ocop-till"])
            .args(["--bin", "ocop-till"])
            .status()?;
        ensure!(built.success(), "cargo build of ocop-till failed");
    }
    ensure!(bin.exists(), "{} is missing", bin.display());
    Ok(bin)
}

/// Peak RSS (kB) and wall time of one run of the real binary, measured by
/// GNU time.
fn timed(bin: &Path, dir: &Path, args: &[&str]) -> anyhow::Result<(u64, String, String)> {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(bin)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .context("/usr/bin/time -v")?;
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    let field = |name: &str| {
        report
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(|v| v.trim_start_matches(':').trim().to_owned())
    };
    let peak = field("Maximum resident set size (kbytes)")
        .and_then(|v| v.parse().ok())
        .context("no peak RSS in the report of /usr/bin/time")?;
    let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").unwrap_or_default();
    let outcome = if out.status.success() {
        "ok".to_owned()
    } else {
        let stdout = String::from_utf8_lossy(&out.stdout);
        format!("failed: {}", stdout.lines().next().unwrap_or_default())
    };
    Ok((peak, wall, outcome))
}

fn real_binary(full: &Path) -> anyhow::Result<()> {
    let bin = till_binary()?;
    let code = bench_support::ean13(7);
    let item = format!("{code}:2");
    let runs: [(&str, Vec<&str>); 2] = [
        ("ocop-till status", vec!["status", "--json"]),
        (
            "ocop-till sell (loads the catalogue)",
            vec![
                "sell",
                "--item",
                &item,
                "--pay",
                "cash",
                "--printer",
                "none",
                "--no-send",
                "--json",
            ],
        ),
    ];
    for (label, args) in runs {
        let (peak, wall, outcome) = timed(&bin, full, &args)?;
        println!(
            "  {label:<34} peak RSS {:>10}, wall {wall} ({outcome})",
            mib(peak)
        );
    }
    Ok(())
}

/// Thousandths of units in the cart (a scan of a product already there
/// adds to its line).
fn units(app: &App) -> i64 {
    app.cart.iter().map(|l| l.qty.milli()).sum()
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// What a scanner sends: nine in ten EAN-13 codes, one in ten provenance
/// QR labels (GS1 Digital Link naming a lot), of random products.
fn scan_codes(cat: &Catalogue, rng: &mut Rng) -> Vec<String> {
    let with_gtin: Vec<&str> = cat
        .products()
        .iter()
        .filter_map(|p| p.gtin.as_ref().map(|g| g.as_str14()))
        .collect();
    (0..SCANS)
        .map(|i| {
            let g = with_gtin
                .get(rng.below(with_gtin.len()))
                .copied()
                .unwrap_or_default();
            if i % 10 == 9 {
                format!("https://ocop.laocai.gov.vn/01/{g}/10/L{}", 2600 + i % 12)
            } else {
                g.get(1..).unwrap_or(g).to_owned()
            }
        })
        .collect()
}

fn scan_to_screen(app: &mut App) -> anyhow::Result<()> {
    let mut rng = Rng::new(7);
    let codes = scan_codes(&app.cat, &mut rng);
    let one = Quantity::from_units(1).context("1")?;
    let mut cart = Vec::new();
    let mut core = Vec::with_capacity(SCANS);
    for code in &codes {
        if cart.len() == BASKET {
            cart.clear();
        }
        let t = Instant::now();
        cart.push(checkout::scan_item(&app.cat, code, one)?);
        let total = checkout::cart_total(&app.cat, &cart)?;
        core.push(t.elapsed());
        ensure!(total.is_positive(), "a total");
    }
    let mut term = Terminal::new(TestBackend::new(SCREEN.0, SCREEN.1))?;
    let (mut enter, mut ean, mut label) = (Vec::new(), Vec::new(), Vec::new());
    for code in &codes {
        if app.cart.len() == BASKET {
            app.cart.clear();
        }
        let before = units(app);
        let t = Instant::now();
        for c in code.chars() {
            press(app, KeyCode::Char(c));
            term.draw(|f| app.draw(f))?;
        }
        let typed = t.elapsed();
        press(app, KeyCode::Enter);
        term.draw(|f| app.draw(f))?;
        let done = t.elapsed();
        enter.push(done.saturating_sub(typed));
        if code.starts_with("https://") {
            label.push(done);
        } else {
            ean.push(done);
        }
        ensure!(units(app) > before, "the scan {code} added nothing");
    }
    println!(
        "  {:<58} {}",
        "scan_item + cart_total (≤ 20 lines)",
        p50_p99_us(core)
    );
    println!(
        "  {:<58} {}",
        "interface: Enter → cart, total, frame redrawn",
        p50_p99_us(enter)
    );
    println!(
        "  {:<58} {}",
        "interface: whole EAN-13 scan, 13 keys + Enter, 14 frames",
        p50_p99_us(ean)
    );
    println!(
        "  {:<58} {}",
        "interface: whole QR label scan, 53 keys + Enter",
        p50_p99_us(label)
    );
    Ok(())
}

fn search_as_you_type(app: &mut App) -> anyhow::Result<()> {
    let mut rng = Rng::new(11);
    // What a cashier types: the first words of a product's name, without
    // diacritics, lower case.
    let typed: Vec<String> = (0..600)
        .map(|_| {
            let i = rng.below(app.cat.len());
            let name = app.cat.products().get(i).map_or("", |p| p.name.as_str());
            let words: Vec<String> = search_key(name)
                .split(' ')
                .take(2 + rng.below(4))
                .map(str::to_owned)
                .collect();
            words.join(" ")
        })
        .collect();
    let (mut search, mut keys, mut hits) = (Vec::new(), Vec::new(), 0_usize);
    let mut term = Terminal::new(TestBackend::new(SCREEN.0, SCREEN.1))?;
    for text in &typed {
        for (end, _) in text.char_indices().skip(1).chain([(text.len(), ' ')]) {
            let prefix = text.get(..end).unwrap_or_default();
            let t = Instant::now();
            let found = app.cat.search(prefix, 8);
            search.push(t.elapsed());
            hits = hits.saturating_add(usize::from(!found.is_empty()));
        }
        ensure!(
            !app.cat.search(text, 8).is_empty(),
            "{text:?} finds its product"
        );
        press(app, KeyCode::Esc);
        for c in text.chars() {
            let t = Instant::now();
            press(app, KeyCode::Char(c));
            term.draw(|f| app.draw(f))?;
            keys.push(t.elapsed());
        }
    }
    press(app, KeyCode::Esc);
    let n = search.len();
    println!(
        "  {:<58} {}",
        format!("Catalogue::search, 8 hits ({n} keystrokes, {hits} found)"),
        p50_p99_us(search)
    );
    println!(
        "  {:<58} {}",
        "interface: key → frame redrawn",
        p50_p99_us(keys)
    );
    let t = Instant::now();
    let none = app.cat.search("khong co san pham nay", 8);
    ensure!(none.is_empty(), "nothing matches");
    println!(
        "  {:<58} {:>11}",
        "a search that matches nothing (all 100,000 names)",
        format!("{:.1} µs", t.elapsed().as_secs_f64() * 1e6)
    );
    Ok(())
}
