//! What every stock form shares: the typed document line rows
//! (`product_id_1`, `lot_code_1`, `qty_1`, …) with their fields and
//! per-field messages, reading them into the model's [`DraftLine`]s, and
//! the one submit pipeline: role and outlet first, then the typed input,
//! then the model's write in one transaction, then the redirect, or the
//! form again (422) with each problem beside its field.
//!
//! Guarantees: a refused form writes nothing (the transaction rolls back),
//! keeps what was typed, and says why beside the field (or above the form
//! when the model's reason concerns no one field). The anti-forgery token
//! was already checked by [`super::csrf_form::CsrfForm`].

use std::future::Future;

use actix_web::HttpResponse;
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::money::Quantity;
use serde::Deserialize;

use super::forms::{self, Errors, FieldError, Input, Outcome, Rows, field};
use super::layout::t;
use super::session::WebUser;
use crate::auth::Role;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::models::error::ModelError;
use crate::models::outlet::Outlet;
use crate::models::product::vn_today;
use crate::models::stock::document::{self, Document, DraftInput, DraftLine};
use crate::models::stock::posting;
use crate::state::AppState;

/// `?outlet_id=` on a blank stock form.
#[derive(Debug, Default, Deserialize)]
pub struct OutletQuery {
    pub outlet_id: Option<String>,
}

/// One document line as typed. Each form shows the columns it needs; the
/// others stay empty.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LineRow {
    pub product_id: String,
    /// What a scanner typed (GTIN, internal code, provenance QR link),
    /// instead of choosing the product.
    pub scan: String,
    pub lot_code: String,
    pub produced_on: String,
    pub expires_on: String,
    pub qty: String,
    pub payout_price: String,
    pub reason: String,
}

impl LineRow {
    fn value(&self, column: &str) -> &str {
        match column {
            "product_id" => &self.product_id,
            "scan" => &self.scan,
            "lot_code" => &self.lot_code,
            "produced_on" => &self.produced_on,
            "expires_on" => &self.expires_on,
            "qty" => &self.qty,
            "payout_price" => &self.payout_price,
            "reason" => &self.reason,
            _ => "",
        }
    }
}

/// A column of the line rows, after the product.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub name: &'static str,
    pub label: &'a str,
    pub input: Input<'a>,
}

/// `count` line rows: a product, then `columns`, each with its messages.
pub fn line_rows(
    lang: Lang,
    count: usize,
    rows: &Rows<LineRow>,
    products: &[(String, String)],
    columns: &[Column<'_>],
    errors: &Errors,
) -> Markup {
    html! {
        @for i in 1..=count {
            @let row = rows.at(i);
            @let value = |c: &str| row.map_or("", |r| r.value(c)).to_owned();
            fieldset {
                legend { (t(lang, "Dòng", "Line")) " " (i) }
                (field(lang, &Rows::<LineRow>::name("product_id", i), t(lang, "Sản phẩm", "Product"), &value("product_id"), Input::Select(products), errors))
                @for c in columns {
                    (field(lang, &Rows::<LineRow>::name(c.name, i), c.label, &value(c.name), c.input, errors))
                }
            }
        }
    }
}

/// The names of every field a stock form shows (for its summary).
pub fn shown(header: &[&str], count: usize, columns: &[Column<'_>]) -> Vec<String> {
    let mut names: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for i in 1..=count {
        names.push(Rows::<LineRow>::name("product_id", i));
        names.extend(columns.iter().map(|c| Rows::<LineRow>::name(c.name, i)));
    }
    names
}

/// The summary above a stock form (problems about no field it shows).
pub fn summary(lang: Lang, errors: &Errors, shown: &[String]) -> Markup {
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    forms::summary(lang, errors, &shown)
}

/// `Dòng 2: số lượng "abc" không hợp lệ.`, beside `{column}_2`.
pub fn unreadable(column: &str, n: usize, what: (&str, &str), value: &str) -> FieldError {
    FieldError::new(
        Rows::<LineRow>::name(column, n),
        format!("Dòng {n}: {} \"{value}\" không hợp lệ.", what.0),
        format!("Line {n}: {} \"{value}\" is not valid.", what.1),
    )
}

/// A typed quantity (`1,5` or `1.5`).
pub fn quantity(text: &str) -> Option<Quantity> {
    text.trim().replace(',', ".").parse::<Quantity>().ok()
}

/// The filled rows as draft lines; every unreadable value is a problem
/// beside its field, and a sheet without any line is one too.
pub fn draft_lines(rows: &Rows<LineRow>, count: usize, errors: &mut Errors) -> Vec<DraftLine> {
    draft_lines_at(rows, count, errors)
        .into_iter()
        .map(|(_, l)| l)
        .collect()
}

/// [`draft_lines`], each with the form row it came from (a row the form
/// could not read gives no line, so the n-th line need not be row n). A
/// row is filled when it names a product or a scan.
pub fn draft_lines_at(
    rows: &Rows<LineRow>,
    count: usize,
    errors: &mut Errors,
) -> Vec<(usize, DraftLine)> {
    let mut lines = Vec::new();
    for n in 1..=count {
        let Some(row) = rows
            .at(n)
            .filter(|r| !r.product_id.trim().is_empty() || !r.scan.trim().is_empty())
        else {
            continue;
        };
        let scan = forms::opt(&row.scan).filter(|_| row.product_id.trim().is_empty());
        let product_id = row.product_id.trim().parse::<i32>().ok();
        if product_id.is_none() && scan.is_none() {
            errors.push(unreadable(
                "product_id",
                n,
                ("sản phẩm", "product"),
                &row.product_id,
            ));
        }
        let qty = quantity(&row.qty);
        if qty.is_none() {
            errors.push(unreadable("qty", n, ("số lượng", "quantity"), &row.qty));
        }
        let mut day = |column: &str, what: (&str, &str), text: &str| {
            forms::parse_date(column, what, text).unwrap_or_else(|_| {
                errors.push(unreadable(column, n, what, text));
                None
            })
        };
        let produced_on = day(
            "produced_on",
            ("ngày sản xuất", "production date"),
            &row.produced_on,
        );
        let expires_on = day(
            "expires_on",
            ("hạn sử dụng", "expiry date"),
            &row.expires_on,
        );
        let payout_price = forms::parse_int("payout_price", ("", ""), &row.payout_price)
            .unwrap_or_else(|_| {
                errors.push(unreadable(
                    "payout_price",
                    n,
                    ("giá trả chủ thể", "payout price"),
                    &row.payout_price,
                ));
                None
            });
        if let (true, Some(qty)) = (product_id.is_some() || scan.is_some(), qty) {
            lines.push((
                n,
                DraftLine {
                    product_id,
                    scan,
                    lot_code: forms::opt(&row.lot_code),
                    produced_on,
                    expires_on,
                    qty,
                    payout_price,
                    reason: forms::opt(&row.reason),
                },
            ));
        }
    }
    if lines.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            Rows::<LineRow>::name("product_id", 1),
            "Phiếu cần ít nhất một dòng hàng.",
            "The sheet needs at least one line.",
        ));
    }
    lines
}

/// The outlets a person may pick on a stock form: all for an admin, their
/// own for anyone else.
pub fn outlet_choices(me: &WebUser, outlets: &[Outlet]) -> Vec<(String, String)> {
    outlets
        .iter()
        .filter(|o| me.user.role == Role::Admin || me.user.outlet_id == Some(o.id))
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect()
}

/// `(id, name)` choices after a "—" (nothing chosen).
pub fn choices<'a>(items: impl IntoIterator<Item = (i32, &'a str)>) -> Vec<(String, String)> {
    let mut all = vec![(String::new(), "—".to_owned())];
    all.extend(
        items
            .into_iter()
            .map(|(id, n)| (id.to_string(), n.to_owned())),
    );
    all
}

/// A manager (own outlet) or an admin (any) acting at the outlet a form
/// names; anything else is refused (404 for another outlet).
pub fn writer_at(me: &WebUser, outlet: &str) -> Result<i32, ApiError> {
    me.user.require(&[Role::Admin, Role::Manager])?;
    let outlet_id = outlet
        .trim()
        .parse::<i32>()
        .map_err(|_| ApiError::not_found())?;
    me.user.check_outlet(outlet_id)?;
    Ok(outlet_id)
}

/// The blank form's page for a manager or an admin (the outlet it opens
/// at: the manager's own, or the admin's choice).
pub async fn blank<S, Fut>(me: &WebUser, outlet: Option<&str>, show: S) -> HttpResponse
where
    S: FnOnce(Option<i32>) -> Fut,
    Fut: Future<Output = HttpResponse>,
{
    let outlet_id = me
        .user
        .require(&[Role::Admin, Role::Manager])
        .and_then(|()| super::stock::chosen_outlet(me, outlet));
    match outlet_id {
        Ok(o) => show(o).await,
        Err(e) => forms::failure(me, &e),
    }
}

/// The rest of every stock form's submit, once the caller may act: the
/// typed `input` (or its problems), the model's `write` in one transaction,
/// then a redirect to `location`, or the form again via `show` with the
/// problems beside their fields (nothing written).
pub async fn submit<I, T, W, L, S, Fut>(
    state: &AppState,
    me: &WebUser,
    input: Result<I, Errors>,
    write: W,
    location: L,
    show: S,
) -> HttpResponse
where
    I: Send + 'static,
    T: Send + 'static,
    W: FnOnce(&mut DbConn, I, i32) -> Result<T, ModelError> + Send + 'static,
    L: FnOnce(&T) -> String,
    S: FnOnce(Errors) -> Fut,
    Fut: Future<Output = HttpResponse>,
{
    let input = match input {
        Ok(i) => i,
        Err(errors) => return show(errors).await,
    };
    let by = me.user.id;
    match forms::write_form(state, move |c| write(c, input, by)).await {
        Ok(Outcome::Saved(v)) => forms::see_other(&location(&v)),
        Ok(Outcome::Refused(errors)) => show(errors).await,
        Err(e) => forms::failure(me, &e),
    }
}

/// The stock documents' write: the draft created and posted at once, as
/// `POST /api/v1/stock-documents` then `…/{id}/post` would.
pub fn create_and_post(c: &mut DbConn, input: DraftInput, by: i32) -> Result<Document, ModelError> {
    let today = vn_today();
    let doc = document::create_draft(c, &input, by, today)?;
    posting::post(c, doc.id, by, today)
}

/// Where a posted document is shown: its printable page.
pub fn print_location(doc: &Document) -> String {
    format!("/stock/documents/{}/print", doc.id)
}

/// Where a posted goods-received note is shown: the page that says it was
/// posted, with the way on (`stock_print::posted_page`).
pub fn posted_location(doc: &Document) -> String {
    format!("/stock/documents/{}/posted", doc.id)
}
