//! Checking a login's password — for the API and the web login page alike —
//! throttled against guessing.
//!
//! At most [`MAX_FAILURES`] failed logins per username and client address
//! within [`WINDOW`]; after that the login answers 429 `too_many_attempts`
//! without checking the password (right or wrong) until the oldest failure
//! leaves the window. A successful login clears the count. Keyed by the
//! username *and* the address so that someone guessing one account from one
//! machine cannot lock its owner out everywhere else.
//!
//! The counts live in the process: with several servers behind a load
//! balancer each counts its own, so the limit is per server. The address is
//! the TCP peer's; behind a reverse proxy that is the proxy's own address
//! (forwarded headers are not trusted, since any client can forge them),
//! and the limit then applies per username. Memory is bounded: stale
//! entries are pruned, and past [`MAX_KEYS`] live keys new ones are not
//! tracked (logged) rather than memory growing without end.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use actix_web::http::StatusCode;

use super::password;
use crate::error::ApiError;
use crate::models::user::{self, User};
use crate::state::AppState;
use crate::throttle::Throttle;

/// Failed logins allowed per username and address within [`WINDOW`].
pub const MAX_FAILURES: usize = 10;
/// How long a failed login counts.
pub const WINDOW: Duration = Duration::from_secs(5 * 60);
/// Most (username, address) pairs tracked at once.
const MAX_KEYS: usize = 100_000;

type Key = (String, IpAddr);

/// Failed-login counts per (username, address): a [`Throttle`] with the
/// login's limit and window.
pub type LoginLimiter = Throttle<Key>;

impl Default for LoginLimiter {
    fn default() -> Self {
        Throttle::new("login", MAX_FAILURES, WINDOW, MAX_KEYS)
    }
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

/// The account if `password` is its password, `None` if the username or
/// the password is wrong (the same slow check either way, so timing tells
/// nothing), `too_many_attempts` while throttled. Whether the account is
/// active is the caller's to check. `username` is as typed; it is trimmed
/// and lower-cased here.
pub async fn check_password(
    state: &AppState,
    req: &HttpRequest,
    username: &str,
    password: String,
) -> Result<Option<User>, ApiError> {
    let name = username.trim().to_lowercase();
    let ip = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
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
                Some(u) if password::verify(&password, &u.password_hash) => Some(u),
                Some(_) => None,
                None => {
                    password::verify_dummy(&password);
                    None
                }
            })
        })
        .await?;
    if found.is_some() {
        state.login_limiter.forget(&key);
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

    #[test]
    fn ten_failures_in_five_minutes_block_that_name_from_that_address_only() {
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
        let now = start + Duration::from_secs(60);
        let wait = limiter.attempt_at(&k, now).expect_err("blocked");
        // The first failure (at `start`) leaves the window 4 minutes from now.
        assert_eq!(wait, Duration::from_secs(240));
        // A refused attempt does not count: the wait does not grow.
        assert_eq!(limiter.attempt_at(&k, now), Err(wait));
        assert!(limiter.attempt_at(&key("cashier1", 2), now).is_ok());
        assert!(limiter.attempt_at(&key("manager1", 1), now).is_ok());
        // Once the oldest failure is five minutes old, one more try is allowed.
        assert!(limiter.attempt_at(&k, start + WINDOW).is_ok());
        assert!(limiter.attempt_at(&k, start + WINDOW).is_err());
    }

    #[test]
    fn success_clears_and_old_failures_do_not_count() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        let k = key("admin", 7);
        for _ in 0..MAX_FAILURES - 1 {
            assert!(limiter.attempt_at(&k, start).is_ok());
        }
        limiter.forget(&k);
        for _ in 0..MAX_FAILURES {
            assert!(limiter.attempt_at(&k, start).is_ok());
        }
        assert!(limiter.attempt_at(&k, start).is_err());
        // Failures spread wider than the window never add up to a block.
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
