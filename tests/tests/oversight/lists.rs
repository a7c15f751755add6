//! The oversight lists against a data set made through the real API: a
//! sale of a product whose certificate had expired appears (and the same
//! day's sale of a product expiring that day does not), negative stock and
//! a silent till appear, stock per product and outlet equals the ledger's
//! stock on hand, certificates near expiry are listed with their days
//! left, and cases are counted in their week. Each figure is computed in
//! the test from the database rows, not from the pages' own queries.

use diesel::prelude::*;
use ocop_e2e::{TestApp, days_ago, days_ahead};
use ocop_server::db::schema::{cases, stock_on_hand};
use reqwest::StatusCode;
use serde_json::json;

use super::sales_common::{cart, db, on_hand, post_sale, setup, stocked_items, to_json};
use super::web_common::{page, web_login};
use super::{input_of, product, put_product};

/// The cells of one column of an oversight table, in row order.
pub fn column(html: &str, key: &str) -> Vec<String> {
    let marker = format!("data-key=\"{key}\"");
    html.match_indices(&marker)
        .map(|(at, _)| {
            let rest = &html[at..];
            let start = rest.find('>').unwrap() + 1;
            let end = rest[start..].find('<').unwrap();
            rest[start..start + end].to_owned()
        })
        .collect()
}

fn milli(text: &str) -> i64 {
    ocop_core::money::Quantity::parse(text).unwrap().milli()
}

/// Gives a product a certificate valid until `expires` (issued three years
/// before), with no rating record.
async fn certificate_until(app: &TestApp, admin: &str, id: i64, expires: &str) {
    let p = product(app, admin, id).await;
    let mut body = input_of(&p);
    let until = chrono::NaiveDate::parse_from_str(expires, "%Y-%m-%d").unwrap();
    let issued = until - chrono::Months::new(36);
    body.insert("cert_number".into(), json!(format!("TEST-{id}/QĐ-UBND")));
    body.insert("cert_level".into(), json!("province"));
    body.insert("cert_issued_on".into(), json!(issued.to_string()));
    body.insert("cert_expires_on".into(), json!(expires));
    for k in [
        "rating_score",
        "rating_decision_no",
        "rating_decision_on",
        "rating_body",
    ] {
        body.insert(k.into(), serde_json::Value::Null);
    }
    let (status, answer) = put_product(app, admin, id, &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test]
async fn each_list_shows_what_the_data_holds() {
    let (app, mut till) = setup().await;
    let admin = app.login("admin", "demo1234").await;
    let items = stocked_items(&app, till.outlet_id).await;
    assert!(items.len() >= 4, "demo outlet stocks at least 4 products");
    let (expired, valid, today, oversold) = (&items[0], &items[1], &items[2], &items[3]);
    certificate_until(&app, &admin, expired.id.into(), &days_ago(1)).await;
    certificate_until(&app, &admin, today.id.into(), &days_ago(0)).await;
    certificate_until(&app, &admin, valid.id.into(), &days_ahead(30)).await;

    // One sale of the three, one overselling the fourth.
    let sale = till.sale(vec![cart(expired, 1), cart(valid, 1), cart(today, 1)]);
    let (status, body) = post_sale(&app, &till, &to_json(&sale)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let have = on_hand(&app, till.outlet_id, oversold.id).await;
    let sale2 = till.sale(vec![cart(oversold, have / 1000 + 2)]);
    let (status, body) = post_sale(&app, &till, &to_json(&sale2)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // A second till registered at the outlet that never sends anything.
    let manager = app.login("manager1", "demo1234").await;
    let (status, quiet) = app
        .post(
            "/api/v1/tills",
            Some(&manager),
            &json!({"outlet_id": till.outlet_id, "name": "Quầy im lặng"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{quiet}");
    let quiet_id = quiet["till"]["id"].as_i64().unwrap().to_string();

    let cookie = web_login(&app, "inspector").await;

    // Sold after the certificate expired: only the expired product's line.
    let (status, html) = page(&app, "/oversight/expired-sales", &cookie).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(column(&html, "product_id"), vec![expired.id.to_string()]);
    assert_eq!(column(&html, "sale"), vec![sale.id.to_string()]);
    assert_eq!(
        column(&html, "cert_expired_on"),
        vec![
            chrono::NaiveDate::parse_from_str(&days_ago(1), "%Y-%m-%d")
                .unwrap()
                .format("%d/%m/%Y")
                .to_string()
        ]
    );
    // A period before the sale holds nothing; the CSV holds the same row
    // and the filters.
    let (_, html) = page(
        &app,
        &format!(
            "/oversight/expired-sales?from={}&to={}",
            days_ago(30),
            days_ago(2)
        ),
        &cookie,
    )
    .await;
    assert!(column(&html, "product_id").is_empty());
    let res = app
        .client
        .get(app.url(&format!(
            "/oversight/expired-sales.csv?from={}",
            days_ago(3)
        )))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert!(csv.contains(&sale.id.to_string()), "{csv}");
    assert!(csv.contains(&days_ago(3)), "the filter is written: {csv}");
    assert!(!csv.contains(&sale2.id.to_string()));

    // Negative stock: the outlet is listed with as many negative keys as
    // the stock rows say.
    let outlet = till.outlet_id;
    let negative: i64 = db(&app, move |c| {
        stock_on_hand::table
            .filter(stock_on_hand::outlet_id.eq(outlet))
            .filter(stock_on_hand::qty_milli.lt(0))
            .count()
            .get_result(c)
            .unwrap()
    })
    .await;
    assert!(negative >= 1);
    let (status, html) = page(&app, "/oversight/outlets", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let ids = column(&html, "outlet_id");
    let at = ids
        .iter()
        .position(|i| *i == outlet.to_string())
        .expect("outlet listed");
    assert_eq!(column(&html, "negative_keys")[at], negative.to_string());
    // Walking the chains finds nothing wrong with this till's receipts.
    let (status, html) = page(&app, "/oversight/outlets?walk=1", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let at = column(&html, "outlet_id")
        .iter()
        .position(|i| *i == outlet.to_string())
        .unwrap();
    assert_eq!(column(&html, "chain")[at], "", "{html}");

    // Silent tills: the quiet one, not the one that just sold.
    let (status, html) = page(&app, "/oversight/tills", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let silent = column(&html, "till_id");
    assert!(silent.contains(&quiet_id), "{silent:?}");
    assert!(!silent.contains(&till.id.to_string()), "{silent:?}");

    // Stock: the oversold product's rows equal stock on hand per outlet.
    let pid = oversold.id;
    let expected: std::collections::BTreeMap<i32, i64> = db(&app, move |c| {
        let rows: Vec<(i32, i64)> = stock_on_hand::table
            .filter(stock_on_hand::product_id.eq(pid))
            .select((stock_on_hand::outlet_id, stock_on_hand::qty_milli))
            .load(c)
            .unwrap();
        let mut m = std::collections::BTreeMap::new();
        for (o, q) in rows {
            *m.entry(o).or_insert(0) += q;
        }
        m.retain(|_, q| *q != 0);
        m
    })
    .await;
    let name = oversold.name.clone();
    let (status, html) = page(
        &app,
        &format!("/oversight/stock?q={}", name.replace(' ', "+")),
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let products = column(&html, "product_id");
    let qty: Vec<i64> = column(&html, "on_hand").iter().map(|q| milli(q)).collect();
    let shown: Vec<i64> = products
        .iter()
        .zip(&qty)
        .filter(|(p, _)| **p == pid.to_string())
        .map(|(_, q)| *q)
        .collect();
    let mut want: Vec<i64> = expected.values().copied().collect();
    let mut got = shown.clone();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want);
    assert!(
        got.iter().any(|q| *q < 0),
        "the oversold outlet shows negative"
    );

    // Certificates: expired and expiring today and in 30 days, with days left.
    let (status, html) = page(&app, "/oversight/certificates", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let ids = column(&html, "product_id");
    let left = column(&html, "days_left");
    for (id, days) in [(expired.id, "-1"), (today.id, "0"), (valid.id, "30")] {
        let at = ids
            .iter()
            .position(|i| *i == id.to_string())
            .expect("listed");
        assert_eq!(left[at], days);
    }
    let (_, html) = page(&app, "/oversight/certificates?expired=0&within=10", &cookie).await;
    let ids = column(&html, "product_id");
    assert!(!ids.contains(&expired.id.to_string()));
    assert!(ids.contains(&today.id.to_string()));
    assert!(!ids.contains(&valid.id.to_string()));

    // Cases per week: two opened now, counted in this week's row.
    let inspector = app.login("inspector", "demo1234").await;
    for title in ["Tem lạ ở chợ Bắc Hà", "Rượu không nhãn"] {
        let (status, body) = app
            .post("/api/v1/cases", Some(&inspector), &json!({"title": title}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let opened: i64 = db(&app, |c| cases::table.count().get_result(c).unwrap()).await;
    let (status, html) = page(&app, "/oversight/signals?weeks=4", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let weekly = column(&html, "cases");
    assert_eq!(weekly.len(), 4);
    assert_eq!(weekly.last().unwrap(), &opened.to_string());
}
