//! Re-run a workflow run (its failed jobs, or every job) or cancel it: the run the operator saw,
//! pinned by its id and attempt; the confirmation of the environment the run ships to.

use super::super::guards::{self, Guard};
use super::super::request::RunAction;
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use super::super::text::shell_quote;
use crate::domain::github::{Job, RunStatus, WorkflowRun};
use crate::domain::{EnvSpec, human};
use serde_json::json;

/// What the front end read of a run before planning a change to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRead {
    /// `owner/name`.
    pub repository: String,
    /// The run as read.
    pub run: WorkflowRun,
    /// Its jobs (where it failed), or why they could not be read.
    pub jobs: Result<Vec<Job>, String>,
    /// Whether runs can be changed: `Err` says how to provide a token.
    pub writable: Result<(), String>,
}

/// The environment a run ships to: a run of the release workflow ships to the one protected
/// environment (the first, if several); any other run uploads for the first environment of the
/// promotion chain. `None` when there is none.
pub fn run_target<'a>(
    run: &WorkflowRun,
    release_workflow: &str,
    specs: &'a [EnvSpec],
) -> Option<&'a EnvSpec> {
    if run.workflow == release_workflow {
        specs.iter().find(|s| s.protected).or_else(|| specs.last())
    } else {
        specs
            .iter()
            .find(|s| s.promotes_from.is_none())
            .or_else(|| specs.first())
    }
}

/// The action's kind.
pub fn kind(action: RunAction) -> OpKind {
    match action {
        RunAction::RerunFailed | RunAction::Rerun => OpKind::Rerun,
        RunAction::Cancel => OpKind::Cancel,
    }
}

/// Where a failed run failed: `release › Find release`.
fn failed_at(jobs: &[Job]) -> Option<String> {
    let job = jobs
        .iter()
        .find(|j| j.conclusion.as_ref().is_some_and(|c| c.is_failure()))?;
    Some(match job.failed_step() {
        Some(s) => format!("{} › {}", job.name, s.name),
        None => job.name.clone(),
    })
}

/// Plans `action` on the run read, for the environment it ships to.
pub fn plan(ctx: &Context<'_>, read: &RunRead, action: RunAction) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let run = &read.run;
    let spec = ctx.spec;
    let name = format!("{} run #{} ({})", run.workflow, run.run_number, run.id);
    let state = run
        .conclusion
        .as_ref()
        .map_or_else(|| run.status.to_string(), ToString::to_string);
    let completed = run.status == RunStatus::Completed;
    let target = Target::new(
        format!("run {} attempt {} {state}", run.id, run.run_attempt),
        format!("{name}, attempt {} ({state})", run.run_attempt),
    );
    let what = match action {
        RunAction::RerunFailed => "Re-run the failed jobs of",
        RunAction::Rerun => "Re-run every job of",
        RunAction::Cancel => "Cancel",
    };
    let protected = if spec.protected { " (PROTECTED)" } else { "" };
    let mut summary = vec![
        format!("{what} {name} → {}{protected}", spec.name),
        format!(
            "run:           {state} on {} at {}, {} by {}, attempt {}",
            run.branch,
            run.short_sha(),
            run.event,
            run.actor,
            run.run_attempt
        ),
        format!(
            "started:       {}{}",
            run.run_started_at
                .map_or_else(|| "not yet".to_string(), |t| t.to_string()),
            run.duration(ctx.now)
                .map(|d| format!(" ({})", human(d)))
                .unwrap_or_default()
        ),
    ];
    match &read.jobs {
        Ok(jobs) => {
            if let Some(at) = failed_at(jobs) {
                summary.push(format!("failed at:     {at}"));
            }
        }
        Err(e) => summary.push(format!("jobs:          unknown ({e})")),
    }
    summary.push(format!("page:          {}", run.html_url));
    match action {
        RunAction::RerunFailed if !run.failed() => {
            return Err(Refusal::nothing(format!(
                "{name} did not fail ({state}): no failed jobs to re-run{}",
                if completed {
                    "; `runs rerun` without --failed re-runs every job"
                } else {
                    ""
                }
            )));
        }
        RunAction::Rerun if !completed => {
            return Err(Refusal::nothing(format!(
                "{name} is {state}: it can be re-run once it has completed (cancel it first)"
            )));
        }
        RunAction::Cancel if completed => {
            return Err(Refusal::nothing(format!(
                "{name} has completed ({state}): nothing to cancel"
            )));
        }
        _ => {}
    }
    if let Err(hint) = &read.writable {
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "{} {name} needs a GitHub token: {hint}",
                kind(action).name()
            ),
        ));
    }
    let (operation, gh) = match action {
        RunAction::RerunFailed => ("ReRunWorkflowFailedJobs", "gh run rerun {id} --failed"),
        RunAction::Rerun => ("ReRunWorkflow", "gh run rerun {id}"),
        RunAction::Cancel => ("CancelWorkflowRun", "gh run cancel {id}"),
    };
    let call = ApiCall::new(
        "github",
        operation,
        json!({ "repository": read.repository, "run_id": run.id }),
    );
    let (confirm, confirm_check) = guards::confirmation(ctx);
    Ok(Plan {
        kind: kind(action),
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings: Vec::new(),
        target,
        aws_command: format!(
            "{} --repo {}",
            gh.replace("{id}", &run.id.to_string()),
            shell_quote(&read.repository)
        ),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Run {
            repository: read.repository.clone(),
            run_id: run.id,
            attempt: run.run_attempt,
            change: action,
        },
        note: None,
    })
}
