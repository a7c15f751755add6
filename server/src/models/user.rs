//! User accounts: queries and the rules an account must satisfy.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::auth::{Role, ScopeKind};
use crate::db::DbConn;
use crate::db::schema::users;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub outlet_id: Option<i32>,
    pub producer_id: Option<i32>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl User {
    /// The role, or `None` if the stored text is not a known role (such an
    /// account cannot log in).
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

/// A validated new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub outlet_id: Option<i32>,
    pub producer_id: Option<i32>,
}

/// Why an account cannot be created as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountRule {
    BadUsername,
    OutletRequired,
    ProducerRequired,
    NoScopeAllowed,
}

impl AccountRule {
    pub fn code(&self) -> &'static str {
        match self {
            AccountRule::BadUsername => "invalid_username",
            AccountRule::OutletRequired => "outlet_required",
            AccountRule::ProducerRequired => "producer_required",
            AccountRule::NoScopeAllowed => "scope_not_allowed",
        }
    }
    pub fn vi(&self) -> &'static str {
        match self {
            AccountRule::BadUsername => {
                "Tên đăng nhập phải dài 3–32 ký tự, chỉ gồm chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang."
            }
            AccountRule::OutletRequired => {
                "Tài khoản quản lý hoặc thu ngân phải gắn với một điểm bán."
            }
            AccountRule::ProducerRequired => "Tài khoản chủ thể OCOP phải gắn với một chủ thể.",
            AccountRule::NoScopeAllowed => {
                "Tài khoản quản trị hoặc thanh tra không gắn với điểm bán hay chủ thể."
            }
        }
    }
    pub fn en(&self) -> &'static str {
        match self {
            AccountRule::BadUsername => {
                "A username is 3–32 characters of lower-case letters without accents, digits, '.', '_' or '-'."
            }
            AccountRule::OutletRequired => "A manager or cashier account belongs to one outlet.",
            AccountRule::ProducerRequired => "A producer account belongs to one producer.",
            AccountRule::NoScopeAllowed => {
                "An admin or inspector account belongs to no outlet or producer."
            }
        }
    }
}

/// Checks the username and that the scope matches the role.
pub fn check_account(
    username: &str,
    role: Role,
    outlet_id: Option<i32>,
    producer_id: Option<i32>,
) -> Result<(), AccountRule> {
    let name_ok = (3..=32).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !name_ok {
        return Err(AccountRule::BadUsername);
    }
    match (role.scope_kind(), outlet_id, producer_id) {
        (ScopeKind::Province, None, None) => Ok(()),
        (ScopeKind::Province, _, _) => Err(AccountRule::NoScopeAllowed),
        (ScopeKind::Outlet, Some(_), None) => Ok(()),
        (ScopeKind::Outlet, _, _) => Err(AccountRule::OutletRequired),
        (ScopeKind::Producer, None, Some(_)) => Ok(()),
        (ScopeKind::Producer, _, _) => Err(AccountRule::ProducerRequired),
    }
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    users::table
        .order(users::id)
        .select(User::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn insert(conn: &mut DbConn, new: &NewUser) -> QueryResult<User> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(users::table)
        .values((
            users::username.eq(&new.username),
            users::display_name.eq(&new.display_name),
            users::password_hash.eq(&new.password_hash),
            users::role.eq(new.role.as_str()),
            users::outlet_id.eq(new.outlet_id),
            users::producer_id.eq(new.producer_id),
            users::active.eq(true),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .returning(users::id)
        .get_result::<i32>(conn)
        .and_then(|id| find(conn, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_must_match_role() {
        assert!(check_account("admin", Role::Admin, None, None).is_ok());
        assert_eq!(
            check_account("admin2", Role::Admin, Some(1), None),
            Err(AccountRule::NoScopeAllowed)
        );
        assert_eq!(
            check_account("cashier1", Role::Cashier, None, None),
            Err(AccountRule::OutletRequired)
        );
        assert_eq!(
            check_account("p1", Role::Producer, None, None),
            Err(AccountRule::BadUsername)
        );
        assert_eq!(
            check_account("producer1", Role::Producer, Some(1), Some(1)),
            Err(AccountRule::ProducerRequired)
        );
        assert!(check_account("producer1", Role::Producer, None, Some(1)).is_ok());
        assert_eq!(
            check_account("Nguyễn", Role::Admin, None, None),
            Err(AccountRule::BadUsername)
        );
    }
}
