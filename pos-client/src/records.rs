//! The records the till queues for the server other than its receipts, as
//! stored in the outbox and as sent: a shift event ([`Event`]) and a
//! cashier's transfer confirmation ([`Confirmation`]), and [`route`], where
//! the sender posts a record of each [`OutboxKind`] and with what body.
//!
//! They sit at the bottom, beside the store, so the sender routes the
//! outbox without knowing the workflows that fill it (shifts, transfers).
//!
//! Guarantees: the JSON of each type is the one stored by earlier tills
//! (existing queues are sent unchanged); a row this till cannot read is
//! an `Err` for the sender to mark rejected, never a panic.

use chrono::{DateTime, Utc};
use ocop_core::money::Dong;
use ocop_core::sale::shift::{ShiftClosing, ShiftOpening, ShiftSummary};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::store::{OutboxItem, OutboxKind};

/// A shift event as queued in the outbox: the operation, the shift, and
/// the body the server's endpoint takes. A close also keeps the till's own
/// Z figures (`z`), for reprinting; only `body` is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub op: Op,
    pub shift_id: Uuid,
    pub body: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub z: Option<ClosedShift>,
}

/// What a shift event does; each has its own endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `POST /api/v1/shifts` with a `ShiftOpening`.
    Open,
    /// `POST /api/v1/shifts/{id}/cash-movements` with a `CashMovement`.
    CashMovement,
    /// `POST /api/v1/shifts/{id}/close` with the `CountedTotals`.
    Close,
}

impl Event {
    /// The server path this event is posted to.
    pub fn path(&self) -> String {
        match self.op {
            Op::Open => "/api/v1/shifts".to_owned(),
            Op::CashMovement => format!("/api/v1/shifts/{}/cash-movements", self.shift_id),
            Op::Close => format!("/api/v1/shifts/{}/close", self.shift_id),
        }
    }
}

/// A closed shift: the Z report's figures, as the till computed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedShift {
    pub opening: ShiftOpening,
    pub summary: ShiftSummary,
    pub closing: ShiftClosing,
    /// Records (sales, refunds, shift events) still waiting to be sent
    /// when the shift was closed: the server's figures lack them until
    /// they arrive. Zero when the queue was drained.
    pub unsent: i64,
    /// Consecutive per till: 1 for its first closed shift.
    pub z_no: u64,
    /// Σ sales − Σ refunds of the till since it was registered.
    pub grand_total: Dong,
}

/// The cashier's confirmation of a sale's transfer, as queued and sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub sale_id: Uuid,
    /// The sale's receipt (`T3-000012`), for people reading the queue.
    pub receipt: String,
    /// The cashier who confirmed (the till's user).
    pub cashier_id: i32,
    pub confirmed_at: DateTime<Utc>,
}

impl Confirmation {
    /// Where the sync sends it.
    pub fn path(&self) -> String {
        format!("/api/v1/sales/{}/transfer-confirmations", self.sale_id)
    }

    /// The body sent: who confirmed.
    pub fn body(&self) -> String {
        serde_json::json!({ "cashier_id": self.cashier_id }).to_string()
    }
}

/// Where a record other than a sale goes, and the body sent: a refund as
/// stored; a shift event to its operation's endpoint with its body; a
/// cashier's transfer confirmation to its sale's `transfer-confirmations`
/// (the outbox order has already sent the sale). Sales go in batches
/// (`Server::post_sales`), not through here. `Err` for a row this till
/// cannot make sense of (kept, marked rejected).
pub fn route(item: &OutboxItem) -> Result<(String, String), String> {
    match item.kind {
        OutboxKind::Refund => Ok(("/api/v1/refunds".to_owned(), item.json.clone())),
        OutboxKind::ShiftEvent => {
            let event: Event = serde_json::from_str(&item.json)
                .map_err(|e| format!("unreadable shift event: {e}"))?;
            let body = serde_json::to_string(&event.body).map_err(|e| e.to_string())?;
            Ok((event.path(), body))
        }
        OutboxKind::TransferConfirmation => {
            let c: Confirmation = serde_json::from_str(&item.json)
                .map_err(|e| format!("unreadable transfer confirmation: {e}"))?;
            Ok((c.path(), c.body()))
        }
        OutboxKind::Sale => Err("a sale is sent in a batch, not alone".to_owned()),
    }
}
