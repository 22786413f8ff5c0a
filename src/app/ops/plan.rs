//! Planning from what the console holds: the dialog's fields become an `ops::Ask`, planned by
//! the same planner as the CLI with the `ops::Context` built from the state.

use crate::app::State;
use crate::app::ops::state::Dialog;
use crate::domain::{ExecutionStatus, ExecutionSummary};
use crate::ops::plan::{PipelineData, RunAction, Upstream};
use crate::ops::{self, Ask, Context, OpKind, Planned, Reads, Refusal, ReleaseFrom, What};

impl State {
    /// Whether mutating actions are refused on environment `env` (session or configuration).
    pub fn read_only_env(&self, env: usize) -> bool {
        self.session.read_only || self.envs.get(env).is_some_and(|e| e.spec.read_only)
    }

    /// Whether mutating actions are refused on the selected environment.
    pub fn read_only_here(&self) -> bool {
        self.read_only_env(self.selected)
    }

    /// What the planners know of environment `env`: the same for the console and the CLI.
    pub fn pipeline_data(&self, env: usize) -> Option<PipelineData<'_>> {
        let e = self.envs.get(env)?;
        let upstream = e
            .spec
            .promotes_from
            .as_deref()
            .and_then(|from| self.envs.get(self.env_index(from)?))
            .map(|u| Upstream {
                name: u.spec.name.as_str(),
                deployed: deployed_of(u),
                executions: &u.executions,
            });
        Some(PipelineData {
            def: e.def.as_ref(),
            state: e.state.as_ref(),
            executions: &e.executions,
            deployed: deployed_of(e),
            source: e
                .source
                .as_ref()
                .and_then(|s| s.as_ref().ok())
                .map(Option::as_ref),
            // A refresh that fails, or reads paused because the identity's credentials were
            // refused (`:fault`, an expired session): either way the state is from before.
            state_error: e
                .state_error()
                .or(self.pause_of(env).map(|p| p.brief.as_str())),
            stale_since: (e.refresh.error.as_ref().map(|s| s.since))
                .or(self.pause_of(env).map(|p| p.since)),
            upstream,
        })
    }
}

fn deployed_of(e: &crate::app::EnvView) -> Result<Option<&ExecutionSummary>, &str> {
    match &e.deployed {
        None => Err("not read yet"),
        Some(Err(why)) => Err(why.as_str()),
        Some(Ok(d)) => Ok(d.as_ref()),
    }
}

/// The stage freeze/unfreeze acts on, and whether its inbound transition is disabled now.
pub fn freeze_target(state: &State, env: usize) -> Option<(String, bool)> {
    let e = state.envs.get(env)?;
    let stage = ops::plan::freeze::default_stage(e.def.as_ref()?)?.to_string();
    let frozen = e.state.as_ref().is_some_and(|s| {
        s.stages
            .iter()
            .any(|st| st.name == stage && !st.inbound.enabled)
    });
    Some((stage, frozen))
}

/// What the dialog asks for, as the planner takes it.
pub fn ask(state: &State, d: &Dialog) -> Ask {
    let text = d.text.trim().to_string();
    let what = match d.kind {
        OpKind::Approve => What::Approve { comment: text },
        OpKind::Reject => What::Reject { comment: text },
        OpKind::Deploy => What::Deploy {
            // A word that is no NAME=VALUE refuses the plan (see [`plan`]).
            variables: variables(&text).unwrap_or_default(),
            source_version: None,
        },
        OpKind::Stop => What::Stop {
            abandon: d.toggle,
            reason: text,
            execution: d.execution.clone(),
        },
        OpKind::Retry => What::Retry { all: d.toggle },
        OpKind::Freeze => What::Freeze {
            stage: None,
            reason: text,
        },
        OpKind::Unfreeze => What::Unfreeze {
            stage: None,
            reason: text,
        },
        OpKind::Invalidate => What::Invalidate {
            paths: text.split_whitespace().map(str::to_string).collect(),
        },
        OpKind::Rollback => What::Rollback {
            stage: None,
            to: (!text.is_empty()).then_some(text),
        },
        OpKind::Override => What::Override {
            stage: d.stage.clone(),
            condition: None,
        },
        OpKind::Rerun | OpKind::Cancel => What::Run {
            run_id: d.run.as_ref().map_or(0, |r| r.run.id),
            action: match (d.kind, d.toggle) {
                (OpKind::Cancel, _) => RunAction::Cancel,
                (_, true) => RunAction::Rerun,
                (_, false) => RunAction::RerunFailed,
            },
        },
        OpKind::Release => What::Release(match (&d.workflow, &d.package) {
            (Some(w), _) => ReleaseFrom::Workflow {
                git_ref: w.git_ref.clone(),
                inputs: shlex::split(&text).unwrap_or_else(|| vec![text.clone()]),
            },
            (None, Some(p)) => ReleaseFrom::Version(p.release.version.to_string()),
            (None, None) => match (&d.upload, d.upload.as_ref().and_then(|u| u.local())) {
                (_, Some(local)) => ReleaseFrom::Upload {
                    path: local.path.clone(),
                    version: local.release.version.to_string(),
                    commit: Some(local.release.commit.clone()),
                },
                (Some(u), None) => ReleaseFrom::Upload {
                    path: u.path.value().trim().to_string(),
                    version: String::new(),
                    commit: None,
                },
                (None, None) => ReleaseFrom::Unchosen,
            },
        }),
    };
    Ask {
        env: state
            .envs
            .get(d.env)
            .map_or(String::new(), |e| e.spec.name.clone()),
        what,
        asked_at: d.asked_at,
        nonce: d.nonce,
    }
}

/// The deploy dialog's variables, `NAME=VALUE` words as the shell splits them (`--var` on the
/// command line).
fn variables(text: &str) -> Result<std::collections::BTreeMap<String, String>, String> {
    let words = shlex::split(text).ok_or_else(|| format!("unbalanced quotes in `{text}`"))?;
    ops::plan::release_workflow::parse_inputs(&words)
        .map_err(|e| e.replacen("input", "variable", 1))
}

/// The planners' context for environment `env`, as the console knows it now.
fn context(state: &State, env: usize) -> Option<Context<'_>> {
    let e = state.envs.get(env)?;
    Some(Context {
        spec: &e.spec,
        // The environment's own caller: in another account it is another identity.
        identity: state.identity_of(env),
        now: state.now,
        read_only: state.session.read_only,
        self_approval: state
            .ops
            .self_approval
            .get(e.spec.name.as_str())
            .copied()
            .unwrap_or_default(),
        aws_identity: state.accounts.cli.get(env),
    })
}

impl State {
    /// Whether the self-approval guard refuses the operator's answer to environment `env`'s
    /// pending approval (the same check the planner makes).
    pub fn approval_refused_as_own(&self, env: usize) -> bool {
        let (Some(ctx), Some(data)) = (context(self, env), self.pipeline_data(env)) else {
            return false;
        };
        ops::plan::approve::self_approval_refusal(&ctx, &data).is_some()
    }
}

/// Plans the dialog's action with what it holds now.
pub fn plan(state: &State, d: &Dialog) -> Planned {
    let (Some(e), Some(ctx)) = (state.envs.get(d.env), context(state, d.env)) else {
        return Err(Refusal::nothing("the environment is gone"));
    };
    let Some(data) = state.pipeline_data(d.env) else {
        return Err(Refusal::nothing("the environment is gone"));
    };
    // The stage's listing once read (as the CLI plans); while it loads, or when it could not
    // be read, the history's succeeded executions (each succeeded in every stage), which the
    // dialog marks as such.
    let history: Vec<ExecutionSummary>;
    let candidates = match &d.candidates {
        Some(Ok(list)) => list.as_slice(),
        _ => {
            history = e
                .executions
                .iter()
                .filter(|x| x.status == ExecutionStatus::Succeeded)
                .cloned()
                .collect();
            history.as_slice()
        }
    };
    if let Some(u) = &d.upload {
        // The path typed, the file read: what the planner needs before it can plan the upload.
        crate::ops::plan::guards::read_only(&ctx)?;
        if let Some(r) = u.unplanned(ctx.spec) {
            return Err(r);
        }
    }
    let packages = match &d.upload {
        Some(u) => Some(u.packages.packages.as_slice()),
        None => d.package.as_ref().map(std::slice::from_ref),
    };
    let reads = Reads {
        packages,
        local: d.upload.as_ref().and_then(|u| u.local()),
        candidates: Some(candidates),
        workflow: d.workflow.as_ref().and_then(|w| w.read.as_ref()),
        run: d.run.as_ref(),
        source_versions: d.versions.as_ref(),
    };
    let planned = ops::plan(&ctx, data, reads, &ask(state, d));
    // Words that are no NAME=VALUE: refused, showing the start planned without them.
    if d.kind == OpKind::Deploy
        && let Err(why) = variables(d.text.trim())
    {
        return Err(ops::plan::deploy::drafted(
            Refusal::missing(why, "--var"),
            planned,
        ));
    }
    planned
}
