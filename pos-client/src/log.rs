//! The till's log, for support after a bad day: what was sent and what the
//! server answered, refusals, printer errors, catalogue refreshes. Written
//! with `tracing` to files in the till's data directory
//! (`<data dir>/logs/ocop-till.YYYY-MM-DD.log`), a new file each day (UTC),
//! the last [`KEEP_FILES`] kept. Never to the terminal: the interface owns
//! it, and `--json` output must stay clean. `OCOP_TILL_LOG` sets the filter
//! (`tracing` syntax, default `info`). No secret is ever logged: the till's
//! secret, passwords and PINs are never in an event.

use std::path::{Path, PathBuf};

use anyhow::Context;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;

/// The folder under the data directory.
pub const LOG_DIR: &str = "logs";
/// The variable that sets the filter.
pub const FILTER_ENV: &str = "OCOP_TILL_LOG";
/// Daily files kept (older ones are removed as new ones start).
pub const KEEP_FILES: usize = 30;

/// Where the log files of `data_dir` are.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join(LOG_DIR)
}

/// Starts logging to the data directory's rotated files, once per process.
pub fn init(data_dir: &Path) -> anyhow::Result<()> {
    let dir = dir(data_dir);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the log folder {}", dir.display()))?;
    let files = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("ocop-till")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(&dir)
        .context("cannot open the log file")?;
    let filter = EnvFilter::try_from_env(FILTER_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(files)
        .with_ansi(false)
        .try_init()
        .map_err(|e| anyhow::anyhow!("{e}"))
}
