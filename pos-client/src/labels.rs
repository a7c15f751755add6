//! Issuing provenance labels for a lot at this till's outlet and printing
//! them: the work behind `ocop-till labels print` and the interface's F8
//! key. A manager's (or admin's) account signs in for the one request; the
//! labels go to a printer (one 50×30 mm label per cut, raster on an 80 mm
//! head) or to the A4 PDF sticker sheet.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use ocop_hardware::escpos::{Mode, Paper, PrinterProfile};
use ocop_hardware::printer::{self, PrinterConfig, PrinterUri};

use crate::config::TillConfig;
use crate::server_api::SendError;

/// Where issued labels go.
#[derive(Debug, Clone)]
pub enum LabelOutput {
    /// The till's configured printer.
    TillPrinter,
    /// A printer URI (one label per cut).
    Printer(String),
    /// The A4 PDF sticker sheet, written to this file.
    Pdf(PathBuf),
}

/// Issues `count` labels for `lot` at this till's outlet with a manager's
/// (or admin's) account and prints them, or writes the A4 sheet. One
/// request id per call: a network failure is retried (up to 3 times, each
/// reported to `retrying`) with the same id, so labels are never issued
/// twice. Answers what was done, in Vietnamese and English. The
/// `labels print` command and the interface's F8 key both come here.
pub fn issue_and_print(
    cfg: &TillConfig,
    username: &str,
    password: &str,
    lot: i32,
    count: i32,
    output: &LabelOutput,
    mut retrying: impl FnMut(&SendError),
) -> anyhow::Result<String> {
    let server = cfg.server(Duration::from_secs(30))?;
    let login = server.login(username, password)?;
    let body = serde_json::json!({
        "request_id": uuid::Uuid::new_v4(),
        "lot_id": lot,
        "outlet_id": cfg.outlet_id,
        "count": count,
    });
    let mut tries = 0;
    let batch = loop {
        match server.issue_labels(&login.token, &body) {
            Ok(b) => break b,
            Err(e @ SendError::Transient(_)) if tries < 3 => {
                tries += 1;
                retrying(&e);
                std::thread::sleep(Duration::from_secs(2));
            }
            Err(e) => return Err(e.into()),
        }
    };
    let id = batch
        .get("id")
        .and_then(serde_json::Value::as_i64)
        .context("batch id")?;
    let count = batch
        .get("labels")
        .and_then(serde_json::Value::as_array)
        .map_or(0, Vec::len);
    let uri = match output {
        LabelOutput::Pdf(path) => {
            let pdf = server.get_bytes(
                &login.token,
                &format!("/api/v1/labels/batches/{id}/sheet.pdf"),
            )?;
            std::fs::write(path, pdf)
                .with_context(|| format!("cannot write {}", path.display()))?;
            return Ok(format!(
                "Đã ghi {count} tem vào {} (A4 sheet written)",
                path.display()
            ));
        }
        LabelOutput::Printer(u) => u.clone(),
        LabelOutput::TillPrinter => match &cfg.printer {
            Some(p) => p.uri.clone(),
            None => bail!(
                "chưa có máy in: dùng --printer hoặc --pdf (no printer: use --printer or --pdf)"
            ),
        },
    };
    let uri: PrinterUri = uri.parse().context("--printer")?;
    // Labels are pictures 50 mm wide: an 80 mm head, raster.
    let config = PrinterConfig::new(uri, PrinterProfile::new(Paper::Mm80, Mode::Raster));
    let job = server.get_bytes(
        &login.token,
        &format!("/api/v1/labels/batches/{id}/labels.escpos"),
    )?;
    printer::send(&config, &job)?;
    Ok(format!(
        "Đã in {count} tem tới {} (labels printed)",
        config.uri
    ))
}
