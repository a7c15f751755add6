//! Refunds on a real temporary store, offline: the sale is found by its
//! number, its id or its receipt's QR content; the core's amounts; never
//! more than was sold across refunds; a refused refund uses no number.

use super::*;
use crate::checkout::tests::{cat, cfg, q};
use crate::checkout::{Tender, commit_sale, scan_item};

fn d(n: i64) -> Dong {
    Dong::new(n)
}

#[test]
fn sale_refs_parse_in_every_form_people_use() {
    let t3_12 = SaleRef::Receipt(ReceiptRef {
        till_id: 3,
        receipt_no: ReceiptNo::new(12).unwrap(),
    });
    assert_eq!(parse_sale_ref("T3-000012").unwrap(), t3_12);
    assert_eq!(parse_sale_ref("t3-12").unwrap(), t3_12);
    assert_eq!(parse_sale_ref(" T3-12 ").unwrap(), t3_12);
    let id = Uuid::new_v4();
    assert_eq!(parse_sale_ref(&id.to_string()).unwrap(), SaleRef::Id(id));
    for url in [
        format!("https://ocop.example.vn/r/{id}"),
        format!("http://127.0.0.1:8080/r/{id}/"),
        format!("https://ocop.example.vn/r/{id}?utm=x"),
    ] {
        assert_eq!(parse_sale_ref(&url).unwrap(), SaleRef::Id(id), "{url}");
    }
    for bad in [
        "",
        "T3",
        "T3-0",
        "T0-12",
        "T-12",
        "X3-12",
        "T3-12a",
        "T3--12",
        "https://ocop.example.vn/p/abc",
        "https://ocop.example.vn/r/not-a-uuid",
        "T99999999999-1",
    ] {
        let err = parse_sale_ref(bad).unwrap_err();
        assert!(format!("{err}").starts_with("bad_sale_ref"), "{bad}: {err}");
    }
}

#[test]
fn refund_tenders_parse() {
    assert_eq!("cash".parse::<RefundTender>().unwrap(), RefundTender::Cash);
    assert_eq!(
        "card:APPR 1".parse::<RefundTender>().unwrap(),
        RefundTender::Card("APPR 1".into())
    );
    assert_eq!(
        "transfer".parse::<RefundTender>().unwrap(),
        RefundTender::Transfer(None)
    );
    assert_eq!(
        "transfer:FT123".parse::<RefundTender>().unwrap(),
        RefundTender::Transfer(Some("FT123".into()))
    );
    for bad in ["card", "card:", "qr", "cash:100"] {
        assert!(bad.parse::<RefundTender>().is_err(), "{bad}");
    }
}

fn with_sale() -> (tempfile::TempDir, Store, Sale) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    crate::shift::open(&mut store, &cfg(), d(0)).unwrap();
    let cat = cat();
    let items = vec![
        scan_item(&cat, "8936012345674", q("3")).unwrap(),
        scan_item(&cat, "CHE", q("0.5")).unwrap(),
    ];
    let sale = commit_sale(&mut store, &cfg(), &cat, &items, &[Tender::Cash(None)])
        .unwrap()
        .record;
    (dir, store, sale)
}

#[test]
fn a_sale_of_this_till_is_found_offline_by_number_id_or_qr() {
    let (_dir, store, sale) = with_sale();
    let by_no = find(&store, &cfg(), &parse_sale_ref("t3-1").unwrap()).unwrap();
    assert_eq!(by_no.sale, sale);
    assert!(by_no.earlier.is_empty());
    assert_eq!(by_no.lines.len(), 2);
    assert_eq!(by_no.lines[0].remaining_qty, q("3"));
    let url = crate::receipt::e_receipt_url(&cfg().server_url, sale.id);
    let by_qr = find(&store, &cfg(), &parse_sale_ref(&url).unwrap()).unwrap();
    assert_eq!(by_qr, by_no);
    // Another till's receipt, with the server unreachable: a clear refusal.
    let err = find(&store, &cfg(), &parse_sale_ref("T4-1").unwrap()).unwrap_err();
    assert!(format!("{err:#}").starts_with("sale_not_found"), "{err:#}");
}

#[test]
fn refunds_never_exceed_what_was_sold_and_a_refused_one_uses_no_number() {
    let (_dir, mut store, sale) = with_sale();
    let r = SaleRef::Id(sale.id);
    let found = find(&store, &cfg(), &r).unwrap();
    // One bottle of three, back on the shelf, in cash.
    let reqs = requests_for(&found, &["1:1".into()], Restock::Shelf).unwrap();
    let first = commit_refund(
        &mut store,
        &cfg(),
        &found,
        &reqs,
        RefundTender::Cash,
        "Khách đổi ý",
    )
    .unwrap()
    .record;
    assert_eq!(
        first.receipt_no.get(),
        2,
        "refunds share the receipt counter"
    );
    assert_eq!(first.prev_hash, sale.hash, "and the chain");
    assert_eq!(first.total, d(150_000));
    assert_eq!(first.original_receipt, sale.receipt_ref());
    assert_eq!(first.payments, vec![RefundPayment::cash(d(150_000))]);
    ocop_core::sale::refund::verify_refund(&first, &sale, &[]).unwrap();

    // Found again: the earlier refund counts.
    let found = find(&store, &cfg(), &r).unwrap();
    assert_eq!(found.earlier, vec![first.clone()]);
    assert_eq!(found.lines[0].remaining_qty, q("2"));
    // Three more bottles: refused by the core, no number taken.
    let head = store.journal_head().unwrap();
    let too_many = requests_for(&found, &["1:3".into()], Restock::Shelf).unwrap();
    let err = commit_refund(
        &mut store,
        &cfg(),
        &found,
        &too_many,
        RefundTender::Cash,
        "x",
    )
    .unwrap_err();
    assert!(format!("{err}").starts_with("refund_exceeds_sold"), "{err}");
    // A stale `Found` (without the first refund) is refused all the same.
    let stale = Found {
        earlier: vec![],
        lines: refundable(&sale, &[]).unwrap(),
        sale: sale.clone(),
    };
    let all = requests_for(&stale, &["1".into()], Restock::Shelf).unwrap();
    assert_eq!(all[0].qty, q("3"));
    let err = commit_refund(&mut store, &cfg(), &stale, &all, RefundTender::Cash, "x").unwrap_err();
    assert!(format!("{err}").starts_with("refund_exceeds_sold"), "{err}");
    let err =
        commit_refund(&mut store, &cfg(), &found, &reqs, RefundTender::Cash, " ").unwrap_err();
    assert!(
        format!("{err}").starts_with("refund_reason_required"),
        "{err}"
    );
    assert_eq!(store.journal_head().unwrap(), head, "no number used");

    // The rest of both lines, by card: the remainder exactly.
    let rest = requests_for(&found, &["1".into(), "2".into()], Restock::DamagedWriteOff).unwrap();
    let second = commit_refund(
        &mut store,
        &cfg(),
        &found,
        &rest,
        RefundTender::Card("APPR 7".into()),
        "Hỏng",
    )
    .unwrap()
    .record;
    assert_eq!(second.receipt_no.get(), 3);
    assert_eq!(second.total, d(300_000 + 600_000));
    let found = find(&store, &cfg(), &r).unwrap();
    assert!(
        found
            .lines
            .iter()
            .all(|l| l.remaining_qty == Quantity::ZERO)
    );
    assert_eq!(
        found.earlier.iter().map(|r| r.total).collect::<Vec<_>>(),
        vec![d(150_000), d(900_000)]
    );
    // A refund receipt is not a sale to refund.
    let err = find(&store, &cfg(), &parse_sale_ref("T3-2").unwrap()).unwrap_err();
    assert!(format!("{err}").starts_with("not_a_sale"), "{err}");
}

#[test]
fn a_refund_needs_an_open_shift() {
    let (_dir, mut store, sale) = with_sale();
    let found = find(&store, &cfg(), &SaleRef::Id(sale.id)).unwrap();
    crate::shift::close(
        &mut store,
        &cfg(),
        ocop_core::sale::shift::CountedTotals {
            cash: ocop_core::sale::shift::CashCount::new(),
            card: d(0),
            bank_transfer: d(0),
        },
        true,
    )
    .unwrap();
    let reqs = requests_for(&found, &["2".into()], Restock::Shelf).unwrap();
    let err =
        commit_refund(&mut store, &cfg(), &found, &reqs, RefundTender::Cash, "x").unwrap_err();
    assert!(format!("{err}").starts_with("no_open_shift"), "{err}");
    assert_eq!(store.journal_head().unwrap().0, 1);
}

/// A bottle is refunded whole, as it is sold whole (`scan_item` refuses
/// 1.5 bottles at the sale; a refund of 1.5 bottles was taken and paid
/// back pro rata); a product sold by weight is refunded by weight.
#[test]
fn a_product_sold_in_whole_units_is_refunded_in_whole_units() {
    let (_dir, mut store, sale) = with_sale();
    let mut tea = crate::catalogue::tests::product(2, "Chè Shan tuyết", None, Some("CHE"));
    tea.fractional = true;
    let held = crate::catalogue::TillCatalogue {
        version: 1,
        full: true,
        outlet: crate::catalogue::tests::outlet(),
        products: vec![
            crate::catalogue::tests::product(1, "Rượu ngô", Some("08936012345674"), None),
            tea,
        ],
        removed: vec![],
        ..crate::catalogue::tests::answer()
    };
    crate::catalogue::save(&mut store, &held, None).unwrap();
    let found = find(&store, &cfg(), &SaleRef::Id(sale.id)).unwrap();
    let head = store.journal_head().unwrap();
    for half in ["1:1.5", "1:0,5"] {
        let reqs = requests_for(&found, &[half.into()], Restock::Shelf).unwrap();
        let err =
            commit_refund(&mut store, &cfg(), &found, &reqs, RefundTender::Cash, "x").unwrap_err();
        assert!(
            format!("{err}").starts_with("refund_whole_units_only: Dòng 1"),
            "{half}: {err}"
        );
    }
    assert_eq!(store.journal_head().unwrap(), head, "no number used");
    let reqs = requests_for(&found, &["2:0.25".into()], Restock::Shelf).unwrap();
    let tea = commit_refund(&mut store, &cfg(), &found, &reqs, RefundTender::Cash, "x")
        .unwrap()
        .record;
    assert_eq!(tea.lines[0].qty, q("0.25"));
}

/// Two windows refund the same bottles at once: the other one commits
/// after this one read the sale's refunds and before its transaction.
/// The refunds are read again inside it, so the second is refused rather
/// than paying the same bottles back twice.
#[test]
fn the_same_goods_refunded_from_two_windows_at_once_are_paid_back_once() {
    let (_dir, mut store, sale) = with_sale();
    let found = find(&store, &cfg(), &SaleRef::Id(sale.id)).unwrap();
    let reqs = requests_for(&found, &["1:2".into()], Restock::Shelf).unwrap();
    let path = store.path().to_path_buf();
    let (theirs, their_reqs) = (found.clone(), reqs.clone());
    BEFORE_COMMIT.with(|h| {
        *h.borrow_mut() = Some(Box::new(move || {
            let mut other = Store::open(&path).unwrap();
            commit_refund(
                &mut other,
                &cfg(),
                &theirs,
                &their_reqs,
                RefundTender::Cash,
                "a",
            )
            .unwrap();
        }));
    });
    let err =
        commit_refund(&mut store, &cfg(), &found, &reqs, RefundTender::Cash, "b").unwrap_err();
    assert!(format!("{err}").starts_with("refund_exceeds_sold"), "{err}");
    assert_eq!(
        store.refunds_of_sale(&sale.id.to_string()).unwrap().len(),
        1
    );
    assert_eq!(store.journal_head().unwrap().0, 2, "one refund, one number");
}
