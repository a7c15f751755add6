//! Producers (chủ thể OCOP): the owners of consigned goods.
//!
//! A producer's bank account is private to the producer and to province-wide
//! staff; the API layer decides who sees it. Renaming or suspending a
//! producer stamps all its products with a new catalogue version, so tills
//! learn the new name or drop the goods at their next sync.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::catalogue::ProducerKind;
use ocop_core::i18n::UserError as _;
use ocop_core::refusal::Refusal;
use ocop_core::tax_code::TaxCode;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::schema::{producers, products};
use crate::models::catalogue_version;
use crate::models::error::ModelError;
use crate::models::validation::{Problems, Refs, invalid, optional_text, phone, required_text};

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
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub updated_at: NaiveDateTime,
    /// `existing`: an economic organisation the OCOP programme consolidates;
    /// `new`: one founded to join it (the plan counts them apart).
    pub programme_origin: String,
}

/// Unchecked producer data, for the demo loader.
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

/// A producer as a client sends it (create and full update).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProducerInput {
    #[schema(example = "HTX Chè Shan Tuyết Ý Tý")]
    pub name: String,
    /// `jsc`, `llc`, `htx`, `tht` or `household`.
    pub kind: String,
    /// 10 digits, or 13 (`0123456789-001`) for a branch. Households may have none.
    #[serde(default)]
    pub tax_code: Option<String>,
    /// District code from `/api/v1/reference`.
    pub district_code: String,
    pub commune: String,
    #[serde(default)]
    pub address: String,
    pub contact_name: String,
    pub phone: String,
    /// NAPAS BIN of the payout bank (see `/api/v1/reference`).
    #[serde(default)]
    pub bank_bin: Option<String>,
    #[serde(default)]
    pub bank_account: Option<String>,
    #[serde(default)]
    pub bank_holder: Option<String>,
    /// `active` (default) or `suspended`.
    #[serde(default)]
    pub status: Option<String>,
    /// `existing` (the default on create; kept on update when absent) or
    /// `new`: whether the organisation was founded to join the programme.
    #[serde(default)]
    pub programme_origin: Option<String>,
}

/// A checked producer: what is written.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = producers, treat_none_as_null = true)]
pub struct ProducerRow {
    pub name: String,
    pub search_key: String,
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
    pub status: String,
    pub programme_origin: String,
}

/// Checks every field; lists every problem found.
pub fn check(input: &ProducerInput, refs: &Refs) -> Result<ProducerRow, Vec<Refusal>> {
    let mut p = Problems::default();
    let name = p.take(required_text(
        "name",
        ("Tên chủ thể", "The producer name"),
        &input.name,
        200,
    ));
    let kind = p.take(
        input
            .kind
            .parse::<ProducerKind>()
            .map_err(|e| e.refusal().on_field("kind")),
    );
    let tax_code = p.take(
        match input
            .tax_code
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => Ok(None),
            Some(t) => TaxCode::parse(t)
                .map(|t| Some(t.as_str().to_owned()))
                .map_err(|e| e.refusal().on_field("tax_code")),
        },
    );
    if let (Some(k), Some(None)) = (kind, &tax_code)
        && k != ProducerKind::Household
    {
        p.push(invalid(
            "tax_code",
            "tax_code_required",
            "Doanh nghiệp, hợp tác xã và tổ hợp tác phải có mã số thuế.",
            "Companies, cooperatives and cooperative groups need a tax code.",
        ));
    }
    let district = p.take(refs.district("district_code", &input.district_code));
    let commune = p.take(required_text(
        "commune",
        ("Xã/phường", "The commune"),
        &input.commune,
        100,
    ));
    let address = p.take(
        optional_text(
            "address",
            ("Địa chỉ", "The address"),
            Some(&input.address),
            300,
        )
        .map(Option::unwrap_or_default),
    );
    let contact = p.take(required_text(
        "contact_name",
        ("Người liên hệ", "The contact person"),
        &input.contact_name,
        100,
    ));
    let phone = p.take(phone("phone", &input.phone));
    let bank = p.take(refs.bank_account(
        input.bank_bin.as_deref(),
        input.bank_account.as_deref(),
        input.bank_holder.as_deref(),
    ));
    let status = p.take(status(input.status.as_deref()));
    let origin = p.take(match input.programme_origin.as_deref().map(str::trim) {
        None | Some("") => Ok("existing".to_owned()),
        Some(o) if crate::models::oversight::indicators::ORIGINS.contains(&o) => Ok(o.to_owned()),
        Some(o) => Err(crate::models::oversight::indicators::unknown_origin(o)),
    });
    let all = (|| {
        let name = name?;
        let bank = bank?;
        Some(ProducerRow {
            search_key: ocop_core::text::search_key(&name),
            name,
            kind: kind?.code().to_owned(),
            tax_code: tax_code?,
            district_code: district?,
            commune: commune?,
            address: address?,
            contact_name: contact?,
            phone: phone?,
            bank_bin: bank.as_ref().map(|b| b.0.clone()),
            bank_account: bank.as_ref().map(|b| b.1.clone()),
            bank_holder: bank.map(|b| b.2),
            status: status?,
            programme_origin: origin?,
        })
    })();
    p.finish(all)
}

fn status(value: Option<&str>) -> Result<String, Refusal> {
    match value.map(str::trim).unwrap_or("active") {
        s @ ("active" | "suspended") => Ok(s.to_owned()),
        other => Err(invalid(
            "status",
            "invalid_status",
            format!("Trạng thái \"{other}\" không hợp lệ (active hoặc suspended)."),
            format!("Unknown status \"{other}\" (active or suspended)."),
        )),
    }
}

pub fn tax_code_taken(tax: &str) -> Refusal {
    invalid(
        "tax_code",
        "tax_code_taken",
        format!("Mã số thuế {tax} đã thuộc về chủ thể khác."),
        format!("The tax code {tax} already belongs to another producer."),
    )
}

fn check_tax_code_free(
    conn: &mut DbConn,
    row: &ProducerRow,
    except: i32,
) -> Result<(), ModelError> {
    if let Some(tax) = &row.tax_code {
        let taken = producers::table
            .filter(producers::tax_code.eq(tax))
            .filter(producers::id.ne(except))
            .count()
            .get_result::<i64>(conn)?;
        if taken > 0 {
            return Err(tax_code_taken(tax).into());
        }
    }
    Ok(())
}

/// Checks and stores a new producer (admin).
pub fn create(conn: &mut DbConn, input: &ProducerInput) -> Result<Producer, ModelError> {
    let refs = Refs::load(conn)?;
    let row = check(input, &refs)?;
    check_tax_code_free(conn, &row, -1)?;
    Ok(insert_row(conn, &row)?)
}

pub fn insert_row(conn: &mut DbConn, row: &ProducerRow) -> QueryResult<Producer> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(producers::table)
        .values((
            row,
            producers::created_at.eq(now),
            producers::updated_at.eq(now),
        ))
        .returning(producers::id)
        .get_result::<i32>(conn)
        .and_then(|id| find(conn, id))
}

/// Replaces a producer's fields (admin); its products get a new catalogue
/// version, since the till shows the producer's name and drops the goods
/// of a suspended producer.
pub fn update(
    conn: &mut DbConn,
    id: i32,
    input: &ProducerInput,
    by_user: Option<i32>,
) -> Result<Producer, ModelError> {
    let old = find(conn, id)?;
    let refs = Refs::load(conn)?;
    let mut row = check(input, &refs)?;
    if input.programme_origin.is_none() {
        row.programme_origin = old.programme_origin;
    }
    check_tax_code_free(conn, &row, id)?;
    diesel::update(producers::table.find(id))
        .set((&row, producers::updated_at.eq(Utc::now().naive_utc())))
        .execute(conn)?;
    restamp_products(conn, id, "producer updated", by_user)?;
    Ok(find(conn, id)?)
}

/// Gives the producer's products a new catalogue version (tills learn the
/// change with their next delta).
fn restamp_products(
    conn: &mut DbConn,
    id: i32,
    what: &str,
    by_user: Option<i32>,
) -> QueryResult<()> {
    let ids: Vec<i32> = products::table
        .filter(products::producer_id.eq(id))
        .select(products::id)
        .load(conn)?;
    catalogue_version::bump_products(conn, &ids, what, by_user)?;
    Ok(())
}

/// Suspends a producer (an inspector's confirmed case): its goods leave
/// every till's catalogue and the public page says so.
pub fn suspend(conn: &mut DbConn, id: i32, by_user: i32) -> Result<(), ModelError> {
    find(conn, id)?;
    diesel::update(producers::table.find(id))
        .set((
            producers::status.eq("suspended"),
            producers::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    restamp_products(conn, id, "producer suspended", Some(by_user))?;
    Ok(())
}

/// Inserts an unchecked producer (demo data).
pub fn insert(conn: &mut DbConn, new: &NewProducer) -> QueryResult<Producer> {
    insert_row(
        conn,
        &ProducerRow {
            name: new.name.clone(),
            search_key: ocop_core::text::search_key(&new.name),
            kind: new.kind.clone(),
            tax_code: new.tax_code.clone(),
            district_code: new.district_code.clone(),
            commune: new.commune.clone(),
            address: new.address.clone(),
            contact_name: new.contact_name.clone(),
            phone: new.phone.clone(),
            bank_bin: new.bank_bin.clone(),
            bank_account: new.bank_account.clone(),
            bank_holder: new.bank_holder.clone(),
            status: "active".to_owned(),
            programme_origin: "existing".to_owned(),
        },
    )
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Producer> {
    producers::table
        .find(id)
        .select(Producer::as_select())
        .first(conn)
}

pub fn exists(conn: &mut DbConn, id: i32) -> QueryResult<bool> {
    Ok(producers::table.find(id).count().get_result::<i64>(conn)? > 0)
}

pub fn is_active(conn: &mut DbConn, id: i32) -> QueryResult<bool> {
    Ok(producers::table
        .find(id)
        .select(producers::status)
        .first::<String>(conn)
        .optional()?
        .is_some_and(|s| s == "active"))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProducerSearch {
    /// Words of the name, with or without diacritics.
    pub q: Option<String>,
    pub district: Option<String>,
    pub kind: Option<String>,
    /// `active` or `suspended`.
    pub status: Option<String>,
    /// Page size, 1–1000 (default 200).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

macro_rules! filtered {
    ($f:expr) => {{
        let f: &ProducerSearch = $f;
        let mut q = producers::table.into_boxed();
        let key =
            f.q.as_deref()
                .map(ocop_core::text::search_key)
                .unwrap_or_default();
        if !key.is_empty() {
            let escaped = key
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            q = q.filter(
                producers::search_key
                    .like(format!("%{escaped}%"))
                    .escape('\\'),
            );
        }
        if let Some(d) = &f.district {
            q = q.filter(producers::district_code.eq(d.trim().to_owned()));
        }
        if let Some(k) = &f.kind {
            q = q.filter(producers::kind.eq(k.trim().to_owned()));
        }
        if let Some(s) = &f.status {
            q = q.filter(producers::status.eq(s.trim().to_owned()));
        }
        q
    }};
}

/// One page of matches, ordered by name then id, and the number of all matches.
pub fn search(conn: &mut DbConn, f: &ProducerSearch) -> QueryResult<(Vec<Producer>, i64)> {
    let limit = f.limit.unwrap_or(200).clamp(1, 1000);
    let offset = f.offset.unwrap_or(0).max(0);
    let total = filtered!(f).count().get_result::<i64>(conn)?;
    let rows = filtered!(f)
        .order((producers::search_key, producers::id))
        .limit(limit)
        .offset(offset)
        .select(Producer::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Every producer, by id (exports).
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Producer>> {
    producers::table
        .order(producers::id)
        .select(Producer::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    producers::table.count().get_result(conn)
}
