//! The outlet's catalogue on the till: kept in the local store, refreshed
//! from `GET /api/v1/outlets/{id}/catalogue` (a full snapshot first, then
//! deltas with `since` and `If-None-Match`), and held in memory with
//! indexes for the sale screen.
//!
//! Guarantees: a snapshot replaces, and a delta applies, in one store
//! transaction together with the new version, so a crash mid-refresh
//! leaves the previous catalogue whole. Lookup by scan goes through
//! `ocop_core::digital_link::ScanInput` (GTIN, Digital Link with its lot,
//! internal code); search is diacritics-insensitive
//! (`ocop_core::text::search_key`), with keys computed once at load.

use std::collections::HashMap;

use ocop_core::digital_link::{ScanInput, Serial};
use ocop_core::gtin::Gtin;
use ocop_core::money::{Dong, VatRate};
use ocop_core::refusal::Refusal;
use ocop_core::text::search_key;
use rusqlite::{OptionalExtension, params};

use crate::server_api::{Auth, CatalogueAnswer, SendError, Server};
use crate::store::{Store, get_in, set_in};

/// The catalogue's types are the server's, from the core crate: a change
/// to what the server sends fails to compile here.
pub use ocop_core::wire::{
    RecalledLot, SellStatus, TillCatalogue, TillOutlet, TillProduct as Product,
};

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    Unchanged(i64),
    Snapshot {
        version: i64,
        products: usize,
    },
    Delta {
        version: i64,
        changed: usize,
        removed: usize,
    },
}

/// The `config` key the recalled lots are kept under.
const RECALLED_KEY: &str = "recalled_lots";

/// Stores a snapshot or applies a delta, with its version, atomically.
/// A delta older than the version held changes nothing: two refreshes may
/// overlap (the background sender, `ocop-till sync`), and the one that
/// asked first must not take the till back to older prices. A snapshot
/// always applies (a server restored from a backup may number lower).
pub fn save(store: &mut Store, cat: &TillCatalogue, etag: Option<&str>) -> anyhow::Result<()> {
    let tx = store
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let held: Option<i64> = tx
        .query_row("SELECT version FROM catalogue_meta WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    if !cat.full && held.is_some_and(|v| v > cat.version) {
        return Ok(());
    }
    if cat.full {
        tx.execute("DELETE FROM products", [])?;
    }
    {
        let mut upsert = tx.prepare(
            "INSERT OR REPLACE INTO products (id, name, gtin, code, price, vat, unit, fractional,
               producer_id, grp, stars, status, warning)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        for p in &cat.products {
            upsert.execute(params![
                p.id,
                p.name,
                p.gtin.as_ref().map(Gtin::as_str14),
                p.code,
                p.price.amount(),
                p.vat.code(),
                p.unit,
                p.fractional,
                p.producer_id,
                p.group,
                p.stars,
                p.status.code(),
                p.warning
            ])?;
        }
        let mut delete = tx.prepare("DELETE FROM products WHERE id = ?1")?;
        for id in &cat.removed {
            delete.execute([id])?;
        }
    }
    // The server sends every recall in every answer.
    set_in(&tx, RECALLED_KEY, &cat.recalled_lots)?;
    tx.execute(
        "INSERT OR REPLACE INTO catalogue_meta (id, version, etag, outlet_json, fetched_at)
         VALUES (1, ?1, ?2, ?3, ?4)",
        params![
            cat.version,
            etag,
            serde_json::to_string(&cat.outlet)?,
            chrono::Utc::now().to_rfc3339()
        ],
    )?;
    tx.commit()?;
    Ok(())
}

/// Whether product `id` of the held catalogue is sold by fractions (by
/// weight); `None` when the catalogue does not hold it. One row is read,
/// not the whole catalogue.
pub fn sold_by_fraction(store: &Store, id: i32) -> anyhow::Result<Option<bool>> {
    Ok(store
        .conn()
        .query_row("SELECT fractional FROM products WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The version held and its ETag.
pub fn held_version(store: &Store) -> anyhow::Result<Option<(i64, Option<String>)>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT version, etag FROM catalogue_meta WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Fetches what changed since the version held (everything the first
/// time) and stores it.
pub fn refresh(
    store: &mut Store,
    server: &Server,
    auth: &Auth,
    outlet_id: i32,
) -> Result<Refresh, SendError> {
    let held = held_version(store).map_err(|e| SendError::Transient(e.to_string()))?;
    let (since, etag) = match &held {
        Some((v, tag)) => (Some(*v), tag.as_deref()),
        None => (None, None),
    };
    match server.catalogue(auth, outlet_id, since, etag)? {
        CatalogueAnswer::NotModified => Ok(Refresh::Unchanged(since.unwrap_or(0))),
        CatalogueAnswer::Changed(cat, tag, public_url) => {
            save(store, &cat, tag.as_deref()).map_err(|e| SendError::Transient(e.to_string()))?;
            crate::config::remember_public_url(store, public_url)
                .map_err(|e| SendError::Transient(e.to_string()))?;
            Ok(if cat.full {
                Refresh::Snapshot {
                    version: cat.version,
                    products: cat.products.len(),
                }
            } else {
                Refresh::Delta {
                    version: cat.version,
                    changed: cat.products.len(),
                    removed: cat.removed.len(),
                }
            })
        }
    }
}

/// A stored product column that does not read back as its type (only a
/// damaged store: the columns are written from the typed product).
fn unreadable(column: usize, e: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        e.to_string().into(),
    )
}

/// The catalogue in memory, indexed.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub version: Option<i64>,
    pub outlet: Option<TillOutlet>,
    /// Lots the inspectors recalled: never sold (the server's list, kept
    /// with the catalogue).
    pub recalled: Vec<RecalledLot>,
    products: Vec<Product>,
    keys: Vec<String>,
    by_id: HashMap<i32, usize>,
    by_gtin: HashMap<String, usize>,
    by_code: HashMap<String, usize>,
}

/// What a scan found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'a> {
    pub product: &'a Product,
    /// The lot named by a provenance QR label.
    pub lot: Option<String>,
    /// The serial of a provenance QR label (bound to the sale on the server).
    pub serial: Option<Serial>,
}

impl Catalogue {
    /// Reads the stored catalogue and builds the indexes.
    pub fn load(store: &Store) -> anyhow::Result<Catalogue> {
        let meta: Option<(i64, String)> = store
            .conn()
            .query_row(
                "SELECT version, outlet_json FROM catalogue_meta WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let mut stmt = store.conn().prepare(
            "SELECT id, name, gtin, code, price, vat, unit, fractional, producer_id, grp, stars,
                    status, warning FROM products ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Product {
                id: r.get(0)?,
                name: r.get(1)?,
                gtin: r
                    .get::<_, Option<String>>(2)?
                    .map(|g| Gtin::parse(&g).map_err(|e| unreadable(2, e)))
                    .transpose()?,
                code: r.get(3)?,
                price: Dong::new(r.get(4)?),
                vat: r
                    .get::<_, String>(5)?
                    .parse::<VatRate>()
                    .map_err(|e| unreadable(5, e))?,
                unit: r.get(6)?,
                fractional: r.get(7)?,
                producer_id: r.get(8)?,
                group: r.get(9)?,
                stars: r.get(10)?,
                status: {
                    let code: String = r.get(11)?;
                    SellStatus::from_code(&code)
                        .ok_or_else(|| unreadable(11, format!("unknown status {code:?}")))?
                },
                warning: r.get(12)?,
            })
        })?;
        let products = rows.collect::<Result<Vec<_>, _>>()?;
        let mut cat = Catalogue::from_products(products);
        cat.recalled = get_in(store.conn(), RECALLED_KEY)?.unwrap_or_default();
        if let Some((version, outlet)) = meta {
            cat.version = Some(version);
            cat.outlet = Some(serde_json::from_str(&outlet)?);
        }
        Ok(cat)
    }

    pub fn from_products(products: Vec<Product>) -> Catalogue {
        let mut cat = Catalogue {
            keys: products.iter().map(|p| search_key(&p.name)).collect(),
            ..Catalogue::default()
        };
        for (i, p) in products.iter().enumerate() {
            cat.by_id.insert(p.id, i);
            if let Some(g) = &p.gtin {
                cat.by_gtin.insert(g.as_str14().to_owned(), i);
            }
            if let Some(c) = &p.code {
                cat.by_code.insert(c.clone(), i);
            }
        }
        cat.products = products;
        cat
    }

    /// Every product, in id order.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    pub fn len(&self) -> usize {
        self.products.len()
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    pub fn by_id(&self, id: i32) -> Option<&Product> {
        self.by_id.get(&id).and_then(|&i| self.products.get(i))
    }

    /// The recall of this product's lot, if the lot is recalled.
    pub fn recall_of(&self, product_id: i32, lot: Option<&str>) -> Option<&RecalledLot> {
        let lot = lot?;
        self.recalled
            .iter()
            .find(|r| r.product_id == product_id && r.lot_code == lot)
    }

    /// Refuses a recalled lot, with the words the cashier reads.
    pub fn check_not_recalled(&self, product_id: i32, lot: Option<&str>) -> Result<(), Refusal> {
        match self.recall_of(product_id, lot) {
            None => Ok(()),
            Some(r) => {
                let name = self.by_id(product_id).map_or("?", |p| p.name.as_str());
                Err(Refusal::conflict(
                    "recalled_lot",
                    format!(
                        "KHÔNG BÁN: lô {} của {name} đã bị thu hồi ({}). Để riêng sản phẩm và báo quản lý.",
                        r.lot_code, r.reason
                    ),
                    format!(
                        "DO NOT SELL: lot {} of {name} has been recalled ({}). Set the item aside and tell the manager.",
                        r.lot_code, r.reason
                    ),
                ))
            }
        }
    }

    /// The product a scanner (or a typed code) names.
    pub fn scan(&self, input: &str) -> anyhow::Result<Option<Found<'_>>> {
        let at = |i: Option<&usize>| i.and_then(|&i| self.products.get(i));
        Ok(match ScanInput::classify(input)? {
            ScanInput::Gtin(g) => at(self.by_gtin.get(g.as_str14())).map(|product| Found {
                product,
                lot: None,
                serial: None,
            }),
            ScanInput::DigitalLink(link) => {
                at(self.by_gtin.get(link.gtin.as_str14())).map(|product| Found {
                    product,
                    lot: link.lot.map(|l| l.as_str().to_owned()),
                    serial: link.serial,
                })
            }
            ScanInput::Internal(code) => at(self.by_code.get(&code)).map(|product| Found {
                product,
                lot: None,
                serial: None,
            }),
        })
    }

    /// Products whose name contains every word typed, ignoring
    /// diacritics and case; at most `limit`, in catalogue order.
    pub fn search(&self, typed: &str, limit: usize) -> Vec<&Product> {
        let key = search_key(typed);
        let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Vec::new();
        }
        self.keys
            .iter()
            .zip(&self.products)
            .filter(|(k, _)| words.iter().all(|w| k.contains(w)))
            .map(|(_, p)| p)
            .take(limit)
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests;
