//! Discount approval on a real temporary store: the limit, the PIN
//! (argon2id, never stored in clear), the approver's name on the line, and
//! checkout refusing a discount nobody approved.

use super::*;
use crate::checkout::tests::{cat, cfg, q};
use crate::checkout::{Tender, approve, commit_sale, line_gross, scan_item};

fn d(n: i64) -> Dong {
    Dong::new(n)
}

fn manager() -> Approver {
    Approver {
        id: 2,
        name: "Quản lý Lan".into(),
    }
}

#[test]
fn without_a_pin_any_discount_is_refused_with_how_to_configure_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    assert!(!discount_needs_pin(&store, d(100_000), d(0)).unwrap());
    let err = discount_needs_pin(&store, d(100_000), d(1)).unwrap_err();
    let msg = format!("{err}");
    assert!(msg.starts_with("discount_needs_manager_pin"), "{msg}");
    assert!(msg.contains("ocop-till manager-pin set"), "{msg}");
    assert_eq!(verify_pin(&store, "1234").unwrap(), None);
}

#[test]
fn the_pin_is_hashed_and_approves_above_the_limit_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    assert!(set_pin(&store, &manager(), "12a4", 10).is_err());
    assert!(set_pin(&store, &manager(), "123", 10).is_err());
    assert!(set_pin(&store, &manager(), "1234", 101).is_err());
    assert!(
        settings(&store).unwrap().is_none(),
        "refusals store nothing"
    );
    set_pin(&store, &manager(), "2468", 10).unwrap();
    let raw: String = store
        .conn()
        .query_row(
            "SELECT value FROM config WHERE key = 'manager_pin'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(raw.contains("$argon2id$"), "{raw}");
    assert!(!raw.contains("2468"), "the PIN is not kept in clear");
    assert!(!format!("{:?}", settings(&store).unwrap()).contains("argon2"));
    // 10 % of 150.000 is 15.000: up to it, no PIN.
    assert!(!discount_needs_pin(&store, d(150_000), d(15_000)).unwrap());
    assert!(discount_needs_pin(&store, d(150_000), d(15_001)).unwrap());
    assert_eq!(verify_pin(&store, "2468").unwrap(), Some(manager()));
    assert_eq!(verify_pin(&store, " 2468 ").unwrap(), Some(manager()));
    assert_eq!(verify_pin(&store, "2469").unwrap(), None);
    assert_eq!(verify_pin(&store, "").unwrap(), None);
}

#[test]
fn checkout_refuses_a_discount_above_the_limit_that_nobody_approved() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    crate::shift::open(&mut store, &cfg(), d(0)).unwrap();
    set_pin(&store, &manager(), "2468", 10).unwrap();
    let cat = cat();
    let mut item = scan_item(&cat, "8936012345674", q("2")).unwrap();
    assert_eq!(line_gross(&cat, &item).unwrap(), d(300_000));
    // Within the limit: no approval needed.
    item.discount = d(30_000);
    item.discount_reason = Some("Khách quen".into());
    let ok = commit_sale(
        &mut store,
        &cfg(),
        &cat,
        &[item.clone()],
        &[Tender::Cash(None)],
    )
    .unwrap()
    .record;
    assert_eq!(ok.total, d(270_000));
    assert_eq!(ok.lines[0].discount_reason.as_deref(), Some("Khách quen"));
    // Above: refused without an approval, also with a forged name.
    item.discount = d(50_000);
    let head = store.journal_head().unwrap();
    let err = commit_sale(
        &mut store,
        &cfg(),
        &cat,
        &[item.clone()],
        &[Tender::Cash(None)],
    )
    .unwrap_err();
    assert!(
        format!("{err}").starts_with("discount_not_approved"),
        "{err}"
    );
    let mut forged = item.clone();
    approve(
        &mut forged,
        &Approver {
            id: 99,
            name: "Ai đó".into(),
        },
    );
    assert!(commit_sale(&mut store, &cfg(), &cat, &[forged], &[Tender::Cash(None)]).is_err());
    // A reason typed to end with the real manager's mark is not an approval.
    let mut typed = item.clone();
    approve(&mut typed, &manager());
    typed.approved_by = None;
    let err = commit_sale(&mut store, &cfg(), &cat, &[typed], &[Tender::Cash(None)]).unwrap_err();
    assert!(
        format!("{err}").starts_with("discount_not_approved"),
        "{err}"
    );
    assert_eq!(store.journal_head().unwrap(), head, "no number used");
    // Approved with the PIN: the manager's name is on the line.
    let approver = verify_pin(&store, "2468").unwrap().unwrap();
    approve(&mut item, &approver);
    let sale = commit_sale(&mut store, &cfg(), &cat, &[item], &[Tender::Cash(None)])
        .unwrap()
        .record;
    assert_eq!(sale.total, d(250_000));
    assert_eq!(
        sale.lines[0].discount_reason.as_deref(),
        Some("Khách quen — duyệt: Quản lý Lan (#2)")
    );
}
