//! Demo stock: a consignment agreement between every demo producer and
//! every demo outlet, and a posted goods-received note per producer at each
//! outlet for its receivable products, so the demo has stock (and an
//! expiring lot or two for the alerts) from the first start. Everything
//! goes through the same model functions as the API.

use anyhow::Context as _;
use chrono::{Days, NaiveDate};
use ocop_core::money::Quantity;
use ocop_core::stock::{ConsignmentTerms, DocumentKind, LossBearer, SettlementPeriod};

use crate::db::DbConn;
use crate::models::stock::agreement::{self, NewAgreement};
use crate::models::stock::document::{self, DraftInput, DraftLine};
use crate::models::stock::posting;
use crate::models::{outlet, producer, user};

fn stock_error(e: crate::models::error::ModelError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Loads the demo stock; returns the number of goods-received notes posted.
pub(super) fn load(conn: &mut DbConn, today: NaiveDate) -> anyhow::Result<usize> {
    let admin = user::find_by_username(conn, "admin")?.context("demo admin account")?;
    let manager = user::find_by_username(conn, "manager1")?.context("demo manager account")?;
    let starts_on = today.checked_sub_days(Days::new(60)).unwrap_or(today);
    let outlets = outlet::list(conn)?;
    let producers = producer::list(conn)?;
    let products = {
        use crate::db::schema::products;
        use diesel::prelude::*;
        products::table
            .order(products::id)
            .select(crate::models::product::Product::as_select())
            .load(conn)?
    };
    let mut notes = 0;
    for (o_index, o) in outlets.iter().enumerate() {
        for (p_index, p) in producers.iter().enumerate() {
            agreement::create(
                conn,
                &NewAgreement {
                    producer_id: p.id,
                    outlet_id: o.id,
                    terms: ConsignmentTerms::Commission,
                    commission_bp: Some(o.commission_bp),
                    settlement_period: Some(SettlementPeriod::Monthly),
                    loss_bearer: LossBearer::Producer,
                    starts_on,
                    ends_on: None,
                    note: "Hợp đồng ký gửi mẫu (DEMO)".to_owned(),
                    min_payout: 0,
                },
                Some(admin.id),
            )
            .map_err(stock_error)
            .with_context(|| format!("demo agreement {} × {}", p.name, o.code))?;
            let lines: Vec<DraftLine> = products
                .iter()
                .filter(|prod| {
                    prod.producer_id == p.id && prod.active && prod.listing(today).can_receive()
                })
                .enumerate()
                .map(|(i, prod)| {
                    let n = u64::try_from(i + p_index + o_index).unwrap_or(0);
                    // Every fourth lot expires within a month: something for the alerts.
                    let shelf_days = if n % 4 == 3 { 20 } else { 180 + 30 * n };
                    let units = i64::try_from(6 + (n * 7) % 25).unwrap_or(6);
                    DraftLine {
                        product_id: Some(prod.id),
                        scan: None,
                        lot_code: Some(format!("DEMO-{}-{:02}", o.code, i + 1)),
                        produced_on: today.checked_sub_days(Days::new(30)),
                        expires_on: today.checked_add_days(Days::new(shelf_days)),
                        qty: Quantity::from_units(units).unwrap_or(Quantity::ONE),
                        payout_price: None,
                        reason: None,
                    }
                })
                .collect();
            if lines.is_empty() {
                continue;
            }
            let by = if Some(o.id) == manager.outlet_id {
                manager.id
            } else {
                admin.id
            };
            let input = DraftInput {
                kind: DocumentKind::GoodsReceived,
                outlet_id: o.id,
                producer_id: Some(p.id),
                dest_outlet_id: None,
                ref_document_id: None,
                write_off_reason: None,
                note: "Nhập ký gửi mẫu (DEMO)".to_owned(),
                lines,
            };
            let draft = document::create_draft(conn, &input, by, today).map_err(stock_error)?;
            posting::post(conn, draft.id, by, today).map_err(stock_error)?;
            notes += 1;
        }
    }
    Ok(notes)
}
