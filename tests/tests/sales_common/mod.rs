//! Helpers shared by the sales suites (`sales_*.rs`): a demo server with a
//! registered till, sales built and sealed with the core crate exactly as a
//! till does, and direct reads of the database to check the API against.
// Helpers panic on failure (that is a failed test), and not every suite
// uses every helper.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use diesel::prelude::*;
use ocop_core::money::{Dong, Quantity};
use ocop_core::sale::{CartLine, ChainHash, Payment, Sale, SaleBuilder, SaleHeader};
use ocop_e2e::TestApp;
use ocop_server::db::DbConn;
use ocop_server::db::schema::{products, stock_on_hand, users};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

/// Runs `f` on a pooled connection off the async runtime.
pub async fn db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut DbConn) -> T + Send + 'static,
) -> T {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        f(&mut conn)
    })
    .await
    .unwrap()
}

pub async fn outlet_id(app: &TestApp, code: &str) -> i32 {
    let code = code.to_owned();
    db(app, move |c| {
        ocop_server::models::outlet::list(c)
            .unwrap()
            .into_iter()
            .find(|o| o.code == code)
            .unwrap()
            .id
    })
    .await
}

/// A till registered at an outlet, and what its next receipt must carry.
pub struct Till {
    pub id: i32,
    pub outlet_id: i32,
    pub auth: String,
    pub cashier_id: i32,
    pub shift_id: Uuid,
    pub next_no: u32,
    pub last_hash: ChainHash,
}

/// A product to sell: (id, name, unit, group, price, vat rate).
pub use ocop_server::demo::generate::Item;

/// Demo server, manager1's outlet (LC-SR01), a till registered there.
pub async fn setup() -> (TestApp, Till) {
    let app = TestApp::spawn_demo().await;
    let till = register_till(&app, "manager1", "LC-SR01").await;
    (app, till)
}

pub async fn register_till(app: &TestApp, manager: &str, outlet_code: &str) -> Till {
    let outlet = outlet_id(app, outlet_code).await;
    let token = app.login(manager, "demo1234").await;
    let (status, body) = app
        .post(
            "/api/v1/tills",
            Some(&token),
            &json!({"outlet_id": outlet, "name": "Quầy 1"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let cashier_id = db(app, move |c| {
        users::table
            .filter(users::outlet_id.eq(outlet))
            .select(users::id)
            .order(users::id)
            .first::<i32>(c)
            .unwrap()
    })
    .await;
    let till = Till {
        id: i32::try_from(body["till"]["id"].as_i64().unwrap()).unwrap(),
        outlet_id: outlet,
        auth: body["authorization"].as_str().unwrap().to_owned(),
        cashier_id,
        shift_id: Uuid::new_v4(),
        next_no: 1,
        last_hash: ChainHash::GENESIS,
    };
    open_shift(app, &till).await;
    till
}

/// Opens the till's shift on the server, as a till does before its first
/// sale (a sale naming a shift the server does not know is flagged
/// `unknown_shift`).
pub async fn open_shift(app: &TestApp, till: &Till) {
    let opening = json!({
        "id": till.shift_id, "till_id": till.id, "outlet_id": till.outlet_id,
        "cashier_id": till.cashier_id,
        "opened_at": (Utc::now() - chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "opening_float": 0
    });
    let (status, body) = post_as(app, &till.auth, "/api/v1/shifts", &opening).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Products with stock at the outlet, by id.
pub async fn stocked_items(app: &TestApp, outlet: i32) -> Vec<Item> {
    db(app, move |c| {
        let ids: Vec<i32> = stock_on_hand::table
            .filter(stock_on_hand::outlet_id.eq(outlet))
            .filter(stock_on_hand::qty_milli.gt(5_000))
            .select(stock_on_hand::product_id)
            .distinct()
            .order(stock_on_hand::product_id)
            .load(c)
            .unwrap();
        ids.into_iter()
            .map(|id| {
                let p = ocop_server::models::product::find(c, id).unwrap();
                Item {
                    id,
                    name: p.name_vi,
                    unit: p.unit,
                    group: p.group_code,
                    price: p.price,
                    vat: p.vat_rate.parse().unwrap(),
                }
            })
            .collect()
    })
    .await
}

/// Stock on hand of a product at an outlet, in milli-units.
pub async fn on_hand(app: &TestApp, outlet: i32, product: i32) -> i64 {
    db(app, move |c| {
        stock_on_hand::table
            .filter(stock_on_hand::outlet_id.eq(outlet))
            .filter(stock_on_hand::product_id.eq(product))
            .select(stock_on_hand::qty_milli)
            .load::<i64>(c)
            .unwrap()
            .into_iter()
            .sum()
    })
    .await
}

pub async fn count(app: &TestApp, sql_table: &'static str) -> i64 {
    db(app, move |c| {
        numbers(c, &format!("SELECT COUNT(*) AS n FROM {sql_table}"))[0]
    })
    .await
}

/// The one number column `n` of every row `sql` selects.
pub fn numbers(c: &mut DbConn, sql: &str) -> Vec<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(sql)
        .load::<N>(c)
        .unwrap()
        .into_iter()
        .map(|r| r.n)
        .collect()
}

pub fn cart(item: &Item, qty_units: i64) -> CartLine {
    CartLine {
        product_id: item.id,
        lot_code: None,
        name: item.name.clone(),
        unit: item.unit.clone(),
        group: item.group.clone(),
        qty: Quantity::from_units(qty_units).unwrap(),
        unit_price: Dong::new(item.price),
        catalogue_price: Some(Dong::new(item.price)),
        discount: Dong::new(0),
        discount_reason: None,
        vat_rate: item.vat,
        serials: vec![],
    }
}

impl Till {
    /// The next sale of this till, paid in cash, sealed onto its chain.
    pub fn sale(&mut self, lines: Vec<CartLine>) -> Sale {
        let no = self.next_no;
        let sale = self.sale_numbered(no, self.last_hash, lines);
        self.next_no = no + 1;
        self.last_hash = sale.hash;
        sale
    }

    /// A sale with the number and link given (gaps, broken links).
    pub fn sale_numbered(&self, no: u32, prev: ChainHash, lines: Vec<CartLine>) -> Sale {
        let mut b = SaleBuilder::new(SaleHeader {
            id: Uuid::new_v4(),
            till_id: self.id,
            receipt_no: no.try_into().unwrap(),
            sold_at: Utc::now(),
            cashier_id: self.cashier_id,
            outlet_id: self.outlet_id,
            shift_id: self.shift_id,
        });
        for l in lines {
            b.add(l).unwrap();
        }
        let total = b.total().unwrap();
        let pay = Payment::cash(total, Dong::new(total.amount() + 1_000)).unwrap();
        b.finish(vec![pay], prev).unwrap()
    }

    /// The same till pretending to belong to another outlet.
    pub fn clone_for_outlet(&self, outlet_id: i32) -> Till {
        Till {
            id: self.id,
            outlet_id,
            auth: self.auth.clone(),
            cashier_id: self.cashier_id,
            shift_id: self.shift_id,
            next_no: self.next_no,
            last_hash: self.last_hash,
        }
    }

    /// Skips the chain ahead as a sale posted elsewhere would (refund tests).
    pub fn follow(&mut self, no: u32, hash: ChainHash) {
        self.next_no = no + 1;
        self.last_hash = hash;
    }
}

pub async fn post_sale(app: &TestApp, till: &Till, sale: &Value) -> (StatusCode, Value) {
    post_as(app, &till.auth, "/api/v1/sales", sale).await
}

pub async fn post_as(app: &TestApp, auth: &str, path: &str, body: &Value) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(path))
        .header("Authorization", auth)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body = res.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// Posts a refund with the till's credential.
pub async fn post_refund(
    app: &TestApp,
    till: &Till,
    r: &ocop_core::sale::Refund,
) -> (StatusCode, Value) {
    post_as(
        app,
        &till.auth,
        "/api/v1/refunds",
        &serde_json::to_value(r).unwrap(),
    )
    .await
}

pub async fn get_as(app: &TestApp, auth: &str, path: &str) -> (StatusCode, Value) {
    let res = app
        .client
        .get(app.url(path))
        .header("Authorization", auth)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body = res.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// Runs the server binary's `journal verify`; (exit success, stdout).
pub fn journal_verify(app: &TestApp, till: Option<i32>) -> (bool, String) {
    let mut cmd = std::process::Command::new(ocop_e2e::server_binary());
    cmd.args(["journal", "verify"]);
    if let Some(t) = till {
        cmd.args(["--till", &t.to_string()]);
    }
    let out = cmd
        .env("OCOP_DATABASE_URL", &app.test_db.url)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

pub fn to_json(sale: &Sale) -> Value {
    serde_json::to_value(sale).unwrap()
}

/// Unused-import guard for suites that only need the types.
pub fn product_price(c: &mut DbConn, id: i32) -> i64 {
    products::table
        .find(id)
        .select(products::price)
        .first(c)
        .unwrap()
}

impl Till {
    /// The next refund of this till: `qty_units` of each listed sale line,
    /// paid back in cash, built against the `earlier` refunds the till
    /// knows of.
    pub fn refund(
        &mut self,
        sale: &Sale,
        earlier: &[ocop_core::sale::Refund],
        lines: &[(u32, i64, ocop_core::sale::Restock)],
    ) -> ocop_core::sale::Refund {
        use ocop_core::sale::RefundPayment;
        use ocop_core::sale::refund::{
            RefundHeader, RefundRequest, build_refund, refund_lines, refund_totals,
        };
        let requests: Vec<RefundRequest> = lines
            .iter()
            .map(|(line_no, qty, restock)| RefundRequest {
                original_line_no: *line_no,
                qty: Quantity::from_units(*qty).unwrap(),
                restock: *restock,
            })
            .collect();
        let total = refund_totals(&refund_lines(sale, earlier, &requests).unwrap())
            .unwrap()
            .0;
        let no = self.next_no;
        let r = build_refund(
            RefundHeader {
                id: Uuid::new_v4(),
                till_id: self.id,
                receipt_no: no.try_into().unwrap(),
                refunded_at: Utc::now(),
                cashier_id: self.cashier_id,
                outlet_id: self.outlet_id,
                shift_id: self.shift_id,
                reason: "Khách đổi ý".into(),
            },
            sale,
            earlier,
            &requests,
            vec![RefundPayment::cash(total)],
            self.last_hash,
        )
        .unwrap();
        self.next_no = no + 1;
        self.last_hash = r.hash;
        r
    }
}

impl Till {
    /// The next sale, paid by a VietQR transfer still pending.
    pub fn sale_by_transfer(&mut self, lines: Vec<CartLine>) -> Sale {
        self.sale_dated(Utc::now(), lines, true)
    }

    /// The next sale, dated `sold_at` (an offline sale arriving late),
    /// paid in cash to the đồng, or by a transfer still pending.
    pub fn sale_dated(
        &mut self,
        sold_at: chrono::DateTime<Utc>,
        lines: Vec<CartLine>,
        pending_transfer: bool,
    ) -> Sale {
        let mut b = SaleBuilder::new(SaleHeader {
            id: Uuid::new_v4(),
            till_id: self.id,
            receipt_no: self.next_no.try_into().unwrap(),
            sold_at,
            cashier_id: self.cashier_id,
            outlet_id: self.outlet_id,
            shift_id: self.shift_id,
        });
        for l in lines {
            b.add(l).unwrap();
        }
        let total = b.total().unwrap();
        let pay = if pending_transfer {
            Payment::bank_transfer(total, ocop_core::sale::TransferStatus::Pending, None)
        } else {
            Payment::cash(total, total).unwrap()
        };
        let sale = b.finish(vec![pay], self.last_hash).unwrap();
        self.next_no += 1;
        self.last_hash = sale.hash;
        sale
    }
}
