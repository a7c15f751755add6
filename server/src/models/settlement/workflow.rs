//! The steps of a statement after it is computed: approve (outlet manager),
//! confirm or dispute (producer), pay (with the bank transfer reference),
//! and adjustments that correct an approved statement in a later one.
//! Each step checks the status it starts from ([`Status::after`]) and
//! appends an event with who and when.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ocop_core::refusal::Refusal;
use ocop_core::settlement::{Period, Status, Step, payout_memo};

use super::{Payout, Statement, find};
use crate::db::DbConn;
use crate::db::schema::{
    settlement_adjustments as sa, settlement_events as se, settlement_payouts as sp,
    settlement_statements as ss,
};
use crate::models::error::{ModelError, refuse};

fn step_refused(s: &Statement, step: Step) -> Refusal {
    Refusal::conflict(
        "statement_step_not_allowed",
        format!(
            "Bảng quyết toán đang ở trạng thái \"{}\": không thể {}.",
            s.status().label_vi(),
            match step {
                Step::Approved => "duyệt",
                Step::Confirmed => "xác nhận",
                Step::Disputed => "khiếu nại",
                Step::Paid => "ghi nhận thanh toán",
                Step::Computed => "tính lại",
            }
        ),
        format!(
            "The statement is \"{}\": it cannot be {} now.",
            s.status().label_en(),
            step.code()
        ),
    )
}

fn record(
    conn: &mut DbConn,
    s: &Statement,
    step: Step,
    comment: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Statement, ModelError> {
    // Locks the row on PostgreSQL, so two steps cannot both start from the
    // same status.
    let q = ss::table.find(s.id).select(ss::status);
    let current: String = match conn {
        DbConn::Postgres(c) => q.for_update().first(c)?,
        // SQLite has no row locks; its writes are serialised anyway.
        DbConn::Sqlite(c) => q.first(c)?,
    };
    let from: Status = current.parse().unwrap_or(Status::Draft);
    let Some(to) = from.after(step) else {
        return refuse(step_refused(s, step));
    };
    diesel::update(ss::table.find(s.id))
        .set(ss::status.eq(to.code()))
        .execute(conn)?;
    diesel::insert_into(se::table)
        .values((
            se::statement_id.eq(s.id),
            se::step.eq(step.code()),
            se::comment.eq(comment.trim()),
            se::user_id.eq(by),
            se::at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    notify_producer(conn, s, step, now)?;
    find(conn, s.id)
}

/// The producer's portal notice of a step someone else took: approved
/// (waiting for its confirmation) or paid.
fn notify_producer(
    conn: &mut DbConn,
    s: &Statement,
    step: Step,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let (kind, vi, en) = match step {
        Step::Approved => (
            "statement_ready",
            format!(
                "Bảng quyết toán kỳ {} (#{}) đã được duyệt: mời bạn xác nhận hoặc khiếu nại.",
                s.period, s.id
            ),
            format!(
                "The statement of {} (#{}) is approved: please confirm or dispute it.",
                s.period, s.id
            ),
        ),
        Step::Paid => (
            "statement_paid",
            format!(
                "Đã chuyển khoản {} cho bảng quyết toán kỳ {} (#{}).",
                ocop_core::money::Dong::new(s.net_payable),
                s.period,
                s.id
            ),
            format!(
                "{} was paid by transfer for the statement of {} (#{}).",
                ocop_core::money::Dong::new(s.net_payable),
                s.period,
                s.id
            ),
        ),
        Step::Computed | Step::Confirmed | Step::Disputed => return Ok(()),
    };
    super::notices::notify(
        conn,
        &super::notices::NewNotice {
            producer_id: s.producer_id,
            kind,
            statement_id: Some(s.id),
            outlet_id: Some(s.outlet_id),
            message_vi: vi,
            message_en: en,
            dedup_key: format!("{kind}:{}", s.id),
        },
        now,
    )?;
    Ok(())
}

/// Approves a draft. Its period must be over when it was computed: a
/// statement computed mid-period is provisional.
pub fn approve(
    conn: &mut DbConn,
    id: i32,
    by: i32,
    now: DateTime<Utc>,
) -> Result<Statement, ModelError> {
    let s = find(conn, id)?;
    let end = ocop_core::time::vn_day_bounds(s.period_end).0.naive_utc();
    if s.status() == Status::Draft && s.cutoff_at < end {
        return refuse(Refusal::conflict(
            "period_not_over",
            format!(
                "Kỳ {} chưa kết thúc khi tính bảng này (bảng tạm tính): tính lại sau khi hết kỳ rồi duyệt.",
                s.period
            ),
            format!(
                "The period {} was not over when this was computed (provisional): recompute after the period ends, then approve.",
                s.period
            ),
        ));
    }
    record(conn, &s, Step::Approved, "", Some(by), now)
}

pub fn confirm(
    conn: &mut DbConn,
    id: i32,
    by: i32,
    now: DateTime<Utc>,
) -> Result<Statement, ModelError> {
    let s = find(conn, id)?;
    record(conn, &s, Step::Confirmed, "", Some(by), now)
}

pub fn dispute(
    conn: &mut DbConn,
    id: i32,
    comment: &str,
    by: i32,
    now: DateTime<Utc>,
) -> Result<Statement, ModelError> {
    let s = find(conn, id)?;
    if comment.trim().is_empty() {
        return refuse(
            Refusal::invalid(
                "comment_required",
                "Hãy ghi rõ nội dung khiếu nại.",
                "Say what is disputed.",
            )
            .on_field("comment"),
        );
    }
    record(conn, &s, Step::Disputed, comment, Some(by), now)
}

/// Records the payout of a due statement: its net payable to the producer's
/// account, with the bank transfer reference. Never twice (unique key).
pub fn pay(
    conn: &mut DbConn,
    id: i32,
    reference: &str,
    by: i32,
    now: DateTime<Utc>,
) -> Result<Payout, ModelError> {
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().count() > 64 {
        return refuse(
            Refusal::invalid(
                "reference_required",
                "Cần mã tham chiếu giao dịch chuyển khoản (tối đa 64 ký tự).",
                "The bank transfer reference is required (at most 64 characters).",
            )
            .on_field("reference"),
        );
    }
    let s = find(conn, id)?;
    let already = sp::table
        .filter(sp::statement_id.eq(id))
        .count()
        .get_result::<i64>(conn)?;
    if already > 0 {
        return refuse(Refusal::conflict(
            "already_paid",
            "Bảng quyết toán này đã được thanh toán.",
            "This statement has already been paid.",
        ));
    }
    if s.net_payable <= 0 {
        return refuse(Refusal::conflict(
            "nothing_to_pay",
            "Bảng quyết toán này không có khoản phải trả (số tiền chuyển sang kỳ sau).",
            "This statement has nothing to pay (the amount carries to the next statement).",
        ));
    }
    let producer = crate::models::producer::find(conn, s.producer_id)?;
    let (Some(bin), Some(account)) = (producer.bank_bin.clone(), producer.bank_account.clone())
    else {
        return refuse(no_bank_account());
    };
    record(conn, &s, Step::Paid, reference, Some(by), now)?;
    let period: Period = s
        .period
        .parse()
        .map_err(|_| ModelError::Refused(no_bank_account()))?;
    diesel::insert_into(sp::table)
        .values((
            sp::statement_id.eq(id),
            sp::amount.eq(s.net_payable),
            sp::bank_bin.eq(bin),
            sp::bank_account.eq(account),
            sp::memo.eq(payout_memo(id, period)),
            sp::reference.eq(reference),
            sp::paid_by.eq(by),
            sp::paid_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(sp::table
        .filter(sp::statement_id.eq(id))
        .select(Payout::as_select())
        .first(conn)?)
}

pub fn no_bank_account() -> Refusal {
    Refusal::conflict(
        "producer_has_no_bank_account",
        "Chủ thể chưa có tài khoản ngân hàng: cập nhật hồ sơ chủ thể trước khi thanh toán.",
        "The producer has no bank account on record: update the producer first.",
    )
}

/// Corrects an approved statement: an adjustment line in the pair's next
/// statement computed after now.
pub fn adjust(
    conn: &mut DbConn,
    corrects: i32,
    amount: i64,
    reason: &str,
    by: i32,
    now: DateTime<Utc>,
) -> Result<i32, ModelError> {
    let s = find(conn, corrects)?;
    if !s.status().is_fixed() {
        return refuse(Refusal::conflict(
            "statement_not_approved",
            "Bản nháp được tính lại, không cần điều chỉnh.",
            "A draft is recomputed, not adjusted.",
        ));
    }
    if reason.trim().is_empty() || amount == 0 {
        return refuse(
            Refusal::invalid(
                "adjustment_invalid",
                "Điều chỉnh cần số tiền khác 0 và lý do.",
                "An adjustment needs a non-zero amount and a reason.",
            )
            .on_field("reason"),
        );
    }
    Ok(diesel::insert_into(sa::table)
        .values((
            sa::producer_id.eq(s.producer_id),
            sa::outlet_id.eq(s.outlet_id),
            sa::corrects_statement_id.eq(corrects),
            sa::amount.eq(amount),
            sa::reason.eq(reason.trim()),
            sa::created_by.eq(by),
            sa::created_at.eq(now.naive_utc()),
        ))
        .returning(sa::id)
        .get_result::<i32>(conn)?)
}
