//! Server configuration: read once at start-up from `OCOP_*` environment
//! variables, optionally from a TOML file (`--config`), environment winning.
//! Unknown keys in the file and unknown `OCOP_*` variables are errors, so a
//! typo never silently falls back to a default. Secrets never print.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use serde::Deserialize;

/// Where the database lives when nothing is configured: a file in the
/// working directory, so a fresh directory just works.
pub const DEFAULT_DATABASE_URL: &str = "ocop.sqlite3";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// A value that must never appear in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Keys of the optional TOML file; the same names as the variables without
/// the `OCOP_` prefix, in lower case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    database_url: Option<String>,
    public_url: Option<String>,
    jwt_secret: Option<String>,
    token_ttl_minutes: Option<u64>,
    db_pool_size: Option<u32>,
    workers: Option<usize>,
    bank_webhook_secret: Option<String>,
    trusted_proxies: Option<String>,
    tls_cert: Option<String>,
    tls_key: Option<String>,
    scan_retention_days: Option<u32>,
    metrics_token: Option<String>,
}

/// Every variable the server reads, with what it is for (also printed by `--help`).
pub const VARIABLES: &[(&str, &str)] = &[
    ("OCOP_BIND", "address to listen on (default 127.0.0.1:8080)"),
    (
        "OCOP_DATABASE_URL",
        "SQLite file path (default ./ocop.sqlite3) or postgres://user@host/db",
    ),
    (
        "OCOP_PUBLIC_URL",
        "base URL printed into QR labels (default http://<bind address>)",
    ),
    (
        "OCOP_JWT_SECRET",
        "token signing secret, at least 32 characters (default: generated once, kept in the database)",
    ),
    (
        "OCOP_TOKEN_TTL_MINUTES",
        "how long a login token lasts (default 720 = 12 hours)",
    ),
    ("OCOP_DB_POOL_SIZE", "database connections (default 8)"),
    (
        "OCOP_WORKERS",
        "HTTP worker threads (default: one per CPU core)",
    ),
    (
        "OCOP_BANK_WEBHOOK_SECRET",
        "HMAC-SHA256 key of bank payment notifications, at least 32 characters (docs/bank-webhook.md; unset: the webhook answers 503)",
    ),
    (
        "OCOP_TRUSTED_PROXIES",
        "comma-separated addresses of reverse proxies whose X-Forwarded-For is believed for login throttling (default: none, the header is ignored)",
    ),
    (
        "OCOP_TLS_CERT",
        "PEM certificate chain: serve HTTPS directly (with OCOP_TLS_KEY; usually a reverse proxy terminates TLS instead)",
    ),
    (
        "OCOP_TLS_KEY",
        "PEM private key of OCOP_TLS_CERT (both or neither)",
    ),
    (
        "OCOP_SCAN_RETENTION_DAYS",
        "days the public label scan log is kept (default 365; pruned at start-up and by `scans prune`)",
    ),
    (
        "OCOP_METRICS_TOKEN",
        "bearer token, at least 32 characters, that may read /metrics from elsewhere (default: only this machine may, not through a proxy)",
    ),
    (
        "OCOP_LOG",
        "log filter, e.g. info or ocop_server=debug (default info)",
    ),
    (
        "OCOP_LOG_FORMAT",
        "text (default) or json: one JSON object per log line, for a log collector",
    ),
];

/// Variables with the prefix that belong to other programs or to the tests.
const FOREIGN_PREFIXES: &[&str] = &["OCOP_TEST_", "OCOP_TILL_", "OCOP_BENCH_", "OCOP_LOAD_"];

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database_url: String,
    /// Without a trailing slash.
    pub public_url: String,
    pub jwt_secret: Option<Secret>,
    pub token_ttl: Duration,
    pub db_pool_size: u32,
    /// HTTP worker threads; `None` lets actix use one per core.
    pub workers: Option<usize>,
    /// Key of the bank notification webhook's HMAC-SHA256 signature.
    pub bank_webhook_secret: Option<Secret>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Serve HTTPS with this certificate and key (`None`: plain HTTP, as
    /// behind a TLS-terminating reverse proxy).
    pub tls: Option<TlsFiles>,
    /// Days the public scan log keeps a scan (1–3650).
    pub scan_retention_days: u32,
    /// Who else may read `/metrics` (`Authorization: Bearer …`).
    pub metrics_token: Option<Secret>,
}

/// The PEM files of the server's own certificate (chain first) and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Config {
    /// Reads the process environment and the optional file.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        let text = match file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read config file {}", path.display()))?,
            ),
            None => None,
        };
        Config::from_sources(&vars, text.as_deref())
    }

    /// Builds the configuration from explicit sources (tests vary these).
    pub fn from_sources(vars: &[(String, String)], file: Option<&str>) -> anyhow::Result<Config> {
        let file: FileConfig = match file {
            Some(text) => toml::from_str(text).context("invalid config file")?,
            None => FileConfig::default(),
        };
        for (key, _) in vars {
            let ours =
                key.starts_with("OCOP_") && !FOREIGN_PREFIXES.iter().any(|p| key.starts_with(p));
            if ours && !VARIABLES.iter().any(|(known, _)| known == key) {
                let known: Vec<&str> = VARIABLES.iter().map(|(k, _)| *k).collect();
                bail!("unknown variable {key}; known: {}", known.join(", "));
            }
        }
        let env = |key: &str| {
            vars.iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };

        let bind_text = env("OCOP_BIND")
            .or(file.bind)
            .unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind: SocketAddr = bind_text.parse().with_context(|| {
            format!("OCOP_BIND: {bind_text:?} is not an address like 127.0.0.1:8080")
        })?;
        let database_url = env("OCOP_DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let tls = match (
            env("OCOP_TLS_CERT").or(file.tls_cert),
            env("OCOP_TLS_KEY").or(file.tls_key),
        ) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert: cert.into(),
                key: key.into(),
            }),
            (None, None) => None,
            _ => bail!("OCOP_TLS_CERT and OCOP_TLS_KEY go together: set both or neither"),
        };
        let public_url = env("OCOP_PUBLIC_URL")
            .or(file.public_url)
            .unwrap_or_else(|| default_public_url(bind, tls.is_some()));
        let public_url = public_url.trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("OCOP_PUBLIC_URL must start with http:// or https://, got {public_url:?}");
        }
        let jwt_secret = env("OCOP_JWT_SECRET").or(file.jwt_secret);
        if jwt_secret.as_ref().is_some_and(|s| s.chars().count() < 32) {
            bail!("OCOP_JWT_SECRET must be at least 32 characters long");
        }
        let ttl_minutes = match env("OCOP_TOKEN_TTL_MINUTES") {
            Some(text) => text
                .parse::<u64>()
                .with_context(|| format!("OCOP_TOKEN_TTL_MINUTES: {text:?} is not a number"))?,
            None => file.token_ttl_minutes.unwrap_or(720),
        };
        if ttl_minutes == 0 || ttl_minutes > 60 * 24 * 31 {
            bail!("OCOP_TOKEN_TTL_MINUTES must be between 1 and 44640 (31 days)");
        }
        let db_pool_size = match env("OCOP_DB_POOL_SIZE") {
            Some(text) => text
                .parse::<u32>()
                .with_context(|| format!("OCOP_DB_POOL_SIZE: {text:?} is not a number"))?,
            None => file.db_pool_size.unwrap_or(8),
        };
        if !(1..=256).contains(&db_pool_size) {
            bail!("OCOP_DB_POOL_SIZE must be between 1 and 256");
        }
        let workers = match env("OCOP_WORKERS") {
            Some(text) => Some(
                text.parse::<usize>()
                    .with_context(|| format!("OCOP_WORKERS: {text:?} is not a number"))?,
            ),
            None => file.workers,
        };
        if workers.is_some_and(|w| !(1..=512).contains(&w)) {
            bail!("OCOP_WORKERS must be between 1 and 512");
        }
        let bank_webhook_secret = env("OCOP_BANK_WEBHOOK_SECRET").or(file.bank_webhook_secret);
        if bank_webhook_secret
            .as_ref()
            .is_some_and(|s| s.chars().count() < 32)
        {
            bail!("OCOP_BANK_WEBHOOK_SECRET must be at least 32 characters long");
        }
        let trusted_proxies = env("OCOP_TRUSTED_PROXIES")
            .or(file.trusted_proxies)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse()
                    .with_context(|| format!("OCOP_TRUSTED_PROXIES: {a:?} is not an IP address"))
            })
            .collect::<anyhow::Result<Vec<std::net::IpAddr>>>()?;
        let scan_retention_days = match env("OCOP_SCAN_RETENTION_DAYS") {
            Some(text) => text
                .parse::<u32>()
                .with_context(|| format!("OCOP_SCAN_RETENTION_DAYS: {text:?} is not a number"))?,
            None => file.scan_retention_days.unwrap_or(365),
        };
        if !(1..=3650).contains(&scan_retention_days) {
            bail!("OCOP_SCAN_RETENTION_DAYS must be between 1 and 3650");
        }
        if let Some(format) = env("OCOP_LOG_FORMAT")
            && !matches!(format.as_str(), "text" | "json")
        {
            bail!("OCOP_LOG_FORMAT must be text or json, not {format:?}");
        }
        let metrics_token = env("OCOP_METRICS_TOKEN").or(file.metrics_token);
        if metrics_token
            .as_ref()
            .is_some_and(|s| s.chars().count() < 32)
        {
            bail!("OCOP_METRICS_TOKEN must be at least 32 characters long");
        }
        Ok(Config {
            bind,
            database_url,
            public_url,
            jwt_secret: jwt_secret.map(Secret::new),
            token_ttl: Duration::from_secs(ttl_minutes * 60),
            db_pool_size,
            workers,
            bank_webhook_secret: bank_webhook_secret.map(Secret::new),
            trusted_proxies,
            tls,
            scan_retention_days,
            metrics_token: metrics_token.map(Secret::new),
        })
    }
}

/// `http://<bind>` (`https://` when serving TLS), with a wildcard address
/// replaced by `localhost`.
fn default_public_url(bind: SocketAddr, tls: bool) -> String {
    let scheme = if tls { "https" } else { "http" };
    if bind.ip().is_unspecified() {
        format!("{scheme}://localhost:{}", bind.port())
    } else {
        format!("{scheme}://{bind}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_just_work() {
        let c = Config::from_sources(&vars(&[("PATH", "/bin")]), None).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "ocop.sqlite3");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert!(c.jwt_secret.is_none());
        assert_eq!(c.token_ttl, Duration::from_secs(720 * 60));
    }

    /// Issue 14: the server may serve HTTPS itself; cert and key go
    /// together, and the default public address is then `https://`.
    #[test]
    fn tls_cert_and_key_go_together() {
        let c = Config::from_sources(
            &vars(&[("OCOP_TLS_CERT", "/c.pem"), ("OCOP_TLS_KEY", "/k.pem")]),
            None,
        )
        .unwrap();
        assert_eq!(
            c.tls,
            Some(TlsFiles {
                cert: "/c.pem".into(),
                key: "/k.pem".into()
            })
        );
        assert_eq!(c.public_url, "https://127.0.0.1:8080");
        let err = Config::from_sources(&vars(&[("OCOP_TLS_CERT", "/c.pem")]), None).unwrap_err();
        assert!(err.to_string().contains("OCOP_TLS_KEY"), "{err}");
        assert!(Config::from_sources(&[], None).unwrap().tls.is_none());
    }

    #[test]
    fn environment_wins_over_file() {
        let c = Config::from_sources(
            &vars(&[("OCOP_BIND", "0.0.0.0:9000")]),
            Some("bind = \"127.0.0.1:1\"\npublic_url = \"https://ocop.example.vn/\"\n"),
        )
        .unwrap();
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.public_url, "https://ocop.example.vn");
    }

    #[test]
    fn wildcard_bind_gives_localhost_public_url() {
        let c = Config::from_sources(&vars(&[("OCOP_BIND", "0.0.0.0:9000")]), None).unwrap();
        assert_eq!(c.public_url, "http://localhost:9000");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = Config::from_sources(&vars(&[("OCOP_DATABASE_ULR", "x")]), None).unwrap_err();
        assert!(err.to_string().contains("OCOP_DATABASE_ULR"), "{err}");
        assert!(Config::from_sources(&[], Some("datbase_url = \"x\"")).is_err());
        // Variables of the tests and the till are not ours to judge.
        assert!(Config::from_sources(&vars(&[("OCOP_TEST_DATABASE_URL", "x")]), None).is_ok());
    }

    #[test]
    fn bad_values_are_errors() {
        for (k, v) in [
            ("OCOP_BIND", "localhost"),
            ("OCOP_JWT_SECRET", "short"),
            ("OCOP_TOKEN_TTL_MINUTES", "0"),
            ("OCOP_DB_POOL_SIZE", "many"),
            ("OCOP_PUBLIC_URL", "ftp://x"),
        ] {
            assert!(
                Config::from_sources(&vars(&[(k, v)]), None).is_err(),
                "{k}={v}"
            );
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let c = Config::from_sources(
            &vars(&[(
                "OCOP_JWT_SECRET",
                "0123456789abcdef0123456789abcdef-topsecret",
            )]),
            None,
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("topsecret"));
    }
}
