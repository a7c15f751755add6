//! The public catalogue: OCOP products as anyone may see them, for trade
//! promotion and e-commerce partners (issue 17). Only public facts: what a
//! product's label, shelf and public product page already show (name,
//! stars, group, producer's name, kind and place, certificate, shelf price,
//! outlets that have it now). Never payout prices, commissions, sales
//! figures, tax codes, phone numbers or bank accounts: each type here lists
//! its fields one by one, so a column added to a table cannot leak through.
//!
//! Listed: active products of producers that are not suspended. Search and
//! filters are the staff catalogue's (`product::search`), so "ruou ngo"
//! finds "Rượu ngô" here as there.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::schema::{districts, producers};
use crate::models::product::search::{self, ProductSearch};
use crate::models::provenance::resolve::stockists_of;
use crate::models::reference::{self, District, ProductGroup};

/// Largest page of the public catalogue.
pub const MAX_LIMIT: i64 = 100;
/// Page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 24;

/// The public filters (a subset of the staff search).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    /// Words of the name, with or without diacritics ("ruou ngo" finds "Rượu ngô").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Product group code (see `groups` in the answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Exactly this star rating (3–5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stars: Option<i32>,
    /// The producer's district code (see `districts` in the answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// Only products some outlet has in stock now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_stock: Option<bool>,
    /// Page size, 1–100 (default 24).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// `vi` (default) or `en`: the page's language; the JSON carries both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The producer, as its labels name it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicProducer {
    pub name: String,
    /// `jsc`, `llc`, `htx`, `tht` or `household`.
    pub kind: String,
    pub commune: String,
    pub district_code: String,
    pub district: String,
}

/// The OCOP certificate and whether it is valid today (Vietnam date).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicCertificate {
    pub number: String,
    /// `province` or `central`.
    pub level: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub valid: bool,
}

/// An outlet that has the product in stock now.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicOutlet {
    pub id: i32,
    pub name: String,
    /// `showroom`, `rest_stop`, `tourism`, `trade_centre` or `online`.
    pub kind: String,
    pub address: String,
    pub district: String,
}

/// One listed product.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicProduct {
    pub id: i32,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub group_code: String,
    pub group_vi: String,
    pub group_en: String,
    /// OCOP star rating, 3–5.
    pub stars: i32,
    /// GTIN-14, when the product has one.
    pub gtin: Option<String>,
    pub unit: String,
    /// Shelf price in whole đồng, VAT included.
    pub price: i64,
    pub description: String,
    pub photo_url: Option<String>,
    pub producer: PublicProducer,
    pub certificate: Option<PublicCertificate>,
    /// The public product page (GS1 Digital Link for a product with a GTIN).
    pub page_url: Option<String>,
    pub in_stock_at: Vec<PublicOutlet>,
}

/// One page of the public catalogue, with the choices its filters take.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicCatalogue {
    /// All matches (the page holds at most `limit` of them).
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub items: Vec<PublicProduct>,
    pub groups: Vec<ProductGroup>,
    pub districts: Vec<District>,
}

/// One page of listed products matching `f`. `public_url` makes each
/// product's page address; `today` (Vietnam date) decides certificate
/// validity.
pub fn page(
    conn: &mut DbConn,
    f: &CatalogueQuery,
    public_url: &str,
    today: NaiveDate,
) -> QueryResult<PublicCatalogue> {
    let limit = f.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let offset = f.offset.unwrap_or(0).max(0);
    let only_ids = if f.in_stock == Some(true) {
        Some(stockists_of(conn, None)?.into_keys().collect())
    } else {
        None
    };
    let search = ProductSearch {
        q: f.q.clone(),
        group: f.group.clone().filter(|g| !g.trim().is_empty()),
        stars: f.stars,
        district: f.district.clone().filter(|d| !d.trim().is_empty()),
        listed_only: true,
        only_ids,
        limit: Some(limit),
        offset: Some(offset),
        ..ProductSearch::default()
    };
    let (products, total) = search::search(conn, &search)?;
    let ids: Vec<i32> = products.iter().map(|p| p.id).collect();
    let mut held = stockists_of(conn, Some(&ids))?;
    let groups = reference::product_groups(conn)?;
    let districts = reference::districts(conn)?;
    let producer_ids: Vec<i32> = products.iter().map(|p| p.producer_id).collect();
    let makers: BTreeMap<i32, PublicProducer> = producers::table
        .inner_join(districts::table)
        .filter(producers::id.eq_any(producer_ids))
        .select((
            producers::id,
            producers::name,
            producers::kind,
            producers::commune,
            producers::district_code,
            districts::name,
        ))
        .load::<(i32, String, String, String, String, String)>(conn)?
        .into_iter()
        .map(|(id, name, kind, commune, district_code, district)| {
            (
                id,
                PublicProducer {
                    name,
                    kind,
                    commune,
                    district_code,
                    district,
                },
            )
        })
        .collect();
    let base = public_url.trim_end_matches('/');
    let mut items = Vec::with_capacity(products.len());
    for p in products {
        let Some(producer) = makers.get(&p.producer_id).cloned() else {
            continue;
        };
        let group = groups.iter().find(|g| g.code == p.group_code);
        let certificate = p.certificate().map(|c| PublicCertificate {
            number: c.number().to_owned(),
            level: c.level().code().to_owned(),
            issued_on: c.issued_on(),
            expires_on: c.expires_on(),
            valid: c.is_valid_on(today),
        });
        let in_stock_at = held
            .remove(&p.id)
            .unwrap_or_default()
            .into_iter()
            .map(|s| PublicOutlet {
                id: s.outlet_id,
                name: s.name,
                kind: s.kind,
                address: s.address,
                district: s.district,
            })
            .collect();
        items.push(PublicProduct {
            page_url: p.gtin.as_ref().map(|g| format!("{base}/01/{g}")),
            group_vi: group.map(|g| g.name_vi.clone()).unwrap_or_default(),
            group_en: group.map(|g| g.name_en.clone()).unwrap_or_default(),
            id: p.id,
            name_vi: p.name_vi,
            name_en: p.name_en,
            group_code: p.group_code,
            stars: p.stars,
            gtin: p.gtin,
            unit: p.unit,
            price: p.price,
            description: p.description,
            photo_url: p.photo_url,
            producer,
            certificate,
            in_stock_at,
        });
    }
    Ok(PublicCatalogue {
        total,
        limit,
        offset,
        items,
        groups,
        districts,
    })
}
