//! Server-rendered web pages (Vietnamese first, phone-friendly), for admins,
//! managers, inspectors and producers, and one public page: the e-receipt
//! a printed receipt's QR code opens ([`receipt`]). Pages read through the same model
//! functions as the JSON API and apply the same role and scope rules; they
//! are not part of the OpenAPI document (they answer HTML, not the API),
//! except the public resolver, which programs call too (`resolver_doc`).

pub mod cases;
pub mod catalogue;
pub mod csrf_form;
pub mod dashboard;
pub mod forms;
pub mod headers;
pub mod indicators;
pub mod label_print;
pub mod labels;
pub mod layout;
pub mod login;
pub mod outlet_form;
pub mod oversight;
pub mod producer_form;
pub mod product_form;
pub mod public_catalogue;
pub mod receipt;
pub mod report;
pub mod resolver;
pub mod resolver_doc;
pub mod sales;
pub mod session;
pub mod settlement;
pub mod stock;
pub mod stock_form;
pub mod stock_moves;
pub mod stock_print;
pub mod stock_receive;
pub mod stock_thresholds;
pub mod stock_transfer;
pub mod stock_writeoff;
pub mod table_export;

use actix_web::cookie::Cookie;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, body::MessageBody, get, web};
use maud::html;

use self::layout::{page, t};
use self::session::{LANG_COOKIE, WebUser};

/// Mounts every page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home)
        .service(headers::stylesheet)
        .service(receipt::e_receipt)
        .service(receipt::vat_invoice_submit)
        .service(resolver::by_gtin)
        .service(resolver::by_own_serial)
        .service(public_catalogue::catalogue_page)
        .service(report::form)
        .service(report::form_submit)
        .service(login::login_form)
        .service(login::login_submit)
        .service(login::logout)
        // Fixed paths (`…/new`) before `/catalogue/products/{id}`.
        .service(product_form::new_form)
        .service(product_form::create)
        .service(product_form::edit_form)
        .service(product_form::update)
        .service(producer_form::new_form)
        .service(producer_form::create)
        .service(producer_form::edit_form)
        .service(producer_form::update)
        .service(outlet_form::new_form)
        .service(outlet_form::create)
        .service(outlet_form::edit_form)
        .service(outlet_form::update)
        .service(catalogue::products_page)
        .service(catalogue::product_page)
        .service(catalogue::producers_page)
        .service(catalogue::outlets_page)
        .service(stock_receive::receive_form)
        .service(stock_receive::receive_submit)
        .service(stock_writeoff::write_off_form)
        .service(stock_writeoff::write_off_submit)
        .service(stock_writeoff::count_form)
        .service(stock_writeoff::count_submit)
        .service(stock_moves::transfer_form)
        .service(stock_moves::transfer_submit)
        .service(stock_transfer::receive_form)
        .service(stock_transfer::receive_submit)
        .service(stock_moves::return_form)
        .service(stock_moves::return_submit)
        .service(stock_thresholds::thresholds_page)
        .service(stock_thresholds::thresholds_submit)
        .service(stock::on_hand_page)
        .service(stock::alerts_page)
        .service(stock::movements_page)
        .service(stock::documents_page)
        .service(stock_print::print_page)
        .service(stock_print::posted_page)
        // settlement (issue 13): fixed paths before `/settlements/{id}`
        .service(settlement::list_page)
        .service(settlement::run_submit)
        .service(settlement::batch_page)
        .service(settlement::batch_csv)
        .service(settlement::statement_page)
        .service(settlement::statement_csv)
        .service(settlement::statement_pdf)
        .service(settlement::statement_xlsx)
        .service(settlement::vietqr_png)
        .service(settlement::approve_submit)
        .service(settlement::confirm_submit)
        .service(settlement::dispute_submit)
        .service(settlement::pay_submit)
        .service(settlement::portal_page)
        .service(settlement::notice_read_submit)
        .service(sales::pending_transfers_page)
        .service(sales::vat_requests_page)
        .service(sales::sales_page)
        .service(labels::new_form)
        .service(labels::issue_submit)
        .service(labels::batch_page)
        .service(label_print::sheet_page)
        .service(label_print::escpos_page)
        // `/cases/export.csv` before `/cases/{id}`.
        .service(cases::list_page)
        .service(cases::export_page)
        .service(cases::export_xlsx_page)
        .service(cases::case_page)
        .service(cases::step_submit)
        .service(cases::confirm_submit)
        // oversight (issue 17): `/oversight/indicators` before `/oversight/{list}`
        .service(oversight::index)
        .service(indicators::page)
        .service(indicators::enter_target)
        .service(oversight::list_page)
        // the Department's sales dashboard (issue 17)
        .service(dashboard::dashboard_page)
        .service(dashboard::dashboard_export);
}

/// Remembers `?lang=en|vi` in a cookie so the choice follows the person.
pub async fn remember_lang(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let chosen = req
        .query_string()
        .split('&')
        .find_map(|p| p.strip_prefix("lang="))
        .filter(|l| matches!(*l, "en" | "vi"))
        .map(str::to_owned);
    let mut res = next.call(req).await?;
    if let Some(lang) = chosen {
        let cookie = Cookie::build(LANG_COOKIE, lang).path("/").finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

/// An HTML answer.
pub fn html_page(markup: maud::Markup) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

#[get("/")]
pub async fn home(me: WebUser) -> HttpResponse {
    let lang = me.lang;
    let body = html! {
        div.card {
            p { (t(lang, "Xin chào", "Hello")) ", " strong { (me.user.username) } "." }
            ul {
                li { a href="/catalogue/products" { (t(lang, "Danh mục sản phẩm OCOP", "OCOP product catalogue")) } }
                li { a href="/catalogue/producers" { (t(lang, "Chủ thể OCOP", "OCOP producers")) } }
                li { a href="/catalogue/outlets" { (t(lang, "Điểm bán", "Outlets")) } }
                li { a href="/stock" { (t(lang, "Tồn kho, cảnh báo và chứng từ kho", "Stock, alerts and stock documents")) } }
                @if me.user.role == crate::auth::Role::Producer {
                    li { a href="/portal" { (t(lang, "Cổng chủ thể: tồn kho, doanh số, quyết toán", "Producer portal: stock, sales, statements")) } }
                }
                @if me.user.role != crate::auth::Role::Cashier {
                    li { a href="/settlements" { (t(lang, "Quyết toán ký gửi", "Consignment settlement")) } }
                }
                @if me.user.role != crate::auth::Role::Producer {
                    li { a href="/sales" { (t(lang, "Bán hàng: theo ngày, ca, chốt ngày, trả hàng", "Sales: by day, shifts, daily closings, refunds")) } }
                    li { a href="/sales/transfers" { (t(lang, "Chuyển khoản chờ xác nhận", "Transfers awaiting confirmation")) } }
                }
                @if matches!(me.user.role, crate::auth::Role::Admin | crate::auth::Role::Inspector) {
                    li { a href="/cases" { (t(lang, "Vụ việc thanh tra (hàng giả, thu hồi)", "Inspection cases (fakes, recalls)")) } }
                }
                @if me.user.role != crate::auth::Role::Producer {
                    li { a href="/api/docs/" { (t(lang, "Tài liệu API", "API documentation")) } }
                }
            }
        }
    };
    html_page(page(lang, t(lang, "Trang chủ", "Home"), Some(&me), body))
}
