//! The fonts embedded in the binary, so a till prints Vietnamese the same way
//! on every machine with nothing installed: DejaVu Sans (regular, bold) for
//! raster text and PDF labels; Noto Sans Mono for the preview of the
//! printer's own text modes (DejaVu Sans Mono lacks the hook-above letters
//! such as "ả", which the coverage test caught). Licences:
//! `fonts/LICENSE-DejaVu.txt` (Bitstream Vera licence, DejaVu changes public
//! domain) and `fonts/LICENSE-Noto.txt` (SIL Open Font License 1.1).

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef};

pub static SANS_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
pub static SANS_BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
pub static MONO_TTF: &[u8] = include_bytes!("../fonts/NotoSansMono-Regular.ttf");

#[expect(
    clippy::expect_used,
    reason = "the font bytes are compiled in; `fonts_parse` in the tests proves they parse"
)]
fn load(
    cell: &'static OnceLock<FontRef<'static>>,
    bytes: &'static [u8],
) -> &'static FontRef<'static> {
    cell.get_or_init(|| FontRef::try_from_slice(bytes).expect("embedded font parses"))
}

/// DejaVu Sans.
pub fn sans() -> &'static FontRef<'static> {
    static CELL: OnceLock<FontRef<'static>> = OnceLock::new();
    load(&CELL, SANS_TTF)
}

/// DejaVu Sans Bold.
pub fn sans_bold() -> &'static FontRef<'static> {
    static CELL: OnceLock<FontRef<'static>> = OnceLock::new();
    load(&CELL, SANS_BOLD_TTF)
}

/// Noto Sans Mono (preview of the printer's font A).
pub fn mono() -> &'static FontRef<'static> {
    static CELL: OnceLock<FontRef<'static>> = OnceLock::new();
    load(&CELL, MONO_TTF)
}

/// The characters of `text` (other than whitespace) that `font` has no glyph
/// for. Empty means the font can draw all of it.
pub fn missing_glyphs(font: &impl Font, text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| !c.is_whitespace() && font.glyph_id(*c).0 == 0)
        .collect()
}

/// Every letter of the Vietnamese alphabet with every tone mark, lower and
/// upper case, plus đ/Đ: the set the fonts must cover.
pub const VIETNAMESE_LETTERS: &str = "aàáảãạ ăằắẳẵặ âầấẩẫậ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ uùúủũụ ưừứửữự yỳýỷỹỵ đ \
AÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ EÈÉẺẼẸ ÊỀẾỂỄỆ IÌÍỈĨỊ OÒÓỎÕỌ ÔỒỐỔỖỘ ƠỜỚỞỠỢ UÙÚỦŨỤ ƯỪỨỬỮỰ YỲÝỶỸỴ Đ";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_parse() {
        for bytes in [SANS_TTF, SANS_BOLD_TTF, MONO_TTF] {
            assert!(FontRef::try_from_slice(bytes).is_ok());
        }
    }

    #[test]
    fn every_font_covers_every_vietnamese_letter() {
        // 12 vowels x 6 tones x 2 cases + đ Đ = 146 letters.
        let letters: Vec<char> = VIETNAMESE_LETTERS
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert_eq!(letters.len(), 146);
        for font in [sans(), sans_bold(), mono()] {
            assert_eq!(missing_glyphs(font, VIETNAMESE_LETTERS), Vec::<char>::new());
            assert_eq!(missing_glyphs(font, "₫×"), Vec::<char>::new());
        }
        // Stars are only drawn by us (raster, PDF); text modes fold them.
        for font in [sans(), sans_bold()] {
            assert_eq!(missing_glyphs(font, "★"), Vec::<char>::new());
        }
    }

    #[test]
    fn missing_glyphs_finds_what_the_font_lacks() {
        // A CJK ideograph is not in DejaVu: proves the check can fail.
        assert_eq!(missing_glyphs(sans(), "a漢b"), vec!['漢']);
    }
}
