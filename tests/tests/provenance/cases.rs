//! Inspector cases: roles on every endpoint, steps recorded with who and
//! when, filters and CSV, and confirming with a recall and a suspension
//! that reach the public page, the till catalogue delta and the stock page.

use ocop_e2e::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{HTML, LOT, OUTLET, fetch, issue, path_of};

#[tokio::test]
async fn only_inspectors_and_admins_reach_cases() {
    let app = TestApp::spawn_demo().await;
    let inspector = app.login("inspector", "demo1234").await;
    let (status, opened) = app
        .post(
            "/api/v1/cases",
            Some(&inspector),
            &json!({"title": "Tem nghi giả ở Bắc Hà"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let id = opened["id"].as_i64().unwrap();
    let endpoints: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            "/api/v1/cases".into(),
            Some(json!({"title": "x"})),
        ),
        (Method::GET, "/api/v1/cases".into(), None),
        (Method::GET, "/api/v1/cases.csv".into(), None),
        (Method::GET, format!("/api/v1/cases/{id}"), None),
        (
            Method::POST,
            format!("/api/v1/cases/{id}/steps"),
            Some(json!({"note": "x"})),
        ),
        (
            Method::POST,
            format!("/api/v1/cases/{id}/confirm"),
            Some(json!({"reason": "x"})),
        ),
    ];
    for user in ["manager1", "cashier1", "producer1"] {
        let token = app.login(user, "demo1234").await;
        for (method, path, body) in &endpoints {
            let (status, b) = app
                .call(method.clone(), path, Some(&token), body.as_ref())
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user} {method} {path}: {b}");
        }
    }
    for (method, path, body) in &endpoints {
        let (status, _) = app.call(method.clone(), path, None, body.as_ref()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    // The web pages too: 403 for a manager, the list for the inspector.
    let manager = crate::web_common::web_login(&app, "manager1").await;
    for path in ["/cases".to_owned(), format!("/cases/{id}")] {
        let (status, _) = crate::web_common::page(&app, &path, &manager).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let web = crate::web_common::web_login(&app, "inspector").await;
    let (status, html) = crate::web_common::page(&app, "/cases", &web).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Tem nghi giả ở Bắc Hà"));
    let (status, html) = crate::web_common::page(&app, &format!("/cases/{id}"), &web).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("inspector"), "who opened it");
    // Still exactly the one case: the refused calls wrote nothing.
    let (_, all) = app.get("/api/v1/cases", Some(&inspector)).await;
    assert_eq!(all.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_case_is_worked_filtered_and_exported() {
    let app = TestApp::spawn_demo().await;
    let inspector = app.login("inspector", "demo1234").await;
    let admin = app.login("admin", "demo1234").await;
    let (_, me) = app.get("/api/v1/auth/me", Some(&inspector)).await;
    let inspector_id = me["id"].as_i64().unwrap();
    let (_, a) = app
        .post(
            "/api/v1/cases",
            Some(&admin),
            &json!({"title": "=HYPERLINK(\"x\")", "lot_id": LOT, "outlet_id": OUTLET}),
        )
        .await;
    let (_, b) = app
        .post(
            "/api/v1/cases",
            Some(&admin),
            &json!({"title": "Quét bất thường", "note": "20 lần quét trong 1 giờ"}),
        )
        .await;
    let (a, b) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());
    assert_eq!(
        app.get(&format!("/api/v1/cases/{a}"), Some(&admin)).await.1["product_id"],
        json!(1),
        "the lot names its product"
    );
    let (status, v) = app
        .post(
            &format!("/api/v1/cases/{a}/steps"),
            Some(&admin),
            &json!({"status": "investigating", "assignee_id": inspector_id, "note": "Đã gọi điểm bán"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["opened", "status", "assigned", "note"]);
    assert!(
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["by_username"] == "admin" && e["at"].is_string())
    );
    // Refused steps change nothing.
    for (body, code) in [
        (json!({"status": "confirmed"}), "invalid_status"),
        (json!({"assignee_id": 3}), "invalid_assignee"),
        (json!({}), "empty_step"),
    ] {
        let (status, e) = app
            .post(&format!("/api/v1/cases/{a}/steps"), Some(&admin), &body)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"], code);
    }
    let (_, dismissed) = app
        .post(
            &format!("/api/v1/cases/{b}/steps"),
            Some(&inspector),
            &json!({"status": "dismissed"}),
        )
        .await;
    assert_eq!(dismissed["status"], "dismissed");
    let (status, e) = app
        .post(
            &format!("/api/v1/cases/{b}/steps"),
            Some(&inspector),
            &json!({"status": "investigating"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(e["error"], "case_closed");

    let (_, list) = app
        .get("/api/v1/cases?status=investigating", Some(&inspector))
        .await;
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [a]);
    let (_, list) = app
        .get(
            &format!("/api/v1/cases?assignee_id={inspector_id}"),
            Some(&inspector),
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let res = app
        .client
        .get(app.url("/api/v1/cases.csv"))
        .bearer_auth(&inspector)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("Quét bất thường"));
    assert!(
        text.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "formulas are defused: {text}"
    );
    assert_eq!(text.lines().count(), 3);
}

#[tokio::test]
async fn confirming_recalls_the_lot_and_suspends_the_producer_everywhere() {
    let app = TestApp::spawn_demo().await;
    let manager = app.login("manager1", "demo1234").await;
    let batch = issue(&app, &manager, 1).await;
    let path = path_of(batch["labels"][0]["uri"].as_str().unwrap());
    let (_, before) = app
        .get(
            &format!("/api/v1/outlets/{OUTLET}/catalogue"),
            Some(&manager),
        )
        .await;
    let version = before["version"].as_i64().unwrap();
    assert!(before["recalled_lots"].as_array().unwrap().is_empty());

    let inspector = app.login("inspector", "demo1234").await;
    let (_, case) = app
        .post(
            "/api/v1/cases",
            Some(&inspector),
            &json!({"title": "Nấm mốc trong hộp chè", "lot_id": LOT}),
        )
        .await;
    let id = case["id"].as_i64().unwrap();
    // Nothing to suspend is named: refused as a whole, the recall too.
    let (status, e) = app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(&inspector),
            &json!({"reason": "Nấm mốc", "recall_lot": true, "suspend_producer": false, "x": 1}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "unknown fields are refused: {e}"
    );
    let (status, v) = app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(&inspector),
            &json!({"reason": "Nấm mốc trong hộp", "recall_lot": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "confirmed");
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["opened", "status", "lot_recalled"]);

    // The public page says it.
    let (_, _, html) = fetch(&app, &path, HTML).await;
    assert!(html.contains("data-status=\"recalled_lot\""), "{html}");
    assert!(html.contains("Nấm mốc trong hộp"));
    // The till's next delta carries it.
    let (_, delta) = app
        .get(
            &format!("/api/v1/outlets/{OUTLET}/catalogue?since={version}"),
            Some(&manager),
        )
        .await;
    assert!(!delta["full"].as_bool().unwrap());
    assert_eq!(
        delta["recalled_lots"],
        json!([{"product_id": 1, "lot_code": "DEMO-LC-SR01-01", "reason": "Nấm mốc trong hộp"}])
    );
    // The stock page flags the lot at every outlet holding it.
    let web = crate::web_common::web_login(&app, "admin").await;
    let (_, stock) = crate::web_common::page(&app, "/stock", &web).await;
    assert!(stock.contains("THU HỒI"), "{stock}");

    // A second case on the same product suspends the producer.
    let (_, case2) = app
        .post(
            "/api/v1/cases",
            Some(&inspector),
            &json!({"title": "Tái phạm", "product_id": 1}),
        )
        .await;
    let id2 = case2["id"].as_i64().unwrap();
    let (status, v) = app
        .post(
            &format!("/api/v1/cases/{id2}/confirm"),
            Some(&inspector),
            &json!({"reason": "Tái phạm nhiều lần", "suspend_producer": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, delta) = app
        .get(
            &format!("/api/v1/outlets/{OUTLET}/catalogue?since={version}"),
            Some(&manager),
        )
        .await;
    assert!(
        delta["removed"].as_array().unwrap().contains(&json!(1)),
        "{delta}"
    );
    // Recalled again: refused, the case stays as it was.
    let (_, case3) = app
        .post(
            "/api/v1/cases",
            Some(&inspector),
            &json!({"title": "Lặp", "lot_id": LOT}),
        )
        .await;
    let id3 = case3["id"].as_i64().unwrap();
    let (status, e) = app
        .post(
            &format!("/api/v1/cases/{id3}/confirm"),
            Some(&inspector),
            &json!({"reason": "x", "recall_lot": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    let (_, after) = app
        .get(&format!("/api/v1/cases/{id3}"), Some(&inspector))
        .await;
    assert_eq!(after["status"], "new");
}

/// Issue 12: the XLSX export, read back by calamine: ids are numbers, the
/// times real date-times (Vietnam time), a formula-looking title plain text.
#[tokio::test]
#[expect(
    clippy::as_conversions,
    reason = "spreadsheet numbers are f64: small ids and an Excel serial date"
)]
async fn cases_export_as_xlsx_with_numbers_and_dates() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::spawn_demo().await;
    let inspector = app.login("inspector", "demo1234").await;
    let (_, a) = app
        .post(
            "/api/v1/cases",
            Some(&inspector),
            &json!({"title": "=1+1 Tem lạ ở Sa Pa", "lot_id": LOT, "outlet_id": OUTLET}),
        )
        .await;
    let (_, b) = app
        .post(
            "/api/v1/cases",
            Some(&inspector),
            &json!({"title": "Quét nhiều bất thường"}),
        )
        .await;
    let res = app
        .client
        .get(app.url("/api/v1/cases.xlsx"))
        .bearer_auth(&inspector)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("cases").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len(), 3, "header and two cases");
    assert_eq!(rows[0][0], Data::String("id".into()));
    // Newest first: b, then a.
    assert_eq!(rows[1][0], Data::Float(b["id"].as_f64().unwrap()));
    assert_eq!(rows[2][0], Data::Float(a["id"].as_f64().unwrap()));
    assert_eq!(rows[2][2], Data::String("=1+1 Tem lạ ở Sa Pa".into()));
    assert_eq!(rows[2][4], Data::Float(1.0), "product_id from the lot");
    assert_eq!(rows[2][6], Data::Float(LOT as f64));
    assert_eq!(rows[1][6], Data::Empty, "no lot: an empty cell");
    let created = match &rows[2][11] {
        // An Excel serial date: days since 1899-12-30.
        Data::DateTime(d) => {
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                + chrono::Duration::milliseconds((d.as_f64() * 86_400_000.0).round() as i64)
        }
        other => panic!("created_at is a date-time, not {other:?}"),
    };
    let api: chrono::DateTime<chrono::Utc> = a["created_at"].as_str().unwrap().parse().unwrap();
    let vn = api.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap());
    assert!(
        (created - vn.naive_local()).num_seconds().abs() <= 1,
        "{created} is the Vietnam time of {api}"
    );
    // Filters apply; other roles are refused; the web export works too.
    let res = app
        .client
        .get(app.url("/api/v1/cases.xlsx?status=dismissed"))
        .bearer_auth(&inspector)
        .send()
        .await
        .unwrap();
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(book.worksheet_range("cases").unwrap().rows().count(), 1);
    let manager = app.login("manager1", "demo1234").await;
    let (status, _) = app.get("/api/v1/cases.xlsx", Some(&manager)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let web = crate::web_common::web_login(&app, "inspector").await;
    let res = crate::web_common::no_redirects()
        .get(app.url("/cases/export.xlsx"))
        .header("cookie", &web)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(book.worksheet_range("cases").unwrap().rows().count(), 3);
    let (_, list) = crate::web_common::page(&app, "/cases", &web).await;
    assert!(list.contains("href=\"/cases/export.xlsx\""));
}

/// Issue 12: the case page assigns and confirms through forms with the
/// session's anti-forgery token; other roles and forged posts change
/// nothing.
#[tokio::test]
async fn the_case_page_assigns_and_confirms_with_a_recall() {
    use crate::web_common::{csrf_of, page, post_form, web_login};
    let app = TestApp::spawn_demo().await;
    let inspector = app.login("inspector", "demo1234").await;
    let (_, me) = app.get("/api/v1/auth/me", Some(&inspector)).await;
    let inspector_id = me["id"].as_i64().unwrap();
    let (_, case) = app
        .post(
            "/api/v1/cases",
            Some(&inspector),
            &json!({"title": "Tem giả ở chợ Bắc Hà", "lot_id": LOT}),
        )
        .await;
    let id = case["id"].as_i64().unwrap();
    let path = format!("/cases/{id}");
    let manager_api = app.login("manager1", "demo1234").await;
    let batch = issue(&app, &manager_api, 1).await;

    let web = web_login(&app, "admin").await;
    let (status, html) = page(&app, &path, &web).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"assignee_id\""), "{html}");
    assert!(html.contains(&format!("action=\"/cases/{id}/confirm\"")));
    assert!(html.contains("name=\"recall_lot\""), "the case names a lot");
    let token = csrf_of(&html);

    // Without the token, or as a manager: refused, nothing written.
    let (status, _, _) = post_form(
        &app,
        &format!("/cases/{id}/steps"),
        &web,
        &[("assignee_id", inspector_id.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let manager = web_login(&app, "manager1").await;
    let (_, home) = page(&app, "/", &manager).await;
    let manager_token = csrf_of(&home);
    for (action, fields) in [
        ("steps", vec![("assignee_id", inspector_id.to_string())]),
        (
            "confirm",
            vec![("reason", "x".to_owned()), ("recall_lot", "on".to_owned())],
        ),
    ] {
        let mut fields = fields;
        fields.push(("csrf", manager_token.clone()));
        let (status, _, _) =
            post_form(&app, &format!("/cases/{id}/{action}"), &manager, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{action}");
    }
    // An assignee who is not an inspector or admin is refused.
    let (status, _, body) = post_form(
        &app,
        &format!("/cases/{id}/steps"),
        &web,
        &[("csrf", token.clone()), ("assignee_id", "3".to_owned())],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, v) = app
        .get(&format!("/api/v1/cases/{id}"), Some(&inspector))
        .await;
    assert_eq!(v["events"].as_array().unwrap().len(), 1, "only opened: {v}");

    // Assign with a note.
    let (status, location, _) = post_form(
        &app,
        &format!("/cases/{id}/steps"),
        &web,
        &[
            ("csrf", token.clone()),
            ("status", "investigating".to_owned()),
            ("assignee_id", inspector_id.to_string()),
            ("note", "Giao thanh tra huyện".to_owned()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some(path.as_str()));
    let (_, html) = page(&app, &path, &web).await;
    assert!(html.contains("data-assignee=\"inspector\""), "{html}");
    let (_, v) = app
        .get(&format!("/api/v1/cases/{id}"), Some(&inspector))
        .await;
    assert_eq!(v["assignee_id"], json!(inspector_id));
    assert_eq!(v["status"], "investigating");

    // Confirming without a reason is refused; with one, it recalls the lot.
    let (status, _, _) = post_form(
        &app,
        &format!("/cases/{id}/confirm"),
        &web,
        &[
            ("csrf", token.clone()),
            ("reason", " ".to_owned()),
            ("recall_lot", "on".to_owned()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, v) = app
        .get(&format!("/api/v1/cases/{id}"), Some(&inspector))
        .await;
    assert_eq!(v["status"], "investigating");
    let (status, location, _) = post_form(
        &app,
        &format!("/cases/{id}/confirm"),
        &web,
        &[
            ("csrf", token.clone()),
            ("reason", "Tem in giả, lô bị làm nhái".to_owned()),
            ("recall_lot", "on".to_owned()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some(path.as_str()));
    let (_, v) = app
        .get(&format!("/api/v1/cases/{id}"), Some(&inspector))
        .await;
    assert_eq!(v["status"], "confirmed");
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "opened",
            "status",
            "assigned",
            "note",
            "status",
            "lot_recalled"
        ]
    );
    assert!(
        v["events"].as_array().unwrap()[1..]
            .iter()
            .all(|e| e["by_username"] == "admin")
    );
    let (_, html) = page(&app, &path, &web).await;
    assert!(html.contains("data-status=\"confirmed\""));
    assert!(
        !html.contains(&format!("action=\"/cases/{id}/confirm\"")),
        "closed"
    );
    // The public page of the lot says it is recalled.
    let (_, _, public) = fetch(
        &app,
        &path_of(batch["labels"][0]["uri"].as_str().unwrap()),
        HTML,
    )
    .await;
    assert!(public.contains("Tem in giả, lô bị làm nhái"));
}
