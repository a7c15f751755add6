//! ocop-server: the central service of the OCOP point of sale. It holds the
//! catalogue of certified products, every outlet's stock, every sale and
//! every consignment settlement, and serves tills, producers and the
//! Department of Industry and Trade over HTTP + JSON.

pub mod api;
pub mod auth;
pub mod catalogue_io;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod metrics;
pub mod models;
pub mod startup;
pub mod state;
pub mod throttle;
pub mod web;
