//! Vietnamese in Windows-1258 for printers whose own font has that code
//! page (Epson "WPC1258").
//!
//! Windows-1258 has the base letters with Vietnamese vowel marks (ă â ê ô
//! ơ ư đ) and a few precomposed toned letters (à á …), and the five tone
//! marks as combining characters (0xCC grave, 0xEC acute, 0xD2 hook,
//! 0xDE tilde, 0xF2 dot below). A letter such as "ầ" that has no byte of its
//! own is sent as "â" + combining grave: decomposing all the way (a + ̂ + ̀),
//! as a naive NFD would, is what printed garbage in other POS projects.

use std::collections::HashMap;
use std::sync::OnceLock;

use encoding_rs::WINDOWS_1258;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{compose, decompose_canonical};

/// The five Vietnamese tone marks as combining characters.
const TONE_MARKS: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

fn table() -> &'static HashMap<char, u8> {
    static TABLE: OnceLock<HashMap<char, u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0u8..=255)
            .filter_map(|b| {
                let byte = [b];
                let (text, _, had_errors) = WINDOWS_1258.decode(&byte);
                let mut chars = text.chars();
                match (chars.next(), chars.next(), had_errors) {
                    (Some(c), None, false) => Some((c, b)),
                    _ => None,
                }
            })
            .collect()
    })
}

/// Encodes `text` (any normalisation) to Windows-1258. Characters that
/// cannot be written are replaced with an ASCII stand-in (see
/// [`crate::escpos::cp1258::symbol_fallback`]) or `?`.
pub fn encode(text: &str) -> Vec<u8> {
    let table = table();
    let mut out = Vec::with_capacity(text.len());
    for c in text.nfc() {
        if let Some(b) = table.get(&c) {
            out.push(*b);
            continue;
        }
        if let Some(bytes) =
            split_tone(c).and_then(|(base, tone)| Some([*table.get(&base)?, *table.get(&tone)?]))
        {
            out.extend(bytes);
            continue;
        }
        out.extend(symbol_fallback(c).bytes());
    }
    out
}

/// Decodes Windows-1258 bytes and composes them (NFC), as a reader of the
/// printed text sees it.
pub fn decode(bytes: &[u8]) -> String {
    WINDOWS_1258.decode(bytes).0.nfc().collect()
}

/// `ầ` -> (`â`, U+0300): the letter without its tone, and the tone mark.
fn split_tone(c: char) -> Option<(char, char)> {
    let mut parts = Vec::with_capacity(3);
    decompose_canonical(c, |p| parts.push(p));
    let tone = parts.iter().copied().find(|p| TONE_MARKS.contains(p))?;
    let mut rest = parts.into_iter().filter(|p| *p != tone);
    let first = rest.next()?;
    let base = rest.try_fold(first, compose)?;
    Some((base, tone))
}

/// ASCII stand-ins for symbols our layouts use that a code page may lack.
/// Anything else becomes `?`.
pub fn symbol_fallback(c: char) -> &'static str {
    match c {
        '₫' => "d",
        '★' | '☆' | '•' => "*",
        '×' => "x",
        '–' | '—' | '−' => "-",
        '…' => "...",
        '·' => "-",
        '\u{a0}' | '\u{202f}' => " ",
        '“' | '”' => "\"",
        '‘' | '’' => "'",
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::VIETNAMESE_LETTERS;

    #[test]
    fn every_vietnamese_letter_round_trips() {
        let bytes = encode(VIETNAMESE_LETTERS);
        assert_eq!(decode(&bytes), VIETNAMESE_LETTERS.nfc().collect::<String>());
    }

    #[test]
    fn toned_letters_keep_their_vowel_mark_precomposed() {
        // ầ = â (0xE2) + combining grave (0xCC), not a + circumflex + grave.
        assert_eq!(encode("ầ"), [0xe2, 0xcc]);
        // ự = ư (0xFD) + dot below (0xF2).
        assert_eq!(encode("ự"), [0xfd, 0xf2]);
        // à has its own byte.
        assert_eq!(encode("à"), [0xe0]);
        assert_eq!(encode("đ₫"), [0xf0, 0xfe]);
    }

    #[test]
    fn decomposed_input_is_encoded_like_composed_input() {
        let nfd: String = "Rượu ngô".nfd().collect();
        assert_eq!(encode(&nfd), encode("Rượu ngô"));
    }

    #[test]
    fn unwritable_characters_fall_back() {
        assert_eq!(encode("★漢"), b"*?");
    }
}
