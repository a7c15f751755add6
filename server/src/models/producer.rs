//! Producers (chủ thể OCOP): the owners of consigned goods.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::producers;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = producers)]
pub struct Producer {
    pub id: i32,
    pub name: String,
    #[serde(skip)]
    pub search_key: String,
    /// `jsc`, `llc`, `htx` (cooperative), `tht` (cooperative group) or `household`.
    pub kind: String,
    pub tax_code: Option<String>,
    pub district_code: String,
    pub commune: String,
    pub address: String,
    pub contact_name: String,
    pub phone: String,
    pub bank_bin: Option<String>,
    pub bank_account: Option<String>,
    pub bank_holder: Option<String>,
    /// `active` or `suspended`.
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct NewProducer {
    pub name: String,
    pub kind: String,
    pub tax_code: Option<String>,
    pub district_code: String,
    pub commune: String,
    pub address: String,
    pub contact_name: String,
    pub phone: String,
    pub bank_bin: Option<String>,
    pub bank_account: Option<String>,
    pub bank_holder: Option<String>,
}

pub fn insert(conn: &mut DbConn, new: &NewProducer) -> QueryResult<Producer> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(producers::table)
        .values((
            producers::name.eq(&new.name),
            producers::search_key.eq(ocop_core::text::search_key(&new.name)),
            producers::kind.eq(&new.kind),
            producers::tax_code.eq(&new.tax_code),
            producers::district_code.eq(&new.district_code),
            producers::commune.eq(&new.commune),
            producers::address.eq(&new.address),
            producers::contact_name.eq(&new.contact_name),
            producers::phone.eq(&new.phone),
            producers::bank_bin.eq(&new.bank_bin),
            producers::bank_account.eq(&new.bank_account),
            producers::bank_holder.eq(&new.bank_holder),
            producers::status.eq("active"),
            producers::created_at.eq(now),
            producers::updated_at.eq(now),
        ))
        .returning(producers::id)
        .get_result::<i32>(conn)
        .and_then(|id| find(conn, id))
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Producer> {
    producers::table
        .find(id)
        .select(Producer::as_select())
        .first(conn)
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Producer>> {
    producers::table
        .order(producers::id)
        .select(Producer::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    producers::table.count().get_result(conn)
}
