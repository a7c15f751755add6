//! The outlet's money pages for its manager: `/sales`, what the outlet is
//! run by over the last days (sales by day and by till, shifts with their
//! Z figures and variances, the daily closings, refunds); `/sales/transfers`, the bank
//! transfers nobody has confirmed yet (money not received; the bank's
//! notice or the cashier's confirmation takes one off the list), with the
//! outlet's bank by name and its account holder.
//!
//! Who sees what: a manager or cashier their own outlet (another answers
//! 404), admins and inspectors the outlet they choose; producers never (a
//! sale's payments are the outlet's business).

use actix_web::{HttpResponse, get, web};
use maud::{Markup, html};
use ocop_core::money::Dong;
use ocop_core::time::format_vn;
use ocop_core::vietqr::BankBin;

use super::forms;
use super::html_page;
use super::layout::{page, t};
use super::session::WebUser;
use super::stock::chosen_outlet;
use super::stock_form::OutletQuery;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::outlet::{self, Outlet};
use crate::models::sale::overview::{self, Overview};
use crate::models::sale::payment::{self, PendingTransfer};
use crate::models::sale::vat_request;
use crate::state::AppState;

/// At most this many pending transfers on the page (oldest first).
const SHOWN: i64 = 500;

/// The outlet chosen for a money page: the caller's own, or an admin's or
/// inspector's choice; producers are refused.
fn outlet_for(me: &WebUser, requested: Option<&str>) -> Result<Option<i32>, ApiError> {
    me.user
        .require(&[Role::Admin, Role::Inspector, Role::Manager, Role::Cashier])?;
    chosen_outlet(me, requested)
}

/// What a money page shows: every outlet (for the selector), the one
/// chosen, and what `read` loads for it.
struct Loaded<T> {
    outlets: Vec<Outlet>,
    chosen: Option<i32>,
    data: Option<T>,
}

impl<T> Loaded<T> {
    fn shop(&self) -> Option<&Outlet> {
        self.chosen
            .and_then(|id| self.outlets.iter().find(|o| o.id == id))
    }
}

/// Chooses the outlet (the caller's own, or an admin's or inspector's
/// choice) and reads the page's data for it; the error page otherwise.
async fn load<T, F>(
    state: &AppState,
    me: &WebUser,
    requested: Option<&str>,
    read: F,
) -> Result<Loaded<T>, HttpResponse>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::db::DbConn, i32) -> Result<T, ApiError> + Send + 'static,
{
    let chosen = outlet_for(me, requested).map_err(|e| forms::failure(me, &e))?;
    state
        .read(move |c| {
            let outlets = outlet::list(c)?;
            let data = chosen.map(|id| read(c, id)).transpose()?;
            Ok(Loaded {
                outlets,
                chosen,
                data,
            })
        })
        .await
        .map_err(|e| forms::failure(me, &e))
}

/// The outlet selector for accounts that may choose.
fn outlet_picker(me: &WebUser, action: &str, outlets: &[Outlet], chosen: Option<i32>) -> Markup {
    let lang = me.lang;
    html! {
        @if matches!(me.user.role, Role::Admin | Role::Inspector) {
            form.filters method="get" action=(action) {
                select name="outlet_id" {
                    option value="" { "—" }
                    @for o in outlets {
                        option value=(o.id) selected[Some(o.id) == chosen] { (o.name) }
                    }
                }
                button type="submit" { (t(lang, "Xem", "Show")) }
            }
        }
    }
}

/// The outlet's account as people read it: bank name, number, holder.
fn bank_line(me: &WebUser, o: &Outlet) -> Markup {
    let lang = me.lang;
    let bank = o
        .bank_bin
        .as_deref()
        .and_then(|b| BankBin::parse(b).ok())
        .map(|b| b.display_name());
    html! {
        @match (bank, o.bank_account.as_deref()) {
            (Some(bank), Some(account)) => {
                p.bank {
                    (t(lang, "Tài khoản nhận", "Receiving account")) ": "
                    strong { (bank) } " · " (account)
                    @if let Some(holder) = o.bank_holder.as_deref() {
                        " · " (holder)
                    }
                }
            }
            _ => {
                p.muted { (t(lang, "Điểm bán chưa khai báo tài khoản ngân hàng.", "The outlet has no bank account on record.")) }
            }
        }
    }
}

fn pending_table(me: &WebUser, rows: &[PendingTransfer]) -> Markup {
    let lang = me.lang;
    let sum = Dong::checked_sum(rows.iter().map(|r| r.amount));
    html! {
        @if rows.is_empty() {
            p.ok { (t(lang, "Không có khoản chuyển khoản nào đang chờ xác nhận.", "No transfer is awaiting confirmation.")) }
        } @else {
            table.responsive.pending-transfers {
                thead { tr {
                    th { (t(lang, "Số phiếu", "Receipt")) }
                    th { (t(lang, "Thời gian", "Time")) }
                    th.num { (t(lang, "Chờ chuyển khoản", "Transfer awaited")) }
                    th.num { (t(lang, "Tổng phiếu", "Receipt total")) }
                    th { (t(lang, "Trạng thái", "State")) }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td { a href=(format!("/r/{}", r.sale_id)) { (r.receipt) } }
                            td data-label=(t(lang, "Thời gian", "Time")) { (format_vn(r.sold_at)) }
                            td.num data-label=(t(lang, "Chờ chuyển khoản", "Transfer awaited")) { (r.amount) }
                            td.num data-label=(t(lang, "Tổng phiếu", "Receipt total")) { (r.total) }
                            td.warn { (ocop_core::sale::TransferStatus::Pending.label(lang)) }
                        }
                    }
                }
            }
            @if let Some(sum) = sum {
                p { strong { (t(lang, "Tổng chưa nhận", "Not yet received")) ": " (sum) } }
            }
        }
    }
}

/// `GET /sales/transfers`: transfers awaiting confirmation.
#[get("/sales/transfers")]
pub async fn pending_transfers_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<OutletQuery>,
) -> HttpResponse {
    let l = match load(&state, &me, q.outlet_id.as_deref(), |c, o| {
        Ok(payment::pending(c, o, SHOWN)?)
    })
    .await
    {
        Ok(l) => l,
        Err(page) => return page,
    };
    let lang = me.lang;
    let rows = l.data.as_deref().unwrap_or_default();
    let body = html! {
        (outlet_picker(&me, "/sales/transfers", &l.outlets, l.chosen))
        @if let Some(o) = l.shop() {
            p { strong { (o.name) } }
            (bank_line(&me, o))
            p.muted { (t(lang,
                "Chuyển khoản chỉ được tính là đã thu khi ngân hàng hoặc thu ngân xác nhận.",
                "A transfer counts as received only once the bank or a cashier confirms it.")) }
            (pending_table(&me, rows))
        } @else {
            p { (t(lang, "Chọn một điểm bán.", "Choose an outlet.")) }
        }
    };
    html_page(page(
        lang,
        t(
            lang,
            "Chuyển khoản chờ xác nhận",
            "Transfers awaiting confirmation",
        ),
        Some(&me),
        body,
    ))
}

/// Days shown on `/sales` unless `?days=` says otherwise (at most
/// [`overview::MAX_DAYS`]).
const DEFAULT_DAYS: i64 = 14;

/// `/sales?outlet_id=&days=`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SalesQuery {
    pub outlet_id: Option<String>,
    pub days: Option<String>,
}

fn variance_cell(lang: ocop_core::i18n::Lang, v: Option<Dong>, acknowledged: bool) -> Markup {
    html! {
        @match v {
            None => td.muted { (t(lang, "đang mở", "open")) },
            Some(v) if v == Dong::ZERO => td.num { (v) },
            Some(v) => td.num.warn {
                (v)
                @if acknowledged { br; span.muted { (t(lang, "đã xác nhận", "acknowledged")) } }
                @else { br; strong { (t(lang, "chờ quản lý xác nhận", "awaiting the manager")) } }
            },
        }
    }
}

fn overview_markup(me: &WebUser, o: &Overview) -> Markup {
    let lang = me.lang;
    html! {
        h2 { (t(lang, "Doanh số theo ngày và máy bán hàng", "Sales by day and by till")) }
        @if o.by_day_till.is_empty() {
            p.muted { (t(lang, "Chưa có phiếu nào trong khoảng này.", "No receipts in this period.")) }
        } @else {
            table.responsive.by-day {
                thead { tr {
                    th { (t(lang, "Ngày", "Day")) }
                    th { (t(lang, "Máy", "Till")) }
                    th.num { (t(lang, "Phiếu bán", "Sales")) }
                    th.num { (t(lang, "Doanh số", "Gross")) }
                    th.num { (t(lang, "Trả hàng", "Refunds")) }
                    th.num { (t(lang, "Thuần", "Net")) }
                } }
                tbody {
                    @for r in &o.by_day_till {
                        tr {
                            td { (r.day.format("%d/%m/%Y")) }
                            td data-label=(t(lang, "Máy", "Till")) { (r.till_name) }
                            td.num data-label=(t(lang, "Phiếu bán", "Sales")) { (r.sales) }
                            td.num data-label=(t(lang, "Doanh số", "Gross")) { (r.gross) }
                            td.num data-label=(t(lang, "Trả hàng", "Refunds")) {
                                @if r.refunds == 0 { (r.refunded) } @else { "-" (r.refunded) " (" (r.refunds) ")" }
                            }
                            td.num data-label=(t(lang, "Thuần", "Net")) { (r.gross.checked_sub(r.refunded).unwrap_or(r.gross)) }
                        }
                    }
                }
            }
        }
        h2 { (t(lang, "Ca bán hàng", "Shifts")) }
        @if o.shifts.is_empty() {
            p.muted { (t(lang, "Không có ca nào.", "No shifts.")) }
        } @else {
            table.responsive.shifts {
                thead { tr {
                    th { (t(lang, "Mở ca", "Opened")) }
                    th { (t(lang, "Máy", "Till")) }
                    th { (t(lang, "Đóng ca (Z)", "Closed (Z)")) }
                    th.num { (t(lang, "Doanh thu thuần", "Net sales")) }
                    th.num { (t(lang, "Chênh lệch", "Variance")) }
                } }
                tbody {
                    @for s in &o.shifts {
                        tr {
                            td { (format_vn(s.opened_at)) }
                            td data-label=(t(lang, "Máy", "Till")) { (s.till_name) }
                            td data-label=(t(lang, "Đóng ca (Z)", "Closed (Z)")) {
                                @match s.closed_at { Some(c) => (format_vn(c)), None => "—" }
                            }
                            td.num data-label=(t(lang, "Doanh thu thuần", "Net sales")) {
                                @match s.net_sales { Some(n) => (n), None => "—" }
                            }
                            (variance_cell(lang, s.total_variance, s.acknowledged))
                        }
                    }
                }
            }
        }
        h2 { (t(lang, "Chốt ngày", "Daily closings")) }
        @if o.closings.is_empty() {
            p.muted { (t(lang, "Chưa chốt ngày nào trong khoảng này.", "No day closed in this period.")) }
        } @else {
            table.responsive.closings {
                thead { tr {
                    th { (t(lang, "Ngày", "Day")) }
                    th.num { (t(lang, "Số", "No.")) }
                    th.num { (t(lang, "Doanh thu thuần", "Net sales")) }
                    th.num { (t(lang, "CK đã xác nhận", "Transfers confirmed")) }
                    th.num { (t(lang, "CK chờ xác nhận", "Transfers pending")) }
                    th.num { (t(lang, "Tổng lũy kế", "Grand total")) }
                } }
                tbody {
                    @for c in &o.closings {
                        tr {
                            td { (c.day.format("%d/%m/%Y")) }
                            td.num data-label=(t(lang, "Số", "No.")) { (c.closing_no) }
                            td.num data-label=(t(lang, "Doanh thu thuần", "Net sales")) { (c.net_sales) }
                            td.num data-label=(t(lang, "CK đã xác nhận", "Transfers confirmed")) {
                                (c.transfers.confirmed().unwrap_or(Dong::ZERO))
                            }
                            td.num.warn[c.transfers.pending != Dong::ZERO] data-label=(t(lang, "CK chờ xác nhận", "Transfers pending")) {
                                (c.transfers.pending)
                            }
                            td.num data-label=(t(lang, "Tổng lũy kế", "Grand total")) { (c.grand_total) }
                        }
                    }
                }
            }
        }
        h2 { (t(lang, "Trả hàng", "Refunds")) }
        @if o.refunds.is_empty() {
            p.muted { (t(lang, "Không có phiếu trả hàng.", "No refunds.")) }
        } @else {
            table.responsive.refunds {
                thead { tr {
                    th { (t(lang, "Số phiếu", "Receipt")) }
                    th { (t(lang, "Thời gian", "Time")) }
                    th { (t(lang, "Lý do", "Reason")) }
                    th.num { (t(lang, "Hoàn lại", "Refunded")) }
                } }
                tbody {
                    @for r in &o.refunds {
                        tr {
                            td { (r.receipt) }
                            td data-label=(t(lang, "Thời gian", "Time")) { (format_vn(r.refunded_at)) }
                            td data-label=(t(lang, "Lý do", "Reason")) { (r.reason) }
                            td.num data-label=(t(lang, "Hoàn lại", "Refunded")) { (r.total) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /sales/vat-invoices`: the VAT invoices customers asked for on
/// their online receipts (issue 14), newest first, for the outlet to
/// issue; each with its receipt, buyer, tax code, address and e-mail. The
/// same buyer is in the e-invoice export of the sale's day.
#[get("/sales/vat-invoices")]
pub async fn vat_requests_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<OutletQuery>,
) -> HttpResponse {
    let l = match load(&state, &me, q.outlet_id.as_deref(), |c, o| {
        Ok(vat_request::for_outlet(c, o, SHOWN)?)
    })
    .await
    {
        Ok(l) => l,
        Err(page) => return page,
    };
    let lang = me.lang;
    let rows = l.data.as_deref().unwrap_or_default();
    let body = html! {
        (outlet_picker(&me, "/sales/vat-invoices", &l.outlets, l.chosen))
        @if let Some(o) = l.shop() {
            p { strong { (o.name) } }
            @if rows.is_empty() {
                p.muted { (t(lang, "Chưa có yêu cầu xuất hóa đơn GTGT nào.", "No VAT invoice has been requested.")) }
            } @else {
                table.responsive.vat-requests {
                    thead { tr {
                        th { (t(lang, "Số phiếu", "Receipt")) }
                        th { (t(lang, "Yêu cầu lúc", "Requested")) }
                        th { (t(lang, "Người mua", "Buyer")) }
                        th { (t(lang, "Mã số thuế", "Tax code")) }
                        th { (t(lang, "Địa chỉ", "Address")) }
                        th { "Email" }
                        th.num { (t(lang, "Tổng phiếu", "Receipt total")) }
                    } }
                    tbody {
                        @for (r, sale) in rows {
                            tr {
                                td { a href=(format!("/r/{}", sale.uuid)) { "T" (sale.till_id) "-" (format!("{:06}", sale.receipt_no)) } }
                                td data-label=(t(lang, "Yêu cầu lúc", "Requested")) { (format_vn(r.requested_at.and_utc())) }
                                td data-label=(t(lang, "Người mua", "Buyer")) { (r.buyer_name) }
                                td.nowrap data-label=(t(lang, "Mã số thuế", "Tax code")) { (r.tax_code) }
                                td data-label=(t(lang, "Địa chỉ", "Address")) { (r.address) }
                                td.break-all data-label="Email" { (r.email) }
                                td.num data-label=(t(lang, "Tổng phiếu", "Receipt total")) { (Dong::new(sale.total)) }
                            }
                        }
                    }
                }
            }
        } @else {
            p { (t(lang, "Chọn một điểm bán.", "Choose an outlet.")) }
        }
    };
    html_page(page(
        lang,
        t(lang, "Yêu cầu xuất hóa đơn GTGT", "VAT invoice requests"),
        Some(&me),
        body,
    ))
}

/// `GET /sales`: the outlet over the last days.
#[get("/sales")]
pub async fn sales_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<SalesQuery>,
) -> HttpResponse {
    let days = q
        .days
        .as_deref()
        .and_then(|d| d.trim().parse::<i64>().ok())
        .unwrap_or(DEFAULT_DAYS)
        .clamp(1, overview::MAX_DAYS);
    let to = ocop_core::time::vn_date(chrono::Utc::now());
    let from = to - chrono::Duration::days(days - 1);
    let l = match load(&state, &me, q.outlet_id.as_deref(), move |c, o| {
        Ok(overview::overview(c, o, from, to)?)
    })
    .await
    {
        Ok(l) => l,
        Err(page) => return page,
    };
    let lang = me.lang;
    let body = html! {
        (outlet_picker(&me, "/sales", &l.outlets, l.chosen))
        @if let (Some(shop), Some(o)) = (l.shop(), &l.data) {
            p {
                strong { (shop.name) } " · "
                (from.format("%d/%m/%Y")) " – " (to.format("%d/%m/%Y"))
                " · " a href="/sales/transfers" { (t(lang, "Chuyển khoản chờ xác nhận", "Transfers awaiting confirmation")) }
                " · " a href="/sales/vat-invoices" { (t(lang, "Yêu cầu hóa đơn GTGT", "VAT invoice requests")) }
            }
            (overview_markup(&me, o))
        } @else {
            p { (t(lang, "Chọn một điểm bán.", "Choose an outlet.")) }
        }
    };
    html_page(page(
        lang,
        t(lang, "Bán hàng của điểm bán", "Outlet sales"),
        Some(&me),
        body,
    ))
}
