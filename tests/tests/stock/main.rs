//! End-to-end tests of stock: concurrent postings, transfers, counts,
//! write-offs and returns, the ledger, and consignment receiving.
//!
//! One test binary per area (issue 11): each former test file is a module
//! here, so `cargo test -p ocop-e2e --test stock stock_ledger::` still runs
//! one of them.

#[path = "../stock_common/mod.rs"]
mod stock_common;

mod stock_bounds;
mod stock_concurrency;
mod stock_documents;
mod stock_ledger;
mod stock_receiving;
