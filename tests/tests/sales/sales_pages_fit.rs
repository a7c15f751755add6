//! Issue 14: the outlet's money pages and the e-receipt fit a 390-px phone
//! without sideways scrolling, and a 1366-px laptop, in a real browser
//! (headless Chromium): each page, as the signed-in manager gets it, is
//! laid out at both widths and the document's scroll width is read back;
//! a screenshot of each is left in the test's folder for a person to look
//! at. Fails (never skips) without Chromium: apt-get install chromium.

use crate::sales_common::*;
use reqwest::StatusCode;

#[tokio::test]
async fn money_pages_and_the_e_receipt_fit_a_phone_and_a_laptop() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let pending = till.sale_by_transfer(vec![cart(&items[0], 2), cart(&items[1], 1)]);
    let cash = till.sale(vec![cart(&items[2], 3)]);
    for s in [&pending, &cash] {
        assert_eq!(
            post_sale(&app, &till, &to_json(s)).await.0,
            StatusCode::CREATED
        );
    }
    let cookie = crate::web_common::web_login(&app, "manager1").await;
    let tmp = tempfile::tempdir().unwrap();
    let receipt = format!("/r/{}", pending.id);
    for (name, path) in [
        ("sales", "/sales"),
        ("transfers", "/sales/transfers"),
        ("vat-invoices", "/sales/vat-invoices"),
        ("e-receipt", receipt.as_str()),
    ] {
        let (status, html) = crate::web_common::page(&app, path, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        ocop_e2e::browser::assert_fits(&html, &app.url("/"), tmp.path(), name, path);
    }
}
