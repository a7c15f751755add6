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

use anyhow::Context;
use chrono::Utc;
use ocop_core::digital_link::Serial;
use ocop_core::i18n::UserError as _;
use ocop_core::money::{Dong, Quantity, line_amount};
use ocop_core::refusal::Refusal;
use ocop_core::sale::{CartLine, Payment, Sale, SaleBuilder, SaleHeader, TransferStatus};
use uuid::Uuid;

use crate::approval::{self, Approver};
use crate::catalogue::{Catalogue, Product};
use crate::config::TillConfig;
use crate::store::{Committed, OutboxKind, Store};

/// A line of the cart: what was scanned and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartItem {
    pub product_id: i32,
    pub lot: Option<String>,
    /// Serials of the provenance labels scanned into this line.
    pub serials: Vec<Serial>,
    pub qty: Quantity,
    pub discount: Dong,
    pub discount_reason: Option<String>,
    /// The manager who approved the discount with a PIN
    /// ([`approve`]); the reason only records it.
    pub approved_by: Option<Approver>,
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
                a.parse::<Dong>()
                    .map_err(|e| anyhow::Error::from(e.refusal()))
                    .with_context(|| {
                        Refusal::invalid(
                            "bad_cash_amount",
                            format!("số tiền mặt không hợp lệ {a:?}"),
                            format!("bad cash amount {a:?}"),
                        )
                    })?,
            )),
            ("qr", None) => Tender::Qr,
            ("card", Some(r)) if !r.trim().is_empty() => Tender::Card(r.trim().to_owned()),
            _ => {
                return Err(Refusal::invalid(
                    "bad_payment",
                    format!(
                        "cách thanh toán không hợp lệ {s:?} (dùng cash[:SỐ TIỀN], qr, card:MÃ)"
                    ),
                    format!("bad payment {s:?} (use cash[:AMOUNT], qr, card:REF)"),
                )
                .into());
            }
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
        let q = Quantity::parse(qty).map_err(|e| e.refusal())?;
        return Ok((code.to_owned(), q));
    }
    Ok((
        arg.to_owned(),
        Quantity::from_units(1).context("quantity 1")?,
    ))
}

/// Scans `code` into a cart line of `qty`.
/// The line of a scale's weighed-item barcode (`2x`, weight in grams):
/// its product by the item code, sold by the kilogram, the weight as the
/// quantity.
pub fn weighed_item(
    cat: &Catalogue,
    weighed: &ocop_core::gtin::WeighedItem,
) -> anyhow::Result<CartItem> {
    let code = &weighed.item_code;
    let product = cat
        .scan(code)
        .ok()
        .flatten()
        .map(|f| f.product)
        .ok_or_else(|| {
            Refusal::not_found(
                "weighed_item_unknown",
                format!("cân in mã hàng {code}, không có trong danh mục"),
                format!("the scale's item code {code} is not in the catalogue"),
            )
        })?;
    if !product.fractional || !product.unit.eq_ignore_ascii_case("kg") {
        return Err(Refusal::invalid(
            "not_sold_by_weight",
            format!("{} không bán theo cân (kg)", product.name),
            format!("{} is not sold by weight (kg)", product.name),
        )
        .into());
    }
    Ok(CartItem {
        product_id: product.id,
        lot: None,
        qty: Quantity::from_milli(i64::from(weighed.grams)),
        discount: Dong::ZERO,
        discount_reason: None,
        approved_by: None,
        // a scale's label carries no serial
        serials: Vec::new(),
    })
}

pub fn scan_item(cat: &Catalogue, code: &str, qty: Quantity) -> anyhow::Result<CartItem> {
    if let Some(weighed) = ocop_core::gtin::WeighedItem::parse(code) {
        return weighed_item(cat, &weighed);
    }
    let found = cat
        .scan(code)
        .with_context(|| {
            Refusal::invalid(
                "unreadable_scan",
                format!("mã quét không hợp lệ {code:?}"),
                format!("unreadable scan {code:?}"),
            )
        })?
        .ok_or_else(|| {
            Refusal::not_found(
                "product_not_found",
                format!("không có sản phẩm mã {code:?} trong danh mục"),
                format!("no product {code:?} in the catalogue"),
            )
        })?;
    if !qty.is_whole() && !found.product.fractional {
        return Err(Refusal::invalid(
            "whole_units_only",
            format!("{} chỉ bán theo số nguyên", found.product.name),
            format!("{} is sold in whole units", found.product.name),
        )
        .into());
    }
    cat.check_not_recalled(found.product.id, found.lot.as_deref())?;
    Ok(CartItem {
        product_id: found.product.id,
        lot: found.lot,
        serials: found.serial.into_iter().collect(),
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
            return Err(Refusal::invalid(
                "payment_exceeds_total",
                "thanh toán thừa",
                "more payments than the total needs",
            )
            .into());
        }
        out.push(match t {
            Tender::Cash(tendered) => {
                let given = tendered.unwrap_or(remaining);
                let amount = given.min(remaining);
                Payment::cash(amount, given).map_err(|e| e.refusal())?
            }
            Tender::Qr => Payment::bank_transfer(remaining, TransferStatus::Pending, None),
            Tender::Card(r) => Payment::card(remaining, r.clone()),
        });
        let last = out.last().map_or(Dong::ZERO, |p| p.amount);
        remaining = remaining.checked_sub(last).context("overflow")?;
    }
    if remaining.is_positive() {
        return Err(Refusal::invalid(
            "payment_short",
            format!("khách còn thiếu {remaining}"),
            format!("{} still to pay", remaining.to_ascii_string()),
        )
        .into());
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
    let found = cat.by_id(item.product_id).ok_or_else(|| {
        let id = item.product_id;
        let (vi, en) = match line {
            Some(i) => {
                let n = i.saturating_add(1);
                (format!("Dòng {n}: "), format!("line {n}: "))
            }
            None => (String::new(), String::new()),
        };
        Refusal::not_found(
            "product_not_in_catalogue",
            format!("{vi}sản phẩm #{id} không còn trong danh mục — xóa dòng này rồi quét lại"),
            format!(
                "{en}product #{id} is no longer in the catalogue — remove the line and scan again"
            ),
        )
    })?;
    Ok(found)
}

/// The line before its discount, as the core computes it.
pub fn line_gross(cat: &Catalogue, item: &CartItem) -> anyhow::Result<Dong> {
    let p = product_of(cat, item, None)?;
    line_amount(p.price, item.qty, Dong::ZERO).map_err(|e| anyhow::Error::from(e.refusal()))
}

/// The mark an approval leaves at the end of a line's discount reason.
fn mark(approver: &Approver) -> String {
    format!(" — duyệt: {} (#{})", approver.name, approver.id)
}

/// Writes `approver` into the item's discount reason ("Giảm giá" when the
/// cashier gave none).
pub fn approve(item: &mut CartItem, approver: &Approver) {
    let reason = item
        .discount_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or("Giảm giá");
    item.discount_reason = Some(format!("{reason}{}", mark(approver)));
    item.approved_by = Some(approver.clone());
}

/// Refuses a cart holding a discount above the limit that the configured
/// manager did not approve (see [`approve`]); re-checked by [`commit_sale`].
pub fn check_cart(store: &Store, cat: &Catalogue, items: &[CartItem]) -> anyhow::Result<()> {
    for (i, item) in items.iter().enumerate() {
        if !item.discount.is_positive() {
            continue;
        }
        if !approval::discount_needs_pin(store, line_gross(cat, item)?, item.discount)? {
            continue;
        }
        // The approval itself, not its mark: a reason typed to look
        // approved proves nothing.
        let approved = approval::settings(store)?.is_some_and(|s| {
            item.approved_by
                .as_ref()
                .is_some_and(|a| a.id == s.manager_id)
        });
        if !approved {
            let n = i.saturating_add(1);
            return Err(Refusal::forbidden(
                "discount_not_approved",
                format!(
                    "Dòng {n}: giảm giá {} vượt hạn mức, cần mã PIN của quản lý",
                    item.discount
                ),
                format!(
                    "line {n}: a discount of {} is above the limit and needs a manager's PIN",
                    item.discount.to_ascii_string()
                ),
            )
            .into());
        }
    }
    Ok(())
}

/// Builds the core cart lines (names, units, prices from the catalogue).
fn cart_lines(cat: &Catalogue, items: &[CartItem]) -> anyhow::Result<Vec<CartLine>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let p = product_of(cat, item, Some(i))?;
            // A recall that arrived after the item was scanned still stops the sale.
            cat.check_not_recalled(p.id, item.lot.as_deref())?;
            Ok(CartLine {
                product_id: p.id,
                lot_code: item.lot.clone(),
                name: p.name.clone(),
                unit: p.unit.clone(),
                group: p.group.clone(),
                qty: item.qty,
                unit_price: p.price,
                catalogue_price: Some(p.price),
                discount: item.discount,
                discount_reason: item.discount_reason.clone(),
                vat_rate: p.vat,
                serials: item.serials.clone(),
            })
        })
        .collect()
}

/// The running total of a cart, as the core computes it.
pub fn cart_total(cat: &Catalogue, items: &[CartItem]) -> anyhow::Result<Dong> {
    let mut b = SaleBuilder::new(draft_header(0, 0, 0)?);
    for line in cart_lines(cat, items)? {
        b.add(line).map_err(|e| e.refusal())?;
    }
    b.total().map_err(|e| anyhow::Error::from(e.refusal()))
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
    check_cart(store, cat, items)?;
    let lines = cart_lines(cat, items)?;
    store
        .commit_receipt_if(
            OutboxKind::Sale,
            |tx| crate::shift::still_open(tx, shift_id),
            |receipt_no, prev_hash| {
                let mut header = draft_header(cfg.till_id, cfg.cashier_id, cfg.outlet_id)?;
                header.receipt_no = receipt_no;
                header.shift_id = shift_id;
                let mut b = SaleBuilder::new(header);
                for line in lines {
                    b.add(line).map_err(|e| e.refusal())?;
                }
                let total = b.total().map_err(|e| e.refusal())?;
                let pays = payments(total, tenders)?;
                b.finish(pays, prev_hash)
                    .map_err(|e| anyhow::Error::from(e.refusal()))
            },
            |s: &Sale| (s.id.to_string(), s.hash),
        )
        .inspect(|c| {
            tracing::info!(
                receipt = %c.record.receipt_ref(),
                total = %c.record.total.to_ascii_string(),
                "sale committed"
            );
        })
}

#[cfg(test)]
pub(crate) mod tests;
