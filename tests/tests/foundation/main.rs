//! End-to-end tests of the foundation: health, the OpenAPI document, demo
//! data, the real binary on an empty directory, accounts and login, hostile
//! requests, login throttling, the schema file against the migrations, and
//! snapshots of the error bodies.
//!
//! One test binary per area (issue 11): every binary links the whole
//! server, so each former test file is a module of this one, and
//! `cargo test -p ocop-e2e --test foundation auth::` still runs one of them.

#[path = "../sales_common/mod.rs"]
mod sales_common;
#[path = "../stock_common/mod.rs"]
mod stock_common;
#[path = "../support/catalogue.rs"]
mod support;
#[path = "../web_common/mod.rs"]
mod web_common;

mod auth;
mod authz_matrix;
mod contract;
mod error_bodies;
mod foundation;
mod fuzz_csv;
mod http_edge;
mod login_throttle;
mod metrics;
mod schema_matches;
mod schemathesis;
mod web_hardening;
