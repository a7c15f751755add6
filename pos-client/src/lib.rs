//! ocop-till: the till at an outlet, as a library so the binary, the
//! terminal interface and the end-to-end tests share one code path.
//!
//! - [`store`]: the durable local SQLite store (journal head, outbox,
//!   catalogue, parked carts, configuration);
//! - [`catalogue`]: catalogue sync (snapshot, deltas, ETag) and lookup;
//! - [`checkout`]: cart → committed, sealed, queued sale;
//! - [`shift`]: open, cash in/out, X and Z reports, offline first;
//! - [`refund`]: find a sale (locally or on the server), commit a refund;
//! - [`approval`]: the manager's PIN for discounts above the limit;
//! - [`receipt`]: printing a committed sale or refund;
//! - [`sync`]: sending the outbox in order with back-off;
//! - [`transfer`]: VietQR transfers after the sale: the cashier's
//!   confirmation (queued) and the server's state (bank notification);
//! - [`server_api`]: the HTTP calls to `ocop-server`;
//! - [`commands`]: `setup`, `sell`, `sync`, `status`, `reprint`, `shift`,
//!   `refund`, `printer`, `manager-pin`, `transfer`;
//! - [`tui`]: the terminal interface.

pub mod approval;
pub mod catalogue;
pub mod checkout;
pub mod commands;
pub mod config;
pub mod print_test;
pub mod printing;
pub mod receipt;
pub mod refund;
pub mod server_api;
pub mod shift;
pub mod store;
pub mod sync;
pub mod transfer;
pub mod tui;

/// A core refusal as the till says it: `code: Vietnamese / English`.
pub(crate) fn user_error(e: &impl ocop_core::i18n::UserError) -> anyhow::Error {
    use ocop_core::i18n::Lang;
    anyhow::anyhow!(
        "{}: {} / {}",
        e.code(),
        e.message(Lang::Vi),
        e.message(Lang::En)
    )
}
