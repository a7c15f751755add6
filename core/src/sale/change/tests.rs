//! The change due with literal figures, on sales built and verified the way
//! the till builds them (regression: issue #18, the payment screen showed
//! "TIỀN THỪA: 0 ₫" for 775.000 ₫ paid 500.000 + 500.000 in cash).

use super::*;
use crate::i18n::UserError;
use crate::money::VatRate;
use crate::sale::TransferStatus;
use crate::sale::totals::tests::{d, item, sale_of};
use crate::sale::verify;

/// A sale of 775.000 ₫ (350.000 at 10 % and 425.000 at 5 %) paid with
/// `payments`, verified as the server would.
pub(crate) fn sale_775(payments: Vec<Payment>) -> Sale {
    let sale = sale_of(
        1,
        vec![
            item(350_000, "1", VatRate::Ten),
            item(425_000, "1", VatRate::Five),
        ],
        |total| {
            assert_eq!(total, d(775_000));
            payments
        },
    );
    assert_eq!(verify(&sale), Ok(()));
    sale
}

pub(crate) fn cash(amount: i64, tendered: i64) -> Payment {
    Payment::cash(d(amount), d(tendered)).unwrap()
}

/// Σ of the change each cash payment carries: on a verified sale the one
/// computation must agree with it.
fn stored_change(sale: &Sale) -> Dong {
    Dong::checked_sum(sale.payments.iter().map(|p| match p.method {
        PaymentMethod::Cash { change, .. } => change,
        _ => Dong::ZERO,
    }))
    .unwrap()
}

fn tender(handed_over: i64, settles: i64, change: i64) -> CashTender {
    CashTender {
        handed_over: d(handed_over),
        settles: d(settles),
        change: d(change),
    }
}

#[test]
fn single_cash_775_000_paid_with_1_000_000_gives_225_000() {
    let sale = sale_775(vec![cash(775_000, 1_000_000)]);
    let t = sale.cash_tender().unwrap();
    assert_eq!(t, tender(1_000_000, 775_000, 225_000));
    assert_eq!(t.change, stored_change(&sale));
    assert!(t.paid_in_cash());
}

#[test]
fn split_cash_500_000_and_500_000_for_775_000_gives_225_000() {
    // As the till writes it: the first 500.000 is a part payment, the
    // second settles the remaining 275.000 and carries the change.
    let sale = sale_775(vec![cash(500_000, 500_000), cash(275_000, 500_000)]);
    let t = sale.cash_tender().unwrap();
    assert_eq!(t, tender(1_000_000, 775_000, 225_000));
    assert_eq!(t.change, stored_change(&sale));
    // Whichever payment carries the change, the sale's change is the same.
    let reversed = sale_775(vec![cash(275_000, 500_000), cash(500_000, 500_000)]);
    assert_eq!(reversed.cash_tender().unwrap().change, d(225_000));
    // As `ocop-till sell --json` writes it.
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#"{"handed_over":1000000,"settles":775000,"change":225000}"#
    );
}

#[test]
fn cash_and_card_gives_change_on_the_cash_only() {
    // 500.000 on the card, 275.000 in cash handed over as 300.000.
    let sale = sale_775(vec![
        Payment::card(d(500_000), "APPR 778812"),
        cash(275_000, 300_000),
    ]);
    assert_eq!(
        sale.cash_tender().unwrap(),
        tender(300_000, 275_000, 25_000)
    );
    // 200.000 in cash first, the card settles the rest: no change.
    let sale = sale_775(vec![
        cash(200_000, 200_000),
        Payment::card(d(575_000), "APPR 778813"),
    ]);
    assert_eq!(sale.cash_tender().unwrap(), tender(200_000, 200_000, 0));
}

#[test]
fn a_pending_transfer_is_never_counted_as_paid() {
    // 500.000 in cash, the remaining 275.000 by VietQR not yet seen
    // arriving: cash settles 500.000, the transfer gives no change.
    let sale = sale_775(vec![
        cash(500_000, 500_000),
        Payment::bank_transfer(d(275_000), TransferStatus::Pending, None),
    ]);
    let t = sale.cash_tender().unwrap();
    assert_eq!(t, tender(500_000, 500_000, 0));
    assert_eq!(t.change, stored_change(&sale));
    // The customer hands over 1.000.000 for a 500.000 cash part: the
    // change is 500.000 whatever the transfer does.
    let sale = sale_775(vec![
        cash(500_000, 1_000_000),
        Payment::bank_transfer(d(275_000), TransferStatus::Pending, None),
    ]);
    assert_eq!(
        sale.cash_tender().unwrap(),
        tender(1_000_000, 500_000, 500_000)
    );
    // Without cash there is nothing handed over and no change.
    let sale = sale_775(vec![Payment::bank_transfer(
        d(775_000),
        TransferStatus::Pending,
        None,
    )]);
    let t = sale.cash_tender().unwrap();
    assert_eq!(t, tender(0, 0, 0));
    assert!(!t.paid_in_cash());
}

#[test]
fn exact_cash_gives_no_change() {
    let sale = sale_775(vec![cash(775_000, 775_000)]);
    assert_eq!(sale.cash_tender().unwrap(), tender(775_000, 775_000, 0));
}

#[test]
fn cash_handed_over_below_its_amount_is_refused_not_negative_change() {
    let short = Payment {
        method: PaymentMethod::Cash {
            tendered: d(200_000),
            change: d(-75_000),
        },
        amount: d(275_000),
    };
    let err = CashTender::of(&[cash(500_000, 500_000), short]).unwrap_err();
    assert_eq!(
        err,
        SaleError::CashTenderedTooLow {
            index: 1,
            amount: d(275_000),
            tendered: d(200_000),
        }
    );
    assert_eq!(err.code(), "cash_tendered_too_low");
}
