//! What the Department's inspectors oversee across the province (issue 17):
//! stock of each product at every outlet, certificates running out, sales
//! of products whose certificate had expired when sold, outlets whose
//! stock or journal needs a look, tills gone silent, and counterfeit work
//! per week; and the programme's indicators, target against actual.
//!
//! Read-only queries (the targets excepted, in [`indicators`]), each
//! answering one page. Nothing here re-implements a check that exists:
//! the journal's and the stock ledger's verification are called as they
//! are. Lists are bounded ([`LIMIT`]); a page says when a list was cut.

pub mod health;
pub mod indicators;
pub mod lists;

/// At most this many rows in one list (the page says when there were more).
pub const LIMIT: usize = 2000;
