//! Checking a login's password — for the API and the web login page alike —
//! throttled against guessing.
//!
//! Guessing is slowed, never locked out for good. Failures are counted per
//! username *and* client address within [`WINDOW`]: from the
//! [`MAX_FAILURES`]th on, the next try from that address must wait a
//! back-off after the last failure ([`BACKOFF_START`], doubling, at most
//! [`BACKOFF_MAX`]); a refused try does not count. Failures are also
//! counted per username from every address ([`MAX_NAME_FAILURES`]), with
//! the same slower back-off, so guessing one account from many addresses
//! is slowed too — yet the account's owner is never locked out: once the
//! back-off since the last failure has passed, a try is checked again. A
//! successful login clears its counts.
//!
//! The address is the TCP peer's, or — only when the peer is one of the
//! configured proxies (`OCOP_TRUSTED_PROXIES`) — the last address in
//! `X-Forwarded-For` that is not itself a trusted proxy; a forwarded header
//! from anyone else is ignored, since any client can forge it.
//!
//! The counts live in the process: with several servers behind a load
//! balancer each counts its own. Memory is bounded: stale entries are
//! pruned, and past [`MAX_KEYS`] live keys new ones are not tracked
//! (logged) rather than memory growing without end.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use actix_web::http::StatusCode;

use super::password;
use crate::error::ApiError;
use crate::models::user::{self, User};
use crate::state::AppState;

/// Failed logins per username and address within [`WINDOW`] before the
/// back-off starts.
pub const MAX_FAILURES: usize = 10;
/// Failed logins per username from every address before its back-off.
pub const MAX_NAME_FAILURES: usize = 50;
/// How long a failed login counts.
pub const WINDOW: Duration = Duration::from_secs(5 * 60);
/// The first wait once over the limit; it doubles with each failure after.
pub const BACKOFF_START: Duration = Duration::from_secs(30);
/// The longest wait.
pub const BACKOFF_MAX: Duration = WINDOW;
/// Most (username, address) pairs tracked at once.
const MAX_KEYS: usize = 100_000;

type Key = (String, IpAddr);

/// Failed-login counts per (username, address), and per username (the
/// address [`Ipv4Addr::UNSPECIFIED`]).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

/// The wait after the last of `count` failures, with `limit` allowed.
fn backoff(count: usize, limit: usize) -> Option<Duration> {
    let excess = count.checked_sub(limit)?;
    let factor = 1u32 << u32::try_from(excess.min(16)).unwrap_or(16);
    Some(BACKOFF_START.saturating_mul(factor).min(BACKOFF_MAX))
}

/// How long a key must still wait, if at all.
fn must_wait(times: &VecDeque<Instant>, limit: usize, now: Instant) -> Option<Duration> {
    let wait = backoff(times.len(), limit)?;
    let last = times.back().copied().unwrap_or(now);
    let remaining = wait.saturating_sub(now.saturating_duration_since(last));
    (!remaining.is_zero()).then_some(remaining)
}

impl LoginLimiter {
    fn with_failures<T>(&self, f: impl FnOnce(&mut HashMap<Key, VecDeque<Instant>>) -> T) -> T {
        // A panic while holding the lock leaves counts that are still
        // meaningful: keep using them.
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut map)
    }

    /// Starts an attempt: `Err(wait)` while the key, or its username from
    /// every address, is in its back-off; otherwise the attempt is counted
    /// as a failure at once — in the same lock as the check, so that many
    /// attempts sent in parallel cannot all pass before the first is
    /// counted — and [`LoginLimiter::succeeded`] clears it if the password
    /// was right.
    pub fn attempt_at(&self, key: &Key, now: Instant) -> Result<(), Duration> {
        let name_key = (key.0.clone(), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        self.with_failures(|map| {
            if !map.contains_key(key) && map.len() >= MAX_KEYS {
                map.retain(|_, times| {
                    forget_before(times, now);
                    !times.is_empty()
                });
                if map.len() >= MAX_KEYS {
                    tracing::warn!(keys = map.len(), "login throttle full: not tracking more");
                    return Ok(());
                }
            }
            for (k, limit) in [(key, MAX_FAILURES), (&name_key, MAX_NAME_FAILURES)] {
                if let Some(times) = map.get_mut(k) {
                    forget_before(times, now);
                    if let Some(wait) = must_wait(times, limit, now) {
                        return Err(wait);
                    }
                }
            }
            map.entry(key.clone()).or_default().push_back(now);
            map.entry(name_key).or_default().push_back(now);
            Ok(())
        })
    }

    /// The password was right: the key's failures are forgotten.
    pub fn succeeded(&self, key: &Key) {
        let name_key = (key.0.clone(), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        self.with_failures(|map| {
            map.remove(key);
            map.remove(&name_key);
        });
    }
}

fn forget_before(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
    {
        times.pop_front();
    }
}

/// The client's address: the TCP peer's, or, when the peer is a trusted
/// proxy, the last `X-Forwarded-For` hop that is not one.
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|h| h.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|h| !trusted.contains(h))
        .unwrap_or(peer)
}

/// The 429 answer, with the wait in whole minutes (at least one).
pub fn too_many_attempts(wait: Duration) -> ApiError {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        format!("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."),
        format!("Too many failed logins. Please try again in {minutes} minute(s)."),
    )
}

/// The account if `password` is its password and the account is active,
/// `None` if the username or the password is wrong or the account disabled
/// (the same slow check and the same answer each way, so neither the
/// answer nor its timing tells them apart), `too_many_attempts` while
/// throttled. `username` is as typed; it is trimmed
/// and lower-cased here.
pub async fn check_password(
    state: &AppState,
    req: &HttpRequest,
    username: &str,
    password: String,
) -> Result<Option<User>, ApiError> {
    let name = username.trim().to_lowercase();
    let ip = client_address(req, &state.config.trusted_proxies);
    let key = (name.clone(), ip);
    state
        .login_limiter
        .attempt_at(&key, Instant::now())
        .map_err(too_many_attempts)?;
    // Password checking is deliberately slow (argon2id): off the async workers.
    let found = state
        .read(move |c| {
            let account = user::find_by_username(c, &name)?;
            Ok(match account {
                // A disabled account answers exactly like a wrong password
                // (issue 15: answering `account_disabled` only after the
                // right password confirmed the password).
                Some(u) if password::verify(&password, &u.password_hash) && u.active => Some(u),
                Some(_) => None,
                None => {
                    password::verify_dummy(&password);
                    None
                }
            })
        })
        .await?;
    if found.is_some() {
        state.login_limiter.succeeded(&key);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, last: u8) -> Key {
        (name.to_owned(), IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)))
    }

    fn secs(n: usize) -> Duration {
        Duration::from_secs(u64::try_from(n).unwrap_or(0))
    }

    // Issue 15: ten failures locked the name out from that address for five
    // minutes, so anyone behind the same NAT could lock its owner out.
    #[test]
    fn failures_slow_that_name_from_that_address_and_never_lock_it() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        let k = key("cashier1", 1);
        for i in 0..MAX_FAILURES {
            assert_eq!(
                limiter.attempt_at(&k, start + secs(i)),
                Ok(()),
                "attempt {i}"
            );
        }
        let last = start + secs(MAX_FAILURES - 1);
        let wait = limiter.attempt_at(&k, last).expect_err("backing off");
        assert_eq!(wait, BACKOFF_START);
        // A refused attempt does not count: the wait does not grow.
        assert_eq!(
            limiter.attempt_at(&k, last + secs(10)),
            Err(BACKOFF_START - secs(10))
        );
        assert!(limiter.attempt_at(&key("cashier1", 2), last).is_ok());
        assert!(limiter.attempt_at(&key("manager1", 1), last).is_ok());
        // Once the back-off has passed, one more try is checked; after it,
        // the wait doubles, up to the cap.
        let t1 = last + BACKOFF_START;
        assert!(limiter.attempt_at(&k, t1).is_ok());
        assert_eq!(limiter.attempt_at(&k, t1), Err(BACKOFF_START * 2));
        assert_eq!(
            backoff(MAX_FAILURES + 3, MAX_FAILURES),
            Some(BACKOFF_START * 8)
        );
        assert_eq!(backoff(MAX_FAILURES + 4, MAX_FAILURES), Some(BACKOFF_MAX));
        assert_eq!(backoff(MAX_FAILURES + 60, MAX_FAILURES), Some(BACKOFF_MAX));
        assert_eq!(backoff(MAX_FAILURES - 1, MAX_FAILURES), None);
    }

    #[test]
    fn one_name_guessed_from_many_addresses_backs_off_too() {
        let limiter = LoginLimiter::default();
        let now = Instant::now();
        for i in 0..MAX_NAME_FAILURES {
            let address = u8::try_from(i % 250).unwrap_or(0);
            assert!(limiter.attempt_at(&key("admin", address), now).is_ok());
        }
        // a fresh address for the same name waits; another name does not
        assert_eq!(
            limiter.attempt_at(&key("admin", 251), now),
            Err(BACKOFF_START)
        );
        assert!(limiter.attempt_at(&key("manager1", 251), now).is_ok());
        assert!(
            limiter
                .attempt_at(&key("admin", 251), now + BACKOFF_START)
                .is_ok()
        );
    }

    #[test]
    fn success_clears_and_old_failures_do_not_count() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        let k = key("admin", 7);
        for _ in 0..MAX_FAILURES - 1 {
            assert!(limiter.attempt_at(&k, start).is_ok());
        }
        limiter.succeeded(&k);
        for _ in 0..MAX_FAILURES {
            assert!(limiter.attempt_at(&k, start).is_ok());
        }
        assert!(limiter.attempt_at(&k, start).is_err());
        // Failures spread wider than the window never add up to a back-off.
        let later = start + WINDOW;
        for _ in 0..MAX_FAILURES {
            assert!(limiter.attempt_at(&k, later).is_ok());
        }
        assert!(limiter.attempt_at(&k, later).is_err());
    }

    #[test]
    fn the_message_names_the_wait_in_minutes() {
        let e = too_many_attempts(Duration::from_secs(61));
        assert_eq!(e.code(), "too_many_attempts");
        assert!(e.message(ocop_core::i18n::Lang::Vi).contains("2 phút"));
        assert!(
            too_many_attempts(Duration::ZERO)
                .message(ocop_core::i18n::Lang::En)
                .contains("1 minute")
        );
    }
}
