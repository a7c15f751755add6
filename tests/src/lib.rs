//! End-to-end tests across crates, and the helpers they share.
//!
//! [`TestApp::spawn`] starts the real server (the same `startup::run` that
//! `ocop-server serve` uses) on a real port with a fresh database: a
//! temporary SQLite file, or — when `OCOP_TEST_DATABASE_URL` names a
//! PostgreSQL server — a freshly created database that is dropped afterwards.
//! The whole suite therefore runs once per backend.

pub mod browser;
pub mod process;

use std::net::TcpListener;
use std::path::PathBuf;

use diesel::Connection as _;
use diesel::connection::SimpleConnection as _;
use ocop_server::config::Config;
use ocop_server::db::{Backend, Db};
use ocop_server::startup;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// The PostgreSQL server the suite runs against, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("OCOP_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A fresh, empty database for one test; removed when dropped.
pub struct TestDb {
    pub url: String,
    /// Keeps the SQLite file alive (and removes it at the end).
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub fn create() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        match postgres_url() {
            None => {
                let url = dir.path().join("ocop.sqlite3").display().to_string();
                TestDb { url, dir, pg: None }
            }
            Some(admin_url) => {
                let name = format!("ocop_test_{}", uuid::Uuid::new_v4().simple());
                // Before the first libpq connection of the process (see there).
                ocop_server::db::init_postgres_tls();
                let mut admin =
                    diesel::PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let url = replace_database(&admin_url, &name);
                TestDb {
                    url,
                    dir,
                    pg: Some((admin_url, name)),
                }
            }
        }
    }

    pub fn backend(&self) -> Backend {
        Backend::of_url(&self.url).0
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg
            && let Ok(mut admin) = diesel::PgConnection::establish(admin_url)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// `postgres://u@h:5432/test?x` with the database name replaced.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A configuration for tests: the given database, port 0, two workers.
pub fn test_config(database_url: &str) -> Config {
    let mut config = Config::from_sources(&[], None).expect("default config");
    config.database_url = database_url.to_owned();
    config.bind = "127.0.0.1:0".parse().expect("addr");
    config.workers = Some(2);
    config.db_pool_size = 4;
    config
}

/// The real server on a real port, with a client that speaks its API.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub test_db: TestDb,
    handle: actix_web::dev::ServerHandle,
}

impl TestApp {
    /// A server on a fresh, empty (migrated) database.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A server on a fresh database holding the demo data.
    pub async fn spawn_demo() -> TestApp {
        let app = Self::spawn().await;
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || ocop_server::demo::load(&db))
            .await
            .expect("join")
            .expect("demo data loads");
        app
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let test_db = TestDb::create();
        let mut config = test_config(&test_db.url);
        adjust(&mut config);
        // With OCOP_TLS_CERT the server speaks HTTPS; its certificate names
        // localhost.
        let (scheme, host) = if config.tls.is_some() {
            ("https", "localhost")
        } else {
            ("http", "127.0.0.1")
        };
        let state = tokio::task::spawn_blocking(move || startup::prepare(config))
            .await
            .expect("join")
            .expect("server prepares");
        let db = state.db.clone();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let port = listener.local_addr().expect("addr").port();
        let server = startup::run(listener, state).expect("server runs");
        let handle = server.handle();
        tokio::spawn(server);
        TestApp {
            base: format!("{scheme}://{host}:{port}"),
            client: reqwest::Client::new(),
            db,
            test_db,
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request; `token` adds `Authorization: Bearer`.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let text = res.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, json)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// Logs in and returns the token; panics if the login fails.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// Stops the server (graceful) — e.g. to restart on the same database.
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

/// A day `n` days before today in Vietnam, the day the listing rule is
/// applied on (from 17:00 UTC it is already tomorrow there), as
/// `YYYY-MM-DD`. Test data dated from today keeps its meaning whatever year
/// the suite runs in; a fixed date silently turns into an expired one.
pub fn days_ago(n: u64) -> String {
    (ocop_core::time::vn_date(chrono::Utc::now()) - chrono::Days::new(n)).to_string()
}

/// A day `n` days after today in Vietnam, as `YYYY-MM-DD`.
pub fn days_ahead(n: u64) -> String {
    (ocop_core::time::vn_date(chrono::Utc::now()) + chrono::Days::new(n)).to_string()
}

/// Asserts that `result` is the refusal raised by the append-only trigger
/// of `table`: the text both backends' migrations raise,
/// `<table> is append-only`. Any other SQL error (a typo, a missing column,
/// a broken connection) fails, so a tampering test cannot pass for the
/// wrong reason.
pub fn assert_refused_as_append_only(result: diesel::QueryResult<usize>, table: &str) {
    let expected = format!("{table} is append-only");
    match result {
        Err(diesel::result::Error::DatabaseError(_, info)) if info.message() == expected => {}
        other => panic!("{table}: expected the trigger's refusal {expected:?}, got {other:?}"),
    }
}

/// The `ocop-server` binary built by this workspace (for tests of the CLI
/// and of start-up on an empty directory).
pub fn server_binary() -> PathBuf {
    workspace_binary("ocop-server")
}

/// The `ocop-load` binary built by this workspace (the load generator's
/// end-to-end test runs it as a real process, as an operator would).
pub fn load_binary() -> PathBuf {
    workspace_binary("ocop-load")
}

/// A binary of this workspace, beside the test's own profile directory.
fn workspace_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/<test> -> target/<profile>/<name>
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target profile dir");
    let bin = dir.join(name);
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p {name} --bins` before the tests (.ci/test does)",
        bin.display()
    );
    bin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("postgres://127.0.0.1/test?sslmode=disable", "y"),
            "postgres://127.0.0.1/y?sslmode=disable"
        );
        assert_eq!(replace_database("postgresql://h", "z"), "postgresql://h/z");
    }
}
