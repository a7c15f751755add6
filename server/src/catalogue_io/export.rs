//! Exporting producers and products in the import formats, as CSV or XLSX.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Deserialize;

use super::Kind;
use super::columns::{PRODUCER_COLUMNS, PRODUCT_COLUMNS};
use crate::db::DbConn;
use crate::db::schema::products;
use crate::models::producer;
use crate::models::product::Product;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Csv,
    Xlsx,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn flag(b: bool) -> String {
    if b { "1" } else { "0" }.to_owned()
}

/// The header and the rows, as text cells in the import column order.
pub fn rows(conn: &mut DbConn, kind: Kind) -> QueryResult<(Vec<&'static str>, Vec<Vec<String>>)> {
    match kind {
        Kind::Producers => {
            let list = producer::list(conn)?;
            let rows = list
                .into_iter()
                .map(|p| {
                    vec![
                        p.name,
                        p.kind,
                        opt(&p.tax_code),
                        p.district_code,
                        p.commune,
                        p.address,
                        p.contact_name,
                        p.phone,
                        opt(&p.bank_bin),
                        opt(&p.bank_account),
                        opt(&p.bank_holder),
                        p.status,
                    ]
                })
                .collect();
            Ok((PRODUCER_COLUMNS.to_vec(), rows))
        }
        Kind::Products => {
            let tax: HashMap<i32, Option<String>> = producer::list(conn)?
                .into_iter()
                .map(|p| (p.id, p.tax_code))
                .collect();
            let list: Vec<Product> = products::table
                .order(products::id)
                .select(Product::as_select())
                .load(conn)?;
            let rows = list
                .into_iter()
                .map(|p| {
                    let tax_code = tax.get(&p.producer_id).cloned().flatten();
                    // By tax code when there is one (portable between
                    // databases), else by id.
                    let id = if tax_code.is_some() {
                        String::new()
                    } else {
                        p.producer_id.to_string()
                    };
                    vec![
                        tax_code.unwrap_or_default(),
                        id,
                        p.name_vi,
                        opt(&p.name_en),
                        p.group_code,
                        p.stars.to_string(),
                        opt(&p.cert_number),
                        opt(&p.cert_level),
                        p.cert_issued_on.map(|d| d.to_string()).unwrap_or_default(),
                        p.cert_expires_on.map(|d| d.to_string()).unwrap_or_default(),
                        opt(&p.gtin),
                        opt(&p.internal_code),
                        p.unit,
                        flag(p.fractional),
                        p.vat_rate,
                        p.price.to_string(),
                        opt(&p.food_safety_ref),
                        flag(p.key_product),
                        p.description,
                        opt(&p.photo_url),
                        flag(p.active),
                        p.rating_score.map(|v| v.to_string()).unwrap_or_default(),
                        opt(&p.rating_decision_no),
                        p.rating_decision_on
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        opt(&p.rating_body),
                    ]
                })
                .collect();
            Ok((PRODUCT_COLUMNS.to_vec(), rows))
        }
    }
}

/// UTF-8 CSV with a byte-order mark, so Excel reads the Vietnamese right.
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(header)?;
        for r in rows {
            w.write_record(r)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// One worksheet, the header in bold, every cell as text (GTINs keep
/// their leading zeros).
pub fn to_xlsx(sheet: &str, header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    for (c, name) in header.iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(c)?, *name, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1)?;
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(r, u16::try_from(c)?, cell)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(wb.save_to_buffer()?)
}

/// The export of `kind` in `format`.
pub fn export(conn: &mut DbConn, kind: Kind, format: Format) -> anyhow::Result<Vec<u8>> {
    let (header, rows) = rows(conn, kind)?;
    match format {
        Format::Csv => to_csv(&header, &rows),
        Format::Xlsx => {
            let sheet = match kind {
                Kind::Producers => "producers",
                Kind::Products => "products",
            };
            to_xlsx(sheet, &header, &rows)
        }
    }
}
