//! Issuing labels: roles and scope, idempotency per request id, serials
//! that are unique and of the issued form, URIs GS1's validator accepts,
//! and rows nobody can change afterwards.

use diesel::prelude::*;
use ocop_e2e::{TestApp, assert_refused_as_append_only};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use super::{GTIN, LOT, OUTLET, gs1_verdicts, issue};
use crate::web_common::{csrf_of, page, post_form, web_login};

#[tokio::test]
async fn a_manager_issues_labels_once_per_request() {
    let app = TestApp::spawn_demo().await;
    let manager = app.login("manager1", "demo1234").await;
    let request =
        json!({"request_id": Uuid::new_v4(), "lot_id": LOT, "outlet_id": OUTLET, "count": 25});
    let (status, first) = app.post("/api/v1/labels", Some(&manager), &request).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let labels = first["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 25);
    let mut serials: Vec<&str> = labels
        .iter()
        .map(|l| l["serial"].as_str().unwrap())
        .collect();
    for s in &serials {
        assert!(ocop_core::provenance::is_issued_form(s), "{s}");
    }
    serials.sort_unstable();
    serials.dedup();
    assert_eq!(serials.len(), 25, "serials are unique");
    for l in labels {
        let uri = l["uri"].as_str().unwrap();
        let serial = l["serial"].as_str().unwrap();
        assert_eq!(
            super::path_of(uri),
            format!("/01/{GTIN}/10/DEMO-LC-SR01-01/21/{serial}?17={}", {
                let e = first["expires_on"].as_str().unwrap();
                format!("{}{}{}", &e[2..4], &e[5..7], &e[8..10])
            })
        );
    }

    // The same request again (a retry after a lost answer): 200, the same labels.
    let (status, again) = app.post("/api/v1/labels", Some(&manager), &request).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["labels"], first["labels"]);
    // The id reused for another count: refused, nothing issued.
    let mut other = request.clone();
    other["count"] = json!(3);
    let (status, body) = app.post("/api/v1/labels", Some(&manager), &other).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "request_id_reused");
    let db = app.db.clone();
    let stored: i64 = tokio::task::spawn_blocking(move || {
        let mut c = db.conn().unwrap();
        ocop_server::db::schema::labels::table
            .count()
            .get_result(&mut c)
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(stored, 25);

    // GS1's own validator accepts every label URI.
    let uris: Vec<String> = labels
        .iter()
        .map(|l| l["uri"].as_str().unwrap().to_owned())
        .collect();
    for verdict in gs1_verdicts(&uris) {
        assert!(verdict.starts_with("valid\t"), "{verdict}");
    }

    // The batch reads back for the outlet's staff.
    let id = first["id"].as_i64().unwrap();
    let (status, read) = app
        .get(&format!("/api/v1/labels/batches/{id}"), Some(&manager))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["labels"], first["labels"]);
}

#[tokio::test]
async fn issuing_is_for_managers_of_the_outlet_and_admins() {
    let app = TestApp::spawn_demo().await;
    let body = |outlet: i64, count: i64| json!({"request_id": Uuid::new_v4(), "lot_id": LOT, "outlet_id": outlet, "count": count});
    for user in ["cashier1", "inspector", "producer1"] {
        let token = app.login(user, "demo1234").await;
        let (status, b) = app
            .post("/api/v1/labels", Some(&token), &body(OUTLET, 1))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {b}");
    }
    let (status, _) = app.post("/api/v1/labels", None, &body(OUTLET, 1)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let manager = app.login("manager1", "demo1234").await;
    // another outlet: not found for this manager
    let (status, _) = app
        .post("/api/v1/labels", Some(&manager), &body(2, 1))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for count in [0, -1, 1001] {
        let (status, b) = app
            .post("/api/v1/labels", Some(&manager), &body(OUTLET, count))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{count}: {b}");
        assert_eq!(b["error"], "invalid_label_count");
    }
    let (status, b) = app
        .post(
            "/api/v1/labels",
            Some(&manager),
            &json!({"request_id": Uuid::new_v4(), "lot_id": 999_999, "outlet_id": OUTLET, "count": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{b}");
    let admin = app.login("admin", "demo1234").await;
    let (status, b) = app.post("/api/v1/labels", Some(&admin), &body(2, 2)).await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    // A batch of outlet 2 is not visible to outlet 1's manager.
    let id = b["id"].as_i64().unwrap();
    let (status, _) = app
        .get(&format!("/api/v1/labels/batches/{id}"), Some(&manager))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nothing refused was stored: only the admin's two labels exist.
    let db = app.db.clone();
    let stored: i64 = tokio::task::spawn_blocking(move || {
        let mut c = db.conn().unwrap();
        ocop_server::db::schema::labels::table
            .count()
            .get_result(&mut c)
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(stored, 2);
}

#[tokio::test]
async fn issued_labels_cannot_be_changed_or_deleted() {
    let app = TestApp::spawn_demo().await;
    let manager = app.login("manager1", "demo1234").await;
    issue(&app, &manager, 1).await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use ocop_server::db::schema::{label_batches, labels};
        let mut c = db.conn().unwrap();
        assert_refused_as_append_only(
            diesel::update(labels::table)
                .set(labels::serial.eq("AAAAAAAAAAAAA"))
                .execute(&mut c),
            "labels",
        );
        assert_refused_as_append_only(diesel::delete(labels::table).execute(&mut c), "labels");
        assert_refused_as_append_only(
            diesel::delete(label_batches::table).execute(&mut c),
            "label_batches",
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn the_label_form_issues_once_however_often_it_is_sent() {
    let app = TestApp::spawn_demo().await;
    let cookie = web_login(&app, "manager1").await;
    let (status, form) = page(
        &app,
        &format!("/labels/new?outlet_id={OUTLET}&lot_id={LOT}&count=4"),
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains("DEMO-LC-SR01-01"), "{form}");
    let field = |name: &str| -> String {
        let at = form.find(&format!("name=\"{name}\"")).unwrap();
        let rest = &form[at..];
        let v = rest.find("value=\"").unwrap() + 7;
        rest[v..v + rest[v..].find('"').unwrap()].to_owned()
    };
    let mut fields = vec![
        ("csrf", csrf_of(&form)),
        ("outlet_id", field("outlet_id")),
        ("lot_id", field("lot_id")),
        ("request_id", field("request_id")),
        ("count", field("count")),
    ];
    assert_eq!(fields[4].1, "4");
    // Pressing the button twice issues once: both go to the same batch.
    let mut locations = Vec::new();
    for _ in 0..2 {
        let (status, location, _) = post_form(&app, "/labels/new", &cookie, &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        locations.push(location.unwrap());
    }
    assert_eq!(locations[0], locations[1]);
    let (_, batch) = page(&app, &locations[0], &cookie).await;
    assert_eq!(batch.matches("class=\"serial\"").count(), 4, "{batch}");
    // A refused count shows the form again with the message, issuing nothing.
    fields[3].1 = Uuid::new_v4().to_string();
    fields[4].1 = "0".into();
    let (status, _, body) = post_form(&app, "/labels/new", &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("1 đến 1000"), "{body}");
    // A cashier cannot open the form.
    let cashier = web_login(&app, "cashier1").await;
    let (status, _) = page(
        &app,
        &format!("/labels/new?outlet_id={OUTLET}&lot_id={LOT}"),
        &cashier,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
