//! Why something a user asked for was refused: the one type that model,
//! core and till code return for a user-caused error.
//!
//! A [`Refusal`] carries a stable snake_case code (for programs: the till,
//! scripts, tests), the message in Vietnamese and in English, the [`Kind`] of
//! refusal, and optionally the field or input line at fault. It knows
//! nothing of HTTP: the server's `error.rs` chooses the status from the kind,
//! in one place; web forms show the message beside the field; the till
//! prints `code: Vietnamese / English`.
//!
//! Core error enums keep their own variants (they are matched on) and
//! implement [`UserError`]; [`UserError::refusal`] turns any of them into a
//! `Refusal` of kind [`Kind::Invalid`].

use std::fmt;

use crate::i18n::{Lang, UserError};

/// What kind of refusal: decides the HTTP status at the server's edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The input breaks a rule (422).
    Invalid,
    /// The input is fine but the stored state forbids it, e.g. a document
    /// already posted, a receipt number already used (409).
    Conflict,
    /// What the input refers to does not exist, or is not visible to the
    /// user asking (404).
    NotFound,
    /// The user may not do this (403).
    Forbidden,
}

/// A refused request: stable code, both texts, kind, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    kind: Kind,
    code: &'static str,
    field: Option<&'static str>,
    vi: String,
    en: String,
}

impl Refusal {
    pub fn new(
        kind: Kind,
        code: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Refusal {
        Refusal {
            kind,
            code,
            field: None,
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The input breaks a rule.
    pub fn invalid(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal::new(Kind::Invalid, code, vi, en)
    }

    /// The stored state forbids it.
    pub fn conflict(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal::new(Kind::Conflict, code, vi, en)
    }

    /// What the input refers to does not exist (or is not the user's to see).
    pub fn not_found(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal::new(Kind::NotFound, code, vi, en)
    }

    /// The user may not do this.
    pub fn forbidden(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal::new(Kind::Forbidden, code, vi, en)
    }

    /// Attributes the refusal to an input field (a JSON key, a form field,
    /// a CSV column), so a form can show it beside that field.
    #[must_use]
    pub fn on_field(mut self, field: &'static str) -> Refusal {
        self.field = Some(field);
        self
    }

    /// `Dòng 2: …` / `Line 2: …`: a refusal about one line of a document,
    /// a sale or a file says which.
    #[must_use]
    pub fn on_line(mut self, line_no: impl fmt::Display) -> Refusal {
        self.vi = format!("Dòng {line_no}: {}", self.vi);
        self.en = format!("Line {line_no}: {}", self.en);
        self
    }

    /// The same refusal, of another kind (a core rule that is a conflict
    /// where the model meets it).
    #[must_use]
    pub fn with_kind(mut self, kind: Kind) -> Refusal {
        self.kind = kind;
        self
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn field(&self) -> Option<&'static str> {
        self.field
    }

    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// `code: Vietnamese / English`, as the till and the logs show it.
impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} / {}", self.code, self.vi, self.en)
    }
}

impl std::error::Error for Refusal {}

impl UserError for Refusal {
    fn code(&self) -> &'static str {
        self.code
    }

    fn message(&self, lang: Lang) -> String {
        Refusal::message(self, lang).to_owned()
    }

    fn refusal(&self) -> Refusal {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_says_code_and_both_languages() {
        let r = Refusal::conflict(
            "document_posted",
            "Chứng từ đã ghi sổ.",
            "The document is posted.",
        )
        .on_line(2)
        .on_field("lines");
        assert_eq!(r.kind(), Kind::Conflict);
        assert_eq!(r.code(), "document_posted");
        assert_eq!(r.field(), Some("lines"));
        assert_eq!(r.message(Lang::Vi), "Dòng 2: Chứng từ đã ghi sổ.");
        assert_eq!(r.message(Lang::En), "Line 2: The document is posted.");
        assert_eq!(
            r.to_string(),
            "document_posted: Dòng 2: Chứng từ đã ghi sổ. / Line 2: The document is posted."
        );
    }

    #[test]
    fn a_core_error_becomes_an_invalid_refusal() {
        let err = crate::gtin::Gtin::parse("123").unwrap_err();
        let r = err.refusal();
        assert_eq!(r.kind(), Kind::Invalid);
        assert_eq!(r.code(), err.code());
        assert_eq!(r.message(Lang::Vi), err.message(Lang::Vi));
        assert_eq!(r.message(Lang::En), err.message(Lang::En));
        assert_eq!(r.field(), None);
    }
}
