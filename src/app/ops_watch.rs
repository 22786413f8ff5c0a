//! What the watch after a done call looks for in a refreshed environment (pure): the execution
//! past the approval, a new execution running, a stop taking effect, a transition changed.

use super::EnvView;
use crate::cloud::ApprovalOutcome;
use crate::domain::{ExecutionStatus, StageStatus};
use crate::ops::Request;

/// The execution shipping the source object `reference` (its S3 version id or ETag), as the
/// CLI's watch finds it after a release.
pub fn shipping(env: &EnvView, reference: &str) -> Option<String> {
    let bare = reference.trim_matches('"');
    env.executions
        .iter()
        .find(|e| {
            e.source_revisions
                .iter()
                .any(|r| r.revision_id == reference || r.revision_id == bare)
        })
        .map(|e| e.id.clone())
}

/// Whether the change `request` makes shows in `env`, and what was seen.
pub fn seen(env: &EnvView, request: &Request, started: Option<&str>) -> (bool, String) {
    let status_of = |id: &str| env.executions.iter().find(|e| e.id == id).map(|e| e.status);
    match request {
        Request::Answer {
            stage,
            execution_id,
            outcome,
            ..
        } => {
            let Some(state) = env.state.as_ref() else {
                return (false, "no pipeline state yet".into());
            };
            let at = state.stages.iter().position(|s| &s.name == stage);
            let beyond = state.stages.iter().skip(at.map_or(0, |i| i + 1)).find(|s| {
                s.latest
                    .as_ref()
                    .is_some_and(|l| &l.pipeline_execution_id == execution_id)
            });
            match (outcome, beyond, status_of(execution_id)) {
                (ApprovalOutcome::Approved, Some(next), _) => (
                    true,
                    format!("execution {execution_id} moved on to {}", next.name),
                ),
                (ApprovalOutcome::Rejected, _, Some(ExecutionStatus::Failed)) => (
                    true,
                    format!("execution {execution_id} is Failed (rejected)"),
                ),
                _ => (
                    false,
                    format!("execution {execution_id} has not left {stage} yet"),
                ),
            }
        }
        Request::Start { .. } | Request::Promote { .. } | Request::Upload { .. } => {
            match started.and_then(|id| status_of(id).map(|s| (id, s))) {
                Some((id, s)) => (true, format!("execution {id} is {}", s.as_str())),
                None => (false, "the new execution is not listed yet".into()),
            }
        }
        Request::Stop { execution_id, .. } => match status_of(execution_id) {
            Some(s) if !s.is_active() => {
                (true, format!("execution {execution_id} is {}", s.as_str()))
            }
            Some(s) => (false, format!("execution {execution_id} is {}", s.as_str())),
            None => (false, format!("execution {execution_id} is not listed")),
        },
        Request::Retry {
            stage,
            execution_id,
            ..
        } => {
            let running = env.state.as_ref().is_some_and(|st| {
                st.stages.iter().any(|s| {
                    &s.name == stage
                        && s.latest.as_ref().is_some_and(|l| {
                            &l.pipeline_execution_id == execution_id
                                && l.status != StageStatus::Failed
                                && l.status != StageStatus::Stopped
                        })
                })
            });
            if running {
                (true, format!("execution {execution_id} runs {stage} again"))
            } else {
                (false, format!("{stage} has not restarted yet"))
            }
        }
        Request::Rollback {
            stage,
            target_execution_id,
            ..
        } => match started.and_then(|id| status_of(id).map(|s| (id, s))) {
            Some((id, s)) => (
                true,
                format!(
                    "rollback execution {id} of {stage} to {target_execution_id} is {}",
                    s.as_str()
                ),
            ),
            None => (false, format!("the rollback of {stage} is not listed yet")),
        },
        Request::Transition {
            stage,
            disable_reason,
            ..
        } => {
            let enabled = env.state.as_ref().and_then(|st| {
                st.stages
                    .iter()
                    .find(|s| &s.name == stage)
                    .map(|s| s.inbound.enabled)
            });
            let want = disable_reason.is_none();
            let word = if want { "unfrozen" } else { "frozen" };
            (
                enabled == Some(want),
                if enabled == Some(want) {
                    format!("{stage} is {word}")
                } else {
                    format!("{stage} is not {word} yet")
                },
            )
        }
        Request::Invalidate { .. } => (true, "invalidation created".into()),
    }
}
