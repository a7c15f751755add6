//! Consignment intake over real HTTP: an agreement is needed, the
//! 950/QĐ-BCT rule is applied, posting books the ledger once, posted
//! documents cannot change, numbers have no gaps, printing works.

use crate::stock_common::*;
use ocop_e2e::TestApp;
use ocop_server::models::outlet::{self, NewOutlet};
use reqwest::StatusCode;
use serde_json::json;

#[expect(clippy::unwrap_used, reason = "test helper: a panic is a failed test")]
async fn new_outlet(app: &TestApp) -> i32 {
    db(app, |c| {
        outlet::insert(
            c,
            &NewOutlet {
                code: "LC-TEST9".into(),
                name: "Điểm bán thử".into(),
                kind: "showroom".into(),
                district_code: "sa-pa".into(),
                address: "Sa Pa".into(),
                latitude: None,
                longitude: None,
                opening_hours: "8-17".into(),
                operator_name: "Thử".into(),
                commission_bp: 1000,
                legal_name: "ĐIỂM BÁN THỬ".into(),
                tax_code: "5300000099".into(),
                phone: "0214".into(),
                bank_bin: None,
                bank_account: None,
                bank_holder: None,
            },
        )
        .unwrap()
        .id
    })
    .await
}

#[tokio::test]
async fn goods_cannot_be_received_without_an_active_agreement() {
    let app = TestApp::spawn_demo().await;
    let (admin, _) = tokens(&app).await;
    let outlet = new_outlet(&app).await;
    let (product, producer) = receivable(&app).await[0];
    let body = json!({"kind": "goods_received", "outlet_id": outlet, "producer_id": producer,
                      "lines": [line(product, "5")]});
    let before = ledger_count(&app).await;
    let (status, err) = app
        .post("/api/v1/stock-documents", Some(&admin), &body)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "no_active_agreement");
    assert!(
        err["message"].as_str().unwrap().contains("hợp đồng"),
        "{err}"
    );

    // An agreement that starts tomorrow is not active today either.
    let tomorrow = ocop_server::models::product::vn_today().succ_opt().unwrap();
    let agreement = json!({"producer_id": producer, "outlet_id": outlet, "terms": "commission",
        "commission_bp": 1500, "loss_bearer": "producer", "starts_on": tomorrow});
    let (status, created) = app
        .post("/api/v1/consignment-agreements", Some(&admin), &agreement)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["settlement_period"], "monthly");
    let (status, err) = app
        .post("/api/v1/stock-documents", Some(&admin), &body)
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("no_active_agreement")
        )
    );
    // Overlapping agreements are refused.
    let (status, err) = app
        .post("/api/v1/consignment-agreements", Some(&admin), &agreement)
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("agreement_overlaps"))
    );
    assert_eq!(ledger_count(&app).await, before);
    assert_eq!(on_hand(&app, outlet, product).await, 0);

    // With an agreement active today the same receipt goes through.
    let today = ocop_server::models::product::vn_today();
    let yesterday = today.pred_opt().unwrap();
    let (status, _) = app
        .post(
            "/api/v1/consignment-agreements",
            Some(&admin),
            &json!({"producer_id": producer, "outlet_id": outlet, "terms": "commission",
                    "commission_bp": 1500, "loss_bearer": "outlet", "starts_on": yesterday, "ends_on": today}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let doc = draft(&app, &admin, body).await;
    let (status, posted) = post(&app, &admin, doc["document"]["id"].as_i64().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{posted}");
    assert_eq!(on_hand(&app, outlet, product).await, 5000);
    assert_eq!(posted["lines"][0]["commission_bp"], 1500);
    assert_consistent(&app, outlet, product).await;
}

#[tokio::test]
async fn a_product_that_is_not_listable_cannot_be_received() {
    let app = TestApp::spawn_demo().await;
    let (_, manager) = tokens(&app).await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let (product, producer) = not_receivable(&app).await;
    let before = ledger_count(&app).await;
    let (status, err) = app
        .post(
            "/api/v1/stock-documents",
            Some(&manager),
            &json!({"kind": "goods_received", "outlet_id": outlet, "producer_id": producer,
                    "lines": [line(product, "3")]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "product_not_receivable");
    // The reason comes from the listing rule (certificate or stars), on line 1.
    let message = err["message"].as_str().unwrap();
    assert!(message.starts_with("Dòng 1:"), "{message}");
    assert!(
        message.contains("chứng nhận") || message.contains("sao"),
        "{message}"
    );
    assert_eq!(ledger_count(&app).await, before);
}

#[tokio::test]
async fn posted_documents_cannot_be_changed_and_numbers_have_no_gaps() {
    let app = TestApp::spawn_demo().await;
    let (_, manager) = tokens(&app).await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let (product, producer) = receivable(&app).await[0];
    let before = on_hand(&app, outlet, product).await;
    let body = json!({"kind": "goods_received", "outlet_id": outlet, "producer_id": producer,
                      "lines": [{"product_id": product, "qty": "4", "lot_code": "T-001"}]});
    let first = draft(&app, &manager, body.clone()).await;
    let abandoned = draft(&app, &manager, body.clone()).await;
    let second = draft(&app, &manager, body.clone()).await;
    let first_id = first["document"]["id"].as_i64().unwrap();
    assert_eq!(first["document"]["status"], "draft");
    assert!(
        first["document"]["number"].is_null(),
        "drafts get no number"
    );

    // A draft can be replaced.
    let mut changed = body.clone();
    changed["lines"][0]["qty"] = json!("6");
    let (status, replaced) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/stock-documents/{first_id}"),
            Some(&manager),
            Some(&changed),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{replaced}");
    assert_eq!(replaced["lines"][0]["qty_milli"], 6000);

    let (status, posted) = post(&app, &manager, first_id).await;
    assert_eq!(status, StatusCode::OK, "{posted}");
    let (status, posted2) = post(&app, &manager, second["document"]["id"].as_i64().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{posted2}");
    // The demo posted one note per producer at LC-SR01 already: the next
    // numbers follow on, consecutive, although a draft was made in between.
    let n1 = posted["document"]["seq"].as_i64().unwrap();
    assert_eq!(posted2["document"]["seq"].as_i64().unwrap(), n1 + 1);
    assert_eq!(posted["document"]["number"], format!("PN-LC-SR01-{n1:06}"));
    assert_eq!(on_hand(&app, outlet, product).await, before + 10_000);
    let entries = posted["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["kind"], "consignment_received");
    assert_eq!(entries[0]["owner_producer_id"], producer);

    // Posted: no replacing, no second posting; the ledger does not move.
    let ledger = ledger_count(&app).await;
    let (status, err) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/stock-documents/{first_id}"),
            Some(&manager),
            Some(&body),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("document_posted")),
        "{err}"
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains(posted["document"]["number"].as_str().unwrap())
    );
    let (status, err) = post(&app, &manager, first_id).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::CONFLICT, Some("document_posted"))
    );
    assert_eq!(ledger_count(&app).await, ledger);
    let (_, again) = app
        .get(
            &format!("/api/v1/stock-documents/{first_id}"),
            Some(&manager),
        )
        .await;
    assert_eq!(again["lines"][0]["qty_milli"], 6000);
    assert_eq!(abandoned["document"]["status"], "draft");
    assert_consistent(&app, outlet, product).await;
}

#[tokio::test]
async fn line_errors_are_clear_and_write_nothing() {
    let app = TestApp::spawn_demo().await;
    let (_, manager) = tokens(&app).await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let list = receivable(&app).await;
    let (product, producer) = list[0];
    let other = list.iter().find(|(_, p)| *p != producer).unwrap().0;
    let cases = [
        (json!([line(product, "0")]), "non_positive_quantity"),
        (
            json!([{"product_id": product, "qty": "1", "lot_code": "lô 1"}]),
            "invalid_lot",
        ),
        (json!([line(other, "1")]), "wrong_producer"),
        (json!([]), "no_lines"),
        (
            json!([{"scan": "8930000000000", "qty": "1"}]),
            "invalid_gtin",
        ),
    ];
    let docs_before = db(&app, |c| {
        use diesel::prelude::*;
        ocop_server::db::schema::stock_documents::table
            .count()
            .get_result::<i64>(c)
            .unwrap()
    })
    .await;
    for (lines, code) in cases {
        let (status, err) = app
            .post("/api/v1/stock-documents", Some(&manager),
                  &json!({"kind": "goods_received", "outlet_id": outlet, "producer_id": producer, "lines": lines}))
            .await;
        assert!(status.is_client_error(), "{lines}: {status} {err}");
        assert_eq!(err["error"], code, "{lines}: {err}");
        assert!(!err["message"].as_str().unwrap().is_empty());
    }
    // Unknown fields are refused.
    let (status, _) = app
        .post("/api/v1/stock-documents", Some(&manager),
              &json!({"kind": "goods_received", "outlet_id": outlet, "producer_id": producer, "lines": [line(product, "1")], "posted": true}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let docs_after = db(&app, |c| {
        use diesel::prelude::*;
        ocop_server::db::schema::stock_documents::table
            .count()
            .get_result::<i64>(c)
            .unwrap()
    })
    .await;
    assert_eq!(docs_before, docs_after);
    // Another outlet's manager cannot touch LC-SR01's documents.
    let other_outlet = outlet_id(&app, "LC-RS01").await;
    let (status, _) = app
        .post("/api/v1/stock-documents", Some(&manager),
              &json!({"kind": "goods_received", "outlet_id": other_outlet, "producer_id": producer, "lines": [line(product, "1")]}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_goods_received_note_prints_as_a_page_and_an_80mm_slip() {
    let app = TestApp::spawn_demo().await;
    let (_, manager) = tokens(&app).await;
    let outlet = outlet_id(&app, "LC-SR01").await;
    let (product, producer) = receivable(&app).await[0];
    let posted = receive(&app, &manager, outlet, producer, product, "7", "IN-42", 90).await;
    let id = posted["document"]["id"].as_i64().unwrap();
    let number = posted["document"]["number"].as_str().unwrap().to_owned();
    let res = app
        .client
        .get(app.url(&format!("/api/v1/stock-documents/{id}/print")))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = res.text().await.unwrap();
    for needle in [
        number.as_str(),
        "PHIẾU NHẬP KÝ GỬI",
        "Bên giao hàng",
        "Bên nhận hàng",
        "IN-42",
        "Ký, ghi rõ họ tên",
        "viewport",
    ] {
        assert!(page.contains(needle), "page lacks {needle}");
    }
    let res = app
        .client
        .get(app.url(&format!("/api/v1/stock-documents/{id}/slip.png")))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let png = res.bytes().await.unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let res = app
        .client
        .get(app.url(&format!("/api/v1/stock-documents/{id}/slip.bin")))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x1b@"), "ESC/POS starts with ESC @");
    // The bytes decode as an 80 mm picture (576 dots wide).
    let preview =
        ocop_hardware::preview::render(&bytes, &ocop_hardware::PrinterProfile::default()).unwrap();
    let png2 = preview.to_png().unwrap();
    assert_eq!(png2.as_slice(), png.as_ref());
    // Someone without access gets 404.
    let producer_token = app.login("producer1", "demo1234").await;
    let (status, _) = app
        .get(
            &format!("/api/v1/stock-documents/{id}/print"),
            Some(&producer_token),
        )
        .await;
    let owner_is_producer1 = db(&app, move |c| {
        ocop_server::models::user::find_by_username(c, "producer1")
            .unwrap()
            .unwrap()
            .producer_id
            == Some(producer)
    })
    .await;
    assert_eq!(
        status,
        if owner_is_producer1 {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        }
    );
}
