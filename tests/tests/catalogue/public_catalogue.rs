//! The public catalogue (issue 17): `GET /api/v1/public/products` and the
//! page `/products`, with no login. Only public facts (checked against the
//! OpenAPI schema and against the private columns actually stored), stock
//! now (a receipt makes a product appear at that outlet), suspension hides a
//! producer's products, filters match the database, and answers revalidate
//! with their ETag.

use std::collections::BTreeSet;

use crate::stock_common::{db, outlet_id, receive};
use crate::support::*;
use diesel::prelude::*;
use ocop_e2e::TestApp;
use ocop_server::db::schema::{outlets, producers, products};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};

/// A GET with no credentials at all.
async fn anonymous(app: &TestApp, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(path))
        .header("Accept-Language", "vi")
        .send()
        .await
        .unwrap()
}

async fn listing(app: &TestApp, query: &str) -> Value {
    let res = anonymous(app, &format!("/api/v1/public/products?{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

/// The property names of a schema of the OpenAPI document.
fn properties(doc: &Value, schema: &str) -> BTreeSet<String> {
    doc["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no schema {schema}"))
        .keys()
        .cloned()
        .collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// Listed products counted in the database: active, producer not suspended.
async fn listed_in_db(app: &TestApp, stars: Option<i32>) -> i64 {
    db(app, move |c| {
        let mut q = products::table
            .inner_join(producers::table)
            .filter(products::active.eq(true))
            .filter(producers::status.ne("suspended"))
            .into_boxed();
        if let Some(s) = stars {
            q = q.filter(products::stars.eq(s));
        }
        q.count().get_result::<i64>(c).unwrap()
    })
    .await
}

#[tokio::test]
async fn the_public_catalogue_holds_public_facts_only() {
    let app = TestApp::spawn_demo().await;
    let body = listing(&app, "limit=100").await;
    let items = body["items"].as_array().unwrap();
    assert_eq!(body["total"], listed_in_db(&app, None).await);
    assert_eq!(
        i64::try_from(items.len()).unwrap(),
        body["total"].as_i64().unwrap()
    );
    assert!(
        items.len() >= 20,
        "the demo lists its products: {}",
        items.len()
    );

    // Every object holds exactly the fields its schema names, no more.
    let (_, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(keys(&body), properties(&doc, "PublicCatalogue"));
    let mut stocked = 0;
    for item in items {
        assert_eq!(keys(item), properties(&doc, "PublicProduct"), "{item}");
        assert_eq!(keys(&item["producer"]), properties(&doc, "PublicProducer"));
        if !item["certificate"].is_null() {
            assert_eq!(
                keys(&item["certificate"]),
                properties(&doc, "PublicCertificate")
            );
        }
        for o in item["in_stock_at"].as_array().unwrap() {
            assert_eq!(keys(o), properties(&doc, "PublicOutlet"));
            stocked += 1;
        }
    }
    assert!(stocked > 0, "the demo has stock somewhere");
    for forbidden in [
        "tax_code",
        "phone",
        "bank",
        "commission",
        "payout",
        "search_key",
    ] {
        for schema in [
            "PublicCatalogue",
            "PublicProduct",
            "PublicProducer",
            "PublicOutlet",
        ] {
            assert!(
                !properties(&doc, schema)
                    .iter()
                    .any(|p| p.contains(forbidden)),
                "{schema} names {forbidden}"
            );
        }
    }

    // No stored private value appears anywhere in the answer.
    let text = body.to_string();
    let private: Vec<String> = db(&app, |c| {
        let mut out: Vec<String> = producers::table
            .select((
                producers::tax_code,
                producers::phone,
                producers::bank_account,
            ))
            .load::<(Option<String>, String, Option<String>)>(c)
            .unwrap()
            .into_iter()
            .flat_map(|(t, p, b)| [t, Some(p), b])
            .flatten()
            .collect();
        out.extend(
            outlets::table
                .select((outlets::tax_code, outlets::phone))
                .load::<(String, String)>(c)
                .unwrap()
                .into_iter()
                .flat_map(|(t, p)| [t, p]),
        );
        out
    })
    .await;
    let private: Vec<&String> = private.iter().filter(|v| v.len() >= 6).collect();
    assert!(private.len() > 10, "{private:?}");
    for value in private {
        assert!(!text.contains(value.as_str()), "leaks {value}");
    }
}

#[tokio::test]
async fn stock_now_and_suspension_decide_what_is_listed_where() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let producer = create_producer(&app, &admin, "HTX Mật ong Bản Khoang", "5300999771").await;
    let product = create_product(
        &app,
        &admin,
        &product_body(producer, "Mật ong bạc hà Bản Khoang", 771),
    )
    .await;
    let product_id = product["id"].as_i64().unwrap();

    // Listed at once, in stock nowhere yet; found without diacritics.
    let found = listing(&app, "q=bac%20ha%20ban%20khoang").await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["id"], product_id);
    assert_eq!(found["items"][0]["in_stock_at"], json!([]));
    assert_eq!(found["items"][0]["certificate"]["valid"], true);
    assert_eq!(
        found["items"][0]["producer"]["name"],
        "HTX Mật ong Bản Khoang"
    );
    assert_eq!(
        listing(&app, "q=bac%20ha%20ban%20khoang&in_stock=true").await["total"],
        0
    );

    // Received at one outlet: listed there, and only there.
    let outlet = outlet_id(&app, "LC-SR01").await;
    let yesterday = ocop_server::models::product::vn_today().pred_opt().unwrap();
    let (status, created) = app
        .post(
            "/api/v1/consignment-agreements",
            Some(&admin),
            &json!({"producer_id": producer, "outlet_id": outlet, "terms": "commission",
                    "commission_bp": 1500, "loss_bearer": "producer", "starts_on": yesterday}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    receive(
        &app,
        &admin,
        outlet,
        i32::try_from(producer).unwrap(),
        i32::try_from(product_id).unwrap(),
        "5",
        "L771",
        200,
    )
    .await;
    let found = listing(&app, "q=bac%20ha%20ban%20khoang&in_stock=true").await;
    assert_eq!(found["total"], 1, "{found}");
    let at = found["items"][0]["in_stock_at"].as_array().unwrap();
    assert_eq!(at.len(), 1, "{found}");
    assert_eq!(at[0]["id"], outlet);

    // A suspended producer's products leave the catalogue and its page.
    let (status, _) = put(
        &app,
        &format!("/api/v1/producers/{producer}"),
        &admin,
        &with(
            &producer_body("HTX Mật ong Bản Khoang", "5300999771"),
            &json!({"status": "suspended"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listing(&app, "q=ban%20khoang").await["total"], 0);
    let page = anonymous(&app, "/products?q=ban%20khoang")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Bản Khoang"), "{page}");
}

#[tokio::test]
async fn filters_match_the_database_and_answers_revalidate() {
    let app = TestApp::spawn_demo().await;
    for stars in [3, 4, 5] {
        let found = listing(&app, &format!("stars={stars}&limit=100")).await;
        assert_eq!(
            found["total"],
            listed_in_db(&app, Some(stars)).await,
            "{stars}"
        );
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["stars"] == stars),
            "{found}"
        );
    }
    let district = "bac-ha";
    let found = listing(&app, &format!("district={district}&limit=100")).await;
    let items = found["items"].as_array().unwrap();
    assert!(!items.is_empty(), "the demo has producers in {district}");
    assert!(
        items
            .iter()
            .all(|p| p["producer"]["district_code"] == district)
    );
    // Pages follow on without overlap.
    let first = listing(&app, "limit=5").await;
    let second = listing(&app, "limit=5&offset=5").await;
    let ids = |v: &Value| -> BTreeSet<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&first).len(), 5);
    assert!(ids(&first).is_disjoint(&ids(&second)));

    // A control character (a NUL, which PostgreSQL refuses in a query) can
    // match nothing stored: an empty page, not a server error.
    for odd in ["district=9%00x", "q=r%00u", "group=%E2%80%AEfood"] {
        let found = listing(&app, odd).await;
        assert_eq!(found["total"], 0, "{odd}: {found}");
    }
    let res = anonymous(&app, "/products?q=a%00b").await;
    assert_eq!(res.status(), StatusCode::OK);

    // Bad filters: a clear JSON error, for programs and people alike.
    for bad in ["stars=abc", "price=1", "limit=x"] {
        let res = anonymous(&app, &format!("/api/v1/public/products?{bad}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"], "invalid_parameter", "{bad}: {err}");
    }

    // The JSON and the page revalidate: the same answer is a 304 with no body.
    for path in ["/api/v1/public/products?stars=4", "/products?stars=4"] {
        let res = anonymous(&app, path).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            res.headers()[CACHE_CONTROL]
                .to_str()
                .unwrap()
                .starts_with("public"),
            "{path}"
        );
        let etag = res.headers()[ETAG].clone();
        let again = reqwest::Client::new()
            .get(app.url(path))
            .header("Accept-Language", "vi")
            .header(IF_NONE_MATCH, etag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.bytes().await.unwrap().is_empty());
        // Another view is another tag.
        let other = anonymous(&app, &path.replace("stars=4", "stars=5")).await;
        assert_ne!(other.headers()[ETAG], etag, "{path}");
    }

    // The page: Vietnamese first, English on request, no script, no login.
    let res = anonymous(&app, "/products?q=ruou%20ngo").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    let page = res.text().await.unwrap();
    assert!(page.contains("Sản phẩm OCOP Lào Cai"), "{page}");
    assert!(page.contains("Rượu ngô"), "{page}");
    assert!(
        !page.contains("<script") && !page.contains("style="),
        "{page}"
    );
    let english = anonymous(&app, "/products?lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(english.contains("Lào Cai OCOP products"), "{english}");
}
