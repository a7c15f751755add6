//! Posting stock documents: the one moment a document gets its number and
//! its ledger entries, in one transaction.
//!
//! - The draft is claimed with `UPDATE … WHERE status = 'draft'`: of two
//!   concurrent posts of one draft, exactly one succeeds; the other gets
//!   `document_posted`.
//! - The number comes from a per-(outlet, kind) counter bumped by an upsert
//!   in the same transaction, so numbers have no gaps and no duplicates.
//! - Rules that can change with time (agreement, listing, stock levels) are
//!   checked again at posting.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use ocop_core::money::Quantity;
use ocop_core::refusal::Refusal;
use ocop_core::stock::{
    ConsignmentTerms, DocumentKind, LedgerKind, WriteOffReason, document_number,
};
use serde::Deserialize;

use super::document::{self, DRAFT, Document, DocumentLine, POSTED};
use super::error::document_posted;
use super::sale::take;
use super::{Movement, StockKey, agreement, append, entries_for_document, lock_product_stock, lot};
use crate::db::DbConn;
use crate::db::schema::{
    stock_document_counters as counters, stock_document_lines as sdl, stock_documents as sd,
};
use crate::models::error::{ModelError, refuse};
use crate::models::{outlet, product};

/// The next number of this outlet and kind (1, 2, 3…), without gaps.
fn next_seq(conn: &mut DbConn, outlet_id: i32, kind: DocumentKind) -> QueryResult<i32> {
    macro_rules! bump {
        ($c:expr) => {
            diesel::insert_into(counters::table)
                .values((
                    counters::outlet_id.eq(outlet_id),
                    counters::kind.eq(kind.code()),
                    counters::last_seq.eq(1),
                ))
                .on_conflict((counters::outlet_id, counters::kind))
                .do_update()
                .set(counters::last_seq.eq(counters::last_seq + 1))
                .returning(counters::last_seq)
                .get_result::<i32>($c)
        };
    }
    // Backend-specific only because the upsert DSL is per backend.
    match conn {
        DbConn::Sqlite(c) => bump!(c),
        DbConn::Postgres(c) => bump!(c),
    }
}

fn number_for(conn: &mut DbConn, outlet_id: i32, kind: DocumentKind) -> QueryResult<(i32, String)> {
    let code = outlet::find(conn, outlet_id)?.code;
    let seq = next_seq(conn, outlet_id, kind)?;
    Ok((seq, document_number(kind, &code, seq)))
}

/// Posts a draft: numbers it and appends its ledger entries. `today` is the
/// Vietnamese calendar day (agreements and listing are checked on it).
pub fn post(conn: &mut DbConn, id: i32, by: i32, today: NaiveDate) -> Result<Document, ModelError> {
    let doc = document::find(conn, id)?;
    let kind = doc.kind()?;
    let claimed = diesel::update(sd::table.filter(sd::id.eq(id)).filter(sd::status.eq(DRAFT)))
        .set((
            sd::status.eq(POSTED),
            sd::posted_by.eq(by),
            sd::posted_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    if claimed == 0 {
        return refuse(document_posted(&document::find(conn, id)?.label()));
    }
    let (seq, number) = number_for(conn, doc.outlet_id, kind)?;
    diesel::update(sd::table.find(id))
        .set((sd::seq.eq(seq), sd::number.eq(&number)))
        .execute(conn)?;
    let lines = document::lines(conn, id)?;
    let ctx = Ctx {
        doc: &doc,
        number: &number,
    };
    let moves = match kind {
        DocumentKind::GoodsReceived => goods_received(conn, &ctx, &lines, today)?,
        DocumentKind::Transfer => takes(conn, &ctx, &lines, LedgerKind::TransferOut, None)?,
        DocumentKind::WriteOff => {
            let reason: WriteOffReason = doc
                .write_off_reason
                .as_deref()
                .and_then(|r| r.parse().ok())
                .ok_or_else(|| {
                    ModelError::Refused(Refusal::invalid(
                        "reason_required",
                        "Thiếu lý do xuất hủy.",
                        "The write-off reason is missing.",
                    ))
                })?;
            takes(conn, &ctx, &lines, reason.ledger_kind(), None)?
        }
        DocumentKind::ReturnToProducer => takes(
            conn,
            &ctx,
            &lines,
            LedgerKind::ReturnedToProducer,
            doc.producer_id,
        )?,
        DocumentKind::Count => count(conn, &ctx, &lines)?,
        DocumentKind::TransferReceipt => return refuse(document_posted(&number)),
    };
    append(conn, Some(by), &moves)?;
    Ok(document::find(conn, id)?)
}

struct Ctx<'a> {
    doc: &'a Document,
    number: &'a str,
}

impl Ctx<'_> {
    fn movement(
        &self,
        key: StockKey,
        qty: Quantity,
        kind: LedgerKind,
        line: &DocumentLine,
    ) -> Movement {
        Movement {
            key,
            qty,
            kind,
            document_id: Some(self.doc.id),
            document_line_id: Some(line.id),
            document_ref: self.number.to_owned(),
        }
    }
}

fn at_line<T>(line: &DocumentLine, r: Result<T, ModelError>) -> Result<T, ModelError> {
    r.map_err(|e| e.on_line(line.line_no))
}

fn goods_received(
    conn: &mut DbConn,
    ctx: &Ctx,
    lines: &[DocumentLine],
    today: NaiveDate,
) -> Result<Vec<Movement>, ModelError> {
    let producer_id = ctx.doc.producer_id.ok_or_else(|| {
        ModelError::Refused(Refusal::invalid(
            "producer_required",
            "Thiếu chủ thể.",
            "The producer is missing.",
        ))
    })?;
    let deal = agreement::require_active(conn, producer_id, ctx.doc.outlet_id, today)?;
    diesel::update(sd::table.find(ctx.doc.id))
        .set(sd::agreement_id.eq(deal.id))
        .execute(conn)?;
    let mut moves = Vec::new();
    for line in lines {
        // Refused without a line number, as posting always answered it: the
        // product's state is at fault, whichever line names it.
        product::check_receivable(conn, line.product_id, today)?;
        if deal.terms() == Some(ConsignmentTerms::PayoutPrice) && line.payout_price.is_none() {
            return at_line(
                line,
                refuse(Refusal::invalid(
                    "payout_price_required",
                    "Hợp đồng theo giá thanh toán cố định: cần giá thanh toán cho dòng hàng.",
                    "Payout-price terms: the line needs a payout price.",
                )),
            );
        }
        if deal.terms() == Some(ConsignmentTerms::Commission) {
            diesel::update(sdl::table.find(line.id))
                .set(sdl::commission_bp.eq(deal.commission_bp))
                .execute(conn)?;
        }
        let lot = at_line(
            line,
            lot::find_or_create(
                conn,
                line.product_id,
                line.lot_code.as_deref().unwrap_or(""),
                line.produced_on,
                line.expires_on,
            ),
        )?;
        let key = StockKey {
            outlet_id: ctx.doc.outlet_id,
            product_id: line.product_id,
            lot_id: lot.id,
            owner_producer_id: producer_id,
        };
        moves.push(ctx.movement(
            key,
            Quantity::from_milli(line.qty_milli),
            LedgerKind::ConsignmentReceived,
            line,
        ));
    }
    Ok(moves)
}

fn lot_id_of(conn: &mut DbConn, line: &DocumentLine) -> Result<Option<i32>, ModelError> {
    match line.lot_code.as_deref() {
        None | Some("") => Ok(None),
        Some(code) => match lot::find_by_code(conn, line.product_id, code)? {
            Some(l) => Ok(Some(l.id)),
            None => refuse(Refusal::invalid(
                "unknown_lot",
                format!("Không có lô \"{code}\"."),
                format!("No lot \"{code}\"."),
            )),
        },
    }
}

/// Transfers out, write-offs and returns: take each line's quantity from
/// stock (named lot or FEFO), never below zero.
fn takes(
    conn: &mut DbConn,
    ctx: &Ctx,
    lines: &[DocumentLine],
    kind: LedgerKind,
    owner: Option<i32>,
) -> Result<Vec<Movement>, ModelError> {
    let mut ordered: Vec<&DocumentLine> = lines.iter().collect();
    ordered.sort_by_key(|l| (l.product_id, l.line_no));
    let mut moves = Vec::new();
    for line in ordered {
        let lot_id = at_line(line, lot_id_of(conn, line))?;
        let parts = at_line(
            line,
            take(
                conn,
                ctx.doc.outlet_id,
                line.product_id,
                lot_id,
                Quantity::from_milli(line.qty_milli),
                false,
            ),
        )?;
        for (key, qty) in parts {
            if owner.is_some_and(|o| o != key.owner_producer_id) {
                return at_line(
                    line,
                    refuse(Refusal::invalid(
                        "wrong_producer",
                        "Hàng này thuộc chủ thể khác.",
                        "These goods belong to another producer.",
                    )),
                );
            }
            moves.push(ctx.movement(key, qty.checked_neg().unwrap_or(Quantity::ZERO), kind, line));
        }
    }
    Ok(moves)
}

/// A count books counted − on hand per line, and records what was on hand.
fn count(
    conn: &mut DbConn,
    ctx: &Ctx,
    lines: &[DocumentLine],
) -> Result<Vec<Movement>, ModelError> {
    let mut ordered: Vec<&DocumentLine> = lines.iter().collect();
    ordered.sort_by_key(|l| (l.product_id, l.line_no));
    let outlet_id = ctx.doc.outlet_id;
    let mut moves = Vec::new();
    for line in ordered {
        let lot_id = at_line(line, lot_id_of(conn, line))?;
        let rows: Vec<_> = lock_product_stock(conn, outlet_id, line.product_id)?
            .into_iter()
            .filter(|r| lot_id.is_none_or(|l| l == r.lot_id))
            .collect();
        let on_hand: i64 = rows
            .iter()
            .fold(0i64, |acc, r| acc.saturating_add(r.qty_milli));
        diesel::update(sdl::table.find(line.id))
            .set(sdl::expected_milli.eq(on_hand))
            .execute(conn)?;
        let variance = line.qty_milli.saturating_sub(on_hand);
        if variance == 0 {
            continue;
        }
        if line.reason.is_none() && ctx.doc.note.trim().is_empty() {
            return at_line(
                line,
                refuse(Refusal::invalid(
                    "reason_required",
                    "Có chênh lệch kiểm kê: cần ghi lý do (trên dòng hoặc ghi chú phiếu).",
                    "The count differs from stock: give a reason (on the line or in the note).",
                )),
            );
        }
        if variance < 0 {
            let parts = at_line(
                line,
                take(
                    conn,
                    outlet_id,
                    line.product_id,
                    lot_id,
                    Quantity::from_milli(-variance),
                    false,
                ),
            )?;
            for (key, qty) in parts {
                moves.push(ctx.movement(
                    key,
                    qty.checked_neg().unwrap_or(Quantity::ZERO),
                    LedgerKind::CountAdjustment,
                    line,
                ));
            }
            continue;
        }
        // More than the books say: first bring rows below zero back to zero
        // (sales that ran ahead of stock), then add the rest to the lot that
        // keeps longest (or the named lot / the "no lot" lot).
        let mut left = variance;
        for r in rows.iter().filter(|r| r.qty_milli < 0) {
            let fill = left.min(-r.qty_milli);
            if fill > 0 {
                moves.push(ctx.movement(
                    r.key(),
                    Quantity::from_milli(fill),
                    LedgerKind::CountAdjustment,
                    line,
                ));
                left -= fill;
            }
        }
        if left > 0 {
            let p = product::find(conn, line.product_id)?;
            let target = match lot_id {
                Some(l) => Some(l),
                None => latest_lot(conn, &rows)?,
            };
            let target = match target {
                Some(l) => l,
                None => lot::unlotted(conn, p.id)?.id,
            };
            let owner = rows
                .iter()
                .find(|r| r.lot_id == target)
                .map_or(p.producer_id, |r| r.owner_producer_id);
            let key = StockKey {
                outlet_id,
                product_id: p.id,
                lot_id: target,
                owner_producer_id: owner,
            };
            moves.push(ctx.movement(
                key,
                Quantity::from_milli(left),
                LedgerKind::CountAdjustment,
                line,
            ));
        }
    }
    Ok(moves)
}

/// The lot among `rows` that expires last (no expiry counts as last).
fn latest_lot(conn: &mut DbConn, rows: &[super::OnHand]) -> QueryResult<Option<i32>> {
    let ids: Vec<i32> = rows.iter().map(|r| r.lot_id).collect();
    Ok(lot::find_many(conn, &ids)?
        .into_iter()
        .max_by_key(|l| (l.expires_on.is_none(), l.expires_on, l.id))
        .map(|l| l.id))
}

/// What arrived, per line of the transfer; lines left out arrived in full.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveInput {
    #[serde(default)]
    pub lines: Vec<ReceivedLine>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceivedLine {
    /// The transfer line's id.
    pub line_id: i32,
    #[schema(value_type = String, example = "9")]
    pub received_qty: Quantity,
    /// Why it differs (broken, missing…).
    pub reason: Option<String>,
}

/// The second step of a transfer: the receiving outlet records what
/// arrived. Creates and posts a transfer receipt that refers to the
/// transfer, books `transfer_in` into the same lots and owners that left,
/// and records the discrepancy (sent − received) on each line.
pub fn receive_transfer(
    conn: &mut DbConn,
    transfer_id: i32,
    input: &ReceiveInput,
    by: i32,
) -> Result<Document, ModelError> {
    let transfer = document::find(conn, transfer_id)?;
    let dest = match (
        transfer.kind()?,
        transfer.is_draft(),
        transfer.dest_outlet_id,
    ) {
        (DocumentKind::Transfer, false, Some(dest)) => dest,
        _ => {
            return refuse(Refusal::invalid(
                "not_a_sent_transfer",
                "Chỉ nhận được hàng của phiếu chuyển kho đã gửi (đã ghi sổ).",
                "Only a sent (posted) transfer can be received.",
            ));
        }
    };
    let sent = document::lines(conn, transfer_id)?;
    for r in &input.lines {
        if !sent.iter().any(|l| l.id == r.line_id) {
            return refuse(Refusal::invalid(
                "unknown_line",
                "Dòng hàng không thuộc phiếu chuyển này.",
                "That line is not on this transfer.",
            ));
        }
    }
    let already = sd::table
        .filter(sd::ref_document_id.eq(transfer_id))
        .filter(sd::kind.eq(DocumentKind::TransferReceipt.code()))
        .count()
        .get_result::<i64>(conn)?;
    if already > 0 {
        return refuse(already_received());
    }
    let (seq, number) = number_for(conn, dest, DocumentKind::TransferReceipt)?;
    let now = Utc::now().naive_utc();
    let inserted = diesel::insert_into(sd::table)
        .values((
            sd::outlet_id.eq(dest),
            sd::kind.eq(DocumentKind::TransferReceipt.code()),
            sd::status.eq(POSTED),
            sd::seq.eq(seq),
            sd::number.eq(&number),
            sd::ref_document_id.eq(transfer_id),
            sd::note.eq(input.note.trim()),
            sd::created_by.eq(by),
            sd::created_at.eq(now),
            sd::posted_by.eq(by),
            sd::posted_at.eq(now),
        ))
        .returning(sd::id)
        .get_result::<i32>(conn);
    let id = match inserted {
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => return refuse(already_received()),
        other => other?,
    };
    let doc = document::find(conn, id)?;
    let out_entries = entries_for_document(conn, transfer_id)?;
    let mut moves = Vec::new();
    for line in &sent {
        let given = input.lines.iter().find(|r| r.line_id == line.id);
        let received = given.map_or(line.qty_milli, |r| r.received_qty.milli());
        if received < 0 || received > line.qty_milli {
            return at_line(
                line,
                refuse(Refusal::invalid(
                    "invalid_received_quantity",
                    "Số lượng nhận phải từ 0 đến số lượng đã gửi.",
                    "The received quantity must be between 0 and the quantity sent.",
                )),
            );
        }
        let receipt_line = diesel::insert_into(sdl::table)
            .values((
                sdl::document_id.eq(id),
                sdl::line_no.eq(line.line_no),
                sdl::product_id.eq(line.product_id),
                sdl::lot_code.eq(&line.lot_code),
                sdl::qty_milli.eq(received),
                sdl::expected_milli.eq(line.qty_milli),
                sdl::reason.eq(given.and_then(|g| g.reason.clone())),
                sdl::ref_line_id.eq(line.id),
            ))
            .returning(sdl::id)
            .get_result::<i32>(conn)?;
        let receipt_line = document::lines(conn, id)?
            .into_iter()
            .find(|l| l.id == receipt_line)
            .ok_or(diesel::result::Error::NotFound)?;
        let ctx = Ctx {
            doc: &doc,
            number: &number,
        };
        let mut left = received;
        for e in out_entries
            .iter()
            .filter(|e| e.document_line_id == Some(line.id))
        {
            let part = left.min(e.qty_milli.saturating_neg());
            if part <= 0 {
                break;
            }
            let key = StockKey {
                outlet_id: dest,
                product_id: e.product_id,
                lot_id: e.lot_id,
                owner_producer_id: e.owner_producer_id,
            };
            moves.push(ctx.movement(
                key,
                Quantity::from_milli(part),
                LedgerKind::TransferIn,
                &receipt_line,
            ));
            left -= part;
        }
    }
    append(conn, Some(by), &moves)?;
    Ok(doc)
}

fn already_received() -> Refusal {
    Refusal::conflict(
        "already_received",
        "Phiếu chuyển kho này đã được nhận.",
        "This transfer has already been received.",
    )
}
