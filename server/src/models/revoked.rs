//! Revoked login tokens: signing out lists the token's id here, and every
//! request checks it ([`crate::auth::extract::authenticate`]). Kept in the
//! database, so a token revoked on one server is refused by all of them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::revoked_tokens;

/// Revokes the token `jti` of `user_id`, valid until `expires_at` (Unix
/// seconds). Revoking twice is harmless.
pub fn revoke(conn: &mut DbConn, jti: &str, user_id: i32, expires_at: i64) -> QueryResult<()> {
    if is_revoked(conn, jti)? {
        return Ok(());
    }
    let expires = DateTime::<Utc>::from_timestamp(expires_at, 0)
        .unwrap_or_else(Utc::now)
        .naive_utc();
    diesel::insert_into(revoked_tokens::table)
        .values((
            revoked_tokens::jti.eq(jti),
            revoked_tokens::user_id.eq(user_id),
            revoked_tokens::expires_at.eq(expires),
            revoked_tokens::revoked_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn is_revoked(conn: &mut DbConn, jti: &str) -> QueryResult<bool> {
    Ok(revoked_tokens::table
        .find(jti)
        .select(revoked_tokens::expires_at)
        .first::<NaiveDateTime>(conn)
        .optional()?
        .is_some())
}
