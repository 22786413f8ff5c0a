//! The shapes every action shares: the plan shown before confirming, a refusal, the request
//! `apply` sends, and the outcome it reports.

use super::guards::{Guard, GuardCheck, SelfApproval};
use crate::cloud::{ApprovalOutcome, RetryMode};
use crate::domain::{EnvSpec, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;

/// The mutating actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpKind {
    /// Approve a pending manual approval.
    Approve,
    /// Reject a pending manual approval.
    Reject,
    /// Start a pipeline execution.
    Deploy,
    /// Stop a running execution.
    Stop,
    /// Retry a failed stage.
    Retry,
    /// Promote or upload a release package to an environment's source key.
    Release,
    /// Roll a stage back to an earlier successful execution.
    Rollback,
    /// Disable a stage's inbound transition.
    Freeze,
    /// Enable a stage's inbound transition again.
    Unfreeze,
    /// Invalidate CloudFront paths.
    Invalidate,
}

impl OpKind {
    /// The command name (`approve`, `deploy`, …).
    pub fn name(self) -> &'static str {
        match self {
            OpKind::Approve => "approve",
            OpKind::Reject => "reject",
            OpKind::Deploy => "deploy",
            OpKind::Stop => "stop",
            OpKind::Retry => "retry",
            OpKind::Release => "release",
            OpKind::Rollback => "rollback",
            OpKind::Freeze => "freeze",
            OpKind::Unfreeze => "unfreeze",
            OpKind::Invalidate => "invalidate",
        }
    }
}

/// What the operator must do before the plan is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "kebab-case")]
pub enum Confirm {
    /// Nothing: applied at once.
    None,
    /// Answer yes or no.
    YesNo,
    /// Type this text (the environment name of a protected environment).
    TypeName(String),
}

/// The exit code class of an action, also used by the CLI as its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExitClass {
    /// Done (exit 0).
    Done,
    /// The call failed (exit 1).
    Failed,
    /// Refused by a guard (exit 2).
    Refused,
    /// Nothing to do, e.g. no pending approval (exit 3).
    NothingToDo,
}

impl ExitClass {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitClass::Done => 0,
            ExitClass::Failed => 1,
            ExitClass::Refused => 2,
            ExitClass::NothingToDo => 3,
        }
    }
}

/// One API call of a plan: service, operation and its parameters (secrets shortened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiCall {
    /// Service, e.g. `codepipeline`.
    pub service: &'static str,
    /// Operation, e.g. `PutApprovalResult`.
    pub operation: &'static str,
    /// Parameters by API name.
    pub params: BTreeMap<String, String>,
}

impl ApiCall {
    /// A call with parameters given as pairs.
    pub fn new(service: &'static str, operation: &'static str, params: &[(&str, String)]) -> Self {
        ApiCall {
            service,
            operation,
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }
}

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

/// A plan: what will change, the exact call, the equivalent `aws` command and the confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The action.
    pub kind: OpKind,
    /// Environment.
    pub environment: String,
    /// Whether the environment is protected.
    pub protected: bool,
    /// Facts for the operator, one per line.
    pub summary: Vec<String>,
    /// The mutating API call (exactly one).
    pub call: ApiCall,
    /// The equivalent `aws` CLI command.
    pub aws_command: String,
    /// The confirmation required.
    pub confirm: Confirm,
    /// The guards checked, all passed.
    pub guards: Vec<GuardCheck>,
    /// What `apply` sends.
    pub request: Request,
}

/// Why an action is not planned (or not applied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{reason}")]
pub struct Refusal {
    /// The guard (or condition) that refused.
    pub guard: Guard,
    /// What the operator reads.
    pub reason: String,
    /// Exit code class: refused, or nothing to do.
    pub class: ExitClass,
}

impl Refusal {
    /// A refusal by a guard (exit 2).
    pub fn by(guard: Guard, reason: impl Into<String>) -> Self {
        Refusal {
            guard,
            reason: reason.into(),
            class: ExitClass::Refused,
        }
    }

    /// Nothing to do (exit 3).
    pub fn nothing(reason: impl Into<String>) -> Self {
        Refusal {
            guard: Guard::NothingToDo,
            reason: reason.into(),
            class: ExitClass::NothingToDo,
        }
    }
}

/// The result of planning.
pub type Planned = Result<Plan, Refusal>;

/// What the pure planners need besides the environment's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context<'a> {
    /// The environment.
    pub spec: &'a EnvSpec,
    /// The operator's identity (caller ARN), once known.
    pub identity: Option<&'a str>,
    /// The current time.
    pub now: Timestamp,
    /// Read-only mode for the whole session (`--read-only`, top-level `read_only`).
    pub read_only: bool,
    /// The self-approval guard setting of this environment.
    pub self_approval: SelfApproval,
}

/// What `apply` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Done, failed or refused at the last moment.
    pub class: ExitClass,
    /// One line for the operator.
    pub message: String,
    /// The execution concerned, when there is one.
    pub execution_id: Option<String>,
    /// The guard that refused at the last moment, if any.
    pub guard: Option<Guard>,
}

impl Outcome {
    /// A successful call.
    pub fn done(message: impl Into<String>, execution_id: Option<String>) -> Self {
        Outcome {
            class: ExitClass::Done,
            message: message.into(),
            execution_id,
            guard: None,
        }
    }

    /// A failed call.
    pub fn failed(message: impl Into<String>) -> Self {
        Outcome {
            class: ExitClass::Failed,
            message: message.into(),
            execution_id: None,
            guard: None,
        }
    }

    /// Refused when re-checked just before sending (nothing was sent).
    pub fn refused(refusal: Refusal) -> Self {
        Outcome {
            class: refusal.class,
            message: refusal.reason,
            execution_id: None,
            guard: Some(refusal.guard),
        }
    }
}
