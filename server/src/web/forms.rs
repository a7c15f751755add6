//! Building blocks for the HTML forms that change data: labelled fields that
//! show their own error messages, the hidden CSRF field, and the one way a
//! refused write comes back to the page.
//!
//! Guarantees: a form re-shown after a refusal carries exactly what was
//! submitted (the person never retypes), and every problem the model found
//! is shown next to the field it concerns, or above the form when it
//! concerns no field on it. Validation itself is never done here: the model
//! functions the JSON API calls decide; this module only renders their
//! verdict, converted in one place ([`ModelVerdict`]). Repeated rows
//! (document lines) are typed too ([`Rows`]).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use chrono::NaiveDate;
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::refusal::Refusal;
use serde::de::{Deserialize, DeserializeOwned, Deserializer, Error as _};

use super::layout::{page, t};
use super::session::WebUser;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::models::error::ModelError;
use crate::state::AppState;

/// One problem with a submitted form: the field it concerns (empty: the
/// form as a whole) and what to say, in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub vi: String,
    pub en: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, vi: impl Into<String>, en: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn message(&self, lang: Lang) -> &str {
        t(lang, &self.vi, &self.en)
    }
}

/// The problems found in one submitted form.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    /// Messages about `field`, in the page language.
    pub fn of(&self, field: &str, lang: Lang) -> Vec<String> {
        self.0
            .iter()
            .filter(|i| i.field == field)
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
            .filter(|i| !shown.contains(&i.field.as_str()))
            .map(|i| i.message(lang).to_owned())
            .collect()
    }

    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// Adds the problems about fields that have none yet (a field the form
    /// could not even read keeps that one message).
    pub fn add_unless_known(&mut self, more: Errors) {
        let known: Vec<String> = self.0.iter().map(|e| e.field.clone()).collect();
        self.0
            .extend(more.0.into_iter().filter(|m| !known.contains(&m.field)));
    }

    /// `Ok(v)` when nothing was found, the problems otherwise.
    pub fn or_ok<T>(self, v: T) -> Result<T, Errors> {
        if self.is_empty() { Ok(v) } else { Err(self) }
    }
}

impl From<FieldError> for Errors {
    fn from(e: FieldError) -> Self {
        Errors(vec![e])
    }
}

/// What a form shows of a model's answer to a write: the problems the
/// person can correct on the form (`Ok`), or a failure shown as an error
/// page (`Err`: the database, or a refusal that is not about the form).
///
/// THIS is the one place a model error becomes a form error: when the model
/// error types change, only these impls change.
pub trait ModelVerdict {
    fn form_errors(self) -> Result<Errors, ApiError>;
}

/// Refusals beside their fields; one about no field on the form (a rule
/// about the whole document, its text naming the line) above the form.
impl ModelVerdict for Vec<Refusal> {
    fn form_errors(self) -> Result<Errors, ApiError> {
        Ok(Errors(
            self.into_iter()
                .map(|r| {
                    FieldError::new(
                        r.field().unwrap_or_default(),
                        r.message(Lang::Vi),
                        r.message(Lang::En),
                    )
                })
                .collect(),
        ))
    }
}

/// A model's refusals are shown on the form; the database failing is an
/// error page.
impl ModelVerdict for ModelError {
    fn form_errors(self) -> Result<Errors, ApiError> {
        match self.into_refusals() {
            Ok(list) => list.form_errors(),
            Err(other) => Err(other.into()),
        }
    }
}

/// Repeated rows of a form (document lines), posted as `{field}_{n}`
/// (`product_id_1`, `qty_1`, …) and read into one typed `R` per row `n`.
/// Use it as a `#[serde(flatten)]` field of the form; `R`'s fields must be
/// strings (`#[serde(default)]`), as typed.
#[derive(Debug, Clone)]
pub struct Rows<R>(BTreeMap<usize, R>);

impl<R> Default for Rows<R> {
    fn default() -> Self {
        Rows(BTreeMap::new())
    }
}

impl<R> Rows<R> {
    /// Row `n`, if anything of it was posted.
    pub fn at(&self, n: usize) -> Option<&R> {
        self.0.get(&n)
    }

    /// Row `n`, to change before the form is shown again (a blank row is
    /// made when nothing of it was posted).
    pub fn at_mut(&mut self, n: usize) -> &mut R
    where
        R: Default,
    {
        self.0.entry(n).or_default()
    }

    /// The highest row number posted (0 for none).
    pub fn last(&self) -> usize {
        self.0.keys().next_back().copied().unwrap_or(0)
    }

    /// The posted name of `field` in row `n`.
    pub fn name(field: &str, n: usize) -> String {
        format!("{field}_{n}")
    }
}

impl<'de, R: DeserializeOwned> Deserialize<'de> for Rows<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let all = BTreeMap::<String, String>::deserialize(d)?;
        let mut grouped: BTreeMap<usize, Vec<(String, String)>> = BTreeMap::new();
        for (key, value) in all {
            let Some((field, n)) = key.rsplit_once('_') else {
                continue;
            };
            let Ok(n) = n.parse::<usize>() else { continue };
            grouped
                .entry(n)
                .or_default()
                .push((field.to_owned(), value));
        }
        let mut rows = BTreeMap::new();
        for (n, fields) in grouped {
            let row = R::deserialize(serde::de::value::MapDeserializer::<
                _,
                serde::de::value::Error,
            >::new(fields.into_iter()))
            .map_err(D::Error::custom)?;
            rows.insert(n, row);
        }
        Ok(Rows(rows))
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

/// Runs a write as one transaction. If the model refuses it, the
/// transaction is rolled back (nothing written) and the problems come back
/// as [`Outcome::Refused`] for the form; other failures are errors.
pub async fn write_form<T, E, F>(state: &AppState, f: F) -> Result<Outcome<T>, ApiError>
where
    T: Send + 'static,
    E: ModelVerdict,
    F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
{
    // The problems travel out beside the error, because returning `Err`
    // is what makes `Db::write` roll back.
    let refused: Arc<Mutex<Option<Errors>>> = Arc::default();
    let slot = Arc::clone(&refused);
    let result = state
        .write(move |c| match f(c) {
            Ok(v) => Ok(v),
            Err(e) => {
                let errors = e.form_errors()?;
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(errors);
                Err(ApiError::from(Refusal::invalid(
                    "form_refused",
                    "Biểu mẫu bị từ chối.",
                    "The form was refused.",
                )))
            }
        })
        .await;
    match result {
        Ok(v) => Ok(Outcome::Saved(v)),
        Err(e) => match refused
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            Some(errors) => Ok(Outcome::Refused(errors)),
            None => Err(e),
        },
    }
}

/// The answer to a saved form: go to `location`.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .finish()
}

/// A submitted whole number; empty is `None`. Dots, commas and spaces are
/// thousands separators (people type `350.000`).
pub fn parse_int(field: &str, label: (&str, &str), text: &str) -> Result<Option<i64>, FieldError> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    digits.parse::<i64>().map(Some).map_err(|_| {
        FieldError::new(
            field,
            format!("{} phải là số nguyên (\"{text}\").", label.0),
            format!("{} must be a whole number (\"{text}\").", label.1),
        )
    })
}

/// A submitted date (`YYYY-MM-DD` from a date input, or `DD/MM/YYYY`);
/// empty is `None`.
pub fn parse_date(
    field: &str,
    label: (&str, &str),
    text: &str,
) -> Result<Option<NaiveDate>, FieldError> {
    let v = text.trim();
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| {
            FieldError::new(
                field,
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
