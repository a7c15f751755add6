//! Sending the outbox to the server, and refreshing the catalogue.
//!
//! Guarantees:
//! - records go in outbox order; the first one that cannot be delivered
//!   (network down, server error) stops the pass, so the server never sees
//!   receipt n+1 before receipt n because of a retry;
//! - a record is marked `sent` (attempt counted) before the request and
//!   `acknowledged` only on the server's 200/201; a crash in between leaves
//!   it `sent`, and it is sent again: the server stores a sale once by its
//!   client UUID, so resending is always safe;
//! - failures back off exponentially per record ([`Backoff`]: doubling from
//!   1 s, capped at 5 minutes); a refusal (4xx other than 401/408/429)
//!   marks the record `rejected` with the server's message: kept, counted in
//!   `status`, never dropped and never retried forever.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::catalogue::{self, Refresh};
use crate::config::TillConfig;
use crate::records;
use crate::server_api::{Auth, SendError, Server, is_transient};
use crate::store::{OutboxItem, OutboxKind, OutboxState, Store};

/// Most sales in one batch (the server's limit is 100).
pub const BATCH: u32 = 100;
const LAST_SYNC_KEY: &str = "last_sync_at";
/// Whether the background sender last found the server reachable.
pub const ONLINE_KEY: &str = "server_online";

/// Exponential back-off: `base × 2^(attempts−1)`, at most `cap`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(300),
        }
    }
}

impl Backoff {
    pub fn delay(&self, attempts: i64) -> Duration {
        let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.base
            .checked_mul(2u32.saturating_pow(exp))
            .unwrap_or(self.cap)
            .min(self.cap)
    }

    fn next_at(&self, attempts: i64) -> DateTime<Utc> {
        let d = chrono::Duration::from_std(self.delay(attempts)).unwrap_or(chrono::Duration::MAX);
        Utc::now()
            .checked_add_signed(d)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub acknowledged: usize,
    pub rejected: usize,
    /// Still waiting after the pass.
    pub waiting: i64,
    /// Why the pass stopped early (network, server).
    pub error: Option<String>,
    pub catalogue: Option<String>,
}

/// Sends what is waiting, in order, and records the time of a pass that
/// emptied what it could without a network or server error. `due_only`: respect each record's
/// back-off (the background task); the `sync` command sends everything now.
pub fn send_outbox(
    store: &Store,
    server: &Server,
    auth: &Auth,
    backoff: Backoff,
    due_only: bool,
) -> anyhow::Result<SyncReport> {
    let mut report = SyncReport::default();
    'pass: loop {
        let items = store.pending(BATCH, due_only)?;
        let Some(first) = items.first() else { break };
        // A leading run of sales goes as one batch; anything else alone.
        let run: Vec<&OutboxItem> = if first.kind == OutboxKind::Sale {
            items
                .iter()
                .take_while(|i| i.kind == OutboxKind::Sale)
                .collect()
        } else {
            vec![first]
        };
        for item in &run {
            store.mark(item.seq, OutboxState::Sent, None, None)?;
        }
        let outcome = if first.kind == OutboxKind::Sale {
            let bodies: Vec<&str> = run.iter().map(|i| i.json.as_str()).collect();
            server.post_sales(auth, &bodies).map(|answers| {
                answers
                    .into_iter()
                    .map(|a| (a.index, a.status, a.body.to_string()))
                    .collect::<Vec<_>>()
            })
        } else {
            match records::route(first) {
                Ok((path, body)) => server
                    .post_one(auth, &path, &body)
                    .map(|()| vec![(0, 200, String::new())]),
                // Judged here, not by the server: kept, never resent.
                Err(e) => Ok(vec![(0, 422, e)]),
            }
        };
        let answers = match outcome {
            Ok(a) => a,
            Err(SendError::Transient(e)) => {
                tracing::warn!(records = run.len(), error = %e, "send failed, kept queued");
                for item in &run {
                    let next = backoff.next_at(item.attempts.saturating_add(1));
                    store.mark(item.seq, OutboxState::Queued, Some(&e), Some(next))?;
                }
                report.error = Some(e);
                break 'pass;
            }
            Err(SendError::Refused {
                status,
                code,
                message,
            }) => {
                // The whole request was refused (a batch never is for one
                // sale's fault): keep the records queued and say why.
                let e = format!("{status} {code}: {message}");
                tracing::warn!(records = run.len(), error = %e, "request refused, kept queued");
                for item in &run {
                    let next = backoff.next_at(item.attempts.saturating_add(1));
                    store.mark(item.seq, OutboxState::Queued, Some(&e), Some(next))?;
                }
                report.error = Some(e);
                break 'pass;
            }
        };
        for (i, item) in run.iter().enumerate() {
            let answer = answers.iter().find(|(index, _, _)| *index == i);
            match answer {
                Some((_, status, _)) if (200..300).contains(status) => {
                    store.mark(item.seq, OutboxState::Acknowledged, None, None)?;
                    tracing::info!(kind = item.kind.code(), record = %item.record_id, status, "sent");
                    report.acknowledged = report.acknowledged.saturating_add(1);
                }
                Some((_, status, body)) if !is_transient(*status) => {
                    let e = format!("{status}: {body}");
                    tracing::error!(kind = item.kind.code(), record = %item.record_id, error = %e, "refused by the server, kept as rejected");
                    store.mark(item.seq, OutboxState::Rejected, Some(&e), None)?;
                    report.rejected = report.rejected.saturating_add(1);
                }
                other => {
                    let e = other.map_or_else(
                        || "no answer for this item".to_owned(),
                        |(_, s, b)| format!("{s}: {b}"),
                    );
                    // Keep order: this and everything after waits.
                    for later in run.iter().skip(i) {
                        let next = backoff.next_at(later.attempts.saturating_add(1));
                        store.mark(later.seq, OutboxState::Queued, Some(&e), Some(next))?;
                    }
                    report.error = Some(e);
                    break 'pass;
                }
            }
        }
    }
    report.waiting = store.queue_counts()?.0;
    if report.error.is_none() {
        store.set(LAST_SYNC_KEY, &Utc::now())?;
    }
    Ok(report)
}

/// One full sync: the outbox, then the catalogue.
pub fn sync_once(
    store: &mut Store,
    cfg: &TillConfig,
    backoff: Backoff,
    due_only: bool,
) -> anyhow::Result<SyncReport> {
    let server = cfg.server(Duration::from_secs(10))?;
    let mut report = send_outbox(store, &server, &cfg.till_auth(), backoff, due_only)?;
    if report.error.is_none() {
        // The till's own credential first (it does not expire); the user
        // token from setup only for a server that does not take it there.
        let mut result = Err(SendError::Transient("no credential".into()));
        for auth in std::iter::once(cfg.till_auth()).chain(cfg.user_token.clone().map(Auth::Bearer))
        {
            result = catalogue::refresh(store, &server, &auth, cfg.outlet_id);
            if result.is_ok() {
                break;
            }
        }
        report.catalogue = Some(match result {
            Ok(Refresh::Unchanged(v)) => format!("catalogue v{v} unchanged"),
            Ok(Refresh::Snapshot { version, products }) => {
                format!("catalogue v{version}: {products} products")
            }
            Ok(Refresh::Delta {
                version,
                changed,
                removed,
            }) => format!("catalogue v{version}: {changed} changed, {removed} removed"),
            Err(e) => format!("catalogue not refreshed: {e}"),
        });
        if let Some(c) = &report.catalogue {
            tracing::info!(outcome = %c, "catalogue refresh");
        }
    }
    Ok(report)
}

pub fn last_sync(store: &Store) -> anyhow::Result<Option<DateTime<Utc>>> {
    store.get(LAST_SYNC_KEY)
}

/// The background sender of the terminal interface: its own connection to
/// the store, a pass every `every` (records respect their back-off), until
/// `stop` is set.
pub fn spawn_background(
    db_path: PathBuf,
    every: Duration,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let pass = || -> anyhow::Result<()> {
                let mut store = Store::open(&db_path)?;
                if let Some(cfg) = TillConfig::load(&store)? {
                    let online = cfg.server(Duration::from_secs(3))?.reachable();
                    store.set(ONLINE_KEY, &online)?;
                    if online {
                        sync_once(&mut store, &cfg, Backoff::default(), true)?;
                    }
                }
                Ok(())
            };
            if let Err(e) = pass() {
                eprintln!("sync: {e:#}");
            }
            let mut slept = Duration::ZERO;
            while slept < every && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                slept = slept.saturating_add(Duration::from_millis(100));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The background sender with the server unreachable: it says so
    /// (the status line shows it), keeps the queue, and stops when asked.
    #[test]
    fn background_sender_reports_offline_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", dead.local_addr().unwrap());
        drop(dead);
        let cfg = TillConfig {
            server_url: url,
            till_id: 1,
            till_name: "Quầy 1".into(),
            outlet_id: 1,
            till_secret: "s".into(),
            cashier_id: 1,
            cashier_name: "A".into(),
            user_token: None,
            printer: None,
            public_url: None,
            ca_pem: None,
        };
        cfg.save(&store).unwrap();
        store.enqueue_event("ev", "{}").unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let handle = spawn_background(
            store.path().to_path_buf(),
            Duration::from_millis(100),
            stop.clone(),
        );
        let mut seen = None;
        for _ in 0..100 {
            seen = store.get::<bool>(ONLINE_KEY).unwrap();
            if seen.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        stop.store(true, Ordering::Relaxed);
        handle.join().unwrap();
        assert_eq!(seen, Some(false));
        assert_eq!(store.queue_counts().unwrap(), (1, 0, 0), "nothing lost");
    }

    /// Shift events go to the server's own endpoints with their bodies
    /// (not to a catch-all path); an unreadable row is judged here.
    #[test]
    fn shift_events_route_to_their_endpoints() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_dir(dir.path()).unwrap();
        let cfg = crate::checkout::tests::cfg();
        let opening = crate::shift::open(&mut store, &cfg, ocop_core::money::Dong::new(5)).unwrap();
        let item = store.pending(1, false).unwrap().remove(0);
        let (path, body) = crate::records::route(&item).unwrap();
        assert_eq!(path, "/api/v1/shifts");
        assert_eq!(
            serde_json::from_str::<ocop_core::sale::shift::ShiftOpening>(&body).unwrap(),
            opening
        );
        let refund = OutboxItem {
            kind: OutboxKind::Refund,
            ..item.clone()
        };
        assert_eq!(crate::records::route(&refund).unwrap().0, "/api/v1/refunds");
        let junk = OutboxItem {
            json: "{}".into(),
            ..item
        };
        assert!(crate::records::route(&junk).is_err());
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let b = Backoff {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        };
        assert_eq!(b.delay(1), Duration::from_secs(1));
        assert_eq!(b.delay(2), Duration::from_secs(2));
        assert_eq!(b.delay(5), Duration::from_secs(16));
        assert_eq!(b.delay(7), Duration::from_secs(60));
        assert_eq!(b.delay(1_000_000), Duration::from_secs(60));
        assert_eq!(b.delay(0), Duration::from_secs(1));
    }
}
