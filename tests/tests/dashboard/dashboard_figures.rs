//! Issue 17: the dashboard's figures equal sums computed here from the
//! sales as the test built them (a late offline sale and a refund of it
//! included; a pending transfer counts as a sale, never as money paid);
//! the rollups equal the raw rows (`rollup check`), a tampered rollup row
//! makes the check fail and name it, `rollup rebuild` mends it; the
//! drill-down links and the downloads keep the filters; the XLSX file reads
//! back with numbers as numbers and dates as dates.

use chrono::{Datelike, Months, NaiveDate, Utc};
use diesel::prelude::*;
use ocop_core::money::Dong;
use reqwest::StatusCode;

use crate::dashboard_common::{data_set, expected, revenue_by_product, rollup_cli, vn_day};
use crate::sales_common::db;
use crate::web_common::{page, web_login};

fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = day.with_day(1).unwrap();
    (start, start.checked_add_months(Months::new(1)).unwrap())
}

/// The CSV's data rows (after the preamble's blank line), as fields.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut rows = Vec::new();
    let mut past_blank = false;
    for line in text.lines() {
        if !past_blank {
            past_blank = line == "\"\"" || line.is_empty();
            continue;
        }
        rows.push(
            line.split(',')
                .map(|s| s.trim_matches('"').to_owned())
                .collect(),
        );
    }
    rows
}

async fn download(app: &ocop_e2e::TestApp, cookie: &str, path: &str) -> (StatusCode, Vec<u8>) {
    let res = crate::web_common::no_redirects()
        .get(app.url(path))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (res.status(), res.bytes().await.unwrap().to_vec())
}

/// (revenue, units, receipts, basket) of the summary CSV's "period" column.
async fn summary(
    app: &ocop_e2e::TestApp,
    cookie: &str,
    query: &str,
) -> (i64, i64, i64, i64, String) {
    let (status, bytes) = download(
        app,
        cookie,
        &format!("/dashboard/export/summary.csv{query}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    let rows = csv_rows(&text);
    assert_eq!(
        rows[0],
        ["metric", "period", "previous", "year_before"],
        "{text}"
    );
    let n = |i: usize| {
        rows[i][1]
            .parse::<i64>()
            .unwrap_or_else(|_| panic!("{text}"))
    };
    (n(1), n(2), n(3), n(4), text)
}

#[tokio::test]
async fn figures_rollups_drill_down_and_downloads_agree_with_the_sales() {
    let d = data_set().await;
    let app = &d.app;
    let today = vn_day(Utc::now());
    let (m0, m1) = month_of(today);
    let inspector = web_login(app, "inspector").await;

    // The rollups equal the raw rows after the late sale and the refund.
    let (ok, out) = rollup_cli(app, "check");
    assert!(ok, "rollup check after late arrivals: {out}");

    // Province, this month: every figure as computed here.
    let q = format!("?period=month&date={today}");
    let (rev, units, receipts, gross) = expected(&d.events, m0, m1, |_| true);
    assert!(rev > 0 && receipts >= 2, "a meaningful data set");
    let (r, u, n, basket, _) = summary(app, &inspector, &q).await;
    assert_eq!(
        (r, u, n),
        (rev, units, receipts),
        "month: revenue, units, receipts"
    );
    let want_basket = (gross * 2 + receipts) / (2 * receipts);
    assert_eq!(
        basket, want_basket,
        "average basket = gross / receipts, rounded"
    );
    let (status, html) = page(app, &format!("/dashboard{q}"), &inspector).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains(&Dong::new(rev).to_string()),
        "the page shows {}",
        Dong::new(rev)
    );
    assert!(html.contains("<svg"), "charts drawn");

    // The late sale's own day: only it (its refund was made today).
    let late_q = format!("?period=day&date={}", d.late_day);
    let (r, u, n, _, _) = summary(app, &inspector, &late_q).await;
    let late_next = d.late_day.succ_opt().unwrap();
    let (lrev, lunits, lreceipts, _) = expected(&d.events, d.late_day, late_next, |_| true);
    assert_eq!(
        (r, u, n),
        (lrev, lunits, lreceipts),
        "the late sale counts on its own day"
    );
    // Today: today's two sales less the refund.
    let (r, _, n, _, _) = summary(app, &inspector, &format!("?period=day&date={today}")).await;
    let (trev, _, treceipts, _) = expected(&d.events, today, today.succ_opt().unwrap(), |_| true);
    assert_eq!(
        (r, n),
        (trev, treceipts),
        "today: sales less the refund made today"
    );

    // Drill down: district → outlet → producer → product, each level a
    // link carrying the filters so far.
    let outlet = d.outlet_id;
    let (district, producer_a): (String, i32) = {
        let a = d.items[0].id;
        db(app, move |c| {
            use ocop_server::db::schema::{outlets, products};
            (
                outlets::table
                    .find(outlet)
                    .select(outlets::district_code)
                    .first(c)
                    .unwrap(),
                products::table
                    .find(a)
                    .select(products::producer_id)
                    .first(c)
                    .unwrap(),
            )
        })
        .await
    };
    assert!(
        html.contains(&format!("district={district}")),
        "the district table links down to the district"
    );
    let dq = format!("{q}&district={district}");
    let (status, html) = page(app, &format!("/dashboard{dq}"), &inspector).await;
    assert_eq!(status, StatusCode::OK);
    let esc = |s: &str| s.replace('&', "&amp;");
    assert!(
        html.contains(&esc(&format!("district={district}&outlet={outlet}"))),
        "outlet links keep the district"
    );
    assert_eq!(
        summary(app, &inspector, &dq).await.0,
        rev,
        "one outlet: the district is the province"
    );
    let pq = format!(
        "{dq}&outlet={outlet}&producer={producer_a}&product={}",
        d.items[0].id
    );
    let (status, html) = page(app, &format!("/dashboard{pq}"), &inspector).await;
    assert_eq!(status, StatusCode::OK);
    for crumb in [
        format!("district={district}\""),
        format!("district={district}&outlet={outlet}\""),
        format!("district={district}&outlet={outlet}&producer={producer_a}\""),
    ] {
        assert!(html.contains(&esc(&crumb)), "breadcrumb link {crumb}");
    }
    assert!(
        html.contains("id=\"lots\""),
        "the product level lists its lots"
    );
    let a = d.items[0].id;
    let (arev, aunits, areceipts, _) = expected(&d.events, m0, m1, |p| p == a);
    let (r, u, n, _, text) = summary(app, &inspector, &pq).await;
    assert_eq!((r, u, n), (arev, aunits, areceipts), "product level");
    // The download says which filters chose its rows, and how fresh they are.
    assert!(
        text.contains(&d.items[0].name),
        "the product's name in the file's filters: {text}"
    );
    assert!(
        text.contains("Số liệu tính đến"),
        "freshness in the file: {text}"
    );
    // The page writes its links with the period's first day.
    let canonical = format!(
        "?period=month&date={m0}&district={district}&outlet={outlet}&producer={producer_a}&product={}",
        d.items[0].id
    );
    assert!(
        html.contains(&esc(&format!("/dashboard/export/summary.csv{canonical}"))),
        "export links keep the filters"
    );

    // XLSX of the product breakdown, read back: revenue as numbers per
    // product, the freshness a date.
    let (status, bytes) = download(
        app,
        &inspector,
        &format!("/dashboard/export/product.xlsx{q}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("data").unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        assert!(
            matches!(&rows[0][0], Data::String(s) if s == "Theo sản phẩm"),
            "{:?}",
            rows[0]
        );
        let fresh = rows
            .iter()
            .find(|r| matches!(&r[0], Data::String(s) if s == "Số liệu tính đến"))
            .unwrap();
        assert!(
            matches!(fresh[1], Data::DateTime(_)),
            "freshness is a date: {fresh:?}"
        );
        let head = rows
            .iter()
            .position(|r| matches!(&r[0], Data::String(s) if s == "Sản phẩm"))
            .unwrap();
        let want = revenue_by_product(&d.events, m0, m1);
        let mut got = std::collections::BTreeMap::new();
        for r in &rows[head + 1..] {
            let name = match &r[0] {
                Data::String(s) => s.clone(),
                other => panic!("{other:?}"),
            };
            let Data::Float(v) = r[1] else {
                panic!("revenue is a number: {r:?}")
            };
            got.insert(name, v);
        }
        assert_eq!(got.len(), want.len(), "{got:?}");
        for item in &d.items {
            let w = want.get(&item.id).copied().unwrap_or(0);
            assert_eq!(
                got.get(&item.name).copied(),
                Some(w.to_string().parse::<f64>().unwrap()),
                "{}",
                item.name
            );
        }
    }
    // The trend's days are dates.
    let (_, bytes) = download(app, &inspector, &format!("/dashboard/export/trend.xlsx{q}")).await;
    {
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("data").unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        let head = rows
            .iter()
            .position(|r| matches!(&r[0], Data::String(s) if s == "Ngày"))
            .unwrap();
        let days = &rows[head + 1..];
        assert_eq!(
            days.len(),
            usize::try_from((m1 - m0).num_days()).unwrap(),
            "a row a day"
        );
        assert!(days.iter().all(|r| matches!(r[0], Data::DateTime(_))));
    }

    // A tampered rollup row: `rollup check` fails and names it; a rebuild
    // mends it.
    let a = d.items[0].id;
    db(app, move |c| {
        diesel::sql_query(format!(
            "UPDATE rollup_product_days SET revenue = revenue + 1 WHERE product_id = {a}"
        ))
        .execute(c)
        .unwrap()
    })
    .await;
    let (ok, out) = rollup_cli(app, "check");
    assert!(!ok, "a tampered rollup must fail the check: {out}");
    assert!(out.contains("rollup_product_days"), "{out}");
    let (ok, out) = rollup_cli(app, "rebuild");
    assert!(ok, "{out}");
    let (ok, out) = rollup_cli(app, "check");
    assert!(ok, "after a rebuild: {out}");
    assert_eq!(summary(app, &inspector, &q).await.0, rev);
}
