//! What a till reads back from the server with its own credential (no user
//! token, which expires): its outlet's catalogue, a sale by id or by the
//! receipt number printed on it, and the refunds made against a sale — and
//! the public e-receipt page a printed receipt's QR code opens. Over real
//! HTTP, on the backend the suite runs on.

use crate::sales_common::*;
use chrono::Duration;
use ocop_core::digital_link::DigitalLink;
use ocop_core::sale::Restock;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A till registered by the admin at another outlet than `setup()`'s.
async fn foreign_till_auth(app: &TestApp) -> String {
    let other = outlet_id(app, "LC-RS01").await;
    let admin = app.login("admin", "demo1234").await;
    let (status, body) = app
        .post(
            "/api/v1/tills",
            Some(&admin),
            &json!({"outlet_id": other, "name": "Quầy trạm dừng"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["authorization"].as_str().unwrap().to_owned()
}

async fn get_raw(app: &TestApp, auth: Option<&str>, path: &str) -> (StatusCode, Value) {
    let mut req = app.client.get(app.url(path));
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json::<Value>().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_till_reads_its_outlets_catalogue_sale_refunds_and_receipt_numbers() {
    let (app, mut till) = setup().await;
    let outlet = till.outlet_id;

    // The catalogue sync with the till's credential, as with a user's token.
    let cat_path = format!("/api/v1/outlets/{outlet}/catalogue");
    let (status, by_till) = get_as(&app, &till.auth, &cat_path).await;
    assert_eq!(status, StatusCode::OK, "{by_till}");
    let manager = app.login("manager1", "demo1234").await;
    let (status, by_user) = app.get(&cat_path, Some(&manager)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!by_till["products"].as_array().unwrap().is_empty());
    assert_eq!(by_till["products"], by_user["products"]);
    assert_eq!(by_till["version"], by_user["version"]);

    let items = stocked_items(&app, outlet).await;
    let sale = till.sale(vec![cart(&items[0], 3), cart(&items[1], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&sale)).await.0,
        StatusCode::CREATED
    );

    // By id: the till gets exactly what a manager gets.
    let (status, as_till) = get_as(&app, &till.auth, &format!("/api/v1/sales/{}", sale.id)).await;
    assert_eq!(status, StatusCode::OK, "{as_till}");
    let (status, as_manager) = app
        .get(&format!("/api/v1/sales/{}", sale.id), Some(&manager))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(as_till, as_manager);
    assert_eq!(as_till["sale"], to_json(&sale));

    // By the printed number, in any of the ways a cashier types it.
    let printed = format!("T{}-{:06}", till.id, 1);
    assert_eq!(printed, sale.receipt_ref().to_string());
    for typed in [
        printed.clone(),
        printed.to_lowercase(),
        format!("T{}-1", till.id),
    ] {
        let (status, body) = get_as(
            &app,
            &till.auth,
            &format!("/api/v1/sales/by-receipt/{typed}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{typed}: {body}");
        assert_eq!(body, as_till, "{typed}");
    }

    // Refunds: none yet, then two partial ones from two tills, in order.
    let refunds_path = format!("/api/v1/sales/{}/refunds", sale.id);
    let (status, none) = get_as(&app, &till.auth, &refunds_path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(none, json!([]));
    let r1 = till.refund(&sale, &[], &[(1, 1, Restock::Shelf)]);
    let (status, body) = post_refund(&app, &till, &r1).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // The second till learns of r1 from the server, as a till refunding
    // another till's sale must.
    let mut second = register_till(&app, "manager1", "LC-SR01").await;
    let (status, known) = get_as(&app, &second.auth, &refunds_path).await;
    assert_eq!(status, StatusCode::OK);
    let known: Vec<ocop_core::sale::Refund> = serde_json::from_value(known).unwrap();
    assert_eq!(known, vec![r1.clone()]);
    let r2 = second.refund(
        &sale,
        &known,
        &[(1, 1, Restock::Shelf), (2, 1, Restock::Shelf)],
    );
    let (status, body) = post_refund(&app, &second, &r2).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, both) = get_as(&app, &second.auth, &refunds_path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        both,
        json!([
            serde_json::to_value(&r1).unwrap(),
            serde_json::to_value(&r2).unwrap()
        ])
    );
    // The refund's own number is not a sale's.
    let (status, err) = get_as(
        &app,
        &till.auth,
        &format!("/api/v1/sales/by-receipt/{}", r1.receipt_ref()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["error"], "not_found");
}

#[tokio::test]
async fn another_outlets_till_sees_nothing_and_bad_credentials_are_refused() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let sale = till.sale(vec![cart(&items[0], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&sale)).await.0,
        StatusCode::CREATED
    );
    let foreign = foreign_till_auth(&app).await;
    let paths = [
        format!("/api/v1/outlets/{}/catalogue", till.outlet_id),
        format!("/api/v1/sales/{}", sale.id),
        format!("/api/v1/sales/{}/refunds", sale.id),
        format!("/api/v1/sales/by-receipt/{}", sale.receipt_ref()),
    ];
    for path in &paths {
        // Another outlet's till: 404, as if nothing were there.
        let (status, err) = get_raw(&app, Some(&foreign), path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {err}");
        assert_eq!(err["error"], "not_found", "{path}");
        // A wrong secret, a malformed till header, no header at all: 401.
        let wrong = format!("Till {}:{}", till.id, "0".repeat(64));
        for (auth, code) in [
            (Some(wrong.as_str()), "invalid_till_credentials"),
            (Some("Till nonsense"), "invalid_till_credentials"),
            (Some("Bearer not-a-jwt"), "invalid_token"),
            (None, "missing_token"),
        ] {
            let (status, err) = get_raw(&app, auth, path).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path} {auth:?}: {err}");
            assert_eq!(err["error"], code, "{path} {auth:?}");
        }
        // The outlet's own till reads it.
        let (status, body) = get_raw(&app, Some(&till.auth), path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    // A user outside the outlet (a producer) is refused as before.
    let producer = app.login("producer1", "demo1234").await;
    let (status, _) = app
        .get(&format!("/api/v1/sales/{}", sale.id), Some(&producer))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The foreign till's own outlet catalogue is fine.
    let other = outlet_id(&app, "LC-RS01").await;
    let (status, _) = get_raw(
        &app,
        Some(&foreign),
        &format!("/api/v1/outlets/{other}/catalogue"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn receipt_numbers_that_are_not_one_are_400_and_unknown_ones_404() {
    let (app, till) = setup().await;
    for bad in ["T3-abc", "T3-0", "3-12", "T3", "T-1", "T3-1%202"] {
        let (status, err) =
            get_as(&app, &till.auth, &format!("/api/v1/sales/by-receipt/{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {err}");
        assert_eq!(err["error"], "invalid_receipt_ref", "{bad}");
        assert!(err["message"].as_str().unwrap().contains("T3-000012"));
    }
    let (status, err) = get_as(
        &app,
        &till.auth,
        &format!("/api/v1/sales/by-receipt/T{}-000099", till.id),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["error"], "not_found");
    let (status, _) = get_as(
        &app,
        &till.auth,
        &format!("/api/v1/sales/{}/refunds", uuid::Uuid::new_v4()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

const PUBLIC_URL: &str = "https://ocop.laocai.example";

/// `href="…"` values of links with this class, in page order.
fn links_of_class(html: &str, class: &str) -> Vec<String> {
    let marker = format!("class=\"{class}\" href=\"");
    html.match_indices(&marker)
        .filter_map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest.find('"').map(|end| rest[..end].replace("&amp;", "&"))
        })
        .collect()
}

#[tokio::test]
async fn the_e_receipt_page_shows_lines_refunds_provenance_and_vietnam_time() {
    let app = TestApp::spawn_with(|c| c.public_url = PUBLIC_URL.to_owned()).await;
    let pool = app.db.clone();
    tokio::task::spawn_blocking(move || ocop_server::demo::load(&pool).unwrap())
        .await
        .unwrap();
    let mut till = register_till(&app, "manager1", "LC-SR01").await;
    // The till learns the public address to print in its e-receipt QR from
    // its catalogue sync.
    let (status, cat) = get_as(
        &app,
        &till.auth,
        &format!("/api/v1/outlets/{}/catalogue", till.outlet_id),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cat["public_url"], PUBLIC_URL);
    let items = stocked_items(&app, till.outlet_id).await;
    // The first item sold from a lot its label names, with a GTIN.
    let (item, lot_code, gtin, expiry) = {
        let mut found = None;
        for item in &items {
            let id = item.id;
            let outlet = till.outlet_id;
            let hit = db(&app, move |c| {
                use diesel::prelude::*;
                use ocop_server::db::schema::{lots, products, stock_on_hand};
                let gtin: Option<String> = products::table
                    .find(id)
                    .select(products::gtin)
                    .first(c)
                    .unwrap();
                let lot: Option<(String, Option<chrono::NaiveDate>)> = stock_on_hand::table
                    .inner_join(lots::table.on(lots::id.eq(stock_on_hand::lot_id)))
                    .filter(stock_on_hand::outlet_id.eq(outlet))
                    .filter(stock_on_hand::product_id.eq(id))
                    .filter(lots::lot_code.ne(""))
                    .select((lots::lot_code, lots::expires_on))
                    .first(c)
                    .optional()
                    .unwrap();
                gtin.zip(lot)
            })
            .await;
            if let Some((gtin, (lot, expiry))) = hit {
                found = Some((item.clone(), lot, gtin, expiry));
                break;
            }
        }
        found.expect("a demo product with a GTIN and a lot in stock")
    };
    let other = items.iter().find(|i| i.id != item.id).unwrap();
    let mut from_lot = cart(&item, 2);
    from_lot.lot_code = Some(lot_code.clone());
    let sale = till.sale(vec![from_lot, cart(other, 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&sale)).await.0,
        StatusCode::CREATED
    );
    let refund = till.refund(&sale, &[], &[(1, 1, Restock::Shelf)]);
    let (status, body) = post_refund(&app, &till, &refund).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // No login: a plain client, as a phone would be.
    let res = reqwest::get(app.url(&format!("/r/{}", sale.id)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    let html = res.text().await.unwrap();
    assert!(html.contains("name=\"viewport\""));

    // Header: the outlet's legal identity.
    let outlet = till.outlet_id;
    let o = db(&app, move |c| {
        ocop_server::models::outlet::find(c, outlet).unwrap()
    })
    .await;
    for text in [&o.legal_name, &o.tax_code, &o.address] {
        assert!(html.contains(&escape(text)), "missing {text}");
    }
    // Receipt number and the time in Vietnam (UTC+7, computed here by hand).
    assert!(html.contains(&sale.receipt_ref().to_string()));
    let local = (sale.sold_at + Duration::hours(7))
        .format("%d/%m/%Y %H:%M")
        .to_string();
    assert!(html.contains(&local), "no Vietnam time {local}");
    // Lines with quantities and amounts; VAT; total; payment; short hash.
    for line in &sale.lines {
        assert!(html.contains(&escape(&line.name)), "line {}", line.name);
        assert!(html.contains(&line.amount.to_string()));
    }
    assert!(html.contains("Tổng cộng / Total"));
    assert!(html.contains(&sale.total.to_string()));
    assert!(html.contains("Thuế GTGT") || html.contains("Không chịu thuế GTGT"));
    assert!(html.contains("Tiền mặt / Cash"));
    // Issue 14: the chain hash is for staff, not the consumer; the page
    // says it is a sales receipt's online copy, not an e-invoice.
    assert!(!html.contains(&sale.hash.short()), "{html}");
    assert!(html.contains("không phải hóa đơn điện tử"), "{html}");
    // The refund, and the line shown as partly returned.
    assert!(html.contains(&refund.receipt_ref().to_string()));
    assert!(html.contains("Đã trả lại / Returned: 1"));
    assert!(html.contains(&refund.total.to_string()));
    // One provenance link: the Digital Link of the product's label, lot
    // and expiry included; it reads back with GS1's grammar.
    let links = links_of_class(&html, "provenance");
    assert!(!links.is_empty(), "no provenance link");
    let first = DigitalLink::parse(&links[0]).expect("a valid Digital Link");
    assert!(links[0].starts_with(&format!("{PUBLIC_URL}/01/")));
    assert_eq!(
        first.gtin.as_str14(),
        ocop_core::gtin::Gtin::parse(&gtin).unwrap().as_str14()
    );
    assert_eq!(
        first.lot.as_ref().map(|l| l.as_str()),
        Some(lot_code.as_str())
    );
    assert_eq!(first.expiry, expiry);
    // Nothing about the staff, no internal ids.
    let cashier = till.cashier_id;
    let staff = db(&app, move |c| {
        ocop_server::models::user::find(c, cashier).unwrap()
    })
    .await;
    assert!(!html.contains(&escape(&staff.display_name)));
    assert!(!html.contains(&staff.username));
    assert!(!html.contains(&sale.shift_id.to_string()));

    // Unknown and malformed ids: a friendly 404 page, not JSON.
    for path in [
        format!("/r/{}", uuid::Uuid::new_v4()),
        "/r/not-a-receipt".to_owned(),
    ] {
        let res = reqwest::get(app.url(&path)).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let page = res.text().await.unwrap();
        assert!(page.contains("Không tìm thấy phiếu"), "{page}");
        assert!(page.contains("Receipt not found"));
    }
}

/// The text as maud writes it into HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Issue 18: two notes paid one after the other are one cash tender. The
/// page said "cash given" beside the second payment with that payment's
/// tender only, where the paper receipt (and the core) say the sum.
#[tokio::test]
async fn the_e_receipt_page_shows_split_cash_as_one_tender_and_its_change() {
    use ocop_core::money::Dong;
    use ocop_core::sale::{Payment, SaleBuilder, SaleHeader};

    let (app, till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let mut b = SaleBuilder::new(SaleHeader {
        id: uuid::Uuid::new_v4(),
        till_id: till.id,
        receipt_no: till.next_no.try_into().unwrap(),
        sold_at: chrono::Utc::now(),
        cashier_id: till.cashier_id,
        outlet_id: till.outlet_id,
        shift_id: till.shift_id,
    });
    b.add(cart(&items[0], 2)).unwrap();
    let total = b.total().unwrap().amount();
    // The first note settles half, the second the rest with 50.000 over.
    let first = total / 2;
    let rest = total - first;
    let payments = vec![
        Payment::cash(Dong::new(first), Dong::new(first)).unwrap(),
        Payment::cash(Dong::new(rest), Dong::new(rest + 50_000)).unwrap(),
    ];
    let sale = b.finish(payments, till.last_hash).unwrap();
    let (status, body) = post_sale(&app, &till, &to_json(&sale)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let html = reqwest::get(app.url(&format!("/r/{}", sale.id)))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = |label: &str| -> String {
        assert_eq!(html.matches(label).count(), 1, "{label} once:\n{html}");
        let at = html.find(label).unwrap();
        let end = html[at..].find("</tr>").unwrap();
        html[at..at + end].to_owned()
    };
    let given = row("Tiền khách đưa / Cash given");
    assert!(
        given.contains(&Dong::new(total + 50_000).to_string()),
        "{given}"
    );
    let change = row("Tiền thừa trả khách / Change");
    assert!(change.contains("50.000 ₫"), "{change}");
}
