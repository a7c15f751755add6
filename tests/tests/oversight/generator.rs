//! `ocop-server demo generate` (issue 17, scale): a small generated set on
//! a fresh migrated database holds what was asked for, its receipts are
//! gapless and hash-chained (`journal verify`), its rollups match the raw
//! rows (`rollup check`), and a second run is refused and changes nothing.

use std::collections::BTreeMap;

use diesel::prelude::*;
use ocop_e2e::TestApp;
use ocop_server::db::schema::{outlets, products, sale_lines, sale_payments, sales, tills};

use super::sales_common::{db, journal_verify};

fn cli(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(ocop_e2e::server_binary())
        .args(args)
        .env("OCOP_DATABASE_URL", &app.test_db.url)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

type Rows = (
    i64,
    i64,
    i64,
    Vec<(i32, i32, i64, i64)>,
    Vec<(i32, i64)>,
    Vec<(i32, i64)>,
    Vec<Option<chrono::NaiveDate>>,
);

async fn rows(app: &TestApp) -> Rows {
    db(app, |c| {
        (
            outlets::table.count().get_result(c).unwrap(),
            products::table.count().get_result(c).unwrap(),
            tills::table.count().get_result(c).unwrap(),
            sales::table
                .select((sales::id, sales::till_id, sales::receipt_no, sales::total))
                .load(c)
                .unwrap(),
            sale_lines::table
                .select((sale_lines::sale_id, sale_lines::amount))
                .load(c)
                .unwrap(),
            sale_payments::table
                .select((sale_payments::sale_id, sale_payments::amount))
                .load(c)
                .unwrap(),
            products::table
                .select(products::cert_expires_on)
                .load(c)
                .unwrap(),
        )
    })
    .await
}

#[actix_web::test]
async fn a_generated_year_holds_what_was_asked_and_verifies() {
    let app = TestApp::spawn().await;
    let args = [
        "demo",
        "generate",
        "--outlets",
        "5",
        "--products",
        "20",
        "--lines",
        "2000",
        "--seed",
        "7",
    ];
    let (ok, out) = cli(&app, &args);
    assert!(ok, "{out}");
    assert!(out.contains("2000 lines"), "{out}");

    let (n_outlets, n_products, n_tills, sale_rows, line_rows, pay_rows, expiries) =
        rows(&app).await;
    assert_eq!((n_outlets, n_products, n_tills), (5, 20, 5));
    assert_eq!(line_rows.len(), 2000);

    // each receipt: 1–8 lines whose amounts add up to its total, paid in full
    let mut lines_of: BTreeMap<i32, (usize, i64)> = BTreeMap::new();
    for (sale_id, amount) in &line_rows {
        let e = lines_of.entry(*sale_id).or_default();
        e.0 += 1;
        e.1 += amount;
    }
    let mut paid: BTreeMap<i32, i64> = BTreeMap::new();
    for (sale_id, amount) in &pay_rows {
        *paid.entry(*sale_id).or_default() += amount;
    }
    let mut numbers: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for (id, till_id, no, total) in &sale_rows {
        let (count, sum) = lines_of.get(id).copied().unwrap_or_default();
        assert!((1..=8).contains(&count), "sale {id} has {count} lines");
        assert_eq!(sum, *total, "sale {id}: lines add up to the total");
        assert_eq!(
            paid.get(id).copied(),
            Some(*total),
            "sale {id} paid in full"
        );
        numbers.entry(*till_id).or_default().push(*no);
    }
    assert_eq!(lines_of.len(), sale_rows.len(), "no line without its sale");
    // every till sold, numbered 1..n without gaps
    assert_eq!(numbers.len(), 5);
    for (till, mut nos) in numbers {
        nos.sort_unstable();
        let expected: Vec<i64> = (1..=i64::try_from(nos.len()).unwrap()).collect();
        assert_eq!(nos, expected, "till {till} receipts gapless from 1");
    }
    // certificates: every product has one; some expired, some still valid
    let today = chrono::Utc::now().date_naive();
    assert!(expiries.iter().all(Option::is_some));
    assert!(expiries.iter().any(|d| d.is_some_and(|d| d < today)));
    assert!(expiries.iter().any(|d| d.is_some_and(|d| d >= today)));

    let (ok, out) = journal_verify(&app, None);
    assert!(ok && out.contains("journal OK"), "{out}");
    let (ok, out) = cli(&app, &["rollup", "check"]);
    assert!(ok, "{out}");

    // a database that holds sales is refused, and nothing is added
    let (ok, out) = cli(&app, &args);
    assert!(!ok, "second run must be refused: {out}");
    assert!(out.contains("already holds"), "{out}");
    let (_, _, _, after, after_lines, _, _) = rows(&app).await;
    assert_eq!((after.len(), after_lines.len()), (sale_rows.len(), 2000));
    app.stop().await;
}
