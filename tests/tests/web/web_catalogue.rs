//! Catalogue forms on the web pages: create and edit products, producers
//! and outlets through the same model functions as the API. A refused form
//! is re-shown (422) with what was typed and the Vietnamese message beside
//! its field, and writes nothing; a form without this session's CSRF token
//! is refused (403) and writes nothing; a manager edits only its own outlet.

use crate::web_common::{self, csrf, id_in, items, page, post_form, web_login};
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

/// A valid product form for `producer_id`, named `name`.
fn product_fields(
    csrf: &str,
    producer_id: i64,
    name: &str,
    gtin: &str,
    price: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("producer_id", producer_id.to_string()),
        ("name_vi", name.to_owned()),
        ("name_en", String::new()),
        ("group_code", "food".to_owned()),
        ("stars", "4".to_owned()),
        ("cert_number", "QĐ 123/2025".to_owned()),
        ("cert_level", "province".to_owned()),
        ("cert_issued_on", ocop_e2e::days_ago(100)),
        ("cert_expires_on", String::new()),
        ("gtin", gtin.to_owned()),
        ("internal_code", String::new()),
        ("unit", "hộp".to_owned()),
        ("vat_rate", "10".to_owned()),
        ("price", price.to_owned()),
        ("food_safety_ref", "01/2025/TCB".to_owned()),
        ("description", "Mật ong bạc hà Mèo Vạc".to_owned()),
        ("photo_url", String::new()),
        ("active", "on".to_owned()),
    ]
}

async fn first_producer(app: &TestApp, admin: &str) -> i64 {
    let (_, list) = app.get("/api/v1/producers", Some(admin)).await;
    items(&list)[0]["id"].as_i64().unwrap()
}

async fn products_named(app: &TestApp, admin: &str, q: &str) -> Vec<Value> {
    let (status, list) = app
        .get(&format!("/api/v1/products?q={q}"), Some(admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    items(&list)
}

#[tokio::test]
async fn a_bad_gtin_reshows_the_form_with_the_error_and_writes_nothing() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let producer = first_producer(&app, &admin).await;
    let cookie = web_login(&app, "admin").await;
    let (status, form) = page(&app, "/catalogue/products/new", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let token = web_common::csrf_of(&form);

    // 8936052000018: the check digit should be 9.
    let fields = product_fields(
        &token,
        producer,
        "Mật ong bạc hà thử nghiệm",
        "8936052000018",
        "350.000",
    );
    let (status, location, html) =
        post_form(&app, "/catalogue/products/new", &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(location.is_none());
    assert!(
        html.contains("Sai số kiểm tra của mã GTIN"),
        "the GTIN message is shown"
    );
    assert!(
        html.contains("value=\"Mật ong bạc hà thử nghiệm\""),
        "what was typed is kept"
    );
    assert!(
        html.contains("value=\"8936052000018\""),
        "the bad GTIN is kept to be corrected"
    );
    assert!(html.contains("field-error"));
    assert!(
        products_named(&app, &admin, "mat%20ong%20bac%20ha%20thu")
            .await
            .is_empty(),
        "nothing written"
    );

    // Several problems at once: every one is listed, still nothing written.
    let mut fields = product_fields(&token, producer, "", "8936052000018", "-5");
    fields.retain(|(k, _)| *k != "food_safety_ref");
    let (status, _, html) = post_form(&app, "/catalogue/products/new", &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Tên sản phẩm không được để trống"), "{html}");
    assert!(html.contains("Sai số kiểm tra của mã GTIN"));
    assert!(
        html.contains("an toàn thực phẩm"),
        "food-safety reference required"
    );
    let (_, all) = app.get("/api/v1/products?limit=1000", Some(&admin)).await;
    let before = items(&all).len();

    // Words where a number belongs: said in Vietnamese, nothing written.
    let fields = product_fields(&token, producer, "Mật ong giá chữ", "", "ba trăm nghìn");
    let (status, _, html) = post_form(&app, "/catalogue/products/new", &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Giá bán phải là số nguyên"), "{html}");
    let (_, all) = app.get("/api/v1/products?limit=1000", Some(&admin)).await;
    assert_eq!(items(&all).len(), before);
}

#[tokio::test]
async fn a_good_form_creates_a_product_and_a_price_change_appends_to_its_history() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let producer = first_producer(&app, &admin).await;
    let cookie = web_login(&app, "admin").await;
    let token = csrf(&app, &cookie).await;

    let fields = product_fields(
        &token,
        producer,
        "Mật ong bạc hà Mèo Vạc",
        "8939999123457",
        "350.000",
    );
    let (status, location, body) =
        post_form(&app, "/catalogue/products/new", &cookie, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let id = id_in(&location.unwrap());
    let (status, p) = app
        .get(&format!("/api/v1/products/{id}"), Some(&admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["name_vi"], "Mật ong bạc hà Mèo Vạc");
    assert_eq!(p["price"], 350_000);
    assert_eq!(p["gtin"], "08939999123457");
    assert_eq!(p["producer_id"], producer);

    let (_, shown) = page(&app, &format!("/catalogue/products/{id}"), &cookie).await;
    assert!(
        shown.contains(&format!("/catalogue/products/{id}/edit")),
        "admins get an edit link"
    );
    // The edit form shows the stored values; a new price is appended.
    let (status, html) = page(&app, &format!("/catalogue/products/{id}/edit"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"350000\""), "{html}");
    let fields = product_fields(
        &token,
        producer,
        "Mật ong bạc hà Mèo Vạc (hũ 500 g)",
        "8939999123457",
        "365000",
    );
    let (status, location, body) = post_form(
        &app,
        &format!("/catalogue/products/{id}/edit"),
        &cookie,
        &fields,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location.unwrap(), format!("/catalogue/products/{id}"));
    let (_, p) = app
        .get(&format!("/api/v1/products/{id}"), Some(&admin))
        .await;
    assert_eq!(p["price"], 365_000);
    assert_eq!(p["name_vi"], "Mật ong bạc hà Mèo Vạc (hũ 500 g)");
    let (_, prices) = app
        .get(&format!("/api/v1/products/{id}/prices"), Some(&admin))
        .await;
    let prices: Vec<i64> = items(&prices)
        .iter()
        .map(|e| e["price"].as_i64().unwrap())
        .collect();
    assert_eq!(prices, vec![350_000, 365_000]);

    // A bad edit changes nothing, price history included.
    let fields = product_fields(&token, producer, "Mật ong", "8936052000018", "1");
    let (status, _, _) = post_form(
        &app,
        &format!("/catalogue/products/{id}/edit"),
        &cookie,
        &fields,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, p) = app
        .get(&format!("/api/v1/products/{id}"), Some(&admin))
        .await;
    assert_eq!(p["price"], 365_000);
    let (_, prices) = app
        .get(&format!("/api/v1/products/{id}/prices"), Some(&admin))
        .await;
    assert_eq!(items(&prices).len(), 2);
}

#[tokio::test]
async fn forms_without_this_sessions_csrf_token_are_refused_and_write_nothing() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let producer = first_producer(&app, &admin).await;
    let cookie = web_login(&app, "admin").await;
    let other = web_login(&app, "manager1").await;
    let foreign = csrf(&app, &other).await;
    let (_, before) = app
        .get(&format!("/api/v1/producers/{producer}"), Some(&admin))
        .await;

    for bad in [String::new(), "00ff".to_owned(), foreign.clone()] {
        let fields = product_fields(&bad, producer, "Sản phẩm giả mạo CSRF", "", "1000");
        let (status, _, _) = post_form(&app, "/catalogue/products/new", &cookie, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "csrf {bad:?}");
        let fields = vec![
            ("csrf", bad.clone()),
            ("name", "Đổi tên giả mạo".to_owned()),
            ("kind", "htx".to_owned()),
        ];
        let (status, _, _) = post_form(
            &app,
            &format!("/catalogue/producers/{producer}/edit"),
            &cookie,
            &fields,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "csrf {bad:?}");
    }
    // With no csrf field at all.
    let (status, _, _) = post_form(
        &app,
        "/catalogue/outlets/new",
        &cookie,
        &[("code", "X-1".to_owned())],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    assert!(
        products_named(&app, &admin, "gia%20mao%20csrf")
            .await
            .is_empty()
    );
    let (_, after) = app
        .get(&format!("/api/v1/producers/{producer}"), Some(&admin))
        .await;
    assert_eq!(before, after, "the producer is unchanged");
}

fn producer_fields(csrf: &str, name: &str, tax: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("name", name.to_owned()),
        ("kind", "htx".to_owned()),
        ("tax_code", tax.to_owned()),
        ("district_code", "bac_ha".to_owned()),
        ("commune", "Bản Phố".to_owned()),
        ("address", "Thôn Bản Phố 1".to_owned()),
        ("contact_name", "Lù Văn Páo".to_owned()),
        ("phone", "0912 345 678".to_owned()),
        ("bank_bin", String::new()),
        ("bank_account", String::new()),
        ("bank_holder", String::new()),
        ("status", "active".to_owned()),
    ]
}

#[tokio::test]
async fn producers_are_created_and_edited_through_the_form() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let (_, reference) = app.get("/api/v1/reference", None).await;
    let district = reference["districts"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let cookie = web_login(&app, "admin").await;
    let token = csrf(&app, &cookie).await;

    let mut fields = producer_fields(&token, "HTX Rượu ngô Bản Phố mới", "12345");
    fields[4].1 = district.clone();
    let (status, _, html) = post_form(&app, "/catalogue/producers/new", &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("value=\"12345\""));
    assert!(html.contains("field-error"));
    let (_, found) = app
        .get(
            "/api/v1/producers?q=ruou%20ngo%20ban%20pho%20moi",
            Some(&admin),
        )
        .await;
    assert!(items(&found).is_empty(), "nothing written");

    fields[3].1 = "5300123456".to_owned();
    let (status, location, html) =
        post_form(&app, "/catalogue/producers/new", &cookie, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(location.unwrap(), "/catalogue/producers");
    let (_, found) = app
        .get(
            "/api/v1/producers?q=ruou%20ngo%20ban%20pho%20moi",
            Some(&admin),
        )
        .await;
    let created = items(&found);
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["tax_code"], "5300123456");
    let id = created[0]["id"].as_i64().unwrap();

    fields[7].1 = "Giàng Thị Mai".to_owned();
    let (status, _, html) = post_form(
        &app,
        &format!("/catalogue/producers/{id}/edit"),
        &cookie,
        &fields,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let (_, p) = app
        .get(&format!("/api/v1/producers/{id}"), Some(&admin))
        .await;
    assert_eq!(p["contact_name"], "Giàng Thị Mai");

    // Only admins reach the producer forms.
    let manager = web_login(&app, "manager1").await;
    let (status, _) = page(&app, &format!("/catalogue/producers/{id}/edit"), &manager).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_manager_edits_its_own_outlet_only() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let token = app.login("manager1", "demo1234").await;
    let (_, me) = app.get("/api/v1/auth/me", Some(&token)).await;
    let own = me["outlet_id"].as_i64().unwrap();
    let (_, outlets) = app.get("/api/v1/outlets", Some(&admin)).await;
    let other = items(&outlets)
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .find(|id| *id != own)
        .unwrap();
    let cookie = web_login(&app, "manager1").await;

    let (status, _) = page(&app, &format!("/catalogue/outlets/{other}/edit"), &cookie).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = page(&app, "/catalogue/outlets", &cookie).await;
    assert!(
        list.contains(&format!("/catalogue/outlets/{own}/edit")),
        "a link to edit its own outlet"
    );
    assert!(!list.contains(&format!("/catalogue/outlets/{other}/edit")));
    let (status, html) = page(&app, &format!("/catalogue/outlets/{own}/edit"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let token = web_common::csrf_of(&html);

    // The stored values, as the form shows them, with new opening hours.
    let (_, stored) = app
        .get(&format!("/api/v1/outlets/{own}"), Some(&admin))
        .await;
    let s = |k: &str| match &stored[k] {
        Value::String(v) => v.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    };
    let mut fields: Vec<(&str, String)> = vec![("csrf", token.clone())];
    for k in [
        "code",
        "name",
        "kind",
        "district_code",
        "address",
        "latitude",
        "longitude",
        "operator_name",
        "commission_bp",
        "legal_name",
        "tax_code",
        "phone",
        "bank_bin",
        "bank_account",
        "bank_holder",
    ] {
        fields.push((k, s(k)));
    }
    fields.push(("opening_hours", "7:00–21:00 hằng ngày".to_owned()));
    fields.push(("active", "on".to_owned()));

    let (status, _, _) = post_form(
        &app,
        &format!("/catalogue/outlets/{other}/edit"),
        &cookie,
        &fields,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another outlet");
    let (_, o) = app
        .get(&format!("/api/v1/outlets/{other}"), Some(&admin))
        .await;
    assert_ne!(o["opening_hours"], "7:00–21:00 hằng ngày");

    let (status, _, html) = post_form(
        &app,
        &format!("/catalogue/outlets/{own}/edit"),
        &cookie,
        &fields,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let (_, o) = app
        .get(&format!("/api/v1/outlets/{own}"), Some(&admin))
        .await;
    assert_eq!(o["opening_hours"], "7:00–21:00 hằng ngày");

    // A manager may not rename the outlet: the model's reason, nothing written.
    let mut renamed = fields.clone();
    for f in &mut renamed {
        if f.0 == "name" {
            f.1 = "Tên mới".to_owned();
        }
    }
    let (status, _, html) = post_form(
        &app,
        &format!("/catalogue/outlets/{own}/edit"),
        &cookie,
        &renamed,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Quản lý điểm bán chỉ được sửa địa chỉ"),
        "{html}"
    );
    let (_, o) = app
        .get(&format!("/api/v1/outlets/{own}"), Some(&admin))
        .await;
    assert_eq!(o["name"], stored["name"]);

    // An admin creates an outlet; a bad commission is shown, not stored.
    let admin_cookie = web_login(&app, "admin").await;
    let token = csrf(&app, &admin_cookie).await;
    let mut new_fields: Vec<(&str, String)> = fields
        .iter()
        .filter(|(k, _)| *k != "csrf")
        .cloned()
        .collect();
    new_fields.push(("csrf", token));
    for f in &mut new_fields {
        match f.0 {
            "code" => f.1 = "LC-TEST9".to_owned(),
            "name" => f.1 = "Điểm bán thử Sa Pa".to_owned(),
            "commission_bp" => f.1 = "mười lăm".to_owned(),
            _ => {}
        }
    }
    let (status, _, html) =
        post_form(&app, "/catalogue/outlets/new", &admin_cookie, &new_fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Hoa hồng phải là số nguyên"), "{html}");
    let count = items(&app.get("/api/v1/outlets", Some(&admin)).await.1).len();
    for f in &mut new_fields {
        if f.0 == "commission_bp" {
            f.1 = "1200".to_owned();
        }
    }
    let (status, _, html) =
        post_form(&app, "/catalogue/outlets/new", &admin_cookie, &new_fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let after = items(&app.get("/api/v1/outlets", Some(&admin)).await.1);
    assert_eq!(after.len(), count + 1);
    assert!(
        after
            .iter()
            .any(|o| o["code"] == "LC-TEST9" && o["commission_bp"] == 1200)
    );
}
