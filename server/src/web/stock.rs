//! Stock pages: stock on hand (valued at retail and payout price), alerts,
//! the movement history of a product at an outlet with its running balance,
//! and the list of stock documents with their printable notes.
//!
//! Scope is the API's, decided by [`stock_scope`]: managers and cashiers see
//! their own outlet only (naming another answers 404), producers their own
//! goods at every outlet, admins and inspectors every outlet, chosen with a
//! selector. Every figure comes from the same model queries as the API.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::money::{Dong, Quantity};
use serde::Deserialize;

use super::forms;
use super::html_page;
use super::layout::{page, t};
use super::session::WebUser;
use crate::auth::Role;
use crate::auth::scope::stock_scope;
use crate::error::ApiError;
use crate::models::outlet::{self, Outlet};
use crate::models::product::vn_today;
use crate::models::stock::alerts::{self, AlertQuery};
use crate::models::stock::document::{self, DocumentFilter};
use crate::models::stock::report::{self, OnHandQuery};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct StockQuery {
    outlet_id: Option<String>,
    product_id: Option<i32>,
    #[expect(dead_code, reason = "read by the language middleware")]
    lang: Option<String>,
}

/// The outlet a page shows: an outlet-scoped account always its own (404
/// for any other it names); others what they chose, or every outlet.
pub(crate) fn chosen_outlet(
    me: &WebUser,
    requested: Option<&str>,
) -> Result<Option<i32>, ApiError> {
    let requested = match requested.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i32>().map_err(|_| ApiError::not_found())?),
    };
    match me.user.role {
        Role::Manager | Role::Cashier => {
            let own = me.user.outlet_id.unwrap_or(-1);
            match requested {
                Some(r) if r != own => Err(ApiError::not_found()),
                _ => Ok(Some(own)),
            }
        }
        Role::Admin | Role::Inspector | Role::Producer => Ok(requested),
    }
}

/// The outlet selector (for accounts that may choose) and the sub-page links.
fn header(me: &WebUser, path: &str, outlets: &[Outlet], chosen: Option<i32>) -> Markup {
    let lang = me.lang;
    let may_choose = !matches!(me.user.role, Role::Manager | Role::Cashier);
    let q = chosen
        .map(|o| format!("?outlet_id={o}"))
        .unwrap_or_default();
    html! {
        nav.filters {
            a href={"/stock" (q)} { (t(lang, "Tồn kho", "On hand")) }
            a href={"/stock/alerts" (q)} { (t(lang, "Cảnh báo", "Alerts")) }
            a href={"/stock/documents" (q)} { (t(lang, "Chứng từ kho", "Stock documents")) }
            @if matches!(me.user.role, Role::Admin | Role::Manager) {
                a href={"/stock/receive" (q)} { (t(lang, "Nhập hàng ký gửi", "Receive consigned goods")) }
                a href={"/stock/write-off" (q)} { (t(lang, "Hủy hàng", "Write off")) }
                a href={"/stock/count" (q)} { (t(lang, "Kiểm kê", "Count")) }
                a href={"/stock/transfer" (q)} { (t(lang, "Chuyển kho", "Transfer")) }
                a href={"/stock/return" (q)} { (t(lang, "Trả hàng", "Return")) }
                a href={"/stock/thresholds" (q)} { (t(lang, "Ngưỡng tồn thấp", "Low-stock thresholds")) }
            }
        }
        @if may_choose {
            form.filters method="get" action=(path) {
                select name="outlet_id" {
                    option value="" { (t(lang, "Mọi điểm bán", "All outlets")) }
                    @for o in outlets {
                        option value=(o.id) selected[Some(o.id) == chosen] { (o.name) }
                    }
                }
                button type="submit" { (t(lang, "Xem", "Show")) }
            }
        } @else if let Some(o) = outlets.iter().find(|o| Some(o.id) == chosen) {
            p.muted { (o.name) }
        }
    }
}

fn qty(q: Quantity, unit: &str) -> String {
    format!("{q} {unit}")
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| "—".to_owned())
}

#[get("/stock")]
pub async fn on_hand_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<StockQuery>,
) -> HttpResponse {
    let lang = me.lang;
    let chosen = match chosen_outlet(&me, q.outlet_id.as_deref()) {
        Ok(c) => c,
        Err(e) => return forms::failure(&me, &e),
    };
    let scope = stock_scope(&me.user);
    let query = OnHandQuery {
        outlet_id: chosen,
        ..OnHandQuery::default()
    };
    let found = state
        .read(move |c| {
            Ok((
                report::on_hand(c, &query, scope, vn_today())?,
                outlet::list(c)?,
            ))
        })
        .await;
    let (rep, outlets) = match found {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    let outlet_names: HashMap<i32, &str> =
        outlets.iter().map(|o| (o.id, o.name.as_str())).collect();
    let body = html! {
        (header(&me, "/stock", &outlets, chosen))
        p {
            (t(lang, "Giá trị theo giá bán lẻ: ", "Value at retail price: ")) strong { (Dong::new(rep.total_retail_value)) }
            " · " (t(lang, "theo giá trả chủ thể: ", "at payout price: ")) strong { (Dong::new(rep.total_payout_value)) }
        }
        @if rep.out_of_bounds_rows > 0 {
            p.warn.out-of-bounds {
                (rep.out_of_bounds_rows) " "
                (t(lang, "dòng có số lượng hoặc giá trị vượt giới hạn: không tính vào tổng, cần kiểm tra.",
                   "rows have a quantity or value beyond the bounds: left out of the totals, to be checked."))
            }
        }
        table.responsive {
            thead { tr {
                th { (t(lang, "Điểm bán", "Outlet")) }
                th { (t(lang, "Sản phẩm", "Product")) }
                th { (t(lang, "Lô / hạn dùng", "Lot / expiry")) }
                th { (t(lang, "Chủ hàng", "Owner")) }
                th.num { (t(lang, "Tồn", "On hand")) }
                th.num { (t(lang, "Giá trị bán lẻ", "Retail value")) }
                th.num { (t(lang, "Giá trị trả chủ thể", "Payout value")) }
            } }
            // Issue 14: outlets by name (the code beside it), and on a
            // phone every figure with its label.
            tbody { @for r in &rep.rows { tr {
                td data-label=(t(lang, "Điểm bán", "Outlet")) {
                    (outlet_names.get(&r.outlet_id).copied().unwrap_or(r.outlet_code.as_str()))
                    " " span.muted { "(" (r.outlet_code) ")" }
                }
                td data-label=(t(lang, "Sản phẩm", "Product")) { a href={"/stock/movements?outlet_id=" (r.outlet_id) "&product_id=" (r.product_id)} { (r.product_name) } }
                td data-label=(t(lang, "Lô / hạn dùng", "Lot / expiry")) {
                    (r.lot_code.as_deref().unwrap_or("—")) br; span.muted { (date(r.expires_on)) }
                    @if r.recalled { br; strong.warn.recalled { (t(lang, "THU HỒI — không bán", "RECALLED — do not sell")) } }
                }
                td data-label=(t(lang, "Chủ hàng", "Owner")) { (r.owner_name) }
                td.num data-label=(t(lang, "Tồn", "On hand")) class=[(r.qty.milli() < 0).then_some("warn")] { (qty(r.qty, &r.unit)) }
                @if r.out_of_bounds {
                    td.num.warn colspan="2" { (t(lang, "⚠ vượt giới hạn", "⚠ out of bounds")) }
                } @else {
                    td.num data-label=(t(lang, "Giá trị bán lẻ", "Retail value")) { (Dong::new(r.retail_value)) }
                    td.num data-label=(t(lang, "Giá trị trả chủ thể", "Payout value")) { (Dong::new(r.payout_value)) }
                }
            } } }
        }
        @if rep.rows.is_empty() { p.muted { (t(lang, "Không có hàng tồn.", "No stock.")) } }
    };
    html_page(page(
        lang,
        t(lang, "Tồn kho", "Stock on hand"),
        Some(&me),
        body,
    ))
}

#[get("/stock/alerts")]
pub async fn alerts_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<StockQuery>,
) -> HttpResponse {
    let lang = me.lang;
    let chosen = match chosen_outlet(&me, q.outlet_id.as_deref()) {
        Ok(c) => c,
        Err(e) => return forms::failure(&me, &e),
    };
    let scope = stock_scope(&me.user);
    let query = AlertQuery {
        outlet_id: chosen,
        expiry_days: None,
    };
    let found = state
        .read(move |c| {
            Ok((
                alerts::alerts(c, &query, scope, vn_today())?,
                outlet::list(c)?,
            ))
        })
        .await;
    let (a, outlets) = match found {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    let names: HashMap<i32, &Outlet> = outlets.iter().map(|o| (o.id, o)).collect();
    let outlet_of = |id: i32| {
        names
            .get(&id)
            .map_or_else(|| "?".to_owned(), |o| format!("{} ({})", o.name, o.code))
    };
    let body = html! {
        (header(&me, "/stock/alerts", &outlets, chosen))
        h2 { (t(lang, "Lô đã hết hạn", "Expired lots")) }
        (lot_table(&me, &a.expired_lots, &outlet_of, true))
        h2 { (t(lang, "Lô sắp hết hạn", "Lots expiring soon")) " (" (a.expiry_days) " " (t(lang, "ngày", "days")) ")" }
        (lot_table(&me, &a.expiring_lots, &outlet_of, false))
        h2 { (t(lang, "Giấy chứng nhận OCOP hết hạn trong 90 ngày", "OCOP certificates expiring within 90 days")) }
        table.responsive {
            thead { tr { th { (t(lang, "Sản phẩm", "Product")) } th { (t(lang, "Số chứng nhận", "Certificate")) } th { (t(lang, "Hết hạn", "Expires")) } } }
            tbody { @for c in &a.certificates_expiring { tr {
                td { (c.product_name) }
                td { (c.cert_number.as_deref().unwrap_or("—")) }
                td { (date(c.cert_expires_on)) br; span.warn { (c.days_left) " " (t(lang, "ngày", "days")) } }
            } } }
        }
        h2 { (t(lang, "Sắp hết hàng", "Low stock")) }
        table.responsive {
            thead { tr { th { (t(lang, "Điểm bán", "Outlet")) } th { (t(lang, "Sản phẩm", "Product")) } th.num { (t(lang, "Tồn", "On hand")) } th.num { (t(lang, "Ngưỡng", "Threshold")) } } }
            tbody { @for l in &a.low_stock { tr {
                td { (outlet_of(l.outlet_id)) } td { (l.product_name) } td.num { (l.on_hand) } td.num { (l.threshold) }
            } } }
        }
        h2 { (t(lang, "Tồn âm (đã bán khi chưa ghi nhận nhập)", "Negative stock (sold before being booked in)")) }
        table.responsive {
            thead { tr { th { (t(lang, "Điểm bán", "Outlet")) } th { (t(lang, "Sản phẩm", "Product")) } th { (t(lang, "Lô", "Lot")) } th.num { (t(lang, "Tồn", "On hand")) } } }
            tbody { @for r in &a.negative_stock { tr {
                td { (outlet_of(r.outlet_id)) } td { (r.product_name) } td { (r.lot_code.as_deref().unwrap_or("—")) } td.num.warn { (r.qty) }
            } } }
        }
    };
    html_page(page(
        lang,
        t(lang, "Cảnh báo tồn kho", "Stock alerts"),
        Some(&me),
        body,
    ))
}

/// The expired ("đã hết hạn") or expiring ("sắp hết hạn") lots, each with
/// what a manager does about it: write it off, or return it to its
/// producer — links to those forms with the row filled in (the outlet's
/// manager or an admin only; nobody else may post them).
fn lot_table(
    me: &WebUser,
    rows: &[alerts::StockAlertRow],
    outlet_of: &dyn Fn(i32) -> String,
    expired: bool,
) -> Markup {
    let lang = me.lang;
    let acts = |outlet: i32| {
        matches!(me.user.role, Role::Admin | Role::Manager) && me.user.check_outlet(outlet).is_ok()
    };
    html! {
        @if rows.is_empty() {
            p.muted { (t(lang, "Không có.", "None.")) }
        } @else {
            table.responsive.lots {
                thead { tr {
                    th { (t(lang, "Điểm bán", "Outlet")) } th { (t(lang, "Sản phẩm", "Product")) } th { (t(lang, "Lô", "Lot")) }
                    th { (t(lang, "Hạn dùng", "Expiry")) } th.num { (t(lang, "Tồn", "On hand")) } th { (t(lang, "Xử lý", "Action")) }
                } }
                tbody { @for r in rows { tr {
                    td data-label=(t(lang, "Điểm bán", "Outlet")) { (outlet_of(r.outlet_id)) }
                    td data-label=(t(lang, "Sản phẩm", "Product")) { (r.product_name) }
                    td data-label=(t(lang, "Lô", "Lot")) { (r.lot_code.as_deref().unwrap_or("—")) }
                    td data-label=(t(lang, "Hạn dùng", "Expiry")) {
                        (date(r.expires_on))
                        @if let Some(d) = r.days_left {
                            " "
                            @if expired {
                                span.status.bad.badge { (t(lang, "đã hết hạn", "expired")) " " (-d) " " (t(lang, "ngày", "days")) }
                            } @else {
                                span.warn { (t(lang, "còn", "in")) " " (d) " " (t(lang, "ngày", "days")) }
                            }
                        }
                    }
                    td.num data-label=(t(lang, "Tồn", "On hand")) { (r.qty) }
                    td data-label=(t(lang, "Xử lý", "Action")) {
                        @if acts(r.outlet_id) {
                            @let lot = r.lot_code.as_deref().unwrap_or("");
                            @let reason = if expired { "expired" } else { "" };
                            a.write-off href=(format!("/stock/write-off?outlet_id={}&write_off_reason={reason}&product_id_1={}&lot_code_1={}&qty_1={}", r.outlet_id, r.product_id, urlencode(lot), r.qty)) {
                                (t(lang, "Xuất hủy", "Write off"))
                            }
                            " · "
                            a.return href=(format!("/stock/return?outlet_id={}&producer_id={}&product_id_1={}&lot_code_1={}&qty_1={}", r.outlet_id, r.owner_producer_id, r.product_id, urlencode(lot), r.qty)) {
                                (t(lang, "Trả chủ thể", "Return to producer"))
                            }
                        } @else {
                            span.muted { "—" }
                        }
                    }
                } } }
            }
        }
    }
}

/// A lot code in a link's query (GS1 set 82 allows `%`, `&`, `+`, …).
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[get("/stock/movements")]
pub async fn movements_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<StockQuery>,
) -> HttpResponse {
    let lang = me.lang;
    // A movement history is of one outlet: name it (own outlet by default).
    let chosen = match chosen_outlet(&me, q.outlet_id.as_deref()) {
        Ok(Some(c)) => c,
        Ok(None) => return forms::failure(&me, &ApiError::not_found()),
        Err(e) => return forms::failure(&me, &e),
    };
    let Some(product_id) = q.product_id else {
        return forms::failure(&me, &ApiError::not_found());
    };
    let owner = stock_scope(&me.user).producer_id;
    let found = state
        .read(move |c| {
            let rows = report::movements(c, chosen, product_id, owner)?;
            let p = crate::models::product::find(c, product_id)?;
            let o = outlet::find(c, chosen)?;
            Ok((rows, p, o))
        })
        .await;
    let (rows, product, outlet) = match found {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    if owner.is_some_and(|o| o != product.producer_id) {
        // Not the producer's goods: do not confirm the product exists here.
        return forms::failure(&me, &ApiError::not_found());
    }
    let body = html! {
        p { strong { (outlet.name) } " · " (product.name_vi) " (" (product.unit) ")" }
        p { a href={"/stock?outlet_id=" (chosen)} { "← " (t(lang, "Tồn kho", "Stock on hand")) } }
        table.responsive {
            thead { tr {
                th { (t(lang, "Thời gian", "Time")) }
                th { (t(lang, "Nghiệp vụ", "Movement")) }
                th { (t(lang, "Chứng từ", "Document")) }
                th { (t(lang, "Lô", "Lot")) }
                th.num { (t(lang, "Số lượng", "Quantity")) }
                th.num { (t(lang, "Tồn sau", "Balance")) }
            } }
            tbody { @for m in &rows { tr {
                td { (ocop_core::time::format_vn(m.created_at.and_utc())) }
                td { (kind_label(lang, &m.kind)) }
                td { @if let Some(d) = m.document_id { a href={"/stock/documents/" (d) "/print"} { (m.document_ref) } } @else { (m.document_ref) } }
                td { (m.lot_code.as_deref().unwrap_or("—")) }
                td.num { @if m.qty.milli() > 0 { "+" } (m.qty) }
                td.num class=[(m.balance.milli() < 0).then_some("warn")] { (m.balance) }
            } } }
        }
        @if rows.is_empty() { p.muted { (t(lang, "Chưa có biến động.", "No movements yet.")) } }
    };
    html_page(page(
        lang,
        t(lang, "Lịch sử nhập xuất", "Movement history"),
        Some(&me),
        body,
    ))
}

fn kind_label(lang: Lang, kind: &str) -> &str {
    match kind {
        "consignment_received" => t(lang, "Nhập ký gửi", "Consignment received"),
        "sale" => t(lang, "Bán hàng", "Sale"),
        "customer_refund" => t(lang, "Khách trả hàng", "Customer refund"),
        "transfer_out" => t(lang, "Chuyển đi", "Transfer out"),
        "transfer_in" => t(lang, "Chuyển đến", "Transfer in"),
        "count_adjustment" => t(lang, "Điều chỉnh kiểm kê", "Count adjustment"),
        "expired_write_off" => t(lang, "Hủy hàng hết hạn", "Expired write-off"),
        "damaged_write_off" => t(lang, "Hủy hàng hỏng", "Damaged write-off"),
        "returned_to_producer" => t(lang, "Trả chủ thể", "Returned to producer"),
        other => other,
    }
}

#[get("/stock/documents")]
pub async fn documents_page(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<StockQuery>,
) -> HttpResponse {
    let lang = me.lang;
    let chosen = match chosen_outlet(&me, q.outlet_id.as_deref()) {
        Ok(c) => c,
        Err(e) => return forms::failure(&me, &e),
    };
    // The API's list rule: outlet accounts their outlet, producers theirs.
    let mut filter = DocumentFilter {
        outlet_id: chosen,
        ..DocumentFilter::default()
    };
    let outlets_only = match me.user.role {
        Role::Manager | Role::Cashier => Some(vec![me.user.outlet_id.unwrap_or(-1)]),
        Role::Producer => {
            filter.producer_id = Some(me.user.producer_id.unwrap_or(-1));
            None
        }
        Role::Admin | Role::Inspector => None,
    };
    let found = state
        .read(move |c| Ok((document::list(c, &filter, outlets_only)?, outlet::list(c)?)))
        .await;
    let (docs, outlets) = match found {
        Ok(v) => v,
        Err(e) => return forms::failure(&me, &e),
    };
    let names: HashMap<i32, &str> = outlets.iter().map(|o| (o.id, o.name.as_str())).collect();
    let body = html! {
        (header(&me, "/stock/documents", &outlets, chosen))
        table.responsive {
            thead { tr {
                th { (t(lang, "Số", "Number")) }
                th { (t(lang, "Loại", "Kind")) }
                th { (t(lang, "Điểm bán", "Outlet")) }
                th { (t(lang, "Trạng thái", "Status")) }
                th { (t(lang, "Ghi sổ lúc", "Posted at")) }
            } }
            tbody { @for d in &docs { tr {
                td { a href={"/stock/documents/" (d.id) "/print"} { (d.label()) } }
                td { (d.kind().map(|k| k.title_vi()).unwrap_or(d.kind.as_str())) }
                td { (names.get(&d.outlet_id).copied().unwrap_or("?")) }
                td { @if d.is_draft() { span.warn { (t(lang, "Nháp", "Draft")) } } @else { (t(lang, "Đã ghi sổ", "Posted")) } }
                td { @if let Some(p) = d.posted_at { (ocop_core::time::format_vn(p.and_utc())) } @else { "—" } }
            } } }
        }
        @if docs.is_empty() { p.muted { (t(lang, "Chưa có chứng từ.", "No documents yet.")) } }
    };
    html_page(page(
        lang,
        t(lang, "Chứng từ kho", "Stock documents"),
        Some(&me),
        body,
    ))
}
