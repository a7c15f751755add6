//! VietQR transfers after the sale, on the till. The sale is sealed with its
//! transfer `pending`; what happens next is recorded apart from it:
//!
//! - the cashier sees the money arrive and confirms ("Đã nhận tiền / Money
//!   received"): a [`Confirmation`] is committed to the local store as an
//!   outbox record of kind [`OutboxKind::TransferConfirmation`] and sent by the sync like everything
//!   else — after its sale, since the sale was committed (and queued)
//!   first and the outbox goes in order;
//! - the bank notifies the server (signed webhook, docs/bank-webhook.md):
//!   the till learns of it only by asking ([`transfer_state`], or the
//!   interface's [`Watch`] while the code is on screen).
//!
//! Guarantees: one confirmation per sale on a till (record id
//! `transfer:{sale id}`, UNIQUE in the outbox), so confirming twice queues
//! nothing new, and the server stores a sale's cashier confirmation once
//! whatever is resent; asking the server never writes the store and has a
//! short timeout; the watcher runs on its own thread with its own
//! connection, so the interface never waits on the network.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use ocop_core::refusal::Refusal;
use ocop_core::sale::{PaymentMethod, Sale, TransferStatus};
use ocop_core::wire::{PendingTransfer, TransferState};
use uuid::Uuid;

use crate::config::TillConfig;
use crate::refund::SaleRef;
use crate::server_api::{SaleLookup, SendError};
use crate::store::{self, OutboxKind, Store};
use crate::sync::{self, Backoff};

/// How long the till waits for the server's answer about a transfer.
pub const ASK_TIMEOUT: Duration = Duration::from_secs(3);

pub use crate::records::Confirmation;

fn record_id(sale_id: Uuid) -> String {
    format!("transfer:{sale_id}")
}

/// A confirmation in the outbox: `new` is false when the sale had one
/// already (nothing was queued).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub confirmation: Confirmation,
    pub seq: i64,
    pub new: bool,
}

fn has_transfer(sale: &Sale) -> bool {
    sale.payments
        .iter()
        .any(|p| matches!(p.method, PaymentMethod::BankTransfer { .. }))
}

/// Commits the cashier's confirmation of `sale`'s transfer to the store
/// (one transaction; a second confirmation returns the first).
pub fn confirm(store: &mut Store, cfg: &TillConfig, sale: &Sale) -> anyhow::Result<Queued> {
    if !has_transfer(sale) {
        return Err(Refusal::invalid(
            "no_bank_transfer",
            format!("Phiếu {} không có khoản chuyển khoản", sale.receipt_ref()),
            format!(
                "receipt {} has no bank-transfer payment",
                sale.receipt_ref()
            ),
        )
        .into());
    }
    let id = record_id(sale.id);
    store.transaction(|tx| {
        if let Some((seq, json)) = store::record_in(tx, OutboxKind::TransferConfirmation, &id)? {
            let confirmation = serde_json::from_str(&json).context("a queued confirmation")?;
            return Ok(Queued {
                confirmation,
                seq,
                new: false,
            });
        }
        let confirmation = Confirmation {
            sale_id: sale.id,
            receipt: sale.receipt_ref().to_string(),
            cashier_id: cfg.cashier_id,
            confirmed_at: Utc::now(),
        };
        let seq = store::enqueue_in(
            tx,
            OutboxKind::TransferConfirmation,
            &id,
            &serde_json::to_string(&confirmation)?,
        )?;
        Ok(Queued {
            confirmation,
            seq,
            new: true,
        })
    })
}

/// The cashier's confirmation of `sale_id` this till holds, if any.
pub fn confirmation_of(store: &Store, sale_id: Uuid) -> anyhow::Result<Option<Confirmation>> {
    store
        .record_json(OutboxKind::TransferConfirmation, &record_id(sale_id))?
        .map(|j| serde_json::from_str(&j).context("a queued confirmation"))
        .transpose()
}

/// The state of `sale_id`'s transfer this till knows of after the sale:
/// confirmed by its cashier when a confirmation is queued or sent (the
/// bank's word is only known by asking the server).
pub fn known_state(store: &Store, sale_id: Uuid) -> anyhow::Result<Option<TransferStatus>> {
    Ok(confirmation_of(store, sale_id)?.map(|_| TransferStatus::ConfirmedByCashier))
}

/// This till's transfers of the shift `shift_id` still pending as far as
/// the till knows (sealed pending, no confirmation by its cashier), in
/// receipt order: what works offline; the server's list
/// ([`pending_on_server`]) also knows the bank's notices and other tills.
pub fn pending_of_shift(store: &Store, shift_id: Uuid) -> anyhow::Result<Vec<PendingTransfer>> {
    let mut out = Vec::new();
    for json in store.receipts_of_shift(OutboxKind::Sale, &shift_id.to_string())? {
        let sale: Sale = serde_json::from_str(&json).context("a stored sale")?;
        if known_state(store, sale.id)?.is_some() {
            continue;
        }
        for p in &sale.payments {
            if let PaymentMethod::BankTransfer {
                status: TransferStatus::Pending,
                ..
            } = p.method
            {
                out.push(PendingTransfer {
                    sale_id: sale.id,
                    receipt: sale.receipt_ref().to_string(),
                    till_id: sale.till_id,
                    sold_at: sale.sold_at,
                    amount: p.amount,
                    total: sale.total,
                });
            }
        }
    }
    Ok(out)
}

/// The outlet's pending transfers as the server knows them (every till,
/// the bank's notices included), [`ASK_TIMEOUT`].
pub fn pending_on_server(cfg: &TillConfig) -> anyhow::Result<Vec<PendingTransfer>> {
    let server = cfg.server(ASK_TIMEOUT)?;
    server.pending_transfers(&cfg.till_auth(), cfg.outlet_id)
}

/// The sale named by `r`: this till's own from the store (offline too),
/// one kept from another till, or the server's (another till of the
/// outlet; the server answers 404 for another outlet's).
pub fn find_sale(store: &Store, cfg: &TillConfig, r: &SaleRef) -> anyhow::Result<Sale> {
    let local = match r {
        SaleRef::Id(id) => store.record_json(OutboxKind::Sale, &id.to_string())?,
        SaleRef::Receipt(rr) if rr.till_id == cfg.till_id => store
            .receipt_json(Some(rr.receipt_no.get()))?
            .filter(|(kind, _)| *kind == OutboxKind::Sale)
            .map(|(_, json)| json),
        SaleRef::Receipt(_) => None,
    };
    if let Some(json) = local {
        return serde_json::from_str(&json).context("a stored sale");
    }
    if let SaleRef::Id(id) = r
        && let Some(sale) = crate::refund::kept_sale(store, *id)?
    {
        return Ok(sale);
    }
    let lookup = match r {
        SaleRef::Id(id) => SaleLookup::Id(*id),
        SaleRef::Receipt(rr) => SaleLookup::Receipt(*rr),
    };
    let server = cfg.server(Duration::from_secs(5))?;
    let sale = server
        .find_sale(&cfg.till_auth(), &lookup)
        .map_err(|e| crate::refund::sale_not_found(&e))?
        .sale;
    Ok(sale)
}

/// Asks the server where the sale's transfer stands (the till's own
/// credential, [`ASK_TIMEOUT`]).
pub fn transfer_state(cfg: &TillConfig, sale_id: Uuid) -> Result<TransferState, SendError> {
    let server = cfg
        .server(ASK_TIMEOUT)
        .map_err(|e| SendError::Transient(e.to_string()))?;
    server.transfer_state(&cfg.till_auth(), sale_id)
}

/// What one look at the server found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// The server's answer.
    State(TransferStatus),
    /// The server could not be asked (network down, server error): the
    /// cashier's own confirmation is what is left.
    Offline(String),
    /// The server answered but does not give the transfer (the sale was
    /// refused, or is not this outlet's).
    Refused(String),
}

impl Seen {
    fn settled(&self) -> bool {
        matches!(self, Seen::State(s) if *s != TransferStatus::Pending)
    }
}

/// One look: send what is queued (the sale must be on the server before
/// it can say anything about it), then ask.
pub fn look(db_path: &std::path::Path, sale_id: Uuid) -> Seen {
    let attempt = || -> anyhow::Result<Seen> {
        let store = Store::open(db_path)?;
        let cfg = TillConfig::require(&store)?;
        let server = cfg.server(ASK_TIMEOUT)?;
        let auth = cfg.till_auth();
        // Records respect their back-off: a look every 2 s must not turn
        // a failing send into a retry every 2 s.
        let sent = sync::send_outbox(&store, &server, &auth, Backoff::default(), true)?;
        Ok(match server.transfer_state(&auth, sale_id) {
            Ok(state) => Seen::State(state.status),
            Err(SendError::Transient(e)) => Seen::Offline(e),
            // Not there because it could not be sent (yet): that is being
            // offline.
            Err(SendError::Refused { .. }) if sent.error.is_some() || sent.waiting > 0 => {
                Seen::Offline(sent.error.unwrap_or_else(|| {
                    format!(
                        "{} bản ghi chờ gửi lại / records waiting to be resent",
                        sent.waiting
                    )
                }))
            }
            Err(e @ SendError::Refused { .. }) => Seen::Refused(e.to_string()),
        })
    };
    attempt().unwrap_or_else(|e| Seen::Offline(format!("{e:#}")))
}

/// A worker thread that looks every `every` until the transfer is
/// confirmed or the watch is dropped; the interface reads what it saw
/// without waiting ([`Watch::latest`]).
pub struct Watch {
    seen: Receiver<Seen>,
    stop: Arc<AtomicBool>,
}

impl Watch {
    pub fn start(db_path: PathBuf, sale_id: Uuid, every: Duration) -> Watch {
        let (tx, seen) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        // Detached: a look in flight ends within its timeout; dropping the
        // watch only asks it to stop, so leaving the screen never waits.
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                let seen = look(&db_path, sale_id);
                let settled = seen.settled();
                if stopped.load(Ordering::Relaxed) || tx.send(seen).is_err() || settled {
                    return;
                }
                let mut slept = Duration::ZERO;
                while slept < every && !stopped.load(Ordering::Relaxed) {
                    let step = every.saturating_sub(slept).min(Duration::from_millis(100));
                    std::thread::sleep(step);
                    slept = slept.saturating_add(step);
                }
            }
        });
        Watch { seen, stop }
    }

    /// The newest look since the last call, if any.
    pub fn latest(&self) -> Option<Seen> {
        self.seen.try_iter().last()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests;
