use chrono::{NaiveDate, TimeZone, Utc};
use ocop_core::i18n::Lang;

use super::{Column, Table, Value};

fn sample() -> Table {
    Table {
        title: "Doanh thu theo huyện".to_owned(),
        filters: vec![("Kỳ".to_owned(), "2026-11".to_owned())],
        as_of: Utc.with_ymd_and_hms(2026, 12, 1, 17, 30, 0).single(),
        columns: vec![
            Column::new("name", "Tên"),
            Column::new("revenue", "Doanh thu"),
            Column::new("units", "Số lượng"),
            Column::new("day", "Ngày"),
        ],
        rows: vec![vec![
            Value::Text("=cmd".to_owned()),
            Value::Money(350_000),
            Value::Qty(1_500),
            Value::Date(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default()),
        ]],
    }
}

#[test]
fn csv_starts_with_filters_and_freshness_then_typed_rows() {
    let bytes = sample().to_csv(Lang::Vi).unwrap_or_default();
    let text = String::from_utf8(bytes).unwrap_or_default();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        vec![
            "Doanh thu theo huyện",
            "Bộ lọc: Kỳ,2026-11",
            // 17:30 UTC is 00:30 the next day in Vietnam.
            "Số liệu tính đến,2026-12-02 00:30:00",
            "\"\"",
            "name,revenue,units,day",
            "'=cmd,350000,1.5,2026-11-02",
        ]
    );
}

#[test]
fn xlsx_is_a_zip_workbook() {
    let bytes = sample().to_xlsx(Lang::En).unwrap_or_default();
    assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip");
}
