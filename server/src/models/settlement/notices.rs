//! The producer portal's notifications: one row per event for one producer,
//! read or unread. Workflow steps write theirs as they happen (a statement
//! approved and waiting for the producer's confirmation, a payout made);
//! stock conditions (low stock at an outlet, a lot close to expiry) are
//! noticed when the portal is opened ([`notice_conditions`]). A condition
//! noticed again is the same notice (`dedup_key` is unique per producer):
//! low stock once per outlet × product × ISO week, an expiring lot once per
//! outlet × lot.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{
    lots, outlets, portal_notices as pn, products, stock_on_hand, stock_thresholds,
};

/// A lot expiring within this many days is noticed.
pub const EXPIRY_NOTICE_DAYS: i64 = 30;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = pn)]
pub struct Notice {
    pub id: i32,
    pub producer_id: i32,
    /// `statement_ready`, `statement_paid`, `low_stock` or `lot_expiring`.
    pub kind: String,
    pub statement_id: Option<i32>,
    pub outlet_id: Option<i32>,
    pub message_vi: String,
    pub message_en: String,
    pub dedup_key: String,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::models::utc::serialize_opt")]
    pub read_at: Option<NaiveDateTime>,
}

/// What a new notice says.
pub struct NewNotice<'a> {
    pub producer_id: i32,
    pub kind: &'a str,
    pub statement_id: Option<i32>,
    pub outlet_id: Option<i32>,
    pub message_vi: String,
    pub message_en: String,
    pub dedup_key: String,
}

/// Writes `n` unless the producer already has a notice with its key;
/// `true` if written.
pub fn notify(conn: &mut DbConn, n: &NewNotice<'_>, now: DateTime<Utc>) -> QueryResult<bool> {
    let exists = pn::table
        .filter(pn::producer_id.eq(n.producer_id))
        .filter(pn::dedup_key.eq(&n.dedup_key))
        .select(pn::id)
        .first::<i32>(conn)
        .optional()?
        .is_some();
    if exists {
        return Ok(false);
    }
    diesel::insert_into(pn::table)
        .values((
            pn::producer_id.eq(n.producer_id),
            pn::kind.eq(n.kind),
            pn::statement_id.eq(n.statement_id),
            pn::outlet_id.eq(n.outlet_id),
            pn::message_vi.eq(&n.message_vi),
            pn::message_en.eq(&n.message_en),
            pn::dedup_key.eq(&n.dedup_key),
            pn::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The producer's notices, newest first (at most `limit`), and how many
/// are unread.
pub fn list(conn: &mut DbConn, producer_id: i32, limit: i64) -> QueryResult<(Vec<Notice>, i64)> {
    let rows = pn::table
        .filter(pn::producer_id.eq(producer_id))
        .select(Notice::as_select())
        .order(pn::id.desc())
        .limit(limit)
        .load(conn)?;
    let unread = pn::table
        .filter(pn::producer_id.eq(producer_id))
        .filter(pn::read_at.is_null())
        .count()
        .get_result(conn)?;
    Ok((rows, unread))
}

/// Marks one of the producer's notices read (`Some(id)`), or all of them;
/// another producer's notice is left alone. The number marked.
pub fn mark_read(
    conn: &mut DbConn,
    producer_id: i32,
    id: Option<i32>,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let mut q = diesel::update(pn::table)
        .filter(pn::producer_id.eq(producer_id))
        .filter(pn::read_at.is_null())
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(pn::id.eq(id));
    }
    q.set(pn::read_at.eq(now.naive_utc())).execute(conn)
}

/// Notices the producer's stock conditions as of `now`: on hand at or
/// below the outlet's threshold for a product, and lots on hand expiring
/// within [`EXPIRY_NOTICE_DAYS`] (or expired). The number written.
pub fn notice_conditions(
    conn: &mut DbConn,
    producer_id: i32,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let on_hand: Vec<(i32, i32, i32, i64)> = stock_on_hand::table
        .filter(stock_on_hand::owner_producer_id.eq(producer_id))
        .select((
            stock_on_hand::outlet_id,
            stock_on_hand::product_id,
            stock_on_hand::lot_id,
            stock_on_hand::qty_milli,
        ))
        .load(conn)?;
    if on_hand.is_empty() {
        return Ok(0);
    }
    let mut per_product: BTreeMap<(i32, i32), i64> = BTreeMap::new();
    let mut lots_held: BTreeMap<(i32, i32), i64> = BTreeMap::new();
    for (o, p, l, qty) in &on_hand {
        *per_product.entry((*o, *p)).or_default() += qty;
        *lots_held.entry((*o, *l)).or_default() += qty;
    }
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
    let product_ids: Vec<i32> = names.keys().copied().collect();
    let mut written = 0;
    let today = ocop_core::time::vn_date(now);
    let week = today.iso_week();
    for chunk in product_ids.chunks(500) {
        let thresholds: Vec<(i32, i32, i64)> = stock_thresholds::table
            .filter(stock_thresholds::product_id.eq_any(chunk))
            .select((
                stock_thresholds::outlet_id,
                stock_thresholds::product_id,
                stock_thresholds::min_qty_milli,
            ))
            .load(conn)?;
        for (o, p, min) in thresholds {
            let Some(have) = per_product.get(&(o, p)).copied() else {
                continue;
            };
            if have > min {
                continue;
            }
            let (product, outlet) = (
                names.get(&p).cloned().unwrap_or_default(),
                outlet_names.get(&o).cloned().unwrap_or_default(),
            );
            let qty = ocop_core::money::Quantity::from_milli(have);
            written += usize::from(notify(
                conn,
                &NewNotice {
                    producer_id,
                    kind: "low_stock",
                    statement_id: None,
                    outlet_id: Some(o),
                    message_vi: format!("Sắp hết hàng: {product} tại {outlet} còn {qty}."),
                    message_en: format!("Low stock: {product} at {outlet}, {qty} left."),
                    dedup_key: format!("low_stock:{o}:{p}:{}-W{:02}", week.year(), week.week()),
                },
                now,
            )?);
        }
    }
    let soon = today + TimeDelta::days(EXPIRY_NOTICE_DAYS);
    let lot_ids: Vec<i32> = lots_held
        .iter()
        .filter(|(_, q)| **q > 0)
        .map(|((_, l), _)| *l)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in lot_ids.chunks(500) {
        let expiring: Vec<(i32, i32, String, Option<chrono::NaiveDate>)> = lots::table
            .filter(lots::id.eq_any(chunk))
            .filter(lots::expires_on.le(soon))
            .select((lots::id, lots::product_id, lots::lot_code, lots::expires_on))
            .load(conn)?;
        for (lot, p, code, expires) in expiring {
            let Some(expires) = expires else { continue };
            for ((o, l), qty) in &lots_held {
                if *l != lot || *qty <= 0 {
                    continue;
                }
                let (product, outlet) = (
                    names.get(&p).cloned().unwrap_or_default(),
                    outlet_names.get(o).cloned().unwrap_or_default(),
                );
                let date = expires.format("%d/%m/%Y");
                let (vi, en) = if expires < today {
                    (
                        format!("Lô {code} của {product} tại {outlet} đã hết hạn ngày {date}."),
                        format!("Lot {code} of {product} at {outlet} expired on {date}."),
                    )
                } else {
                    (
                        format!("Lô {code} của {product} tại {outlet} sắp hết hạn ({date})."),
                        format!("Lot {code} of {product} at {outlet} expires on {date}."),
                    )
                };
                written += usize::from(notify(
                    conn,
                    &NewNotice {
                        producer_id,
                        kind: "lot_expiring",
                        statement_id: None,
                        outlet_id: Some(*o),
                        message_vi: vi,
                        message_en: en,
                        dedup_key: format!("lot_expiring:{o}:{lot}"),
                    },
                    now,
                )?);
            }
        }
    }
    Ok(written)
}
