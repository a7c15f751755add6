//! The programme indicators: actual figures equal counts made in the test
//! from the product and producer rows; the plan's targets are seeded; an
//! admin's new target is appended (the history keeps the old one) and the
//! newest counts; a refused target changes nothing; only admins enter
//! targets.

use std::collections::BTreeMap;

use chrono::Datelike as _;
use diesel::prelude::*;
use ocop_e2e::TestApp;
use ocop_server::db::schema::{producers, products, programme_targets};
use reqwest::StatusCode;

use super::sales_common::db;
use super::web_common::{csrf_of, page, post_form, web_login};

/// `(indicator, year) → (actual, target)` read from the page's cells.
fn cells(html: &str) -> BTreeMap<(String, i32), (i64, Option<i64>)> {
    let attr = |cell: &str, name: &str| -> Option<String> {
        let marker = format!("{name}=\"");
        let at = cell.find(&marker)? + marker.len();
        Some(cell[at..].split('"').next()?.to_owned())
    };
    html.split("<td ")
        .filter(|c| c.contains("data-actual="))
        .map(|c| {
            let head = c.split('>').next().unwrap();
            (
                (
                    attr(head, "data-indicator").unwrap(),
                    attr(head, "data-year").unwrap().parse().unwrap(),
                ),
                (
                    attr(head, "data-actual").unwrap().parse().unwrap(),
                    attr(head, "data-target").map(|t| t.parse().unwrap()),
                ),
            )
        })
        .collect()
}

#[tokio::test]
async fn actual_against_target_and_target_history() {
    let app = TestApp::spawn_demo().await;
    // One producer with a certified product is marked new to the
    // programme, through the API (an unknown origin is refused first).
    let admin_token = app.login("admin", "demo1234").await;
    let pid: i32 = db(&app, |c| {
        products::table
            .filter(products::stars.ge(3))
            .filter(products::cert_issued_on.is_not_null())
            .select(products::producer_id)
            .order(products::id)
            .first(c)
            .unwrap()
    })
    .await;
    let (status, before) = app
        .get(&format!("/api/v1/producers/{pid}"), Some(&admin_token))
        .await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(before["programme_origin"], "existing");
    let mut body = serde_json::Map::new();
    for k in [
        "name",
        "kind",
        "tax_code",
        "district_code",
        "commune",
        "address",
        "contact_name",
        "phone",
        "bank_bin",
        "bank_account",
        "bank_holder",
        "status",
    ] {
        body.insert(k.to_owned(), before[k].clone());
    }
    body.insert("programme_origin".into(), serde_json::json!("sometimes"));
    let put = |body: serde_json::Map<String, serde_json::Value>| {
        let app = &app;
        let token = admin_token.clone();
        async move {
            app.call(
                reqwest::Method::PUT,
                &format!("/api/v1/producers/{pid}"),
                Some(&token),
                Some(&serde_json::Value::Object(body)),
            )
            .await
        }
    };
    let (status, answer) = put(body.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["error"], "unknown_programme_origin");
    body.insert("programme_origin".into(), serde_json::json!("new"));
    let (status, answer) = put(body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["programme_origin"], "new");
    // A full update without the field keeps it.
    body.remove("programme_origin");
    let (status, answer) = put(body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["programme_origin"], "new");
    // Independent counts from the rows.
    let (by_year, orgs) = db(&app, |c| {
        let rows: Vec<(i32, i32, Option<String>, Option<chrono::NaiveDate>)> = products::table
            .select((
                products::producer_id,
                products::stars,
                products::cert_number,
                products::cert_issued_on,
            ))
            .load(c)
            .unwrap();
        let origin: BTreeMap<i32, String> = producers::table
            .select((producers::id, producers::programme_origin))
            .load(c)
            .unwrap()
            .into_iter()
            .collect();
        let mut by_year: BTreeMap<i32, i64> = BTreeMap::new();
        let mut first: BTreeMap<i32, chrono::NaiveDate> = BTreeMap::new();
        for (producer, stars, number, issued) in rows {
            if let (true, Some(_), Some(day)) = (stars >= 3, number, issued) {
                *by_year.entry(day.year()).or_default() += 1;
                let f = first.entry(producer).or_insert(day);
                *f = (*f).min(day);
            }
        }
        let mut orgs: BTreeMap<(String, i32), i64> = BTreeMap::new();
        for (producer, day) in first {
            let kind = if origin[&producer] == "new" {
                "organisations_new"
            } else {
                "organisations_consolidated"
            };
            *orgs.entry((kind.to_owned(), day.year())).or_default() += 1;
        }
        (by_year, orgs)
    })
    .await;
    assert!(!by_year.is_empty());
    assert!(orgs.keys().any(|(k, _)| k == "organisations_new"));

    let cookie = web_login(&app, "inspector").await;
    let (status, html) = page(&app, "/oversight/indicators", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let shown = cells(&html);
    for (year, n) in &by_year {
        assert_eq!(
            shown[&("products_standardised".to_owned(), *year)].0,
            *n,
            "{year}"
        );
    }
    let total: i64 = by_year.values().sum();
    assert_eq!(shown[&("products_standardised".to_owned(), 0)].0, total);
    for ((kind, year), n) in &orgs {
        assert_eq!(shown[&(kind.clone(), *year)].0, *n, "{kind} {year}");
    }
    // The plan's targets (06/KH-UBND 2019).
    for (ind, year, target) in [
        ("products_standardised", 2018, 10),
        ("products_standardised", 2019, 30),
        ("products_standardised", 2020, 20),
        ("products_standardised", 0, 60),
        ("organisations_consolidated", 0, 30),
        ("organisations_new", 0, 15),
    ] {
        assert_eq!(
            shown[&(ind.to_owned(), year)].1,
            Some(target),
            "{ind} {year}"
        );
    }
    // The inspector sees no target form, and may not post one.
    assert!(!html.contains("action=\"/oversight/indicators/targets\""));
    let fields = |csrf: &str, year: &str, ind: &str, target: &str| {
        vec![
            ("csrf", csrf.to_owned()),
            ("year", year.to_owned()),
            ("indicator", ind.to_owned()),
            ("target", target.to_owned()),
            ("note", "Điều chỉnh".to_owned()),
        ]
    };
    let rows = || async {
        db(&app, |c| {
            programme_targets::table
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await
    };
    let before = rows().await;
    let (status, _, _) = post_form(
        &app,
        "/oversight/indicators/targets",
        &cookie,
        &fields(&csrf_of(&html), "2019", "products_standardised", "35"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(rows().await, before);

    // The admin's refused targets change nothing.
    let admin = web_login(&app, "admin").await;
    let (_, html) = page(&app, "/oversight/indicators", &admin).await;
    let csrf = csrf_of(&html);
    for (year, ind, target, needle) in [
        ("1990", "products_standardised", "5", "ghi 2000–2100"),
        ("2019", "bananas", "5", "Không có chỉ tiêu"),
        ("2019", "products_standardised", "-5", "Chỉ tiêu phải là số"),
        (
            "2019",
            "products_standardised",
            "nhiều",
            "phải là số nguyên",
        ),
        ("", "products_standardised", "5", "là bắt buộc"),
    ] {
        let (status, _, body) = post_form(
            &app,
            "/oversight/indicators/targets",
            &admin,
            &fields(&csrf, year, ind, target),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{year} {ind} {target}"
        );
        assert!(body.contains(needle), "{needle}");
        assert_eq!(rows().await, before);
    }
    // A forged form is refused before the handler.
    let (status, _, _) = post_form(
        &app,
        "/oversight/indicators/targets",
        &admin,
        &fields("forged", "2019", "products_standardised", "35"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(rows().await, before);

    // A new target is appended; the newest counts; the old one stays.
    let (status, location, _) = post_form(
        &app,
        "/oversight/indicators/targets",
        &admin,
        &fields(&csrf, "2019", "products_standardised", "35"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/oversight/indicators"));
    assert_eq!(rows().await, before + 1);
    let (_, html) = page(&app, "/oversight/indicators", &admin).await;
    assert_eq!(
        cells(&html)[&("products_standardised".to_owned(), 2019)].1,
        Some(35)
    );
    let kept: Vec<i32> = db(&app, |c| {
        programme_targets::table
            .filter(programme_targets::year.eq(2019))
            .filter(programme_targets::indicator.eq("products_standardised"))
            .order(programme_targets::id)
            .select(programme_targets::target)
            .load(c)
            .unwrap()
    })
    .await;
    assert_eq!(kept, vec![30, 35]);
}
