//! Planning from what the console holds: the `ops::Context` built from the state, and the pure
//! `plan` of each action called with the dialog's fields.

use super::State;
use super::ops_state::Dialog;
use crate::cloud::{ApprovalOutcome, RetryMode};
use crate::domain::{ExecutionStatus, ExecutionSummary};
use crate::ops::approve::PipelineData;
use crate::ops::deploy::DeployOptions;
use crate::ops::{self, Context, Guard, OpKind, Planned, Refusal};
use serde_json::{Value, json};

impl State {
    /// Whether mutating actions are refused on environment `env` (session or configuration).
    pub fn read_only_env(&self, env: usize) -> bool {
        self.session.read_only || self.envs.get(env).is_some_and(|e| e.spec.read_only)
    }

    /// Whether mutating actions are refused on the selected environment.
    pub fn read_only_here(&self) -> bool {
        self.read_only_env(self.selected)
    }
}

/// The idempotency token of a confirmation: unique per request id, environment and time.
pub fn token_for(state: &State, env: &str, request: super::RequestId) -> String {
    format!("shipdeck-{env}-{:x}-{request}", state.now.0)
}

/// The stage freeze/unfreeze acts on, and whether its inbound transition is disabled now.
pub fn freeze_target(state: &State, env: usize) -> Option<(String, bool)> {
    let e = state.envs.get(env)?;
    let stage = ops::freeze::default_stage(e.def.as_ref()?)?.to_string();
    let frozen = e.state.as_ref().is_some_and(|s| {
        s.stages
            .iter()
            .any(|st| st.name == stage && !st.inbound.enabled)
    });
    Some((stage, frozen))
}

/// Executions that succeeded in every stage, newest first: the rollback candidates.
fn candidates(executions: &[ExecutionSummary]) -> Vec<ExecutionSummary> {
    executions
        .iter()
        .filter(|e| e.status == ExecutionStatus::Succeeded)
        .cloned()
        .collect()
}

/// Plans the dialog's action with what it holds now.
pub fn plan(state: &State, d: &Dialog) -> Planned {
    let Some(e) = state.envs.get(d.env) else {
        return Err(Refusal::nothing("the environment is gone"));
    };
    let name = e.spec.name.as_str();
    let ctx = Context {
        spec: &e.spec,
        identity: state.session.identity.as_deref(),
        now: state.now,
        read_only: state.session.read_only,
        self_approval: state
            .ops
            .self_approval
            .get(name)
            .copied()
            .unwrap_or_default(),
    };
    let data = PipelineData {
        def: e.def.as_ref(),
        state: e.state.as_ref(),
        executions: &e.executions,
    };
    let text = d.text.trim();
    match d.kind {
        OpKind::Approve => {
            let comment = (!text.is_empty()).then_some(text);
            ops::approve::plan(&ctx, data, ApprovalOutcome::Approved, comment)
        }
        OpKind::Reject => ops::approve::plan(&ctx, data, ApprovalOutcome::Rejected, Some(text)),
        OpKind::Deploy => {
            let opts = DeployOptions {
                client_request_token: d.token.clone(),
                ..DeployOptions::default()
            };
            ops::deploy::plan(&ctx, data, &opts)
        }
        OpKind::Stop => ops::stop::plan(&ctx, data, d.toggle, text),
        OpKind::Retry => {
            let mode = if d.toggle {
                RetryMode::AllActions
            } else {
                RetryMode::FailedActions
            };
            ops::retry::plan(&ctx, data, mode)
        }
        OpKind::Freeze => ops::freeze::plan(&ctx, data, None, Some(text)),
        OpKind::Unfreeze => ops::freeze::plan(&ctx, data, None, None),
        OpKind::Invalidate => {
            let paths: Vec<String> = text.split_whitespace().map(str::to_string).collect();
            ops::invalidate::plan(&ctx, &paths, &d.token)
        }
        OpKind::Rollback => {
            let Some(stage) = e.def.as_ref().and_then(ops::rollback::default_stage) else {
                return Err(Refusal::nothing(format!(
                    "{name}: no deploy stage to roll back (pipeline not loaded yet?)"
                )));
            };
            let to = (!text.is_empty()).then_some(text);
            // The stage's listing once read (as the CLI plans), the history while it loads.
            let listed = match &d.candidates {
                Some(Ok(list)) => list.clone(),
                _ => candidates(&e.executions),
            };
            ops::rollback::plan(&ctx, data, stage, &listed, to)
        }
        OpKind::Release => match &d.package {
            Some(p) => {
                let version = p.release.version.to_string();
                ops::release::plan_promote(&ctx, data, std::slice::from_ref(p), &version)
            }
            None => {
                guards_read_only(&ctx)?;
                Err(Refusal::by(
                    Guard::Input,
                    "choose a release package from the list",
                ))
            }
        },
    }
}

fn guards_read_only(ctx: &Context<'_>) -> Result<(), Refusal> {
    ops::guards::read_only(ctx).map(|_| ())
}

/// The parameters of an action as the audit log records them when no plan exists.
pub fn params(d: &Dialog) -> Value {
    match d.kind {
        OpKind::Approve | OpKind::Reject => json!({ "comment": d.text }),
        OpKind::Stop => json!({ "abandon": d.toggle, "reason": d.text }),
        OpKind::Retry => json!({ "all": d.toggle }),
        OpKind::Freeze => json!({ "reason": d.text }),
        OpKind::Invalidate => json!({ "paths": d.text.split_whitespace().collect::<Vec<_>>() }),
        OpKind::Rollback => json!({ "to": d.text }),
        OpKind::Release => json!({
            "version": d.package.as_ref().map(|p| p.release.version.to_string()),
        }),
        OpKind::Deploy | OpKind::Unfreeze => json!({}),
    }
}
