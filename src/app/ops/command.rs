//! The `:` commands of the console's actions (`:approve`, `:deploy prd`, `:audit`, …) and their
//! completion, hidden in read-only sessions.

use crate::app::{Effect, Level, State, complete, complete_system, ops};
use crate::ops::OpKind;

/// The action commands: word, kind, description.
pub const OP_COMMANDS: &[(&str, OpKind, &str)] = &[
    (
        "approve",
        OpKind::Approve,
        "approve the pending approval: approve [ENV]",
    ),
    (
        "reject",
        OpKind::Reject,
        "reject the pending approval: reject [ENV]",
    ),
    (
        "deploy",
        OpKind::Deploy,
        "start a new execution: deploy [ENV]",
    ),
    (
        "stop",
        OpKind::Stop,
        "stop a running execution (default: the newest): stop [ENV] [EXECUTION]",
    ),
    (
        "retry",
        OpKind::Retry,
        "retry the failed stage: retry [ENV]",
    ),
    (
        "rollback",
        OpKind::Rollback,
        "roll the deploy stage back: rollback [ENV]",
    ),
    (
        "freeze",
        OpKind::Freeze,
        "freeze the environment: freeze [ENV]",
    ),
    (
        "unfreeze",
        OpKind::Unfreeze,
        "unfreeze the environment: unfreeze [ENV]",
    ),
    (
        "override",
        OpKind::Override,
        "override the stage condition in progress: override [ENV] [STAGE]",
    ),
    (
        "invalidate",
        OpKind::Invalidate,
        "invalidate CloudFront paths: invalidate [ENV]",
    ),
    (
        "release",
        OpKind::Release,
        "the release workflow, or a package: release [ENV] [VERSION]",
    ),
];

/// The audit view command.
pub const AUDIT_COMMAND: (&str, &str) = ("audit", "the audit log of mutating actions");

/// Every `:` command with its one-line description, in the help screen's order: the view
/// commands, `audit`, then the action commands unless mutating actions are disabled.
pub fn command_help(read_only: bool) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = crate::app::COMMANDS.to_vec();
    out.push(AUDIT_COMMAND);
    if !read_only {
        out.extend(OP_COMMANDS.iter().map(|(w, _, d)| (*w, *d)));
    }
    out
}

/// The description of a command word (a view, `audit` or an action command).
pub fn describe(word: &str) -> Option<&'static str> {
    command_help(false)
        .into_iter()
        .find(|(w, _)| *w == word)
        .map(|(_, d)| d)
}

/// Completions of the command line: the view commands, `audit`, and the action commands unless
/// mutating actions are disabled.
pub fn completions(read_only: bool, line: &str, envs: &[&str], systems: &[&str]) -> Vec<String> {
    let mut out = complete(line, envs);
    out.extend(complete_system(line, systems));
    let words: Vec<&str> = line.split_whitespace().collect();
    let trailing = line.ends_with(' ');
    let mut words_of: Vec<&str> = vec![AUDIT_COMMAND.0];
    if !read_only {
        words_of.extend(OP_COMMANDS.iter().map(|(w, _, _)| *w));
    }
    match (words.as_slice(), trailing) {
        ([], _) => out.extend(words_of.iter().map(|w| w.to_string())),
        ([first], false) => out.extend(
            words_of
                .iter()
                .filter(|w| w.starts_with(first))
                .map(|w| w.to_string()),
        ),
        ([first], true) | ([first, _], false)
            if *first != AUDIT_COMMAND.0 && words_of.contains(first) =>
        {
            let partial = words.get(1).copied().unwrap_or("");
            out.extend(
                envs.iter()
                    .filter(|e| e.starts_with(partial))
                    .map(|e| format!("{first} {e}")),
            );
        }
        _ => {}
    }
    out
}

/// Runs an action command; `None` when the line is not one.
pub(in crate::app) fn run(state: &mut State, line: &str) -> Option<Vec<Effect>> {
    let mut words = line.split_whitespace();
    let word = words.next()?;
    if word == AUDIT_COMMAND.0 {
        if let Some(extra) = words.next() {
            state.say(
                Level::Error,
                format!(":{line}: unexpected `{extra}`; expected audit"),
            );
            return Some(Vec::new());
        }
        return Some(ops::audit::show_audit(state));
    }
    let (_, kind, _) = OP_COMMANDS.iter().find(|(w, _, _)| *w == word)?;
    let env = words.next();
    // The second word: a release's version, an override's stage, the execution to stop.
    let second = if matches!(*kind, OpKind::Release | OpKind::Override | OpKind::Stop) {
        words.next().map(str::to_string)
    } else {
        None
    };
    if let Some(extra) = words.next() {
        let usage = match *kind {
            OpKind::Release => " [ENV] [VERSION]",
            OpKind::Override => " [ENV] [STAGE]",
            OpKind::Stop => " [ENV] [EXECUTION]",
            _ => " [ENV]",
        };
        state.say(
            Level::Error,
            format!(":{line}: unexpected `{extra}`; expected {word}{usage}"),
        );
        return Some(Vec::new());
    }
    let target = match env {
        None => ops::update::Target::Shown,
        Some(name) => match state.env_index(name) {
            Some(i) => ops::update::Target::Named(i),
            None => {
                let names: Vec<&str> = state.envs.iter().map(|e| e.spec.name.as_str()).collect();
                state.say(
                    Level::Error,
                    format!(
                        ":{line}: unknown environment `{name}`; expected one of {}",
                        names.join(", ")
                    ),
                );
                return Some(Vec::new());
            }
        },
    };
    // Selected only if its dialog opens: a refused command leaves the operator where they were.
    let mut fx = ops::update::open(state, *kind, target, second);
    fx.extend(crate::app::poll::due(state));
    Some(fx)
}
