//! The record of every change made through the ports (what CloudTrail would show): which
//! operation changed what, when and, where the API knows it, by whom. Lost replies included.

use super::Simulator;
use crate::domain::Timestamp;

/// One change made by a served mutating call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// When.
    pub at: Timestamp,
    /// The operation, e.g. `StartPipelineExecution`.
    pub operation: &'static str,
    /// What it changed: an execution id (approvals, stops, retries, rollback targets), a client
    /// request token (starts), `pipeline/stage` (transitions), `bucket/key` (writes and copies),
    /// a caller reference (invalidations).
    pub target: String,
    /// More: the approval's status, the new execution's id, `disable`/`enable`, the copy's
    /// source key, the invalidation's id.
    pub detail: String,
    /// The caller, where the operation records one (approvals, starts, rollbacks, transitions).
    pub by: Option<String>,
}

impl Simulator {
    /// Records a change made now.
    pub(crate) fn record(
        &mut self,
        operation: &'static str,
        target: impl Into<String>,
        detail: impl Into<String>,
        by: Option<&str>,
    ) {
        self.changes.push(Change {
            at: self.now,
            operation,
            target: target.into(),
            detail: detail.into(),
            by: by.map(str::to_string),
        });
    }

    /// Truth: every change made through the ports (and by the simulated approvers), oldest first.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }
}
