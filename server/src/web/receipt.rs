//! The public e-receipt, `GET /r/{sale uuid}`: the page the QR code on a
//! printed receipt opens on the customer's phone. No sign-in: the sale's
//! random UUID is the only key, and nobody can guess one.
//!
//! It shows what the paper shows (the outlet's legal name, tax code and
//! address, the receipt number, the time in Vietnam, the lines, VAT per
//! rate, total, payment methods — not the journal hash, which is for staff)
//! and what the paper
//! cannot: the refunds made against the sale since, line by line, and for
//! each product a link to its provenance — the GS1 Digital Link its label
//! encodes (`{OCOP_PUBLIC_URL}/01/{GTIN}[/10/{lot}][?17=expiry]`). Nothing
//! about the staff (no cashier name) and no internal ids beyond the receipt
//! numbers. Labels are Vietnamese with the English beside them, as a tourist
//! may be holding the phone.
//!
//! An unknown or malformed id answers a friendly 404 page that says why a
//! receipt may not be there yet (its till may still be offline).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::digital_link::{DigitalLink, Lot};
use ocop_core::gtin::Gtin;
use ocop_core::i18n::Lang;
use ocop_core::money::{Dong, VatRate};
use ocop_core::sale::refund::{Refundable, refundable};
use ocop_core::sale::{PaymentKind, PaymentMethod, Refund, RefundMethod, Sale, TransferStatus};
use ocop_core::time::format_vn;
use uuid::Uuid;

use super::forms;
use super::layout::{public_page, public_response};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::models::outlet::{self, Outlet};
use crate::models::product;
use crate::models::sale::vat_request::{self, VatRequest, VatRequestInput};
use crate::models::sale::{payment, refund_store, store};
use crate::models::stock::lot;
use crate::state::AppState;
use ocop_core::refusal::Refusal;

/// Everything the page shows, read in one go.
struct EReceipt {
    outlet: Outlet,
    sale: Sale,
    /// Refunds against the sale, in the order they were made.
    refunds: Vec<Refund>,
    /// Per sale line: sold, returned so far, what is left.
    left: Vec<Refundable>,
    /// Per sale line number: the provenance link, when the product has a GTIN.
    links: HashMap<u32, String>,
    /// The bank transfer's state now (sealed, or confirmed since).
    transfer: Option<TransferStatus>,
    /// The customer's request for a VAT invoice, once made.
    vat_request: Option<VatRequest>,
}

/// `Tiếng Việt / English`.
fn both(vi: &str, en: &str) -> String {
    format!("{vi} / {en}")
}

fn payment_label(kind: PaymentKind) -> String {
    both(kind.label(Lang::Vi), kind.label(Lang::En))
}

/// The Digital Link a label of this line's product (and lot) carries.
fn provenance_link(
    c: &mut DbConn,
    line: &ocop_core::sale::SaleLine,
    base: &str,
) -> Result<Option<String>, ApiError> {
    let product = product::find(c, line.product_id)?;
    let Some(gtin) = product.gtin.as_deref().and_then(|g| Gtin::parse(g).ok()) else {
        return Ok(None);
    };
    let mut link = DigitalLink::new(gtin);
    if let Some(code) = line.lot_code.as_deref().filter(|c| !c.is_empty())
        && let Ok(lot_code) = Lot::parse(code)
    {
        link = link.with_lot(lot_code);
        let expiry = lot::find_by_code(c, line.product_id, code)?.and_then(|l| l.expires_on);
        if let Some(expiry) = expiry {
            link = link.with_expiry(expiry);
        }
    }
    Ok(Some(link.to_uri(base)))
}

fn load(c: &mut DbConn, id: Uuid, base: &str) -> Result<Option<EReceipt>, ApiError> {
    let Some(row) = store::find_row_by_uuid(c, id)? else {
        return Ok(None);
    };
    let sale = store::load(c, &row)?;
    let outlet = outlet::find(c, row.outlet_id)?;
    let refunds = refund_store::for_sale(c, row.id)?;
    let transfer = payment::status_now(c, &row, &sale)?;
    let left = refundable(&sale, &refunds).map_err(|e| ApiError::invalid(&e))?;
    let mut links = HashMap::new();
    for line in &sale.lines {
        if let Some(link) = provenance_link(c, line, base)? {
            links.insert(line.line_no, link);
        }
    }
    let vat_request = vat_request::find(c, row.id)?;
    Ok(Some(EReceipt {
        outlet,
        sale,
        refunds,
        left,
        links,
        transfer,
        vat_request,
    }))
}

fn vat_rows(rate: VatRate, gross: Dong, vat: Dong, net: Dong) -> Markup {
    html! {
        @if rate == VatRate::NotSubject {
            tr { td { (both("Không chịu thuế GTGT", "Not subject to VAT")) } td.num { (gross) } }
        } @else {
            tr { td { (both(&format!("Giá chưa thuế ({})", rate.label(Lang::Vi)), &format!("Before VAT ({})", rate.label(Lang::En)))) } td.num { (net) } }
            tr { td { (both(&format!("Thuế GTGT ({})", rate.label(Lang::Vi)), &format!("VAT ({})", rate.label(Lang::En)))) } td.num { (vat) } }
        }
    }
}

fn lines_table(r: &EReceipt) -> Markup {
    let returned = |line_no: u32| {
        r.left
            .iter()
            .find(|l| l.line_no == line_no)
            .map(|l| l.refunded_qty)
            .filter(|q| q.is_positive())
    };
    html! {
        table.responsive {
            thead { tr {
                th { (both("Sản phẩm", "Product")) }
                th.num { (both("SL", "Qty")) }
                th { (both("ĐVT", "Unit")) }
                th.num { (both("Đơn giá", "Price")) }
                th.num { (both("Giảm giá", "Discount")) }
                th.num { (both("Thành tiền", "Amount")) }
            } }
            tbody {
                @for line in &r.sale.lines {
                    tr {
                        td {
                            strong { (line.name) }
                            @if let Some(lot_code) = &line.lot_code {
                                br; span.muted { (both("Lô", "Lot")) ": " (lot_code) }
                            }
                            @if let Some(link) = r.links.get(&line.line_no) {
                                br; a.provenance href=(link) rel="noopener" { (both("Nguồn gốc sản phẩm", "Product provenance")) }
                            }
                            @if let Some(qty) = returned(line.line_no) {
                                br; span.warn.returned { (both("Đã trả lại", "Returned")) ": " (qty) " " (line.unit) }
                            }
                        }
                        td.num data-label=(both("SL", "Qty")) { (line.qty) }
                        td data-label=(both("ĐVT", "Unit")) { (line.unit) }
                        td.num data-label=(both("Đơn giá", "Price")) { (line.unit_price) }
                        @if line.discount != Dong::ZERO {
                            td.num data-label=(both("Giảm giá", "Discount")) { "-" (line.discount) }
                        } @else {
                            td.num {}
                        }
                        td.num data-label=(both("Thành tiền", "Amount")) { (line.amount) }
                    }
                }
            }
        }
    }
}

fn totals(sale: &Sale, transfer: Option<TransferStatus>) -> Markup {
    let unpaid = transfer.is_some_and(|s| !s.is_confirmed());
    html! {
        table {
            tbody {
                tr { th { (both("Tổng cộng", "Total")) } th.num { (sale.total) } }
                @for b in &sale.vat { (vat_rows(b.rate, b.gross, b.vat, b.net)) }
                @for p in &sale.payments {
                    tr { td { (payment_label(p.method.kind())) } td.num { (p.amount) } }
                    @if let (PaymentMethod::BankTransfer { .. }, Some(state)) = (&p.method, transfer) {
                        tr.transfer-state {
                            td.warn[!state.is_confirmed()] colspan="2" {
                                "(" (both(state.label(Lang::Vi), state.label(Lang::En))) ")"
                            }
                        }
                        @if unpaid {
                            tr.unpaid { th { (both("Chưa thanh toán", "Not yet paid")) } th.num { (p.amount) } }
                        }
                    }
                }
                // Once for the sale, as the paper receipt says it: all the
                // cash handed over (two notes paid separately are one sum)
                // and the change that the core computes from it.
                @if let Ok(cash) = sale.cash_tender() {
                    @if cash.change != Dong::ZERO {
                        tr { td.muted { (both("Tiền khách đưa", "Cash given")) } td.num.muted { (cash.handed_over) } }
                        tr { td.muted { (both("Tiền thừa trả khách", "Change")) } td.num.muted { (cash.change) } }
                    }
                }
            }
        }
    }
}

/// While a bank transfer is pending, where to send it: the paper carries
/// one QR code (this page's, issue 14), so the outlet's bank by name, the
/// account, its holder, the amount and the memo the bank matches the
/// receipt by are here, for a customer who pays after leaving the till.
fn how_to_pay(r: &EReceipt) -> Markup {
    let pending = r.transfer.is_some_and(|s| !s.is_confirmed());
    let amount = r
        .sale
        .payments
        .iter()
        .find(|p| matches!(p.method, PaymentMethod::BankTransfer { .. }))
        .map(|p| p.amount);
    let o = &r.outlet;
    let bank = o
        .bank_bin
        .as_deref()
        .and_then(|b| ocop_core::vietqr::BankBin::parse(b).ok())
        .map(|b| b.display_name());
    html! {
        @if let (true, Some(amount), Some(bank), Some(account)) = (pending, amount, bank, o.bank_account.as_deref()) {
            div.card.spaced.how-to-pay {
                h2 { (both("Chuyển khoản chưa được xác nhận", "Transfer not yet confirmed")) }
                table { tbody {
                    tr { td { (both("Ngân hàng", "Bank")) } td { strong { (bank) } } }
                    tr { td { (both("Số tài khoản", "Account")) } td.break-all { strong { (account) } } }
                    @if let Some(holder) = o.bank_holder.as_deref() {
                        tr { td { (both("Chủ tài khoản", "Holder")) } td { (holder) } }
                    }
                    tr { td { (both("Số tiền", "Amount")) } td.num { strong { (amount) } } }
                    @if let Some(memo) = ocop_core::sale::qr::transfer_memo(r.sale.receipt_ref()) {
                        tr { td { (both("Nội dung", "Memo")) } td { strong.memo { (memo) } } }
                    }
                } }
            }
        }
    }
}

fn refund_method_label(method: &RefundMethod) -> String {
    payment_label(method.kind())
}

fn refunds_section(r: &EReceipt) -> Markup {
    let remaining = Dong::checked_sum(r.left.iter().map(|l| l.remaining_amount));
    html! {
        @if !r.refunds.is_empty() {
            h2 { (both("Hàng đã trả lại", "Returns")) }
            @for refund in &r.refunds {
                div.card.refund {
                    p {
                        strong { (both("Phiếu trả hàng", "Refund receipt")) " " (refund.receipt_ref()) }
                        br; span.muted { (format_vn(refund.refunded_at)) " (giờ Việt Nam / Vietnam time)" }
                        br; (both("Lý do", "Reason")) ": " (refund.reason)
                    }
                    table {
                        tbody {
                            @for l in &refund.lines {
                                tr { td { (l.name) } td.num { (l.qty) " " (l.unit) } td.num { (l.amount) } }
                            }
                            tr { th { (both("Đã hoàn lại", "Refunded")) } th {} th.num { (refund.total) } }
                            @for p in &refund.payments {
                                tr { td.muted { (refund_method_label(&p.method)) } td {} td.num.muted { (p.amount) } }
                            }
                        }
                    }
                }
            }
            @if let Some(remaining) = remaining {
                p { strong { (both("Còn lại sau trả hàng", "Total after returns")) ": " (remaining) } }
            }
        }
    }
}

/// The problems of a refused VAT-invoice request, and what was typed.
#[derive(Default)]
struct Typed<'a> {
    input: Option<&'a VatRequestInput>,
    problems: Vec<Refusal>,
}

/// "Request a VAT invoice" (issue 14): the buyer's name, tax code,
/// address and e-mail, stored against the sale for the outlet to issue;
/// once asked, what was asked.
fn vat_request_section(r: &EReceipt, typed: &Typed<'_>) -> Markup {
    let action = format!("/r/{}/vat-invoice", r.sale.id);
    let value = |f: fn(&VatRequestInput) -> &str| typed.input.map_or("", f).to_owned();
    let said = |field: &str| -> Vec<String> {
        typed
            .problems
            .iter()
            .filter(|p| p.field() == Some(field))
            .map(|p| both(p.message(Lang::Vi), p.message(Lang::En)))
            .collect()
    };
    let fields: [(&str, String, String, &str); 4] = [
        (
            "buyer_name",
            both("Tên đơn vị (người) mua hàng", "Buyer's name"),
            value(|i| &i.buyer_name),
            "organization",
        ),
        (
            "tax_code",
            both("Mã số thuế", "Tax code"),
            value(|i| &i.tax_code),
            "off",
        ),
        (
            "address",
            both("Địa chỉ", "Address"),
            value(|i| &i.address),
            "street-address",
        ),
        (
            "email",
            both(
                "Email nhận hóa đơn (không bắt buộc)",
                "E-mail for the invoice (optional)",
            ),
            value(|i| &i.email),
            "email",
        ),
    ];
    html! {
        div.card.spaced.vat-request id="vat-invoice" {
            h2 { (both("Yêu cầu xuất hóa đơn GTGT", "Request a VAT invoice")) }
            @if let Some(req) = &r.vat_request {
                p.status.good.vat-requested {
                    (both("Đã nhận yêu cầu; điểm bán sẽ xuất hóa đơn GTGT cho", "Requested; the outlet will issue the VAT invoice to"))
                    ": " strong { (req.buyer_name) } ", " (both("MST", "tax code")) " " strong { (req.tax_code) }
                    @if !req.email.is_empty() { ", " (req.email) }
                    " (" (format_vn(req.requested_at.and_utc())) ")."
                }
            } @else {
                p.muted { (both(
                    "Phiếu này là phiếu bán hàng. Nếu cần hóa đơn GTGT đứng tên đơn vị, hãy điền thông tin; điểm bán sẽ xuất hóa đơn và gửi email.",
                    "This is a sales receipt. For a VAT invoice in a company's name, fill this in; the outlet issues the invoice and e-mails it.")) }
                @if !typed.problems.is_empty() {
                    div.error role="alert" {
                        p { strong { (both("Chưa gửi: vui lòng sửa các lỗi được đánh dấu.", "Not sent: please correct the marked fields.")) } }
                    }
                }
                form method="post" action=(action) {
                    @for (name, label, v, auto) in &fields {
                        @let messages = said(name);
                        div.field.invalid[!messages.is_empty()] {
                            label for=(name) { (label) }
                            input id=(name) name=(name) type=(if *name == "email" { "email" } else { "text" })
                                inputmode=[(*name == "tax_code").then_some("numeric")]
                                autocomplete=(auto) value=(v)
                                aria-invalid=[(!messages.is_empty()).then_some("true")];
                            @for m in &messages { span.field-error { (m) } }
                        }
                    }
                    button type="submit" { (both("Gửi yêu cầu", "Send the request")) }
                }
            }
        }
    }
}

fn receipt_markup_with(r: &EReceipt, typed: &Typed<'_>) -> Markup {
    let o = &r.outlet;
    html! {
        div.card {
            p {
                strong { (o.legal_name) }
                @if o.legal_name != o.name { br; (o.name) }
                br; (both("MST", "Tax code")) ": " (o.tax_code)
                br; (both("Địa chỉ", "Address")) ": " (o.address)
                @if !o.phone.is_empty() { br; (both("Điện thoại", "Phone")) ": " (o.phone) }
            }
            p {
                (both("Số phiếu", "Receipt no.")) ": " strong.receipt-ref { (r.sale.receipt_ref()) }
                br; (both("Thời gian", "Time")) ": " time datetime=(r.sale.sold_at.to_rfc3339()) { (format_vn(r.sale.sold_at)) }
                " " span.muted { "(giờ Việt Nam / Vietnam time)" }
            }
        }
        (lines_table(r))
        div.card.spaced { (totals(&r.sale, r.transfer)) }
        (how_to_pay(r))
        (refunds_section(r))
        // Issue 14: the journal's chain hash is for staff (the API and the
        // journal check), not for the customer holding this link.
        p.muted {
            (both(
                "Đây là bản trực tuyến của phiếu bán hàng, không phải hóa đơn điện tử (hóa đơn GTGT).",
                "This is the online copy of a sales receipt, not a VAT e-invoice."))
        }
        (vat_request_section(r, typed))
    }
}

fn not_found_markup() -> Markup {
    html! {
        div.card {
            p { (both(
                "Không tìm thấy phiếu này. Hãy kiểm tra lại đường dẫn trong mã QR.",
                "This receipt was not found. Please check the link in the QR code.")) }
            p.muted { (both(
                "Nếu vừa mua hàng, phiếu có thể chưa được gửi lên máy chủ (máy bán hàng đang mất mạng). Vui lòng thử lại sau.",
                "If you have just paid, the receipt may not have reached the server yet (the till may be offline). Please try again later.")) }
        }
    }
}

/// The friendly 404 page of an unknown or malformed receipt id.
fn not_found() -> HttpResponse {
    answer(
        StatusCode::NOT_FOUND,
        public_page(
            &both("Không tìm thấy phiếu", "Receipt not found"),
            not_found_markup(),
        ),
    )
}

/// The receipt's page, with `before` above it (a refusal's message).
fn receipt_page(
    status: StatusCode,
    found: &EReceipt,
    before: Markup,
    typed: &Typed<'_>,
) -> HttpResponse {
    answer(
        status,
        public_page(
            &both(
                "Phiếu bán hàng (bản trực tuyến)",
                "Sales receipt (online copy)",
            ),
            html! { (before) (receipt_markup_with(found, typed)) },
        ),
    )
}

fn answer(status: StatusCode, markup: Markup) -> HttpResponse {
    // Refunds change the page; the link is the key, so it must not leak
    // to the provenance site through Referer, nor be indexed.
    public_response(status, markup)
}

/// The e-receipt of a sale, for anyone holding its link.
#[get("/r/{sale}")]
pub async fn e_receipt(
    state: web::Data<AppState>,
    sale_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let Ok(id) = Uuid::parse_str(sale_id.trim()) else {
        return Ok(not_found());
    };
    let base = state.config.public_url.clone();
    let Some(found) = state.read(move |c| load(c, id, &base)).await? else {
        return Ok(not_found());
    };
    Ok(receipt_page(
        StatusCode::OK,
        &found,
        html! {},
        &Typed::default(),
    ))
}

/// A customer's request for a VAT invoice, posted from the e-receipt: stored
/// (then back to the receipt, which shows it), or the receipt again (422)
/// with every problem beside its field and nothing stored; a second
/// request is refused (409) with the first one shown.
#[post("/r/{sale}/vat-invoice")]
pub async fn vat_invoice_submit(
    state: web::Data<AppState>,
    sale_id: web::Path<String>,
    form: web::Form<VatRequestInput>,
) -> Result<HttpResponse, ApiError> {
    let Ok(id) = Uuid::parse_str(sale_id.trim()) else {
        return Ok(not_found());
    };
    let input = form.into_inner();
    let asked = input.clone();
    let stored = state
        .write(move |c| {
            let Some(row) = store::find_row_by_uuid(c, id)? else {
                return Ok(None);
            };
            Ok(Some(match vat_request::create(c, &row, &asked) {
                Ok(_) => Ok(()),
                Err(e) => Err(e.into_refusals()?),
            }))
        })
        .await?;
    let problems = match stored {
        None => return Ok(not_found()),
        Some(Ok(())) => return Ok(forms::see_other(&format!("/r/{id}#vat-invoice"))),
        Some(Err(problems)) => problems,
    };
    let status = if problems
        .iter()
        .any(|p| p.kind() == ocop_core::refusal::Kind::Conflict)
    {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let base = state.config.public_url.clone();
    let Some(found) = state.read(move |c| load(c, id, &base)).await? else {
        return Ok(not_found());
    };
    let typed = Typed {
        input: Some(&input),
        problems,
    };
    let before = html! {
        @for p in typed.problems.iter().filter(|p| p.kind() == ocop_core::refusal::Kind::Conflict) {
            div.error role="alert" { p { (both(p.message(Lang::Vi), p.message(Lang::En))) } }
        }
    };
    Ok(receipt_page(status, &found, before, &typed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_vietnamese_then_english() {
        assert_eq!(both("Tổng cộng", "Total"), "Tổng cộng / Total");
        assert_eq!(
            payment_label(PaymentKind::Cash),
            "Tiền mặt / Cash".to_owned()
        );
    }
}
