//! `ocop-till labels print --lot ID --count N --username MANAGER`: issues
//! provenance labels for a lot at this till's outlet (a manager's or an
//! admin's account; the password is asked for, or read from standard input
//! with `--password-stdin`) and prints them: one 50×30 mm label per cut on
//! the label printer (`--printer URI`, else the till's printer), or the A4
//! PDF sticker sheet with `--pdf FILE`. One request id per run: a network
//! failure is retried with the same id, so labels are never issued twice.
//! The work itself is [`crate::labels::issue_and_print`], shared with the
//! interface's "print labels" key (F8).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::config::TillConfig;
use crate::labels::{LabelOutput, issue_and_print};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum LabelsCommand {
    /// Issue labels for a lot and print them (or write the A4 PDF sheet).
    Print(PrintArgs),
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    /// The lot's id (on the goods-received note's label link).
    #[arg(long)]
    pub lot: i32,
    /// How many labels (1–1000).
    #[arg(long)]
    pub count: i32,
    /// A manager (or admin) account that may issue labels.
    #[arg(long)]
    pub username: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Label printer URI (tcp:HOST:PORT, usb:VID:PID, dev:PATH, file:PATH,
    /// preview:PATH.png); default: the till's printer.
    #[arg(long)]
    pub printer: Option<String>,
    /// Write the A4 PDF sticker sheet here instead of printing.
    #[arg(long)]
    pub pdf: Option<PathBuf>,
}

pub fn run(dir: &Path, cmd: &LabelsCommand) -> anyhow::Result<()> {
    match cmd {
        LabelsCommand::Print(args) => print(dir, args),
    }
}

fn password(args: &PrintArgs) -> anyhow::Result<String> {
    let prompt = format!("Mật khẩu của {} / password: ", args.username);
    let mut secrets = super::read_secrets(&[prompt.as_str()], args.password_stdin)?;
    Ok(secrets.remove(0))
}

fn print(dir: &Path, args: &PrintArgs) -> anyhow::Result<()> {
    let store = Store::open_dir(dir)?;
    let cfg = TillConfig::require(&store)?;
    let output = match (&args.pdf, &args.printer) {
        (Some(path), _) => LabelOutput::Pdf(path.clone()),
        (None, Some(uri)) => LabelOutput::Printer(uri.clone()),
        (None, None) => LabelOutput::TillPrinter,
    };
    let done = issue_and_print(
        &cfg,
        &args.username,
        &password(args)?,
        args.lot,
        args.count,
        &output,
        |e| eprintln!("Thử lại / retrying ({e})"),
    )?;
    println!("{done}");
    Ok(())
}
