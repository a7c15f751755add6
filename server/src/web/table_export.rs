//! One table, two downloads: the dashboard's and the oversight lists'
//! tables as CSV and XLSX from the same description (issue 17).
//!
//! A [`Table`] is a title, the filters that chose its rows (label, value),
//! the data's freshness (for rollup figures, the time they were computed
//! up to), typed columns and rows of [`Value`]s. Both files start with the
//! title, the filters and the freshness, then a blank line, the header and
//! the rows:
//!
//! - CSV: UTF-8 with a BOM (so Excel reads Vietnamese); numbers as plain
//!   machine numbers (`350000`, `1.5`), dates `YYYY-MM-DD`, times in
//!   Vietnam time `YYYY-MM-DD HH:MM:SS`; a text cell starting with `=`,
//!   `+`, `-` or `@` is prefixed with `'` (never a formula).
//! - XLSX: one sheet; money and quantities are numbers (đồng with a
//!   thousands format), dates and times are real dates (Vietnam time);
//!   text cells are strings (never formulas).

use actix_web::HttpResponse;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};
use ocop_core::i18n::Lang;
use ocop_core::money::Quantity;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::layout::t;

/// The media type of an XLSX workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// A count or an id.
    Int(i64),
    /// Whole đồng.
    Money(i64),
    /// Thousandths of a unit (weighed goods are fractional).
    Qty(i64),
    /// A ratio, shown with one decimal (a percentage: 12.5).
    Percent(f64),
    /// A Vietnam calendar day.
    Date(NaiveDate),
    /// An instant, written in Vietnam time.
    Time(DateTime<Utc>),
    Empty,
}

/// One column: a machine key (the CSV header, stable for programs) and
/// the heading shown in the XLSX file.
#[derive(Debug, Clone)]
pub struct Column {
    pub key: &'static str,
    pub heading: String,
}

impl Column {
    pub fn new(key: &'static str, heading: impl Into<String>) -> Column {
        Column {
            key,
            heading: heading.into(),
        }
    }
}

/// A table ready to download.
#[derive(Debug, Clone)]
pub struct Table {
    pub title: String,
    /// (label, value) of each applied filter, in the order shown.
    pub filters: Vec<(String, String)>,
    /// How fresh the data is; `None` when read live from the raw rows.
    pub as_of: Option<DateTime<Utc>>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
}

/// Which file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

impl FileKind {
    /// `csv` or `xlsx` from a URL's extension; anything else is `None`.
    pub fn from_ext(ext: &str) -> Option<FileKind> {
        match ext {
            "csv" => Some(FileKind::Csv),
            "xlsx" => Some(FileKind::Xlsx),
            _ => None,
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            FileKind::Csv => "csv",
            FileKind::Xlsx => "xlsx",
        }
    }
}

fn as_of_label(lang: Lang) -> &'static str {
    t(lang, "Số liệu tính đến", "Data as of")
}

fn filter_label(lang: Lang) -> &'static str {
    t(lang, "Bộ lọc", "Filter")
}

fn live_label(lang: Lang) -> &'static str {
    t(lang, "trực tiếp từ dữ liệu gốc", "live from the raw rows")
}

/// A text cell that a spreadsheet would read as a formula gets a `'`.
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn vn_naive(at: DateTime<Utc>) -> NaiveDateTime {
    ocop_core::time::to_vn(at).naive_local()
}

fn csv_cell(v: &Value) -> String {
    match v {
        Value::Text(s) => defuse(s),
        Value::Int(n) | Value::Money(n) => n.to_string(),
        Value::Qty(m) => Quantity::from_milli(*m).to_machine_string(),
        Value::Percent(p) => format!("{p:.1}"),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Time(at) => vn_naive(*at).format("%Y-%m-%d %H:%M:%S").to_string(),
        Value::Empty => String::new(),
    }
}

/// Whole numbers as spreadsheet numbers: exact below 2^53, far above any
/// figure here.
fn number(v: i64) -> f64 {
    v.to_string().parse().unwrap_or(0.0)
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year())
        .map_err(|_| XlsxError::ParameterError(format!("year {} out of range", d.year())))?;
    ExcelDateTime::from_ymd(
        year,
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    )
}

fn excel_time(at: DateTime<Utc>) -> Result<ExcelDateTime, XlsxError> {
    let local = vn_naive(at);
    excel_date(local.date())?.and_hms(
        u16::try_from(local.hour()).unwrap_or(0),
        u8::try_from(local.minute()).unwrap_or(0),
        u8::try_from(local.second()).unwrap_or(0),
    )
}

impl Table {
    /// The preamble's lines: title, filters, freshness.
    fn preamble(&self, lang: Lang) -> Vec<(String, Option<String>)> {
        let mut out = vec![(self.title.clone(), None)];
        for (k, v) in &self.filters {
            out.push((format!("{}: {k}", filter_label(lang)), Some(v.clone())));
        }
        out.push((
            as_of_label(lang).to_owned(),
            Some(match self.as_of {
                Some(at) => vn_naive(at).format("%Y-%m-%d %H:%M:%S").to_string(),
                None => live_label(lang).to_owned(),
            }),
        ));
        out
    }

    /// The table as CSV (see the module's doc for the layout).
    pub fn to_csv(&self, lang: Lang) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        for (label, value) in self.preamble(lang) {
            match value {
                Some(v) => w.write_record([defuse(&label), defuse(&v)])?,
                None => w.write_record([defuse(&label)])?,
            }
        }
        w.write_record([""])?;
        w.write_record(self.columns.iter().map(|c| c.key))?;
        for row in &self.rows {
            w.write_record(row.iter().map(csv_cell))?;
        }
        w.into_inner().map_err(|e| e.into_error().into())
    }

    /// The table as an XLSX workbook of one sheet (see the module's doc).
    pub fn to_xlsx(&self, lang: Lang) -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let bold = Format::new().set_bold();
        let dong = Format::new().set_num_format("#,##0 \"₫\"");
        let qty = Format::new().set_num_format("#,##0.###");
        let pct = Format::new().set_num_format("0.0");
        let day = Format::new().set_num_format("dd/mm/yyyy");
        let when = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
        let ws = wb.add_worksheet();
        ws.set_name("data")?;
        let mut r: u32 = 0;
        ws.write_string_with_format(r, 0, &self.title, &bold)?;
        r += 1;
        for (k, v) in &self.filters {
            ws.write_string(r, 0, format!("{}: {k}", filter_label(lang)))?;
            ws.write_string(r, 1, v)?;
            r += 1;
        }
        ws.write_string(r, 0, as_of_label(lang))?;
        match self.as_of {
            Some(at) => ws.write_datetime_with_format(r, 1, excel_time(at)?, &when)?,
            None => ws.write_string(r, 1, live_label(lang))?,
        };
        r += 2;
        for (c, col) in (0u16..).zip(&self.columns) {
            ws.write_string_with_format(r, c, &col.heading, &bold)?;
            ws.set_column_width(c, if c == 0 { 36 } else { 16 })?;
        }
        ws.set_freeze_panes(r + 1, 0)?;
        r += 1;
        for row in &self.rows {
            for (c, v) in (0u16..).zip(row) {
                match v {
                    Value::Text(s) => {
                        ws.write_string(r, c, s)?;
                    }
                    Value::Int(n) => {
                        ws.write_number(r, c, number(*n))?;
                    }
                    Value::Money(n) => {
                        ws.write_number_with_format(r, c, number(*n), &dong)?;
                    }
                    Value::Qty(m) => {
                        let units = Quantity::from_milli(*m).to_machine_string();
                        ws.write_number_with_format(r, c, units.parse().unwrap_or(0.0), &qty)?;
                    }
                    Value::Percent(p) => {
                        ws.write_number_with_format(r, c, *p, &pct)?;
                    }
                    Value::Date(d) => {
                        ws.write_datetime_with_format(r, c, excel_date(*d)?, &day)?;
                    }
                    Value::Time(at) => {
                        ws.write_datetime_with_format(r, c, excel_time(*at)?, &when)?;
                    }
                    Value::Empty => {}
                }
            }
            r += 1;
        }
        wb.save_to_buffer()
    }

    /// The file as an attachment named `<stem>.<ext>`; a failure to build
    /// it is a 500.
    pub fn respond(&self, lang: Lang, kind: FileKind, stem: &str) -> HttpResponse {
        let (bytes, content_type) = match kind {
            FileKind::Csv => (
                self.to_csv(lang).map_err(|e| e.to_string()),
                "text/csv; charset=utf-8",
            ),
            FileKind::Xlsx => (self.to_xlsx(lang).map_err(|e| e.to_string()), XLSX_TYPE),
        };
        match bytes {
            Ok(bytes) => HttpResponse::Ok()
                .content_type(content_type)
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{stem}.{}\"", kind.ext()),
                ))
                .body(bytes),
            Err(e) => {
                tracing::error!(error = %e, "table export failed");
                HttpResponse::InternalServerError().finish()
            }
        }
    }
}

#[cfg(test)]
mod tests;
