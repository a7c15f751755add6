//! `ocop-server import …` and `ocop-server export …`: the CLI faces of the
//! catalogue import and export (anyhow here, outside the request lifecycle).

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use ocop_core::i18n::Lang;

use super::export::{self, Format};
use super::import::{import_producers, import_products};
use super::{ImportReport, Kind};
use crate::db::Db;

/// Imports `path`; prints every error with its line. Returns whether the
/// file was good (and, unless `dry_run`, imported).
pub fn run_import(db: &Db, kind: Kind, path: &Path, dry_run: bool) -> anyhow::Result<bool> {
    let data = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(if dry_run { "kiểm tra" } else { "nhập" });
    let progress = |done: u64, total: u64| {
        if bar.length() != Some(total) {
            bar.set_length(total);
        }
        bar.set_position(done);
    };
    let started = std::time::Instant::now();
    let report: ImportReport = db.write(|c| -> anyhow::Result<ImportReport> {
        Ok(match kind {
            Kind::Producers => import_producers(c, &data, dry_run, &progress)?,
            Kind::Products => import_products(c, &data, dry_run, None, &progress)?,
        })
    })?;
    bar.finish_and_clear();
    let mut err = std::io::stderr().lock();
    for e in &report.errors {
        let column = e
            .column
            .as_deref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        writeln!(err, "dòng {}{column}: {} ({})", e.line, e.message, e.code)?;
    }
    writeln!(
        err,
        "{} ({:.2} s)",
        report.summary(Lang::Vi),
        started.elapsed().as_secs_f64()
    )?;
    Ok(report.is_ok())
}

/// Writes the export to `output`, or to standard output.
pub fn run_export(
    db: &Db,
    kind: Kind,
    format: Format,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let bytes = {
        let mut conn = db.conn()?;
        export::export(&mut conn, kind, format)?
    };
    match output {
        Some(path) => std::fs::write(path, &bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            if format == Format::Xlsx && out.is_terminal() {
                anyhow::bail!("an XLSX file is binary: pass --output FILE or redirect the output");
            }
            out.write_all(&bytes)?;
        }
    }
    Ok(())
}
