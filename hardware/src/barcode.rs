//! EAN-13: the digits of a GTIN-13 and their bar pattern. The check digit is
//! validated by `ocop_core::gtin::Gtin`; this module only turns the digits
//! into the 95 modules (bars and spaces) that the raster renderer and the
//! preview draw, so both draw exactly the same symbol.
#![expect(
    clippy::indexing_slicing,
    reason = "digits are 0-9 by construction and index the 10-entry pattern tables"
)]

use ocop_core::gtin::Gtin;

/// The 13 digits of an EAN-13 symbol, taken from a validated GTIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ean13([u8; 13]);

impl Ean13 {
    /// The EAN-13 of a GTIN whose 14-digit form starts with 0 (a GTIN-13,
    /// or a GTIN-12/8 written as 13 digits). `None` for a GTIN-14 with a
    /// packaging indicator: that is not an EAN-13.
    pub fn from_gtin(gtin: &Gtin) -> Option<Self> {
        Self::from_digit_str(&gtin.as_gtin13()?)
    }

    /// The 13 digits from the text of a printer command (used by the
    /// preview, which must draw what the printer was sent, valid or not).
    pub(crate) fn from_digit_str(digits: &str) -> Option<Self> {
        let mut out = [0u8; 13];
        if digits.len() != 13 {
            return None;
        }
        for (slot, c) in out.iter_mut().zip(digits.chars()) {
            *slot = u8::try_from(c.to_digit(10)?).ok()?;
        }
        Some(Self(out))
    }

    pub fn digits(&self) -> [u8; 13] {
        self.0
    }

    /// The digits as ASCII text, e.g. `"8931234567896"`.
    pub fn as_string(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// The 95 modules of the symbol, `true` = bar, without quiet zones.
    pub fn modules(&self) -> Vec<bool> {
        // Patterns for the left-hand odd (L) set; G is R reversed; R is L inverted.
        const L: [u8; 10] = [
            0b0001101, 0b0011001, 0b0010011, 0b0111101, 0b0100011, 0b0110001, 0b0101111, 0b0111011,
            0b0110111, 0b0001011,
        ];
        // Parity of the six left digits, chosen by the first digit: 1 = G.
        const PARITY: [u8; 10] = [
            0b000000, 0b001011, 0b001101, 0b001110, 0b010011, 0b011001, 0b011100, 0b010101,
            0b010110, 0b011010,
        ];
        let [first, left @ .., _] = self.0;
        let right = &self.0[7..];
        let mut out = Vec::with_capacity(95);
        let push7 = |out: &mut Vec<bool>, bits: u8| {
            for i in (0..7).rev() {
                out.push(bits >> i & 1 == 1);
            }
        };
        out.extend([true, false, true]);
        let parity = PARITY[usize::from(first)];
        for (i, d) in left.iter().take(6).enumerate() {
            let l = L[usize::from(*d)];
            let g_set = parity >> (5 - i) & 1 == 1;
            let bits = if g_set {
                // G = reverse of R, R = complement of L.
                let r = !l & 0x7f;
                (0..7).fold(0u8, |acc, b| acc << 1 | (r >> b & 1))
            } else {
                l
            };
            push7(&mut out, bits);
        }
        out.extend([false, true, false, true, false]);
        for d in right {
            push7(&mut out, !L[usize::from(*d)] & 0x7f);
        }
        out.extend([true, false, true]);
        out
    }
}
