//! Sale ingest over real HTTP, on the backend the suite runs on: tills and
//! their credentials, exactly-once storage (also under 20 concurrent posts
//! of one sale), arithmetic refused with nothing written, stock ledger rows
//! with the sale, price differences reported, batches, outlet scope.

use crate::sales_common::*;
use ocop_core::money::Dong;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn tills_are_registered_by_a_manager_of_the_outlet_only() {
    let app = ocop_e2e::TestApp::spawn_demo().await;
    let own = outlet_id(&app, "LC-SR01").await;
    let other = outlet_id(&app, "LC-RS01").await;
    let manager = app.login("manager1", "demo1234").await;
    let cashier = app.login("cashier1", "demo1234").await;
    let body = json!({"outlet_id": own, "name": "Quầy 2"});
    let (status, err) = app.post("/api/v1/tills", Some(&cashier), &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    let other_body = json!({"outlet_id": other, "name": "Quầy 2"});
    let (status, _) = app.post("/api/v1/tills", Some(&manager), &other_body).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, err) = app
        .post(
            "/api/v1/tills",
            Some(&manager),
            &json!({"outlet_id": own, "name": " "}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"], "invalid_till_name");
    assert_eq!(count(&app, "tills").await, 0);

    let (status, till) = app.post("/api/v1/tills", Some(&manager), &body).await;
    assert_eq!(status, StatusCode::CREATED, "{till}");
    let secret = till["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    // Only the digest is stored.
    let till_id = i32::try_from(till["till"]["id"].as_i64().unwrap()).unwrap();
    let stored = db(&app, move |c| {
        ocop_server::models::sale::till::find(c, till_id)
            .unwrap()
            .secret_sha256
    })
    .await;
    assert_ne!(stored, secret);
    assert!(till.get("secret_sha256").is_none() && till["till"].get("secret_sha256").is_none());

    // A wrong secret, or a user's bearer token, does not authenticate a till.
    let id = till["till"]["id"].as_i64().unwrap();
    let mut helper = register_till(&app, "manager1", "LC-SR01").await;
    let items = stocked_items(&app, own).await;
    let sale = to_json(&helper.sale(vec![cart(&items[0], 1)]));
    for auth in [
        format!("Till {id}:{}", "0".repeat(64)),
        format!("Bearer {manager}"),
        format!("Till {}:{secret}", id + 10),
    ] {
        let (status, err) = post_as(&app, &auth, "/api/v1/sales", &sale).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth}: {err}");
        assert_eq!(err["error"], "invalid_till_credentials");
    }
}

#[tokio::test]
async fn a_sale_is_stored_once_with_its_stock_ledger_rows() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let (a, b) = (&items[0], &items[1]);
    let before_a = on_hand(&app, till.outlet_id, a.id).await;
    let before_b = on_hand(&app, till.outlet_id, b.id).await;
    let ledger_before = count(&app, "stock_ledger").await;
    let sale = till.sale(vec![cart(a, 2), cart(b, 1)]);
    let body = to_json(&sale);

    let (status, first) = post_sale(&app, &till, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["status"], "created");
    assert_eq!(first["chain_status"], "ok");
    assert_eq!(first["sale"], body);
    assert_eq!(on_hand(&app, till.outlet_id, a.id).await, before_a - 2_000);
    assert_eq!(on_hand(&app, till.outlet_id, b.id).await, before_b - 1_000);
    assert!(count(&app, "stock_ledger").await >= ledger_before + 2);

    // The same sale again: the stored one, 200, nothing new written.
    let (status, again) = post_sale(&app, &till, &body).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["status"], "existing");
    assert_eq!(again["sale"], first["sale"]);
    assert_eq!(count(&app, "sales").await, 1);
    assert_eq!(on_hand(&app, till.outlet_id, a.id).await, before_a - 2_000);

    // The same id with other content (resealed so its own hash is right).
    let mut changed = till.sale_numbered(1, ocop_core::sale::ChainHash::GENESIS, vec![cart(a, 3)]);
    changed.id = sale.id;
    ocop_core::sale::seal(&mut changed, ocop_core::sale::ChainHash::GENESIS);
    let (status, err) = post_sale(&app, &till, &to_json(&changed)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["error"], "sale_conflict");
    // Another sale claiming a stored receipt number.
    let twin = till.sale_numbered(1, ocop_core::sale::ChainHash::GENESIS, vec![cart(a, 1)]);
    let (status, err) = post_sale(&app, &till, &to_json(&twin)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["error"], "receipt_no_taken");
    assert_eq!(count(&app, "sales").await, 1);

    // Staff of the outlet read it back.
    let cashier = app.login("cashier1", "demo1234").await;
    let (status, read) = app
        .get(&format!("/api/v1/sales/{}", sale.id), Some(&cashier))
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["sale"], body);
}

#[tokio::test]
async fn wrong_arithmetic_is_refused_with_its_code_and_nothing_is_written() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let item = &items[0];
    let stock_before = on_hand(&app, till.outlet_id, item.id).await;
    let ledger_before = count(&app, "stock_ledger").await;
    let sale = till.sale(vec![cart(item, 2)]);

    let mut wrong_total = to_json(&sale);
    wrong_total["total"] = json!(sale.total.amount() + 1);
    let mut wrong_line = to_json(&sale);
    wrong_line["lines"][0]["amount"] = json!(sale.lines[0].amount.amount() - 1_000);
    let mut wrong_vat = to_json(&sale);
    wrong_vat["vat"][0]["vat"] = json!(sale.vat[0].vat.amount() + 1);
    let mut wrong_hash = to_json(&sale);
    wrong_hash["hash"] = json!("ab".repeat(32));
    for (body, code) in [
        (wrong_total, "sale_total_mismatch"),
        (wrong_line, "line_amount_mismatch"),
        (wrong_vat, "vat_mismatch"),
        (wrong_hash, "sale_hash_mismatch"),
    ] {
        let (status, err) = post_sale(&app, &till, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["error"], code, "{err}");
        assert!(!err["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(count(&app, "sales").await, 0);
    assert_eq!(count(&app, "sale_lines").await, 0);
    assert_eq!(count(&app, "journal_entries").await, 0);
    assert_eq!(count(&app, "stock_ledger").await, ledger_before);
    assert_eq!(on_hand(&app, till.outlet_id, item.id).await, stock_before);
    // The right one still goes in afterwards.
    let (status, _) = post_sale(&app, &till, &to_json(&sale)).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn the_same_sale_from_20_connections_at_once_is_stored_once() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let item = items[0].clone();
    let before = on_hand(&app, till.outlet_id, item.id).await;
    let sale = till.sale(vec![cart(&item, 1)]);
    let body = to_json(&sale);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        // A client per task: 20 separate connections.
        let client = reqwest::Client::new();
        let url = app.url("/api/v1/sales");
        let auth = till.auth.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .header("Authorization", auth)
                .json(&body)
                .send()
                .await
                .unwrap();
            (res.status(), res.json::<serde_json::Value>().await.unwrap())
        }));
    }
    let mut created = 0;
    for t in tasks {
        let (status, answer) = t.await.unwrap();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status} {answer}"
        );
        if status == StatusCode::CREATED {
            created += 1;
        }
        assert_eq!(answer["sale"], body);
    }
    assert_eq!(created, 1);
    assert_eq!(count(&app, "sales").await, 1);
    assert_eq!(count(&app, "journal_entries").await, 1);
    assert_eq!(on_hand(&app, till.outlet_id, item.id).await, before - 1_000);
}

#[tokio::test]
async fn a_till_cannot_post_for_another_till_or_outlet() {
    let (app, mut till_a) = setup().await;
    let till_b = register_till(&app, "manager1", "LC-SR01").await;
    let items = stocked_items(&app, till_a.outlet_id).await;
    let sale = till_a.sale(vec![cart(&items[0], 1)]);
    // Till B sends till A's sale.
    let (status, err) = post_as(&app, &till_b.auth, "/api/v1/sales", &to_json(&sale)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(err["error"], "wrong_till");
    // Till A sends a sale naming another outlet.
    let mut elsewhere = till_a.clone_for_outlet(outlet_id(&app, "LC-RS01").await);
    let foreign = elsewhere.sale(vec![cart(&items[0], 1)]);
    let (status, err) = post_sale(&app, &till_a, &to_json(&foreign)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(count(&app, "sales").await, 0);
}

#[tokio::test]
async fn a_cashier_of_another_outlet_cannot_read_the_sale() {
    let (app, mut till) = setup().await;
    let other = outlet_id(&app, "LC-RS01").await;
    let admin = app.login("admin", "demo1234").await;
    let (status, body) = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "cashier_rs", "display_name": "Thu ngân RS", "password": "demo1234",
                    "role": "cashier", "outlet_id": other, "producer_id": null}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let items = stocked_items(&app, till.outlet_id).await;
    let sale = till.sale(vec![cart(&items[0], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&sale)).await.0,
        StatusCode::CREATED
    );
    let path = format!("/api/v1/sales/{}", sale.id);
    let outsider = app.login("cashier_rs", "demo1234").await;
    let (status, err) = app.get(&path, Some(&outsider)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    let producer = app.login("producer1", "demo1234").await;
    assert_eq!(
        app.get(&path, Some(&producer)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&path, Some(&admin)).await.0, StatusCode::OK);
    // The outlet's own till reads it with its credential (sales_lookup.rs
    // has another outlet's till, which gets 404).
    assert_eq!(get_as(&app, &till.auth, &path).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_price_other_than_the_catalogue_is_accepted_and_reported() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let mut line = cart(&items[0], 1);
    line.unit_price = Dong::new(items[0].price - 5_000);
    let sale = till.sale(vec![line, cart(&items[1], 1)]);
    let (status, body) = post_sale(&app, &till, &to_json(&sale)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let diffs = body["price_differences"].as_array().unwrap();
    assert_eq!(diffs.len(), 1, "{body}");
    assert_eq!(diffs[0]["line_no"], 1);
    assert_eq!(diffs[0]["unit_price"], items[0].price - 5_000);
    assert_eq!(diffs[0]["catalogue_price"], items[0].price);
}

#[tokio::test]
async fn a_batch_answers_each_sale_on_its_own_and_is_bounded() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let s1 = till.sale(vec![cart(&items[0], 1)]);
    let s2 = till.sale(vec![cart(&items[1], 1)]);
    let mut bad = to_json(&till.sale(vec![cart(&items[0], 1)]));
    bad["total"] = json!(1);
    let batch = json!([to_json(&s1), to_json(&s2), bad, {"not": "a sale"}, to_json(&s1)]);
    let (status, out) = post_as(&app, &till.auth, "/api/v1/sales/batch", &batch).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let statuses: Vec<i64> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, vec![201, 201, 422, 400, 200]);
    assert_eq!(out[2]["body"]["error"], "sale_total_mismatch");
    assert_eq!(count(&app, "sales").await, 2);

    let too_many = serde_json::Value::Array(vec![to_json(&s1); 101]);
    let (status, err) = post_as(&app, &till.auth, "/api/v1/sales/batch", &too_many).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"], "batch_too_large");
}
