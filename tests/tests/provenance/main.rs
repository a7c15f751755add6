//! End-to-end tests of provenance (issue 12): issuing serialised labels,
//! the public resolver page and its linkset, the scan log, and recalls —
//! the real server on a real port, on SQLite or PostgreSQL
//! (`OCOP_TEST_DATABASE_URL`).

#[path = "../sales_common/mod.rs"]
mod sales_common;
#[path = "../till_common/mod.rs"]
mod till_common;
#[path = "../web_common/mod.rs"]
mod web_common;

mod cases;
mod labels;
mod printing;
mod reports;
mod resolver;
mod signals;
mod sold;
mod till_recall;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

/// Demo data: lot 1 is `DEMO-LC-SR01-01` of product 1 (GTIN
/// 08936052000014), outlet 1 is manager1's.
pub const LOT: i64 = 1;
pub const OUTLET: i64 = 1;
pub const GTIN: &str = "08936052000014";

/// Issues `count` labels for the demo lot as manager1; returns the batch.
pub async fn issue(app: &TestApp, token: &str, count: i64) -> Value {
    let (status, body) = app
        .post(
            "/api/v1/labels",
            Some(token),
            &json!({"request_id": Uuid::new_v4(), "lot_id": LOT, "outlet_id": OUTLET, "count": count}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// GETs a public page as a phone would; (status, headers, body).
pub async fn fetch(
    app: &TestApp,
    path: &str,
    accept: &str,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let res = app
        .client
        .get(app.url(path))
        .header("accept", accept)
        .header(
            "user-agent",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1",
        )
        .send()
        .await
        .expect("request");
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.text().await.expect("body"))
}

pub const HTML: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

/// The path (and query) of a label URI: its base is the configured public
/// address, which need not be the test server's own.
pub fn path_of(uri: &str) -> String {
    let after_scheme = uri.split_once("://").expect("absolute URI").1;
    let at = after_scheme.find('/').expect("a path");
    after_scheme[at..].to_owned()
}

/// The public base a label URI was made on (`OCOP_PUBLIC_URL`).
pub fn base_of(uri: &str) -> String {
    uri[..uri.len() - path_of(uri).len()].to_owned()
}

/// GS1's own validator (`digital-link.js`, installed in core/tests/gs1 by
/// `.ci/test`): the verdict line per URI.
pub fn gs1_verdicts(uris: &[String]) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/gs1");
    assert!(
        dir.join("node_modules/digital-link.js").exists(),
        "run `npm ci` in {} (.ci/test does)",
        dir.display()
    );
    let mut child = Command::new("node")
        .arg("validate.js")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        for u in uris {
            writeln!(stdin, "{u}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}
