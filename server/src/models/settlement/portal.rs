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
