//! A statement's downloads: CSV, PDF (A4, DejaVu Sans so the Vietnamese
//! renders) and XLSX (numbers as numbers, dates as dates), each with the
//! same lines and money as the printable page.

use actix_web::{HttpResponse, get, web};
use chrono::{Datelike, NaiveDateTime, Timelike};
use ocop_core::i18n::Lang;
use ocop_core::money::{Dong, Quantity};
use ocop_hardware::pdf::table::{Cell, Row, a4_document};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::super::forms;
use super::super::layout::t;
use super::super::session::WebUser;
use super::{load, money_rows, q, status_label};
use crate::error::ApiError;
use crate::models::settlement::StatementView;
use crate::state::AppState;

/// The stock table's columns: (Vietnamese, English) headings and the
/// line's quantity in thousandths.
type QtyColumn = (
    &'static str,
    &'static str,
    fn(&crate::models::settlement::Line) -> i64,
);

const QTY_COLUMNS: [QtyColumn; 9] = [
    ("Đầu kỳ", "Opening", |l| l.opening_milli),
    ("Nhận", "Received", |l| l.received_milli),
    ("Chuyển đến", "In", |l| l.transferred_in_milli),
    ("Chuyển đi", "Out", |l| l.transferred_out_milli),
    ("Bán", "Sold", |l| l.sold_milli),
    ("Khách trả", "Refunded", |l| l.refunded_milli),
    ("Trả chủ thể", "Returned", |l| l.returned_milli),
    ("Hủy/hao hụt", "Written off", |l| l.written_off_milli),
    ("Cuối kỳ", "Closing", |l| l.closing_milli),
];

fn kind_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "late_sale" => t(lang, "Bán đến muộn", "Late sale"),
        "late_refund" => t(lang, "Hoàn trả đến muộn", "Late refund"),
        _ => t(lang, "Điều chỉnh", "Adjustment"),
    }
}

fn attachment(v: &StatementView, ext: &str, content_type: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"quyet-toan-{}-{}.{ext}\"",
                v.statement.id, v.statement.period
            ),
        ))
        .body(bytes)
}

fn vn(t: NaiveDateTime) -> String {
    ocop_core::time::format_vn(t.and_utc())
}

/// Cuts a name to `n` characters, ending in "…" when cut.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The statement as A4 landscape rows: header, stock table, late arrivals
/// and adjustments, money, rounding rule, hash.
pub fn statement_pdf_rows(lang: Lang, v: &StatementView) -> Vec<Row> {
    let s = &v.statement;
    let text = |size: f32, bold: bool, x: f32, txt: String| Row {
        size,
        bold,
        cells: vec![Cell {
            x_mm: x,
            text: txt,
            right: false,
        }],
        rule_below: false,
    };
    let mut rows = vec![
        text(
            14.0,
            true,
            0.0,
            t(
                lang,
                "BẢNG QUYẾT TOÁN HÀNG KÝ GỬI",
                "CONSIGNMENT SETTLEMENT STATEMENT",
            )
            .to_owned(),
        ),
        text(
            10.0,
            false,
            0.0,
            format!(
                "{} · {} {} · {} · #{}",
                v.outlet_name,
                t(lang, "Kỳ", "Period"),
                s.period,
                status_label(lang, &s.status),
                s.id
            ),
        ),
        text(
            10.0,
            false,
            0.0,
            format!(
                "{}: {} · {}: {}{} · {}: {}",
                t(lang, "Chủ thể", "Producer"),
                v.producer_name,
                t(lang, "Điều khoản", "Terms"),
                s.terms,
                s.commission_bp
                    .map(|bp| format!(" {}%", ocop_core::stock::basis_points_percent(bp)))
                    .unwrap_or_default(),
                t(lang, "Bên chịu hao hụt", "Loss bearer"),
                s.loss_bearer
            ),
        ),
        text(
            9.0,
            false,
            0.0,
            format!(
                "{}: {}",
                t(lang, "Lập lúc", "Computed at"),
                vn(s.computed_at)
            ),
        ),
        Row::space(6.0),
    ];
    let col_x = |i: usize| 110.0 + 20.0 * f32::from(u8::try_from(i).unwrap_or(0));
    let mut head = vec![Cell {
        x_mm: 0.0,
        text: t(lang, "Sản phẩm / lô", "Product / lot").to_owned(),
        right: false,
    }];
    for (i, (vi, en, _)) in QTY_COLUMNS.iter().enumerate() {
        head.push(Cell {
            x_mm: col_x(i),
            text: t(lang, vi, en).to_owned(),
            right: true,
        });
    }
    rows.push(Row {
        size: 8.5,
        bold: true,
        cells: head,
        rule_below: true,
    });
    for l in v.lines.iter().filter(|l| l.kind == "stock") {
        let lot = if l.lot_code.is_empty() {
            "—"
        } else {
            &l.lot_code
        };
        let mut cells = vec![Cell {
            x_mm: 0.0,
            text: format!("{} · {lot}", cut(&l.name, 48)),
            right: false,
        }];
        for (i, (_, _, f)) in QTY_COLUMNS.iter().enumerate() {
            cells.push(Cell {
                x_mm: col_x(i),
                text: q(f(l)),
                right: true,
            });
        }
        rows.push(Row {
            size: 8.5,
            bold: false,
            cells,
            rule_below: false,
        });
    }
    let other: Vec<_> = v.lines.iter().filter(|l| l.kind != "stock").collect();
    if !other.is_empty() {
        rows.push(Row::space(6.0));
        rows.push(text(
            10.0,
            true,
            0.0,
            t(
                lang,
                "Bán đến muộn và điều chỉnh",
                "Late arrivals and adjustments",
            )
            .to_owned(),
        ));
        for l in other {
            let mut what = format!("{} · {}", kind_label(lang, &l.kind), l.reference);
            if let Some(at) = l.original_at {
                what.push_str(&format!(" · {}", vn(at)));
            }
            if let Some(c) = l.corrects_statement_id {
                what.push_str(&format!(" · #{c}"));
            }
            rows.push(Row {
                size: 9.0,
                bold: false,
                cells: vec![
                    Cell {
                        x_mm: 0.0,
                        text: what,
                        right: false,
                    },
                    Cell {
                        x_mm: 190.0,
                        text: Dong::new(l.amount).to_string(),
                        right: true,
                    },
                ],
                rule_below: false,
            });
        }
    }
    rows.push(Row::space(6.0));
    let money_row = |label: String, amount: i64, bold: bool| Row {
        size: 9.5,
        bold,
        cells: vec![
            Cell {
                x_mm: 0.0,
                text: label,
                right: false,
            },
            Cell {
                x_mm: 190.0,
                text: Dong::new(amount).to_string(),
                right: true,
            },
        ],
        rule_below: false,
    };
    for (vi, en, amount) in money_rows(s) {
        rows.push(money_row(t(lang, vi, en).to_owned(), amount, false));
    }
    rows.push(money_row(
        t(lang, "Số tiền thanh toán", "Net payable").to_owned(),
        s.net_payable,
        true,
    ));
    rows.push(Row::space(6.0));
    rows.push(text(8.0, false, 0.0, s.rounding_rule.clone()));
    rows.push(text(
        8.0,
        false,
        0.0,
        format!("SHA-256 {}", s.figures_sha256),
    ));
    if let Some(p) = &v.payout {
        rows.push(text(
            9.0,
            false,
            0.0,
            format!(
                "{} {} · {} {} · {}",
                t(lang, "Đã chuyển khoản", "Paid by transfer"),
                Dong::new(p.amount),
                t(lang, "mã giao dịch", "reference"),
                p.reference,
                vn(p.paid_at)
            ),
        ));
    }
    rows
}

/// The statement as a PDF (A4 landscape, DejaVu Sans embedded).
#[get("/settlements/{id}/statement.pdf")]
pub async fn statement_pdf(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    let v = match load(&state, &me, id.into_inner()).await {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    match a4_document(&statement_pdf_rows(me.lang, &v), true) {
        Ok(bytes) => attachment(&v, "pdf", "application/pdf", bytes),
        Err(e) => forms::failure(&me, &ApiError::internal(e)),
    }
}

/// A UTC instant as an Excel date-time in Vietnam time.
fn excel_vn(at: NaiveDateTime) -> Result<ExcelDateTime, rust_xlsxwriter::XlsxError> {
    let local = at + chrono::TimeDelta::hours(7);
    ExcelDateTime::from_ymd(
        u16::try_from(local.year()).unwrap_or(1900),
        u8::try_from(local.month()).unwrap_or(1),
        u8::try_from(local.day()).unwrap_or(1),
    )?
    .and_hms(
        u16::try_from(local.hour()).unwrap_or(0),
        u8::try_from(local.minute()).unwrap_or(0),
        u8::try_from(local.second()).unwrap_or(0),
    )
}

/// Thousandths as a number (quantities may be fractional: weighed goods).
fn qty_number(milli: i64) -> f64 {
    Quantity::from_milli(milli)
        .to_machine_string()
        .parse()
        .unwrap_or(0.0)
}

/// The statement as one worksheet: quantities and amounts are numbers
/// (đồng with a thousands format), the computation, payout and late
/// arrivals' dates are dates (Vietnam time).
pub fn statement_xlsx_bytes(
    lang: Lang,
    v: &StatementView,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let s = &v.statement;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let dong = Format::new().set_num_format("#,##0 \"₫\"");
    let dong_bold = Format::new().set_num_format("#,##0 \"₫\"").set_bold();
    let qty = Format::new().set_num_format("#,##0.###");
    let date = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let ws = wb.add_worksheet();
    ws.set_name(t(lang, "Quyết toán", "Statement"))?;
    ws.set_column_width(0, 44)?;
    ws.write_string_with_format(
        0,
        0,
        t(
            lang,
            "Bảng quyết toán hàng ký gửi",
            "Consignment settlement statement",
        ),
        &bold,
    )?;
    let header: [(&str, &str, String); 6] = [
        ("Điểm bán", "Outlet", v.outlet_name.clone()),
        ("Chủ thể", "Producer", v.producer_name.clone()),
        ("Kỳ", "Period", s.period.clone()),
        ("Trạng thái", "Status", status_label(lang, &s.status)),
        ("Điều khoản", "Terms", s.terms.clone()),
        ("Bên chịu hao hụt", "Loss bearer", s.loss_bearer.clone()),
    ];
    let mut r: u32 = 1;
    for (vi, en, value) in &header {
        ws.write_string(r, 0, t(lang, vi, en))?;
        ws.write_string(r, 1, value)?;
        r += 1;
    }
    ws.write_string(r, 0, t(lang, "Lập lúc", "Computed at"))?;
    ws.write_datetime_with_format(r, 1, excel_vn(s.computed_at)?, &date)?;
    r += 2;
    ws.write_string_with_format(r, 0, t(lang, "Sản phẩm", "Product"), &bold)?;
    ws.write_string_with_format(r, 1, t(lang, "Lô", "Lot"), &bold)?;
    for (i, (vi, en, _)) in QTY_COLUMNS.iter().enumerate() {
        let c = u16::try_from(i + 2).unwrap_or(u16::MAX);
        ws.write_string_with_format(r, c, t(lang, vi, en), &bold)?;
        ws.set_column_width(c, 12)?;
    }
    r += 1;
    for l in v.lines.iter().filter(|l| l.kind == "stock") {
        ws.write_string(r, 0, &l.name)?;
        ws.write_string(r, 1, &l.lot_code)?;
        for (i, (_, _, f)) in QTY_COLUMNS.iter().enumerate() {
            let c = u16::try_from(i + 2).unwrap_or(u16::MAX);
            ws.write_number_with_format(r, c, qty_number(f(l)), &qty)?;
        }
        r += 1;
    }
    let other: Vec<_> = v.lines.iter().filter(|l| l.kind != "stock").collect();
    if !other.is_empty() {
        r += 1;
        ws.write_string_with_format(
            r,
            0,
            t(
                lang,
                "Bán đến muộn và điều chỉnh",
                "Late arrivals and adjustments",
            ),
            &bold,
        )?;
        r += 1;
        for l in other {
            ws.write_string(r, 0, kind_label(lang, &l.kind))?;
            ws.write_string(r, 1, &l.reference)?;
            if let Some(at) = l.original_at {
                ws.write_datetime_with_format(r, 2, excel_vn(at)?, &date)?;
            }
            if let Some(c) = l.corrects_statement_id {
                ws.write_number(r, 3, f64::from(c))?;
            }
            ws.write_number_with_format(r, 4, i64_number(l.amount), &dong)?;
            r += 1;
        }
    }
    r += 1;
    for (vi, en, amount) in money_rows(s) {
        ws.write_string(r, 0, t(lang, vi, en))?;
        ws.write_number_with_format(r, 1, i64_number(amount), &dong)?;
        r += 1;
    }
    ws.write_string_with_format(r, 0, t(lang, "Số tiền thanh toán", "Net payable"), &bold)?;
    ws.write_number_with_format(r, 1, i64_number(s.net_payable), &dong_bold)?;
    r += 2;
    ws.write_string(r, 0, &s.rounding_rule)?;
    r += 1;
    ws.write_string(r, 0, format!("SHA-256 {}", s.figures_sha256))?;
    if let Some(p) = &v.payout {
        r += 1;
        ws.write_string(r, 0, t(lang, "Đã chuyển khoản", "Paid by transfer"))?;
        ws.write_number_with_format(r, 1, i64_number(p.amount), &dong)?;
        ws.write_string(r, 2, &p.reference)?;
        ws.write_datetime_with_format(r, 3, excel_vn(p.paid_at)?, &date)?;
    }
    wb.save_to_buffer()
}

/// Whole đồng as a spreadsheet number: exact below 2^53 đồng, far above
/// the domain's bounds (10 000 000 000 ₫ a line).
fn i64_number(v: i64) -> f64 {
    v.to_string().parse().unwrap_or(0.0)
}

/// The statement as XLSX.
#[get("/settlements/{id}/statement.xlsx")]
pub async fn statement_xlsx(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    let v = match load(&state, &me, id.into_inner()).await {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    match statement_xlsx_bytes(me.lang, &v) {
        Ok(bytes) => attachment(
            &v,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        ),
        Err(e) => forms::failure(&me, &ApiError::internal(e)),
    }
}

/// The statement's lines and money as CSV (numbers as plain numbers).
#[get("/settlements/{id}/statement.csv")]
pub async fn statement_csv(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    let v = match load(&state, &me, id.into_inner()).await {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    match statement_csv_bytes(&v) {
        Ok(bytes) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!(
                    "attachment; filename=\"quyet-toan-{}-{}.csv\"",
                    v.statement.id, v.statement.period
                ),
            ))
            .body(bytes),
        Err(e) => forms::failure(&me, &e),
    }
}

pub fn statement_csv_bytes(v: &StatementView) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let mut put = |r: Vec<String>| w.write_record(r).map_err(ApiError::internal);
    put([
        "kind",
        "product",
        "lot",
        "opening",
        "received",
        "transferred_in",
        "transferred_out",
        "sold",
        "refunded",
        "returned",
        "written_off",
        "closing",
        "amount",
        "reference",
    ]
    .map(str::to_owned)
    .to_vec())?;
    for l in &v.lines {
        put(vec![
            l.kind.clone(),
            l.name.clone(),
            l.lot_code.clone(),
            Quantity::from_milli(l.opening_milli).to_machine_string(),
            Quantity::from_milli(l.received_milli).to_machine_string(),
            Quantity::from_milli(l.transferred_in_milli).to_machine_string(),
            Quantity::from_milli(l.transferred_out_milli).to_machine_string(),
            Quantity::from_milli(l.sold_milli).to_machine_string(),
            Quantity::from_milli(l.refunded_milli).to_machine_string(),
            Quantity::from_milli(l.returned_milli).to_machine_string(),
            Quantity::from_milli(l.written_off_milli).to_machine_string(),
            Quantity::from_milli(l.closing_milli).to_machine_string(),
            l.amount.to_string(),
            l.reference.clone(),
        ])?;
    }
    let s = &v.statement;
    for (k, a) in [
        ("gross", s.gross),
        ("refunds", s.refunds),
        ("net_sales", s.net_sales),
        ("outlet_losses", s.outlet_losses),
        ("commission", s.commission),
        ("producer_share", s.producer_share),
        ("producer_losses", s.producer_losses),
        ("adjustments", s.adjustments),
        ("carried_in", s.carried_in),
        ("total_due", s.total_due),
        ("carried_forward", s.carried_forward),
        ("net_payable", s.net_payable),
    ] {
        let mut r = vec![format!("money:{k}")];
        r.extend(std::iter::repeat_n(String::new(), 11));
        r.extend([a.to_string(), String::new()]);
        put(r)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))
}
