//! The end of a run: the servers hold exactly what was acknowledged.
//!
//! Per till, on the server it spoke to: every acknowledged sale is there
//! (`GET /sales/{id}`), the same document as sent (so the same total,
//! receipt number and hash); its refunds (`GET /sales/{id}/refunds`) are
//! exactly those acknowledged for it; and no sale holds the receipt number
//! after the till's last one (`GET /sales/by-receipt/T…-n+1` is 404), so
//! nothing was stored that the till did not send. A sale stored twice
//! cannot hide: its id and its (till, receipt) are unique keys, and each
//! would answer for one record only.

use std::collections::BTreeMap;

use ocop_core::sale::{Refund, Sale};
use ocop_core::wire::Ingested;
use serde_json::Value;
use uuid::Uuid;

use crate::till::{Api, Done};

/// How many reads a till's check keeps in flight.
const IN_FLIGHT: usize = 16;

#[derive(Debug, Default)]
pub struct Verdict {
    pub sales_checked: u64,
    pub refunds_checked: u64,
    pub problems: Vec<String>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn print(&self) {
        if self.passed() {
            println!(
                "check passed: {} acknowledged sales present once and identical, {} refunds, nothing extra",
                self.sales_checked, self.refunds_checked
            );
        } else {
            println!("CHECK FAILED: {} problem(s)", self.problems.len());
            for p in self.problems.iter().take(20) {
                println!("  {p}");
            }
        }
    }

    pub fn json(&self) -> Value {
        serde_json::json!({
            "passed": self.passed(),
            "sales_checked": self.sales_checked,
            "refunds_checked": self.refunds_checked,
            "problems": self.problems,
        })
    }
}

/// Checks every till's acknowledged records against its server.
pub async fn all(done: &[Done]) -> Verdict {
    let mut verdict = Verdict::default();
    for till in done {
        for why in &till.refused {
            verdict
                .problems
                .push(format!("till {}: refused: {why}", till.till_id));
        }
        check_till(till, &mut verdict).await;
    }
    verdict
}

async fn check_till(till: &Done, verdict: &mut Verdict) {
    let mut refunds_of: BTreeMap<Uuid, Vec<&Refund>> = BTreeMap::new();
    for r in &till.refunds {
        refunds_of.entry(r.original_sale_id).or_default().push(r);
    }
    for chunk in till.sales.chunks(IN_FLIGHT) {
        let mut reads = tokio::task::JoinSet::new();
        for sale in chunk {
            let expected: Vec<Refund> = refunds_of
                .get(&sale.id)
                .map(|v| v.iter().map(|r| (*r).clone()).collect())
                .unwrap_or_default();
            let (api, auth, sale) = (till.api.clone(), till.auth.clone(), sale.clone());
            reads.spawn(async move { check_sale(&api, &auth, &sale, &expected).await });
        }
        while let Some(result) = reads.join_next().await {
            match result {
                Ok(Ok(refunds)) => {
                    verdict.sales_checked = verdict.sales_checked.saturating_add(1);
                    verdict.refunds_checked = verdict.refunds_checked.saturating_add(refunds);
                }
                Ok(Err(why)) => verdict
                    .problems
                    .push(format!("till {}: {why}", till.till_id)),
                Err(e) => verdict.problems.push(format!("till {}: {e}", till.till_id)),
            }
        }
    }
    let next = till.last_receipt.saturating_add(1);
    match till
        .api
        .get(
            &till.auth,
            &format!("/api/v1/sales/by-receipt/T{}-{next}", till.till_id),
        )
        .await
    {
        Ok((404, _)) => {}
        Ok((status, body)) => verdict.problems.push(format!(
            "till {}: receipt {next}, never sent, answers HTTP {status}: {body}",
            till.till_id
        )),
        Err(e) => verdict.problems.push(format!(
            "till {}: reading receipt {next}: {e}",
            till.till_id
        )),
    }
}

/// One acknowledged sale: present, identical, with exactly `expected` refunds.
async fn check_sale(
    api: &Api,
    auth: &str,
    sale: &Sale,
    expected: &[Refund],
) -> Result<u64, String> {
    let r = sale.receipt_ref();
    let (status, body) = api
        .get(auth, &format!("/api/v1/sales/{}", sale.id))
        .await
        .map_err(|e| format!("sale {r}: {e}"))?;
    if status != 200 {
        return Err(format!(
            "acknowledged sale {r} answers HTTP {status}: {body}"
        ));
    }
    let stored: Ingested =
        serde_json::from_str(&body).map_err(|e| format!("sale {r}: unreadable answer: {e}"))?;
    if stored.sale != *sale {
        return Err(format!(
            "sale {r} stored differs from what was sent (total {} stored, {} sent)",
            stored.sale.total.amount(),
            sale.total.amount()
        ));
    }
    let (status, body) = api
        .get(auth, &format!("/api/v1/sales/{}/refunds", sale.id))
        .await
        .map_err(|e| format!("refunds of {r}: {e}"))?;
    if status != 200 {
        return Err(format!("refunds of {r}: HTTP {status}: {body}"));
    }
    let held: Vec<Refund> =
        serde_json::from_str(&body).map_err(|e| format!("refunds of {r}: unreadable: {e}"))?;
    if held != expected {
        return Err(format!(
            "sale {r}: the server holds {} refund(s), {} were acknowledged (or they differ)",
            held.len(),
            expected.len()
        ));
    }
    Ok(u64::try_from(held.len()).unwrap_or(u64::MAX))
}
