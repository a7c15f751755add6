//! Consignment settlement statements: run a period, list, read, approve,
//! confirm or dispute, pay, adjust; the payout batch of an outlet (JSON,
//! CSV) with a VietQR code per statement.
//!
//! Who may do what (decided here and in `auth::scope::check_statement`):
//! admins run and read everything; managers run, approve, adjust and pay
//! their own outlet's statements; producers read, confirm and dispute their
//! own; inspectors read everything; cashiers nothing. A statement the
//! caller may not see answers 404, as one that does not exist.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use ocop_core::money::Dong;
use ocop_core::settlement::{Period, Status, payout_memo};
use ocop_core::vietqr::{BankBin, VietQr};
use serde::{Deserialize, Serialize};

use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ErrorBody};
use crate::models::settlement::{
    self, Balance, Filter, Payout, RunOutcome, Statement, StatementView, workflow,
};
use crate::state::AppState;

/// The statements the caller may list.
pub fn scope_filter(caller: &AuthUser, mut f: Filter) -> Result<Filter, ApiError> {
    match caller.role {
        Role::Admin | Role::Inspector => {}
        Role::Manager => f.outlet_id = Some(caller.outlet_id.unwrap_or(-1)),
        Role::Producer => f.producer_id = Some(caller.producer_id.unwrap_or(-1)),
        Role::Cashier => return Err(ApiError::forbidden()),
    }
    Ok(f)
}

/// May the caller read this statement? 404 otherwise.
pub fn check_visible(caller: &AuthUser, s: &Statement) -> Result<(), ApiError> {
    let ok = caller.reads_everything()
        || (caller.role == Role::Manager && caller.outlet_id == Some(s.outlet_id))
        || (caller.role == Role::Producer && caller.producer_id == Some(s.producer_id));
    if ok {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

/// May the caller act for the outlet of this statement (approve, pay)?
fn check_outlet_staff(caller: &AuthUser, s: &Statement) -> Result<(), ApiError> {
    check_visible(caller, s)?;
    match caller.role {
        Role::Admin => Ok(()),
        Role::Manager if caller.outlet_id == Some(s.outlet_id) => Ok(()),
        _ => Err(ApiError::forbidden()),
    }
}

/// May the caller act as the producer of this statement (confirm, dispute)?
fn check_own_producer(caller: &AuthUser, s: &Statement) -> Result<(), ApiError> {
    check_visible(caller, s)?;
    if caller.role == Role::Producer && caller.producer_id == Some(s.producer_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Loads a statement the caller may see.
pub async fn load(state: &AppState, caller: &AuthUser, id: i32) -> Result<StatementView, ApiError> {
    let view = state.read(move |c| Ok(settlement::view(c, id)?)).await?;
    check_visible(caller, &view.statement)?;
    Ok(view)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// The month to settle, `2026-11`; quarterly agreements are settled
    /// with the last month of their quarter.
    pub period: String,
    /// Only this outlet (a manager's own outlet always).
    pub outlet_id: Option<i32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunResult {
    pub producer_id: i32,
    pub outlet_id: i32,
    /// `computed`, `not_due`, `fixed` or `refused`.
    pub outcome: &'static str,
    pub statement_id: Option<i32>,
    pub message: Option<String>,
}

pub fn parse_period(text: &str) -> Result<Period, ApiError> {
    text.parse::<Period>()
        .map_err(|e| ApiError::invalid(&e))
        .and_then(|p| {
            if p.kind() == ocop_core::stock::SettlementPeriod::Monthly {
                Ok(p)
            } else {
                Err(ApiError::invalid(
                    &ocop_core::settlement::SettlementError::InvalidPeriod(text.to_owned()),
                ))
            }
        })
}

pub fn results(rows: Vec<(i32, i32, RunOutcome)>) -> Vec<RunResult> {
    rows.into_iter()
        .map(|(producer_id, outlet_id, o)| {
            let (outcome, statement_id, message) = match o {
                RunOutcome::Computed(id) => ("computed", Some(id), None),
                RunOutcome::NotDue => ("not_due", None, None),
                RunOutcome::Fixed(id) => ("fixed", Some(id), None),
                RunOutcome::Refused(m) => ("refused", None, Some(m)),
            };
            RunResult {
                producer_id,
                outlet_id,
                outcome,
                statement_id,
                message,
            }
        })
        .collect()
}

/// Computes (or recomputes) the draft statements of a month for every
/// producer × outlet with an agreement in it (admin; a manager for its own
/// outlet). Approved statements are left as they are.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    request_body = RunRequest,
    responses(
        (status = 200, description = "One result per producer × outlet", body = Vec<RunResult>),
        (status = 403, description = "Not a manager or admin", body = ErrorBody),
        (status = 422, description = "Invalid period", body = ErrorBody),
    )
)]
#[post("/settlements/run")]
pub async fn run(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<RunRequest>,
) -> Result<web::Json<Vec<RunResult>>, ApiError> {
    caller.require(&[Role::Admin, Role::Manager])?;
    let month = parse_period(&body.period)?;
    let outlet = match caller.role {
        Role::Manager => Some(caller.outlet_id.unwrap_or(-1)),
        _ => body.outlet_id,
    };
    let db = state.db.clone();
    let by = caller.id;
    let rows = web::block(move || {
        settlement::run_period(&db, month, outlet, Utc::now(), Some(by), |_, _| {})
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(web::Json(results(rows)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `draft`, `approved`, `confirmed`, `disputed` or `paid`.
    pub status: Option<String>,
    pub outlet_id: Option<i32>,
    pub producer_id: Option<i32>,
    pub period: Option<String>,
}

pub fn filter_of(caller: &AuthUser, q: &ListQuery) -> Result<Filter, ApiError> {
    let status = match &q.status {
        Some(s) => Some(s.parse::<Status>().map_err(|_| {
            ApiError::bad_request(
                "invalid_status",
                "Trạng thái không hợp lệ.",
                "Unknown status.",
            )
        })?),
        None => None,
    };
    scope_filter(
        caller,
        Filter {
            producer_id: q.producer_id,
            outlet_id: q.outlet_id,
            status,
            period: q.period.clone(),
        },
    )
}

/// Statements the caller may see, newest period first.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, description = "Statements", body = Vec<Statement>))
)]
#[get("/settlements")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Vec<Statement>>, ApiError> {
    let f = filter_of(&caller, &q)?;
    let rows = state.read(move |c| Ok(settlement::list(c, &f)?)).await?;
    Ok(web::Json(rows))
}

/// Owed (approved and later) versus paid, per producer × outlet.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, description = "Balances", body = Vec<Balance>))
)]
#[get("/settlements/balances")]
pub async fn balances(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Vec<Balance>>, ApiError> {
    let f = filter_of(&caller, &q)?;
    let rows = state
        .read(move |c| Ok(settlement::balances(c, &f)?))
        .await?;
    Ok(web::Json(rows))
}

/// A statement with its lines, history and payout.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Statement id")),
    responses(
        (status = 200, description = "The statement", body = StatementView),
        (status = 404, description = "No such statement, or not yours", body = ErrorBody),
    )
)]
#[get("/settlements/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<StatementView>, ApiError> {
    Ok(web::Json(load(&state, &caller, id.into_inner()).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub stored_sha256: String,
    pub recomputed_sha256: String,
    /// The recomputed figures are byte-identical to the stored ones.
    pub identical: bool,
}

/// Recomputes the statement from exactly the sales, documents and
/// adjustments it holds, and compares the bytes.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Statement id")),
    responses(
        (status = 200, description = "Comparison", body = Verification),
        (status = 404, description = "No such statement, or not yours", body = ErrorBody),
        (status = 409, description = "The ledger no longer reconciles", body = ErrorBody),
    )
)]
#[get("/settlements/{id}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<Verification>, ApiError> {
    let view = load(&state, &caller, id.into_inner()).await?;
    let s = view.statement;
    let sid = s.id;
    let (json, hash) = state
        .read(move |c| Ok(settlement::compute::recompute_figures(c, sid)?))
        .await?;
    Ok(web::Json(Verification {
        identical: json == s.figures && hash == s.figures_sha256,
        stored_sha256: s.figures_sha256,
        recomputed_sha256: hash,
    }))
}

/// Approves a draft (the outlet's manager, or an admin). Its figures never
/// change afterwards.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Statement id")),
    responses(
        (status = 200, description = "Approved", body = Statement),
        (status = 404, description = "No such statement, or not yours", body = ErrorBody),
        (status = 409, description = "Not a draft, or the period was not over", body = ErrorBody),
    )
)]
#[post("/settlements/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<Statement>, ApiError> {
    let view = load(&state, &caller, id.into_inner()).await?;
    check_outlet_staff(&caller, &view.statement)?;
    let (sid, by) = (view.statement.id, caller.id);
    let s = state
        .write(move |c| Ok(workflow::approve(c, sid, by, Utc::now())?))
        .await?;
    Ok(web::Json(s))
}

/// The producer confirms its statement.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Statement id")),
    responses(
        (status = 200, description = "Confirmed", body = Statement),
        (status = 404, description = "No such statement, or not yours", body = ErrorBody),
        (status = 409, description = "Not approved", body = ErrorBody),
    )
)]
#[post("/settlements/{id}/confirm")]
pub async fn confirm(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<web::Json<Statement>, ApiError> {
    let view = load(&state, &caller, id.into_inner()).await?;
    check_own_producer(&caller, &view.statement)?;
    let (sid, by) = (view.statement.id, caller.id);
    let s = state
        .write(move |c| Ok(workflow::confirm(c, sid, by, Utc::now())?))
        .await?;
    Ok(web::Json(s))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeRequest {
    pub comment: String,
}

/// The producer disputes its statement, with a comment.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Statement id")),
    request_body = DisputeRequest,
    responses(
        (status = 200, description = "Disputed", body = Statement),
        (status = 404, description = "No such statement, or not yours", body = ErrorBody),
        (status = 409, description = "Not approved", body = ErrorBody),
        (status = 422, description = "No comment", body = ErrorBody),
    )
)]
#[post("/settlements/{id}/dispute")]
pub async fn dispute(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<DisputeRequest>,
) -> Result<web::Json<Statement>, ApiError> {
    let view = load(&state, &caller, id.into_inner()).await?;
    check_own_producer(&caller, &view.statement)?;
    let (sid, by, comment) = (view.statement.id, caller.id, body.into_inner().comment);
    let s = state
        .write(move |c| Ok(workflow::dispute(c, sid, &comment, by, Utc::now())?))
        .await?;
    Ok(web::Json(s))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayRequest {
    /// The bank transfer reference.
    pub reference: String,
}

/// Records the payout of an approved or confirmed statement (outlet manager
/// or admin); never twice.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Statement id")),
    request_body = PayRequest,
    responses(
        (status = 201, description = "Paid", body = Payout),
        (status = 404, description = "No such statement, or not yours", body = ErrorBody),
        (status = 409, description = "Not due, already paid, or nothing to pay", body = ErrorBody),
        (status = 422, description = "No reference", body = ErrorBody),
    )
)]
#[post("/settlements/{id}/pay")]
pub async fn pay(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<PayRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = load(&state, &caller, id.into_inner()).await?;
    check_outlet_staff(&caller, &view.statement)?;
    let (sid, by, reference) = (view.statement.id, caller.id, body.into_inner().reference);
    let p = state
        .write(move |c| Ok(workflow::pay(c, sid, &reference, by, Utc::now())?))
        .await?;
    Ok(HttpResponse::Created().json(p))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentRequest {
    /// Signed đồng: positive owes the producer more.
    pub amount: i64,
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdjustmentCreated {
    pub id: i32,
}

/// Corrects an approved statement: an adjustment line in the pair's next
/// statement (outlet manager or admin).
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "The statement corrected")),
    request_body = AdjustmentRequest,
    responses(
        (status = 201, description = "Recorded", body = AdjustmentCreated),
        (status = 404, description = "No such statement, or not yours", body = ErrorBody),
        (status = 409, description = "A draft", body = ErrorBody),
    )
)]
#[post("/settlements/{id}/adjustments")]
pub async fn adjust(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
    body: web::Json<AdjustmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = load(&state, &caller, id.into_inner()).await?;
    check_outlet_staff(&caller, &view.statement)?;
    let (sid, by, b) = (view.statement.id, caller.id, body.into_inner());
    let id = state
        .write(move |c| {
            Ok(workflow::adjust(
                c,
                sid,
                b.amount,
                &b.reason,
                by,
                Utc::now(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(AdjustmentCreated { id }))
}

/// One statement due in a payout batch.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchItem {
    pub statement_id: i32,
    pub period: String,
    pub producer_id: i32,
    pub producer_name: String,
    pub bank_bin: Option<String>,
    pub bank_account: Option<String>,
    pub bank_holder: Option<String>,
    pub amount: i64,
    /// ASCII memo naming the statement (`QT12 2026-11`).
    pub memo: String,
    /// The VietQR payload to scan from a banking app; absent when the
    /// producer has no bank account on record.
    pub vietqr: Option<String>,
}

/// Every approved or confirmed statement of an outlet not yet paid.
pub fn batch(
    conn: &mut crate::db::DbConn,
    outlet_id: i32,
) -> Result<Vec<BatchItem>, crate::models::error::ModelError> {
    let mut out = Vec::new();
    for status in [Status::Approved, Status::Confirmed] {
        let rows = settlement::list(
            conn,
            &Filter {
                outlet_id: Some(outlet_id),
                status: Some(status),
                ..Filter::default()
            },
        )?;
        for s in rows.into_iter().filter(|s| s.net_payable > 0) {
            let p = crate::models::producer::find(conn, s.producer_id)?;
            let memo = s
                .period
                .parse::<Period>()
                .map(|period| payout_memo(s.id, period))
                .unwrap_or_else(|_| format!("QT{}", s.id));
            let vietqr = match (&p.bank_bin, &p.bank_account) {
                (Some(bin), Some(acc)) => BankBin::parse(bin)
                    .ok()
                    .and_then(|bin| {
                        VietQr::new(bin, acc, Some(Dong::new(s.net_payable)), Some(&memo)).ok()
                    })
                    .map(|q| q.payload()),
                _ => None,
            };
            out.push(BatchItem {
                statement_id: s.id,
                period: s.period.clone(),
                producer_id: s.producer_id,
                producer_name: p.name.clone(),
                bank_bin: p.bank_bin.clone(),
                bank_account: p.bank_account.clone(),
                bank_holder: p.bank_holder.clone(),
                amount: s.net_payable,
                memo,
                vietqr,
            });
        }
    }
    out.sort_by_key(|i| i.statement_id);
    Ok(out)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    /// The outlet paying (a manager's own outlet always).
    pub outlet_id: Option<i32>,
}

fn batch_outlet(caller: &AuthUser, q: &BatchQuery) -> Result<i32, ApiError> {
    match caller.role {
        Role::Manager => Ok(caller.outlet_id.unwrap_or(-1)),
        Role::Admin | Role::Inspector => q.outlet_id.ok_or_else(|| {
            ApiError::bad_request(
                "outlet_required",
                "Chọn điểm bán (outlet_id).",
                "Choose an outlet (outlet_id).",
            )
        }),
        _ => Err(ApiError::forbidden()),
    }
}

/// The payout batch of an outlet: each due statement with its VietQR.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(BatchQuery),
    responses((status = 200, description = "Due statements", body = Vec<BatchItem>))
)]
#[get("/settlement-payouts")]
pub async fn payout_batch(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<BatchQuery>,
) -> Result<web::Json<Vec<BatchItem>>, ApiError> {
    let outlet = batch_outlet(&caller, &q)?;
    let rows = state.read(move |c| Ok(batch(c, outlet)?)).await?;
    Ok(web::Json(rows))
}

/// The batch as a bank bulk-transfer CSV: `STT, Số tài khoản, Tên người
/// hưởng, Mã ngân hàng (BIN), Số tiền, Nội dung` (amount as a plain
/// integer; UTF-8 with BOM so spreadsheet programs read the Vietnamese).
pub fn batch_csv(items: &[BatchItem]) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record([
        "STT",
        "So tai khoan",
        "Ten nguoi huong",
        "Ma ngan hang (BIN)",
        "So tien",
        "Noi dung",
    ])
    .map_err(ApiError::internal)?;
    for (i, it) in items.iter().enumerate() {
        w.write_record([
            (i + 1).to_string(),
            it.bank_account.clone().unwrap_or_default(),
            it.bank_holder
                .clone()
                .unwrap_or_else(|| it.producer_name.clone()),
            it.bank_bin.clone().unwrap_or_default(),
            it.amount.to_string(),
            it.memo.clone(),
        ])
        .map_err(ApiError::internal)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))
}

/// The payout batch as CSV in a bank bulk-transfer layout.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(BatchQuery),
    responses((status = 200, description = "CSV", content_type = "text/csv"))
)]
#[get("/settlement-payouts.csv")]
pub async fn payout_batch_csv(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<BatchQuery>,
) -> Result<HttpResponse, ApiError> {
    let outlet = batch_outlet(&caller, &q)?;
    let rows = state.read(move |c| Ok(batch(c, outlet)?)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"chi-tra-ky-gui-{outlet}.csv\""),
        ))
        .body(batch_csv(&rows)?))
}

/// The VietQR code (PNG) paying one due statement.
#[utoipa::path(
    tag = "settlement",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Statement id")),
    responses(
        (status = 200, description = "PNG", content_type = "image/png"),
        (status = 404, description = "Not due, not yours, or no bank account", body = ErrorBody),
    )
)]
#[get("/settlements/{id}/vietqr.png")]
pub async fn vietqr_png(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let view = load(&state, &caller, id.into_inner()).await?;
    check_outlet_staff(&caller, &view.statement)?;
    let (sid, outlet) = (view.statement.id, view.statement.outlet_id);
    let items = state.read(move |c| Ok(batch(c, outlet)?)).await?;
    let payload = items
        .into_iter()
        .find(|i| i.statement_id == sid)
        .and_then(|i| i.vietqr)
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .body(qr_png(&payload)?))
}

pub fn qr_png(payload: &str) -> Result<Vec<u8>, ApiError> {
    let bitmap = ocop_hardware::raster::qr_bitmap(payload, 6).map_err(ApiError::internal)?;
    let mut png = Vec::new();
    ocop_hardware::preview::write_png(&bitmap, &mut png).map_err(ApiError::internal)?;
    Ok(png)
}
