//! One simulated till: enrolled through the real API, selling carts built
//! and sealed by `ocop_core` as the real till builds them, each record sent
//! until it is answered (same id on every retry).

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use chrono::Utc;
use indicatif::ProgressBar;
use ocop_core::money::{Dong, Quantity};
use ocop_core::sale::refund::{
    RefundHeader, RefundRequest, build_refund, refund_lines, refund_totals,
};
use ocop_core::sale::shift::ShiftOpening;
use ocop_core::sale::{
    CartLine, ChainHash, Payment, PaymentMethod, ReceiptNo, Refund, RefundPayment, Restock, Sale,
    SaleBuilder, SaleHeader, TransferStatus,
};
use ocop_core::wire::{BatchItem, LoginResponse, Me, RegisteredTill, TillCatalogue, TillProduct};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use reqwest::header::AUTHORIZATION;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// How often a record is sent before the till gives up on it (a real till
/// keeps it queued forever; a load run must end).
const ATTEMPTS: u32 = 30;

/// One server, as a till speaks to it.
#[derive(Debug, Clone)]
pub struct Api {
    base: String,
    client: reqwest::Client,
}

/// A logged-in manager.
#[derive(Debug, Clone)]
pub struct Session {
    token: String,
    me: Me,
}

/// How a record's sending ended.
#[derive(Debug)]
pub enum Answer {
    /// 200/201 with the body.
    Stored(Value),
    /// A 4xx other than 401/408/429: the server judged it and will not take it.
    Refused(u16, String),
}

impl Api {
    pub fn connect(base: &str, timeout: Duration) -> anyhow::Result<Api> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()?;
        Ok(Api {
            base: base.trim_end_matches('/').to_owned(),
            client,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login(&self, user: &str, password: &str) -> anyhow::Result<Session> {
        let res = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": user, "password": password}))
            .send()
            .await?;
        let status = res.status();
        let body = res.text().await?;
        if !status.is_success() {
            bail!("login refused: {status} {body}");
        }
        let login: LoginResponse = serde_json::from_str(&body).context("the login answer")?;
        Ok(Session {
            token: login.token,
            me: login.user,
        })
    }

    /// `GET path` with an `Authorization` header: the status and the body.
    pub async fn get(&self, auth: &str, path: &str) -> anyhow::Result<(u16, String)> {
        let res = self
            .client
            .get(self.url(path))
            .header(AUTHORIZATION, auth)
            .send()
            .await?;
        let status = res.status().as_u16();
        Ok((status, res.text().await?))
    }

    /// Posts `body` to `path` until the server answers it: a network error,
    /// a timeout, 5xx, 401, 408 or 429 is sent again (the same record, the
    /// same id) after a short back-off. `retries` counts the resends.
    pub async fn post_until_answered(
        &self,
        auth: &str,
        path: &str,
        body: &impl Serialize,
        retries: &mut u64,
    ) -> anyhow::Result<Answer> {
        let body = serde_json::to_vec(body)?;
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                *retries = retries.saturating_add(1);
                let wait = 50u64.saturating_mul(1u64 << attempt.min(5));
                tokio::time::sleep(Duration::from_millis(wait)).await;
            }
            let sent = self
                .client
                .post(self.url(path))
                .header(AUTHORIZATION, auth)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            let res = match sent {
                Ok(r) => r,
                Err(e) => {
                    last = e.to_string();
                    continue;
                }
            };
            let status = res.status().as_u16();
            let text = match res.text().await {
                Ok(t) => t,
                Err(e) => {
                    last = e.to_string();
                    continue;
                }
            };
            if (200..300).contains(&status) {
                let value = serde_json::from_str(&text).unwrap_or(Value::Null);
                return Ok(Answer::Stored(value));
            }
            if status >= 500 || matches!(status, 401 | 408 | 429) {
                last = format!("HTTP {status}: {text}");
                continue;
            }
            return Ok(Answer::Refused(status, text));
        }
        bail!("POST {path}: no answer after {ATTEMPTS} attempts: {last}")
    }
}

/// The share of each kind of record, per mille.
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    pub refunds_per_mille: u32,
    pub transfers_per_mille: u32,
    pub cards_per_mille: u32,
}

/// How long the run lasts and how fast it offers sales.
#[derive(Debug, Clone)]
pub struct Plan {
    count: Option<u64>,
    duration: Option<Duration>,
    tills: u32,
    rate: Option<f64>,
    batch: u32,
}

/// One till's share of the [`Plan`].
#[derive(Debug, Clone)]
pub struct TillPlan {
    sales: Option<u64>,
    until: Option<Instant>,
    /// Between two planned sales of this till (paced runs).
    interval: Option<Duration>,
    batch: u32,
}

impl Plan {
    pub fn new(
        count: Option<u64>,
        seconds: Option<u64>,
        tills: u32,
        rate: Option<f64>,
        batch: u32,
    ) -> Plan {
        Plan {
            count,
            duration: seconds.map(Duration::from_secs),
            tills,
            rate: rate.filter(|r| r.is_finite() && *r > 0.0),
            batch,
        }
    }

    pub fn total_sales(&self) -> Option<u64> {
        self.count
    }

    pub fn seconds(&self) -> Option<u64> {
        self.duration.map(|d| d.as_secs())
    }

    pub fn describe(&self) -> String {
        let length = match (self.count, self.duration) {
            (Some(n), _) => format!("{n} sales"),
            (None, Some(d)) => format!("{} s", d.as_secs()),
            (None, None) => "no end".to_owned(),
        };
        match self.rate {
            Some(r) => format!("{length} offered at {r} sales/s"),
            None => format!("{length}, each till as fast as it is answered"),
        }
    }

    /// Till `n`'s share: the count split evenly (the first tills take the
    /// remainder), the same deadline, the rate split evenly.
    pub fn for_till(&self, n: usize) -> TillPlan {
        let tills = u64::from(self.tills.max(1));
        let n = u64::try_from(n).unwrap_or(0);
        let sales = self.count.map(|c| c / tills + u64::from(n < c % tills));
        TillPlan {
            sales,
            until: self.duration.map(|d| Instant::now() + d),
            interval: self
                .rate
                .map(|r| Duration::from_secs_f64(f64::from(self.tills.max(1)) / r)),
            batch: self.batch.max(1),
        }
    }
}

/// A till ready to sell.
#[derive(Debug)]
pub struct TillRun {
    api: Api,
    auth: String,
    till_id: i32,
    outlet_id: i32,
    cashier_id: i32,
    shift_id: Uuid,
    products: Vec<TillProduct>,
    rng: StdRng,
    next_no: u32,
    prev: ChainHash,
}

/// What a till did, for the figures and the final check.
#[derive(Debug)]
pub struct Done {
    pub api: Api,
    pub auth: String,
    pub till_id: i32,
    /// Acknowledged sales, in receipt order, as sent.
    pub sales: Vec<Sale>,
    /// Acknowledged refunds, as sent.
    pub refunds: Vec<Refund>,
    pub confirmations: u64,
    /// One per request (a batch is one request).
    pub latencies: Vec<Duration>,
    pub refused: Vec<String>,
    pub retries: u64,
    /// The last receipt number this till used.
    pub last_receipt: u32,
}

impl Done {
    pub fn summary(&self) -> Value {
        serde_json::json!({
            "till_id": self.till_id,
            "server": self.api.base(),
            "sales": self.sales.len(),
            "sales_total": self.sales.iter().map(|s| s.total.amount()).sum::<i64>(),
            "refunds": self.refunds.len(),
            "confirmations": self.confirmations,
            "refused": self.refused,
            "retries": self.retries,
            "last_receipt": self.last_receipt,
        })
    }
}

impl TillRun {
    /// Registers a till at the manager's outlet, reads the outlet's
    /// catalogue with the till's own credential and opens a shift.
    pub async fn enrol(api: Api, session: &Session, n: u32, seed: u64) -> anyhow::Result<TillRun> {
        let outlet_id = session
            .me
            .outlet_id
            .context("the user has no outlet: log in as an outlet's manager")?;
        let res = api
            .client
            .post(api.url("/api/v1/tills"))
            .header(AUTHORIZATION, format!("Bearer {}", session.token))
            .json(&serde_json::json!({
                "outlet_id": outlet_id,
                "name": format!("ocop-load {n} ({})", Uuid::new_v4().simple()),
            }))
            .send()
            .await?;
        let status = res.status();
        let body = res.text().await?;
        if !status.is_success() {
            bail!("till registration refused: {status} {body}");
        }
        let till: RegisteredTill = serde_json::from_str(&body).context("the till answer")?;
        let auth = till.authorization.clone();
        let (status, body) = api
            .get(&auth, &format!("/api/v1/outlets/{outlet_id}/catalogue"))
            .await?;
        if status != 200 {
            bail!("catalogue: HTTP {status}: {body}");
        }
        let catalogue: TillCatalogue = serde_json::from_str(&body).context("the catalogue")?;
        let products: Vec<TillProduct> = catalogue
            .products
            .into_iter()
            .filter(|p| p.price.amount() > 0)
            .collect();
        if products.is_empty() {
            bail!("the outlet's catalogue holds nothing to sell");
        }
        let shift_id = Uuid::new_v4();
        let opening = ShiftOpening {
            id: shift_id,
            till_id: till.till.id,
            outlet_id,
            cashier_id: session.me.id,
            opened_at: Utc::now(),
            opening_float: Dong::new(1_000_000),
        };
        let mut retries = 0;
        if let Answer::Refused(status, body) = api
            .post_until_answered(&auth, "/api/v1/shifts", &opening, &mut retries)
            .await?
        {
            bail!("opening a shift: HTTP {status}: {body}");
        }
        Ok(TillRun {
            api,
            auth,
            till_id: till.till.id,
            outlet_id,
            cashier_id: session.me.id,
            shift_id,
            products,
            rng: StdRng::seed_from_u64(seed ^ u64::from(n).rotate_left(32)),
            next_no: 1,
            prev: ChainHash::GENESIS,
        })
    }

    fn receipt_no(&mut self) -> anyhow::Result<ReceiptNo> {
        let no = ReceiptNo::try_from(self.next_no).map_err(|_| anyhow::anyhow!("receipt 0"))?;
        self.next_no = self.next_no.saturating_add(1);
        Ok(no)
    }

    /// A cart of 1–8 lines of distinct products, 1–3 units each, paid in
    /// cash (rounded up to 50.000 ₫ tendered), by card or by VietQR
    /// transfer (pending until confirmed), sealed after the till's last
    /// record.
    fn cart(&mut self, mix: Mix) -> anyhow::Result<Sale> {
        let lines = self.rng.random_range(1..=8usize).min(self.products.len());
        let picked = rand::seq::index::sample(&mut self.rng, self.products.len(), lines);
        let mut b = SaleBuilder::new(SaleHeader {
            id: Uuid::new_v4(),
            till_id: self.till_id,
            receipt_no: self.receipt_no()?,
            sold_at: Utc::now(),
            cashier_id: self.cashier_id,
            outlet_id: self.outlet_id,
            shift_id: self.shift_id,
        });
        for i in picked {
            let Some(p) = self.products.get(i) else {
                continue;
            };
            let units: i64 = self.rng.random_range(1..=3);
            b.add(CartLine {
                product_id: p.id,
                lot_code: None,
                name: p.name.clone(),
                unit: p.unit.clone(),
                group: p.group.clone(),
                qty: Quantity::from_milli(units.saturating_mul(1000)),
                unit_price: p.price,
                catalogue_price: Some(p.price),
                discount: Dong::ZERO,
                discount_reason: None,
                vat_rate: p.vat,
                serials: vec![],
            })?;
        }
        let total = b.total()?;
        let pick = self.rng.random_range(0..1000u32);
        let payment = if pick < mix.transfers_per_mille {
            Payment::bank_transfer(total, TransferStatus::Pending, None)
        } else if pick < mix.transfers_per_mille.saturating_add(mix.cards_per_mille) {
            Payment::card(total, format!("LOAD-{}-{}", self.till_id, self.next_no))
        } else {
            let step = 50_000i64;
            let tendered = total.amount().saturating_add(step - 1) / step * step;
            Payment::cash(total, Dong::new(tendered))?
        };
        let sale = b.finish(vec![payment], self.prev)?;
        self.prev = sale.hash;
        Ok(sale)
    }

    /// A refund of one unit of the first line of `sale`, paid back the way
    /// it was paid, sealed after the till's last record.
    fn refund(&mut self, sale: &Sale) -> anyhow::Result<Refund> {
        let requests = [RefundRequest {
            original_line_no: 1,
            qty: Quantity::from_milli(1000),
            restock: Restock::Shelf,
        }];
        let lines = refund_lines(sale, &[], &requests)?;
        let (total, _) = refund_totals(&lines)?;
        let payment = match sale.payments.first().map(|p| &p.method) {
            Some(PaymentMethod::Card { .. }) => {
                RefundPayment::card(total, format!("LOAD-R-{}-{}", self.till_id, self.next_no))
            }
            _ => RefundPayment::cash(total),
        };
        let header = RefundHeader {
            id: Uuid::new_v4(),
            till_id: self.till_id,
            receipt_no: self.receipt_no()?,
            refunded_at: Utc::now(),
            cashier_id: self.cashier_id,
            outlet_id: self.outlet_id,
            shift_id: self.shift_id,
            reason: "Khách trả hàng (ocop-load)".to_owned(),
        };
        let refund = build_refund(header, sale, &[], &requests, vec![payment], self.prev)?;
        self.prev = refund.hash;
        Ok(refund)
    }

    /// Sells until the plan's count or deadline; never fails for one
    /// record's refusal (it is counted), only when a record gets no answer
    /// at all.
    pub async fn sell(
        mut self,
        plan: TillPlan,
        mix: Mix,
        bar: &ProgressBar,
    ) -> anyhow::Result<Done> {
        let mut done = Done {
            api: self.api.clone(),
            auth: self.auth.clone(),
            till_id: self.till_id,
            sales: Vec::new(),
            refunds: Vec::new(),
            confirmations: 0,
            latencies: Vec::new(),
            refused: Vec::new(),
            retries: 0,
            last_receipt: 0,
        };
        let mut sent: u64 = 0;
        let mut planned = Instant::now();
        let mut refundable: Vec<usize> = Vec::new();
        loop {
            let left = match plan.sales {
                Some(n) => n.saturating_sub(sent),
                None => u64::MAX,
            };
            if left == 0 || plan.until.is_some_and(|u| Instant::now() >= u) {
                break;
            }
            let k = left.min(u64::from(plan.batch));
            let mut carts = Vec::new();
            for _ in 0..k {
                carts.push(self.cart(mix)?);
            }
            // Paced: this request was due at `planned`; its latency counts
            // from then, so time spent queued behind a slow answer shows.
            let start = match plan.interval {
                Some(i) => {
                    tokio::time::sleep_until(planned.into()).await;
                    let due = planned;
                    planned += i.saturating_mul(u32::try_from(k).unwrap_or(1));
                    due
                }
                None => Instant::now(),
            };
            let answers = self.send_sales(&carts, &mut done).await?;
            done.latencies.push(start.elapsed());
            sent = sent.saturating_add(k);
            bar.inc(k);
            for (sale, answer) in carts.into_iter().zip(answers) {
                match answer {
                    Ok(()) => {
                        if matches!(
                            sale.payments.first().map(|p| &p.method),
                            Some(PaymentMethod::Cash { .. } | PaymentMethod::Card { .. })
                        ) {
                            refundable.push(done.sales.len());
                        }
                        let confirm = matches!(
                            sale.payments.first().map(|p| &p.method),
                            Some(PaymentMethod::BankTransfer { .. })
                        ) && self.rng.random_bool(0.5);
                        if confirm {
                            self.confirm(&sale, &mut done).await?;
                        }
                        done.sales.push(sale);
                    }
                    Err(why) => done.refused.push(why),
                }
            }
            for _ in 0..k {
                if self.rng.random_range(0..1000u32) >= mix.refunds_per_mille {
                    continue;
                }
                // Each sale refunded at most once; any earlier one of this till.
                if refundable.is_empty() {
                    break;
                }
                let at = self.rng.random_range(0..refundable.len());
                let index = refundable.swap_remove(at);
                let Some(sale) = done.sales.get(index).cloned() else {
                    continue;
                };
                let refund = self.refund(&sale)?;
                match self
                    .api
                    .post_until_answered(&self.auth, "/api/v1/refunds", &refund, &mut done.retries)
                    .await?
                {
                    Answer::Stored(_) => done.refunds.push(refund),
                    Answer::Refused(status, body) => done.refused.push(format!(
                        "refund {}: HTTP {status}: {body}",
                        refund.receipt_ref()
                    )),
                }
            }
        }
        done.last_receipt = self.next_no.saturating_sub(1);
        Ok(done)
    }

    /// Sends sales one by one (`POST /sales`) or as one batch; one answer
    /// each: stored, or why not.
    async fn send_sales(
        &self,
        carts: &[Sale],
        done: &mut Done,
    ) -> anyhow::Result<Vec<Result<(), String>>> {
        if let [one] = carts {
            let answer = self
                .api
                .post_until_answered(&self.auth, "/api/v1/sales", one, &mut done.retries)
                .await?;
            return Ok(vec![match answer {
                Answer::Stored(_) => Ok(()),
                Answer::Refused(status, body) => {
                    Err(format!("sale {}: HTTP {status}: {body}", one.receipt_ref()))
                }
            }]);
        }
        let answer = self
            .api
            .post_until_answered(&self.auth, "/api/v1/sales/batch", &carts, &mut done.retries)
            .await?;
        let items: Vec<BatchItem> = match answer {
            Answer::Stored(body) => serde_json::from_value(body).context("the batch answer")?,
            Answer::Refused(status, body) => {
                return Ok(carts
                    .iter()
                    .map(|_| Err(format!("batch: HTTP {status}: {body}")))
                    .collect());
            }
        };
        Ok(carts
            .iter()
            .enumerate()
            .map(|(i, sale)| match items.iter().find(|a| a.index == i) {
                Some(a) if a.status == 200 || a.status == 201 => Ok(()),
                Some(a) => Err(format!(
                    "sale {}: HTTP {}: {}",
                    sale.receipt_ref(),
                    a.status,
                    a.body
                )),
                None => Err(format!(
                    "sale {}: no answer in the batch",
                    sale.receipt_ref()
                )),
            })
            .collect())
    }

    /// The cashier saw the transfer arrive: `POST /sales/{id}/transfer-confirmations`.
    async fn confirm(&self, sale: &Sale, done: &mut Done) -> anyhow::Result<()> {
        let body = serde_json::json!({"cashier_id": self.cashier_id});
        let path = format!("/api/v1/sales/{}/transfer-confirmations", sale.id);
        match self
            .api
            .post_until_answered(&self.auth, &path, &body, &mut done.retries)
            .await?
        {
            Answer::Stored(_) => done.confirmations = done.confirmations.saturating_add(1),
            Answer::Refused(status, body) => done.refused.push(format!(
                "confirmation of {}: HTTP {status}: {body}",
                sale.receipt_ref()
            )),
        }
        Ok(())
    }
}
