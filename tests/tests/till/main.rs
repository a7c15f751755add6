//! End-to-end tests of the till against a real server: its terminal
//! interface, selling offline, a day of shifts and refunds, and transfers.
//!
//! One test binary per area (issue 11): each former test file is a module
//! here, so `cargo test -p ocop-e2e --test till till_offline::` still runs
//! one of them.

#[path = "../till_common/mod.rs"]
mod till_common;

mod faults;
mod faults_network;
mod faults_postgres;
mod interface;
mod till_https;
mod till_log;
mod till_offline;
mod till_shift_refund;
mod till_transfer;
