//! Help and footer hints generated from the keymap, so what is shown is what is bound; the
//! footer lists the actions that apply where the operator is, in the state shown.

use super::keymap::{KeyMode, Keymap};
use super::render::{HelpEntry, Hints};
use crate::app::{Action, State, View};
use crate::domain::ExecutionStatus;
use std::collections::BTreeMap;

/// The hints for a keymap.
pub fn hints(keymap: &Keymap) -> Hints {
    let help = keymap
        .bindings()
        .iter()
        .map(|b| HelpEntry {
            keys: b.keys.join(" "),
            action: b.action.clone(),
            desc: b.desc.clone(),
            context: match b.mode {
                KeyMode::Normal => "views".to_string(),
                KeyMode::Input => "typing".to_string(),
                KeyMode::Dialog => "dialog".to_string(),
                KeyMode::Logs => "log views".to_string(),
            },
        })
        .collect();
    let mut keys = BTreeMap::new();
    for b in keymap.bindings() {
        if let Some(first) = b.keys.first() {
            keys.insert((b.mode, b.action.clone()), first.clone());
        }
    }
    let tabs = View::ALL
        .iter()
        .filter_map(|view| {
            let name = Action::bindable_names()
                .find(|n| Action::bindable(n) == Some(Action::Show(*view)))?;
            let key = keymap.first_key(KeyMode::Normal, name)?;
            Some((*view, key.to_string()))
        })
        .collect();
    Hints { help, keys, tabs }
}

/// The pipeline facts that decide which actions apply to an environment.
struct Facts {
    approval: bool,
    failed: bool,
    running: bool,
    frozen: bool,
}

/// What applies to the environment the actions would act on (in the inbox, the selected
/// approval's).
fn facts(state: &State) -> Option<Facts> {
    let env = match state.view {
        View::Approvals => {
            let a = state
                .visible_approvals()
                .into_iter()
                .nth(state.approval_row)?;
            state.envs.get(state.env_index(&a.environment)?)?
        }
        _ => state.selected_env()?,
    };
    Some(Facts {
        // An approval the self-approval guard refuses the operator is not theirs to answer.
        approval: !env.approvals().is_empty()
            && !state.approval_refused_as_own(state.env_index(&env.spec.name)?),
        failed: env
            .executions
            .first()
            .is_some_and(|e| e.status == ExecutionStatus::Failed),
        running: env.executions.iter().any(|e| e.status.is_active()),
        frozen: env
            .state
            .as_ref()
            .is_some_and(|s| s.stages.iter().any(|st| !st.inbound.enabled)),
    })
}

/// The actions on the environment that apply in its state: answer a pending approval; retry,
/// read the build log of or roll back a failed execution; stop a running one; unfreeze.
fn ops(state: &State) -> Vec<(&'static str, &'static str)> {
    let Some(f) = facts(state) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if f.approval {
        out.extend([("approve", "approve"), ("reject", "reject")]);
    }
    if f.failed {
        out.extend([
            ("build_log", "build log"),
            ("retry", "retry"),
            ("rollback", "roll back"),
        ]);
    }
    if f.running && !f.approval {
        out.push(("stop", "stop"));
    }
    if f.frozen {
        out.push(("freeze", "unfreeze"));
    }
    // Read-only (the session's keymap has no action keys; an environment's is said here).
    let read_only = state.read_only_here();
    out.retain(|(a, _)| !(read_only && Action::is_mutating_name(a)));
    out
}

/// The footer's actions for where the operator is: `(action, label)`, most useful first (what
/// does not fit is left out from the end): the actions that apply, opening the selection, the
/// help, then moving about.
fn actions(state: &State) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let mut rest: Vec<(&'static str, &'static str)> = Vec::new();
    // The detail pane on screen is taller than its room.
    let scrolls = match (state.pane_subject(), &state.pane.max) {
        (Some(subject), Some(m)) => m.subject == subject && m.rows > 0,
        _ => false,
    };
    if scrolls {
        rest.push(("pane_down", "scroll detail"));
    }
    match state.view {
        View::Environments => {
            out.extend(ops(state));
            out.push(("open", "pipeline"));
            if !state.approvals().is_empty() {
                out.push(("approvals", "inbox"));
            }
            // Its traffic at a glance comes from the Traffic view's read.
            if state.selected_env().is_some_and(|e| e.glance.is_none()) {
                out.push(("traffic", "read traffic"));
            }
            rest.extend([
                ("next_env", "env"),
                ("filter", "filter"),
                ("command", "cmd"),
            ]);
        }
        View::Pipeline if state.execution.is_some() => {
            let env = state.execution.as_ref().map_or(state.selected, |d| d.env);
            let log = state
                .execution_run()
                .and_then(|run| state.build_log_of(env, run))
                .is_some();
            if log {
                out.push(("build_log", "build log"));
            }
            out.push(("back", "back"));
            rest.extend([("down", "next run"), ("refresh", "read again")]);
        }
        View::Pipeline => {
            out.extend(ops(state));
            // A stage condition in progress holds an execution: it can be overridden.
            let held = state
                .selected_env()
                .and_then(|e| e.state.as_ref())
                .and_then(crate::ops::plan::override_condition::default_target)
                .is_some();
            if held && !state.read_only_here() {
                out.push(("override", "override"));
            }
            if !state.visible_history().is_empty() {
                out.push(("open", "execution"));
            }
            rest.extend([("next_env", "env"), ("logs", "logs"), ("filter", "filter")]);
        }
        View::Approvals if state.visible_approvals().is_empty() => {
            rest.push(("environments", "home"));
        }
        View::Approvals => {
            out.extend(ops(state));
            out.push(("open", "pipeline"));
            rest.extend([("down", "next"), ("filter", "filter")]);
        }
        View::Logs => {
            // A finished job's log is whole: nothing comes to follow.
            if !state.logs.job.as_ref().is_some_and(|j| j.done()) {
                out.push(("follow", "follow/pause"));
            }
            out.push(("search", "search"));
            rest.extend([
                ("search_next", "next"),
                ("filter", "filter"),
                ("detail", "detail"),
            ]);
            // A job's log goes back to its run; CloudWatch events follow the environment.
            rest.push(if state.logs.job.is_some() {
                ("back", "runs")
            } else {
                ("next_env", "env")
            });
        }
        View::Traffic => {
            out.extend([
                ("follow", "follow/pause"),
                ("filter", "filter"),
                ("impact", "release health"),
                ("marker", "marker"),
            ]);
            rest.extend([
                ("search", "search"),
                ("detail", "detail"),
                ("preset", "range"),
                ("export", "export"),
            ]);
        }
        View::Audit => rest.extend([("down", "scroll"), ("filter", "filter"), ("back", "home")]),
        View::Runs if state.runs.open.is_some() => {
            out.extend(run_ops(state));
            if state.runs.open_jobs() > 0 {
                out.push(("open", "job log"));
                rest.push(("down", "next job"));
            }
            out.push(("back", "runs"));
            rest.push(("refresh", "read again"));
        }
        View::Runs => {
            out.extend(run_ops(state));
            if !state.runs.rows().is_empty() {
                out.push(("open", "jobs"));
            }
            rest.extend([
                ("down", "next"),
                ("refresh", "read again"),
                ("back", "home"),
            ]);
        }
        View::Attention => {
            if !crate::app::attention::rows(state).is_empty() {
                out.push(("open", "pipeline"));
            }
            rest.extend([("down", "next"), ("filter", "filter"), ("back", "home")]);
        }
        View::Map => {
            out.push(("open", "explain"));
            rest.extend([
                ("down", "node"),
                ("next_env", "env"),
                ("refresh", "read again"),
            ]);
        }
    }
    out.push(("help", "help"));
    out.extend(rest);
    out.push(("quit", "quit"));
    out
}

impl Hints {
    /// The first key bound to `action` where the current view reads keys (a log view's own
    /// section first), if any.
    pub fn key(&self, state: &State, action: &str) -> Option<&str> {
        let logs = state.view.is_log_view().then_some(KeyMode::Logs);
        logs.into_iter()
            .chain([KeyMode::Normal])
            .find_map(|mode| self.keys.get(&(mode, action.to_string())))
            .map(String::as_str)
    }

    /// The footer's hints for the current view and state: `(key, label)` for each action that
    /// applies and has a key; none while a dialog or the release picker (which show their own
    /// keys) takes the keys.
    pub fn footer(&self, state: &State) -> Vec<(String, String)> {
        if state.ops.dialog.is_some() || state.ops.picker.is_some() {
            return Vec::new();
        }
        actions(state)
            .into_iter()
            .filter_map(|(action, label)| {
                let key = self.key(state, action)?;
                Some((key.to_string(), label.to_string()))
            })
            .collect()
    }
}

/// The Runs view's actions on the selected run: re-run it (the retry key) once completed, cancel
/// it (the stop key) while it runs; none in a read-only session or without a token.
fn run_ops(state: &State) -> Vec<(&'static str, &'static str)> {
    let Some(r) = state.runs.selected() else {
        return Vec::new();
    };
    let writable = state
        .runs
        .read
        .as_ref()
        .is_some_and(|read| read.writable.is_ok());
    if state.session.read_only || !writable {
        return Vec::new();
    }
    let mut out = Vec::new();
    if r.run.conclusion.is_some() {
        out.push(("retry", "re-run"));
    } else {
        out.push(("stop", "cancel"));
    }
    out
}
