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
pub mod staff_or_till;
pub mod till;
pub mod token;

pub use extract::AuthUser;
pub use staff_or_till::StaffOrTill;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Registers producers, products, outlets and users.
    Admin,
    /// Department of Industry and Trade: reads everything, handles counterfeit cases.
    Inspector,
    /// Runs one outlet.
    Manager,
    /// Sells at one outlet.
    Cashier,
    /// One OCOP producer: sees only its own goods, sales and statements.
    Producer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Inspector,
        Role::Manager,
        Role::Cashier,
        Role::Producer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Inspector => "inspector",
            Role::Manager => "manager",
            Role::Cashier => "cashier",
            Role::Producer => "producer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// What the account is tied to: an outlet, a producer, or nothing.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Admin | Role::Inspector => ScopeKind::Province,
            Role::Manager | Role::Cashier => ScopeKind::Outlet,
            Role::Producer => ScopeKind::Producer,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Province,
    Outlet,
    Producer,
}
