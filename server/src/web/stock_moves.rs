//! Two outlet sheets that send goods away, from web forms: the transfer to
//! another outlet (first step: the goods leave and are in transit until the
//! destination receives them, see [`super::stock_transfer`]), and the return
//! of goods to their producer. Lines are product, lot code (empty: first
//! expiry first) and quantity.
//!
//! Like the other stock forms, the draft is created and posted in ONE
//! transaction through [`stock_form::create_and_post`], the same
//! functions as the API: sending more than is on hand, or
//! returning goods that are not the producer's, is refused with the model's
//! reason, the form comes back (422) with what was typed, and nothing is
//! written. Managers act at their own outlet, admins at any (404 for
//! another outlet); a forged form never gets here ([`CsrfForm`]).

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
    self, Column, LineRow, choices, line_rows, outlet_choices, shown, writer_at,
};
use super::stock_transfer::in_transit_markup;
use crate::auth::Role;
use crate::models::outlet::{self, Outlet};
use crate::models::producer::{self, Producer};
use crate::models::product::{self, Product};
use crate::models::stock::document::DraftInput;
use crate::models::stock::report::{self, InTransitLine, Scope};
use crate::state::AppState;

const LINES: usize = 4;

/// Which sheet a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sheet {
    Transfer,
    Return,
}

impl Sheet {
    fn path(self) -> &'static str {
        match self {
            Sheet::Transfer => "/stock/transfer",
            Sheet::Return => "/stock/return",
        }
    }

    fn title(self, lang: Lang) -> &'static str {
        match self {
            Sheet::Transfer => t(
                lang,
                "Chuyển kho sang điểm bán khác",
                "Transfer to another outlet",
            ),
            Sheet::Return => t(lang, "Trả hàng cho chủ thể", "Return goods to the producer"),
        }
    }

    fn kind(self) -> DocumentKind {
        match self {
            Sheet::Transfer => DocumentKind::Transfer,
            Sheet::Return => DocumentKind::ReturnToProducer,
        }
    }

    /// The field naming where the goods go, and how it is asked for.
    fn party(self) -> (&'static str, (&'static str, &'static str)) {
        match self {
            Sheet::Transfer => (
                "dest_outlet_id",
                ("Chọn điểm bán nhận.", "Choose the destination outlet."),
            ),
            Sheet::Return => ("producer_id", ("Chọn chủ thể.", "Choose the producer.")),
        }
    }
}

/// A transfer or return sheet as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SheetForm {
    outlet_id: String,
    dest_outlet_id: String,
    producer_id: String,
    note: String,
    #[serde(flatten)]
    lines: Rows<LineRow>,
}

/// What the form needs from the database.
struct Choices {
    outlets: Vec<Outlet>,
    producers: Vec<Producer>,
    products: Vec<Product>,
    in_transit: Vec<InTransitLine>,
}

fn form_markup(sheet: Sheet, me: &WebUser, f: &SheetForm, e: &Errors, c: &Choices) -> Markup {
    let lang = me.lang;
    let own = outlet_choices(me, &c.outlets);
    let products = choices(c.products.iter().map(|p| (p.id, p.name_vi.as_str())));
    let columns = [
        Column {
            name: "lot_code",
            label: t(
                lang,
                "Mã lô (để trống: lô hết hạn trước)",
                "Lot code (empty: first to expire)",
            ),
            input: Input::Text,
        },
        Column {
            name: "qty",
            label: t(lang, "Số lượng", "Quantity"),
            input: Input::Text,
        },
    ];
    let (party, _) = sheet.party();
    html! {
        (stock_form::summary(lang, e, &shown(&["outlet_id", party, "note"], LINES, &columns)))
        form.card method="post" action=(sheet.path()) {
            (csrf_field(me))
            (field(lang, "outlet_id", t(lang, "Điểm bán gửi", "Sending outlet"), &f.outlet_id, Input::Select(&own), e))
            @match sheet {
                Sheet::Transfer => {
                    @let all = choices(c.outlets.iter().map(|o| (o.id, o.name.as_str())));
                    (field(lang, party, t(lang, "Điểm bán nhận", "Destination outlet"), &f.dest_outlet_id, Input::Select(&all), e))
                },
                Sheet::Return => {
                    @let all = choices(c.producers.iter().map(|p| (p.id, p.name.as_str())));
                    (field(lang, party, t(lang, "Chủ thể nhận lại hàng", "Producer taking the goods back"), &f.producer_id, Input::Select(&all), e))
                },
            }
            (field(lang, "note", t(lang, "Ghi chú", "Note"), &f.note, Input::Text, e))
            (line_rows(lang, LINES, &f.lines, &products, &columns, e))
            button type="submit" {
                @match sheet {
                    Sheet::Transfer => (t(lang, "Ghi sổ và gửi hàng", "Post and send")),
                    Sheet::Return => (t(lang, "Ghi sổ phiếu trả hàng", "Post the return")),
                }
            }
        }
        @if sheet == Sheet::Transfer {
            (in_transit_markup(lang, &c.outlets, &c.products, &c.in_transit, me.user.outlet_id.filter(|_| me.user.role != Role::Admin)))
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
    let scope = Scope {
        outlet_id: match me.user.role {
            Role::Admin => None,
            _ => Some(me.user.outlet_id.unwrap_or(-1)),
        },
        producer_id: None,
    };
    let loaded = state
        .read(move |c| {
            Ok(Choices {
                outlets: outlet::list(c)?,
                producers: producer::list(c)?,
                products: product::list(c, None)?,
                in_transit: report::in_transit(c, scope)?,
            })
        })
        .await;
    match loaded {
        Ok(c) => forms::respond(
            status,
            me.lang,
            title,
            me,
            form_markup(sheet, me, f, errors, &c),
        ),
        Err(e) => forms::failure(me, &e),
    }
}

#[get("/stock/transfer")]
pub async fn transfer_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<SheetForm>,
) -> HttpResponse {
    blank(Sheet::Transfer, &state, &me, q.into_inner()).await
}

#[get("/stock/return")]
pub async fn return_form(
    state: web::Data<AppState>,
    me: WebUser,
    q: web::Query<SheetForm>,
) -> HttpResponse {
    blank(Sheet::Return, &state, &me, q.into_inner()).await
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
    let (field, ask) = sheet.party();
    let typed = match sheet {
        Sheet::Transfer => &f.dest_outlet_id,
        Sheet::Return => &f.producer_id,
    };
    let party = typed.trim().parse::<i32>().ok();
    if party.is_none() {
        errors.push(FieldError::new(field, ask.0, ask.1));
    }
    let lines = stock_form::draft_lines(&f.lines, LINES, &mut errors);
    let (dest_outlet_id, producer_id) = match sheet {
        Sheet::Transfer => (party, None),
        Sheet::Return => (None, party),
    };
    errors.or_ok(DraftInput {
        kind: sheet.kind(),
        outlet_id,
        producer_id,
        dest_outlet_id,
        ref_document_id: None,
        write_off_reason: None,
        note: f.note.trim().to_owned(),
        lines,
    })
}

#[post("/stock/transfer")]
pub async fn transfer_submit(
    state: web::Data<AppState>,
    CsrfForm { me, form }: CsrfForm<SheetForm>,
) -> HttpResponse {
    submit(Sheet::Transfer, &state, &me, &form).await
}

#[post("/stock/return")]
pub async fn return_submit(
    state: web::Data<AppState>,
    CsrfForm { me, form }: CsrfForm<SheetForm>,
) -> HttpResponse {
    submit(Sheet::Return, &state, &me, &form).await
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
