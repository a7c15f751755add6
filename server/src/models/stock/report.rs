//! Stock reports: stock on hand valued at retail and payout price, grouped
//! by outlet, owner, product or lot; the movement history of a product at an
//! outlet with its running balance; stock in transit between outlets.
//! Every report takes a [`Scope`]: the handler decides it from the caller,
//! the queries here apply it, so no report can leak another outlet's or
//! producer's rows.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ocop_core::money::{Dong, Quantity, amount_in_bounds};
use ocop_core::stock::{ConsignmentTerms, DocumentKind, payout_for_commission, stock_value};
use serde::{Deserialize, Serialize};

use super::document::{self, POSTED};
use super::{OnHand, agreement, lot};
use crate::db::DbConn;
use crate::db::schema::{
    stock_document_lines as sdl, stock_documents as sd, stock_ledger, stock_on_hand,
};
use crate::models::outlet::{self, Outlet};
use crate::models::producer::{self, Producer};
use crate::models::product::{self, Product};

/// What the caller may see: `None` = no restriction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    pub outlet_id: Option<i32>,
    pub producer_id: Option<i32>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OnHandQuery {
    pub outlet_id: Option<i32>,
    /// The owner of the goods.
    pub producer_id: Option<i32>,
    pub product_id: Option<i32>,
    pub lot_id: Option<i32>,
    /// `outlet`, `producer`, `product` or `lot` (default): how `groups` sums.
    pub group_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OnHandRow {
    pub outlet_id: i32,
    pub outlet_code: String,
    pub product_id: i32,
    pub product_name: String,
    pub unit: String,
    pub lot_id: i32,
    /// `null` for goods without a lot.
    pub lot_code: Option<String>,
    pub expires_on: Option<NaiveDate>,
    pub owner_producer_id: i32,
    pub owner_name: String,
    #[schema(value_type = String)]
    pub qty: Quantity,
    /// Retail price per unit, VAT included, đồng.
    pub retail_price: i64,
    pub retail_value: i64,
    /// What the producer gets per unit sold, đồng.
    pub payout_price: i64,
    pub payout_value: i64,
    /// The row's quantity or value lies outside the domain bounds
    /// (`ocop_core::money`): its values are shown as 0 and left out of every
    /// sum, so one absurd stored entry cannot break the report.
    pub out_of_bounds: bool,
    /// The lot is recalled (issue 12): set it aside, do not sell.
    pub recalled: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StockGroup {
    pub key: i32,
    pub label: String,
    /// Summed only where units agree (product and lot groups).
    #[schema(value_type = Option<String>)]
    pub qty: Option<Quantity>,
    pub retail_value: i64,
    pub payout_value: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OnHandReport {
    pub rows: Vec<OnHandRow>,
    pub groups: Vec<StockGroup>,
    pub total_retail_value: i64,
    pub total_payout_value: i64,
    /// Rows flagged `out_of_bounds`, left out of the totals.
    pub out_of_bounds_rows: u32,
}

/// A payout price that could not be computed (a stored price out of
/// bounds): above every bound, so the row is flagged, never a failure.
const UNVALUED: Dong = Dong::new(i64::MAX);

/// A row's value at `unit` per unit, if it lies within the domain bounds.
fn bounded_value(unit: i64, qty: Quantity) -> Option<i64> {
    stock_value(Dong::new(unit), qty)
        .ok()
        .filter(|v| amount_in_bounds(*v))
        .map(Dong::amount)
}

/// Sums of bounded values cannot overflow `i128`; the result saturates at
/// the edge of `i64` rather than fail.
fn sum_values(values: impl Iterator<Item = i64>) -> i64 {
    let total: i128 = values.map(i128::from).sum();
    i64::try_from(total).unwrap_or(if total < 0 { i64::MIN } else { i64::MAX })
}

/// Non-zero stock rows the scope allows, filtered by the query.
pub fn rows_in_scope(conn: &mut DbConn, q: &OnHandQuery, scope: Scope) -> QueryResult<Vec<OnHand>> {
    let mut query = stock_on_hand::table
        .filter(stock_on_hand::qty_milli.ne(0))
        .select(OnHand::as_select())
        .into_boxed();
    for o in [q.outlet_id, scope.outlet_id].into_iter().flatten() {
        query = query.filter(stock_on_hand::outlet_id.eq(o));
    }
    for p in [q.producer_id, scope.producer_id].into_iter().flatten() {
        query = query.filter(stock_on_hand::owner_producer_id.eq(p));
    }
    if let Some(p) = q.product_id {
        query = query.filter(stock_on_hand::product_id.eq(p));
    }
    if let Some(l) = q.lot_id {
        query = query.filter(stock_on_hand::lot_id.eq(l));
    }
    query
        .order((
            stock_on_hand::outlet_id,
            stock_on_hand::product_id,
            stock_on_hand::lot_id,
            stock_on_hand::owner_producer_id,
        ))
        .load(conn)
}

/// Names and prices the reports need, loaded once.
pub struct Lookup {
    pub outlets: HashMap<i32, Outlet>,
    pub producers: HashMap<i32, Producer>,
    pub products: HashMap<i32, Product>,
    pub lots: HashMap<i32, lot::Lot>,
}

impl Lookup {
    pub fn load(conn: &mut DbConn, rows: &[OnHand]) -> QueryResult<Lookup> {
        let mut products = HashMap::new();
        for id in rows
            .iter()
            .map(|r| r.product_id)
            .collect::<std::collections::BTreeSet<_>>()
        {
            products.insert(id, product::find(conn, id)?);
        }
        let lot_ids: Vec<i32> = rows.iter().map(|r| r.lot_id).collect();
        Ok(Lookup {
            outlets: outlet::list(conn)?.into_iter().map(|o| (o.id, o)).collect(),
            producers: producer::list(conn)?
                .into_iter()
                .map(|p| (p.id, p))
                .collect(),
            products,
            lots: lot::find_many(conn, &lot_ids)?
                .into_iter()
                .map(|l| (l.id, l))
                .collect(),
        })
    }
}

/// A goods-received line's (payout price, commission bp).
type Terms = (Option<i64>, Option<i32>);

/// The payout price per unit of stock: the latest posted goods-received
/// line of that lot at that outlet (or anywhere, for transferred goods),
/// else the active agreement, else the outlet's default commission.
fn payout_prices(
    conn: &mut DbConn,
    rows: &[OnHand],
    look: &Lookup,
    today: NaiveDate,
) -> QueryResult<HashMap<(i32, i32, i32), i64>> {
    let product_ids: Vec<i32> = look.products.keys().copied().collect();
    let received: Vec<(i32, i32, Option<String>, Terms)> = sdl::table
        .inner_join(sd::table)
        .filter(sd::kind.eq(DocumentKind::GoodsReceived.code()))
        .filter(sd::status.eq(POSTED))
        .filter(sdl::product_id.eq_any(product_ids))
        .order(sdl::id)
        .select((
            sd::outlet_id,
            sdl::product_id,
            sdl::lot_code,
            (sdl::payout_price, sdl::commission_bp),
        ))
        .load(conn)?;
    let mut here: HashMap<(i32, i32, String), Terms> = HashMap::new();
    let mut anywhere: HashMap<(i32, String), Terms> = HashMap::new();
    for (o, p, code, terms) in received {
        let code = code.unwrap_or_default();
        here.insert((o, p, code.clone()), terms);
        anywhere.insert((p, code), terms);
    }
    let mut out = HashMap::new();
    for r in rows {
        let Some(prod) = look.products.get(&r.product_id) else {
            continue;
        };
        let retail = Dong::new(prod.price);
        let code = look
            .lots
            .get(&r.lot_id)
            .map(|l| l.lot_code.clone())
            .unwrap_or_default();
        let terms = here
            .get(&(r.outlet_id, r.product_id, code.clone()))
            .or_else(|| anywhere.get(&(r.product_id, code)))
            .copied();
        let unit = match terms {
            Some((Some(price), _)) => Dong::new(price),
            Some((None, Some(bp))) => payout_for_commission(retail, bp).unwrap_or(UNVALUED),
            _ => match agreement::active(conn, r.owner_producer_id, r.outlet_id, today)? {
                Some(a) if a.terms() == Some(ConsignmentTerms::Commission) => {
                    payout_for_commission(retail, a.commission_bp.unwrap_or(0)).unwrap_or(UNVALUED)
                }
                _ => {
                    let bp = look
                        .outlets
                        .get(&r.outlet_id)
                        .map_or(0, |o| o.commission_bp);
                    payout_for_commission(retail, bp).unwrap_or(UNVALUED)
                }
            },
        };
        out.insert((r.outlet_id, r.product_id, r.lot_id), unit.amount());
    }
    Ok(out)
}

/// Stock on hand, valued, with group sums.
pub fn on_hand(
    conn: &mut DbConn,
    q: &OnHandQuery,
    scope: Scope,
    today: NaiveDate,
) -> QueryResult<OnHandReport> {
    let rows = rows_in_scope(conn, q, scope)?;
    let look = Lookup::load(conn, &rows)?;
    let payouts = payout_prices(conn, &rows, &look, today)?;
    let recalled: std::collections::HashSet<i32> =
        crate::models::provenance::recall::recalled_lot_ids(conn)?
            .into_iter()
            .collect();
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let Some(prod) = look.products.get(&r.product_id) else {
            continue;
        };
        let qty = Quantity::from_milli(r.qty_milli);
        let payout = payouts
            .get(&(r.outlet_id, r.product_id, r.lot_id))
            .copied()
            .unwrap_or(0);
        let lot = look.lots.get(&r.lot_id);
        let values = bounded_value(prod.price, qty).zip(bounded_value(payout, qty));
        out.push(OnHandRow {
            outlet_id: r.outlet_id,
            outlet_code: look
                .outlets
                .get(&r.outlet_id)
                .map(|o| o.code.clone())
                .unwrap_or_default(),
            product_id: r.product_id,
            product_name: prod.name_vi.clone(),
            unit: prod.unit.clone(),
            lot_id: r.lot_id,
            recalled: recalled.contains(&r.lot_id),
            lot_code: lot.map(|l| l.lot_code.clone()).filter(|c| !c.is_empty()),
            expires_on: lot.and_then(|l| l.expires_on),
            owner_producer_id: r.owner_producer_id,
            owner_name: look
                .producers
                .get(&r.owner_producer_id)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            qty,
            retail_price: prod.price,
            retail_value: values.map_or(0, |v| v.0),
            payout_price: payout,
            payout_value: values.map_or(0, |v| v.1),
            out_of_bounds: values.is_none(),
        });
    }
    let groups = group(&out, q.group_by.as_deref().unwrap_or("lot"));
    Ok(OnHandReport {
        total_retail_value: sum_values(out.iter().map(|r| r.retail_value)),
        total_payout_value: sum_values(out.iter().map(|r| r.payout_value)),
        out_of_bounds_rows: u32::try_from(out.iter().filter(|r| r.out_of_bounds).count())
            .unwrap_or(u32::MAX),
        groups,
        rows: out,
    })
}

fn group(rows: &[OnHandRow], by: &str) -> Vec<StockGroup> {
    let mut groups: BTreeMap<i32, StockGroup> = BTreeMap::new();
    for r in rows {
        let (key, label, with_qty) = match by {
            "outlet" => (r.outlet_id, r.outlet_code.clone(), false),
            "producer" => (r.owner_producer_id, r.owner_name.clone(), false),
            "product" => (r.product_id, r.product_name.clone(), true),
            _ => (
                r.lot_id,
                format!(
                    "{} · {}",
                    r.product_name,
                    r.lot_code.clone().unwrap_or_else(|| "—".into())
                ),
                true,
            ),
        };
        let g = groups.entry(key).or_insert_with(|| StockGroup {
            key,
            label,
            qty: with_qty.then_some(Quantity::ZERO),
            retail_value: 0,
            payout_value: 0,
        });
        g.qty = g.qty.and_then(|q| q.checked_add(r.qty));
        g.retail_value = sum_values([g.retail_value, r.retail_value].into_iter());
        g.payout_value = sum_values([g.payout_value, r.payout_value].into_iter());
    }
    groups.into_values().collect()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MovementRow {
    pub id: i32,
    /// UTC.
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub created_at: NaiveDateTime,
    pub kind: String,
    #[schema(value_type = String)]
    pub qty: Quantity,
    /// Stock of the product at the outlet after this entry (all lots and
    /// owners the caller may see).
    #[schema(value_type = String)]
    pub balance: Quantity,
    pub lot_id: i32,
    pub lot_code: Option<String>,
    pub owner_producer_id: i32,
    pub document_id: Option<i32>,
    pub document_ref: String,
    pub user_id: Option<i32>,
}

/// Every ledger entry of a product at an outlet, oldest first, with the
/// running balance.
pub fn movements(
    conn: &mut DbConn,
    outlet_id: i32,
    product_id: i32,
    owner: Option<i32>,
) -> QueryResult<Vec<MovementRow>> {
    let mut q = stock_ledger::table
        .filter(stock_ledger::outlet_id.eq(outlet_id))
        .filter(stock_ledger::product_id.eq(product_id))
        .select(super::LedgerEntry::as_select())
        .into_boxed();
    if let Some(o) = owner {
        q = q.filter(stock_ledger::owner_producer_id.eq(o));
    }
    let entries = q.order(stock_ledger::id).load(conn)?;
    let lot_ids: Vec<i32> = entries.iter().map(|e| e.lot_id).collect();
    let lots: HashMap<i32, String> = lot::find_many(conn, &lot_ids)?
        .into_iter()
        .map(|l| (l.id, l.lot_code))
        .collect();
    let mut balance = Quantity::ZERO;
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let qty = Quantity::from_milli(e.qty_milli);
        // Saturates: an absurd stored entry must not make the history fail.
        balance = Quantity::from_milli(balance.milli().saturating_add(qty.milli()));
        out.push(MovementRow {
            id: e.id,
            created_at: e.created_at,
            kind: e.kind,
            qty,
            balance,
            lot_id: e.lot_id,
            lot_code: lots.get(&e.lot_id).cloned().filter(|c| !c.is_empty()),
            owner_producer_id: e.owner_producer_id,
            document_id: e.document_id,
            document_ref: e.document_ref,
            user_id: e.user_id,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InTransitLine {
    pub transfer_id: i32,
    pub number: String,
    pub from_outlet_id: i32,
    pub to_outlet_id: i32,
    /// UTC.
    #[serde(serialize_with = "crate::models::utc::serialize_opt")]
    pub sent_at: Option<NaiveDateTime>,
    pub line_id: i32,
    pub product_id: i32,
    pub lot_code: Option<String>,
    #[schema(value_type = String)]
    pub qty: Quantity,
}

/// Lines of transfers sent and not yet received, for outlets in scope
/// (sending or receiving).
pub fn in_transit(conn: &mut DbConn, scope: Scope) -> QueryResult<Vec<InTransitLine>> {
    let received: Vec<Option<i32>> = sd::table
        .filter(sd::kind.eq(DocumentKind::TransferReceipt.code()))
        .select(sd::ref_document_id)
        .load(conn)?;
    let filter = document::DocumentFilter {
        kind: Some(DocumentKind::Transfer.code().to_owned()),
        status: Some(POSTED.to_owned()),
        ..Default::default()
    };
    let transfers = document::list(conn, &filter, scope.outlet_id.map(|o| vec![o]))?;
    let mut out = Vec::new();
    for t in transfers
        .into_iter()
        .filter(|t| !received.contains(&Some(t.id)))
    {
        for l in document::lines(conn, t.id)? {
            if let Some(p) = scope.producer_id
                && product::find(conn, l.product_id)?.producer_id != p
            {
                continue;
            }
            out.push(InTransitLine {
                transfer_id: t.id,
                number: t.number.clone().unwrap_or_default(),
                from_outlet_id: t.outlet_id,
                to_outlet_id: t.dest_outlet_id.unwrap_or_default(),
                sent_at: t.posted_at,
                line_id: l.id,
                product_id: l.product_id,
                lot_code: l.lot_code,
                qty: Quantity::from_milli(l.qty_milli),
            });
        }
    }
    Ok(out)
}

/// The transfer receipt that completed a transfer, if any.
pub fn receipt_of(conn: &mut DbConn, transfer_id: i32) -> QueryResult<Option<i32>> {
    sd::table
        .filter(sd::ref_document_id.eq(transfer_id))
        .filter(sd::kind.eq(DocumentKind::TransferReceipt.code()))
        .select(sd::id)
        .first(conn)
        .optional()
}
