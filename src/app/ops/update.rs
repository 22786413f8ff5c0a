//! The console's actions in `update`: opening a dialog from a key or a command, refusals to the
//! status bar and the audit log, the keys of the open dialog and picker, the answer of the one
//! call and the watch after it.

use crate::app::ops::state::{GitHubWatch, Phase, Watch};
use crate::app::{Action, Effect, Level, State, View, ops, poll};
use crate::ops::plan::audit::Entry;
use crate::ops::{ExitClass, Guard, OpKind, Outcome, Refusal};

/// After a refresh of environment `env`: the open dialog on it plans again (and says when its
/// target changed), and the watch on it judges what came.
pub(in crate::app) fn env_refreshed(state: &mut State, env: usize) -> Vec<Effect> {
    if state.ops.dialog.as_ref().is_some_and(|d| d.env == env) {
        ops::dialog::replan(state);
    }
    ops::watch::refreshed(state, env)
}

/// A key while the plan/confirm dialog is open: it takes every key; switching the environment
/// declines it first (no confirmation survives an environment switch).
pub(in crate::app) fn dialog_key(state: &mut State, key: Action) -> Vec<Effect> {
    match key {
        Action::NextEnv | Action::PrevEnv => {
            let mut fx = ops::dialog::decline(state, "the environment was switched");
            state.ops.dialog = None;
            fx.extend(crate::app::update::step_env(state, key == Action::NextEnv));
            fx
        }
        Action::DialogToggle if ops::workflow::is_open(state) => ops::workflow::to_direct(state),
        key => ops::dialog::key(state, key),
    }
}

/// A key while the release picker is open: it takes every key; switching the environment
/// closes it first.
pub(in crate::app) fn picker_key(state: &mut State, key: Action) -> Vec<Effect> {
    match key {
        Action::NextEnv | Action::PrevEnv => {
            state.ops.picker = None;
            crate::app::update::step_env(state, key == Action::NextEnv)
        }
        key => ops::release::picker(state, key),
    }
}

/// The environment an action is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::app) enum Target {
    /// What the view shows: the selected approval's in the inbox, else the selected environment.
    Shown,
    /// The environment a command names (`:approve prd`).
    Named(usize),
}

impl Target {
    /// The environment's index. Nothing is selected: only an action that opens its dialog (or
    /// picker) selects its environment; a refused one leaves the operator where they were.
    fn env(self, state: &State) -> usize {
        match self {
            Target::Named(i) => i,
            Target::Shown if state.view == View::Approvals => (state.visible_approvals())
                .get(state.approval_row)
                .and_then(|a| state.env_index(&a.environment))
                .unwrap_or(state.selected),
            Target::Shown => state.selected,
        }
    }
}

/// An action key: opens its dialog on the target environment; the freeze key toggles (on a
/// frozen environment it opens the unfreeze, as its footer hint `F unfreeze` says). A read-only
/// session's key comes here too: the read-only refusal below is the one the command gets, to
/// the status bar and the audit log.
pub(in crate::app) fn open_key(state: &mut State, kind: OpKind) -> Vec<Effect> {
    let env = Target::Shown.env(state);
    let kind = match (kind, ops::plan::freeze_target(state, env)) {
        (OpKind::Freeze, Some((_, true))) => OpKind::Unfreeze,
        (k, _) => k,
    };
    open(state, kind, Target::Shown, None)
}

/// Opens the dialog of `kind` on the target environment (release: the package picker, with the
/// version asked for in `version`; override: the stage asked for in it), or refuses (status
/// bar + audit). It opens what was asked: a freeze of a frozen environment is refused (nothing
/// to do), never turned into an unfreeze. Only what opens selects its environment (a command
/// naming one leaves the inbox for that environment's pipeline); a refusal changes neither the
/// selection nor the view.
pub(in crate::app) fn open(
    state: &mut State,
    kind: OpKind,
    target: Target,
    version: Option<String>,
) -> Vec<Effect> {
    let env = target.env(state);
    let Some(name) = state.envs.get(env).map(|e| e.spec.name.clone()) else {
        state.say(Level::Warn, "no environment to act on");
        return Vec::new();
    };
    // The request id the dialog takes if it opens (its idempotency token's nonce).
    let nonce = state.next_request;
    let stage = version.clone().filter(|_| kind == OpKind::Override);
    let mut d = ops::dialog::new(state, kind, env, nonce, stage);
    if kind == OpKind::Stop {
        // The execution asked for, else the running one the operator has selected or opened.
        d.execution = version.clone().or_else(|| shown_running(state, env));
        // A stop-and-wait is under way: what is left to do is to abandon its running actions.
        d.toggle = stopping(state, env, d.execution.as_deref());
        d.planned = ops::plan::plan(state, &d);
        d.pinned = d.target().cloned();
    }
    let refusal = if state.read_only_env(env) {
        // Defence below the UI: read-only refuses whatever the plan would say.
        Some(match &d.planned {
            Err(r) if r.guard == Guard::ReadOnly => r.clone(),
            _ => Refusal::by(
                Guard::ReadOnly,
                format!("refused: {name} is read-only; mutating actions are disabled"),
            ),
        })
    } else {
        // A missing comment or reason opens the dialog to fill it in (the planners find the
        // target, or that there is nothing to act on, before they look at the fields); an
        // override has no field that could change its refusal (an unknown stage, a SKIP), nor
        // has a stop of an execution that is not in the history.
        d.planned
            .as_ref()
            .err()
            .filter(|r| {
                r.guard != Guard::Input || kind == OpKind::Override || r.flag == Some("--execution")
            })
            .cloned()
    };
    if let Some(r) = refusal {
        return refused_at_once(state, kind, &d, &r);
    }
    let want = match version.as_deref().filter(|_| kind == OpKind::Release) {
        None => None,
        Some(text) => match ops::release::wanted(text) {
            Ok(want) => want,
            Err(why) => return ops::release::refused_version(state, env, text, why),
        },
    };
    // It opens: the view under it shows its environment.
    state.select_env(env);
    if matches!(target, Target::Named(_)) && state.view == View::Approvals {
        state.view = View::Pipeline;
    }
    state.overlay = None;
    // What the status bar said of an earlier action does not stand over this dialog.
    state.status = None;
    if kind == OpKind::Release {
        if version.is_none() && ops::workflow::offered(state, env) {
            return ops::workflow::open_dialog(state, env);
        }
        return ops::release::open_picker(state, env, want);
    }
    if kind == OpKind::Rollback {
        d.before = judged_deploy(state, env);
    }
    state.take_request();
    state.ops.dialog = Some(d);
    if kind == OpKind::Rollback {
        return ops::release::fetch_candidates(state, env);
    }
    if kind == OpKind::Deploy {
        // The plan names the source object's version: read it now, not up to two minutes old.
        if let Some(e) = state.envs.get_mut(env) {
            e.source_due = state.now;
            e.refresh.due_by(state.now);
        }
        return poll::due(state);
    }
    Vec::new()
}

/// A refusal no field of the dialog could change: said and audited (see [`refused`]), with no
/// dialog opened.
fn refused_at_once(
    state: &mut State,
    kind: OpKind,
    d: &crate::app::ops::state::Dialog,
    r: &Refusal,
) -> Vec<Effect> {
    let params = ops::plan::ask(state, d).params();
    refused(state, kind, d.env, params, r)
}

/// `kind` on environment `env` refused, `params` the operator's input as the audit log records
/// it: said in the status bar naming the action and the environment (a warning for nothing to
/// do, else an error), and audited as the environment's caller.
pub(in crate::app) fn refused(
    state: &mut State,
    kind: OpKind,
    env: usize,
    params: serde_json::Value,
    r: &Refusal,
) -> Vec<Effect> {
    let name = state.envs.get(env).map_or("", |e| e.spec.name.as_str());
    let name = name.to_string();
    let level = if r.class == ExitClass::NothingToDo {
        Level::Warn
    } else {
        Level::Error
    };
    state.say(level, format!("{} {name}: {}", kind.name(), r.reason));
    let entry = Entry::refused(kind, &name, params, state.identity_of(env), state.now, r);
    vec![ops::dialog::audit(state, entry)]
}

/// The execution of the deploy the release-health panel shows on `env`'s traffic, when it is
/// open: its `B` rolls back to the execution before that deploy.
fn judged_deploy(state: &State, env: usize) -> Option<String> {
    let t = &state.traffic;
    if state.view != View::Traffic || t.env != env || t.detail || !t.marks.open {
        return None;
    }
    state
        .selected_marker()
        .filter(|m| m.kind.is_deploy())
        .map(|m| m.execution)
}

/// Whether the execution a stop acts on (`chosen`, else the newest running) is being stopped
/// already.
fn stopping(state: &State, env: usize, chosen: Option<&str>) -> bool {
    state.envs.get(env).is_some_and(|e| {
        e.executions
            .iter()
            .find(|x| chosen.map_or(x.status.is_active(), |id| x.id == id))
            .is_some_and(|x| x.status == crate::domain::ExecutionStatus::Stopping)
    })
}

/// The running execution of `env` the operator has in front of them: the one opened from the
/// pipeline history, or the history's selected row, when it runs.
fn shown_running(state: &State, env: usize) -> Option<String> {
    if state.view != View::Pipeline || state.selected != env {
        return None;
    }
    let e = state.envs.get(env)?;
    let shown = match &state.execution {
        Some(open) if open.env == env => Some(&open.execution.id),
        Some(_) => None,
        None => (state.visible_history().contains(&state.history_row))
            .then(|| e.executions.get(state.history_row).map(|x| &x.id))
            .flatten(),
    }?;
    // Its status as the history lists it now (the opened detail keeps the one it was opened
    // with).
    (e.executions.iter())
        .find(|x| &x.id == shown && x.status.is_active())
        .map(|x| x.id.clone())
}

/// The one call answered: show it, refresh the environment at once, watch for the change.
pub(in crate::app) fn applied(
    state: &mut State,
    request: crate::app::RequestId,
    outcome: Outcome,
    audit_error: Option<String>,
) -> Vec<Effect> {
    let Some(inflight) = state.ops.inflight.take_if(|f| f.request == request) else {
        return Vec::new();
    };
    let plan = inflight.plan;
    let head = format!("{} {}", plan.kind.name(), plan.environment);
    let (level, text) = match outcome.class {
        _ if outcome.delivery == crate::ops::Delivery::Cancelled => {
            (Level::Warn, format!("{head}: {}", outcome.message))
        }
        ExitClass::Done => (
            Level::Info,
            format!("{head}: {} — watching…", outcome.message),
        ),
        ExitClass::NothingToDo => (
            Level::Warn,
            format!("{head}: {} (nothing sent)", outcome.message),
        ),
        ExitClass::Refused => (
            Level::Error,
            format!("{head}: {} (nothing sent; refreshing)", outcome.message),
        ),
        ExitClass::Failed => (Level::Error, format!("{head}: {}", outcome.message)),
    };
    state.say(level, text);
    if let Some(e) = audit_error {
        state.say(Level::Error, format!("{head}: audit log not written: {e}"));
    }
    if let Some(d) = state
        .ops
        .dialog
        .as_mut()
        .filter(|d| d.phase == Phase::Sending(request))
    {
        d.phase = Phase::Done(outcome.clone());
    }
    if outcome.class == ExitClass::Done {
        // Every done call is followed until its change shows, it fails, or the limit passes.
        let limit = crate::ops::plan::follow::default_limit(&plan.request);
        let on_github = matches!(
            plan.request,
            crate::ops::Request::Dispatch { .. } | crate::ops::Request::Run { .. }
        );
        state.ops.watch = Some(Watch {
            plan,
            execution_id: outcome.execution_id.clone(),
            reference: outcome.reference.clone(),
            env: inflight.env,
            until: state.now + limit,
            reading: None,
            invalidation: None,
            github: on_github.then(|| GitHubWatch {
                trail: crate::ops::plan::follow_workflow::Trail::of(&outcome),
                due: state.now,
                looking: None,
            }),
        });
    }
    if let Some(e) = state.envs.get_mut(inflight.env) {
        e.refresh.next_poll = state.now;
        e.distribution_due = state.now;
    }
    let mut fx = poll::due(state);
    fx.extend(ops::workflow::tick(state));
    if state.view == View::Audit {
        fx.extend(ops::audit::read_audit(state));
    }
    fx
}

/// Opens the re-run or cancel dialog of `run` (shipping to environment `env`), pinned to the run
/// as listed; a refusal (nothing to do, no token, read-only) goes to the status bar and the
/// audit log instead: the dialog has no field that could change it.
pub(in crate::app) fn open_run(
    state: &mut State,
    kind: OpKind,
    env: usize,
    run: crate::ops::plan::runs::RunRead,
) -> Vec<Effect> {
    if state.envs.get(env).is_none() {
        return Vec::new();
    }
    let nonce = state.next_request;
    let mut d = ops::dialog::new(state, kind, env, nonce, None);
    // A run that did not fail has no failed jobs: re-running it re-runs every job.
    d.toggle = kind == OpKind::Rerun && !run.run.failed();
    d.run = Some(run);
    d.planned = ops::plan::plan(state, &d);
    d.pinned = d.target().cloned();
    if let Err(r) = &d.planned {
        let r = r.clone();
        return refused_at_once(state, kind, &d, &r);
    }
    state.overlay = None;
    state.take_request();
    state.ops.dialog = Some(d);
    Vec::new()
}
