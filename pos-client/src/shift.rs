//! Shifts on the till, offline first: open with a float, cash in and out,
//! the X figures at any time, and closing with the count (the Z report).
//!
//! Guarantees:
//! - a shift is opened, a movement recorded and a shift closed each in ONE
//!   local transaction that also queues the event in the outbox (kind
//!   `shift_event`, a JSON [`Event`] naming the operation), so the server
//!   receives them in order with the shift's sales ([`crate::sync`]);
//! - the figures are the core's ([`summarise`], [`close`]) over the till's
//!   own records of the shift, so the X and Z work with no network and
//!   agree with the server, which runs the same functions over the same
//!   records;
//! - closing first tries to send the queue; with records still unsent it
//!   refuses (`queue_not_empty`) unless told to close anyway, and then the
//!   Z report says how many were unsent (the lesson of odoo/odoo#203431:
//!   closing must not silently leave orders behind).

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use ocop_core::i18n::UserError as _;
use ocop_core::money::Dong;
use ocop_core::refusal::Refusal;
use ocop_core::sale::shift::{
    CashCount, CashDirection, CashMovement, CountedTotals, Denomination, LaterTransferState,
    ShiftInput, ShiftOpening, ShiftSummary, close as core_close, summarise,
};
use ocop_core::sale::{PaymentKind, ReceiptRef, Refund, Sale};
use ocop_hardware::layout::report::{ShiftReportKind, ShiftReportView, shift_report};
use ocop_hardware::layout::{PaymentLine, PaymentMethod as PrintedMethod};
use ocop_hardware::printer;
use serde::Serialize;
use uuid::Uuid;

use crate::catalogue::TillOutlet;
use crate::config::TillConfig;
use crate::printing::PrinterArgs;
use crate::store::{OutboxKind, Store, enqueue_event_in, get_in, last_seq_in, remove_in, set_in};
use crate::sync::{self, Backoff};

/// The open shift (config key).
const OPEN_KEY: &str = "open_shift";

pub use crate::records::{ClosedShift, Event, Op};

/// An X report (open shift) or a Z report (closed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShiftReport {
    X {
        opening: ShiftOpening,
        summary: ShiftSummary,
        grand_total: Dong,
    },
    Z(ClosedShift),
}

/// The refusal when nothing can be sold or refunded: no shift is open.
pub fn no_open_shift() -> anyhow::Error {
    Refusal::conflict(
        "no_open_shift",
        "Chưa mở ca: chạy `ocop-till shift open --float SỐ_TIỀN`",
        "no shift open: run `ocop-till shift open --float AMOUNT`",
    )
    .into()
}

/// The open shift, if any.
pub fn current(store: &Store) -> anyhow::Result<Option<ShiftOpening>> {
    store.get(OPEN_KEY)
}

/// The open shift, or [`no_open_shift`].
pub fn require(store: &Store) -> anyhow::Result<ShiftOpening> {
    current(store)?.ok_or_else(no_open_shift)
}

/// Inside a transaction: refuses unless shift `id` is (still) the open one.
pub fn still_open(tx: &rusqlite::Connection, id: Uuid) -> anyhow::Result<()> {
    match get_in::<ShiftOpening>(tx, OPEN_KEY)? {
        Some(open) if open.id == id => Ok(()),
        _ => Err(no_open_shift()),
    }
}

fn event_json(op: Op, shift_id: Uuid, body: &impl Serialize) -> anyhow::Result<String> {
    Ok(serde_json::to_string(&Event {
        op,
        shift_id,
        body: serde_json::to_value(body)?,
        z: None,
    })?)
}

/// Opens a shift with `float` in the drawer: stored as the open shift and
/// queued, together. Refused while a shift is open.
pub fn open(store: &mut Store, cfg: &TillConfig, float: Dong) -> anyhow::Result<ShiftOpening> {
    let opening = ShiftOpening {
        id: Uuid::new_v4(),
        till_id: cfg.till_id,
        outlet_id: cfg.outlet_id,
        cashier_id: cfg.cashier_id,
        opened_at: ocop_core::sale::totals::truncate_to_millis(Utc::now()),
        opening_float: float,
    };
    opening.validate().map_err(|e| e.refusal())?;
    let json = event_json(Op::Open, opening.id, &opening)?;
    store.transaction(|tx| {
        if let Some(open) = get_in::<ShiftOpening>(tx, OPEN_KEY)? {
            return Err(Refusal::conflict(
                "shift_already_open",
                format!(
                    "Ca đang mở từ {} — đóng ca trước khi mở ca mới",
                    ocop_core::time::format_vn(open.opened_at)
                ),
                format!(
                    "a shift is already open (since {}): close it first",
                    open.opened_at.to_rfc3339()
                ),
            )
            .into());
        }
        set_in(tx, OPEN_KEY, &opening)?;
        enqueue_event_in(tx, &opening.id.to_string(), &json)?;
        Ok(())
    })?;
    Ok(opening)
}

/// Cash put into (`In`) or taken out of (`Out`) the drawer of the open
/// shift, with a reason; queued.
pub fn cash_movement(
    store: &mut Store,
    direction: CashDirection,
    amount: Dong,
    reason: &str,
) -> anyhow::Result<CashMovement> {
    let shift = require(store)?;
    let m = CashMovement {
        id: Uuid::new_v4(),
        shift_id: shift.id,
        at: ocop_core::sale::totals::truncate_to_millis(Utc::now()),
        direction,
        amount,
        reason: reason.trim().to_owned(),
    };
    m.validate().map_err(|e| e.refusal())?;
    let json = event_json(Op::CashMovement, shift.id, &m)?;
    store.transaction(|tx| {
        // The shift may have been closed by another window meanwhile.
        still_open(tx, shift.id)?;
        enqueue_event_in(tx, &m.id.to_string(), &json)
    })?;
    Ok(m)
}

fn parse_all<T: serde::de::DeserializeOwned>(jsons: Vec<String>) -> anyhow::Result<Vec<T>> {
    jsons
        .iter()
        .map(|j| serde_json::from_str(j).context("a stored record of the shift"))
        .collect()
}

/// The shift's cash movements, as stored in its events.
fn movements(store: &Store, shift_id: Uuid) -> anyhow::Result<Vec<CashMovement>> {
    let events: Vec<Event> = parse_all(store.events_of_shift(&shift_id.to_string())?)?;
    events
        .into_iter()
        .filter(|e| e.op == Op::CashMovement)
        .map(|e| serde_json::from_value(e.body).context("a stored cash movement"))
        .collect()
}

/// The X figures of `shift` from the till's own records.
fn summary_of(store: &Store, shift: &ShiftOpening) -> anyhow::Result<ShiftSummary> {
    let id = shift.id.to_string();
    let sales: Vec<Sale> = parse_all(store.receipts_of_shift(OutboxKind::Sale, &id)?)?;
    let refunds: Vec<Refund> = parse_all(store.receipts_of_shift(OutboxKind::Refund, &id)?)?;
    let moves = movements(store, shift.id)?;
    // The cashier's confirmations this till holds: a transfer confirmed
    // after its sale counts as received, one never confirmed stays pending.
    let mut confirmations = Vec::new();
    for sale in &sales {
        if let Some(status) = crate::transfer::known_state(store, sale.id)? {
            confirmations.push(LaterTransferState {
                sale_id: sale.id,
                status,
            });
        }
    }
    summarise(ShiftInput {
        shift,
        movements: &moves,
        sales: &sales,
        refunds: &refunds,
        confirmations: &confirmations,
    })
    .map_err(|e| anyhow::Error::from(e.refusal()))
}

/// The X figures of the open shift, computed locally (works offline).
pub fn summary(store: &Store) -> anyhow::Result<ShiftSummary> {
    summary_of(store, &require(store)?)
}

/// The X report of the open shift.
pub fn x_report(store: &Store) -> anyhow::Result<ShiftReport> {
    let opening = require(store)?;
    Ok(ShiftReport::X {
        summary: summary_of(store, &opening)?,
        grand_total: grand_total(store)?,
        opening,
    })
}

/// Σ sales − Σ refunds of this till since it was registered.
pub fn grand_total(store: &Store) -> anyhow::Result<Dong> {
    let sum = |kind: OutboxKind| -> anyhow::Result<Dong> {
        Dong::checked_sum(store.receipt_totals(kind)?.into_iter().map(Dong::new))
            .context("grand total overflow")
    };
    sum(OutboxKind::Sale)?
        .checked_sub(sum(OutboxKind::Refund)?)
        .context("grand total overflow")
}

/// The Z reports of this till, oldest first.
fn closed_shifts(store: &Store) -> anyhow::Result<Vec<ClosedShift>> {
    let events: Vec<Event> = parse_all(store.events_by_op("close")?)?;
    Ok(events.into_iter().filter_map(|e| e.z).collect())
}

/// The last Z report of this till (for a reprint).
pub fn last_z(store: &Store) -> anyhow::Result<Option<ClosedShift>> {
    Ok(closed_shifts(store)?.pop())
}

fn queue_not_empty(waiting: i64, error: Option<&str>) -> anyhow::Error {
    let why = error.map(|e| format!(" ({e})")).unwrap_or_default();
    Refusal::conflict(
        "queue_not_empty",
        format!(
            "Còn {waiting} bản ghi chưa gửi lên máy chủ{why}; kiểm tra mạng rồi đóng ca lại, hoặc \
             đóng ca vẫn còn bản ghi chưa gửi với --allow-unsent (báo cáo Z sẽ ghi rõ)"
        ),
        format!(
            "{waiting} records are still queued for the server; check the network and close \
             again, or close anyway with --allow-unsent (the Z report will say so){why}"
        ),
    )
    .into()
}

#[cfg(test)]
thread_local! {
    // Tests only: runs between the Z's figures and the closing
    // transaction, where another window may still sell.
    static BEFORE_CLOSING: std::cell::RefCell<Option<Box<dyn FnOnce()>>> =
        const { std::cell::RefCell::new(None) };
}

/// How many times closing reads the figures again when another window
/// appended a record meanwhile.
const CLOSE_TRIES: usize = 5;

/// How long closing waits for the server on each try.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Closes the open shift with what was counted. First sends the queue; if
/// records remain unsent, refuses unless `allow_unsent`. Then computes the
/// Z locally, queues the close, clears the open shift (one transaction)
/// and tries once to send.
pub fn close(
    store: &mut Store,
    cfg: &TillConfig,
    counted: CountedTotals,
    allow_unsent: bool,
) -> anyhow::Result<ClosedShift> {
    let opening = require(store)?;
    let server = cfg.server(CLOSE_TIMEOUT)?;
    let auth = cfg.till_auth();
    let sent = sync::send_outbox(store, &server, &auth, Backoff::default(), false)?;
    // Another window (or `ocop-till sell`) may still sell or move cash
    // until the closing transaction: the figures are read outside it, so
    // they count only if nothing was appended since; else read again.
    for _ in 0..CLOSE_TRIES {
        let seen = store.last_seq()?;
        let waiting = store.queue_counts()?.0;
        if waiting > 0 && !allow_unsent {
            return Err(queue_not_empty(waiting, sent.error.as_deref()));
        }
        let summary = summary_of(store, &opening)?;
        let closing = core_close(&summary, counted.clone()).map_err(|e| e.refusal())?;
        let mut z = ClosedShift {
            opening: opening.clone(),
            summary,
            closing,
            unsent: waiting,
            z_no: 0,
            grand_total: grand_total(store)?,
        };
        #[cfg(test)]
        if let Some(between) = BEFORE_CLOSING.with(|h| h.borrow_mut().take()) {
            between();
        }
        let closed = store.transaction(|tx| {
            still_open(tx, opening.id)?;
            if last_seq_in(tx)? != seen {
                return Ok(None);
            }
            let before: i64 = tx.query_row(
                "SELECT COUNT(*) FROM outbox
                 WHERE kind = 'shift_event' AND json_extract(json, '$.op') = 'close'",
                [],
                |r| r.get(0),
            )?;
            z.z_no = u64::try_from(before).unwrap_or(0).saturating_add(1);
            let event = Event {
                op: Op::Close,
                shift_id: opening.id,
                body: serde_json::to_value(&counted)?,
                z: Some(z.clone()),
            };
            enqueue_event_in(
                tx,
                &format!("close:{}", opening.id),
                &serde_json::to_string(&event)?,
            )?;
            remove_in(tx, OPEN_KEY)?;
            Ok(Some(z))
        })?;
        if let Some(z) = closed {
            // The close itself: sent now if the server answers, else it
            // waits in the queue like everything else.
            sync::send_outbox(store, &server, &auth, Backoff::default(), false)?;
            return Ok(z);
        }
    }
    Err(Refusal::conflict(
        "shift_busy",
        "Ca vẫn đang nhận giao dịch mới trong lúc đóng; hãy đóng ca lại",
        "the shift kept receiving new records while closing; close it again",
    )
    .into())
}

/// `NOTE:COUNT` items (`500000:2`) into a cash count; the same note twice
/// adds up. Notes are Vietnamese banknotes only.
pub fn parse_cash_count(items: &[String]) -> anyhow::Result<CashCount> {
    let mut count = CashCount::new();
    for item in items {
        let (note, n) = item.split_once(':').with_context(|| {
            format!("đếm tiền phải là MỆNH_GIÁ:SỐ_TỜ / a count is NOTE:COUNT, got {item:?}")
        })?;
        let value: Dong = note
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("mệnh giá không hợp lệ / bad note {note:?}"))?;
        let note = Denomination::from_value(value).with_context(|| {
            format!("{value} không phải tờ tiền Việt Nam / is not a Vietnamese banknote")
        })?;
        let n: u32 = n
            .trim()
            .parse()
            .with_context(|| format!("số tờ không hợp lệ / bad count {n:?}"))?;
        let total = count.count(note).checked_add(n).context("count overflow")?;
        count.set(note, total);
    }
    Ok(count)
}

/// What the printed X or Z report shows; figures copied, never recomputed.
pub fn report_view(
    cfg: &TillConfig,
    outlet: Option<&TillOutlet>,
    report: &ShiftReport,
) -> ShiftReportView {
    let (kind, opening, summary, closing, z_no, grand_total, unsent) = match report {
        ShiftReport::X {
            opening,
            summary,
            grand_total,
        } => (
            ShiftReportKind::X,
            opening,
            summary,
            None,
            None,
            *grand_total,
            0,
        ),
        ShiftReport::Z(z) => (
            ShiftReportKind::Z,
            &z.opening,
            &z.summary,
            Some(&z.closing),
            Some(z.z_no),
            z.grand_total,
            z.unsent,
        ),
    };
    let receipt = |no| {
        ReceiptRef {
            till_id: summary.till_id,
            receipt_no: no,
        }
        .to_string()
    };
    let cash = closing.and_then(|c| c.variance(PaymentKind::Cash));
    ShiftReportView {
        header: crate::receipt::header(outlet),
        kind,
        till: format!("T{} {}", cfg.till_id, cfg.till_name),
        z_no,
        cashier: cfg.cashier_name.clone(),
        opened_at: opening.opened_at,
        printed_at: Utc::now(),
        first_receipt: summary.first_receipt.map(receipt),
        last_receipt: summary.last_receipt.map(receipt),
        sales_count: u64::from(summary.sales_count),
        refunds_count: u64::from(summary.refunds_count),
        gross_sales: summary.gross_sales,
        refunds: summary.refunds,
        net_sales: summary.net_sales,
        vat: summary.net_vat_buckets(),
        payments: summary
            .by_method
            .iter()
            .filter(|m| m.sales != Dong::ZERO || m.refunds != Dong::ZERO)
            .map(|m| {
                PaymentLine::new(
                    match m.method {
                        PaymentKind::Cash => PrintedMethod::Cash,
                        PaymentKind::BankTransfer => PrintedMethod::BankTransfer,
                        PaymentKind::Card => PrintedMethod::Card,
                    },
                    m.net,
                )
            })
            .collect(),
        transfers: summary.transfers,
        opening_float: summary.cash.opening_float,
        cash_in: summary.cash.cash_in,
        cash_out: summary.cash.cash_out,
        expected_cash: summary.cash.expected,
        counted_cash: cash.map(|v| v.counted),
        difference: cash.map(|v| v.variance),
        grand_total,
        journal_hash_short: summary
            .last_hash
            .map_or_else(|| "-".to_owned(), |h| h.short()),
        unsent_records: u64::try_from(unsent).unwrap_or(0),
    }
}

/// Prints an X or Z report.
pub fn print_report(
    printer_args: &PrinterArgs,
    cfg: &TillConfig,
    outlet: Option<&TillOutlet>,
    report: &ShiftReport,
) -> anyhow::Result<()> {
    let config = printer_args.config()?;
    let doc = shift_report(&report_view(cfg, outlet, report));
    printer::print(&config, &doc)
        .with_context(|| format!("in báo cáo / printing to {}", config.uri))
}

#[cfg(test)]
mod tests;
