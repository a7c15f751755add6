//! Text helpers for Vietnamese: folding diacritics away for ASCII-only
//! outputs (bank transfer memos, ASCII printers) and building search keys so
//! that "ruou ngo" finds "Rượu ngô".
//!
//! Folding decomposes to Unicode NFD, drops every combining mark and maps
//! `đ`/`Đ` (which are letters of their own, not a `d` with a mark) to `d`/`D`.
//! It never adds or reorders base characters.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

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
