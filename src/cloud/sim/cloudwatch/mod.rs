//! The simulator's CloudWatch Logs: the log store with its ingestion lag and paging, filter
//! patterns, live tails, Logs Insights queries, the CodeBuild log lines of pipeline runs, and the
//! metrics.

pub(super) mod buildlogs;
pub(super) mod insights;
pub(super) mod livetail;
pub(super) mod metrics;
pub(super) mod pattern;
pub(super) mod store;

#[cfg(test)]
mod accounts_tests;
