//! A manager's approval of a line discount, on the till and offline: a
//! discount above the configured limit (a percentage of the line before
//! discount) needs the manager's PIN.
//!
//! The PIN is set with `ocop-till manager-pin set`, which proves the
//! manager by logging in to the server; the till keeps only an argon2id
//! hash of the PIN (PHC string, the server's parameters), the manager's id
//! and name, and the limit (config key `manager_pin`). The name of the
//! approver is written into the line's `discount_reason`, so the sale
//! itself says who approved it; [`crate::checkout::commit_sale`] re-checks
//! every discount against the limit before committing.
//!
//! Without a configured PIN the limit is 0 %: any discount is refused, with
//! a message saying how to configure one.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use ocop_core::money::Dong;
use ocop_core::refusal::Refusal;
use serde::{Deserialize, Serialize};

use crate::store::Store;

const KEY: &str = "manager_pin";

/// The manager who approved a discount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approver {
    pub id: i32,
    pub name: String,
}

/// The till's approval settings. `Debug` hides the hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagerPin {
    /// argon2id PHC string of the PIN.
    pub pin_hash: String,
    pub manager_id: i32,
    pub manager_name: String,
    /// Discounts up to this share of the line need no PIN (0–100).
    pub discount_limit_percent: u32,
}

impl std::fmt::Debug for ManagerPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagerPin")
            .field("manager_id", &self.manager_id)
            .field("manager_name", &self.manager_name)
            .field("discount_limit_percent", &self.discount_limit_percent)
            .finish_non_exhaustive()
    }
}

/// The configured approval settings, if any.
pub fn settings(store: &Store) -> anyhow::Result<Option<ManagerPin>> {
    store.get(KEY)
}

/// Stores a new PIN (hashed) for `approver` with the discount limit.
pub fn set_pin(
    store: &Store,
    approver: &Approver,
    pin: &str,
    discount_limit_percent: u32,
) -> anyhow::Result<ManagerPin> {
    let pin = pin.trim();
    if !(pin.len() >= 4 && pin.len() <= 12 && pin.bytes().all(|b| b.is_ascii_digit())) {
        return Err(Refusal::invalid(
            "invalid_pin",
            "Mã PIN phải gồm 4–12 chữ số",
            "the PIN must be 4–12 digits",
        )
        .into());
    }
    if discount_limit_percent > 100 {
        return Err(Refusal::invalid(
            "invalid_discount_limit",
            "Hạn mức giảm giá phải từ 0 đến 100 %",
            "the discount limit must be 0–100 %",
        )
        .into());
    }
    let pin_hash = Argon2::default()
        .hash_password(pin.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the PIN: {e}"))?;
    let s = ManagerPin {
        pin_hash,
        manager_id: approver.id,
        manager_name: approver.name.clone(),
        discount_limit_percent,
    };
    store.set(KEY, &s)?;
    Ok(s)
}

fn no_pin_configured(limit: u32) -> anyhow::Error {
    Refusal::forbidden(
        "discount_needs_manager_pin",
        format!(
            "Giảm giá trên {limit} % cần mã PIN của quản lý, nhưng máy chưa có mã PIN: quản lý \
             chạy `ocop-till manager-pin set --username TÊN` (máy hỏi mật khẩu và mã PIN)"
        ),
        format!(
            "a discount above {limit} % needs a manager's PIN and none is configured: a manager \
             runs `ocop-till manager-pin set --username NAME` (it asks for the password and the PIN)"
        ),
    )
    .into()
}

/// Whether `discount` on a line of `line_gross` is above `limit` percent.
fn above_limit(line_gross: Dong, discount: Dong, limit: u32) -> bool {
    // discount / gross > limit / 100, in integers (a comparison, no money
    // is computed).
    i128::from(discount.amount()).saturating_mul(100)
        > i128::from(line_gross.amount()).saturating_mul(i128::from(limit))
}

/// Whether a discount of `discount` on a line of `line_gross` (before the
/// discount) needs the manager's PIN: `Ok(false)` within the limit,
/// `Ok(true)` above it, an error (`discount_needs_manager_pin`) when above
/// the limit and no PIN is configured.
pub fn discount_needs_pin(store: &Store, line_gross: Dong, discount: Dong) -> anyhow::Result<bool> {
    if !discount.is_positive() {
        return Ok(false);
    }
    let s = settings(store)?;
    let limit = s.as_ref().map_or(0, |s| s.discount_limit_percent);
    if !above_limit(line_gross, discount, limit) {
        return Ok(false);
    }
    match s {
        Some(_) => Ok(true),
        None => Err(no_pin_configured(limit)),
    }
}

/// The manager whose PIN `pin` is, or `None` for a wrong PIN (or none set).
pub fn verify_pin(store: &Store, pin: &str) -> anyhow::Result<Option<Approver>> {
    let Some(s) = settings(store)? else {
        return Ok(None);
    };
    let parsed = PasswordHash::new(&s.pin_hash)
        .map_err(|e| anyhow::anyhow!("the stored PIN hash is damaged: {e}"))?;
    Ok(Argon2::default()
        .verify_password(pin.trim().as_bytes(), &parsed)
        .is_ok()
        .then_some(Approver {
            id: s.manager_id,
            name: s.manager_name,
        }))
}

#[cfg(test)]
mod tests;
