//! ocop-till: the till at an outlet. Without a command, the terminal
//! interface; with one:
//! `setup` (register with the server), `sell` (non-interactive sale, the
//! same path as the interface), `sync`, `status`, `reprint`, `print-test`,
//! `shift …` (open, cash in/out, X, close with Z), `refund`,
//! `printer set|show`, `manager-pin set`, `transfer confirm|status`.
//! Everything lives in the library ([`ocop_till`]).

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use ocop_till::config::PrinterSettings;
use ocop_till::{commands, config, print_test, tui};

#[derive(Debug, Parser)]
#[command(name = "ocop-till", version, about = "OCOP point of sale till")]
struct Cli {
    /// Where the till keeps its database (default: the user's data
    /// directory, `ocop-till/`).
    #[arg(long, env = "OCOP_TILL_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Printer for the interface (overrides the stored one).
    #[arg(long)]
    printer: Option<String>,
    /// Without a command: the terminal interface.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Register this till with the server (a manager's account) and
    /// download the outlet's catalogue.
    Setup(commands::SetupArgs),
    /// Sell without the interface: --item BARCODE[:QTY] … --pay cash:AMOUNT|qr|card:REF
    Sell(commands::SellArgs),
    /// Send the queue now and refresh the catalogue.
    Sync {
        /// Print what the pass did as JSON (for scripts).
        #[arg(long)]
        json: bool,
    },
    /// Server reachable, queue length, last sync, open shift, catalogue
    /// version.
    Status {
        /// Print the status as JSON (for scripts).
        #[arg(long)]
        json: bool,
    },
    /// Print a stored receipt again (default: the last).
    Reprint(commands::ReprintArgs),
    /// Shifts: open with a float, cash in/out, X report, close with the
    /// count (Z report).
    #[command(subcommand)]
    Shift(commands::shift_cmd::ShiftCommand),
    /// Refund lines of a sale: --sale T3-000012|UUID|URL --line 1[:QTY] …
    /// --pay cash|card:REF|transfer --reason TEXT
    Refund(commands::refund_cmd::RefundArgs),
    /// The till's printer.
    #[command(subcommand)]
    Printer(commands::settings::PrinterCommand),
    /// The manager's PIN that approves discounts above the limit.
    #[command(subcommand)]
    ManagerPin(commands::settings::ManagerPinCommand),
    /// VietQR transfers: the cashier's confirmation (queued, then sent) and
    /// the state on the server (confirmed by the bank?).
    #[command(subcommand)]
    Transfer(commands::transfer_cmd::TransferCommand),
    /// Provenance labels: `labels print --lot ID --count N --username
    /// MANAGER` issues them for this outlet and prints them (one per cut),
    /// or writes the A4 PDF sheet with `--pdf FILE`.
    #[command(subcommand)]
    Labels(commands::labels_cmd::LabelsCommand),
    /// Print the test page: outlet header, every Vietnamese tone mark on
    /// every vowel, a VietQR code, a provenance QR code and an EAN-13
    /// barcode. `--printer preview:page.png` writes a picture instead.
    PrintTest(print_test::Args),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let dir = cli.data_dir.unwrap_or_else(config::default_data_dir);
    // A till that cannot write its log still sells: say so, go on.
    if let Err(e) = ocop_till::log::init(&dir) {
        eprintln!("không ghi được nhật ký / no log: {e:#}");
    }
    let name = cli
        .command
        .as_ref()
        .map_or("interface", |c| command_name(c));
    tracing::info!(command = name, "start");
    let result = run(cli.command, cli.printer, &dir);
    if let Err(e) = &result {
        tracing::warn!(command = name, error = %format!("{e:#}"), "refused or failed");
    }
    result
}

/// The command's name as the log records it.
fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Setup(_) => "setup",
        Command::Sell(_) => "sell",
        Command::Sync { .. } => "sync",
        Command::Status { .. } => "status",
        Command::Reprint(_) => "reprint",
        Command::PrintTest(_) => "print-test",
        Command::Shift(_) => "shift",
        Command::Refund(_) => "refund",
        Command::Printer(_) => "printer",
        Command::ManagerPin(_) => "manager-pin",
        Command::Transfer(_) => "transfer",
        Command::Labels(_) => "labels",
    }
}

fn run(
    command: Option<Command>,
    printer: Option<String>,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let dir = dir.to_path_buf();
    let Some(command) = command else {
        let printer = printer.map(|uri| PrinterSettings {
            uri,
            width: 80,
            mode: "raster".into(),
        });
        return tui::run(&dir, printer.map(|p| p.to_args()));
    };
    match command {
        Command::Setup(args) => commands::setup(&dir, &args),
        Command::Sell(args) => commands::sell(&dir, &args),
        Command::Sync { json } => commands::run_sync(&dir, json),
        Command::Status { json } => commands::status(&dir, json),
        Command::Reprint(args) => commands::reprint(&dir, &args),
        Command::PrintTest(args) => print_test::run(&args),
        Command::Shift(c) => commands::shift_cmd::run(&dir, &c),
        Command::Refund(args) => commands::refund_cmd::run(&dir, &args),
        Command::Printer(c) => commands::settings::printer(&dir, &c),
        Command::ManagerPin(c) => commands::settings::manager_pin(&dir, &c),
        Command::Transfer(c) => commands::transfer_cmd::run(&dir, &c),
        Command::Labels(c) => commands::labels_cmd::run(&dir, &c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every flag of every command says what it does in `--help` (`sell
    /// --width`, `sync --json`… printed an empty line).
    #[test]
    fn every_flag_has_help_text() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") || arg.is_hide_set() {
                    continue;
                }
                if arg
                    .get_help()
                    .is_none_or(|h| h.to_string().trim().is_empty())
                {
                    missing.push(format!("{path} --{id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "ocop-till", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:#?}");
    }

    /// clap's own consistency checks (duplicate flags, bad defaults).
    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "ocop-till",
            "sell",
            "--item",
            "8936012345674:2",
            "--item",
            "CHE",
            "--pay",
            "cash:500000",
            "--json",
        ])
        .unwrap();
        assert!(matches!(cli.command, Some(Command::Sell(_))));
        for args in [
            &["ocop-till", "shift", "open", "--float", "500000"][..],
            &[
                "ocop-till",
                "shift",
                "cash-out",
                "--amount",
                "100000",
                "--reason",
                "Nộp két",
            ],
            &[
                "ocop-till",
                "shift",
                "close",
                "--cash",
                "500000:2",
                "--cash",
                "10000:3",
                "--card",
                "0",
                "--allow-unsent",
                "--json",
            ],
            &["ocop-till", "shift", "x", "--printer", "none"],
            &[
                "ocop-till",
                "refund",
                "--sale",
                "T3-000012",
                "--line",
                "1:2",
                "--line",
                "2",
                "--pay",
                "card:APPR 1",
                "--reason",
                "Hỏng",
                "--json",
            ],
            &[
                "ocop-till",
                "printer",
                "set",
                "--printer",
                "file:/tmp/p.bin",
                "--width",
                "58",
            ],
            &["ocop-till", "printer", "show"],
            &[
                "ocop-till",
                "transfer",
                "confirm",
                "--sale",
                "T3-000012",
                "--json",
            ],
            &["ocop-till", "transfer", "status", "--sale", "T3-000012"],
            &[
                "ocop-till",
                "manager-pin",
                "set",
                "--username",
                "m",
                "--password-stdin",
                "--discount-limit-percent",
                "10",
            ],
            &[
                "ocop-till",
                "sell",
                "--item",
                "CHE:2@10000",
                "--pay",
                "cash",
                "--pin-stdin",
            ],
        ] {
            assert!(Cli::try_parse_from(args).is_ok(), "{args:?}");
        }
        assert!(Cli::try_parse_from(["ocop-till", "refund", "--sale", "T1-1"]).is_err());
        // Issue 14: secrets are never flags (ps and shell history show them).
        for secret in [
            &[
                "ocop-till",
                "setup",
                "--server",
                "http://x",
                "--username",
                "m",
                "--password",
                "p",
            ][..],
            &[
                "ocop-till",
                "manager-pin",
                "set",
                "--username",
                "m",
                "--pin",
                "1234",
            ][..],
            &[
                "ocop-till",
                "manager-pin",
                "set",
                "--username",
                "m",
                "--password",
                "p",
            ][..],
            &[
                "ocop-till",
                "sell",
                "--item",
                "CHE:2@10000",
                "--pay",
                "cash",
                "--pin",
                "1234",
            ][..],
        ] {
            assert!(Cli::try_parse_from(secret).is_err(), "{secret:?}");
        }
        assert!(Cli::try_parse_from(["ocop-till", "transfer", "confirm"]).is_err());
        assert!(Cli::try_parse_from(["ocop-till", "shift", "open", "--float", "abc"]).is_err());
        assert!(
            Cli::try_parse_from(["ocop-till"])
                .unwrap()
                .command
                .is_none()
        );
    }
}
