//! What the public page shows for a GS1 Digital Link path or an own label
//! path: the product and its producer, the lot, the label's status in plain
//! words, and the outlets that have the product in stock. Read-only; the
//! handler records the scan in the same transaction.

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
    pub name: String,
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

fn stockists(conn: &mut DbConn, product_id: i32) -> QueryResult<Vec<Stockist>> {
    // Summed here: SUM(BIGINT) is NUMERIC on PostgreSQL, which diesel's
    // two-backend connection cannot read.
    let all: Vec<(i32, i64)> = stock_on_hand::table
        .filter(stock_on_hand::product_id.eq(product_id))
        .select((stock_on_hand::outlet_id, stock_on_hand::qty_milli))
        .load(conn)?;
    let mut rows = std::collections::BTreeMap::<i32, i64>::new();
    for (o, q) in all {
        *rows.entry(o).or_default() += q;
    }
    let ids: Vec<i32> = rows
        .iter()
        .filter(|(_, q)| **q > 0)
        .map(|(o, _)| *o)
        .collect();
    let found: Vec<Outlet> = outlets::table
        .filter(outlets::id.eq_any(&ids))
        .filter(outlets::active.eq(true))
        .order(outlets::name)
        .select(Outlet::as_select())
        .load(conn)?;
    let mut out = Vec::with_capacity(found.len());
    for o in found {
        out.push(Stockist {
            district: district_name(conn, &o.district_code)?,
            name: o.name,
            address: o.address,
        });
    }
    Ok(out)
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
