//! The non-interactive commands: `setup`, `sell`, `sync`, `status`,
//! `reprint`, and in submodules `shift …` ([`shift_cmd`]), `refund`
//! ([`refund_cmd`]), `printer …` and `manager-pin …` ([`settings`]),
//! `transfer confirm|status` ([`transfer_cmd`]). Each
//! opens the store in `--data-dir`, does one thing and prints a short
//! bilingual line (or JSON with `--json`).
//!
//! `sell` goes through [`crate::checkout`], the same path as the terminal
//! interface: commit locally, then print, then try to send once; a printer
//! or network failure after the commit never loses or repeats the sale.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use ocop_core::money::Dong;
use ocop_core::refusal::Refusal;
use ocop_core::sale::{CashTender, PaymentMethod, Refund, Sale, TransferStatus};

pub mod labels_cmd;
pub mod refund_cmd;
pub mod settings;
pub mod shift_cmd;
pub mod transfer_cmd;

#[cfg(test)]
mod tests;

use crate::catalogue::{self, Catalogue};
use crate::checkout::{self, Tender};
use crate::config::{PrinterSettings, TillConfig};
use crate::printing::PrinterArgs;
use crate::server_api::{Auth, Server};
use crate::store::{OutboxKind, Store};
use crate::sync::{self, Backoff};

/// Fault injection for the kill tests: after the local commit, `sell`
/// sleeps this many milliseconds before printing and sending.
pub const PAUSE_AFTER_COMMIT_ENV: &str = "OCOP_TILL_PAUSE_AFTER_COMMIT_MS";

/// How the terminal asks for a password.
pub const PASSWORD_PROMPT: &str = "Mật khẩu / Password: ";

/// Secrets (passwords, PINs) never come as flags, which `ps` and the
/// shell's history show: on a terminal each is asked for without echo;
/// otherwise (or with `from_stdin`) they are read from standard input, one
/// line each, in the order of `prompts` — as `ocop-server user add` does.
pub fn read_secrets(prompts: &[&str], from_stdin: bool) -> anyhow::Result<Vec<String>> {
    use std::io::{BufRead as _, IsTerminal as _};
    let stdin = std::io::stdin();
    let piped = from_stdin || !stdin.is_terminal();
    let mut lines = stdin.lock();
    prompts
        .iter()
        .map(|prompt| {
            let secret = if piped {
                let mut line = String::new();
                lines.read_line(&mut line)?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                rpassword::prompt_password(prompt)?
            };
            if secret.is_empty() {
                anyhow::bail!(
                    "secret_missing: thiếu {} trên đầu vào chuẩn / {} missing on standard input",
                    prompt.trim_end_matches([':', ' ']),
                    prompt.trim_end_matches([':', ' '])
                );
            }
            Ok(secret)
        })
        .collect()
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// The server, e.g. https://ocop.laocai.gov.vn or http://127.0.0.1:8080
    #[arg(long, env = "OCOP_TILL_SERVER")]
    pub server: String,
    /// A PEM file of the certificate authority that signed an `https://`
    /// server's certificate, when it is not one of Mozilla's roots (a
    /// province's own CA). Kept in the till's data directory.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<std::path::PathBuf>,
    /// A manager (or admin) account that may register tills.
    #[arg(long, env = "OCOP_TILL_USERNAME")]
    pub username: String,
    /// Read that account's password from standard input (one line) rather
    /// than asking on the terminal; without a terminal it is read from
    /// standard input anyway. Never a flag: a flag shows in `ps` and the
    /// shell's history. Used once, to register; not stored.
    #[arg(long)]
    pub password_stdin: bool,
    /// The password when `setup` is called as a library (tests); never
    /// from the command line.
    #[arg(skip)]
    pub password: Option<String>,
    /// The outlet (default: the manager's own).
    #[arg(long)]
    pub outlet: Option<i32>,
    /// A name people recognise: "Quầy 1".
    #[arg(long, default_value = "Quầy 1")]
    pub name: String,
    /// Printer URI to store (see `print-test --help`).
    #[arg(long)]
    pub printer: Option<String>,
    /// Paper width in mm (58 or 80).
    #[arg(long, default_value_t = 80)]
    pub width: u32,
    /// raster, cp1258 or ascii.
    #[arg(long, default_value = "raster")]
    pub mode: String,
}

pub fn setup(data_dir: &Path, args: &SetupArgs) -> anyhow::Result<()> {
    let mut store = Store::open_dir(data_dir)?;
    if let Some(existing) = TillConfig::load(&store)? {
        anyhow::bail!(
            "Máy này đã được đăng ký là máy {} (the till is already registered as till {}); \
             dùng thư mục dữ liệu khác để đăng ký lại / use another --data-dir to register anew",
            existing.till_id,
            existing.till_id
        );
    }
    let ca_pem = match &args.ca_file {
        Some(path) => {
            let pem = std::fs::read_to_string(path).with_context(|| {
                format!("không đọc được / cannot read --ca-file {}", path.display())
            })?;
            crate::server_api::ca_certificates(&pem)?;
            Some(pem)
        }
        None => None,
    };
    let server = Server::connect(&args.server, ca_pem.as_deref(), Duration::from_secs(30))?;
    let password = match &args.password {
        Some(p) => p.clone(),
        None => read_secrets(&[PASSWORD_PROMPT], args.password_stdin)?.remove(0),
    };
    let login = server.login(&args.username, &password)?;
    let outlet_id = args
        .outlet
        .or(login.user.outlet_id)
        .context("--outlet is required for an account without an outlet")?;
    let till = server.register_till(&login.token, outlet_id, &args.name)?;
    let cfg = TillConfig {
        server_url: args.server.clone(),
        till_id: till.till.id,
        till_name: till.till.name.clone(),
        outlet_id: till.till.outlet_id,
        till_secret: till.secret,
        cashier_id: login.user.id,
        cashier_name: login.user.display_name.clone(),
        user_token: Some(login.token.clone()),
        printer: args.printer.as_ref().map(|uri| PrinterSettings {
            uri: uri.clone(),
            width: args.width,
            mode: args.mode.clone(),
        }),
        public_url: None,
        ca_pem,
    };
    cfg.save(&store)?;
    let refresh = catalogue::refresh(&mut store, &server, &Auth::Bearer(login.token), outlet_id);
    let catalogue = match refresh {
        Ok(catalogue::Refresh::Snapshot { version, products }) => {
            format!("danh mục v{version}: {products} sản phẩm (catalogue: {products} products)")
        }
        Ok(other) => format!("{other:?}"),
        Err(e) => format!("chưa tải được danh mục / catalogue not downloaded: {e}"),
    };
    println!(
        "Đã đăng ký máy {} tại điểm bán {} (till {} registered at outlet {}); {catalogue}",
        cfg.till_id, cfg.outlet_id, cfg.till_id, cfg.outlet_id
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct SellArgs {
    /// BARCODE[:QTY][@DISCOUNT], a GS1 Digital Link (QR label) or an
    /// internal code; `@DISCOUNT` is a line discount in đồng (above the
    /// limit it needs the manager's PIN, asked for then).
    #[arg(long = "item", required = true)]
    pub items: Vec<String>,
    /// Read the manager's PIN (for a discount above the limit, see
    /// `ocop-till manager-pin set`) from standard input (one line) rather
    /// than asking on the terminal; without a terminal it is read from
    /// standard input anyway. Never a flag: a flag shows in `ps` and the
    /// shell's history. Asked for only when a discount needs it.
    #[arg(long)]
    pub pin_stdin: bool,
    /// Why the discounts are given (printed nowhere, kept on the sale).
    #[arg(long, default_value = "Giảm giá")]
    pub discount_reason: String,
    /// cash[:TENDERED], qr, card:REF — in order, each pays what remains.
    #[arg(long = "pay", required = true)]
    pub pays: Vec<String>,
    /// Print the committed sale as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub print: PrintOpts,
    /// Do not try to send the sale now (the queue keeps it).
    #[arg(long)]
    pub no_send: bool,
}

/// Printer options shared by the commands that print.
#[derive(Debug, Args)]
pub struct PrintOpts {
    /// Printer URI (overrides the stored one); `none` to skip printing.
    #[arg(long)]
    pub printer: Option<String>,
    /// Paper width in mm (58 or 80).
    #[arg(long)]
    pub width: Option<u32>,
    /// raster, cp1258 or ascii.
    #[arg(long)]
    pub mode: Option<String>,
}

impl PrintOpts {
    /// These options over the stored printer; `None` for `--printer none`
    /// or when no printer is configured.
    pub fn printer(&self, cfg: &TillConfig) -> Option<PrinterArgs> {
        printer_for(
            cfg,
            self.printer.as_deref(),
            self.width,
            self.mode.as_deref(),
        )
    }
}

fn printer_for(
    cfg: &TillConfig,
    uri: Option<&str>,
    w: Option<u32>,
    m: Option<&str>,
) -> Option<PrinterArgs> {
    let stored = cfg.printer.clone();
    let mut s = match (uri, stored) {
        (Some("none"), _) => return None,
        (Some(u), Some(mut s)) => {
            s.uri = u.to_owned();
            s
        }
        (Some(u), None) => PrinterSettings {
            uri: u.to_owned(),
            width: 80,
            mode: "raster".into(),
        },
        (None, s) => s?,
    };
    if let Some(w) = w {
        s.width = w;
    }
    if let Some(m) = m {
        s.mode = m.to_owned();
    }
    Some(s.to_args())
}

pub fn sell(data_dir: &Path, args: &SellArgs) -> anyhow::Result<()> {
    let mut store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    let cat = Catalogue::load(&store)?;
    let mut approver = None;
    let items = args
        .items
        .iter()
        .map(|arg| {
            let (item, discount) = split_discount(arg)?;
            let (code, qty) = checkout::parse_item(item)?;
            let mut line = checkout::scan_item(&cat, &code, qty)?;
            if let Some(d) = discount {
                line.discount = d;
                line.discount_reason = Some(args.discount_reason.clone());
                let gross = crate::checkout::line_gross(&cat, &line)?;
                if crate::approval::discount_needs_pin(&store, gross, d)? {
                    if approver.is_none() {
                        approver = Some(pin_approver(&store, args.pin_stdin)?);
                    }
                    if let Some(a) = &approver {
                        crate::checkout::approve(&mut line, a);
                    }
                }
            }
            Ok(line)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let tenders = args
        .pays
        .iter()
        .map(|p| p.parse::<Tender>())
        .collect::<anyhow::Result<Vec<_>>>()?;
    let committed = checkout::commit_sale(&mut store, &cfg, &cat, &items, &tenders)?;
    let sale = committed.record;
    // To stderr: with --json, stdout holds only the JSON.
    eprintln!(
        "Đã lưu phiếu {} (committed receipt {})",
        sale.receipt_ref(),
        sale.receipt_ref()
    );
    if let Some(ms) = std::env::var(PAUSE_AFTER_COMMIT_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
    let printed = match args.print.printer(&cfg) {
        Some(p) => crate::receipt::print_sale(&p, &cfg, &sale, cat.outlet.as_ref(), false, None)
            .map_err(|e| format!("{e:#}")),
        None => Err(
            "không in (--printer none hoặc chưa cấu hình) / no printer (none or not configured)"
                .to_owned(),
        ),
    };
    let sent = send_now(&store, &cfg, args.no_send)?;
    let cash = crate::receipt::cash_of(&sale)?;
    if args.json {
        let out = serde_json::json!({
            "sale": sale,
            "cash": cash,
            "printed": printed.is_ok(),
            "print_error": printed.as_ref().err(),
            "queue_waiting": store.queue_counts()?.0,
            "send_error": sent.as_ref().and_then(|r| r.error.clone()),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!("{}", sold_line(&sale, &cash, printed.as_ref().err()));
    }
    Ok(())
}

/// What `sell` prints of a committed sale: its number, total and, when
/// paid in cash, the cash handed over and the change due (the receipt's
/// figures).
pub fn sold_line(sale: &Sale, cash: &CashTender, print_error: Option<&String>) -> String {
    let (cash_vi, cash_en) = if cash.paid_in_cash() {
        (
            format!(
                ", khách đưa {}, tiền thừa {}",
                cash.handed_over, cash.change
            ),
            format!(
                ", handed over {}, change {}",
                cash.handed_over.to_ascii_string(),
                cash.change.to_ascii_string()
            ),
        )
    } else {
        (String::new(), String::new())
    };
    // A transfer is not paid until confirmed: said so, never as paid.
    let pending = Dong::checked_sum(sale.payments.iter().filter_map(|p| match p.method {
        PaymentMethod::BankTransfer {
            status: TransferStatus::Pending,
            ..
        } => Some(p.amount),
        _ => None,
    }))
    .filter(|d| *d != Dong::ZERO);
    let (cash_vi, cash_en) = match pending {
        Some(p) => (
            format!("{cash_vi}, chuyển khoản {p} chờ xác nhận (chưa thanh toán)"),
            format!(
                "{cash_en}, transfer {} awaiting confirmation (not paid yet)",
                p.to_ascii_string()
            ),
        ),
        None => (cash_vi, cash_en),
    };
    format!(
        "Phiếu {} — tổng {}{cash_vi} (receipt {}, total {}{cash_en}){}",
        sale.receipt_ref(),
        sale.total,
        sale.receipt_ref(),
        sale.total.to_ascii_string(),
        print_error.map_or_else(String::new, |e| format!("; chưa in / not printed: {e}"))
    )
}

/// `ITEM@DISCOUNT` → (`ITEM`, discount); a trailing `@digits` only.
fn split_discount(arg: &str) -> anyhow::Result<(&str, Option<Dong>)> {
    if let Some((item, d)) = arg.rsplit_once('@')
        && !d.is_empty()
        && d.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        let d: Dong = d
            .parse()
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("giảm giá không hợp lệ / bad discount {d:?}"))?;
        return Ok((item, Some(d)));
    }
    Ok((arg, None))
}

/// After a command committed a record: one pass of the queue now (what
/// fails stays queued for the next), unless `--no-send`.
pub(crate) fn send_now(
    store: &Store,
    cfg: &TillConfig,
    no_send: bool,
) -> anyhow::Result<Option<sync::SyncReport>> {
    if no_send {
        return Ok(None);
    }
    let server = cfg.server(Duration::from_secs(5))?;
    Ok(Some(sync::send_outbox(
        store,
        &server,
        &cfg.till_auth(),
        Backoff::default(),
        false,
    )?))
}

/// How the terminal asks for the manager's PIN.
pub const PIN_PROMPT: &str = "Mã PIN quản lý / Manager PIN: ";

/// The approver of the manager's PIN, asked for on the terminal or read
/// from standard input (never a flag: see [`read_secrets`]).
fn pin_approver(store: &Store, from_stdin: bool) -> anyhow::Result<crate::approval::Approver> {
    let pin = read_secrets(&[PIN_PROMPT], from_stdin)
        .ok()
        .and_then(|mut p| p.pop())
        .ok_or_else(|| {
            Refusal::forbidden(
                "manager_pin_required",
                "Giảm giá vượt hạn mức cần mã PIN của quản lý (nhập khi được hỏi, hoặc --pin-stdin)",
                "a discount above the limit needs the manager's PIN (typed when asked, or --pin-stdin)",
            )
        })?;
    let approver = crate::approval::verify_pin(store, &pin)?.ok_or_else(|| {
        Refusal::forbidden(
            "wrong_manager_pin",
            "Mã PIN của quản lý không đúng",
            "wrong manager PIN",
        )
    })?;
    Ok(approver)
}

pub fn run_sync(data_dir: &Path, json: bool) -> anyhow::Result<()> {
    let mut store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    let report = sync::sync_once(&mut store, &cfg, Backoff::default(), false)?;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "acknowledged": report.acknowledged,
                "rejected": report.rejected,
                "waiting": report.waiting,
                "error": report.error,
                "catalogue": report.catalogue,
            })
        );
    } else {
        println!(
            "Đã gửi {} phiếu, còn chờ {}, bị từ chối {} (sent {}, waiting {}, rejected {}){}",
            report.acknowledged,
            report.waiting,
            report.rejected,
            report.acknowledged,
            report.waiting,
            report.rejected,
            report
                .error
                .map(|e| format!("; lỗi / error: {e}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

pub fn status(data_dir: &Path, json: bool) -> anyhow::Result<()> {
    let store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    let reachable = cfg.server(Duration::from_secs(3))?.reachable();
    let (waiting, acknowledged, rejected) = store.queue_counts()?;
    let last = sync::last_sync(&store)?;
    let version = catalogue::held_version(&store)?.map(|(v, _)| v);
    let (last_no, head) = store.journal_head()?;
    let shift = crate::shift::current(&store)?;
    let value = serde_json::json!({
        "server": cfg.server_url,
        "server_reachable": reachable,
        "till_id": cfg.till_id,
        "outlet_id": cfg.outlet_id,
        "queue_waiting": waiting,
        "queue_acknowledged": acknowledged,
        "queue_rejected": rejected,
        "last_error": store.last_queue_error()?,
        "last_sync": last,
        "catalogue_version": version,
        "last_receipt_no": last_no,
        "chain_head": head.to_hex(),
        "shift": shift,
    });
    if json {
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!(
            "Máy chủ / server: {} ({})\nHàng chờ / queued: {waiting} (đã nhận / acknowledged: {acknowledged}, từ chối / rejected: {rejected})\nĐồng bộ lần cuối / last sync: {}\nDanh mục / catalogue version: {}\nPhiếu cuối / last receipt: {last_no}\nCa / shift: {}",
            cfg.server_url,
            if reachable {
                "trực tuyến / online"
            } else {
                "ngoại tuyến / offline"
            },
            last.map_or_else(|| "chưa / never".to_owned(), ocop_core::time::format_vn),
            version.map_or_else(|| "—".to_owned(), |v| v.to_string()),
            shift.map_or_else(
                || "chưa mở / none open".to_owned(),
                |s| {
                    let at = ocop_core::time::format_vn(s.opened_at);
                    format!("đang mở từ {at} / open since {at}")
                }
            ),
        );
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct ReprintArgs {
    /// Receipt number (default: the last).
    #[arg(long)]
    pub receipt: Option<u32>,
    #[command(flatten)]
    pub print: PrintOpts,
}

pub fn reprint(data_dir: &Path, args: &ReprintArgs) -> anyhow::Result<()> {
    let store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    let (kind, json) = store
        .receipt_json(args.receipt)?
        .context("không có phiếu này / no such receipt")?;
    let printer = args
        .print
        .printer(&cfg)
        .context("chưa cấu hình máy in / no printer configured (--printer)")?;
    let cat = Catalogue::load(&store)?;
    let printed = if kind == OutboxKind::Refund {
        let refund: Refund = serde_json::from_str(&json)?;
        let sale = crate::refund::kept_sale(&store, refund.original_sale_id)?;
        crate::receipt::print_refund(
            &printer,
            &refund,
            sale.as_ref(),
            cat.outlet.as_ref(),
            &cfg.cashier_name,
            true,
        )?;
        refund.receipt_ref()
    } else {
        let sale: Sale = serde_json::from_str(&json)?;
        let known = crate::transfer::known_state(&store, sale.id)?;
        crate::receipt::print_sale(&printer, &cfg, &sale, cat.outlet.as_ref(), true, known)?;
        sale.receipt_ref()
    };
    println!("Đã in lại phiếu {printed} (reprinted)");
    Ok(())
}
