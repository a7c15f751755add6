//! `ocop-server demo generate`: fills an EMPTY migrated database with a
//! national-scale year of synthetic OCOP data, for load tests and the
//! dashboard benchmark (BENCHMARKS.md). Deterministic for a seed (except
//! the created/received timestamps, which are the time of the run).
//!
//! What it writes: producers of every kind spread over the reference
//! districts; products in every group with certificates (3–5 stars, a
//! rating record whose score is in the stars' band, issued up to 4 years
//! ago for 36 months, so some have expired and some expire soon); outlets
//! of every kind; one cashier and one till per outlet; `--lines` sale lines
//! in receipts of 1–8 lines over `--days` days, paid cash, card or a
//! confirmed transfer. Each till's receipts are numbered from 1 without
//! gaps and sealed with the real journal chain (`ocop_core::sale`), and
//! stored through `models::sale::store::insert`, the same code the sync
//! endpoint uses, so `journal verify` walks them clean. At the end the
//! daily rollups are rebuilt (`models::rollup::rebuild`).
//!
//! Not written: refunds, stock documents (so `stock verify` has nothing to
//! check and passes on an empty ledger; the stock-per-outlet list is
//! empty), lots and provenance labels, shifts (sales carry a shift UUID
//! that has no opening row; nothing walks shifts from sales).

use anyhow::{Context as _, bail};
use chrono::{Days, Months, NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use ocop_core::money::{Dong, Quantity, VatRate};
use ocop_core::sale::model::{ChainHash, Payment, ReceiptNo, TransferStatus};
use ocop_core::sale::totals::{CartLine, SaleBuilder, SaleHeader};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use uuid::Uuid;

use crate::auth::{Role, password};
use crate::db::schema::sales;
use crate::db::{Db, DbConn};
use crate::models::outlet::{self, NewOutlet};
use crate::models::producer::{self, NewProducer};
use crate::models::product::{self, NewProduct};
use crate::models::sale::{store, till};
use crate::models::{reference, rollup, user};

/// What to generate (the command's flags).
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub outlets: usize,
    pub products: usize,
    pub lines: u64,
    pub days: u32,
    pub seed: u64,
}

/// What was written, for the summary line and the tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub producers: usize,
    pub products: usize,
    pub outlets: usize,
    pub sales: u64,
    pub lines: u64,
}

const PRODUCER_KINDS: [&str; 5] = ["htx", "household", "llc", "jsc", "tht"];

/// One catalogue product as a till sells it (also used by the
/// `sales_bench` example).
#[derive(Debug, Clone)]
pub struct Item {
    pub id: i32,
    pub name: String,
    pub unit: String,
    pub group: String,
    pub price: i64,
    pub vat: VatRate,
}

impl Item {
    /// A cart line of `qty` at the catalogue price, no discount, no lot.
    pub fn cart_line(&self, qty: Quantity) -> CartLine {
        CartLine {
            product_id: self.id,
            lot_code: None,
            name: self.name.clone(),
            unit: self.unit.clone(),
            group: self.group.clone(),
            qty,
            unit_price: Dong::new(self.price),
            catalogue_price: Some(Dong::new(self.price)),
            discount: Dong::ZERO,
            discount_reason: None,
            vat_rate: self.vat,
            serials: vec![],
        }
    }
}

/// A till's place in its chain.
struct TillState {
    till_id: i32,
    outlet_id: i32,
    cashier_id: i32,
    shift: Uuid,
    next_no: u32,
    prev: ChainHash,
}

/// Generates everything; refuses a database that already holds sales.
pub fn generate(db: &Db, plan: &Plan, progress: &ProgressBar) -> anyhow::Result<Generated> {
    if plan.outlets == 0 || plan.products == 0 || plan.lines == 0 || plan.days == 0 {
        bail!("--outlets, --products, --lines and --days must each be at least 1");
    }
    {
        let mut conn = db.conn()?;
        let existing: i64 = sales::table.count().get_result(&mut conn)?;
        if existing > 0 {
            bail!(
                "the database already holds {existing} sales: `demo generate` only fills an \
                 empty migrated database (create a new one, run `ocop-server migrate`, then generate)"
            );
        }
    }
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let hash = password::hash(super::DEMO_PASSWORD)?;
    let today = Utc::now().date_naive();
    let (items, tills, producers) = db.write(|conn| -> anyhow::Result<_> {
        let producers = make_producers(conn, plan, &mut rng)?;
        let items = make_products(conn, plan, &producers, today, &mut rng)?;
        let tills = make_outlets(conn, plan, &hash, &mut rng)?;
        Ok((items, tills, producers.len()))
    })?;
    let mut out = Generated {
        producers,
        products: items.len(),
        outlets: tills.len(),
        ..Generated::default()
    };
    progress.set_length(plan.lines);
    let end = Utc::now() - TimeDelta::hours(1);
    let span_ms = i64::from(plan.days) * 86_400_000;
    let start = end - TimeDelta::milliseconds(span_ms);
    let per_till = plan.lines / u64::try_from(tills.len()).unwrap_or(1);
    let extra = plan.lines % u64::try_from(tills.len()).unwrap_or(1);
    for (i, mut state) in (0u64..).zip(tills) {
        let budget = per_till + u64::from(i < extra);
        if budget == 0 {
            continue;
        }
        let (sales_made, lines_made) = db.write(|conn| -> anyhow::Result<(u64, u64)> {
            let mut made = 0u64;
            let mut count = 0u64;
            while made < budget {
                let want = rng.random_range(1..=8u64).min(budget - made);
                // spread the till's receipts evenly over the period, in order
                let at_ms = i64::try_from(made.saturating_mul(u64::try_from(span_ms)?) / budget)?;
                let sold_at = start + TimeDelta::milliseconds(at_ms + rng.random_range(0..60_000));
                let sale = make_sale(&mut state, &items, want, sold_at, &mut rng)?;
                store::insert(conn, &sale, &vec![None; sale.lines.len()])?;
                made += want;
                count += 1;
                progress.inc(want);
            }
            Ok((count, made))
        })?;
        out.sales += sales_made;
        out.lines += lines_made;
    }
    progress.finish_and_clear();
    let mut conn = db.conn()?;
    rollup::rebuild(&mut conn, Utc::now().naive_utc()).context("rebuilding the rollups")?;
    Ok(out)
}

fn make_producers(conn: &mut DbConn, plan: &Plan, rng: &mut StdRng) -> anyhow::Result<Vec<i32>> {
    let districts = reference::districts(conn)?;
    if districts.is_empty() {
        bail!("no districts in the reference data: run `ocop-server migrate` first");
    }
    let count = plan.products.div_ceil(4).max(1);
    let mut ids = Vec::with_capacity(count);
    for n in 1..=count {
        let kind = pick(&PRODUCER_KINDS, rng);
        let district = pick(&districts, rng);
        let name = format!("Cơ sở sản xuất OCOP số {n}");
        let created = producer::insert(
            conn,
            &NewProducer {
                name: name.clone(),
                kind: (*kind).to_owned(),
                tax_code: (*kind != "household").then(|| format!("99{n:08}")),
                district_code: district.code.clone(),
                commune: format!("Xã {}", n % 97 + 1),
                address: format!("Thôn {}, {}", n % 13 + 1, district.name),
                contact_name: format!("Người liên hệ {n}"),
                phone: format!("09{n:08}"),
                bank_bin: None,
                bank_account: None,
                bank_holder: None,
            },
        )?;
        ids.push(created.id);
    }
    Ok(ids)
}

fn make_products(
    conn: &mut DbConn,
    plan: &Plan,
    producers: &[i32],
    today: NaiveDate,
    rng: &mut StdRng,
) -> anyhow::Result<Vec<Item>> {
    let groups = reference::product_groups(conn)?;
    let mut items = Vec::with_capacity(plan.products);
    for n in 1..=plan.products {
        let producer_id = *pick(producers, rng);
        let group = pick(&groups, rng).code.clone();
        let stars: i32 = *pick(&[3, 3, 3, 4, 4, 5], rng);
        // issued up to four years ago, valid 36 months: some have expired,
        // some expire within 90 days
        let issued = today
            .checked_sub_days(Days::new(rng.random_range(30..1460)))
            .unwrap_or(today);
        let expires = issued.checked_add_months(Months::new(36)).unwrap_or(issued);
        let price = rng.random_range(2..=120) * 5_000;
        let vat = *pick(&["kct", "5", "8", "10"], rng);
        let (unit, fractional) = *pick(&[("hộp", false), ("chai", false), ("gói", false)], rng);
        let name = format!("Sản phẩm OCOP số {n}");
        let created = product::insert(
            conn,
            &NewProduct {
                producer_id,
                name_vi: name.clone(),
                name_en: Some(format!("OCOP product no. {n}")),
                group_code: group.clone(),
                stars,
                cert_number: Some(format!("GEN-{n:05}/QĐ-UBND")),
                cert_level: Some(if stars == 5 { "central" } else { "province" }.to_owned()),
                cert_issued_on: Some(issued),
                cert_expires_on: Some(expires),
                gtin: None,
                internal_code: Some(format!("OCOP-GEN-{n:05}")),
                unit: unit.to_owned(),
                fractional,
                vat_rate: vat.to_owned(),
                price,
                food_safety_ref: None,
                description: String::new(),
                key_product: n % 10 == 0,
                rating: super::demo_rating(stars, n, issued),
            },
            None,
        )?;
        items.push(Item {
            id: created.id,
            name,
            unit: unit.to_owned(),
            group,
            price,
            vat: store::vat_rate(vat)?,
        });
    }
    Ok(items)
}

fn make_outlets(
    conn: &mut DbConn,
    plan: &Plan,
    hash: &str,
    rng: &mut StdRng,
) -> anyhow::Result<Vec<TillState>> {
    let districts = reference::districts(conn)?;
    let mut tills = Vec::with_capacity(plan.outlets);
    let mut admin = None;
    for n in 1..=plan.outlets {
        let district = pick(&districts, rng);
        let kind = pick(&outlet::KINDS, rng);
        let created = outlet::insert(
            conn,
            &NewOutlet {
                code: format!("GEN{n:05}"),
                name: format!("Điểm bán OCOP số {n}"),
                kind: (*kind).to_owned(),
                district_code: district.code.clone(),
                address: format!("Số {n}, {}", district.name),
                latitude: None,
                longitude: None,
                opening_hours: "07:00–21:00".to_owned(),
                operator_name: format!("Đơn vị vận hành {n}"),
                commission_bp: rng.random_range(500..2_500),
                legal_name: format!("Công ty vận hành điểm bán {n}"),
                tax_code: format!("98{n:08}"),
                phone: format!("08{n:08}"),
                bank_bin: None,
                bank_account: None,
                bank_holder: None,
            },
        )?;
        let cashier = user::insert(
            conn,
            &user::NewUser {
                username: format!("gen-cashier-{n}"),
                display_name: format!("Thu ngân điểm bán {n}"),
                password_hash: hash.to_owned(),
                role: Role::Cashier,
                outlet_id: Some(created.id),
                producer_id: None,
            },
        )?;
        let created_by = *admin.get_or_insert(cashier.id);
        let (t, _secret) = till::create(conn, created.id, "Quầy 1", created_by)?;
        tills.push(TillState {
            till_id: t.id,
            outlet_id: created.id,
            cashier_id: cashier.id,
            shift: Uuid::from_u128(rng.random()),
            next_no: 1,
            prev: ChainHash::GENESIS,
        });
    }
    Ok(tills)
}

fn make_sale(
    state: &mut TillState,
    items: &[Item],
    lines: u64,
    sold_at: chrono::DateTime<Utc>,
    rng: &mut StdRng,
) -> anyhow::Result<ocop_core::sale::model::Sale> {
    let receipt_no = ReceiptNo::new(state.next_no).context("receipt number out of range")?;
    let mut b = SaleBuilder::new(SaleHeader {
        id: Uuid::from_u128(rng.random()),
        till_id: state.till_id,
        receipt_no,
        sold_at,
        cashier_id: state.cashier_id,
        outlet_id: state.outlet_id,
        shift_id: state.shift,
    });
    for _ in 0..lines {
        let item = pick(items, rng);
        let qty = Quantity::from_units(rng.random_range(1..=3)).unwrap_or(Quantity::ONE);
        b.add(item.cart_line(qty))?;
    }
    let total = b.total()?;
    let payment = match rng.random_range(0..10) {
        0..=4 => Payment::cash(total, total)?,
        5..=7 => Payment::bank_transfer(
            total,
            TransferStatus::ConfirmedByCashier,
            Some(format!("GEN{}", state.next_no)),
        ),
        _ => Payment::card(total, format!("POS-{}", state.next_no)),
    };
    let sale = b.finish(vec![payment], state.prev)?;
    state.prev = sale.hash;
    state.next_no = state.next_no.saturating_add(1);
    Ok(sale)
}

fn pick<'a, T>(from: &'a [T], rng: &mut StdRng) -> &'a T {
    let i = rng.random_range(0..from.len().max(1));
    from.get(i).unwrap_or_else(|| unreachable_pick())
}

#[cold]
fn unreachable_pick() -> ! {
    // `pick` is only called on the non-empty lists built above
    std::process::abort()
}

/// `ocop-server demo generate`: with a progress bar and a summary line.
pub fn run_cli(db: &Db, plan: &Plan) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let bar = ProgressBar::new(plan.lines);
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} lines ({per_sec}, eta {eta})",
        )?
        .progress_chars("=> "),
    );
    let done = generate(db, plan, &bar)?;
    let secs = started.elapsed().as_secs_f64();
    let per_sec = if secs > 0.0 {
        f64::from(u32::try_from(done.lines).unwrap_or(u32::MAX)) / secs
    } else {
        0.0
    };
    println!(
        "generated {} producers, {} products, {} outlets (one till each), {} receipts, {} lines \
         in {secs:.1} s ({per_sec:.0} lines/s, rollups rebuilt)",
        done.producers, done.products, done.outlets, done.sales, done.lines
    );
    Ok(())
}
