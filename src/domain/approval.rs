//! Pending manual approvals, derived from a pipeline's definition, state and executions.

use super::{
    ActionCategory, ActionStatus, ExecutionSummary, Millis, PipelineDef, PipelineState, Release,
    Timestamp,
};
use serde::{Deserialize, Serialize};

/// An approval not answered within this time fails (CodePipeline's 7 days).
pub const APPROVAL_TIMEOUT: Millis = 7 * Timestamp::DAY;

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
    /// The release it would ship, when known.
    pub release: Option<Release>,
    /// Who or what triggered the execution.
    pub triggered_by: Option<String>,
    /// The action's `CustomData` (instructions for the approver).
    pub custom_data: Option<String>,
}

impl Approval {
    /// When CodePipeline fails the approval.
    pub fn expires_at(&self) -> Timestamp {
        self.waiting_since + APPROVAL_TIMEOUT
    }

    /// Time left before expiry (negative once expired).
    pub fn time_left(&self, now: Timestamp) -> Millis {
        self.expires_at().since(now)
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
                    release: execution.and_then(ExecutionSummary::release),
                    triggered_by: execution.map(|e| e.trigger.actor().to_string()),
                    custom_data: adef.configuration.get("CustomData").cloned(),
                });
            }
        }
        out
    }
}
