//! Settlement pages: statements by status with owed versus paid and the
//! month run (managers, admins; inspectors read), one statement as a
//! printable page with its actions (approve; confirm or dispute for its
//! producer; pay with the transfer reference) and its CSV, the payout batch
//! of an outlet with a VietQR code per statement, and the producer portal
//! (phone first): its own stock with days of cover, sales, statements and
//! payouts.
//!
//! Scope is the API's (`api::settlements::check_visible`, `scope_filter`):
//! a statement the person may not see answers 404.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use maud::html;
use ocop_core::i18n::Lang;
use ocop_core::money::{Dong, Quantity};
use ocop_core::settlement::Status;
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::forms;
use super::html_page;
use super::layout::{page, t};
use super::session::WebUser;
use crate::api::settlements as api;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::settlement::{self, StatementView, workflow};
use crate::state::AppState;

mod export;
mod payouts;
mod portal;

pub use export::{statement_csv, statement_csv_bytes, statement_pdf, statement_xlsx};
pub use payouts::{batch_csv, batch_page, vietqr_png};
pub use portal::{notice_read_submit, portal_page};

pub(super) fn status_label(lang: Lang, code: &str) -> String {
    let s: Status = code.parse().unwrap_or(Status::Draft);
    t(lang, s.label_vi(), s.label_en()).to_owned()
}

pub(super) fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to.to_owned()))
        .finish()
}

pub(super) fn q(milli: i64) -> String {
    Quantity::from_milli(milli).to_string()
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    status: Option<String>,
    period: Option<String>,
    #[expect(dead_code, reason = "read by the language middleware")]
    lang: Option<String>,
}

/// Statements by status, owed versus paid, and (managers, admins) the run.
#[get("/settlements")]
pub async fn list_page(
    state: web::Data<AppState>,
    me: WebUser,
    p: web::Query<ListParams>,
) -> HttpResponse {
    let lang = me.lang;
    let query = api::ListQuery {
        status: p.status.clone().filter(|s| !s.is_empty()),
        outlet_id: None,
        producer_id: None,
        period: p.period.clone().filter(|s| !s.is_empty()),
    };
    let f = match api::filter_of(&me.user, &query) {
        Ok(f) => f,
        Err(e) => return forms::failure(&me, &e),
    };
    let f2 = f.clone();
    let found = state
        .read(move |c| {
            Ok((
                settlement::list(c, &f)?,
                settlement::balances(c, &f2)?,
                settlement::producer_names(c)?,
                crate::models::outlet::list(c)?,
            ))
        })
        .await;
    let (rows, balances, producers, outlets) = match found {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    let pname = |id: i32| {
        producers
            .iter()
            .find(|p| p.0 == id)
            .map(|p| p.1.clone())
            .unwrap_or_default()
    };
    let oname = |id: i32| {
        outlets
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let runs = matches!(me.user.role, Role::Admin | Role::Manager);
    let last_month = ocop_core::settlement::Period::containing(
        ocop_core::stock::SettlementPeriod::Monthly,
        ocop_core::time::vn_date(Utc::now()),
    )
    .map(|p| p.prev().to_string())
    .unwrap_or_default();
    let body = html! {
        @if runs {
            form.card method="post" action="/settlements/run" {
                input type="hidden" name="csrf" value=(me.csrf);
                div.field {
                    label for="period" { (t(lang, "Lập bảng quyết toán cho tháng (mọi chủ thể)", "Compute statements for the month (all producers)")) }
                    input #period name="period" value=(last_month) placeholder="2026-11" inputmode="numeric";
                }
                button type="submit" { (t(lang, "Tính bảng quyết toán", "Compute statements")) }
                a.button.second href="/settlements/payouts" { (t(lang, "Đợt chi trả", "Payout batch")) }
            }
        }
        form.filters method="get" action="/settlements" {
            select name="status" {
                option value="" { (t(lang, "Mọi trạng thái", "Any status")) }
                @for s in Status::ALL {
                    option value=(s.code()) selected[p.status.as_deref() == Some(s.code())] { (t(lang, s.label_vi(), s.label_en())) }
                }
            }
            input name="period" value=(p.period.clone().unwrap_or_default()) placeholder="2026-11" size="8";
            button type="submit" { (t(lang, "Lọc", "Filter")) }
        }
        table.responsive {
            thead { tr {
                th { (t(lang, "Kỳ", "Period")) }
                th { (t(lang, "Chủ thể", "Producer")) }
                th { (t(lang, "Điểm bán", "Outlet")) }
                th { (t(lang, "Trạng thái", "Status")) }
                th.num { (t(lang, "Doanh thu thuần", "Net sales")) }
                th.num { (t(lang, "Phải trả", "Net payable")) }
            } }
            tbody { @for s in &rows { tr {
                td.nowrap data-label=(t(lang, "Kỳ", "Period")) { a href={"/settlements/" (s.id)} { (s.period) } }
                td data-label=(t(lang, "Chủ thể", "Producer")) { (pname(s.producer_id)) }
                td data-label=(t(lang, "Điểm bán", "Outlet")) { (oname(s.outlet_id)) }
                td data-label=(t(lang, "Trạng thái", "Status")) { (status_label(lang, &s.status)) }
                td.num data-label=(t(lang, "Doanh thu thuần", "Net sales")) { (Dong::new(s.net_sales)) }
                td.num data-label=(t(lang, "Phải trả", "Net payable")) { (Dong::new(s.net_payable)) }
            } } }
        }
        @if rows.is_empty() { p.muted { (t(lang, "Chưa có bảng quyết toán.", "No statements yet.")) } }
        h2 { (t(lang, "Phải trả và đã trả", "Owed and paid")) }
        table.responsive {
            thead { tr {
                th { (t(lang, "Chủ thể", "Producer")) }
                th { (t(lang, "Điểm bán", "Outlet")) }
                th.num { (t(lang, "Phải trả (đã duyệt)", "Owed (approved)")) }
                th.num { (t(lang, "Đã trả", "Paid")) }
                th.num { (t(lang, "Còn nợ", "Outstanding")) }
                th.num { (t(lang, "Chuyển kỳ sau", "Carried forward")) }
            } }
            tbody { @for b in &balances { tr {
                td data-label=(t(lang, "Chủ thể", "Producer")) { (pname(b.producer_id)) }
                td data-label=(t(lang, "Điểm bán", "Outlet")) { (oname(b.outlet_id)) }
                td.num data-label=(t(lang, "Phải trả", "Owed")) { (Dong::new(b.owed)) }
                td.num data-label=(t(lang, "Đã trả", "Paid")) { (Dong::new(b.paid)) }
                td.num data-label=(t(lang, "Còn nợ", "Outstanding")) { (Dong::new(b.outstanding)) }
                td.num data-label=(t(lang, "Chuyển kỳ sau", "Carried forward")) { (Dong::new(b.carried_forward)) }
            } } }
        }
    };
    html_page(page(
        lang,
        t(lang, "Quyết toán ký gửi", "Consignment settlement"),
        Some(&me),
        body,
    ))
}

#[derive(Debug, Deserialize)]
pub struct RunForm {
    period: String,
}

#[post("/settlements/run")]
pub async fn run_submit(state: web::Data<AppState>, f: CsrfForm<RunForm>) -> HttpResponse {
    let me = f.me;
    let lang = me.lang;
    if !matches!(me.user.role, Role::Admin | Role::Manager) {
        return forms::failure(&me, &ApiError::forbidden());
    }
    let month = match api::parse_period(&f.form.period) {
        Ok(m) => m,
        Err(e) => return forms::failure(&me, &e),
    };
    let outlet = (me.user.role == Role::Manager).then(|| me.user.outlet_id.unwrap_or(-1));
    let db = state.db.clone();
    let by = me.user.id;
    let rows = web::block(move || {
        settlement::run_period(&db, month, outlet, Utc::now(), Some(by), |_, _| {})
    })
    .await;
    let rows = match rows {
        Ok(Ok(r)) => api::results(r),
        Ok(Err(e)) => return forms::failure(&me, &e.into()),
        Err(e) => return forms::failure(&me, &ApiError::internal(e)),
    };
    let done = |o: &str| rows.iter().filter(|r| r.outcome == o).count();
    let body = html! {
        p.card {
            (t(lang, "Đã tính", "Computed")) ": " strong { (done("computed")) } " · "
            (t(lang, "đã duyệt từ trước (giữ nguyên)", "already approved (unchanged)")) ": " (done("fixed")) " · "
            (t(lang, "chưa đến kỳ (theo quý)", "not due (quarterly)")) ": " (done("not_due")) " · "
            (t(lang, "bị từ chối", "refused")) ": " strong { (done("refused")) }
        }
        ul { @for r in rows.iter().filter(|r| r.outcome == "refused") {
            li.error { "#" (r.producer_id) " × " (r.outlet_id) ": " (r.message.clone().unwrap_or_default()) }
        } }
        p { a href={"/settlements?period=" (month)} { (t(lang, "Xem các bảng quyết toán", "See the statements")) } }
    };
    html_page(page(
        lang,
        t(lang, "Kết quả tính quyết toán", "Settlement run"),
        Some(&me),
        body,
    ))
}

pub(super) async fn load(
    state: &AppState,
    me: &WebUser,
    id: i32,
) -> Result<StatementView, ApiError> {
    if me.user.role == Role::Cashier {
        return Err(ApiError::not_found());
    }
    api::load(state, &me.user, id).await
}

/// The statement's money, in the order it is printed: (Vietnamese,
/// English, amount). The net payable follows.
pub(super) fn money_rows(s: &settlement::Statement) -> Vec<(&'static str, &'static str, i64)> {
    vec![
        (
            "Doanh thu gộp (gồm VAT, sau chiết khấu)",
            "Gross sales (VAT incl., after discounts)",
            s.gross,
        ),
        ("Hoàn trả", "Refunds", s.refunds),
        ("Doanh thu thuần", "Net sales", s.net_sales),
        (
            "Hao hụt điểm bán chịu (trả chủ thể)",
            "Losses the outlet bears (paid to producer)",
            s.outlet_losses,
        ),
        ("Hoa hồng điểm bán", "Outlet commission", s.commission),
        (
            "Phần chủ thể được hưởng",
            "Producer's share",
            s.producer_share,
        ),
        (
            "Hao hụt chủ thể chịu (không trả)",
            "Losses the producer bears (not paid)",
            s.producer_losses,
        ),
        (
            "Điều chỉnh kỳ trước",
            "Adjustments of earlier statements",
            s.adjustments,
        ),
        ("Chuyển từ kỳ trước", "Carried in", s.carried_in),
        ("Tổng phải trả", "Total due", s.total_due),
        ("Chuyển sang kỳ sau", "Carried forward", s.carried_forward),
    ]
}

/// One statement: printable (A4), with its actions.
#[get("/settlements/{id}")]
pub async fn statement_page(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    let lang = me.lang;
    let v = match load(&state, &me, id.into_inner()).await {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    let s = &v.statement;
    let status: Status = s.status();
    let staff = me.user.role == Role::Admin
        || (me.user.role == Role::Manager && me.user.outlet_id == Some(s.outlet_id));
    let own = me.user.role == Role::Producer && me.user.producer_id == Some(s.producer_id);
    let stock: Vec<_> = v.lines.iter().filter(|l| l.kind == "stock").collect();
    let other: Vec<_> = v.lines.iter().filter(|l| l.kind != "stock").collect();
    let money = money_rows(s);
    let body = html! {
        div.doc {
            p.center {
                strong { (v.outlet_name) } br;
                (t(lang, "Kỳ", "Period")) " " (s.period) " · " (status_label(lang, &s.status))
                @if s.cutoff_at < ocop_core::time::vn_day_bounds(s.period_end).0.naive_utc() {
                    " · " span.warn { (t(lang, "Tạm tính (kỳ chưa kết thúc)", "Provisional (period not over)")) }
                }
            }
            p { (t(lang, "Chủ thể", "Producer")) ": " strong { (v.producer_name) } " · "
                (t(lang, "Điều khoản", "Terms")) ": " (s.terms)
                @if let Some(bp) = s.commission_bp { " " (ocop_core::stock::basis_points_percent(bp)) "%" }
                " · " (t(lang, "Bên chịu hao hụt", "Loss bearer")) ": " (s.loss_bearer) }
            table.lines.responsive {
                thead { tr {
                    th { (t(lang, "Sản phẩm / lô", "Product / lot")) }
                    th.num { (t(lang, "Đầu kỳ", "Opening")) }
                    th.num { (t(lang, "Nhận", "Received")) }
                    th.num { (t(lang, "Chuyển đến", "In")) }
                    th.num { (t(lang, "Chuyển đi", "Out")) }
                    th.num { (t(lang, "Bán", "Sold")) }
                    th.num { (t(lang, "Khách trả", "Refunded")) }
                    th.num { (t(lang, "Trả chủ thể", "Returned")) }
                    th.num { (t(lang, "Hủy/hao hụt", "Written off")) }
                    th.num { (t(lang, "Cuối kỳ", "Closing")) }
                } }
                tbody { @for l in &stock { tr {
                    td { (l.name) " · " (if l.lot_code.is_empty() { "—" } else { &l.lot_code }) }
                    td.num data-label=(t(lang, "Đầu kỳ", "Opening")) { (q(l.opening_milli)) }
                    td.num data-label=(t(lang, "Nhận", "Received")) { (q(l.received_milli)) }
                    td.num data-label=(t(lang, "Chuyển đến", "In")) { (q(l.transferred_in_milli)) }
                    td.num data-label=(t(lang, "Chuyển đi", "Out")) { (q(l.transferred_out_milli)) }
                    td.num data-label=(t(lang, "Bán", "Sold")) { (q(l.sold_milli)) }
                    td.num data-label=(t(lang, "Khách trả", "Refunded")) { (q(l.refunded_milli)) }
                    td.num data-label=(t(lang, "Trả chủ thể", "Returned")) { (q(l.returned_milli)) }
                    td.num data-label=(t(lang, "Hủy/hao hụt", "Written off")) { (q(l.written_off_milli)) }
                    td.num data-label=(t(lang, "Cuối kỳ", "Closing")) { (q(l.closing_milli)) }
                } } }
            }
            @if !other.is_empty() {
                h2 { (t(lang, "Bán đến muộn và điều chỉnh", "Late arrivals and adjustments")) }
                table.lines.responsive { tbody { @for l in &other { tr {
                    td { (match l.kind.as_str() {
                        "late_sale" => t(lang, "Bán đến muộn", "Late sale"),
                        "late_refund" => t(lang, "Hoàn trả đến muộn", "Late refund"),
                        _ => t(lang, "Điều chỉnh", "Adjustment"),
                    }) }
                    td { (l.reference)
                        @if let Some(at) = l.original_at { " · " (ocop_core::time::format_vn(at.and_utc())) }
                        @if let Some(c) = l.corrects_statement_id { " · " a href={"/settlements/" (c)} { "#" (c) } } }
                    td.num { (Dong::new(l.amount)) }
                } } } }
            }
            table.lines { tbody {
                @for (vi, en, amount) in &money { tr { td { (t(lang, vi, en)) } td.num { (Dong::new(*amount)) } } }
                tr { th { (t(lang, "Số tiền thanh toán", "Net payable")) } th.num { (Dong::new(s.net_payable)) } }
            } }
            p.muted { (s.rounding_rule) }
            p.muted.break-all { "SHA-256 " (s.figures_sha256) }
            h2 { (t(lang, "Lịch sử", "History")) }
            ul { @for e in &v.events { li {
                (ocop_core::time::format_vn(e.at.and_utc())) " · " (e.step)
                @if let Some(u) = e.user_id { " · #" (u) }
                @if !e.comment.is_empty() && e.step != "computed" { " · " (e.comment) }
            } } }
            @if let Some(p) = &v.payout {
                p.card { (t(lang, "Đã chuyển khoản", "Paid by transfer")) " " strong { (Dong::new(p.amount)) } " · "
                    (t(lang, "mã giao dịch", "reference")) " " (p.reference) " · " (ocop_core::time::format_vn(p.paid_at.and_utc())) }
            }
        }
        div.card {
            a.button href={"/settlements/" (s.id) "/statement.pdf"} { (t(lang, "Tải PDF", "Download PDF")) }
            " "
            a.button href={"/settlements/" (s.id) "/statement.xlsx"} { (t(lang, "Tải XLSX", "Download XLSX")) }
            " "
            a.button href={"/settlements/" (s.id) "/statement.csv"} { (t(lang, "Tải CSV", "Download CSV")) }
            " "
            @if staff && status == Status::Draft {
                form.inline method="post" action={"/settlements/" (s.id) "/approve"} {
                    input type="hidden" name="csrf" value=(me.csrf);
                    button type="submit" { (t(lang, "Duyệt", "Approve")) }
                }
            }
            @if staff && status.is_due() && s.net_payable > 0 {
                form method="post" action={"/settlements/" (s.id) "/pay"} {
                    input type="hidden" name="csrf" value=(me.csrf);
                    div.field {
                        label for="reference" { (t(lang, "Mã giao dịch chuyển khoản", "Bank transfer reference")) }
                        input #reference name="reference" required maxlength="64";
                    }
                    button type="submit" { (t(lang, "Ghi nhận đã chuyển khoản", "Record as paid")) }
                }
            }
            @if own && status.after(ocop_core::settlement::Step::Confirmed).is_some() {
                form.inline method="post" action={"/settlements/" (s.id) "/confirm"} {
                    input type="hidden" name="csrf" value=(me.csrf);
                    button type="submit" { (t(lang, "Xác nhận đúng", "Confirm")) }
                }
            }
            @if own && status.after(ocop_core::settlement::Step::Disputed).is_some() {
                form method="post" action={"/settlements/" (s.id) "/dispute"} {
                    input type="hidden" name="csrf" value=(me.csrf);
                    div.field {
                        label for="comment" { (t(lang, "Nội dung khiếu nại", "What is wrong")) }
                        input #comment name="comment" required;
                    }
                    button.danger type="submit" { (t(lang, "Khiếu nại", "Dispute")) }
                }
            }
        }
    };
    html_page(page(
        lang,
        t(
            lang,
            "Bảng quyết toán ký gửi",
            "Consignment settlement statement",
        ),
        Some(&me),
        body,
    ))
}

#[derive(Debug, Deserialize)]
pub struct Empty {}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    comment: String,
}

#[derive(Debug, Deserialize)]
pub struct PayForm {
    reference: String,
}

async fn step(
    state: &AppState,
    me: &WebUser,
    id: i32,
    act: impl FnOnce(&mut crate::db::DbConn, i32, i32) -> Result<(), ApiError> + Send + 'static,
    who: fn(&WebUser, &settlement::Statement) -> bool,
) -> HttpResponse {
    let v = match load(state, me, id).await {
        Ok(v) => v,
        Err(e) => return forms::failure(me, &e),
    };
    if !who(me, &v.statement) {
        return forms::failure(me, &ApiError::forbidden());
    }
    let by = me.user.id;
    match state.write(move |c| act(c, id, by)).await {
        Ok(()) => see_other(&format!("/settlements/{id}")),
        Err(e) => forms::failure(me, &e),
    }
}

fn is_staff(me: &WebUser, s: &settlement::Statement) -> bool {
    me.user.role == Role::Admin
        || (me.user.role == Role::Manager && me.user.outlet_id == Some(s.outlet_id))
}

fn is_owner(me: &WebUser, s: &settlement::Statement) -> bool {
    me.user.role == Role::Producer && me.user.producer_id == Some(s.producer_id)
}

#[post("/settlements/{id}/approve")]
pub async fn approve_submit(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    f: CsrfForm<Empty>,
) -> HttpResponse {
    step(
        &state,
        &f.me,
        id.into_inner(),
        |c, id, by| {
            workflow::approve(c, id, by, Utc::now())?;
            Ok(())
        },
        is_staff,
    )
    .await
}

#[post("/settlements/{id}/confirm")]
pub async fn confirm_submit(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    f: CsrfForm<Empty>,
) -> HttpResponse {
    step(
        &state,
        &f.me,
        id.into_inner(),
        |c, id, by| {
            workflow::confirm(c, id, by, Utc::now())?;
            Ok(())
        },
        is_owner,
    )
    .await
}

#[post("/settlements/{id}/dispute")]
pub async fn dispute_submit(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    f: CsrfForm<CommentForm>,
) -> HttpResponse {
    let comment = f.form.comment.clone();
    step(
        &state,
        &f.me,
        id.into_inner(),
        move |c, id, by| {
            workflow::dispute(c, id, &comment, by, Utc::now())?;
            Ok(())
        },
        is_owner,
    )
    .await
}

#[post("/settlements/{id}/pay")]
pub async fn pay_submit(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    f: CsrfForm<PayForm>,
) -> HttpResponse {
    let reference = f.form.reference.clone();
    step(
        &state,
        &f.me,
        id.into_inner(),
        move |c, id, by| {
            workflow::pay(c, id, &reference, by, Utc::now())?;
            Ok(())
        },
        is_staff,
    )
    .await
}
