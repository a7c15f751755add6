//! Tests of the sale arithmetic; the builders here are shared by the
//! other sale modules' tests.

use super::*;
use crate::sale::journal::GENESIS_HASH;
use chrono::TimeZone;

/// An edit a test applies to a record.
pub(crate) type Mutation<T> = Box<dyn Fn(&mut T)>;

pub(crate) fn d(v: i64) -> Dong {
    Dong::new(v)
}

pub(crate) fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap()
}

pub(crate) fn header(receipt_no: u32) -> SaleHeader {
    SaleHeader {
        id: Uuid::from_u128(u128::from(receipt_no)),
        till_id: 3,
        receipt_no: ReceiptNo::new(receipt_no).unwrap(),
        sold_at: Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap()
            + chrono::TimeDelta::minutes(i64::from(receipt_no)),
        cashier_id: 7,
        outlet_id: 2,
        shift_id: Uuid::from_u128(0xABC),
    }
}

/// A cart line stating only what a test cares about.
pub(crate) fn item(price: i64, qty: &str, rate: VatRate) -> CartLine {
    CartLine {
        product_id: 1,
        lot_code: None,
        name: "Mật ong bạc hà".into(),
        unit: "chai".into(),
        group: "thuc_pham".into(),
        qty: q(qty),
        unit_price: d(price),
        catalogue_price: Some(d(price)),
        discount: Dong::ZERO,
        discount_reason: None,
        vat_rate: rate,
        serials: vec![],
    }
}

pub(crate) fn discounted(mut line: CartLine, discount: i64) -> CartLine {
    line.discount = d(discount);
    line.discount_reason = Some("Khuyến mại".into());
    line
}

pub(crate) fn sale_of(
    receipt_no: u32,
    lines: Vec<CartLine>,
    payments: impl FnOnce(Dong) -> Vec<Payment>,
) -> Sale {
    let mut b = SaleBuilder::new(header(receipt_no));
    for l in lines {
        b.add(l).unwrap();
    }
    let total = b.total().unwrap();
    b.finish(payments(total), GENESIS_HASH).unwrap()
}

fn exact_cash(total: Dong) -> Vec<Payment> {
    vec![Payment::cash(total, total).unwrap()]
}

/// Re-seals a sale edited by a test, so only the arithmetic is wrong.
fn resealed(mut sale: Sale) -> Sale {
    let prev = sale.prev_hash;
    journal::seal(&mut sale, prev);
    sale
}

#[test]
fn a_simple_sale() {
    let sale = sale_of(1, vec![item(350_000, "1", VatRate::Ten)], |t| {
        vec![Payment::cash(t, d(500_000)).unwrap()]
    });
    assert_eq!(sale.total, d(350_000));
    assert_eq!(sale.lines[0].line_no, 1);
    assert_eq!(sale.lines[0].amount, d(350_000));
    assert_eq!(
        sale.vat,
        vec![VatBucket {
            rate: VatRate::Ten,
            gross: d(350_000),
            vat: d(31_818),
            net: d(318_182)
        }]
    );
    assert_eq!(
        sale.payments[0].method,
        PaymentMethod::Cash {
            tendered: d(500_000),
            change: d(150_000)
        }
    );
    assert_eq!(verify(&sale), Ok(()));
    assert!(sale.hash_is_valid());
    assert_eq!(sale.prev_hash, GENESIS_HASH);
}

#[test]
fn three_vat_rates_and_fractional_quantities() {
    let sale = sale_of(
        2,
        vec![
            item(175_000, "2", VatRate::Ten),                    // 350 000
            item(333_333, "1,5", VatRate::Eight),                // 499 999,5 → 500 000
            discounted(item(52_500, "1", VatRate::Five), 2_500), // 50 000
            item(1_001, "0,125", VatRate::Ten),                  // 125,125 → 125
            item(20_000, "1", VatRate::NotSubject),              // 20 000
        ],
        exact_cash,
    );
    let amounts: Vec<Dong> = sale.lines.iter().map(|l| l.amount).collect();
    assert_eq!(
        amounts,
        vec![d(350_000), d(500_000), d(50_000), d(125), d(20_000)]
    );
    assert_eq!(sale.total, d(920_125));
    let by_rate: Vec<(VatRate, Dong, Dong)> =
        sale.vat.iter().map(|b| (b.rate, b.gross, b.vat)).collect();
    assert_eq!(
        by_rate,
        vec![
            (VatRate::NotSubject, d(20_000), d(0)),
            // 50 000 × 5/105 = 2 380,95 → 2 381
            (VatRate::Five, d(50_000), d(2_381)),
            // 500 000 × 8/108 = 37 037,04 → 37 037
            (VatRate::Eight, d(500_000), d(37_037)),
            // 350 125 × 10/110 = 31 829,5454… → 31 830
            (VatRate::Ten, d(350_125), d(31_830)),
        ]
    );
    assert_eq!(verify(&sale), Ok(()));
}

#[test]
fn vat_is_rounded_per_bucket_not_per_line() {
    // three lines of 16 at 10 %: per line 1 + 1 + 1 = 3, per bucket 4
    let sale = sale_of(
        1,
        vec![
            item(16, "1", VatRate::Ten),
            item(16, "1", VatRate::Ten),
            item(16, "1", VatRate::Ten),
        ],
        exact_cash,
    );
    assert_eq!(sale.vat.len(), 1);
    assert_eq!(sale.vat[0].vat, d(4));
    // a sale claiming the per-line figure is refused, naming the right one
    let mut bad = sale.clone();
    bad.vat[0].vat = d(3);
    bad.vat[0].net = d(45);
    let err = verify(&resealed(bad)).unwrap_err();
    assert_eq!(err.code(), "vat_mismatch");
    assert!(
        err.message(Lang::Vi).contains("4 ₫"),
        "{}",
        err.message(Lang::Vi)
    );
}

#[test]
fn split_payments_add_up() {
    let sale = sale_of(
        1,
        vec![
            item(350_000, "1", VatRate::Ten),
            item(90_000, "1", VatRate::Five),
        ],
        |total| {
            assert_eq!(total, d(440_000));
            vec![
                Payment::card(d(200_000), "APPR 778812"),
                Payment::bank_transfer(d(100_000), TransferStatus::Pending, None),
                Payment::cash(d(140_000), d(200_000)).unwrap(),
            ]
        },
    );
    assert_eq!(verify(&sale), Ok(()));
    assert_eq!(remaining_due(sale.total, &sale.payments).unwrap(), d(0));
    assert_eq!(
        remaining_due(sale.total, &sale.payments[..2]).unwrap(),
        d(140_000)
    );
}

#[test]
fn payments_must_cover_the_total_exactly() {
    let mut b = SaleBuilder::new(header(1));
    b.add(item(100_000, "1", VatRate::Ten)).unwrap();
    let short = b
        .clone()
        .finish(vec![Payment::card(d(99_999), "X1")], GENESIS_HASH)
        .unwrap_err();
    assert_eq!(
        short,
        SaleError::PaymentsDoNotCoverTotal {
            total: d(100_000),
            paid: d(99_999)
        }
    );
    assert_eq!(short.code(), "payments_do_not_cover_total");
    assert!(short.message(Lang::Vi).contains("100.000 ₫"));
    let over = b
        .clone()
        .finish(
            vec![
                Payment::card(d(60_000), "X1"),
                Payment::card(d(60_000), "X2"),
            ],
            GENESIS_HASH,
        )
        .unwrap_err();
    assert_eq!(over.code(), "payments_exceed_total");
    let none = b.clone().finish(vec![], GENESIS_HASH).unwrap_err();
    assert_eq!(none.code(), "payments_do_not_cover_total");
    // zero and negative payments are refused
    let zero = b
        .clone()
        .finish(
            vec![Payment::card(d(100_000), "X1"), Payment::card(d(0), "X2")],
            GENESIS_HASH,
        )
        .unwrap_err();
    assert_eq!(zero.code(), "payment_not_positive");
    let neg = b
        .clone()
        .finish(
            vec![Payment::card(d(100_001), "X1"), Payment::card(d(-1), "X2")],
            GENESIS_HASH,
        )
        .unwrap_err();
    assert_eq!(neg.code(), "payment_not_positive");
    let too_many = b
        .finish(
            (0..11).map(|_| Payment::card(d(1), "X")).collect(),
            GENESIS_HASH,
        )
        .unwrap_err();
    assert_eq!(too_many.code(), "too_many_payments");
}

#[test]
fn a_free_sale_needs_no_payment() {
    // a line discounted to zero (a tasting sample): total 0, no payment
    let sale = sale_of(
        1,
        vec![discounted(item(30_000, "1", VatRate::Ten), 30_000)],
        |_| vec![],
    );
    assert_eq!(sale.total, d(0));
    assert_eq!(verify(&sale), Ok(()));
}

#[test]
fn cash_change() {
    assert_eq!(
        Payment::cash(d(350_000), d(350_000)).unwrap().method,
        PaymentMethod::Cash {
            tendered: d(350_000),
            change: d(0)
        }
    );
    assert_eq!(
        Payment::cash(d(350_000), d(349_000)).unwrap_err().code(),
        "cash_tendered_too_low"
    );
    let sale = sale_of(1, vec![item(350_000, "1", VatRate::Ten)], |t| {
        vec![Payment::cash(t, d(500_000)).unwrap()]
    });
    // wrong change
    let mut bad = sale.clone();
    bad.payments[0].method = PaymentMethod::Cash {
        tendered: d(500_000),
        change: d(160_000),
    };
    let err = verify(&resealed(bad)).unwrap_err();
    assert_eq!(
        err,
        SaleError::CashChangeMismatch {
            index: 0,
            expected: d(150_000),
            found: d(160_000)
        }
    );
    assert!(err.message(Lang::Vi).contains("150.000 ₫"));
    assert!(err.message(Lang::Vi).starts_with("Lần thanh toán 1"));
    // tendered below the amount
    let mut bad = sale.clone();
    bad.payments[0].method = PaymentMethod::Cash {
        tendered: d(300_000),
        change: d(-50_000),
    };
    assert_eq!(
        verify(&resealed(bad)).unwrap_err().code(),
        "cash_tendered_too_low"
    );
}

#[test]
fn card_needs_a_reference() {
    let mut b = SaleBuilder::new(header(1));
    b.add(item(10_000, "1", VatRate::Ten)).unwrap();
    let err = b
        .finish(vec![Payment::card(d(10_000), "  ")], GENESIS_HASH)
        .unwrap_err();
    assert_eq!(err.code(), "card_reference_required");
}

#[test]
fn arithmetic_errors_name_the_expected_figure() {
    let sale = sale_of(
        1,
        vec![
            item(350_000, "2", VatRate::Ten),
            item(333_333, "1,5", VatRate::Eight),
        ],
        exact_cash,
    );
    let mut bad = sale.clone();
    bad.lines[1].amount = d(499_999); // rounded the wrong way
    let err = verify(&resealed(bad)).unwrap_err();
    assert_eq!(
        err,
        SaleError::LineAmountMismatch {
            line_no: 2,
            expected: d(500_000),
            found: d(499_999)
        }
    );
    assert_eq!(err.code(), "line_amount_mismatch");
    assert!(err.message(Lang::Vi).contains("500.000 ₫"));
    assert!(err.message(Lang::En).contains("500.000 d"));
}

#[test]
fn total_mismatch() {
    let sale = sale_of(1, vec![item(350_000, "2", VatRate::Ten)], exact_cash);
    let mut bad = sale.clone();
    bad.total = d(690_000);
    let err = verify(&resealed(bad)).unwrap_err();
    assert_eq!(
        err,
        SaleError::TotalMismatch {
            expected: d(700_000),
            found: d(690_000)
        }
    );
    assert_eq!(err.code(), "sale_total_mismatch");
    assert!(err.message(Lang::Vi).contains("700.000 ₫"));
}

#[test]
fn lines_are_checked() {
    let sale = sale_of(1, vec![item(10_000, "1", VatRate::Ten)], exact_cash);
    let cases: Vec<(Mutation<Sale>, &str)> = vec![
        (Box::new(|s| s.lines.clear()), "empty_sale"),
        (
            Box::new(|s| s.lines[0].qty = Quantity::ZERO),
            "non_positive_quantity",
        ),
        (
            Box::new(|s| s.lines[0].qty = q("-1")),
            "non_positive_quantity",
        ),
        (
            Box::new(|s| s.lines[0].unit_price = d(-1)),
            "negative_price",
        ),
        (
            Box::new(|s| s.lines[0].discount = d(-1)),
            "negative_discount",
        ),
        (
            Box::new(|s| {
                s.lines[0].discount = d(10_001);
                s.lines[0].discount_reason = Some("x".into());
            }),
            "discount_exceeds_amount",
        ),
        (
            Box::new(|s| {
                s.lines[0].discount = d(1_000);
                s.lines[0].amount = d(9_000);
            }),
            "discount_reason_required",
        ),
        (
            Box::new(|s| {
                s.lines[0].discount = d(1_000);
                s.lines[0].amount = d(9_000);
                s.lines[0].discount_reason = Some("  ".into());
            }),
            "discount_reason_required",
        ),
        (
            Box::new(|s| s.lines[0].discount_reason = Some("x".into())),
            "discount_reason_without_discount",
        ),
        (
            Box::new(|s| s.lines[0].line_no = 2),
            "line_numbers_not_sequential",
        ),
        (
            Box::new(|s| s.lines[0].name = String::new()),
            "invalid_text",
        ),
        (
            Box::new(|s| s.lines[0].name = "a\u{7}b".into()),
            "invalid_text",
        ),
        (
            Box::new(|s| s.lines[0].name = "x".repeat(201)),
            "invalid_text",
        ),
        (
            Box::new(|s| s.lines[0].group = String::new()),
            "invalid_text",
        ),
        (
            Box::new(|s| s.lines[0].lot_code = Some("L".repeat(21))),
            "invalid_text",
        ),
        (
            Box::new(|s| s.lines[0].catalogue_price = Some(d(-5))),
            "negative_price",
        ),
        (Box::new(|s| s.lines[0].product_id = 0), "invalid_id"),
        (Box::new(|s| s.till_id = -3), "invalid_id"),
        (Box::new(|s| s.cashier_id = 0), "invalid_id"),
        (
            Box::new(|s| s.sold_at += chrono::TimeDelta::microseconds(1)),
            "invalid_sale_time",
        ),
        (
            Box::new(|s| {
                s.lines[0].unit_price = d(i64::MAX);
                s.lines[0].qty = q("2");
            }),
            "price_out_of_range",
        ),
        (
            Box::new(|s| {
                s.lines[0].unit_price = d(1_000_000_000);
                s.lines[0].qty = q("10.001");
            }),
            "amount_out_of_range",
        ),
        (
            Box::new(|s| {
                s.lines[0].qty = q("100000.5");
            }),
            "quantity_out_of_range",
        ),
    ];
    for (mutate, code) in cases {
        let mut bad = sale.clone();
        mutate(&mut bad);
        let err = verify(&resealed(bad)).unwrap_err();
        assert_eq!(err.code(), code, "{err:?}");
        assert!(!err.message(Lang::Vi).is_empty());
    }
    // a unit may be empty (printed without one); a name of 200 is fine
    let mut ok = sale.clone();
    ok.lines[0].unit = String::new();
    ok.lines[0].name = "ư".repeat(200);
    assert_eq!(verify(&resealed(ok)), Ok(()));
}

#[test]
fn too_many_lines() {
    let mut b = SaleBuilder::new(header(1));
    for _ in 0..MAX_LINES {
        b.add(item(1_000, "1", VatRate::Ten)).unwrap();
    }
    assert_eq!(b.lines().len(), 500);
    assert_eq!(b.lines()[499].line_no, 500);
    let err = b.add(item(1_000, "1", VatRate::Ten)).unwrap_err();
    assert_eq!(err.code(), "too_many_lines");
    assert_eq!(b.lines().len(), 500);
    let sale = b
        .finish(vec![Payment::card(d(500_000), "X")], GENESIS_HASH)
        .unwrap();
    let mut bad = sale.clone();
    let mut extra = bad.lines[0].clone();
    extra.line_no = 501;
    bad.lines.push(extra);
    assert_eq!(verify(&resealed(bad)).unwrap_err().code(), "too_many_lines");
}

#[test]
fn an_altered_sale_fails_its_hash() {
    let sale = sale_of(1, vec![item(10_000, "1", VatRate::Ten)], exact_cash);
    let mut bad = sale.clone();
    bad.cashier_id = 8; // arithmetic still right, content changed
    let err = verify(&bad).unwrap_err();
    assert_eq!(
        err,
        SaleError::HashMismatch {
            expected: bad.compute_hash()
        }
    );
    assert_eq!(err.code(), "sale_hash_mismatch");
}

#[test]
fn builder_edits_keep_lines_numbered() {
    let mut b = SaleBuilder::new(header(1));
    b.add(item(10_000, "1", VatRate::Ten)).unwrap();
    b.add(item(20_000, "1", VatRate::Ten)).unwrap();
    b.add(item(30_000, "1", VatRate::Ten)).unwrap();
    assert_eq!(b.total().unwrap(), d(60_000));
    let removed = b.remove(2).unwrap();
    assert_eq!(removed.amount, d(20_000));
    let numbers: Vec<u32> = b.lines().iter().map(|l| l.line_no).collect();
    assert_eq!(numbers, vec![1, 2]);
    assert_eq!(b.total().unwrap(), d(40_000));
    let replaced = b.replace(2, item(30_000, "3", VatRate::Ten)).unwrap();
    assert_eq!((replaced.line_no, replaced.amount), (2, d(90_000)));
    assert_eq!(b.total().unwrap(), d(100_000));
    // an invalid replacement leaves the cart alone
    assert!(b.replace(2, item(-1, "1", VatRate::Ten)).is_err());
    assert_eq!(
        b.replace(7, item(1, "1", VatRate::Ten)).unwrap_err(),
        SaleError::UnknownLine { line_no: 7 }
    );
    assert_eq!(b.total().unwrap(), d(100_000));
    assert!(b.remove(9).is_none());
    // an invalid line is refused and not added
    let err = b.add(item(10_000, "0", VatRate::Ten)).unwrap_err();
    assert_eq!(
        err,
        SaleError::InvalidLine {
            line_no: 3,
            source: MoneyError::NonPositiveQuantity
        }
    );
    assert!(err.message(Lang::Vi).starts_with("Dòng 3: "));
    assert_eq!(b.lines().len(), 2);
    // the sale time is cut to milliseconds
    let mut h = header(1);
    h.sold_at += chrono::TimeDelta::nanoseconds(1_234_567);
    let b = SaleBuilder::new(h);
    assert_eq!(b.header().sold_at.nanosecond(), 1_000_000);
}

#[test]
fn price_differences_are_accepted_and_visible() {
    let mut line = item(90_000, "1", VatRate::Ten);
    line.catalogue_price = Some(d(95_000));
    let sale = sale_of(1, vec![line, item(1_000, "1", VatRate::Ten)], exact_cash);
    assert_eq!(verify(&sale), Ok(()));
    assert!(sale.lines[0].price_differs());
    assert!(!sale.lines[1].price_differs());
}

#[test]
fn sale_json_round_trips_and_still_verifies() {
    let sale = sale_of(
        4,
        vec![
            item(175_000, "2", VatRate::Ten),
            item(333_333, "1,5", VatRate::Eight),
        ],
        |t| vec![Payment::cash(t, d(2_000_000)).unwrap()],
    );
    let json = serde_json::to_string(&sale).unwrap();
    let back: Sale = serde_json::from_str(&json).unwrap();
    assert_eq!(back, sale);
    assert_eq!(verify(&back), Ok(()));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["receipt_no"], 4);
    assert_eq!(v["sold_at"], "2026-11-28T03:04:00Z");
    assert_eq!(v["lines"][1]["qty"], "1.5");
    assert_eq!(v["lines"][1]["vat_rate"], "8");
    assert_eq!(v["lines"][0]["lot_code"], serde_json::Value::Null);
    assert_eq!(v["total"], 850_000);
    assert_eq!(v["prev_hash"], "0".repeat(64));
    // an unknown field is refused
    let mut extra = v.clone();
    extra["discount_total"] = 5.into();
    assert!(serde_json::from_value::<Sale>(extra).is_err());
}

#[test]
fn errors_have_codes_and_both_languages() {
    let errors = [
        SaleError::EmptySale,
        SaleError::TooManyLines {
            count: 501,
            max: 500,
        },
        SaleError::TooManyPayments { count: 11, max: 10 },
        SaleError::LineNumbering {
            expected: 1,
            found: 2,
        },
        SaleError::UnknownLine { line_no: 1 },
        SaleError::DiscountReasonRequired { line_no: 1 },
        SaleError::ReasonWithoutDiscount { line_no: 1 },
        SaleError::InvalidText {
            line_no: Some(1),
            field: "name",
        },
        SaleError::InvalidId {
            field: "till_id",
            value: 0,
        },
        SaleError::LineAmountMismatch {
            line_no: 1,
            expected: d(1),
            found: d(2),
        },
        SaleError::TotalMismatch {
            expected: d(1),
            found: d(2),
        },
        SaleError::VatMismatch {
            expected: vec![],
            found: vec![],
        },
        SaleError::PaymentNotPositive {
            index: 0,
            amount: d(0),
        },
        SaleError::CashTenderedTooLow {
            index: 0,
            amount: d(2),
            tendered: d(1),
        },
        SaleError::CashChangeMismatch {
            index: 0,
            expected: d(1),
            found: d(2),
        },
        SaleError::CardReferenceRequired { index: 0 },
        SaleError::PaymentsDoNotCoverTotal {
            total: d(2),
            paid: d(1),
        },
        SaleError::PaymentsExceedTotal {
            total: d(1),
            paid: d(2),
        },
        SaleError::InvalidTime {
            time: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        },
        SaleError::HashMismatch {
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
