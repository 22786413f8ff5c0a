//! What `apply` sends for each action, fixed when the plan was made.

use crate::cloud::{ApprovalOutcome, RetryMode};
use crate::domain::ConditionKind;
use serde::Serialize;
use std::collections::BTreeMap;

/// What `apply` sends: everything it needs, fixed when the plan was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Request {
    /// `PutApprovalResult` on the approval the operator saw.
    Answer {
        /// Pipeline.
        pipeline: String,
        /// Stage holding the approval.
        stage: String,
        /// Approval action.
        action: String,
        /// The execution the operator saw waiting.
        execution_id: String,
        /// The token seen when planning (never printed whole).
        #[serde(skip)]
        token: String,
        /// Approve or reject.
        #[serde(serialize_with = "outcome_name")]
        outcome: ApprovalOutcome,
        /// The comment.
        comment: String,
    },
    /// `StartPipelineExecution`.
    Start {
        /// Pipeline.
        pipeline: String,
        /// Idempotency token.
        client_request_token: String,
        /// Pipeline variables.
        variables: BTreeMap<String, String>,
        /// Source action → S3 object version id.
        source_revisions: BTreeMap<String, String>,
    },
    /// `StopPipelineExecution`.
    Stop {
        /// Pipeline.
        pipeline: String,
        /// Execution to stop.
        execution_id: String,
        /// Abandon running actions instead of waiting for them.
        abandon: bool,
        /// Why.
        reason: String,
    },
    /// `RetryStageExecution`.
    Retry {
        /// Pipeline.
        pipeline: String,
        /// Failed stage.
        stage: String,
        /// The failed execution (the latest).
        execution_id: String,
        /// Failed actions or all.
        #[serde(serialize_with = "mode_name")]
        mode: RetryMode,
    },
    /// `RollbackStage` to an earlier execution that succeeded in the stage.
    Rollback {
        /// Pipeline.
        pipeline: String,
        /// Stage to roll back.
        stage: String,
        /// The execution whose artifacts are redeployed.
        target_execution_id: String,
    },
    /// `DisableStageTransition` / `EnableStageTransition` (inbound).
    Transition {
        /// Pipeline.
        pipeline: String,
        /// Stage whose inbound transition changes.
        stage: String,
        /// Disable with this reason; `None` enables.
        disable_reason: Option<String>,
    },
    /// `OverrideStageCondition` of the condition the operator saw, for the execution it held.
    Override {
        /// Pipeline.
        pipeline: String,
        /// Stage whose condition is overridden.
        stage: String,
        /// The execution the condition held when planned.
        execution_id: String,
        /// beforeEntry or onSuccess.
        kind: ConditionKind,
    },
    /// `CreateInvalidation`, followed to completion by `verify`.
    Invalidate {
        /// Distribution.
        distribution_id: String,
        /// Paths (`/index.html`, `/assets/*`).
        paths: Vec<String>,
        /// Idempotency token (`CallerReference`).
        caller_reference: String,
    },
    /// `CopyObject` of a release package to the source key (the pipeline starts on it).
    Promote {
        /// The pipeline that starts on the new source object.
        pipeline: String,
        /// Bucket.
        bucket: String,
        /// The package's key under the release prefix.
        from_key: String,
        /// The environment's source key.
        to_key: String,
        /// Release version.
        version: String,
    },
    /// Upload of a local package under the release prefix (never overwriting), then `CopyObject`
    /// to the source key.
    Upload {
        /// The pipeline that starts on the new source object.
        pipeline: String,
        /// Bucket.
        bucket: String,
        /// Key under the release prefix.
        key: String,
        /// The environment's source key.
        to_key: String,
        /// Local file.
        path: String,
        /// Size in bytes.
        size: u64,
        /// SHA-256 of the file, hex.
        sha256: String,
        /// Object metadata (revision summary, version, commit, actor).
        metadata: BTreeMap<String, String>,
    },
    /// `workflow_dispatch` of the release workflow on a ref, after checking the ref still points
    /// at the commit the plan showed; followed through its run, the package it uploads and the
    /// pipeline it starts.
    Dispatch {
        /// `owner/name`.
        repository: String,
        /// The workflow's file name.
        workflow: String,
        /// The branch or tag it runs on.
        git_ref: String,
        /// The commit the ref pointed at when planned.
        head_sha: String,
        /// The inputs, as checked against the workflow file.
        inputs: BTreeMap<String, String>,
        /// The environment it ships to.
        environment: String,
        /// That environment's pipeline.
        pipeline: String,
        /// The source bucket the workflow uploads the package to.
        bucket: String,
        /// The environment's source key.
        source_key: String,
    },
    /// Re-run a workflow run (its failed jobs only, or all), or cancel it.
    Run {
        /// `owner/name`.
        repository: String,
        /// The run.
        run_id: u64,
        /// Its attempt when planned: another attempt since is another target.
        attempt: u32,
        /// What to do with it.
        change: RunAction,
    },
}

/// What to do with a workflow run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunAction {
    /// Re-run its failed jobs (and those that depend on them).
    RerunFailed,
    /// Re-run every job.
    Rerun,
    /// Cancel it.
    Cancel,
}

fn outcome_name<S: serde::Serializer>(o: &ApprovalOutcome, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match o {
        ApprovalOutcome::Approved => "Approved",
        ApprovalOutcome::Rejected => "Rejected",
    })
}

fn mode_name<S: serde::Serializer>(m: &RetryMode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match m {
        RetryMode::FailedActions => "FAILED_ACTIONS",
        RetryMode::AllActions => "ALL_ACTIONS",
    })
}
