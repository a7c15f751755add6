//! Outlets: showrooms, highway rest-stop kiosks, tourism points, trade
//! centres and online shops, with the receipt header their tills print.
//!
//! Admins write every field. An outlet's own manager may change its
//! day-to-day details (address, coordinates, opening hours, phone) but not
//! what is legal or financial (name, kind, tax code, commission, bank
//! account). Every change takes a new catalogue version: tills carry the
//! outlet's receipt header in their catalogue.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::i18n::UserError as _;
use ocop_core::refusal::Refusal;
use ocop_core::tax_code::TaxCode;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::schema::outlets;
use crate::models::catalogue_version;
use crate::models::error::ModelError;
use crate::models::validation::{Problems, Refs, invalid, optional_text, phone, required_text};

/// The outlet kinds, by stable code.
pub const KINDS: [&str; 5] = ["showroom", "rest_stop", "tourism", "trade_centre", "online"];

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
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub updated_at: NaiveDateTime,
}

/// Unchecked outlet data, for the demo loader.
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

/// An outlet as a client sends it (create and full update).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutletInput {
    /// Short unique code, e.g. `LC-SR01`: letters, digits and `-`.
    pub code: String,
    pub name: String,
    /// `showroom`, `rest_stop`, `tourism`, `trade_centre` or `online`.
    pub kind: String,
    pub district_code: String,
    pub address: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub opening_hours: String,
    pub operator_name: String,
    /// Default consignment commission in basis points, 0–10000 (1500 = 15 %).
    pub commission_bp: i32,
    /// Receipt header: legal name, tax code, phone (and the address above).
    pub legal_name: String,
    pub tax_code: String,
    pub phone: String,
    #[serde(default)]
    pub bank_bin: Option<String>,
    #[serde(default)]
    pub bank_account: Option<String>,
    #[serde(default)]
    pub bank_holder: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = outlets, treat_none_as_null = true)]
pub struct OutletRow {
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
    pub active: bool,
}

pub fn check(input: &OutletInput, refs: &Refs) -> Result<OutletRow, Vec<Refusal>> {
    let mut p = Problems::default();
    let code = p.take(outlet_code(&input.code));
    let name = p.take(required_text(
        "name",
        ("Tên điểm bán", "The outlet name"),
        &input.name,
        200,
    ));
    let kind = p.take(if KINDS.contains(&input.kind.trim()) {
        Ok(input.kind.trim().to_owned())
    } else {
        Err(invalid(
            "kind",
            "invalid_outlet_kind",
            format!(
                "Loại điểm bán \"{}\" không hợp lệ ({}).",
                input.kind,
                KINDS.join(", ")
            ),
            format!(
                "Unknown outlet kind \"{}\" ({}).",
                input.kind,
                KINDS.join(", ")
            ),
        ))
    });
    let district = p.take(refs.district("district_code", &input.district_code));
    let address = p.take(required_text(
        "address",
        ("Địa chỉ", "The address"),
        &input.address,
        300,
    ));
    let coords = p.take(coordinates(input.latitude, input.longitude));
    let hours = p.take(
        optional_text(
            "opening_hours",
            ("Giờ mở cửa", "Opening hours"),
            Some(&input.opening_hours),
            200,
        )
        .map(Option::unwrap_or_default),
    );
    let operator = p.take(required_text(
        "operator_name",
        ("Đơn vị vận hành", "The operator"),
        &input.operator_name,
        200,
    ));
    let commission = p.take(if (0..=10_000).contains(&input.commission_bp) {
        Ok(input.commission_bp)
    } else {
        Err(invalid(
            "commission_bp",
            "invalid_commission_rate",
            "Tỷ lệ hoa hồng phải từ 0 đến 10000 phần vạn (0–100%).",
            "The commission must be 0 to 10000 basis points (0–100 %).",
        ))
    });
    let legal = p.take(required_text(
        "legal_name",
        ("Tên pháp nhân", "The legal name"),
        &input.legal_name,
        200,
    ));
    let tax = p.take(
        TaxCode::parse(&input.tax_code)
            .map(|t| t.as_str().to_owned())
            .map_err(|e| e.refusal().on_field("tax_code")),
    );
    let phone = p.take(phone("phone", &input.phone));
    let bank = p.take(refs.bank_account(
        input.bank_bin.as_deref(),
        input.bank_account.as_deref(),
        input.bank_holder.as_deref(),
    ));
    let all = (|| {
        let bank = bank?;
        let (latitude, longitude) = coords?;
        Some(OutletRow {
            code: code?,
            name: name?,
            kind: kind?,
            district_code: district?,
            address: address?,
            latitude,
            longitude,
            opening_hours: hours?,
            operator_name: operator?,
            commission_bp: commission?,
            legal_name: legal?,
            tax_code: tax?,
            phone: phone?,
            bank_bin: bank.as_ref().map(|b| b.0.clone()),
            bank_account: bank.as_ref().map(|b| b.1.clone()),
            bank_holder: bank.map(|b| b.2),
            active: input.active,
        })
    })();
    p.finish(all)
}

fn outlet_code(code: &str) -> Result<String, Refusal> {
    let c = code.trim();
    let ok = (2..=32).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(c.to_owned())
    } else {
        Err(invalid(
            "code",
            "invalid_outlet_code",
            "Mã điểm bán dài 2–32 ký tự, gồm chữ không dấu, số, '-' hoặc '_'.",
            "An outlet code is 2–32 letters, digits, '-' or '_'.",
        ))
    }
}

fn coordinates(lat: Option<f64>, lon: Option<f64>) -> Result<(Option<f64>, Option<f64>), Refusal> {
    match (lat, lon) {
        (None, None) => Ok((None, None)),
        (Some(a), Some(o)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&o) => {
            Ok((Some(a), Some(o)))
        }
        _ => Err(invalid(
            "latitude",
            "invalid_coordinates",
            "Tọa độ cần cả vĩ độ (−90…90) và kinh độ (−180…180).",
            "Coordinates need both latitude (−90…90) and longitude (−180…180).",
        )),
    }
}

fn code_taken(conn: &mut DbConn, code: &str, except: i32) -> Result<(), ModelError> {
    let taken = outlets::table
        .filter(outlets::code.eq(code))
        .filter(outlets::id.ne(except))
        .count()
        .get_result::<i64>(conn)?;
    if taken > 0 {
        return Err(invalid(
            "code",
            "outlet_code_taken",
            format!("Mã điểm bán \"{code}\" đã được dùng."),
            format!("The outlet code \"{code}\" is taken."),
        )
        .into());
    }
    Ok(())
}

/// Checks and stores a new outlet (admin).
pub fn create(
    conn: &mut DbConn,
    input: &OutletInput,
    by_user: Option<i32>,
) -> Result<Outlet, ModelError> {
    let refs = Refs::load(conn)?;
    let row = check(input, &refs)?;
    code_taken(conn, &row.code, -1)?;
    let now = Utc::now().naive_utc();
    let id = diesel::insert_into(outlets::table)
        .values((
            &row,
            outlets::created_at.eq(now),
            outlets::updated_at.eq(now),
        ))
        .returning(outlets::id)
        .get_result::<i32>(conn)?;
    catalogue_version::bump(conn, "outlet created", by_user)?;
    Ok(find(conn, id)?)
}

/// Replaces an outlet's fields. With `admin` false (the outlet's manager),
/// only address, coordinates, opening hours and phone may differ from what
/// is stored.
pub fn update(
    conn: &mut DbConn,
    id: i32,
    input: &OutletInput,
    admin: bool,
    by_user: Option<i32>,
) -> Result<Outlet, ModelError> {
    let old = find(conn, id)?;
    let refs = Refs::load(conn)?;
    let row = check(input, &refs)?;
    if !admin {
        let mut allowed = row.clone();
        allowed.address = old.address.clone();
        allowed.latitude = old.latitude;
        allowed.longitude = old.longitude;
        allowed.opening_hours = old.opening_hours.clone();
        allowed.phone = old.phone.clone();
        if allowed != row_of(&old) {
            return Err(invalid(
                "code",
                "admin_only_fields",
                "Quản lý điểm bán chỉ được sửa địa chỉ, tọa độ, giờ mở cửa và số điện thoại; \
                 các thông tin khác do quản trị viên sửa.",
                "A manager may change only the address, coordinates, opening hours and phone; \
                 an administrator changes the rest.",
            )
            .into());
        }
    }
    code_taken(conn, &row.code, id)?;
    diesel::update(outlets::table.find(id))
        .set((&row, outlets::updated_at.eq(Utc::now().naive_utc())))
        .execute(conn)?;
    catalogue_version::bump(conn, "outlet updated", by_user)?;
    Ok(find(conn, id)?)
}

fn row_of(o: &Outlet) -> OutletRow {
    OutletRow {
        code: o.code.clone(),
        name: o.name.clone(),
        kind: o.kind.clone(),
        district_code: o.district_code.clone(),
        address: o.address.clone(),
        latitude: o.latitude,
        longitude: o.longitude,
        opening_hours: o.opening_hours.clone(),
        operator_name: o.operator_name.clone(),
        commission_bp: o.commission_bp,
        legal_name: o.legal_name.clone(),
        tax_code: o.tax_code.clone(),
        phone: o.phone.clone(),
        bank_bin: o.bank_bin.clone(),
        bank_account: o.bank_account.clone(),
        bank_holder: o.bank_holder.clone(),
        active: o.active,
    }
}

/// Inserts an unchecked outlet (demo data).
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
