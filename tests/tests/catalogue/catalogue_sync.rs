//! The till catalogue: a full snapshot of what an outlet may sell, then
//! exactly the changes since a version, ETag/304, gzip, and scope.

use std::collections::BTreeSet;

use crate::support::*;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Answer {
    status: StatusCode,
    etag: Option<String>,
    body: Value,
}

async fn catalogue(
    app: &TestApp,
    token: &str,
    outlet: i64,
    since: Option<i64>,
    etag: Option<&str>,
) -> Answer {
    let path = match since {
        Some(v) => format!("/api/v1/outlets/{outlet}/catalogue?since={v}"),
        None => format!("/api/v1/outlets/{outlet}/catalogue"),
    };
    let mut req = app.client.get(app.url(&path)).bearer_auth(token);
    if let Some(e) = etag {
        req = req.header("If-None-Match", e);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let etag = res
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, etag, body }
}

/// GET over a bare TCP connection: (response head, body bytes).
async fn raw_get(app: &TestApp, path: &str, token: &str, gzip: bool) -> (String, Vec<u8>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let accept = if gzip {
        "Accept-Encoding: gzip\r\n"
    } else {
        ""
    };
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n{accept}Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        !head.to_lowercase().contains("transfer-encoding: chunked"),
        "{head}"
    );
    (head, raw[split + 4..].to_vec())
}

fn ids(list: &Value) -> BTreeSet<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap_or_else(|| p.as_i64().unwrap()))
        .collect()
}

async fn outlet_of(app: &TestApp, token: &str) -> i64 {
    let (_, me) = app.get("/api/v1/auth/me", Some(token)).await;
    me["outlet_id"].as_i64().unwrap()
}

/// A body for PUT /products/{id} from what GET returned.
fn editable(p: &Value) -> Value {
    let keep = [
        "producer_id",
        "name_vi",
        "name_en",
        "group_code",
        "stars",
        "cert_number",
        "cert_level",
        "cert_issued_on",
        "cert_expires_on",
        "gtin",
        "internal_code",
        "unit",
        "fractional",
        "vat_rate",
        "price",
        "food_safety_ref",
        "description",
        "photo_url",
        "key_product",
        "active",
    ];
    let mut out = json!({});
    for k in keep {
        if !p[k].is_null() {
            out[k] = p[k].clone();
        }
    }
    out
}

#[tokio::test]
async fn the_snapshot_holds_exactly_what_the_outlet_may_sell() {
    let app = TestApp::spawn_demo().await;
    let cashier = app.login("cashier1", PASSWORD).await;
    let outlet = outlet_of(&app, &cashier).await;
    let snap = catalogue(&app, &cashier, outlet, None, None).await;
    assert_eq!(snap.status, StatusCode::OK, "{}", snap.body);
    assert_eq!(snap.body["full"], true);
    assert_eq!(snap.body["outlet"]["id"], outlet);
    assert!(snap.body["outlet"]["tax_code"].is_string());
    assert!(snap.body["removed"].as_array().unwrap().is_empty());
    assert!(snap.body["lots"].is_array());

    let admin = app.login("admin", PASSWORD).await;
    let (_, all) = app.get("/api/v1/products?limit=1000", Some(&admin)).await;
    let sellable: BTreeSet<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["active"] == true && p["listing"]["can_sell"] == true)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert!(
        sellable.len() < all.as_array().unwrap().len(),
        "the demo should hold unsellable products too"
    );
    assert_eq!(ids(&snap.body["products"]), sellable);
    // Expired certificates travel with their warning; producers are named.
    let products = snap.body["products"].as_array().unwrap();
    let expired = products
        .iter()
        .find(|p| p["status"] == "sell_from_stock_only")
        .expect("an expired product");
    assert!(expired["warning"].as_str().unwrap().contains("hết hạn"));
    let producers = ids(&snap.body["producers"]);
    assert!(
        products
            .iter()
            .all(|p| producers.contains(&p["producer_id"].as_i64().unwrap()))
    );
    for p in products {
        assert!(
            p["price"].is_i64() && p["vat"].is_string() && p["unit"].is_string(),
            "{p}"
        );
    }
}

#[tokio::test]
async fn a_delta_holds_exactly_the_changes_and_removals() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let cashier = app.login("cashier1", PASSWORD).await;
    let outlet = outlet_of(&app, &cashier).await;
    let snap = catalogue(&app, &cashier, outlet, None, None).await;
    let v0 = snap.body["version"].as_i64().unwrap();
    let etag0 = snap.etag.clone().unwrap();

    // Nothing changed: 304, for the snapshot and for a delta.
    let again = catalogue(&app, &cashier, outlet, None, Some(&etag0)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.etag.as_deref(), Some(etag0.as_str()));
    let empty = catalogue(&app, &cashier, outlet, Some(v0), None).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.body["full"], false);
    assert!(empty.body["products"].as_array().unwrap().is_empty());
    assert!(empty.body["removed"].as_array().unwrap().is_empty());

    // Change the price of three sellable products.
    let sellable: Vec<Value> = snap.body["products"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "listable")
        .take(5)
        .cloned()
        .collect();
    let mut changed = BTreeSet::new();
    for p in &sellable[..3] {
        let id = p["id"].as_i64().unwrap();
        let (_, full) = app
            .get(&format!("/api/v1/products/{id}"), Some(&admin))
            .await;
        let body = with(
            &editable(&full),
            &json!({"price": full["price"].as_i64().unwrap() + 1000}),
        );
        let (status, answer) = put(&app, &format!("/api/v1/products/{id}"), &admin, &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        changed.insert(id);
    }
    let stale = catalogue(&app, &cashier, outlet, Some(v0), Some(&etag0)).await;
    assert_eq!(
        stale.status,
        StatusCode::OK,
        "an old ETag must not give 304"
    );
    let delta = stale.body;
    assert_eq!(delta["full"], false);
    assert_eq!(delta["since"], v0);
    assert_eq!(ids(&delta["products"]), changed);
    assert!(delta["removed"].as_array().unwrap().is_empty());
    for p in delta["products"].as_array().unwrap() {
        let before = sellable.iter().find(|s| s["id"] == p["id"]).unwrap();
        assert_eq!(
            p["price"].as_i64().unwrap(),
            before["price"].as_i64().unwrap() + 1000
        );
    }
    let v1 = delta["version"].as_i64().unwrap();
    assert!(v1 > v0);

    // Make one product unsellable (2 stars, not a key product) and withdraw another.
    let (a, b) = (
        sellable[3]["id"].as_i64().unwrap(),
        sellable[4]["id"].as_i64().unwrap(),
    );
    let (_, pa) = app
        .get(&format!("/api/v1/products/{a}"), Some(&admin))
        .await;
    let (status, _) = put(
        &app,
        &format!("/api/v1/products/{a}"),
        &admin,
        &with(&editable(&pa), &json!({"stars": 2, "key_product": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, pb) = app
        .get(&format!("/api/v1/products/{b}"), Some(&admin))
        .await;
    let (status, _) = put(
        &app,
        &format!("/api/v1/products/{b}"),
        &admin,
        &with(&editable(&pb), &json!({"active": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let delta = catalogue(&app, &cashier, outlet, Some(v1), None).await.body;
    assert!(
        delta["products"].as_array().unwrap().is_empty(),
        "{}",
        delta["products"]
    );
    assert_eq!(ids(&delta["removed"]), BTreeSet::from([a, b]));
    // The full snapshot now lacks them; applying the deltas gives the same set.
    let now = catalogue(&app, &cashier, outlet, None, None).await.body;
    let mut applied = ids(&snap.body["products"]);
    applied.retain(|id| *id != a && *id != b);
    assert_eq!(ids(&now["products"]), applied);

    // Renaming a producer resends its sellable products with the new name.
    let producer_id = sellable[0]["producer_id"].as_i64().unwrap();
    let (_, producer) = app
        .get(&format!("/api/v1/producers/{producer_id}"), Some(&admin))
        .await;
    let mut body = producer.clone();
    for k in ["id", "created_at", "updated_at"] {
        body.as_object_mut().unwrap().remove(k);
    }
    body["name"] = json!("Tên mới của chủ thể");
    let (status, answer) = put(
        &app,
        &format!("/api/v1/producers/{producer_id}"),
        &admin,
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let v2 = now["version"].as_i64().unwrap();
    let delta = catalogue(&app, &cashier, outlet, Some(v2), None).await.body;
    let theirs: BTreeSet<i64> = now["products"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["producer_id"] == producer_id)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids(&delta["products"]), theirs);
    assert_eq!(delta["producers"][0]["name"], "Tên mới của chủ thể");

    // A version the server never made (a restored database): a full snapshot.
    let odd = catalogue(&app, &cashier, outlet, Some(v2 + 1000), None)
        .await
        .body;
    assert_eq!(odd["full"], true);
    assert_eq!(
        ids(&odd["products"]),
        ids(&catalogue(&app, &cashier, outlet, None, None).await.body["products"])
    );
}

#[tokio::test]
async fn the_catalogue_is_gzipped_and_scoped_to_the_callers_outlet() {
    let app = TestApp::spawn_demo().await;
    let cashier = app.login("cashier1", PASSWORD).await;
    let outlet = outlet_of(&app, &cashier).await;
    let path = format!("/api/v1/outlets/{outlet}/catalogue");
    // Raw HTTP/1.1, so no client library decompresses behind our back.
    let (head, plain) = raw_get(&app, &path, &cashier, false).await;
    assert!(!head.to_lowercase().contains("content-encoding"), "{head}");
    let (head, gz) = raw_get(&app, &path, &cashier, true).await;
    assert!(
        head.to_lowercase().contains("content-encoding: gzip"),
        "{head}"
    );
    assert_eq!(&gz[..2], &[0x1f, 0x8b], "gzip magic");
    assert!(
        gz.len() * 3 < plain.len(),
        "gzip {} vs plain {}",
        gz.len(),
        plain.len()
    );

    // Another outlet, a producer account, nobody: not found / unauthorised.
    let admin = app.login("admin", PASSWORD).await;
    let (_, other) = app
        .post("/api/v1/outlets", Some(&admin), &outlet_body("SYNC-02"))
        .await;
    let other = other["id"].as_i64().unwrap();
    assert_eq!(
        catalogue(&app, &cashier, other, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    let producer1 = app.login("producer1", PASSWORD).await;
    assert_eq!(
        catalogue(&app, &producer1, outlet, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&path, None).await.0, StatusCode::UNAUTHORIZED);
    // Province staff may read any outlet's catalogue; an outlet change is a new version.
    let before = catalogue(&app, &admin, other, None, None).await;
    assert_eq!(before.status, StatusCode::OK);
    let (status, _) = put(
        &app,
        &format!("/api/v1/outlets/{other}"),
        &admin,
        &with(&outlet_body("SYNC-02"), &json!({"phone": "0214 3999 999"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let after = catalogue(&app, &admin, other, None, before.etag.as_deref()).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.body["outlet"]["phone"], "0214 3999 999");
    assert!(after.body["version"].as_i64() > before.body["version"].as_i64());
}

#[tokio::test]
async fn concurrent_writers_take_distinct_versions_and_no_change_is_lost() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let cashier = app.login("cashier1", PASSWORD).await;
    let outlet = outlet_of(&app, &cashier).await;
    let snap = catalogue(&app, &cashier, outlet, None, None).await.body;
    let v0 = snap["version"].as_i64().unwrap();
    let targets: Vec<i64> = snap["products"]
        .as_array()
        .unwrap()
        .iter()
        .take(12)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let mut bodies = Vec::new();
    for id in &targets {
        let (_, full) = app
            .get(&format!("/api/v1/products/{id}"), Some(&admin))
            .await;
        bodies.push((
            *id,
            with(
                &editable(&full),
                &json!({"price": full["price"].as_i64().unwrap() + 7}),
            ),
        ));
    }
    // Twelve updates at once, each in its own request and transaction.
    let mut tasks = Vec::new();
    for (id, body) in bodies {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/products/{id}"));
        let token = admin.clone();
        tasks.push(tokio::spawn(async move {
            client
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    let delta = catalogue(&app, &cashier, outlet, Some(v0), None).await.body;
    assert_eq!(
        ids(&delta["products"]),
        targets.iter().copied().collect::<BTreeSet<_>>()
    );
    assert_eq!(
        delta["version"].as_i64(),
        Some(v0 + 12),
        "one version per write, none shared"
    );
    // Every intermediate version names exactly one of the changed products.
    for v in v0..v0 + 12 {
        let step = catalogue(&app, &cashier, outlet, Some(v), None).await.body;
        assert_eq!(
            step["products"].as_array().unwrap().len(),
            usize::try_from(v0 + 12 - v).unwrap(),
            "since {v}"
        );
    }
}
