//! End-to-end tests of the Department's sales dashboard (issue 17): the
//! daily rollups against the raw rows (late offline sales and refunds, a
//! tampered row, `rollup check` and `rollup rebuild`), the page's figures
//! against sums computed here, the drill-down and its links, the CSV and
//! XLSX downloads read back, who may see it, and the page in a browser.

#[path = "../sales_common/mod.rs"]
mod sales_common;
#[path = "../web_common/mod.rs"]
mod web_common;

mod dashboard_access;
mod dashboard_common;
mod dashboard_figures;
mod dashboard_pages_fit;
