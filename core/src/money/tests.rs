use super::*;
use rust_decimal_macros::dec;

fn d(v: i64) -> Dong {
    Dong::new(v)
}

fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap()
}

#[test]
fn round_is_half_away_from_zero() {
    assert_eq!(Dong::round(dec!(0.5)).unwrap(), d(1));
    assert_eq!(Dong::round(dec!(1.5)).unwrap(), d(2));
    assert_eq!(Dong::round(dec!(2.5)).unwrap(), d(3)); // not banker's
    assert_eq!(Dong::round(dec!(-0.5)).unwrap(), d(-1));
    assert_eq!(Dong::round(dec!(-2.5)).unwrap(), d(-3));
    assert_eq!(Dong::round(dec!(0.4999)).unwrap(), d(0));
    assert_eq!(Dong::round(dec!(-1.4999)).unwrap(), d(-1));
    assert_eq!(Dong::round(dec!(31818.1818)).unwrap(), d(31818));
}

#[test]
fn round_overflow_is_an_error() {
    let too_big = Decimal::from(i64::MAX) + Decimal::ONE;
    assert_eq!(Dong::round(too_big), Err(MoneyError::Overflow));
    assert_eq!(Dong::round(Decimal::MAX), Err(MoneyError::Overflow));
    assert_eq!(Dong::round(Decimal::from(i64::MIN)).unwrap(), d(i64::MIN));
    // i64::MAX + 0.4 rounds back into range.
    assert_eq!(
        Dong::round(Decimal::from(i64::MAX) + dec!(0.4)).unwrap(),
        d(i64::MAX)
    );
}

#[test]
fn checked_arithmetic() {
    assert_eq!(d(1).checked_add(d(2)), Some(d(3)));
    assert_eq!(d(i64::MAX).checked_add(d(1)), None);
    assert_eq!(d(i64::MIN).checked_sub(d(1)), None);
    assert_eq!(d(5).checked_sub(d(7)), Some(d(-2)));
    assert_eq!(d(i64::MIN).checked_neg(), None);
    assert_eq!(d(-3).checked_neg(), Some(d(3)));
    assert_eq!(Dong::checked_sum([d(1), d(2), d(-5)]), Some(d(-2)));
    assert_eq!(Dong::checked_sum(Vec::new()), Some(Dong::ZERO));
    assert_eq!(Dong::checked_sum([d(i64::MAX), d(1), d(-1)]), None);
    assert_eq!(Dong::default(), Dong::ZERO);
    assert_eq!(d(-7).to_decimal(), dec!(-7));
}

#[test]
fn display_is_vietnamese() {
    assert_eq!(d(350_000).to_string(), "350.000 ₫");
    assert_eq!(d(-1_500).to_string(), "-1.500 ₫");
    assert_eq!(d(0).to_string(), "0 ₫");
    assert_eq!(d(999).to_string(), "999 ₫");
    assert_eq!(d(1_000).to_string(), "1.000 ₫");
    assert_eq!(d(12_345_678).to_string(), "12.345.678 ₫");
    assert_eq!(d(-100_000).to_string(), "-100.000 ₫");
    assert_eq!(d(i64::MIN).to_string(), "-9.223.372.036.854.775.808 ₫");
    assert_eq!(d(350_000).to_ascii_string(), "350.000 d");
    assert!(d(-1_500).to_ascii_string().is_ascii());
}

#[test]
fn parse_accepts_what_people_type() {
    for s in [
        "350000",
        "350.000",
        "350.000 ₫",
        "350000đ",
        "350.000đ",
        " 350000 VND ",
        "350.000 VNĐ",
        "350.000\u{a0}₫",
        "350000 d",
    ] {
        assert_eq!(Dong::parse(s).unwrap(), d(350_000), "{s}");
    }
    assert_eq!(Dong::parse("0").unwrap(), d(0));
    assert_eq!(Dong::parse("-1.500 ₫").unwrap(), d(-1_500));
    assert_eq!(Dong::parse("1.234.567").unwrap(), d(1_234_567));
    assert_eq!("42".parse::<Dong>().unwrap(), d(42));
}

#[test]
fn parse_round_trips_display() {
    for v in [0, 1, -1, 999, 1000, 350_000, -1_500, i64::MAX, i64::MIN] {
        assert_eq!(Dong::parse(&d(v).to_string()).unwrap(), d(v));
        assert_eq!(Dong::parse(&d(v).to_ascii_string()).unwrap(), d(v));
    }
}

#[test]
fn parse_rejects_fractions_and_garbage() {
    for s in ["350,5", "350,000", "350.5", "350.50", "1.2345"] {
        assert!(
            matches!(Dong::parse(s), Err(MoneyError::FractionalAmount { .. })),
            "{s}"
        );
    }
    for s in [
        "", " ", "₫", "abc", "12a", "1..000", ".500", "1.000.", "3500.000", "--5", "+5", "1 000",
        "5 ₫ 5", "-",
    ] {
        assert!(
            matches!(Dong::parse(s), Err(MoneyError::InvalidAmount { .. })),
            "{s:?} gave {:?}",
            Dong::parse(s)
        );
    }
    assert_eq!(
        Dong::parse("9223372036854775808"),
        Err(MoneyError::Overflow)
    );
    assert_eq!(
        Dong::parse("99999999999999999999999999999999999999999"),
        Err(MoneyError::Overflow)
    );
    assert_eq!(Dong::parse("-9223372036854775808").unwrap(), d(i64::MIN));
}

#[test]
fn dong_serde_is_a_plain_integer() {
    assert_eq!(serde_json::to_string(&d(350_000)).unwrap(), "350000");
    assert_eq!(serde_json::to_string(&d(-5)).unwrap(), "-5");
    assert_eq!(serde_json::from_str::<Dong>("125000").unwrap(), d(125_000));
    assert!(serde_json::from_str::<Dong>("1.5").is_err());
    assert!(serde_json::from_str::<Dong>("\"1\"").is_err());
}

#[test]
fn quantity_parse_and_display() {
    assert_eq!(q("1,5").milli(), 1500);
    assert_eq!(q("1.5").milli(), 1500);
    assert_eq!(q("2").milli(), 2000);
    assert_eq!(q("0,125").milli(), 125);
    assert_eq!(q("0.120").milli(), 120);
    assert_eq!(q("1.2500").milli(), 1250); // trailing zeros are not precision
    assert_eq!(q("-3").milli(), -3000);
    assert_eq!(q(" 7 ").milli(), 7000);
    assert_eq!(q("1,5").to_string(), "1,5");
    assert_eq!(q("2").to_string(), "2");
    assert_eq!(q("0,125").to_string(), "0,125");
    assert_eq!(q("0,12").to_string(), "0,12");
    assert_eq!(q("-0,5").to_string(), "-0,5");
    assert_eq!(Quantity::from_milli(-500).to_string(), "-0,5");
    assert_eq!(q("1500").to_string(), "1500");
    assert_eq!(Quantity::ONE.to_string(), "1");
}

#[test]
fn quantity_parse_rejects() {
    assert!(matches!(
        Quantity::parse("1,2345"),
        Err(MoneyError::QuantityTooPrecise { .. })
    ));
    for s in [
        "", "a", "1,", ",5", "1.5.0", "1,5,0", "1 5", "1e3", "--1", "0x10",
    ] {
        assert!(
            matches!(Quantity::parse(s), Err(MoneyError::InvalidQuantity { .. })),
            "{s:?}"
        );
    }
    assert_eq!(
        Quantity::parse("9223372036854776"),
        Err(MoneyError::Overflow)
    );
}

#[test]
fn quantity_decimal_conversions() {
    assert_eq!(Quantity::from_decimal(dec!(1.5)).unwrap().milli(), 1500);
    assert_eq!(Quantity::from_decimal(dec!(0.125)).unwrap().milli(), 125);
    assert_eq!(Quantity::from_decimal(dec!(2.10000)).unwrap().milli(), 2100);
    assert!(matches!(
        Quantity::from_decimal(dec!(0.1255)),
        Err(MoneyError::QuantityTooPrecise { .. })
    ));
    assert_eq!(
        Quantity::from_decimal(Decimal::from(i64::MAX)),
        Err(MoneyError::Overflow)
    );
    assert_eq!(Quantity::from_milli(1500).to_decimal(), dec!(1.5));
    assert_eq!(Quantity::from_milli(1500).to_decimal().to_string(), "1.5");
    assert!(Quantity::from_milli(2000).is_whole());
    assert!(!Quantity::from_milli(2001).is_whole());
    assert_eq!(Quantity::from_units(3), Some(Quantity::from_milli(3000)));
    assert_eq!(Quantity::from_units(i64::MAX), None);
}

#[test]
fn quantity_serde() {
    assert_eq!(serde_json::to_string(&q("1,5")).unwrap(), "\"1.5\"");
    assert_eq!(serde_json::to_string(&q("2")).unwrap(), "\"2\"");
    assert_eq!(serde_json::to_string(&q("0,125")).unwrap(), "\"0.125\"");
    assert_eq!(
        serde_json::from_str::<Quantity>("\"1.5\"").unwrap(),
        q("1.5")
    );
    assert_eq!(serde_json::from_str::<Quantity>("1.5").unwrap(), q("1.5"));
    assert_eq!(serde_json::from_str::<Quantity>("0.1").unwrap(), q("0.1"));
    assert_eq!(serde_json::from_str::<Quantity>("2").unwrap(), q("2"));
    assert_eq!(serde_json::from_str::<Quantity>("-2").unwrap(), q("-2"));
    assert_eq!(
        serde_json::from_str::<Quantity>("0.125").unwrap(),
        q("0.125")
    );
    assert!(serde_json::from_str::<Quantity>("0.1255").is_err());
    assert!(serde_json::from_str::<Quantity>("\"abc\"").is_err());
    assert!(serde_json::from_str::<Quantity>("1e300").is_err());
    assert!(serde_json::from_str::<Quantity>("true").is_err());
}

#[test]
fn vat_rate_codes() {
    for r in VatRate::ALL {
        assert_eq!(r.code().parse::<VatRate>().unwrap(), r);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(json, format!("\"{}\"", r.code()));
        assert_eq!(serde_json::from_str::<VatRate>(&json).unwrap(), r);
    }
    assert_eq!("KCT".parse::<VatRate>().unwrap(), VatRate::NotSubject);
    assert!("7".parse::<VatRate>().is_err());
    assert!(serde_json::from_str::<VatRate>("10").is_err());
    assert_eq!(VatRate::Ten.percent(), dec!(10));
    assert_eq!(VatRate::NotSubject.percent(), dec!(0));
    assert_eq!(VatRate::NotSubject.label(Lang::Vi), "KCT");
    assert_eq!(VatRate::NotSubject.label(Lang::En), "Not subject");
    assert_eq!(VatRate::Ten.label(Lang::Vi), "10%");
    assert!(VatRate::NotSubject < VatRate::Zero && VatRate::Eight < VatRate::Ten);
}

#[test]
fn line_amounts() {
    assert_eq!(line_amount(d(350_000), q("2"), d(0)).unwrap(), d(700_000));
    assert_eq!(
        line_amount(d(350_000), q("2"), d(50_000)).unwrap(),
        d(650_000)
    );
    // 1,5 kg tea at 333.333/kg = 499 999,5 → 500 000 (half away from zero)
    assert_eq!(line_amount(d(333_333), q("1,5"), d(0)).unwrap(), d(500_000));
    // 0,125 kg at 1.001 = 125,125 → 125
    assert_eq!(line_amount(d(1_001), q("0,125"), d(0)).unwrap(), d(125));
    // discount equal to gross is allowed and gives zero
    assert_eq!(line_amount(d(10_000), q("1"), d(10_000)).unwrap(), d(0));
    assert_eq!(line_amount(d(0), q("1"), d(0)).unwrap(), d(0));
}

#[test]
fn line_amount_rejects() {
    assert_eq!(
        line_amount(d(10_000), q("1"), d(-1)),
        Err(MoneyError::NegativeDiscount)
    );
    assert_eq!(
        line_amount(d(10_000), q("1"), d(10_001)),
        Err(MoneyError::DiscountExceedsGross {
            discount: d(10_001),
            gross: d(10_000)
        })
    );
    assert_eq!(
        line_amount(d(-1), q("1"), d(0)),
        Err(MoneyError::NegativePrice)
    );
    assert_eq!(
        line_amount(d(1), q("0"), d(0)),
        Err(MoneyError::NonPositiveQuantity)
    );
    assert_eq!(
        line_amount(d(1), q("-1"), d(0)),
        Err(MoneyError::NonPositiveQuantity)
    );
    // the price bound catches it before the multiplication could overflow
    assert_eq!(
        line_amount(d(i64::MAX), q("2"), d(0)),
        Err(MoneyError::PriceOutOfRange { price: d(i64::MAX) })
    );
}

#[test]
fn vat_extraction_real_cases() {
    // 350.000 at 10 %: 350000 × 10 / 110 = 31 818,18…
    assert_eq!(vat_of_gross(d(350_000), VatRate::Ten).unwrap(), d(31_818));
    // 99.999 at 8 %: 99999 × 8 / 108 = 7 407,33…
    assert_eq!(vat_of_gross(d(99_999), VatRate::Eight).unwrap(), d(7_407));
    // 105.000 at 5 %: exactly 5 000
    assert_eq!(vat_of_gross(d(105_000), VatRate::Five).unwrap(), d(5_000));
    // 11 at 10 %: exactly 1; 77 at 10 % = 7; 121 at 10 % = 11
    assert_eq!(vat_of_gross(d(121), VatRate::Ten).unwrap(), d(11));
    // 105 at 5 % = 5 exactly; 1.080 at 8 % = 80 exactly
    assert_eq!(vat_of_gross(d(105), VatRate::Five).unwrap(), d(5));
    assert_eq!(vat_of_gross(d(1_080), VatRate::Eight).unwrap(), d(80));
    assert_eq!(vat_of_gross(d(0), VatRate::Ten).unwrap(), d(0));
    assert_eq!(vat_of_gross(d(350_000), VatRate::Zero).unwrap(), d(0));
    assert_eq!(vat_of_gross(d(350_000), VatRate::NotSubject).unwrap(), d(0));
    // refunds are symmetric
    assert_eq!(vat_of_gross(d(-350_000), VatRate::Ten).unwrap(), d(-31_818));
    assert_eq!(
        vat_of_gross(d(i64::MAX), VatRate::Ten).unwrap(),
        Dong::round(Decimal::from(i64::MAX) / dec!(11)).unwrap()
    );
}

#[test]
fn vat_midpoint_rounds_away_from_zero() {
    // A VAT midpoint needs 2·g·r = (2k+1)(100+r): for r = 10 that is
    // 2g = 11(2k+1), for 5 it is 2g = 21(2k+1), for 8 it is 4g = 27(2k+1)
    // — even = odd, impossible for whole đồng. So check both sides of the
    // half instead (the midpoint rule itself is tested on commission and
    // line amounts).
    // 10 % of 16 = 1,4545 → 1; of 17 = 1,5454 → 2
    assert_eq!(vat_of_gross(d(16), VatRate::Ten).unwrap(), d(1));
    assert_eq!(vat_of_gross(d(17), VatRate::Ten).unwrap(), d(2));
    assert_eq!(vat_of_gross(d(-17), VatRate::Ten).unwrap(), d(-2));
}

#[test]
fn vat_buckets_sum_first_then_round_once() {
    // 3 × 33.333 at 8 %: per line VAT would be 3 × round(2 469,11) = 7 407
    // as well, but 99.999 × 8/108 = 7 407,33 → 7 407 once.
    let buckets = vat_buckets([
        (VatRate::Eight, d(33_333)),
        (VatRate::Eight, d(33_333)),
        (VatRate::Eight, d(33_333)),
    ])
    .unwrap();
    assert_eq!(
        buckets,
        vec![VatBucket {
            rate: VatRate::Eight,
            gross: d(99_999),
            vat: d(7_407),
            net: d(92_592),
        }]
    );

    // Where per-line rounding would drift: 3 lines of 16 at 10 %: per line
    // 1 each (3), per bucket 48/11 = 4,36 → 4.
    let buckets = vat_buckets([
        (VatRate::Ten, d(16)),
        (VatRate::Ten, d(16)),
        (VatRate::Ten, d(16)),
    ])
    .unwrap();
    assert_eq!(buckets.len(), 1);
    assert_eq!(buckets[0].vat, d(4));
    assert_eq!(buckets[0].net, d(44));
}

#[test]
fn vat_buckets_are_ordered_and_add_up() {
    let lines = [
        (VatRate::Ten, d(350_000)),
        (VatRate::NotSubject, d(20_000)),
        (VatRate::Five, d(52_500)),
        (VatRate::Ten, d(15_000)),
        (VatRate::Eight, d(108_000)),
    ];
    let buckets = vat_buckets(lines).unwrap();
    let rates: Vec<VatRate> = buckets.iter().map(|b| b.rate).collect();
    assert_eq!(
        rates,
        vec![
            VatRate::NotSubject,
            VatRate::Five,
            VatRate::Eight,
            VatRate::Ten
        ]
    );
    let ten = buckets.iter().find(|b| b.rate == VatRate::Ten).unwrap();
    assert_eq!(ten.gross, d(365_000));
    assert_eq!(ten.vat, d(33_182)); // 33 181,8…
    assert_eq!(ten.net, d(331_818));
    let kct = &buckets[0];
    assert_eq!((kct.gross, kct.vat, kct.net), (d(20_000), d(0), d(20_000)));
    let total_gross = Dong::checked_sum(buckets.iter().map(|b| b.gross)).unwrap();
    let total_lines = Dong::checked_sum(lines.iter().map(|l| l.1)).unwrap();
    assert_eq!(total_gross, total_lines);
    for b in &buckets {
        assert_eq!(b.net.checked_add(b.vat), Some(b.gross));
    }
    assert!(vat_buckets([]).unwrap().is_empty());
}

#[test]
fn vat_buckets_overflow_is_an_error() {
    assert_eq!(
        vat_buckets([(VatRate::Ten, d(i64::MAX)), (VatRate::Ten, d(1))]),
        Err(MoneyError::Overflow)
    );
}

#[test]
fn commission_rounds_once() {
    assert_eq!(commission(d(1_000_000), dec!(15)).unwrap(), d(150_000));
    // 12.5 % of 1.001 = 125,125 → 125
    assert_eq!(commission(d(1_001), dec!(12.5)).unwrap(), d(125));
    // midpoint: 10 % of 15 = 1,5 → 2; of -15 → -2
    assert_eq!(commission(d(15), dec!(10)).unwrap(), d(2));
    assert_eq!(commission(d(-15), dec!(10)).unwrap(), d(-2));
    // 2.5 % of 100 = 2,5 → 3
    assert_eq!(commission(d(100), dec!(2.5)).unwrap(), d(3));
    assert_eq!(commission(d(123_456), dec!(0)).unwrap(), d(0));
    assert_eq!(commission(d(123_456), dec!(100)).unwrap(), d(123_456));
    assert!(matches!(
        commission(d(100), dec!(-1)),
        Err(MoneyError::InvalidCommissionRate { .. })
    ));
    assert!(matches!(
        commission(d(100), dec!(100.01)),
        Err(MoneyError::InvalidCommissionRate { .. })
    ));
}

#[test]
fn errors_have_codes_and_both_languages() {
    let errors = [
        MoneyError::Overflow,
        MoneyError::InvalidAmount { input: "x".into() },
        MoneyError::FractionalAmount {
            input: "1,5".into(),
        },
        MoneyError::InvalidQuantity { input: "x".into() },
        MoneyError::QuantityTooPrecise {
            input: "0,1234".into(),
        },
        MoneyError::NonPositiveQuantity,
        MoneyError::NegativePrice,
        MoneyError::NegativeDiscount,
        MoneyError::DiscountExceedsGross {
            discount: d(2),
            gross: d(1),
        },
        MoneyError::InvalidVatRate { input: "7".into() },
        MoneyError::InvalidCommissionRate { rate: dec!(101) },
    ];
    let mut codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
    for e in &errors {
        let code = e.code();
        assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
        assert!(!e.message(Lang::Vi).is_empty());
    }
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), errors.len());
}

// Issue 15: absurd quantities and prices were accepted and then broke
// reports for good. The bounds are enforced by the one line rule.
#[test]
fn line_amounts_stay_within_the_domain_bounds() {
    assert_eq!(
        line_amount(MAX_UNIT_PRICE, q("10"), d(0)).unwrap(),
        d(10_000_000_000)
    );
    assert_eq!(
        line_amount(d(i64::MAX), q("0.001"), d(0))
            .unwrap_err()
            .code(),
        "price_out_of_range"
    );
    assert_eq!(
        line_amount(d(1), Quantity::from_milli(9_000_000_000_000_000_000), d(0))
            .unwrap_err()
            .code(),
        "quantity_out_of_range"
    );
    assert_eq!(
        line_amount(d(1), q("100000.001"), d(0)).unwrap_err().code(),
        "quantity_out_of_range"
    );
    assert!(line_amount(d(1), MAX_LINE_QTY, d(0)).is_ok());
    // within both bounds, the line still may not exceed the amount bound
    assert_eq!(
        line_amount(MAX_UNIT_PRICE, q("11"), d(0))
            .unwrap_err()
            .code(),
        "amount_out_of_range"
    );
    assert!(amount_in_bounds(MAX_AMOUNT));
    assert!(amount_in_bounds(d(-10_000_000_000)));
    assert!(!amount_in_bounds(d(10_000_000_001)));
    assert!(!amount_in_bounds(d(i64::MIN)));
    assert!(qty_in_bounds(Quantity::from_milli(-100_000_000)));
    assert!(!qty_in_bounds(Quantity::from_milli(i64::MIN)));
    assert_eq!(
        check_listed_price(d(0)).unwrap_err().code(),
        "price_not_positive"
    );
    assert_eq!(check_listed_price(d(1)).unwrap(), d(1));
    assert_eq!(check_unit_price(d(0)).unwrap(), d(0));
    for e in [
        MoneyError::PriceOutOfRange { price: d(i64::MAX) },
        MoneyError::QuantityOutOfRange { qty: MAX_LINE_QTY },
        MoneyError::AmountOutOfBounds { amount: d(1) },
        MoneyError::PriceNotPositive,
    ] {
        assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
    }
}
