//! Building blocks for the HTML forms that change data: labelled fields that
//! show their own error messages, the hidden CSRF field, and the one way a
//! refused write comes back to the page.
//!
//! Guarantees: a form re-shown after a refusal carries exactly what was
//! submitted (the person never retypes), and every problem the model found
//! is shown next to the field it concerns, or above the form when it
//! concerns no field on it. Validation itself is never done here: the model
//! functions the JSON API calls decide; this module only renders their
//! verdict ([`Refusal`]).

use std::sync::{Arc, Mutex, PoisonError};

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use chrono::NaiveDate;
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::refusal::Refusal;

use super::layout::{page, t};
use super::session::WebUser;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::models::error::ModelError;
use crate::models::validation::invalid;
use crate::state::AppState;

/// The problems found in one submitted form.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub Vec<Refusal>);

impl Errors {
    /// Messages about `field`, in the page language.
    pub fn of(&self, field: &str, lang: Lang) -> Vec<String> {
        self.0
            .iter()
            .filter(|i| i.field() == Some(field))
            .map(|i| i.message(lang).to_owned())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Messages about fields the form does not show (so they are not lost).
    pub fn others(&self, shown: &[&str], lang: Lang) -> Vec<String> {
        self.0
            .iter()
            .filter(|i| !i.field().is_some_and(|f| shown.contains(&f)))
            .map(|i| i.message(lang).to_owned())
            .collect()
    }
}

/// How a field is entered.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Text,
    Number,
    Date,
    Area,
    /// `(value, label)` choices.
    Select(&'a [(String, String)]),
}

/// One labelled field with its messages underneath.
pub fn field(
    lang: Lang,
    name: &str,
    label: &str,
    value: &str,
    input: Input<'_>,
    errors: &Errors,
) -> Markup {
    let messages = errors.of(name, lang);
    let invalid = !messages.is_empty();
    html! {
        div.field.invalid[invalid] {
            label for=(name) { (label) }
            @match input {
                Input::Text => input id=(name) name=(name) type="text" value=(value) aria-invalid=[invalid.then_some("true")];
                Input::Number => input id=(name) name=(name) type="text" inputmode="numeric" value=(value) aria-invalid=[invalid.then_some("true")];
                Input::Date => input id=(name) name=(name) type="date" value=(value) aria-invalid=[invalid.then_some("true")];
                Input::Area => textarea id=(name) name=(name) rows="4" { (value) },
                Input::Select(choices) => select id=(name) name=(name) {
                    @for (v, l) in choices {
                        option value=(v) selected[v == value] { (l) }
                    }
                },
            }
            @for m in &messages { span.field-error { (m) } }
        }
    }
}

/// A checkbox; `checked` is what was submitted or stored.
pub fn checkbox(lang: Lang, name: &str, label: &str, checked: bool, errors: &Errors) -> Markup {
    html! {
        div.field {
            label { input type="checkbox" name=(name) value="on" checked[checked]; " " (label) }
            @for m in &errors.of(name, lang) { span.field-error { (m) } }
        }
    }
}

/// The hidden anti-forgery field every state-changing form carries.
pub fn csrf_field(me: &WebUser) -> Markup {
    html! { input type="hidden" name="csrf" value=(me.csrf); }
}

/// The summary shown above a refused form.
pub fn summary(lang: Lang, errors: &Errors, shown: &[&str]) -> Markup {
    let others = errors.others(shown, lang);
    html! {
        @if !errors.is_empty() {
            div.error role="alert" {
                p { strong { (t(lang, "Chưa lưu: vui lòng sửa các lỗi được đánh dấu.", "Not saved: please correct the marked fields.")) } }
                @for m in &others { p { (m) } }
            }
        }
    }
}

/// A page answered with `status` (422 for a refused form).
pub fn respond(
    status: StatusCode,
    lang: Lang,
    title: &str,
    me: &WebUser,
    body: Markup,
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page(lang, title, Some(me), body).into_string())
}

/// An error page with the error's own status and message.
pub fn failure(me: &WebUser, err: &ApiError) -> HttpResponse {
    let lang = me.lang;
    let body = html! { p.error { (err.message(lang)) } };
    respond(
        actix_web::ResponseError::status_code(err),
        lang,
        t(lang, "Lỗi", "Error"),
        me,
        body,
    )
}

/// A write whose validation problems should be shown on the form.
pub enum Outcome<T> {
    Saved(T),
    Refused(Errors),
}

/// Runs a catalogue write as one transaction. If the model refuses it, the
/// transaction is rolled back (nothing written) and the problems come back
/// as [`Outcome::Refused`] for the form; other failures are errors.
pub async fn write_form<T, F>(state: &AppState, f: F) -> Result<Outcome<T>, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn) -> Result<T, ModelError> + Send + 'static,
{
    // The problems travel out beside the error, because returning `Err`
    // is what makes `Db::write` roll back.
    let refused: Arc<Mutex<Option<Vec<Refusal>>>> = Arc::default();
    let slot = Arc::clone(&refused);
    let result = state
        .write(move |c| match f(c) {
            Ok(v) => Ok(v),
            Err(e) => match e.into_refusals() {
                Ok(list) => {
                    let err = ApiError::from(ModelError::Invalid(list.clone()));
                    *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(list);
                    Err(err)
                }
                Err(other) => Err(other.into()),
            },
        })
        .await;
    match result {
        Ok(v) => Ok(Outcome::Saved(v)),
        Err(e) => match refused
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            Some(list) => Ok(Outcome::Refused(Errors(list))),
            None => Err(e),
        },
    }
}

/// A submitted whole number; empty is `None`. Dots, commas and spaces are
/// thousands separators (people type `350.000`).
pub fn parse_int(
    field: &'static str,
    label: (&str, &str),
    text: &str,
) -> Result<Option<i64>, Refusal> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    digits.parse::<i64>().map(Some).map_err(|_| {
        invalid(
            field,
            "not_a_number",
            format!("{} phải là số nguyên (\"{text}\").", label.0),
            format!("{} must be a whole number (\"{text}\").", label.1),
        )
    })
}

/// A submitted date (`YYYY-MM-DD` from a date input, or `DD/MM/YYYY`);
/// empty is `None`.
pub fn parse_date(
    field: &'static str,
    label: (&str, &str),
    text: &str,
) -> Result<Option<NaiveDate>, Refusal> {
    let v = text.trim();
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| {
            invalid(
                field,
                "invalid_date",
                format!("{} không phải ngày hợp lệ (\"{v}\").", label.0),
                format!("{} is not a valid date (\"{v}\").", label.1),
            )
        })
}

/// Optional text: empty is `None`.
pub fn opt(text: &str) -> Option<String> {
    let v = text.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// A stored optional date as a date input's value.
pub fn date_value(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
