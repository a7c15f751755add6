//! The till's durable local store: one SQLite file in the data directory.
//!
//! Guarantees:
//! - the file runs in WAL mode with `synchronous=FULL`: a transaction that
//!   returned from `commit` survives a crash or a power cut;
//! - a receipt (sale or refund) is committed in ONE immediate transaction
//!   that reads the journal head, takes the next receipt number, seals the
//!   record after the head's hash, appends it to the outbox and moves the
//!   head. If anything fails the transaction rolls back and the number is
//!   not used: receipt numbers never repeat or skip, across crashes
//!   (`outbox.receipt_no` is also UNIQUE, a second line of defence);
//! - the outbox is only ever appended to; a row changes state
//!   (queued → sent → acknowledged, or rejected) but its JSON never changes.
//!
//! - the schema is versioned (`PRAGMA user_version`, [`SCHEMA_VERSION`]):
//!   opening an older file migrates it in the same transaction that creates
//!   what is missing, so a till upgraded mid-queue keeps every row, its
//!   sequence numbers and its receipt numbers; a file from a newer till is
//!   refused rather than guessed at.
//!
//! Tables: `config` (key → JSON), `journal_head`, `outbox` (kinds `sale`,
//! `refund`, `shift_event`, `transfer_confirmation`: [`OutboxKind`]), `products` and
//! `catalogue_meta` (the outlet's catalogue, see [`crate::catalogue`]),
//! `parked` (carts put aside).
//!
//! Schema versions: 0 — the first (no `user_version`); 1 — the outbox also
//! takes `transfer_confirmation` rows (its CHECK is rebuilt: SQLite cannot
//! alter a CHECK in place).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use ocop_core::refusal::Refusal;
use ocop_core::sale::{ChainHash, ReceiptNo};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS config (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_receipt_no INTEGER NOT NULL CHECK (last_receipt_no >= 0),
    head_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS catalogue_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    etag TEXT,
    outlet_json TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    gtin TEXT,
    code TEXT,
    price INTEGER NOT NULL,
    vat TEXT NOT NULL,
    unit TEXT NOT NULL,
    fractional INTEGER NOT NULL,
    producer_id INTEGER NOT NULL,
    grp TEXT NOT NULL,
    stars INTEGER NOT NULL,
    status TEXT NOT NULL,
    warning TEXT
);
CREATE TABLE IF NOT EXISTS parked (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL,
    json TEXT NOT NULL,
    parked_at TEXT NOT NULL
);
";

/// The outbox's columns (schema version 1), for creating it and for
/// rebuilding an older one.
const OUTBOX_COLUMNS: &str = "(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL
        CHECK (kind IN ('sale', 'refund', 'shift_event', 'transfer_confirmation')),
    record_id TEXT NOT NULL UNIQUE,
    receipt_no INTEGER UNIQUE,
    json TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'acknowledged', 'rejected')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TEXT,
    created_at TEXT NOT NULL,
    acked_at TEXT
)";

/// The outbox's indexes (after the table, and again after a rebuild).
const OUTBOX_INDEXES: &str = "
-- Records of a shift (sales, refunds carry `shift_id`; shift events too)
-- and refunds of a sale, found without reading the whole outbox.
CREATE INDEX IF NOT EXISTS outbox_shift ON outbox (json_extract(json, '$.shift_id'));
CREATE INDEX IF NOT EXISTS outbox_refunded_sale
    ON outbox (json_extract(json, '$.original_sale_id')) WHERE kind = 'refund';
";

/// The schema this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;

/// Brings the file to [`SCHEMA_VERSION`] inside `tx`: creates what is
/// missing, migrates what is older, refuses what is newer.
fn migrate(tx: &Connection) -> anyhow::Result<()> {
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(Refusal::conflict(
            "schema_too_new",
            format!(
                "Cơ sở dữ liệu của máy bán hàng thuộc phiên bản mới hơn (lược đồ {version}, bản \
                 này hiểu đến {SCHEMA_VERSION}); hãy cập nhật ocop-till"
            ),
            format!(
                "the till database was written by a newer ocop-till (schema {version}, this one \
                 knows up to {SCHEMA_VERSION}); update ocop-till"
            ),
        )
        .into());
    }
    let has_outbox: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox')",
        [],
        |r| r.get(0),
    )?;
    if has_outbox && version < 1 {
        rebuild_outbox(tx)?;
    }
    tx.execute_batch(SCHEMA)?;
    tx.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS outbox {OUTBOX_COLUMNS};"
    ))?;
    tx.execute_batch(OUTBOX_INDEXES)?;
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION};"))?;
    Ok(())
}

/// Version 0 → 1: the outbox rebuilt with the wider `kind` CHECK (SQLite's
/// documented way: new table, copy, drop, rename). Every column is copied,
/// `seq` included, and the AUTOINCREMENT high-water mark is carried over
/// so a sequence number is never handed out twice.
fn rebuild_outbox(tx: &Connection) -> anyhow::Result<()> {
    let high: Option<i64> = tx
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let columns = "seq, kind, record_id, receipt_no, json, state, attempts, last_error, \
                   next_attempt_at, created_at, acked_at";
    tx.execute_batch(&format!(
        "CREATE TABLE outbox_v1 {OUTBOX_COLUMNS};
         INSERT INTO outbox_v1 ({columns}) SELECT {columns} FROM outbox ORDER BY seq;
         DROP TABLE outbox;
         ALTER TABLE outbox_v1 RENAME TO outbox;"
    ))?;
    if let Some(high) = high {
        let moved = tx.execute(
            "UPDATE sqlite_sequence SET seq = MAX(seq, ?1) WHERE name = 'outbox'",
            [high],
        )?;
        if moved == 0 {
            tx.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?1)",
                [high],
            )?;
        }
    }
    Ok(())
}

/// The file name inside the data directory.
pub const DB_FILE: &str = "till.sqlite3";

/// Where an outbox row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    Queued,
    /// Handed to the network; not yet acknowledged (resent after a crash:
    /// the server stores a record once, by its id).
    Sent,
    Acknowledged,
    /// Refused by the server for good (bad arithmetic, conflict); kept and
    /// shown, never silently dropped.
    Rejected,
}

impl OutboxState {
    pub fn code(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sent => "sent",
            OutboxState::Acknowledged => "acknowledged",
            OutboxState::Rejected => "rejected",
        }
    }
}

/// What an outbox record is; decides where the sender posts it. Stored as
/// its [`OutboxKind::code`], the strings the table has always held (and
/// its CHECK allows), so existing till databases read unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxKind {
    /// A sealed sale (with a receipt number); sent in batches.
    Sale,
    /// A sealed refund (with a receipt number).
    Refund,
    /// A shift opened, a cash movement, a shift closed.
    ShiftEvent,
    /// A cashier's confirmation that a sale's transfer arrived.
    TransferConfirmation,
}

impl OutboxKind {
    pub const ALL: [OutboxKind; 4] = [
        OutboxKind::Sale,
        OutboxKind::Refund,
        OutboxKind::ShiftEvent,
        OutboxKind::TransferConfirmation,
    ];

    /// The form stored in `outbox.kind`.
    pub const fn code(self) -> &'static str {
        match self {
            OutboxKind::Sale => "sale",
            OutboxKind::Refund => "refund",
            OutboxKind::ShiftEvent => "shift_event",
            OutboxKind::TransferConfirmation => "transfer_confirmation",
        }
    }

    pub fn from_code(code: &str) -> Option<OutboxKind> {
        OutboxKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl rusqlite::ToSql for OutboxKind {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.code().into())
    }
}

impl rusqlite::types::FromSql for OutboxKind {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let code = value.as_str()?;
        OutboxKind::from_code(code).ok_or_else(|| {
            rusqlite::types::FromSqlError::Other(format!("unknown outbox kind {code:?}").into())
        })
    }
}

/// One record waiting to be sent (or already sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub seq: i64,
    pub kind: OutboxKind,
    pub record_id: String,
    pub receipt_no: Option<u32>,
    pub json: String,
    pub attempts: i64,
}

/// A freshly committed receipt, as stored.
#[derive(Debug, Clone)]
pub struct Committed<R> {
    pub record: R,
    pub seq: i64,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

fn now_text() -> String {
    Utc::now().to_rfc3339()
}

impl Store {
    /// Opens (creating if needed) the store in `dir`.
    pub fn open_dir(dir: &Path) -> anyhow::Result<Store> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        Store::open(&dir.join(DB_FILE))
    }

    pub fn open(path: &Path) -> anyhow::Result<Store> {
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot open the till database {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            bail!("the till database could not switch to WAL (got {mode})");
        }
        // FULL: a sale that the till printed must survive a power cut.
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        // Up to date (the common case, every background pass): no write.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != SCHEMA_VERSION {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            migrate(&tx)
                .with_context(|| format!("cannot prepare the till database {}", path.display()))?;
            tx.commit()?;
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    // ---- config -------------------------------------------------------

    pub fn get<T: DeserializeOwned>(&self, key: &str) -> anyhow::Result<Option<T>> {
        get_in(&self.conn, key)
    }

    pub fn set<T: Serialize>(&self, key: &str, value: &T) -> anyhow::Result<()> {
        set_in(&self.conn, key, value)
    }

    /// Runs `f` in one immediate transaction: everything it writes through
    /// the connection it is given (with [`set_in`], [`enqueue_event_in`],
    /// [`remove_in`]) commits together or not at all.
    pub fn transaction<T>(
        &mut self,
        f: impl FnOnce(&Connection) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    // ---- journal ------------------------------------------------------

    /// The last receipt number used (0 before the first) and the chain head.
    pub fn journal_head(&self) -> anyhow::Result<(u32, ChainHash)> {
        read_head(&self.conn)
    }

    /// Commits one receipt: `make(number, prev_hash)` builds and seals the
    /// record; it is appended to the outbox and the head moves, all in one
    /// transaction. An error from `make` (or from SQLite) leaves nothing.
    pub fn commit_receipt<R: Serialize>(
        &mut self,
        kind: OutboxKind,
        make: impl FnOnce(ReceiptNo, ChainHash) -> anyhow::Result<R>,
        identity: impl Fn(&R) -> (String, ChainHash),
    ) -> anyhow::Result<Committed<R>> {
        self.commit_receipt_if(kind, |_| Ok(()), make, identity)
    }

    /// [`Store::commit_receipt`], after `check` has passed inside the same
    /// transaction (e.g. that the shift the receipt names is still the
    /// open one, whatever another process did meanwhile).
    pub fn commit_receipt_if<R: Serialize>(
        &mut self,
        kind: OutboxKind,
        check: impl FnOnce(&Connection) -> anyhow::Result<()>,
        make: impl FnOnce(ReceiptNo, ChainHash) -> anyhow::Result<R>,
        identity: impl Fn(&R) -> (String, ChainHash),
    ) -> anyhow::Result<Committed<R>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        check(&tx)?;
        let (last, head) = read_head(&tx)?;
        let number = last
            .checked_add(1)
            .and_then(ReceiptNo::new)
            .context("the receipt numbers of this till are exhausted")?;
        let record = make(number, head)?;
        let (record_id, hash) = identity(&record);
        let json = serde_json::to_string(&record)?;
        tx.execute(
            "INSERT INTO outbox (kind, record_id, receipt_no, json, state, created_at)
             VALUES (?1, ?2, ?3, ?4, 'queued', ?5)",
            params![kind, record_id, number.get(), json, now_text()],
        )?;
        let seq = tx.last_insert_rowid();
        let moved = tx.execute(
            "UPDATE journal_head SET last_receipt_no = ?1, head_hash = ?2
             WHERE id = 1 AND last_receipt_no = ?3",
            params![number.get(), hash.to_hex(), last],
        )?;
        if moved != 1 {
            bail!("the journal head moved under this transaction");
        }
        tx.commit()?;
        Ok(Committed { record, seq })
    }

    /// Appends a record without a receipt number (shift events).
    pub fn enqueue_event(&self, record_id: &str, json: &str) -> anyhow::Result<i64> {
        enqueue_event_in(&self.conn, record_id, json)
    }

    /// The JSON of the receipts (`kind` sale or refund) of a shift, in
    /// receipt order.
    pub fn receipts_of_shift(
        &self,
        kind: OutboxKind,
        shift_id: &str,
    ) -> anyhow::Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT json FROM outbox
             WHERE json_extract(json, '$.shift_id') = ?2 AND kind = ?1
             ORDER BY receipt_no, seq",
        )?;
        let rows = stmt.query_map(params![kind, shift_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<String>, _>>()?)
    }

    /// The JSON of the shift events (`shift_event` rows) of a shift, in
    /// outbox order.
    pub fn events_of_shift(&self, shift_id: &str) -> anyhow::Result<Vec<String>> {
        self.receipts_of_shift(OutboxKind::ShiftEvent, shift_id)
    }

    /// The JSON of every shift event whose `op` is `op`, in outbox order.
    pub fn events_by_op(&self, op: &str) -> anyhow::Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT json FROM outbox
             WHERE kind = 'shift_event' AND json_extract(json, '$.op') = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([op], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<String>, _>>()?)
    }

    /// The JSON of a record by its id (a sale's or refund's UUID).
    pub fn record_json(&self, kind: OutboxKind, record_id: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT json FROM outbox WHERE kind = ?1 AND record_id = ?2",
                params![kind, record_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The JSON of this till's refunds of sale `sale_id`, in receipt order.
    pub fn refunds_of_sale(&self, sale_id: &str) -> anyhow::Result<Vec<String>> {
        refunds_of_sale_in(&self.conn, sale_id)
    }

    /// Σ of the `total` of every receipt of `kind` the till holds, as the
    /// stored amounts (whole đồng); summed by the caller with the core.
    pub fn receipt_totals(&self, kind: OutboxKind) -> anyhow::Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT json_extract(json, '$.total') FROM outbox
             WHERE kind = ?1 AND receipt_no IS NOT NULL ORDER BY receipt_no",
        )?;
        let rows = stmt.query_map([kind], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<i64>, _>>()?)
    }

    /// The JSON of receipt `no` (for reprint), or of the last one.
    pub fn receipt_json(&self, no: Option<u32>) -> anyhow::Result<Option<(OutboxKind, String)>> {
        let sql = match no {
            Some(_) => "SELECT kind, json FROM outbox WHERE receipt_no = ?1",
            None => {
                "SELECT kind, json FROM outbox WHERE receipt_no IS NOT NULL AND ?1 IS NULL
                 ORDER BY receipt_no DESC LIMIT 1"
            }
        };
        Ok(self
            .conn
            .query_row(sql, params![no], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Every receipt number in the outbox, ascending (tests, status).
    pub fn receipt_numbers(&self) -> anyhow::Result<Vec<u32>> {
        let mut stmt = self.conn.prepare(
            "SELECT receipt_no FROM outbox WHERE receipt_no IS NOT NULL ORDER BY receipt_no",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<u32>, _>>()?)
    }

    // ---- outbox -------------------------------------------------------

    /// Records still to send (queued, or sent without an answer), oldest
    /// first; `due_only` stops before the first whose back-off has not
    /// elapsed — never skips it, so a later record (a transfer confirmation
    /// after its sale, receipt n+1 after n) cannot overtake one waiting.
    pub fn pending(&self, limit: u32, due_only: bool) -> anyhow::Result<Vec<OutboxItem>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, kind, record_id, receipt_no, json, attempts FROM outbox
             WHERE state IN ('queued', 'sent')
               AND (?2 = 0 OR seq < COALESCE(
                   (SELECT MIN(seq) FROM outbox WHERE state IN ('queued', 'sent')
                      AND next_attempt_at > ?3),
                   9223372036854775807))
             ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit, due_only, now_text()], |r| {
            Ok(OutboxItem {
                seq: r.get(0)?,
                kind: r.get(1)?,
                record_id: r.get(2)?,
                receipt_no: r.get(3)?,
                json: r.get(4)?,
                attempts: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    pub fn mark(
        &self,
        seq: i64,
        state: OutboxState,
        error: Option<&str>,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> anyhow::Result<()> {
        let counts_attempt = matches!(state, OutboxState::Sent);
        let acked = matches!(state, OutboxState::Acknowledged).then(now_text);
        self.conn.execute(
            "UPDATE outbox SET state = ?2,
                 attempts = attempts + ?3,
                 last_error = COALESCE(?4, CASE WHEN ?2 = 'acknowledged' THEN NULL ELSE last_error END),
                 next_attempt_at = ?5,
                 acked_at = COALESCE(?6, acked_at)
             WHERE seq = ?1 AND state <> 'acknowledged'",
            params![
                seq,
                state.code(),
                i64::from(counts_attempt),
                error,
                next_attempt_at.map(|t| t.to_rfc3339()),
                acked
            ],
        )?;
        Ok(())
    }

    /// Where outbox row `seq` stands (`queued`, `sent`, `acknowledged`,
    /// `rejected`), and its last error.
    pub fn outbox_state(&self, seq: i64) -> anyhow::Result<Option<(String, Option<String>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT state, last_error FROM outbox WHERE seq = ?1",
                [seq],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The outbox's last sequence number (0 while empty): anything
    /// appended since it was read moves it.
    pub fn last_seq(&self) -> anyhow::Result<i64> {
        last_seq_in(&self.conn)
    }

    /// How many rows are in each state: (waiting, acknowledged, rejected).
    pub fn queue_counts(&self) -> anyhow::Result<(i64, i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT
               COALESCE(SUM(state IN ('queued', 'sent')), 0),
               COALESCE(SUM(state = 'acknowledged'), 0),
               COALESCE(SUM(state = 'rejected'), 0)
             FROM outbox",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }

    /// The last error recorded on a row still waiting, if any.
    pub fn last_queue_error(&self) -> anyhow::Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT last_error FROM outbox WHERE state <> 'acknowledged'
                 AND last_error IS NOT NULL ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    // ---- parked carts -------------------------------------------------

    pub fn park(&self, label: &str, json: &str) -> anyhow::Result<i64> {
        self.conn.execute(
            "INSERT INTO parked (label, json, parked_at) VALUES (?1, ?2, ?3)",
            params![label, json, now_text()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Takes a parked cart back (and removes it from the parked list).
    /// Immediate: two windows resuming the same cart queue on the write
    /// lock (busy timeout) and the second finds it gone, rather than
    /// failing to upgrade a read transaction ("database is locked").
    pub fn unpark(&mut self, id: i64) -> anyhow::Result<Option<String>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let json: Option<String> = tx
            .query_row("SELECT json FROM parked WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        tx.execute("DELETE FROM parked WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(json)
    }

    pub fn parked(&self) -> anyhow::Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, label FROM parked ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

/// [`Store::get`] inside a transaction.
pub fn get_in<T: DeserializeOwned>(conn: &Connection, key: &str) -> anyhow::Result<Option<T>> {
    let text: Option<String> = conn
        .query_row("SELECT value FROM config WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    text.map(|t| serde_json::from_str(&t).with_context(|| format!("config {key}")))
        .transpose()
}

/// [`Store::set`] inside a transaction.
pub fn set_in<T: Serialize>(conn: &Connection, key: &str, value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string(value)?;
    conn.execute(
        "INSERT INTO config (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, text],
    )?;
    Ok(())
}

/// Removes a configuration key (inside a transaction).
pub fn remove_in(conn: &Connection, key: &str) -> anyhow::Result<()> {
    conn.execute("DELETE FROM config WHERE key = ?1", [key])?;
    Ok(())
}

/// [`Store::enqueue_event`] inside a transaction.
pub fn enqueue_event_in(conn: &Connection, record_id: &str, json: &str) -> anyhow::Result<i64> {
    enqueue_in(conn, OutboxKind::ShiftEvent, record_id, json)
}

/// The sequence number and JSON of the `kind` record `record_id`, read
/// inside a transaction.
pub fn record_in(
    conn: &Connection,
    kind: OutboxKind,
    record_id: &str,
) -> anyhow::Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT seq, json FROM outbox WHERE kind = ?1 AND record_id = ?2",
            params![kind, record_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Appends a record of `kind` without a receipt number (shift events,
/// transfer confirmations) inside a transaction; its sequence number.
pub fn enqueue_in(
    conn: &Connection,
    kind: OutboxKind,
    record_id: &str,
    json: &str,
) -> anyhow::Result<i64> {
    conn.execute(
        "INSERT INTO outbox (kind, record_id, json, state, created_at)
         VALUES (?1, ?2, ?3, 'queued', ?4)",
        params![kind, record_id, json, now_text()],
    )?;
    Ok(conn.last_insert_rowid())
}

/// [`Store::refunds_of_sale`] inside a transaction.
pub fn refunds_of_sale_in(conn: &Connection, sale_id: &str) -> anyhow::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT json FROM outbox
         WHERE json_extract(json, '$.original_sale_id') = ?1 AND kind = 'refund'
         ORDER BY receipt_no",
    )?;
    let rows = stmt.query_map([sale_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<Vec<String>, _>>()?)
}

/// [`Store::last_seq`] inside a transaction.
pub fn last_seq_in(conn: &Connection) -> anyhow::Result<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM outbox", [], |r| r.get(0))?)
}

fn read_head(conn: &Connection) -> anyhow::Result<(u32, ChainHash)> {
    conn.execute(
        "INSERT OR IGNORE INTO journal_head (id, last_receipt_no, head_hash) VALUES (1, 0, ?1)",
        [ChainHash::GENESIS.to_hex()],
    )?;
    let (last, hash): (u32, String) = conn.query_row(
        "SELECT last_receipt_no, head_hash FROM journal_head WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((last, ChainHash::parse(&hash)?))
}

#[cfg(test)]
mod tests;
