//! User-facing language. Every error a user can cause carries a stable
//! snake_case code (for programs such as the till) and a message in
//! Vietnamese (the default) and English.

use serde::{Deserialize, Serialize};

/// The language of user-facing text. Vietnamese is the default everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks the language from an HTTP `Accept-Language` header value:
    /// English only when the first language tag asked for is English.
    pub fn from_accept_language(header: &str) -> Lang {
        let first = header
            .split(',')
            .next()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if first == "en" || first.starts_with("en-") {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

/// An error a user can cause: a stable code plus a localised message.
pub trait UserError: std::error::Error {
    /// Stable snake_case code, e.g. `invalid_gtin`. Never changes once shipped.
    fn code(&self) -> &'static str;
    /// The message for people, in the requested language.
    fn message(&self, lang: Lang) -> String;
    /// The same error as the one refusal type that crosses layers (kind
    /// [`Kind::Invalid`](crate::refusal::Kind::Invalid)).
    fn refusal(&self) -> crate::refusal::Refusal {
        crate::refusal::Refusal::invalid(
            self.code(),
            self.message(Lang::Vi),
            self.message(Lang::En),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_english_only_when_first() {
        assert_eq!(Lang::from_accept_language("en"), Lang::En);
        assert_eq!(Lang::from_accept_language("en-US,vi;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("vi-VN,en;q=0.8"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
        assert_eq!(Lang::from_accept_language("fr"), Lang::Vi);
    }
}
