//! Inspector cases: a fake report or a signal worked to a verdict. A case
//! has a status (`new`, `investigating`, `confirmed`, `dismissed`), an
//! assignee, and links to a product, producer, lot, outlet, label and
//! report. Its row holds the current state; every step (opened, note,
//! status, assignment, recall, suspension) is an append-only
//! `case_events` row saying who and when.
//!
//! Confirming a case may recall its lot (`recall`) and suspend its
//! producer (`producer::suspend`), in the same transaction. A confirmed or
//! dismissed case is closed: no further status change.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::refusal::Refusal;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::schema::{case_events, cases, lots, users};
use crate::models::error::{ModelError, refuse};
use crate::models::producer;

use super::recall;

pub const STATUSES: [&str; 4] = ["new", "investigating", "confirmed", "dismissed"];

/// `POST /api/v1/cases`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub title: String,
    #[serde(default)]
    pub product_id: Option<i32>,
    #[serde(default)]
    pub producer_id: Option<i32>,
    #[serde(default)]
    pub lot_id: Option<i32>,
    #[serde(default)]
    pub outlet_id: Option<i32>,
    #[serde(default)]
    pub label_id: Option<i32>,
    #[serde(default)]
    pub report_id: Option<i32>,
    #[serde(default)]
    pub assignee_id: Option<i32>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/cases/{id}/steps`: any of a new status, a new assignee,
/// a note.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseStep {
    /// `investigating` or `dismissed` (confirming has its own call).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub assignee_id: Option<i32>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/cases/{id}/confirm`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirm {
    /// Why (shown on the public page and at the till when a lot is recalled).
    pub reason: String,
    /// Recall the case's lot.
    #[serde(default)]
    pub recall_lot: bool,
    /// Suspend the case's producer (or the producer of its lot's product).
    #[serde(default)]
    pub suspend_producer: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub id: i32,
    pub status: String,
    pub title: String,
    pub assignee_id: Option<i32>,
    pub product_id: Option<i32>,
    pub producer_id: Option<i32>,
    pub lot_id: Option<i32>,
    pub outlet_id: Option<i32>,
    pub label_id: Option<i32>,
    pub report_id: Option<i32>,
    pub created_by: i32,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    #[schema(value_type = String)]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    #[schema(value_type = String)]
    pub updated_at: NaiveDateTime,
}

/// One step of a case: who did what, when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseEvent {
    pub at: DateTime<Utc>,
    pub by_user: i32,
    pub by_username: String,
    /// `opened`, `note`, `status`, `assigned`, `lot_recalled`, `producer_suspended`.
    pub kind: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: CaseRow,
    pub events: Vec<CaseEvent>,
}

/// List filters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseFilter {
    pub status: Option<String>,
    pub assignee_id: Option<i32>,
    pub product_id: Option<i32>,
    pub producer_id: Option<i32>,
    pub outlet_id: Option<i32>,
}

fn event(conn: &mut DbConn, case_id: i32, by: i32, kind: &str, detail: &str) -> QueryResult<()> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(case_id),
            case_events::at.eq(Utc::now().naive_utc()),
            case_events::by_user.eq(by),
            case_events::kind.eq(kind),
            case_events::detail.eq(detail),
        ))
        .execute(conn)?;
    Ok(())
}

fn touch(conn: &mut DbConn, id: i32) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set(cases::updated_at.eq(Utc::now().naive_utc()))
        .execute(conn)?;
    Ok(())
}

/// The assignee must be an inspector or an admin.
fn check_assignee(conn: &mut DbConn, id: i32) -> Result<(), ModelError> {
    let role: Option<String> = users::table
        .find(id)
        .select(users::role)
        .first(conn)
        .optional()?;
    match role.as_deref() {
        Some("inspector" | "admin") => Ok(()),
        _ => refuse(
            Refusal::invalid(
                "invalid_assignee",
                "Người được giao phải là thanh tra hoặc quản trị viên.",
                "The assignee must be an inspector or an admin.",
            )
            .on_field("assignee_id"),
        ),
    }
}

pub fn open(conn: &mut DbConn, new: &NewCase, by: i32) -> Result<CaseView, ModelError> {
    let title = new.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return refuse(
            Refusal::invalid(
                "invalid_title",
                "Tên vụ việc bắt buộc, tối đa 200 ký tự.",
                "A case needs a title of at most 200 characters.",
            )
            .on_field("title"),
        );
    }
    if let Some(a) = new.assignee_id {
        check_assignee(conn, a)?;
    }
    // The lot names its product when the product is not given.
    let product_id = match (new.product_id, new.lot_id) {
        (Some(p), _) => Some(p),
        (None, Some(l)) => lots::table
            .find(l)
            .select(lots::product_id)
            .first::<i32>(conn)
            .optional()?,
        _ => None,
    };
    let now = Utc::now().naive_utc();
    let id = diesel::insert_into(cases::table)
        .values((
            cases::status.eq("new"),
            cases::title.eq(title),
            cases::assignee_id.eq(new.assignee_id),
            cases::product_id.eq(product_id),
            cases::producer_id.eq(new.producer_id),
            cases::lot_id.eq(new.lot_id),
            cases::outlet_id.eq(new.outlet_id),
            cases::label_id.eq(new.label_id),
            cases::report_id.eq(new.report_id),
            cases::created_by.eq(by),
            cases::created_at.eq(now),
            cases::updated_at.eq(now),
        ))
        .returning(cases::id)
        .get_result::<i32>(conn)?;
    event(conn, id, by, "opened", title)?;
    if let Some(note) = new.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        event(conn, id, by, "note", note)?;
    }
    Ok(find(conn, id)?)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<CaseView> {
    let case: CaseRow = cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(conn)?;
    let rows: Vec<(NaiveDateTime, i32, String, String, String)> = case_events::table
        .inner_join(users::table.on(users::id.eq(case_events::by_user)))
        .filter(case_events::case_id.eq(id))
        .order(case_events::id)
        .select((
            case_events::at,
            case_events::by_user,
            users::username,
            case_events::kind,
            case_events::detail,
        ))
        .load(conn)?;
    Ok(CaseView {
        case,
        events: rows
            .into_iter()
            .map(|(at, by_user, by_username, kind, detail)| CaseEvent {
                at: at.and_utc(),
                by_user,
                by_username,
                kind,
                detail,
            })
            .collect(),
    })
}

pub fn list(conn: &mut DbConn, f: &CaseFilter) -> QueryResult<Vec<CaseRow>> {
    let mut q = cases::table.select(CaseRow::as_select()).into_boxed();
    if let Some(s) = &f.status {
        q = q.filter(cases::status.eq(s.clone()));
    }
    if let Some(a) = f.assignee_id {
        q = q.filter(cases::assignee_id.eq(a));
    }
    if let Some(p) = f.product_id {
        q = q.filter(cases::product_id.eq(p));
    }
    if let Some(p) = f.producer_id {
        q = q.filter(cases::producer_id.eq(p));
    }
    if let Some(o) = f.outlet_id {
        q = q.filter(cases::outlet_id.eq(o));
    }
    q.order(cases::id.desc()).limit(1000).load(conn)
}

/// Who a case can be assigned to: active inspectors and admins, as
/// (id, username, display name), by name.
pub fn assignable(conn: &mut DbConn) -> QueryResult<Vec<(i32, String, String)>> {
    users::table
        .filter(users::role.eq_any(["inspector", "admin"]))
        .filter(users::active.eq(true))
        .order(users::username)
        .select((users::id, users::username, users::display_name))
        .load(conn)
}

fn closed_refusal() -> Refusal {
    Refusal::conflict(
        "case_closed",
        "Vụ việc đã kết thúc (đã xác nhận hoặc bác bỏ).",
        "The case is closed (confirmed or dismissed).",
    )
}

fn is_closed(status: &str) -> bool {
    matches!(status, "confirmed" | "dismissed")
}

/// A step: a status (`investigating`, `dismissed`), an assignee, a note.
pub fn step(conn: &mut DbConn, id: i32, s: &CaseStep, by: i32) -> Result<CaseView, ModelError> {
    let current = find(conn, id)?.case;
    let note = s.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if s.status.is_none() && s.assignee_id.is_none() && note.is_none() {
        return refuse(Refusal::invalid(
            "empty_step",
            "Không có gì thay đổi: hãy đổi trạng thái, người được giao hoặc ghi chú.",
            "Nothing to do: change the status or the assignee, or add a note.",
        ));
    }
    if let Some(status) = s.status.as_deref() {
        if !matches!(status, "investigating" | "dismissed") {
            return refuse(
                Refusal::invalid(
                    "invalid_status",
                    "Trạng thái chỉ có thể là investigating hoặc dismissed (xác nhận dùng lệnh riêng).",
                    "The status can only be investigating or dismissed (confirming has its own call).",
                )
                .on_field("status"),
            );
        }
        if is_closed(&current.status) {
            return refuse(closed_refusal());
        }
        diesel::update(cases::table.find(id))
            .set(cases::status.eq(status))
            .execute(conn)?;
        event(
            conn,
            id,
            by,
            "status",
            &format!("{} → {status}", current.status),
        )?;
    }
    if let Some(a) = s.assignee_id {
        check_assignee(conn, a)?;
        diesel::update(cases::table.find(id))
            .set(cases::assignee_id.eq(a))
            .execute(conn)?;
        let name: String = users::table.find(a).select(users::username).first(conn)?;
        event(conn, id, by, "assigned", &name)?;
    }
    if let Some(n) = note {
        if n.chars().count() > 4000 {
            return refuse(
                Refusal::invalid(
                    "note_too_long",
                    "Ghi chú tối đa 4000 ký tự.",
                    "A note has at most 4000 characters.",
                )
                .on_field("note"),
            );
        }
        event(conn, id, by, "note", n)?;
    }
    touch(conn, id)?;
    Ok(find(conn, id)?)
}

/// Confirms a case, recalling its lot and/or suspending its producer.
pub fn confirm(conn: &mut DbConn, id: i32, c: &Confirm, by: i32) -> Result<CaseView, ModelError> {
    let current = find(conn, id)?.case;
    if is_closed(&current.status) {
        return refuse(closed_refusal());
    }
    let reason = c.reason.trim();
    if reason.is_empty() {
        return refuse(
            Refusal::invalid(
                "reason_required",
                "Hãy ghi lý do xác nhận.",
                "Give the reason for confirming.",
            )
            .on_field("reason"),
        );
    }
    diesel::update(cases::table.find(id))
        .set(cases::status.eq("confirmed"))
        .execute(conn)?;
    event(
        conn,
        id,
        by,
        "status",
        &format!("{} → confirmed: {reason}", current.status),
    )?;
    if c.recall_lot {
        let Some(lot_id) = current.lot_id else {
            return refuse(Refusal::invalid(
                "case_has_no_lot",
                "Vụ việc không gắn với lô hàng nào để thu hồi.",
                "The case names no lot to recall.",
            ));
        };
        recall::recall(conn, lot_id, reason, Some(id), by)?;
        event(conn, id, by, "lot_recalled", &format!("lot {lot_id}"))?;
    }
    if c.suspend_producer {
        let producer_id = match (current.producer_id, current.product_id) {
            (Some(p), _) => Some(p),
            (None, Some(product)) => Some(crate::models::product::find(conn, product)?.producer_id),
            _ => None,
        };
        let Some(producer_id) = producer_id else {
            return refuse(Refusal::invalid(
                "case_has_no_producer",
                "Vụ việc không gắn với chủ thể nào để đình chỉ.",
                "The case names no producer to suspend.",
            ));
        };
        producer::suspend(conn, producer_id, by)?;
        event(
            conn,
            id,
            by,
            "producer_suspended",
            &format!("producer {producer_id}"),
        )?;
    }
    touch(conn, id)?;
    Ok(find(conn, id)?)
}

/// The columns of both exports; the last two are the times (UTC in the
/// CSV, Vietnam time in the workbook, as their headers say).
const COLUMNS: [&str; 11] = [
    "id",
    "status",
    "title",
    "assignee_id",
    "product_id",
    "producer_id",
    "lot_id",
    "outlet_id",
    "label_id",
    "report_id",
    "created_by",
];

/// The format of a cases export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

/// An export ready to send: its media type, file name and bytes.
#[derive(Debug)]
pub struct ExportFile {
    pub content_type: &'static str,
    pub filename: &'static str,
    pub bytes: Vec<u8>,
}

impl ExportFile {
    /// The `Content-Disposition` that saves it under its name.
    pub fn disposition(&self) -> String {
        format!("attachment; filename=\"{}\"", self.filename)
    }
}

/// The cases as a file in `format` (the API and the web page send this).
pub fn export(rows: &[CaseRow], format: ExportFormat) -> anyhow::Result<ExportFile> {
    Ok(match format {
        ExportFormat::Csv => ExportFile {
            content_type: "text/csv; charset=utf-8",
            filename: "cases.csv",
            bytes: to_csv(rows)?,
        },
        ExportFormat::Xlsx => ExportFile {
            content_type: XLSX_TYPE,
            filename: "cases.xlsx",
            bytes: to_xlsx(rows)?,
        },
    })
}

/// The media type of an XLSX workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The cases as an XLSX workbook: one sheet, the same columns as the CSV,
/// ids as numbers (empty cells where there is none), the two times as real
/// date-times in Vietnam time (`dd/mm/yyyy hh:mm:ss`), the title as text
/// (a text cell is never a formula, whatever it starts with).
pub fn to_xlsx(rows: &[CaseRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use chrono::{Datelike, Timelike};
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let when = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
    let ws = wb.add_worksheet();
    ws.set_name("cases")?;
    let times = [
        "created_at (Asia/Ho_Chi_Minh)",
        "updated_at (Asia/Ho_Chi_Minh)",
    ];
    for (c, name) in (0u16..).zip(COLUMNS.into_iter().chain(times)) {
        ws.write_string_with_format(0, c, name, &bold)?;
    }
    let date_time = |t: NaiveDateTime| -> Result<ExcelDateTime, rust_xlsxwriter::XlsxError> {
        let vn = ocop_core::time::to_vn(t.and_utc());
        let year = u16::try_from(vn.year()).map_err(|_| {
            rust_xlsxwriter::XlsxError::ParameterError(format!("year {} out of range", vn.year()))
        })?;
        let (month, day) = (
            u8::try_from(vn.month()).unwrap_or(1),
            u8::try_from(vn.day()).unwrap_or(1),
        );
        let (h, m, sec) = (
            u16::try_from(vn.hour()).unwrap_or(0),
            u8::try_from(vn.minute()).unwrap_or(0),
            u8::try_from(vn.second()).unwrap_or(0),
        );
        ExcelDateTime::from_ymd(year, month, day)?.and_hms(h, m, sec)
    };
    for (r, row) in (1u32..).zip(rows) {
        ws.write_number(r, 0, row.id)?;
        ws.write_string(r, 1, &row.status)?;
        ws.write_string(r, 2, &row.title)?;
        for (c, v) in (3u16..).zip([
            row.assignee_id,
            row.product_id,
            row.producer_id,
            row.lot_id,
            row.outlet_id,
            row.label_id,
            row.report_id,
            Some(row.created_by),
        ]) {
            if let Some(v) = v {
                ws.write_number(r, c, v)?;
            }
        }
        ws.write_datetime_with_format(r, 11, date_time(row.created_at)?, &when)?;
        ws.write_datetime_with_format(r, 12, date_time(row.updated_at)?, &when)?;
    }
    ws.set_column_width(2, 40)?;
    ws.set_column_width(11, 20)?;
    ws.set_column_width(12, 20)?;
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

/// The cases as CSV (UTF-8 with a BOM, so Excel reads Vietnamese).
pub fn to_csv(rows: &[CaseRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(
        COLUMNS
            .into_iter()
            .chain(["created_at_utc", "updated_at_utc"]),
    )?;
    let opt = |v: Option<i32>| v.map(|x| x.to_string()).unwrap_or_default();
    for r in rows {
        w.write_record([
            r.id.to_string(),
            r.status.clone(),
            // A leading = + - @ would be a formula in a spreadsheet.
            if r.title.starts_with(['=', '+', '-', '@']) {
                format!("'{}", r.title)
            } else {
                r.title.clone()
            },
            opt(r.assignee_id),
            opt(r.product_id),
            opt(r.producer_id),
            opt(r.lot_id),
            opt(r.outlet_id),
            opt(r.label_id),
            opt(r.report_id),
            r.created_by.to_string(),
            r.created_at.and_utc().to_rfc3339(),
            r.updated_at.and_utc().to_rfc3339(),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
