//! Issue 16, bad input: property-based fuzzing of the ESC/POS decoder
//! (`preview::render`, which reads bytes as a printer would — the bytes a
//! till's printer connection or a test's file printer captured). Runs on
//! the stable toolchain in `cargo test`; `PROPTEST_CASES=<n>` runs longer.
//!
//! Properties: any byte string decodes or is refused (never a panic, never
//! an allocation the bytes do not pay for); what the encoder writes decodes
//! to the text it was given; a written receipt with bytes changed still
//! decodes or is refused.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use ocop_hardware::document::{Document, Style};
use ocop_hardware::escpos::{CodePage, Mode, Paper, PrinterProfile, encode_to_vec};
use ocop_hardware::preview::render;
use proptest::prelude::*;

pub(crate) fn profiles() -> [PrinterProfile; 3] {
    [
        PrinterProfile::new(Paper::Mm80, Mode::Raster),
        PrinterProfile::new(
            Paper::Mm58,
            Mode::CodePage {
                page: CodePage::Cp1258,
                esc_t: 52,
            },
        ),
        PrinterProfile::new(Paper::Mm80, Mode::Ascii),
    ]
}

/// Bytes shaped like commands: the prefixes the decoder knows, followed by
/// parameters drawn at random (sizes included), and text.
fn command_like() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(vec![0x1B, b'@']),
        (0u8..=255).prop_map(|n| vec![0x1B, b't', n]),
        (0u8..=3).prop_map(|n| vec![0x1B, b'a', n]),
        (0u8..=1).prop_map(|n| vec![0x1B, b'E', n]),
        (0u8..=255).prop_map(|n| vec![0x1D, b'!', n]),
        (0u8..=255).prop_map(|n| vec![0x1B, b'd', n]),
        (0u8..=255).prop_map(|n| vec![0x1D, b'V', n]),
        Just(vec![0x1B, b'p', 0, 0x19, 0xFA]),
        Just(vec![0x1C, b'.']),
        (
            any::<u16>(),
            any::<u16>(),
            proptest::collection::vec(any::<u8>(), 0..64)
        )
            .prop_map(|(w, h, data)| {
                let mut v = vec![0x1D, b'v', b'0', 0];
                v.extend_from_slice(&w.to_le_bytes());
                v.extend_from_slice(&h.to_le_bytes());
                v.extend(data);
                v
            }),
        (
            any::<u16>(),
            0u8..=255,
            0u8..=255,
            proptest::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(len, cn, f, data)| {
                let mut v = vec![0x1D, b'(', b'k'];
                v.extend_from_slice(&len.to_le_bytes());
                v.extend([cn, f]);
                v.extend(data);
                v
            }),
        "[ -~àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệ]{0,40}".prop_map(|s| s.into_bytes()),
        Just(vec![b'\n']),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|ps| ps.concat())
}

proptest! {
    #[test]
    fn any_bytes_decode_or_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        for profile in &profiles() {
            let _ = render(&bytes, profile);
        }
    }

    #[test]
    fn command_shaped_bytes_decode_or_are_refused(bytes in command_like()) {
        for profile in &profiles() {
            if let Ok(preview) = render(&bytes, profile) {
                // The paper is no longer than the bytes could have drawn.
                prop_assert!(preview.paper.height() <= 1_000_000);
            }
        }
    }

}

/// `PROPTEST_CASES` when set, else `default` (a receipt rendered in three
/// modes costs milliseconds: fewer cases in the default run).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    /// The encoder's own output decodes, and its text comes back (modes
    /// that print text with the printer's font).
    #[test]
    fn written_text_reads_back(
        lines in proptest::collection::vec("[A-Za-z0-9 àáảãạăâđêôơưéèếềọộ.,:-]{1,30}", 1..6),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let mut doc = Document::new();
        for l in &lines {
            doc.line(l.clone());
        }
        doc.center("CẢM ƠN", Style::default());
        doc.cut();
        for profile in &profiles() {
            let mut bytes = encode_to_vec(&doc, profile).unwrap();
            let preview = render(&bytes, profile).unwrap();
            if !matches!(profile.mode, Mode::Raster) {
                // The layout wraps long lines and collapses runs of spaces:
                // compare the words.
                let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
                let text = words(&preview.text_lines.join(" "));
                if matches!(profile.mode, Mode::CodePage { .. }) {
                    for l in &lines {
                        let l = words(l);
                        prop_assert!(text.contains(&l), "{:?} not in {:?}", l, text);
                    }
                }
            }
            prop_assert_eq!(preview.cuts.len(), 1);
            // The same bytes damaged: decoded or refused, never a panic.
            for (at, b) in &edits {
                let i = at.index(bytes.len());
                bytes[i] = *b;
            }
            let _ = render(&bytes, profile);
        }
    }
}
