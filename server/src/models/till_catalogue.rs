//! What a till needs to sell offline at one outlet, as a full snapshot or
//! as the changes since a catalogue version.
//!
//! Guarantees:
//! - the snapshot holds every active product of an active producer that the
//!   950/QĐ-BCT rule lets the outlet sell today (listable, key product, or
//!   sell-from-stock-only with its warning), and nothing else;
//! - a delta since `v` holds every product stamped with a version above `v`
//!   and every product whose certificate started or expired between the day
//!   `v` was made and today; those the till may sell are in `products`, the
//!   others in `removed`. Applying the delta to the snapshot of `v` gives
//!   the snapshot of `version`;
//! - everything is read in one consistent snapshot of the database
//!   (REPEATABLE READ on PostgreSQL; a read transaction on SQLite), so
//!   `version` and the rows agree even while admins are writing.

use chrono::NaiveDate;
use diesel::prelude::*;
use ocop_core::catalogue::{Certificate, CertificateLevel, Listing};
use ocop_core::gtin::Gtin;
use ocop_core::i18n::Lang;
use ocop_core::money::{Dong, VatRate};
use ocop_core::wire::SellStatus;

use crate::db::DbConn;
use crate::db::schema::{producers, products};
use crate::models::outlet::{self, Outlet};
use crate::models::{catalogue_version, product};

pub use ocop_core::wire::{
    RecalledLot, TillCatalogue, TillLot, TillOutlet, TillProducer, TillProduct,
};

impl From<Outlet> for TillOutlet {
    fn from(o: Outlet) -> Self {
        TillOutlet {
            id: o.id,
            code: o.code,
            name: o.name,
            legal_name: o.legal_name,
            tax_code: o.tax_code,
            address: o.address,
            phone: o.phone,
            bank_bin: o.bank_bin,
            bank_account: o.bank_account,
            bank_holder: o.bank_holder,
            commission_bp: o.commission_bp,
            active: o.active,
        }
    }
}

#[derive(Queryable)]
struct Row {
    id: i32,
    name: String,
    gtin: Option<String>,
    code: Option<String>,
    price: i64,
    vat: String,
    unit: String,
    fractional: bool,
    producer_id: i32,
    group: String,
    stars: i32,
    key_product: bool,
    cert_number: Option<String>,
    cert_level: Option<String>,
    cert_issued_on: Option<NaiveDate>,
    cert_expires_on: Option<NaiveDate>,
    active: bool,
    producer_status: String,
    producer_name: String,
}

impl Row {
    fn listing(&self, today: NaiveDate) -> Listing {
        let cert = (|| {
            let level = self
                .cert_level
                .as_deref()?
                .parse::<CertificateLevel>()
                .ok()?;
            Certificate::new(
                self.cert_number.as_deref()?,
                level,
                self.cert_issued_on?,
                self.cert_expires_on,
            )
            .ok()
        })();
        product::listing_of(self.stars, cert.as_ref(), self.key_product, today)
    }
}

macro_rules! rows {
    () => {
        products::table.inner_join(producers::table).select((
            products::id,
            products::name_vi,
            products::gtin,
            products::internal_code,
            products::price,
            products::vat_rate,
            products::unit,
            products::fractional,
            products::producer_id,
            products::group_code,
            products::stars,
            products::key_product,
            products::cert_number,
            products::cert_level,
            products::cert_issued_on,
            products::cert_expires_on,
            products::active,
            producers::status,
            producers::name,
        ))
    };
}

/// The catalogue version now (cheap: for `ETag` checks before building).
pub fn current_version(conn: &mut DbConn) -> QueryResult<i64> {
    catalogue_version::current(conn)
}

/// Builds the snapshot (`since` = `None`, 0, or a version the server does
/// not know) or the delta since `since`, for `outlet_id` on `today`.
pub fn build(
    conn: &mut DbConn,
    outlet_id: i32,
    since: Option<i64>,
    today: NaiveDate,
) -> QueryResult<TillCatalogue> {
    let postgres = matches!(conn, DbConn::Postgres(_));
    conn.transaction(|conn| {
        if postgres {
            // Backend-specific: one consistent snapshot for the counter and
            // the rows (must be the transaction's first statement).
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(conn)?;
        }
        let version = catalogue_version::current(conn)?;
        let outlet = outlet::find(conn, outlet_id)?;
        // A delta needs the day `since` was made; otherwise send everything.
        let since_day = match since.filter(|s| *s > 0 && *s <= version) {
            Some(s) => catalogue_version::made_at(conn, s)?
                .map(|at| (s, ocop_core::time::vn_date(at.and_utc()))),
            None => None,
        };
        let rows: Vec<Row> = match since_day {
            None => rows!()
                .filter(products::active.eq(true))
                .filter(producers::status.eq("active"))
                .order(products::id)
                .load(conn)?,
            Some((s, day)) => rows!()
                .filter(
                    products::catalogue_version
                        .gt(s)
                        // expired since `day`: expires_on in [day, today)
                        .or(products::cert_expires_on
                            .ge(day)
                            .and(products::cert_expires_on.lt(today)))
                        // became valid since `day`: issued_on in (day, today]
                        .or(products::cert_issued_on
                            .gt(day)
                            .and(products::cert_issued_on.le(today))),
                )
                .order(products::id)
                .load(conn)?,
        };
        let mut out = TillCatalogue {
            version,
            as_of: today,
            full: since_day.is_none(),
            since: since_day.map(|(s, _)| s),
            outlet: outlet.into(),
            producers: Vec::new(),
            products: Vec::with_capacity(rows.len()),
            removed: Vec::new(),
            lots: Vec::new(),
            public_url: None,
            recalled_lots: crate::models::provenance::recall::all_for_tills(conn)?,
        };
        let mut seen_producers = std::collections::BTreeMap::new();
        for row in rows {
            let listing = row.listing(today);
            let sellable =
                row.active && row.producer_status == "active" && listing.can_sell_from_stock();
            // The catalogue checks the VAT code on entry; a row that still
            // holds another is not offered to a till rather than sent wrong.
            let vat = match row.vat.parse::<VatRate>() {
                Ok(vat) if sellable => vat,
                _ => {
                    if since_day.is_some() {
                        out.removed.push(row.id);
                    }
                    continue;
                }
            };
            let status = match listing {
                Listing::Listable => SellStatus::Listable,
                Listing::ListableKeyProduct => SellStatus::ListableKeyProduct,
                _ => SellStatus::SellFromStockOnly,
            };
            seen_producers
                .entry(row.producer_id)
                .or_insert_with(|| row.producer_name.clone());
            out.products.push(TillProduct {
                id: row.id,
                warning: listing.warning(Lang::Vi),
                name: row.name,
                // Stored as 14 checked digits by the catalogue.
                gtin: row.gtin.and_then(|g| Gtin::parse(&g).ok()),
                code: row.code,
                price: Dong::new(row.price),
                vat,
                unit: row.unit,
                fractional: row.fractional,
                producer_id: row.producer_id,
                group: row.group,
                stars: row.stars,
                status,
            });
        }
        out.producers = seen_producers
            .into_iter()
            .map(|(id, name)| TillProducer { id, name })
            .collect();
        Ok(out)
    })
}
