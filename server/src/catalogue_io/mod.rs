//! The catalogue as CSV (import and export) and XLSX (export): producers
//! and products, in the formats documented in `docs/catalogue-csv.md`.
//!
//! Guarantees of an import:
//! - all or nothing: every row is checked before anything is written, and
//!   the writes run in the caller's single transaction;
//! - every bad row is reported with its line number in the file, the column
//!   and the reason in Vietnamese (and English);
//! - `dry_run` checks everything and writes nothing;
//! - a clean import takes one catalogue version for all its rows and writes
//!   them in multi-row batches (10,000 products in well under a second on
//!   SQLite).
//!
//! An exported file imports back (same header); products refer to their
//! producer by tax code when it has one, else by id.

pub mod cli;
pub mod columns;
pub mod export;
pub mod import;

use ocop_core::i18n::Lang;
use serde::{Deserialize, Serialize};

/// What a file holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Producers,
    Products,
}

/// One bad row (or the header, line 1).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// Line in the file, counting the header as line 1.
    pub line: u64,
    /// The column at fault, if one.
    pub column: Option<String>,
    /// Stable code, e.g. `invalid_gtin`.
    pub code: String,
    /// Vietnamese.
    pub message: String,
    pub message_en: String,
}

/// The outcome of an import or a dry run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub kind: Kind,
    pub dry_run: bool,
    /// Data rows read.
    pub rows: u64,
    /// Rows written: 0 for a dry run and whenever there is any error.
    pub imported: u64,
    /// The catalogue version the import took, if it wrote anything.
    pub version: Option<i64>,
    /// Every problem found; empty means the file is good.
    pub errors: Vec<RowError>,
}

impl ImportReport {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// A human summary, for the CLI.
    pub fn summary(&self, lang: Lang) -> String {
        let what = match (self.kind, lang) {
            (Kind::Producers, Lang::Vi) => "chủ thể",
            (Kind::Products, Lang::Vi) => "sản phẩm",
            (Kind::Producers, Lang::En) => "producers",
            (Kind::Products, Lang::En) => "products",
        };
        match (self.is_ok(), self.dry_run, lang) {
            (false, _, Lang::Vi) => format!(
                "Tệp có {} lỗi: không nhập dòng nào ({} dòng dữ liệu).",
                self.errors.len(),
                self.rows
            ),
            (false, _, Lang::En) => format!(
                "{} errors: nothing imported ({} data rows).",
                self.errors.len(),
                self.rows
            ),
            (true, true, Lang::Vi) => {
                format!(
                    "Kiểm tra xong: {} {what} hợp lệ, chưa ghi gì (--dry-run).",
                    self.rows
                )
            }
            (true, true, Lang::En) => {
                format!(
                    "Checked: {} {what} are valid; nothing written (--dry-run).",
                    self.rows
                )
            }
            (true, false, Lang::Vi) => format!("Đã nhập {} {what}.", self.imported),
            (true, false, Lang::En) => format!("Imported {} {what}.", self.imported),
        }
    }
}

/// Progress of a long import: called with (done, total) rows.
pub type Progress<'a> = &'a dyn Fn(u64, u64);

/// No progress display (API imports).
pub fn no_progress(_: u64, _: u64) {}
