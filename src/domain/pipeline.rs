//! CodePipeline shapes: the pipeline definition and its live state, stage by stage, action by action.

use super::conditions::{ConditionDef, RetryMetadata, StageConditions};
use super::{Millis, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Category of a pipeline action, as CodePipeline names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionCategory {
    /// Fetches the source revision (S3, CodeCommit, …).
    Source,
    /// Builds an artifact (CodeBuild).
    Build,
    /// Runs tests.
    Test,
    /// Deploys (CodeDeploy, CodeBuild deploy projects).
    Deploy,
    /// Waits for a person (Manual provider).
    Approval,
    /// Invokes a function.
    Invoke,
}

/// One action of a stage in the pipeline definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionDef {
    /// Action name, unique in its stage.
    pub name: String,
    /// Category.
    pub category: ActionCategory,
    /// Provider, e.g. `S3`, `CodeBuild`, `Manual`.
    pub provider: String,
    /// Order within the stage (actions with the same order run in parallel).
    pub run_order: u32,
    /// Provider configuration (e.g. `S3Bucket`, `ProjectName`, `CustomData`).
    pub configuration: BTreeMap<String, String>,
    /// `timeoutInMinutes` of the declaration (5–86,400; manual approvals only): when a waiting
    /// approval fails. `None`: the account default ([`DEFAULT_APPROVAL_TIMEOUT`]).
    #[serde(default)]
    pub timeout_minutes: Option<u32>,
}

/// How long a manual approval waits when its declaration sets no `timeoutInMinutes`: 7 days,
/// CodePipeline's default.
pub const DEFAULT_APPROVAL_TIMEOUT: Millis = 7 * Timestamp::DAY;

/// The bounds CodePipeline accepts for `timeoutInMinutes`.
pub const APPROVAL_TIMEOUT_MINUTES: std::ops::RangeInclusive<u32> = 5..=86_400;

impl ActionDef {
    /// How long this action waits for an answer before it fails: its `timeoutInMinutes`, else
    /// the 7-day default.
    pub fn approval_timeout(&self) -> Millis {
        self.timeout_minutes.map_or(DEFAULT_APPROVAL_TIMEOUT, |m| {
            Millis::from(m) * Timestamp::MINUTE
        })
    }
}

/// One stage of the pipeline definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageDef {
    /// Stage name.
    pub name: String,
    /// Actions in run order.
    pub actions: Vec<ActionDef>,
    /// Its V2 conditions (`beforeEntry`, `onSuccess`, `onFailure`), in that order.
    #[serde(default)]
    pub conditions: Vec<ConditionDef>,
}

/// `pipelineType`: V1, or V2 with execution modes, conditions and variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PipelineType {
    /// The original type.
    V1,
    /// Execution modes, stage conditions, variables, triggers.
    V2,
}

/// `executionMode`: how executions share the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionMode {
    /// A newer execution overtakes (supersedes) the one waiting at a stage: the default.
    #[default]
    Superseded,
    /// Executions wait in a queue at each stage and run one after another.
    Queued,
    /// Executions run independently (no stage rollback).
    Parallel,
}

impl ExecutionMode {
    /// CodePipeline's name: `SUPERSEDED`, `QUEUED`, `PARALLEL`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionMode::Superseded => "SUPERSEDED",
            ExecutionMode::Queued => "QUEUED",
            ExecutionMode::Parallel => "PARALLEL",
        }
    }
}

/// A pipeline variable as declared (`variables[]` of the declaration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableDecl {
    /// Name.
    pub name: String,
    /// Default value, used when a start passes none.
    pub default: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// The pipeline definition (`GetPipeline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineDef {
    /// Pipeline name.
    pub name: String,
    /// Definition version, bumped on every update.
    pub version: u32,
    /// Stages in order.
    pub stages: Vec<StageDef>,
    /// V1 or V2 (`None`: not said, as V1 pipelines created long ago answer).
    #[serde(default)]
    pub pipeline_type: Option<PipelineType>,
    /// The execution mode (SUPERSEDED when the declaration says none).
    #[serde(default)]
    pub execution_mode: ExecutionMode,
    /// Declared variables.
    #[serde(default)]
    pub variables: Vec<VariableDecl>,
}

/// Status of one action execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionStatus {
    /// Running, or for an approval: waiting for an answer.
    InProgress,
    /// Abandoned by a stop.
    Abandoned,
    /// Finished well.
    Succeeded,
    /// Failed (or an approval was rejected or expired).
    Failed,
}

/// Status of a stage execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StageStatus {
    /// Cancelled.
    Cancelled,
    /// Running.
    InProgress,
    /// Failed.
    Failed,
    /// Stopped.
    Stopped,
    /// Stopping.
    Stopping,
    /// Succeeded.
    Succeeded,
    /// Not run: a stage condition skipped it (V2 pipelines). Not the same as Cancelled.
    Skipped,
}

/// An error reported by a failed action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetails {
    /// Error code, e.g. `JobFailed`.
    pub code: String,
    /// Human message.
    pub message: String,
}

/// The latest execution of one action (`actionStates[].latestExecution`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionExecution {
    /// Action execution id.
    pub action_execution_id: String,
    /// Status.
    pub status: ActionStatus,
    /// Summary text (approval comment, build summary).
    pub summary: Option<String>,
    /// When the status last changed.
    pub last_status_change: Timestamp,
    /// Approval token (present only while an approval waits).
    pub token: Option<String>,
    /// Who last updated it (an approver's ARN).
    pub last_updated_by: Option<String>,
    /// Link to the external run (CodeBuild build page).
    pub external_execution_url: Option<String>,
    /// Percent complete, if the provider reports it.
    pub percent_complete: Option<u8>,
    /// Error details when failed.
    pub error: Option<ErrorDetails>,
}

/// Live state of one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionState {
    /// Action name.
    pub name: String,
    /// Latest execution; `None` if it never ran.
    pub latest: Option<ActionExecution>,
}

/// A stage's execution (`latestExecution`, `inboundExecution`): which pipeline execution it
/// belongs to and its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageExecution {
    /// The pipeline execution that ran (or runs) in this stage.
    pub pipeline_execution_id: String,
    /// Status.
    pub status: StageStatus,
}

/// Inbound transition of a stage (disabled = frozen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// Whether executions may enter the stage.
    pub enabled: bool,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// Who last changed it.
    pub last_changed_by: Option<String>,
    /// When it last changed.
    pub last_changed_at: Option<Timestamp>,
}

/// Live state of one stage (`GetPipelineState.stageStates[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageState {
    /// Stage name.
    pub name: String,
    /// Latest stage execution; `None` if it never ran.
    pub latest: Option<StageExecution>,
    /// Actions in definition order.
    pub actions: Vec<ActionState>,
    /// Inbound transition.
    pub inbound: Transition,
    /// The execution waiting to enter the stage (`inboundExecution`): held by a disabled
    /// transition, or by the stage still running an earlier one.
    #[serde(default)]
    pub inbound_execution: Option<StageExecution>,
    /// The queue at the stage's entry in QUEUED mode (`inboundExecutions`), first in line first.
    #[serde(default)]
    pub queued: Vec<StageExecution>,
    /// The state of its conditions, one entry per kind the state reports.
    #[serde(default)]
    pub conditions: Vec<StageConditions>,
    /// Automatic and manual retries of the latest execution in the stage.
    #[serde(default)]
    pub retries: Option<RetryMetadata>,
}

/// Live state of a pipeline (`GetPipelineState`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineState {
    /// Pipeline name.
    pub name: String,
    /// Definition version.
    pub version: u32,
    /// Stages in order.
    pub stages: Vec<StageState>,
    /// When the state was last updated.
    pub updated: Timestamp,
}

/// One row of `ListActionExecutions`: an action run with its links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionExecutionDetail {
    /// Pipeline execution id.
    pub pipeline_execution_id: String,
    /// Action execution id.
    pub action_execution_id: String,
    /// Stage name.
    pub stage: String,
    /// Action name.
    pub action: String,
    /// Status.
    pub status: ActionStatus,
    /// Start time.
    pub start: Timestamp,
    /// Last update.
    pub last_update: Timestamp,
    /// Who updated it (approver ARN).
    pub updated_by: Option<String>,
    /// Summary of the result.
    pub summary: Option<String>,
    /// Link to the external run.
    pub external_execution_url: Option<String>,
    /// The external run's id (`project:build-id` for a CodeBuild run).
    pub external_execution_id: Option<String>,
    /// CloudWatch log stream ARN (documented for the Commands action's compute).
    pub log_stream_arn: Option<String>,
    /// Error details of a failed run.
    pub error: Option<ErrorDetails>,
}

impl PipelineDef {
    /// The stage that deploys: the first with a deploy action, else the first with a build
    /// action (CodeBuild deploy projects). What runs in the environment is what last succeeded
    /// in it; rollbacks act on it.
    pub fn deploy_stage(&self) -> Option<&str> {
        let find = |c: ActionCategory| {
            self.stages
                .iter()
                .find(|s| s.actions.iter().any(|a| a.category == c))
        };
        find(ActionCategory::Deploy)
            .or_else(|| find(ActionCategory::Build))
            .map(|s| s.name.as_str())
    }
}

impl PipelineState {
    /// The latest run through stage `name`, if it ever ran.
    pub fn stage_latest(&self, name: &str) -> Option<&StageExecution> {
        self.stages
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.latest.as_ref())
    }

    /// The stage currently running, if any.
    pub fn current_stage(&self) -> Option<&StageState> {
        self.stages.iter().find(|s| {
            s.latest
                .as_ref()
                .is_some_and(|l| l.status == StageStatus::InProgress)
        })
    }
}

impl ActionStatus {
    /// CodePipeline's name for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::InProgress => "InProgress",
            ActionStatus::Abandoned => "Abandoned",
            ActionStatus::Succeeded => "Succeeded",
            ActionStatus::Failed => "Failed",
        }
    }
}

impl StageStatus {
    /// CodePipeline's name for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            StageStatus::Cancelled => "Cancelled",
            StageStatus::InProgress => "InProgress",
            StageStatus::Failed => "Failed",
            StageStatus::Stopped => "Stopped",
            StageStatus::Stopping => "Stopping",
            StageStatus::Succeeded => "Succeeded",
            StageStatus::Skipped => "Skipped",
        }
    }
}

/// Approve or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalOutcome {
    /// Let the execution continue.
    Approved,
    /// Fail the execution.
    Rejected,
}

/// `RetryStageExecution` mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RetryMode {
    /// Retry only failed actions.
    FailedActions,
    /// Retry every action of the stage.
    AllActions,
}
