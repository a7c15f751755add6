//! ocop-till: the till at an outlet. One binary with subcommands; today
//! `print-test` (check a printer and its profile). The selling UI, the
//! offline queue and sync come in later issues and hang off the same
//! `Command` enum and the same printer configuration ([`printing`]).

mod print_test;
mod printing;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "ocop-till", version, about = "OCOP point of sale till")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the test page: outlet header, every Vietnamese tone mark on
    /// every vowel, a VietQR code, a provenance QR code and an EAN-13
    /// barcode. `--printer preview:page.png` writes a picture instead.
    PrintTest(print_test::Args),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::PrintTest(args) => print_test::run(&args),
    }
}
