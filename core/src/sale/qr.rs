//! The VietQR code of a bank-transfer payment, and the memo that ties the
//! transfer back to its receipt.
//!
//! The memo (nội dung chuyển khoản) is `OCOP T{till} R{receipt}` with the
//! receipt number zero-padded to at least six digits: `OCOP T3 R000123`.
//! Banks carry at most 25 characters reliably ([`crate::vietqr::MAX_MEMO_LEN`]);
//! should the numbers ever be long enough to overflow that (till ids and
//! receipt numbers of ten digits), the `OCOP ` prefix is dropped rather
//! than the numbers cut, and the memo is always at most 23 characters then.
//!
//! Banks decorate memos in their notifications ("MBVCB.123.OCOP T3 R000123.CT
//! tu …", or without spaces), so [`parse_transfer_memo`] looks for the
//! `T… R…` pair anywhere, ignoring case and spaces between.

use super::model::{ReceiptNo, ReceiptRef};
use crate::money::Dong;
use crate::vietqr::{BankBin, MAX_MEMO_LEN, VietQr, VietQrError};

/// `OCOP T3 R000123` (module documentation). `None` for a till id that is
/// not positive (it could not be read back).
pub fn transfer_memo(receipt: ReceiptRef) -> Option<String> {
    if receipt.till_id <= 0 {
        return None;
    }
    let short = format!("T{} R{}", receipt.till_id, receipt.receipt_no.padded());
    let long = format!("OCOP {short}");
    Some(if long.len() <= MAX_MEMO_LEN {
        long
    } else {
        short
    })
}

/// The VietQR code for paying `amount` of a sale by bank transfer to the
/// outlet's account, with the memo naming the receipt. `amount` is the
/// transfer's part of a split payment, or the whole total.
pub fn vietqr_for_sale(
    bank_bin: &BankBin,
    account: &str,
    amount: Dong,
    receipt: ReceiptRef,
) -> Result<VietQr, VietQrError> {
    let memo = transfer_memo(receipt);
    VietQr::new(bank_bin.clone(), account, Some(amount), memo.as_deref())
}

/// Finds the receipt a bank transfer's memo names: the first `T<digits>`
/// followed (after optional spaces) by `R<digits>`, each starting a word,
/// case-insensitive. `None` if there is no such pair, or if the memo names
/// two different receipts.
pub fn parse_transfer_memo(memo: &str) -> Option<ReceiptRef> {
    let upper: Vec<char> = memo.to_uppercase().chars().collect();
    let mut found: Option<ReceiptRef> = None;
    let mut i = 0usize;
    while i < upper.len() {
        let at_word_start = i == 0
            || upper
                .get(i.wrapping_sub(1))
                .is_some_and(|c| !c.is_ascii_alphanumeric());
        if at_word_start
            && upper.get(i) == Some(&'T')
            && let Some((receipt, end)) = read_pair(&upper, i)
        {
            match found {
                Some(previous) if previous != receipt => return None,
                _ => found = Some(receipt),
            }
            i = end;
            continue;
        }
        i = i.saturating_add(1);
    }
    found
}

/// Reads `T<digits> *R<digits>` at `start` (which holds `T`); the pair and
/// the index after it.
fn read_pair(chars: &[char], start: usize) -> Option<(ReceiptRef, usize)> {
    let (till, mut i) = read_digits(chars, start.checked_add(1)?)?;
    while chars.get(i) == Some(&' ') {
        i = i.checked_add(1)?;
    }
    if chars.get(i) != Some(&'R') {
        return None;
    }
    let (receipt, end) = read_digits(chars, i.checked_add(1)?)?;
    if chars.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let till_id = i32::try_from(till).ok().filter(|t| *t > 0)?;
    let receipt_no = u32::try_from(receipt).ok().and_then(ReceiptNo::new)?;
    Some((
        ReceiptRef {
            till_id,
            receipt_no,
        },
        end,
    ))
}

/// At least one ASCII digit from `start`: the value (`None` beyond u64) and
/// the index after the digits.
fn read_digits(chars: &[char], start: usize) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    let mut i = start;
    while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
        value = value.checked_mul(10)?.checked_add(u64::from(d))?;
        i = i.checked_add(1)?;
    }
    (i > start).then_some((value, i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::UserError;

    fn rr(till_id: i32, n: u32) -> ReceiptRef {
        ReceiptRef {
            till_id,
            receipt_no: ReceiptNo::new(n).unwrap(),
        }
    }

    #[test]
    fn memos() {
        assert_eq!(transfer_memo(rr(3, 123)).unwrap(), "OCOP T3 R000123");
        assert_eq!(
            transfer_memo(rr(12, 1_234_567)).unwrap(),
            "OCOP T12 R1234567"
        );
        // too long with the prefix: dropped, numbers kept whole
        let long = transfer_memo(rr(i32::MAX, u32::MAX)).unwrap();
        assert_eq!(long, "T2147483647 R4294967295");
        assert!(long.len() <= MAX_MEMO_LEN);
        assert_eq!(transfer_memo(rr(0, 1)), None);
        assert_eq!(transfer_memo(rr(-3, 1)), None);
    }

    #[test]
    fn a_qr_for_a_sale_reads_back() {
        let bin = BankBin::parse("970436").unwrap();
        let qr = vietqr_for_sale(&bin, "0011001234567", Dong::new(350_000), rr(3, 123)).unwrap();
        assert_eq!(qr.memo(), Some("OCOP T3 R000123"));
        assert_eq!(qr.amount(), Some(Dong::new(350_000)));
        let payload = qr.payload();
        assert!(payload.contains("0815OCOP T3 R000123"), "{payload}");
        let back = VietQr::parse(&payload).unwrap();
        assert_eq!(back, qr);
        assert_eq!(parse_transfer_memo(back.memo().unwrap()), Some(rr(3, 123)));
        // a zero amount cannot be asked for
        let err = vietqr_for_sale(&bin, "0011001234567", Dong::ZERO, rr(3, 1)).unwrap_err();
        assert_eq!(err.code(), "invalid_qr_amount");
    }

    #[test]
    fn memos_as_banks_send_them_back() {
        let want = Some(rr(3, 123));
        for memo in [
            "OCOP T3 R000123",
            "ocop t3 r000123",
            "OCOPT3R000123 nope", // glued to OCOP: not a word start
            "MBVCB.3312.OCOP T3 R000123.CT tu 0123 NGUYEN VAN A toi 0011",
            "T3R000123",
            "T3  R123",
            "Chuyen tien OCOP T3 R000123 OCOP T3 R000123",
        ] {
            let expected = if memo.starts_with("OCOPT3") {
                None
            } else {
                want
            };
            assert_eq!(parse_transfer_memo(memo), expected, "{memo:?}");
        }
        for memo in [
            "",
            "OCOP",
            "T3",
            "T R1",
            "T3 R",
            "T3 R0",
            "T0 R5",
            "T3 R12X",
            "AT3 R1",
            "T99999999999 R1",
            "OCOP T3 R1 OCOP T4 R1", // two different receipts
        ] {
            assert_eq!(parse_transfer_memo(memo), None, "{memo:?}");
        }
    }
}
