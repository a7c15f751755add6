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
//!   whose producer is suspended (goods still in people's hands).
//!
//! Each signal carries its explanation in words, Vietnamese and English.
//! Location signals ("scanned far from every outlet holding it") need
//! scan locations, which are only kept when a person shares them; they are
//! not computed yet.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::schema::{label_scans, labels, sale_line_serials};

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
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Signal {
    /// `never_issued`, `scan_count_high` or `recalled_or_suspended`.
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
    Ok(out)
}
