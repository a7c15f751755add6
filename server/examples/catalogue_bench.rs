//! Catalogue benchmark (issue 3): import of 10,000 products; full till
//! snapshot of 100,000 products (build time, bytes plain and gzip, over
//! HTTP too); delta after 100 changes.
//!
//!     cargo run --release -p ocop-server --example catalogue_bench
//!     cargo run --release -p ocop-server --example catalogue_bench -- postgres://postgres@127.0.0.1:5432/bench
//!
//! Without an argument it uses a fresh SQLite file in a temporary directory.
//! A PostgreSQL database named in the argument must exist and be empty.
//!
//! The bench checks what it measured: every snapshot holds the 100,000
//! products, all listable (a lapsed certificate would add a warning to each
//! and change what is measured), and the delta exactly the 100 changed ones
//! at their new price. The certificates are issued a month before today
//! (valid 36 months), so the products stay listable whenever the bench runs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use ocop_core::wire::{SellStatus, TillCatalogue};
use ocop_server::catalogue_io::import::import_products;
use ocop_server::catalogue_io::no_progress;
use ocop_server::config::Config;
use ocop_server::models::outlet::{self, NewOutlet};
use ocop_server::models::producer::{self, NewProducer};
use ocop_server::models::product::{self, ProductInput};
use ocop_server::models::till_catalogue;
use ocop_server::startup;

/// Products in the catalogue, and those changed before the delta.
const PRODUCTS: usize = 100_000;
const CHANGED: usize = 100;

const HEADER: &str = "producer_tax_code,producer_id,name_vi,name_en,group,stars,cert_number,cert_level,cert_issued_on,cert_expires_on,gtin,internal_code,unit,fractional,vat,price,food_safety_ref,key_product,description,photo_url,active";

fn gtin(n: u32) -> anyhow::Result<String> {
    let body = format!("893{n:09}");
    let check = ocop_core::gtin::check_digit(&body).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(format!("{body}{check}"))
}

/// `count` products numbered from `first`, realistic Vietnamese names,
/// certified on `issued` (without an expiry date: 36 months).
fn csv(first: u32, count: u32, issued: chrono::NaiveDate) -> anyhow::Result<String> {
    let names = [
        "Rượu ngô men lá",
        "Chè Shan tuyết cổ thụ",
        "Mật ong bạc hà",
        "Gạo Séng Cù",
        "Thịt trâu gác bếp",
        "Khăn thổ cẩm",
    ];
    let mut out = format!("{HEADER}\n");
    for n in first..first + count {
        let i = usize::try_from(n).unwrap_or(0) % names.len();
        let name = names.get(i).copied().unwrap_or("Sản phẩm");
        let stars = 3 + n % 3;
        writeln!(
            out,
            "5300100001,,{name} Lào Cai số {n},,beverage,{stars},{n}/QĐ-UBND,province,{issued},,{},LC-{n},chai,0,10,{},TCB {n}/2025,0,,,1",
            gtin(n)?,
            100_000 + (n % 50) * 5_000
        )?;
    }
    Ok(out)
}

/// Fails unless `cat` is a full snapshot of the `PRODUCTS` products, all
/// listable without a warning (`how`: where it was built).
fn check_snapshot(cat: &TillCatalogue, how: &str) -> anyhow::Result<()> {
    let listable = cat
        .products
        .iter()
        .filter(|p| p.status == SellStatus::Listable && p.warning.is_none())
        .count();
    anyhow::ensure!(
        cat.full && cat.products.len() == PRODUCTS && listable == PRODUCTS,
        "the {how} snapshot holds {} products, {listable} listable, not {PRODUCTS} \
         (certificates lapsed?)",
        cat.products.len()
    );
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// Megabytes with one decimal, without float casts.
fn mb(bytes: usize) -> String {
    format!("{}.{}", bytes / 1_000_000, (bytes % 1_000_000) / 100_000)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| dir.path().join("bench.sqlite3").display().to_string());
    let mut config = Config::from_sources(&[], None)?;
    config.database_url = url.clone();
    config.workers = Some(2);
    let state = startup::prepare(config)?;
    let db = state.db.clone();
    println!("backend: {}", db.backend().name());
    let today = product::vn_today();
    let issued = today
        .checked_sub_days(chrono::Days::new(30))
        .ok_or_else(|| anyhow::anyhow!("no date a month before {today}"))?;

    let outlet_id = db.write(|c| -> anyhow::Result<i32> {
        producer::insert(
            c,
            &NewProducer {
                name: "HTX Benchmark".into(),
                kind: "htx".into(),
                tax_code: Some("5300100001".into()),
                district_code: "bac-ha".into(),
                commune: "Xã Bản Phố".into(),
                address: String::new(),
                contact_name: "A".into(),
                phone: "0912345678".into(),
                bank_bin: None,
                bank_account: None,
                bank_holder: None,
            },
        )?;
        Ok(outlet::insert(
            c,
            &NewOutlet {
                code: "BENCH".into(),
                name: "Bench".into(),
                kind: "showroom".into(),
                district_code: "lao-cai".into(),
                address: "x".into(),
                latitude: None,
                longitude: None,
                opening_hours: String::new(),
                operator_name: "x".into(),
                commission_bp: 1500,
                legal_name: "x".into(),
                tax_code: "5300100002".into(),
                phone: "0912345678".into(),
                bank_bin: None,
                bank_account: None,
                bank_holder: None,
            },
        )?
        .id)
    })?;

    // 1. Import of 10,000 products (parse + check + write, one transaction).
    let file = csv(0, 10_000, issued)?;
    let started = Instant::now();
    let report = db.write(|c| -> anyhow::Result<_> {
        Ok(import_products(
            c,
            file.as_bytes(),
            false,
            None,
            &no_progress,
        )?)
    })?;
    anyhow::ensure!(report.is_ok(), "import failed: {:?}", report.errors.first());
    println!(
        "import 10,000 products ({} KB CSV): {}",
        file.len() / 1024,
        ms(started.elapsed())
    );

    // Up to 100,000 products, nine more files.
    for k in 1..10 {
        let file = csv(k * 10_000, 10_000, issued)?;
        let r = db.write(|c| -> anyhow::Result<_> {
            Ok(import_products(
                c,
                file.as_bytes(),
                false,
                None,
                &no_progress,
            )?)
        })?;
        anyhow::ensure!(r.is_ok(), "import failed");
    }

    // 2. Full snapshot of 100,000 products, in process: build, JSON, gzip.
    let (mut build, mut json_t, mut gz_t) = (Vec::new(), Vec::new(), Vec::new());
    let (mut plain_len, mut gz_len, mut count) = (0, 0, 0);
    for _ in 0..5 {
        let mut conn = db.conn()?;
        let t = Instant::now();
        let cat = till_catalogue::build(&mut conn, outlet_id, None, today)?;
        build.push(t.elapsed());
        let t = Instant::now();
        let json = serde_json::to_vec(&cat)?;
        json_t.push(t.elapsed());
        let t = Instant::now();
        let gz =
            ocop_server::api::outlets::gzip_bytes(&json).map_err(|e| anyhow::anyhow!("{e}"))?;
        gz_t.push(t.elapsed());
        (plain_len, gz_len, count) = (json.len(), gz.len(), cat.products.len());
        check_snapshot(&cat, "in-process")?;
    }
    println!(
        "full snapshot, {count} products: build {} + JSON {} + gzip {} (medians of 5); {} MB plain, {} MB gzip",
        ms(median(build)),
        ms(median(json_t)),
        ms(median(gz_t)),
        mb(plain_len),
        mb(gz_len)
    );

    // The same over HTTP, as a till sees it.
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    // A real admin account: the API reloads the account of every token.
    let admin = db.write(|c| -> anyhow::Result<_> {
        Ok(ocop_server::models::user::insert(
            c,
            &ocop_server::models::user::NewUser {
                username: "bench".into(),
                display_name: "bench".into(),
                password_hash: "-".into(),
                role: ocop_server::auth::Role::Admin,
                outlet_id: None,
                producer_id: None,
            },
        )?)
    })?;
    let (token, _) = state
        .tokens
        .issue(admin.id, ocop_server::auth::Role::Admin, None, None)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let server = startup::run(listener, state)?;
        let handle = server.handle();
        tokio::spawn(server);
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{port}/api/v1/outlets/{outlet_id}/catalogue");
        for gzip in [false, true] {
            let mut times = Vec::new();
            let mut bytes = 0;
            for _ in 0..5 {
                let mut req = client.get(&url).bearer_auth(&token);
                if gzip {
                    req = req.header("Accept-Encoding", "gzip");
                }
                let t = Instant::now();
                let res = req.send().await?;
                anyhow::ensure!(res.status().is_success(), "HTTP {}", res.status());
                let body = res.bytes().await?;
                times.push(t.elapsed());
                bytes = body.len();
                if !gzip {
                    check_snapshot(&serde_json::from_slice(&body)?, "HTTP")?;
                }
            }
            println!(
                "HTTP full snapshot ({}): {} (median of 5), {} MB on the wire",
                if gzip { "gzip" } else { "plain" },
                ms(median(times)),
                mb(bytes)
            );
        }
        handle.stop(true).await;
        Ok::<_, anyhow::Error>(())
    })?;

    // 3. Delta after 100 changes (real updates through the model).
    let version = { till_catalogue::current_version(&mut *db.conn()?)? };
    let changed = db.write(|c| -> anyhow::Result<BTreeMap<i32, i64>> {
        let mut changed = BTreeMap::new();
        for id in (1..=100).map(|i| i * 997) {
            let p = product::find(c, id)?;
            let input = ProductInput {
                producer_id: p.producer_id,
                name_vi: p.name_vi.clone(),
                name_en: p.name_en.clone(),
                group_code: p.group_code.clone(),
                stars: i64::from(p.stars),
                cert_number: p.cert_number.clone(),
                cert_level: p.cert_level.clone(),
                cert_issued_on: p.cert_issued_on,
                cert_expires_on: p.cert_expires_on,
                rating_score: p.rating_score.map(i64::from),
                rating_decision_no: p.rating_decision_no.clone(),
                rating_decision_on: p.rating_decision_on,
                rating_body: p.rating_body.clone(),
                gtin: p.gtin.clone(),
                internal_code: p.internal_code.clone(),
                unit: p.unit.clone(),
                fractional: p.fractional,
                vat_rate: p.vat_rate.clone(),
                price: p.price + 1_000,
                food_safety_ref: p.food_safety_ref.clone(),
                description: p.description.clone(),
                photo_url: p.photo_url.clone(),
                key_product: p.key_product,
                active: true,
            };
            product::update(c, id, &input, None).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            changed.insert(id, input.price);
        }
        Ok(changed)
    })?;
    anyhow::ensure!(
        changed.len() == CHANGED,
        "changed {} products",
        changed.len()
    );
    let mut times = Vec::new();
    let mut size = (0, 0);
    for _ in 0..5 {
        let mut conn = db.conn()?;
        let t = Instant::now();
        let cat = till_catalogue::build(&mut conn, outlet_id, Some(version), today)?;
        let json = serde_json::to_vec(&cat)?;
        times.push(t.elapsed());
        size = (cat.products.len(), json.len());
        let held: BTreeMap<i32, i64> = cat
            .products
            .iter()
            .map(|p| (p.id, p.price.amount()))
            .collect();
        anyhow::ensure!(
            !cat.full && cat.removed.is_empty() && cat.products.len() == CHANGED && held == changed,
            "the delta holds {} products ({} removed), not the {CHANGED} changed at their new price",
            cat.products.len(),
            cat.removed.len()
        );
    }
    println!(
        "delta after 100 changes: {} products, {} bytes, build + JSON {} (median of 5)",
        size.0,
        size.1,
        ms(median(times))
    );
    println!(
        "checked: every snapshot held the {PRODUCTS} products, all listable; the delta the {CHANGED} changed"
    );
    drop(dir);
    Ok(())
}
