//! `ocop-till refund`: find the sale (receipt number, id or the receipt's
//! QR content), commit the refund locally, print it, try to send it —
//! through [`crate::refund`], the same path as the interface.

use std::path::Path;

use clap::{Args, ValueEnum};
use ocop_core::sale::Restock;

use super::PrintOpts;
use crate::catalogue::Catalogue;
use crate::config::TillConfig;
use crate::refund::{self, RefundTender};
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RestockArg {
    /// Back on the shelf (the default).
    Shelf,
    /// Damaged: returned to stock and written off.
    Damaged,
}

#[derive(Debug, Args)]
pub struct RefundArgs {
    /// The sale: T3-000012, its id, or the e-receipt URL of its QR code.
    #[arg(long)]
    pub sale: String,
    /// LINE[:QTY], repeatable; without QTY all that is left of the line.
    #[arg(long = "line", required = true)]
    pub lines: Vec<String>,
    /// cash, card:REF or transfer[:REF].
    #[arg(long, default_value = "cash")]
    pub pay: RefundTender,
    /// Why the goods came back (kept on the refund, printed).
    #[arg(long)]
    pub reason: String,
    /// What happens to the goods brought back.
    #[arg(long, value_enum, default_value_t = RestockArg::Shelf)]
    pub restock: RestockArg,
    #[command(flatten)]
    pub print: PrintOpts,
    /// Do not try to send the refund now (the queue keeps it).
    #[arg(long)]
    pub no_send: bool,
    /// Print the result as JSON (for scripts).
    #[arg(long)]
    pub json: bool,
}

pub fn run(data_dir: &Path, args: &RefundArgs) -> anyhow::Result<()> {
    let mut store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    let sale_ref = refund::parse_sale_ref(&args.sale)?;
    let found = refund::find(&store, &cfg, &sale_ref)?;
    let restock = match args.restock {
        RestockArg::Shelf => Restock::Shelf,
        RestockArg::Damaged => Restock::DamagedWriteOff,
    };
    let requests = refund::requests_for(&found, &args.lines, restock)?;
    let committed = refund::commit_refund(
        &mut store,
        &cfg,
        &found,
        &requests,
        args.pay.clone(),
        &args.reason,
    )?;
    let r = committed.record;
    eprintln!("committed refund {}", r.receipt_ref());
    let cat = Catalogue::load(&store)?;
    let printed = match args.print.printer(&cfg) {
        Some(p) => crate::receipt::print_refund(
            &p,
            &r,
            Some(&found.sale),
            cat.outlet.as_ref(),
            &cfg.cashier_name,
            false,
        )
        .map_err(|e| format!("{e:#}")),
        None => Err("không in / no printer".to_owned()),
    };
    let sent = super::send_now(&store, &cfg, args.no_send)?;
    if args.json {
        let out = serde_json::json!({
            "refund": r,
            "printed": printed.is_ok(),
            "print_error": printed.as_ref().err(),
            "queue_waiting": store.queue_counts()?.0,
            "send_error": sent.as_ref().and_then(|s| s.error.clone()),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "Phiếu trả hàng {} cho phiếu {} — hoàn {} (refund {} of {}, {} paid back){}",
            r.receipt_ref(),
            r.original_receipt,
            r.total,
            r.receipt_ref(),
            r.original_receipt,
            r.total.to_ascii_string(),
            match &printed {
                Ok(()) => String::new(),
                Err(e) => format!("; chưa in / not printed: {e}"),
            }
        );
    }
    Ok(())
}
