//! Issuing labels for a lot, idempotently per request: a request id names
//! one batch; sending the same request again returns the labels issued the
//! first time, and reusing the id for another lot, outlet or count is
//! refused. Each label gets a fresh 65-bit random serial
//! (`ocop_core::provenance`), unique across every product.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::digital_link::{Lot as LotCode, Serial};
use ocop_core::gtin::Gtin;
use ocop_core::provenance::{label_uri, serial_from_entropy};
use ocop_core::refusal::Refusal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::DbConn;
use crate::db::schema::{label_batches, labels, lots, outlets, products};
use crate::models::error::{ModelError, refuse};

/// Most labels one request may issue (a pallet of a lot, not a print run
/// of a year).
pub const MAX_LABELS_PER_REQUEST: i32 = 1000;

/// `POST /api/v1/labels`: issue `count` labels for a lot at an outlet.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// Chosen by the client; sending the same id again returns the same labels.
    pub request_id: Uuid,
    pub lot_id: i32,
    pub outlet_id: i32,
    /// 1–1000.
    pub count: i32,
}

/// One issued label and the URI its QR code holds.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IssuedLabel {
    pub serial: String,
    pub uri: String,
}

/// A batch of labels issued by one request.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LabelBatch {
    pub id: i32,
    pub request_id: String,
    pub product_id: i32,
    pub lot_id: i32,
    /// Empty for goods without a lot.
    pub lot_code: String,
    pub expires_on: Option<NaiveDate>,
    pub outlet_id: i32,
    pub issued_by: i32,
    pub issued_at: DateTime<Utc>,
    pub labels: Vec<IssuedLabel>,
}

#[derive(Queryable)]
struct BatchRow {
    id: i32,
    request_id: String,
    product_id: i32,
    lot_id: i32,
    outlet_id: i32,
    label_count: i32,
    issued_by: i32,
    issued_at: NaiveDateTime,
}

fn count_refusal() -> Refusal {
    Refusal::invalid(
        "invalid_label_count",
        format!("Số tem phải từ 1 đến {MAX_LABELS_PER_REQUEST}."),
        format!("The number of labels must be 1 to {MAX_LABELS_PER_REQUEST}."),
    )
    .on_field("count")
}

/// Issues the labels (or returns those a previous identical request
/// issued, with `false`). `entropy` gives 128 random bits per serial.
pub fn issue(
    conn: &mut DbConn,
    req: &IssueRequest,
    by: i32,
    base: &str,
    mut entropy: impl FnMut() -> u128,
) -> Result<(LabelBatch, bool), ModelError> {
    let request_id = req.request_id.to_string();
    if let Some(existing) = find_batch_by_request(conn, &request_id)? {
        if (existing.lot_id, existing.outlet_id, existing.label_count)
            != (req.lot_id, req.outlet_id, req.count)
        {
            return refuse(Refusal::conflict(
                "request_id_reused",
                "Mã yêu cầu này đã được dùng để in tem cho lô, điểm bán hoặc số lượng khác.",
                "This request id was already used for another lot, outlet or count.",
            ));
        }
        return Ok((load_batch(conn, existing.id, base)?, false));
    }
    if !(1..=MAX_LABELS_PER_REQUEST).contains(&req.count) {
        return refuse(count_refusal());
    }
    let product_id = crate::models::stock::lot::product_of(conn, req.lot_id)?;
    let outlet_known = outlets::table
        .find(req.outlet_id)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !outlet_known {
        return refuse(
            Refusal::not_found(
                "unknown_outlet",
                "Không có điểm bán này.",
                "There is no such outlet.",
            )
            .on_field("outlet_id"),
        );
    }
    let now = Utc::now().naive_utc();
    let batch_id = diesel::insert_into(label_batches::table)
        .values((
            label_batches::request_id.eq(&request_id),
            label_batches::product_id.eq(product_id),
            label_batches::lot_id.eq(req.lot_id),
            label_batches::outlet_id.eq(req.outlet_id),
            label_batches::label_count.eq(req.count),
            label_batches::issued_by.eq(by),
            label_batches::issued_at.eq(now),
        ))
        .returning(label_batches::id)
        .get_result::<i32>(conn)?;
    for _ in 0..req.count {
        let serial = serial_from_entropy(entropy());
        diesel::insert_into(labels::table)
            .values((
                labels::serial.eq(serial.as_str()),
                labels::batch_id.eq(batch_id),
                labels::product_id.eq(product_id),
                labels::lot_id.eq(req.lot_id),
                labels::outlet_id.eq(req.outlet_id),
                labels::issued_by.eq(by),
                labels::issued_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok((load_batch(conn, batch_id, base)?, true))
}

fn find_batch_by_request(conn: &mut DbConn, request_id: &str) -> QueryResult<Option<BatchRow>> {
    label_batches::table
        .filter(label_batches::request_id.eq(request_id))
        .first::<BatchRow>(conn)
        .optional()
}

/// The outlet a batch was issued for (who may see it is decided by that).
pub fn batch_outlet(conn: &mut DbConn, batch_id: i32) -> QueryResult<i32> {
    label_batches::table
        .find(batch_id)
        .select(label_batches::outlet_id)
        .first(conn)
}

/// A batch with its labels and their URIs on `base`.
pub fn load_batch(conn: &mut DbConn, batch_id: i32, base: &str) -> QueryResult<LabelBatch> {
    let row: BatchRow = label_batches::table.find(batch_id).first(conn)?;
    let (lot_code, expires_on): (String, Option<NaiveDate>) = lots::table
        .find(row.lot_id)
        .select((lots::lot_code, lots::expires_on))
        .first(conn)?;
    let gtin: Option<String> = products::table
        .find(row.product_id)
        .select(products::gtin)
        .first(conn)?;
    let serials: Vec<String> = labels::table
        .filter(labels::batch_id.eq(batch_id))
        .order(labels::id)
        .select(labels::serial)
        .load(conn)?;
    let gtin = gtin.and_then(|g| Gtin::parse(&g).ok());
    // Stored lot codes were checked as AI 10 on the way in; "" is "no lot".
    let lot = LotCode::parse(&lot_code).ok();
    let labels = serials
        .into_iter()
        .filter_map(|s| {
            let serial = Serial::parse(&s).ok()?;
            let uri = label_uri(base, gtin.as_ref(), lot.as_ref(), &serial, expires_on);
            Some(IssuedLabel { serial: s, uri })
        })
        .collect();
    Ok(LabelBatch {
        id: row.id,
        request_id: row.request_id,
        product_id: row.product_id,
        lot_id: row.lot_id,
        lot_code,
        expires_on,
        outlet_id: row.outlet_id,
        issued_by: row.issued_by,
        issued_at: row.issued_at.and_utc(),
        labels,
    })
}

/// A label as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = labels)]
pub struct Label {
    pub id: i32,
    pub serial: String,
    pub batch_id: i32,
    pub product_id: i32,
    pub lot_id: i32,
    pub outlet_id: i32,
    pub issued_by: i32,
    pub issued_at: NaiveDateTime,
}

pub fn find_by_serial(conn: &mut DbConn, serial: &str) -> QueryResult<Option<Label>> {
    labels::table
        .filter(labels::serial.eq(serial))
        .select(Label::as_select())
        .first(conn)
        .optional()
}

/// Stores the serials a till scanned for each line of a newly stored sale
/// (all of them, as sent), and binds each issued label of the line's
/// product that no sale holds yet to this sale, outlet and time. A serial
/// never issued, of another product, or already sold stays recorded in
/// `sale_line_serials` only (the inspectors' signals read it).
pub fn bind_sale(conn: &mut DbConn, sale_id: i32, sale: &ocop_core::sale::Sale) -> QueryResult<()> {
    use crate::db::schema::{label_sales, sale_line_serials};
    for line in &sale.lines {
        let line_no = i32::try_from(line.line_no).unwrap_or(i32::MAX);
        for serial in &line.serials {
            diesel::insert_into(sale_line_serials::table)
                .values((
                    sale_line_serials::sale_id.eq(sale_id),
                    sale_line_serials::line_no.eq(line_no),
                    sale_line_serials::serial.eq(serial.as_str()),
                ))
                .execute(conn)?;
            let Some(label) = find_by_serial(conn, serial.as_str())? else {
                continue;
            };
            let sold = label_sales::table
                .filter(label_sales::label_id.eq(label.id))
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if label.product_id != line.product_id || sold {
                continue;
            }
            diesel::insert_into(label_sales::table)
                .values((
                    label_sales::label_id.eq(label.id),
                    label_sales::sale_id.eq(sale_id),
                    label_sales::line_no.eq(line_no),
                    label_sales::outlet_id.eq(sale.outlet_id),
                    label_sales::sold_at.eq(sale.sold_at.naive_utc()),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The serials stored for each line of a sale, in the order sent.
pub fn serials_of_sale(
    conn: &mut DbConn,
    sale_id: i32,
) -> QueryResult<std::collections::HashMap<i32, Vec<Serial>>> {
    use crate::db::schema::sale_line_serials;
    let rows: Vec<(i32, String)> = sale_line_serials::table
        .filter(sale_line_serials::sale_id.eq(sale_id))
        .order(sale_line_serials::id)
        .select((sale_line_serials::line_no, sale_line_serials::serial))
        .load(conn)?;
    let mut out: std::collections::HashMap<i32, Vec<Serial>> = std::collections::HashMap::new();
    for (line_no, s) in rows {
        // Stored from a checked `Serial`.
        if let Ok(serial) = Serial::parse(&s) {
            out.entry(line_no).or_default().push(serial);
        }
    }
    Ok(out)
}
