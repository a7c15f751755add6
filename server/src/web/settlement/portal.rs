//! The producer portal (phone first): its own notifications, stock with
//! days of cover, sell-through per lot, sales, statements and payouts.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use maud::html;
use ocop_core::money::Dong;
use ocop_core::settlement::Status;
use serde::Deserialize;

use super::super::csrf_form::CsrfForm;
use super::super::forms;
use super::super::html_page;
use super::super::layout::{page, t};
use super::super::session::WebUser;
use super::{q, see_other, status_label};
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::settlement::{self, Filter, notices, portal};
use crate::state::AppState;

/// The producer portal: its own stock, sales, statements and payouts.
#[get("/portal")]
pub async fn portal_page(state: web::Data<AppState>, me: WebUser) -> HttpResponse {
    let lang = me.lang;
    let Some(producer) = me
        .user
        .producer_id
        .filter(|_| me.user.role == Role::Producer)
    else {
        return forms::failure(&me, &ApiError::not_found());
    };
    let noticed = state
        .write(move |c| Ok(notices::notice_conditions(c, producer, Utc::now())?))
        .await;
    if let Err(e) = noticed {
        return forms::failure(&me, &e);
    }
    let found = state
        .read(move |c| {
            let f = Filter {
                producer_id: Some(producer),
                ..Filter::default()
            };
            let statements = settlement::list(c, &f)?;
            let payouts = settlement::payouts_of(c, producer)?;
            Ok((
                portal::overview(c, producer, Utc::now(), 30)?,
                statements,
                payouts,
                crate::models::outlet::list(c)?,
                notices::list(c, producer, 50)?,
                portal::sell_through(c, producer, Utc::now())?,
            ))
        })
        .await;
    let (o, statements, payouts, outlets, (notes, unread), lots) = match found {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    let oname = |id: i32| {
        outlets
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let pending = statements
        .iter()
        .filter(|s| s.status() == Status::Approved)
        .count();
    let body = html! {
        @if pending > 0 {
            p.warn { (pending) " " (t(lang, "bảng quyết toán chờ bạn xác nhận.", "statements await your confirmation.")) }
        }
        h2 #notices { (t(lang, "Thông báo", "Notifications"))
            @if unread > 0 { " " span.warn { (unread) " " (t(lang, "chưa đọc", "unread")) } } }
        @if notes.is_empty() {
            p.muted { (t(lang, "Chưa có thông báo.", "No notifications yet.")) }
        } @else {
            ul.notices { @for n in &notes {
                li class=(if n.read_at.is_none() { "unread" } else { "read" }) {
                    span.what {
                        @if let Some(sid) = n.statement_id {
                            a href={"/settlements/" (sid)} { (t(lang, &n.message_vi, &n.message_en)) }
                        } @else {
                            (t(lang, &n.message_vi, &n.message_en))
                        }
                    }
                    span.muted.nowrap { (ocop_core::time::format_vn(n.created_at.and_utc())) }
                    @if n.read_at.is_none() {
                        form.inline method="post" action="/portal/notices/read" {
                            input type="hidden" name="csrf" value=(me.csrf);
                            input type="hidden" name="id" value=(n.id);
                            button.small type="submit" { (t(lang, "Đã đọc", "Mark read")) }
                        }
                    }
                }
            } }
            @if unread > 1 {
                form method="post" action="/portal/notices/read" {
                    input type="hidden" name="csrf" value=(me.csrf);
                    button.small type="submit" { (t(lang, "Đánh dấu tất cả đã đọc", "Mark all read")) }
                }
            }
        }
        h2 { (t(lang, "Bảng quyết toán", "Statements")) }
        table.responsive {
            thead { tr {
                th { (t(lang, "Kỳ", "Period")) } th { (t(lang, "Điểm bán", "Outlet")) }
                th { (t(lang, "Trạng thái", "Status")) } th.num { (t(lang, "Phải trả", "Payable")) }
            } }
            tbody { @for s in &statements { tr {
                td.nowrap data-label=(t(lang, "Kỳ", "Period")) { a href={"/settlements/" (s.id)} { (s.period) } }
                td data-label=(t(lang, "Điểm bán", "Outlet")) { (oname(s.outlet_id)) }
                td data-label=(t(lang, "Trạng thái", "Status")) { (status_label(lang, &s.status)) }
                td.num data-label=(t(lang, "Phải trả", "Payable")) { (Dong::new(s.net_payable)) }
            } } }
        }
        @if statements.is_empty() { p.muted { (t(lang, "Chưa có bảng quyết toán.", "No statements yet.")) } }
        h2 { (t(lang, "Tiền đã nhận", "Payouts received")) }
        table.responsive { tbody { @for (p, period) in &payouts { tr {
            td { (period) } td { (ocop_core::time::format_vn(p.paid_at.and_utc())) } td { (p.reference) }
            td.num { (Dong::new(p.amount)) }
        } } } }
        @if payouts.is_empty() { p.muted { (t(lang, "Chưa có khoản chi trả.", "No payouts yet.")) } }
        h2 { (t(lang, "Tồn kho tại các điểm bán", "Stock at every outlet")) }
        table.responsive {
            thead { tr {
                th { (t(lang, "Điểm bán", "Outlet")) } th { (t(lang, "Sản phẩm", "Product")) }
                th.num { (t(lang, "Tồn", "On hand")) } th.num { (t(lang, "Bán 28 ngày", "Sold, 28 days")) }
                th.num { (t(lang, "Đủ bán (ngày)", "Days of cover")) }
            } }
            tbody { @for r in &o.stock { tr {
                td data-label=(t(lang, "Điểm bán", "Outlet")) { (r.outlet_name) }
                td data-label=(t(lang, "Sản phẩm", "Product")) { (r.product_name) }
                td.num data-label=(t(lang, "Tồn", "On hand")) { (q(r.on_hand_milli)) " " (r.unit) }
                td.num data-label=(t(lang, "Bán 28 ngày", "Sold, 28 days")) { (q(r.sold_recent_milli)) }
                td.num data-label=(t(lang, "Đủ bán (ngày)", "Days of cover")) { @match r.days_of_cover { Some(d) => (d), None => "—" } }
            } } }
        }
        h2 #sell-through { (t(lang, "Tỷ lệ bán theo lô", "Sell-through per lot")) }
        table.responsive {
            thead { tr {
                th { (t(lang, "Điểm bán", "Outlet")) } th { (t(lang, "Sản phẩm / lô", "Product / lot")) }
                th.num { (t(lang, "Nhận", "Received")) } th.num { (t(lang, "Đã bán", "Sold")) }
                th.num { (t(lang, "Trả lại", "Returned")) } th.num { (t(lang, "Tồn", "On hand")) }
                th.num { (t(lang, "% đã bán", "% sold")) } th.num { (t(lang, "Ngày trên kệ", "Days on shelf")) }
            } }
            tbody { @for r in &lots { tr {
                td data-label=(t(lang, "Điểm bán", "Outlet")) { (r.outlet_name) }
                td data-label=(t(lang, "Sản phẩm / lô", "Product / lot")) { (r.product_name) " · " (if r.lot_code.is_empty() { "—" } else { &r.lot_code }) }
                td.num data-label=(t(lang, "Nhận", "Received")) { (q(r.received_milli)) }
                td.num data-label=(t(lang, "Đã bán", "Sold")) { (q(r.sold_milli)) }
                td.num data-label=(t(lang, "Trả lại", "Returned")) { (q(r.returned_milli)) }
                td.num data-label=(t(lang, "Tồn", "On hand")) { (q(r.on_hand_milli)) }
                td.num data-label=(t(lang, "% đã bán", "% sold")) { @match r.sold_permille { Some(p) => (percent(p)), None => "—" } }
                td.num data-label=(t(lang, "Ngày trên kệ", "Days on shelf")) { (r.days_on_shelf) }
            } } }
        }
        @if lots.is_empty() { p.muted { (t(lang, "Chưa có lô hàng nào.", "No lots yet.")) } }
        @for (title_vi, title_en, rows) in [
            ("Doanh số 30 ngày theo ngày", "Sales, last 30 days, by day", &o.by_day),
            ("Theo sản phẩm", "By product", &o.by_product),
            ("Theo điểm bán", "By outlet", &o.by_outlet),
        ] {
            h2 { (t(lang, title_vi, title_en)) }
            table.responsive { tbody { @for b in rows.iter() { tr {
                td { (b.key) } td.num { (q(b.qty_milli)) } td.num { (Dong::new(b.amount)) }
            } } } }
            @if rows.is_empty() { p.muted { (t(lang, "Chưa có doanh số.", "No sales.")) } }
        }
    };
    html_page(page(
        lang,
        t(lang, "Cổng chủ thể OCOP", "OCOP producer portal"),
        Some(&me),
        body,
    ))
}

/// Tenths of a percent as "62,5 %" (Vietnamese decimal comma).
fn percent(permille: i64) -> String {
    let (whole, tenth) = (permille / 10, (permille % 10).abs());
    if tenth == 0 {
        format!("{whole} %")
    } else {
        format!("{whole},{tenth} %")
    }
}

#[derive(Debug, Deserialize)]
pub struct ReadForm {
    /// One notice; none: all of them.
    id: Option<String>,
}

/// Marks one of the producer's notices read, or all of them.
#[post("/portal/notices/read")]
pub async fn notice_read_submit(state: web::Data<AppState>, f: CsrfForm<ReadForm>) -> HttpResponse {
    let me = &f.me;
    let Some(producer) = me
        .user
        .producer_id
        .filter(|_| me.user.role == Role::Producer)
    else {
        return forms::failure(me, &ApiError::not_found());
    };
    let id = match f
        .form
        .id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => match s.parse::<i32>() {
            Ok(id) => Some(id),
            Err(_) => return forms::failure(me, &ApiError::not_found()),
        },
    };
    match state
        .write(move |c| Ok(notices::mark_read(c, producer, id, Utc::now())?))
        .await
    {
        Ok(_) => see_other("/portal#notices"),
        Err(e) => forms::failure(me, &e),
    }
}
