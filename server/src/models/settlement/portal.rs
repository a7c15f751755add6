//! What the producer portal shows a producer about its own goods, and
//! nothing else: stock at every outlet with days of cover at the recent
//! sales rate, and sales by day, product and outlet. Every query here is
//! filtered by the one producer id it is given.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{
    outlets, products, refund_lines, refunds, sale_lines, sales, stock_on_hand,
};

/// Days of sales the rate is taken over.
pub const RATE_DAYS: i64 = 28;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StockAt {
    pub outlet_id: i32,
    pub outlet_name: String,
    pub product_id: i32,
    pub product_name: String,
    pub unit: String,
    pub on_hand_milli: i64,
    /// Units sold (net of refunds) over the last [`RATE_DAYS`] days.
    pub sold_recent_milli: i64,
    /// on hand ÷ daily rate, whole days; `None` when nothing sold.
    pub days_of_cover: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SalesBucket {
    /// A Vietnamese day (`2026-12-03`), a product or an outlet name.
    pub key: String,
    pub qty_milli: i64,
    /// VAT-inclusive, after discounts, less refunds.
    pub amount: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub stock: Vec<StockAt>,
    pub by_day: Vec<SalesBucket>,
    pub by_product: Vec<SalesBucket>,
    pub by_outlet: Vec<SalesBucket>,
}

fn bucket(m: BTreeMap<String, (i64, i64)>) -> Vec<SalesBucket> {
    m.into_iter()
        .map(|(key, (qty_milli, amount))| SalesBucket {
            key,
            qty_milli,
            amount,
        })
        .collect()
}

/// The producer's overview as of `now`: sales of the last `days` days.
pub fn overview(
    conn: &mut DbConn,
    producer_id: i32,
    now: DateTime<Utc>,
    days: i64,
) -> QueryResult<Overview> {
    let since = (now - TimeDelta::days(days.max(RATE_DAYS))).naive_utc();
    let shown_from = (now - TimeDelta::days(days)).naive_utc();
    let rate_from = (now - TimeDelta::days(RATE_DAYS)).naive_utc();
    let names: BTreeMap<i32, (String, String)> = products::table
        .filter(products::producer_id.eq(producer_id))
        .select((products::id, products::name_vi, products::unit))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(id, n, u)| (id, (n, u)))
        .collect();
    let outlet_names: BTreeMap<i32, String> = outlets::table
        .select((outlets::id, outlets::name))
        .load(conn)?
        .into_iter()
        .collect();
    let sold: Vec<(i32, i32, chrono::NaiveDateTime, i64, i64)> = sale_lines::table
        .inner_join(sales::table)
        .inner_join(products::table.on(products::id.eq(sale_lines::product_id)))
        .filter(products::producer_id.eq(producer_id))
        .filter(sales::sold_at.ge(since))
        .select((
            sales::outlet_id,
            sale_lines::product_id,
            sales::sold_at,
            sale_lines::qty_milli,
            sale_lines::amount,
        ))
        .load(conn)?;
    let back: Vec<(i32, i32, chrono::NaiveDateTime, i64, i64)> = refund_lines::table
        .inner_join(refunds::table)
        .inner_join(products::table.on(products::id.eq(refund_lines::product_id)))
        .filter(products::producer_id.eq(producer_id))
        .filter(refunds::refunded_at.ge(since))
        .select((
            refunds::outlet_id,
            refund_lines::product_id,
            refunds::refunded_at,
            refund_lines::qty_milli,
            refund_lines::amount,
        ))
        .load(conn)?;
    let mut recent: BTreeMap<(i32, i32), i64> = BTreeMap::new();
    let (mut by_day, mut by_product, mut by_outlet) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let movements = sold
        .into_iter()
        .map(|r| (r, 1i64))
        .chain(back.into_iter().map(|r| (r, -1i64)));
    for ((outlet, product, at, qty, amount), sign) in movements {
        let (qty, amount) = (qty.saturating_mul(sign), amount.saturating_mul(sign));
        if at >= rate_from {
            *recent.entry((outlet, product)).or_default() += qty;
        }
        if at < shown_from {
            continue;
        }
        let day: NaiveDate = ocop_core::time::vn_date(at.and_utc());
        for (m, key) in [
            (&mut by_day, day.to_string()),
            (
                &mut by_product,
                names.get(&product).map(|n| n.0.clone()).unwrap_or_default(),
            ),
            (
                &mut by_outlet,
                outlet_names.get(&outlet).cloned().unwrap_or_default(),
            ),
        ] {
            let e: &mut (i64, i64) = m.entry(key).or_default();
            e.0 = e.0.saturating_add(qty);
            e.1 = e.1.saturating_add(amount);
        }
    }
    let on_hand: Vec<(i32, i32, i64)> = stock_on_hand::table
        .filter(stock_on_hand::owner_producer_id.eq(producer_id))
        .select((
            stock_on_hand::outlet_id,
            stock_on_hand::product_id,
            stock_on_hand::qty_milli,
        ))
        .load(conn)?;
    let mut totals: BTreeMap<(i32, i32), i64> = BTreeMap::new();
    for (o, p, q) in on_hand {
        *totals.entry((o, p)).or_default() += q;
    }
    let stock = totals
        .into_iter()
        .map(|((outlet_id, product_id), on_hand_milli)| {
            let sold_recent_milli = recent.get(&(outlet_id, product_id)).copied().unwrap_or(0);
            // on hand ÷ (sold ÷ days) = on hand × days ÷ sold.
            let days_of_cover = (sold_recent_milli > 0)
                .then(|| on_hand_milli.max(0).saturating_mul(RATE_DAYS) / sold_recent_milli);
            let (product_name, unit) = names.get(&product_id).cloned().unwrap_or_default();
            StockAt {
                outlet_id,
                outlet_name: outlet_names.get(&outlet_id).cloned().unwrap_or_default(),
                product_id,
                product_name,
                unit,
                on_hand_milli,
                sold_recent_milli,
                days_of_cover,
            }
        })
        .collect();
    let mut by_day = bucket(by_day);
    by_day.reverse();
    Ok(Overview {
        stock,
        by_day,
        by_product: bucket(by_product),
        by_outlet: bucket(by_outlet),
    })
}

/// How one lot sold at one outlet, from the ledger: what came in
/// (received from the producer or transferred in), what left by each way,
/// what is on hand.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LotSellThrough {
    pub outlet_id: i32,
    pub outlet_name: String,
    pub product_id: i32,
    pub product_name: String,
    pub lot_id: i32,
    pub lot_code: String,
    /// Received from the producer plus transferred in.
    pub received_milli: i64,
    /// Sold less refunded.
    pub sold_milli: i64,
    /// Returned to the producer.
    pub returned_milli: i64,
    /// Transferred out, written off or corrected by a count.
    pub other_out_milli: i64,
    pub on_hand_milli: i64,
    /// Net sold ÷ received, in tenths of a percent (`None` when nothing
    /// was received).
    pub sold_permille: Option<i64>,
    /// Vietnam days since the lot first arrived at the outlet (to today
    /// while some is on hand, else to its last movement).
    pub days_on_shelf: i64,
}

/// Sell-through per lot and outlet of the producer's goods, as of `now`:
/// lots with stock on hand, or with any movement in the last 90 days;
/// those on hand first, then by outlet, product and lot.
pub fn sell_through(
    conn: &mut DbConn,
    producer_id: i32,
    now: DateTime<Utc>,
) -> QueryResult<Vec<LotSellThrough>> {
    use crate::db::schema::{lots, stock_ledger as led};
    use ocop_core::stock::LedgerKind;

    type Row = (i32, i32, i32, i64, String, chrono::NaiveDateTime);
    let rows: Vec<Row> = led::table
        .filter(led::owner_producer_id.eq(producer_id))
        .select((
            led::outlet_id,
            led::product_id,
            led::lot_id,
            led::qty_milli,
            led::kind,
            led::created_at,
        ))
        .order(led::id)
        .load(conn)?;
    #[derive(Default)]
    struct Acc {
        received: i64,
        sold: i64,
        returned: i64,
        other: i64,
        on_hand: i64,
        first_in: Option<chrono::NaiveDateTime>,
        last: Option<chrono::NaiveDateTime>,
    }
    let mut acc: BTreeMap<(i32, i32, i32), Acc> = BTreeMap::new();
    for (o, p, l, qty, kind, at) in rows {
        let a = acc.entry((o, p, l)).or_default();
        a.on_hand = a.on_hand.saturating_add(qty);
        a.last = Some(at);
        let Ok(kind) = kind.parse::<LedgerKind>() else {
            continue;
        };
        match kind {
            LedgerKind::ConsignmentReceived | LedgerKind::TransferIn => {
                a.received = a.received.saturating_add(qty);
                a.first_in.get_or_insert(at);
            }
            LedgerKind::Sale | LedgerKind::CustomerRefund => {
                a.sold = a.sold.saturating_sub(qty);
            }
            LedgerKind::ReturnedToProducer => a.returned = a.returned.saturating_sub(qty),
            LedgerKind::TransferOut
            | LedgerKind::ExpiredWriteOff
            | LedgerKind::DamagedWriteOff
            | LedgerKind::CountAdjustment => a.other = a.other.saturating_sub(qty),
        }
    }
    let recent = (now - TimeDelta::days(90)).naive_utc();
    acc.retain(|_, a| a.on_hand != 0 || a.last.is_some_and(|t| t >= recent));
    let names: BTreeMap<i32, String> = products::table
        .filter(products::producer_id.eq(producer_id))
        .select((products::id, products::name_vi))
        .load(conn)?
        .into_iter()
        .collect();
    let outlet_names: BTreeMap<i32, String> = outlets::table
        .select((outlets::id, outlets::name))
        .load(conn)?
        .into_iter()
        .collect();
    let lot_ids: Vec<i32> = acc
        .keys()
        .map(|k| k.2)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut codes: BTreeMap<i32, String> = BTreeMap::new();
    for chunk in lot_ids.chunks(500) {
        codes.extend(
            lots::table
                .filter(lots::id.eq_any(chunk))
                .select((lots::id, lots::lot_code))
                .load::<(i32, String)>(conn)?,
        );
    }
    let today = ocop_core::time::vn_date(now);
    let mut out: Vec<LotSellThrough> = acc
        .into_iter()
        .map(|((outlet_id, product_id, lot_id), a)| {
            let until = if a.on_hand > 0 {
                today
            } else {
                a.last
                    .map_or(today, |t| ocop_core::time::vn_date(t.and_utc()))
            };
            let days_on_shelf = a.first_in.map_or(0, |t| {
                (until - ocop_core::time::vn_date(t.and_utc()))
                    .num_days()
                    .max(0)
            });
            LotSellThrough {
                outlet_id,
                outlet_name: outlet_names.get(&outlet_id).cloned().unwrap_or_default(),
                product_id,
                product_name: names.get(&product_id).cloned().unwrap_or_default(),
                lot_id,
                lot_code: codes.get(&lot_id).cloned().unwrap_or_default(),
                received_milli: a.received,
                sold_milli: a.sold,
                returned_milli: a.returned,
                other_out_milli: a.other,
                on_hand_milli: a.on_hand,
                sold_permille: (a.received > 0).then(|| a.sold.saturating_mul(1000) / a.received),
                days_on_shelf,
            }
        })
        .collect();
    out.sort_by_key(|r| (r.on_hand_milli <= 0, r.outlet_id, r.product_id, r.lot_id));
    Ok(out)
}
