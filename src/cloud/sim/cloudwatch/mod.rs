//! The simulator's CloudWatch Logs: the log store with its ingestion lag and paging, filter
//! patterns, live tails, and the CodeBuild log lines of pipeline runs.

pub(super) mod buildlogs;
pub(super) mod livetail;
pub(super) mod pattern;
pub(super) mod store;
