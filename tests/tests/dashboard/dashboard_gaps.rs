//! Issue 17: the rollup cursor never steps over an id it has not seen. On
//! PostgreSQL a sale with a higher id can commit before one with a lower
//! id; here the later id is stored first (no server running, so no
//! background pass interferes): the pass recomputes what it saw but keeps
//! its cursor below the gap, and the missing sale, once it appears, is
//! rolled up too. A gap older than the grace period (an id a rolled-back
//! transaction used) is stepped over.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use ocop_e2e::TestDb;
use ocop_server::db::{Db, DbConn};
use ocop_server::models::rollup;

fn exec(c: &mut DbConn, sql: &str) {
    diesel::sql_query(sql).execute(c).unwrap();
}

/// Stores sale `id` of one line of 10 000 ₫ at the first outlet, arrived at `received`.
fn store_sale(c: &mut DbConn, id: i32, received: NaiveDateTime) {
    let at = received.format("%Y-%m-%d %H:%M:%S");
    exec(
        c,
        &format!(
            "INSERT INTO sales (id, uuid, till_id, receipt_no, sold_at, cashier_id, outlet_id, \
             shift_uuid, total, prev_hash, hash, received_at) SELECT {id}, 'gap-{id}', t.id, {id}, \
             '{at}', (SELECT MIN(id) FROM users), t.outlet_id, 'gap', 10000, '', '', '{at}' \
             FROM tills t WHERE t.name = 'gap'"
        ),
    );
    exec(
        c,
        &format!(
            "INSERT INTO sale_lines (sale_id, line_no, product_id, lot_code, name, unit, \
             group_code, qty_milli, unit_price, catalogue_price, server_price, discount, \
             discount_reason, vat_rate, amount) SELECT {id}, 1, MIN(id), NULL, 'x', 'cái', \
             'food', 1000, 10000, NULL, NULL, 0, NULL, '8', 10000 FROM products"
        ),
    );
}

fn cursor(c: &mut DbConn) -> i32 {
    use ocop_server::db::schema::rollup_cursors as rc;
    rc::table
        .find("sales")
        .select(rc::last_id)
        .first(c)
        .unwrap()
}

fn rolled_revenue(c: &mut DbConn) -> i64 {
    use ocop_server::db::schema::rollup_product_days as p;
    p::table
        .select(p::revenue)
        .load::<i64>(c)
        .unwrap()
        .into_iter()
        .sum()
}

#[tokio::test]
async fn the_cursor_waits_at_a_gap_and_steps_over_an_old_one() {
    let test_db = TestDb::create();
    let url = test_db.url.clone();
    tokio::task::spawn_blocking(move || {
        let db = Db::connect(&url, 2).unwrap();
        db.migrate().unwrap();
        ocop_server::demo::load(&db).unwrap();
        let mut conn = db.conn().unwrap();
        let c: &mut DbConn = &mut conn;
        exec(
            c,
            "INSERT INTO tills (outlet_id, name, secret_sha256, created_by, created_at) \
             SELECT MIN(id), 'gap', 'x', (SELECT MIN(id) FROM users), '2026-01-01 00:00:00' FROM outlets",
        );
        let now = Utc::now().naive_utc();
        // Ids 1 and 3 are committed; 2 is still in flight.
        store_sale(c, 1, now);
        store_sale(c, 3, now);
        rollup::catch_up(c, now).unwrap();
        assert_eq!(cursor(c), 1, "the cursor stops below the missing id 2");
        assert_eq!(rolled_revenue(c), 20_000, "what was seen is rolled up");
        // Id 2 commits late: the next pass rolls it up and moves on.
        store_sale(c, 2, now);
        rollup::catch_up(c, now).unwrap();
        assert_eq!(cursor(c), 3);
        assert_eq!(rolled_revenue(c), 30_000);
        assert!(rollup::check(c).unwrap().is_empty());
        // Id 4 never comes (rolled back); 5 arrived long ago: stepped over.
        let old = now - Duration::seconds(rollup::GAP_GRACE_SECS + 60);
        store_sale(c, 5, old);
        rollup::catch_up(c, now).unwrap();
        assert_eq!(cursor(c), 5, "an old gap is an id that will never appear");
        assert!(rollup::check(c).unwrap().is_empty());
    })
    .await
    .unwrap();
}
