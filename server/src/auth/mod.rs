//! Accounts, roles and the checks every API call makes.
//!
//! Five roles (see [`Role`]). A request proves who it is with a signed,
//! expiring JWT; [`AuthUser`] verifies it, reloads the account (so a disabled
//! account or a changed role takes effect at once) and offers the role and
//! scope checks handlers call. Scope is enforced on the server, never left to
//! the client: a producer sees only its own producer, a manager or cashier
//! only its own outlet.

pub mod extract;
pub mod login;
pub mod password;
pub mod scope;
pub mod staff_or_till;
pub mod till;
pub mod token;

pub use extract::AuthUser;
pub use staff_or_till::StaffOrTill;

/// The roles and what each is tied to travel to the till in `Me`: declared
/// once, in the core crate.
pub use ocop_core::wire::{Role, ScopeKind};
