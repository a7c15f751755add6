//! End-to-end tests of sales on the server: e-invoices, ingest, the
//! journal, what a till reads back, payments, refunds and shifts.
//!
//! One test binary per area (issue 11): each former test file is a module
//! here, so `cargo test -p ocop-e2e --test sales sales_ingest::` still runs
//! one of them.

#[path = "../sales_common/mod.rs"]
mod sales_common;
#[path = "../web_common/mod.rs"]
mod web_common;

mod sales_batch;
mod sales_bounds;
mod sales_einvoice;
mod sales_ingest;
mod sales_journal;
mod sales_load;
mod sales_lookup;
mod sales_money_states;
mod sales_pages_fit;
mod sales_payments;
mod sales_refunds;
mod sales_shifts;
mod sales_vat_request;
