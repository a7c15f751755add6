//! A sliding-window counter per key, in the process: at most `limit`
//! attempts per key within `window`. Used for public fake reports
//! (`web::report`); failed logins back off instead (`auth::login`).
//!
//! An attempt is counted in the same lock as the check, so many attempts
//! sent in parallel cannot all pass before the first is counted. Memory is
//! bounded: stale entries are pruned, and past `max_keys` live keys new
//! ones are not tracked (logged) rather than memory growing without end.
//! With several servers behind a load balancer each counts its own.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Throttle<K> {
    name: &'static str,
    limit: usize,
    window: Duration,
    max_keys: usize,
    counts: Mutex<HashMap<K, VecDeque<Instant>>>,
}

impl<K: Eq + Hash + Clone> Throttle<K> {
    pub fn new(name: &'static str, limit: usize, window: Duration, max_keys: usize) -> Self {
        Throttle {
            name,
            limit,
            window,
            max_keys,
            counts: Mutex::default(),
        }
    }

    fn with_counts<T>(&self, f: impl FnOnce(&mut HashMap<K, VecDeque<Instant>>) -> T) -> T {
        // A panic while holding the lock leaves counts that are still
        // meaningful: keep using them.
        let mut map = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut map)
    }

    /// Counts an attempt: `Err(wait)` while the key already has `limit`
    /// attempts in the window (the refused attempt is not counted);
    /// otherwise it is counted and allowed.
    pub fn attempt_at(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let window = self.window;
        self.with_counts(|map| {
            if !map.contains_key(key) && map.len() >= self.max_keys {
                map.retain(|_, times| {
                    forget_before(times, now, window);
                    !times.is_empty()
                });
                if map.len() >= self.max_keys {
                    tracing::warn!(
                        keys = map.len(),
                        throttle = self.name,
                        "throttle full: not tracking more"
                    );
                    return Ok(());
                }
            }
            let times = map.entry(key.clone()).or_default();
            forget_before(times, now, window);
            if times.len() >= self.limit {
                let oldest = times.front().copied().unwrap_or(now);
                return Err(window.saturating_sub(now.saturating_duration_since(oldest)));
            }
            times.push_back(now);
            Ok(())
        })
    }

    /// Forgets the key's attempts (a right password).
    pub fn forget(&self, key: &K) {
        self.with_counts(|map| map.remove(key));
    }
}

fn forget_before(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= window)
    {
        times.pop_front();
    }
}
