//! Provenance: serialised labels issued for a lot ([`label`]), what the
//! public resolver page shows about a GTIN, a lot or a label ([`resolve`]),
//! the scan log ([`scan`]) and lot recalls ([`recall`]).
//!
//! Labels, their issuing batches, sale bindings and recalls are
//! append-only (database triggers); only the scan log is pruned, after the
//! retention the operator configures.

pub mod case;
pub mod label;
pub mod recall;
pub mod resolve;
pub mod scan;
pub mod signals;
