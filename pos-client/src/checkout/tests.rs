//! Checkout goes through the core: totals, VAT, payments and the chain
//! come from `SaleBuilder`; a refused cart commits nothing.

use super::*;
use crate::catalogue::Product;
use crate::catalogue::tests::product;
use ocop_core::money::VatRate;
use ocop_core::sale::{PaymentMethod, verify};

pub(crate) fn cfg() -> TillConfig {
    TillConfig {
        server_url: "http://127.0.0.1:9".into(),
        till_id: 3,
        till_name: "Quầy 1".into(),
        outlet_id: 1,
        till_secret: "s".into(),
        cashier_id: 5,
        cashier_name: "Thu ngân".into(),
        user_token: None,
        printer: None,
        public_url: None,
        ca_pem: None,
    }
}

pub(crate) fn cat() -> Catalogue {
    let mut tea: Product = product(2, "Chè Shan tuyết", None, Some("CHE"));
    tea.fractional = true;
    tea.price = Dong::new(1_200_000);
    tea.vat = VatRate::Five;
    tea.unit = "kg".into();
    Catalogue::from_products(vec![
        product(1, "Rượu ngô", Some("08936012345674"), None),
        tea,
    ])
}

pub(crate) fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap()
}

#[test]
fn items_and_tenders_parse() {
    assert_eq!(
        parse_item("8936012345674:2").unwrap(),
        ("8936012345674".into(), q("2"))
    );
    assert_eq!(parse_item("CHE:0.25").unwrap(), ("CHE".into(), q("0.25")));
    assert_eq!(parse_item("CHE").unwrap(), ("CHE".into(), q("1")));
    let link = "https://ocop.vn/01/08936012345674/10/L1";
    assert_eq!(parse_item(link).unwrap(), (link.into(), q("1")));
    assert_eq!(
        parse_item(&format!("{link}:3")).unwrap(),
        (link.into(), q("3"))
    );
    assert_eq!("cash".parse::<Tender>().unwrap(), Tender::Cash(None));
    assert_eq!(
        "cash:500000".parse::<Tender>().unwrap(),
        Tender::Cash(Some(Dong::new(500_000)))
    );
    assert_eq!("qr".parse::<Tender>().unwrap(), Tender::Qr);
    assert_eq!(
        "card:APPR 1".parse::<Tender>().unwrap(),
        Tender::Card("APPR 1".into())
    );
    assert!("card:".parse::<Tender>().is_err());
    assert!("cheque".parse::<Tender>().is_err());
}

#[test]
fn payments_take_what_remains() {
    let total = Dong::new(350_000);
    let p = payments(total, &[Tender::Cash(Some(Dong::new(500_000)))]).unwrap();
    assert_eq!(
        p[0].method,
        PaymentMethod::Cash {
            tendered: Dong::new(500_000),
            change: Dong::new(150_000)
        }
    );
    let split = payments(total, &[Tender::Cash(Some(Dong::new(100_000))), Tender::Qr]).unwrap();
    assert_eq!(split[0].amount, Dong::new(100_000));
    assert_eq!(split[1].amount, Dong::new(250_000));
    assert!(payments(total, &[Tender::Cash(Some(Dong::new(100_000)))]).is_err());
    assert!(payments(total, &[Tender::Card("A".into()), Tender::Qr]).is_err());
}

#[test]
fn a_sale_is_computed_by_the_core_and_chained() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let shift = crate::shift::open(&mut store, &cfg(), Dong::new(500_000)).unwrap();
    let cat = cat();
    let items = vec![
        scan_item(&cat, "8936012345674", q("2")).unwrap(),
        scan_item(&cat, "CHE", q("0.25")).unwrap(),
    ];
    // 2 × 150.000 + 0,25 × 1.200.000
    assert_eq!(cart_total(&cat, &items).unwrap(), Dong::new(600_000));
    let first = commit_sale(&mut store, &cfg(), &cat, &items, &[Tender::Cash(None)])
        .unwrap()
        .record;
    verify(&first).unwrap();
    assert_eq!(first.total, Dong::new(600_000));
    assert_eq!(first.vat.len(), 2, "5 % and 10 % buckets");
    assert_eq!(first.receipt_no.get(), 1);
    assert_eq!(first.till_id, 3);
    assert_eq!(first.cashier_id, 5);
    let second = commit_sale(
        &mut store,
        &cfg(),
        &cat,
        &items[..1],
        &[Tender::Card("X".into())],
    )
    .unwrap()
    .record;
    assert_eq!(second.receipt_no.get(), 2);
    assert_eq!(second.prev_hash, first.hash);
    assert_eq!(second.shift_id, first.shift_id);
    assert_eq!(first.shift_id, shift.id, "the open shift's id");
    assert_eq!(store.journal_head().unwrap(), (2, second.hash));
}

/// `code: Vietnamese / English`, the code in snake_case.
fn assert_coded(err: &anyhow::Error) {
    let text = format!("{err:#}");
    let (code, rest) = text.split_once(": ").unwrap_or_default();
    assert!(
        !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "no code: {text}"
    );
    assert!(rest.contains(" / "), "not bilingual: {text}");
}

#[test]
fn a_refused_sale_commits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let cat = cat();
    let items = vec![scan_item(&cat, "CHE", q("1")).unwrap()];
    // No shift open: refused, no number used.
    let err = commit_sale(&mut store, &cfg(), &cat, &items, &[Tender::Qr]).unwrap_err();
    assert!(format!("{err:#}").starts_with("no_open_shift"), "{err:#}");
    crate::shift::open(&mut store, &cfg(), Dong::ZERO).unwrap();
    let short = [Tender::Cash(Some(Dong::new(1000)))];
    assert!(commit_sale(&mut store, &cfg(), &cat, &items, &short).is_err());
    // Every refusal reaches the cashier with a stable code, Vietnamese
    // first: the core's ("line 1: …" in English only) and the till's own.
    let err = commit_sale(&mut store, &cfg(), &cat, &[], &[Tender::Cash(None)]).unwrap_err();
    assert_coded(&err);
    let mut big = items.clone();
    big[0].discount = Dong::new(5_000_000);
    big[0].discount_reason = Some("x".into());
    assert_coded(&cart_total(&cat, &big).unwrap_err());
    assert_coded(&commit_sale(&mut store, &cfg(), &cat, &big, &[Tender::Qr]).unwrap_err());
    assert_coded(&commit_sale(&mut store, &cfg(), &cat, &items, &short).unwrap_err());
    let twice = [Tender::Qr, Tender::Qr];
    assert_coded(&commit_sale(&mut store, &cfg(), &cat, &items, &twice).unwrap_err());
    assert_coded(&scan_item(&cat, "NOPE", q("1")).unwrap_err());
    assert_coded(&scan_item(&cat, "8936012345674", q("1.5")).unwrap_err());
    assert_coded(&"cheque".parse::<Tender>().unwrap_err());
    assert_coded(&"cash:abc".parse::<Tender>().unwrap_err());
    assert_eq!(store.journal_head().unwrap().0, 0);
    assert_eq!(store.queue_counts().unwrap(), (1, 0, 0), "only the opening");
    let ok = commit_sale(&mut store, &cfg(), &cat, &items, &[Tender::Qr]).unwrap();
    assert_eq!(
        ok.record.receipt_no.get(),
        1,
        "the refused attempts used no number"
    );
}

#[test]
fn whole_units_only_for_non_fractional_products() {
    let cat = cat();
    assert!(scan_item(&cat, "8936012345674", q("1.5")).is_err());
    assert!(scan_item(&cat, "NOPE", q("1")).is_err());
}

/// Issue 12: a label's serial travels with its line; a recalled lot is
/// refused at the scan and again at checkout, with the reason.
#[test]
fn label_serials_ride_on_the_line_and_recalled_lots_are_refused() {
    let mut cat = cat();
    let uri = "https://ocop.example.vn/01/08936012345674/10/L1/21/7K3M9PQRSTVWX";
    let item = scan_item(&cat, uri, q("1")).unwrap();
    assert_eq!(item.lot.as_deref(), Some("L1"));
    assert_eq!(item.serials.len(), 1);
    assert_eq!(item.serials[0].as_str(), "7K3M9PQRSTVWX");
    let lines = cart_lines(&cat, std::slice::from_ref(&item)).unwrap();
    assert_eq!(lines[0].serials, item.serials);

    let product_id = item.product_id;
    cat.recalled = vec![crate::catalogue::RecalledLot {
        product_id,
        lot_code: "L1".into(),
        reason: "nhiễm nấm mốc".into(),
    }];
    let refused = scan_item(&cat, uri, q("1")).unwrap_err();
    let refusal = refused.downcast_ref::<Refusal>().unwrap();
    assert_eq!(refusal.code(), "recalled_lot");
    assert!(
        refusal
            .message(ocop_core::i18n::Lang::Vi)
            .contains("KHÔNG BÁN")
    );
    assert!(
        refusal
            .message(ocop_core::i18n::Lang::Vi)
            .contains("nhiễm nấm mốc")
    );
    // Scanned before the recall arrived: the sale itself is refused.
    let err = cart_lines(&cat, &[item]).unwrap_err();
    assert_eq!(
        err.downcast_ref::<Refusal>().unwrap().code(),
        "recalled_lot"
    );
    // Another lot of the same product still sells.
    let other = "https://ocop.example.vn/01/08936012345674/10/L2/21/7K3M9PQRSTVWY";
    assert!(scan_item(&cat, other, q("1")).is_ok());
}
