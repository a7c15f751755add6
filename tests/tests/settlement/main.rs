//! End-to-end tests of consignment settlement (issue 13): the statement of a
//! scenario against figures computed here by hand, byte-identical re-runs,
//! approved statements that cannot change (API and database), the workflow,
//! payouts with VietQR read back by independent tools, producer isolation,
//! and a real till's offline sale that arrives after its month was approved.

#[path = "../sales_common/mod.rs"]
mod sales_common;
#[path = "../till_common/mod.rs"]
mod till_common;
#[path = "../web_common/mod.rs"]
mod web_common;

mod late_till_sale;
mod members_backfill;
mod settlement_scenario;
