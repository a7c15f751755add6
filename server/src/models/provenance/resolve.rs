//! What the public page shows for a GS1 Digital Link path or an own label
//! path: the product and its producer, the lot, the label's status in plain
//! words, and the outlets that have the product in stock. Read-only; the
//! handler records the scan in the same transaction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ocop_core::provenance::LabelStatus;

use crate::db::DbConn;
use crate::db::schema::{districts, label_sales, outlets, product_groups, stock_on_hand};
use crate::models::outlet::Outlet;
use crate::models::producer::{self, Producer};
use crate::models::product::{self, Product};
use crate::models::stock::lot::{self, Lot};

use super::label::{self, Label};
use super::recall::{self, Recall};
use super::scan;

/// What the path named, already checked for form.
#[derive(Debug, Clone)]
pub enum Asked {
    /// `/01/{gtin}[/10/{lot}][/21/{serial}]`.
    Gtin {
        gtin14: String,
        lot: Option<String>,
        serial: Option<String>,
    },
    /// `/l/{serial}`: a label of a product without a GTIN.
    Own { serial: String },
}

/// An outlet that has the product in stock.
#[derive(Debug, Clone)]
pub struct Stockist {
    pub outlet_id: i32,
    pub name: String,
    /// `showroom`, `rest_stop`, … (the outlet's kind code).
    pub kind: String,
    pub address: String,
    pub district: String,
}

/// Everything the page shows.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub product: Product,
    pub producer: Producer,
    pub producer_district: String,
    pub group_vi: String,
    pub group_en: String,
    pub lot: Option<Lot>,
    pub recall: Option<Recall>,
    /// A lot was named that this product does not have.
    pub lot_unknown: bool,
    pub label: Option<Label>,
    /// Set when a serial was asked for.
    pub status: Option<LabelStatus>,
    pub stockists: Vec<Stockist>,
}

/// Why nothing can be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    UnknownGtin,
    /// `/l/{serial}` with a serial never issued.
    UnknownSerial,
}

fn district_name(conn: &mut DbConn, code: &str) -> QueryResult<String> {
    Ok(districts::table
        .find(code)
        .select(districts::name)
        .first::<String>(conn)
        .optional()?
        .unwrap_or_else(|| code.to_owned()))
}

/// The active outlets that have each of `product_ids` (every product when
/// `None`) in stock now (lots under recall do not count), by product, each
/// list ordered by name. One pass over the stock rows: the public catalogue
/// asks for a whole page at once.
pub fn stockists_of(
    conn: &mut DbConn,
    product_ids: Option<&[i32]>,
) -> QueryResult<BTreeMap<i32, Vec<Stockist>>> {
    let recalled: BTreeSet<i32> = recall::recalled_lot_ids(conn)?.into_iter().collect();
    // Summed here: SUM(BIGINT) is NUMERIC on PostgreSQL, which diesel's
    // two-backend connection cannot read.
    let mut rows = stock_on_hand::table.into_boxed();
    if let Some(ids) = product_ids {
        rows = rows.filter(stock_on_hand::product_id.eq_any(ids));
    }
    let all: Vec<(i32, i32, i32, i64)> = rows
        .select((
            stock_on_hand::product_id,
            stock_on_hand::outlet_id,
            stock_on_hand::lot_id,
            stock_on_hand::qty_milli,
        ))
        .load(conn)?;
    let mut held = BTreeMap::<(i32, i32), i64>::new();
    for (p, o, lot, q) in all {
        if !recalled.contains(&lot) {
            *held.entry((p, o)).or_default() += q;
        }
    }
    let in_stock: Vec<(i32, i32)> = held
        .into_iter()
        .filter(|(_, q)| *q > 0)
        .map(|(k, _)| k)
        .collect();
    let outlet_ids: BTreeSet<i32> = in_stock.iter().map(|(_, o)| *o).collect();
    let found: Vec<(Outlet, String)> = outlets::table
        .inner_join(districts::table)
        .filter(outlets::id.eq_any(outlet_ids))
        .filter(outlets::active.eq(true))
        .order((outlets::name, outlets::id))
        .select((Outlet::as_select(), districts::name))
        .load(conn)?;
    let mut out = BTreeMap::<i32, Vec<Stockist>>::new();
    for (o, district) in &found {
        for (p, _) in in_stock.iter().filter(|(_, held_at)| *held_at == o.id) {
            out.entry(*p).or_default().push(Stockist {
                outlet_id: o.id,
                name: o.name.clone(),
                kind: o.kind.clone(),
                address: o.address.clone(),
                district: district.clone(),
            });
        }
    }
    Ok(out)
}

fn stockists(conn: &mut DbConn, product_id: i32) -> QueryResult<Vec<Stockist>> {
    Ok(stockists_of(conn, Some(&[product_id]))?
        .remove(&product_id)
        .unwrap_or_default())
}

/// The status of a label on this scan (before it is recorded).
fn label_status(
    conn: &mut DbConn,
    label: &Label,
    recall: Option<&Recall>,
    producer: &Producer,
) -> QueryResult<LabelStatus> {
    if let Some(r) = recall {
        return Ok(LabelStatus::RecalledLot {
            reason: r.reason.clone(),
        });
    }
    if producer.status == "suspended" {
        return Ok(LabelStatus::ProducerSuspended);
    }
    let (count, first) = scan::history_of_label(conn, label.id)?;
    let sold: Option<(String, NaiveDateTime)> = label_sales::table
        .inner_join(outlets::table.on(outlets::id.eq(label_sales::outlet_id)))
        .filter(label_sales::label_id.eq(label.id))
        .select((outlets::name, label_sales::sold_at))
        .first(conn)
        .optional()?;
    if let Some((outlet, at)) = sold {
        return Ok(LabelStatus::Sold {
            outlet,
            at: at.and_utc(),
            scans_before: count,
        });
    }
    Ok(match first {
        Some(since) if count > 0 => LabelStatus::GenuineScanned {
            count,
            since: since.and_utc(),
        },
        _ => LabelStatus::GenuineFirstScan,
    })
}

/// Resolves what was asked.
pub fn resolve(conn: &mut DbConn, asked: &Asked) -> Result<Resolved, ModelOrUnresolved> {
    let (product, lot_code, serial, label) = match asked {
        Asked::Gtin {
            gtin14,
            lot,
            serial,
        } => {
            let product = product::find_by_gtin(conn, gtin14)?
                .ok_or(ModelOrUnresolved::No(Unresolved::UnknownGtin))?;
            let label = match serial {
                Some(s) => label::find_by_serial(conn, s)?,
                None => None,
            };
            (product, lot.clone(), serial.clone(), label)
        }
        Asked::Own { serial } => {
            let label = label::find_by_serial(conn, serial)?
                .ok_or(ModelOrUnresolved::No(Unresolved::UnknownSerial))?;
            let product = product::find(conn, label.product_id)?;
            (product, None, Some(serial.clone()), Some(label))
        }
    };
    let producer = producer::find(conn, product.producer_id)?;
    let producer_district = district_name(conn, &producer.district_code)?;
    let (group_vi, group_en): (String, String) = product_groups::table
        .find(&product.group_code)
        .select((product_groups::name_vi, product_groups::name_en))
        .first(conn)
        .optional()?
        .unwrap_or_else(|| (product.group_code.clone(), product.group_code.clone()));
    // The label must be this product's, and of the lot the path names.
    let label = label.filter(|l| l.product_id == product.id);
    let label_lot = match &label {
        Some(l) => Some(lot::find(conn, l.lot_id)?),
        None => None,
    };
    let label = match (&label, &label_lot, &lot_code) {
        (Some(_), Some(ll), Some(code)) if &ll.lot_code != code => None,
        _ => label,
    };
    let (lot, lot_unknown) = match (&label, label_lot, &lot_code) {
        (Some(_), Some(ll), _) => (Some(ll), false),
        (_, _, Some(code)) => match lot::find_by_code(conn, product.id, code)? {
            Some(l) => (Some(l), false),
            None => (None, true),
        },
        _ => (None, false),
    };
    let recall = match &lot {
        Some(l) => recall::of_lot(conn, l.id)?,
        None => None,
    };
    let status = match (&serial, &label) {
        (None, _) => None,
        (Some(_), None) => Some(LabelStatus::NotRegistered),
        (Some(_), Some(l)) => Some(label_status(conn, l, recall.as_ref(), &producer)?),
    };
    let stockists = stockists(conn, product.id)?;
    Ok(Resolved {
        product,
        producer,
        producer_district,
        group_vi,
        group_en,
        lot,
        recall,
        lot_unknown,
        label,
        status,
        stockists,
    })
}

/// The database failed, or there is nothing to show.
#[derive(Debug)]
pub enum ModelOrUnresolved {
    Db(diesel::result::Error),
    No(Unresolved),
}

impl From<diesel::result::Error> for ModelOrUnresolved {
    fn from(e: diesel::result::Error) -> Self {
        ModelOrUnresolved::Db(e)
    }
}
