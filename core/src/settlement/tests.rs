use super::*;
use crate::money::{Dong, Quantity};

fn q(units: i64) -> Quantity {
    Quantity::from_units(units).unwrap()
}

fn d(n: i64) -> Dong {
    Dong::new(n)
}

fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn periods_parse_print_and_tile_vietnam_days() {
    let nov: Period = "2026-11".parse().unwrap();
    assert_eq!(nov.to_string(), "2026-11");
    assert_eq!(nov.first_day(), ymd(2026, 11, 1));
    assert_eq!(nov.end_day(), ymd(2026, 12, 1));
    let (start, end) = nov.bounds();
    // Local midnight is 17:00 UTC the day before.
    assert_eq!(start.to_rfc3339(), "2026-10-31T17:00:00+00:00");
    assert_eq!(end.to_rfc3339(), "2026-11-30T17:00:00+00:00");
    assert_eq!(nov.next().bounds().0, end);
    let dec: Period = "2026-12".parse().unwrap();
    assert_eq!(dec.next().to_string(), "2027-01");
    assert_eq!(dec.next().prev(), dec);
    let q4: Period = "2026-Q4".parse().unwrap();
    assert_eq!(q4.first_day(), ymd(2026, 10, 1));
    assert_eq!(q4.end_day(), ymd(2027, 1, 1));
    assert_eq!(q4.next().to_string(), "2027-Q1");
    assert_eq!(q4.prev().to_string(), "2026-Q3");
    for bad in [
        "2026-13", "2026-00", "2026-1", "26-11", "2026-Q5", "2026-Q0", "2026/11", "", "2026-11x",
    ] {
        assert!(bad.parse::<Period>().is_err(), "{bad}");
    }
    let e = "x".parse::<Period>().unwrap_err().refusal();
    assert_eq!(e.code(), "invalid_period");
}

#[test]
fn containing_and_run_periods() {
    // 23:30 on 30/11 in Vietnam is still November; 17:00 UTC is 1/12 local.
    let p = Period::containing(SettlementPeriod::Monthly, ymd(2026, 11, 30)).unwrap();
    assert_eq!(p.to_string(), "2026-11");
    let p = Period::containing(SettlementPeriod::Quarterly, ymd(2026, 11, 30)).unwrap();
    assert_eq!(p.to_string(), "2026-Q4");
    let nov: Period = "2026-11".parse().unwrap();
    let dec: Period = "2026-12".parse().unwrap();
    assert_eq!(Period::for_run(nov, SettlementPeriod::Monthly), Some(nov));
    assert_eq!(Period::for_run(nov, SettlementPeriod::Quarterly), None);
    assert_eq!(
        Period::for_run(dec, SettlementPeriod::Quarterly).map(|p| p.to_string()),
        Some("2026-Q4".to_owned())
    );
}

#[test]
fn the_identity_holds_or_is_a_discrepancy() {
    let row = QtyRow {
        opening: q(5),
        received: q(20),
        transferred_in: q(3),
        transferred_out: q(4),
        sold: q(10),
        refunded: q(1),
        returned: q(2),
        written_off: q(3),
        closing: q(10),
    };
    // 5 + 20 + 3 − 4 − 10 + 1 − 2 − 3 = 10
    assert_eq!(row.check(), Ok(()));
    assert_eq!(row.net_sold(), q(9));
    let broken = QtyRow {
        closing: q(11),
        ..row
    };
    assert_eq!(
        broken.check(),
        Err(Discrepancy {
            expected_closing: q(10),
            closing: q(11)
        })
    );
}

fn row(sold: i64, refunded: i64, written_off: i64) -> RowMoney {
    RowMoney {
        qty: QtyRow {
            received: q(100),
            sold: q(sold),
            refunded: q(refunded),
            written_off: q(written_off),
            closing: q(100 - sold + refunded - written_off),
            ..QtyRow::default()
        },
        retail_price: d(45_000),
        payout_price: Some(d(30_000)),
    }
}

#[test]
fn commission_terms_round_once_and_add_up() {
    // 7 sold (one with a 5.000 discount) = 310.000; 1 refunded = 45.000.
    let input = MoneyInput {
        terms: Terms::Commission { bp: 1_550 },
        outlet_bears_losses: true,
        gross: d(310_000),
        refunds: d(45_000),
        rows: vec![row(7, 1, 1), row(0, 0, 0)],
        adjustments: d(-1_000),
        carried_in: d(0),
        min_payout: d(0),
    };
    let m = compute_money(&input).unwrap();
    assert_eq!(m.gross, d(310_000));
    assert_eq!(m.refunds, d(45_000));
    assert_eq!(m.net_sales, d(265_000));
    assert_eq!(m.outlet_losses, d(45_000));
    assert_eq!(m.producer_losses, d(0));
    // (265.000 + 45.000) × 0,845 = 261.950 exactly.
    assert_eq!(m.producer_share, d(261_950));
    assert_eq!(m.commission, d(48_050));
    assert_eq!(m.total_due, d(260_950));
    assert_eq!(m.net_payable, d(260_950));
    assert_eq!(m.carried_forward, d(0));
    // The printed figures add up.
    assert_eq!(
        m.net_sales.amount() + m.outlet_losses.amount() - m.commission.amount(),
        m.producer_share.amount()
    );
}

#[test]
fn the_share_is_rounded_half_away_from_zero_once() {
    // 1.003 × 0,85 = 852,55 per line: rounded per line it would be
    // 853 × 3 = 2.559; the exact sum 2.557,65 is rounded once: 2.558.
    let mut rows = Vec::new();
    for _ in 0..3 {
        rows.push(row(1, 0, 0));
    }
    let input = MoneyInput {
        terms: Terms::Commission { bp: 1_500 },
        outlet_bears_losses: false,
        gross: d(3_009),
        refunds: d(0),
        rows,
        adjustments: d(0),
        carried_in: d(0),
        min_payout: d(0),
    };
    let m = compute_money(&input).unwrap();
    assert_eq!(m.producer_share, d(2_558));
    assert_eq!(m.commission, d(3_009 - 2_558));
    let half = MoneyInput {
        gross: d(10),
        rows: vec![row(1, 0, 0)],
        terms: Terms::Commission { bp: 5_000 },
        ..input.clone()
    };
    // 10 × 0,5 = 5 exactly; 11 × 0,5 = 5,5 → 6.
    assert_eq!(compute_money(&half).unwrap().producer_share, d(5));
    let half = MoneyInput {
        gross: d(11),
        ..half
    };
    assert_eq!(compute_money(&half).unwrap().producer_share, d(6));
}

#[test]
fn payout_price_terms_pay_per_unit_and_producer_bears_losses() {
    let input = MoneyInput {
        terms: Terms::PayoutPrice,
        outlet_bears_losses: false,
        gross: d(310_000),
        refunds: d(45_000),
        rows: vec![row(7, 1, 2)],
        adjustments: d(0),
        carried_in: d(12_000),
        min_payout: d(0),
    };
    let m = compute_money(&input).unwrap();
    // (7 − 1) × 30.000.
    assert_eq!(m.producer_share, d(180_000));
    assert_eq!(m.producer_losses, d(60_000));
    assert_eq!(m.outlet_losses, d(0));
    assert_eq!(m.commission, d(265_000 - 180_000));
    assert_eq!(m.total_due, d(192_000));
    assert_eq!(m.net_payable, d(192_000));
}

#[test]
fn below_the_minimum_or_negative_carries_forward() {
    let input = MoneyInput {
        terms: Terms::PayoutPrice,
        outlet_bears_losses: false,
        gross: d(45_000),
        refunds: d(0),
        rows: vec![row(1, 0, 0)],
        adjustments: d(0),
        carried_in: d(0),
        min_payout: d(50_000),
    };
    let m = compute_money(&input).unwrap();
    assert_eq!(m.total_due, d(30_000));
    assert_eq!(m.net_payable, d(0));
    assert_eq!(m.carried_forward, d(30_000));
    let next = MoneyInput {
        carried_in: m.carried_forward,
        ..input.clone()
    };
    let m2 = compute_money(&next).unwrap();
    assert_eq!(m2.net_payable, d(60_000));
    assert_eq!(m2.carried_forward, d(0));
    // More refunded than sold: negative, carried (deducted next time).
    let neg = MoneyInput {
        gross: d(0),
        refunds: d(90_000),
        rows: vec![row(0, 2, 0)],
        min_payout: d(0),
        ..input
    };
    let m3 = compute_money(&neg).unwrap();
    assert_eq!(m3.net_sales, d(-90_000));
    assert_eq!(m3.producer_share, d(-60_000));
    assert_eq!(m3.net_payable, d(0));
    assert_eq!(m3.carried_forward, d(-60_000));
}

#[test]
fn a_bad_commission_is_an_error_not_a_figure() {
    let input = MoneyInput {
        terms: Terms::Commission { bp: 10_001 },
        outlet_bears_losses: false,
        gross: d(1_000),
        refunds: d(0),
        rows: vec![row(1, 0, 0)],
        adjustments: d(0),
        carried_in: d(0),
        min_payout: d(0),
    };
    assert!(compute_money(&input).is_err());
}

#[test]
fn workflow_steps() {
    use Status::*;
    assert_eq!(Draft.after(Step::Approved), Some(Approved));
    assert_eq!(Draft.after(Step::Paid), None);
    assert_eq!(Draft.after(Step::Confirmed), None);
    assert_eq!(Approved.after(Step::Confirmed), Some(Confirmed));
    assert_eq!(Approved.after(Step::Disputed), Some(Disputed));
    assert_eq!(Disputed.after(Step::Confirmed), Some(Confirmed));
    assert_eq!(Disputed.after(Step::Paid), None);
    assert_eq!(Confirmed.after(Step::Paid), Some(Paid));
    assert_eq!(Paid.after(Step::Paid), None);
    assert_eq!(Approved.after(Step::Approved), None);
    assert!(Approved.is_fixed() && !Draft.is_fixed());
    assert!(Approved.is_due() && Confirmed.is_due() && !Paid.is_due() && !Disputed.is_due());
}

#[test]
fn same_inputs_same_bytes() {
    let input = MoneyInput {
        terms: Terms::Commission { bp: 1_234 },
        outlet_bears_losses: true,
        gross: d(135_000),
        refunds: d(0),
        rows: vec![row(3, 0, 1)],
        adjustments: d(0),
        carried_in: d(0),
        min_payout: d(0),
    };
    let a = serde_json::to_string(&compute_money(&input).unwrap()).unwrap();
    let b = serde_json::to_string(&compute_money(&input.clone()).unwrap()).unwrap();
    assert_eq!(a, b);
    assert_eq!(payout_memo(42, "2026-11".parse().unwrap()), "QT42 202611");
    assert_eq!(payout_memo(7, "2026-Q4".parse().unwrap()), "QT7 2026Q4");
    let memo = payout_memo(42, "2026-11".parse().unwrap());
    assert_eq!(
        crate::vietqr::clean_memo(&memo).as_deref(),
        Some(memo.as_str())
    );
}
