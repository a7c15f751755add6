//! Queries live with the data: each module owns one table (or a small family
//! of them) and returns `QueryResult`, or [`error::ModelError`] when it can
//! refuse a request. Connections and transactions are passed in explicitly,
//! so one business action is visibly one transaction.

pub mod catalogue_version;
pub mod error;
pub mod outlet;
pub mod oversight;
pub mod producer;
pub mod product;
pub mod provenance;
pub mod public_catalogue;
pub mod reference;
pub mod revoked;
pub mod rollup;
pub mod sale;
pub mod settings;
pub mod settlement;
pub mod stock;
pub mod till_catalogue;
pub mod user;
pub mod utc;
pub mod validation;
