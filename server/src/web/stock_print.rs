//! Printable stock documents: an A4/phone-friendly page in the common page
//! layout (Vietnamese or English, the page language; both parties'
//! signature lines), under the web session (`/stock/documents/{id}/print`)
//! and the API's bearer token (`/api/v1/stock-documents/{id}/print`); and
//! the 80 mm slip rendered by `ocop-hardware` as ESC/POS bytes or a PNG
//! preview of those very bytes. Same visibility as the document itself
//! (404 for someone else's). Text is escaped by maud, never by hand.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::money::{Dong, Quantity};
use ocop_core::stock::DocumentKind;
use ocop_hardware::layout::OutletHeader;
use ocop_hardware::layout::slip::{SlipKind, SlipLine, StockSlipView, stock_slip};
use ocop_hardware::{PrinterProfile, encode_to_vec};

use super::forms;
use super::layout::{page, t};
use super::session::{WebUser, page_lang};
use crate::auth::scope::load_view;
use crate::auth::{AuthUser, Role};
use ocop_core::refusal::Refusal;

use crate::error::{ApiError, ErrorBody};
use crate::models::outlet::Outlet;
use crate::models::stock::document::DocumentView;
use crate::models::stock::lot;
use crate::models::{outlet, producer, product, user};
use crate::state::AppState;

/// Everything a printed document shows.
struct PrintData {
    view: DocumentView,
    kind: DocumentKind,
    outlet: Outlet,
    dest: Option<Outlet>,
    producer: Option<String>,
    prepared_by: String,
    lines: Vec<PrintLine>,
}

struct PrintLine {
    /// The stored lot (labels are issued for it).
    lot_id: Option<i32>,
    name: String,
    name_en: Option<String>,
    unit: String,
    lot: Option<String>,
    expiry: Option<NaiveDate>,
    qty: Quantity,
    expected: Option<Quantity>,
    payout_price: Option<i64>,
    reason: Option<String>,
}

async fn load(state: &AppState, caller: &AuthUser, id: i32) -> Result<PrintData, ApiError> {
    let view = load_view(state, caller, id).await?;
    let kind = view.document.kind()?;
    let doc = view.document.clone();
    let raw_lines = view.lines.clone();
    let (outlet, dest, producer, prepared_by, lines) = state
        .read(move |c| {
            let outlet = outlet::find(c, doc.outlet_id)?;
            let dest = doc.dest_outlet_id.map(|d| outlet::find(c, d)).transpose()?;
            let producer = doc
                .producer_id
                .map(|p| producer::find(c, p).map(|p| p.name))
                .transpose()?;
            let prepared_by = user::find(c, doc.created_by)?.display_name;
            let mut lines = Vec::new();
            for l in raw_lines {
                let p = product::find(c, l.product_id)?;
                let code = l.lot_code.clone().unwrap_or_default();
                let stored_lot = lot::find_by_code(c, p.id, &code)?;
                let expiry = l
                    .expires_on
                    .or_else(|| stored_lot.as_ref().and_then(|x| x.expires_on));
                lines.push(PrintLine {
                    lot_id: stored_lot.map(|x| x.id),
                    name: p.name_vi,
                    name_en: p.name_en,
                    unit: p.unit,
                    lot: l.lot_code.filter(|c| !c.is_empty()),
                    expiry,
                    qty: Quantity::from_milli(l.qty_milli),
                    expected: l.expected_milli.map(Quantity::from_milli),
                    payout_price: l.payout_price,
                    reason: l.reason,
                });
            }
            Ok((outlet, dest, producer, prepared_by, lines))
        })
        .await?;
    Ok(PrintData {
        view,
        kind,
        outlet,
        dest,
        producer,
        prepared_by,
        lines,
    })
}

fn posted_at(d: &PrintData) -> Option<DateTime<Utc>> {
    d.view.document.posted_at.map(|t| t.and_utc())
}

/// Whether a lot expiring on `expiry` had expired on the day (in Vietnam)
/// the note was posted — or today, for a draft.
fn expired_when_posted(d: &PrintData, expiry: Option<NaiveDate>) -> bool {
    let day = posted_at(d).map_or_else(crate::models::product::vn_today, |t| {
        ocop_core::time::vn_date(t)
    });
    expiry.is_some_and(|e| e < day)
}

fn title(kind: DocumentKind, lang: Lang) -> &'static str {
    let en = match kind {
        DocumentKind::GoodsReceived => "Consignment goods received note",
        DocumentKind::Transfer => "Stock transfer note",
        DocumentKind::TransferReceipt => "Transfer receipt note",
        DocumentKind::Count => "Stock count sheet",
        DocumentKind::WriteOff => "Write-off note",
        DocumentKind::ReturnToProducer => "Return to producer note",
    };
    t(lang, kind.title_vi(), en)
}

/// The two signature lines: (left, right).
fn signatures(kind: DocumentKind, lang: Lang) -> (&'static str, &'static str) {
    let (vi, en) = match kind {
        DocumentKind::GoodsReceived => (
            ("Bên giao hàng (chủ thể OCOP)", "Bên nhận hàng (điểm bán)"),
            ("Delivered by (OCOP producer)", "Received by (outlet)"),
        ),
        DocumentKind::Transfer | DocumentKind::TransferReceipt => {
            (("Bên chuyển", "Bên nhận"), ("Sent by", "Received by"))
        }
        DocumentKind::Count => (
            ("Người kiểm kê", "Quản lý duyệt"),
            ("Counted by", "Approved by (manager)"),
        ),
        DocumentKind::WriteOff => (
            ("Người lập phiếu", "Quản lý điểm bán"),
            ("Prepared by", "Outlet manager"),
        ),
        DocumentKind::ReturnToProducer => (
            ("Bên trả hàng (điểm bán)", "Bên nhận lại (chủ thể OCOP)"),
            ("Returned by (outlet)", "Taken back by (OCOP producer)"),
        ),
    };
    (t(lang, vi.0, en.0), t(lang, vi.1, en.1))
}

fn write_off_reason(code: &str, lang: Lang) -> &'static str {
    if code == "expired" {
        t(lang, "Hết hạn sử dụng", "Expired")
    } else {
        t(lang, "Hư hỏng", "Damaged")
    }
}

/// The two extra columns of a count (book quantity, difference) or a
/// transfer receipt (sent, short).
fn expected_heads(kind: DocumentKind, lang: Lang) -> Option<(&'static str, &'static str)> {
    match kind {
        DocumentKind::Count => Some((
            t(lang, "Tồn sổ sách", "Book quantity"),
            t(lang, "Chênh lệch", "Difference"),
        )),
        DocumentKind::TransferReceipt => {
            Some((t(lang, "Đã gửi", "Sent"), t(lang, "Thiếu", "Short")))
        }
        _ => None,
    }
}

/// The page body: the outlet's header, the parties, the lines, the
/// signature lines.
fn body(d: &PrintData, lang: Lang) -> Markup {
    let doc = &d.view.document;
    let number = doc
        .number
        .clone()
        .unwrap_or_else(|| format!("{} #{}", t(lang, "BẢN NHÁP", "DRAFT"), doc.id));
    let when = posted_at(d).map_or_else(
        || t(lang, "chưa ghi sổ", "not posted").to_owned(),
        ocop_core::time::format_vn,
    );
    let expected = expected_heads(d.kind, lang);
    let (left, right) = signatures(d.kind, lang);
    let o = &d.outlet;
    let sign = t(lang, "(Ký, ghi rõ họ tên)", "(Signature and full name)");
    let (no, product, lot, expiry) = (
        t(lang, "STT", "No."),
        t(lang, "Tên hàng", "Product"),
        t(lang, "Số lô", "Lot"),
        t(lang, "Hạn sử dụng", "Expiry"),
    );
    let (qty, unit, payout, note) = (
        t(lang, "Số lượng", "Quantity"),
        t(lang, "ĐVT", "Unit"),
        t(lang, "Giá thanh toán", "Payout price"),
        t(lang, "Ghi chú", "Note"),
    );
    html! {
        div.doc {
            p { b { (o.legal_name) } br; (t(lang, "MST", "Tax code")) ": " (o.tax_code) br; (o.address) br; (t(lang, "ĐT", "Phone")) ": " (o.phone) }
            p.center { (t(lang, "Số", "No.")) ": " b { (number) } br; span.muted { (t(lang, "Ngày ghi sổ", "Posted")) ": " (when) } }
            p { b { (t(lang, "Điểm bán", "Outlet")) ":" } " " (o.name) " (" (o.code) ")" }
            @if let Some(p) = &d.producer {
                p { b { (t(lang, "Chủ thể (chủ hàng)", "Producer (owner)")) ":" } " " (p) }
            }
            @if let Some(dest) = &d.dest {
                p { b { (t(lang, "Chuyển đến", "Sent to")) ":" } " " (dest.name) " (" (dest.code) ")" }
            }
            @if let Some(r) = &doc.write_off_reason {
                p { b { (t(lang, "Lý do xuất hủy", "Write-off reason")) ":" } " " (write_off_reason(r, lang)) }
            }
            @if !doc.note.is_empty() {
                p { b { (t(lang, "Ghi chú", "Note")) ":" } " " (doc.note) }
            }
            // On a phone each line reads as a card of labelled values.
            table.lines.responsive {
                thead { tr {
                    th { (no) } th { (product) } th { (lot) } th { (expiry) }
                    th.num { (qty) } th { (unit) }
                    @if let Some((a, b)) = expected { th.num { (a) } th.num { (b) } }
                    th.num { (payout) } th { (note) }
                } }
                tbody {
                    @for (i, l) in (1..).zip(&d.lines) {
                        @let name = match lang { Lang::En => l.name_en.as_deref().unwrap_or(&l.name), Lang::Vi => &l.name };
                        tr {
                            td data-label=(no) { (i) }
                            td data-label=(product) { (name) }
                            td data-label=(lot) { (l.lot.as_deref().unwrap_or("—")) }
                            td data-label=(expiry) {
                                (l.expiry.map_or_else(|| "—".to_owned(), |e| e.format("%d/%m/%Y").to_string()))
                                // A lot received already expired (issue 14:
                                // taken in only with a reason) is flagged.
                                @if d.kind == DocumentKind::GoodsReceived && expired_when_posted(d, l.expiry) {
                                    " " span.warn.expired-on-receipt { (t(lang, "đã hết hạn khi nhận", "expired when received")) }
                                }
                            }
                            td.num data-label=(qty) { (l.qty) }
                            td data-label=(unit) { (l.unit) }
                            @if let Some((a, b)) = expected {
                                @let diff = l.expected.and_then(|e| match d.kind {
                                    DocumentKind::Count => l.qty.checked_sub(e),
                                    _ => e.checked_sub(l.qty),
                                });
                                td.num data-label=(a) { @if let Some(e) = l.expected { (e) } }
                                td.num data-label=(b) { @if let Some(q) = diff { (q) } }
                            }
                            td.num data-label=(payout) { @if let Some(p) = l.payout_price { (Dong::new(p)) } }
                            td data-label=(note) { (l.reason.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
            p { (t(lang, "Người lập phiếu", "Prepared by")) ": " (d.prepared_by) }
            div.sign {
                div { b { (left) } i { (sign) } }
                div { b { (right) } i { (sign) } }
            }
        }
    }
}

/// The whole printable page, in the common layout.
fn printable(d: &PrintData, lang: Lang, user: Option<&WebUser>) -> String {
    let heading = title(d.kind, lang).to_uppercase();
    page(lang, &heading, user, body(d, lang)).into_string()
}

/// Under a posted goods-received note, for the outlet's manager or an
/// admin: "print labels for this lot", one link per received lot.
fn label_links(d: &PrintData, me: &WebUser) -> Markup {
    let lang = me.lang;
    let may = matches!(me.user.role, Role::Admin | Role::Manager)
        && me.user.check_outlet(d.outlet.id).is_ok();
    let posted = d.view.document.posted_at.is_some();
    if !may || !posted || d.kind != DocumentKind::GoodsReceived {
        return html! {};
    }
    html! {
        div.card.no-print {
            h2 { (t(lang, "Tem truy xuất nguồn gốc", "Provenance labels")) }
            ul {
                @for l in d.lines.iter().filter(|l| l.lot_id.is_some()) {
                    li {
                        (l.name) @if let Some(code) = &l.lot { " · " (t(lang, "lô", "lot")) " " (code) } ": "
                        a.print-labels href=(format!("/labels/new?outlet_id={}&lot_id={}&count={}", d.outlet.id, l.lot_id.unwrap_or_default(), (l.qty.milli() / 1000).max(1))) {
                            (t(lang, "In tem cho lô này", "Print labels for this lot"))
                        }
                    }
                }
            }
        }
    }
}

fn html_answer(html: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html)
}

/// The document as an A4/phone-friendly HTML page with signature lines.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Document id")),
    responses(
        (status = 200, description = "HTML page", content_type = "text/html"),
        (status = 404, description = "No such document (or not yours)", body = ErrorBody),
    )
)]
#[get("/stock-documents/{id}/print")]
pub async fn print_html(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let data = load(&state, &caller, id.into_inner()).await?;
    Ok(html_answer(printable(&data, page_lang(&req), None)))
}

fn slip_bytes(d: &PrintData) -> Result<Vec<u8>, ApiError> {
    let kind = match d.kind {
        DocumentKind::GoodsReceived => SlipKind::GoodsReceived,
        DocumentKind::WriteOff => SlipKind::WriteOff,
        DocumentKind::Transfer | DocumentKind::TransferReceipt => SlipKind::Transfer,
        DocumentKind::ReturnToProducer => SlipKind::ReturnToProducer,
        DocumentKind::Count => {
            return Err(ApiError::from(Refusal::invalid(
                "no_slip_for_kind",
                "Phiếu kiểm kê không in trên giấy 80 mm; hãy dùng bản in A4.",
                "Count sheets are not printed on 80 mm paper; use the A4 page.",
            )));
        }
    };
    let (Some(number), Some(posted_at)) = (d.view.document.number.clone(), posted_at(d)) else {
        return Err(ApiError::from(Refusal::conflict(
            "document_not_posted",
            "Chỉ in phiếu 80 mm cho chứng từ đã ghi sổ.",
            "Only posted documents are printed on 80 mm slips.",
        )));
    };
    let o = &d.outlet;
    // The slip is Vietnamese: it is what the parties sign at the counter.
    let reason = match d.view.document.write_off_reason.as_deref() {
        Some(r) => Some(write_off_reason(r, Lang::Vi).to_owned()),
        None => d
            .dest
            .as_ref()
            .map(|dest| format!("Chuyển đến {}", dest.code)),
    };
    let view = StockSlipView {
        header: OutletHeader {
            legal_name: o.legal_name.clone(),
            tax_code: o.tax_code.clone(),
            address: o.address.clone(),
            phone: o.phone.clone(),
        },
        kind,
        number,
        posted_at,
        producer: d.producer.clone(),
        reason,
        prepared_by: d.prepared_by.clone(),
        lines: d
            .lines
            .iter()
            .map(|l| SlipLine {
                name: l.name.clone(),
                lot: l.lot.clone(),
                expiry: l.expiry,
                qty: l.qty,
                unit: l.unit.clone(),
                value: None,
            })
            .collect(),
        total_value: None,
    };
    encode_to_vec(&stock_slip(&view), &PrinterProfile::default()).map_err(ApiError::internal)
}

/// The 80 mm slip as ESC/POS bytes (raster, Vietnamese-safe), ready to send
/// to a printer.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Document id")),
    responses(
        (status = 200, description = "ESC/POS bytes", content_type = "application/octet-stream"),
        (status = 404, description = "No such document (or not yours)", body = ErrorBody),
        (status = 409, description = "Not posted yet", body = ErrorBody),
    )
)]
#[get("/stock-documents/{id}/slip.bin")]
pub async fn slip_escpos(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let data = load(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .body(slip_bytes(&data)?))
}

/// A PNG preview of exactly the ESC/POS bytes of the 80 mm slip.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Document id")),
    responses(
        (status = 200, description = "PNG", content_type = "image/png"),
        (status = 404, description = "No such document (or not yours)", body = ErrorBody),
        (status = 409, description = "Not posted yet", body = ErrorBody),
    )
)]
#[get("/stock-documents/{id}/slip.png")]
pub async fn slip_png(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let data = load(&state, &caller, id.into_inner()).await?;
    let bytes = slip_bytes(&data)?;
    let png = web::block(move || {
        ocop_hardware::preview::render(&bytes, &PrinterProfile::default()).and_then(|p| p.to_png())
    })
    .await?
    .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

/// The printable note (A4 or phone), under the web session: the same page
/// and visibility rule as [`print_html`].
#[get("/stock/documents/{id}/print")]
pub async fn print_page(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    match load(&state, &me.user, id.into_inner()).await {
        Ok(data) => {
            let heading = title(data.kind, me.lang).to_uppercase();
            let body = html! { (body(&data, me.lang)) (label_links(&data, &me)) };
            html_answer(page(me.lang, &heading, Some(&me), body).into_string())
        }
        Err(e) => forms::failure(&me, &e),
    }
}

/// Where the goods-received form lands once its note is posted (issue
/// 14): the note said posted, with the way on — print it (the browser's
/// print gives the A4 page without this card), print its lots' labels,
/// receive the next delivery, or go back to the stock — above the note
/// itself.
#[get("/stock/documents/{id}/posted")]
pub async fn posted_page(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    let data = match load(&state, &me.user, id.into_inner()).await {
        Ok(data) => data,
        Err(e) => return forms::failure(&me, &e),
    };
    let lang = me.lang;
    let doc = &data.view.document;
    let Some(number) = doc.number.clone() else {
        return forms::see_other(&format!("/stock/documents/{}/print", doc.id));
    };
    let heading = title(data.kind, lang).to_uppercase();
    let body = html! {
        div.card.status.good.no-print.posted {
            p {
                strong { (t(lang, "Đã ghi sổ", "Posted")) " " (number) }
                " — " (data.lines.len()) " " (t(lang, "dòng hàng, tồn kho đã cập nhật.", "lines; the stock is updated."))
            }
            p.actions {
                a.button href=(format!("/stock/documents/{}/print", doc.id)) { (t(lang, "In phiếu nhập", "Print the note")) }
                a.button.second href=(format!("/stock/receive?outlet_id={}", doc.outlet_id)) { (t(lang, "Nhập phiếu khác", "Receive another delivery")) }
                a.button.second href=(format!("/stock?outlet_id={}", doc.outlet_id)) { (t(lang, "Về tồn kho", "Back to stock")) }
            }
        }
        (label_links(&data, &me))
        (body(&data, lang))
    };
    html_answer(page(lang, &heading, Some(&me), body).into_string())
}
