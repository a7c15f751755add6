//! ocop-core: the domain of the OCOP point of sale, shared by the server and
//! the till. Types here validate on construction, so an invalid value cannot
//! exist past the edge of the system. No I/O, no database, no HTTP.

pub mod catalogue;
pub mod digital_link;
pub mod gtin;
pub mod i18n;
pub mod money;
#[cfg(feature = "openapi")]
mod openapi;
pub mod place;
pub mod provenance;
pub mod refusal;
pub mod sale;
pub mod settlement;
pub mod stock;
pub mod tax_code;
pub mod text;
pub mod time;
pub mod vietqr;
pub mod wire;
