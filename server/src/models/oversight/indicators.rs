//! The province plan's indicators (06/KH-UBND 2019, section I.2): the
//! targets an admin enters per year, and the actual figures computed from
//! the catalogue.
//!
//! Targets are not fiscal, but a change is still never an overwrite: each
//! entry is a new row of `programme_targets`, the current target of a
//! (year, indicator) is its newest row and the older rows are its history.
//! Year 0 is the whole plan ("at least 30 organisations" is a target for
//! the plan, not for one year).
//!
//! Actual figures, per calendar year:
//! - `products_standardised`: products of 3★ or more with a certificate,
//!   counted in the year their certificate was issued;
//! - `organisations_consolidated` / `organisations_new`: producers marked
//!   `existing` / `new` (`producers.programme_origin`), counted in the year
//!   of their first certificate of 3★ or more;
//! - `sales_points`: outlets, in the year they were registered (Vietnam);
//! - `province_database`: 1 in the year the first product was registered.
//!
//! By district: the producer's district (the outlet's for sales points).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike as _, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ocop_core::refusal::Refusal;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::schema::{outlets, producers, products, programme_targets};
use crate::models::error::ModelError;
use crate::models::validation::{Problems, invalid, optional_text};

/// The plan's indicators, in the plan's order: code, Vietnamese, English.
pub const INDICATORS: &[(&str, &str, &str)] = &[
    (
        "products_standardised",
        "Sản phẩm được tiêu chuẩn hóa (đạt 3 sao trở lên)",
        "Products standardised (3★ or more)",
    ),
    (
        "organisations_consolidated",
        "Tổ chức kinh tế hiện có được củng cố",
        "Existing organisations consolidated",
    ),
    (
        "organisations_new",
        "Tổ chức kinh tế mới tham gia",
        "New organisations joining",
    ),
    (
        "sales_points",
        "Điểm giới thiệu, bán sản phẩm",
        "Sales points",
    ),
    (
        "province_database",
        "Cơ sở dữ liệu OCOP của tỉnh",
        "Province OCOP database",
    ),
];

/// What marks a producer new to the programme or an existing one.
pub const ORIGINS: [&str; 2] = ["existing", "new"];

/// A target as an admin enters it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// 2000–2100, or 0 for the whole plan.
    pub year: i64,
    /// One of [`INDICATORS`].
    pub indicator: String,
    /// A count, 0 or more.
    pub target: i64,
    #[serde(default)]
    pub note: String,
}

/// One stored target entry.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = programme_targets)]
pub struct Target {
    pub id: i32,
    pub year: i32,
    pub indicator: String,
    pub target: i32,
    pub note: String,
    pub entered_by: Option<i32>,
    pub entered_at: NaiveDateTime,
}

/// Checks and appends a target entry (the newest entry is the target).
pub fn enter_target(
    conn: &mut DbConn,
    input: &TargetInput,
    by_user: Option<i32>,
    now: NaiveDateTime,
) -> Result<Target, ModelError> {
    let mut p = Problems::default();
    let year = i32::try_from(input.year)
        .ok()
        .filter(|y| *y == 0 || (2000..=2100).contains(y));
    if year.is_none() {
        p.push(invalid(
            "year",
            "invalid_target_year",
            format!(
                "Năm \"{}\" không hợp lệ: ghi 2000–2100, hoặc 0 cho cả giai đoạn.",
                input.year
            ),
            format!(
                "Year \"{}\" is not valid: write 2000–2100, or 0 for the whole plan.",
                input.year
            ),
        ));
    }
    let indicator = input.indicator.trim();
    if !INDICATORS.iter().any(|(c, _, _)| *c == indicator) {
        p.push(invalid(
            "indicator",
            "unknown_indicator",
            format!("Không có chỉ tiêu \"{indicator}\"."),
            format!("There is no indicator \"{indicator}\"."),
        ));
    }
    let target = i32::try_from(input.target)
        .ok()
        .filter(|t| (0..=1_000_000).contains(t));
    if target.is_none() {
        p.push(invalid(
            "target",
            "invalid_target",
            format!(
                "Chỉ tiêu phải là số từ 0 đến 1.000.000 (nhận được {}).",
                input.target
            ),
            format!(
                "A target is a number from 0 to 1,000,000 (got {}).",
                input.target
            ),
        ));
    }
    let note = p.take(optional_text(
        "note",
        ("Ghi chú", "The note"),
        Some(&input.note),
        500,
    ));
    let checked = (|| Some((year?, target?, note?.unwrap_or_default())))();
    let (year, target, note) = p.finish(checked).map_err(ModelError::from)?;
    let id = diesel::insert_into(programme_targets::table)
        .values((
            programme_targets::year.eq(year),
            programme_targets::indicator.eq(indicator),
            programme_targets::target.eq(target),
            programme_targets::note.eq(note),
            programme_targets::entered_by.eq(by_user),
            programme_targets::entered_at.eq(now),
        ))
        .returning(programme_targets::id)
        .get_result::<i32>(conn)?;
    Ok(programme_targets::table
        .find(id)
        .select(Target::as_select())
        .first(conn)?)
}

/// Every entry, newest first (the history).
pub fn history(conn: &mut DbConn) -> QueryResult<Vec<Target>> {
    programme_targets::table
        .order(programme_targets::id.desc())
        .select(Target::as_select())
        .load(conn)
}

/// The current target of each (indicator, year): its newest entry.
pub fn current_targets(conn: &mut DbConn) -> QueryResult<BTreeMap<(String, i32), i32>> {
    let mut out = BTreeMap::new();
    for t in programme_targets::table
        .order(programme_targets::id)
        .select(Target::as_select())
        .load(conn)?
    {
        out.insert((t.indicator, t.year), t.target);
    }
    Ok(out)
}

/// Actual figures: indicator → year → district → count.
pub type Actuals = BTreeMap<String, BTreeMap<i32, BTreeMap<String, i64>>>;

/// A certified product with its rating record, for the indicators page.
#[derive(Debug, Clone, Serialize)]
pub struct Certified {
    pub product_id: i32,
    pub product: String,
    pub group_code: String,
    pub stars: i32,
    pub issued_on: NaiveDate,
    pub producer_id: i32,
    pub producer: String,
    pub producer_kind: String,
    pub origin: String,
    pub district_code: String,
    pub rating_score: Option<i32>,
    pub rating_decision_no: Option<String>,
    pub rating_decision_on: Option<NaiveDate>,
    pub rating_body: Option<String>,
}

/// Every product of 3★ or more with a certificate, by issue date.
pub fn certified(conn: &mut DbConn) -> QueryResult<Vec<Certified>> {
    #[expect(clippy::type_complexity, reason = "one row of a join")]
    let rows: Vec<(
        (i32, String, String, i32, Option<NaiveDate>),
        (i32, String, String, String, String),
        (
            Option<i32>,
            Option<String>,
            Option<NaiveDate>,
            Option<String>,
        ),
    )> = products::table
        .inner_join(producers::table.on(producers::id.eq(products::producer_id)))
        .filter(products::stars.ge(3))
        .filter(products::cert_number.is_not_null())
        .filter(products::cert_issued_on.is_not_null())
        .order((products::cert_issued_on, products::id))
        .select((
            (
                products::id,
                products::name_vi,
                products::group_code,
                products::stars,
                products::cert_issued_on,
            ),
            (
                producers::id,
                producers::name,
                producers::kind,
                producers::programme_origin,
                producers::district_code,
            ),
            (
                products::rating_score,
                products::rating_decision_no,
                products::rating_decision_on,
                products::rating_body,
            ),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, m, r)| {
            Some(Certified {
                product_id: p.0,
                product: p.1,
                group_code: p.2,
                stars: p.3,
                issued_on: p.4?,
                producer_id: m.0,
                producer: m.1,
                producer_kind: m.2,
                origin: m.3,
                district_code: m.4,
                rating_score: r.0,
                rating_decision_no: r.1,
                rating_decision_on: r.2,
                rating_body: r.3,
            })
        })
        .collect())
}

fn bump(a: &mut Actuals, indicator: &str, year: i32, district: &str) {
    let n = a
        .entry(indicator.to_owned())
        .or_default()
        .entry(year)
        .or_default()
        .entry(district.to_owned())
        .or_default();
    *n = n.saturating_add(1);
}

/// The actual figures of every indicator, from the catalogue.
pub fn actuals(conn: &mut DbConn, certified: &[Certified]) -> QueryResult<Actuals> {
    let mut a = Actuals::new();
    let mut first_cert: BTreeMap<i32, (NaiveDate, &Certified)> = BTreeMap::new();
    for c in certified {
        bump(
            &mut a,
            "products_standardised",
            c.issued_on.year(),
            &c.district_code,
        );
        let e = first_cert.entry(c.producer_id).or_insert((c.issued_on, c));
        if c.issued_on < e.0 {
            *e = (c.issued_on, c);
        }
    }
    for (day, c) in first_cert.values() {
        let indicator = if c.origin == "new" {
            "organisations_new"
        } else {
            "organisations_consolidated"
        };
        bump(&mut a, indicator, day.year(), &c.district_code);
    }
    let registered: Vec<(NaiveDateTime, String)> = outlets::table
        .select((outlets::created_at, outlets::district_code))
        .load(conn)?;
    for (at, district) in registered {
        let year = ocop_core::time::vn_date(at.and_utc()).year();
        bump(&mut a, "sales_points", year, &district);
    }
    let first_product: Option<NaiveDateTime> = products::table
        .select(diesel::dsl::min(products::created_at))
        .first(conn)?;
    if let Some(at) = first_product {
        let year = ocop_core::time::vn_date(at.and_utc()).year();
        bump(&mut a, "province_database", year, "");
    }
    Ok(a)
}

/// Σ over districts of one indicator's year.
pub fn year_total(a: &Actuals, indicator: &str, year: i32) -> i64 {
    a.get(indicator)
        .and_then(|y| y.get(&year))
        .map(|d| d.values().sum())
        .unwrap_or(0)
}

/// Every year that has a target or an actual figure (0 left out).
pub fn years(a: &Actuals, targets: &BTreeMap<(String, i32), i32>) -> BTreeSet<i32> {
    let mut out: BTreeSet<i32> = targets
        .keys()
        .map(|(_, y)| *y)
        .filter(|y| *y != 0)
        .collect();
    for by_year in a.values() {
        out.extend(by_year.keys().copied());
    }
    out
}

/// The plan's known targets (06/KH-UBND 2019, section I.2), entered once
/// by the demo loader: products standardised 10 / 30 / 20 in 2018–2020
/// (60 in all), at least 30 existing organisations consolidated and at
/// least 15 new ones over the plan.
pub fn seed_plan(conn: &mut DbConn, now: NaiveDateTime) -> Result<(), ModelError> {
    let plan: [(i64, &str, i64); 6] = [
        (2018, "products_standardised", 10),
        (2019, "products_standardised", 30),
        (2020, "products_standardised", 20),
        (0, "products_standardised", 60),
        (0, "organisations_consolidated", 30),
        (0, "organisations_new", 15),
    ];
    for (year, indicator, target) in plan {
        enter_target(
            conn,
            &TargetInput {
                year,
                indicator: indicator.to_owned(),
                target,
                note: "Kế hoạch 06/KH-UBND năm 2019".to_owned(),
            },
            None,
            now,
        )?;
    }
    Ok(())
}

/// The label of an indicator code.
pub fn label(lang: ocop_core::i18n::Lang, code: &str) -> String {
    INDICATORS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, vi, en)| match lang {
            ocop_core::i18n::Lang::Vi => (*vi).to_owned(),
            ocop_core::i18n::Lang::En => (*en).to_owned(),
        })
        .unwrap_or_else(|| code.to_owned())
}

/// A refusal for an unknown producer origin (the producer form).
pub fn unknown_origin(given: &str) -> Refusal {
    invalid(
        "programme_origin",
        "unknown_programme_origin",
        format!("\"{given}\" không hợp lệ: existing (hiện có) hoặc new (mới thành lập)."),
        format!("\"{given}\" is not valid: existing or new."),
    )
}
