//! E-invoice data of stored sales (the core's `ocop-pos/einvoice/v1`) and a
//! day's export per outlet (`ocop-pos/einvoice-day/v1`).
//!
//! Numbering, derived from the journal so nothing new has to be kept in
//! step: form `1` (VAT invoice); symbol `C<yy>M` + two letters naming the
//! till (`AA` for till 0, `AB` for 1, … base 26); number = the sale's rank
//! among its till's sales of that Vietnamese year, in receipt order — gapless
//! per symbol and year because sales are never deleted and refunds (which
//! share the receipt sequence) are not counted.

use chrono::{Datelike as _, NaiveDate};
use diesel::prelude::*;
use ocop_core::money::MoneyError;
use ocop_core::sale::Sale;
use ocop_core::sale::einvoice::{
    DayExport, EInvoice, InvoiceNumbering, Seller, day_export, einvoice_for_sale,
};
use ocop_core::tax_code::TaxCode;
use ocop_core::time::{vn_date, vn_day_bounds};

use super::store::{self, SaleRow};
use crate::db::DbConn;
use crate::db::schema::sales;
use crate::models::error::ModelError;
use crate::models::outlet;

fn invalid(e: &dyn ocop_core::i18n::UserError) -> ModelError {
    ModelError::Refused(e.refusal())
}

/// Two letters for a till: base 26, `AA`, `AB`, … `ZZ`, then around again.
fn till_letters(till_id: i32) -> String {
    let n = u32::try_from(till_id.rem_euclid(676)).unwrap_or(0);
    let letter = |k: u32| char::from_u32(u32::from(b'A') + k).unwrap_or('A');
    [letter(n / 26), letter(n % 26)].iter().collect()
}

fn seller(conn: &mut DbConn, outlet_id: i32) -> Result<Seller, ModelError> {
    let o = outlet::find(conn, outlet_id)?;
    Ok(Seller {
        name: o.legal_name,
        tax_code: TaxCode::parse(&o.tax_code).map_err(|e| invalid(&e))?,
        address: o.address,
        phone: Some(o.phone).filter(|p| !p.trim().is_empty()),
    })
}

/// The e-invoice data of one stored sale.
pub fn for_sale(conn: &mut DbConn, row: &SaleRow) -> Result<EInvoice, ModelError> {
    let sale = store::load(conn, row)?;
    invoice_of(conn, row, &sale)
}

fn invoice_of(conn: &mut DbConn, row: &SaleRow, sale: &Sale) -> Result<EInvoice, ModelError> {
    if !sale.in_bounds() {
        return Err(invalid(&MoneyError::AmountOutOfBounds {
            amount: sale.total,
        }));
    }
    let seller = seller(conn, row.outlet_id)?;
    let day = vn_date(sale.sold_at);
    let year = day.year();
    let (year_start, _) = vn_day_bounds(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(day));
    let number: i64 = sales::table
        .filter(sales::till_id.eq(row.till_id))
        .filter(sales::receipt_no.le(row.receipt_no))
        .filter(sales::sold_at.ge(year_start.naive_utc()))
        .count()
        .get_result(conn)?;
    let numbering = InvoiceNumbering {
        form: 1,
        symbol: format!("C{:02}M{}", year.rem_euclid(100), till_letters(row.till_id)),
        number: u32::try_from(number).unwrap_or(u32::MAX),
    };
    // A buyer who asked for a VAT invoice on the online receipt is named.
    let buyer = super::vat_request::find(conn, row.id)?.map(|r| r.buyer());
    einvoice_for_sale(sale, &seller, buyer.as_ref(), &numbering).map_err(|e| invalid(&e))
}

/// Every sale of an outlet on a Vietnamese calendar day, as e-invoice data.
pub fn day(conn: &mut DbConn, outlet_id: i32, day: NaiveDate) -> Result<DayExport, ModelError> {
    let (start, end) = vn_day_bounds(day);
    let rows: Vec<SaleRow> = sales::table
        .filter(sales::outlet_id.eq(outlet_id))
        .filter(sales::sold_at.ge(start.naive_utc()))
        .filter(sales::sold_at.lt(end.naive_utc()))
        .order((sales::till_id, sales::receipt_no))
        .select(SaleRow::as_select())
        .load(conn)?;
    let mut invoices = Vec::with_capacity(rows.len());
    let mut out_of_bounds = Vec::new();
    for r in &rows {
        let sale = store::load(conn, r)?;
        if sale.in_bounds() {
            invoices.push(invoice_of(conn, r, &sale)?);
        } else {
            out_of_bounds.push(sale.receipt_ref());
        }
    }
    day_export(day, invoices, out_of_bounds).map_err(|e| invalid(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn till_letters_count_in_base_26() {
        assert_eq!(till_letters(0), "AA");
        assert_eq!(till_letters(1), "AB");
        assert_eq!(till_letters(27), "BB");
        assert_eq!(till_letters(675), "ZZ");
        assert_eq!(till_letters(676), "AA");
    }
}
