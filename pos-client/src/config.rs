//! The till's configuration, kept in the local store (`config` table, key
//! `till`) by `ocop-till setup`: which server, which till and outlet, the
//! till's secret, the cashier, the printer. Nothing else in the till reads
//! settings from anywhere but here and the command line.
//!
//! The till secret is never printed: `Debug` hides it.

use std::fmt;
use std::path::PathBuf;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::printing::PrinterArgs;
use crate::server_api::{Auth, Server};
use crate::store::Store;

const KEY: &str = "till";

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TillConfig {
    pub server_url: String,
    pub till_id: i32,
    pub till_name: String,
    pub outlet_id: i32,
    pub till_secret: String,
    /// The user whose sales and shifts these are (the one who set the till
    /// up).
    pub cashier_id: i32,
    pub cashier_name: String,
    /// A user token, used for the catalogue while it is valid.
    pub user_token: Option<String>,
    pub printer: Option<PrinterSettings>,
    /// The server's public address (from the catalogue sync), where the
    /// customer's phone reaches the e-receipt page; `server_url` until the
    /// server gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// A province's own certificate authority (PEM, from `setup
    /// --ca-file`), trusted besides Mozilla's roots for an `https://` server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
}

impl fmt::Debug for TillConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TillConfig")
            .field("server_url", &self.server_url)
            .field("till_id", &self.till_id)
            .field("outlet_id", &self.outlet_id)
            .field("cashier_id", &self.cashier_id)
            .field("till_secret", &"<hidden>")
            .finish_non_exhaustive()
    }
}

/// The printer, as `--printer`, `--width`, `--mode` would give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrinterSettings {
    pub uri: String,
    pub width: u32,
    pub mode: String,
}

impl PrinterSettings {
    pub fn from_args(args: &PrinterArgs) -> PrinterSettings {
        PrinterSettings {
            uri: args.printer.clone(),
            width: args.width,
            mode: match args.mode {
                crate::printing::TextMode::Raster => "raster",
                crate::printing::TextMode::Cp1258 => "cp1258",
                crate::printing::TextMode::Ascii => "ascii",
            }
            .into(),
        }
    }

    pub fn to_args(&self) -> PrinterArgs {
        PrinterArgs {
            printer: self.uri.clone(),
            width: self.width,
            mode: match self.mode.as_str() {
                "cp1258" => crate::printing::TextMode::Cp1258,
                "ascii" => crate::printing::TextMode::Ascii,
                _ => crate::printing::TextMode::Raster,
            },
            esc_t: 52,
            check_paper: false,
        }
    }
}

impl TillConfig {
    pub fn load(store: &Store) -> anyhow::Result<Option<TillConfig>> {
        store.get(KEY)
    }

    /// The configuration, or a clear message that `setup` comes first.
    pub fn require(store: &Store) -> anyhow::Result<TillConfig> {
        TillConfig::load(store)?.context(
            "Máy chưa được cài đặt: chạy `ocop-till setup --server URL` trước \
             (the till is not set up: run `ocop-till setup --server URL` first)",
        )
    }

    pub fn save(&self, store: &Store) -> anyhow::Result<()> {
        store.set(KEY, self)
    }

    /// Where the e-receipt pages are: the public address, else the server.
    pub fn e_receipt_base(&self) -> &str {
        self.public_url.as_deref().unwrap_or(&self.server_url)
    }

    /// A client of this till's server (its own CA trusted too).
    pub fn server(&self, timeout: std::time::Duration) -> anyhow::Result<Server> {
        Server::connect(&self.server_url, self.ca_pem.as_deref(), timeout)
    }

    pub fn till_auth(&self) -> Auth {
        Auth::Till {
            till_id: self.till_id,
            secret: self.till_secret.clone(),
        }
    }
}

/// Keeps the public address the server sent with its catalogue.
pub fn remember_public_url(store: &Store, url: Option<String>) -> anyhow::Result<()> {
    if let Some(mut cfg) = TillConfig::load(store)?
        && url.is_some()
        && cfg.public_url != url
    {
        cfg.public_url = url;
        cfg.save(store)?;
    }
    Ok(())
}

/// `--data-dir`, or the user's data directory.
pub fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("ocop-till")
}
