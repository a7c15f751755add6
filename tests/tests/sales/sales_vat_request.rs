//! Issue 14: a customer asks for a VAT invoice from the sale's online
//! receipt (`/r/{sale}`): the buyer's name, tax code (mã số thuế, format
//! checked), address and e-mail. A refused request says every problem
//! beside its field and stores nothing; an accepted one is stored against
//! the sale, shown on the receipt, listed for the outlet's manager on
//! `/sales/vat-invoices`, and named as the buyer in the sale's e-invoice
//! data and the day's export; a second request is refused.

use crate::sales_common::*;
use ocop_core::time::vn_date;
use reqwest::StatusCode;

/// Posts the e-receipt's VAT-invoice form (a public page: no session).
async fn ask(
    app: &ocop_e2e::TestApp,
    sale: uuid::Uuid,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    let fields: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    crate::web_common::post_form(app, &format!("/r/{sale}/vat-invoice"), "", &fields).await
}

#[tokio::test]
async fn a_vat_invoice_request_is_checked_stored_shown_to_the_manager_and_exported() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let sale = till.sale(vec![cart(&items[0], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&sale)).await.0,
        StatusCode::CREATED
    );
    let receipt = app.url(&format!("/r/{}", sale.id));
    let html = app
        .client
        .get(&receipt)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Yêu cầu xuất hóa đơn GTGT"), "{html}");
    assert!(
        html.contains(&format!("action=\"/r/{}/vat-invoice\"", sale.id)),
        "{html}"
    );

    // A malformed tax code and a missing address: both said, nothing kept.
    let (status, _, html) = ask(
        &app,
        sale.id,
        &[
            ("buyer_name", "Công ty TNHH Du lịch Sa Pa"),
            ("tax_code", "53001234"),
            ("address", ""),
            ("email", "ketoan@sapa"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for said in [
        "Mã số thuế &quot;53001234&quot; không hợp lệ",
        "Cần ghi địa chỉ",
        "Địa chỉ email &quot;ketoan@sapa&quot; không hợp lệ",
    ] {
        assert!(html.contains(said), "{said}: {html}");
    }
    assert!(
        html.contains("value=\"Công ty TNHH Du lịch Sa Pa\""),
        "kept as typed"
    );
    let cashier = app.login("cashier1", "demo1234").await;
    let (_, inv) = app
        .get(
            &format!("/api/v1/sales/{}/einvoice", sale.id),
            Some(&cashier),
        )
        .await;
    assert_eq!(inv["buyer"], serde_json::Value::Null, "{inv}");

    // A good request: stored, shown on the receipt instead of the form.
    let good = [
        ("buyer_name", "Công ty TNHH Du lịch Sa Pa"),
        ("tax_code", "5300123456001"),
        ("address", "Số 1 Cầu Mây, Sa Pa, Lào Cai"),
        ("email", "ketoan@sapa.vn"),
    ];
    let (status, location, body) = ask(&app, sale.id, &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location.unwrap(), format!("/r/{}#vat-invoice", sale.id));
    let html = app
        .client
        .get(&receipt)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("5300123456-001"), "{html}");
    assert!(!html.contains("name=\"tax_code\""), "{html}");

    // A second request is refused; the first stands.
    let (status, _, html) = ask(
        &app,
        sale.id,
        &[
            ("buyer_name", "Người khác"),
            ("tax_code", "0100109106"),
            ("address", "Hà Nội"),
            ("email", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Đã có yêu cầu xuất hóa đơn GTGT"), "{html}");

    // The e-invoice data and the day's export name the buyer.
    let (_, inv) = app
        .get(
            &format!("/api/v1/sales/{}/einvoice", sale.id),
            Some(&cashier),
        )
        .await;
    assert_eq!(inv["buyer"]["tax_code"], "5300123456-001", "{inv}");
    assert_eq!(inv["buyer"]["name"], "Công ty TNHH Du lịch Sa Pa");
    assert_eq!(inv["buyer"]["email"], "ketoan@sapa.vn");
    let day = vn_date(sale.sold_at);
    let (_, export) = app
        .get(
            &format!("/api/v1/outlets/{}/einvoices?day={day}", till.outlet_id),
            Some(&cashier),
        )
        .await;
    assert_eq!(
        export["invoices"][0]["buyer"]["tax_code"], "5300123456-001",
        "{export}"
    );

    // The outlet's manager sees it; an unknown sale has no form to post.
    let cookie = crate::web_common::web_login(&app, "manager1").await;
    let (status, page) = crate::web_common::page(&app, "/sales/vat-invoices", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Công ty TNHH Du lịch Sa Pa",
        "5300123456-001",
        "ketoan@sapa.vn",
    ] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    assert!(page.contains(&format!("/r/{}", sale.id)), "{page}");
    let (status, _, _) = ask(&app, uuid::Uuid::new_v4(), &good).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
