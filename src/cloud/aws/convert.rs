//! CodePipeline's SDK shapes turned into the domain's: statuses, times, errors, triggers, revisions.

use super::convert_v2::{condition_defs, execution_mode, stage_conditions, stage_retries};
use crate::domain::{
    APPROVAL_TIMEOUT_MINUTES, ActionCategory, ActionDef, ActionExecution, ActionExecutionDetail,
    ActionState, ActionStatus, ErrorDetails, ExecutionStatus, ExecutionSummary, ExecutionType,
    PipelineDef, PipelineState, PipelineType, ResolvedVariable, SourceRevision, StageDef,
    StageExecution, StageState, StageStatus, Timestamp, Transition, Trigger, VariableDecl,
};
use aws_sdk_codepipeline::operation::get_pipeline_state::GetPipelineStateOutput;
use aws_sdk_codepipeline::primitives::DateTime;
use aws_sdk_codepipeline::types as sdk;

/// An SDK time as milliseconds since the epoch, rounded to the nearest millisecond (the JSON
/// protocols send epoch seconds as floats: `1795600000.123` parses as `…0.122999906`).
pub(crate) fn ts(t: &DateTime) -> Timestamp {
    let millis = (i64::from(t.subsec_nanos()) + 500_000) / 1_000_000;
    Timestamp(t.secs().saturating_mul(1000).saturating_add(millis))
}

/// An optional SDK time; `Timestamp(0)` when the service left it out.
pub(crate) fn ts_or_zero(t: Option<&DateTime>) -> Timestamp {
    t.map_or(Timestamp(0), ts)
}

fn category(c: &sdk::ActionCategory) -> ActionCategory {
    match c {
        sdk::ActionCategory::Approval => ActionCategory::Approval,
        sdk::ActionCategory::Deploy => ActionCategory::Deploy,
        sdk::ActionCategory::Invoke => ActionCategory::Invoke,
        sdk::ActionCategory::Source => ActionCategory::Source,
        sdk::ActionCategory::Test => ActionCategory::Test,
        // Build, Compute (the commands action) and categories newer than this SDK run code.
        _ => ActionCategory::Build,
    }
}

/// A declared `timeoutInMinutes`; a value AWS would not accept (outside 5–86,400) is read as
/// the nearest bound, so a deadline is never later than the one AWS enforces.
fn timeout_minutes(m: i32) -> Option<u32> {
    let (lo, hi) = (
        *APPROVAL_TIMEOUT_MINUTES.start(),
        *APPROVAL_TIMEOUT_MINUTES.end(),
    );
    Some(u32::try_from(m).unwrap_or(lo).clamp(lo, hi))
}

/// `GetPipeline` → the definition.
pub(crate) fn pipeline_def(p: &sdk::PipelineDeclaration) -> PipelineDef {
    let stages = p
        .stages
        .iter()
        .map(|s| StageDef {
            name: s.name.clone(),
            actions: s
                .actions
                .iter()
                .map(|a| ActionDef {
                    name: a.name.clone(),
                    category: a
                        .action_type_id
                        .as_ref()
                        .map_or(ActionCategory::Build, |t| category(&t.category)),
                    provider: a
                        .action_type_id
                        .as_ref()
                        .map(|t| t.provider.clone())
                        .unwrap_or_default(),
                    run_order: a.run_order.unwrap_or(1).max(0) as u32,
                    configuration: a
                        .configuration
                        .iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    timeout_minutes: a.timeout_in_minutes.and_then(timeout_minutes),
                })
                .collect(),
            conditions: condition_defs(s),
        })
        .collect();
    PipelineDef {
        name: p.name.clone(),
        version: p.version.unwrap_or(0).max(0) as u32,
        stages,
        pipeline_type: match &p.pipeline_type {
            Some(sdk::PipelineType::V1) => Some(PipelineType::V1),
            Some(sdk::PipelineType::V2) => Some(PipelineType::V2),
            _ => None,
        },
        execution_mode: execution_mode(p.execution_mode.as_ref()).unwrap_or_default(),
        variables: p
            .variables()
            .iter()
            .map(|v| VariableDecl {
                name: v.name.clone(),
                default: v.default_value.clone(),
                description: v.description.clone(),
            })
            .collect(),
    }
}

fn stage_status(s: &sdk::StageExecutionStatus) -> StageStatus {
    match s {
        sdk::StageExecutionStatus::Failed => StageStatus::Failed,
        sdk::StageExecutionStatus::InProgress => StageStatus::InProgress,
        sdk::StageExecutionStatus::Stopped => StageStatus::Stopped,
        sdk::StageExecutionStatus::Stopping => StageStatus::Stopping,
        sdk::StageExecutionStatus::Succeeded => StageStatus::Succeeded,
        // A stage condition skipped it (V2): not run, and not cancelled either.
        sdk::StageExecutionStatus::Skipped => StageStatus::Skipped,
        // Cancelled, and values newer than this SDK: not run, grey.
        _ => StageStatus::Cancelled,
    }
}

fn stage_execution(l: &sdk::StageExecution) -> StageExecution {
    StageExecution {
        pipeline_execution_id: l.pipeline_execution_id.clone(),
        status: stage_status(&l.status),
    }
}

/// An action execution status; `None` for values newer than this SDK.
pub(crate) fn action_status(s: &sdk::ActionExecutionStatus) -> Option<ActionStatus> {
    Some(match s {
        sdk::ActionExecutionStatus::Abandoned => ActionStatus::Abandoned,
        sdk::ActionExecutionStatus::Failed => ActionStatus::Failed,
        sdk::ActionExecutionStatus::InProgress => ActionStatus::InProgress,
        sdk::ActionExecutionStatus::Succeeded => ActionStatus::Succeeded,
        _ => return None,
    })
}

pub(crate) fn error_details(e: &sdk::ErrorDetails) -> ErrorDetails {
    ErrorDetails {
        code: e.code.clone().unwrap_or_default(),
        message: e.message.clone().unwrap_or_default(),
    }
}

fn action_execution(e: &sdk::ActionExecution) -> Option<ActionExecution> {
    Some(ActionExecution {
        action_execution_id: e.action_execution_id.clone().unwrap_or_default(),
        status: action_status(e.status.as_ref()?)?,
        summary: e.summary.clone(),
        last_status_change: ts_or_zero(e.last_status_change.as_ref()),
        token: e.token.clone(),
        last_updated_by: e.last_updated_by.clone(),
        external_execution_url: e.external_execution_url.clone(),
        percent_complete: e.percent_complete.map(|p| p.clamp(0, 100) as u8),
        error: e.error_details.as_ref().map(error_details),
    })
}

fn transition(t: Option<&sdk::TransitionState>) -> Transition {
    match t {
        Some(t) => Transition {
            enabled: t.enabled,
            disabled_reason: t.disabled_reason.clone(),
            last_changed_by: t.last_changed_by.clone(),
            last_changed_at: t.last_changed_at.as_ref().map(ts),
        },
        None => Transition {
            enabled: true,
            disabled_reason: None,
            last_changed_by: None,
            last_changed_at: None,
        },
    }
}

/// `GetPipelineState` → the live state (`name` when the output leaves it out).
pub(crate) fn pipeline_state(name: &str, out: &GetPipelineStateOutput) -> PipelineState {
    let stages = out
        .stage_states()
        .iter()
        .map(|s| StageState {
            name: s.stage_name.clone().unwrap_or_default(),
            latest: s.latest_execution.as_ref().map(stage_execution),
            actions: s
                .action_states()
                .iter()
                .map(|a| ActionState {
                    name: a.action_name.clone().unwrap_or_default(),
                    latest: a.latest_execution.as_ref().and_then(action_execution),
                })
                .collect(),
            inbound: transition(s.inbound_transition_state.as_ref()),
            // The execution waiting to enter; in QUEUED mode the first of `inboundExecutions`.
            inbound_execution: s
                .inbound_execution
                .as_ref()
                .or_else(|| s.inbound_executions().first())
                .map(stage_execution),
            queued: s.inbound_executions().iter().map(stage_execution).collect(),
            conditions: stage_conditions(s),
            retries: s.retry_stage_metadata.as_ref().map(stage_retries),
        })
        .collect();
    PipelineState {
        name: out
            .pipeline_name
            .clone()
            .unwrap_or_else(|| name.to_string()),
        version: out.pipeline_version.unwrap_or(0).max(0) as u32,
        stages,
        updated: ts_or_zero(out.updated.as_ref()),
    }
}

/// A pipeline execution status; executions with a status newer than this SDK read as stopped.
pub(crate) fn execution_status(s: Option<&sdk::PipelineExecutionStatus>) -> ExecutionStatus {
    match s {
        Some(sdk::PipelineExecutionStatus::Cancelled) => ExecutionStatus::Cancelled,
        Some(sdk::PipelineExecutionStatus::Failed) => ExecutionStatus::Failed,
        Some(sdk::PipelineExecutionStatus::InProgress) => ExecutionStatus::InProgress,
        Some(sdk::PipelineExecutionStatus::Stopping) => ExecutionStatus::Stopping,
        Some(sdk::PipelineExecutionStatus::Succeeded) => ExecutionStatus::Succeeded,
        Some(sdk::PipelineExecutionStatus::Superseded) => ExecutionStatus::Superseded,
        _ => ExecutionStatus::Stopped,
    }
}

/// `trigger{triggerType, triggerDetail}`.
pub(crate) fn trigger(t: Option<&sdk::ExecutionTrigger>) -> Trigger {
    Trigger {
        kind: t
            .and_then(|t| t.trigger_type.as_ref())
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        detail: t.and_then(|t| t.trigger_detail.clone()).unwrap_or_default(),
    }
}

/// `STANDARD` or `ROLLBACK`.
pub(crate) fn execution_type(t: Option<&sdk::ExecutionType>) -> ExecutionType {
    match t {
        Some(sdk::ExecutionType::Rollback) => ExecutionType::Rollback,
        _ => ExecutionType::Standard,
    }
}

/// One row of `ListPipelineExecutions`.
pub(crate) fn execution_summary(e: &sdk::PipelineExecutionSummary) -> ExecutionSummary {
    ExecutionSummary {
        id: e.pipeline_execution_id.clone().unwrap_or_default(),
        status: execution_status(e.status.as_ref()),
        status_summary: e.status_summary.clone(),
        stop_reason: e.stop_trigger.as_ref().and_then(|t| t.reason.clone()),
        start: ts_or_zero(e.start_time.as_ref()),
        last_update: ts_or_zero(e.last_update_time.as_ref()),
        source_revisions: e
            .source_revisions()
            .iter()
            .map(|r| SourceRevision {
                action_name: r.action_name.clone(),
                revision_id: r.revision_id.clone().unwrap_or_default(),
                revision_summary: r.revision_summary.clone(),
            })
            .collect(),
        trigger: trigger(e.trigger.as_ref()),
        execution_type: execution_type(e.execution_type.as_ref()),
        execution_mode: execution_mode(e.execution_mode.as_ref()),
        rollback_target: e
            .rollback_metadata
            .as_ref()
            .and_then(|m| m.rollback_target_pipeline_execution_id.clone()),
        variables: Vec::new(),
    }
}

/// `GetPipelineExecution` → a summary. The API gives artifact revisions (by artifact name), no
/// times and no stop trigger; the caller fills those from the listing when it can.
pub(crate) fn execution(e: &sdk::PipelineExecution) -> ExecutionSummary {
    let created = e
        .artifact_revisions()
        .iter()
        .filter_map(|r| r.created.as_ref().map(ts));
    let first = created.clone().min().unwrap_or(Timestamp(0));
    ExecutionSummary {
        id: e.pipeline_execution_id.clone().unwrap_or_default(),
        status: execution_status(e.status.as_ref()),
        status_summary: e.status_summary.clone(),
        stop_reason: None,
        start: first,
        last_update: created.max().unwrap_or(first),
        source_revisions: e
            .artifact_revisions()
            .iter()
            .map(|r| SourceRevision {
                action_name: r.name.clone().unwrap_or_default(),
                revision_id: r.revision_id.clone().unwrap_or_default(),
                revision_summary: r.revision_summary.clone(),
            })
            .collect(),
        trigger: trigger(e.trigger.as_ref()),
        execution_type: execution_type(e.execution_type.as_ref()),
        execution_mode: execution_mode(e.execution_mode.as_ref()),
        rollback_target: e
            .rollback_metadata
            .as_ref()
            .and_then(|m| m.rollback_target_pipeline_execution_id.clone()),
        variables: e
            .variables()
            .iter()
            .map(|v| {
                ResolvedVariable::new(
                    v.name.clone().unwrap_or_default(),
                    v.resolved_value.clone().unwrap_or_default(),
                )
            })
            .collect(),
    }
}

/// One row of `ListActionExecutions`; `None` without a known status.
pub(crate) fn action_detail(d: &sdk::ActionExecutionDetail) -> Option<ActionExecutionDetail> {
    let result = d.output.as_ref().and_then(|o| o.execution_result.as_ref());
    Some(ActionExecutionDetail {
        pipeline_execution_id: d.pipeline_execution_id.clone().unwrap_or_default(),
        action_execution_id: d.action_execution_id.clone().unwrap_or_default(),
        stage: d.stage_name.clone().unwrap_or_default(),
        action: d.action_name.clone().unwrap_or_default(),
        status: action_status(d.status.as_ref()?)?,
        start: ts_or_zero(d.start_time.as_ref()),
        last_update: ts_or_zero(d.last_update_time.as_ref()),
        updated_by: d.updated_by.clone(),
        summary: result.and_then(|r| r.external_execution_summary.clone()),
        external_execution_url: result.and_then(|r| r.external_execution_url.clone()),
        external_execution_id: result.and_then(|r| r.external_execution_id.clone()),
        log_stream_arn: result.and_then(|r| r.log_stream_arn.clone()),
        error: result
            .and_then(|r| r.error_details.as_ref())
            .map(error_details),
    })
}
