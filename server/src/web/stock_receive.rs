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

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::stock::DocumentKind;
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::forms::{self, Errors, Input, Rows, csrf_field, field};
use super::layout::t;
use super::session::WebUser;
use super::stock_form::{
    self, Column, LineRow, OutletQuery, choices, line_rows, outlet_choices, shown, writer_at,
};
use crate::error::ApiError;
use crate::models::outlet::{self, Outlet};
use crate::models::producer::{self, Producer, ProducerSearch};
use crate::models::product::{self, Product};
use crate::models::stock::document::DraftInput;
use crate::state::AppState;

/// Line rows the form offers; empty rows are ignored.
const LINES: usize = 6;

/// The goods-received form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReceiptForm {
    outlet_id: String,
    producer_id: String,
    note: String,
    #[serde(flatten)]
    lines: Rows<LineRow>,
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

fn columns(lang: ocop_core::i18n::Lang) -> [Column<'static>; 5] {
    [
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
    let labels: Vec<String> = ch
        .products
        .iter()
        .map(|p| {
            format!(
                "{} — {}",
                p.name_vi,
                makers.get(&p.producer_id).copied().unwrap_or("")
            )
        })
        .collect();
    let products = choices(
        ch.products
            .iter()
            .zip(&labels)
            .map(|(p, l)| (p.id, l.as_str())),
    );
    let columns = columns(lang);
    html! {
        (stock_form::summary(lang, e, &shown(HEADER, LINES, &columns)))
        form.card method="post" action="/stock/receive" {
            (csrf_field(me))
            (field(lang, "outlet_id", t(lang, "Điểm bán nhận hàng", "Receiving outlet"), &f.outlet_id, Input::Select(&outlets), e))
            (field(lang, "producer_id", t(lang, "Chủ thể giao hàng (chủ hàng ký gửi)", "Delivering producer (owner)"), &f.producer_id, Input::Select(&producers), e))
            (field(lang, "note", t(lang, "Ghi chú", "Note"), &f.note, Input::Text, e))
            (line_rows(lang, LINES, &f.lines, &products, &columns, e))
            button type="submit" { (t(lang, "Ghi sổ phiếu nhập", "Post the goods-received note")) }
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

/// The draft the form describes, or every problem found in it.
fn draft(outlet_id: i32, f: &ReceiptForm) -> Result<DraftInput, Errors> {
    let mut errors = Errors::default();
    let lines = stock_form::draft_lines(&f.lines, LINES, &mut errors);
    errors.or_ok(DraftInput {
        kind: DocumentKind::GoodsReceived,
        outlet_id,
        producer_id: f.producer_id.trim().parse::<i32>().ok(),
        dest_outlet_id: None,
        ref_document_id: None,
        write_off_reason: None,
        note: f.note.trim().to_owned(),
        lines,
    })
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
    let (state, me, form) = (&state, &me, &form);
    stock_form::submit(
        state,
        me,
        draft(outlet_id, form),
        stock_form::create_and_post,
        stock_form::print_location,
        |errors| async move {
            show(state, me, StatusCode::UNPROCESSABLE_ENTITY, form, &errors).await
        },
    )
    .await
}
