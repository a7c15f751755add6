//! Tests of the canonical encoding and the chain checks.

use super::*;
use crate::money::VatRate;
use crate::sale::model::{Payment, ReceiptRef, RefundLine, RefundPayment, Restock, SaleLine};
use crate::sale::totals::tests::Mutation;
use chrono::TimeZone;

fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn rn(n: u32) -> ReceiptNo {
    ReceiptNo::new(n).unwrap()
}

/// The fixed sale of the golden vector: two lines (10 % and KCT), one
/// with a discount, one by weight with a lot; cash with change.
fn golden_sale() -> Sale {
    Sale {
        id: Uuid::parse_str("0190f5a2-7c4e-7a10-8b6d-3f2a1c0e9d01").unwrap(),
        till_id: 3,
        receipt_no: rn(1),
        sold_at: Utc.with_ymd_and_hms(2026, 11, 28, 3, 15, 30).unwrap()
            + chrono::TimeDelta::milliseconds(250),
        cashier_id: 7,
        outlet_id: 2,
        shift_id: Uuid::parse_str("0190f5a2-0000-7000-8000-000000000001").unwrap(),
        lines: vec![
            SaleLine {
                line_no: 1,
                product_id: 11,
                lot_code: None,
                name: "Rượu ngô Bắc Hà".into(),
                unit: "chai".into(),
                group: "do_uong".into(),
                qty: Quantity::from_milli(2000),
                unit_price: Dong::new(175_000),
                catalogue_price: Some(Dong::new(175_000)),
                discount: Dong::new(10_000),
                discount_reason: Some("Khách quen".into()),
                vat_rate: VatRate::Ten,
                amount: Dong::new(340_000),
                serials: vec![],
            },
            SaleLine {
                line_no: 2,
                product_id: 12,
                lot_code: Some("L2026-11".into()),
                name: "Chè Shan tuyết".into(),
                unit: "kg".into(),
                group: "thuc_pham".into(),
                qty: Quantity::from_milli(1500),
                unit_price: Dong::new(400_000),
                catalogue_price: None,
                discount: Dong::ZERO,
                discount_reason: None,
                vat_rate: VatRate::NotSubject,
                amount: Dong::new(600_000),
                serials: vec![],
            },
        ],
        payments: vec![Payment {
            method: PaymentMethod::Cash {
                tendered: Dong::new(1_000_000),
                change: Dong::new(60_000),
            },
            amount: Dong::new(940_000),
        }],
        total: Dong::new(940_000),
        vat: vec![
            VatBucket {
                rate: VatRate::NotSubject,
                gross: Dong::new(600_000),
                vat: Dong::ZERO,
                net: Dong::new(600_000),
            },
            VatBucket {
                rate: VatRate::Ten,
                gross: Dong::new(340_000),
                vat: Dong::new(30_909),
                net: Dong::new(309_091),
            },
        ],
        prev_hash: GENESIS_HASH,
        hash: GENESIS_HASH,
    }
}

/// Computed from the documented encoding by an independent
/// implementation (`journal_reference.py`, Python standard library
/// only), not by this code.
const GOLDEN_HASH: &str = "07779d36246ab7d84a7b7aafffc99cc7e4f547bb1af3ea78ea6d94867f1a8c59";

#[test]
fn golden_vector() {
    let mut sale = golden_sale();
    seal(&mut sale, GENESIS_HASH);
    assert_eq!(sale.prev_hash, GENESIS_HASH);
    assert_eq!(sale.hash.to_hex(), GOLDEN_HASH);
    assert!(sale.hash_is_valid());
}

/// Label serials scanned at checkout are provenance, outside the hash: a
/// sale with them seals to the golden hash, and a sale sealed without them
/// (every sale before they existed) still verifies with them read back.
#[test]
fn label_serials_do_not_change_the_hash() {
    let mut sale = golden_sale();
    if let Some(line) = sale.lines.first_mut() {
        line.serials = vec![crate::digital_link::Serial::parse("7K3M9PQRSTVWX").unwrap()];
    }
    seal(&mut sale, GENESIS_HASH);
    assert_eq!(sale.hash.to_hex(), GOLDEN_HASH);
    let mut old = golden_sale();
    seal(&mut old, GENESIS_HASH);
    old.lines[0].serials = sale.lines[0].serials.clone();
    assert!(old.hash_is_valid());
    // and the JSON of a line without serials has no such field
    let json = serde_json::to_value(&golden_sale().lines[1]).unwrap();
    assert!(json.get("serials").is_none());
}

/// Runs the Python reference implementation and compares: the
/// documentation, the reference and this code agree. Without python3 the
/// test fails (`.ci/test` installs it): a check that did not run never
/// passes.
#[test]
fn golden_vector_matches_the_python_reference() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sale/journal_reference.py");
    let output = std::process::Command::new("python3")
        .arg(script)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "python3 not found ({e}): the cross-check against the Python reference \
                 cannot run; run .ci/test, which installs python3"
            )
        });
    assert!(output.status.success(), "{output:?}");
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(printed.trim(), GOLDEN_HASH);
}

#[test]
fn canonical_encoding_starts_as_documented() {
    let bytes = canonical_sale(&golden_sale());
    // str("ocop-pos/sale/v1"): 8-byte length 16, then the text
    let mut expected = 16i64.to_be_bytes().to_vec();
    expected.extend_from_slice(b"ocop-pos/sale/v1");
    // uuid(id)
    expected.extend_from_slice(golden_sale().id.as_bytes());
    // int(till_id) int(receipt_no)
    expected.extend_from_slice(&3i64.to_be_bytes());
    expected.extend_from_slice(&1i64.to_be_bytes());
    // time(sold_at)
    let t = "2026-11-28T03:15:30.250Z";
    expected.extend_from_slice(&i64::try_from(t.len()).unwrap().to_be_bytes());
    expected.extend_from_slice(t.as_bytes());
    assert_eq!(&bytes[..expected.len()], &expected[..]);
    // ends with list(vat), whose last bucket is 10 %: str("10") …
    let mut tail = 2i64.to_be_bytes().to_vec();
    tail.extend_from_slice(b"10");
    tail.extend_from_slice(&340_000i64.to_be_bytes());
    tail.extend_from_slice(&30_909i64.to_be_bytes());
    tail.extend_from_slice(&309_091i64.to_be_bytes());
    assert!(bytes.ends_with(&tail));
}

#[test]
fn every_fiscal_field_changes_the_hash() {
    let base = golden_sale();
    let h = |s: &Sale| compute_hash(s, &GENESIS_HASH);
    let h0 = h(&base);
    let mutations: Vec<Mutation<Sale>> = vec![
        Box::new(|s| s.id = uuid(1)),
        Box::new(|s| s.till_id = 4),
        Box::new(|s| s.receipt_no = rn(2)),
        Box::new(|s| s.sold_at += chrono::TimeDelta::milliseconds(1)),
        Box::new(|s| s.cashier_id = 8),
        Box::new(|s| s.outlet_id = 3),
        Box::new(|s| s.shift_id = uuid(2)),
        Box::new(|s| s.lines[0].line_no = 9),
        Box::new(|s| s.lines[0].product_id = 99),
        Box::new(|s| s.lines[0].lot_code = Some(String::new())),
        Box::new(|s| s.lines[0].name.push(' ')),
        Box::new(|s| s.lines[0].unit = "chai ".into()),
        Box::new(|s| s.lines[0].group = "thuc_pham".into()),
        Box::new(|s| s.lines[0].qty = Quantity::from_milli(2001)),
        Box::new(|s| s.lines[0].unit_price = Dong::new(175_001)),
        Box::new(|s| s.lines[0].catalogue_price = None),
        Box::new(|s| s.lines[0].discount = Dong::new(10_001)),
        Box::new(|s| s.lines[0].discount_reason = None),
        Box::new(|s| s.lines[0].vat_rate = VatRate::Eight),
        Box::new(|s| s.lines[0].amount = Dong::new(340_001)),
        Box::new(|s| s.lines.swap(0, 1)),
        Box::new(|s| {
            s.lines.pop();
        }),
        Box::new(|s| s.payments[0].amount = Dong::new(1)),
        Box::new(|s| {
            s.payments[0].method = PaymentMethod::Cash {
                tendered: Dong::new(940_000),
                change: Dong::new(60_000),
            }
        }),
        Box::new(|s| {
            s.payments[0].method = PaymentMethod::Card {
                terminal_ref: String::new(),
            }
        }),
        Box::new(|s| s.payments.clear()),
        Box::new(|s| s.total = Dong::new(940_001)),
        Box::new(|s| s.vat[1].vat = Dong::new(30_910)),
        Box::new(|s| s.vat.swap(0, 1)),
    ];
    let mut seen = BTreeSet::from([h0]);
    for (i, mutate) in mutations.iter().enumerate() {
        let mut s = base.clone();
        mutate(&mut s);
        assert!(seen.insert(h(&s)), "mutation {i} did not change the hash");
    }
    // prev_hash and hash themselves are not part of the content
    let mut s = base.clone();
    s.hash = ChainHash::from_bytes([7; 32]);
    s.prev_hash = ChainHash::from_bytes([8; 32]);
    assert_eq!(h(&s), h0);
    // but the previous hash is the prefix
    assert_ne!(compute_hash(&base, &ChainHash::from_bytes([1; 32])), h0);
}

#[test]
fn length_prefixes_keep_fields_apart() {
    // "ab" + "c" and "a" + "bc" must not encode alike
    let mut a = golden_sale();
    a.lines[0].name = "ab".into();
    a.lines[0].unit = "c".into();
    let mut b = golden_sale();
    b.lines[0].name = "a".into();
    b.lines[0].unit = "bc".into();
    assert_ne!(canonical_sale(&a), canonical_sale(&b));
    // None and Some("") differ
    let mut c = golden_sale();
    c.lines[1].lot_code = Some(String::new());
    assert_ne!(canonical_sale(&c), canonical_sale(&golden_sale()));
}

fn refund_of(sale: &Sale, till_id: i32, receipt_no: u32) -> Refund {
    Refund {
        id: uuid(u128::from(receipt_no) + 1000),
        till_id,
        receipt_no: rn(receipt_no),
        refunded_at: sale.sold_at + chrono::TimeDelta::minutes(5),
        cashier_id: 7,
        outlet_id: 2,
        shift_id: sale.shift_id,
        original_sale_id: sale.id,
        original_receipt: ReceiptRef {
            till_id: sale.till_id,
            receipt_no: sale.receipt_no,
        },
        reason: "Vỡ nắp".into(),
        lines: vec![RefundLine {
            original_line_no: 1,
            product_id: 11,
            lot_code: None,
            name: "Rượu ngô Bắc Hà".into(),
            unit: "chai".into(),
            group: "do_uong".into(),
            vat_rate: VatRate::Ten,
            qty: Quantity::from_milli(1000),
            amount: Dong::new(170_000),
            restock: Restock::DamagedWriteOff,
        }],
        payments: vec![RefundPayment {
            method: RefundMethod::Cash {},
            amount: Dong::new(170_000),
        }],
        total: Dong::new(170_000),
        vat: vec![VatBucket {
            rate: VatRate::Ten,
            gross: Dong::new(170_000),
            vat: Dong::new(15_455),
            net: Dong::new(154_545),
        }],
        prev_hash: GENESIS_HASH,
        hash: GENESIS_HASH,
    }
}

/// A sealed chain of `n` records on till 3: sales, with a refund at
/// number 3.
fn chain(n: u32) -> Vec<JournalEntry> {
    let mut out = Vec::new();
    let mut prev = GENESIS_HASH;
    let first = golden_sale();
    for i in 1..=n {
        let mut entry = if i == 3 {
            JournalEntry::Refund(refund_of(&first, 3, i))
        } else {
            let mut s = golden_sale();
            s.id = uuid(u128::from(i));
            s.receipt_no = rn(i);
            s.sold_at += chrono::TimeDelta::minutes(i64::from(i));
            JournalEntry::Sale(s)
        };
        seal(&mut entry, prev);
        prev = *entry.hash();
        out.push(entry);
    }
    out
}

#[test]
fn refund_encoding_differs_from_sale_and_covers_its_fields() {
    let sale = golden_sale();
    let r = refund_of(&sale, 3, 2);
    let h0 = compute_hash(&r, &GENESIS_HASH);
    let mutations: Vec<Mutation<Refund>> = vec![
        Box::new(|r| r.original_sale_id = uuid(5)),
        Box::new(|r| r.original_receipt.receipt_no = rn(9)),
        Box::new(|r| r.original_receipt.till_id = 9),
        Box::new(|r| r.reason.clear()),
        Box::new(|r| r.lines[0].restock = Restock::Shelf),
        Box::new(|r| r.lines[0].original_line_no = 2),
        Box::new(|r| r.lines[0].qty = Quantity::from_milli(999)),
        Box::new(|r| r.lines[0].amount = Dong::new(1)),
        Box::new(|r| r.payments[0].method = RefundMethod::BankTransfer { reference: None }),
        Box::new(|r| r.total = Dong::new(1)),
        Box::new(|r| r.refunded_at += chrono::TimeDelta::milliseconds(1)),
    ];
    for (i, mutate) in mutations.iter().enumerate() {
        let mut m = r.clone();
        mutate(&mut m);
        assert_ne!(compute_hash(&m, &GENESIS_HASH), h0, "mutation {i}");
    }
    assert!(canonical_refund(&r).starts_with(&18i64.to_be_bytes()));
    assert_ne!(canonical_refund(&r), canonical_sale(&sale));
}

#[test]
fn a_clean_chain_has_no_problems() {
    let c = chain(6);
    assert_eq!(verify_chain(&c), vec![]);
    assert_eq!(c[0].prev_hash(), &GENESIS_HASH);
    for pair in c.windows(2) {
        assert_eq!(pair[1].prev_hash(), pair[0].hash());
    }
    assert!(verify_chain::<JournalEntry>(&[]).is_empty());
}

#[test]
fn an_edited_amount_is_an_altered_record() {
    let mut c = chain(5);
    if let JournalEntry::Sale(s) = &mut c[1] {
        s.total = Dong::new(1);
    }
    assert_eq!(
        verify_chain(&c),
        vec![ChainProblem::AlteredRecord { receipt_no: rn(2) }]
    );
    // an edited refund too
    let mut c = chain(5);
    if let JournalEntry::Refund(r) = &mut c[2] {
        r.lines[0].amount = Dong::new(1);
    }
    assert_eq!(
        verify_chain(&c),
        vec![ChainProblem::AlteredRecord { receipt_no: rn(3) }]
    );
}

#[test]
fn a_resealed_edit_breaks_the_next_link() {
    // Whoever edits and reseals one record still breaks the link of the
    // record after it.
    let mut c = chain(5);
    let prev = *c[1].prev_hash();
    if let JournalEntry::Sale(s) = &mut c[1] {
        s.total = Dong::new(1);
    }
    seal(&mut c[1], prev);
    assert_eq!(
        verify_chain(&c),
        vec![ChainProblem::BrokenLink { receipt_no: rn(3) }]
    );
}

#[test]
fn a_deleted_record_is_a_gap() {
    let mut c = chain(6);
    c.remove(3);
    assert_eq!(
        verify_chain(&c),
        vec![ChainProblem::Gap {
            expected: rn(4),
            found: rn(5)
        }]
    );
    // deleting the first: the chain must start at 1
    let mut c = chain(3);
    c.remove(0);
    assert_eq!(
        verify_chain(&c),
        vec![ChainProblem::Gap {
            expected: rn(1),
            found: rn(2)
        }]
    );
}

#[test]
fn reordered_records_are_reported() {
    // given in stored order with two swapped
    let mut c = chain(6);
    c.swap(2, 3);
    assert_eq!(
        verify_chain(&c),
        vec![
            ChainProblem::Gap {
                expected: rn(3),
                found: rn(4)
            },
            ChainProblem::OutOfOrder {
                receipt_no: rn(3),
                expected: rn(5)
            },
        ]
    );
    // renumbered so that receipt order hides the swap: hashes and links
    // give it away
    let mut c = chain(6);
    c.swap(2, 3);
    if let JournalEntry::Sale(s) = &mut c[2] {
        s.receipt_no = rn(3);
    }
    if let JournalEntry::Refund(r) = &mut c[3] {
        r.receipt_no = rn(4);
    }
    assert_eq!(
        verify_chain(&c),
        vec![
            ChainProblem::AlteredRecord { receipt_no: rn(3) },
            ChainProblem::BrokenLink { receipt_no: rn(3) },
            ChainProblem::AlteredRecord { receipt_no: rn(4) },
            ChainProblem::BrokenLink { receipt_no: rn(4) },
            ChainProblem::BrokenLink { receipt_no: rn(5) },
        ]
    );
}

#[test]
fn a_wrong_prev_hash_is_a_broken_link() {
    let mut c = chain(4);
    let rest = c[2].canonical();
    // relinked to the wrong record and resealed: its own hash is
    // consistent, its link is not
    let wrong = *c[0].hash();
    seal(&mut c[2], wrong);
    assert_eq!(c[2].canonical(), rest);
    let problems = verify_chain(&c);
    assert_eq!(
        problems,
        vec![
            ChainProblem::BrokenLink { receipt_no: rn(3) },
            ChainProblem::BrokenLink { receipt_no: rn(4) },
        ]
    );
    // a first receipt that does not start from the genesis hash
    let mut c = chain(2);
    seal(&mut c[0], ChainHash::from_bytes([1; 32]));
    assert_eq!(
        verify_chain(&c),
        vec![
            ChainProblem::BrokenLink { receipt_no: rn(1) },
            ChainProblem::BrokenLink { receipt_no: rn(2) },
        ]
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let mut c = chain(8);
    if let JournalEntry::Sale(s) = &mut c[0] {
        s.cashier_id = 99;
    }
    c.remove(4); // receipt 5
    let dup = c[5].clone(); // receipt 7
    c.insert(6, dup);
    let problems = verify_chain(&c);
    assert_eq!(
        problems,
        vec![
            ChainProblem::AlteredRecord { receipt_no: rn(1) },
            ChainProblem::Gap {
                expected: rn(5),
                found: rn(6)
            },
            ChainProblem::Duplicate { receipt_no: rn(7) },
        ]
    );
    for p in &problems {
        assert!(!p.describe(Lang::Vi).is_empty());
        assert_ne!(p.describe(Lang::Vi), p.describe(Lang::En));
    }
}

#[test]
fn a_different_duplicate_can_be_the_one_linked_to() {
    // two different records numbered 2; record 3 links to the second
    let mut c = chain(2);
    let mut other = golden_sale();
    other.id = uuid(77);
    other.receipt_no = rn(2);
    let mut other = JournalEntry::Sale(other);
    seal(&mut other, *c[0].hash());
    let mut third = golden_sale();
    third.id = uuid(78);
    third.receipt_no = rn(3);
    let mut third = JournalEntry::Sale(third);
    seal(&mut third, *other.hash());
    c.push(other);
    c.push(third);
    assert_eq!(
        verify_chain(&c),
        vec![ChainProblem::Duplicate { receipt_no: rn(2) }]
    );
}

#[test]
fn a_record_of_another_till_is_flagged() {
    let mut c = chain(3);
    if let JournalEntry::Sale(s) = &mut c[1] {
        s.till_id = 4;
    }
    let prev = *c[0].hash();
    seal(&mut c[1], prev);
    let problems = verify_chain(&c);
    assert!(problems.contains(&ChainProblem::WrongTill {
        receipt_no: rn(2),
        till_id: 4
    }));
}

#[test]
fn verify_from_a_checkpoint() {
    let c = chain(6);
    let head = ChainHead {
        till_id: 3,
        next_receipt_no: rn(4),
        last_hash: *c[2].hash(),
    };
    assert_eq!(verify_chain_from(head, &c[3..]), vec![]);
    let wrong = ChainHead {
        last_hash: *c[1].hash(),
        ..head
    };
    assert_eq!(
        verify_chain_from(wrong, &c[3..]),
        vec![ChainProblem::BrokenLink { receipt_no: rn(4) }]
    );
}

#[test]
fn the_head_checks_each_arrival() {
    let c = chain(5);
    let mut head = ChainHead::genesis(3);
    for record in &c[..2] {
        assert_eq!(head.check_next(record), vec![]);
        head = head.advance(record);
    }
    assert_eq!(head.next_receipt_no, rn(3));
    // a number below the head, and it does not move the head
    assert_eq!(
        head.check_next(&c[1]),
        vec![ChainProblem::OutOfOrder {
            receipt_no: rn(2),
            expected: rn(3)
        }]
    );
    assert_eq!(head.advance(&c[1]), head);
    // receipt 4 before 3: a gap is flagged, and the head moves on
    assert_eq!(
        head.check_next(&c[3]),
        vec![ChainProblem::Gap {
            expected: rn(3),
            found: rn(4)
        }]
    );
    let after = head.advance(&c[3]);
    assert_eq!(after.next_receipt_no, rn(5));
    assert_eq!(after.check_next(&c[4]), vec![]);
    // an altered arrival
    let mut bad = c[2].clone();
    if let JournalEntry::Refund(r) = &mut bad {
        r.total = Dong::new(5);
    }
    assert_eq!(
        head.check_next(&bad),
        vec![ChainProblem::AlteredRecord { receipt_no: rn(3) }]
    );
    // another till's record
    assert!(
        ChainHead::genesis(9)
            .check_next(&c[0])
            .contains(&ChainProblem::WrongTill {
                receipt_no: rn(1),
                till_id: 3
            })
    );
}

#[test]
fn journal_entries_serialise_tagged() {
    let c = chain(3);
    let json = serde_json::to_value(&c[2]).unwrap();
    assert_eq!(json["kind"], "refund");
    assert_eq!(json["record"]["receipt_no"], 3);
    let back: JournalEntry = serde_json::from_value(json).unwrap();
    assert_eq!(back, c[2]);
    assert!(back.hash_is_valid());
    let p = ChainProblem::Gap {
        expected: rn(2),
        found: rn(5),
    };
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"kind":"gap","expected":2,"found":5}"#
    );
    assert_eq!(p.code(), "gap");
    assert_eq!(p.describe(Lang::En), "Receipts 2 to 4 are missing.");
}

#[test]
fn canonical_time_has_fixed_precision() {
    let t = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    assert_eq!(canonical_time(&t), "2026-01-02T03:04:05.000Z");
    let t = t + chrono::TimeDelta::microseconds(120_999);
    assert_eq!(canonical_time(&t), "2026-01-02T03:04:05.120Z");
}

// Issue 15: receipt_no 4294967295 left the till's chain at the maximum, so
// every later receipt of that till was flagged out of order.
#[test]
fn a_number_jump_is_kept_aside_and_the_chain_goes_on() {
    let c = chain(4);
    let mut head = ChainHead::genesis(3);
    for record in &c[..2] {
        head = head.advance(record);
    }
    let mut far = c[2].clone();
    if let JournalEntry::Refund(r) = &mut far {
        r.receipt_no = ReceiptNo::new(u32::MAX).unwrap();
    }
    seal(&mut far, *c[1].hash());
    assert_eq!(
        head.check_next(&far),
        vec![ChainProblem::NumberJump {
            receipt_no: ReceiptNo::new(u32::MAX).unwrap(),
            expected: rn(3),
        }]
    );
    assert_eq!(head.advance(&far), head);
    // the till's real receipt 3 still follows on cleanly
    assert_eq!(head.check_next(&c[2]), vec![]);
    // a skip within MAX_RECEIPT_JUMP is an ordinary gap
    let mut near = c[2].clone();
    if let JournalEntry::Refund(r) = &mut near {
        r.receipt_no = rn(3 + MAX_RECEIPT_JUMP);
    }
    seal(&mut near, *c[1].hash());
    assert!(matches!(
        head.check_next(&near).as_slice(),
        [ChainProblem::Gap { .. }]
    ));
    // the stored chain walk says the same
    let stored = vec![c[0].clone(), c[1].clone(), far, c[2].clone(), c[3].clone()];
    assert_eq!(
        verify_chain(&stored),
        vec![ChainProblem::NumberJump {
            receipt_no: ReceiptNo::new(u32::MAX).unwrap(),
            expected: rn(3),
        }]
    );
}

// Issue 15: a sale naming a shift that does not exist, or sold in 1970 or
// 9999, was stored without a flag and escaped every report.
#[test]
fn records_that_would_escape_reconciliation_are_flagged() {
    let now = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap();
    let shift = uuid(77);
    assert_eq!(
        reconciliation_problems(rn(1), now, shift, true, now),
        vec![]
    );
    let epoch = chrono::Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap();
    let far = chrono::Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).unwrap();
    for at in [epoch, far, now + chrono::TimeDelta::hours(25)] {
        assert_eq!(
            reconciliation_problems(rn(1), at, shift, true, now),
            vec![ChainProblem::ImplausibleTime {
                receipt_no: rn(1),
                at
            }]
        );
    }
    // a till clock a little fast is not flagged
    let fast = now + chrono::TimeDelta::hours(23);
    assert_eq!(
        reconciliation_problems(rn(1), fast, shift, true, now),
        vec![]
    );
    let unknown = reconciliation_problems(rn(2), now, shift, false, now);
    assert_eq!(
        unknown,
        vec![ChainProblem::UnknownShift {
            receipt_no: rn(2),
            shift_id: shift
        }]
    );
    for p in [
        &unknown[0],
        &ChainProblem::ImplausibleTime {
            receipt_no: rn(1),
            at: epoch,
        },
        &ChainProblem::NumberJump {
            receipt_no: rn(99_999),
            expected: rn(2),
        },
    ] {
        assert_ne!(p.describe(Lang::Vi), p.describe(Lang::En));
        let json = serde_json::to_value(p).unwrap();
        assert_eq!(json["kind"], p.code());
        assert_eq!(serde_json::from_value::<ChainProblem>(json).unwrap(), *p);
    }
}
