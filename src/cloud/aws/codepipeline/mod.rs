//! The `Pipelines` port over CodePipeline: the reads, the approval answers, starts, stops and
//! retries, the rollbacks and transitions, and the V2 stage conditions.

mod actions;
mod conditions;
mod pipelines;
mod rollback;
