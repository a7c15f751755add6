//! Binding a label to a sale: the till sends the serials it scanned with
//! the sale line; the server stores them all and binds each issued label
//! of that product to the sale, outlet and time; the public page then
//! says where and when it was sold. The hash chain is untouched.

use ocop_core::digital_link::Serial;
use reqwest::StatusCode;

use super::{HTML, fetch, path_of};
use crate::sales_common::{cart, journal_verify, post_sale, setup, stocked_items, to_json};

#[tokio::test]
async fn a_sold_label_says_where_and_when_and_the_journal_still_verifies() {
    let (app, mut till) = setup().await;
    let manager = app.login("manager1", "demo1234").await;
    let (status, batch) = app
        .post(
            "/api/v1/labels",
            Some(&manager),
            &serde_json::json!({"request_id": uuid::Uuid::new_v4(), "lot_id": super::LOT, "outlet_id": till.outlet_id, "count": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{batch}");
    let sold_uri = batch["labels"][0]["uri"].as_str().unwrap();
    let kept_uri = batch["labels"][1]["uri"].as_str().unwrap();
    let serial = batch["labels"][0]["serial"].as_str().unwrap();

    let item = stocked_items(&app, till.outlet_id)
        .await
        .into_iter()
        .find(|i| i.id == 1)
        .expect("product 1 in stock");
    let mut line = cart(&item, 2);
    line.lot_code = Some("DEMO-LC-SR01-01".into());
    line.serials = vec![
        Serial::parse(serial).unwrap(),
        Serial::parse("7K3M9PQRSTVWX").unwrap(), // a forged label, never issued
    ];
    let sale = till.sale(vec![line]);
    let (status, body) = post_sale(&app, &till, &to_json(&sale)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Sent again (a retry): the same sale, serials and all, not a conflict.
    let (status, body) = post_sale(&app, &till, &to_json(&sale)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (_, _, html) = fetch(&app, &path_of(sold_uri), HTML).await;
    assert!(html.contains("data-status=\"sold\""), "{html}");
    assert!(html.contains("Sản phẩm đã được bán tại"), "{html}");
    let outlet_name = {
        let (_, o) = app
            .get(
                &format!("/api/v1/outlets/{}", till.outlet_id),
                Some(&manager),
            )
            .await;
        o["name"].as_str().unwrap().to_owned()
    };
    assert!(html.contains(&outlet_name), "{outlet_name}");
    let (_, _, html) = fetch(&app, &path_of(kept_uri), HTML).await;
    assert!(
        html.contains("data-status=\"genuine_first_scan\""),
        "an unsold label"
    );

    // Both serials are kept with the sale, as sent; the e-receipt and the
    // journal are as before.
    let (status, stored) = app
        .get(&format!("/api/v1/sales/{}", sale.id), Some(&manager))
        .await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    let line = &stored["sale"]["lines"][0];
    assert_eq!(
        line["serials"],
        serde_json::json!([serial, "7K3M9PQRSTVWX"]),
        "{stored}"
    );
    let (ok, out) = journal_verify(&app, Some(till.id));
    assert!(ok, "{out}");
}
