//! Signals for inspectors, computed from the scan log and from sales:
//!
//! - `never_issued`: a well-formed serial this system never issued, seen by
//!   the public resolver or sold at a till (the label was printed by
//!   someone else);
//! - `scan_count_high`: a label scanned far more often than a label of the
//!   same product usually is (at least `min_scans`, and at least
//!   `scan_factor` × the median count of that product's scanned labels) —
//!   a copied label is scanned by every buyer of every copy;
//! - `recalled_or_suspended`: scans of labels whose lot is recalled or
//!   whose producer is suspended (goods still in people's hands);
//! - `far_before_sale`: a label scanned, before any till sold it, at least
//!   `far_km` from every outlet that holds or held its lot (and the outlet
//!   it was issued for) — the goods should still be on one of their
//!   shelves, so the label (or a copy of it) is somewhere else;
//! - `far_after_sale`: a label scanned after it was sold, at least `far_km`
//!   from the outlet that sold it and from the place of the first scan
//!   after the sale (the buyer's) — one buyer's label turning up in a third
//!   place is what a copied label looks like.
//!
//! Only scans whose person chose to share a district have a place (the
//! district's centre, `ocop_core::place`); outlets without coordinates are
//! left out of the distances, and a label none of whose outlets has
//! coordinates gets no distance signal. Each signal carries its
//! explanation in words, Vietnamese and English, naming the places and
//! the distances.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ocop_core::place::{DISTRICT_CENTRES, Place};
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::schema::{
    districts, label_sales, label_scans, labels, outlets, sale_line_serials, stock_ledger,
};

/// Thresholds, with their defaults.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// A label is flagged from this many scans on (default 10).
    #[serde(default = "default_min_scans")]
    pub min_scans: i64,
    /// … and from this many times the median of its product (default 5).
    #[serde(default = "default_factor")]
    pub scan_factor: i64,
    /// A scan is far from a place from this many kilometres on (default
    /// 30: more than the distance between neighbouring district towns).
    #[serde(default = "default_far_km")]
    pub far_km: f64,
}

fn default_far_km() -> f64 {
    30.0
}

fn default_min_scans() -> i64 {
    10
}
fn default_factor() -> i64 {
    5
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_scans: default_min_scans(),
            scan_factor: default_factor(),
            far_km: default_far_km(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Signal {
    /// `never_issued`, `scan_count_high`, `recalled_or_suspended`,
    /// `far_before_sale` or `far_after_sale`.
    pub kind: &'static str,
    pub serial: String,
    pub label_id: Option<i32>,
    pub product_id: Option<i32>,
    pub count: i64,
    pub explanation_vi: String,
    pub explanation_en: String,
}

pub fn compute(conn: &mut DbConn, t: &Thresholds) -> QueryResult<Vec<Signal>> {
    let mut out = Vec::new();
    // Never issued: resolver scans and till sales.
    let forged: Vec<(Option<String>, Option<i32>)> = label_scans::table
        .filter(label_scans::status.eq("not_registered"))
        .select((label_scans::serial, label_scans::product_id))
        .load(conn)?;
    let mut seen: BTreeMap<String, (Option<i32>, i64)> = BTreeMap::new();
    for (serial, product) in forged {
        if let Some(s) = serial {
            let e = seen.entry(s).or_insert((product, 0));
            e.1 += 1;
        }
    }
    for (serial, (product_id, count)) in seen {
        out.push(Signal {
            kind: "never_issued",
            explanation_vi: format!(
                "Số sê-ri {serial} chưa từng được cấp nhưng đã được quét {count} lần: có tem in giả đang lưu hành."
            ),
            explanation_en: format!(
                "Serial {serial} was never issued but was scanned {count} times: forged labels are in circulation."
            ),
            serial,
            label_id: None,
            product_id,
            count,
        });
    }
    let sold: Vec<String> = sale_line_serials::table
        .left_join(labels::table.on(labels::serial.eq(sale_line_serials::serial)))
        .filter(labels::id.is_null())
        .select(sale_line_serials::serial)
        .load(conn)?;
    for serial in sold {
        out.push(Signal {
            kind: "never_issued",
            explanation_vi: format!(
                "Một máy bán hàng đã bán hàng mang tem số {serial}, số này chưa từng được cấp: hàng có thể đã vào điểm bán qua đường khác."
            ),
            explanation_en: format!(
                "A till sold goods carrying label {serial}, which was never issued: the goods may have entered the outlet another way."
            ),
            serial,
            label_id: None,
            product_id: None,
            count: 1,
        });
    }
    // Counts per label, against the median of its product.
    let rows: Vec<(i32, i32, String, String)> = label_scans::table
        .inner_join(labels::table.on(labels::id.nullable().eq(label_scans::label_id)))
        .select((
            labels::id,
            labels::product_id,
            labels::serial,
            label_scans::status,
        ))
        .load(conn)?;
    let mut per_label: BTreeMap<i32, (i32, String, i64, i64)> = BTreeMap::new();
    for (id, product, serial, status) in rows {
        let e = per_label.entry(id).or_insert((product, serial, 0, 0));
        e.2 += 1;
        if matches!(status.as_str(), "recalled_lot" | "producer_suspended") {
            e.3 += 1;
        }
    }
    let mut per_product: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for (product, _, count, _) in per_label.values() {
        per_product.entry(*product).or_default().push(*count);
    }
    let median = |v: &mut Vec<i64>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    };
    let medians: BTreeMap<i32, i64> = per_product
        .into_iter()
        .map(|(p, mut v)| (p, median(&mut v)))
        .collect();
    for (id, (product, serial, count, bad)) in per_label {
        let m = medians.get(&product).copied().unwrap_or(0);
        if count >= t.min_scans && count >= t.scan_factor.saturating_mul(m) {
            out.push(Signal {
                kind: "scan_count_high",
                explanation_vi: format!(
                    "Tem {serial} đã được quét {count} lần, trong khi tem cùng sản phẩm thường được quét {m} lần (ngưỡng: ít nhất {} lần và {} lần mức thường gặp): tem có thể đã bị sao chép.",
                    t.min_scans, t.scan_factor
                ),
                explanation_en: format!(
                    "Label {serial} was scanned {count} times, while labels of the same product are usually scanned {m} times (threshold: at least {} and {}× the usual): the label may have been copied.",
                    t.min_scans, t.scan_factor
                ),
                serial: serial.clone(),
                label_id: Some(id),
                product_id: Some(product),
                count,
            });
        }
        if bad > 0 {
            out.push(Signal {
                kind: "recalled_or_suspended",
                explanation_vi: format!(
                    "Tem {serial} được quét {bad} lần sau khi lô bị thu hồi hoặc chủ thể bị đình chỉ: hàng vẫn còn trong tay người mua hoặc trên kệ."
                ),
                explanation_en: format!(
                    "Label {serial} was scanned {bad} times after its lot was recalled or its producer suspended: the goods are still with buyers or on shelves."
                ),
                serial,
                label_id: Some(id),
                product_id: Some(product),
                count: bad,
            });
        }
    }
    distance_signals(conn, t, &mut out)?;
    Ok(out)
}

/// A place to name in an explanation: an outlet, a shared district, or a
/// scan's place.
#[derive(Debug, Clone)]
struct Named {
    name: String,
    at: Place,
}

fn km(d: f64) -> String {
    format!("{d:.0} km")
}

/// The name of the district whose centre a scan was logged at.
fn scan_place_name(at: Place, names: &BTreeMap<String, String>) -> String {
    DISTRICT_CENTRES
        .iter()
        .find(|(_, la, lo)| Place::new(*la, *lo).is_some_and(|c| c.km_to(at) < 1.0))
        .and_then(|(code, _, _)| names.get(*code).cloned())
        .unwrap_or_else(|| format!("{:.2}, {:.2}", at.latitude, at.longitude))
}

/// The nearest of `places` to `at`, with its distance.
fn nearest(at: Place, places: &[Named]) -> Option<(&Named, f64)> {
    places
        .iter()
        .map(|p| (p, p.at.km_to(at)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// `far_before_sale` and `far_after_sale`.
fn distance_signals(conn: &mut DbConn, t: &Thresholds, out: &mut Vec<Signal>) -> QueryResult<()> {
    // Scans with a place, per label, oldest first.
    let located: Vec<(i32, NaiveDateTime, Option<f64>, Option<f64>)> = label_scans::table
        .filter(label_scans::label_id.is_not_null())
        .filter(label_scans::latitude.is_not_null())
        .filter(label_scans::longitude.is_not_null())
        .order((label_scans::scanned_at, label_scans::id))
        .select((
            label_scans::label_id.assume_not_null(),
            label_scans::scanned_at,
            label_scans::latitude,
            label_scans::longitude,
        ))
        .load(conn)?;
    let mut per_label: BTreeMap<i32, Vec<(NaiveDateTime, Place)>> = BTreeMap::new();
    for (label, at, la, lo) in located {
        if let Some(p) = la.zip(lo).and_then(|(la, lo)| Place::new(la, lo)) {
            per_label.entry(label).or_default().push((at, p));
        }
    }
    if per_label.is_empty() {
        return Ok(());
    }
    let ids: Vec<i32> = per_label.keys().copied().collect();
    let label_rows: Vec<(i32, String, i32, i32, i32)> = labels::table
        .filter(labels::id.eq_any(&ids))
        .select((
            labels::id,
            labels::serial,
            labels::product_id,
            labels::lot_id,
            labels::outlet_id,
        ))
        .load(conn)?;
    // The first sale of each label: outlet and time.
    let sales: Vec<(i32, i32, NaiveDateTime)> = label_sales::table
        .filter(label_sales::label_id.eq_any(&ids))
        .order(label_sales::sold_at)
        .select((
            label_sales::label_id,
            label_sales::outlet_id,
            label_sales::sold_at,
        ))
        .load(conn)?;
    let mut first_sale: BTreeMap<i32, (i32, NaiveDateTime)> = BTreeMap::new();
    for (label, outlet, at) in sales {
        first_sale.entry(label).or_insert((outlet, at));
    }
    // Outlets with coordinates, and which of them hold or held each lot.
    let outlet_rows: Vec<(i32, String, Option<f64>, Option<f64>)> = outlets::table
        .select((
            outlets::id,
            outlets::name,
            outlets::latitude,
            outlets::longitude,
        ))
        .load(conn)?;
    let outlet_at: BTreeMap<i32, Named> = outlet_rows
        .into_iter()
        .filter_map(|(id, name, la, lo)| {
            let at = la.zip(lo).and_then(|(la, lo)| Place::new(la, lo))?;
            Some((id, Named { name, at }))
        })
        .collect();
    let lot_ids: Vec<i32> = label_rows.iter().map(|r| r.3).collect();
    let held: Vec<(i32, i32)> = stock_ledger::table
        .filter(stock_ledger::lot_id.eq_any(&lot_ids))
        .select((stock_ledger::lot_id, stock_ledger::outlet_id))
        .distinct()
        .load(conn)?;
    let mut holders: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
    for (lot, outlet) in held {
        holders.entry(lot).or_default().push(outlet);
    }
    let names: BTreeMap<String, String> = districts::table
        .select((districts::code, districts::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();

    for (id, serial, product, lot, issued_for) in label_rows {
        let Some(scans) = per_label.get(&id) else {
            continue;
        };
        let sale = first_sale.get(&id).copied();
        // Before the sale (or never sold): far from every holder.
        let mut holding: Vec<i32> = holders.get(&lot).cloned().unwrap_or_default();
        holding.push(issued_for);
        holding.sort_unstable();
        holding.dedup();
        let shelves: Vec<Named> = holding
            .iter()
            .filter_map(|o| outlet_at.get(o).cloned())
            .collect();
        let before: Vec<&(NaiveDateTime, Place)> = scans
            .iter()
            .filter(|(at, _)| sale.is_none_or(|(_, sold)| *at < sold))
            .collect();
        let far_before: Vec<(Place, &Named, f64)> = before
            .iter()
            .filter_map(|(_, p)| nearest(*p, &shelves).map(|(n, d)| (*p, n, d)))
            .filter(|(_, _, d)| *d >= t.far_km)
            .collect();
        if let Some((p, shelf, d)) = far_before.first() {
            let place = scan_place_name(*p, &names);
            let count = i64::try_from(far_before.len()).unwrap_or(i64::MAX);
            out.push(Signal {
                kind: "far_before_sale",
                explanation_vi: format!(
                    "Tem {serial} chưa được bán nhưng đã được quét {count} lần ở nơi cách mọi điểm bán đang giữ lô hàng từ {} trở lên (ví dụ ở {place}, cách điểm gần nhất là {} {}): hàng lẽ ra vẫn còn trên kệ, nên tem hoặc bản sao của tem đang ở nơi khác.",
                    km(t.far_km), shelf.name, km(*d)
                ),
                explanation_en: format!(
                    "Label {serial} has not been sold but was scanned {count} times at least {} from every outlet holding its lot (e.g. in {place}, {} from the nearest, {}): the goods should still be on a shelf, so the label or a copy of it is elsewhere.",
                    km(t.far_km), km(*d), shelf.name
                ),
                serial: serial.clone(),
                label_id: Some(id),
                product_id: Some(product),
                count,
            });
        }
        // After the sale: far from the selling outlet and the buyer's
        // first scan.
        let Some((sold_by, sold_at)) = sale else {
            continue;
        };
        let mut after = scans.iter().filter(|(at, _)| *at >= sold_at);
        let Some((_, buyer)) = after.next() else {
            continue;
        };
        let Some(seller) = outlet_at.get(&sold_by) else {
            continue;
        };
        let far_after: Vec<(Place, f64, f64)> = after
            .map(|(_, p)| (*p, seller.at.km_to(*p), buyer.km_to(*p)))
            .filter(|(_, ds, db)| *ds >= t.far_km && *db >= t.far_km)
            .collect();
        if let Some((p, ds, db)) = far_after.first() {
            let place = scan_place_name(*p, &names);
            let buyer_place = scan_place_name(*buyer, &names);
            let count = i64::try_from(far_after.len()).unwrap_or(i64::MAX);
            out.push(Signal {
                kind: "far_after_sale",
                explanation_vi: format!(
                    "Tem {serial} đã bán tại {} ngày {}, người mua quét lần đầu ở {buyer_place}; sau đó tem được quét {count} lần ở nơi cách cả hai từ {} trở lên (ví dụ ở {place}: cách điểm bán {}, cách nơi người mua quét {}): tem có thể đã bị sao chép.",
                    seller.name,
                    ocop_core::time::format_vn(sold_at.and_utc()),
                    km(t.far_km),
                    km(*ds),
                    km(*db)
                ),
                explanation_en: format!(
                    "Label {serial} was sold at {} on {}, and the buyer first scanned it in {buyer_place}; it was then scanned {count} times at least {} from both (e.g. in {place}: {} from the outlet, {} from the buyer's scan): the label may have been copied.",
                    seller.name,
                    ocop_core::time::format_vn(sold_at.and_utc()),
                    km(t.far_km),
                    km(*ds),
                    km(*db)
                ),
                serial,
                label_id: Some(id),
                product_id: Some(product),
                count,
            });
        }
    }
    Ok(())
}
