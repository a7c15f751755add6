//! Refunds on the till: find the sale (by its receipt number, its id or
//! the QR code of its receipt), see what is left to refund, and commit a
//! refund — numbered, sealed into the till's chain and queued in one local
//! transaction, like a sale ([`Store::commit_receipt`]).
//!
//! Guarantees:
//! - every amount is the core's ([`build_refund`], pro rata and cumulative
//!   over the sale's earlier refunds); a refund the core refuses (more than
//!   was sold, no reason…) commits nothing and uses no receipt number;
//! - this till's own sales and refunds are found locally, so refunds work
//!   offline; another till's sale of the outlet comes from the server
//!   together with its refunds, merged with this till's refunds of it that
//!   have not reached the server yet, so a double refund is refused here
//!   too; the till keeps such a sale and the refunds it saw, so it can be
//!   refunded again (and reprinted) offline;
//! - a refund needs an open shift and carries its id.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::Utc;
use ocop_core::i18n::UserError as _;
use ocop_core::money::{Dong, Quantity};
use ocop_core::refusal::Refusal;
use ocop_core::sale::refund::{
    RefundHeader, RefundRequest, Refundable, build_refund, refund_lines, refund_totals, refundable,
};
use ocop_core::sale::{ReceiptNo, ReceiptRef, Refund, RefundPayment, Restock, Sale};
use uuid::Uuid;

use crate::config::TillConfig;
use crate::server_api::SaleLookup;
use crate::store::{Committed, OutboxKind, Store};

/// How the cashier names the sale to refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaleRef {
    Id(Uuid),
    Receipt(ReceiptRef),
}

/// The sale is neither in this till's store nor given by the server
/// (`why`: the server's answer or the network error).
pub fn sale_not_found(why: &anyhow::Error) -> Refusal {
    Refusal::not_found(
        "sale_not_found",
        format!("Không tìm thấy phiếu bán trên máy này hay trên máy chủ ({why:#})"),
        format!("the sale is not on this till and the server did not give it ({why:#})"),
    )
}

fn bad_ref(text: &str) -> anyhow::Error {
    Refusal::invalid(
        "bad_sale_ref",
        format!(
            "Không đọc được số phiếu {text:?} (dùng T3-000012, mã phiếu hoặc quét mã QR trên hóa đơn)"
        ),
        format!(
            "cannot read the receipt {text:?} (use T3-000012, the sale id or scan the receipt's QR \
             code)"
        ),
    )
    .into()
}

/// `T3-000012` / `t3-12` (till 3, receipt 12), a bare sale UUID, or the
/// e-receipt URL of the receipt's QR code (`…/r/{uuid}`).
pub fn parse_sale_ref(text: &str) -> anyhow::Result<SaleRef> {
    let t = text.trim();
    if let Ok(id) = Uuid::parse_str(t) {
        return Ok(SaleRef::Id(id));
    }
    if t.contains("://") || t.contains("/r/") {
        let path = t
            .split(['?', '#'])
            .next()
            .unwrap_or(t)
            .trim_end_matches('/');
        let (before, id) = path.rsplit_once('/').ok_or_else(|| bad_ref(text))?;
        if before.ends_with("/r")
            && let Ok(id) = Uuid::parse_str(id)
        {
            return Ok(SaleRef::Id(id));
        }
        return Err(bad_ref(text));
    }
    let rest = t
        .strip_prefix('T')
        .or_else(|| t.strip_prefix('t'))
        .ok_or_else(|| bad_ref(text))?;
    let (till, no) = rest.split_once('-').ok_or_else(|| bad_ref(text))?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(till) || !digits(no) {
        return Err(bad_ref(text));
    }
    let till_id: i32 = till.parse().map_err(|_| bad_ref(text))?;
    let receipt_no = no
        .parse::<u32>()
        .ok()
        .and_then(ReceiptNo::new)
        .ok_or_else(|| bad_ref(text))?;
    if till_id <= 0 {
        return Err(bad_ref(text));
    }
    Ok(SaleRef::Receipt(ReceiptRef {
        till_id,
        receipt_no,
    }))
}

impl FromStr for SaleRef {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<SaleRef> {
        parse_sale_ref(s)
    }
}

/// A sale found for a refund: its earlier refunds (the server's and this
/// till's) and what is left of each line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub sale: Sale,
    pub earlier: Vec<Refund>,
    pub lines: Vec<Refundable>,
}

/// This till's own sale named by `r`, from the local store.
fn local_sale(store: &Store, cfg: &TillConfig, r: &SaleRef) -> anyhow::Result<Option<Sale>> {
    let json = match r {
        SaleRef::Id(id) => store.record_json(OutboxKind::Sale, &id.to_string())?,
        SaleRef::Receipt(rr) if rr.till_id == cfg.till_id => {
            match store.receipt_json(Some(rr.receipt_no.get()))? {
                Some((kind, _)) if kind != OutboxKind::Sale => {
                    return Err(Refusal::invalid(
                        "not_a_sale",
                        format!("Phiếu {rr} là phiếu trả hàng, không phải phiếu bán"),
                        format!("receipt {rr} is a refund, not a sale"),
                    )
                    .into());
                }
                Some((_, json)) => Some(json),
                None => None,
            }
        }
        SaleRef::Receipt(_) => None,
    };
    json.map(|j| serde_json::from_str(&j).context("a stored sale"))
        .transpose()
}

/// `earlier` plus this till's refunds of `sale_id` it does not hold yet
/// (by refund id).
fn with_local_refunds(
    store: &Store,
    sale_id: Uuid,
    earlier: Vec<Refund>,
) -> anyhow::Result<Vec<Refund>> {
    with_local_refunds_in(store.conn(), sale_id, earlier)
}

/// [`with_local_refunds`] inside a transaction.
fn with_local_refunds_in(
    conn: &rusqlite::Connection,
    sale_id: Uuid,
    mut earlier: Vec<Refund>,
) -> anyhow::Result<Vec<Refund>> {
    let known: BTreeSet<Uuid> = earlier.iter().map(|r| r.id).collect();
    for json in crate::store::refunds_of_sale_in(conn, &sale_id.to_string())? {
        let r: Refund = serde_json::from_str(&json).context("a stored refund")?;
        if !known.contains(&r.id) {
            earlier.push(r);
        }
    }
    Ok(earlier)
}

/// The config key under which another till's sale is kept once refunded
/// here (so the refund can be reprinted with its prices offline).
fn foreign_key(id: Uuid) -> String {
    format!("foreign_sale:{id}")
}

/// The config key naming the kept sale of another till's receipt.
fn foreign_receipt_key(r: ReceiptRef) -> String {
    format!("foreign_receipt:{r}")
}

/// The config key of the refunds of another till's sale last seen on the
/// server.
fn foreign_refunds_key(id: Uuid) -> String {
    format!("foreign_refunds:{id}")
}

/// Keeps another till's sale (and the refunds the server had of it), so
/// it can be reprinted and refunded again with no network, still counting
/// what was refunded before.
fn keep_foreign(store: &Store, sale: &Sale, refunds: Option<&[Refund]>) -> anyhow::Result<()> {
    store.set(&foreign_key(sale.id), sale)?;
    store.set(&foreign_receipt_key(sale.receipt_ref()), &sale.id)?;
    if let Some(r) = refunds {
        store.set(&foreign_refunds_key(sale.id), &r)?;
    }
    Ok(())
}

/// Another till's sale named by `r`, if this till kept it.
fn kept_foreign(store: &Store, r: &SaleRef) -> anyhow::Result<Option<Sale>> {
    let id = match r {
        SaleRef::Id(id) => Some(*id),
        SaleRef::Receipt(rr) => store.get::<Uuid>(&foreign_receipt_key(*rr))?,
    };
    Ok(match id {
        Some(id) => store.get(&foreign_key(id))?,
        None => None,
    })
}

/// A sale another till made, as kept by [`commit_refund`].
pub fn kept_sale(store: &Store, id: Uuid) -> anyhow::Result<Option<Sale>> {
    if let Some(json) = store.record_json(OutboxKind::Sale, &id.to_string())? {
        return Ok(Some(serde_json::from_str(&json)?));
    }
    store.get(&foreign_key(id))
}

/// Finds the sale and what is left to refund: this till's own from the
/// local store (offline), another till's of the same outlet from the server.
pub fn find(store: &Store, cfg: &TillConfig, r: &SaleRef) -> anyhow::Result<Found> {
    let auth = cfg.till_auth();
    let (sale, server_refunds) = if let Some(sale) = local_sale(store, cfg, r)? {
        // Another till may have refunded part of it: ask, briefly, and go
        // on without when offline (the server refuses a double refund).
        let server = cfg.server(Duration::from_secs(2))?;
        let theirs = server.sale_refunds(&auth, sale.id).unwrap_or_default();
        (sale, theirs)
    } else {
        let server = cfg.server(Duration::from_secs(5))?;
        let lookup = match r {
            SaleRef::Id(id) => SaleLookup::Id(*id),
            SaleRef::Receipt(rr) => SaleLookup::Receipt(*rr),
        };
        let sale = match server.find_sale(&auth, &lookup) {
            Ok(stored) => stored.sale,
            // Offline: a sale of another till refunded here before is kept.
            Err(e) => match kept_foreign(store, r)? {
                Some(sale) => {
                    let seen: Vec<Refund> = store
                        .get(&foreign_refunds_key(sale.id))?
                        .unwrap_or_default();
                    let earlier = with_local_refunds(store, sale.id, seen)?;
                    return found(sale, earlier);
                }
                None => return Err(sale_not_found(&e).into()),
            },
        };
        if sale.outlet_id != cfg.outlet_id {
            return Err(Refusal::forbidden(
                "sale_of_another_outlet",
                format!("Phiếu {} là của điểm bán khác", sale.receipt_ref()),
                format!("receipt {} belongs to another outlet", sale.receipt_ref()),
            )
            .into());
        }
        let theirs = server.sale_refunds(&auth, sale.id)?;
        keep_foreign(store, &sale, Some(&theirs))?;
        (sale, theirs)
    };
    if let SaleRef::Receipt(rr) = r
        && sale.receipt_ref() != *rr
    {
        bail!(
            "the server answered receipt {} for {rr}",
            sale.receipt_ref()
        );
    }
    // The server's refunds, and this till's that it does not have yet.
    let earlier = with_local_refunds(store, sale.id, server_refunds)?;
    found(sale, earlier)
}

fn found(sale: Sale, earlier: Vec<Refund>) -> anyhow::Result<Found> {
    let lines = refundable(&sale, &earlier).map_err(|e| e.refusal())?;
    Ok(Found {
        sale,
        earlier,
        lines,
    })
}

/// How the money goes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundTender {
    Cash,
    /// A card refund on the terminal, with its reference.
    Card(String),
    /// A transfer to the customer's account, with its reference if known.
    Transfer(Option<String>),
}

impl FromStr for RefundTender {
    type Err = anyhow::Error;

    /// `cash`, `card:REF`, `transfer`, `transfer:REF`.
    fn from_str(s: &str) -> anyhow::Result<RefundTender> {
        let (kind, arg) = match s.split_once(':') {
            Some((k, a)) => (k, Some(a.trim())),
            None => (s, None),
        };
        Ok(match (kind.trim().to_ascii_lowercase().as_str(), arg) {
            ("cash", None) => RefundTender::Cash,
            ("card", Some(r)) if !r.is_empty() => RefundTender::Card(r.to_owned()),
            ("transfer", None) => RefundTender::Transfer(None),
            ("transfer", Some(r)) if !r.is_empty() => RefundTender::Transfer(Some(r.to_owned())),
            _ => {
                return Err(Refusal::invalid(
                    "bad_refund_payment",
                    format!(
                        "Cách hoàn tiền không hợp lệ {s:?} (dùng cash, card:MÃ, transfer[:MÃ])"
                    ),
                    format!("bad refund payment {s:?} (use cash, card:REF, transfer[:REF])"),
                )
                .into());
            }
        })
    }
}

impl RefundTender {
    fn payment(&self, amount: Dong) -> RefundPayment {
        match self {
            RefundTender::Cash => RefundPayment::cash(amount),
            RefundTender::Card(r) => RefundPayment::card(amount, r.clone()),
            RefundTender::Transfer(r) => RefundPayment::bank_transfer(amount, r.clone()),
        }
    }
}

/// `LINE[:QTY]` for each argument; without a quantity, all that is left of
/// the line.
pub fn requests_for(
    found: &Found,
    args: &[String],
    restock: Restock,
) -> anyhow::Result<Vec<RefundRequest>> {
    args.iter()
        .map(|arg| {
            let (line, qty) = match arg.split_once(':') {
                Some((l, q)) => (l, Some(q)),
                None => (arg.as_str(), None),
            };
            let line_no: u32 = line.trim().parse().with_context(|| {
                format!("số dòng không hợp lệ / bad line number {line:?} (LINE[:QTY])")
            })?;
            let qty =
                match qty {
                    Some(q) => Quantity::parse(q.trim()).map_err(|e| anyhow::anyhow!("{e}"))?,
                    None => found
                        .lines
                        .iter()
                        .find(|l| l.line_no == line_no)
                        .with_context(|| {
                            format!(
                                "Phiếu bán không có dòng {line_no} / the sale has no line {line_no}"
                            )
                        })?
                        .remaining_qty,
                };
            Ok(RefundRequest {
                original_line_no: line_no,
                qty,
                restock,
            })
        })
        .collect()
}

/// Refuses a fraction of a line whose product is sold in whole units, as
/// the sale does ([`crate::checkout::scan_item`]): the held catalogue
/// says which; a product it no longer holds goes by the sale (a whole
/// quantity sold is refunded whole).
fn whole_units_only(store: &Store, sale: &Sale, requests: &[RefundRequest]) -> anyhow::Result<()> {
    for r in requests.iter().filter(|r| !r.qty.is_whole()) {
        // A line the sale does not have is the core's refusal.
        let Some(line) = sale.lines.iter().find(|l| l.line_no == r.original_line_no) else {
            continue;
        };
        let fractional = crate::catalogue::sold_by_fraction(store, line.product_id)?
            .unwrap_or(!line.qty.is_whole());
        if !fractional {
            let (n, name, qty, unit) = (line.line_no, &line.name, r.qty, &line.unit);
            return Err(Refusal::invalid(
                "refund_whole_units_only",
                format!("Dòng {n}: {name} chỉ trả theo số nguyên, không trả {qty} {unit}"),
                format!("line {n}: {name} is refunded in whole units, not {qty} {unit}"),
            )
            .into());
        }
    }
    Ok(())
}

#[cfg(test)]
thread_local! {
    // Tests only: runs between reading the sale's refunds and the
    // refund's transaction, where another window may refund it too.
    static BEFORE_COMMIT: std::cell::RefCell<Option<Box<dyn FnOnce()>>> =
        const { std::cell::RefCell::new(None) };
}

/// Commits a refund of `found.sale`: the core builds it (amounts, VAT,
/// hash) against the sale's earlier refunds, in the same transaction that
/// numbers and queues it. Needs an open shift.
pub fn commit_refund(
    store: &mut Store,
    cfg: &TillConfig,
    found: &Found,
    requests: &[RefundRequest],
    payment: RefundTender,
    reason: &str,
) -> anyhow::Result<Committed<Refund>> {
    let shift_id = crate::shift::require(store)?.id;
    // This till's refunds of the sale made since `found` was read (another
    // window) count too.
    let earlier = with_local_refunds(store, found.sale.id, found.earlier.clone())?;
    // Refused before a number is taken (the core checks again inside).
    whole_units_only(store, &found.sale, requests)?;
    refund_lines(&found.sale, &earlier, requests).map_err(|e| e.refusal())?;
    #[cfg(test)]
    if let Some(between) = BEFORE_COMMIT.with(|h| h.borrow_mut().take()) {
        between();
    }
    // Read again inside the transaction: another window's refund of the
    // same goods committed in between is counted, so the core refuses
    // paying them back twice.
    let fresh = std::cell::RefCell::new(earlier);
    let committed = store.commit_receipt_if(
        OutboxKind::Refund,
        |tx| {
            crate::shift::still_open(tx, shift_id)?;
            let seen = fresh.take();
            fresh.replace(with_local_refunds_in(tx, found.sale.id, seen)?);
            Ok(())
        },
        |receipt_no, prev_hash| {
            let earlier = fresh.take();
            let lines = refund_lines(&found.sale, &earlier, requests).map_err(|e| e.refusal())?;
            let (total, _) = refund_totals(&lines).map_err(|e| e.refusal())?;
            let payments = if total.is_positive() {
                vec![payment.payment(total)]
            } else {
                Vec::new()
            };
            let header = RefundHeader {
                id: Uuid::new_v4(),
                till_id: cfg.till_id,
                receipt_no,
                refunded_at: Utc::now(),
                cashier_id: cfg.cashier_id,
                outlet_id: cfg.outlet_id,
                shift_id,
                reason: reason.trim().to_owned(),
            };
            build_refund(header, &found.sale, &earlier, requests, payments, prev_hash)
                .map_err(|e| anyhow::Error::from(e.refusal()))
        },
        |r: &Refund| (r.id.to_string(), r.hash),
    )?;
    if found.sale.till_id != cfg.till_id {
        keep_foreign(store, &found.sale, None)?;
    }
    Ok(committed)
}

#[cfg(test)]
mod tests;
