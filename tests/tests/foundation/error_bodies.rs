//! Snapshots of the error bodies people and tills read: for a few refusals
//! of each kind (invalid 422, conflict 409, not found 404, forbidden 403) the
//! status, the stable `error` code and the exact message — Vietnamese by
//! default, English with `Accept-Language: en` — and the catalogue import's
//! row errors (`line, column, code, message, message_en`).
//!
//! These record what the server answered before issue #11 moved every model
//! to one refusal type: a refactor of where errors are built must not change
//! a single byte of what is sent. A change here is a change of the API.

use crate::support as catalogue;
use crate::{sales_common, stock_common};

use ocop_core::sale::ChainHash;
use ocop_e2e::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// One request, sent as is and again with `Accept-Language: en`.
struct Request<'a> {
    method: Method,
    path: String,
    /// The whole `Authorization` header (`Bearer …` or `Till …`).
    auth: Option<String>,
    body: Option<&'a Value>,
}

impl<'a> Request<'a> {
    fn get(path: impl Into<String>, auth: Option<String>) -> Self {
        Request {
            method: Method::GET,
            path: path.into(),
            auth,
            body: None,
        }
    }

    fn post(path: impl Into<String>, auth: Option<String>, body: &'a Value) -> Self {
        Request {
            method: Method::POST,
            path: path.into(),
            auth,
            body: Some(body),
        }
    }

    async fn send(&self, app: &TestApp, english: bool) -> (StatusCode, Value) {
        let mut req = app.client.request(self.method.clone(), app.url(&self.path));
        if let Some(auth) = &self.auth {
            req = req.header("Authorization", auth);
        }
        if english {
            req = req.header("Accept-Language", "en");
        }
        if let Some(body) = self.body {
            req = req.json(body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }
}

fn bearer(token: &str) -> Option<String> {
    Some(format!("Bearer {token}"))
}

/// The answer a refusal must get: the whole body, in both languages.
struct Refused<'a> {
    status: StatusCode,
    code: &'a str,
    vi: &'a str,
    en: &'a str,
}

impl Refused<'_> {
    async fn check(&self, app: &TestApp, req: &Request<'_>) {
        for (english, message) in [(false, self.vi), (true, self.en)] {
            let answer = req.send(app, english).await;
            assert_eq!(
                answer,
                (self.status, json!({"error": self.code, "message": message})),
                "{} {} (english: {english})",
                req.method,
                req.path
            );
        }
    }
}

#[tokio::test]
async fn invalid_requests_are_422_with_their_code_and_both_texts() {
    let (app, mut till) = sales_common::setup().await;
    let admin = app.login("admin", "demo1234").await;

    // A product with a GTIN whose check digit is wrong.
    let producer = catalogue::create_producer(&app, &admin, "HTX Ảnh Chụp Lỗi", "5300999501").await;
    let bad_gtin = catalogue::with(
        &catalogue::product_body(producer, "Rượu ngô", 1),
        &json!({"gtin": catalogue::bad_gtin13(1)}),
    );
    Refused {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "invalid_gtin",
        vi: "Sai số kiểm tra của mã GTIN: số cuối là 0, đúng phải là 9. Hãy kiểm tra lại mã vạch.",
        en: "Wrong GTIN check digit: the last digit is 0, it should be 9. Check the barcode.",
    }
    .check(
        &app,
        &Request::post("/api/v1/products", bearer(&admin), &bad_gtin),
    )
    .await;

    // A second product with the GTIN of an existing one (a duplicate is
    // refused as an invalid field, not as a conflict).
    catalogue::create_product(
        &app,
        &admin,
        &catalogue::product_body(producer, "Rượu ngô", 1),
    )
    .await;
    let duplicate = catalogue::with(
        &catalogue::product_body(producer, "Rượu ngô thứ hai", 2),
        &json!({"gtin": catalogue::gtin13(1)}),
    );
    Refused {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "gtin_taken",
        vi: "Mã GTIN 08930000000019 đã được dùng cho sản phẩm khác.",
        en: "The GTIN 08930000000019 already belongs to another product.",
    }
    .check(
        &app,
        &Request::post("/api/v1/products", bearer(&admin), &duplicate),
    )
    .await;

    // A goods receipt with a line of quantity 0.
    let manager = app.login("manager1", "demo1234").await;
    let (product, producer) = stock_common::receivable(&app).await[0];
    let zero = json!({"kind": "goods_received", "outlet_id": till.outlet_id,
        "producer_id": producer, "lines": [stock_common::line(product, "0")]});
    Refused {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "non_positive_quantity",
        vi: "Dòng 1: Số lượng phải lớn hơn 0.",
        en: "Line 1: The quantity must be greater than zero.",
    }
    .check(
        &app,
        &Request::post("/api/v1/stock-documents", bearer(&manager), &zero),
    )
    .await;

    // A sale whose total is not the sum of its lines.
    let items = sales_common::stocked_items(&app, till.outlet_id).await;
    let sale = till.sale(vec![sales_common::cart(&items[0], 2)]);
    let mut wrong_total = sales_common::to_json(&sale);
    wrong_total["total"] = json!(sale.total.amount() + 1);
    Refused {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "sale_total_mismatch",
        vi: "Tổng cộng phải là 360.000 ₫ (tổng thành tiền các dòng), phiếu ghi 360.001 ₫.",
        en: "The total should be 360.000 d (the sum of the lines), the sale says 360.001 d.",
    }
    .check(
        &app,
        &Request::post("/api/v1/sales", Some(till.auth.clone()), &wrong_total),
    )
    .await;
}

#[tokio::test]
async fn conflicts_with_stored_state_are_409_with_their_code_and_both_texts() {
    let (app, mut till) = sales_common::setup().await;

    // Posting a stock document that is already posted.
    let manager = app.login("manager1", "demo1234").await;
    let (product, producer) = stock_common::receivable(&app).await[0];
    let posted = stock_common::receive(
        &app,
        &manager,
        till.outlet_id,
        producer,
        product,
        "3",
        "LO-1",
        60,
    )
    .await;
    let id = posted["document"]["id"].as_i64().unwrap();
    let number = posted["document"]["number"].as_str().unwrap();
    Refused {
        status: StatusCode::CONFLICT,
        code: "document_posted",
        vi: &format!(
            "Chứng từ {number} đã ghi sổ, không được sửa. Hãy lập chứng từ điều chỉnh tham chiếu tới nó."
        ),
        en: &format!(
            "Document {number} is posted and cannot be changed. Make a correcting document that refers to it."
        ),
    }
    .check(
        &app,
        &Request::post(
            format!("/api/v1/stock-documents/{id}/post"),
            bearer(&manager),
            &json!({}),
        ),
    )
    .await;

    // A sale resent under the same id with other content (resealed, so
    // only the content differs), and another sale reusing its number.
    let items = sales_common::stocked_items(&app, till.outlet_id).await;
    let sale = till.sale(vec![sales_common::cart(&items[0], 2)]);
    let (status, stored) =
        sales_common::post_sale(&app, &till, &sales_common::to_json(&sale)).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    let mut changed = till.sale_numbered(
        1,
        ChainHash::GENESIS,
        vec![sales_common::cart(&items[0], 3)],
    );
    changed.id = sale.id;
    ocop_core::sale::seal(&mut changed, ChainHash::GENESIS);
    let changed = sales_common::to_json(&changed);
    Refused {
        status: StatusCode::CONFLICT,
        code: "sale_conflict",
        vi: "Mã phiếu này đã được lưu với nội dung khác.",
        en: "This id is already stored with different content.",
    }
    .check(
        &app,
        &Request::post("/api/v1/sales", Some(till.auth.clone()), &changed),
    )
    .await;
    let twin = till.sale_numbered(
        1,
        ChainHash::GENESIS,
        vec![sales_common::cart(&items[0], 1)],
    );
    let twin = sales_common::to_json(&twin);
    Refused {
        status: StatusCode::CONFLICT,
        code: "receipt_no_taken",
        vi: "Số phiếu này của máy đã được dùng cho một phiếu khác.",
        en: "This till's receipt number is already used by another record.",
    }
    .check(
        &app,
        &Request::post("/api/v1/sales", Some(till.auth.clone()), &twin),
    )
    .await;
}

#[tokio::test]
async fn unknown_items_and_routes_are_404_with_their_code_and_both_texts() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    Refused {
        status: StatusCode::NOT_FOUND,
        code: "not_found",
        vi: "Không tìm thấy dữ liệu yêu cầu.",
        en: "The requested item was not found.",
    }
    .check(
        &app,
        &Request::get("/api/v1/products/999999", bearer(&admin)),
    )
    .await;
    Refused {
        status: StatusCode::NOT_FOUND,
        code: "no_such_route",
        vi: "Không có địa chỉ này.",
        en: "There is no such address.",
    }
    .check(&app, &Request::get("/api/v1/no-such-thing", bearer(&admin)))
    .await;
}

#[tokio::test]
async fn forbidden_actions_are_403_with_their_code_and_both_texts() {
    let (app, mut till) = sales_common::setup().await;

    // A cashier creating a product.
    let cashier = app.login("cashier1", "demo1234").await;
    let body = catalogue::product_body(1, "Không được tạo", 7);
    Refused {
        status: StatusCode::FORBIDDEN,
        code: "forbidden",
        vi: "Tài khoản của bạn không có quyền thực hiện thao tác này.",
        en: "Your account is not allowed to do this.",
    }
    .check(
        &app,
        &Request::post("/api/v1/products", bearer(&cashier), &body),
    )
    .await;

    // A till sending another till's sale.
    let other = sales_common::register_till(&app, "manager1", "LC-SR01").await;
    let items = sales_common::stocked_items(&app, till.outlet_id).await;
    let sale = sales_common::to_json(&till.sale(vec![sales_common::cart(&items[0], 1)]));
    Refused {
        status: StatusCode::FORBIDDEN,
        code: "wrong_till",
        vi: "Máy bán hàng này chỉ được gửi phiếu của chính nó (đúng mã máy và cửa hàng).",
        en: "A till may only send its own receipts (its own till id and outlet).",
    }
    .check(
        &app,
        &Request::post("/api/v1/sales", Some(other.auth.clone()), &sale),
    )
    .await;
}

#[tokio::test]
async fn the_catalogue_import_lists_each_bad_row_with_both_texts() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    // Line 3: a malformed tax code; 4: an unknown district; 5: the tax
    // code of line 2 again.
    let csv = "name,kind,tax_code,district,commune,contact_name,phone\n\
               HTX A,htx,5300999311,bac-ha,Xã A,Ông A,0912345678\n\
               HTX B,htx,12345,bac-ha,Xã B,Ông B,0912345678\n\
               HTX C,htx,5300999313,ha-noi,Xã C,Ông C,0912345678\n\
               HTX D,htx,5300999311,bac-ha,Xã D,Ông D,0912345678\n";
    let send = |english: bool| {
        let mut req = app
            .client
            .post(app.url("/api/v1/import/producers"))
            .bearer_auth(&admin)
            .header("Content-Type", "text/csv")
            .body(csv);
        if english {
            req = req.header("Accept-Language", "en");
        }
        async move {
            let res = req.send().await.unwrap();
            (res.status(), res.json::<Value>().await.unwrap())
        }
    };
    let errors = json!([
        {"line": 3, "column": "tax_code", "code": "invalid_tax_code",
         "message": "Mã số thuế \"12345\" không hợp lệ: phải gồm 10 chữ số, hoặc 13 chữ số dạng 0123456789-001 đối với chi nhánh.",
         "message_en": "Invalid tax code \"12345\": it has 10 digits, or 13 written 0123456789-001 for a branch."},
        {"line": 4, "column": "district", "code": "unknown_district",
         "message": "Không có huyện/thị xã/thành phố mã \"ha-noi\" (xem /api/v1/reference).",
         "message_en": "Unknown district code \"ha-noi\" (see /api/v1/reference)."},
        {"line": 5, "column": "tax_code", "code": "tax_code_taken",
         "message": "Mã số thuế 5300999311 đã thuộc về chủ thể khác.",
         "message_en": "The tax code 5300999311 already belongs to another producer."},
    ]);
    // The row errors carry both texts; the summary follows the request.
    for (english, message) in [
        (false, "Tệp có 3 lỗi: không nhập dòng nào (4 dòng dữ liệu)."),
        (true, "3 errors: nothing imported (4 data rows)."),
    ] {
        let answer = send(english).await;
        assert_eq!(
            answer,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({
                    "error": "import_rejected",
                    "message": message,
                    "report": {"kind": "producers", "dry_run": false, "rows": 4,
                        "imported": 0, "version": null, "errors": errors},
                })
            ),
            "english: {english}"
        );
    }
}
