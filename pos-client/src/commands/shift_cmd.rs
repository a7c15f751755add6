//! `ocop-till shift …`: open with a float, cash in and out, print the X
//! report, close with the count (prints the Z report). Everything goes
//! through [`crate::shift`], the same path as the interface.

use std::path::Path;

use anyhow::Context;
use clap::{Args, Subcommand};
use ocop_core::money::Dong;
use ocop_core::sale::shift::{CashDirection, CountedTotals};

use super::PrintOpts;
use crate::catalogue::Catalogue;
use crate::config::TillConfig;
use crate::shift::{self, ShiftReport};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum ShiftCommand {
    /// Open a shift with the cash in the drawer (tiền đầu ca), in đồng.
    Open {
        /// Cash in the drawer at the start, in đồng (e.g. 500000).
        #[arg(long = "float")]
        float: Dong,
        /// Print the result as JSON (for scripts).
        #[arg(long)]
        json: bool,
    },
    /// Cash put into the drawer (nộp tiền), with a reason.
    CashIn(MovementArgs),
    /// Cash taken out of the drawer (rút tiền), with a reason.
    CashOut(MovementArgs),
    /// Print the X report of the open shift (changes nothing).
    X {
        #[command(flatten)]
        print: PrintOpts,
        /// Print the result as JSON (for scripts).
        #[arg(long)]
        json: bool,
    },
    /// Close the shift with the count and print the Z report. Sends the
    /// queue first; refuses while records are unsent unless --allow-unsent.
    Close(CloseArgs),
    /// Print the last Z report again.
    LastZ {
        #[command(flatten)]
        print: PrintOpts,
        /// Print the result as JSON (for scripts).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct MovementArgs {
    /// Amount in đồng, above zero.
    #[arg(long)]
    pub amount: Dong,
    /// Why (kept with the shift and sent to the server).
    #[arg(long)]
    pub reason: String,
    /// Print the result as JSON (for scripts).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// Notes counted in the drawer, NOTE:COUNT, repeatable:
    /// `--cash 500000:2 --cash 10000:3`.
    #[arg(long = "cash")]
    pub cash: Vec<String>,
    /// The card terminal's total for the shift, in đồng.
    #[arg(long, default_value = "0")]
    pub card: Dong,
    /// Transfers seen arriving on the outlet's account, in đồng.
    #[arg(long, default_value = "0")]
    pub transfer: Dong,
    /// Close even though records are still queued (the Z says how many).
    #[arg(long)]
    pub allow_unsent: bool,
    #[command(flatten)]
    pub print: PrintOpts,
    /// Print the result as JSON (for scripts).
    #[arg(long)]
    pub json: bool,
}

fn print_and_describe(
    store: &Store,
    cfg: &TillConfig,
    print: &PrintOpts,
    report: &ShiftReport,
) -> anyhow::Result<Result<(), String>> {
    let cat = Catalogue::load(store)?;
    Ok(match print.printer(cfg) {
        Some(p) => {
            shift::print_report(&p, cfg, cat.outlet.as_ref(), report).map_err(|e| format!("{e:#}"))
        }
        None => Err("không in / no printer".to_owned()),
    })
}

pub fn run(data_dir: &Path, command: &ShiftCommand) -> anyhow::Result<()> {
    let mut store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    match command {
        ShiftCommand::Open { float, json } => {
            let opening = shift::open(&mut store, &cfg, *float)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&opening)?);
            } else {
                println!(
                    "Đã mở ca, tiền đầu ca {} (shift opened, float {})",
                    opening.opening_float,
                    opening.opening_float.to_ascii_string()
                );
            }
        }
        ShiftCommand::CashIn(m) | ShiftCommand::CashOut(m) => {
            let direction = if matches!(command, ShiftCommand::CashIn(_)) {
                CashDirection::In
            } else {
                CashDirection::Out
            };
            let movement = shift::cash_movement(&mut store, direction, m.amount, &m.reason)?;
            if m.json {
                println!("{}", serde_json::to_string_pretty(&movement)?);
            } else {
                println!(
                    "Đã ghi {} {} (recorded cash {} {})",
                    match direction {
                        CashDirection::In => "nộp",
                        CashDirection::Out => "rút",
                    },
                    movement.amount,
                    match direction {
                        CashDirection::In => "in",
                        CashDirection::Out => "out",
                    },
                    movement.amount.to_ascii_string()
                );
            }
        }
        ShiftCommand::X { print, json } => {
            let report = shift::x_report(&store)?;
            let printed = print_and_describe(&store, &cfg, print, &report)?;
            let ShiftReport::X { summary, .. } = &report else {
                anyhow::bail!("not an X report")
            };
            if *json {
                let out = serde_json::json!({
                    "summary": summary,
                    "printed": printed.is_ok(),
                    "print_error": printed.err(),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "Báo cáo X: {} phiếu bán, doanh thu thuần {}, tiền mặt phải có {} \
                     (X report: net sales {}, expected cash {}){}",
                    summary.sales_count,
                    summary.net_sales,
                    summary.cash.expected,
                    summary.net_sales.to_ascii_string(),
                    summary.cash.expected.to_ascii_string(),
                    printed
                        .err()
                        .map(|e| format!("; chưa in / not printed: {e}"))
                        .unwrap_or_default()
                );
            }
        }
        ShiftCommand::Close(args) => {
            let counted = CountedTotals {
                cash: shift::parse_cash_count(&args.cash)?,
                card: args.card,
                bank_transfer: args.transfer,
            };
            let closed = shift::close(&mut store, &cfg, counted, args.allow_unsent)?;
            describe_z(&store, &cfg, &args.print, closed, args.json)?;
        }
        ShiftCommand::LastZ { print, json } => {
            let closed =
                shift::last_z(&store)?.context("chưa có báo cáo Z nào / no Z report yet")?;
            describe_z(&store, &cfg, print, closed, *json)?;
        }
    }
    Ok(())
}

fn describe_z(
    store: &Store,
    cfg: &TillConfig,
    print: &PrintOpts,
    closed: shift::ClosedShift,
    json: bool,
) -> anyhow::Result<()> {
    let report = ShiftReport::Z(closed);
    let printed = print_and_describe(store, cfg, print, &report)?;
    let ShiftReport::Z(z) = report else {
        anyhow::bail!("not a Z report")
    };
    if json {
        let out = serde_json::json!({
            "z": z,
            "queue_waiting": store.queue_counts()?.0,
            "printed": printed.is_ok(),
            "print_error": printed.err(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "Đã đóng ca, báo cáo Z số {}: doanh thu thuần {}, chênh lệch {}{} \
             (shift closed, Z {}: net sales {}, variance {}){}",
            z.z_no,
            z.summary.net_sales,
            z.closing.total_variance,
            if z.unsent > 0 {
                format!(", còn {} bản ghi chưa gửi", z.unsent)
            } else {
                String::new()
            },
            z.z_no,
            z.summary.net_sales.to_ascii_string(),
            z.closing.total_variance.to_ascii_string(),
            printed
                .err()
                .map(|e| format!("; chưa in / not printed: {e}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}
