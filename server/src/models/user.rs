//! User accounts: queries and the rules an account must satisfy.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::refusal::Refusal;

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

/// Checks the username and that the scope matches the role.
pub fn check_account(
    username: &str,
    role: Role,
    outlet_id: Option<i32>,
    producer_id: Option<i32>,
) -> Result<(), Refusal> {
    let name_ok = (3..=32).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !name_ok {
        return Err(Refusal::invalid(
            "invalid_username",
            "Tên đăng nhập phải dài 3–32 ký tự, chỉ gồm chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.",
            "A username is 3–32 characters of lower-case letters without accents, digits, '.', '_' or '-'.",
        ));
    }
    match (role.scope_kind(), outlet_id, producer_id) {
        (ScopeKind::Province, None, None)
        | (ScopeKind::Outlet, Some(_), None)
        | (ScopeKind::Producer, None, Some(_)) => Ok(()),
        (ScopeKind::Province, _, _) => Err(Refusal::invalid(
            "scope_not_allowed",
            "Tài khoản quản trị hoặc thanh tra không gắn với điểm bán hay chủ thể.",
            "An admin or inspector account belongs to no outlet or producer.",
        )),
        (ScopeKind::Outlet, _, _) => Err(Refusal::invalid(
            "outlet_required",
            "Tài khoản quản lý hoặc thu ngân phải gắn với một điểm bán.",
            "A manager or cashier account belongs to one outlet.",
        )),
        (ScopeKind::Producer, _, _) => Err(Refusal::invalid(
            "producer_required",
            "Tài khoản chủ thể OCOP phải gắn với một chủ thể.",
            "A producer account belongs to one producer.",
        )),
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

    fn refused(
        username: &str,
        role: Role,
        outlet: Option<i32>,
        producer: Option<i32>,
    ) -> &'static str {
        check_account(username, role, outlet, producer)
            .err()
            .map_or("accepted", |r| r.code())
    }

    #[test]
    fn scope_must_match_role() {
        assert_eq!(refused("admin", Role::Admin, None, None), "accepted");
        assert_eq!(
            refused("admin2", Role::Admin, Some(1), None),
            "scope_not_allowed"
        );
        assert_eq!(
            refused("cashier1", Role::Cashier, None, None),
            "outlet_required"
        );
        assert_eq!(
            refused("p1", Role::Producer, None, None),
            "invalid_username"
        );
        assert_eq!(
            refused("producer1", Role::Producer, Some(1), Some(1)),
            "producer_required"
        );
        assert_eq!(
            refused("producer1", Role::Producer, None, Some(1)),
            "accepted"
        );
        assert_eq!(
            refused("Nguyễn", Role::Admin, None, None),
            "invalid_username"
        );
    }
}
