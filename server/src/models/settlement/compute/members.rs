//! What a statement holds, recorded: each sale, refund, posted stock
//! document and adjustment of a producer × outlet belongs to exactly one of
//! the pair's statements (`settlement_members`, unique per pair and
//! source). A statement being computed holds what no fixed statement of the
//! pair holds yet and is dated before its period's end; a statement
//! recomputed for verification reads back exactly its own members. So a
//! sale whose ingest was still open while a statement was computed is not
//! lost or counted twice: it is simply unclaimed, and the next statement
//! (or a recomputation of the draft) takes it.
//!
//! The outlet is read in one pass ([`Unclaimed::load`]): every candidate
//! sale line, refund line and ledger entry of the outlet, then grouped by
//! producer, so a run of a period costs one read of each outlet's month
//! rather than one per producer.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ocop_core::sale::{ReceiptNo, ReceiptRef};

use crate::db::DbConn;
use crate::db::schema::{
    products, refund_lines, refunds, sale_lines, sales, settlement_adjustments as sa,
    settlement_members as sm, stock_ledger as led,
};

/// A sale or refund held by a statement.
#[derive(Debug, Clone)]
pub struct Held {
    pub id: i32,
    pub reference: String,
    pub at: NaiveDateTime,
}

/// One of the producer's lines on a held receipt.
#[derive(Debug, Clone, Copy)]
pub struct HeldLine {
    pub receipt: i32,
    pub product_id: i32,
    pub qty_milli: i64,
    pub amount: i64,
}

/// A stock ledger entry of the pair.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i32,
    pub product_id: i32,
    pub lot_id: i32,
    pub qty_milli: i64,
    pub kind: String,
    pub document_id: Option<i32>,
    pub reference: String,
}

/// An adjustment of an earlier statement, applied here.
#[derive(Debug, Clone)]
pub struct Adjustment {
    pub id: i32,
    pub corrects: i32,
    pub amount: i64,
    pub reason: String,
}

/// Everything one statement of a pair is computed from, in a fixed order
/// (receipts and their lines by id, entries by id, adjustments by id).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub sales: Vec<Held>,
    pub sold: Vec<HeldLine>,
    pub refunds: Vec<Held>,
    pub refunded: Vec<HeldLine>,
    /// Posted stock documents whose entries this statement holds.
    pub documents: BTreeSet<i32>,
    /// The documents' entries and the held receipts' entries.
    pub entries: Vec<Entry>,
    pub adjustments: Vec<Adjustment>,
}

pub fn receipt_ref(till_id: i32, receipt_no: i64) -> String {
    match u32::try_from(receipt_no).ok().and_then(ReceiptNo::new) {
        Some(no) => ReceiptRef {
            till_id,
            receipt_no: no,
        }
        .to_string(),
        None => format!("T{till_id}-{receipt_no}"),
    }
}

/// A receipt line as loaded: (receipt id, till, number, date, producer,
/// product, qty, amount).
type ReceiptRow = (i32, i32, i64, NaiveDateTime, i32, i32, i64, i64);

/// Splits receipt rows (ordered by receipt, then line) into receipts and
/// lines per producer.
fn group_receipts(rows: Vec<ReceiptRow>) -> BTreeMap<i32, (Vec<Held>, Vec<HeldLine>)> {
    let mut out: BTreeMap<i32, (Vec<Held>, Vec<HeldLine>)> = BTreeMap::new();
    for (id, till, no, at, producer, product_id, qty_milli, amount) in rows {
        let (held, lines) = out.entry(producer).or_default();
        if held.last().is_none_or(|h| h.id != id) {
            held.push(Held {
                id,
                reference: receipt_ref(till, no),
                at,
            });
        }
        lines.push(HeldLine {
            receipt: id,
            product_id,
            qty_milli,
            amount,
        });
    }
    out
}

/// (receipt id, producer) pairs of `kind` at `outlet` already held by a
/// statement other than those in `recomputing`, among source ids ≥ `from`.
fn claimed(
    conn: &mut DbConn,
    outlet_id: i32,
    kind: &str,
    from: i32,
    recomputing: &BTreeSet<i32>,
) -> QueryResult<BTreeSet<(i32, i32)>> {
    let rows: Vec<(i32, i32, i32)> = sm::table
        .filter(sm::outlet_id.eq(outlet_id))
        .filter(sm::kind.eq(kind))
        .filter(sm::source_id.ge(from))
        .select((sm::source_id, sm::producer_id, sm::statement_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| !recomputing.contains(&r.2))
        .map(|(s, p, _)| (s, p))
        .collect())
}

/// The unclaimed sources of an outlet, by producer.
pub struct Unclaimed {
    by_producer: BTreeMap<i32, Inputs>,
}

impl Unclaimed {
    /// Reads the outlet once: the sales and refunds dated before `end` and
    /// received from `since` on, the ledger entries written from `since` on,
    /// and the adjustments, of `producers`, less what a statement other
    /// than the drafts in `recomputing` holds. Stock documents count if
    /// their entries were written before `end`.
    ///
    /// `received_by` is the rule of statements computed before members were
    /// recorded (the backfill, [`super::backfill`]): only sales and refunds
    /// received, documents whose entries were all written, and adjustments
    /// made at or before it.
    pub fn load(
        conn: &mut DbConn,
        outlet_id: i32,
        producers: &BTreeSet<i32>,
        end: NaiveDateTime,
        since: Option<NaiveDateTime>,
        received_by: Option<NaiveDateTime>,
        recomputing: &BTreeSet<i32>,
    ) -> QueryResult<Unclaimed> {
        let wanted: Vec<i32> = producers.iter().copied().collect();
        let mut qs = sale_lines::table
            .inner_join(sales::table)
            .inner_join(products::table.on(products::id.eq(sale_lines::product_id)))
            .filter(sales::outlet_id.eq(outlet_id))
            .filter(sales::sold_at.lt(end))
            .into_boxed();
        if let Some(s) = since {
            qs = qs.filter(sales::received_at.ge(s));
        }
        if let Some(b) = received_by {
            qs = qs.filter(sales::received_at.le(b));
        }
        if wanted.len() == 1 {
            qs = qs.filter(products::producer_id.eq_any(wanted.clone()));
        }
        let sold: Vec<ReceiptRow> = qs
            .select((
                sales::id,
                sales::till_id,
                sales::receipt_no,
                sales::sold_at,
                products::producer_id,
                sale_lines::product_id,
                sale_lines::qty_milli,
                sale_lines::amount,
            ))
            .order((sales::id, sale_lines::line_no))
            .load(conn)?;
        let mut qr = refund_lines::table
            .inner_join(refunds::table)
            .inner_join(products::table.on(products::id.eq(refund_lines::product_id)))
            .filter(refunds::outlet_id.eq(outlet_id))
            .filter(refunds::refunded_at.lt(end))
            .into_boxed();
        if let Some(s) = since {
            qr = qr.filter(refunds::received_at.ge(s));
        }
        if let Some(b) = received_by {
            qr = qr.filter(refunds::received_at.le(b));
        }
        if wanted.len() == 1 {
            qr = qr.filter(products::producer_id.eq_any(wanted.clone()));
        }
        let back: Vec<ReceiptRow> = qr
            .select((
                refunds::id,
                refunds::till_id,
                refunds::receipt_no,
                refunds::refunded_at,
                products::producer_id,
                refund_lines::product_id,
                refund_lines::qty_milli,
                refund_lines::amount,
            ))
            .order((refunds::id, refund_lines::seq))
            .load(conn)?;
        let taken_sales = match sold.first() {
            Some(r) => claimed(conn, outlet_id, "sale", r.0, recomputing)?,
            None => BTreeSet::new(),
        };
        let taken_refunds = match back.first() {
            Some(r) => claimed(conn, outlet_id, "refund", r.0, recomputing)?,
            None => BTreeSet::new(),
        };
        let keep = |rows: Vec<ReceiptRow>, taken: &BTreeSet<(i32, i32)>| {
            rows.into_iter()
                .filter(|r| producers.contains(&r.4) && !taken.contains(&(r.0, r.4)))
                .collect::<Vec<_>>()
        };
        let sold = group_receipts(keep(sold, &taken_sales));
        let back = group_receipts(keep(back, &taken_refunds));

        let mut ql = led::table.filter(led::outlet_id.eq(outlet_id)).into_boxed();
        if let Some(s) = since {
            ql = ql.filter(led::created_at.ge(s));
        }
        if wanted.len() == 1 {
            ql = ql.filter(led::owner_producer_id.eq_any(wanted.clone()));
        }
        type Row = (
            i32,
            i32,
            i32,
            i32,
            i64,
            String,
            Option<i32>,
            String,
            NaiveDateTime,
        );
        let rows: Vec<Row> = ql
            .select((
                led::id,
                led::owner_producer_id,
                led::product_id,
                led::lot_id,
                led::qty_milli,
                led::kind,
                led::document_id,
                led::document_ref,
                led::created_at,
            ))
            .order(led::id)
            .load(conn)?;
        let first_doc = rows.iter().filter_map(|r| r.6).min();
        let taken_docs = match first_doc {
            Some(d) => claimed(conn, outlet_id, "document", d, recomputing)?,
            None => BTreeSet::new(),
        };
        // A document is held whole: if any of its entries of the producer
        // is dated at or after `end`, none of them is held yet.
        let mut late_docs: BTreeSet<(i32, i32)> = BTreeSet::new();
        for r in &rows {
            if let Some(d) = r.6
                && (r.8 >= end || received_by.is_some_and(|b| r.8 > b))
            {
                late_docs.insert((d, r.1));
            }
        }

        let taken_adjustments: BTreeSet<(i32, i32)> = {
            let rows: Vec<(i32, i32, i32)> = sm::table
                .filter(sm::outlet_id.eq(outlet_id))
                .filter(sm::kind.eq("adjustment"))
                .select((sm::source_id, sm::producer_id, sm::statement_id))
                .load(conn)?;
            rows.into_iter()
                .filter(|r| !recomputing.contains(&r.2))
                .map(|(s, p, _)| (s, p))
                .collect()
        };
        let mut qa = sa::table.filter(sa::outlet_id.eq(outlet_id)).into_boxed();
        if let Some(b) = received_by {
            qa = qa.filter(sa::created_at.le(b));
        }
        let adjustments: Vec<(i32, i32, i32, i64, String)> = qa
            .select((
                sa::id,
                sa::producer_id,
                sa::corrects_statement_id,
                sa::amount,
                sa::reason,
            ))
            .order(sa::id)
            .load(conn)?;

        let mut by_producer: BTreeMap<i32, Inputs> =
            producers.iter().map(|p| (*p, Inputs::default())).collect();
        for (p, (held, lines)) in sold {
            if let Some(i) = by_producer.get_mut(&p) {
                i.sales = held;
                i.sold = lines;
            }
        }
        for (p, (held, lines)) in back {
            if let Some(i) = by_producer.get_mut(&p) {
                i.refunds = held;
                i.refunded = lines;
            }
        }
        let refs: BTreeMap<i32, BTreeSet<String>> = by_producer
            .iter()
            .map(|(p, i)| {
                let r = i
                    .sales
                    .iter()
                    .chain(&i.refunds)
                    .map(|h| h.reference.clone())
                    .collect();
                (*p, r)
            })
            .collect();
        for (id, producer, product_id, lot_id, qty_milli, kind, document_id, reference, _) in rows {
            let Some(i) = by_producer.get_mut(&producer) else {
                continue;
            };
            let held = match document_id {
                Some(d) => {
                    let held =
                        !taken_docs.contains(&(d, producer)) && !late_docs.contains(&(d, producer));
                    if held {
                        i.documents.insert(d);
                    }
                    held
                }
                None => refs.get(&producer).is_some_and(|r| r.contains(&reference)),
            };
            if held {
                i.entries.push(Entry {
                    id,
                    product_id,
                    lot_id,
                    qty_milli,
                    kind,
                    document_id,
                    reference,
                });
            }
        }
        for (id, producer, corrects, amount, reason) in adjustments {
            if taken_adjustments.contains(&(id, producer)) {
                continue;
            }
            if let Some(i) = by_producer.get_mut(&producer) {
                i.adjustments.push(Adjustment {
                    id,
                    corrects,
                    amount,
                    reason,
                });
            }
        }
        Ok(Unclaimed { by_producer })
    }

    /// The producer's unclaimed sources (empty if it was not loaded).
    pub fn take(&mut self, producer_id: i32) -> Inputs {
        self.by_producer.remove(&producer_id).unwrap_or_default()
    }
}

/// Exactly the sources recorded as held by statement `statement_id` of
/// `producer_id` at `outlet_id`, in the same order [`Unclaimed::load`] gives.
pub fn of_statement(
    conn: &mut DbConn,
    statement_id: i32,
    outlet_id: i32,
    producer_id: i32,
) -> QueryResult<Inputs> {
    let members: Vec<(String, i32)> = sm::table
        .filter(sm::statement_id.eq(statement_id))
        .select((sm::kind, sm::source_id))
        .order(sm::source_id)
        .load(conn)?;
    let ids = |k: &str| -> Vec<i32> { members.iter().filter(|m| m.0 == k).map(|m| m.1).collect() };
    let (sale_ids, refund_ids, doc_ids, adj_ids) = (
        ids("sale"),
        ids("refund"),
        ids("document"),
        ids("adjustment"),
    );
    let mut sold: Vec<ReceiptRow> = Vec::new();
    for chunk in sale_ids.chunks(500) {
        sold.extend(
            sale_lines::table
                .inner_join(sales::table)
                .inner_join(products::table.on(products::id.eq(sale_lines::product_id)))
                .filter(sales::id.eq_any(chunk))
                .filter(products::producer_id.eq(producer_id))
                .select((
                    sales::id,
                    sales::till_id,
                    sales::receipt_no,
                    sales::sold_at,
                    products::producer_id,
                    sale_lines::product_id,
                    sale_lines::qty_milli,
                    sale_lines::amount,
                ))
                .order((sales::id, sale_lines::line_no))
                .load::<ReceiptRow>(conn)?,
        );
    }
    let mut back: Vec<ReceiptRow> = Vec::new();
    for chunk in refund_ids.chunks(500) {
        back.extend(
            refund_lines::table
                .inner_join(refunds::table)
                .inner_join(products::table.on(products::id.eq(refund_lines::product_id)))
                .filter(refunds::id.eq_any(chunk))
                .filter(products::producer_id.eq(producer_id))
                .select((
                    refunds::id,
                    refunds::till_id,
                    refunds::receipt_no,
                    refunds::refunded_at,
                    products::producer_id,
                    refund_lines::product_id,
                    refund_lines::qty_milli,
                    refund_lines::amount,
                ))
                .order((refunds::id, refund_lines::seq))
                .load::<ReceiptRow>(conn)?,
        );
    }
    let mut i = Inputs::default();
    if let Some((held, lines)) = group_receipts(sold).remove(&producer_id) {
        i.sales = held;
        i.sold = lines;
    }
    if let Some((held, lines)) = group_receipts(back).remove(&producer_id) {
        i.refunds = held;
        i.refunded = lines;
    }
    i.documents = doc_ids.iter().copied().collect();
    let refs: Vec<String> = i
        .sales
        .iter()
        .chain(&i.refunds)
        .map(|h| h.reference.clone())
        .collect();
    type Row = (i32, i32, i32, i64, String, Option<i32>, String);
    let select = (
        led::id,
        led::product_id,
        led::lot_id,
        led::qty_milli,
        led::kind,
        led::document_id,
        led::document_ref,
    );
    let mut entries: Vec<Row> = Vec::new();
    for chunk in doc_ids.chunks(500) {
        entries.extend(
            led::table
                .filter(led::outlet_id.eq(outlet_id))
                .filter(led::owner_producer_id.eq(producer_id))
                .filter(led::document_id.eq_any(chunk))
                .select(select)
                .load::<Row>(conn)?,
        );
    }
    for chunk in refs.chunks(500) {
        entries.extend(
            led::table
                .filter(led::outlet_id.eq(outlet_id))
                .filter(led::owner_producer_id.eq(producer_id))
                .filter(led::document_id.is_null())
                .filter(led::document_ref.eq_any(chunk))
                .select(select)
                .load::<Row>(conn)?,
        );
    }
    entries.sort_by_key(|e| e.0);
    entries.dedup_by_key(|e| e.0);
    i.entries = entries
        .into_iter()
        .map(
            |(id, product_id, lot_id, qty_milli, kind, document_id, reference)| Entry {
                id,
                product_id,
                lot_id,
                qty_milli,
                kind,
                document_id,
                reference,
            },
        )
        .collect();
    for chunk in adj_ids.chunks(500) {
        i.adjustments.extend(
            sa::table
                .filter(sa::id.eq_any(chunk))
                .select((sa::id, sa::corrects_statement_id, sa::amount, sa::reason))
                .order(sa::id)
                .load::<(i32, i32, i64, String)>(conn)?
                .into_iter()
                .map(|(id, corrects, amount, reason)| Adjustment {
                    id,
                    corrects,
                    amount,
                    reason,
                }),
        );
    }
    i.adjustments.sort_by_key(|a| a.id);
    Ok(i)
}

/// Records `inputs` as held by draft `statement_id`, replacing what the
/// draft held before.
pub fn record(
    conn: &mut DbConn,
    statement_id: i32,
    outlet_id: i32,
    producer_id: i32,
    inputs: &Inputs,
) -> QueryResult<()> {
    diesel::delete(sm::table.filter(sm::statement_id.eq(statement_id))).execute(conn)?;
    let rows: Vec<_> = inputs
        .sales
        .iter()
        .map(|h| ("sale", h.id))
        .chain(inputs.refunds.iter().map(|h| ("refund", h.id)))
        .chain(inputs.documents.iter().map(|d| ("document", *d)))
        .chain(inputs.adjustments.iter().map(|a| ("adjustment", a.id)))
        .map(|(kind, source)| {
            (
                sm::statement_id.eq(statement_id),
                sm::outlet_id.eq(outlet_id),
                sm::producer_id.eq(producer_id),
                sm::kind.eq(kind),
                sm::source_id.eq(source),
            )
        })
        .collect();
    // Multi-row inserts: diesel's MultiConnection has none, so per backend.
    for chunk in rows.chunks(1_000) {
        let insert = diesel::insert_into(sm::table).values(chunk);
        match conn {
            DbConn::Postgres(c) => insert.execute(c)?,
            DbConn::Sqlite(c) => insert.execute(c)?,
        };
    }
    Ok(())
}
