//! Till catalogue figures for BENCHMARKS.md: with 100,000 products in the
//! local store, the time to load them into memory with their indexes (the
//! start-up cost), a barcode scan lookup, and search-as-you-type.
//!
//! `cargo run --release -p ocop-till --example bench_catalogue`

use std::time::{Duration, Instant};

use ocop_till::catalogue::{Catalogue, Product, TillCatalogue, TillOutlet, save};
use ocop_till::store::Store;

fn product(i: i32) -> Product {
    Product {
        id: i,
        name: format!("Sản phẩm OCOP số {i} — Rượu ngô Bắc Hà"),
        gtin: None,
        code: Some(format!("P{i}")),
        price: 150_000,
        vat: "10".into(),
        unit: "chai".into(),
        fractional: false,
        producer_id: 1,
        group: "do_uong".into(),
        stars: 4,
        status: "listable".into(),
        warning: None,
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut store = Store::open_dir(dir.path())?;
    let snap = TillCatalogue {
        version: 1,
        full: true,
        outlet: TillOutlet {
            id: 1,
            name: "Bench".into(),
            legal_name: "Bench".into(),
            tax_code: "0".into(),
            address: "-".into(),
            phone: "-".into(),
            bank_bin: None,
            bank_account: None,
        },
        products: (1..=100_000).map(product).collect(),
        removed: vec![],
    };
    let t = Instant::now();
    save(&mut store, &snap, None)?;
    println!("store a 100,000-product snapshot: {:?}", t.elapsed());
    let loads: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let cat = Catalogue::load(&store);
            let took = t.elapsed();
            assert!(cat.is_ok_and(|c| c.len() == 100_000));
            took
        })
        .collect();
    println!(
        "load 100,000 products + indexes (median of 5): {:?}",
        median(loads)
    );
    let cat = Catalogue::load(&store)?;
    let scans: Vec<Duration> = (1..=1000)
        .map(|i| {
            let t = Instant::now();
            let found = cat.scan(&format!("P{}", i * 97));
            let took = t.elapsed();
            assert!(matches!(found, Ok(Some(_))));
            took
        })
        .collect();
    println!("scan lookup (median of 1000): {:?}", median(scans));
    let typed = [
        "r", "ru", "ruo", "ruou", "ruou n", "ruou ng", "ruou ngo", "so 4242",
    ];
    let searches: Vec<Duration> = typed
        .iter()
        .cycle()
        .take(80)
        .map(|q| {
            let t = Instant::now();
            let hits = cat.search(q, 20);
            let took = t.elapsed();
            assert!(!hits.is_empty());
            took
        })
        .collect();
    println!(
        "search-as-you-type, 20 hits (median of 80 keystrokes): {:?}",
        median(searches)
    );
    let t = Instant::now();
    let none = cat.search("khong co san pham nay", 20);
    println!(
        "search with no hit (full scan of 100,000 keys): {:?} ({} hits)",
        t.elapsed(),
        none.len()
    );
    Ok(())
}
