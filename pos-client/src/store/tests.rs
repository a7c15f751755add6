//! The store's promises: receipt numbers and the chain head survive a
//! reopen, a failed commit leaves no gap, the outbox keeps its order.

use super::*;
use ocop_core::sale::journal::chain_hash;

/// A stand-in record: the store does not care what it commits.
#[derive(Debug, Clone, Serialize)]
struct Rec {
    id: String,
    no: u32,
    prev: String,
    hash: String,
}

fn commit(store: &mut Store, fail: bool) -> anyhow::Result<Committed<Rec>> {
    store.commit_receipt(
        "sale",
        |no, prev| {
            if fail {
                anyhow::bail!("refused by the core");
            }
            let hash = chain_hash(&prev, format!("rec{no}").as_bytes());
            Ok(Rec {
                id: uuid::Uuid::new_v4().to_string(),
                no: no.get(),
                prev: prev.to_hex(),
                hash: hash.to_hex(),
            })
        },
        |r| (r.id.clone(), ChainHash::parse(&r.hash).unwrap()),
    )
}

#[test]
fn counter_and_chain_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let first_hash;
    {
        let mut s = Store::open_dir(dir.path()).unwrap();
        assert_eq!(s.journal_head().unwrap(), (0, ChainHash::GENESIS));
        let a = commit(&mut s, false).unwrap().record;
        assert_eq!(a.no, 1);
        assert_eq!(a.prev, ChainHash::GENESIS.to_hex());
        first_hash = a.hash.clone();
    }
    let mut s = Store::open_dir(dir.path()).unwrap();
    let (last, head) = s.journal_head().unwrap();
    assert_eq!(last, 1);
    assert_eq!(head.to_hex(), first_hash);
    let b = commit(&mut s, false).unwrap().record;
    assert_eq!(b.no, 2);
    assert_eq!(b.prev, first_hash, "the second receipt links to the first");
    assert_eq!(s.receipt_numbers().unwrap(), vec![1, 2]);
}

#[test]
fn a_failed_commit_uses_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open_dir(dir.path()).unwrap();
    commit(&mut s, false).unwrap();
    let head = s.journal_head().unwrap();
    assert!(commit(&mut s, true).is_err());
    assert_eq!(s.journal_head().unwrap(), head, "head unchanged");
    assert_eq!(s.queue_counts().unwrap().0, 1, "nothing queued");
    assert_eq!(commit(&mut s, false).unwrap().record.no, 2, "no gap");
    assert_eq!(s.receipt_numbers().unwrap(), vec![1, 2]);
}

#[test]
fn store_is_wal_and_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open_dir(dir.path()).unwrap();
    let mode: String = s
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let sync: i64 = s
        .conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "FULL");
}

#[test]
fn outbox_states_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open_dir(dir.path()).unwrap();
    let a = commit(&mut s, false).unwrap();
    let b = commit(&mut s, false).unwrap();
    s.enqueue_event("ev-1", "{}").unwrap();
    let pending = s.pending(10, false).unwrap();
    assert_eq!(
        pending.iter().map(|p| p.seq).collect::<Vec<_>>(),
        vec![a.seq, b.seq, a.seq + 2]
    );
    s.mark(a.seq, OutboxState::Sent, None, None).unwrap();
    // sent but not acknowledged: still pending (resent after a crash)
    assert_eq!(s.pending(10, false).unwrap().len(), 3);
    assert_eq!(s.pending(10, false).unwrap()[0].attempts, 1);
    s.mark(a.seq, OutboxState::Acknowledged, None, None)
        .unwrap();
    // an acknowledged row never goes back
    s.mark(a.seq, OutboxState::Queued, Some("late"), None)
        .unwrap();
    let later = Utc::now() + chrono::Duration::hours(1);
    s.mark(b.seq, OutboxState::Queued, Some("offline"), Some(later))
        .unwrap();
    assert_eq!(s.pending(10, false).unwrap().len(), 2);
    assert_eq!(
        s.pending(10, true).unwrap().len(),
        1,
        "b waits for its back-off"
    );
    assert_eq!(s.queue_counts().unwrap(), (2, 1, 0));
    assert_eq!(s.last_queue_error().unwrap().as_deref(), Some("offline"));
    // receipts are found again for a reprint
    let (kind, json) = s.receipt_json(Some(2)).unwrap().unwrap();
    assert_eq!(kind, "sale");
    assert!(json.contains("\"no\":2"));
    assert!(
        s.receipt_json(None)
            .unwrap()
            .unwrap()
            .1
            .contains("\"no\":2")
    );
    assert!(s.receipt_json(Some(9)).unwrap().is_none());
}

#[test]
fn config_and_parked_carts() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open_dir(dir.path()).unwrap();
    assert_eq!(s.get::<i32>("x").unwrap(), None);
    s.set("x", &5).unwrap();
    s.set("x", &6).unwrap();
    assert_eq!(s.get::<i32>("x").unwrap(), Some(6));
    let id = s.park("Khách áo xanh", "[1,2]").unwrap();
    assert_eq!(s.parked().unwrap(), vec![(id, "Khách áo xanh".to_owned())]);
    assert_eq!(s.unpark(id).unwrap().as_deref(), Some("[1,2]"));
    assert!(s.parked().unwrap().is_empty());
    assert_eq!(s.unpark(id).unwrap(), None);
}

/// Two processes selling on one till (two windows, a stuck instance): the
/// immediate transaction serialises them, so numbers stay unique and
/// gapless and every receipt links to the one before it.
/// (The "two browser tabs" duplicates of odoo/odoo#152259.)
#[test]
fn concurrent_connections_never_share_or_skip_a_number() {
    let dir = tempfile::tempdir().unwrap();
    Store::open_dir(dir.path()).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let path = dir.path().join(DB_FILE);
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                for _ in 0..25 {
                    commit(&mut s, false).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let s = Store::open_dir(dir.path()).unwrap();
    assert_eq!(
        s.receipt_numbers().unwrap(),
        (1..=100).collect::<Vec<u32>>()
    );
    let mut prev = ChainHash::GENESIS.to_hex();
    for no in 1..=100 {
        let (_, json) = s.receipt_json(Some(no)).unwrap().unwrap();
        let rec: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            rec["prev"],
            prev.as_str(),
            "receipt {no} links to {}",
            no - 1
        );
        prev = rec["hash"].as_str().unwrap().to_owned();
    }
    assert_eq!(s.journal_head().unwrap().1.to_hex(), prev);
}
