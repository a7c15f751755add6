//! The catalogue-side lists: stock across outlets, certificates expiring
//! or expired, and sales made after the product's certificate expired.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::{Deserialize, Serialize};

use super::LIMIT;
use crate::db::DbConn;
use crate::db::schema::{outlets, producers, products, sale_lines, sales, stock_on_hand};

/// Filters shared by the lists, all optional, all kept in the URL.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Filter {
    /// District code (of the outlet for stock and sales, of the producer
    /// for certificates).
    pub district: Option<String>,
    /// Product group code.
    pub group: Option<String>,
    /// Words of the product name, without diacritics or with.
    pub q: Option<String>,
}

impl Filter {
    /// Empty strings (an untouched select) mean no filter.
    pub fn cleaned(self) -> Filter {
        let keep = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Filter {
            district: keep(self.district),
            group: keep(self.group),
            q: keep(self.q),
        }
    }

    fn key(&self) -> Option<String> {
        self.q
            .as_deref()
            .map(ocop_core::text::search_key)
            .filter(|k| !k.is_empty())
    }
}

/// One product at one outlet: what is on hand there, whose it is.
#[derive(Debug, Clone, Serialize)]
pub struct StockRow {
    pub product_id: i32,
    pub product: String,
    pub group_code: String,
    pub producer: String,
    pub outlet_id: i32,
    pub outlet: String,
    pub district_code: String,
    /// Σ on hand over lots and owners, milli-units (negative when oversold).
    pub qty_milli: i64,
}

/// Stock on hand of each product at each outlet (keys with nothing on hand
/// left out), by product then outlet.
pub fn stock(conn: &mut DbConn, f: &Filter) -> QueryResult<(Vec<StockRow>, bool)> {
    let mut q = stock_on_hand::table
        .inner_join(products::table.on(products::id.eq(stock_on_hand::product_id)))
        .inner_join(outlets::table.on(outlets::id.eq(stock_on_hand::outlet_id)))
        .inner_join(producers::table.on(producers::id.eq(products::producer_id)))
        .filter(stock_on_hand::qty_milli.ne(0))
        .into_boxed();
    if let Some(d) = &f.district {
        q = q.filter(outlets::district_code.eq(d.clone()));
    }
    if let Some(g) = &f.group {
        q = q.filter(products::group_code.eq(g.clone()));
    }
    if let Some(k) = f.key() {
        q = q.filter(products::search_key.like(format!("%{k}%")));
    }
    #[expect(clippy::type_complexity, reason = "one row of a join")]
    let raw: Vec<(i32, String, String, String, i32, String, String, i64)> = q
        .order((products::name_vi, products::id, outlets::name, outlets::id))
        .select((
            products::id,
            products::name_vi,
            products::group_code,
            producers::name,
            outlets::id,
            outlets::name,
            outlets::district_code,
            stock_on_hand::qty_milli,
        ))
        .load(conn)?;
    let mut out: Vec<StockRow> = Vec::new();
    for (product_id, product, group_code, producer, outlet_id, outlet, district_code, qty) in raw {
        match out.last_mut() {
            Some(last) if last.product_id == product_id && last.outlet_id == outlet_id => {
                last.qty_milli = last.qty_milli.saturating_add(qty);
            }
            _ => out.push(StockRow {
                product_id,
                product,
                group_code,
                producer,
                outlet_id,
                outlet,
                district_code,
                qty_milli: qty,
            }),
        }
    }
    out.retain(|r| r.qty_milli != 0);
    let cut = out.len() > LIMIT;
    out.truncate(LIMIT);
    Ok((out, cut))
}

/// A certificate that runs out within the window, or already ran out.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateRow {
    pub product_id: i32,
    pub product: String,
    pub stars: i32,
    pub cert_number: String,
    pub expires_on: NaiveDate,
    /// Negative when already expired.
    pub days_left: i64,
    pub producer_id: i32,
    pub producer: String,
    pub district_code: String,
    pub active: bool,
}

/// Certificates expiring on or before `today + within_days` (expired ones
/// included when `expired` is set), soonest first.
pub fn certificates(
    conn: &mut DbConn,
    f: &Filter,
    today: NaiveDate,
    within_days: u32,
    expired: bool,
) -> QueryResult<(Vec<CertificateRow>, bool)> {
    let until = today
        .checked_add_days(chrono::Days::new(u64::from(within_days)))
        .unwrap_or(today);
    let mut q = products::table
        .inner_join(producers::table.on(producers::id.eq(products::producer_id)))
        .filter(products::cert_expires_on.le(until))
        .into_boxed();
    if !expired {
        q = q.filter(products::cert_expires_on.ge(today));
    }
    if let Some(d) = &f.district {
        q = q.filter(producers::district_code.eq(d.clone()));
    }
    if let Some(g) = &f.group {
        q = q.filter(products::group_code.eq(g.clone()));
    }
    if let Some(k) = f.key() {
        q = q.filter(products::search_key.like(format!("%{k}%")));
    }
    #[expect(clippy::type_complexity, reason = "one row of a join")]
    let raw: Vec<(
        i32,
        String,
        i32,
        Option<String>,
        Option<NaiveDate>,
        i32,
        String,
        String,
        bool,
    )> = q
        .order((products::cert_expires_on, products::id))
        .limit(i64::try_from(LIMIT).unwrap_or(i64::MAX).saturating_add(1))
        .select((
            products::id,
            products::name_vi,
            products::stars,
            products::cert_number,
            products::cert_expires_on,
            producers::id,
            producers::name,
            producers::district_code,
            products::active,
        ))
        .load(conn)?;
    let mut out: Vec<CertificateRow> = raw
        .into_iter()
        .filter_map(
            |(id, name, stars, number, expires, pid, pname, district, active)| {
                let expires_on = expires?;
                Some(CertificateRow {
                    product_id: id,
                    product: name,
                    stars,
                    cert_number: number.unwrap_or_default(),
                    expires_on,
                    days_left: (expires_on - today).num_days(),
                    producer_id: pid,
                    producer: pname,
                    district_code: district,
                    active,
                })
            },
        )
        .collect();
    let cut = out.len() > LIMIT;
    out.truncate(LIMIT);
    Ok((out, cut))
}

/// One sale line of a product sold after its certificate had expired.
#[derive(Debug, Clone, Serialize)]
pub struct ExpiredSaleRow {
    pub sale_id: i32,
    pub sale_uuid: String,
    pub sold_at: NaiveDateTime,
    pub outlet_id: i32,
    pub outlet: String,
    pub district_code: String,
    pub product_id: i32,
    pub product: String,
    pub producer: String,
    pub cert_expires_on: NaiveDate,
    pub qty_milli: i64,
    pub amount: i64,
}

/// Sale lines sold, in Vietnam's calendar, on a day after the product's
/// certificate expired, between `from` and `to` (Vietnamese days,
/// inclusive), newest first.
///
/// "After its expiry day in Vietnam" is `sold_at` (UTC) at or after
/// 17:00 UTC of the expiry day (midnight of the next day at UTC+7, which
/// has no daylight saving). That date arithmetic is the one place the two
/// backends differ; the rest of the query is diesel's.
pub fn expired_sales(
    conn: &mut DbConn,
    f: &Filter,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<(Vec<ExpiredSaleRow>, bool)> {
    let after_expiry = match conn {
        DbConn::Postgres(_) => "sales.sold_at >= products.cert_expires_on + INTERVAL '17 hours'",
        DbConn::Sqlite(_) => "sales.sold_at >= datetime(products.cert_expires_on, '+17 hours')",
    };
    let (start, _) = ocop_core::time::vn_day_bounds(from);
    let (_, end) = ocop_core::time::vn_day_bounds(to);
    let mut q = sale_lines::table
        .inner_join(sales::table.on(sales::id.eq(sale_lines::sale_id)))
        .inner_join(products::table.on(products::id.eq(sale_lines::product_id)))
        .inner_join(producers::table.on(producers::id.eq(products::producer_id)))
        .inner_join(outlets::table.on(outlets::id.eq(sales::outlet_id)))
        .filter(products::cert_expires_on.is_not_null())
        .filter(sales::sold_at.ge(start.naive_utc()))
        .filter(sales::sold_at.lt(end.naive_utc()))
        .filter(diesel::dsl::sql::<Bool>(after_expiry))
        .into_boxed();
    if let Some(d) = &f.district {
        q = q.filter(outlets::district_code.eq(d.clone()));
    }
    if let Some(g) = &f.group {
        q = q.filter(products::group_code.eq(g.clone()));
    }
    if let Some(k) = f.key() {
        q = q.filter(products::search_key.like(format!("%{k}%")));
    }
    #[expect(clippy::type_complexity, reason = "one row of a join")]
    let raw: Vec<(
        i32,
        String,
        NaiveDateTime,
        i32,
        String,
        String,
        i32,
        String,
        String,
        Option<NaiveDate>,
        i64,
        i64,
    )> = q
        .order((sales::sold_at.desc(), sales::id, sale_lines::line_no))
        .limit(i64::try_from(LIMIT).unwrap_or(i64::MAX).saturating_add(1))
        .select((
            sales::id,
            sales::uuid,
            sales::sold_at,
            outlets::id,
            outlets::name,
            outlets::district_code,
            products::id,
            products::name_vi,
            producers::name,
            products::cert_expires_on,
            sale_lines::qty_milli,
            sale_lines::amount,
        ))
        .load(conn)?;
    let mut out: Vec<ExpiredSaleRow> = raw
        .into_iter()
        .filter_map(|r| {
            Some(ExpiredSaleRow {
                sale_id: r.0,
                sale_uuid: r.1,
                sold_at: r.2,
                outlet_id: r.3,
                outlet: r.4,
                district_code: r.5,
                product_id: r.6,
                product: r.7,
                producer: r.8,
                cert_expires_on: r.9?,
                qty_milli: r.10,
                amount: r.11,
            })
        })
        .collect();
    let cut = out.len() > LIMIT;
    out.truncate(LIMIT);
    Ok((out, cut))
}
