//! What `sell` prints of a sale, from a sale committed through the same
//! checkout as the interface.

use super::*;
use crate::checkout::tests::{cat, cfg, q};
use crate::checkout::{commit_sale, scan_item};

fn sold(tenders: &[Tender]) -> Sale {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    crate::shift::open(&mut store, &cfg(), Dong::new(500_000)).unwrap();
    let cat = cat();
    // 2 × 150.000 + 0,25 kg × 1.200.000 = 600.000
    let items = vec![
        scan_item(&cat, "8936012345674", q("2")).unwrap(),
        scan_item(&cat, "CHE", q("0.25")).unwrap(),
    ];
    commit_sale(&mut store, &cfg(), &cat, &items, tenders)
        .unwrap()
        .record
}

/// Split cash (issue #18): 500.000 and another 500.000 for 600.000 gives
/// 400.000 back, as on the screen and the receipt.
#[test]
fn sell_prints_the_cash_handed_over_and_the_change_of_the_whole_sale() {
    let half_million = Tender::Cash(Some(Dong::new(500_000)));
    let sale = sold(&[half_million.clone(), half_million]);
    let cash = crate::receipt::cash_of(&sale).unwrap();
    assert_eq!(
        sold_line(&sale, &cash, None),
        "Phiếu T3-000001 — tổng 600.000 ₫, khách đưa 1.000.000 ₫, tiền thừa 400.000 ₫ \
         (receipt T3-000001, total 600.000 d, handed over 1.000.000 d, change 400.000 d)"
    );
}

#[test]
fn sell_without_cash_prints_no_change() {
    let sale = sold(&[Tender::Card("APPR 1".into())]);
    let cash = crate::receipt::cash_of(&sale).unwrap();
    let not_printed = "no printer".to_owned();
    assert_eq!(
        sold_line(&sale, &cash, Some(&not_printed)),
        "Phiếu T3-000001 — tổng 600.000 ₫ (receipt T3-000001, total 600.000 d); \
         chưa in / not printed: no printer"
    );
}

/// Issue 14: a VietQR sale's text output says the transfer is pending,
/// Vietnamese first — never that it is paid.
#[test]
fn sell_prints_a_pending_transfer_as_pending() {
    let sale = sold(&[Tender::Cash(Some(Dong::new(100_000))), Tender::Qr]);
    let cash = crate::receipt::cash_of(&sale).unwrap();
    assert_eq!(
        sold_line(&sale, &cash, None),
        "Phiếu T3-000001 — tổng 600.000 ₫, khách đưa 100.000 ₫, tiền thừa 0 ₫, chuyển khoản \
         500.000 ₫ chờ xác nhận (chưa thanh toán) (receipt T3-000001, total 600.000 d, handed \
         over 100.000 d, change 0 d, transfer 500.000 d awaiting confirmation (not paid yet))"
    );
}
