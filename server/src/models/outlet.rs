//! Outlets: showrooms, highway rest-stop kiosks, tourism points.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::outlets;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = outlets)]
pub struct Outlet {
    pub id: i32,
    pub code: String,
    pub name: String,
    /// `showroom`, `rest_stop`, `tourism`, `trade_centre` or `online`.
    pub kind: String,
    pub district_code: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub opening_hours: String,
    pub operator_name: String,
    /// Default consignment commission in basis points (1500 = 15 %).
    pub commission_bp: i32,
    pub legal_name: String,
    pub tax_code: String,
    pub phone: String,
    pub bank_bin: Option<String>,
    pub bank_account: Option<String>,
    pub bank_holder: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct NewOutlet {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub district_code: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub opening_hours: String,
    pub operator_name: String,
    pub commission_bp: i32,
    pub legal_name: String,
    pub tax_code: String,
    pub phone: String,
    pub bank_bin: Option<String>,
    pub bank_account: Option<String>,
    pub bank_holder: Option<String>,
}

pub fn insert(conn: &mut DbConn, new: &NewOutlet) -> QueryResult<Outlet> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(outlets::table)
        .values((
            outlets::code.eq(&new.code),
            outlets::name.eq(&new.name),
            outlets::kind.eq(&new.kind),
            outlets::district_code.eq(&new.district_code),
            outlets::address.eq(&new.address),
            outlets::latitude.eq(new.latitude),
            outlets::longitude.eq(new.longitude),
            outlets::opening_hours.eq(&new.opening_hours),
            outlets::operator_name.eq(&new.operator_name),
            outlets::commission_bp.eq(new.commission_bp),
            outlets::legal_name.eq(&new.legal_name),
            outlets::tax_code.eq(&new.tax_code),
            outlets::phone.eq(&new.phone),
            outlets::bank_bin.eq(&new.bank_bin),
            outlets::bank_account.eq(&new.bank_account),
            outlets::bank_holder.eq(&new.bank_holder),
            outlets::active.eq(true),
            outlets::created_at.eq(now),
            outlets::updated_at.eq(now),
        ))
        .returning(outlets::id)
        .get_result::<i32>(conn)
        .and_then(|id| find(conn, id))
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Outlet> {
    outlets::table
        .find(id)
        .select(Outlet::as_select())
        .first(conn)
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Outlet>> {
    outlets::table
        .order(outlets::id)
        .select(Outlet::as_select())
        .load(conn)
}
