//! The foundation: health, the OpenAPI document, demo data, and the real
//! binary starting on an empty directory (the schema file: schema_matches.rs).

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use ocop_e2e::process::Served;
use ocop_e2e::{TestApp, TestDb, server_binary};
use ocop_server::demo::{self, DemoOutcome};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn healthz_names_the_backend_and_schema_version() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/healthz", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.test_db.backend().name());
    let version = body["schema_version"].as_str().unwrap();
    // The newest migration's timestamp, YYYYMMDDhhmmss (not a year: the
    // next migration may well be dated later).
    assert_eq!(version.len(), 14, "{version}");
    assert!(
        version.starts_with("20") && version.bytes().all(|b| b.is_ascii_digit()),
        "{version}"
    );
}

#[tokio::test]
async fn healthz_is_503_when_the_database_does_not_answer() {
    let app = TestApp::spawn().await;
    // Take every pooled connection, as a stuck database would.
    let db = app.db.clone();
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok(c) = db.conn_within(Duration::from_millis(500)) {
            held.push(c);
        }
        held_tx.send(held.len()).unwrap();
        release_rx.recv().unwrap();
        drop(held);
    });
    let n = held_rx.recv().unwrap();
    assert!(n >= 1);
    let (status, body) = app.get("/healthz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "unavailable");
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    let (status, _) = app.get("/healthz", None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "recovers when connections come back"
    );
}

#[tokio::test]
async fn openapi_document_describes_every_route_and_docs_page_serves() {
    let app = TestApp::spawn().await;
    let (status, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/healthz", "get"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/me", "get"),
        ("/api/v1/users", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/producers", "get"),
        ("/api/v1/producers/{id}", "get"),
        ("/api/v1/products", "get"),
        ("/api/v1/products/{id}", "get"),
        ("/api/v1/outlets", "get"),
        ("/api/v1/reference", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
    // Every documented path answers something other than "no such route".
    for (path, ops) in paths {
        let concrete = path.replace("{id}", "1");
        for method in ops.as_object().unwrap().keys() {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let (_, body) = app.call(m, &concrete, None, Some(&json!({}))).await;
            assert_ne!(
                body["error"], "no_such_route",
                "{method} {path} is documented but not routed"
            );
        }
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // The served document is the one generated from the code.
    let generated = serde_json::to_value(ocop_server::startup::openapi()).unwrap();
    assert_eq!(doc, generated);

    let page = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("swagger-ui"));
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/api/docs"))
        .send()
        .await
        .unwrap();
    assert!(redirect.status().is_redirection());
}

#[tokio::test]
async fn demo_data_loads_once_and_never_into_a_database_with_data() {
    let app = TestApp::spawn().await;
    let db = app.db.clone();
    let (first, second, counts_after_first, counts_after_second) =
        tokio::task::spawn_blocking(move || {
            let first = demo::load(&db).unwrap();
            let a = demo::counts(&mut db.conn().unwrap()).unwrap();
            let second = demo::load(&db).unwrap();
            let b = demo::counts(&mut db.conn().unwrap()).unwrap();
            (first, second, a, b)
        })
        .await
        .unwrap();
    let DemoOutcome::Loaded {
        producers,
        products,
        outlets,
    } = first
    else {
        panic!("first load: {first:?}");
    };
    assert!(producers >= 12, "a dozen producers");
    assert!(products >= 30, "30+ products");
    assert_eq!(outlets, 3);
    assert_eq!(second, DemoOutcome::AlreadyLoaded);
    assert_eq!(counts_after_first, counts_after_second);
    assert_eq!(counts_after_first.2, 5, "five demo accounts");

    // The demo is realistic: every group and star rating 3..=5, some expired certificates.
    let admin = app.login("admin", "demo1234").await;
    let (_, all) = app.get("/api/v1/products", Some(&admin)).await;
    let all = all.as_array().unwrap();
    for group in [
        "food",
        "beverage",
        "herbal",
        "handicraft",
        "ornamental",
        "tourism",
    ] {
        assert!(
            all.iter().any(|p| p["group_code"] == group),
            "no {group} product"
        );
    }
    for stars in 3..=5 {
        assert!(
            all.iter().any(|p| p["stars"] == stars),
            "no {stars}-star product"
        );
    }
    let today = chrono::Utc::now().date_naive().to_string();
    let expired = all
        .iter()
        .filter(|p| {
            p["cert_expires_on"]
                .as_str()
                .is_some_and(|d| d < today.as_str())
        })
        .count();
    assert!(expired >= 2, "a few expired certificates, got {expired}");
    assert!(
        all.iter()
            .all(|p| p["cert_number"].as_str().is_none_or(|n| n.contains("DEMO")))
    );
    for p in all {
        if let Some(g) = p["gtin"].as_str() {
            ocop_core::gtin::Gtin::parse(g).unwrap();
        }
    }

    // A database holding real data is left alone.
    let other = TestApp::spawn().await;
    let admin_token = {
        let db = other.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut c = db.conn().unwrap();
            ocop_server::models::user::insert(
                &mut c,
                &ocop_server::models::user::NewUser {
                    username: "realadmin".into(),
                    display_name: "Real".into(),
                    password_hash: ocop_server::auth::password::hash("realpassword").unwrap(),
                    role: ocop_server::auth::Role::Admin,
                    outlet_id: None,
                    producer_id: None,
                },
            )
            .unwrap();
            let outcome = demo::load(&db).unwrap();
            assert_eq!(outcome, DemoOutcome::NotEmpty);
            demo::counts(&mut db.conn().unwrap()).unwrap()
        })
        .await
        .unwrap()
    };
    assert_eq!(admin_token, (0, 0, 1));
}

#[test]
fn the_binary_starts_on_an_empty_directory_with_no_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Served::start(dir.path(), &["--demo"], &[]);
    let health = first.wait_healthy();
    assert_eq!(health["database"], "sqlite");
    assert!(
        dir.path().join("ocop.sqlite3").exists(),
        "default SQLite file in the working directory"
    );
    first.stop();

    // Second start on the same directory: the demo is not loaded twice, and
    // the banner says so loudly.
    let mut second = Served::start(dir.path(), &["--demo"], &[]);
    second.wait_healthy();
    let out = second.stop();
    assert!(out.contains("DEMO MODE"), "{out}");
    assert!(out.contains("already present"), "{out}");
    assert!(out.contains("demo1234"), "{out}");
}

#[test]
fn cli_creates_an_admin_who_can_log_in() {
    let test_db = TestDb::create();
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(server_binary())
            .args(args)
            .env_clear()
            .env("OCOP_DATABASE_URL", &test_db.url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(
        &[
            "user",
            "add",
            "--role",
            "admin",
            "--username",
            "sct.admin",
            "--password-stdin",
        ],
        "mật khẩu rất dài\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created admin account"));

    // Bad input: clear error, nothing created.
    let out = run(
        &[
            "user",
            "add",
            "--role",
            "cashier",
            "--username",
            "cashier9",
            "--password-stdin",
        ],
        "longenough\n",
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("outlet"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(
        &[
            "user",
            "add",
            "--role",
            "admin",
            "--username",
            "admin9",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!out.status.success());
    let out = run(
        &["user", "add", "--role", "king", "--username", "admin9"],
        "",
    );
    assert!(!out.status.success());
    let out = run(&["user", "list"], "");
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(listed.contains("sct.admin"));
    assert_eq!(listed.lines().count(), 1, "{listed}");

    // The account logs in through the API.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = test_db.url.clone();
        let app = TestApp::spawn_with(|c| c.database_url = url).await;
        app.login("sct.admin", "mật khẩu rất dài").await;
    });
}

#[test]
fn help_lists_the_configuration_variables() {
    let out = Command::new(server_binary())
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for var in [
        "OCOP_BIND",
        "OCOP_DATABASE_URL",
        "OCOP_PUBLIC_URL",
        "OCOP_JWT_SECRET",
    ] {
        assert!(text.contains(var), "{var} missing from --help");
    }
    let out = Command::new(server_binary())
        .arg("migrate")
        .env_clear()
        .env("OCOP_DATABSE_URL", "typo")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("OCOP_DATABSE_URL"));
}
