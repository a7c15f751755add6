//! Computing a statement from the ledger and the sales (see the module
//! documentation of `settlement` for which entries a statement holds).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use ocop_core::money::{Dong, Quantity};
use ocop_core::refusal::Refusal;
use ocop_core::sale::{ReceiptNo, ReceiptRef};
use ocop_core::settlement::{
    Money, MoneyInput, Period, QtyRow, ROUNDING_RULE_EN, ROUNDING_RULE_VI, RowMoney, Status, Step,
    Terms, compute_money,
};
use ocop_core::stock::{ConsignmentTerms, LedgerKind, LossBearer, SettlementPeriod};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Statement, find};
use crate::db::DbConn;
use crate::db::schema::{
    consignment_agreements as ca, lots, product_prices, products, refund_lines, refunds,
    sale_lines, sales, settlement_adjustments as sa, settlement_events as se,
    settlement_lines as sl, settlement_statements as ss, stock_document_lines as sdl,
    stock_documents as sd, stock_ledger as led,
};
use crate::models::error::{ModelError, refuse};
use crate::models::stock::agreement::Agreement;

/// A statement holds what the server had received five seconds before it
/// was computed, so a sale whose (short, bounded) ingest transaction is
/// still open cannot fall between two statements.
pub const CUTOFF_MARGIN_SECONDS: i64 = 5;

/// One line as stored and as hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineFigures {
    pub kind: &'static str,
    pub product_id: Option<i32>,
    pub lot_id: Option<i32>,
    pub lot_code: String,
    pub name: String,
    pub qty: QtyRow,
    pub retail_price: i64,
    pub payout_price: Option<i64>,
    pub amount: i64,
    pub reference: String,
    pub original_at: Option<String>,
    pub corrects_statement_id: Option<i32>,
}

/// Everything a statement says, in a fixed order: its canonical JSON is
/// what `figures` stores and `figures_sha256` hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub producer_id: i32,
    pub outlet_id: i32,
    pub period: String,
    pub terms: String,
    pub commission_bp: Option<i32>,
    pub loss_bearer: String,
    pub min_payout: i64,
    pub money: Money,
    pub rounding_rule: String,
    pub lines: Vec<LineFigures>,
}

impl Figures {
    pub fn canonical(&self) -> (String, String) {
        let json = serde_json::to_string(self).unwrap_or_default();
        let hash = hex::encode(Sha256::digest(json.as_bytes()));
        (json, hash)
    }
}

fn ts(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

fn iso(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn receipt_ref(till_id: i32, receipt_no: i64) -> String {
    match u32::try_from(receipt_no).ok().and_then(ReceiptNo::new) {
        Some(no) => ReceiptRef {
            till_id,
            receipt_no: no,
        }
        .to_string(),
        None => format!("T{till_id}-{receipt_no}"),
    }
}

/// The agreement of a pair that governs `period`: the latest one overlapping
/// it.
fn governing_agreement(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
    period: Period,
) -> QueryResult<Option<Agreement>> {
    let all: Vec<Agreement> = ca::table
        .filter(ca::producer_id.eq(producer_id))
        .filter(ca::outlet_id.eq(outlet_id))
        .select(Agreement::as_select())
        .order(ca::starts_on.desc())
        .load(conn)?;
    Ok(all.into_iter().find(|a| {
        a.starts_on < period.end_day() && a.ends_on.is_none_or(|e| e >= period.first_day())
    }))
}

/// What the previous statement fixed: where this one starts.
struct Before {
    statement: Option<Statement>,
    /// The previous statement's sales window: (period end, cutoff).
    window: Option<(NaiveDateTime, NaiveDateTime)>,
}

fn previous(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
    period: Period,
) -> Result<(Before, Option<Statement>), ModelError> {
    let all: Vec<Statement> = ss::table
        .filter(ss::producer_id.eq(producer_id))
        .filter(ss::outlet_id.eq(outlet_id))
        .select(Statement::as_select())
        .order(ss::period_start)
        .load(conn)?;
    let start = period.first_day();
    if all.iter().any(|s| s.period_start > start) {
        return refuse(Refusal::conflict(
            "later_statement_exists",
            "Đã có bảng quyết toán của kỳ sau cho chủ thể và điểm bán này.",
            "A later period's statement already exists for this producer and outlet.",
        ));
    }
    let same = all.iter().find(|s| s.period_start == start).cloned();
    let prev = all.into_iter().rev().find(|s| s.period_start < start);
    if let Some(p) = &prev
        && !p.status().is_fixed()
    {
        return refuse(Refusal::conflict(
            "previous_statement_not_approved",
            format!("Bảng quyết toán kỳ {} chưa được duyệt.", p.period),
            format!("The statement of {} is not approved yet.", p.period),
        ));
    }
    let window = prev.as_ref().map(|p| {
        let end = ts(ocop_core::time::vn_day_bounds(p.period_end).0);
        (end, p.cutoff_at)
    });
    Ok((
        Before {
            statement: prev,
            window,
        },
        same,
    ))
}

/// Is a sale (or refund) of `at`, received at `received`, inside the
/// cumulative set of a statement whose period ends at `end` with `cutoff`?
fn within(
    at: NaiveDateTime,
    received: NaiveDateTime,
    end: NaiveDateTime,
    cutoff: NaiveDateTime,
) -> bool {
    at < end && received <= cutoff
}

struct Held {
    id: i32,
    reference: String,
    at: NaiveDateTime,
}

/// A stock row being built.
#[derive(Default, Clone)]
struct Acc {
    row: QtyRow,
    raw: i64,
    entries: Vec<i32>,
}

fn q(milli: i64) -> Quantity {
    Quantity::from_milli(milli)
}

fn addq(a: Quantity, milli: i64) -> Quantity {
    a.checked_add(q(milli)).unwrap_or(a)
}

/// The outcome of computing one pair.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub enum RunOutcome {
    /// Computed (or recomputed) as a draft.
    Computed(i32),
    /// The agreement settles by quarter and this month does not end one.
    NotDue,
    /// Already approved: left as it is.
    Fixed(i32),
    /// Refused (discrepancy, previous statement not approved…).
    Refused(String),
}

/// Computes (or recomputes) the draft statement of `producer_id` at
/// `outlet_id` for `period` (a month; a quarterly agreement's quarter is run
/// with its last month), as of `now`. Refuses if the statement is already
/// approved, if the previous one is not, or if a row breaks the identity or
/// a sale's lines disagree with its ledger entries (the discrepancy is
/// listed with the entries behind it).
pub fn compute(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
    month: Period,
    now: DateTime<Utc>,
    by: Option<i32>,
) -> Result<Option<Statement>, ModelError> {
    let Some(agreement) = governing_agreement(conn, producer_id, outlet_id, month)? else {
        return refuse(Refusal::not_found(
            "no_agreement",
            "Chủ thể và điểm bán này không có hợp đồng ký gửi trong kỳ.",
            "This producer and outlet have no consignment agreement in the period.",
        ));
    };
    let kind: SettlementPeriod = agreement
        .settlement_period
        .parse()
        .unwrap_or(SettlementPeriod::Monthly);
    let Some(period) = Period::for_run(month, kind) else {
        return Ok(None);
    };
    let (before, same) = previous(conn, producer_id, outlet_id, period)?;
    if let Some(s) = &same
        && s.status().is_fixed()
    {
        return refuse(fixed(s));
    }
    let cutoff = ts(now) - TimeDelta::seconds(CUTOFF_MARGIN_SECONDS);
    let figures = figures(
        conn,
        producer_id,
        outlet_id,
        period,
        &agreement,
        &before,
        cutoff,
    )?;
    let id = store(
        conn,
        &figures,
        &agreement,
        period,
        before.statement.as_ref(),
        same.as_ref(),
        cutoff,
        ts(now),
        by,
    )?;
    Ok(Some(find(conn, id)?))
}

/// The figures of a statement of the pair for `period` under `agreement`,
/// after `before`, holding what was received by `cutoff`.
fn figures(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
    period: Period,
    agreement: &Agreement,
    before: &Before,
    cutoff: NaiveDateTime,
) -> Result<Figures, ModelError> {
    let (start_utc, end_utc) = period.bounds();
    let (start, end) = (ts(start_utc), ts(end_utc));
    let doc_end = end.min(cutoff);
    let prev_doc_end = before.window.map(|(e, c)| e.min(c));

    // Sales and refunds held: in this cumulative set and not the previous.
    // The producer's lines of them: (sale or refund, product, qty, amount).
    let (held_sales, sold_lines) = held(
        conn,
        outlet_id,
        producer_id,
        end,
        cutoff,
        before.window,
        true,
    )?;
    let (held_refunds, refunded_lines) = held(
        conn,
        outlet_id,
        producer_id,
        end,
        cutoff,
        before.window,
        false,
    )?;
    let sale_ref: BTreeMap<String, &Held> = held_sales
        .iter()
        .map(|h| (h.reference.clone(), h))
        .collect();
    let refund_ref: BTreeMap<String, &Held> = held_refunds
        .iter()
        .map(|h| (h.reference.clone(), h))
        .collect();

    // Ledger entries of the pair in the window.
    let mut qe = led::table
        .filter(led::outlet_id.eq(outlet_id))
        .filter(led::owner_producer_id.eq(producer_id))
        .into_boxed();
    if let Some(lo) = prev_doc_end
        .into_iter()
        .chain(before.window.map(|w| w.1))
        .min()
    {
        // Sale entries are written with their sale; an hour's slack covers
        // a sale held by the previous statement whose entries were written
        // a moment after it was received.
        qe = qe.filter(led::created_at.ge(lo - TimeDelta::hours(1)));
    }
    type Entry = (
        i32,
        i32,
        i32,
        i64,
        String,
        Option<i32>,
        String,
        NaiveDateTime,
    );
    let entries: Vec<Entry> = qe
        .filter(led::created_at.le(cutoff + TimeDelta::hours(1)))
        .select((
            led::id,
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

    let mut rows: BTreeMap<(i32, i32), Acc> = BTreeMap::new();
    if let Some(prev) = &before.statement {
        let opening: Vec<(Option<i32>, Option<i32>, i64)> = sl::table
            .filter(sl::statement_id.eq(prev.id))
            .filter(sl::kind.eq("stock"))
            .select((sl::product_id, sl::lot_id, sl::closing_milli))
            .load(conn)?;
        for (p, l, c) in opening {
            if let (Some(p), Some(l)) = (p, l) {
                let acc = rows.entry((p, l)).or_default();
                acc.row.opening = q(c);
                acc.raw = c;
            }
        }
    }
    // Sale ledger quantity per (reference, product), to check the receipts.
    let mut ledger_sold: BTreeMap<(String, i32), i64> = BTreeMap::new();
    let mut ledger_refunded: BTreeMap<(String, i32), i64> = BTreeMap::new();
    for (id, product_id, lot_id, qty, kind, document_id, reference, created_at) in entries {
        let included = if document_id.is_some() {
            created_at < doc_end && prev_doc_end.is_none_or(|p| created_at >= p)
        } else {
            sale_ref.contains_key(&reference) || refund_ref.contains_key(&reference)
        };
        if !included {
            continue;
        }
        let Ok(kind) = kind.parse::<LedgerKind>() else {
            return refuse(discrepancy(&[format!("#{id}: {kind}")]));
        };
        let acc = rows.entry((product_id, lot_id)).or_default();
        acc.raw = acc.raw.saturating_add(qty);
        acc.entries.push(id);
        let r = &mut acc.row;
        let neg = qty.saturating_neg();
        match kind {
            LedgerKind::ConsignmentReceived => r.received = addq(r.received, qty),
            LedgerKind::TransferIn => r.transferred_in = addq(r.transferred_in, qty),
            LedgerKind::TransferOut => r.transferred_out = addq(r.transferred_out, neg),
            LedgerKind::Sale => {
                r.sold = addq(r.sold, neg);
                *ledger_sold.entry((reference, product_id)).or_default() += neg;
            }
            LedgerKind::CustomerRefund => {
                r.refunded = addq(r.refunded, qty);
                *ledger_refunded.entry((reference, product_id)).or_default() += qty;
            }
            LedgerKind::ReturnedToProducer => r.returned = addq(r.returned, neg),
            LedgerKind::ExpiredWriteOff
            | LedgerKind::DamagedWriteOff
            | LedgerKind::CountAdjustment => r.written_off = addq(r.written_off, neg),
        }
    }

    // The checks: every row's identity, and every receipt against its
    // ledger entries.
    let mut problems = Vec::new();
    for ((product_id, lot_id), acc) in &mut rows {
        acc.row.closing = q(acc.raw);
        if let Err(d) = acc.row.check() {
            problems.push(format!(
                "SP {product_id} lô {lot_id}: {} ≠ {} (#{:?})",
                d.expected_closing, d.closing, acc.entries
            ));
        }
    }
    let receipts = |lines: &[(i32, i32, i64, i64)], held: &[Held]| {
        let refs: BTreeMap<i32, &str> = held.iter().map(|h| (h.id, h.reference.as_str())).collect();
        let mut m: BTreeMap<(String, i32), i64> = BTreeMap::new();
        for (doc, product, qty, _) in lines {
            if let Some(r) = refs.get(doc) {
                *m.entry(((*r).to_owned(), *product)).or_default() += qty;
            }
        }
        m
    };
    for (label, from_receipts, from_ledger) in [
        ("sale", receipts(&sold_lines, &held_sales), &ledger_sold),
        (
            "refund",
            receipts(&refunded_lines, &held_refunds),
            &ledger_refunded,
        ),
    ] {
        let keys: BTreeSet<&(String, i32)> =
            from_receipts.keys().chain(from_ledger.keys()).collect();
        for k in keys {
            let a = from_receipts.get(k).copied().unwrap_or(0);
            let b = from_ledger.get(k).copied().unwrap_or(0);
            if a != b {
                problems.push(format!(
                    "{label} {} SP {}: {} ≠ {} (sổ kho / ledger)",
                    k.0,
                    k.1,
                    q(a),
                    q(b)
                ));
            }
        }
    }
    if !problems.is_empty() {
        return refuse(discrepancy(&problems));
    }

    // Prices: retail at the period's end, payout from the lot's receipt.
    let product_ids: Vec<i32> = rows
        .keys()
        .map(|k| k.0)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut names: BTreeMap<i32, (String, i64)> = BTreeMap::new();
    let mut retail: BTreeMap<i32, i64> = BTreeMap::new();
    for chunk in product_ids.chunks(500) {
        for (id, name, price) in products::table
            .filter(products::id.eq_any(chunk))
            .select((products::id, products::name_vi, products::price))
            .load::<(i32, String, i64)>(conn)?
        {
            names.insert(id, (name, price));
        }
        let history: Vec<(i32, i64, NaiveDateTime)> = product_prices::table
            .filter(product_prices::product_id.eq_any(chunk))
            .filter(product_prices::valid_from.lt(end))
            .select((
                product_prices::product_id,
                product_prices::price,
                product_prices::valid_from,
            ))
            .order((product_prices::valid_from, product_prices::id))
            .load(conn)?;
        for (id, price, _) in history {
            retail.insert(id, price);
        }
    }
    let lot_ids: Vec<i32> = rows
        .keys()
        .map(|k| k.1)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut lot_codes: BTreeMap<i32, String> = BTreeMap::new();
    for chunk in lot_ids.chunks(500) {
        lot_codes.extend(
            lots::table
                .filter(lots::id.eq_any(chunk))
                .select((lots::id, lots::lot_code))
                .load::<(i32, String)>(conn)?,
        );
    }
    let terms_code: ConsignmentTerms = agreement
        .terms
        .parse()
        .unwrap_or(ConsignmentTerms::Commission);
    let terms = match terms_code {
        ConsignmentTerms::Commission => Terms::Commission {
            bp: agreement.commission_bp.unwrap_or(0),
        },
        ConsignmentTerms::PayoutPrice => Terms::PayoutPrice,
    };
    let mut payout: BTreeMap<(i32, String), i64> = BTreeMap::new();
    let mut payout_any: BTreeMap<i32, i64> = BTreeMap::new();
    if terms == Terms::PayoutPrice {
        for chunk in product_ids.chunks(500) {
            let rows: Vec<(i32, Option<String>, Option<i64>)> = sdl::table
                .inner_join(sd::table)
                .filter(sd::kind.eq("goods_received"))
                .filter(sd::status.eq("posted"))
                .filter(sd::producer_id.eq(producer_id))
                .filter(sd::posted_at.le(cutoff))
                .filter(sdl::product_id.eq_any(chunk))
                .select((sdl::product_id, sdl::lot_code, sdl::payout_price))
                .order(sdl::id)
                .load(conn)?;
            for (p, lot, price) in rows {
                if let Some(price) = price {
                    payout.insert((p, lot.unwrap_or_default()), price);
                    payout_any.insert(p, price);
                }
            }
        }
    }

    let mut lines = Vec::new();
    let mut money_rows = Vec::new();
    for ((product_id, lot_id), acc) in &rows {
        if acc.row == QtyRow::default() {
            continue;
        }
        let (name, current) = names.get(product_id).cloned().unwrap_or_default();
        let price = retail.get(product_id).copied().unwrap_or(current);
        let lot_code = lot_codes.get(lot_id).cloned().unwrap_or_default();
        let payout_price = (terms == Terms::PayoutPrice).then(|| {
            payout
                .get(&(*product_id, lot_code.clone()))
                .or_else(|| payout_any.get(product_id))
                .copied()
                .unwrap_or(0)
        });
        money_rows.push(RowMoney {
            qty: acc.row,
            retail_price: Dong::new(price),
            payout_price: payout_price.map(Dong::new),
        });
        lines.push(LineFigures {
            kind: "stock",
            product_id: Some(*product_id),
            lot_id: Some(*lot_id),
            lot_code,
            name,
            qty: acc.row,
            retail_price: price,
            payout_price,
            amount: 0,
            reference: String::new(),
            original_at: None,
            corrects_statement_id: None,
        });
    }
    let gross: i64 = sold_lines.iter().map(|l| l.3).sum();
    let refunds_total: i64 = refunded_lines.iter().map(|l| l.3).sum();
    // Late arrivals: held here, dated before the period.
    for (kind, held, amounts) in [
        ("late_sale", &held_sales, &sold_lines),
        ("late_refund", &held_refunds, &refunded_lines),
    ] {
        for h in held.iter().filter(|h| h.at < start) {
            let amount: i64 = amounts.iter().filter(|l| l.0 == h.id).map(|l| l.3).sum();
            if !amounts.iter().any(|l| l.0 == h.id) {
                continue;
            }
            lines.push(LineFigures {
                kind,
                product_id: None,
                lot_id: None,
                lot_code: String::new(),
                name: String::new(),
                qty: QtyRow::default(),
                retail_price: 0,
                payout_price: None,
                amount,
                reference: h.reference.clone(),
                original_at: Some(iso(h.at)),
                corrects_statement_id: None,
            });
        }
    }
    // Adjustments written since the previous statement's cutoff.
    let mut qa = sa::table
        .filter(sa::producer_id.eq(producer_id))
        .filter(sa::outlet_id.eq(outlet_id))
        .filter(sa::created_at.le(cutoff))
        .into_boxed();
    if let Some((_, c)) = before.window {
        qa = qa.filter(sa::created_at.gt(c));
    }
    let adjustments: Vec<(i32, i64, String)> = qa
        .select((sa::corrects_statement_id, sa::amount, sa::reason))
        .order(sa::id)
        .load(conn)?;
    for (corrects, amount, reason) in &adjustments {
        lines.push(LineFigures {
            kind: "adjustment",
            product_id: None,
            lot_id: None,
            lot_code: String::new(),
            name: String::new(),
            qty: QtyRow::default(),
            retail_price: 0,
            payout_price: None,
            amount: *amount,
            reference: reason.clone(),
            original_at: None,
            corrects_statement_id: Some(*corrects),
        });
    }
    let loss_bearer: LossBearer = agreement
        .loss_bearer
        .parse()
        .unwrap_or(LossBearer::Producer);
    let money = compute_money(&MoneyInput {
        terms,
        outlet_bears_losses: loss_bearer == LossBearer::Outlet,
        gross: Dong::new(gross),
        refunds: Dong::new(refunds_total),
        rows: money_rows,
        adjustments: Dong::new(adjustments.iter().map(|a| a.1).sum()),
        carried_in: Dong::new(before.statement.as_ref().map_or(0, |s| s.carried_forward)),
        min_payout: Dong::new(agreement.min_payout),
    })
    .map_err(|e| {
        use ocop_core::i18n::UserError as _;
        ModelError::Refused(e.refusal())
    })?;
    let figures = Figures {
        producer_id,
        outlet_id,
        period: period.to_string(),
        terms: terms_code.code().to_owned(),
        commission_bp: agreement
            .commission_bp
            .filter(|_| terms != Terms::PayoutPrice),
        loss_bearer: loss_bearer.code().to_owned(),
        min_payout: agreement.min_payout,
        money,
        rounding_rule: format!("{ROUNDING_RULE_VI} / {ROUNDING_RULE_EN}"),
        lines,
    };
    Ok(figures)
}

fn fixed(s: &Statement) -> Refusal {
    Refusal::conflict(
        "statement_fixed",
        format!(
            "Bảng quyết toán kỳ {} đã duyệt, không thay đổi được; điều chỉnh ở kỳ sau.",
            s.period
        ),
        format!(
            "The statement of {} is approved and cannot change; correct it in a later statement.",
            s.period
        ),
    )
}

fn discrepancy(problems: &[String]) -> Refusal {
    let list = problems
        .iter()
        .take(50)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    Refusal::conflict(
        "ledger_discrepancy",
        format!("Số liệu kho không khớp, không lập được bảng quyết toán: {list}"),
        format!("The stock figures do not reconcile, no statement was produced: {list}"),
    )
}

/// The lines of the producer's goods in sales (or refunds) at the outlet
/// held by a statement ending at `end` with `cutoff`, less those the
/// previous window held: the receipts (each once) and their lines
/// `(receipt id, product, qty, amount)`.
#[expect(clippy::type_complexity, reason = "rows as loaded")]
fn held(
    conn: &mut DbConn,
    outlet_id: i32,
    producer_id: i32,
    end: NaiveDateTime,
    cutoff: NaiveDateTime,
    prev: Option<(NaiveDateTime, NaiveDateTime)>,
    sales_not_refunds: bool,
) -> QueryResult<(Vec<Held>, Vec<(i32, i32, i64, i64)>)> {
    type Row = (i32, i32, i64, NaiveDateTime, NaiveDateTime, i32, i64, i64);
    let rows: Vec<Row> = if sales_not_refunds {
        let mut qs = sale_lines::table
            .inner_join(sales::table)
            .inner_join(products::table.on(products::id.eq(sale_lines::product_id)))
            .filter(sales::outlet_id.eq(outlet_id))
            .filter(products::producer_id.eq(producer_id))
            .filter(sales::sold_at.lt(end))
            .filter(sales::received_at.le(cutoff))
            .into_boxed();
        if let Some((pe, pc)) = prev {
            qs = qs.filter(sales::received_at.gt(pc).or(sales::sold_at.ge(pe)));
        }
        qs.select((
            sales::id,
            sales::till_id,
            sales::receipt_no,
            sales::sold_at,
            sales::received_at,
            sale_lines::product_id,
            sale_lines::qty_milli,
            sale_lines::amount,
        ))
        .order((sales::id, sale_lines::line_no))
        .load(conn)?
    } else {
        let mut qr = refund_lines::table
            .inner_join(refunds::table)
            .inner_join(products::table.on(products::id.eq(refund_lines::product_id)))
            .filter(refunds::outlet_id.eq(outlet_id))
            .filter(products::producer_id.eq(producer_id))
            .filter(refunds::refunded_at.lt(end))
            .filter(refunds::received_at.le(cutoff))
            .into_boxed();
        if let Some((pe, pc)) = prev {
            qr = qr.filter(refunds::received_at.gt(pc).or(refunds::refunded_at.ge(pe)));
        }
        qr.select((
            refunds::id,
            refunds::till_id,
            refunds::receipt_no,
            refunds::refunded_at,
            refunds::received_at,
            refund_lines::product_id,
            refund_lines::qty_milli,
            refund_lines::amount,
        ))
        .order((refunds::id, refund_lines::seq))
        .load(conn)?
    };
    let mut held: Vec<Held> = Vec::new();
    let mut lines = Vec::with_capacity(rows.len());
    for (id, till, no, at, recv, product, qty, amount) in rows {
        if !within(at, recv, end, cutoff) || prev.is_some_and(|(pe, pc)| within(at, recv, pe, pc)) {
            continue;
        }
        if held.last().is_none_or(|h| h.id != id) {
            held.push(Held {
                id,
                reference: receipt_ref(till, no),
                at,
            });
        }
        lines.push((id, product, qty, amount));
    }
    Ok((held, lines))
}

#[expect(clippy::too_many_arguments, reason = "one statement's whole header")]
fn store(
    conn: &mut DbConn,
    f: &Figures,
    agreement: &Agreement,
    period: Period,
    prev: Option<&Statement>,
    same: Option<&Statement>,
    cutoff: NaiveDateTime,
    now: NaiveDateTime,
    by: Option<i32>,
) -> Result<i32, ModelError> {
    let (json, hash) = f.canonical();
    let m = &f.money;
    let values = (
        (
            ss::producer_id.eq(f.producer_id),
            ss::outlet_id.eq(f.outlet_id),
            ss::agreement_id.eq(agreement.id),
            ss::period.eq(period.to_string()),
            ss::period_start.eq(period.first_day()),
            ss::period_end.eq(period.end_day()),
            ss::prev_statement_id.eq(prev.map(|p| p.id)),
            ss::status.eq(Status::Draft.code()),
            ss::cutoff_at.eq(cutoff),
            ss::terms.eq(f.terms.clone()),
            ss::commission_bp.eq(f.commission_bp),
            ss::loss_bearer.eq(f.loss_bearer.clone()),
            ss::min_payout.eq(f.min_payout),
        ),
        (
            ss::gross.eq(m.gross.amount()),
            ss::refunds.eq(m.refunds.amount()),
            ss::net_sales.eq(m.net_sales.amount()),
            ss::outlet_losses.eq(m.outlet_losses.amount()),
            ss::producer_losses.eq(m.producer_losses.amount()),
            ss::commission.eq(m.commission.amount()),
            ss::producer_share.eq(m.producer_share.amount()),
            ss::adjustments.eq(m.adjustments.amount()),
            ss::carried_in.eq(m.carried_in.amount()),
            ss::total_due.eq(m.total_due.amount()),
            ss::net_payable.eq(m.net_payable.amount()),
            ss::carried_forward.eq(m.carried_forward.amount()),
        ),
        (
            ss::rounding_rule.eq(f.rounding_rule.clone()),
            ss::figures.eq(json),
            ss::figures_sha256.eq(hash),
            ss::computed_by.eq(by),
            ss::computed_at.eq(now),
        ),
    );
    let id = match same {
        Some(s) => {
            diesel::delete(sl::table.filter(sl::statement_id.eq(s.id))).execute(conn)?;
            diesel::update(ss::table.find(s.id))
                .set(values)
                .execute(conn)?;
            s.id
        }
        None => diesel::insert_into(ss::table)
            .values(values)
            .returning(ss::id)
            .get_result::<i32>(conn)?,
    };
    for (i, l) in f.lines.iter().enumerate() {
        let line_no = i32::try_from(i + 1).unwrap_or(i32::MAX);
        diesel::insert_into(sl::table)
            .values((
                (
                    sl::statement_id.eq(id),
                    sl::line_no.eq(line_no),
                    sl::kind.eq(l.kind),
                    sl::product_id.eq(l.product_id),
                    sl::lot_id.eq(l.lot_id),
                    sl::lot_code.eq(l.lot_code.clone()),
                    sl::name.eq(l.name.clone()),
                    sl::opening_milli.eq(l.qty.opening.milli()),
                    sl::received_milli.eq(l.qty.received.milli()),
                    sl::transferred_in_milli.eq(l.qty.transferred_in.milli()),
                    sl::transferred_out_milli.eq(l.qty.transferred_out.milli()),
                    sl::sold_milli.eq(l.qty.sold.milli()),
                ),
                (
                    sl::refunded_milli.eq(l.qty.refunded.milli()),
                    sl::returned_milli.eq(l.qty.returned.milli()),
                    sl::written_off_milli.eq(l.qty.written_off.milli()),
                    sl::closing_milli.eq(l.qty.closing.milli()),
                    sl::retail_price.eq(l.retail_price),
                    sl::payout_price.eq(l.payout_price),
                    sl::amount.eq(l.amount),
                    sl::reference.eq(l.reference.clone()),
                    sl::original_at.eq(l
                        .original_at
                        .as_deref()
                        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                        .map(|t| t.naive_utc())),
                    sl::corrects_statement_id.eq(l.corrects_statement_id),
                ),
            ))
            .execute(conn)?;
    }
    diesel::insert_into(se::table)
        .values((
            se::statement_id.eq(id),
            se::step.eq(Step::Computed.code()),
            se::comment.eq(format!("sha256 {}", &f.canonical().1)),
            se::user_id.eq(by),
            se::at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Recomputes a statement's figures with its own cutoff, previous statement
/// and agreement, without storing anything: the canonical JSON and its
/// SHA-256, to compare byte for byte with what was stored.
pub fn recompute_figures(conn: &mut DbConn, id: i32) -> Result<(String, String), ModelError> {
    let s = find(conn, id)?;
    let period: Period =
        s.period
            .parse()
            .map_err(|e: ocop_core::settlement::SettlementError| {
                use ocop_core::i18n::UserError as _;
                ModelError::Refused(e.refusal())
            })?;
    let agreement = crate::models::stock::agreement::find(conn, s.agreement_id)?;
    let prev = match s.prev_statement_id {
        Some(p) => Some(find(conn, p)?),
        None => None,
    };
    let window = prev.as_ref().map(|p| {
        let end = ts(ocop_core::time::vn_day_bounds(p.period_end).0);
        (end, p.cutoff_at)
    });
    let before = Before {
        statement: prev,
        window,
    };
    let f = figures(
        conn,
        s.producer_id,
        s.outlet_id,
        period,
        &agreement,
        &before,
        s.cutoff_at,
    )?;
    Ok(f.canonical())
}

/// Runs `month` for every agreement overlapping it (optionally one outlet),
/// calling `progress(done, total)` after each pair. Each pair is its own
/// transaction, so one refused pair does not stop the others.
pub fn run_period(
    db: &crate::db::Db,
    month: Period,
    outlet: Option<i32>,
    now: DateTime<Utc>,
    by: Option<i32>,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<(i32, i32, RunOutcome)>, ModelError> {
    let pairs: Vec<(i32, i32)> = {
        let mut conn = db.conn()?;
        let mut q = ca::table
            .filter(ca::starts_on.lt(month.end_day()))
            .filter(ca::ends_on.is_null().or(ca::ends_on.ge(month.first_day())))
            .select((ca::producer_id, ca::outlet_id))
            .into_boxed();
        if let Some(o) = outlet {
            q = q.filter(ca::outlet_id.eq(o));
        }
        let all: BTreeSet<(i32, i32)> = q.load::<(i32, i32)>(&mut conn)?.into_iter().collect();
        all.into_iter().collect()
    };
    let total = pairs.len();
    let mut out = Vec::with_capacity(total);
    for (i, (producer_id, outlet_id)) in pairs.into_iter().enumerate() {
        let r = db.write(|c| compute(c, producer_id, outlet_id, month, now, by));
        let outcome = match r {
            Ok(Some(s)) => RunOutcome::Computed(s.id),
            Ok(None) => RunOutcome::NotDue,
            Err(ModelError::Refused(r)) if r.code() == "statement_fixed" => {
                let id = ss::table
                    .filter(ss::producer_id.eq(producer_id))
                    .filter(ss::outlet_id.eq(outlet_id))
                    .filter(ss::period_start.le(month.first_day()))
                    .filter(ss::period_end.ge(month.end_day()))
                    .select(ss::id)
                    .first::<i32>(&mut db.conn()?)
                    .unwrap_or(0);
                RunOutcome::Fixed(id)
            }
            Err(ModelError::Refused(r)) => RunOutcome::Refused(r.to_string()),
            Err(e) => return Err(e),
        };
        out.push((producer_id, outlet_id, outcome));
        progress(i + 1, total);
    }
    Ok(out)
}
