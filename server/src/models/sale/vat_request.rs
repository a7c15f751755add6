//! Requests for a VAT invoice (hóa đơn GTGT) in a buyer's name, made by
//! the customer from the sale's online receipt (issue 14) and issued by
//! the outlet: stored against the sale, one per sale, listed for the
//! outlet's manager, and carried as the buyer of the sale's e-invoice
//! data (`einvoice`, the API's `/sales/{id}/einvoice` and the day's
//! export).
//!
//! The buyer is checked by the core ([`Buyer::request`]: name, address,
//! tax code format, e-mail shape), every problem at once; a refused
//! request stores nothing. A second request for the same sale is refused
//! (`vat_invoice_already_requested`): what the customer asked for first
//! is what the outlet sees.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::refusal::Refusal;
use ocop_core::sale::einvoice::Buyer;
use ocop_core::tax_code::TaxCode;

use super::store::SaleRow;
use crate::db::DbConn;
use crate::db::schema::{sales, vat_invoice_requests as vir};
use crate::models::error::ModelError;

/// A stored request.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = vir)]
pub struct VatRequest {
    pub id: i32,
    pub sale_id: i32,
    pub buyer_name: String,
    pub tax_code: String,
    pub address: String,
    pub email: String,
    pub requested_at: NaiveDateTime,
}

impl VatRequest {
    /// The buyer the e-invoice names.
    pub fn buyer(&self) -> Buyer {
        Buyer {
            name: self.buyer_name.clone(),
            tax_code: TaxCode::parse(&self.tax_code).ok(),
            address: Some(self.address.clone()),
            email: Some(self.email.clone()).filter(|e| !e.is_empty()),
        }
    }
}

/// What the form posts.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct VatRequestInput {
    pub buyer_name: String,
    pub tax_code: String,
    pub address: String,
    pub email: String,
}

/// Stores the request for `sale`, or says every problem with it.
pub fn create(
    conn: &mut DbConn,
    sale: &SaleRow,
    input: &VatRequestInput,
) -> Result<VatRequest, ModelError> {
    let buyer = Buyer::request(
        &input.buyer_name,
        &input.tax_code,
        &input.address,
        &input.email,
    )
    .map_err(ModelError::Invalid)?;
    if find(conn, sale.id)?.is_some() {
        return Err(already_requested());
    }
    let inserted = diesel::insert_into(vir::table)
        .values((
            vir::sale_id.eq(sale.id),
            vir::buyer_name.eq(&buyer.name),
            vir::tax_code.eq(buyer.tax_code.as_ref().map_or("", TaxCode::as_str)),
            vir::address.eq(buyer.address.as_deref().unwrap_or_default()),
            vir::email.eq(buyer.email.as_deref().unwrap_or_default()),
            vir::requested_at.eq(Utc::now().naive_utc()),
        ))
        .returning(vir::id)
        .get_result::<i32>(conn);
    match inserted {
        Ok(id) => Ok(vir::table
            .find(id)
            .select(VatRequest::as_select())
            .first(conn)?),
        // Two requests at once: the second meets the first's row.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Err(already_requested()),
        Err(e) => Err(e.into()),
    }
}

fn already_requested() -> ModelError {
    ModelError::Refused(Refusal::conflict(
        "vat_invoice_already_requested",
        "Đã có yêu cầu xuất hóa đơn GTGT cho phiếu này; điểm bán sẽ xuất theo yêu cầu đó.",
        "A VAT invoice was already requested for this receipt; the outlet issues that one.",
    ))
}

/// The request of sale `sale_id` (its row id), if one was made.
pub fn find(conn: &mut DbConn, sale_id: i32) -> QueryResult<Option<VatRequest>> {
    vir::table
        .filter(vir::sale_id.eq(sale_id))
        .select(VatRequest::as_select())
        .first(conn)
        .optional()
}

/// An outlet's requests, newest first, with the sale each is for.
pub fn for_outlet(
    conn: &mut DbConn,
    outlet_id: i32,
    limit: i64,
) -> QueryResult<Vec<(VatRequest, SaleRow)>> {
    vir::table
        .inner_join(sales::table)
        .filter(sales::outlet_id.eq(outlet_id))
        .order(vir::requested_at.desc())
        .limit(limit)
        .select((VatRequest::as_select(), SaleRow::as_select()))
        .load(conn)
}
