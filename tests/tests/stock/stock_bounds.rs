//! Issue 15: a count line of 9,000,000,000,000,000 posted, and from then on
//! `GET /api/v1/stock/on-hand` and the `/stock` page answered 500 for
//! everyone whose view held the row. Quantities and prices beyond the
//! domain bounds are refused at the entrance; a row already stored beyond
//! them is shown flagged and left out of the totals, never a 5xx.

use crate::stock_common::*;
use ocop_core::money::Quantity;
use ocop_core::stock::LedgerKind;
use ocop_e2e::TestApp;
use ocop_server::models::stock::{self, Movement, StockKey};
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;

#[tokio::test]
async fn absurd_quantities_are_refused_and_a_stored_one_is_flagged_not_a_500() {
    let app = TestApp::spawn_demo().await;
    let (admin, manager) = tokens(&app).await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let (product, producer) = receivable(&app).await[0];
    let before = ledger_count(&app).await;

    for (kind, qty) in [
        ("count", "9000000000000000"),
        ("count", "100000.001"),
        ("write_off", "9000000000000000"),
    ] {
        let mut body = json!({"kind": kind, "outlet_id": outlet, "note": "x",
                              "lines": [line(product, qty)]});
        if kind == "write_off" {
            body["write_off_reason"] = json!("damaged");
        }
        let (status, err) = app
            .post("/api/v1/stock-documents", Some(&manager), &body)
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind} {qty}: {err}"
        );
        assert_eq!(err["error"], "quantity_out_of_range", "{err}");
    }
    let (status, err) = app
        .post(
            "/api/v1/stock-documents",
            Some(&manager),
            &json!({"kind": "goods_received", "outlet_id": outlet, "producer_id": producer,
                    "lines": [line(product, "100001")]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "quantity_out_of_range");
    // the bound itself is fine
    let ok = draft(
        &app,
        &manager,
        json!({"kind": "count", "outlet_id": outlet, "note": "x", "lines": [line(product, "100000")]}),
    )
    .await;
    assert!(ok["document"]["id"].as_i64().is_some());
    assert_eq!(ledger_count(&app).await, before);

    // A row stored before the bounds existed: appended straight through the
    // ledger's model, as the old count did.
    let lot = db(&app, move |c| {
        use diesel::prelude::*;
        use ocop_server::db::schema::stock_on_hand;
        stock_on_hand::table
            .filter(stock_on_hand::outlet_id.eq(outlet))
            .filter(stock_on_hand::product_id.eq(product))
            .select((stock_on_hand::lot_id, stock_on_hand::owner_producer_id))
            .first::<(i32, i32)>(c)
            .unwrap()
    })
    .await;
    let db_handle = app.db.clone();
    tokio::task::spawn_blocking(move || {
        db_handle
            .write(|c| {
                stock::append(
                    c,
                    None,
                    &[Movement {
                        key: StockKey {
                            outlet_id: outlet,
                            product_id: product,
                            lot_id: lot.0,
                            owner_producer_id: lot.1,
                        },
                        qty: Quantity::from_milli(9_000_000_000_000_000_000),
                        kind: LedgerKind::CountAdjustment,
                        document_id: None,
                        document_line_id: None,
                        document_ref: "OLD-COUNT".into(),
                    }],
                )
                .map_err(|e| anyhow::anyhow!("{e}"))
            })
            .unwrap()
    })
    .await
    .unwrap();

    for token in [&admin, &manager] {
        let (status, report) = app
            .get(
                &format!("/api/v1/stock/on-hand?outlet_id={outlet}"),
                Some(token),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["out_of_bounds_rows"], 1, "{report}");
        let rows = report["rows"].as_array().unwrap();
        let flagged: Vec<_> = rows.iter().filter(|r| r["out_of_bounds"] == true).collect();
        assert_eq!(flagged.len(), 1);
        assert_eq!(flagged[0]["product_id"], product);
        assert_eq!(flagged[0]["retail_value"], 0);
        // the totals are the sums of the other rows
        let sum: i64 = rows
            .iter()
            .map(|r| r["retail_value"].as_i64().unwrap())
            .sum();
        assert_eq!(report["total_retail_value"], sum);
        assert!(sum > 0);
    }
    let (status, _) = app
        .get(
            &format!("/api/v1/stock/movements?outlet_id={outlet}&product_id={product}"),
            Some(&manager),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // the page too, for the manager
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("username", "manager1"),
            ("password", "demo1234"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let res = client
        .get(app.url("/stock"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("vượt giới hạn"), "{html}");
}
