//! Tills: registered by a manager of the outlet, each with its own secret.
//!
//! The secret is 32 random bytes, shown once (64 hex digits) and stored
//! only as its SHA-256. A random 256-bit secret needs no slow password hash:
//! nobody can guess it, so the SHA-256 of it is as good as argon2 against a
//! stolen database, and checking it costs nothing on every sale.

use chrono::Utc;
use diesel::prelude::*;
use rand::RngCore as _;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::db::schema::tills;

/// A registered till.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = tills)]
pub struct Till {
    pub id: i32,
    pub outlet_id: i32,
    pub name: String,
    #[serde(skip)]
    pub secret_sha256: String,
    pub created_by: i32,
    /// UTC, written with its offset (issue 15: it was written without one).
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub created_at: chrono::NaiveDateTime,
}

/// A fresh till secret: 64 lowercase hex digits.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What is stored for a secret.
pub fn secret_digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Registers a till; returns it with its secret (never stored in clear).
pub fn create(
    conn: &mut DbConn,
    outlet_id: i32,
    name: &str,
    created_by: i32,
) -> QueryResult<(Till, String)> {
    let secret = new_secret();
    let id = diesel::insert_into(tills::table)
        .values((
            tills::outlet_id.eq(outlet_id),
            tills::name.eq(name),
            tills::secret_sha256.eq(secret_digest(&secret)),
            tills::created_by.eq(created_by),
            tills::created_at.eq(Utc::now().naive_utc()),
        ))
        .returning(tills::id)
        .get_result::<i32>(conn)?;
    Ok((find(conn, id)?, secret))
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Till> {
    tills::table.find(id).select(Till::as_select()).first(conn)
}

pub fn list_for_outlet(conn: &mut DbConn, outlet_id: i32) -> QueryResult<Vec<Till>> {
    tills::table
        .filter(tills::outlet_id.eq(outlet_id))
        .order(tills::id)
        .select(Till::as_select())
        .load(conn)
}

/// The till if `secret` is its secret. Both sides are SHA-256 digests of
/// random secrets, so comparing them leaks nothing usable through timing.
pub fn authenticate(conn: &mut DbConn, id: i32, secret: &str) -> QueryResult<Option<Till>> {
    let till = tills::table
        .find(id)
        .select(Till::as_select())
        .first(conn)
        .optional()?;
    Ok(till.filter(|t| t.secret_sha256 == secret_digest(secret)))
}

/// Takes the till's row lock on PostgreSQL, so one till's receipts are
/// chained one at a time (SQLite writes are already serialised by
/// `Db::write`).
pub fn lock(conn: &mut DbConn, id: i32) -> QueryResult<()> {
    match conn {
        DbConn::Postgres(c) => {
            tills::table
                .find(id)
                .select(tills::id)
                .for_update()
                .first::<i32>(c)?;
        }
        DbConn::Sqlite(_) => {}
    }
    Ok(())
}
