//! Text helpers for Vietnamese: folding diacritics away for ASCII-only
//! outputs (bank transfer memos, ASCII printers) and building search keys so
//! that "ruou ngo" finds "Rượu ngô".
//!
//! Folding decomposes to Unicode NFD, drops every combining mark and maps
//! `đ`/`Đ` (which are letters of their own, not a `d` with a mark) to `d`/`D`.
//! It never adds or reorders base characters.
//!
//! # The text rule
//!
//! One rule for every text a person types or a till sends, whatever the
//! entrance (API, web form, CSV import, the till): [`clean_text`]. No
//! control characters — a NUL is refused by PostgreSQL, and an escape byte
//! reaching a thermal printer is a printer command — and no bidirectional
//! formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E,
//! U+2066–U+2069), which make a name display differently from what it is
//! (`"abc\u{202E}fdp.exe"`). A multi-line field (a description) may hold
//! line breaks, nothing else.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Whether a field may span several lines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lines {
    /// Names, codes, references, reasons: no line break.
    Single,
    /// Descriptions: `\n` and `\r` allowed.
    Multi,
}

/// A bidirectional formatting character (embedding, override, isolate,
/// mark).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// The text rule (module documentation): `Err` names the first character
/// refused.
pub fn clean_text(s: &str, lines: Lines) -> Result<(), char> {
    match s.chars().find(|&c| {
        is_bidi_control(c)
            || (c.is_control() && !(lines == Lines::Multi && (c == '\n' || c == '\r')))
    }) {
        Some(c) => Err(c),
        None => Ok(()),
    }
}

/// The one URL rule for links a person stores (a product photo): absolute
/// `http://` or `https://` with a host, printable ASCII without spaces or
/// backslashes. Refuses what a browser would read as another host or
/// scheme: `//host/x`, `/\\host`, `javascript:…`, `data:…`.
pub fn is_http_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        s.get(8..)
    } else if lower.starts_with("http://") {
        s.get(7..)
    } else {
        None
    };
    let Some(rest) = rest else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        && s.chars().all(|c| c.is_ascii_graphic() && c != '\\')
}

/// "Rượu ngô Bắc Hà" → "Ruou ngo Bac Ha".
pub fn fold_diacritics(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .collect()
}

/// Diacritics-insensitive search key: folded, lower case, runs of whitespace
/// collapsed to one space and trimmed. Compare keys with `contains`.
pub fn search_key(s: &str) -> String {
    fold_diacritics(s)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_http_urls() {
        for ok in [
            "https://ocop.laocai.gov.vn/anh/che.jpg",
            "http://10.0.0.5:8080/a?b=c#d",
            "HTTPS://Example.com",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "//evil.example/x",
            "/anh/che.jpg",
            "/\\evil.example",
            "javascript:alert(1)",
            "https://",
            "https:///x",
            "https://user@evil.example/",
            "https://a b/",
            "https://evil.example\\@ok/",
            "ftp://x/y",
            "https://ví-dụ.vn/",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn the_text_rule() {
        assert_eq!(clean_text("Rượu ngô Bắc Hà 45°", Lines::Single), Ok(()));
        assert_eq!(clean_text("Trà\0", Lines::Single), Err('\0'));
        assert_eq!(clean_text("a\u{1b}[2J", Lines::Single), Err('\u{1b}'));
        assert_eq!(clean_text("abc\u{202E}fdp", Lines::Multi), Err('\u{202E}'));
        assert_eq!(clean_text("x\u{2066}y", Lines::Single), Err('\u{2066}'));
        assert_eq!(clean_text("dòng 1\ndòng 2", Lines::Single), Err('\n'));
        assert_eq!(clean_text("dòng 1\r\ndòng 2", Lines::Multi), Ok(()));
        assert_eq!(clean_text("tab\there", Lines::Multi), Err('\t'));
    }

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold_diacritics("Rượu ngô Bắc Hà"), "Ruou ngo Bac Ha");
        assert_eq!(
            fold_diacritics("Đường Điện Biên Phủ"),
            "Duong Dien Bien Phu"
        );
        assert_eq!(
            fold_diacritics("Trà Shan tuyết cổ thụ Tả Phìn"),
            "Tra Shan tuyet co thu Ta Phin"
        );
        assert_eq!(
            fold_diacritics("ẮẰẲẴẶ ẤẦẨẪẬ ỨỪỬỮỰ ỚỜỞỠỢ ýỳỷỹỵ"),
            "AAAAA AAAAA UUUUU OOOOO yyyyy"
        );
        assert_eq!(fold_diacritics("plain ASCII 123"), "plain ASCII 123");
        assert_eq!(fold_diacritics(""), "");
    }

    #[test]
    fn folds_decomposed_input_too() {
        // "ô" typed as o + U+0302 (macOS, some keyboards)
        assert_eq!(fold_diacritics("ngo\u{302}"), "ngo");
        assert_eq!(fold_diacritics("Ha\u{300}"), "Ha");
    }

    #[test]
    fn search_keys_match_without_diacritics() {
        let name = search_key("Rượu   ngô\tBắc Hà ");
        assert_eq!(name, "ruou ngo bac ha");
        assert!(name.contains(&search_key("ruou ngo")));
        assert!(name.contains(&search_key("RƯỢU NGÔ")));
        assert!(name.contains(&search_key("  bac  HA")));
        assert!(!name.contains(&search_key("mật ong")));
        assert_eq!(search_key("Đặc sản"), "dac san");
    }
}
