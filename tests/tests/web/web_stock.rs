//! Stock pages: on hand, alerts, movements, documents, and the
//! goods-received form. The form posts a note through the model's own rules
//! (the API's reason, word for word, when it refuses) and stock rises by
//! exactly the quantity; a manager sees and writes only its own outlet; a
//! producer sees only its own goods; a form without this session's CSRF
//! token writes nothing.

use crate::web_common::{
    csrf, csrf_of, id_in, items, on_hand_milli, page, post_form, stock_ids, web_login,
};
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn document_count(app: &TestApp, admin: &str) -> usize {
    items(&app.get("/api/v1/stock-documents", Some(admin)).await.1).len()
}

fn receipt_fields(
    csrf: &str,
    outlet: i64,
    producer: i64,
    product: i64,
    qty: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("outlet_id", outlet.to_string()),
        ("producer_id", producer.to_string()),
        ("note", "Giao hàng qua web".to_owned()),
        ("product_id_1", product.to_string()),
        ("lot_code_1", "WEB-2026-11".to_owned()),
        ("produced_on_1", ocop_e2e::days_ago(30)),
        ("expires_on_1", ocop_e2e::days_ahead(335)),
        ("qty_1", qty.to_owned()),
        ("payout_price_1", String::new()),
        ("product_id_2", String::new()),
    ]
}

#[tokio::test]
async fn the_goods_received_form_posts_a_note_and_stock_rises_by_exactly_the_quantity() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let (status, form) = page(&app, "/stock/receive", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf_of(&form);
    let before = on_hand_milli(&app, &s.admin, s.own, s.product).await;

    let fields = receipt_fields(&token, s.own, s.producer, s.product, "12");
    let (status, location, body) = post_form(&app, "/stock/receive", &cookie, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.unwrap();
    assert!(location.ends_with("/posted"), "{location}");
    let after = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    assert_eq!(after - before, 12_000, "exactly the quantity received");

    // The note is posted (numbered), printable under the web session, listed.
    let doc_id = id_in(location.trim_end_matches("/posted"));
    let (_, doc) = app
        .get(&format!("/api/v1/stock-documents/{doc_id}"), Some(&s.admin))
        .await;
    assert_eq!(doc["document"]["status"], "posted");
    assert_eq!(doc["document"]["kind"], "goods_received");
    let number = doc["document"]["number"].as_str().unwrap().to_owned();
    let (status, printed) = page(&app, &location, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(printed.contains("WEB-2026-11"));
    assert!(printed.contains(&number));
    let (_, list) = page(&app, "/stock/documents", &cookie).await;
    assert!(list.contains(&number), "the document list shows the note");
    assert!(list.contains(&format!("/stock/documents/{doc_id}/print")));

    // The on-hand page and the movement history show the new lot and balance.
    let (status, html) = page(&app, "/stock", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("WEB-2026-11"));
    let (status, html) = page(
        &app,
        &format!(
            "/stock/movements?outlet_id={}&product_id={}",
            s.own, s.product
        ),
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Nhập ký gửi") && html.contains(&number),
        "{html}"
    );
}

#[tokio::test]
async fn receiving_is_refused_with_the_models_reason_and_writes_nothing() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let token = csrf(&app, &cookie).await;
    let docs = document_count(&app, &s.admin).await;

    // A 2-star product that is not a key product is not listable.
    let low = items(&app.get("/api/v1/products?stars=2", Some(&s.admin)).await.1);
    let low = low
        .iter()
        .find(|p| p["listing"]["can_receive"] == false)
        .expect("a non-listable product");
    let (low_id, low_maker) = (
        low["id"].as_i64().unwrap(),
        low["producer_id"].as_i64().unwrap(),
    );
    let before = on_hand_milli(&app, &s.admin, s.own, low_id).await;
    let api_json = |producer: i64, product: i64| {
        json!({"kind": "goods_received", "outlet_id": s.own, "producer_id": producer,
               "lines": [{"product_id": product, "lot_code": "WEB-2026-11", "qty": "5"}]})
    };
    let manager = app.login("manager1", "demo1234").await;
    let (status, api) = app
        .post(
            "/api/v1/stock-documents",
            Some(&manager),
            &api_json(low_maker, low_id),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = api["message"].as_str().unwrap().to_owned();
    let fields = receipt_fields(&token, s.own, low_maker, low_id, "5");
    let (status, _, html) = post_form(&app, "/stock/receive", &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(&maud_escape(&reason)),
        "the model's reason {reason:?} is shown: {html}"
    );
    assert!(
        html.contains("value=\"WEB-2026-11\""),
        "what was typed is kept"
    );
    assert_eq!(on_hand_milli(&app, &s.admin, s.own, low_id).await, before);

    // A new producer with no consignment agreement cannot deliver.
    let (_, reference) = app.get("/api/v1/reference", None).await;
    let district = reference["districts"][0]["code"].clone();
    let (status, p) = app
        .post("/api/v1/producers", Some(&s.admin), &json!({"name": "HTX Mới Chưa Ký Gửi", "kind": "household",
            "district_code": district, "commune": "Tả Van", "contact_name": "Lò Thị Hoa", "phone": "0912345678"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let newcomer = p["id"].as_i64().unwrap();
    let (status, prod) = app
        .post("/api/v1/products", Some(&s.admin), &json!({"producer_id": newcomer, "name_vi": "Khăn thổ cẩm Tả Van",
            "group_code": "handicraft", "stars": 4, "cert_number": "QĐ 45/2025", "cert_level": "province",
            "cert_issued_on": ocop_e2e::days_ago(100), "unit": "chiếc", "vat_rate": "10", "price": 150000}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{prod}");
    let new_product = prod["id"].as_i64().unwrap();
    let (status, api) = app
        .post(
            "/api/v1/stock-documents",
            Some(&manager),
            &api_json(newcomer, new_product),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = api["message"].as_str().unwrap().to_owned();
    let fields = receipt_fields(&token, s.own, newcomer, new_product, "5");
    let (status, _, html) = post_form(&app, "/stock/receive", &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(&maud_escape(&reason)),
        "the model's reason {reason:?} is shown"
    );
    assert_eq!(on_hand_milli(&app, &s.admin, s.own, new_product).await, 0);

    // An unreadable quantity is said so, in Vietnamese.
    let fields = receipt_fields(&token, s.own, s.producer, s.product, "mười hai");
    let (status, _, html) = post_form(&app, "/stock/receive", &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Dòng 1: số lượng"), "{html}");

    assert_eq!(
        document_count(&app, &s.admin).await,
        docs,
        "not even a draft was left behind"
    );
}

/// What maud makes of text in HTML.
fn maud_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::test]
async fn the_receipt_form_needs_this_sessions_csrf_token() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let admin_cookie = web_login(&app, "admin").await;
    let foreign = csrf(&app, &admin_cookie).await;
    let docs = document_count(&app, &s.admin).await;
    let before = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    for bad in [String::new(), "00ff".to_owned(), foreign] {
        let fields = receipt_fields(&bad, s.own, s.producer, s.product, "3");
        let (status, _, _) = post_form(&app, "/stock/receive", &cookie, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "csrf {bad:?}");
    }
    assert_eq!(document_count(&app, &s.admin).await, docs);
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await,
        before
    );
}

#[tokio::test]
async fn a_manager_sees_and_receives_at_its_own_outlet_only() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    for path in [
        format!("/stock?outlet_id={}", s.other),
        format!("/stock/alerts?outlet_id={}", s.other),
        format!("/stock/documents?outlet_id={}", s.other),
        format!(
            "/stock/movements?outlet_id={}&product_id={}",
            s.other, s.product
        ),
        format!("/stock/receive?outlet_id={}", s.other),
    ] {
        let (status, _) = page(&app, &path, &cookie).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // Another outlet's posted note is not printable for this manager.
    let (_, theirs) = app
        .get(
            &format!("/api/v1/stock-documents?outlet_id={}", s.other),
            Some(&s.admin),
        )
        .await;
    let theirs = items(&theirs)
        .into_iter()
        .find(|d| d["outlet_id"].as_i64() == Some(s.other) && d["dest_outlet_id"].is_null())
        .expect("the demo posts notes at every outlet");
    let (status, _) = page(
        &app,
        &format!("/stock/documents/{}/print", theirs["id"]),
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, own_list) = page(&app, "/stock/documents", &cookie).await;
    assert!(!own_list.contains(&format!("/stock/documents/{}/print", theirs["id"])));

    // Receiving at another outlet is refused and writes nothing.
    let token = csrf(&app, &cookie).await;
    let before = on_hand_milli(&app, &s.admin, s.other, s.product).await;
    let fields = receipt_fields(&token, s.other, s.producer, s.product, "4");
    let (status, _, _) = post_form(&app, "/stock/receive", &cookie, &fields).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.other, s.product).await,
        before
    );

    // The own outlet's pages answer; the alerts page has its four sections.
    let (status, html) = page(&app, "/stock/alerts", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    for section in [
        "Lô sắp hết hạn",
        "Giấy chứng nhận OCOP hết hạn trong 90 ngày",
        "Sắp hết hàng",
        "Tồn âm",
    ] {
        assert!(html.contains(section), "{section}");
    }
    // An inspector chooses any outlet.
    let inspector = web_login(&app, "inspector").await;
    let (status, html) = page(&app, &format!("/stock?outlet_id={}", s.other), &inspector).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("<option value=\"{}\" selected", s.other)));
}

#[tokio::test]
async fn a_producer_sees_only_its_own_goods() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let own_names: Vec<String> = items(
        &app.get(
            &format!("/api/v1/products?producer_id={}", s.producer),
            Some(&s.admin),
        )
        .await
        .1,
    )
    .iter()
    .map(|p| p["name_vi"].as_str().unwrap().to_owned())
    .collect();
    let (_, all) = app.get("/api/v1/stock/on-hand", Some(&s.admin)).await;
    let rows = all["rows"].as_array().unwrap();
    let foreign = rows
        .iter()
        .find(|r| r["owner_producer_id"].as_i64() != Some(s.producer))
        .expect("other producers have stock in the demo");
    let foreign_name = foreign["product_name"].as_str().unwrap().to_owned();

    let admin_cookie = web_login(&app, "admin").await;
    let (_, html) = page(&app, "/stock", &admin_cookie).await;
    assert!(
        html.contains(&foreign_name),
        "the admin sees every producer's goods"
    );

    let cookie = web_login(&app, "producer1").await;
    let (status, html) = page(&app, "/stock", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        own_names.iter().any(|n| html.contains(n.as_str())),
        "its own goods are listed"
    );
    assert!(
        !html.contains(&foreign_name),
        "another producer's goods leaked"
    );
    // Issue 14: the outlet holding the goods by name, each figure labelled
    // (a phone shows each row as a card of labelled values).
    let outlet = app
        .get(&format!("/api/v1/outlets/{}", s.own), Some(&s.admin))
        .await
        .1;
    let outlet_name = outlet["name"].as_str().unwrap();
    assert!(html.contains(outlet_name), "{outlet_name}: {html}");
    for label in ["Giá trị bán lẻ", "Giá trị trả chủ thể"] {
        assert!(html.contains(&format!("data-label=\"{label}\"")), "{label}");
    }
    let (status, _) = page(
        &app,
        &format!(
            "/stock/movements?outlet_id={}&product_id={}",
            foreign["outlet_id"], foreign["product_id"]
        ),
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A producer reads stock; it does not receive goods.
    let (status, _) = page(&app, "/stock/receive", &cookie).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_write_off_takes_exactly_the_quantity_and_never_more_than_is_on_hand() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let (status, form) = page(&app, "/stock/write-off", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf_of(&form);
    let before = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    assert!(before >= 2_000, "the demo has stock of producer1's product");
    let docs = document_count(&app, &s.admin).await;
    let fields = |qty: &str, csrf: &str| {
        vec![
            ("csrf", csrf.to_owned()),
            ("outlet_id", s.own.to_string()),
            ("write_off_reason", "damaged".to_owned()),
            ("note", String::new()),
            ("product_id_1", s.product.to_string()),
            ("lot_code_1", String::new()),
            ("qty_1", qty.to_owned()),
            ("reason_1", "Vỡ khi bày hàng".to_owned()),
        ]
    };

    // More than is on hand: the model's insufficient-stock reason, nothing written.
    let too_many = format!("{}", before / 1000 + 5);
    let (status, _, html) = post_form(
        &app,
        "/stock/write-off",
        &cookie,
        &fields(&too_many, &token),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("Vỡ khi bày hàng"), "what was typed is kept");
    assert!(
        html.contains("Không đủ hàng tồn của"),
        "the model's reason: {html}"
    );
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await,
        before
    );
    assert_eq!(document_count(&app, &s.admin).await, docs);

    // Without the session's token: refused, nothing written.
    let (status, _, _) = post_form(&app, "/stock/write-off", &cookie, &fields("2", "")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await,
        before
    );

    let (status, location, html) =
        post_form(&app, "/stock/write-off", &cookie, &fields("2", &token)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    assert!(location.unwrap().ends_with("/print"));
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await,
        before - 2_000
    );
    let (_, list) = app
        .get("/api/v1/stock-documents?kind=write_off", Some(&s.admin))
        .await;
    let newest = &items(&list)[0];
    assert_eq!(newest["write_off_reason"], "damaged");
    assert_eq!(newest["status"], "posted");

    // At another outlet: 404, nothing written.
    let other_before = on_hand_milli(&app, &s.admin, s.other, s.product).await;
    let mut elsewhere = fields("1", &token);
    elsewhere[1].1 = s.other.to_string();
    let (status, _, _) = post_form(&app, "/stock/write-off", &cookie, &elsewhere).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.other, s.product).await,
        other_before
    );
}

#[tokio::test]
async fn a_count_posts_exactly_the_variance_and_wants_a_reason_for_it() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let (status, form) = page(&app, "/stock/count", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Số lượng đếm được"));
    let token = csrf_of(&form);
    let before = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    assert!(before >= 1_000);
    let counted = before / 1000 - 1;
    let docs = document_count(&app, &s.admin).await;
    let fields = |reason: &str| {
        vec![
            ("csrf", token.clone()),
            ("outlet_id", s.own.to_string()),
            ("note", String::new()),
            ("product_id_1", s.product.to_string()),
            ("lot_code_1", String::new()),
            ("qty_1", counted.to_string()),
            ("reason_1", reason.to_owned()),
        ]
    };
    // A variance without a reason: the model's refusal, nothing written.
    let (status, _, html) = post_form(&app, "/stock/count", &cookie, &fields("")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("cần ghi lý do"), "{html}");
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await,
        before
    );
    assert_eq!(document_count(&app, &s.admin).await, docs);

    let (status, location, html) =
        post_form(&app, "/stock/count", &cookie, &fields("Mất một hộp")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    assert!(location.unwrap().ends_with("/print"));
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await,
        counted * 1000,
        "stock on hand is what was counted"
    );
}

/// The `div.field` holding the input or select named `name`.
fn field_block<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no field {name}: {html}"));
    let start = html[..at].rfind("<div class=\"field").unwrap();
    let end = at + html[at..].find("</div>").unwrap();
    &html[start..end]
}

/// Issue 11: every POST takes its form through the CSRF extractor, which
/// refuses a forged form before the form is even read — whatever its body.
#[tokio::test]
async fn a_forged_stock_form_is_refused_before_it_is_read_and_writes_nothing() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let admin_cookie = web_login(&app, "admin").await;
    let foreign = csrf(&app, &admin_cookie).await;
    let docs = document_count(&app, &s.admin).await;
    let before = on_hand_milli(&app, &s.admin, s.own, s.product).await;
    let sheet = |bad: &str| {
        vec![
            ("csrf", bad.to_owned()),
            ("outlet_id", s.own.to_string()),
            ("write_off_reason", "damaged".to_owned()),
            ("product_id_1", s.product.to_string()),
            ("qty_1", "1".to_owned()),
        ]
    };
    for bad in [String::new(), "00ff".to_owned(), foreign] {
        for path in [
            "/stock/write-off",
            "/stock/count",
            "/stock/transfer/1/receive",
        ] {
            let (status, _, html) = post_form(&app, path, &cookie, &sheet(&bad)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path} csrf {bad:?}");
            assert!(html.contains("mã chống giả mạo"), "{html}");
        }
        // A body that is not the form's shape at all: still 403, not 400.
        let junk = vec![("csrf", bad.clone()), ("not_a_field", "x".to_owned())];
        let (status, _, _) = post_form(&app, "/stock/receive", &cookie, &junk).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "junk csrf {bad:?}");
    }
    // No csrf field at all.
    let mut missing = sheet("");
    missing.remove(0);
    let (status, _, _) = post_form(&app, "/stock/write-off", &cookie, &missing).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(document_count(&app, &s.admin).await, docs);
    assert_eq!(
        on_hand_milli(&app, &s.admin, s.own, s.product).await,
        before
    );
}

#[tokio::test]
async fn a_stock_form_problem_is_shown_beside_its_field() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let token = csrf(&app, &cookie).await;
    let docs = document_count(&app, &s.admin).await;

    let mut fields = receipt_fields(&token, s.own, s.producer, s.product, "mười hai");
    fields.extend([
        ("product_id_2", s.product.to_string()),
        ("qty_2", "3".to_owned()),
        ("expires_on_2", "31/02/2027".to_owned()),
    ]);
    let (status, _, html) = post_form(&app, "/stock/receive", &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let qty = field_block(&html, "qty_1");
    assert!(qty.contains("field invalid"), "{qty}");
    assert!(
        qty.contains("field-error\">Dòng 1: số lượng &quot;mười hai&quot; không hợp lệ."),
        "{qty}"
    );
    let expiry = field_block(&html, "expires_on_2");
    assert!(
        expiry.contains("Dòng 2: hạn sử dụng &quot;31/02/2027&quot;"),
        "{expiry}"
    );
    // Fields without a problem carry none; what was typed is kept.
    assert!(!field_block(&html, "lot_code_1").contains("field-error"));
    assert!(field_block(&html, "lot_code_1").contains("value=\"WEB-2026-11\""));

    // A transfer without a destination: said beside the destination, in English too.
    let transfer = vec![
        ("csrf", token.clone()),
        ("outlet_id", s.own.to_string()),
        ("dest_outlet_id", String::new()),
        ("product_id_1", s.product.to_string()),
        ("qty_1", "1".to_owned()),
    ];
    let (status, _, html) = post_form(&app, "/stock/transfer?lang=en", &cookie, &transfer).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        field_block(&html, "dest_outlet_id").contains("Choose the destination outlet."),
        "{html}"
    );
    assert_eq!(
        document_count(&app, &s.admin).await,
        docs,
        "nothing written"
    );
}

#[tokio::test]
async fn a_printed_document_reads_in_english_in_the_common_layout() {
    let app = TestApp::spawn_demo().await;
    let s = stock_ids(&app).await;
    let cookie = web_login(&app, "manager1").await;
    let token = csrf(&app, &cookie).await;
    let fields = receipt_fields(&token, s.own, s.producer, s.product, "4");
    let (status, location, body) = post_form(&app, "/stock/receive", &cookie, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.unwrap();

    let (status, en) = page(&app, &format!("{location}?lang=en"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "lang=\"en\"",
        "CONSIGNMENT GOODS RECEIVED NOTE",
        "Delivered by (OCOP producer)",
        "Received by (outlet)",
        "(Signature and full name)",
        "Quantity",
        "WEB-2026-11",
        // The common layout: its header and navigation.
        "href=\"/stock\"",
        "viewport",
    ] {
        assert!(en.contains(needle), "the English page lacks {needle}: {en}");
    }
    assert!(!en.contains("Ký, ghi rõ họ tên"), "{en}");

    // The API's printable page follows Accept-Language; Vietnamese by default.
    let id = id_in(location.trim_end_matches("/posted"));
    let manager = app.login("manager1", "demo1234").await;
    let api = |lang: Option<&'static str>| {
        let mut req = app
            .client
            .get(app.url(&format!("/api/v1/stock-documents/{id}/print")))
            .bearer_auth(&manager);
        if let Some(l) = lang {
            req = req.header("accept-language", l);
        }
        req
    };
    let en = api(Some("en")).send().await.unwrap().text().await.unwrap();
    assert!(en.contains("CONSIGNMENT GOODS RECEIVED NOTE"), "{en}");
    let vi = api(None).send().await.unwrap().text().await.unwrap();
    assert!(
        vi.contains("PHIẾU NHẬP KÝ GỬI") && vi.contains("Ký, ghi rõ họ tên"),
        "{vi}"
    );
}
