//! Persistence on two backends from one codebase: embedded SQLite (the
//! default: one outlet or a demo) and PostgreSQL (several stateless servers).
//!
//! The backend is chosen from the URL scheme, never by trial: diesel's
//! `MultiConnection::establish` would happily open an SQLite *file* named
//! `postgres://…` when PostgreSQL is down.
//!
//! Write transactions go through [`Db::write`]. On SQLite they are serialised
//! by a process-wide lock, because SQLite has a single writer anyway and a
//! deferred transaction that upgrades to a write can fail with `SQLITE_BUSY`
//! without waiting for `busy_timeout`. SQLite runs with `synchronous=FULL`:
//! a sale the server has acknowledged survives a power cut.

pub mod schema;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use serde::Serialize;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Any key will do as long as every ocop-server uses the same one: it keeps
/// two servers starting at once from migrating the same database together.
const MIGRATION_LOCK_KEY: i64 = 0x0C0B_5EED;

/// Initialises OpenSSL (used by libpq for TLS to PostgreSQL) so that it
/// registers no clean-up at process exit. Left to itself, OpenSSL's `atexit`
/// handler frees its state while other threads (pool connections, server
/// workers, the pool's reaper) may still hold TLS connections: a segfault in
/// libcrypto at exit, after all the work was done (seen in CI, on a test
/// binary whose tests had all passed). `openssl_sys::init` passes
/// `OPENSSL_INIT_NO_ATEXIT`; only the first initialisation counts, so this
/// runs before any PostgreSQL connection is opened. Idempotent and cheap.
pub fn init_postgres_tls() {
    openssl_sys::init();
}

/// A connection to either backend. Queries written against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which database engine a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `postgres://` and `postgresql://` select PostgreSQL; anything else is an
    /// SQLite file path (an optional `sqlite://` or `sqlite:` prefix is dropped).
    pub fn of_url(url: &str) -> (Backend, String) {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            (Backend::Sqlite, path.to_owned())
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// r2d2 manager that opens the backend the URL names, with our per-connection settings.
#[derive(Debug, Clone)]
pub struct DbManager {
    backend: Backend,
    target: String,
}

impl ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match self.backend {
            Backend::Postgres => {
                init_postgres_tls();
                diesel::PgConnection::establish(&self.target)
                    .map(DbConn::Postgres)
                    .map_err(r2d2::Error::ConnectionError)
            }
            Backend::Sqlite => {
                let mut conn = diesel::SqliteConnection::establish(&self.target)
                    .map_err(r2d2::Error::ConnectionError)?;
                // temp_store = MEMORY: a write inside a savepoint (sale
                // ingest, `models::sale::once`) keeps its statement journal
                // in memory instead of a temporary file; the WAL and its
                // fsyncs (synchronous = FULL) are what make a sale durable.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                     PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub type Conn = PooledConnection<DbManager>;

/// The connection pool plus what the rest of the server needs to know about it.
#[derive(Clone)]
pub struct Db {
    pool: Pool<DbManager>,
    backend: Backend,
    sqlite_writer: Arc<Mutex<()>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Db {
    /// Opens the pool. For SQLite, switches the file to WAL once, before the
    /// pool opens its connections (doing it per connection locks the file).
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        let (backend, target) = Backend::of_url(url);
        if backend == Backend::Sqlite {
            let mut conn = diesel::SqliteConnection::establish(&target)
                .with_context(|| format!("cannot open SQLite database {target}"))?;
            conn.batch_execute("PRAGMA journal_mode = WAL;")
                .context("cannot switch SQLite to WAL mode")?;
        }
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            .connection_timeout(Duration::from_secs(10))
            .build(DbManager { backend, target })
            .with_context(|| format!("cannot connect to the {} database", backend.name()))?;
        Ok(Db {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pooled connection, waiting at most the pool's timeout.
    /// Connections open and idle now (for the metrics).
    pub fn pool_state(&self) -> r2d2::State {
        self.pool.state()
    }

    /// The most connections the pool opens.
    pub fn pool_max_size(&self) -> u32 {
        self.pool.max_size()
    }

    pub fn conn(&self) -> Result<Conn, r2d2::PoolError> {
        self.pool.get()
    }

    /// A pooled connection, waiting at most `timeout` (health checks).
    pub fn conn_within(&self, timeout: Duration) -> Result<Conn, r2d2::PoolError> {
        self.pool.get_timeout(timeout)
    }

    /// Runs `f` in one write transaction: all of it is stored, or none of it.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<r2d2::PoolError>,
    {
        let mut conn = self.conn()?;
        let _guard = match self.backend {
            // A poisoned lock only means another writer panicked; its
            // transaction was rolled back, so the database is consistent.
            Backend::Sqlite => Some(
                self.sqlite_writer
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner),
            ),
            Backend::Postgres => None,
        };
        let conn: &mut DbConn = &mut conn;
        conn.transaction(f)
    }

    /// Applies every pending embedded migration; returns the versions applied.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self
            .conn()
            .context("no database connection for migrations")?;
        let applied = match &mut *conn {
            DbConn::Sqlite(c) => run_migrations(c, SQLITE_MIGRATIONS)?,
            DbConn::Postgres(c) => {
                c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
                let result = run_migrations(c, POSTGRES_MIGRATIONS);
                c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
                result?
            }
        };
        Ok(applied)
    }
}

fn run_migrations<C>(conn: &mut C, migrations: EmbeddedMigrations) -> anyhow::Result<Vec<String>>
where
    C: MigrationHarness<C::Backend> + diesel::Connection,
{
    let versions = conn
        .run_pending_migrations(migrations)
        .map_err(|e| anyhow::anyhow!("database migration failed: {e}"))?;
    Ok(versions.iter().map(ToString::to_string).collect())
}

#[derive(QueryableByName)]
struct SchemaVersion {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    version: Option<String>,
}

/// The newest applied migration, e.g. `20261128000002`: what `/healthz` reports.
pub fn schema_version(conn: &mut DbConn) -> QueryResult<Option<String>> {
    diesel::sql_query("SELECT MAX(version) AS version FROM __diesel_schema_migrations")
        .get_result::<SchemaVersion>(conn)
        .map(|row| row.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_url_scheme() {
        assert_eq!(
            Backend::of_url("postgres://localhost/test").0,
            Backend::Postgres
        );
        assert_eq!(Backend::of_url("postgresql://u@h/db").0, Backend::Postgres);
        assert_eq!(
            Backend::of_url("sqlite://data/ocop.db"),
            (Backend::Sqlite, "data/ocop.db".to_owned())
        );
        assert_eq!(
            Backend::of_url("ocop.sqlite3"),
            (Backend::Sqlite, "ocop.sqlite3".to_owned())
        );
    }
}
