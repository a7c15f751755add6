//! The tamper-evident journal over real HTTP and the real CLI, on the
//! backend the suite runs on: a gap is stored and flagged on arrival (never
//! refused); `ocop-server journal verify` catches an amount edited in the
//! database, a deleted receipt and a gap, and exits non-zero; the tables
//! refuse UPDATE and DELETE.

use crate::sales_common::*;
use diesel::RunQueryDsl as _;
use ocop_server::db::DbConn;
use reqwest::StatusCode;

/// Drops a table's append-only triggers, as someone with direct database
/// access would before tampering.
fn drop_guards(c: &mut DbConn, table: &str) {
    let sql = match c {
        DbConn::Sqlite(_) => {
            format!("DROP TRIGGER {table}_no_update; DROP TRIGGER {table}_no_delete;")
        }
        DbConn::Postgres(_) => format!("DROP TRIGGER {table}_append_only ON {table};"),
    };
    diesel::connection::SimpleConnection::batch_execute(c, &sql).unwrap();
}

#[tokio::test]
async fn a_gap_is_stored_and_flagged_not_refused() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let s1 = till.sale(vec![cart(&items[0], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&s1)).await.0,
        StatusCode::CREATED
    );
    // Receipt 2 never arrives; receipt 3 links to it.
    let s2 = till.sale(vec![cart(&items[1], 1)]);
    let s3 = till.sale(vec![cart(&items[0], 1)]);
    let (status, body) = post_sale(&app, &till, &to_json(&s3)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["chain_status"], "flagged");
    assert_eq!(body["chain_problems"][0]["kind"], "gap", "{body}");
    assert_eq!(body["chain_problems"][0]["expected"], 2);
    assert_eq!(count(&app, "journal_problems").await, 1);
    let (ok, out) = journal_verify(&app, Some(till.id));
    assert!(!ok, "{out}");
    assert!(out.contains("gap"), "{out}");

    // The late receipt fills the gap: flagged out of order on arrival, and
    // the stored chain is whole again.
    let (status, body) = post_sale(&app, &till, &to_json(&s2)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["chain_problems"][0]["kind"], "out_of_order", "{body}");
    let (ok, out) = journal_verify(&app, Some(till.id));
    assert!(ok, "{out}");
    assert!(out.contains("3 records, 0 problems"), "{out}");
    // A resent stored sale is answered from the store, not flagged again.
    let (status, body) = post_sale(&app, &till, &to_json(&s1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["chain_status"], "ok");
}

#[tokio::test]
async fn journal_verify_catches_an_edit_a_deletion_and_a_gap() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let mut sales = Vec::new();
    for i in 0..4 {
        let s = till.sale(vec![cart(&items[i % 2], 1), cart(&items[2], 2)]);
        assert_eq!(
            post_sale(&app, &till, &to_json(&s)).await.0,
            StatusCode::CREATED
        );
        sales.push(s);
    }
    let (ok, out) = journal_verify(&app, None);
    assert!(ok, "clean journal reported problems: {out}");
    assert!(out.contains("journal OK"), "{out}");

    // Receipt 7 arrives after 4 (5 and 6 never do).
    let mut gap_till = till.clone_for_outlet(till.outlet_id);
    gap_till.next_no = 7;
    let s7 = gap_till.sale(vec![cart(&items[0], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&s7)).await.0,
        StatusCode::CREATED
    );

    // Someone with database access lowers receipt 2's line amount, and
    // deletes receipt 3 with its rows.
    let (r2, r3) = (sales[1].id.to_string(), sales[2].id.to_string());
    db(&app, move |c| {
        for t in ["sale_lines", "sale_payments", "sale_vat", "sales"] {
            drop_guards(c, t);
        }
        let n = diesel::sql_query(format!(
            "UPDATE sale_lines SET amount = amount - 10000 WHERE line_no = 1 AND sale_id = \
             (SELECT id FROM sales WHERE uuid = '{r2}')"
        ))
        .execute(c)
        .unwrap();
        assert_eq!(n, 1);
        for t in ["sale_lines", "sale_payments", "sale_vat"] {
            diesel::sql_query(format!(
                "DELETE FROM {t} WHERE sale_id = (SELECT id FROM sales WHERE uuid = '{r3}')"
            ))
            .execute(c)
            .unwrap();
        }
        let n = diesel::sql_query(format!("DELETE FROM sales WHERE uuid = '{r3}'"))
            .execute(c)
            .unwrap();
        assert_eq!(n, 1);
    })
    .await;

    let (ok, out) = journal_verify(&app, Some(till.id));
    assert!(!ok, "{out}");
    assert!(
        out.contains("altered_record: Receipt 2 was altered"),
        "{out}"
    );
    assert!(out.contains("gap: Receipts 3 to 3 are missing"), "{out}");
    assert!(out.contains("gap: Receipts 5 to 6 are missing"), "{out}");
    assert!(out.contains("4 records, 3 problems"), "{out}");
}

#[tokio::test]
async fn stored_sales_refuse_update_and_delete() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let s = till.sale(vec![cart(&items[0], 1)]);
    assert_eq!(
        post_sale(&app, &till, &to_json(&s)).await.0,
        StatusCode::CREATED
    );
    // Each attempt is refused by its table's own trigger, and what it aimed
    // at reads back as it was.
    db(&app, |c| {
        for (table, tamper, read) in [
            (
                "sales",
                "UPDATE sales SET total = 1",
                "SELECT total AS n FROM sales ORDER BY id",
            ),
            (
                "sale_vat",
                "DELETE FROM sale_vat",
                "SELECT COUNT(*) AS n FROM sale_vat",
            ),
            (
                "sale_lines",
                "UPDATE sale_lines SET qty_milli = 1",
                "SELECT qty_milli AS n FROM sale_lines ORDER BY id",
            ),
            (
                "journal_entries",
                "DELETE FROM journal_entries",
                "SELECT COUNT(*) AS n FROM journal_entries",
            ),
        ] {
            let before = numbers(c, read);
            assert!(
                !before.is_empty() && before != [0],
                "{table}: nothing to tamper with"
            );
            ocop_e2e::assert_refused_as_append_only(diesel::sql_query(tamper).execute(c), table);
            assert_eq!(numbers(c, read), before, "{table} changed");
        }
    })
    .await;
    let (ok, out) = journal_verify(&app, None);
    assert!(ok, "{out}");
}
