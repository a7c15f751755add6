//! Stock documents as drafts: created, replaced while still drafts, read.
//! Posting (numbering and the ledger) is in `posting`. A document that is
//! no longer a draft is never changed: every write here is guarded by
//! `status = 'draft'` in the same statement.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::digital_link::ScanInput;
use ocop_core::i18n::UserError as _;
use ocop_core::money::Quantity;
use ocop_core::refusal::Refusal;
use ocop_core::stock::{DocumentKind, WriteOffReason};
use serde::{Deserialize, Serialize};

use super::error::{document_posted, fractional_quantity, non_positive_quantity};
use super::{agreement, lot};
use crate::db::DbConn;
use crate::db::schema::{stock_document_lines as sdl, stock_documents as sd};
use crate::models::error::{ModelError, refuse};
use crate::models::product::{self, Product};

pub const DRAFT: &str = "draft";
pub const POSTED: &str = "posted";
const MAX_LINES: usize = 1000;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = sd)]
pub struct Document {
    pub id: i32,
    pub outlet_id: i32,
    /// `goods_received`, `transfer`, `transfer_receipt`, `count`,
    /// `write_off` or `return_to_producer`.
    pub kind: String,
    /// `draft` or `posted`.
    pub status: String,
    pub seq: Option<i32>,
    /// Set when posted, e.g. `PN-LC-SR01-000123`.
    pub number: Option<String>,
    pub producer_id: Option<i32>,
    pub agreement_id: Option<i32>,
    pub dest_outlet_id: Option<i32>,
    /// The document this one corrects or completes.
    pub ref_document_id: Option<i32>,
    /// `expired` or `damaged` (write-offs).
    pub write_off_reason: Option<String>,
    pub note: String,
    pub created_by: i32,
    #[serde(serialize_with = "crate::models::utc::serialize")]
    pub created_at: NaiveDateTime,
    /// Who posted (for a count: the manager who approved it).
    pub posted_by: Option<i32>,
    #[serde(serialize_with = "crate::models::utc::serialize_opt")]
    pub posted_at: Option<NaiveDateTime>,
}

impl Document {
    pub fn kind(&self) -> Result<DocumentKind, ModelError> {
        self.kind
            .parse()
            .map_err(|_| ModelError::Db(diesel::result::Error::NotFound))
    }

    pub fn is_draft(&self) -> bool {
        self.status == DRAFT
    }

    /// The number, or `#id` for a draft.
    pub fn label(&self) -> String {
        self.number
            .clone()
            .unwrap_or_else(|| format!("#{}", self.id))
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = sdl)]
pub struct DocumentLine {
    pub id: i32,
    pub document_id: i32,
    pub line_no: i32,
    pub product_id: i32,
    pub lot_code: Option<String>,
    pub produced_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    /// Received / sent / counted / written off / returned, milli-units.
    pub qty_milli: i64,
    /// Count: on hand when posted. Transfer receipt: quantity sent.
    pub expected_milli: Option<i64>,
    /// Goods received: agreed payout per unit (payout-price terms).
    pub payout_price: Option<i64>,
    /// Goods received: the agreement's commission when posted.
    pub commission_bp: Option<i32>,
    pub scan_code: Option<String>,
    pub reason: Option<String>,
    /// Transfer receipt: the transfer line it answers.
    pub ref_line_id: Option<i32>,
}

/// A draft as the API receives it (create and replace).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    /// `goods_received`, `transfer`, `count`, `write_off` or
    /// `return_to_producer` (a transfer receipt is made by receiving a transfer).
    #[schema(value_type = String, example = "goods_received")]
    pub kind: DocumentKind,
    pub outlet_id: i32,
    /// Goods received and returns: the producer (owner).
    pub producer_id: Option<i32>,
    /// Transfers: the receiving outlet.
    pub dest_outlet_id: Option<i32>,
    /// A posted document of the same outlet this one corrects.
    pub ref_document_id: Option<i32>,
    /// Write-offs: `expired` or `damaged`.
    #[schema(value_type = Option<String>)]
    pub write_off_reason: Option<WriteOffReason>,
    #[serde(default)]
    pub note: String,
    pub lines: Vec<DraftLine>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftLine {
    /// The product, or give `scan` instead.
    pub product_id: Option<i32>,
    /// What a scanner read: GTIN, internal code or GS1 Digital Link (whose
    /// lot, if any, becomes the line's lot).
    pub scan: Option<String>,
    /// GS1 lot (AI 10); empty or absent: no lot (receipts) / any lot, first
    /// expiry first (other documents).
    pub lot_code: Option<String>,
    pub produced_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    /// Decimal string, up to 3 decimals (`"2"`, `"1.5"`). Counts: the
    /// counted quantity (may be 0).
    #[schema(value_type = String, example = "12")]
    pub qty: Quantity,
    /// Goods received under payout-price terms: the payout per unit, đồng.
    pub payout_price: Option<i64>,
    /// Why (a count's variance, a write-off line). Goods received: why a
    /// lot already past its expiry date is taken in anyway — without it
    /// such a lot is refused (`lot_expired`).
    pub reason: Option<String>,
}

/// A checked line, ready to store.
struct CheckedLine {
    product_id: i32,
    lot_code: Option<String>,
    produced_on: Option<NaiveDate>,
    expires_on: Option<NaiveDate>,
    qty: Quantity,
    payout_price: Option<i64>,
    scan_code: Option<String>,
    reason: Option<String>,
}

/// Longest note of a document or reason of a line, in characters.
const MAX_NOTE_CHARS: usize = 500;

fn invalid(code: &'static str, vi: &str, en: &str) -> ModelError {
    ModelError::Refused(Refusal::invalid(code, vi, en))
}

/// The product (and the lot, for a GS1 Digital Link) a scanner read: a
/// GTIN, an internal code or a provenance QR's link; `unknown_scan` when
/// no product has it. A form uses it to show what a scan found.
pub fn scanned(conn: &mut DbConn, scan: &str) -> Result<(Product, Option<String>), ModelError> {
    let line = DraftLine {
        product_id: None,
        scan: Some(scan.to_owned()),
        lot_code: None,
        produced_on: None,
        expires_on: None,
        qty: Quantity::from_milli(1000),
        payout_price: None,
        reason: None,
    };
    resolve_product(conn, &line)
}

/// Finds the product a line names, by id or by scan; the scan's lot wins
/// over an empty `lot_code`.
fn resolve_product(
    conn: &mut DbConn,
    line: &DraftLine,
) -> Result<(Product, Option<String>), ModelError> {
    if let Some(id) = line.product_id {
        return match product::find(conn, id).optional()? {
            Some(p) => Ok((p, line.lot_code.clone())),
            None => refuse(Refusal::invalid(
                "unknown_product",
                "Không có sản phẩm này.",
                "No such product.",
            )),
        };
    }
    let Some(scan) = line.scan.as_deref() else {
        return Err(invalid(
            "product_required",
            "Cần chọn sản phẩm hoặc quét mã.",
            "Give a product id or a scan.",
        ));
    };
    let (found, scanned_lot) = match ScanInput::classify(scan).map_err(|e| e.refusal())? {
        ScanInput::Gtin(g) => (product::find_by_gtin(conn, g.as_str14())?, None),
        ScanInput::DigitalLink(dl) => (
            product::find_by_gtin(conn, dl.gtin.as_str14())?,
            dl.lot.map(|l| l.as_str().to_owned()),
        ),
        ScanInput::Internal(code) => (product::find_by_internal_code(conn, &code)?, None),
    };
    match found {
        Some(p) => Ok((
            p,
            line.lot_code
                .clone()
                .filter(|c| !c.trim().is_empty())
                .or(scanned_lot),
        )),
        None => refuse(Refusal::invalid(
            "unknown_scan",
            format!("Không tìm thấy sản phẩm có mã \"{scan}\"."),
            format!("No product has the code \"{scan}\"."),
        )),
    }
}

/// Checks a draft against the rules that do not depend on stock levels.
/// Receipts are also checked for an active agreement and listability, so a
/// manager hears at once, not only when posting. Every line is checked:
/// the problems of all lines come back together (issue 14), each saying
/// its line, rather than the first alone.
fn check(
    conn: &mut DbConn,
    input: &DraftInput,
    today: NaiveDate,
) -> Result<Vec<CheckedLine>, ModelError> {
    let terms = check_header(conn, input, today)?;
    let mut out: Vec<CheckedLine> = Vec::with_capacity(input.lines.len());
    let mut refused = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        match check_one(conn, input, line, terms, today, &out) {
            Ok(checked) => out.push(checked),
            Err(e) => match e.into_refusals() {
                Ok(list) => refused.extend(list.into_iter().map(|r| r.on_line(i + 1))),
                Err(other) => return Err(other),
            },
        }
    }
    match refused.len() {
        0 => Ok(out),
        1 => Err(ModelError::Refused(refused.remove(0))),
        _ => Err(ModelError::Invalid(refused)),
    }
}

/// What is wrong with a draft, without writing it: `(0, refusal)` for the
/// document as a whole (then its lines are not looked at), `(n, refusal)`
/// for its line `n` (1-based, the refusal's text not yet naming the line),
/// every line's problems at once. A form uses it to put each problem beside
/// the row it came from.
pub fn problems(
    conn: &mut DbConn,
    input: &DraftInput,
    today: NaiveDate,
) -> Result<Vec<(usize, Refusal)>, ModelError> {
    let terms = match check_header(conn, input, today) {
        Ok(t) => t,
        Err(e) => return Ok(e.into_refusals()?.into_iter().map(|r| (0, r)).collect()),
    };
    let mut out: Vec<CheckedLine> = Vec::with_capacity(input.lines.len());
    let mut found = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        match check_one(conn, input, line, terms, today, &out) {
            Ok(checked) => out.push(checked),
            Err(e) => found.extend(e.into_refusals()?.into_iter().map(|r| (i + 1, r))),
        }
    }
    Ok(found)
}

/// One line, after the lines already checked (a count sheet names a
/// product or lot once).
fn check_one(
    conn: &mut DbConn,
    input: &DraftInput,
    line: &DraftLine,
    terms: Option<ocop_core::stock::ConsignmentTerms>,
    today: NaiveDate,
    before: &[CheckedLine],
) -> Result<CheckedLine, ModelError> {
    let checked = check_line(conn, input, line, terms, today)?;
    if input.kind == DocumentKind::Count {
        let clash = before.iter().any(|o| {
            o.product_id == checked.product_id
                && (o.lot_code == checked.lot_code
                    || o.lot_code.is_none()
                    || checked.lot_code.is_none())
        });
        if clash {
            return refuse(Refusal::invalid(
                "duplicate_count_line",
                "Sản phẩm (lô) này đã có trên phiếu kiểm kê; đếm cả sản phẩm hoặc từng lô, không cả hai.",
                "This product (lot) is already on the count sheet; count a product as a whole or lot by lot, not both.",
            ));
        }
    }
    Ok(checked)
}

/// The document's own rules (kind, parties, agreement, note, line count);
/// the agreement's terms for a receipt.
fn check_header(
    conn: &mut DbConn,
    input: &DraftInput,
    today: NaiveDate,
) -> Result<Option<ocop_core::stock::ConsignmentTerms>, ModelError> {
    let outlet = crate::models::outlet::find(conn, input.outlet_id)?;
    match input.kind {
        DocumentKind::TransferReceipt => {
            return Err(invalid(
                "not_a_draft_kind",
                "Phiếu nhận chuyển kho được lập bằng thao tác nhận hàng của phiếu chuyển.",
                "A transfer receipt is made by receiving the transfer.",
            ));
        }
        DocumentKind::GoodsReceived | DocumentKind::ReturnToProducer
            if input.producer_id.is_none() =>
        {
            return Err(invalid(
                "producer_required",
                "Cần chọn chủ thể (chủ hàng).",
                "The producer (owner) is required.",
            ));
        }
        DocumentKind::Transfer => match input.dest_outlet_id {
            None => {
                return Err(invalid(
                    "destination_required",
                    "Cần chọn điểm bán nhận hàng.",
                    "The receiving outlet is required.",
                ));
            }
            Some(d) if d == outlet.id => {
                return Err(invalid(
                    "same_outlet",
                    "Điểm nhận phải khác điểm chuyển.",
                    "The receiving outlet must differ from the sending one.",
                ));
            }
            Some(d) => {
                crate::models::outlet::find(conn, d)
                    .optional()?
                    .ok_or_else(|| {
                        invalid(
                            "unknown_outlet",
                            "Không có điểm bán nhận này.",
                            "No such receiving outlet.",
                        )
                    })?;
            }
        },
        DocumentKind::WriteOff if input.write_off_reason.is_none() => {
            return Err(invalid(
                "reason_required",
                "Cần chọn lý do xuất hủy: hết hạn hoặc hư hỏng.",
                "Give the write-off reason: expired or damaged.",
            ));
        }
        _ => {}
    }
    let mut agreement_terms = None;
    if input.kind == DocumentKind::GoodsReceived
        && let Some(p) = input.producer_id
    {
        crate::models::producer::find(conn, p)
            .optional()?
            .ok_or_else(|| {
                invalid(
                    "unknown_producer",
                    "Không có chủ thể này.",
                    "No such producer.",
                )
            })?;
        agreement_terms = agreement::require_active(conn, p, outlet.id, today)?.terms();
    }
    if let Some(r) = input.ref_document_id {
        match find(conn, r).optional()? {
            Some(d) if d.outlet_id == outlet.id && !d.is_draft() => {}
            _ => {
                return Err(invalid(
                    "invalid_reference",
                    "Chứng từ tham chiếu phải là chứng từ đã ghi sổ của cùng điểm bán.",
                    "The referenced document must be a posted document of the same outlet.",
                ));
            }
        }
    }
    crate::models::validation::optional_text(
        "note",
        ("Ghi chú", "The note"),
        Some(&input.note),
        MAX_NOTE_CHARS,
    )?;
    for l in &input.lines {
        crate::models::validation::optional_text(
            "reason",
            ("Lý do", "The reason"),
            l.reason.as_deref(),
            MAX_NOTE_CHARS,
        )?;
    }
    if input.lines.is_empty() || input.lines.len() > MAX_LINES {
        return Err(invalid(
            "no_lines",
            "Chứng từ cần từ 1 đến 1000 dòng hàng.",
            "A document needs 1 to 1000 lines.",
        ));
    }
    Ok(agreement_terms)
}

fn check_line(
    conn: &mut DbConn,
    input: &DraftInput,
    line: &DraftLine,
    terms: Option<ocop_core::stock::ConsignmentTerms>,
    today: NaiveDate,
) -> Result<CheckedLine, ModelError> {
    use ocop_core::stock::ConsignmentTerms;
    let (product, lot_code) = resolve_product(conn, line)?;
    let zero_ok = input.kind == DocumentKind::Count;
    if line.qty.milli() < 0 || (!zero_ok && !line.qty.is_positive()) {
        return refuse(non_positive_quantity());
    }
    if !ocop_core::money::qty_in_bounds(line.qty) {
        return refuse(
            ocop_core::money::MoneyError::QuantityOutOfRange { qty: line.qty }.refusal(),
        );
    }
    if !product.fractional && !line.qty.is_whole() {
        return refuse(fractional_quantity(&product.unit));
    }
    let lot_code = lot::parse_code(lot_code.as_deref())?;
    let owner_bound = matches!(
        input.kind,
        DocumentKind::GoodsReceived | DocumentKind::ReturnToProducer
    );
    if owner_bound && input.producer_id != Some(product.producer_id) {
        return refuse(Refusal::invalid(
            "wrong_producer",
            format!(
                "\"{}\" không phải hàng của chủ thể trên phiếu.",
                product.name_vi
            ),
            format!(
                "\"{}\" is not the document's producer's product.",
                product.name_vi
            ),
        ));
    }
    let mut payout_price = None;
    if input.kind == DocumentKind::GoodsReceived {
        product::check_receivable(conn, product.id, today)?;
        lot::check_dates(line.produced_on, line.expires_on)?;
        check_not_expired(conn, &product, lot_code.as_deref(), line, today)?;
        match (terms, line.payout_price) {
            (Some(ConsignmentTerms::PayoutPrice), Some(p)) if p >= 0 => {
                let p = ocop_core::money::check_unit_price(ocop_core::money::Dong::new(p))
                    .map_err(|e| ModelError::Refused(e.refusal()))?;
                payout_price = Some(p.amount());
            }
            (Some(ConsignmentTerms::PayoutPrice), _) => {
                return refuse(Refusal::invalid(
                    "payout_price_required",
                    "Hợp đồng theo giá thanh toán cố định: cần nhập giá thanh toán (không âm) cho từng dòng.",
                    "Payout-price terms: each line needs a payout price (not negative).",
                ));
            }
            (_, Some(_)) => {
                return refuse(Refusal::invalid(
                    "payout_price_not_allowed",
                    "Hợp đồng theo hoa hồng: không nhập giá thanh toán trên dòng hàng.",
                    "Commission terms: lines carry no payout price.",
                ));
            }
            (_, None) => {}
        }
    } else if let Some(code) = &lot_code
        && lot::find_by_code(conn, product.id, code)?.is_none()
    {
        return refuse(Refusal::invalid(
            "unknown_lot",
            format!("Sản phẩm \"{}\" không có lô \"{code}\".", product.name_vi),
            format!("Product \"{}\" has no lot \"{code}\".", product.name_vi),
        ));
    }
    let receipt = input.kind == DocumentKind::GoodsReceived;
    Ok(CheckedLine {
        product_id: product.id,
        lot_code,
        produced_on: line.produced_on.filter(|_| receipt),
        expires_on: line.expires_on.filter(|_| receipt),
        qty: line.qty,
        payout_price,
        scan_code: line.scan.clone(),
        reason: line
            .reason
            .as_ref()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty()),
    })
}

/// A lot already past its expiry date is not received (issue 14) unless
/// the line gives the reason it is taken in anyway (to be returned to the
/// producer, for the inspectors, …): then it is received, the reason kept
/// on the line, and the lot shows among the expired ones straight away.
/// The expiry is the line's, or the known lot's when the line gives none.
fn check_not_expired(
    conn: &mut DbConn,
    product: &Product,
    lot_code: Option<&str>,
    line: &DraftLine,
    today: NaiveDate,
) -> Result<(), ModelError> {
    let known = match (line.expires_on, lot_code) {
        (Some(e), _) => Some(e),
        (None, Some(code)) => lot::find_by_code(conn, product.id, code)?.and_then(|l| l.expires_on),
        (None, None) => None,
    };
    let Some(expired_on) = known.filter(|e| *e < today) else {
        return Ok(());
    };
    if line.reason.as_deref().is_some_and(|r| !r.trim().is_empty()) {
        return Ok(());
    }
    let day = expired_on.format("%d/%m/%Y");
    refuse(Refusal::invalid(
        "lot_expired",
        format!(
            "\"{}\": lô đã hết hạn ngày {day}, không nhận. Nếu vẫn phải nhận (để trả chủ thể, chờ xử lý…), ghi lý do trên dòng.",
            product.name_vi
        ),
        format!(
            "\"{}\": the lot expired on {day} and is not received. If it must be taken in anyway (to return to the producer, pending a decision…), give the reason on the line.",
            product.name_vi
        ),
    )
    .on_field("reason"))
}

/// Creates a draft.
pub fn create_draft(
    conn: &mut DbConn,
    input: &DraftInput,
    by: i32,
    today: NaiveDate,
) -> Result<Document, ModelError> {
    let lines = check(conn, input, today)?;
    let id = diesel::insert_into(sd::table)
        .values((
            sd::outlet_id.eq(input.outlet_id),
            sd::kind.eq(input.kind.code()),
            sd::status.eq(DRAFT),
            sd::producer_id.eq(input.producer_id),
            sd::dest_outlet_id.eq(input.dest_outlet_id),
            sd::ref_document_id.eq(input.ref_document_id),
            sd::write_off_reason.eq(input.write_off_reason.map(|r| r.code())),
            sd::note.eq(input.note.trim()),
            sd::created_by.eq(by),
            sd::created_at.eq(Utc::now().naive_utc()),
        ))
        .returning(sd::id)
        .get_result::<i32>(conn)?;
    insert_lines(conn, id, &lines)?;
    Ok(find(conn, id)?)
}

/// Replaces a draft's header and lines. A posted document is refused with
/// `document_posted` (409); kind and outlet cannot change.
pub fn replace_draft(
    conn: &mut DbConn,
    id: i32,
    input: &DraftInput,
    today: NaiveDate,
) -> Result<Document, ModelError> {
    let current = find(conn, id)?;
    if !current.is_draft() {
        return refuse(document_posted(&current.label()));
    }
    if current.kind != input.kind.code() || current.outlet_id != input.outlet_id {
        return Err(invalid(
            "kind_or_outlet_changed",
            "Không được đổi loại chứng từ hoặc điểm bán của phiếu nháp; hãy lập phiếu mới.",
            "A draft's kind and outlet cannot change; make a new document.",
        ));
    }
    let lines = check(conn, input, today)?;
    let changed = diesel::update(sd::table.filter(sd::id.eq(id)).filter(sd::status.eq(DRAFT)))
        .set((
            sd::producer_id.eq(input.producer_id),
            sd::dest_outlet_id.eq(input.dest_outlet_id),
            sd::ref_document_id.eq(input.ref_document_id),
            sd::write_off_reason.eq(input.write_off_reason.map(|r| r.code())),
            sd::note.eq(input.note.trim()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return refuse(document_posted(&find(conn, id)?.label()));
    }
    diesel::delete(sdl::table.filter(sdl::document_id.eq(id))).execute(conn)?;
    insert_lines(conn, id, &lines)?;
    Ok(find(conn, id)?)
}

fn insert_lines(conn: &mut DbConn, document_id: i32, lines: &[CheckedLine]) -> QueryResult<()> {
    for (no, l) in (1..).zip(lines) {
        diesel::insert_into(sdl::table)
            .values((
                sdl::document_id.eq(document_id),
                sdl::line_no.eq(no),
                sdl::product_id.eq(l.product_id),
                sdl::lot_code.eq(&l.lot_code),
                sdl::produced_on.eq(l.produced_on),
                sdl::expires_on.eq(l.expires_on),
                sdl::qty_milli.eq(l.qty.milli()),
                sdl::payout_price.eq(l.payout_price),
                sdl::scan_code.eq(&l.scan_code),
                sdl::reason.eq(&l.reason),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A document with its lines and the ledger entries its posting made.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub document: Document,
    pub lines: Vec<DocumentLine>,
    pub entries: Vec<super::LedgerEntry>,
    /// For a transfer: the receipt that completed it, if received.
    pub receipt_id: Option<i32>,
}

/// Document `id` with its lines, ledger entries and (for a transfer) its
/// receipt. Who may see it is the edge's question (`auth::scope`).
pub fn view(conn: &mut DbConn, id: i32) -> QueryResult<DocumentView> {
    let document = find(conn, id)?;
    Ok(DocumentView {
        lines: lines(conn, id)?,
        entries: super::entries_for_document(conn, id)?,
        receipt_id: super::report::receipt_of(conn, id)?,
        document,
    })
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Document> {
    sd::table.find(id).select(Document::as_select()).first(conn)
}

pub fn lines(conn: &mut DbConn, document_id: i32) -> QueryResult<Vec<DocumentLine>> {
    sdl::table
        .filter(sdl::document_id.eq(document_id))
        .order(sdl::line_no)
        .select(DocumentLine::as_select())
        .load(conn)
}

/// Filters for [`list`]; `None` means any.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DocumentFilter {
    pub outlet_id: Option<i32>,
    pub producer_id: Option<i32>,
    pub kind: Option<String>,
    /// `draft` or `posted`.
    pub status: Option<String>,
}

/// Documents, newest first (at most 500). `outlets`: restrict to these
/// outlets (sending or receiving), for outlet-scoped callers.
pub fn list(
    conn: &mut DbConn,
    f: &DocumentFilter,
    outlets: Option<Vec<i32>>,
) -> QueryResult<Vec<Document>> {
    let mut q = sd::table.select(Document::as_select()).into_boxed();
    if let Some(o) = f.outlet_id {
        q = q.filter(sd::outlet_id.eq(o).or(sd::dest_outlet_id.eq(o)));
    }
    if let Some(p) = f.producer_id {
        q = q.filter(sd::producer_id.eq(p));
    }
    if let Some(k) = &f.kind {
        q = q.filter(sd::kind.eq(k.clone()));
    }
    if let Some(s) = &f.status {
        q = q.filter(sd::status.eq(s.clone()));
    }
    if let Some(ids) = outlets {
        q = q.filter(
            sd::outlet_id
                .eq_any(ids.clone())
                .or(sd::dest_outlet_id.eq_any(ids)),
        );
    }
    q.order(sd::id.desc()).limit(500).load(conn)
}
