//! Catalogue writes: every field is validated with a clear 4xx, a stable
//! code and a Vietnamese message, and a refused write changes nothing. Also
//! who may write and who may see a producer's bank account.

use crate::support::*;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn every_bad_product_field_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let producer = create_producer(&app, &admin, "HTX Kiểm Thử", "5300999001").await;
    let good = product_body(producer, "Rượu ngô kiểm thử", 1);
    let issued = good["cert_issued_on"].as_str().unwrap().to_owned();
    let cases = [
        (json!({"gtin": bad_gtin13(1)}), "invalid_gtin"),
        (json!({"gtin": "89360520000"}), "invalid_gtin"),
        (json!({"stars": 0}), "invalid_star_rating"),
        (json!({"stars": 6}), "invalid_star_rating"),
        (json!({"stars": -3}), "invalid_star_rating"),
        (
            json!({"cert_expires_on": issued}),
            "certificate_dates_inverted",
        ),
        (
            json!({"cert_expires_on": "2001-01-01"}),
            "certificate_dates_inverted",
        ),
        (
            json!({"cert_level": "district"}),
            "invalid_certificate_level",
        ),
        (json!({"cert_number": null}), "incomplete_certificate"),
        (json!({"price": -1}), "negative_price"),
        (json!({"vat_rate": "7"}), "invalid_vat_rate"),
        (json!({"group_code": "weapons"}), "unknown_product_group"),
        (json!({"food_safety_ref": null}), "food_safety_ref_required"),
        (json!({"food_safety_ref": "  "}), "food_safety_ref_required"),
        (json!({"name_vi": "   "}), "required_field"),
        (json!({"unit": ""}), "required_field"),
        (
            json!({"internal_code": "8936052000010"}),
            "invalid_internal_code",
        ),
        (
            json!({"internal_code": "https://x.test/01/1"}),
            "invalid_internal_code",
        ),
        (json!({"producer_id": 999_999}), "unknown_producer"),
        (
            json!({"photo_url": "javascript:alert(1)"}),
            "invalid_photo_url",
        ),
        // Issue 15: each of these was accepted, and the till then refused
        // to sell the product (or PostgreSQL refused the insert with a 500).
        (json!({"name_vi": "Trà\u{0}xanh"}), "invalid_characters"),
        (
            json!({"name_vi": "Mật ong\u{202E}gnort"}),
            "invalid_characters",
        ),
        (json!({"name_en": "Tea\u{2066}x"}), "invalid_characters"),
        (json!({"unit": "hộp\u{1b}"}), "invalid_characters"),
        (json!({"description": "ok\n\u{202D}"}), "invalid_characters"),
        (json!({"gtin": "00000000000000"}), "invalid_gtin"),
        (
            json!({"photo_url": "//evil.example/a.jpg"}),
            "invalid_photo_url",
        ),
        (json!({"photo_url": "/\\evil.example"}), "invalid_photo_url"),
        (json!({"photo_url": "/anh/che.jpg"}), "invalid_photo_url"),
        (json!({"price": 0}), "price_not_positive"),
        (json!({"price": 1_000_000_001}), "price_out_of_range"),
    ];
    for (change, code) in cases {
        let body = with(&good, &change);
        let (status, answer) = app.post("/api/v1/products", Some(&admin), &body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {answer}"
        );
        assert_eq!(answer["error"], code, "{change}: {answer}");
        assert!(!answer["message"].as_str().unwrap().is_empty());
    }
    // Unknown fields and wrong types are 400.
    let (status, answer) = app
        .post(
            "/api/v1/products",
            Some(&admin),
            &with(&good, &json!({"colour": "red"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let (status, _) = app
        .post(
            "/api/v1/products",
            Some(&admin),
            &with(&good, &json!({"price": "a lot"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let before = (
        count(&app, "products").await,
        count(&app, "product_prices").await,
    );
    // Several problems at once: all are named, Vietnamese first.
    let (status, answer) = app
        .post(
            "/api/v1/products",
            Some(&admin),
            &with(
                &good,
                &json!({"stars": 9, "price": -5, "gtin": bad_gtin13(1)}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = answer["message"].as_str().unwrap();
    assert!(
        msg.contains("Hạng sao") && msg.contains("Đơn giá") && msg.contains("GTIN"),
        "{msg}"
    );
    assert_eq!(
        before,
        (
            count(&app, "products").await,
            count(&app, "product_prices").await
        ),
        "a refused product wrote something"
    );

    // The same body, valid, is accepted; the GTIN is stored as 14 digits
    // and the certificate runs 36 months by default.
    let created = create_product(&app, &admin, &good).await;
    assert_eq!(created["gtin"], gtin14(1));
    let issued = chrono::NaiveDate::parse_from_str(&issued, "%Y-%m-%d").unwrap();
    let expires = issued.checked_add_months(chrono::Months::new(36)).unwrap();
    assert_eq!(created["cert_expires_on"], expires.to_string());
    assert_eq!(created["listing"]["status"], "listable");

    // A second product with the same GTIN or internal code: 422, not written.
    let copy = with(
        &product_body(producer, "Bản sao", 2),
        &json!({"gtin": gtin13(1)}),
    );
    let (status, answer) = app.post("/api/v1/products", Some(&admin), &copy).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["error"], "gtin_taken");
    let copy = with(
        &product_body(producer, "Bản sao", 2),
        &json!({"internal_code": "T-00001"}),
    );
    let (_, answer) = app.post("/api/v1/products", Some(&admin), &copy).await;
    assert_eq!(answer["error"], "internal_code_taken");

    // English on request.
    let res = app
        .client
        .post(app.url("/api/v1/products"))
        .bearer_auth(&admin)
        .header("Accept-Language", "en")
        .json(&with(&good, &json!({"gtin": bad_gtin13(3)})))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("check digit"),
        "{body}"
    );
}

#[tokio::test]
async fn a_non_food_group_needs_no_food_safety_reference_and_gtin8_normalises() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let producer = create_producer(&app, &admin, "HTX Thổ Cẩm", "5300999002").await;
    let body = with(
        &product_body(producer, "Khăn thổ cẩm", 5),
        &json!({"group_code": "handicraft", "food_safety_ref": null, "gtin": "96385074",
                "unit": "kg", "fractional": true, "vat_rate": "kct", "price": 0,
                // price 0 only while not on sale (issue 15)
                "active": false}),
    );
    let created = create_product(&app, &admin, &body).await;
    assert_eq!(created["gtin"], "00000096385074");
    assert_eq!(created["fractional"], true);
    assert_eq!(created["vat_rate"], "kct");
}

#[tokio::test]
async fn every_bad_producer_and_outlet_field_is_refused() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let good = producer_body("HTX Mới", "5300999003");
    let before = count(&app, "producers").await;
    for (change, code) in [
        (json!({"tax_code": "12345"}), "invalid_tax_code"),
        (json!({"tax_code": "5300999003-000"}), "invalid_tax_code"),
        (json!({"tax_code": null}), "tax_code_required"),
        (json!({"kind": "corporation"}), "invalid_producer_kind"),
        (json!({"district_code": "ha-noi"}), "unknown_district"),
        (json!({"bank_bin": "123456"}), "unknown_bank"),
        (json!({"bank_account": null}), "incomplete_bank_account"),
        (json!({"bank_account": "12 34"}), "invalid_bank_account"),
        (json!({"phone": "call me"}), "invalid_phone"),
        (json!({"name": ""}), "required_field"),
        (json!({"status": "closed"}), "invalid_status"),
    ] {
        let (status, answer) = app
            .post("/api/v1/producers", Some(&admin), &with(&good, &change))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {answer}"
        );
        assert_eq!(answer["error"], code, "{change}: {answer}");
    }
    assert_eq!(before, count(&app, "producers").await);
    // A household may have no tax code; a branch code is normalised.
    let household = with(&good, &json!({"kind": "household", "tax_code": null}));
    let (status, _) = app
        .post("/api/v1/producers", Some(&admin), &household)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let branch = with(&good, &json!({"tax_code": "5300999003001"}));
    let (status, created) = app.post("/api/v1/producers", Some(&admin), &branch).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["tax_code"], "5300999003-001");
    let (status, answer) = app.post("/api/v1/producers", Some(&admin), &branch).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("tax_code_taken"))
    );

    let good = outlet_body("TEST-01");
    let before = count(&app, "outlets").await;
    for (change, code) in [
        (json!({"kind": "supermarket"}), "invalid_outlet_kind"),
        (json!({"commission_bp": 10001}), "invalid_commission_rate"),
        (json!({"commission_bp": -1}), "invalid_commission_rate"),
        (json!({"latitude": 123.0}), "invalid_coordinates"),
        (json!({"longitude": null}), "invalid_coordinates"),
        (json!({"tax_code": "abc"}), "invalid_tax_code"),
        (json!({"code": "bad code!"}), "invalid_outlet_code"),
        (json!({"code": "LC-SR01"}), "outlet_code_taken"),
        (json!({"district_code": "nowhere"}), "unknown_district"),
    ] {
        let (status, answer) = app
            .post("/api/v1/outlets", Some(&admin), &with(&good, &change))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {answer}"
        );
        assert_eq!(answer["error"], code, "{change}: {answer}");
    }
    assert_eq!(before, count(&app, "outlets").await);
    let (status, created) = app.post("/api/v1/outlets", Some(&admin), &good).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

#[tokio::test]
async fn only_admins_write_the_catalogue() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let producer = create_producer(&app, &admin, "HTX Quyền", "5300999004").await;
    let body = product_body(producer, "Mật ong bạc hà", 7);
    let before = count(&app, "products").await;
    for user in ["cashier1", "manager1", "inspector", "producer1"] {
        let token = app.login(user, PASSWORD).await;
        let (status, answer) = app.post("/api/v1/products", Some(&token), &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {answer}");
        assert_eq!(answer["error"], "forbidden");
        let (status, _) = app
            .post(
                "/api/v1/producers",
                Some(&token),
                &producer_body("X", "5300999005"),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
    }
    let (status, _) = app.post("/api/v1/products", None, &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(before, count(&app, "products").await);
}

#[tokio::test]
async fn a_bank_account_is_seen_only_by_its_producer_and_province_staff() {
    let app = TestApp::spawn_demo().await;
    let producer1 = app.login("producer1", PASSWORD).await;
    let (_, me) = app.get("/api/v1/auth/me", Some(&producer1)).await;
    let own = me["producer_id"].as_i64().unwrap();
    let other = if own == 1 { 2 } else { 1 };

    let (_, mine) = app
        .get(&format!("/api/v1/producers/{own}"), Some(&producer1))
        .await;
    assert!(mine["bank_account"].is_string(), "{mine}");
    let (status, theirs) = app
        .get(&format!("/api/v1/producers/{other}"), Some(&producer1))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(theirs.get("bank_account").is_none());

    for user in ["cashier1", "manager1"] {
        let token = app.login(user, PASSWORD).await;
        let (status, p) = app
            .get(&format!("/api/v1/producers/{other}"), Some(&token))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            p["bank_account"].is_null(),
            "{user} saw a bank account: {p}"
        );
        let (_, list) = app.get("/api/v1/producers", Some(&token)).await;
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|p| p["bank_account"].is_null())
        );
    }
    for user in ["admin", "inspector"] {
        let token = app.login(user, PASSWORD).await;
        let (_, p) = app
            .get(&format!("/api/v1/producers/{other}"), Some(&token))
            .await;
        assert!(p["bank_account"].is_string(), "{user}: {p}");
    }
}

#[tokio::test]
async fn a_manager_edits_only_the_day_to_day_details_of_their_own_outlet() {
    let app = TestApp::spawn_demo().await;
    let manager = app.login("manager1", PASSWORD).await;
    let (_, me) = app.get("/api/v1/auth/me", Some(&manager)).await;
    let own = me["outlet_id"].as_i64().unwrap();
    let (_, outlet) = app
        .get(&format!("/api/v1/outlets/{own}"), Some(&manager))
        .await;
    let mut body = outlet.clone();
    for k in ["id", "created_at", "updated_at"] {
        body.as_object_mut().unwrap().remove(k);
    }
    let path = format!("/api/v1/outlets/{own}");
    let (status, updated) = put(
        &app,
        &path,
        &manager,
        &with(&body, &json!({"opening_hours": "06:00–22:00"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["opening_hours"], "06:00–22:00");

    let (status, answer) = put(
        &app,
        &path,
        &manager,
        &with(&body, &json!({"commission_bp": 100})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["error"], "admin_only_fields");
    let (_, again) = app.get(&path, Some(&manager)).await;
    assert_eq!(again["commission_bp"], outlet["commission_bp"]);

    // Another outlet is someone else's: 404; a cashier may not edit at all.
    let admin = app.login("admin", PASSWORD).await;
    let (status, other) = app
        .post("/api/v1/outlets", Some(&admin), &outlet_body("TEST-02"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let other_path = format!("/api/v1/outlets/{}", other["id"]);
    let (status, _) = put(&app, &other_path, &manager, &outlet_body("TEST-02")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let cashier = app.login("cashier1", PASSWORD).await;
    let (status, _) = put(&app, &path, &cashier, &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The admin may change anything.
    let (status, changed) = put(
        &app,
        &other_path,
        &admin,
        &with(&outlet_body("TEST-02"), &json!({"commission_bp": 2000})),
    )
    .await;
    assert_eq!(
        (status, changed["commission_bp"].as_i64()),
        (StatusCode::OK, Some(2000))
    );
}
