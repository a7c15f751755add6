//! Consignment agreements (hợp đồng ký gửi): producer × outlet terms. Goods
//! of a producer can be received at an outlet only on a day an agreement
//! between them is active (start ≤ day ≤ end, inclusive). Agreements of one
//! pair never overlap, so "the" agreement of a day is well defined.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::refusal::Refusal;
use ocop_core::stock::{ConsignmentTerms, LossBearer, SettlementPeriod};
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::schema::consignment_agreements as ca;
use crate::models::error::{ModelError, refuse};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = ca)]
pub struct Agreement {
    pub id: i32,
    pub producer_id: i32,
    pub outlet_id: i32,
    /// `commission` or `payout_price`.
    pub terms: String,
    /// Commission in basis points of VAT-inclusive sales (1500 = 15 %), for
    /// `commission` terms.
    pub commission_bp: Option<i32>,
    /// `monthly` or `quarterly`.
    pub settlement_period: String,
    /// Who bears expiry and damage losses: `producer` or `outlet`.
    pub loss_bearer: String,
    pub starts_on: NaiveDate,
    /// Inclusive; `null` = open-ended.
    pub ends_on: Option<NaiveDate>,
    pub note: String,
    pub created_by: Option<i32>,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub created_at: NaiveDateTime,
    /// Minimum payout in đồng: a settlement total below it carries to the
    /// next statement.
    pub min_payout: i64,
}

impl Agreement {
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && self.ends_on.is_none_or(|end| day <= end)
    }

    pub fn terms(&self) -> Option<ConsignmentTerms> {
        self.terms.parse().ok()
    }
}

/// A new agreement as the API receives it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgreement {
    pub producer_id: i32,
    pub outlet_id: i32,
    #[schema(value_type = String, example = "commission")]
    pub terms: ConsignmentTerms,
    /// Required for `commission` terms, 0–10000; absent for `payout_price`.
    pub commission_bp: Option<i32>,
    /// Default `monthly`.
    #[schema(value_type = Option<String>, example = "monthly")]
    pub settlement_period: Option<SettlementPeriod>,
    #[schema(value_type = String, example = "producer")]
    pub loss_bearer: LossBearer,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    #[serde(default)]
    pub note: String,
    /// Minimum payout in đồng (default 0): a settlement total below it
    /// carries to the next statement.
    #[serde(default)]
    pub min_payout: i64,
}

fn check(new: &NewAgreement) -> Result<(), Refusal> {
    match (new.terms, new.commission_bp) {
        (ConsignmentTerms::Commission, Some(bp)) if (0..=10_000).contains(&bp) => {}
        (ConsignmentTerms::Commission, _) => {
            return Err(Refusal::invalid(
                "invalid_commission",
                "Hợp đồng hưởng hoa hồng cần tỷ lệ hoa hồng từ 0 đến 10000 điểm cơ bản (0–100%).",
                "Commission terms need a commission of 0 to 10000 basis points (0–100 %).",
            ));
        }
        (ConsignmentTerms::PayoutPrice, None) => {}
        (ConsignmentTerms::PayoutPrice, Some(_)) => {
            return Err(Refusal::invalid(
                "commission_not_allowed",
                "Hợp đồng giá thanh toán cố định không có tỷ lệ hoa hồng (giá ghi trên từng phiếu nhập).",
                "Payout-price terms have no commission (the price is agreed on each goods-received line).",
            ));
        }
    }
    if new.min_payout < 0 {
        return Err(Refusal::invalid(
            "invalid_min_payout",
            "Mức thanh toán tối thiểu không được âm.",
            "The minimum payout cannot be negative.",
        )
        .on_field("min_payout"));
    }
    if new.ends_on.is_some_and(|end| end < new.starts_on) {
        return Err(Refusal::invalid(
            "agreement_dates_inverted",
            "Ngày kết thúc hợp đồng phải từ ngày bắt đầu trở đi.",
            "The agreement cannot end before it starts.",
        ));
    }
    Ok(())
}

/// Stores a new agreement after checking it and that it overlaps no other
/// agreement of the same producer and outlet.
pub fn create(
    conn: &mut DbConn,
    new: &NewAgreement,
    by: Option<i32>,
) -> Result<Agreement, ModelError> {
    check(new)?;
    crate::models::producer::find(conn, new.producer_id)?;
    crate::models::outlet::find(conn, new.outlet_id)?;
    let far = NaiveDate::MAX;
    let overlaps = list(conn, Some(new.producer_id), Some(new.outlet_id))?
        .into_iter()
        .any(|a| {
            a.starts_on <= new.ends_on.unwrap_or(far) && new.starts_on <= a.ends_on.unwrap_or(far)
        });
    if overlaps {
        return refuse(Refusal::conflict(
            "agreement_overlaps",
            "Chủ thể và điểm bán này đã có hợp đồng ký gửi trùng thời gian.",
            "This producer and outlet already have an agreement covering part of that period.",
        ));
    }
    let id = diesel::insert_into(ca::table)
        .values((
            ca::producer_id.eq(new.producer_id),
            ca::outlet_id.eq(new.outlet_id),
            ca::terms.eq(new.terms.code()),
            ca::commission_bp.eq(new.commission_bp),
            ca::settlement_period.eq(new
                .settlement_period
                .unwrap_or(SettlementPeriod::Monthly)
                .code()),
            ca::loss_bearer.eq(new.loss_bearer.code()),
            ca::starts_on.eq(new.starts_on),
            ca::ends_on.eq(new.ends_on),
            ca::note.eq(new.note.trim()),
            ca::created_by.eq(by),
            ca::created_at.eq(Utc::now().naive_utc()),
            ca::min_payout.eq(new.min_payout),
        ))
        .returning(ca::id)
        .get_result::<i32>(conn)?;
    Ok(find(conn, id)?)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Agreement> {
    ca::table
        .find(id)
        .select(Agreement::as_select())
        .first(conn)
}

pub fn list(
    conn: &mut DbConn,
    producer_id: Option<i32>,
    outlet_id: Option<i32>,
) -> QueryResult<Vec<Agreement>> {
    let mut q = ca::table.select(Agreement::as_select()).into_boxed();
    if let Some(p) = producer_id {
        q = q.filter(ca::producer_id.eq(p));
    }
    if let Some(o) = outlet_id {
        q = q.filter(ca::outlet_id.eq(o));
    }
    q.order(ca::id).load(conn)
}

/// The agreement of this producer and outlet active on `day`, if any.
pub fn active(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
    day: NaiveDate,
) -> QueryResult<Option<Agreement>> {
    Ok(list(conn, Some(producer_id), Some(outlet_id))?
        .into_iter()
        .find(|a| a.is_active_on(day)))
}

/// The active agreement, or the refusal a goods receipt gets without one.
pub fn require_active(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
    day: NaiveDate,
) -> Result<Agreement, ModelError> {
    match active(conn, producer_id, outlet_id, day)? {
        Some(a) => Ok(a),
        None => refuse(Refusal::invalid(
            "no_active_agreement",
            "Chưa có hợp đồng ký gửi còn hiệu lực giữa chủ thể và điểm bán này: không được nhập hàng.",
            "There is no active consignment agreement between this producer and outlet: goods cannot be received.",
        )),
    }
}
