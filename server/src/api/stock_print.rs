//! Printable stock documents: a self-contained A4/phone-friendly HTML page
//! (Vietnamese, both parties' signature lines), and the 80 mm slip rendered
//! by `ocop-hardware` as ESC/POS bytes or a PNG preview of those very bytes.
//! Same visibility as the document itself (404 for someone else's).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use ocop_core::money::{Dong, Quantity};
use ocop_core::stock::DocumentKind;
use ocop_hardware::layout::OutletHeader;
use ocop_hardware::layout::slip::{SlipKind, SlipLine, StockSlipView, stock_slip};
use ocop_hardware::{PrinterProfile, encode_to_vec};

use super::stock_documents::{DocumentView, load_view};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::models::outlet::Outlet;
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
    name: String,
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
                let expiry = match l.expires_on {
                    Some(e) => Some(e),
                    None => lot::find_by_code(c, p.id, &code)?.and_then(|x| x.expires_on),
                };
                lines.push(PrintLine {
                    name: p.name_vi,
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

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn posted_at(d: &PrintData) -> Option<DateTime<Utc>> {
    d.view.document.posted_at.map(|t| t.and_utc())
}

fn signatures(kind: DocumentKind) -> (&'static str, &'static str) {
    match kind {
        DocumentKind::GoodsReceived => ("Bên giao hàng (chủ thể OCOP)", "Bên nhận hàng (điểm bán)"),
        DocumentKind::Transfer | DocumentKind::TransferReceipt => ("Bên chuyển", "Bên nhận"),
        DocumentKind::Count => ("Người kiểm kê", "Quản lý duyệt"),
        DocumentKind::WriteOff => ("Người lập phiếu", "Quản lý điểm bán"),
        DocumentKind::ReturnToProducer => {
            ("Bên trả hàng (điểm bán)", "Bên nhận lại (chủ thể OCOP)")
        }
    }
}

fn html(d: &PrintData) -> String {
    let doc = &d.view.document;
    let number = doc
        .number
        .clone()
        .unwrap_or_else(|| format!("BẢN NHÁP #{}", doc.id));
    let when = posted_at(d).map_or_else(|| "chưa ghi sổ".to_owned(), ocop_core::time::format_vn);
    let mut parties = String::new();
    if let Some(p) = &d.producer {
        parties.push_str(&format!("<p><b>Chủ thể (chủ hàng):</b> {}</p>", esc(p)));
    }
    if let Some(dest) = &d.dest {
        parties.push_str(&format!(
            "<p><b>Chuyển đến:</b> {} ({})</p>",
            esc(&dest.name),
            esc(&dest.code)
        ));
    }
    if let Some(r) = &doc.write_off_reason {
        let label = if r == "expired" {
            "Hết hạn sử dụng"
        } else {
            "Hư hỏng"
        };
        parties.push_str(&format!("<p><b>Lý do xuất hủy:</b> {label}</p>"));
    }
    if !doc.note.is_empty() {
        parties.push_str(&format!("<p><b>Ghi chú:</b> {}</p>", esc(&doc.note)));
    }
    let with_expected = matches!(d.kind, DocumentKind::Count | DocumentKind::TransferReceipt);
    let expected_head = match d.kind {
        DocumentKind::Count => "<th>Tồn sổ sách</th><th>Chênh lệch</th>",
        DocumentKind::TransferReceipt => "<th>Đã gửi</th><th>Thiếu</th>",
        _ => "",
    };
    let mut rows = String::new();
    for (i, l) in d.lines.iter().enumerate() {
        let extra = if with_expected {
            let exp = l.expected.map(|e| e.to_string()).unwrap_or_default();
            let diff = l
                .expected
                .and_then(|e| match d.kind {
                    DocumentKind::Count => l.qty.checked_sub(e),
                    _ => e.checked_sub(l.qty),
                })
                .map(|q| q.to_string())
                .unwrap_or_default();
            format!("<td class=n>{exp}</td><td class=n>{diff}</td>")
        } else {
            String::new()
        };
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td>{extra}<td class=n>{}</td><td>{}</td></tr>",
            i + 1,
            esc(&l.name),
            esc(l.lot.as_deref().unwrap_or("—")),
            l.expiry.map(|e| e.format("%d/%m/%Y").to_string()).unwrap_or_else(|| "—".into()),
            l.qty,
            esc(&l.unit),
            l.payout_price.map(|p| Dong::new(p).to_string()).unwrap_or_default(),
            esc(l.reason.as_deref().unwrap_or("")),
        ));
    }
    let (left, right) = signatures(d.kind);
    let o = &d.outlet;
    format!(
        r#"<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} {number}</title>
<style>
body{{font-family:"DejaVu Sans",Arial,sans-serif;margin:0 auto;max-width:200mm;padding:12px;color:#000;font-size:14px}}
h1{{text-align:center;font-size:20px;margin:8px 0 2px}} .c{{text-align:center}} .muted{{color:#444}}
table{{width:100%;border-collapse:collapse;margin-top:10px}} th,td{{border:1px solid #000;padding:4px;vertical-align:top}}
td.n{{text-align:right;white-space:nowrap}} .wrap{{overflow-x:auto}}
.sign{{display:flex;justify-content:space-between;margin-top:28px;text-align:center}} .sign div{{width:45%}}
.sign i{{display:block;margin-bottom:70px}}
@media print{{@page{{size:A4;margin:15mm}} body{{max-width:none;padding:0}}}}
</style></head><body>
<p><b>{legal}</b><br>MST: {tax}<br>{addr}<br>ĐT: {phone}</p>
<h1>{title_upper}</h1>
<p class="c">Số: <b>{number}</b><br><span class="muted">Ngày ghi sổ: {when}</span></p>
<p><b>Điểm bán:</b> {outlet_name} ({outlet_code})</p>
{parties}
<div class="wrap"><table>
<thead><tr><th>STT</th><th>Tên hàng</th><th>Số lô</th><th>Hạn sử dụng</th><th>Số lượng</th><th>ĐVT</th>{expected_head}<th>Giá thanh toán</th><th>Ghi chú</th></tr></thead>
<tbody>{rows}</tbody></table></div>
<p>Người lập phiếu: {prepared}</p>
<div class="sign"><div><b>{left}</b><i>(Ký, ghi rõ họ tên)</i></div><div><b>{right}</b><i>(Ký, ghi rõ họ tên)</i></div></div>
</body></html>"#,
        title = d.kind.title_vi(),
        title_upper = d.kind.title_vi().to_uppercase(),
        number = esc(&number),
        legal = esc(&o.legal_name),
        tax = esc(&o.tax_code),
        addr = esc(&o.address),
        phone = esc(&o.phone),
        outlet_name = esc(&o.name),
        outlet_code = esc(&o.code),
        prepared = esc(&d.prepared_by),
    )
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
) -> Result<HttpResponse, ApiError> {
    let data = load(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html(&data)))
}

fn slip_bytes(d: &PrintData) -> Result<Vec<u8>, ApiError> {
    let kind = match d.kind {
        DocumentKind::GoodsReceived => SlipKind::GoodsReceived,
        DocumentKind::WriteOff => SlipKind::WriteOff,
        DocumentKind::Transfer | DocumentKind::TransferReceipt => SlipKind::Transfer,
        DocumentKind::ReturnToProducer => SlipKind::ReturnToProducer,
        DocumentKind::Count => {
            return Err(ApiError::unprocessable(
                "no_slip_for_kind",
                "Phiếu kiểm kê không in trên giấy 80 mm; hãy dùng bản in A4.",
                "Count sheets are not printed on 80 mm paper; use the A4 page.",
            ));
        }
    };
    let (Some(number), Some(posted_at)) = (d.view.document.number.clone(), posted_at(d)) else {
        return Err(ApiError::conflict(
            "document_not_posted",
            "Chỉ in phiếu 80 mm cho chứng từ đã ghi sổ.",
            "Only posted documents are printed on 80 mm slips.",
        ));
    };
    let o = &d.outlet;
    let reason = match d.view.document.write_off_reason.as_deref() {
        Some("expired") => Some("Hết hạn sử dụng".to_owned()),
        Some(_) => Some("Hư hỏng".to_owned()),
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

/// The printable page as HTML, for the web pages' cookie sessions (same
/// loading and visibility rule as [`print_html`]).
pub(crate) async fn printable_page(
    state: &AppState,
    caller: &AuthUser,
    id: i32,
) -> Result<String, ApiError> {
    let data = load(state, caller, id).await?;
    Ok(html(&data))
}
