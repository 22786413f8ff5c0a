//! Plain data types of the operated system: environments, pipelines, executions, approvals, releases.

mod approval;
mod conditions;
mod deployer;
mod environment;
mod execution;
pub mod github;
mod health;
mod log_source;
mod logs;
mod metrics;
mod pipeline;
pub mod spelling;
mod time;
mod version;
pub mod words;

pub use approval::Approval;
pub use conditions::{
    ConditionDef, ConditionKind, ConditionResult, ConditionRun, ConditionState, ConditionStatus,
    ConditionView, DeploymentWindow, RetryMetadata, RuleDef, RuleExecutionDetail, RuleRun,
    RuleState, RuleStatus, RuleView, StageConditions, condition_views,
};
pub use deployer::{
    DeployerCheck, EcrImage, ImagePin, ImageRef, check as check_deployer, deploy_action,
    newest as newest_image, short_digest,
};
pub use environment::{Distribution, EnvSpec, SelfApproval};
pub use execution::{
    ExecutionStatus, ExecutionSummary, ExecutionType, Release, ResolvedVariable, SUMMARY_KEY,
    SourceObject, SourceRevision, Trigger,
};
pub use health::{
    HealthSpec, Hundredths, Level, Probe, ProbeResult, Thresholds, Verdict, hundredths, percent,
};
pub use log_source::{LEGACY, LogDestination, LogSource, SourceKind, default_source, pick_source};
pub use logs::{LogEvent, ObjectInfo};
pub use metrics::{MetricQuery, MetricRegion, MetricRequest, MetricSeries};
pub use pipeline::{
    APPROVAL_TIMEOUT_MINUTES, ActionCategory, ActionDef, ActionExecution, ActionExecutionDetail,
    ActionState, ActionStatus, ApprovalOutcome, DEFAULT_APPROVAL_TIMEOUT, ErrorDetails,
    ExecutionMode, PipelineDef, PipelineState, PipelineType, RetryMode, StageDef, StageExecution,
    StageState, StageStatus, Transition, VariableDecl,
};
pub use time::{Millis, Timestamp, human};
pub use version::Version;
