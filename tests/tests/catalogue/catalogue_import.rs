//! CSV import and export of the catalogue, over the API and the CLI:
//! all or nothing, every bad row reported with its line, the documented
//! samples import (and their certificates stay more than a year from
//! expiry), a larger file imports in one go, exports import back.
//! Certificate dates are counted from today, so the tests mean the same
//! whatever year they run in.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::support::*;
use ocop_e2e::{TestApp, days_ago};
use reqwest::StatusCode;
use serde_json::Value;

const PRODUCT_HEADER: &str = "producer_tax_code,producer_id,name_vi,name_en,group,stars,cert_number,cert_level,cert_issued_on,cert_expires_on,gtin,internal_code,unit,fractional,vat,price,food_safety_ref,key_product,description,photo_url,active";

async fn import(
    app: &TestApp,
    token: &str,
    kind: &str,
    csv: &str,
    dry_run: bool,
) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/import/{kind}?dry_run={dry_run}")))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

fn product_line(
    tax: &str,
    name: &str,
    n: u32,
    stars: &str,
    issued: &str,
    expires: &str,
    price: &str,
) -> String {
    format!(
        "{tax},,{name},,beverage,{stars},{n}/QĐ-UBND,province,{issued},{expires},{},C-{n},chai,0,10,{price},TCB {n},0,,,1\n",
        gtin13(n)
    )
}

fn error_lines(report: &Value) -> BTreeSet<u64> {
    report["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_file_with_errors_in_several_rows_imports_nothing_and_lists_every_one() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    create_producer(&app, &admin, "HTX Nhập Tệp", "5300999301").await;
    let tax = "5300999301";
    let issued = days_ago(100);
    let mut csv = format!("{PRODUCT_HEADER}\n");
    csv += &product_line(tax, "Tốt một", 1, "4", &issued, "", "100000"); // line 2
    csv += &format!(
        "{tax},,Sai GTIN,,beverage,4,2/QĐ,province,{issued},,{},,chai,0,10,1000,TCB,0,,,1\n",
        bad_gtin13(2)
    ); // 3
    csv += &product_line(tax, "Tốt hai", 3, "4", &issued, "", "100000"); // 4
    csv += &product_line(tax, "Bảy sao", 4, "7", &issued, "", "100000"); // 5
    csv += &product_line(tax, "Giá âm", 5, "4", &issued, "", "-5000"); // 6
    csv += &product_line(tax, "Ngày ngược", 6, "4", &issued, &days_ago(200), "1000"); // 7
    csv += &product_line(tax, "Trùng GTIN", 1, "4", &issued, "", "1000").replace("C-1,", "C-1b,"); // 8
    csv += &product_line("5300000000", "Chủ thể lạ", 8, "4", &issued, "", "1000"); // 9
    // line 10: an unreadable star rating and a bad VAT rate, both reported
    csv += &product_line(tax, "Thuế sai", 9, "nhiều", &issued, "", "1000")
        .replace(",10,1000,", ",7,1000,");
    let before = (
        count(&app, "products").await,
        count(&app, "product_prices").await,
    );
    let (status, answer) = import(&app, &admin, "products", &csv, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["error"], "import_rejected");
    assert_eq!(
        error_lines(&answer),
        BTreeSet::from([3, 5, 6, 7, 8, 9, 10]),
        "{answer}"
    );
    let codes: BTreeSet<&str> = answer["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    for code in [
        "invalid_gtin",
        "invalid_star_rating",
        "negative_price",
        "certificate_dates_inverted",
        "gtin_taken",
        "unknown_producer",
        "invalid_vat_rate",
    ] {
        assert!(codes.contains(code), "{code} missing: {codes:?}");
    }
    for e in answer["report"]["errors"].as_array().unwrap() {
        assert!(
            !e["message"].as_str().unwrap().is_empty() && e["column"].is_string(),
            "{e}"
        );
    }
    let gtin_error = answer["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["line"] == 3)
        .unwrap();
    assert_eq!(gtin_error["column"], "gtin");
    assert!(
        gtin_error["message"]
            .as_str()
            .unwrap()
            .contains("số kiểm tra")
    );
    let line10: BTreeSet<&str> = answer["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["line"] == 10)
        .map(|e| e["column"].as_str().unwrap())
        .collect();
    assert_eq!(line10, BTreeSet::from(["stars", "vat"]), "{answer}");
    assert_eq!(answer["report"]["imported"], 0);
    assert_eq!(
        before,
        (
            count(&app, "products").await,
            count(&app, "product_prices").await
        ),
        "a rejected file wrote rows"
    );

    // Header problems are reported at line 1.
    let (status, answer) = import(&app, &admin, "products", "name_vi,colour\nX,red\n", false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let codes: Vec<&str> = answer["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["line"] == 1)
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"unknown_column") && codes.contains(&"missing_column"),
        "{answer}"
    );
    let (_, answer) = import(
        &app,
        &admin,
        "products",
        &format!("{PRODUCT_HEADER}\n"),
        false,
    )
    .await;
    assert_eq!(answer["report"]["errors"][0]["code"], "empty_file");
    // A ragged row is named too.
    let (_, answer) = import(&app, &admin, "producers", "name,kind\nA,htx,extra\n", false).await;
    assert!(
        answer["report"]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["code"] == "wrong_column_count" && e["line"] == 2),
        "{answer}"
    );
    // Producers: bad rows listed, nothing written.
    let producers = count(&app, "producers").await;
    let csv = "name,kind,tax_code,district,commune,contact_name,phone\n\
               HTX A,htx,5300999311,bac-ha,Xã A,Ông A,0912345678\n\
               HTX B,htx,12345,bac-ha,Xã B,Ông B,0912345678\n\
               HTX C,htx,5300999313,ha-noi,Xã C,Ông C,0912345678\n\
               HTX D,htx,5300999311,bac-ha,Xã D,Ông D,0912345678\n";
    let (status, answer) = import(&app, &admin, "producers", csv, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_lines(&answer), BTreeSet::from([3, 4, 5]), "{answer}");
    assert_eq!(producers, count(&app, "producers").await);
    // Only admins import.
    let inspector = app.login("inspector", PASSWORD).await;
    assert_eq!(
        import(&app, &inspector, "producers", csv, true).await.0,
        StatusCode::FORBIDDEN
    );
}

/// `docs/samples`: the CSV files the documentation shows.
fn samples_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/samples")
}

/// The samples carry fixed certificate dates. Once one runs out, the
/// documented example imports a product that may not be received, and the
/// tests that import the samples change meaning. This fails a year before
/// that happens, so there is time to move the dates on. The dates are read
/// as the server reads them (its CSV import, the 36-month default), not
/// parsed again here.
#[test]
fn no_sample_certificate_is_within_a_year_of_expiry() {
    use ocop_server::catalogue_io::{Kind, export, import, no_progress};
    let db = ocop_e2e::TestDb::create();
    let state = ocop_server::startup::prepare(ocop_e2e::test_config(&db.url)).unwrap();
    let producers = std::fs::read(samples_dir().join("producers.csv")).unwrap();
    let products = std::fs::read(samples_dir().join("products.csv")).unwrap();
    let (header, rows) = state
        .db
        .write(|c| -> anyhow::Result<_> {
            let report = import::import_producers(c, &producers, false, &no_progress)?;
            assert!(report.is_ok(), "{:?}", report.errors);
            let report = import::import_products(c, &products, false, None, &no_progress)?;
            assert!(report.is_ok(), "{:?}", report.errors);
            Ok(export::rows(c, Kind::Products)?)
        })
        .unwrap();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (name, expires) = (column("name_vi"), column("cert_expires_on"));
    let today = ocop_core::time::vn_date(chrono::Utc::now());
    let limit = today.checked_add_months(chrono::Months::new(12)).unwrap();
    assert_eq!(rows.len(), 4, "every sample product is checked");
    for row in &rows {
        let expires_on: chrono::NaiveDate = row[expires].parse().unwrap_or_else(|e| {
            panic!("{}: no certificate expiry ({e})", row[name]);
        });
        assert!(
            expires_on > limit,
            "docs/samples/products.csv: the certificate of {} expires on {expires_on}, \
             within a year of {today}: move the sample's dates on",
            row[name]
        );
    }
}

#[tokio::test]
async fn the_documented_samples_import_and_dry_runs_write_nothing() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    let root = samples_dir();
    let producers = std::fs::read_to_string(root.join("producers.csv")).unwrap();
    let products = std::fs::read_to_string(root.join("products.csv")).unwrap();
    let before = count(&app, "producers").await;
    let (status, answer) = import(&app, &admin, "producers", &producers, true).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        (
            answer["report"]["rows"].as_u64(),
            answer["report"]["imported"].as_u64()
        ),
        (Some(3), Some(0))
    );
    assert_eq!(before, count(&app, "producers").await);
    let (status, answer) = import(&app, &admin, "producers", &producers, false).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(before + 3, count(&app, "producers").await);
    let before = count(&app, "products").await;
    let (status, answer) = import(&app, &admin, "products", &products, false).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(before + 4, count(&app, "products").await);
    let (_, found) = app
        .get("/api/v1/products?q=tui%20tho%20cam%20y%20ty", Some(&admin))
        .await;
    assert_eq!(
        found[0]["listing"]["status"], "listable_key_product",
        "{found}"
    );
    let (_, found) = app
        .get("/api/v1/products?code=SP-RN-500", Some(&admin))
        .await;
    assert_eq!(
        (
            found[0]["price"].as_i64(),
            found[0]["cert_expires_on"].as_str()
        ),
        (Some(150_000), Some("2031-03-15"))
    );
    // Importing the same file twice: every row is now a duplicate.
    let (status, answer) = import(&app, &admin, "products", &products, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_lines(&answer).len(), 4);
}

#[tokio::test]
async fn a_larger_file_imports_in_one_version_and_exports_back() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    create_producer(&app, &admin, "HTX Nhiều Sản Phẩm", "5300999401").await;
    let cashier = app.login("cashier1", PASSWORD).await;
    let (_, me) = app.get("/api/v1/auth/me", Some(&cashier)).await;
    let outlet = me["outlet_id"].as_i64().unwrap();
    let (_, snap) = app
        .get(
            &format!("/api/v1/outlets/{outlet}/catalogue"),
            Some(&cashier),
        )
        .await;
    let v0 = snap["version"].as_i64().unwrap();

    const N: u32 = 2000;
    let issued = days_ago(100);
    let mut csv = format!("{PRODUCT_HEADER}\n");
    for n in 0..N {
        write!(
            csv,
            "{}",
            product_line(
                "5300999401",
                &format!("Sản phẩm nhập số {n}"),
                10_000 + n,
                "4",
                &issued,
                "",
                "120.000"
            )
        )
        .unwrap();
    }
    let (products, prices) = (
        count(&app, "products").await,
        count(&app, "product_prices").await,
    );
    // No time limit here: on a busy machine it fails for no fault of the
    // code. How fast an import is belongs to the benchmark
    // (`server/examples/catalogue_bench`, 10,000 products).
    let (status, answer) = import(&app, &admin, "products", &csv, false).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["report"]["imported"], N);
    assert_eq!(count(&app, "products").await, products + i64::from(N));
    assert_eq!(count(&app, "product_prices").await, prices + i64::from(N));
    let (_, delta) = app
        .get(
            &format!("/api/v1/outlets/{outlet}/catalogue?since={v0}"),
            Some(&cashier),
        )
        .await;
    assert_eq!(
        delta["products"].as_array().unwrap().len(),
        usize::try_from(N).unwrap()
    );
    assert_eq!(
        delta["version"].as_i64(),
        Some(v0 + 1),
        "one version for the whole import"
    );

    // Export, then import the export into a fresh database: same export.
    let get = |path: String, token: String| {
        let client = app.client.clone();
        let url = app.url(&path);
        async move { client.get(url).bearer_auth(token).send().await.unwrap() }
    };
    let producers_csv = get("/api/v1/export/producers".into(), admin.clone())
        .await
        .text()
        .await
        .unwrap();
    let products_csv = get("/api/v1/export/products".into(), admin.clone())
        .await
        .text()
        .await
        .unwrap();
    assert!(products_csv.contains("Sản phẩm nhập số 1999"));
    let xlsx = get("/api/v1/export/products?format=xlsx".into(), admin.clone()).await;
    assert!(
        xlsx.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert_eq!(&xlsx.bytes().await.unwrap()[..2], b"PK");
    let cashier_export = get("/api/v1/export/products".into(), cashier.clone()).await;
    assert_eq!(cashier_export.status(), StatusCode::FORBIDDEN);

    let fresh = TestApp::spawn_demo().await;
    let fresh_admin = fresh.login("admin", PASSWORD).await;
    // The fresh demo already holds the demo rows: import only ours.
    let ours_producers: String = producers_csv
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.contains("Nhiều Sản Phẩm"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let ours_products: String = products_csv
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.contains("Sản phẩm nhập số"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let (status, answer) = import(&fresh, &fresh_admin, "producers", &ours_producers, false).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = import(&fresh, &fresh_admin, "products", &ours_products, false).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let again = fresh
        .client
        .get(fresh.url("/api/v1/export/products"))
        .bearer_auth(&fresh_admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ours_again: Vec<&str> = again
        .lines()
        .filter(|l| l.contains("Sản phẩm nhập số"))
        .collect();
    let ours_before: Vec<&str> = products_csv
        .lines()
        .filter(|l| l.contains("Sản phẩm nhập số"))
        .collect();
    assert_eq!(ours_again, ours_before);
}

/// Runs `ocop-server` on `db`; returns (success, exit code, stdout, stderr).
fn cli(db: &ocop_e2e::TestDb, args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let out = std::process::Command::new(ocop_e2e::server_binary())
        .args(args)
        .env_clear()
        .env("OCOP_DATABASE_URL", &db.url)
        .output()
        .unwrap();
    (
        out.status.code(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_cli_imports_all_or_nothing_and_names_the_bad_lines() {
    let db = ocop_e2e::TestDb::create();
    let root = samples_dir();
    let producers = root.join("producers.csv").display().to_string();
    let rows = |db: &ocop_e2e::TestDb, kind: &str| {
        let (code, out, err) = cli(db, &["export", kind]);
        assert_eq!(code, Some(0), "{err}");
        String::from_utf8(out).unwrap().lines().count() - 1
    };

    let (code, _, err) = cli(&db, &["import", "producers", &producers, "--dry-run"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("Kiểm tra xong: 3"), "{err}");
    assert_eq!(rows(&db, "producers"), 0, "a dry run wrote rows");
    let (code, _, err) = cli(&db, &["import", "producers", &producers]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("Đã nhập 3"), "{err}");
    assert_eq!(rows(&db, "producers"), 3);

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    let issued = days_ago(100);
    let mut csv = format!("{PRODUCT_HEADER}\n");
    csv += &product_line("5300700101", "Tốt", 1, "4", &issued, "", "1000");
    csv += &product_line("5300700101", "Sao sai", 2, "0", &issued, "", "1000");
    csv += &product_line("5300700101", "Tốt nữa", 3, "4", &issued, "", "1000");
    csv += &format!(
        "5300700101,,GTIN sai,,beverage,4,4/QĐ,province,{issued},,{},,chai,0,10,1000,TCB,0,,,1\n",
        bad_gtin13(4)
    );
    std::fs::write(&bad, csv).unwrap();
    let (code, _, err) = cli(&db, &["import", "products", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("dòng 3 [stars]"), "{err}");
    assert!(err.contains("dòng 5 [gtin]"), "{err}");
    assert!(err.contains("không nhập dòng nào"), "{err}");
    assert_eq!(rows(&db, "products"), 0);

    let xlsx = dir.path().join("producers.xlsx");
    let (code, _, err) = cli(
        &db,
        &[
            "export",
            "producers",
            "--format",
            "xlsx",
            "--output",
            xlsx.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");
}

// Issue 15: the CSV import is an entrance like the API: the same text,
// GTIN, URL and price rules refuse the same rows.
#[tokio::test]
async fn the_import_applies_the_one_text_gtin_url_and_price_rule() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", PASSWORD).await;
    create_producer(&app, &admin, "HTX Nhập Quy Tắc", "5300999302").await;
    let tax = "5300999302";
    let issued = days_ago(100);
    let mut csv = format!("{PRODUCT_HEADER}\n");
    csv += &product_line(tax, "Tốt", 1, "4", &issued, "", "100000"); // line 2
    csv += &product_line(tax, "Trà\u{202E}xanh", 2, "4", &issued, "", "100000"); // 3
    csv += &product_line(tax, "Không giá", 3, "4", &issued, "", "0"); // 4
    csv += &product_line(tax, "Ảnh lạ", 4, "4", &issued, "", "1000")
        .replace(",,,1\n", ",,//evil.example/a.jpg,1\n"); // 5
    csv += &format!(
        "{tax},,GTIN không,,beverage,4,5/QĐ,province,{issued},,00000000000000,C-5,chai,0,10,1000,TCB,0,,,1\n"
    ); // 6
    let (status, answer) = import(&app, &admin, "products", &csv, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let found: BTreeSet<(u64, &str)> = answer["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        BTreeSet::from([
            (3, "invalid_characters"),
            (4, "price_not_positive"),
            (5, "invalid_photo_url"),
            (6, "invalid_gtin"),
        ]),
        "{answer}"
    );
}
