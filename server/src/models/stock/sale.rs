//! Stock side of sales and refunds, called by the sale code inside the
//! sale's own transaction (see the module documentation of `stock`).

use std::collections::BTreeMap;

use ocop_core::money::Quantity;
use ocop_core::refusal::Refusal;
use ocop_core::stock::{LedgerKind, LotStock, allocate_fefo};

use super::error::non_positive_quantity;
use diesel::QueryResult;

use super::{
    LedgerEntry, Movement, OnHand, StockKey, append, entries_for_ref, lock_products_stock, lot,
};
use crate::db::DbConn;
use crate::models::error::{ModelError, refuse};
use crate::models::product;

/// One sold (or refunded) line as stock sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaleStockLine {
    pub product_id: i32,
    /// The lot the till scanned, if any; otherwise first-expiry-first-out.
    pub lot_id: Option<i32>,
    /// Positive.
    pub qty: Quantity,
}

/// Books a sale's lines out of stock (`sale` entries, negative). May take
/// stock below zero; see the module documentation.
///
/// Three round trips whatever the number of lines (issue 16): the stock
/// rows of every product sold, locked in one query in the fixed key order
/// (so concurrent sales cannot deadlock), their lots' expiry dates in one
/// more, then [`append`]. Two lines of one product both allocate from the
/// stock as it stood before the sale, as they always did.
pub fn post_sale_lines(
    conn: &mut DbConn,
    outlet_id: i32,
    sale_ref: &str,
    lines: &[SaleStockLine],
    user_id: Option<i32>,
) -> Result<Vec<LedgerEntry>, ModelError> {
    let ordered = sorted(lines);
    for (line_no, line) in &ordered {
        if !line.qty.is_positive() {
            return refuse(non_positive_quantity().on_line(*line_no));
        }
        if let Some(l) = line.lot_id {
            check_lot(conn, l, line.product_id).map_err(|e| e.on_line(*line_no))?;
        }
    }
    let mut product_ids: Vec<i32> = ordered.iter().map(|(_, l)| l.product_id).collect();
    product_ids.dedup();
    let rows = lock_products_stock(conn, outlet_id, &product_ids)?;
    let expiries = expiries(conn, &rows)?;
    let mut moves = Vec::new();
    for (line_no, line) in ordered {
        let parts = allocate(
            conn,
            Wanted {
                outlet_id,
                product_id: line.product_id,
                lot_id: line.lot_id,
                qty: line.qty,
                allow_short: true,
            },
            &rows,
            &expiries,
        )
        .map_err(|e| e.on_line(line_no))?;
        for (key, qty) in parts {
            moves.push(Movement {
                key,
                qty: qty.checked_neg().unwrap_or(Quantity::ZERO),
                kind: LedgerKind::Sale,
                document_id: None,
                document_line_id: None,
                document_ref: sale_ref.to_owned(),
            });
        }
    }
    append(conn, user_id, &moves)
}

/// Books a refund's lines back into stock (`customer_refund`, positive),
/// into the lots and owners the sale `sale_ref` took them from (latest
/// first); a named lot, or goods the sale never booked, go to that lot or
/// the product's "no lot" lot, owned by the product's producer.
pub fn post_refund_lines(
    conn: &mut DbConn,
    outlet_id: i32,
    sale_ref: &str,
    refund_ref: &str,
    lines: &[SaleStockLine],
    user_id: Option<i32>,
) -> Result<Vec<LedgerEntry>, ModelError> {
    let sold = entries_for_ref(conn, sale_ref)?;
    let mut moves = Vec::new();
    for (line_no, line) in sorted(lines) {
        if !line.qty.is_positive() {
            return refuse(non_positive_quantity().on_line(line_no));
        }
        let product = product::find(conn, line.product_id)?;
        let from_sale: Vec<&LedgerEntry> = sold
            .iter()
            .rev()
            .filter(|e| e.kind == LedgerKind::Sale.code() && e.outlet_id == outlet_id)
            .filter(|e| e.product_id == line.product_id)
            .filter(|e| line.lot_id.is_none_or(|l| l == e.lot_id))
            .collect();
        let mut left = line.qty;
        let mut push = |key: StockKey, qty: Quantity| {
            moves.push(Movement {
                key,
                qty,
                kind: LedgerKind::CustomerRefund,
                document_id: None,
                document_line_id: None,
                document_ref: refund_ref.to_owned(),
            });
        };
        for e in &from_sale {
            if !left.is_positive() {
                break;
            }
            let sold_qty = Quantity::from_milli(e.qty_milli.saturating_neg());
            let back = left.min(sold_qty);
            push(entry_key(e), back);
            left = left.checked_sub(back).unwrap_or(Quantity::ZERO);
        }
        if left.is_positive() {
            let key = match (from_sale.first(), line.lot_id) {
                (Some(e), _) => entry_key(e),
                (None, Some(lot_id)) => {
                    check_lot(conn, lot_id, line.product_id)?;
                    StockKey {
                        outlet_id,
                        product_id: product.id,
                        lot_id,
                        owner_producer_id: product.producer_id,
                    }
                }
                (None, None) => StockKey {
                    outlet_id,
                    product_id: product.id,
                    lot_id: lot::unlotted(conn, product.id)?.id,
                    owner_producer_id: product.producer_id,
                },
            };
            push(key, left);
        }
    }
    append(conn, user_id, &moves)
}

fn entry_key(e: &LedgerEntry) -> StockKey {
    StockKey {
        outlet_id: e.outlet_id,
        product_id: e.product_id,
        lot_id: e.lot_id,
        owner_producer_id: e.owner_producer_id,
    }
}

/// Lines numbered from 1, processed in product order (the fixed lock order).
fn sorted(lines: &[SaleStockLine]) -> Vec<(usize, SaleStockLine)> {
    let mut out: Vec<(usize, SaleStockLine)> = lines
        .iter()
        .copied()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .collect();
    out.sort_by_key(|(_, l)| l.product_id);
    out
}

fn check_lot(conn: &mut DbConn, lot_id: i32, product_id: i32) -> Result<(), ModelError> {
    use diesel::OptionalExtension as _;
    match lot::find(conn, lot_id).optional()? {
        Some(l) if l.product_id == product_id => Ok(()),
        _ => refuse(Refusal::invalid(
            "unknown_lot",
            "Lô hàng không tồn tại hoặc không thuộc sản phẩm này.",
            "No such lot for this product.",
        )),
    }
}

/// Chooses where `qty` of a product comes from at an outlet: the named lot,
/// or first-expiry-first-out. With `allow_short`, what no lot covers is
/// taken from the latest-expiring lot (going negative); without it, a
/// shortfall is `insufficient_stock`.
pub(super) fn take(
    conn: &mut DbConn,
    outlet_id: i32,
    product_id: i32,
    lot_id: Option<i32>,
    qty: Quantity,
    allow_short: bool,
) -> Result<Vec<(StockKey, Quantity)>, ModelError> {
    if let Some(l) = lot_id {
        check_lot(conn, l, product_id)?;
    }
    let rows = lock_products_stock(conn, outlet_id, &[product_id])?;
    let expiries = expiries(conn, &rows)?;
    allocate(
        conn,
        Wanted {
            outlet_id,
            product_id,
            lot_id,
            qty,
            allow_short,
        },
        &rows,
        &expiries,
    )
}

/// What one line asks of stock.
#[derive(Debug, Clone, Copy)]
struct Wanted {
    outlet_id: i32,
    product_id: i32,
    lot_id: Option<i32>,
    qty: Quantity,
    allow_short: bool,
}

/// The expiry date of each lot `rows` hold.
fn expiries(
    conn: &mut DbConn,
    rows: &[OnHand],
) -> QueryResult<BTreeMap<i32, Option<chrono::NaiveDate>>> {
    let mut lot_ids: Vec<i32> = rows.iter().map(|r| r.lot_id).collect();
    lot_ids.sort_unstable();
    lot_ids.dedup();
    if lot_ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(lot::find_many(conn, &lot_ids)?
        .into_iter()
        .map(|l| (l.id, l.expires_on))
        .collect())
}

/// [`take`] over stock rows already locked and read (`rows`: the outlet's
/// rows of at least this product).
fn allocate(
    conn: &mut DbConn,
    want: Wanted,
    rows: &[OnHand],
    expiries: &BTreeMap<i32, Option<chrono::NaiveDate>>,
) -> Result<Vec<(StockKey, Quantity)>, ModelError> {
    let offer: Vec<LotStock<StockKey>> = rows
        .iter()
        .filter(|r| r.outlet_id == want.outlet_id && r.product_id == want.product_id)
        .filter(|r| want.lot_id.is_none_or(|l| l == r.lot_id))
        .map(|r| LotStock {
            key: r.key(),
            expires_on: expiries.get(&r.lot_id).copied().flatten(),
            lot_id: r.lot_id,
            available: Quantity::from_milli(r.qty_milli),
        })
        .collect();
    let allocation = allocate_fefo(&offer, want.qty);
    let mut parts = allocation.parts;
    if allocation.shortfall.is_positive() {
        if !want.allow_short {
            let name = product::find(conn, want.product_id)?.name_vi;
            let available =
                Quantity::from_milli(offer.iter().map(|o| o.available.milli().max(0)).sum());
            return refuse(super::error::insufficient_stock(&name, available));
        }
        parts.push((
            short_key(conn, want.outlet_id, want.product_id, want.lot_id, &offer)?,
            allocation.shortfall,
        ));
    }
    Ok(parts)
}

/// Where a sale books what stock did not cover: the latest-expiring lot
/// the outlet holds (or the named lot), else the product's "no lot" lot.
fn short_key(
    conn: &mut DbConn,
    outlet_id: i32,
    product_id: i32,
    lot_id: Option<i32>,
    offer: &[LotStock<StockKey>],
) -> Result<StockKey, ModelError> {
    let latest = offer
        .iter()
        .max_by_key(|o| (o.expires_on.is_none(), o.expires_on, o.lot_id));
    if let Some(o) = latest {
        return Ok(o.key);
    }
    let product = product::find(conn, product_id)?;
    let lot_id = match lot_id {
        Some(l) => l,
        None => lot::unlotted(conn, product_id)?.id,
    };
    Ok(StockKey {
        outlet_id,
        product_id,
        lot_id,
        owner_producer_id: product.producer_id,
    })
}
