//! Two outlet sheets from web forms: the write-off of expired or damaged
//! goods (reason, and lines of product, lot code — empty: first expiry
//! first — and quantity), and the stock count (lines of product, lot code —
//! empty: the whole product — and the counted quantity; the model posts the
//! variance against the books as count adjustments and wants a reason when
//! there is one). Posting a count from this page is the manager's approval.
//!
//! Like the goods-received form, the draft is created and posted in ONE
//! transaction through [`stock_form::create_and_post`], the same functions
//! as the API: taking more than is on hand is refused
//! with the model's reason, the form comes back (422) with what was typed,
//! and nothing is written. Managers act at their own outlet, admins at any
//! (404 for another outlet); a forged form never gets here ([`CsrfForm`]).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::stock::{DocumentKind, WriteOffReason};
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::forms::{self, Errors, FieldError, Input, Rows, csrf_field, field};
use super::layout::t;
use super::session::WebUser;
use super::stock_form::{
    self, Column, LineRow, choices, line_rows, outlet_choices, shown, writer_at,
};
use crate::models::outlet::{self, Outlet};
use crate::models::product::{self, Product};
use crate::models::stock::document::DraftInput;
use crate::state::AppState;

const LINES: usize = 4;

/// Which sheet a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sheet {
    WriteOff,
    Count,
}

impl Sheet {
    fn path(self) -> &'static str {
        match self {
            Sheet::WriteOff => "/stock/write-off",
            Sheet::Count => "/stock/count",
        }
    }

    fn title(self, lang: Lang) -> &'static str {
        match self {
            Sheet::WriteOff => t(
                lang,
                "Hủy hàng hết hạn, hư hỏng",
                "Write off expired or damaged goods",
            ),
            Sheet::Count => t(lang, "Kiểm kê hàng tồn", "Stock count"),
        }
    }

    fn kind(self) -> DocumentKind {
        match self {
            Sheet::WriteOff => DocumentKind::WriteOff,
            Sheet::Count => DocumentKind::Count,
        }
    }

    fn columns(self, lang: Lang) -> [Column<'static>; 3] {
        let (lot, qty) = match self {
            Sheet::WriteOff => (
                t(
                    lang,
                    "Mã lô (để trống: lô hết hạn trước)",
                    "Lot code (empty: first to expire)",
                ),
                t(lang, "Số lượng", "Quantity"),
            ),
            Sheet::Count => (
                t(
                    lang,
                    "Mã lô (để trống: cả sản phẩm)",
                    "Lot code (empty: the whole product)",
                ),
                t(lang, "Số lượng đếm được", "Counted quantity"),
            ),
        };
        [
            Column {
                name: "lot_code",
                label: lot,
                input: Input::Text,
            },
            Column {
                name: "qty",
                label: qty,
                input: Input::Text,
            },
            Column {
                name: "reason",
                label: t(lang, "Lý do / mô tả", "Reason / details"),
                input: Input::Text,
            },
        ]
    }
}

/// A write-off or count sheet as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SheetForm {
    outlet_id: String,
    write_off_reason: String,
    note: String,
    #[serde(flatten)]
    lines: Rows<LineRow>,
}

const HEADER: &[&str] = &["outlet_id", "write_off_reason", "note"];

fn form_markup(
    sheet: Sheet,
    me: &WebUser,
    f: &SheetForm,
    e: &Errors,
    outlets: &[Outlet],
    products: &[Product],
) -> Markup {
    let lang = me.lang;
    let outlets = outlet_choices(me, outlets);
    let reasons = vec![
        (
            "expired".to_owned(),
            t(lang, "Hết hạn sử dụng", "Expired").to_owned(),
        ),
        (
            "damaged".to_owned(),
            t(lang, "Hư hỏng", "Damaged").to_owned(),
        ),
    ];
    let products = choices(products.iter().map(|p| (p.id, p.name_vi.as_str())));
    let columns = sheet.columns(lang);
    html! {
        (stock_form::summary(lang, e, &shown(HEADER, LINES, &columns)))
        form.card method="post" action=(sheet.path()) {
            (csrf_field(me))
            (field(lang, "outlet_id", t(lang, "Điểm bán", "Outlet"), &f.outlet_id, Input::Select(&outlets), e))
            @if sheet == Sheet::WriteOff {
                (field(lang, "write_off_reason", t(lang, "Lý do hủy", "Reason"), &f.write_off_reason, Input::Select(&reasons), e))
            }
            (field(lang, "note", t(lang, "Ghi chú", "Note"), &f.note, Input::Text, e))
            (line_rows(lang, LINES, &f.lines, &products, &columns, e))
            button type="submit" {
                @if sheet == Sheet::WriteOff { (t(lang, "Ghi sổ phiếu hủy", "Post the write-off")) }
                @else { (t(lang, "Duyệt và ghi sổ kiểm kê", "Approve and post the count")) }
            }
        }
    }
}

async fn show(
    sheet: Sheet,
    state: &AppState,
    me: &WebUser,
    status: StatusCode,
    f: &SheetForm,
    errors: &Errors,
) -> HttpResponse {
    let title = sheet.title(me.lang);
    match state
        .read(|c| Ok((outlet::list(c)?, product::list(c, None)?)))
        .await
    {
        Ok((outlets, products)) => forms::respond(
            status,
            me.lang,
            title,
            me,
            form_markup(sheet, me, f, errors, &outlets, &products),
        ),
        Err(e) => forms::failure(me, &e),
    }
}

#[get("/stock/write-off")]
pub async fn write_off_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<SheetForm>,
) -> HttpResponse {
    blank(Sheet::WriteOff, &state, &me, q.into_inner()).await
}

#[get("/stock/count")]
pub async fn count_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<SheetForm>,
) -> HttpResponse {
    blank(Sheet::Count, &state, &me, q.into_inner()).await
}

/// The blank sheet, or one filled in by its link's query (the stock
/// alerts' "write off" and "return to producer" links name the outlet,
/// the product, the lot and the quantity: `product_id_1=…&qty_1=…`).
async fn blank(sheet: Sheet, state: &AppState, me: &WebUser, filled: SheetForm) -> HttpResponse {
    let outlet = (!filled.outlet_id.trim().is_empty()).then(|| filled.outlet_id.clone());
    stock_form::blank(me, outlet.as_deref(), |outlet_id| async move {
        let blank = SheetForm {
            outlet_id: outlet_id.map(|o| o.to_string()).unwrap_or_default(),
            ..filled
        };
        show(sheet, state, me, StatusCode::OK, &blank, &Errors::default()).await
    })
    .await
}

/// The draft the sheet describes, or every problem found in it.
fn draft(sheet: Sheet, outlet_id: i32, f: &SheetForm) -> Result<DraftInput, Errors> {
    let mut errors = Errors::default();
    let reason = match sheet {
        Sheet::Count => None,
        Sheet::WriteOff => match f.write_off_reason.trim().parse::<WriteOffReason>() {
            Ok(r) => Some(r),
            Err(_) => {
                errors.push(FieldError::new(
                    "write_off_reason",
                    "Chọn lý do hủy.",
                    "Choose a reason.",
                ));
                None
            }
        },
    };
    let lines = stock_form::draft_lines(&f.lines, LINES, &mut errors);
    errors.or_ok(DraftInput {
        kind: sheet.kind(),
        outlet_id,
        producer_id: None,
        dest_outlet_id: None,
        ref_document_id: None,
        write_off_reason: reason,
        note: f.note.trim().to_owned(),
        lines,
    })
}

#[post("/stock/write-off")]
pub async fn write_off_submit(
    state: web::Data<AppState>,
    CsrfForm { me, form }: CsrfForm<SheetForm>,
) -> HttpResponse {
    submit(Sheet::WriteOff, &state, &me, &form).await
}

#[post("/stock/count")]
pub async fn count_submit(
    state: web::Data<AppState>,
    CsrfForm { me, form }: CsrfForm<SheetForm>,
) -> HttpResponse {
    submit(Sheet::Count, &state, &me, &form).await
}

async fn submit(sheet: Sheet, state: &AppState, me: &WebUser, f: &SheetForm) -> HttpResponse {
    let outlet_id = match writer_at(me, &f.outlet_id) {
        Ok(o) => o,
        Err(e) => return forms::failure(me, &e),
    };
    stock_form::submit(
        state,
        me,
        draft(sheet, outlet_id, f),
        stock_form::create_and_post,
        stock_form::print_location,
        |errors| async move {
            show(
                sheet,
                state,
                me,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                &errors,
            )
            .await
        },
    )
    .await
}
