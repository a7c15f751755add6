//! ocop-till: the till at an outlet, as a library so the binary, the
//! terminal interface and the end-to-end tests share one code path.
//!
//! - [`store`]: the durable local SQLite store (journal head, outbox,
//!   catalogue, parked carts, configuration);
//! - [`catalogue`]: catalogue sync (snapshot, deltas, ETag) and lookup;
//! - [`checkout`]: cart → committed, sealed, queued sale;
//! - [`receipt`]: printing a committed sale;
//! - [`sync`]: sending the outbox in order with back-off;
//! - [`server_api`]: the HTTP calls to `ocop-server`;
//! - [`commands`]: `setup`, `sell`, `sync`, `status`, `reprint`;
//! - [`tui`]: the terminal interface.

pub mod catalogue;
pub mod checkout;
pub mod commands;
pub mod config;
pub mod print_test;
pub mod printing;
pub mod receipt;
pub mod server_api;
pub mod store;
pub mod sync;
pub mod tui;
