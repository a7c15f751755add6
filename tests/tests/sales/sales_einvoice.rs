//! E-invoice data over real HTTP, on the backend the suite runs on: one
//! invoice per sale with the outlet as seller and the receipt's own VAT
//! figures, gapless numbers per till symbol, and a day's export per outlet.

use crate::sales_common::*;
use ocop_core::time::vn_date;
use reqwest::StatusCode;

#[tokio::test]
async fn each_sale_gives_einvoice_data_and_a_day_exports_them_all() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let s1 = till.sale(vec![cart(&items[0], 2), cart(&items[1], 1)]);
    let s2 = till.sale(vec![cart(&items[2], 1)]);
    for s in [&s1, &s2] {
        assert_eq!(
            post_sale(&app, &till, &to_json(s)).await.0,
            StatusCode::CREATED
        );
    }
    let cashier = app.login("cashier1", "demo1234").await;
    let (status, inv) = app
        .get(&format!("/api/v1/sales/{}/einvoice", s2.id), Some(&cashier))
        .await;
    assert_eq!(status, StatusCode::OK, "{inv}");
    assert_eq!(inv["format"], "ocop-pos/einvoice/v1");
    assert_eq!(inv["number"], 2);
    let yy = vn_date(s2.sold_at).format("%y").to_string();
    assert!(
        inv["symbol"]
            .as_str()
            .unwrap()
            .starts_with(&format!("C{yy}M")),
        "{inv}"
    );
    assert_eq!(inv["seller"]["tax_code"], "5300000001");
    assert_eq!(inv["total"], s2.total.amount());
    assert_eq!(inv["vat"], serde_json::to_value(&s2.vat).unwrap());
    assert_eq!(inv["lines"].as_array().unwrap().len(), 1);
    assert!(!inv["total_in_words"].as_str().unwrap().is_empty());

    let day = vn_date(s1.sold_at);
    let path = format!("/api/v1/outlets/{}/einvoices?day={day}", till.outlet_id);
    let (status, export) = app.get(&path, Some(&cashier)).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["format"], "ocop-pos/einvoice-day/v1");
    assert_eq!(export["count"], 2);
    assert_eq!(export["total"], s1.total.amount() + s2.total.amount());
    let numbers: Vec<i64> = export["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![1, 2]);
    // The day before holds nothing; another outlet's export is not the cashier's.
    let before = day.pred_opt().unwrap();
    let (_, empty) = app
        .get(
            &format!("/api/v1/outlets/{}/einvoices?day={before}", till.outlet_id),
            Some(&cashier),
        )
        .await;
    assert_eq!(empty["count"], 0);
    let other = outlet_id(&app, "LC-RS01").await;
    let (status, _) = app
        .get(
            &format!("/api/v1/outlets/{other}/einvoices?day={day}"),
            Some(&cashier),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
