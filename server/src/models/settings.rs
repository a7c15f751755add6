//! Server-wide settings kept in the database (for example the generated
//! token signing secret), shared by every server on the same database.

use chrono::Utc;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::server_settings;

pub fn get(conn: &mut DbConn, name: &str) -> QueryResult<Option<String>> {
    server_settings::table
        .find(name)
        .select(server_settings::value)
        .first(conn)
        .optional()
}

/// Stores the value unless the name is already set; returns whether it stored.
pub fn insert_if_absent(conn: &mut DbConn, name: &str, value: &str) -> QueryResult<bool> {
    let result = diesel::insert_into(server_settings::table)
        .values((
            server_settings::name.eq(name),
            server_settings::value.eq(value),
            server_settings::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn);
    match result {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}
