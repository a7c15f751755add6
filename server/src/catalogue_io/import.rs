//! Importing producers and products from CSV: parse, check every row,
//! then write everything or nothing. See the module docs of `catalogue_io`.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use diesel::IntoSql as _;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Timestamp};
use ocop_core::i18n::Lang;
use ocop_core::i18n::UserError as _;
use ocop_core::refusal::Refusal;
use ocop_core::tax_code::TaxCode;

use super::columns::{
    self, PRODUCER_COLUMNS, PRODUCER_REQUIRED, PRODUCT_COLUMNS, PRODUCT_REQUIRED,
};
use super::{ImportReport, Kind, Progress, RowError};
use crate::db::DbConn;
use crate::db::schema::{producers, product_prices, products};
use crate::models::catalogue_version;
use crate::models::producer::{self, ProducerInput, ProducerRow};
use crate::models::product::validate::{self, ProductInput};
use crate::models::product::{self as product_model, ProductRecord, ProductRow};
use crate::models::validation::{Refs, invalid, required};

/// Rows per multi-row INSERT: 500 × 24 columns stays far below the bind
/// limits of SQLite (32,766) and PostgreSQL (65,535).
const BATCH: usize = 500;

/// The one way a row error is made: from the refusal, on `column` (or the
/// field the refusal names).
fn row_error(line: u64, r: &Refusal, column: Option<&str>) -> RowError {
    RowError {
        line,
        column: column.or(r.field()).map(str::to_owned),
        code: r.code().to_owned(),
        message: r.message(Lang::Vi).to_owned(),
        message_en: r.message(Lang::En).to_owned(),
    }
}

/// A problem with the file itself (encoding, header, shape) at `line`.
fn file_error(line: u64, code: &'static str, vi: String, en: String) -> RowError {
    row_error(line, &Refusal::invalid(code, vi, en), None)
}

/// The CSV column a validation field is reported under.
fn column_of(field: &str) -> &str {
    match field {
        "group_code" => "group",
        "vat_rate" => "vat",
        "district_code" => "district",
        other => other,
    }
}

/// Data rows with their line numbers, read cell by cell through the header.
struct Table {
    index: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn cell<'r>(&self, row: &'r csv::StringRecord, column: &str) -> &'r str {
        self.index
            .get(column)
            .and_then(|i| row.get(*i))
            .unwrap_or_default()
    }
    fn opt(&self, row: &csv::StringRecord, column: &str) -> Option<String> {
        let v = self.cell(row, column).trim();
        (!v.is_empty()).then(|| v.to_owned())
    }
}

/// Reads the header and every row; problems with the file itself are
/// errors at their line.
fn read_table(data: &[u8], known: &[&str], required: &[&str], errors: &mut Vec<RowError>) -> Table {
    // Excel writes a byte-order mark in front of UTF-8 CSV.
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(data);
    let mut index = HashMap::new();
    match reader.headers() {
        Ok(h) => {
            for (i, name) in h.iter().enumerate() {
                let name = name.trim().to_lowercase();
                if !known.contains(&name.as_str()) {
                    errors.push(file_error(
                        1,
                        "unknown_column",
                        format!("Cột \"{name}\" không có trong mẫu (xem docs/catalogue-csv.md)."),
                        format!("Unknown column \"{name}\" (see docs/catalogue-csv.md)."),
                    ));
                } else if index.insert(name.clone(), i).is_some() {
                    errors.push(file_error(
                        1,
                        "duplicate_column",
                        format!("Cột \"{name}\" xuất hiện hai lần."),
                        format!("The column \"{name}\" appears twice."),
                    ));
                }
            }
            for need in required {
                if !index.contains_key(*need) {
                    errors.push(file_error(
                        1,
                        "missing_column",
                        format!("Thiếu cột bắt buộc \"{need}\"."),
                        format!("The required column \"{need}\" is missing."),
                    ));
                }
            }
        }
        Err(e) => errors.push(csv_error(&e, 1)),
    }
    let mut rows = Vec::new();
    for result in reader.records() {
        match result {
            Ok(rec) => {
                let line = rec.position().map_or(0, csv::Position::line);
                if rec.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                rows.push((line, rec));
            }
            Err(e) => errors.push(csv_error(&e, 0)),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(file_error(
            1,
            "empty_file",
            "Tệp không có dòng dữ liệu nào.".to_owned(),
            "The file has no data rows.".to_owned(),
        ));
    }
    Table { index, rows }
}

fn csv_error(e: &csv::Error, fallback_line: u64) -> RowError {
    let line = e.position().map_or(fallback_line, csv::Position::line);
    let (code, vi, en) = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => (
            "not_utf8",
            "Dòng này không phải văn bản UTF-8: hãy lưu tệp dạng \"CSV UTF-8\".".to_owned(),
            "This line is not UTF-8 text: save the file as \"CSV UTF-8\".".to_owned(),
        ),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => (
            "wrong_column_count",
            format!("Dòng có {len} cột, tiêu đề có {expected_len} cột."),
            format!("The line has {len} fields, the header {expected_len}."),
        ),
        other => (
            "malformed_csv",
            format!("Không đọc được dòng CSV: {other:?}"),
            format!("Unreadable CSV line: {other:?}"),
        ),
    };
    file_error(line, code, vi, en)
}

fn report(kind: Kind, dry_run: bool, rows: u64, errors: Vec<RowError>) -> ImportReport {
    ImportReport {
        kind,
        dry_run,
        rows,
        imported: 0,
        version: None,
        errors,
    }
}

/// Imports producers. Run inside one write transaction.
pub fn import_producers(
    conn: &mut DbConn,
    data: &[u8],
    dry_run: bool,
    progress: Progress<'_>,
) -> QueryResult<ImportReport> {
    let mut errors = Vec::new();
    let table = read_table(data, PRODUCER_COLUMNS, PRODUCER_REQUIRED, &mut errors);
    let refs = Refs::load(conn)?;
    let mut taken: HashSet<String> = producers::table
        .select(producers::tax_code)
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    let total = u64::try_from(table.rows.len()).unwrap_or(u64::MAX);
    let mut good = Vec::with_capacity(table.rows.len());
    for (n, (line, rec)) in table.rows.iter().enumerate() {
        let input = ProducerInput {
            name: table.cell(rec, "name").to_owned(),
            kind: table.cell(rec, "kind").to_owned(),
            tax_code: table.opt(rec, "tax_code"),
            district_code: table.cell(rec, "district").to_owned(),
            commune: table.cell(rec, "commune").to_owned(),
            address: table.cell(rec, "address").to_owned(),
            contact_name: table.cell(rec, "contact_name").to_owned(),
            phone: table.cell(rec, "phone").to_owned(),
            bank_bin: table.opt(rec, "bank_bin"),
            bank_account: table.opt(rec, "bank_account"),
            bank_holder: table.opt(rec, "bank_holder"),
            status: table.opt(rec, "status"),
            programme_origin: None,
        };
        match producer::check(&input, &refs) {
            Ok(row) => {
                let dup = row
                    .tax_code
                    .as_ref()
                    .is_some_and(|t| !taken.insert(t.clone()));
                if let (true, Some(t)) = (dup, &row.tax_code) {
                    errors.push(row_error(*line, &producer::tax_code_taken(t), None));
                } else {
                    good.push(row);
                }
            }
            Err(list) => {
                errors.extend(
                    list.iter()
                        .map(|i| row_error(*line, i, i.field().map(column_of))),
                );
            }
        }
        progress(u64::try_from(n).unwrap_or(0) + 1, total);
    }
    let mut out = report(Kind::Producers, dry_run, total, errors);
    if !out.is_ok() || dry_run {
        return Ok(out);
    }
    for row in &good {
        insert_producer(conn, row)?;
    }
    out.imported = total;
    Ok(out)
}

fn insert_producer(conn: &mut DbConn, row: &ProducerRow) -> QueryResult<()> {
    producer::insert_row(conn, row).map(|_| ())
}

/// Preloaded lookups for product rows.
struct ProductLookups {
    refs: Refs,
    producer_ids: HashSet<i32>,
    producer_by_tax: HashMap<String, i32>,
    gtins: HashSet<String>,
    codes: HashSet<String>,
}

impl ProductLookups {
    fn load(conn: &mut DbConn) -> QueryResult<ProductLookups> {
        let producers_list: Vec<(i32, Option<String>)> = producers::table
            .select((producers::id, producers::tax_code))
            .load(conn)?;
        let codes: Vec<(Option<String>, Option<String>)> = products::table
            .select((products::gtin, products::internal_code))
            .load(conn)?;
        Ok(ProductLookups {
            refs: Refs::load(conn)?,
            producer_ids: producers_list.iter().map(|(id, _)| *id).collect(),
            producer_by_tax: producers_list
                .into_iter()
                .filter_map(|(id, t)| t.map(|t| (t, id)))
                .collect(),
            gtins: codes.iter().filter_map(|(g, _)| g.clone()).collect(),
            codes: codes.into_iter().filter_map(|(_, c)| c).collect(),
        })
    }

    /// The producer a row names: by tax code when given, else by id.
    fn producer(&self, tax: Option<&str>, id: Option<i32>) -> Result<i32, Refusal> {
        let by_tax = match tax {
            Some(t) => {
                let t = TaxCode::parse(t).map_err(|e| e.refusal().on_field("producer_tax_code"))?;
                let found = self
                    .producer_by_tax
                    .get(t.as_str())
                    .copied()
                    .ok_or_else(|| {
                        product_model::unknown_producer(t.as_str()).on_field("producer_tax_code")
                    })?;
                Some(found)
            }
            None => None,
        };
        match (by_tax, id) {
            (Some(a), Some(b)) if a != b => Err(invalid(
                "producer_id",
                "producer_mismatch",
                format!("producer_id {b} không khớp với mã số thuế (chủ thể số {a})."),
                format!("producer_id {b} does not match the tax code (producer {a})."),
            )),
            (Some(a), _) => Ok(a),
            (None, Some(b)) if self.producer_ids.contains(&b) => Ok(b),
            (None, Some(b)) => Err(product_model::unknown_producer(&b.to_string())),
            (None, None) => Err(required(
                "producer_tax_code",
                (
                    "Chủ thể (producer_tax_code hoặc producer_id)",
                    "The producer",
                ),
            )),
        }
    }
}

fn keep<T>(bad: &mut Vec<Refusal>, r: Result<T, Refusal>, default: T) -> T {
    r.unwrap_or_else(|e| {
        bad.push(e);
        default
    })
}

/// The row as a `ProductInput`, or the cells that cannot even be read.
fn product_input(
    t: &Table,
    rec: &csv::StringRecord,
    producer_id: i32,
) -> (ProductInput, Vec<Refusal>) {
    let mut bad = Vec::new();
    let stars = keep(
        &mut bad,
        columns::stars(t.cell(rec, "stars")).map(Some),
        None,
    );
    let price = keep(
        &mut bad,
        columns::price(t.cell(rec, "price")).map(Some),
        None,
    );
    let issued = keep(
        &mut bad,
        columns::date("cert_issued_on", t.cell(rec, "cert_issued_on")),
        None,
    );
    let expires = keep(
        &mut bad,
        columns::date("cert_expires_on", t.cell(rec, "cert_expires_on")),
        None,
    );
    let rating_on = keep(
        &mut bad,
        columns::date("rating_decision_on", t.cell(rec, "rating_decision_on")),
        None,
    );
    let rating_score = keep(
        &mut bad,
        columns::id("rating_score", t.cell(rec, "rating_score")).map(|v| v.map(i64::from)),
        None,
    );
    let fractional = keep(
        &mut bad,
        columns::boolean("fractional", t.cell(rec, "fractional"), false),
        false,
    );
    let key_product = keep(
        &mut bad,
        columns::boolean("key_product", t.cell(rec, "key_product"), false),
        false,
    );
    let active = keep(
        &mut bad,
        columns::boolean("active", t.cell(rec, "active"), true),
        true,
    );
    // Unreadable cells get neutral stand-ins (already reported above) so
    // the rest of the row is still checked and every problem is listed.
    let input = ProductInput {
        producer_id,
        name_vi: t.cell(rec, "name_vi").to_owned(),
        name_en: t.opt(rec, "name_en"),
        group_code: t.cell(rec, "group").to_owned(),
        stars: stars.unwrap_or(3),
        cert_number: t.opt(rec, "cert_number"),
        cert_level: t.opt(rec, "cert_level"),
        cert_issued_on: issued,
        cert_expires_on: expires,
        rating_score,
        rating_decision_no: t.opt(rec, "rating_decision_no"),
        rating_decision_on: rating_on,
        rating_body: t.opt(rec, "rating_body"),
        gtin: t.opt(rec, "gtin"),
        internal_code: t.opt(rec, "internal_code"),
        unit: t.cell(rec, "unit").to_owned(),
        fractional,
        vat_rate: t.cell(rec, "vat").to_owned(),
        price: price.unwrap_or(0),
        food_safety_ref: t.opt(rec, "food_safety_ref"),
        description: t.cell(rec, "description").to_owned(),
        photo_url: t.opt(rec, "photo_url"),
        key_product,
        active,
    };
    (input, bad)
}

/// Imports products. Run inside one write transaction.
pub fn import_products(
    conn: &mut DbConn,
    data: &[u8],
    dry_run: bool,
    by_user: Option<i32>,
    progress: Progress<'_>,
) -> QueryResult<ImportReport> {
    let mut errors = Vec::new();
    let table = read_table(data, PRODUCT_COLUMNS, PRODUCT_REQUIRED, &mut errors);
    let mut look = ProductLookups::load(conn)?;
    let total = u64::try_from(table.rows.len()).unwrap_or(u64::MAX);
    let mut good: Vec<ProductRecord> = Vec::with_capacity(table.rows.len());
    for (n, (line, rec)) in table.rows.iter().enumerate() {
        let line = *line;
        progress(u64::try_from(n).unwrap_or(0) + 1, total);
        let mut row_errors: Vec<Refusal> = Vec::new();
        let pid = columns::id("producer_id", table.cell(rec, "producer_id"))
            .and_then(|id| look.producer(table.opt(rec, "producer_tax_code").as_deref(), id));
        // An unresolved producer is already reported; a positive stand-in
        // keeps `check` from reporting it a second time.
        let pid = pid.unwrap_or_else(|e| {
            row_errors.push(e);
            i32::MAX
        });
        let (input, unreadable) = product_input(&table, rec, pid);
        let date_unreadable = unreadable.iter().any(|i| i.code() == "invalid_date");
        row_errors.extend(unreadable);
        let checked = validate::check(&input, &look.refs).map_err(|list| {
            // An unreadable date already explains an incomplete certificate.
            list.into_iter()
                .filter(|i| !(date_unreadable && i.code() == "incomplete_certificate"))
                .collect::<Vec<_>>()
        });
        match checked {
            Err(list) => row_errors.extend(list),
            Ok(record) => {
                if let Some(g) = &record.gtin
                    && !look.gtins.insert(g.as_str14().to_owned())
                {
                    row_errors.push(product_model::gtin_taken(g.as_str14()));
                }
                if let Some(c) = &record.internal_code
                    && !look.codes.insert(c.clone())
                {
                    row_errors.push(product_model::internal_code_taken(c));
                }
                if row_errors.is_empty() {
                    good.push(record);
                }
            }
        }
        errors.extend(
            row_errors
                .iter()
                .map(|i| row_error(line, i, i.field().map(column_of))),
        );
    }
    let mut out = report(Kind::Products, dry_run, total, errors);
    if !out.is_ok() || dry_run {
        return Ok(out);
    }
    let version = catalogue_version::bump(conn, "products imported", by_user)?;
    let now = Utc::now().naive_utc();
    let mut done = 0u64;
    for chunk in good.chunks(BATCH) {
        let rows: Vec<ProductRow> = chunk
            .iter()
            .map(|r| ProductRow::from_record(r, now, version))
            .collect();
        insert_batch(conn, &rows)?;
        done += u64::try_from(chunk.len()).unwrap_or(0);
        progress(done, total);
    }
    // The first price of every imported product, in one statement: the
    // import's version marks exactly its rows.
    diesel::insert_into(product_prices::table)
        .values(
            products::table
                .filter(products::catalogue_version.eq(version))
                .select((
                    products::id,
                    products::price,
                    by_user.into_sql::<Nullable<diesel::sql_types::Integer>>(),
                    now.into_sql::<Timestamp>(),
                )),
        )
        .into_columns((
            product_prices::product_id,
            product_prices::price,
            product_prices::changed_by,
            product_prices::valid_from,
        ))
        .execute(conn)?;
    out.imported = total;
    out.version = Some(version);
    Ok(out)
}

/// One multi-row INSERT. Backend-specific: diesel's MultiConnection has no
/// batch insert, each backend's own connection has.
fn insert_batch(conn: &mut DbConn, rows: &[ProductRow]) -> QueryResult<usize> {
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(products::table).values(rows).execute(c),
        DbConn::Postgres(c) => diesel::insert_into(products::table).values(rows).execute(c),
    }
}
