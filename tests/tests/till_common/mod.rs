//! What the till suites share: the real `ocop-till` binary run against a
//! server, a till registered through `setup`, and the till's output as
//! JSON.
#![allow(dead_code, reason = "each suite uses a part")]

use std::path::{Path, PathBuf};
use std::process::Command;

use ocop_e2e::TestApp;
use ocop_hardware::escpos::{CodePage, Mode, Paper, PrinterProfile};
use ocop_till::catalogue::Catalogue;
use ocop_till::commands::{self, SetupArgs};
use ocop_till::config::TillConfig;
use ocop_till::store::Store;
use serde_json::Value;

pub fn till_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target profile dir");
    let bin = dir.join("ocop-till");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p ocop-till --bins` before the tests (.ci/test does)",
        bin.display()
    );
    bin
}

/// A URL where nothing listens: the port was free a moment ago.
///
/// Unlike `free_port` for a server that binds later, this only needs a
/// closed port, and the port is closed again when the function returns:
/// nothing in the test binds it afterwards, so there is no bind to lose.
/// Another process could in principle be handed the same port and listen on
/// it; the kernel hands ephemeral ports out across a range of some 28,000,
/// so that is far less likely than the race a later bind runs, and would
/// most likely show as a failed test rather than a false pass.
pub fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

/// Points the till at another server URL (a dead one: "offline").
pub fn point_at(dir: &Path, url: &str) {
    let store = Store::open_dir(dir).unwrap();
    let mut cfg = TillConfig::require(&store).unwrap();
    cfg.server_url = url.to_owned();
    cfg.save(&store).unwrap();
}

/// Registers a till in `dir` with `username`'s account, named `name`.
pub async fn setup_till_as(app: &TestApp, dir: &Path, username: &str, name: &str) -> TillConfig {
    setup_till_at(app, dir, username, name, None).await
}

/// Registers a till in `dir` with `username`'s account at `outlet` (the
/// account's own outlet when `None`).
pub async fn setup_till_at(
    app: &TestApp,
    dir: &Path,
    username: &str,
    name: &str,
    outlet: Option<i32>,
) -> TillConfig {
    setup_till_on(&app.base, dir, username, name, outlet).await
}

/// Registers a till in `dir` with the server at `base` (a server process
/// the test started itself).
pub async fn setup_till_on(
    base: &str,
    dir: &Path,
    username: &str,
    name: &str,
    outlet: Option<i32>,
) -> TillConfig {
    let args = SetupArgs {
        server: base.to_owned(),
        ca_file: None,
        username: username.into(),
        password: Some("demo1234".into()),
        password_stdin: false,
        outlet,
        name: name.into(),
        printer: None,
        width: 80,
        mode: "raster".into(),
    };
    let d = dir.to_owned();
    tokio::task::spawn_blocking(move || commands::setup(&d, &args))
        .await
        .unwrap()
        .unwrap();
    TillConfig::require(&Store::open_dir(dir).unwrap()).unwrap()
}

pub async fn setup_till(app: &TestApp, dir: &Path) -> TillConfig {
    setup_till_as(app, dir, "manager1", "Quầy thử").await
}

/// Scan codes of a few products in the till's own catalogue.
pub fn scan_codes(dir: &Path, n: usize) -> Vec<String> {
    let cat = Catalogue::load(&Store::open_dir(dir).unwrap()).unwrap();
    assert!(!cat.is_empty(), "setup downloaded the catalogue");
    let codes: Vec<String> = cat
        .products()
        .iter()
        .filter_map(|p| p.scan_code().map(str::to_owned))
        .take(n)
        .collect();
    assert_eq!(codes.len(), n, "the demo catalogue has scannable products");
    codes
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    run_with_stdin(dir, args, "")
}

/// Runs the till binary with `input` on its standard input (secrets: a
/// password, a PIN, one per line — never flags).
pub fn run_with_stdin(dir: &Path, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut child = Command::new(till_binary())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A child that does not read its input may close it first: ignore.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

/// Runs the till binary to completion; its stdout as JSON.
pub fn till(dir: &Path, args: &[&str]) -> Value {
    let stdout = till_text(dir, args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Runs the till binary to completion; its stdout as text.
pub fn till_text(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "ocop-till {args:?} failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Runs the till binary expecting a refusal; its error output.
pub fn till_refuses(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        !out.status.success(),
        "ocop-till {args:?} should have failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Sells one `code` for cash with no printer (sent at once when the
/// server answers); the till's JSON.
pub fn sell_cash(dir: &Path, code: &str) -> Value {
    sell_cash_to(dir, code, "none")
}

/// The same, printing to `printer` (a URI, or `none`).
pub fn sell_cash_to(dir: &Path, code: &str, printer: &str) -> Value {
    sell_cash_with(dir, code, printer, &[])
}

/// Sells one `code` (`code:qty` for more) for cash, committed on the till
/// and queued, not sent (`--no-send`).
pub fn sell_queued(dir: &Path, code: &str) -> Value {
    sell_cash_with(dir, code, "none", &["--no-send"])
}

fn sell_cash_with(dir: &Path, code: &str, printer: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "sell",
        "--item",
        code,
        "--pay",
        "cash",
        "--printer",
        printer,
        "--json",
    ];
    args.extend_from_slice(extra);
    till(dir, &args)
}

/// Opens a shift with `float` and sends the opening (the server is up).
pub fn open_shift(dir: &Path, float: i64) -> Value {
    let opening = till(
        dir,
        &["shift", "open", "--float", &float.to_string(), "--json"],
    );
    let sent = till(dir, &["sync", "--json"]);
    assert_eq!(sent["waiting"], 0, "the opening reached the server: {sent}");
    opening
}

/// A till of the demo server in a fresh directory, with a shift open
/// (float 0) and the opening sent.
pub async fn till_with_shift(app: &TestApp) -> (tempfile::TempDir, PathBuf, TillConfig) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("till");
    let cfg = setup_till(app, &dir).await;
    open_shift(&dir, 0);
    (tmp, dir, cfg)
}

/// The printer profile the suites print receipts with: 80 mm, the
/// printer's own font with Windows-1258 (text decodes back exactly).
pub fn cp1258() -> PrinterProfile {
    PrinterProfile::new(
        Paper::Mm80,
        Mode::CodePage {
            page: CodePage::Cp1258,
            esc_t: 52,
        },
    )
}

/// The `file:` printer's output decoded as paper (the hardware preview
/// decoder, QR codes read with rqrr, a decoder we did not write): its
/// text lines and its QR codes; the file is then removed, so the next
/// print starts on a clean sheet.
pub fn printed(path: &Path) -> (String, Vec<String>) {
    let bytes = std::fs::read(path).unwrap();
    let paper = ocop_hardware::preview::render(&bytes, &cp1258()).unwrap();
    let bitmap = &paper.paper;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(
        usize::try_from(bitmap.width()).unwrap(),
        usize::try_from(bitmap.height()).unwrap(),
        |x, y| {
            if bitmap.get(u32::try_from(x).unwrap(), u32::try_from(y).unwrap()) {
                0
            } else {
                255
            }
        },
    );
    let qrs = img
        .detect_grids()
        .into_iter()
        .map(|g| g.decode().unwrap().1)
        .collect();
    std::fs::remove_file(path).unwrap();
    (paper.text_lines.join("\n"), qrs)
}

/// The till's stored configuration.
pub fn till_config(dir: &Path) -> TillConfig {
    TillConfig::require(&Store::open_dir(dir).unwrap()).unwrap()
}
