//! A statement's figures from exactly what it holds (its [`Inputs`]): the
//! stock rows per product × lot (opening from the previous statement, then
//! the held ledger entries), checked row by row against the identity and
//! receipt by receipt against the ledger; late arrivals; adjustments; and
//! the money. Given the same inputs and previous statement it gives the
//! same bytes, which is what makes a re-run byte-identical.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_core::money::{Dong, Quantity};
use ocop_core::refusal::Refusal;
use ocop_core::settlement::{
    Money, MoneyInput, Period, QtyRow, ROUNDING_RULE_EN, ROUNDING_RULE_VI, RowMoney, Terms,
    compute_money,
};
use ocop_core::stock::{ConsignmentTerms, LedgerKind, LossBearer};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::members::{Held, HeldLine, Inputs};
use crate::db::DbConn;
use crate::db::schema::{
    lots, product_prices, products, settlement_lines as sl, stock_document_lines as sdl,
    stock_documents as sd,
};
use crate::models::error::{ModelError, refuse};
use crate::models::settlement::Statement;
use crate::models::stock::agreement::Agreement;

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

pub fn ts(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

fn iso(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
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

/// The figures of a statement of the pair for `period` under `agreement`,
/// after `before` (the pair's previous statement), from exactly `inputs`.
/// `cutoff` is when it was computed (the payout prices of goods receipts
/// posted by then apply).
#[expect(clippy::too_many_arguments, reason = "one statement's whole context")]
pub fn figures(
    conn: &mut DbConn,
    producer_id: i32,
    outlet_id: i32,
    period: Period,
    agreement: &Agreement,
    before: Option<&Statement>,
    inputs: &Inputs,
    cutoff: NaiveDateTime,
) -> Result<Figures, ModelError> {
    let (start_utc, end_utc) = period.bounds();
    let (start, end) = (ts(start_utc), ts(end_utc));
    let (held_sales, held_refunds) = (&inputs.sales, &inputs.refunds);
    let (sold_lines, refunded_lines) = (&inputs.sold, &inputs.refunded);

    let mut rows: BTreeMap<(i32, i32), Acc> = BTreeMap::new();
    if let Some(prev) = before {
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
    for e in &inputs.entries {
        let (id, product_id, lot_id, qty) = (e.id, e.product_id, e.lot_id, e.qty_milli);
        let reference = e.reference.clone();
        let kind = &e.kind;
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
    let receipts = |lines: &[HeldLine], held: &[Held]| {
        let refs: BTreeMap<i32, &str> = held.iter().map(|h| (h.id, h.reference.as_str())).collect();
        let mut m: BTreeMap<(String, i32), i64> = BTreeMap::new();
        for l in lines {
            if let Some(r) = refs.get(&l.receipt) {
                *m.entry(((*r).to_owned(), l.product_id)).or_default() += l.qty_milli;
            }
        }
        m
    };
    for (label, from_receipts, from_ledger) in [
        ("sale", receipts(sold_lines, held_sales), &ledger_sold),
        (
            "refund",
            receipts(refunded_lines, held_refunds),
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
    let gross: i64 = sold_lines.iter().map(|l| l.amount).sum();
    let refunds_total: i64 = refunded_lines.iter().map(|l| l.amount).sum();
    // Late arrivals: held here, dated before the period.
    for (kind, held, amounts) in [
        ("late_sale", held_sales, sold_lines),
        ("late_refund", held_refunds, refunded_lines),
    ] {
        for h in held.iter().filter(|h| h.at < start) {
            let amount: i64 = amounts
                .iter()
                .filter(|l| l.receipt == h.id)
                .map(|l| l.amount)
                .sum();
            if !amounts.iter().any(|l| l.receipt == h.id) {
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
    // Adjustments held here.
    for a in &inputs.adjustments {
        lines.push(LineFigures {
            kind: "adjustment",
            product_id: None,
            lot_id: None,
            lot_code: String::new(),
            name: String::new(),
            qty: QtyRow::default(),
            retail_price: 0,
            payout_price: None,
            amount: a.amount,
            reference: a.reason.clone(),
            original_at: None,
            corrects_statement_id: Some(a.corrects),
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
        adjustments: Dong::new(inputs.adjustments.iter().map(|a| a.amount).sum()),
        carried_in: Dong::new(before.map_or(0, |s| s.carried_forward)),
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
