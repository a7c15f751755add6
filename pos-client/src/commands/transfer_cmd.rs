//! `ocop-till transfer pending` lists the transfers awaiting confirmation.
//! `ocop-till transfer confirm|status --sale T3-000012|UUID`: the cashier's
//! confirmation of a VietQR transfer (committed to the queue first, then
//! sent, like a sale) and the transfer's state as the server knows it —
//! through [`crate::transfer`], the same path as the interface's F8 key.

use std::path::Path;

use clap::{Args, Subcommand};
use ocop_core::refusal::Refusal;

use crate::config::TillConfig;
use crate::refund::parse_sale_ref;
use crate::server_api::SendError;
use crate::store::Store;
use crate::transfer;

#[derive(Debug, Subcommand)]
pub enum TransferCommand {
    /// The cashier saw the money arrive: queue the confirmation ("Đã nhận
    /// tiền"), then try to send it (after the sale, in queue order).
    Confirm(ConfirmArgs),
    /// Ask the server where the transfer stands: pending,
    /// confirmed_by_cashier or confirmed_by_bank.
    Status(StatusArgs),
    /// The transfers nobody has confirmed yet: the outlet's, from the
    /// server (the bank's notices included); offline, this till's own of
    /// the open shift. Money not received until confirmed.
    Pending(PendingArgs),
}

#[derive(Debug, Args)]
pub struct PendingArgs {
    /// Print the result as JSON (for scripts).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// The sale: T3-000012 or its id.
    #[arg(long)]
    pub sale: String,
    /// Do not try to send now (the queue keeps it).
    #[arg(long)]
    pub no_send: bool,
    /// Print the result as JSON (for scripts).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The sale: T3-000012 or its id.
    #[arg(long)]
    pub sale: String,
    /// Print the result as JSON (for scripts).
    #[arg(long)]
    pub json: bool,
}

pub fn run(data_dir: &Path, command: &TransferCommand) -> anyhow::Result<()> {
    match command {
        TransferCommand::Confirm(args) => confirm(data_dir, args),
        TransferCommand::Status(args) => status(data_dir, args),
        TransferCommand::Pending(args) => pending(data_dir, args),
    }
}

fn pending(data_dir: &Path, args: &PendingArgs) -> anyhow::Result<()> {
    let store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    // The queue first: the server can only list what it has.
    let _ = super::send_now(&store, &cfg, false);
    let (source, rows) = match transfer::pending_on_server(&cfg) {
        Ok(rows) => ("server", rows),
        Err(e) => {
            eprintln!(
                "Không hỏi được máy chủ, danh sách của máy này trong ca ({e:#}) / server not \
                 reached, this till's list of the open shift"
            );
            let shift = crate::shift::require(&store)?;
            ("till", transfer::pending_of_shift(&store, shift.id)?)
        }
    };
    if args.json {
        let out = serde_json::json!({ "source": source, "pending": rows });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if rows.is_empty() {
        println!("Không có chuyển khoản chờ xác nhận (no transfer awaiting confirmation)");
        return Ok(());
    }
    for r in &rows {
        println!(
            "{}  {}  {} — chờ xác nhận (awaiting confirmation)",
            r.receipt,
            ocop_core::time::format_vn(r.sold_at),
            r.amount
        );
    }
    Ok(())
}

fn confirm(data_dir: &Path, args: &ConfirmArgs) -> anyhow::Result<()> {
    let mut store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    let sale = transfer::find_sale(&store, &cfg, &parse_sale_ref(&args.sale)?)?;
    let queued = transfer::confirm(&mut store, &cfg, &sale)?;
    eprintln!(
        "{} confirmation of {}",
        if queued.new {
            "queued"
        } else {
            "already queued"
        },
        sale.receipt_ref()
    );
    let sent = super::send_now(&store, &cfg, args.no_send)?;
    let (state, error) = store
        .outbox_state(queued.seq)?
        .unwrap_or_else(|| ("queued".to_owned(), None));
    if args.json {
        let out = serde_json::json!({
            "sale_id": sale.id,
            "receipt": sale.receipt_ref().to_string(),
            "cashier_id": queued.confirmation.cashier_id,
            "confirmed_at": queued.confirmation.confirmed_at,
            "new": queued.new,
            "state": state,
            "error": error,
            "queue_waiting": store.queue_counts()?.0,
            "send_error": sent.as_ref().and_then(|s| s.error.clone()),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        let (vi, en) = if state == "acknowledged" {
            ("máy chủ đã nhận", "the server has it")
        } else {
            ("chờ gửi", "queued")
        };
        println!(
            "Đã nhận tiền chuyển khoản phiếu {} — {vi} (transfer of {} confirmed by the cashier — {en}){}",
            sale.receipt_ref(),
            sale.receipt_ref(),
            error.map(|e| format!("; {e}")).unwrap_or_default()
        );
    }
    Ok(())
}

fn status(data_dir: &Path, args: &StatusArgs) -> anyhow::Result<()> {
    let store = Store::open_dir(data_dir)?;
    let cfg = TillConfig::require(&store)?;
    let sale = transfer::find_sale(&store, &cfg, &parse_sale_ref(&args.sale)?)?;
    let receipt = sale.receipt_ref();
    let state = transfer::transfer_state(&cfg, sale.id).map_err(|e| match e {
        SendError::Transient(e) => anyhow::anyhow!(
            "server_unreachable: Không liên lạc được máy chủ ({e}) / the server cannot be \
             reached ({e})"
        ),
        SendError::Refused {
            status: 404,
            message,
            ..
        } => Refusal::not_found(
            "sale_not_on_server",
            format!("Máy chủ chưa có phiếu {receipt} (gửi bằng `ocop-till sync`)"),
            format!(
                "the server does not have {receipt} (yet: send it with `ocop-till sync`): {message}"
            ),
        )
        .into(),
        SendError::Refused { code, message, .. } => anyhow::anyhow!("{code}: {message}"),
    })?;
    let local = transfer::confirmation_of(&store, sale.id)?;
    if args.json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            #[serde(flatten)]
            state: &'a ocop_core::wire::TransferState,
            receipt: String,
            /// This till's own confirmation, if the cashier made one here.
            local_confirmation: Option<transfer::Confirmation>,
        }
        let out = Out {
            state: &state,
            receipt: receipt.to_string(),
            local_confirmation: local,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        let label = crate::tui::text::transfer_status(state.status);
        println!(
            "Phiếu {receipt}: chuyển khoản {} — {} / {} ({})",
            state.amount,
            label.0,
            label.1,
            state.status.code()
        );
    }
    Ok(())
}
