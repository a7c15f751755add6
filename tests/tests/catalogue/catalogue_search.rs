//! Finding products: by name without diacritics, by barcode, by producer,
//! group, stars and district, in pages; and resolving scans (EAN, internal
//! code, GS1 Digital Link) to products.

use crate::support::*;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Percent-encodes every byte but unreserved ASCII.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn names(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let (status, body) = app
        .get(&format!("/api/v1/products?{query}"), Some(token))
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|p| p["name_vi"].as_str().unwrap().to_owned())
        .collect()
}

/// Three products of a producer in Bắc Hà; returns (admin token, producer id).
async fn seed(app: &TestApp) -> (String, i64) {
    let admin = app.login("admin", PASSWORD).await;
    let producer = create_producer(app, &admin, "HTX Rượu Làng Thử", "5300999201").await;
    for (n, name, stars, group) in [
        (1, "Rượu ngô men lá Làng Thử", 4, "beverage"),
        (2, "Rượu táo mèo Làng Thử", 3, "beverage"),
        (3, "Khăn thổ cẩm Làng Thử", 5, "handicraft"),
    ] {
        let body = with(
            &product_body(producer, name, 900 + n),
            &json!({"stars": stars, "group_code": group}),
        );
        create_product(app, &admin, &body).await;
    }
    (admin, producer)
}

#[tokio::test]
async fn names_are_found_without_diacritics_or_case() {
    let app = TestApp::spawn_demo().await;
    let (admin, _) = seed(&app).await;
    let cashier = app.login("cashier1", PASSWORD).await;
    for q in [
        "ruou%20ngo",
        "R%C6%AF%E1%BB%A2U%20NG%C3%94",
        "RUOU%20NGO%20MEN",
        "ngo%20men%20la",
    ] {
        let found = names(&app, &cashier, &format!("q={q}")).await;
        assert!(
            found.contains(&"Rượu ngô men lá Làng Thử".to_owned()),
            "{q}: {found:?}"
        );
        assert!(
            !found.contains(&"Rượu táo mèo Làng Thử".to_owned()),
            "{q}: {found:?}"
        );
    }
    let found = names(&app, &admin, "q=lang%20thu").await;
    assert_eq!(found.len(), 3, "{found:?}");
    // Sorted by name, diacritics folded: Khăn < Rượu ngô < Rượu táo.
    assert_eq!(
        found,
        [
            "Khăn thổ cẩm Làng Thử",
            "Rượu ngô men lá Làng Thử",
            "Rượu táo mèo Làng Thử"
        ]
    );
    assert!(
        names(&app, &admin, "q=kh%C3%B4ng%20c%C3%B3%20g%C3%AC")
            .await
            .is_empty()
    );
    // LIKE wildcards are plain characters.
    assert!(names(&app, &admin, "q=%25").await.is_empty());
    assert!(names(&app, &admin, "q=_").await.is_empty());
}

#[tokio::test]
async fn filters_combine_and_pages_do_not_overlap() {
    let app = TestApp::spawn_demo().await;
    let (admin, producer) = seed(&app).await;
    assert_eq!(
        names(&app, &admin, &format!("producer_id={producer}"))
            .await
            .len(),
        3
    );
    assert_eq!(
        names(
            &app,
            &admin,
            &format!("producer_id={producer}&group=beverage")
        )
        .await
        .len(),
        2
    );
    assert_eq!(
        names(&app, &admin, &format!("producer_id={producer}&stars=5")).await,
        ["Khăn thổ cẩm Làng Thử"]
    );
    assert_eq!(
        names(&app, &admin, &format!("producer_id={producer}&min_stars=4"))
            .await
            .len(),
        2
    );
    let in_bac_ha = names(&app, &admin, "district=bac-ha&q=lang%20thu").await;
    assert_eq!(in_bac_ha.len(), 3);
    assert!(
        names(&app, &admin, "district=sa-pa&q=lang%20thu")
            .await
            .is_empty()
    );
    assert_eq!(
        names(&app, &admin, &format!("code={}", gtin13(902))).await,
        ["Rượu táo mèo Làng Thử"]
    );
    assert_eq!(
        names(&app, &admin, &format!("code={}", gtin14(902))).await,
        ["Rượu táo mèo Làng Thử"]
    );
    assert_eq!(
        names(&app, &admin, "code=T-00903").await,
        ["Khăn thổ cẩm Làng Thử"]
    );

    // Every demo product, two at a time: the pages tile the whole list.
    let (_, all) = app.get("/api/v1/products?limit=1000", Some(&admin)).await;
    let all: Vec<Value> = all.as_array().unwrap().clone();
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let res = app
            .client
            .get(app.url(&format!("/api/v1/products?limit=7&offset={offset}")))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        let total: usize = res.headers()["x-total-count"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(total, all.len());
        let page: Vec<Value> = res.json().await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 7);
        paged.extend(page);
        offset += 7;
    }
    assert_eq!(paged, all);
    // Bad parameters are 400, not a silent empty list.
    let (status, body) = app.get("/api/v1/products?stars=many", Some(&admin)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_parameter"))
    );
    let (status, _) = app.get("/api/v1/products?colour=red", Some(&admin)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A producer account searching sees only its own products.
    let producer1 = app.login("producer1", PASSWORD).await;
    assert!(names(&app, &producer1, "q=lang%20thu").await.is_empty());
    // Producers search by name too.
    let (_, found) = app
        .get("/api/v1/producers?q=ruou%20lang%20thu", Some(&admin))
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
}

#[tokio::test]
async fn scans_resolve_to_products_and_lots() {
    let app = TestApp::spawn_demo().await;
    let (admin, _) = seed(&app).await;
    let cashier = app.login("cashier1", PASSWORD).await;
    let scan = |code: String| {
        let app = &app;
        let token = cashier.clone();
        async move {
            let res = app
                .client
                .get(app.url(&format!("/api/v1/scan?code={}", encode(&code))))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap())
        }
    };
    let (status, hit) = scan(gtin13(901)).await;
    assert_eq!(status, StatusCode::OK, "{hit}");
    assert_eq!(hit["matched_by"], "gtin");
    assert_eq!(hit["product"]["name_vi"], "Rượu ngô men lá Làng Thử");
    assert!(hit["lot"].is_null());

    let (_, hit) = scan(" T-00902 ".to_owned()).await;
    assert_eq!(
        (
            hit["matched_by"].as_str(),
            hit["product"]["name_vi"].as_str()
        ),
        (Some("internal_code"), Some("Rượu táo mèo Làng Thử"))
    );

    let link = format!(
        "https://ocop.laocai.gov.vn/01/{}/10/L2026%2F11/21/000123?17=271231",
        gtin14(903)
    );
    let (status, hit) = scan(link).await;
    assert_eq!(status, StatusCode::OK, "{hit}");
    assert_eq!(hit["matched_by"], "digital_link");
    assert_eq!(hit["product"]["name_vi"], "Khăn thổ cẩm Làng Thử");
    assert_eq!(hit["lot"], "L2026/11");
    assert_eq!(hit["serial"], "000123");
    assert_eq!(hit["expiry"], "2027-12-31");

    let (status, err) = scan(bad_gtin13(901)).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_gtin"))
    );
    let (status, err) = scan(gtin13(999_999)).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_code"))
    );
    let (status, err) = scan("https://example.com/not-a-link".to_owned()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let (status, _) = scan(String::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A producer account cannot look up another producer's goods by scanning.
    let producer1 = app.login("producer1", PASSWORD).await;
    let res = app
        .client
        .get(app.url(&format!("/api/v1/scan?code={}", gtin13(901))))
        .bearer_auth(&producer1)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let _ = admin;
}
