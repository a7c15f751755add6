//! The rating record behind a certificate's stars: stored through the API
//! and the product form, shown on the product page and in the catalogue
//! CSV; every inconsistent record refused with its own code and nothing
//! changed.

use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::web_common::{csrf_of, page, post_form, web_login};
use super::{code, input_of, product, put_product};

/// A demo product with a certificate and its stars.
async fn certified(app: &TestApp, admin: &str) -> (i64, Value) {
    for id in 1..=40 {
        let p = product(app, admin, id).await;
        if p["cert_number"].is_string() && p["stars"].as_i64().unwrap() == 4 {
            return (id, p);
        }
    }
    panic!("no 4-star certified demo product");
}

#[tokio::test]
async fn a_rating_record_is_stored_shown_and_exported() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let (id, p) = certified(&app, &admin).await;
    let issued = p["cert_issued_on"].as_str().unwrap().to_owned();
    let mut body = input_of(&p);
    body.insert("rating_score".into(), json!(78));
    body.insert("rating_decision_no".into(), json!("4321/QĐ-UBND"));
    body.insert("rating_decision_on".into(), json!(issued));
    body.insert("rating_body".into(), json!("UBND tỉnh Lào Cai"));
    let (status, saved) = put_product(&app, &admin, id, &body).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["rating_score"], 78);
    assert_eq!(saved["rating_decision_no"], "4321/QĐ-UBND");
    assert_eq!(saved["rating_decision_on"].as_str().unwrap(), issued);
    assert_eq!(saved["rating_body"], "UBND tỉnh Lào Cai");

    // The product page shows it.
    let cookie = web_login(&app, "inspector").await;
    let (status, html) = page(&app, &format!("/catalogue/products/{id}"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("78/100"), "{html}");
    assert!(html.contains("4321/QĐ-UBND"));

    // The catalogue CSV carries it, and reads back through the import.
    let res = app
        .client
        .get(app.url("/api/v1/export/products"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header = lines.next().unwrap();
    assert!(
        header.ends_with(",rating_score,rating_decision_no,rating_decision_on,rating_body"),
        "{header}"
    );
    let row = lines
        .find(|l| l.contains("4321/QĐ-UBND"))
        .expect("the product's row");
    assert!(
        row.ends_with(&format!(",78,4321/QĐ-UBND,{issued},UBND tỉnh Lào Cai")),
        "{row}"
    );
}

#[tokio::test]
async fn inconsistent_rating_records_are_refused_and_change_nothing() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let (id, p) = certified(&app, &admin).await;
    let issued =
        chrono::NaiveDate::parse_from_str(p["cert_issued_on"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    let day_after = (issued + chrono::Days::new(1)).to_string();
    let good = json!({
        "rating_score": 75, "rating_decision_no": "1/QĐ-UBND",
        "rating_decision_on": issued.to_string(), "rating_body": "UBND tỉnh Lào Cai"
    });
    let cases = [
        // 4★ needs 70–89 (OCOP criteria, 148/QĐ-TTg)
        (json!({"rating_score": 69}), "rating_score_mismatch"),
        (json!({"rating_score": 90}), "rating_score_mismatch"),
        (json!({"rating_score": 101}), "invalid_rating_score"),
        (json!({"rating_score": -1}), "invalid_rating_score"),
        (json!({"rating_body": null}), "incomplete_rating"),
        (json!({"rating_decision_no": "  "}), "incomplete_rating"),
        (
            json!({"rating_decision_on": day_after}),
            "rating_decision_after_certificate",
        ),
        (
            json!({"cert_number": null, "cert_level": null, "cert_issued_on": null, "cert_expires_on": null}),
            "rating_without_certificate",
        ),
    ];
    let before = product(&app, &admin, id).await;
    for (change, expected) in cases {
        let mut body = input_of(&p);
        for (k, v) in good
            .as_object()
            .unwrap()
            .iter()
            .chain(change.as_object().unwrap())
        {
            body.insert(k.clone(), v.clone());
        }
        let (status, answer) = put_product(&app, &admin, id, &body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {answer}"
        );
        assert_eq!(code(&answer), expected, "{change}: {answer}");
        assert!(!answer["message"].as_str().unwrap().is_empty());
        let after = product(&app, &admin, id).await;
        assert_eq!(before, after, "{change} changed the product");
    }
    // A score in the band of 4★ is accepted at the band's edges.
    for score in [70, 89] {
        let mut body = input_of(&p);
        for (k, v) in good.as_object().unwrap() {
            body.insert(k.clone(), v.clone());
        }
        body.insert("rating_score".into(), json!(score));
        let (status, answer) = put_product(&app, &admin, id, &body).await;
        assert_eq!(status, StatusCode::OK, "{score}: {answer}");
    }

    // The form refuses the same way, beside the field, in Vietnamese.
    let cookie = web_login(&app, "admin").await;
    let edit = format!("/catalogue/products/{id}/edit");
    let (status, html) = page(&app, &edit, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let before = product(&app, &admin, id).await;
    let mut fields: Vec<(&str, String)> = vec![("csrf", csrf_of(&html))];
    for (k, v) in input_of(&before) {
        let text = match v {
            Value::Null => String::new(),
            Value::Bool(true) => "on".to_owned(),
            Value::Bool(false) => continue,
            Value::String(s) => s,
            other => other.to_string(),
        };
        let key: &str = super::INPUT_FIELDS.iter().find(|f| **f == k).unwrap();
        fields.push((key, text));
    }
    for f in &mut fields {
        if f.0 == "rating_score" {
            f.1 = "95".to_owned();
        }
    }
    let (status, _, html) = post_form(&app, &edit, &cookie, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("không khớp hạng"), "{html}");
    assert_eq!(before, product(&app, &admin, id).await);
}
