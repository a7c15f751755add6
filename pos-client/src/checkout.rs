//! Checkout: the one code path from a cart to a committed sale, shared by
//! `ocop-till sell` and the terminal interface.
//!
//! Guarantees: every amount comes from `ocop_core::sale::SaleBuilder` (the
//! till never computes money itself); the sale is numbered, sealed into the
//! till's hash chain and queued in one local transaction
//! ([`Store::commit_receipt`]) before the caller prints or sends anything;
//! a cart or payment the core refuses commits nothing and uses no number.
//! A sale needs an open shift ([`crate::shift`]; `no_open_shift`
//! otherwise) and carries its id; a discount above the limit needs the
//! manager's approval ([`crate::approval`]).

use anyhow::{Context, bail};
use chrono::Utc;
use ocop_core::money::{Dong, Quantity};
use ocop_core::sale::{CartLine, Payment, Sale, SaleBuilder, SaleHeader, TransferStatus};
use uuid::Uuid;

use crate::catalogue::{Catalogue, Product};
use crate::config::TillConfig;
use crate::store::{Committed, Store};
use crate::user_error;

/// A line of the cart: what was scanned and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartItem {
    pub product_id: i32,
    pub lot: Option<String>,
    pub qty: Quantity,
    pub discount: Dong,
    pub discount_reason: Option<String>,
    /// The manager who approved the discount with a PIN
    /// ([`crate::approval::approve`]); the reason only records it.
    pub approved_by: Option<crate::approval::Approver>,
}

/// How the customer pays, before the amounts are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tender {
    /// Cash handed over; `None` for the exact amount.
    Cash(Option<Dong>),
    /// VietQR transfer for what remains (pending until confirmed).
    Qr,
    /// Card for what remains, with the terminal's reference.
    Card(String),
}

impl std::str::FromStr for Tender {
    type Err = anyhow::Error;

    /// `cash`, `cash:500000`, `qr`, `card:REF`.
    fn from_str(s: &str) -> anyhow::Result<Tender> {
        let (kind, arg) = match s.split_once(':') {
            Some((k, a)) => (k, Some(a)),
            None => (s, None),
        };
        Ok(match (kind.trim().to_ascii_lowercase().as_str(), arg) {
            ("cash", None) => Tender::Cash(None),
            ("cash", Some(a)) => Tender::Cash(Some(
                a.parse::<Dong>().map_err(|e| user_error(&e)).with_context(|| {
                    format!(
                        "bad_cash_amount: số tiền mặt không hợp lệ {a:?} / bad cash amount {a:?}"
                    )
                })?,
            )),
            ("qr", None) => Tender::Qr,
            ("card", Some(r)) if !r.trim().is_empty() => Tender::Card(r.trim().to_owned()),
            _ => bail!(
                "bad_payment: cách thanh toán không hợp lệ {s:?} (dùng cash[:SỐ TIỀN], qr, card:MÃ) \
                 / bad payment {s:?} (use cash[:AMOUNT], qr, card:REF)"
            ),
        })
    }
}

/// `BARCODE[:QTY]` → (scan text, quantity). A Digital Link URI keeps its
/// colons: only a trailing `:number` is a quantity.
pub fn parse_item(arg: &str) -> anyhow::Result<(String, Quantity)> {
    if let Some((code, qty)) = arg.rsplit_once(':')
        && !qty.is_empty()
        && qty
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        let q = Quantity::parse(qty).map_err(|e| user_error(&e))?;
        return Ok((code.to_owned(), q));
    }
    Ok((
        arg.to_owned(),
        Quantity::from_units(1).context("quantity 1")?,
    ))
}

/// Scans `code` into a cart line of `qty`.
pub fn scan_item(cat: &Catalogue, code: &str, qty: Quantity) -> anyhow::Result<CartItem> {
    let found = cat
        .scan(code)
        .with_context(|| {
            format!("unreadable_scan: mã quét không hợp lệ {code:?} / unreadable scan {code:?}")
        })?
        .with_context(|| {
            format!(
                "product_not_found: không có sản phẩm mã {code:?} trong danh mục / no product \
                 {code:?} in the catalogue"
            )
        })?;
    if !qty.is_whole() && !found.product.fractional {
        bail!(
            "whole_units_only: {} chỉ bán theo số nguyên / {} is sold in whole units",
            found.product.name,
            found.product.name
        );
    }
    Ok(CartItem {
        product_id: found.product.id,
        lot: found.lot,
        qty,
        discount: Dong::ZERO,
        discount_reason: None,
        approved_by: None,
    })
}

/// Turns tenders into payments for `total`, in order: each takes what
/// remains; cash tendered above what remains gives change.
pub fn payments(total: Dong, tenders: &[Tender]) -> anyhow::Result<Vec<Payment>> {
    let mut remaining = total;
    let mut out = Vec::with_capacity(tenders.len());
    for t in tenders {
        if !remaining.is_positive() {
            bail!("payment_exceeds_total: thanh toán thừa / more payments than the total needs");
        }
        out.push(match t {
            Tender::Cash(tendered) => {
                let given = tendered.unwrap_or(remaining);
                let amount = given.min(remaining);
                Payment::cash(amount, given).map_err(|e| user_error(&e))?
            }
            Tender::Qr => Payment::bank_transfer(remaining, TransferStatus::Pending, None),
            Tender::Card(r) => Payment::card(remaining, r.clone()),
        });
        let last = out.last().map_or(Dong::ZERO, |p| p.amount);
        remaining = remaining.checked_sub(last).context("overflow")?;
    }
    if remaining.is_positive() {
        bail!(
            "payment_short: khách còn thiếu {remaining} / {} still to pay",
            remaining.to_ascii_string()
        );
    }
    Ok(out)
}

/// The catalogue's product of a cart line, or `product_not_in_catalogue`
/// naming the line (`line`, 0-based, when known): a catalogue delta may
/// have removed it while it sat in the cart or in a parked cart.
pub fn product_of<'c>(
    cat: &'c Catalogue,
    item: &CartItem,
    line: Option<usize>,
) -> anyhow::Result<&'c Product> {
    cat.by_id(item.product_id).with_context(|| {
        let id = item.product_id;
        let (vi, en) = match line {
            Some(i) => {
                let n = i.saturating_add(1);
                (format!("Dòng {n}: "), format!("line {n}: "))
            }
            None => (String::new(), String::new()),
        };
        format!(
            "product_not_in_catalogue: {vi}sản phẩm #{id} không còn trong danh mục — xóa dòng \
             này rồi quét lại / {en}product #{id} is no longer in the catalogue — remove the \
             line and scan again"
        )
    })
}

/// Builds the core cart lines (names, units, prices from the catalogue).
fn cart_lines(cat: &Catalogue, items: &[CartItem]) -> anyhow::Result<Vec<CartLine>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let p = product_of(cat, item, Some(i))?;
            Ok(CartLine {
                product_id: p.id,
                lot_code: item.lot.clone(),
                name: p.name.clone(),
                unit: p.unit.clone(),
                group: p.group.clone(),
                qty: item.qty,
                unit_price: p.price(),
                catalogue_price: Some(p.price()),
                discount: item.discount,
                discount_reason: item.discount_reason.clone(),
                vat_rate: p.vat_rate()?,
            })
        })
        .collect()
}

/// The running total of a cart, as the core computes it.
pub fn cart_total(cat: &Catalogue, items: &[CartItem]) -> anyhow::Result<Dong> {
    let mut b = SaleBuilder::new(draft_header(0, 0, 0)?);
    for line in cart_lines(cat, items)? {
        b.add(line).map_err(|e| user_error(&e))?;
    }
    b.total().map_err(|e| user_error(&e))
}

fn draft_header(till_id: i32, cashier_id: i32, outlet_id: i32) -> anyhow::Result<SaleHeader> {
    Ok(SaleHeader {
        id: Uuid::new_v4(),
        till_id,
        receipt_no: ocop_core::sale::ReceiptNo::FIRST,
        sold_at: Utc::now(),
        cashier_id,
        outlet_id,
        shift_id: Uuid::nil(),
    })
}

/// Commits the sale: numbered, sealed, queued, in one transaction.
pub fn commit_sale(
    store: &mut Store,
    cfg: &TillConfig,
    cat: &Catalogue,
    items: &[CartItem],
    tenders: &[Tender],
) -> anyhow::Result<Committed<Sale>> {
    let shift_id = crate::shift::require(store)?.id;
    crate::approval::check_cart(store, cat, items)?;
    let lines = cart_lines(cat, items)?;
    store.commit_receipt_if(
        "sale",
        |tx| crate::shift::still_open(tx, shift_id),
        |receipt_no, prev_hash| {
            let mut header = draft_header(cfg.till_id, cfg.cashier_id, cfg.outlet_id)?;
            header.receipt_no = receipt_no;
            header.shift_id = shift_id;
            let mut b = SaleBuilder::new(header);
            for line in lines {
                b.add(line).map_err(|e| user_error(&e))?;
            }
            let total = b.total().map_err(|e| user_error(&e))?;
            let pays = payments(total, tenders)?;
            b.finish(pays, prev_hash).map_err(|e| user_error(&e))
        },
        |s: &Sale| (s.id.to_string(), s.hash),
    )
}

#[cfg(test)]
pub(crate) mod tests;
