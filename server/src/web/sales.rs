//! The outlet's money pages for its manager: `/sales/transfers`, the bank
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
use crate::models::sale::payment::{self, PendingTransfer};
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
    let chosen = match outlet_for(&me, q.outlet_id.as_deref()) {
        Ok(o) => o,
        Err(e) => return forms::failure(&me, &e),
    };
    let loaded = state
        .read(move |c| {
            let outlets = outlet::list(c)?;
            let rows = match chosen {
                Some(o) => payment::pending(c, o, SHOWN)?,
                None => Vec::new(),
            };
            Ok((outlets, rows))
        })
        .await;
    let (outlets, rows) = match loaded {
        Ok(l) => l,
        Err(e) => return forms::failure(&me, &e),
    };
    let lang = me.lang;
    let shop = chosen.and_then(|id| outlets.iter().find(|o| o.id == id));
    let body = html! {
        (outlet_picker(&me, "/sales/transfers", &outlets, chosen))
        @if let Some(o) = shop {
            p { strong { (o.name) } }
            (bank_line(&me, o))
            p.muted { (t(lang,
                "Chuyển khoản chỉ được tính là đã thu khi ngân hàng hoặc thu ngân xác nhận.",
                "A transfer counts as received only once the bank or a cashier confirms it.")) }
            (pending_table(&me, &rows))
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
