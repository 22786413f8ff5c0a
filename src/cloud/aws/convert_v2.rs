//! CodePipeline V2's SDK shapes turned into the domain's: execution modes, stage conditions and
//! their rules (declared and live), retries, and rule runs.

use super::convert::{error_details, ts, ts_or_zero};
use crate::domain::{
    ConditionDef, ConditionKind, ConditionResult, ConditionRun, ConditionState, ConditionStatus,
    ExecutionMode, RetryMetadata, RetryMode, RuleDef, RuleExecutionDetail, RuleRun, RuleState,
    RuleStatus, StageConditions,
};
use aws_sdk_codepipeline::types as sdk;

/// An execution mode; `None` when not given or newer than this SDK.
pub(crate) fn execution_mode(m: Option<&sdk::ExecutionMode>) -> Option<ExecutionMode> {
    match m? {
        sdk::ExecutionMode::Superseded => Some(ExecutionMode::Superseded),
        sdk::ExecutionMode::Queued => Some(ExecutionMode::Queued),
        sdk::ExecutionMode::Parallel => Some(ExecutionMode::Parallel),
        _ => None,
    }
}

fn result(r: Option<&sdk::Result>) -> Option<ConditionResult> {
    match r? {
        sdk::Result::Fail => Some(ConditionResult::Fail),
        sdk::Result::Skip => Some(ConditionResult::Skip),
        sdk::Result::Rollback => Some(ConditionResult::Rollback),
        sdk::Result::Retry => Some(ConditionResult::Retry),
        _ => None,
    }
}

fn rule_def(r: &sdk::RuleDeclaration) -> RuleDef {
    RuleDef {
        name: r.name.clone(),
        provider: r
            .rule_type_id
            .as_ref()
            .map(|t| t.provider.clone())
            .unwrap_or_default(),
        configuration: r
            .configuration
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        region: r.region.clone(),
    }
}

fn condition_def(kind: ConditionKind, c: &sdk::Condition) -> ConditionDef {
    ConditionDef {
        kind,
        result: result(c.result.as_ref()),
        retry_mode: None,
        rules: c.rules().iter().map(rule_def).collect(),
    }
}

fn retry_mode(m: Option<&sdk::StageRetryMode>) -> Option<RetryMode> {
    match m? {
        sdk::StageRetryMode::AllActions => Some(RetryMode::AllActions),
        sdk::StageRetryMode::FailedActions => Some(RetryMode::FailedActions),
        _ => None,
    }
}

/// A stage declaration's conditions, beforeEntry, onSuccess then onFailure. An onFailure result
/// declared without conditions applies to every failure: one condition without rules.
pub(crate) fn condition_defs(s: &sdk::StageDeclaration) -> Vec<ConditionDef> {
    let mut out = Vec::new();
    if let Some(b) = &s.before_entry {
        let c = b.conditions.iter();
        out.extend(c.map(|c| condition_def(ConditionKind::BeforeEntry, c)));
    }
    if let Some(o) = &s.on_success {
        let c = o.conditions.iter();
        out.extend(c.map(|c| condition_def(ConditionKind::OnSuccess, c)));
    }
    if let Some(f) = &s.on_failure {
        let declared = result(f.result.as_ref());
        let mode = retry_mode(
            f.retry_configuration
                .as_ref()
                .and_then(|r| r.retry_mode.as_ref()),
        );
        let mut conditions: Vec<ConditionDef> = f
            .conditions()
            .iter()
            .map(|c| condition_def(ConditionKind::OnFailure, c))
            .collect();
        if conditions.is_empty() {
            conditions.push(ConditionDef {
                kind: ConditionKind::OnFailure,
                result: declared,
                retry_mode: None,
                rules: Vec::new(),
            });
        }
        for c in &mut conditions {
            c.result = c.result.or(declared);
            c.retry_mode = mode;
        }
        out.extend(conditions);
    }
    out
}

fn condition_status(s: Option<&sdk::ConditionExecutionStatus>) -> Option<ConditionStatus> {
    Some(match s? {
        sdk::ConditionExecutionStatus::Abandoned => ConditionStatus::Abandoned,
        sdk::ConditionExecutionStatus::Cancelled => ConditionStatus::Cancelled,
        sdk::ConditionExecutionStatus::Errored => ConditionStatus::Errored,
        sdk::ConditionExecutionStatus::Failed => ConditionStatus::Failed,
        sdk::ConditionExecutionStatus::InProgress => ConditionStatus::InProgress,
        sdk::ConditionExecutionStatus::Overridden => ConditionStatus::Overridden,
        sdk::ConditionExecutionStatus::Succeeded => ConditionStatus::Succeeded,
        _ => return None,
    })
}

/// A rule run's status; `None` for values newer than this SDK.
pub(crate) fn rule_status(s: Option<&sdk::RuleExecutionStatus>) -> Option<RuleStatus> {
    Some(match s? {
        sdk::RuleExecutionStatus::Abandoned => RuleStatus::Abandoned,
        sdk::RuleExecutionStatus::Failed => RuleStatus::Failed,
        sdk::RuleExecutionStatus::InProgress => RuleStatus::InProgress,
        sdk::RuleExecutionStatus::Succeeded => RuleStatus::Succeeded,
        _ => return None,
    })
}

fn rule_state(r: &sdk::RuleState) -> RuleState {
    RuleState {
        name: r.rule_name.clone().unwrap_or_default(),
        latest: r.latest_execution.as_ref().and_then(|e| {
            Some(RuleRun {
                rule_execution_id: e.rule_execution_id.clone().unwrap_or_default(),
                status: rule_status(e.status.as_ref())?,
                summary: e.summary.clone(),
                last_status_change: e.last_status_change.as_ref().map(ts),
                external_execution_url: e.external_execution_url.clone(),
                error: e.error_details.as_ref().map(error_details),
            })
        }),
    }
}

fn stage_condition_state(kind: ConditionKind, s: &sdk::StageConditionState) -> StageConditions {
    StageConditions {
        kind,
        latest: s.latest_execution.as_ref().and_then(|l| {
            Some(ConditionRun {
                status: condition_status(l.status.as_ref())?,
                summary: l.summary.clone(),
                last_status_change: None,
            })
        }),
        conditions: s
            .condition_states()
            .iter()
            .map(|c| ConditionState {
                latest: c.latest_execution.as_ref().and_then(|l| {
                    Some(ConditionRun {
                        status: condition_status(l.status.as_ref())?,
                        summary: l.summary.clone(),
                        last_status_change: l.last_status_change.as_ref().map(ts),
                    })
                }),
                rules: c.rule_states().iter().map(rule_state).collect(),
            })
            .collect(),
    }
}

/// A stage state's conditions, one entry per kind it reports.
pub(crate) fn stage_conditions(s: &sdk::StageState) -> Vec<StageConditions> {
    [
        (
            ConditionKind::BeforeEntry,
            s.before_entry_condition_state.as_ref(),
        ),
        (
            ConditionKind::OnSuccess,
            s.on_success_condition_state.as_ref(),
        ),
        (
            ConditionKind::OnFailure,
            s.on_failure_condition_state.as_ref(),
        ),
    ]
    .into_iter()
    .filter_map(|(k, c)| c.map(|c| stage_condition_state(k, c)))
    .collect()
}

/// `retryStageMetadata`.
pub(crate) fn stage_retries(m: &sdk::RetryStageMetadata) -> RetryMetadata {
    let count = |n: Option<i32>| u32::try_from(n.unwrap_or(0)).unwrap_or(0);
    RetryMetadata {
        auto_attempts: count(m.auto_stage_retry_attempt),
        manual_attempts: count(m.manual_stage_retry_attempt),
        latest_trigger: m
            .latest_retry_trigger
            .as_ref()
            .map(|t| t.as_str().to_string()),
    }
}

/// One row of `ListRuleExecutions`; `None` without a known status.
pub(crate) fn rule_detail(d: &sdk::RuleExecutionDetail) -> Option<RuleExecutionDetail> {
    let result = d.output.as_ref().and_then(|o| o.execution_result.as_ref());
    let input = d.input.as_ref();
    Some(RuleExecutionDetail {
        pipeline_execution_id: d.pipeline_execution_id.clone().unwrap_or_default(),
        rule_execution_id: d.rule_execution_id.clone().unwrap_or_default(),
        stage: d.stage_name.clone().unwrap_or_default(),
        rule: d.rule_name.clone().unwrap_or_default(),
        provider: input
            .and_then(|i| i.rule_type_id.as_ref())
            .map(|t| t.provider.clone()),
        status: rule_status(d.status.as_ref())?,
        start: ts_or_zero(d.start_time.as_ref()),
        last_update: ts_or_zero(d.last_update_time.as_ref()),
        updated_by: d.updated_by.clone(),
        summary: result.and_then(|r| r.external_execution_summary.clone()),
        external_execution_url: result.and_then(|r| r.external_execution_url.clone()),
        configuration: input
            .and_then(|i| {
                i.resolved_configuration
                    .as_ref()
                    .or(i.configuration.as_ref())
            })
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        error: result
            .and_then(|r| r.error_details.as_ref())
            .map(error_details),
    })
}
