//! ocop-till: the till at an outlet, as a library so the binary, the
//! terminal interface and the end-to-end tests share one code path.
//!
//! The modules form layers; a module uses modules of its own layer or
//! below, never above, and no two modules use each other
//! (`tests/layers.rs` checks both on every test run). Bottom to top:
//!
//! 1. **store and wire**:
//!    - [`store`]: the durable local SQLite store (journal head, outbox and
//!      its [`store::OutboxKind`], catalogue, parked carts, configuration);
//!    - [`records`]: the records queued besides receipts (shift events,
//!      transfer confirmations) and where each kind is posted;
//!    - [`server_api`]: the HTTP calls to `ocop-server`, with the wire
//!      types of `ocop_core::wire` (declared once, for both sides);
//!    - [`printing`]: how the printer is reached;
//!    - [`log`]: the till's log, rotated files in its data directory.
//! 2. **what the till holds**:
//!    - [`config`]: the till's registration and settings;
//!    - [`catalogue`]: catalogue sync (snapshot, deltas, ETag) and lookup;
//!    - [`receipt`]: printing a committed sale or refund.
//! 3. **the sender**:
//!    - [`sync`]: sending the outbox in order with back-off, refreshing
//!      the catalogue.
//! 4. **workflows**:
//!    - [`approval`]: the manager's PIN and the discount limit;
//!    - [`shift`]: open, cash in/out, X and Z reports, offline first;
//!    - [`checkout`]: cart → committed, sealed, queued sale;
//!    - [`refund`]: find a sale (locally or on the server), commit a refund;
//!    - [`transfer`]: VietQR transfers after the sale: the cashier's
//!      confirmation (queued) and the server's state (bank notification);
//!    - [`labels`]: issuing provenance labels for a lot and printing them.
//! 5. **interface and commands**:
//!    - [`commands`]: `setup`, `sell`, `sync`, `status`, `reprint`,
//!      `shift`, `refund`, `printer`, `manager-pin`, `transfer`, `labels`;
//!    - [`tui`]: the terminal interface;
//!    - [`print_test`]: the printer test page.
//!
//! A refusal the till raises (a cart it will not sell, a shift already
//! open…) is an `ocop_core::refusal::Refusal`, the type the server and the
//! core refuse with: it reads `code: Vietnamese / English`.

pub mod approval;
pub mod catalogue;
pub mod checkout;
pub mod commands;
pub mod config;
pub mod labels;
pub mod log;
pub mod print_test;
pub mod printing;
pub mod receipt;
pub mod records;
pub mod refund;
pub mod server_api;
pub mod shift;
pub mod store;
pub mod sync;
pub mod transfer;
pub mod tui;
