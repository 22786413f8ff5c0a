//! The `Pipelines` port over CodePipeline: the reads, the approval answers, starts, stops and
//! retries, and the rollbacks and transitions.

mod actions;
mod pipelines;
mod rollback;
