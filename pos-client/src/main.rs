//! ocop-till: the till at an outlet. One binary with subcommands:
//! `setup` (register with the server), `sell` (non-interactive sale, the
//! same path as the interface), `sync`, `status`, `reprint`, `print-test`.
//! Everything lives in the library ([`ocop_till`]).

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use ocop_till::{commands, config, print_test};

#[derive(Debug, Parser)]
#[command(name = "ocop-till", version, about = "OCOP point of sale till")]
struct Cli {
    /// Where the till keeps its database (default: the user's data
    /// directory, `ocop-till/`).
    #[arg(long, env = "OCOP_TILL_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
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
        #[arg(long)]
        json: bool,
    },
    /// Server reachable, queue length, last sync, catalogue version.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Print a stored receipt again (default: the last).
    Reprint(commands::ReprintArgs),
    /// Print the test page: outlet header, every Vietnamese tone mark on
    /// every vowel, a VietQR code, a provenance QR code and an EAN-13
    /// barcode. `--printer preview:page.png` writes a picture instead.
    PrintTest(print_test::Args),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let dir = cli.data_dir.unwrap_or_else(config::default_data_dir);
    match cli.command {
        Command::Setup(args) => commands::setup(&dir, &args),
        Command::Sell(args) => commands::sell(&dir, &args),
        Command::Sync { json } => commands::run_sync(&dir, json),
        Command::Status { json } => commands::status(&dir, json),
        Command::Reprint(args) => commands::reprint(&dir, &args),
        Command::PrintTest(args) => print_test::run(&args),
    }
}
