//! Alerts for managers, producers and inspectors: lots already expired
//! and, apart, lots expiring soon, still on the shelf, certificates expiring within 90 days, stock
//! below an outlet's threshold, and stock below zero (sales that ran ahead
//! of recorded stock — flagged for a count, never fixed silently).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use ocop_core::money::Quantity;
use ocop_core::refusal::Refusal;
use serde::{Deserialize, Serialize};

use super::report::{Lookup, OnHandQuery, Scope, rows_in_scope};
use crate::db::DbConn;
use crate::db::schema::stock_thresholds as st;
use crate::models::error::ModelError;
use crate::models::product;

/// Certificates are flagged this many days before they expire.
pub const CERTIFICATE_WARNING_DAYS: u64 = 90;
/// Default look-ahead for expiring lots.
pub const DEFAULT_EXPIRY_DAYS: u64 = 30;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StockAlertRow {
    pub outlet_id: i32,
    pub product_id: i32,
    pub product_name: String,
    pub lot_id: i32,
    pub lot_code: Option<String>,
    pub expires_on: Option<NaiveDate>,
    /// Negative when already expired.
    pub days_left: Option<i64>,
    pub owner_producer_id: i32,
    #[schema(value_type = String)]
    pub qty: Quantity,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CertificateAlert {
    pub product_id: i32,
    pub product_name: String,
    pub producer_id: i32,
    pub cert_number: Option<String>,
    pub cert_expires_on: Option<NaiveDate>,
    pub days_left: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LowStockAlert {
    pub outlet_id: i32,
    pub product_id: i32,
    pub product_name: String,
    #[schema(value_type = String)]
    pub on_hand: Quantity,
    #[schema(value_type = String)]
    pub threshold: Quantity,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Alerts {
    pub expiry_days: u64,
    /// Lots past their expiry date still on the shelf (đã hết hạn): to
    /// write off or return to the producer; never sold.
    pub expired_lots: Vec<StockAlertRow>,
    /// Lots expiring within `expiry_days` from today (sắp hết hạn), not
    /// yet expired.
    pub expiring_lots: Vec<StockAlertRow>,
    pub certificates_expiring: Vec<CertificateAlert>,
    pub low_stock: Vec<LowStockAlert>,
    pub negative_stock: Vec<StockAlertRow>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    pub outlet_id: Option<i32>,
    /// Lots expiring within this many days (default 30, at most 3650).
    pub expiry_days: Option<u64>,
}

pub fn alerts(
    conn: &mut DbConn,
    q: &AlertQuery,
    scope: Scope,
    today: NaiveDate,
) -> QueryResult<Alerts> {
    let days = q.expiry_days.unwrap_or(DEFAULT_EXPIRY_DAYS).min(3650);
    let limit = today
        .checked_add_days(chrono::Days::new(days))
        .unwrap_or(NaiveDate::MAX);
    let query = OnHandQuery {
        outlet_id: q.outlet_id,
        ..Default::default()
    };
    let rows = rows_in_scope(conn, &query, scope)?;
    let look = Lookup::load(conn, &rows)?;
    let alert_row = |r: &super::OnHand| {
        let lot = look.lots.get(&r.lot_id);
        let expires_on = lot.and_then(|l| l.expires_on);
        StockAlertRow {
            outlet_id: r.outlet_id,
            product_id: r.product_id,
            product_name: look
                .products
                .get(&r.product_id)
                .map(|p| p.name_vi.clone())
                .unwrap_or_default(),
            lot_id: r.lot_id,
            lot_code: lot.map(|l| l.lot_code.clone()).filter(|c| !c.is_empty()),
            expires_on,
            days_left: expires_on.map(|e| (e - today).num_days()),
            owner_producer_id: r.owner_producer_id,
            qty: Quantity::from_milli(r.qty_milli),
        }
    };
    let mut expiring: Vec<StockAlertRow> = rows
        .iter()
        .filter(|r| r.qty_milli > 0)
        .filter(|r| {
            look.lots
                .get(&r.lot_id)
                .and_then(|l| l.expires_on)
                .is_some_and(|e| e <= limit)
        })
        .map(alert_row)
        .collect();
    expiring.sort_by_key(|a| (a.expires_on, a.outlet_id, a.product_id));
    // Issue 14: expired apart from expiring, each with its own actions.
    let (expired, expiring): (Vec<_>, Vec<_>) = expiring
        .into_iter()
        .partition(|a| a.days_left.is_some_and(|d| d < 0));
    let negative = rows
        .iter()
        .filter(|r| r.qty_milli < 0)
        .map(alert_row)
        .collect();

    // Certificates: the products the caller deals with.
    let candidates = match (scope.producer_id, scope.outlet_id.or(q.outlet_id)) {
        (Some(p), _) => products_of(conn, Some(p))?,
        (None, Some(_)) => look.products.values().cloned().collect(),
        (None, None) => products_of(conn, None)?,
    };
    let mut certificates: Vec<CertificateAlert> = candidates
        .into_iter()
        .filter_map(|p| {
            let cert = p.certificate()?;
            cert.expires_within(today, CERTIFICATE_WARNING_DAYS)
                .then(|| CertificateAlert {
                    product_id: p.id,
                    product_name: p.name_vi.clone(),
                    producer_id: p.producer_id,
                    cert_number: p.cert_number.clone(),
                    cert_expires_on: p.cert_expires_on,
                    days_left: (cert.expires_on() - today).num_days(),
                })
        })
        .collect();
    certificates.sort_by_key(|c| (c.days_left, c.product_id));

    let mut totals: BTreeMap<(i32, i32), i64> = BTreeMap::new();
    for r in &rows {
        *totals.entry((r.outlet_id, r.product_id)).or_default() += r.qty_milli;
    }
    let mut low = Vec::new();
    for t in thresholds(conn, scope.outlet_id.or(q.outlet_id))? {
        let on_hand = totals
            .get(&(t.outlet_id, t.product_id))
            .copied()
            .unwrap_or(0);
        if on_hand >= t.min_qty_milli {
            continue;
        }
        let p = product::find(conn, t.product_id)?;
        if scope.producer_id.is_some_and(|s| s != p.producer_id) {
            continue;
        }
        low.push(LowStockAlert {
            outlet_id: t.outlet_id,
            product_id: t.product_id,
            product_name: p.name_vi,
            on_hand: Quantity::from_milli(on_hand),
            threshold: Quantity::from_milli(t.min_qty_milli),
        });
    }
    Ok(Alerts {
        expiry_days: days,
        expired_lots: expired,
        expiring_lots: expiring,
        certificates_expiring: certificates,
        low_stock: low,
        negative_stock: negative,
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = st)]
pub struct Threshold {
    pub outlet_id: i32,
    pub product_id: i32,
    pub min_qty_milli: i64,
    pub updated_by: Option<i32>,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub updated_at: NaiveDateTime,
}

pub fn thresholds(conn: &mut DbConn, outlet_id: Option<i32>) -> QueryResult<Vec<Threshold>> {
    let mut q = st::table.select(Threshold::as_select()).into_boxed();
    if let Some(o) = outlet_id {
        q = q.filter(st::outlet_id.eq(o));
    }
    q.order((st::outlet_id, st::product_id)).load(conn)
}

/// Sets (or replaces) the low-stock threshold of a product at an outlet.
/// A negative threshold is refused (`negative_threshold`, nothing written),
/// here, so the API and the web page refuse it in the same words.
pub fn set_threshold(
    conn: &mut DbConn,
    outlet_id: i32,
    product_id: i32,
    min: Quantity,
    by: i32,
) -> Result<Threshold, ModelError> {
    if min.milli() < 0 {
        return Err(Refusal::invalid(
            "negative_threshold",
            "Ngưỡng tồn kho không được âm.",
            "The threshold cannot be negative.",
        )
        .into());
    }
    product::find(conn, product_id)?;
    crate::models::outlet::find(conn, outlet_id)?;
    let now = Utc::now().naive_utc();
    macro_rules! upsert {
        ($c:expr) => {
            diesel::insert_into(st::table)
                .values((
                    st::outlet_id.eq(outlet_id),
                    st::product_id.eq(product_id),
                    st::min_qty_milli.eq(min.milli()),
                    st::updated_by.eq(by),
                    st::updated_at.eq(now),
                ))
                .on_conflict((st::outlet_id, st::product_id))
                .do_update()
                .set((
                    st::min_qty_milli.eq(excluded(st::min_qty_milli)),
                    st::updated_by.eq(excluded(st::updated_by)),
                    st::updated_at.eq(excluded(st::updated_at)),
                ))
                .execute($c)
        };
    }
    // Backend-specific only because the upsert DSL is per backend.
    match conn {
        DbConn::Sqlite(c) => upsert!(c)?,
        DbConn::Postgres(c) => upsert!(c)?,
    };
    Ok(st::table
        .find((outlet_id, product_id))
        .select(Threshold::as_select())
        .first(conn)?)
}

fn products_of(conn: &mut DbConn, producer_id: Option<i32>) -> QueryResult<Vec<product::Product>> {
    use crate::db::schema::products;
    let mut q = products::table
        .select(product::Product::as_select())
        .into_boxed();
    if let Some(p) = producer_id {
        q = q.filter(products::producer_id.eq(p));
    }
    q.order(products::id).load(conn)
}
