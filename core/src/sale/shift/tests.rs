//! Tests of the cash count, X/Z figures, closing and grand total.

use super::*;
use crate::sale::change::tests::{cash, sale_775};
use crate::sale::journal::GENESIS_HASH;
use crate::sale::model::Payment;
use crate::sale::model::{RefundPayment, Restock};
use crate::sale::refund::{RefundHeader, RefundRequest, build_refund, refund_lines, refund_totals};
use crate::sale::totals::tests::{d, discounted, item, sale_of};
use Denomination::*;
use chrono::TimeZone;

const SHIFT: u128 = 0xABC;

fn opening(float: i64) -> ShiftOpening {
    ShiftOpening {
        id: Uuid::from_u128(SHIFT),
        till_id: 3,
        outlet_id: 2,
        cashier_id: 7,
        opened_at: Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0).unwrap(),
        opening_float: d(float),
    }
}

fn movement(n: u128, direction: CashDirection, amount: i64) -> CashMovement {
    CashMovement {
        id: Uuid::from_u128(n),
        shift_id: Uuid::from_u128(SHIFT),
        at: Utc.with_ymd_and_hms(2026, 11, 28, 4, 0, 0).unwrap(),
        direction,
        amount: d(amount),
        reason: "Nộp tiền lẻ".into(),
    }
}

#[test]
fn cash_count_by_note() {
    let count = CashCount::new()
        .with(D500000, 2)
        .with(D200000, 1)
        .with(D10000, 7)
        .with(D1000, 3)
        .with(D500, 1);
    assert_eq!(count.total().unwrap(), d(1_273_500));
    assert_eq!(count.count(D50000), 0);
    assert_eq!(count.lines()[0], (D500000, 2, d(1_000_000)));
    assert_eq!(CashCount::new().total().unwrap(), d(0));
    let json = serde_json::to_string(&count).unwrap();
    assert_eq!(
        json,
        r#"{"500000":2,"200000":1,"10000":7,"1000":3,"500":1}"#
    );
    assert_eq!(serde_json::from_str::<CashCount>(&json).unwrap(), count);
    assert!(serde_json::from_str::<CashCount>(r#"{"300000":1}"#).is_err());
    assert!(serde_json::from_str::<CashCount>(r#"{"500000":-1}"#).is_err());
    // every note, the most of each
    let mut all = CashCount::new();
    for note in Denomination::ALL {
        all.set(note, u32::MAX);
    }
    assert_eq!(all.total().unwrap(), d(888_800 * i64::from(u32::MAX)));
    // setting zero removes
    all.set(D100, 0);
    assert_eq!(all.count(D100), 0);
    for note in Denomination::ALL {
        assert_eq!(Denomination::from_value(note.value()), Some(note));
    }
    assert_eq!(Denomination::from_value(d(300_000)), None);
}

/// A shift: 3 sales (cash with change, split card + transfer, cash on
/// two rates with a discount), one refund paid in cash, cash in and out.
fn shift_records() -> (Vec<Sale>, Vec<Refund>, Vec<CashMovement>) {
    let mut s1 = sale_of(1, vec![item(350_000, "1", VatRate::Ten)], |t| {
        vec![Payment::cash(t, d(500_000)).unwrap()]
    });
    s1.lines[0].group = "do_uong".into();
    let s1 = resealed(s1);
    let s2 = sale_of(
        2,
        vec![
            item(120_000, "2", VatRate::Five),
            item(60_000, "1", VatRate::Ten),
        ],
        |_| {
            vec![
                Payment::card(d(200_000), "APPR 1"),
                Payment::bank_transfer(d(100_000), TransferStatus::Pending, None),
            ]
        },
    );
    let mut cheaper = item(95_000, "1", VatRate::Ten);
    cheaper.catalogue_price = Some(d(100_000));
    let s3 = sale_of(
        4,
        vec![
            discounted(item(50_000, "2", VatRate::Eight), 10_000),
            cheaper,
            item(20_000, "1", VatRate::NotSubject),
        ],
        |t| {
            vec![
                Payment::bank_transfer(d(15_000), TransferStatus::ConfirmedByCashier, None),
                Payment::cash(t.checked_sub(d(15_000)).unwrap(), d(200_000)).unwrap(),
            ]
        },
    );
    let req = [RefundRequest {
        original_line_no: 1,
        qty: crate::money::Quantity::ONE,
        restock: Restock::Shelf,
    }];
    let lines = refund_lines(&s2, &[], &req).unwrap();
    let (total, _) = refund_totals(&lines).unwrap();
    let r = build_refund(
        RefundHeader {
            id: Uuid::from_u128(0x9000),
            till_id: 3,
            receipt_no: ReceiptNo::new(3).unwrap(),
            refunded_at: Utc.with_ymd_and_hms(2026, 11, 28, 5, 0, 0).unwrap(),
            cashier_id: 7,
            outlet_id: 2,
            shift_id: Uuid::from_u128(SHIFT),
            reason: "Hỏng".into(),
        },
        &s2,
        &[],
        &req,
        vec![RefundPayment::cash(total)],
        GENESIS_HASH,
    )
    .unwrap();
    let movements = vec![
        movement(1, CashDirection::In, 200_000),
        movement(2, CashDirection::Out, 1_000_000),
    ];
    (vec![s1, s2, s3], vec![r], movements)
}

fn resealed(mut s: Sale) -> Sale {
    crate::sale::journal::seal(&mut s, GENESIS_HASH);
    s
}

#[test]
fn z_report_totals_equal_the_sum_of_the_sales() {
    let (sales, refunds, movements) = shift_records();
    let float = opening(1_000_000);
    let z = summarise(ShiftInput {
        shift: &float,
        movements: &movements,
        sales: &sales,
        refunds: &refunds,
        confirmations: &[],
    })
    .unwrap();
    // sale totals: 350 000; 300 000; 90 000 + 95 000 + 20 000 = 205 000
    let totals: Vec<Dong> = sales.iter().map(|s| s.total).collect();
    assert_eq!(totals, vec![d(350_000), d(300_000), d(205_000)]);
    assert_eq!(z.gross_sales, d(855_000));
    assert_eq!(z.gross_sales, Dong::checked_sum(totals).unwrap());
    assert_eq!(z.refunds, d(120_000));
    assert_eq!(z.net_sales, d(735_000));
    assert_eq!((z.sales_count, z.refunds_count), (3, 1));
    assert_eq!(z.first_receipt, ReceiptNo::new(1));
    assert_eq!(z.last_receipt, ReceiptNo::new(4));
    assert_eq!(z.missing_receipts, 0);
    assert_eq!(z.discounts, d(10_000));
    assert_eq!(z.price_overrides, 1);
    assert_eq!(z.last_hash, Some(sales[2].hash));

    // by method: the methods add up to the sales and to the refunds
    let cash = z.method(PaymentKind::Cash);
    assert_eq!(
        (cash.sales, cash.refunds, cash.net),
        (d(540_000), d(120_000), d(420_000))
    );
    assert_eq!(z.method(PaymentKind::Card).sales, d(200_000));
    assert_eq!(z.method(PaymentKind::BankTransfer).sales, d(115_000));
    let by_method_sales = Dong::checked_sum(z.by_method.iter().map(|m| m.sales)).unwrap();
    assert_eq!(by_method_sales, z.gross_sales);
    let by_method_net = Dong::checked_sum(z.by_method.iter().map(|m| m.net)).unwrap();
    assert_eq!(by_method_net, z.net_sales);
    // transfers apart by state: the pending 100 000 is not money received
    assert_eq!(
        z.transfers,
        TransferFigures {
            confirmed_by_bank: d(0),
            confirmed_by_cashier: d(15_000),
            pending: d(100_000),
        }
    );

    // by VAT: the sum of the receipts' own buckets, rate by rate
    let rates: Vec<VatRate> = z.by_vat.iter().map(|v| v.rate).collect();
    assert_eq!(
        rates,
        vec![
            VatRate::NotSubject,
            VatRate::Five,
            VatRate::Eight,
            VatRate::Ten
        ]
    );
    for v in &z.by_vat {
        let receipts_vat = Dong::checked_sum(
            sales
                .iter()
                .flat_map(|s| &s.vat)
                .filter(|b| b.rate == v.rate)
                .map(|b| b.vat),
        )
        .unwrap();
        assert_eq!(v.sales.vat, receipts_vat, "{:?}", v.rate);
    }
    let five = z.by_vat.iter().find(|v| v.rate == VatRate::Five).unwrap();
    assert_eq!(five.sales.gross, d(240_000));
    assert_eq!(five.refunds.gross, d(120_000));
    assert_eq!(five.net.gross, d(120_000));
    assert_eq!(
        five.net.vat,
        five.sales.vat.checked_sub(five.refunds.vat).unwrap()
    );
    let vat_gross = Dong::checked_sum(z.by_vat.iter().map(|v| v.sales.gross)).unwrap();
    assert_eq!(vat_gross, z.gross_sales);
    let net_buckets = z.net_vat_buckets();
    assert_eq!(
        Dong::checked_sum(net_buckets.iter().map(|b| b.gross)).unwrap(),
        z.net_sales
    );

    // by group
    let groups: Vec<(&str, Dong, Dong)> = z
        .by_group
        .iter()
        .map(|g| (g.group.as_str(), g.sales, g.refunds))
        .collect();
    assert_eq!(
        groups,
        vec![
            ("do_uong", d(350_000), d(0)),
            ("thuc_pham", d(505_000), d(120_000))
        ]
    );

    // cash: 1 000 000 + 540 000 − 120 000 + 200 000 − 1 000 000
    assert_eq!(
        z.cash,
        CashFigures {
            opening_float: d(1_000_000),
            cash_sales: d(540_000),
            cash_refunds: d(120_000),
            cash_in: d(200_000),
            cash_out: d(1_000_000),
            expected: d(620_000),
        }
    );
    assert_eq!(z.cash_movements, 2);
}

/// The drawer on the X/Z report agrees with the change the screen and the
/// receipt give (issue #18): 775.000 ₫ paid 500.000 + 500.000 in cash puts
/// 1.000.000 in the drawer and takes 225.000 out as change.
#[test]
fn the_drawer_holds_what_was_handed_over_less_the_change_given() {
    let sale = sale_775(vec![cash(500_000, 500_000), cash(275_000, 500_000)]);
    let tender = sale.cash_tender().unwrap();
    assert_eq!(
        (tender.handed_over, tender.change),
        (d(1_000_000), d(225_000))
    );
    let float = opening(500_000);
    let x = summarise(ShiftInput {
        shift: &float,
        movements: &[],
        sales: std::slice::from_ref(&sale),
        refunds: &[],
        confirmations: &[],
    })
    .unwrap();
    assert_eq!(x.cash.cash_sales, d(775_000));
    assert_eq!(x.cash.cash_sales, tender.settles);
    assert_eq!(x.method(PaymentKind::Cash).sales, d(775_000));
    // 500.000 float + 1.000.000 handed over − 225.000 change
    assert_eq!(x.cash.expected, d(1_275_000));
    assert_eq!(
        x.cash.expected,
        float
            .opening_float
            .checked_add(tender.handed_over)
            .and_then(|v| v.checked_sub(tender.change))
            .unwrap()
    );
}

#[test]
fn an_empty_shift() {
    let float = opening(500_000);
    let x = summarise(ShiftInput {
        shift: &float,
        movements: &[],
        sales: &[],
        refunds: &[],
        confirmations: &[],
    })
    .unwrap();
    assert_eq!(x.gross_sales, d(0));
    assert_eq!(x.first_receipt, None);
    assert_eq!(x.last_hash, None);
    assert_eq!(x.cash.expected, d(500_000));
    assert_eq!(x.by_method.len(), 3);
    assert!(x.by_vat.is_empty());
}

#[test]
fn records_of_other_shifts_and_duplicates_are_refused() {
    let (sales, refunds, movements) = shift_records();
    let float = opening(0);
    let mut other = sales.clone();
    other[1].shift_id = Uuid::from_u128(1);
    let err = summarise(ShiftInput {
        shift: &float,
        movements: &movements,
        sales: &other,
        refunds: &refunds,
        confirmations: &[],
    })
    .unwrap_err();
    assert_eq!(err.code(), "receipt_not_in_shift");
    let mut other = sales.clone();
    other[0].till_id = 4;
    assert_eq!(
        summarise(ShiftInput {
            shift: &float,
            movements: &movements,
            sales: &other,
            refunds: &refunds,
            confirmations: &[],
        })
        .unwrap_err()
        .code(),
        "receipt_not_in_shift"
    );
    let mut twice = sales.clone();
    twice.push(sales[0].clone());
    assert_eq!(
        summarise(ShiftInput {
            shift: &float,
            movements: &movements,
            sales: &twice,
            refunds: &refunds,
            confirmations: &[],
        })
        .unwrap_err(),
        ShiftError::DuplicateReceipt {
            receipt_no: ReceiptNo::FIRST
        }
    );
    let mut foreign = movements.clone();
    foreign[0].shift_id = Uuid::from_u128(5);
    assert_eq!(
        summarise(ShiftInput {
            shift: &float,
            movements: &foreign,
            sales: &sales,
            refunds: &refunds,
            confirmations: &[],
        })
        .unwrap_err()
        .code(),
        "cash_movement_not_in_shift"
    );
    let bad = [movement(3, CashDirection::Out, 0)];
    assert_eq!(
        summarise(ShiftInput {
            shift: &float,
            movements: &bad,
            sales: &[],
            refunds: &[],
            confirmations: &[],
        })
        .unwrap_err()
        .code(),
        "cash_movement_not_positive"
    );
    let mut no_reason = movement(3, CashDirection::In, 5);
    no_reason.reason = " ".into();
    assert_eq!(
        no_reason.validate().unwrap_err().code(),
        "cash_movement_reason_required"
    );
    assert_eq!(
        opening(-1).validate().unwrap_err().code(),
        "negative_opening_float"
    );
}

#[test]
fn a_missing_receipt_shows_in_the_range() {
    let (sales, _, _) = shift_records();
    let float = opening(0);
    // receipts 1, 2, 4 without the refund (3)
    let x = summarise(ShiftInput {
        shift: &float,
        movements: &[],
        sales: &sales,
        refunds: &[],
        confirmations: &[],
    })
    .unwrap();
    assert_eq!(x.first_receipt, ReceiptNo::new(1));
    assert_eq!(x.last_receipt, ReceiptNo::new(4));
    assert_eq!(x.missing_receipts, 1);
}

#[test]
fn closing_variance_per_method() {
    let (sales, refunds, movements) = shift_records();
    let float = opening(1_000_000);
    let z = summarise(ShiftInput {
        shift: &float,
        movements: &movements,
        sales: &sales,
        refunds: &refunds,
        confirmations: &[],
    })
    .unwrap();
    // expected cash 620 000; counted 500k + 100k + 10k + 5k = 615 000
    let counted = CountedTotals {
        cash: CashCount::new()
            .with(D500000, 1)
            .with(D100000, 1)
            .with(D10000, 1)
            .with(D5000, 1),
        card: d(200_000),
        // the bank shows the confirmed 15 000; the pending 100 000 is not expected
        bank_transfer: d(15_000),
    };
    let closing = close(&z, counted.clone()).unwrap();
    assert_eq!(
        closing.variance(PaymentKind::Cash).unwrap(),
        Variance {
            method: PaymentKind::Cash,
            expected: d(620_000),
            counted: d(615_000),
            variance: d(-5_000),
        }
    );
    assert_eq!(closing.variance(PaymentKind::Card).unwrap().variance, d(0));
    assert_eq!(
        closing
            .variance(PaymentKind::BankTransfer)
            .unwrap()
            .variance,
        d(0)
    );
    assert_eq!(closing.total_variance, d(-5_000));
    assert!(closing.needs_acknowledgement());
    // counted right: nothing to acknowledge
    let right = CountedTotals {
        cash: CashCount::new()
            .with(D500000, 1)
            .with(D100000, 1)
            .with(D20000, 1),
        ..counted
    };
    let closing = close(&z, right).unwrap();
    assert_eq!(closing.total_variance, d(0));
    assert!(!closing.needs_acknowledgement());
    // an over count is positive
    let over = CountedTotals {
        cash: CashCount::new().with(D500000, 2),
        card: d(200_000),
        // the bank shows the confirmed 15 000; the pending 100 000 is not expected
        bank_transfer: d(15_000),
    };
    assert_eq!(
        close(&z, over)
            .unwrap()
            .variance(PaymentKind::Cash)
            .unwrap()
            .variance,
        d(380_000)
    );
}

fn summary_with(shift: u128, outlet_id: i32, gross: i64, refunds: i64) -> ShiftSummary {
    let float = ShiftOpening {
        id: Uuid::from_u128(shift),
        outlet_id,
        ..opening(0)
    };
    let mut s = summarise(ShiftInput {
        shift: &float,
        movements: &[],
        sales: &[],
        refunds: &[],
        confirmations: &[],
    })
    .unwrap();
    s.gross_sales = d(gross);
    s.refunds = d(refunds);
    s.net_sales = d(gross - refunds);
    s
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, n).unwrap()
}

#[test]
fn the_grand_total_never_resets() {
    let first = daily_closing(
        None,
        2,
        day(1),
        &[
            summary_with(1, 2, 1_000_000, 0),
            summary_with(2, 2, 500_000, 100_000),
        ],
    )
    .unwrap();
    assert_eq!(first.closing_no, 1);
    assert_eq!(first.shifts, 2);
    assert_eq!(first.net_sales, d(1_400_000));
    assert_eq!(first.previous_grand_total, d(0));
    assert_eq!(first.grand_total, d(1_400_000));
    // a day with no sales keeps the total
    let second = daily_closing(Some(&first), 2, day(2), &[]).unwrap();
    assert_eq!(second.closing_no, 2);
    assert_eq!(second.grand_total, d(1_400_000));
    // a day with more refunds than sales lowers the net total, never the
    // perpetual sales total
    let third = daily_closing(
        Some(&second),
        2,
        day(5),
        &[summary_with(3, 2, 50_000, 300_000)],
    )
    .unwrap();
    assert_eq!(third.previous_grand_total, d(1_400_000));
    assert_eq!(third.grand_total, d(1_150_000));
    assert_eq!(third.grand_total_sales, d(1_550_000));
    assert_eq!(third.grand_total_refunds, d(400_000));
    assert_eq!(
        third.grand_total,
        third
            .grand_total_sales
            .checked_sub(third.grand_total_refunds)
            .unwrap()
    );
    let closings = [&first, &second, &third];
    for pair in closings.windows(2) {
        assert_eq!(pair[1].previous_grand_total, pair[0].grand_total);
        assert!(pair[1].grand_total_sales >= pair[0].grand_total_sales);
    }

    // no restarting, no closing a day twice or out of order
    for bad_day in [day(5), day(4)] {
        assert_eq!(
            daily_closing(Some(&third), 2, bad_day, &[])
                .unwrap_err()
                .code(),
            "closing_not_after_previous"
        );
    }
    assert_eq!(
        daily_closing(Some(&third), 9, day(6), &[])
            .unwrap_err()
            .code(),
        "closing_outlet_mismatch"
    );
    assert_eq!(
        daily_closing(Some(&third), 2, day(6), &[summary_with(4, 9, 1, 0)])
            .unwrap_err()
            .code(),
        "shift_of_another_outlet"
    );
    let s = summary_with(4, 2, 1, 0);
    assert_eq!(
        daily_closing(Some(&third), 2, day(6), &[s.clone(), s])
            .unwrap_err()
            .code(),
        "duplicate_shift"
    );
    let json = serde_json::to_value(&third).unwrap();
    assert_eq!(json["day"], "2026-11-05");
    assert_eq!(json["grand_total"], 1_150_000);
}

#[test]
fn errors_have_codes_and_both_languages() {
    let errors = [
        ShiftError::NegativeFloat { amount: d(-1) },
        ShiftError::MovementNotPositive { amount: d(0) },
        ShiftError::MovementReasonRequired,
        ShiftError::ReceiptNotInShift {
            till_id: 1,
            receipt_no: ReceiptNo::FIRST,
        },
        ShiftError::MovementNotInShift {
            movement_id: Uuid::nil(),
        },
        ShiftError::DuplicateReceipt {
            receipt_no: ReceiptNo::FIRST,
        },
        ShiftError::DuplicateShift {
            shift_id: Uuid::nil(),
        },
        ShiftError::ShiftOfAnotherOutlet {
            shift_id: Uuid::nil(),
            expected: 1,
            found: 2,
        },
        ShiftError::ClosingOutletMismatch {
            expected: 1,
            found: 2,
        },
        ShiftError::ClosingNotAfterPrevious {
            day: day(1),
            previous: day(2),
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

/// Issue 14: a transfer confirmed after its sale was sealed moves from
/// pending to confirmed in the figures (the bank's word over the
/// cashier's), and only then does the bank count expect it.
#[test]
fn later_confirmations_move_transfers_out_of_pending() {
    let (sales, refunds, movements) = shift_records();
    let float = opening(1_000_000);
    let with_transfer = |status: TransferStatus| {
        sales
            .iter()
            .find(|s| {
                s.payments.iter().any(|p| {
                    matches!(p.method, PaymentMethod::BankTransfer { status: st, .. } if st == status)
                })
            })
            .unwrap()
            .id
    };
    let pending_sale = with_transfer(TransferStatus::Pending);
    let cashier_sale = with_transfer(TransferStatus::ConfirmedByCashier);
    let later = [
        LaterTransferState {
            sale_id: pending_sale,
            status: TransferStatus::ConfirmedByCashier,
        },
        LaterTransferState {
            sale_id: pending_sale,
            status: TransferStatus::ConfirmedByBank,
        },
        // a cashier's word never lowers the bank's, nor a stale pending
        LaterTransferState {
            sale_id: cashier_sale,
            status: TransferStatus::Pending,
        },
    ];
    let z = summarise(ShiftInput {
        shift: &float,
        movements: &movements,
        sales: &sales,
        refunds: &refunds,
        confirmations: &later,
    })
    .unwrap();
    assert_eq!(
        z.transfers,
        TransferFigures {
            confirmed_by_bank: d(100_000),
            confirmed_by_cashier: d(15_000),
            pending: d(0),
        }
    );
    assert_eq!(z.transfers.confirmed().unwrap(), d(115_000));
    let counted = CountedTotals {
        cash: CashCount::new().with(D500000, 1),
        card: d(200_000),
        bank_transfer: d(115_000),
    };
    let closing = close(&z, counted).unwrap();
    assert_eq!(
        closing
            .variance(PaymentKind::BankTransfer)
            .unwrap()
            .expected,
        d(115_000)
    );
    // the day adds the shifts' transfer figures, state by state
    let day = daily_closing(None, 2, z_day(), std::slice::from_ref(&z)).unwrap();
    assert_eq!(day.transfers, z.transfers);
}

fn z_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

// Issue 15: a sealed sale with an absurd unit price was stored, and from
// then on the shift's X/Z report and its closing answered
// `amount_out_of_range`, so the shift could never be closed.
#[test]
fn a_stored_record_out_of_bounds_is_flagged_not_fatal() {
    let (mut sales, refunds, mut movements) = shift_records();
    let mut absurd = sales[0].clone();
    absurd.receipt_no = ReceiptNo::new(5).unwrap();
    absurd.lines[0].unit_price = d(i64::MAX);
    absurd.lines[0].qty = crate::money::Quantity::from_milli(1);
    absurd.lines[0].amount = d(9_223_372_036_854_776);
    absurd.total = absurd.lines[0].amount;
    absurd.payments[0].amount = absurd.total;
    sales.push(resealed(absurd));
    let mut absurd_refund = refunds[0].clone();
    absurd_refund.receipt_no = ReceiptNo::new(6).unwrap();
    absurd_refund.total = d(i64::MAX);
    let mut refunds = refunds;
    refunds.push(absurd_refund);
    let mut huge = movement(3, CashDirection::In, i64::MAX);
    huge.id = Uuid::from_u128(3);
    movements.push(huge);
    let float = ShiftOpening {
        opening_float: d(i64::MAX),
        ..opening(0)
    };
    let z = summarise(ShiftInput {
        shift: &float,
        movements: &movements,
        sales: &sales,
        refunds: &refunds,
        confirmations: &[],
    })
    .unwrap();
    let (clean_sales, clean_refunds, clean_moves) = shift_records();
    let clean = summarise(ShiftInput {
        shift: &opening(0),
        movements: &clean_moves,
        sales: &clean_sales,
        refunds: &clean_refunds,
        confirmations: &[],
    })
    .unwrap();
    assert_eq!(
        z.out_of_bounds.receipts,
        vec![ReceiptNo::new(5).unwrap(), ReceiptNo::new(6).unwrap()]
    );
    assert_eq!(z.out_of_bounds.cash_movements, vec![Uuid::from_u128(3)]);
    assert!(z.out_of_bounds.opening_float);
    assert!(!z.out_of_bounds.is_empty());
    assert!(clean.out_of_bounds.is_empty());
    // the figures are those of the records within bounds
    assert_eq!(z.gross_sales, clean.gross_sales);
    assert_eq!(z.net_sales, clean.net_sales);
    assert_eq!(z.cash, clean.cash);
    assert_eq!(z.by_method, clean.by_method);
    assert_eq!(z.sales_count, 4);
    assert_eq!(z.last_receipt, ReceiptNo::new(6));
    // and the shift closes
    let counted = CountedTotals {
        cash: CashCount::default(),
        card: d(200_000),
        bank_transfer: d(115_000),
    };
    assert!(close(&z, counted.clone()).is_ok());
    // but nothing new may be counted out of bounds
    let absurd_count = CountedTotals {
        card: d(i64::MAX),
        ..counted
    };
    assert_eq!(
        close(&z, absurd_count).unwrap_err().code(),
        "amount_out_of_range"
    );
    // nor opened or moved
    assert_eq!(float.validate().unwrap_err().code(), "amount_out_of_range");
    assert_eq!(
        movement(9, CashDirection::Out, 10_000_000_001)
            .validate()
            .unwrap_err()
            .code(),
        "amount_out_of_range"
    );
}

// Issue 15: a closing for 2099-12-31 was accepted and then blocked closing
// every real day.
#[test]
fn only_a_day_that_has_ended_in_vietnam_may_be_closed() {
    // 2026-11-28 16:59:59 UTC is 23:59:59 in Vietnam: the 28th has not ended
    let before_midnight = Utc.with_ymd_and_hms(2026, 11, 28, 16, 59, 59).unwrap();
    let after_midnight = Utc.with_ymd_and_hms(2026, 11, 28, 17, 0, 0).unwrap();
    let the_28th = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let err = check_day_ended(the_28th, before_midnight).unwrap_err();
    assert_eq!(err.code(), "day_not_ended");
    assert_ne!(err.message(Lang::Vi), err.message(Lang::En));
    assert!(check_day_ended(the_28th, after_midnight).is_ok());
    assert!(check_day_ended(the_28th.pred_opt().unwrap(), before_midnight).is_ok());
    let future = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
    assert_eq!(
        check_day_ended(future, after_midnight).unwrap_err().code(),
        "day_not_ended"
    );
}
