//! Transfers, counts, write-offs and returns over real HTTP: each posts
//! exactly what it says, keeps Σ ledger = stock on hand, and refuses to take
//! stock below zero.

use crate::stock_common::*;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_transfer_conserves_stock_through_transit_and_records_the_discrepancy() {
    let app = TestApp::spawn_demo().await;
    let (admin, manager) = tokens(&app).await;
    let from = outlet_id(&app, "LC-SR01").await;
    let to = outlet_id(&app, "LC-RS01").await;
    let (product, producer) = receivable(&app).await[0];
    receive(&app, &manager, from, producer, product, "10", "TR-1", 60).await;
    let (from0, to0) = (
        on_hand(&app, from, product).await,
        on_hand(&app, to, product).await,
    );

    let doc = draft(
        &app,
        &manager,
        json!({"kind": "transfer", "outlet_id": from, "dest_outlet_id": to,
        "lines": [{"product_id": product, "qty": "8", "lot_code": "TR-1"}]}),
    )
    .await;
    let id = doc["document"]["id"].as_i64().unwrap();
    // Not sent yet: receiving is refused.
    let (status, err) = app
        .post(
            &format!("/api/v1/stock-documents/{id}/receive"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("not_a_sent_transfer")
        )
    );
    let (status, sent) = post(&app, &manager, id).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert!(
        sent["document"]["number"]
            .as_str()
            .unwrap()
            .starts_with("CK-LC-SR01-")
    );
    assert_eq!(on_hand(&app, from, product).await, from0 - 8000);
    assert_eq!(on_hand(&app, to, product).await, to0);

    // In transit, visible to both ends.
    let (_, transit) = app.get("/api/v1/stock/in-transit", Some(&manager)).await;
    let mine: Vec<_> = transit
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["transfer_id"] == id)
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["qty"], "8");

    // The manager of the sending outlet cannot receive at the other one.
    let (status, _) = app
        .post(
            &format!("/api/v1/stock-documents/{id}/receive"),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // More than was sent cannot arrive.
    let line_id = sent["lines"][0]["id"].as_i64().unwrap();
    let (status, err) = app
        .post(
            &format!("/api/v1/stock-documents/{id}/receive"),
            Some(&admin),
            &json!({"lines": [{"line_id": line_id, "received_qty": "9"}]}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid_received_quantity")
        )
    );
    let (status, receipt) = app.post(&format!("/api/v1/stock-documents/{id}/receive"), Some(&admin),
        &json!({"lines": [{"line_id": line_id, "received_qty": "7", "reason": "1 chai vỡ"}], "note": "Nhận hàng"})).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert!(
        receipt["document"]["number"]
            .as_str()
            .unwrap()
            .starts_with("NC-LC-RS01-")
    );
    assert_eq!(receipt["lines"][0]["expected_milli"], 8000);
    assert_eq!(receipt["lines"][0]["qty_milli"], 7000);
    // The same lot and owner arrive.
    let entry = &receipt["entries"][0];
    assert_eq!(entry["kind"], "transfer_in");
    assert_eq!(entry["owner_producer_id"], producer);
    assert_eq!(entry["lot_id"], sent["entries"][0]["lot_id"]);
    // Sent = received + discrepancy; nothing is left in transit.
    assert_eq!(on_hand(&app, to, product).await, to0 + 7000);
    assert_eq!(on_hand(&app, from, product).await, from0 - 8000);
    let (_, transit) = app.get("/api/v1/stock/in-transit", Some(&admin)).await;
    assert!(
        transit
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["transfer_id"] != id)
    );
    let (_, transfer) = app
        .get(&format!("/api/v1/stock-documents/{id}"), Some(&manager))
        .await;
    assert_eq!(transfer["receipt_id"], receipt["document"]["id"]);
    // Received once only.
    let (status, err) = app
        .post(
            &format!("/api/v1/stock-documents/{id}/receive"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("already_received"))
    );
    assert_consistent(&app, from, product).await;
    assert_consistent(&app, to, product).await;
}

#[tokio::test]
async fn a_count_posts_exactly_the_variance_once_approved() {
    let app = TestApp::spawn_demo().await;
    let (_, manager) = tokens(&app).await;
    let cashier = app.login("cashier1", "demo1234").await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let list = receivable(&app).await;
    let (a, producer_a) = list[0];
    let (b, producer_b) = list[1];
    receive(&app, &manager, outlet, producer_a, a, "5", "KK-A", 30).await;
    receive(&app, &manager, outlet, producer_b, b, "5", "KK-B", 30).await;
    let (a0, b0) = (
        on_hand(&app, outlet, a).await,
        on_hand(&app, outlet, b).await,
    );
    // The cashier enters the count (product a by its barcode scan), 2 fewer
    // of a and 3 more of b than the books say.
    let gtin = db(&app, move |c| {
        ocop_server::models::product::find(c, a)
            .unwrap()
            .gtin
            .unwrap()
    })
    .await;
    let counted_a = ocop_core::money::Quantity::from_milli(a0 - 2000).to_machine_string();
    let counted_b = ocop_core::money::Quantity::from_milli(b0 + 3000).to_machine_string();
    let sheet = json!({"kind": "count", "outlet_id": outlet, "note": "Kiểm kê cuối tháng",
        "lines": [{"scan": gtin, "qty": counted_a}, {"product_id": b, "qty": counted_b}]});
    let doc = draft(&app, &cashier, sheet).await;
    assert_eq!(doc["lines"][0]["product_id"], a);
    let id = doc["document"]["id"].as_i64().unwrap();
    // Only a manager approves.
    let (status, _) = post(&app, &cashier, id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, posted) = post(&app, &manager, id).await;
    assert_eq!(status, StatusCode::OK, "{posted}");
    assert!(
        posted["document"]["posted_by"].as_i64().is_some(),
        "{posted}"
    );
    let entries = posted["entries"].as_array().unwrap();
    let sum_for = |p: i32| {
        entries
            .iter()
            .filter(|e| e["product_id"] == p)
            .map(|e| e["qty_milli"].as_i64().unwrap())
            .sum::<i64>()
    };
    assert_eq!(sum_for(a), -2000);
    assert_eq!(sum_for(b), 3000);
    assert!(entries.iter().all(|e| e["kind"] == "count_adjustment"));
    assert_eq!(posted["lines"][0]["expected_milli"], a0);
    assert_eq!(on_hand(&app, outlet, a).await, a0 - 2000);
    assert_eq!(on_hand(&app, outlet, b).await, b0 + 3000);
    assert_consistent(&app, outlet, a).await;
    assert_consistent(&app, outlet, b).await;

    // A count that matches the books posts nothing; a variance without a reason is refused.
    let exact = draft(&app, &manager, json!({"kind": "count", "outlet_id": outlet,
        "lines": [{"product_id": a, "qty": ocop_core::money::Quantity::from_milli(a0 - 2000).to_machine_string()}]})).await;
    let (_, posted) = post(&app, &manager, exact["document"]["id"].as_i64().unwrap()).await;
    assert_eq!(posted["entries"].as_array().unwrap().len(), 0);
    let off = draft(
        &app,
        &manager,
        json!({"kind": "count", "outlet_id": outlet, "lines": [line(a, "0")]}),
    )
    .await;
    let (status, err) = post(&app, &manager, off["document"]["id"].as_i64().unwrap()).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required"))
    );
    let (_, still) = app
        .get(
            &format!("/api/v1/stock-documents/{}", off["document"]["id"]),
            Some(&manager),
        )
        .await;
    assert_eq!(
        still["document"]["status"], "draft",
        "a refused posting leaves the draft a draft"
    );
}

#[tokio::test]
async fn write_offs_and_returns_take_stock_and_never_below_zero() {
    let app = TestApp::spawn_demo().await;
    let (_, manager) = tokens(&app).await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let (product, producer) = receivable(&app).await[0];
    let first_note = receive(&app, &manager, outlet, producer, product, "4", "WO-OLD", 2).await;
    let first_id = first_note["document"]["id"].as_i64().unwrap();
    receive(
        &app, &manager, outlet, producer, product, "4", "WO-NEW", 400,
    )
    .await;
    let start = on_hand(&app, outlet, product).await;

    // No reason, no write-off.
    let (status, err) = app
        .post(
            "/api/v1/stock-documents",
            Some(&manager),
            &json!({"kind": "write_off", "outlet_id": outlet, "lines": [line(product, "1")]}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required"))
    );
    let doc = draft(
        &app,
        &manager,
        json!({"kind": "write_off", "outlet_id": outlet, "write_off_reason": "expired",
        "lines": [{"product_id": product, "qty": "3", "lot_code": "WO-OLD"}]}),
    )
    .await;
    let (status, posted) = post(&app, &manager, doc["document"]["id"].as_i64().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{posted}");
    assert_eq!(posted["entries"][0]["kind"], "expired_write_off");
    assert_eq!(posted["entries"][0]["qty_milli"], -3000);
    assert!(
        posted["document"]["number"]
            .as_str()
            .unwrap()
            .starts_with("XH-")
    );

    // A return to the producer, correcting the first note: it must refer to
    // a posted document of the same outlet.
    let other_outlet = outlet_id(&app, "LC-RS01").await;
    let foreign = db(&app, move |c| {
        use diesel::prelude::*;
        use ocop_server::db::schema::stock_documents as sd;
        sd::table
            .filter(sd::outlet_id.eq(other_outlet))
            .select(sd::id)
            .first::<i32>(c)
            .unwrap()
    })
    .await;
    let (status, err) = app
        .post(
            "/api/v1/stock-documents",
            Some(&manager),
            &json!({"kind": "return_to_producer", "outlet_id": outlet,
            "producer_id": producer, "ref_document_id": foreign, "lines": [line(product, "2")]}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_reference"))
    );
    let doc = draft(
        &app,
        &manager,
        json!({"kind": "return_to_producer", "outlet_id": outlet, "producer_id": producer,
        "ref_document_id": first_id, "lines": [line(product, "2")]}),
    )
    .await;
    assert_eq!(doc["document"]["ref_document_id"], first_id);
    let (status, posted) = post(&app, &manager, doc["document"]["id"].as_i64().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{posted}");
    assert!(
        posted["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] == "returned_to_producer" && e["owner_producer_id"] == producer)
    );
    assert_eq!(on_hand(&app, outlet, product).await, start - 5000);

    // Asking for more than is on hand: 409, and nothing is booked.
    let ledger = ledger_count(&app).await;
    let left = on_hand(&app, outlet, product).await;
    let too_much = ((left + 1000) / 1000).to_string();
    let doc = draft(
        &app,
        &manager,
        json!({"kind": "write_off", "outlet_id": outlet, "write_off_reason": "damaged",
        "lines": [line(product, &too_much)]}),
    )
    .await;
    let (status, err) = post(&app, &manager, doc["document"]["id"].as_i64().unwrap()).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("insufficient_stock")),
        "{err}"
    );
    assert_eq!(ledger_count(&app).await, ledger);
    assert_eq!(on_hand(&app, outlet, product).await, left);
    let (_, still) = app
        .get(
            &format!("/api/v1/stock-documents/{}", doc["document"]["id"]),
            Some(&manager),
        )
        .await;
    assert_eq!(still["document"]["status"], "draft");
    assert!(
        still["document"]["number"].is_null(),
        "a refused posting uses no number"
    );
    assert_consistent(&app, outlet, product).await;
}
