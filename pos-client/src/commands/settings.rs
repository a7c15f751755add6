//! `ocop-till printer set|show` and `ocop-till manager-pin set`: the
//! till's printer and the manager's PIN for discounts, kept in the local
//! store.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use ocop_core::refusal::Refusal;
use ocop_core::wire::Role;

use crate::approval::{self, Approver};
use crate::config::{PrinterSettings, TillConfig};
use crate::printing::TextMode;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum PrinterCommand {
    /// Store the printer the till prints receipts and reports on.
    Set {
        /// tcp:HOST:PORT, usb:VID:PID, serial:PATH[:BAUD], dev:PATH,
        /// file:PATH or preview:PATH.png
        #[arg(long)]
        printer: String,
        /// Paper width in mm: 58 or 80.
        #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u32).range(58..=80))]
        width: u32,
        /// How text is printed.
        #[arg(long, value_enum, default_value_t = TextMode::Raster)]
        mode: TextMode,
        /// Print the result as JSON (for scripts).
        #[arg(long)]
        json: bool,
    },
    /// Show the stored printer.
    Show {
        /// Print the result as JSON (for scripts).
        #[arg(long)]
        json: bool,
    },
}

pub fn printer(data_dir: &Path, command: &PrinterCommand) -> anyhow::Result<()> {
    let store = Store::open_dir(data_dir)?;
    let mut cfg = TillConfig::require(&store)?;
    let json = match command {
        PrinterCommand::Set {
            printer,
            width,
            mode,
            json,
        } => {
            let settings = PrinterSettings {
                uri: printer.clone(),
                width: *width,
                mode: match mode {
                    TextMode::Raster => "raster",
                    TextMode::Cp1258 => "cp1258",
                    TextMode::Ascii => "ascii",
                }
                .into(),
            };
            // Refuse what the printer layer would refuse at the first sale.
            settings.to_args().config()?;
            cfg.printer = Some(settings);
            cfg.save(&store)?;
            *json
        }
        PrinterCommand::Show { json } => *json,
    };
    match (&cfg.printer, json) {
        (p, true) => println!("{}", serde_json::json!({ "printer": p })),
        (Some(p), false) => println!("Máy in / printer: {} · {} mm · {}", p.uri, p.width, p.mode),
        (None, false) => println!("Chưa cấu hình máy in / no printer configured"),
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum ManagerPinCommand {
    /// A manager (or admin) of the outlet sets the PIN that approves
    /// discounts above the limit; proven by logging in to the server.
    Set(ManagerPinArgs),
}

#[derive(Debug, Args)]
pub struct ManagerPinArgs {
    /// The manager's (or admin's) account on the server.
    #[arg(long, env = "OCOP_TILL_USERNAME")]
    pub username: String,
    /// Read the password (checked by the server, never stored) and then
    /// the PIN (4–12 digits) from standard input, one line each, rather
    /// than asking on the terminal (without a terminal they are read from
    /// standard input anyway). Never flags: `ps` and shell history show
    /// flags.
    #[arg(long)]
    pub password_stdin: bool,
    /// Discounts up to this share of the line need no PIN (0–100).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub discount_limit_percent: u32,
    /// Print the result as JSON (for scripts).
    #[arg(long)]
    pub json: bool,
}

pub fn manager_pin(data_dir: &Path, command: &ManagerPinCommand) -> anyhow::Result<()> {
    let ManagerPinCommand::Set(args) = command;
    let store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    let secrets = super::read_secrets(
        &[super::PASSWORD_PROMPT, "Mã PIN mới / new PIN: "],
        args.password_stdin,
    )?;
    let (password, pin) = match secrets.as_slice() {
        [password, pin] => (password, pin),
        _ => anyhow::bail!("a password and a PIN are needed"),
    };
    let server = cfg.server(Duration::from_secs(30))?;
    let login = server
        .login(&args.username, password)
        .context("đăng nhập thất bại / login failed")?;
    let is_manager = match login.user.role {
        Role::Admin => true,
        Role::Manager => login.user.outlet_id == Some(cfg.outlet_id),
        _ => false,
    };
    if !is_manager {
        return Err(Refusal::forbidden(
            "not_a_manager",
            format!(
                "{} không phải quản lý của điểm bán này",
                login.user.username
            ),
            format!("{} is not a manager of this outlet", login.user.username),
        )
        .into());
    }
    let approver = Approver {
        id: login.user.id,
        name: login.user.display_name.clone(),
    };
    let s = approval::set_pin(&store, &approver, pin, args.discount_limit_percent)?;
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "manager_id": s.manager_id,
                "manager_name": s.manager_name,
                "discount_limit_percent": s.discount_limit_percent,
            })
        );
    } else {
        println!(
            "Đã lưu mã PIN của {}; giảm giá trên {} % cần mã PIN \
             (PIN of {} stored; discounts above {} % need it)",
            s.manager_name, s.discount_limit_percent, s.manager_name, s.discount_limit_percent
        );
    }
    Ok(())
}
