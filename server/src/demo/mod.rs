//! `ocop-server serve --demo`: fills an empty database with a realistic Lào
//! Cai catalogue and the demo accounts, once. A database that already holds
//! the demo is left alone; a database with real data is never touched.

mod data;
pub mod generate;
mod stock;

use anyhow::Context as _;
use chrono::{Days, Months, NaiveDate, Utc};
use diesel::prelude::*;

use crate::auth::{Role, password};
use crate::db::{Db, DbConn};
use crate::models::outlet::{self, NewOutlet};
use crate::models::producer::{self, NewProducer};
use crate::models::product::{self, NewProduct};
use crate::models::{settings, user};

pub const DEMO_PASSWORD: &str = "demo1234";
const MARKER: &str = "demo_loaded_at";

/// The demo accounts: (username, display name, role).
pub const ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin", "Quản trị hệ thống (demo)", Role::Admin),
    (
        "inspector",
        "Thanh tra Sở Công Thương (demo)",
        Role::Inspector,
    ),
    ("manager1", "Quản lý Trung tâm OCOP (demo)", Role::Manager),
    ("cashier1", "Thu ngân Trung tâm OCOP (demo)", Role::Cashier),
    (
        "producer1",
        "HTX Chè Shan Tuyết Ý Tý (demo)",
        Role::Producer,
    ),
];

#[derive(Debug, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded {
        producers: usize,
        products: usize,
        outlets: usize,
    },
    AlreadyLoaded,
    /// The database holds other data: the demo is not mixed into it.
    NotEmpty,
}

/// Loads the demo in one transaction, unless it is there already.
pub fn load(db: &Db) -> anyhow::Result<DemoOutcome> {
    // Hash before the transaction: argon2 is slow on purpose.
    let hash = password::hash(DEMO_PASSWORD)?;
    let today = Utc::now().date_naive();
    db.write(|conn| -> anyhow::Result<DemoOutcome> {
        if settings::get(conn, MARKER)?.is_some() {
            return Ok(DemoOutcome::AlreadyLoaded);
        }
        if producer::count(conn)? > 0 || user::count(conn)? > 0 {
            return Ok(DemoOutcome::NotEmpty);
        }
        let outcome = insert_all(conn, &hash, today)?;
        settings::insert_if_absent(conn, MARKER, &Utc::now().to_rfc3339())?;
        Ok(outcome)
    })
}

fn insert_all(conn: &mut DbConn, hash: &str, today: NaiveDate) -> anyhow::Result<DemoOutcome> {
    let mut producer_ids = std::collections::HashMap::new();
    for (i, row) in data::PRODUCERS.iter().enumerate() {
        let (key, name, kind, district, commune, address, contact, phone, bin, account) = *row;
        let tax_code = (kind != "household").then(|| format!("53001{:05}", i + 1));
        let created = producer::insert(
            conn,
            &NewProducer {
                name: name.to_owned(),
                kind: kind.to_owned(),
                tax_code,
                district_code: district.to_owned(),
                commune: commune.to_owned(),
                address: address.to_owned(),
                contact_name: contact.to_owned(),
                phone: phone.to_owned(),
                bank_bin: Some(bin.to_owned()),
                bank_account: Some(account.to_owned()),
                bank_holder: Some(ocop_core::text::fold_diacritics(name).to_uppercase()),
            },
        )
        .with_context(|| format!("demo producer {key}"))?;
        producer_ids.insert(key, created.id);
    }

    let products = data::products();
    for (i, row) in products.iter().enumerate() {
        let producer_id = *producer_ids
            .get(row.producer)
            .with_context(|| format!("demo product {} names unknown producer", row.name))?;
        let n = i + 1;
        let body = format!("8936052{n:05}");
        let check = ocop_core::gtin::check_digit(&body)
            .map_err(|e| anyhow::anyhow!("demo GTIN {body}: {e}"))?;
        let gtin = ocop_core::gtin::Gtin::parse(&format!("{body}{check}"))
            .map_err(|e| anyhow::anyhow!("demo GTIN {body}: {e}"))?;
        let cert = row.cert_years_ago.map(|years| {
            let issued = today
                .checked_sub_days(Days::new(u64::try_from(years).unwrap_or(0) * 365 + 30))
                .unwrap_or(today);
            let expires = issued.checked_add_months(Months::new(36)).unwrap_or(issued);
            (issued, expires)
        });
        let needs_food_safety = matches!(row.group, "food" | "beverage");
        product::insert(
            conn,
            &NewProduct {
                producer_id,
                name_vi: row.name.to_owned(),
                name_en: Some(row.name_en.to_owned()),
                group_code: row.group.to_owned(),
                stars: row.stars,
                cert_number: cert.map(|_| {
                    let issuer = if row.level == "central" {
                        "BNN"
                    } else {
                        "UBND"
                    };
                    format!("DEMO-{n:03}/QĐ-{issuer}")
                }),
                cert_level: cert.map(|_| row.level.to_owned()),
                cert_issued_on: cert.map(|(issued, _)| issued),
                cert_expires_on: cert.map(|(_, expires)| expires),
                gtin: Some(gtin.as_str14().to_owned()),
                internal_code: Some(format!("OCOP-LC-{n:04}")),
                unit: row.unit.to_owned(),
                fractional: row.fractional,
                vat_rate: row.vat.to_owned(),
                price: row.price,
                food_safety_ref: needs_food_safety
                    .then(|| format!("DEMO-TCB {n:03}/2025/{}", row.producer.to_uppercase())),
                description: row.description.to_owned(),
                key_product: row.key_product,
                rating: cert.and_then(|(issued, _)| demo_rating(row.stars, n, issued)),
            },
            None,
        )
        .with_context(|| format!("demo product {}", row.name))?;
    }

    let mut outlet_ids = Vec::new();
    for row in data::OUTLETS {
        let (
            code,
            name,
            kind,
            district,
            address,
            lat,
            lon,
            hours,
            operator,
            bp,
            legal,
            tax,
            phone,
            bin,
            account,
        ) = *row;
        let created = outlet::insert(
            conn,
            &NewOutlet {
                code: code.to_owned(),
                name: name.to_owned(),
                kind: kind.to_owned(),
                district_code: district.to_owned(),
                address: address.to_owned(),
                latitude: Some(lat),
                longitude: Some(lon),
                opening_hours: hours.to_owned(),
                operator_name: operator.to_owned(),
                commission_bp: bp,
                legal_name: legal.to_owned(),
                tax_code: tax.to_owned(),
                phone: phone.to_owned(),
                bank_bin: Some(bin.to_owned()),
                bank_account: Some(account.to_owned()),
                bank_holder: Some(ocop_core::text::fold_diacritics(legal).to_uppercase()),
            },
        )
        .with_context(|| format!("demo outlet {code}"))?;
        outlet_ids.push(created.id);
    }

    let showroom = outlet_ids.first().copied();
    let first_producer = producer_ids.get("che-y-ty").copied();
    for (username, display_name, role) in ACCOUNTS {
        let (outlet_id, producer_id) = match role.scope_kind() {
            crate::auth::ScopeKind::Province => (None, None),
            crate::auth::ScopeKind::Outlet => (showroom, None),
            crate::auth::ScopeKind::Producer => (None, first_producer),
        };
        user::insert(
            conn,
            &user::NewUser {
                username: (*username).to_owned(),
                display_name: (*display_name).to_owned(),
                password_hash: hash.to_owned(),
                role: *role,
                outlet_id,
                producer_id,
            },
        )
        .with_context(|| format!("demo account {username}"))?;
    }

    // Stock last: it needs the outlets, producers, products and accounts.
    stock::load(conn, crate::models::product::vn_today()).context("demo stock")?;
    crate::models::oversight::indicators::seed_plan(conn, Utc::now().naive_utc())
        .map_err(|e| anyhow::anyhow!("demo plan targets: {e:?}"))?;

    Ok(DemoOutcome::Loaded {
        producers: data::PRODUCERS.len(),
        products: products.len(),
        outlets: data::OUTLETS.len(),
    })
}

/// The loud start-up notice: demo accounts share one known password.
pub fn banner(outcome: &DemoOutcome, base_url: &str) -> String {
    let what = match outcome {
        DemoOutcome::Loaded {
            producers,
            products,
            outlets,
        } => format!(
            "Demo data loaded: {producers} producers, {products} products, {outlets} outlets."
        ),
        DemoOutcome::AlreadyLoaded => "Demo data already present (not loaded again).".to_owned(),
        DemoOutcome::NotEmpty => {
            return "\n!!! --demo ignored: this database already holds non-demo data; nothing was added.\n"
                .to_owned();
        }
    };
    let names: Vec<&str> = ACCOUNTS.iter().map(|(u, _, _)| *u).collect();
    format!(
        "\n\
         ================================ DEMO MODE ================================\n\
         {what}\n\
         DEMO ACCOUNTS (password for all: {DEMO_PASSWORD}): {}\n\
         These accounts share a published password: never use demo mode with real data.\n\
         API docs: {base_url}/api/docs   Health: {base_url}/healthz\n\
         ===========================================================================\n",
        names.join(", ")
    )
}

/// Quick sanity numbers for tests and the banner.
pub fn counts(conn: &mut DbConn) -> QueryResult<(i64, i64, i64)> {
    Ok((
        producer::count(conn)?,
        product::count(conn)?,
        user::count(conn)?,
    ))
}

/// A rating record for a demo certificate: a score inside the stars' band
/// (varied by the product's number), decided on the certificate's day.
fn demo_rating(
    stars: i32,
    n: usize,
    issued: chrono::NaiveDate,
) -> Option<crate::models::product::validate::RatingRecord> {
    let stars = ocop_core::catalogue::StarRating::new(u8::try_from(stars).ok()?).ok()?;
    let (low, high) = stars.score_band();
    let spread = u8::try_from(n % usize::from(high - low + 1)).ok()?;
    Some(crate::models::product::validate::RatingRecord {
        score: i32::from(low + spread),
        decision_no: format!("DEMO-{n:03}/QĐ-UBND"),
        decision_on: issued,
        body: if stars.stars() == 5 {
            "Bộ Nông nghiệp và Phát triển nông thôn".to_owned()
        } else {
            "UBND tỉnh Lào Cai".to_owned()
        },
    })
}
