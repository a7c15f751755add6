//! End-to-end tests of the web pages: sessions and CSRF, the catalogue
//! forms, the stock pages and stock leaving an outlet.
//!
//! One test binary per area (issue 11): each former test file is a module
//! here, so `cargo test -p ocop-e2e --test web web_stock::` still runs one
//! of them.

#[path = "../web_common/mod.rs"]
mod web_common;

mod web;
mod web_catalogue;
mod web_pages_fit;
mod web_receive;
mod web_stock;
mod web_stock_moves;
