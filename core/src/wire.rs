//! The types that cross the wire between the till and the server, declared
//! once: the server serialises them, the till deserialises them, so a
//! change on one side fails to compile on the other instead of failing in
//! the field.
//!
//! Guarantees: the JSON is the one the server has always sent (same field
//! names, same forms: amounts as whole-đồng integers, GTINs as 14 digits,
//! VAT rates as their codes `kct`, `0`, `5`, `8`, `10`); fields the server
//! added over time have defaults, so a till reading an older answer it
//! kept (the outlet in its store) still reads it. No I/O here; with the
//! `openapi` feature (the server's) the types also describe themselves to
//! utoipa.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::gtin::Gtin;
use crate::money::{Dong, VatRate};
use crate::sale::{ChainProblem, Sale, TransferStatus};

/// The outlet as its receipts show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TillOutlet {
    pub id: i32,
    #[serde(default)]
    pub code: String,
    pub name: String,
    pub legal_name: String,
    pub tax_code: String,
    pub address: String,
    pub phone: String,
    pub bank_bin: Option<String>,
    pub bank_account: Option<String>,
    #[serde(default)]
    pub bank_holder: Option<String>,
    #[serde(default)]
    pub commission_bp: i32,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

/// An outlet kept by a till before the server sent `active` was selling.
fn active_by_default() -> bool {
    true
}

/// A producer of the products in a catalogue answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TillProducer {
    pub id: i32,
    pub name: String,
}

/// Why a product may be sold (the 950/QĐ-BCT listing rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SellStatus {
    Listable,
    ListableKeyProduct,
    /// Its certificate lapsed: sell what is in stock, with a warning.
    SellFromStockOnly,
}

impl SellStatus {
    pub const ALL: [SellStatus; 3] = [
        SellStatus::Listable,
        SellStatus::ListableKeyProduct,
        SellStatus::SellFromStockOnly,
    ];

    /// The form on the wire and in the till's store.
    pub fn code(self) -> &'static str {
        match self {
            SellStatus::Listable => "listable",
            SellStatus::ListableKeyProduct => "listable_key_product",
            SellStatus::SellFromStockOnly => "sell_from_stock_only",
        }
    }

    /// The status of a [`SellStatus::code`].
    pub fn from_code(code: &str) -> Option<SellStatus> {
        SellStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// One sellable product, compact: a till may hold 100,000 of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TillProduct {
    pub id: i32,
    pub name: String,
    /// 14 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub gtin: Option<Gtin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Whole đồng, VAT included.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub price: Dong,
    /// `kct`, `0`, `5`, `8` or `10`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub vat: VatRate,
    pub unit: String,
    pub fractional: bool,
    pub producer_id: i32,
    pub group: String,
    pub stars: i32,
    /// `listable`, `listable_key_product` or `sell_from_stock_only`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: SellStatus,
    /// Shown to the cashier when selling (Vietnamese), e.g. an expired certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl TillProduct {
    /// What a scanner reads or a cashier types for it: the GTIN (14
    /// digits), else the internal code.
    pub fn scan_code(&self) -> Option<&str> {
        self.gtin
            .as_ref()
            .map(Gtin::as_str14)
            .or(self.code.as_deref())
    }
}

/// A lot on hand at the outlet. Filled by the inventory module (issue:
/// stock); empty until then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TillLot {
    pub product_id: i32,
    pub lot_code: String,
    pub expires_on: Option<NaiveDate>,
    /// Milli-units on hand.
    pub on_hand: i64,
}

/// `GET /api/v1/outlets/{id}/catalogue`: what a till needs to sell offline
/// at one outlet, as a full snapshot or as the changes since a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TillCatalogue {
    /// Pass as `since` next time.
    pub version: i64,
    /// The Vietnamese day the listing rule was applied on.
    pub as_of: NaiveDate,
    /// `true`: replace everything held; `false`: apply `products` and `removed`.
    pub full: bool,
    pub since: Option<i64>,
    pub outlet: TillOutlet,
    /// The producers of the products below.
    #[serde(default)]
    pub producers: Vec<TillProducer>,
    pub products: Vec<TillProduct>,
    /// Products the till must stop selling (delta only).
    #[serde(default)]
    pub removed: Vec<i32>,
    /// Lots on hand at this outlet: filled by the inventory module; empty for now.
    #[serde(default)]
    pub lots: Vec<TillLot>,
    /// The server's public address (`OCOP_PUBLIC_URL`, no trailing slash),
    /// for the e-receipt QR a till prints (`{public_url}/r/{sale id}`): the
    /// address the till syncs with may be one a customer's phone cannot
    /// reach. Set by the server's HTTP handler.
    pub public_url: Option<String>,
    /// Every recalled lot (all of them, in full and delta answers alike:
    /// the list is short and a recall is never undone). A till refuses to
    /// sell these lots.
    #[serde(default)]
    pub recalled_lots: Vec<RecalledLot>,
}

/// A lot recalled by the Department's inspectors: no till may sell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecalledLot {
    pub product_id: i32,
    pub lot_code: String,
    /// Why, as the inspector wrote it (shown to the cashier).
    pub reason: String,
}

/// `POST /api/v1/sales/batch`: the answer to one item of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchItem {
    pub index: usize,
    /// The sale id, when the item parsed.
    pub id: Option<Uuid>,
    /// The status a single post would have had.
    pub status: u16,
    /// The single post's body: the stored sale, or `{error, message}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: serde_json::Value,
}

/// `GET /api/v1/sales/{id}/vietqr`: where a sale's bank transfer stands
/// (the bank's notification reaches the server, never the till).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferState {
    pub sale_id: Uuid,
    /// The transfer amount (sum of the sale's bank-transfer payments).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Dong,
    /// `pending`, `confirmed_by_cashier` or `confirmed_by_bank`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: TransferStatus,
    /// The VietQR payload (EMVCo) to show while pending.
    #[serde(default)]
    pub vietqr: Option<String>,
    #[serde(default)]
    pub memo: Option<String>,
    /// The user who confirmed it by hand (the cashier a till names, or the
    /// member of staff who confirmed), when the status is
    /// `confirmed_by_cashier`.
    #[serde(default)]
    pub confirmed_by: Option<i32>,
    /// When the confirmation behind the status was recorded (UTC).
    #[serde(default)]
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/outlets/{id}/pending-transfers`: a sale whose bank
/// transfer nobody (neither the bank nor a cashier) has confirmed yet —
/// money not received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingTransfer {
    pub sale_id: Uuid,
    /// The printed receipt number (`T1-000012`).
    pub receipt: String,
    pub till_id: i32,
    pub sold_at: DateTime<Utc>,
    /// The amount awaited by transfer, whole đồng.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Dong,
    /// The sale's total, whole đồng.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Dong,
}

/// Whether a posted sale was stored now or had been before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IngestStatus {
    /// Stored now, the first time it came.
    Created,
    /// The same sale again: the stored one.
    Existing,
}

/// What the server's chain check made of a sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChainStatus {
    Ok,
    /// The chain check found problems (stored, never refused).
    Flagged,
}

/// `POST /api/v1/sales`, `GET /api/v1/sales/{id}`: a sale as the server
/// stored it, and what the server found about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ingested {
    /// `created` (first time), or `existing` (the same sale again).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: IngestStatus,
    /// `ok`, or `flagged` when the chain check found problems.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub chain_status: ChainStatus,
    /// What the chain check found when the sale first arrived.
    pub chain_problems: Vec<ChainProblem>,
    /// Lines whose price differs from the server's catalogue price.
    pub price_differences: Vec<PriceDifference>,
    /// The sale as stored.
    pub sale: Sale,
}

impl Ingested {
    pub fn created(&self) -> bool {
        self.status == IngestStatus::Created
    }
}

/// A sale line priced otherwise than the server's catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceDifference {
    pub line_no: u32,
    pub product_id: i32,
    pub unit_price: i64,
    pub catalogue_price: Option<i64>,
}

/// The five roles of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Registers producers, products, outlets and users.
    Admin,
    /// Department of Industry and Trade: reads everything, handles counterfeit cases.
    Inspector,
    /// Runs one outlet.
    Manager,
    /// Sells at one outlet.
    Cashier,
    /// One OCOP producer: sees only its own goods, sales and statements.
    Producer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Inspector,
        Role::Manager,
        Role::Cashier,
        Role::Producer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Inspector => "inspector",
            Role::Manager => "manager",
            Role::Cashier => "cashier",
            Role::Producer => "producer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// What the account is tied to: an outlet, a producer, or nothing.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Admin | Role::Inspector => ScopeKind::Province,
            Role::Manager | Role::Cashier => ScopeKind::Outlet,
            Role::Producer => ScopeKind::Producer,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an account of a [`Role`] is tied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Province,
    Outlet,
    Producer,
}

/// `GET /api/v1/auth/me`: the caller's own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub outlet_id: Option<i32>,
    pub producer_id: Option<i32>,
}

/// `POST /api/v1/auth/login`: a token that expires, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Expiry, Unix seconds (UTC).
    pub expires_at: i64,
    pub user: Me,
}

/// A registered till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Till))]
pub struct TillInfo {
    pub id: i32,
    pub outlet_id: i32,
    pub name: String,
    pub created_by: i32,
    /// UTC, with its offset (RFC 3339 `…Z`).
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/tills`: the till registered, and its secret, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisteredTill {
    pub till: TillInfo,
    /// Shown once; the server keeps only its SHA-256.
    pub secret: String,
    /// The header value the till sends: `Till <id>:<secret>`.
    pub authorization: String,
}

#[cfg(test)]
mod tests;
