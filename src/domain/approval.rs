//! Pending manual approvals, derived from a pipeline's definition, state and executions.

use super::{
    ActionCategory, ActionStatus, ExecutionSummary, Millis, PipelineDef, PipelineState, Release,
    Timestamp,
};
use serde::{Deserialize, Serialize};

/// A manual approval waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// Environment name.
    pub environment: String,
    /// Pipeline name.
    pub pipeline: String,
    /// Stage holding the approval action.
    pub stage: String,
    /// Approval action name.
    pub action: String,
    /// Pipeline execution waiting at the approval.
    pub execution_id: String,
    /// Approval token (secret-ish: show shortened).
    pub token: Option<String>,
    /// When it started waiting.
    pub waiting_since: Timestamp,
    /// How long it waits before CodePipeline fails it: the action's `timeoutInMinutes`, else
    /// the 7-day default.
    pub timeout: Millis,
    /// The release it would ship, when known.
    pub release: Option<Release>,
    /// Who or what triggered the execution.
    pub triggered_by: Option<String>,
    /// The action's `CustomData` (instructions for the approver).
    pub custom_data: Option<String>,
}

impl Approval {
    /// When CodePipeline fails the approval: when it started waiting plus its action's timeout.
    pub fn expires_at(&self) -> Timestamp {
        self.waiting_since + self.timeout
    }

    /// Time left before expiry (negative once expired).
    pub fn time_left(&self, now: Timestamp) -> Millis {
        self.expires_at().since(now)
    }

    /// Whether an approval run ended by timing out: Failed with no one's answer (`updatedBy`
    /// absent) once its deadline (`started` + `timeout`) had passed. AWS gives no summary for
    /// it: a timed-out approval "is processed in the same way as a failed action".
    pub fn timed_out(
        status: ActionStatus,
        updated_by: Option<&str>,
        started: Timestamp,
        ended: Timestamp,
        timeout: Millis,
    ) -> bool {
        status == ActionStatus::Failed
            && updated_by.is_none_or(str::is_empty)
            && ended >= started + timeout
    }

    /// Finds the pending approvals of one pipeline: approval actions whose latest execution is in
    /// progress, matched to the execution that waits there.
    pub fn pending(
        environment: &str,
        def: &PipelineDef,
        state: &PipelineState,
        executions: &[ExecutionSummary],
    ) -> Vec<Approval> {
        let mut out = Vec::new();
        for stage in &state.stages {
            let Some(stage_def) = def.stages.iter().find(|s| s.name == stage.name) else {
                continue;
            };
            for action in &stage.actions {
                let Some(adef) = stage_def.actions.iter().find(|a| a.name == action.name) else {
                    continue;
                };
                if adef.category != ActionCategory::Approval {
                    continue;
                }
                let Some(latest) = &action.latest else {
                    continue;
                };
                if latest.status != ActionStatus::InProgress {
                    continue;
                }
                let execution_id = stage
                    .latest
                    .as_ref()
                    .map(|l| l.pipeline_execution_id.clone())
                    .unwrap_or_default();
                let execution = executions.iter().find(|e| e.id == execution_id);
                out.push(Approval {
                    environment: environment.to_string(),
                    pipeline: state.name.clone(),
                    stage: stage.name.clone(),
                    action: action.name.clone(),
                    execution_id,
                    token: latest.token.clone(),
                    waiting_since: latest.last_status_change,
                    timeout: adef.approval_timeout(),
                    release: execution.and_then(ExecutionSummary::release),
                    triggered_by: execution.map(|e| e.trigger.actor().to_string()),
                    custom_data: adef.configuration.get("CustomData").cloned(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        ActionDef, ActionExecution, ActionState, StageDef, StageExecution, StageState, StageStatus,
        Transition,
    };

    fn def(timeout_minutes: Option<u32>) -> PipelineDef {
        PipelineDef {
            name: "p".into(),
            version: 1,
            stages: vec![StageDef {
                name: "Approval".into(),
                actions: vec![ActionDef {
                    name: "Approve".into(),
                    category: ActionCategory::Approval,
                    provider: "Manual".into(),
                    run_order: 1,
                    configuration: Default::default(),
                    timeout_minutes,
                }],
                conditions: Vec::new(),
            }],
            pipeline_type: None,
            execution_mode: Default::default(),
            variables: Vec::new(),
        }
    }

    fn state(since: Timestamp) -> PipelineState {
        PipelineState {
            name: "p".into(),
            version: 1,
            updated: since,
            stages: vec![StageState {
                name: "Approval".into(),
                latest: Some(StageExecution {
                    pipeline_execution_id: "e1".into(),
                    status: StageStatus::InProgress,
                }),
                actions: vec![ActionState {
                    name: "Approve".into(),
                    latest: Some(ActionExecution {
                        action_execution_id: "a1".into(),
                        status: ActionStatus::InProgress,
                        summary: None,
                        last_status_change: since,
                        token: Some("t".into()),
                        last_updated_by: None,
                        external_execution_url: None,
                        percent_complete: None,
                        error: None,
                    }),
                }],
                inbound: Transition {
                    enabled: true,
                    disabled_reason: None,
                    last_changed_by: None,
                    last_changed_at: None,
                },
                inbound_execution: None,
                queued: Vec::new(),
                conditions: Vec::new(),
                retries: None,
            }],
        }
    }

    #[test]
    fn an_approval_expires_after_its_own_timeout_or_the_seven_day_default() {
        let since = Timestamp(1_000_000);
        let three_days = Approval::pending("prd", &def(Some(3 * 24 * 60)), &state(since), &[]);
        assert_eq!(three_days[0].expires_at(), since + 3 * Timestamp::DAY);
        assert_eq!(
            three_days[0].time_left(since + 3 * Timestamp::DAY + 1),
            -1,
            "past its 3 days, though the 7-day default is far off"
        );
        let default = Approval::pending("prd", &def(None), &state(since), &[]);
        assert_eq!(default[0].expires_at(), since + 7 * Timestamp::DAY);
    }

    #[test]
    fn timed_out_is_an_unanswered_failure_past_its_deadline() {
        let (start, day) = (Timestamp(0), Timestamp::DAY);
        let failed = ActionStatus::Failed;
        assert!(Approval::timed_out(failed, None, start, start + day, day));
        assert!(!Approval::timed_out(
            failed,
            None,
            start,
            start + day - 1,
            day
        ));
        assert!(!Approval::timed_out(
            failed,
            Some("arn:…/carol"),
            start,
            start + day,
            day
        ));
        assert!(!Approval::timed_out(
            ActionStatus::Abandoned,
            None,
            start,
            start + day,
            day
        ));
    }
}
