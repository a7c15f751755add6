//! Record and post a goods-received note (phiếu nhập ký gửi) from a web
//! form: producer, and lines of product, lot code, production and expiry
//! dates, quantity (and payout price under payout-price terms).
//!
//! The draft is created and posted in ONE transaction through the same
//! model functions as `POST /api/v1/stock-documents` and `…/{id}/post`
//! ([`stock_form::create_and_post`]), so the model's rules
//! hold unchanged: a producer without an active agreement, a product that is
//! not listable (stars, expired certificate) or not the producer's is
//! refused with the model's Vietnamese reason, the form comes back (422)
//! with what was typed, and nothing is written. Managers receive at their
//! own outlet, admins at any; a forged form never gets here ([`CsrfForm`]).
//! Each unreadable value is said beside its field.
//!
//! Issue 14, for a real delivery at a counter, all without JavaScript:
//! - the form grows: "Thêm dòng" (add a line) shows it again with one more
//!   row, keeping what was typed; it starts with [`MIN_LINES`] rows;
//! - a row takes a scanned code (EAN/GTIN, internal code or a provenance
//!   QR's link) instead of a chosen product; a scanner's Enter presses the
//!   form's first button, "Cập nhật" (update), which shows the form again
//!   with each scan resolved to its product (and lot), and never posts;
//! - with a producer chosen, only that producer's products are offered;
//! - every problem of every row is said at once, beside its row
//!   ([`document::problems`], the model's own checks, dry): an expired lot
//!   is refused unless the row gives the reason it is taken in anyway;
//! - once posted, the page says so with the way on: print the note or its
//!   labels, receive another delivery, back to the stock.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::stock::DocumentKind;
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::forms::{self, Errors, FieldError, Input, Rows, csrf_field, field};
use super::layout::t;
use super::session::WebUser;
use super::stock_form::{
    self, Column, LineRow, OutletQuery, choices, line_rows, outlet_choices, shown, writer_at,
};
use crate::error::ApiError;
use crate::models::outlet::{self, Outlet};
use crate::models::producer::{self, Producer, ProducerSearch};
use crate::models::product::vn_today;
use crate::models::product::{self, Product};
use crate::models::stock::document::{self, DraftInput};
use crate::state::AppState;

/// Line rows a blank form offers; empty rows are ignored.
const MIN_LINES: usize = 4;
/// At most this many rows (the model's limit of lines on a document).
const MAX_LINES: usize = 1000;

/// The goods-received form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReceiptForm {
    outlet_id: String,
    producer_id: String,
    note: String,
    /// How many rows the form showed.
    rows: String,
    /// The button pressed: `refresh` and `add_line` show the form again;
    /// anything else (`post`, or none: an API-like client) posts.
    action: String,
    #[serde(flatten)]
    lines: Rows<LineRow>,
}

impl ReceiptForm {
    /// The rows to show: as many as were shown or posted, at least
    /// [`MIN_LINES`], one more after "add a line".
    fn row_count(&self) -> usize {
        let shown = self.rows.trim().parse::<usize>().unwrap_or(0);
        let grow = usize::from(self.action == "add_line");
        (shown.max(self.lines.last()).max(MIN_LINES) + grow).min(MAX_LINES)
    }
}

struct Choices {
    outlets: Vec<Outlet>,
    producers: Vec<Producer>,
    products: Vec<Product>,
}

async fn load_choices(state: &AppState) -> Result<Choices, ApiError> {
    state
        .read(|c| {
            let all = ProducerSearch {
                limit: Some(1000),
                status: Some("active".to_owned()),
                ..ProducerSearch::default()
            };
            Ok(Choices {
                outlets: outlet::list(c)?,
                producers: producer::search(c, &all)?.0,
                products: product::list(c, None)?,
            })
        })
        .await
}

fn columns(lang: ocop_core::i18n::Lang) -> [Column<'static>; 7] {
    [
        Column {
            name: "scan",
            label: t(
                lang,
                "hoặc quét mã vạch / mã QR",
                "or scan the barcode / QR code",
            ),
            input: Input::Text,
        },
        Column {
            name: "lot_code",
            label: t(lang, "Mã lô", "Lot code"),
            input: Input::Text,
        },
        Column {
            name: "produced_on",
            label: t(lang, "Ngày sản xuất", "Production date"),
            input: Input::Date,
        },
        Column {
            name: "expires_on",
            label: t(lang, "Hạn sử dụng", "Expiry date"),
            input: Input::Date,
        },
        Column {
            name: "qty",
            label: t(lang, "Số lượng", "Quantity"),
            input: Input::Text,
        },
        Column {
            name: "payout_price",
            label: t(
                lang,
                "Giá trả chủ thể/đơn vị (nếu thỏa thuận theo giá)",
                "Payout per unit (payout-price terms)",
            ),
            input: Input::Number,
        },
        Column {
            name: "reason",
            label: t(
                lang,
                "Lý do nhận (chỉ khi lô đã hết hạn)",
                "Why it is taken in (only for an expired lot)",
            ),
            input: Input::Text,
        },
    ]
}

const HEADER: &[&str] = &["outlet_id", "producer_id", "note"];

fn form_markup(me: &WebUser, f: &ReceiptForm, e: &Errors, ch: &Choices) -> Markup {
    let lang = me.lang;
    let makers: HashMap<i32, &str> = ch
        .producers
        .iter()
        .map(|p| (p.id, p.name.as_str()))
        .collect();
    let outlets = outlet_choices(me, &ch.outlets);
    let mut producers = vec![(String::new(), t(lang, "— chọn —", "— choose —").to_owned())];
    producers.extend(
        ch.producers
            .iter()
            .map(|p| (p.id.to_string(), p.name.clone())),
    );
    // With a producer chosen, only its products are offered.
    let chosen = f.producer_id.trim().parse::<i32>().ok();
    let offered: Vec<&Product> = ch
        .products
        .iter()
        .filter(|p| chosen.is_none_or(|c| p.producer_id == c))
        .collect();
    let labels: Vec<String> = offered
        .iter()
        .map(|p| {
            format!(
                "{} — {}",
                p.name_vi,
                makers.get(&p.producer_id).copied().unwrap_or("")
            )
        })
        .collect();
    let products = choices(offered.iter().zip(&labels).map(|(p, l)| (p.id, l.as_str())));
    let columns = columns(lang);
    let count = f.row_count();
    html! {
        (stock_form::summary(lang, e, &shown(HEADER, count, &columns)))
        form.card method="post" action="/stock/receive" {
            (csrf_field(me))
            input type="hidden" name="rows" value=(count);
            // First in the form: the button a scanner's Enter presses.
            p.form-actions {
                button.second type="submit" name="action" value="refresh" {
                    (t(lang, "Cập nhật (lọc sản phẩm, đọc mã quét)", "Update (filter products, read scans)"))
                }
            }
            (field(lang, "outlet_id", t(lang, "Điểm bán nhận hàng", "Receiving outlet"), &f.outlet_id, Input::Select(&outlets), e))
            (field(lang, "producer_id", t(lang, "Chủ thể giao hàng (chủ hàng ký gửi)", "Delivering producer (owner)"), &f.producer_id, Input::Select(&producers), e))
            (field(lang, "note", t(lang, "Ghi chú", "Note"), &f.note, Input::Text, e))
            (line_rows(lang, count, &f.lines, &products, &columns, e))
            p.form-actions {
                button.second type="submit" name="action" value="add_line" { (t(lang, "Thêm dòng", "Add a line")) }
                button type="submit" name="action" value="post" { (t(lang, "Ghi sổ phiếu nhập", "Post the goods-received note")) }
            }
        }
    }
}

async fn show(
    state: &AppState,
    me: &WebUser,
    status: StatusCode,
    f: &ReceiptForm,
    errors: &Errors,
) -> HttpResponse {
    let title = t(me.lang, "Nhập hàng ký gửi", "Receive consigned goods");
    match load_choices(state).await {
        Ok(ch) => forms::respond(status, me.lang, title, me, form_markup(me, f, errors, &ch)),
        Err(e) => forms::failure(me, &e),
    }
}

#[get("/stock/receive")]
pub async fn receive_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<OutletQuery>,
) -> HttpResponse {
    let (state, me) = (&state, &me);
    stock_form::blank(me, q.outlet_id.as_deref(), |outlet_id| async move {
        let blank = ReceiptForm {
            outlet_id: outlet_id.map(|o| o.to_string()).unwrap_or_default(),
            ..ReceiptForm::default()
        };
        show(state, me, StatusCode::OK, &blank, &Errors::default()).await
    })
    .await
}

/// The draft the form describes (the lines it could read, each with its
/// row), and the problems of what it could not read.
fn draft(outlet_id: i32, f: &ReceiptForm) -> (DraftInput, Vec<usize>, Errors) {
    let mut errors = Errors::default();
    let (rows, lines) = stock_form::draft_lines_at(&f.lines, f.row_count(), &mut errors)
        .into_iter()
        .unzip();
    let input = DraftInput {
        kind: DocumentKind::GoodsReceived,
        outlet_id,
        producer_id: f.producer_id.trim().parse::<i32>().ok(),
        dest_outlet_id: None,
        ref_document_id: None,
        write_off_reason: None,
        note: f.note.trim().to_owned(),
        lines,
    };
    (input, rows, errors)
}

/// Every problem of the draft at once: what the form could not read, then
/// what the model finds (dry, nothing written) in the rows it could read,
/// each beside its own row.
async fn all_problems(
    state: &AppState,
    input: &DraftInput,
    rows: &[usize],
    mut errors: Errors,
) -> Result<Errors, ApiError> {
    if input.lines.is_empty() {
        return Ok(errors);
    }
    let dry = input.clone();
    let found = state
        .read(move |c| Ok(document::problems(c, &dry, vn_today())?))
        .await?;
    let mut more = Errors::default();
    for (line, r) in found {
        let field = r.field().unwrap_or("product_id");
        more.push(match rows.get(line.wrapping_sub(1)) {
            Some(&row) => {
                let r = r.on_line(row);
                FieldError::new(
                    Rows::<LineRow>::name(field, row),
                    r.message(Lang::Vi),
                    r.message(Lang::En),
                )
            }
            None => FieldError::new(
                r.field().unwrap_or_default(),
                r.message(Lang::Vi),
                r.message(Lang::En),
            ),
        });
    }
    errors.add_unless_known(more);
    Ok(errors)
}

/// "Update": each row's scan read into its product (and lot, from a
/// provenance QR), the producer taken from the first scan when none was
/// chosen; a code nobody has is said beside its scan.
async fn resolve_scans(state: &AppState, f: &mut ReceiptForm) -> Result<Errors, ApiError> {
    let mut errors = Errors::default();
    for n in 1..=f.row_count() {
        let Some(row) = f.lines.at(n) else { continue };
        if row.scan.trim().is_empty() || !row.product_id.trim().is_empty() {
            continue;
        }
        let scan = row.scan.trim().to_owned();
        let found = state
            .read(move |c| match document::scanned(c, &scan) {
                Ok(found) => Ok(Ok(found)),
                Err(e) => Ok(Err(e.into_refusals()?)),
            })
            .await?;
        match found {
            Ok((product, lot)) => {
                if f.producer_id.trim().is_empty() {
                    f.producer_id = product.producer_id.to_string();
                }
                let row = f.lines.at_mut(n);
                row.product_id = product.id.to_string();
                row.scan.clear();
                if let Some(lot) = lot.filter(|_| row.lot_code.trim().is_empty()) {
                    row.lot_code = lot;
                }
            }
            Err(refusals) => {
                for r in refusals {
                    let r = r.on_line(n);
                    errors.push(FieldError::new(
                        Rows::<LineRow>::name("scan", n),
                        r.message(Lang::Vi),
                        r.message(Lang::En),
                    ));
                }
            }
        }
    }
    Ok(errors)
}

#[post("/stock/receive")]
pub async fn receive_submit(
    state: web::Data<AppState>,
    CsrfForm { me, form }: CsrfForm<ReceiptForm>,
) -> HttpResponse {
    // The same outlet rule as the API: a manager only its own (404).
    let outlet_id = match writer_at(&me, &form.outlet_id) {
        Ok(o) => o,
        Err(e) => return forms::failure(&me, &e),
    };
    let mut form = form;
    if matches!(form.action.as_str(), "refresh" | "add_line") {
        // Shown again, nothing written.
        let errors = if form.action == "refresh" {
            match resolve_scans(&state, &mut form).await {
                Ok(e) => e,
                Err(e) => return forms::failure(&me, &e),
            }
        } else {
            Errors::default()
        };
        return show(&state, &me, StatusCode::OK, &form, &errors).await;
    }
    let (input, rows, errors) = draft(outlet_id, &form);
    let errors = match all_problems(&state, &input, &rows, errors).await {
        Ok(e) => e,
        Err(e) => return forms::failure(&me, &e),
    };
    let (state, me, form) = (&state, &me, &form);
    stock_form::submit(
        state,
        me,
        errors.or_ok(input),
        stock_form::create_and_post,
        stock_form::posted_location,
        |errors| async move {
            show(state, me, StatusCode::UNPROCESSABLE_ENTITY, form, &errors).await
        },
    )
    .await
}
