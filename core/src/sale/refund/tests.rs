//! Tests of the refund rules.

use super::*;
use crate::money::VatRate;
use crate::sale::journal::GENESIS_HASH;
use crate::sale::model::Payment;
use crate::sale::totals::tests::{Mutation, d, discounted, item, q, sale_of};
use chrono::TimeZone;

fn header(n: u32) -> RefundHeader {
    RefundHeader {
        id: Uuid::from_u128(0x5000 + u128::from(n)),
        till_id: 3,
        receipt_no: ReceiptNo::new(n).unwrap(),
        refunded_at: Utc.with_ymd_and_hms(2026, 11, 28, 5, 0, 0).unwrap(),
        cashier_id: 7,
        outlet_id: 2,
        shift_id: Uuid::from_u128(0xABC),
        reason: "Khách đổi ý".into(),
    }
}

fn req(line: u32, qty: &str) -> RefundRequest {
    RefundRequest {
        original_line_no: line,
        qty: q(qty),
        restock: Restock::Shelf,
    }
}

/// Line 1: 3 jars for 10 đồng (to make rounding visible); line 2: 2
/// bottles at 175.000 with 10.000 off; line 3: 1,5 kg tea at 8 %.
fn sale() -> Sale {
    sale_of(
        1,
        vec![
            discounted(item(10_000, "3", VatRate::Five), 29_990),
            discounted(item(175_000, "2", VatRate::Ten), 10_000),
            item(333_333, "1,5", VatRate::Eight),
        ],
        |t| vec![Payment::cash(t, t).unwrap()],
    )
}

/// A refund with cash paid back in full.
fn refund(n: u32, sale: &Sale, earlier: &[Refund], lines: &[RefundRequest]) -> Refund {
    let (total, _) = refund_totals(&refund_lines(sale, earlier, lines).unwrap()).unwrap();
    let payments = if total.is_positive() {
        vec![RefundPayment::cash(total)]
    } else {
        vec![]
    };
    build_refund(header(n), sale, earlier, lines, payments, GENESIS_HASH).unwrap()
}

#[test]
fn the_sale_fixture() {
    let s = sale();
    let amounts: Vec<Dong> = s.lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, vec![d(10), d(340_000), d(500_000)]);
}

#[test]
fn a_whole_refund_pays_back_everything() {
    let s = sale();
    let r = refund(2, &s, &[], &[req(1, "3"), req(2, "2"), req(3, "1,5")]);
    assert_eq!(r.total, s.total);
    assert_eq!(r.vat, s.vat);
    assert_eq!(r.original_receipt, s.receipt_ref());
    assert_eq!(r.lines[1].name, s.lines[1].name);
    assert_eq!(verify_refund(&r, &s, &[]), Ok(()));
    assert!(r.hash_is_valid());
}

#[test]
fn refunds_one_at_a_time_sum_exactly_to_the_line() {
    // 3 units for 10 đồng: 3, then round(6,67) − 3 = 4, then 10 − 7 = 3
    let s = sale();
    let mut earlier = Vec::new();
    let mut paid = Vec::new();
    for n in 0..3 {
        let r = refund(2 + n, &s, &earlier, &[req(1, "1")]);
        assert_eq!(verify_refund(&r, &s, &earlier), Ok(()));
        paid.push(r.total);
        earlier.push(r);
    }
    assert_eq!(paid, vec![d(3), d(4), d(3)]);
    assert_eq!(Dong::checked_sum(paid), Some(d(10)));
    // nothing left
    let err = refund_lines(&s, &earlier, &[req(1, "1")]).unwrap_err();
    assert_eq!(
        err,
        RefundError::ExceedsSold {
            line_no: 1,
            sold: q("3"),
            remaining: q("0"),
            requested: q("1")
        }
    );
    assert_eq!(err.code(), "refund_exceeds_sold");
    let left = refundable(&s, &earlier).unwrap();
    assert_eq!(left[0].remaining_qty, Quantity::ZERO);
    assert_eq!(left[0].remaining_amount, Dong::ZERO);
    assert_eq!(left[1].remaining_qty, q("2"));
}

#[test]
fn fractional_refunds_of_tea() {
    // 1,5 kg for 500.000: 0,5 kg → 166.667; 0,7 kg → round(400.000) −
    // 166.667 = 233.333; the last 0,3 kg takes the rest: 100.000
    let s = sale();
    let a = refund(2, &s, &[], &[req(3, "0,5")]);
    assert_eq!(a.total, d(166_667));
    let b = refund(3, &s, std::slice::from_ref(&a), &[req(3, "0,7")]);
    assert_eq!(b.total, d(233_333));
    let earlier = [a, b];
    // 0,301 kg is more than is left
    let err = refund_lines(&s, &earlier, &[req(3, "0,301")]).unwrap_err();
    assert_eq!(err.code(), "refund_exceeds_sold");
    assert!(
        err.message(Lang::Vi).contains("tối đa 0,3"),
        "{}",
        err.message(Lang::Vi)
    );
    let c = refund(4, &s, &earlier, &[req(3, "0,3")]);
    assert_eq!(c.total, d(100_000));
    let all: Vec<Dong> = earlier.iter().chain([&c]).map(|r| r.total).collect();
    assert_eq!(Dong::checked_sum(all), Some(d(500_000)));
}

#[test]
fn the_discount_is_shared_pro_rata() {
    // 2 bottles at 175.000 − 10.000 = 340.000: one back is 170.000
    let s = sale();
    let r = refund(2, &s, &[], &[req(2, "1")]);
    assert_eq!(r.total, d(170_000));
    assert_eq!(r.vat[0].vat, d(15_455)); // 170 000 × 10/110 = 15 454,5 → 15 455
}

#[test]
fn several_refunds_cannot_exceed_what_was_sold() {
    let s = sale();
    let a = refund(2, &s, &[], &[req(2, "1")]);
    // a second refund of 2 bottles: only 1 left
    let err = refund_lines(&s, std::slice::from_ref(&a), &[req(2, "2")]).unwrap_err();
    assert_eq!(
        err,
        RefundError::ExceedsSold {
            line_no: 2,
            sold: q("2"),
            remaining: q("1"),
            requested: q("2")
        }
    );
    // a refund crafted without looking at the first is caught by verify
    let crafted = refund(3, &s, &[], &[req(2, "2")]);
    assert_eq!(
        verify_refund(&crafted, &s, std::slice::from_ref(&a))
            .unwrap_err()
            .code(),
        "refund_exceeds_sold"
    );
    // refunds of other sales do not count, nor does the refund itself
    let other = sale_of(9, vec![item(1_000, "5", VatRate::Ten)], |t| {
        vec![Payment::cash(t, t).unwrap()]
    });
    let foreign = refund(4, &other, &[], &[req(1, "5")]);
    let b = refund(5, &s, &[a.clone(), foreign.clone()], &[req(2, "1")]);
    assert_eq!(
        verify_refund(&b, &s, &[a.clone(), foreign, b.clone()]),
        Ok(())
    );
    // the same earlier refund passed twice counts once
    assert_eq!(verify_refund(&b, &s, &[a.clone(), a]), Ok(()));
}

#[test]
fn refund_requests_are_checked() {
    let s = sale();
    let cases = [
        (vec![], "empty_refund"),
        (vec![req(4, "1")], "unknown_sale_line"),
        (vec![req(0, "1")], "unknown_sale_line"),
        (vec![req(1, "1"), req(1, "1")], "duplicate_refund_line"),
        (vec![req(1, "0")], "refund_quantity_not_positive"),
        (vec![req(1, "-1")], "refund_quantity_not_positive"),
        (vec![req(1, "3,001")], "refund_exceeds_sold"),
    ];
    for (requests, code) in cases {
        let err = refund_lines(&s, &[], &requests).unwrap_err();
        assert_eq!(err.code(), code);
        assert!(!err.message(Lang::Vi).is_empty());
    }
}

fn resealed(mut r: Refund) -> Refund {
    let prev = r.prev_hash;
    journal::seal(&mut r, prev);
    r
}

#[test]
fn a_tampered_refund_is_refused() {
    let s = sale();
    let r = refund(2, &s, &[], &[req(2, "1"), req(3, "0,5")]);
    let cases: Vec<(Mutation<Refund>, &str)> = vec![
        (
            Box::new(|r| r.lines[0].amount = d(170_001)),
            "refund_amount_mismatch",
        ),
        (Box::new(|r| r.total = d(1)), "refund_total_mismatch"),
        (Box::new(|r| r.vat[0].vat = d(0)), "refund_vat_mismatch"),
        (Box::new(|r| r.vat.clear()), "refund_vat_mismatch"),
        (
            Box::new(|r| r.lines[0].vat_rate = VatRate::Five),
            "refund_line_mismatch",
        ),
        (
            Box::new(|r| r.lines[0].product_id = 99),
            "refund_line_mismatch",
        ),
        (
            Box::new(|r| r.lines[0].name = "Khác".into()),
            "refund_line_mismatch",
        ),
        (
            Box::new(|r| r.lines[0].lot_code = Some("L1".into())),
            "refund_line_mismatch",
        ),
        (
            Box::new(|r| r.original_sale_id = Uuid::from_u128(1234)),
            "refund_wrong_sale",
        ),
        (
            Box::new(|r| r.original_receipt.receipt_no = ReceiptNo::new(2).unwrap()),
            "refund_original_mismatch",
        ),
        (
            Box::new(|r| r.reason = " ".into()),
            "refund_reason_required",
        ),
        (Box::new(|r| r.reason = "a\nb".into()), "invalid_text"),
        (
            Box::new(|r| r.payments[0].amount = d(1)),
            "refund_payments_mismatch",
        ),
        (Box::new(|r| r.payments.clear()), "refund_payments_mismatch"),
        (
            Box::new(|r| {
                let total = r.total;
                r.payments = vec![
                    RefundPayment::cash(total.checked_add(d(1)).unwrap()),
                    RefundPayment::cash(d(-1)),
                ];
            }),
            "payment_not_positive",
        ),
        (
            Box::new(|r| {
                let total = r.total;
                r.payments = vec![RefundPayment::card(total, "")];
            }),
            "card_reference_required",
        ),
        (Box::new(|r| r.lines.clear()), "empty_refund"),
        (Box::new(|r| r.cashier_id = 0), "invalid_id"),
        (
            Box::new(|r| r.refunded_at += chrono::TimeDelta::nanoseconds(1)),
            "invalid_refund_time",
        ),
    ];
    for (mutate, code) in cases {
        let mut bad = r.clone();
        mutate(&mut bad);
        let err = verify_refund(&resealed(bad), &s, &[]).unwrap_err();
        assert_eq!(err.code(), code, "{err:?}");
    }
    // not resealed: the hash gives it away
    let mut bad = r.clone();
    bad.lines[0].restock = Restock::DamagedWriteOff;
    assert_eq!(
        verify_refund(&bad, &s, &[]).unwrap_err().code(),
        "refund_hash_mismatch"
    );
    // the restock choice is free: resealed, it verifies
    assert_eq!(verify_refund(&resealed(bad), &s, &[]), Ok(()));
}

#[test]
fn split_pay_back() {
    let s = sale();
    let lines = [req(2, "2")];
    let r = build_refund(
        header(2),
        &s,
        &[],
        &lines,
        vec![
            RefundPayment::card(d(300_000), "VOID 1"),
            RefundPayment::bank_transfer(d(40_000), Some("FT26".into())),
        ],
        GENESIS_HASH,
    )
    .unwrap();
    assert_eq!(r.total, d(340_000));
    assert_eq!(verify_refund(&r, &s, &[]), Ok(()));
}

#[test]
fn pro_rata_rounds_half_away_from_zero_exactly() {
    let whole = q("2");
    assert_eq!(pro_rata(d(3), q("1"), whole).unwrap(), d(2)); // 1,5 → 2
    assert_eq!(pro_rata(d(5), q("1"), q("4")).unwrap(), d(1)); // 1,25 → 1
    assert_eq!(pro_rata(d(7), q("3"), q("4")).unwrap(), d(5)); // 5,25 → 5
    assert_eq!(pro_rata(d(6), q("3"), q("4")).unwrap(), d(5)); // 4,5 → 5
    assert_eq!(pro_rata(d(0), q("1"), whole).unwrap(), d(0));
    assert_eq!(pro_rata(d(i64::MAX), whole, whole).unwrap(), d(i64::MAX));
    // the same rule as Dong::round, on a sweep
    for amount in [1i64, 7, 10, 99, 1_001, 333_333] {
        for part in 1..=7 {
            let exact = Dong::round(
                Dong::new(amount).to_decimal() * Decimal::from(part) / Decimal::from(7),
            )
            .unwrap();
            assert_eq!(
                pro_rata(
                    d(amount),
                    Quantity::from_milli(part),
                    Quantity::from_milli(7)
                )
                .unwrap(),
                exact
            );
        }
    }
}

use rust_decimal::Decimal;

#[test]
fn a_zero_amount_line_refunds_zero() {
    let s = sale_of(
        1,
        vec![discounted(item(30_000, "1", VatRate::Ten), 30_000)],
        |_| vec![],
    );
    let r = refund(2, &s, &[], &[req(1, "1")]);
    assert_eq!(r.total, d(0));
    assert!(r.payments.is_empty());
    assert_eq!(verify_refund(&r, &s, &[]), Ok(()));
}

#[test]
fn errors_have_codes_and_both_languages() {
    let rr = ReceiptRef {
        till_id: 1,
        receipt_no: ReceiptNo::FIRST,
    };
    let errors = [
        RefundError::WrongSale {
            expected: Uuid::nil(),
            found: Uuid::nil(),
        },
        RefundError::OriginalReceiptMismatch {
            expected: rr,
            found: rr,
        },
        RefundError::EmptyRefund,
        RefundError::TooManyLines { count: 1, max: 1 },
        RefundError::UnknownSaleLine { line_no: 1 },
        RefundError::DuplicateLine { line_no: 1 },
        RefundError::QuantityNotPositive { line_no: 1 },
        RefundError::ExceedsSold {
            line_no: 1,
            sold: q("1"),
            remaining: q("0"),
            requested: q("1"),
        },
        RefundError::AmountMismatch {
            line_no: 1,
            expected: d(1),
            found: d(2),
        },
        RefundError::LineMismatch {
            line_no: 1,
            field: "name",
        },
        RefundError::TotalMismatch {
            expected: d(1),
            found: d(2),
        },
        RefundError::VatMismatch {
            expected: vec![],
            found: vec![],
        },
        RefundError::TooManyPayments { count: 1, max: 1 },
        RefundError::PaymentNotPositive {
            index: 0,
            amount: d(0),
        },
        RefundError::CardReferenceRequired { index: 0 },
        RefundError::PaymentsDoNotMatchTotal {
            total: d(1),
            paid: d(2),
        },
        RefundError::ReasonRequired,
        RefundError::InvalidText { field: "reason" },
        RefundError::InvalidId {
            field: "till_id",
            value: 0,
        },
        RefundError::InvalidTime {
            time: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        },
        RefundError::HashMismatch {
            expected: GENESIS_HASH,
        },
    ];
    let mut codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
    for e in &errors {
        assert!(e.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        assert_ne!(e.message(Lang::Vi), e.message(Lang::En), "{e:?}");
    }
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), errors.len());
}
