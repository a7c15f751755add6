//! Issue 16, bad input: property-based fuzzing of everything in the core
//! that parses outside input — GS1 Digital Link URIs and scanner input,
//! VietQR payloads, and the sale and refund JSON a till sends (the wire
//! types and their validation). Runs on the pinned stable toolchain in
//! `cargo test` (proptest; no nightly needed).
//!
//! Properties: nothing panics; what parses prints back to text that parses
//! to the same value (the round trips); what is refused carries a stable
//! snake_case code. `PROPTEST_CASES=<n>` runs longer (BENCHMARKS.md has the
//! figures of a long run).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use chrono::{TimeZone as _, Utc};
use ocop_core::digital_link::{DigitalLink, Lot, ScanInput, Serial};
use ocop_core::gtin::Gtin;
use ocop_core::i18n::UserError;
use ocop_core::money::{Dong, Quantity, VatRate};
use ocop_core::sale::refund::{RefundHeader, RefundRequest, build_refund, verify_refund};
use ocop_core::sale::{
    CartLine, ChainHash, Payment, Refund, RefundPayment, Restock, Sale, SaleBuilder, SaleHeader,
    verify,
};
use ocop_core::vietqr::{BankBin, VietQr};
use proptest::prelude::*;
use uuid::Uuid;

/// A stable code programs can branch on.
fn is_snake_case(code: &str) -> bool {
    !code.is_empty()
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && !code.ends_with('_')
        && !code.contains("__")
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn assert_coded(e: &impl UserError) {
    let code = e.refusal().code();
    assert!(is_snake_case(code), "refusal code {code:?}");
}

/// Text that looks like a Digital Link often enough to get past the first
/// checks: a scheme, a host, segments drawn from AIs, digits and set-82
/// characters, a query.
fn link_like() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("01".to_owned()),
        Just("10".to_owned()),
        Just("21".to_owned()),
        Just("22".to_owned()),
        "[0-9]{8,14}",
        "[0-9A-Za-z%!\"&'()*+,.:;<=>?_-]{0,24}",
        any::<String>(),
    ];
    (
        prop_oneof![
            Just("https://"),
            Just("http://"),
            Just("HTTPS://"),
            Just("ftp://")
        ],
        "[a-z.]{0,12}",
        proptest::collection::vec(segment, 0..7),
        proptest::option::of("[0-9a-z=&%]{0,16}"),
    )
        .prop_map(|(scheme, host, segs, query)| {
            let mut s = format!("{scheme}{host}/{}", segs.join("/"));
            if let Some(q) = query {
                s.push('?');
                s.push_str(&q);
            }
            s
        })
}

/// A valid GTIN-14 from 13 random digits and its check digit.
fn gtin() -> impl Strategy<Value = Gtin> {
    "[0-9]{13}".prop_map(|body| {
        let sum: u32 = body
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| c.to_digit(10).unwrap() * if i % 2 == 0 { 3 } else { 1 })
            .sum();
        let check = (10 - sum % 10) % 10;
        Gtin::parse(&format!("{body}{check}")).unwrap()
    })
}

/// Any value GS1's set 82 allows in a lot or serial, 1–20 characters,
/// but the double quote, which `Lot` and `Serial` refuse on purpose (see
/// `digital_link.rs`).
const SET_82: &str = "[0-9A-Za-z!%&'()*+,./:;<=>?_-]{1,20}";

pub(crate) fn check_digital_link(text: &str) {
    match DigitalLink::parse(text) {
        Ok(link) => {
            let again = link.to_uri("https://id.example.vn");
            assert_eq!(
                DigitalLink::parse(&again).as_ref(),
                Ok(&link),
                "{text} printed as {again}"
            );
        }
        Err(e) => assert_coded(&e),
    }
    match ScanInput::classify(text) {
        Ok(_) => {}
        Err(e) => assert_coded(&e),
    }
}

proptest! {
    #[test]
    fn digital_link_any_text(text in any::<String>()) {
        check_digital_link(&text);
    }

    #[test]
    fn digital_link_like_text(text in link_like()) {
        check_digital_link(&text);
    }

    #[test]
    fn digital_link_built_round_trips(
        gtin in gtin(),
        lot in proptest::option::of(SET_82),
        serial in proptest::option::of(SET_82),
        expiry in proptest::option::of((2000i32..2099, 1u32..13, 1u32..29)),
    ) {
        let mut link = DigitalLink::new(gtin);
        if let Some(lot) = lot {
            link = link.with_lot(Lot::parse(&lot).unwrap());
        }
        if let Some(serial) = serial {
            link = link.with_serial(Serial::parse(&serial).unwrap());
        }
        if let Some((y, m, d)) = expiry {
            link = link.with_expiry(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
        }
        let uri = link.to_uri("https://ocop.example.vn/");
        prop_assert_eq!(DigitalLink::parse(&uri), Ok(link), "{}", uri);
    }
}

/// The two public test vectors (STACK-NOTES.md), as seeds for mutation.
const VIETQR_VECTORS: [&str; 2] = [
    "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4",
    "00020101021238540010A00000072701240006970436011001234567890208QRIBFTTA530370454061250005802VN62150811PAYABCDEFGH63046729",
];

pub(crate) fn check_vietqr(text: &str) {
    match VietQr::parse(text) {
        Ok(qr) => {
            let again = qr.payload();
            assert_eq!(
                VietQr::parse(&again).as_ref(),
                Ok(&qr),
                "{text} printed as {again}"
            );
        }
        Err(e) => assert_coded(&e),
    }
}

proptest! {
    #[test]
    fn vietqr_any_text(text in any::<String>()) {
        check_vietqr(&text);
    }

    /// A known payload with one to four characters changed, inserted or
    /// removed (the CRC is recomputed half of the time, so the parser's
    /// checks past the CRC are reached too).
    #[test]
    fn vietqr_mutated(
        which in 0usize..2,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, "[0-9A-Z]"), 1..5),
        fix_crc in any::<bool>(),
    ) {
        let mut text: Vec<char> = VIETQR_VECTORS[which].chars().collect();
        for (at, op, ch) in edits {
            let ch = ch.chars().next().unwrap();
            let i = at.index(text.len().max(1));
            match op {
                0 if i < text.len() => text[i] = ch,
                1 => text.insert(i.min(text.len()), ch),
                _ if i < text.len() => { text.remove(i); }
                _ => {}
            }
        }
        let mut text: String = text.into_iter().collect();
        if fix_crc && text.len() > 4 {
            let body = &text[..text.len() - 4];
            let crc = ocop_core::vietqr::crc16_ccitt_false(body.as_bytes());
            text = format!("{body}{crc:04X}");
        }
        check_vietqr(&text);
    }

    #[test]
    fn vietqr_built_round_trips(
        bin in "[0-9]{6}",
        account in "[0-9A-Za-z]{1,19}",
        amount in proptest::option::of(1i64..=9_999_999_999),
        memo in proptest::option::of(any::<String>()),
    ) {
        let Ok(bin) = BankBin::parse(&bin) else { return Ok(()) };
        let qr = VietQr::new(bin, &account, amount.map(Dong::new), memo.as_deref());
        match qr {
            Ok(qr) => prop_assert_eq!(VietQr::parse(&qr.payload()), Ok(qr)),
            Err(e) => assert_coded(&e),
        }
    }
}

/// A cart line with a price, quantity and discount within a till's range.
fn cart_line() -> impl Strategy<Value = CartLine> {
    (
        1i32..50,
        1i64..=20_000,
        0i64..=5_000_000,
        0i64..=100,
        prop_oneof![
            Just(VatRate::NotSubject),
            Just(VatRate::Zero),
            Just(VatRate::Five),
            Just(VatRate::Eight),
            Just(VatRate::Ten)
        ],
        "[\\p{L} ]{1,30}",
    )
        .prop_map(
            |(product_id, qty_milli, price, discount_pct, vat_rate, name)| {
                let line_total = price * qty_milli / 1000;
                CartLine {
                    product_id,
                    lot_code: None,
                    name,
                    unit: "gói".into(),
                    group: "thuc-pham".into(),
                    qty: Quantity::from_milli(qty_milli),
                    unit_price: Dong::new(price),
                    catalogue_price: Some(Dong::new(price)),
                    discount: Dong::new(line_total * discount_pct / 100),
                    discount_reason: (discount_pct > 0).then(|| "khuyến mãi".into()),
                    vat_rate,
                    serials: vec![],
                }
            },
        )
}

fn sale_of(lines: Vec<CartLine>, extra_cash: i64) -> Option<Sale> {
    let mut b = SaleBuilder::new(SaleHeader {
        id: Uuid::from_u128(7),
        till_id: 3,
        receipt_no: 1u32.try_into().ok()?,
        sold_at: Utc.with_ymd_and_hms(2026, 12, 1, 3, 4, 5).single()?,
        cashier_id: 2,
        outlet_id: 1,
        shift_id: Uuid::from_u128(9),
    });
    for l in lines {
        b.add(l).ok()?;
    }
    let total = b.total().ok()?;
    let pay = Payment::cash(total, Dong::new(total.amount() + extra_cash)).ok()?;
    b.finish(vec![pay], ChainHash::GENESIS).ok()
}

/// Replaces the leaf at `pick` (depth-first order) with `with`.
fn replace_leaf(v: &mut serde_json::Value, pick: &mut usize, with: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Object(m) => m.values_mut().any(|x| replace_leaf(x, pick, with)),
        Value::Array(a) => a.iter_mut().any(|x| replace_leaf(x, pick, with)),
        leaf => {
            if *pick == 0 {
                *leaf = with.clone();
                true
            } else {
                *pick -= 1;
                false
            }
        }
    }
}

fn json_leaf() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{Value, json};
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(1),
            Just(i64::MAX),
            Just(i64::MIN)
        ]
        .prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::String),
        "-?[0-9]{1,22}(\\.[0-9]{1,6})?".prop_map(Value::String),
        Just(json!([])),
        Just(json!({})),
    ]
}

/// A sale (or refund) that parsed is checked without panicking; refused
/// with a code; and if accepted, it prints and parses back to itself.
pub(crate) fn check_sale_json(text: &str) {
    if let Ok(sale) = serde_json::from_str::<Sale>(text) {
        if let Err(e) = verify(&sale) {
            assert_coded(&e);
        }
        let again = serde_json::to_string(&sale).unwrap();
        assert_eq!(serde_json::from_str::<Sale>(&again).unwrap(), sale);
    }
}

proptest! {
    #[test]
    fn sale_json_any_text(text in any::<String>()) {
        check_sale_json(&text);
        let _ = serde_json::from_str::<Refund>(&text);
    }

    #[test]
    fn sale_built_round_trips_and_verifies(
        lines in proptest::collection::vec(cart_line(), 1..8),
        extra in 0i64..1_000_000,
    ) {
        let Some(sale) = sale_of(lines, extra) else { return Ok(()) };
        prop_assert_eq!(verify(&sale), Ok(()));
        let text = serde_json::to_string(&sale).unwrap();
        prop_assert_eq!(serde_json::from_str::<Sale>(&text).unwrap(), sale);
    }

    /// A valid sale with one field replaced by anything: parsed or refused,
    /// never a panic; a verified one still round-trips.
    #[test]
    fn sale_json_mutated(
        lines in proptest::collection::vec(cart_line(), 1..5),
        pick in 0usize..200,
        with in json_leaf(),
    ) {
        let Some(sale) = sale_of(lines, 500) else { return Ok(()) };
        let mut v = serde_json::to_value(&sale).unwrap();
        let mut at = pick;
        replace_leaf(&mut v, &mut at, &with);
        check_sale_json(&v.to_string());
    }

    /// A refund built from a valid sale, then one field replaced: parsed or
    /// refused with a code by the server's check, never a panic.
    #[test]
    fn refund_json_mutated(
        lines in proptest::collection::vec(cart_line(), 1..4),
        pick in 0usize..120,
        with in json_leaf(),
    ) {
        let Some(sale) = sale_of(lines, 0) else { return Ok(()) };
        let requests = vec![RefundRequest {
            original_line_no: 1,
            qty: sale.lines[0].qty,
            restock: Restock::Shelf,
        }];
        let Ok(rl) = ocop_core::sale::refund::refund_lines(&sale, &[], &requests) else {
            return Ok(());
        };
        let Ok((total, _)) = ocop_core::sale::refund::refund_totals(&rl) else { return Ok(()) };
        let header = RefundHeader {
            id: Uuid::from_u128(11),
            till_id: 3,
            receipt_no: 2u32.try_into().unwrap(),
            refunded_at: Utc.with_ymd_and_hms(2026, 12, 1, 4, 0, 0).single().unwrap(),
            cashier_id: 2,
            outlet_id: 1,
            shift_id: Uuid::from_u128(9),
            reason: "Khách đổi ý".into(),
        };
        let Ok(refund) = build_refund(header, &sale, &[], &requests, vec![RefundPayment::cash(total)], sale.hash) else {
            return Ok(());
        };
        prop_assert_eq!(verify_refund(&refund, &sale, &[]), Ok(()));
        let mut v = serde_json::to_value(&refund).unwrap();
        let mut at = pick;
        replace_leaf(&mut v, &mut at, &with);
        if let Ok(r) = serde_json::from_value::<Refund>(v) {
            if let Err(e) = verify_refund(&r, &sale, &[]) {
                assert_coded(&e);
            }
            let again = serde_json::to_string(&r).unwrap();
            prop_assert_eq!(serde_json::from_str::<Refund>(&again).unwrap(), r);
        }
    }
}

#[test]
fn snake_case_is_what_the_check_says() {
    assert!(is_snake_case("invalid_gtin"));
    assert!(is_snake_case("crc16"));
    for bad in ["", "Invalid", "a__b", "b_", "_a", "a-b", "a b"] {
        assert!(!is_snake_case(bad), "{bad}");
    }
}
