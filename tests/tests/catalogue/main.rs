//! End-to-end tests of the catalogue: CSV import and export, the listing
//! rule, search, the till's catalogue sync and the validation of writes.
//!
//! One test binary per area (issue 11): each former test file is a module
//! here, so `cargo test -p ocop-e2e --test catalogue catalogue_import::`
//! still runs one of them.

#[path = "../stock_common/mod.rs"]
mod stock_common;
#[path = "../support/catalogue.rs"]
mod support;

mod catalogue_import;
mod catalogue_listing;
mod catalogue_search;
mod catalogue_sync;
mod catalogue_validation;
mod public_catalogue;
