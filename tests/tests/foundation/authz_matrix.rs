//! Issue 16, the authorization matrix: every API operation and every web
//! page × every kind of caller (admin, manager, cashier, producer,
//! inspector, a till's credential, nobody) × own or another outlet or
//! producer, each answer written in ONE table below ([`MATRIX`]).
//!
//! The routes are enumerated from what the server really serves: the API's
//! from its OpenAPI document (`GET /api/openapi.json`, which
//! utoipa-actix-web builds from the registered handlers), the pages' from
//! `web::configure` and the handlers' route attributes in `server/src/web`.
//! A route without a row fails the test, and so does a row for a route that
//! no longer exists: adding an endpoint means writing down who may call it.
//!
//! A cell is the status expected, `own/other` where the path names an
//! outlet's or producer's records (own = manager1's and cashier1's outlet,
//! the till's outlet, producer1's producer; other = another one). `200o`
//! is "200, and every row that names an outlet (for outlet staff and the
//! till) or a producer (for a producer) is its own". Bodies are empty or
//! `{}` (the web forms: only this session's anti-forgery token), so a
//! caller who may act gets 400/422 and nothing is written; one who may not
//! gets 401/403/404, or the login page (303).
//!
//! `OCOP_AUTHZ_RECORD=1 cargo test -p ocop-e2e --test foundation
//! authz_matrix -- --nocapture` prints the table as the server answers it
//! today, to review before pasting.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use diesel::prelude::*;
use ocop_e2e::TestApp;
use ocop_server::db::schema::{products, stock_documents};
use reqwest::header::{AUTHORIZATION, COOKIE};
use serde_json::{Value, json};

use crate::sales_common::{self, cart, db, outlet_id, post_sale, register_till, stocked_items};
use crate::web_common::{csrf, no_redirects, web_login};

/// The callers, in the order of a row's cells.
const CALLERS: [&str; 7] = [
    "admin",
    "manager1",
    "cashier1",
    "producer1",
    "inspector",
    "till",
    "anon",
];

/// `kind method route | concrete path (`-`: the route itself) | seven cells`.
/// Fixtures in paths: `{outlet}` `{producer}` `{product}` `{doc}` `{sale}`
/// `{till}` `{receipt}` `{shift}` (own or other, per request); statements,
/// cases and label batches by number (none in the demo: 404 to whoever may
/// look, 401/403 to whoever may not).
const MATRIX: &str = r#"
# kind method route | path | admin manager1 cashier1 producer1 inspector till anon
api GET /01/{gtin}                                 | /01/08936000000019                          | 400 400 400 400 400 400 400
api GET /01/{gtin}/10/{lot}                        | /01/08936000000019/10/L1                    | 400 400 400 400 400 400 400
api GET /01/{gtin}/10/{lot}/21/{serial}            | /01/08936000000019/10/L1/21/S1              | 400 400 400 400 400 400 400
api GET /01/{gtin}/21/{serial}                     | /01/08936000000019/21/S1                    | 400 400 400 400 400 400 400
api POST /api/v1/auth/login                        | -                                           | 400 400 400 400 400 400 400
api POST /api/v1/auth/logout                       | -                                           | 204 204 204 204 204 401 401
api GET /api/v1/auth/me                            | -                                           | 200 200o 200o 200o 200 401 401
api POST /api/v1/bank/notifications                | -                                           | 503 503 503 503 503 503 503
api GET /api/v1/cases                              | -                                           | 200 403 403 403 200 401 401
api POST /api/v1/cases                             | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/cases.csv                          | -                                           | 200 403 403 403 200 401 401
api GET /api/v1/cases.xlsx                         | -                                           | 200 403 403 403 200 401 401
api GET /api/v1/cases/{id}                         | /api/v1/cases/1                             | 404 403 403 403 404 401 401
api POST /api/v1/cases/{id}/confirm                | /api/v1/cases/1/confirm                     | 400 400 400 400 400 401 401
api POST /api/v1/cases/{id}/steps                  | /api/v1/cases/1/steps                       | 404 403 403 403 404 401 401
api GET /api/v1/consignment-agreements             | -                                           | 200 200o 200o 200o 200 401 401
api POST /api/v1/consignment-agreements            | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/export/{kind}                      | /api/v1/export/products                     | 200 403 403 403 200 401 401
api POST /api/v1/import/{kind}                     | /api/v1/import/products                     | 422 403 403 403 403 401 401
api POST /api/v1/labels                            | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/labels/batches/{id}                | /api/v1/labels/batches/1                    | 404 404 404 403 404 401 401
api GET /api/v1/labels/batches/{id}/labels.escpos  | /api/v1/labels/batches/1/labels.escpos      | 404 404 404 403 404 401 401
api GET /api/v1/labels/batches/{id}/sheet.pdf      | /api/v1/labels/batches/1/sheet.pdf          | 404 404 404 403 404 401 401
api GET /api/v1/outlets                            | -                                           | 200 200 200 200 200 401 401
api POST /api/v1/outlets                           | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/outlets/{id}                       | /api/v1/outlets/{outlet}                    | 200 200 200 200 200 401 401
api PUT /api/v1/outlets/{id}                       | /api/v1/outlets/{outlet}                    | 400 400 400 400 400 401 401
api GET /api/v1/outlets/{id}/catalogue             | /api/v1/outlets/{outlet}/catalogue          | 200 200/404 200/404 404 200 200/404 401
api POST /api/v1/outlets/{id}/daily-closings       | /api/v1/outlets/{outlet}/daily-closings     | 400 400 400 400 400 401 401
api GET /api/v1/outlets/{id}/einvoices             | /api/v1/outlets/{outlet}/einvoices          | 400 400 400 400 400 401 401
api GET /api/v1/outlets/{id}/pending-transfers     | /api/v1/outlets/{outlet}/pending-transfers  | 200 200/404 200/404 404 200 200/404 401
api GET /api/v1/producers                          | -                                           | 200 200 200 200 200 401 401
api POST /api/v1/producers                         | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/producers/{id}                     | /api/v1/producers/{producer}                | 200 200 200 200/404 200 401 401
api PUT /api/v1/producers/{id}                     | /api/v1/producers/{producer}                | 400 400 400 400 400 401 401
api GET /api/v1/products                           | /api/v1/products?producer_id={producer}     | 200 200 200 200o/200 200 401 401
api POST /api/v1/products                          | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/products/{id}                      | /api/v1/products/{product}                  | 200 200 200 200o/404 200 401 401
api PUT /api/v1/products/{id}                      | /api/v1/products/{product}                  | 400 400 400 400 400 401 401
api GET /api/v1/products/{id}/prices               | /api/v1/products/{product}/prices           | 200 200 200 200/404 200 401 401
api GET /api/v1/public/products                    | -                                           | 200 200 200 200 200 200 200
api GET /api/v1/reference                          | -                                           | 200 200 200 200 200 200 200
api POST /api/v1/refunds                           | -                                           | 401 401 401 401 401 400 401
api POST /api/v1/reports                           | -                                           | 422 422 422 422 422 429 429
api POST /api/v1/sales                             | -                                           | 401 401 401 401 401 400 401
api POST /api/v1/sales/batch                       | -                                           | 401 401 401 401 401 400 401
api GET /api/v1/sales/by-receipt/{receipt_ref}     | /api/v1/sales/by-receipt/{receipt}          | 200 200o/404 200o/404 404 200 200o/404 401
api GET /api/v1/sales/{id}                         | /api/v1/sales/{sale}                        | 200 200o/404 200o/404 404 200 200o/404 401
api GET /api/v1/sales/{id}/einvoice                | /api/v1/sales/{sale}/einvoice               | 200 200/404 200/404 404 200 401 401
api GET /api/v1/sales/{id}/refunds                 | /api/v1/sales/{sale}/refunds                | 200 200/404 200/404 404 200 200/404 401
api POST /api/v1/sales/{id}/transfer-confirmations | /api/v1/sales/{sale}/transfer-confirmations | 403 422/404 422/404 403 403 400 401
api GET /api/v1/sales/{id}/vietqr                  | /api/v1/sales/{sale}/vietqr                 | 422 422/404 422/404 404 422 422/404 401
api GET /api/v1/scan                               | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/settlement-payouts                 | -                                           | 400 200 403 403 400 401 401
api GET /api/v1/settlement-payouts.csv             | -                                           | 400 200 403 403 400 401 401
api GET /api/v1/settlements                        | -                                           | 200 200 403 200 200 401 401
api GET /api/v1/settlements/balances               | -                                           | 200 200 403 200 200 401 401
api POST /api/v1/settlements/run                   | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/settlements/{id}                   | /api/v1/settlements/1                       | 404 404 404 404 404 401 401
api POST /api/v1/settlements/{id}/adjustments      | /api/v1/settlements/1/adjustments           | 400 400 400 400 400 401 401
api POST /api/v1/settlements/{id}/approve          | /api/v1/settlements/1/approve               | 404 404 404 404 404 401 401
api POST /api/v1/settlements/{id}/confirm          | /api/v1/settlements/1/confirm               | 404 404 404 404 404 401 401
api POST /api/v1/settlements/{id}/dispute          | /api/v1/settlements/1/dispute               | 400 400 400 400 400 401 401
api POST /api/v1/settlements/{id}/pay              | /api/v1/settlements/1/pay                   | 400 400 400 400 400 401 401
api GET /api/v1/settlements/{id}/verify            | /api/v1/settlements/1/verify                | 404 404 404 404 404 401 401
api GET /api/v1/settlements/{id}/vietqr.png        | /api/v1/settlements/1/vietqr.png            | 404 404 404 404 404 401 401
api POST /api/v1/shifts                            | -                                           | 401 401 401 401 401 400 401
api POST /api/v1/shifts/{id}/acknowledge           | /api/v1/shifts/{shift}/acknowledge          | 400 400 400 400 400 401 401
api POST /api/v1/shifts/{id}/cash-movements        | /api/v1/shifts/{shift}/cash-movements       | 401 401 401 401 401 400 401
api POST /api/v1/shifts/{id}/close                 | /api/v1/shifts/{shift}/close                | 401 401 401 401 401 400 401
api GET /api/v1/shifts/{id}/report                 | /api/v1/shifts/{shift}/report               | 200 200o/404 200o/404 404 200 401 401
api GET /api/v1/signals                            | -                                           | 200 403 403 403 200 401 401
api GET /api/v1/stock-documents                    | /api/v1/stock-documents?outlet_id={outlet}  | 200 200o/200 200o/200 200o 200 401 401
api POST /api/v1/stock-documents                   | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/stock-documents/{id}               | /api/v1/stock-documents/{doc}               | 200 200o/404 200o/404 200o/404 200 401 401
api PUT /api/v1/stock-documents/{id}               | /api/v1/stock-documents/{doc}               | 400 400 400 400 400 401 401
api POST /api/v1/stock-documents/{id}/post         | /api/v1/stock-documents/{doc}/post          | 409 409/404 403/404 403/404 403 401 401
api GET /api/v1/stock-documents/{id}/print         | /api/v1/stock-documents/{doc}/print         | 200 200/404 200/404 200/404 200 401 401
api POST /api/v1/stock-documents/{id}/receive      | /api/v1/stock-documents/{doc}/receive       | 422 404 403/404 403/404 403 401 401
api GET /api/v1/stock-documents/{id}/slip.bin      | /api/v1/stock-documents/{doc}/slip.bin      | 200 200/404 200/404 200/404 200 401 401
api GET /api/v1/stock-documents/{id}/slip.png      | /api/v1/stock-documents/{doc}/slip.png      | 200 200/404 200/404 200/404 200 401 401
api GET /api/v1/stock/alerts                       | /api/v1/stock/alerts?outlet_id={outlet}     | 200 200o/200 200o/200 200 200 401 401
api GET /api/v1/stock/in-transit                   | /api/v1/stock/in-transit?outlet_id={outlet} | 200 200 200 200 200 401 401
api GET /api/v1/stock/movements                    | /api/v1/stock/movements?outlet_id={outlet}  | 400 400 400 400 400 401 401
api GET /api/v1/stock/on-hand                      | /api/v1/stock/on-hand?outlet_id={outlet}    | 200 200o/200 200o/200 200 200 401 401
api PUT /api/v1/stock/thresholds                   | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/stock/verify                       | -                                           | 200 403 403 403 200 401 401
api POST /api/v1/tills                             | -                                           | 400 400 400 400 400 401 401
api GET /api/v1/users                              | -                                           | 200 403 403 403 403 401 401
api POST /api/v1/users                             | -                                           | 400 400 400 400 400 401 401
api GET /healthz                                   | -                                           | 200 200 200 200 200 200 200
api GET /l/{serial}                                | /l/S1                                       | 400 400 400 400 400 400 400
web GET /                                          | -                                           | 200 200 200 200 200 303 303
web GET /01/{tail}                                 | /01/08936000000019                          | 400 400 400 400 400 400 400
web GET /cases                                     | -                                           | 200 403 403 403 200 303 303
web GET /cases/export.csv                          | -                                           | 200 403 403 403 200 303 303
web GET /cases/export.xlsx                         | -                                           | 200 403 403 403 200 303 303
web GET /dashboard                                 | -                                           | 200 403 403 403 200 303 303
web GET /dashboard/export/{file}                   | /dashboard/export/summary.csv               | 200 403 403 403 200 303 303
web GET /cases/{id}                                | /cases/1                                    | 404 403 403 403 404 303 303
web POST /cases/{id}/confirm                       | /cases/1/confirm                            | 404 403 403 403 404 303 303
web POST /cases/{id}/steps                         | /cases/1/steps                              | 404 403 403 403 404 303 303
web GET /catalogue/outlets                         | -                                           | 200 200 200 200 200 303 303
web GET /catalogue/outlets/new                     | -                                           | 200 403 403 403 403 303 303
web POST /catalogue/outlets/new                    | -                                           | 422 403 403 403 403 303 303
web GET /catalogue/outlets/{id}/edit               | /catalogue/outlets/{outlet}/edit            | 200 200/404 403 403 403 303 303
web POST /catalogue/outlets/{id}/edit              | /catalogue/outlets/{outlet}/edit            | 422 422/404 403 403 403 303 303
web GET /catalogue/producers                       | -                                           | 200 200 200 200 200 303 303
web GET /catalogue/producers/new                   | -                                           | 200 403 403 403 403 303 303
web POST /catalogue/producers/new                  | -                                           | 422 403 403 403 403 303 303
web GET /catalogue/producers/{id}/edit             | /catalogue/producers/{producer}/edit        | 200 403 403 403 403 303 303
web POST /catalogue/producers/{id}/edit            | /catalogue/producers/{producer}/edit        | 422 403 403 403 403 303 303
web GET /catalogue/products                        | -                                           | 200 200 200 200 200 303 303
web GET /catalogue/products/new                    | -                                           | 200 403 403 403 403 303 303
web POST /catalogue/products/new                   | -                                           | 422 403 403 403 403 303 303
web GET /catalogue/products/{id}                   | /catalogue/products/{product}               | 200 200 200 200/404 200 303 303
web GET /catalogue/products/{id}/edit              | /catalogue/products/{product}/edit          | 200 403 403 403 403 303 303
web POST /catalogue/products/{id}/edit             | /catalogue/products/{product}/edit          | 422 403 403 403 403 303 303
web GET /l/{serial}                                | /l/S1                                       | 400 400 400 400 400 400 400
web GET /labels/batches/{id}                       | /labels/batches/1                           | 404 404 404 403 404 303 303
web GET /labels/batches/{id}/labels.escpos         | /labels/batches/1/labels.escpos             | 404 404 404 403 404 303 303
web GET /labels/batches/{id}/sheet.pdf             | /labels/batches/1/sheet.pdf                 | 404 404 404 403 404 303 303
web GET /labels/new                                | -                                           | 400 400 400 400 400 303 303
web POST /labels/new                               | -                                           | 400 400 400 400 400 303 303
web GET /login                                     | -                                           | 200 200 200 200 200 200 200
web POST /login                                    | -                                           | 400 400 400 400 400 400 400
web POST /logout                                   | -                                           | 303 303 303 303 303 303 303
web GET /oversight                                 | -                                           | 200 403 403 403 200 303 303
web GET /oversight/indicators                      | -                                           | 200 403 403 403 200 303 303
web POST /oversight/indicators/targets             | -                                           | 422 403 403 403 403 303 303
web GET /oversight/{list}                          | /oversight/stock                            | 200 403 403 403 200 303 303
web GET /portal                                    | -                                           | 404 404 404 200 404 303 303
web POST /portal/notices/read                      | -                                           | 404 404 404 303 404 303 303
web GET /products                                  | -                                           | 200 200 200 200 200 200 200
web GET /r/{sale}                                  | -                                           | 200 200 200 200 200 200 200
web POST /r/{sale}/vat-invoice                     | -                                           | 422 422 422 422 422 422 422
web GET /report                                    | -                                           | 200 200 200 200 200 200 200
web POST /report                                   | -                                           | 429 429 429 429 429 429 429
web GET /sales                                     | -                                           | 200 200 200 403 200 303 303
web GET /sales/transfers                           | -                                           | 200 200 200 403 200 303 303
web GET /sales/vat-invoices                        | -                                           | 200 200 200 403 200 303 303
web GET /settlements                               | -                                           | 200 200 403 200 200 303 303
web GET /settlements/payouts                       | -                                           | 200 200 404 404 200 303 303
web GET /settlements/payouts.csv                   | -                                           | 404 200 404 404 404 303 303
web POST /settlements/run                          | -                                           | 400 400 400 400 400 303 303
web GET /settlements/{id}                          | /settlements/1                              | 404 404 404 404 404 303 303
web POST /settlements/{id}/approve                 | /settlements/1/approve                      | 404 404 404 404 404 303 303
web POST /settlements/{id}/confirm                 | /settlements/1/confirm                      | 404 404 404 404 404 303 303
web POST /settlements/{id}/dispute                 | /settlements/1/dispute                      | 400 400 400 400 400 303 303
web POST /settlements/{id}/pay                     | /settlements/1/pay                          | 400 400 400 400 400 303 303
web GET /settlements/{id}/statement.csv            | /settlements/1/statement.csv                | 404 404 404 404 404 303 303
web GET /settlements/{id}/statement.pdf            | /settlements/1/statement.pdf                | 404 404 404 404 404 303 303
web GET /settlements/{id}/statement.xlsx           | /settlements/1/statement.xlsx               | 404 404 404 404 404 303 303
web GET /settlements/{id}/vietqr.png               | /settlements/1/vietqr.png                   | 404 404 404 404 404 303 303
web GET /static/app.css                            | -                                           | 200 200 200 200 200 200 200
web GET /stock                                     | -                                           | 200 200 200 200 200 303 303
web GET /stock/alerts                              | -                                           | 200 200 200 200 200 303 303
web GET /stock/count                               | -                                           | 200 200 403 403 403 303 303
web POST /stock/count                              | -                                           | 404 404 403 403 403 303 303
web GET /stock/documents                           | -                                           | 200 200 200 200 200 303 303
web GET /stock/documents/{id}/posted               | /stock/documents/{doc}/posted               | 200 200/404 200/404 200/404 200 303 303
web GET /stock/documents/{id}/print                | /stock/documents/{doc}/print                | 200 200/404 200/404 200/404 200 303 303
web GET /stock/movements                           | -                                           | 404 404 404 404 404 303 303
web GET /stock/receive                             | -                                           | 200 200 403 403 403 303 303
web POST /stock/receive                            | -                                           | 404 404 403 403 403 303 303
web GET /stock/return                              | -                                           | 200 200 403 403 403 303 303
web POST /stock/return                             | -                                           | 404 404 403 403 403 303 303
web GET /stock/thresholds                          | -                                           | 200 200 403 403 403 303 303
web POST /stock/thresholds                         | -                                           | 404 404 403 403 403 303 303
web GET /stock/transfer                            | -                                           | 200 200 403 403 403 303 303
web POST /stock/transfer                           | -                                           | 404 404 403 403 403 303 303
web GET /stock/transfer/{id}/receive               | /stock/transfer/{doc}/receive               | 404 404 403 403 403 303 303
web POST /stock/transfer/{id}/receive              | /stock/transfer/{doc}/receive               | 404 404 403 403 403 303 303
web GET /stock/write-off                           | -                                           | 200 200 403 403 403 303 303
web POST /stock/write-off                          | -                                           | 404 404 403 403 403 303 303
"#;

struct Row {
    kind: &'static str,
    method: &'static str,
    route: &'static str,
    path: &'static str,
    cells: Vec<&'static str>,
    line: &'static str,
}

fn rows() -> Vec<Row> {
    MATRIX
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            assert_eq!(parts.len(), 3, "row {line:?}: three parts");
            let head: Vec<&str> = parts[0].split_whitespace().collect();
            assert_eq!(head.len(), 3, "row {line:?}: kind method route");
            let cells: Vec<&str> = parts[2].split_whitespace().collect();
            assert!(
                cells.len() == CALLERS.len() || cells == ["?"],
                "row {line:?}: one cell per caller"
            );
            Row {
                kind: head[0],
                method: head[1],
                route: head[2],
                path: parts[1],
                cells,
                line,
            }
        })
        .collect()
}

/// `(method, path)` of every operation in the OpenAPI document.
fn api_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// `(method, route)` of every page `web::configure` mounts, read from the
/// handlers' route attributes.
fn web_routes() -> BTreeSet<(String, String)> {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src/web");
    let mod_rs = std::fs::read_to_string(web.join("mod.rs")).unwrap();
    let start = mod_rs.find("pub fn configure").expect("web::configure");
    let body = &mod_rs[start..];
    let body = &body[..body.find("\n}\n").expect("end of configure")];
    let mut out = BTreeSet::new();
    for piece in body.split(".service(").skip(1) {
        let handler = piece.split(')').next().unwrap().trim();
        let (module, name) = handler.rsplit_once("::").unwrap_or(("", handler));
        let mut files = Vec::new();
        if module.is_empty() {
            files.push(web.join("mod.rs"));
        } else {
            files.push(web.join(format!("{module}.rs")));
            if let Ok(dir) = std::fs::read_dir(web.join(module)) {
                files.extend(dir.map(|e| e.unwrap().path()));
            }
        }
        let found = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .find_map(|src| route_of(&src, name));
        let (method, route) =
            found.unwrap_or_else(|| panic!("no route attribute for web handler {handler}"));
        out.insert((method, route));
    }
    out
}

/// The `#[get("…")]`/`#[post("…")]` on `async fn name(`.
fn route_of(src: &str, name: &str) -> Option<(String, String)> {
    let at = src.find(&format!("async fn {name}("))?;
    let before = &src[..at];
    let attr = before.rfind("#[")?;
    let text = &before[attr..];
    let (method, rest) = text.strip_prefix("#[")?.split_once("(\"")?;
    let route = rest.split("\"").next()?;
    // `{tail:.*}` is `{tail}` to a caller.
    let route = match route.split_once(':') {
        Some((head, _)) => format!("{head}}}"),
        None => route.to_owned(),
    };
    Some((method.to_uppercase(), route))
}

/// Own and other values of each fixture.
struct Fixtures {
    own: BTreeMap<&'static str, String>,
    other: BTreeMap<&'static str, String>,
    own_outlet: i64,
    own_producer: i64,
}

impl Fixtures {
    fn fill(&self, path: &str, own: bool) -> String {
        let map = if own { &self.own } else { &self.other };
        let mut out = path.to_owned();
        for (k, v) in map {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        assert!(!out.contains('{'), "unknown fixture in {path}");
        out
    }
}

/// Who calls, and how: a bearer token for the API and a session cookie
/// for the pages (with its anti-forgery token), or the till's credential.
struct Caller {
    name: &'static str,
    api_auth: Option<String>,
    cookie: Option<String>,
    csrf: Option<String>,
}

async fn callers(app: &TestApp, till_auth: &str) -> Vec<Caller> {
    let mut out = Vec::new();
    for name in CALLERS {
        let caller = match name {
            "till" => Caller {
                name,
                api_auth: Some(till_auth.to_owned()),
                cookie: None,
                csrf: None,
            },
            "anon" => Caller {
                name,
                api_auth: None,
                cookie: None,
                csrf: None,
            },
            user => {
                let token = app.login(user, "demo1234").await;
                let cookie = web_login(app, user).await;
                let token_csrf = csrf(app, &cookie).await;
                Caller {
                    name,
                    api_auth: Some(format!("Bearer {token}")),
                    cookie: Some(cookie),
                    csrf: Some(token_csrf),
                }
            }
        };
        out.push(caller);
    }
    out
}

async fn fixtures(app: &TestApp) -> (Fixtures, String) {
    let own_outlet = outlet_id(app, "LC-SR01").await;
    let other_outlet = outlet_id(app, "LC-RS01").await;
    let producer = app.login("producer1", "demo1234").await;
    let own_producer = app.get("/api/v1/auth/me", Some(&producer)).await.1["producer_id"]
        .as_i64()
        .unwrap();
    let own_producer32 = i32::try_from(own_producer).unwrap();
    let (other_producer, own_product, other_product) = db(app, move |c| {
        let other: i32 = products::table
            .filter(products::producer_id.ne(own_producer32))
            .select(products::producer_id)
            .first(c)
            .unwrap();
        let own_product: i32 = products::table
            .filter(products::producer_id.eq(own_producer32))
            .select(products::id)
            .first(c)
            .unwrap();
        let other_product: i32 = products::table
            .filter(products::producer_id.eq(other))
            .select(products::id)
            .first(c)
            .unwrap();
        (other, own_product, other_product)
    })
    .await;

    // A cashier at the other outlet, so a till there has someone to sell.
    let admin = app.login("admin", "demo1234").await;
    let (status, body) = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "cashier_other", "display_name": "Thu ngân khác",
                    "password": "longenough", "role": "cashier", "outlet_id": other_outlet}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let mut own_till = register_till(app, "manager1", "LC-SR01").await;
    let mut other_till = register_till(app, "admin", "LC-RS01").await;
    let mut sales = Vec::new();
    for (till, outlet) in [(&mut own_till, own_outlet), (&mut other_till, other_outlet)] {
        let items = stocked_items(app, outlet).await;
        let item = items.first().expect("demo stock at the outlet");
        let sale = till.sale(vec![cart(item, 1)]);
        let (status, body) = post_sale(app, till, &sales_common::to_json(&sale)).await;
        assert!(status.is_success(), "{body}");
        sales.push(sale.id.to_string());
    }
    // Own: at manager1's outlet, of producer1's goods; other: at another
    // outlet, of another producer's goods.
    let docs = db(app, move |c| {
        let own = stock_documents::table
            .filter(stock_documents::outlet_id.eq(own_outlet))
            .filter(stock_documents::producer_id.eq(own_producer32))
            .select(stock_documents::id)
            .first::<i32>(c)
            .unwrap();
        let other = stock_documents::table
            .filter(stock_documents::outlet_id.eq(other_outlet))
            .filter(stock_documents::producer_id.ne(own_producer32))
            .select(stock_documents::id)
            .first::<i32>(c)
            .unwrap();
        [own, other]
    })
    .await;
    let own = BTreeMap::from([
        ("outlet", own_outlet.to_string()),
        ("producer", own_producer.to_string()),
        ("product", own_product.to_string()),
        ("doc", docs[0].to_string()),
        ("sale", sales[0].clone()),
        ("till", own_till.id.to_string()),
        ("receipt", format!("T{}-000001", own_till.id)),
        ("shift", own_till.shift_id.to_string()),
    ]);
    let other = BTreeMap::from([
        ("outlet", other_outlet.to_string()),
        ("producer", other_producer.to_string()),
        ("product", other_product.to_string()),
        ("doc", docs[1].to_string()),
        ("sale", sales[1].clone()),
        ("till", other_till.id.to_string()),
        ("receipt", format!("T{}-000001", other_till.id)),
        ("shift", other_till.shift_id.to_string()),
    ]);
    (
        Fixtures {
            own,
            other,
            own_outlet: i64::from(own_outlet),
            own_producer,
        },
        own_till.auth,
    )
}

/// One request; the status as the table writes it (`200o` when the rows
/// are all the caller's own and the caller is scoped).
async fn answer(app: &TestApp, row: &Row, caller: &Caller, path: &str, fx: &Fixtures) -> String {
    let client = no_redirects();
    let method = reqwest::Method::from_bytes(row.method.as_bytes()).unwrap();
    let mut req = client.request(method.clone(), app.url(path));
    if row.kind == "api" {
        if let Some(a) = &caller.api_auth {
            req = req.header(AUTHORIZATION, a);
        }
        if method != reqwest::Method::GET {
            req = req.json(&json!({}));
        }
    } else {
        if let Some(c) = &caller.cookie {
            req = req.header(COOKIE, c);
        }
        if caller.name == "till"
            && let Some(a) = &caller.api_auth
        {
            req = req.header(AUTHORIZATION, a);
        }
        if method != reqwest::Method::GET {
            let fields: Vec<(&str, &str)> = caller
                .csrf
                .as_deref()
                .map(|t| vec![("csrf", t)])
                .unwrap_or_default();
            req = req.form(&fields);
        }
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let is_json = res
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap_or("").starts_with("application/json"));
    let text = res.text().await.unwrap_or_default();
    if status == 200 && is_json {
        let scope = match caller.name {
            "manager1" | "cashier1" | "till" => Some(("outlet_id", fx.own_outlet)),
            "producer1" => Some(("producer_id", fx.own_producer)),
            _ => None,
        };
        if let (Some((key, own)), Ok(v)) = (scope, serde_json::from_str::<Value>(&text)) {
            let mut seen = Vec::new();
            scoped_values(&v, key, &mut seen);
            if !seen.is_empty() {
                return if seen.iter().all(|x| *x == own) {
                    "200o".to_owned()
                } else {
                    format!("200!{key}={seen:?}")
                };
            }
        }
    }
    status.to_string()
}

/// Every number under `key` anywhere in `v`.
fn scoped_values(v: &Value, key: &str, out: &mut Vec<i64>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key
                    && let Some(n) = x.as_i64()
                {
                    out.push(n);
                }
                scoped_values(x, key, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| scoped_values(x, key, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_table_says() {
    let app = TestApp::spawn_demo().await;
    let record = std::env::var("OCOP_AUTHZ_RECORD").is_ok();
    let (fx, till_auth) = fixtures(&app).await;
    let callers = callers(&app, &till_auth).await;

    // Every served route has a row, and every row a served route.
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let served: BTreeSet<(String, String, String)> = api_routes(&doc)
        .into_iter()
        .map(|(m, p)| ("api".to_owned(), m, p))
        .chain(
            web_routes()
                .into_iter()
                .map(|(m, p)| ("web".to_owned(), m, p)),
        )
        .collect();
    let mut table = rows();
    let listed: BTreeSet<(String, String, String)> = table
        .iter()
        .map(|r| (r.kind.to_owned(), r.method.to_owned(), r.route.to_owned()))
        .collect();
    let missing: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    if record {
        for (k, m, p) in &missing {
            println!("{k} {m} {p} | ? | ?");
        }
    } else {
        assert!(
            missing.is_empty(),
            "routes without a row in the authorization matrix: {missing:#?}"
        );
    }
    assert!(
        stale.is_empty(),
        "rows for routes the server does not serve: {stale:#?}"
    );

    // Logging out ends the caller's session: those rows last.
    table.sort_by_key(|r| r.route.contains("logout"));
    let mut wrong = Vec::new();
    for row in &table {
        let scoped = row.path.contains('{');
        let path = if row.path == "-" { row.route } else { row.path };
        let mut got = Vec::new();
        for caller in &callers {
            let own = answer(&app, row, caller, &fx.fill(path, true), &fx).await;
            if scoped {
                let other = answer(&app, row, caller, &fx.fill(path, false), &fx).await;
                if other == own {
                    got.push(own);
                } else {
                    got.push(format!("{own}/{other}"));
                }
            } else {
                got.push(own);
            }
        }
        let got_cells: Vec<&str> = got.iter().map(String::as_str).collect();
        if record {
            println!(
                "{} {} {} | {} | {}",
                row.kind,
                row.method,
                row.route,
                row.path,
                got_cells.join(" ")
            );
        } else if got_cells != row.cells {
            wrong.push(format!(
                "{}\n    got      {}",
                row.line,
                got_cells.join(" ")
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "answers that differ from the matrix (callers: {CALLERS:?}):\n{}",
        wrong.join("\n")
    );
}
