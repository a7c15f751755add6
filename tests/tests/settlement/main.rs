//! End-to-end tests of consignment settlement (issue 13): the statement of a
//! scenario against figures computed here by hand, byte-identical re-runs,
//! approved statements that cannot change (API and database), the workflow,
//! payouts with VietQR read back by independent tools, and producer
//! isolation.

#[path = "../sales_common/mod.rs"]
mod sales_common;
#[path = "../web_common/mod.rs"]
mod web_common;

mod settlement_scenario;
