//! The Traffic view: one environment's CloudFront access logs tailed live, its reads, charts,
//! search and filter.

pub(super) mod assembly;
pub(super) mod batch;
pub(super) mod charts;
pub(super) mod export;
pub(super) mod find;
pub(super) mod ingest;
pub mod markers;
pub(super) mod source;
pub(super) mod state;
pub(super) mod update;

pub use source::{LogsTarget, Resolved, resolve};
pub use state::*;
