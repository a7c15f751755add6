//! The sale: the pure model the till and the server share.
//!
//! - [`model`]: the sale and refund documents and their JSON;
//! - [`totals`]: building a sale from a cart on the till, and the checks the
//!   server applies before it accepts one;
//! - [`change`]: the change due of a sale, computed once for the screen,
//!   the receipt, `ocop-till sell` and the shift reports;
//! - [`journal`]: the canonical encoding and the per-till hash chain that
//!   makes a missing or altered receipt detectable;
//! - [`refund`]: what may be refunded, and for how much;
//! - [`shift`]: cash counts, X/Z report figures, the daily closing and its
//!   perpetual grand total;
//! - [`einvoice`]: the data of a cash-register e-invoice, with the total in
//!   Vietnamese words ([`words`]);
//! - [`qr`]: the VietQR code of a bank-transfer payment and the memo that
//!   ties the transfer to its receipt.
//!
//! Nothing here does I/O. Every rule a user can break returns an error with
//! a stable code and a Vietnamese message ([`crate::i18n::UserError`]).

pub mod change;
pub mod einvoice;
pub mod journal;
pub mod model;
pub mod qr;
pub mod refund;
pub mod shift;
pub mod totals;
pub mod words;

pub use change::CashTender;
pub use journal::{
    ChainHead, ChainProblem, Chained, GENESIS_HASH, JournalEntry, Sealable, compute_hash, seal,
    verify_chain,
};
pub use model::{
    ChainHash, Payment, PaymentKind, PaymentMethod, ReceiptNo, ReceiptRef, Refund, RefundLine,
    RefundMethod, RefundPayment, Restock, Sale, SaleLine, TransferStatus,
};
pub use refund::RefundError;
pub use totals::{CartLine, SaleBuilder, SaleError, SaleHeader, verify};
pub use words::dong_in_words;

use crate::i18n::Lang;
use crate::money::VatBucket;

/// What a free-text field of a fiscal document may hold.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextRule {
    max_chars: usize,
    required: bool,
}

impl TextRule {
    /// Not empty (nor only spaces), at most `max_chars` characters.
    pub(crate) fn required(max_chars: usize) -> TextRule {
        TextRule {
            max_chars,
            required: true,
        }
    }

    /// May be empty, at most `max_chars` characters.
    pub(crate) fn optional(max_chars: usize) -> TextRule {
        TextRule {
            max_chars,
            required: false,
        }
    }
}

/// Whether `s` obeys `rule` and the one text rule of [`crate::text`]
/// (no control or bidirectional formatting characters): these texts are
/// printed on receipts, and an escape byte reaching a thermal printer is a
/// printer command.
pub(crate) fn check_text(s: &str, rule: TextRule) -> bool {
    if rule.required && s.trim().is_empty() {
        return false;
    }
    s.chars().count() <= rule.max_chars
        && crate::text::clean_text(s, crate::text::Lines::Single).is_ok()
}

/// `10%: 350.000 ₫ (thuế 31.818 ₫)`, … for error messages.
pub(crate) fn format_buckets(buckets: &[VatBucket], lang: Lang) -> String {
    if buckets.is_empty() {
        return match lang {
            Lang::Vi => "không có".into(),
            Lang::En => "none".into(),
        };
    }
    buckets
        .iter()
        .map(|b| match lang {
            Lang::Vi => format!("{} {} (thuế {})", b.rate.label(lang), b.gross, b.vat),
            Lang::En => format!(
                "{} {} (VAT {})",
                b.rate.label(lang),
                b.gross.to_ascii_string(),
                b.vat.to_ascii_string()
            ),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Dong, VatRate};

    #[test]
    fn text_rules() {
        assert!(check_text("Rượu ngô", TextRule::required(10)));
        assert!(!check_text("", TextRule::required(10)));
        assert!(!check_text("   ", TextRule::required(10)));
        assert!(check_text("", TextRule::optional(10)));
        // characters, not bytes: 10 Vietnamese letters of 2–3 bytes each
        assert!(check_text("ượượượượượ", TextRule::required(10)));
        assert!(!check_text("ượượượượượư", TextRule::required(10)));
        assert!(!check_text("a\nb", TextRule::optional(10)));
        assert!(!check_text("a\u{1b}@", TextRule::optional(10)));
    }

    #[test]
    fn buckets_in_messages() {
        let b = [VatBucket {
            rate: VatRate::Ten,
            gross: Dong::new(350_000),
            vat: Dong::new(31_818),
            net: Dong::new(318_182),
        }];
        assert_eq!(
            format_buckets(&b, Lang::Vi),
            "10% 350.000 ₫ (thuế 31.818 ₫)"
        );
        assert_eq!(format_buckets(&[], Lang::En), "none");
    }
}
