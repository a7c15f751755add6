//! The cashier's confirmation is durable, queued once, after its sale, and
//! routed to the sale's `transfer-confirmations`; a look at an unreachable
//! server says offline without touching what is queued.

use super::*;
use crate::checkout::tests::{cat, cfg};
use crate::checkout::{self, Tender};
use ocop_core::money::Dong;

fn sale(store: &mut Store, tender: Tender) -> Sale {
    let c = cat();
    let item = checkout::scan_item(&c, "8936012345674", checkout::tests::q("1")).unwrap();
    checkout::commit_sale(store, &cfg(), &c, &[item], &[tender])
        .unwrap()
        .record
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    crate::shift::open(&mut store, &cfg(), Dong::new(0)).unwrap();
    cfg().save(&store).unwrap();
    (dir, store)
}

#[test]
fn a_confirmation_is_queued_once_after_its_sale() {
    let (_dir, mut store) = open();
    let qr = sale(&mut store, Tender::Qr);
    let first = confirm(&mut store, &cfg(), &qr).unwrap();
    assert!(first.new);
    assert_eq!(first.confirmation.sale_id, qr.id);
    assert_eq!(first.confirmation.cashier_id, cfg().cashier_id);
    assert_eq!(first.confirmation.receipt, "T3-000001");
    let again = confirm(&mut store, &cfg(), &qr).unwrap();
    assert!(!again.new, "a second confirmation queues nothing");
    assert_eq!(again.confirmation, first.confirmation);
    assert_eq!(again.seq, first.seq);

    let kinds: Vec<(OutboxKind, String)> = store
        .pending(100, false)
        .unwrap()
        .into_iter()
        .map(|i| (i.kind, i.record_id))
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert_eq!(kinds[1], (OutboxKind::Sale, qr.id.to_string()));
    assert_eq!(
        kinds[2].0,
        OutboxKind::TransferConfirmation,
        "after its sale"
    );
    assert_eq!(
        confirmation_of(&store, qr.id).unwrap(),
        Some(first.confirmation.clone())
    );
    // No receipt number is used by a confirmation.
    assert_eq!(store.receipt_numbers().unwrap(), vec![1]);

    let cash = sale(&mut store, Tender::Cash(None));
    let refused = confirm(&mut store, &cfg(), &cash).unwrap_err().to_string();
    assert!(refused.starts_with("no_bank_transfer"), "{refused}");
    assert_eq!(store.pending(100, false).unwrap().len(), 4);
}

#[test]
fn the_sync_routes_a_confirmation_to_its_sale_with_the_cashier() {
    let (_dir, mut store) = open();
    let qr = sale(&mut store, Tender::Qr);
    confirm(&mut store, &cfg(), &qr).unwrap();
    let item = store
        .pending(100, false)
        .unwrap()
        .into_iter()
        .find(|i| i.kind == OutboxKind::TransferConfirmation)
        .unwrap();
    let c: Confirmation = serde_json::from_str(&item.json).unwrap();
    assert_eq!(
        c.path(),
        format!("/api/v1/sales/{}/transfer-confirmations", qr.id)
    );
    let body: serde_json::Value = serde_json::from_str(&c.body()).unwrap();
    assert_eq!(body, serde_json::json!({"cashier_id": 5}));
}

#[test]
fn own_sales_are_found_offline_by_number_or_id() {
    let (_dir, mut store) = open();
    let qr = sale(&mut store, Tender::Qr);
    for text in ["T3-000001", "t3-1", &qr.id.to_string()] {
        let r = crate::refund::parse_sale_ref(text).unwrap();
        assert_eq!(find_sale(&store, &cfg(), &r).unwrap().id, qr.id, "{text}");
    }
    // Another till's receipt needs the server, which is not there.
    let other = crate::refund::parse_sale_ref("T9-000001").unwrap();
    let e = find_sale(&store, &cfg(), &other).unwrap_err().to_string();
    assert!(e.starts_with("sale_not_found"), "{e}");
}

/// The watcher against a port nobody listens on: it says offline, keeps
/// the sale and the confirmation queued, and stops when dropped.
#[test]
fn the_watcher_reports_offline_and_keeps_the_queue() {
    let (dir, mut store) = open();
    let qr = sale(&mut store, Tender::Qr);
    confirm(&mut store, &cfg(), &qr).unwrap();
    let watch = Watch::start(
        dir.path().join(crate::store::DB_FILE),
        qr.id,
        Duration::from_millis(50),
    );
    let mut seen = None;
    for _ in 0..200 {
        seen = watch.latest().or(seen);
        if seen.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    drop(watch);
    assert!(matches!(seen, Some(Seen::Offline(_))), "{seen:?}");
    assert_eq!(store.queue_counts().unwrap(), (3, 0, 0), "nothing lost");
}

/// A server that answers every request with 503 and counts the records
/// posted to it (the queue's first record stops each pass).
fn busy_server() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let posts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = posts.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            // The request line is all this server needs.
            while !seen.windows(2).any(|w| w == b"\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            if seen.starts_with(b"POST ") {
                counted.fetch_add(1, Ordering::SeqCst);
            }
            let _ = stream.write_all(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    (url, posts)
}

/// Looking every 2 s while the server fails must not resend every 2 s:
/// the second look finds the sale still backing off and sends nothing,
/// and says offline (the sale is not on the server yet).
#[test]
fn looks_respect_the_back_off_of_what_is_queued() {
    let (dir, mut store) = open();
    let (url, posts) = busy_server();
    let mut c = cfg();
    c.server_url = url;
    c.save(&store).unwrap();
    let qr = sale(&mut store, Tender::Qr);
    let db = dir.path().join(crate::store::DB_FILE);
    let first = look(&db, qr.id);
    let second = look(&db, qr.id);
    assert!(matches!(first, Seen::Offline(_)), "{first:?}");
    assert!(matches!(second, Seen::Offline(_)), "{second:?}");
    assert_eq!(
        posts.load(Ordering::SeqCst),
        1,
        "sent once, then backed off"
    );
    assert_eq!(
        store.queue_counts().unwrap().0,
        2,
        "shift opening and sale kept"
    );
}
