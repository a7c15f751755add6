//! Sale ingest (a till posts its sealed sales, one or a bounded batch) and
//! reading a sale back — by id, by printed receipt number, with its
//! refunds — for the outlet's staff, province-wide readers and the
//! outlet's tills.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use diesel::QueryResult;
use ocop_core::refusal::Refusal;
use ocop_core::sale::Refund;
use ocop_core::wire::{BatchItem, IngestStatus};
use uuid::Uuid;

use crate::api::refunds::RefundBody;
use crate::auth::StaffOrTill;
use crate::auth::till::TillAuth;
use crate::db::DbConn;
use crate::error::{ApiError, ErrorBody, request_lang};
use crate::models::error::ModelError;
use crate::models::sale::ingest::{self, Ingested};
use crate::models::sale::store::SaleRow;
use crate::models::sale::till::Till;
use crate::models::sale::{lookup, refund_store, store};
use crate::state::AppState;

/// Most sales in one batch: a till catching up sends several batches, each
/// short enough never to hold a server worker for long.
pub const MAX_BATCH: usize = 100;

core_body!(
    SaleBody,
    ocop_core::sale::Sale,
    "A sealed sale in the core crate's JSON (see `ocop_core::sale::model`)."
);

/// Stores one sale exactly once: 201 the first time, 200 with the stored
/// sale when the same sale comes again, 409 `sale_conflict` for the same id
/// with different content.
#[utoipa::path(
    tag = "sales",
    security(("till" = [])),
    request_body = SaleBody,
    responses(
        (status = 201, description = "Stored", body = Ingested),
        (status = 200, description = "Already stored: the stored sale", body = Ingested),
        (status = 403, description = "Not this till's sale (`wrong_till`)", body = ErrorBody),
        (status = 409, description = "`sale_conflict` or `receipt_no_taken`", body = ErrorBody),
        (status = 422, description = "Arithmetic, VAT or payments wrong; nothing written", body = ErrorBody),
    )
)]
#[post("/sales")]
pub async fn create(
    state: web::Data<AppState>,
    till: TillAuth,
    body: web::Json<SaleBody>,
) -> Result<HttpResponse, ApiError> {
    let done = ingest_one(&state, till.0, body.into_inner().0).await?;
    Ok(respond(done))
}

/// Checks and stores one sale in its own write transaction, and counts it
/// in the metrics (how long it took here, how long it waited at the till).
async fn ingest_one(
    state: &AppState,
    till: Till,
    sale: ocop_core::sale::Sale,
) -> Result<Ingested, ApiError> {
    let started = std::time::Instant::now();
    let checked = ingest::check(till, sale)?;
    let done = state
        .write(move |c| Ok(ingest::ingest(c, &checked)?))
        .await?;
    count_ingested(state, &done, started.elapsed());
    Ok(done)
}

/// Counts a stored sale in the metrics: how long it took here, how long it
/// waited at the till.
fn count_ingested(state: &AppState, done: &Ingested, took: std::time::Duration) {
    let waited = (chrono::Utc::now() - done.sale.sold_at).num_seconds();
    state
        .metrics
        .sale_ingested(done.created(), took, done.sale.till_id, waited);
}

fn respond(done: Ingested) -> HttpResponse {
    if done.created() {
        HttpResponse::Created().json(done)
    } else {
        HttpResponse::Ok().json(done)
    }
}

/// Stores up to 100 sales of the posting till in one transaction, each in
/// its own savepoint: one bad sale does not hold back the others, and each
/// item is answered as `POST /sales` would have answered it.
#[utoipa::path(
    tag = "sales",
    security(("till" = [])),
    request_body = Vec<SaleBody>,
    responses(
        (status = 200, description = "One answer per item, in order", body = Vec<BatchItem>),
        (status = 422, description = "More than 100 sales (`batch_too_large`)", body = ErrorBody),
    )
)]
#[post("/sales/batch")]
pub async fn batch(
    req: HttpRequest,
    state: web::Data<AppState>,
    till: TillAuth,
    body: web::Json<Vec<serde_json::Value>>,
) -> Result<web::Json<Vec<BatchItem>>, ApiError> {
    let items = body.into_inner();
    if items.len() > MAX_BATCH {
        return Err(ApiError::from(Refusal::invalid(
            "batch_too_large",
            format!("Mỗi lần gửi tối đa {MAX_BATCH} phiếu."),
            format!("At most {MAX_BATCH} sales per batch."),
        )));
    }
    let lang = request_lang(&req);
    let started = std::time::Instant::now();
    // The pure checks (JSON, arithmetic, VAT, hash, the till's own sale)
    // run here, outside the write lock; what passes is stored in one write
    // transaction, a savepoint per sale (`ingest::ingest_batch`).
    let mut answers: Vec<(Option<Uuid>, Option<Answer>)> = Vec::with_capacity(items.len());
    let mut checked = Vec::with_capacity(items.len());
    for item in items {
        match serde_json::from_value::<ocop_core::sale::Sale>(item) {
            Ok(sale) => {
                let id = sale.id;
                match ingest::check(till.0.clone(), sale) {
                    Ok(c) => {
                        checked.push(c);
                        answers.push((Some(id), None));
                    }
                    Err(e) => answers.push((Some(id), Some(Err(ApiError::from(e))))),
                }
            }
            Err(e) => answers.push((
                None,
                Some(Err(ApiError::bad_request(
                    "invalid_json",
                    format!("Phiếu không đúng định dạng: {e}"),
                    format!("The sale is not in the expected format: {e}"),
                ))),
            )),
        }
    }
    let stored = if checked.is_empty() {
        Vec::new()
    } else {
        state
            .write(move |c| Ok(ingest::ingest_batch(c, &checked)?))
            .await?
    };
    // The batch's time shared by its sales: what each cost the server.
    let per_sale = started
        .elapsed()
        .checked_div(u32::try_from(stored.len()).unwrap_or(u32::MAX).max(1))
        .unwrap_or_default();
    let mut stored = stored.into_iter();
    let mut out = Vec::with_capacity(answers.len());
    for (index, (id, answer)) in answers.into_iter().enumerate() {
        let result = match answer {
            Some(refused) => refused,
            None => stored
                .next()
                .unwrap_or_else(|| Err(ModelError::from(diesel::result::Error::NotFound)))
                .map_err(ApiError::from),
        };
        let (status, body) = match result {
            Ok(done) => {
                count_ingested(&state, &done, per_sale);
                (
                    if done.created() {
                        StatusCode::CREATED
                    } else {
                        StatusCode::OK
                    },
                    serde_json::to_value(&done).unwrap_or_default(),
                )
            }
            Err(e) => (
                actix_web::ResponseError::status_code(&e),
                serde_json::json!({"error": e.code(), "message": e.message(lang)}),
            ),
        };
        out.push(BatchItem {
            index,
            id,
            status: status.as_u16(),
            body,
        });
    }
    Ok(web::Json(out))
}

/// One item's answer: stored, or why not.
type Answer = Result<Ingested, ApiError>;

/// The sale `find` finds, answered as `GET /sales/{id}` answers it, if the
/// caller may read its outlet (404 otherwise, as for no sale at all).
async fn stored_sale(
    state: &AppState,
    caller: StaffOrTill,
    find: impl FnOnce(&mut DbConn) -> QueryResult<Option<SaleRow>> + Send + 'static,
) -> Result<web::Json<Ingested>, ApiError> {
    let found = state
        .read(move |c| {
            let row = find(c)?.ok_or_else(ApiError::not_found)?;
            caller.check_outlet(row.outlet_id)?;
            let sale = store::load(c, &row)?;
            Ok(ingest::answer_stored(
                c,
                &row,
                sale,
                IngestStatus::Existing,
            )?)
        })
        .await?;
    Ok(web::Json(found))
}

/// A stored sale: staff of its outlet, inspectors, admins, or a till of the
/// outlet with its own credential; 404 otherwise.
#[utoipa::path(
    tag = "sales",
    security(("bearer" = []), ("till" = [])),
    params(("id" = Uuid, Path, description = "Sale id (the till's UUID)")),
    responses(
        (status = 200, description = "The sale", body = Ingested),
        (status = 404, description = "No such sale, or not your outlet", body = ErrorBody),
    )
)]
#[get("/sales/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: StaffOrTill,
    id: web::Path<Uuid>,
) -> Result<web::Json<Ingested>, ApiError> {
    let id = id.into_inner();
    stored_sale(&state, caller, move |c| store::find_row_by_uuid(c, id)).await
}

/// A stored sale by the receipt number printed on it: `T3-000012`, also
/// `t3-000012` or `T3-12`. Same answer and same readers as `GET /sales/{id}`.
/// A refund's number is not a sale's: 404.
#[utoipa::path(
    tag = "sales",
    security(("bearer" = []), ("till" = [])),
    params(("receipt_ref" = String, Path, description = "Receipt number as printed, e.g. T3-000012")),
    responses(
        (status = 200, description = "The sale", body = Ingested),
        (status = 400, description = "Not a receipt number (`invalid_receipt_ref`)", body = ErrorBody),
        (status = 404, description = "No sale with this number, or not your outlet", body = ErrorBody),
    )
)]
#[get("/sales/by-receipt/{receipt_ref}")]
pub async fn by_receipt(
    state: web::Data<AppState>,
    caller: StaffOrTill,
    receipt_ref: web::Path<String>,
) -> Result<web::Json<Ingested>, ApiError> {
    let text = receipt_ref.into_inner();
    let wanted = lookup::parse_receipt_ref(&text).ok_or_else(|| invalid_receipt_ref(&text))?;
    stored_sale(&state, caller, move |c| {
        lookup::find_row_by_receipt(c, wanted)
    })
    .await
}

/// The 400 for a receipt number that does not read as one.
fn invalid_receipt_ref(text: &str) -> ApiError {
    ApiError::bad_request(
        "invalid_receipt_ref",
        format!("\"{text}\" không phải số phiếu (dạng T<mã máy>-<số phiếu>, ví dụ T3-000012)."),
        format!("\"{text}\" is not a receipt number (T<till>-<number>, e.g. T3-000012)."),
    )
}

/// The refunds made against a sale, in the order they were made (core
/// `Refund` JSON): what a till needs to work out what is left to refund of
/// a sale made on another till. Same readers as `GET /sales/{id}`.
#[utoipa::path(
    tag = "sales",
    security(("bearer" = []), ("till" = [])),
    params(("id" = Uuid, Path, description = "Sale id (the till's UUID)")),
    responses(
        (status = 200, description = "The sale's refunds, oldest first (empty if none)", body = Vec<RefundBody>),
        (status = 404, description = "No such sale, or not your outlet", body = ErrorBody),
    )
)]
#[get("/sales/{id}/refunds")]
pub async fn refunds(
    state: web::Data<AppState>,
    caller: StaffOrTill,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<Refund>>, ApiError> {
    let id = id.into_inner();
    let found = state
        .read(move |c| {
            let row = store::find_row_by_uuid(c, id)?.ok_or_else(ApiError::not_found)?;
            caller.check_outlet(row.outlet_id)?;
            Ok(refund_store::for_sale(c, row.id)?)
        })
        .await?;
    Ok(web::Json(found))
}
