//! Issue 16, bad input: the CSV catalogue import fuzzed through the real
//! endpoint (`POST /api/v1/import/{kind}`, a real server and database):
//! random files built from the real column names, cells drawn from valid
//! and hostile values, broken quoting, byte-order marks and bytes that are
//! not UTF-8.
//!
//! Properties: the answer is 200 (imported), 422 (rejected, every bad row
//! listed with its line and a snake_case code) or 400/413 — never a 500;
//! a rejected file writes nothing (the catalogue version does not move);
//! an accepted dry run writes nothing either. `OCOP_FUZZ_CASES=<n>` runs
//! longer (default 150 per kind).

use ocop_e2e::TestApp;
use ocop_server::catalogue_io::columns::{PRODUCER_COLUMNS, PRODUCT_COLUMNS};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use reqwest::StatusCode;
use serde_json::Value;

fn cell() -> impl Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        Just(String::new()),
        "[0-9]{1,14}",
        "-?[0-9]{1,20}",
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]",
        "[A-Za-zÀ-ỹ ]{1,40}",
        Just("8936000000019".to_owned()),
        Just("htx".to_owned()),
        Just("thuc-pham".to_owned()),
        Just("lao-cai".to_owned()),
        Just("10".to_owned()),
        Just("true".to_owned()),
        Just("=cmd|' /C calc'!A0".to_owned()),
        Just("\"".to_owned()),
        Just("a,b".to_owned()),
        Just("\r\n".to_owned()),
        any::<String>(),
    ]
}

/// A file: a header (a sample of the real columns, sometimes an unknown
/// one), rows of cells (sometimes ragged), optionally a BOM, and
/// sometimes raw bytes spliced in.
fn csv_file(columns: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let header = proptest::sample::subsequence(columns.to_vec(), 0..=columns.len());
    (
        header,
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(proptest::collection::vec(cell(), 0..24), 0..6),
        proptest::option::of((
            any::<prop::sample::Index>(),
            proptest::collection::vec(any::<u8>(), 1..8),
        )),
    )
        .prop_map(|(header, bom, unknown, rows, splice)| {
            let quote = |c: &str| {
                if c.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.to_owned()
                }
            };
            let mut head: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
            if unknown {
                head.push("surprise".to_owned());
            }
            let mut text = head.join(",");
            for row in rows {
                text.push('\n');
                text.push_str(&row.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
            }
            let mut bytes = Vec::new();
            if bom {
                bytes.extend_from_slice(b"\xEF\xBB\xBF");
            }
            bytes.extend(text.into_bytes());
            if let Some((at, raw)) = splice {
                let i = at.index(bytes.len() + 1);
                bytes.splice(i..i, raw);
            }
            bytes
        })
}

/// The exported file cut to its header and a few rows, then 0–3 bytes
/// replaced or inserted (digits, separators, quotes, line ends, letters,
/// any byte).
fn mutated(exported: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let lines: Vec<Vec<u8>> = exported
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let rows = lines.len().saturating_sub(1).max(1);
    let byte = prop_oneof![
        proptest::sample::select(b"0123456789,\"\r\n;a-Z. ".to_vec()),
        any::<u8>(),
    ];
    (
        0..rows,
        1..4usize,
        proptest::collection::vec((any::<prop::sample::Index>(), any::<bool>(), byte), 0..4),
    )
        .prop_map(move |(first, count, edits)| {
            let mut file = lines.first().cloned().unwrap_or_default();
            for l in lines.iter().skip(1 + first).take(count) {
                file.push(b'\n');
                file.extend_from_slice(l);
            }
            file.push(b'\n');
            for (at, insert, b) in edits {
                let i = at.index(file.len());
                if insert {
                    file.insert(i, b);
                } else {
                    file[i] = b;
                }
            }
            file
        })
}

fn is_snake_case(code: &str) -> bool {
    !code.is_empty()
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Everything an import may write: the producers and products as listed.
async fn catalogue_version(app: &TestApp, admin: &str) -> Value {
    let (_, producers) = app.get("/api/v1/producers", Some(admin)).await;
    let (_, products) = app.get("/api/v1/products", Some(admin)).await;
    serde_json::json!([producers, products])
}

#[tokio::test]
async fn any_csv_file_is_imported_or_refused_with_codes_and_never_half_written() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let cases: u32 = std::env::var("OCOP_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(150);
    let seed: u64 = std::env::var("OCOP_FAULT_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| u64::from(std::process::id()));
    eprintln!("csv fuzz seed: OCOP_FAULT_SEED={seed}");
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let mut imported = 0;
    let mut refused = 0;
    let mut codes = std::collections::BTreeMap::<String, u32>::new();
    for (kind, columns) in [
        ("producers", PRODUCER_COLUMNS),
        ("products", PRODUCT_COLUMNS),
    ] {
        // The server's own export: imported back unchanged it is accepted;
        // it is also the seed of most files, a few bytes changed.
        let exported = app
            .client
            .get(app.url(&format!("/api/v1/export/{kind}")))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec();
        let strategy = proptest::prop_oneof![
            1 => csv_file(columns),
            2 => mutated(exported.clone()),
        ];
        for n in 0..cases {
            let file = strategy.new_tree(&mut runner).unwrap().current();
            // Every fourth file for real; the rest as dry runs.
            let dry = n % 4 != 0;
            let before = catalogue_version(&app, &admin).await;
            let res = app
                .client
                .post(app.url(&format!("/api/v1/import/{kind}?dry_run={dry}")))
                .bearer_auth(&admin)
                .header("Content-Type", "text/csv")
                .body(file.clone())
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            let shown = String::from_utf8_lossy(&file);
            match status {
                StatusCode::OK => {
                    imported += 1;
                    if dry {
                        assert_eq!(
                            catalogue_version(&app, &admin).await,
                            before,
                            "a dry run wrote: {shown}"
                        );
                    }
                }
                StatusCode::UNPROCESSABLE_ENTITY => {
                    refused += 1;
                    let errors = body["report"]["errors"]
                        .as_array()
                        .unwrap_or_else(|| panic!("422 without its errors: {body}\nfile: {shown}"));
                    assert!(!errors.is_empty(), "{body}");
                    for e in errors {
                        let code = e["code"].as_str().unwrap();
                        *codes.entry(code.to_owned()).or_default() += 1;
                        assert!(is_snake_case(code), "code {code:?} for {shown}");
                        assert!(e["line"].as_u64().is_some(), "{e}");
                        assert!(!e["message"].as_str().unwrap().is_empty());
                    }
                    assert_eq!(
                        catalogue_version(&app, &admin).await,
                        before,
                        "a refused file wrote: {shown}"
                    );
                }
                StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE => {
                    assert!(body["error"].is_string(), "{body}");
                }
                other => panic!("{kind}: {other} {body}\nfile: {shown:?}"),
            }
        }
    }
    eprintln!("csv fuzz: {imported} imported, {refused} refused; codes {codes:?}");
    assert!(refused > 0, "the generator reaches the refusals");
}
