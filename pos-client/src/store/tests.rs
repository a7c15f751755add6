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
        OutboxKind::Sale,
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
    assert!(
        s.pending(10, true).unwrap().is_empty(),
        "b waits for its back-off, and the event after it waits for b"
    );
    assert_eq!(s.queue_counts().unwrap(), (2, 1, 0));
    assert_eq!(s.last_queue_error().unwrap().as_deref(), Some("offline"));
    // receipts are found again for a reprint
    let (kind, json) = s.receipt_json(Some(2)).unwrap().unwrap();
    assert_eq!(kind, OutboxKind::Sale);
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

/// The outbox as the first till release created it (schema version 0):
/// its CHECK knew only sales, refunds and shift events.
const V0_SCHEMA: &str = "
CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE journal_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_receipt_no INTEGER NOT NULL CHECK (last_receipt_no >= 0),
    head_hash TEXT NOT NULL
);
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'shift_event')),
    record_id TEXT NOT NULL UNIQUE,
    receipt_no INTEGER UNIQUE,
    json TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'acknowledged', 'rejected')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TEXT,
    created_at TEXT NOT NULL,
    acked_at TEXT
);
CREATE INDEX outbox_shift ON outbox (json_extract(json, '$.shift_id'));
";

/// Every outbox row, every column, in order.
fn outbox_rows(conn: &Connection) -> Vec<Vec<rusqlite::types::Value>> {
    let mut stmt = conn.prepare("SELECT * FROM outbox ORDER BY seq").unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A till database written before schema versions (regression: the
/// outbox CHECK refused `transfer_confirmation` rows): it opens, every row
/// keeps every column, the sequence and receipt numbers go on from where
/// they were, and the new kind is accepted; opening again changes nothing.
#[test]
fn a_version_0_database_opens_and_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let before = {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(V0_SCHEMA).unwrap();
        c.execute_batch(
            "INSERT INTO journal_head VALUES (1, 2, 'ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12');
             INSERT INTO outbox (kind, record_id, receipt_no, json, state, attempts, last_error,
                                 next_attempt_at, created_at, acked_at)
             VALUES ('shift_event', 'ev1', NULL, '{\"op\":\"open\"}', 'acknowledged', 1, NULL,
                     NULL, '2026-11-01T01:00:00+00:00', '2026-11-01T01:00:01+00:00'),
                    ('sale', 's1', 1, '{\"total\":1000}', 'rejected', 2, '422: no', NULL,
                     '2026-11-01T02:00:00+00:00', NULL),
                    ('sale', 's2', 2, '{\"total\":2000}', 'queued', 3, 'down',
                     '2026-11-01T03:00:00+00:00', '2026-11-01T02:30:00+00:00', NULL);
             -- A sequence number handed out and rolled back never comes back.
             UPDATE sqlite_sequence SET seq = 7 WHERE name = 'outbox';",
        )
        .unwrap();
        assert_eq!(
            c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            0
        );
        outbox_rows(&c)
    };
    assert_eq!(before.len(), 3);

    let s = Store::open(&path).unwrap();
    let version: i64 = s
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(outbox_rows(s.conn()), before, "every row, every column");
    assert_eq!(s.receipt_numbers().unwrap(), vec![1, 2]);
    assert_eq!(s.queue_counts().unwrap(), (1, 1, 1));
    let (last, head) = s.journal_head().unwrap();
    assert_eq!(
        (last, head.to_hex()),
        (2, "ab12".repeat(16)),
        "the chain head kept"
    );
    let seq = s
        .conn()
        .execute(
            "INSERT INTO outbox (kind, record_id, json, state, created_at)
             VALUES ('transfer_confirmation', 't1', '{}', 'queued', 'now')",
            [],
        )
        .map(|_| s.conn().last_insert_rowid())
        .unwrap();
    assert_eq!(seq, 8, "after the old high-water mark");
    assert!(
        s.conn()
            .execute(
                "INSERT INTO outbox (kind, record_id, json, state, created_at)
                 VALUES ('bogus', 'b1', '{}', 'queued', 'now')",
                [],
            )
            .is_err(),
        "the CHECK still refuses unknown kinds"
    );
    let indexes: i64 = s
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'
               AND name IN ('outbox_shift', 'outbox_refunded_sale')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexes, 2);
    let rows = outbox_rows(s.conn());
    drop(s);
    let again = Store::open(&path).unwrap();
    assert_eq!(
        outbox_rows(again.conn()),
        rows,
        "a second open changes nothing"
    );
}

#[test]
fn a_database_from_a_newer_till_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99;")
        .unwrap();
    let e = format!("{:#}", Store::open(&path).err().unwrap());
    assert!(e.contains("schema_too_new"), "{e}");
}

/// A record waiting out its back-off holds back everything after it: the
/// background pass (`due_only`) never sends a later record first (a
/// transfer confirmation before its sale would be refused for good).
#[test]
fn a_record_backing_off_holds_back_the_ones_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open_dir(dir.path()).unwrap();
    let first = s.enqueue_event("a", "{}").unwrap();
    let second = s.enqueue_event("b", "{}").unwrap();
    let later = Utc::now() + chrono::Duration::minutes(5);
    s.mark(first, OutboxState::Queued, Some("down"), Some(later))
        .unwrap();
    assert!(s.pending(10, true).unwrap().is_empty());
    let all: Vec<i64> = s
        .pending(10, false)
        .unwrap()
        .iter()
        .map(|i| i.seq)
        .collect();
    assert_eq!(
        all,
        vec![first, second],
        "the sync command sends everything"
    );
    s.mark(first, OutboxState::Queued, None, Some(Utc::now()))
        .unwrap();
    assert_eq!(s.pending(10, true).unwrap().len(), 2);
}

/// Two windows resuming the same parked cart at once: exactly one gets it,
/// the other finds it gone; neither sees an error.
#[test]
fn a_parked_cart_is_resumed_once_from_two_windows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    Store::open(&path).unwrap();
    for round in 0..30 {
        let id = Store::open(&path)
            .unwrap()
            .park(&format!("Khách {round}"), "[1]")
            .unwrap();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut store = Store::open(&path).unwrap();
                    barrier.wait();
                    store.unpark(id).map_err(|e| format!("{e:#}"))
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let got: Vec<_> = results
            .iter()
            .map(|r| r.as_ref().unwrap_or_else(|e| panic!("round {round}: {e}")))
            .filter(|json| json.is_some())
            .collect();
        assert_eq!(got.len(), 1, "round {round}: {results:?}");
    }
}
