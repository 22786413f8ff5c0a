//! Following an action after its call: what counts as seen, failed or not yet for each kind of
//! request, decided from what was read (pure). The CLI's `verify` and the console's watch both
//! decide here; only how they read and wait differs.

use super::request::Request;
use crate::cloud::{ApprovalOutcome, Invalidation, InvalidationStatus};
use crate::domain::{
    ActionStatus, ExecutionStatus, ExecutionSummary, Millis, PipelineState, StageStatus,
};
use crate::domain::{ConditionKind, Timestamp};

/// What the call reported that the watch follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Followed<'a> {
    /// The execution the call started or acted on (a deploy's, a rollback's).
    pub execution_id: Option<&'a str>,
    /// Another id it returned: the source object's version (or ETag) a release wrote, the
    /// invalidation's id.
    pub reference: Option<&'a str>,
}

/// What one look read. Parts a request does not need (see [`reads`]) stay empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sight<'a> {
    /// The pipeline's state, when read.
    pub state: Option<&'a PipelineState>,
    /// Executions, newest first: the followed one among them once it is listed.
    pub executions: &'a [ExecutionSummary],
    /// The invalidation, when read.
    pub invalidation: Option<&'a Invalidation>,
}

/// What a request's watch reads at each look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    /// `GetPipelineState`.
    pub state: bool,
    /// The followed execution (`GetPipelineExecution`), or the newest few when it is not known
    /// yet (`ListPipelineExecutions`).
    pub executions: bool,
    /// `GetInvalidation`.
    pub invalidation: bool,
}

/// What a look decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The change shows: the watch ends.
    Seen(String),
    /// The change will not show (the execution failed or was stopped, the stage is gone, there
    /// is nothing to follow): the watch ends.
    Failed(String),
    /// Not yet: what was seen. The watch goes on until its limit.
    Waiting(String),
}

impl Verdict {
    /// What was seen, for the operator.
    pub fn note(&self) -> &str {
        match self {
            Verdict::Seen(n) | Verdict::Failed(n) | Verdict::Waiting(n) => n,
        }
    }

    /// Whether the watch ends here.
    pub fn is_final(&self) -> bool {
        !matches!(self, Verdict::Waiting(_))
    }
}

/// The text of a watch that reached its limit without seeing the change; `last` is what the
/// last look saw.
pub fn not_observed(limit: Millis, last: &str) -> String {
    format!(
        "not observed within {}: {last}",
        crate::domain::human(limit)
    )
}

/// What the watch of `request` reads at each look.
pub fn reads(request: &Request) -> Reads {
    let (state, executions, invalidation) = match request {
        Request::Answer { .. }
        | Request::Start { .. }
        | Request::Promote { .. }
        | Request::Upload { .. }
        | Request::Override { .. } => (true, true, false),
        Request::Stop { .. } | Request::Rollback { .. } => (false, true, false),
        Request::Retry { .. } | Request::Transition { .. } => (true, false, false),
        Request::Invalidate { .. } => (false, false, true),
        // Followed through GitHub first: [`super::follow_workflow`].
        Request::Dispatch { .. } | Request::Run { .. } => (false, false, false),
    };
    Reads {
        state,
        executions,
        invalidation,
    }
}

/// The pipeline `request` acts on, if it acts on one.
pub fn pipeline(request: &Request) -> Option<&str> {
    match request {
        Request::Answer { pipeline, .. }
        | Request::Start { pipeline, .. }
        | Request::Stop { pipeline, .. }
        | Request::Retry { pipeline, .. }
        | Request::Rollback { pipeline, .. }
        | Request::Transition { pipeline, .. }
        | Request::Override { pipeline, .. }
        | Request::Promote { pipeline, .. }
        | Request::Upload { pipeline, .. }
        | Request::Dispatch { pipeline, .. } => Some(pipeline),
        Request::Invalidate { .. } | Request::Run { .. } => None,
    }
}

/// The execution the watch of `request` reads by id, when it knows it before looking (a release
/// finds its execution among the newest instead).
pub fn execution_of<'a>(request: &'a Request, followed: Followed<'a>) -> Option<&'a str> {
    match request {
        Request::Answer { execution_id, .. }
        | Request::Stop { execution_id, .. }
        | Request::Retry { execution_id, .. }
        | Request::Override { execution_id, .. } => Some(execution_id),
        Request::Start { .. } | Request::Rollback { .. } => followed.execution_id,
        _ => None,
    }
}

/// Decides, from what one look read, whether the change `request` makes shows.
pub fn judge(request: &Request, followed: Followed<'_>, sight: &Sight<'_>) -> Verdict {
    match request {
        Request::Answer {
            stage,
            action,
            execution_id,
            outcome,
            ..
        } => answered(sight, stage, action, execution_id, *outcome),
        Request::Start { .. } => match followed.execution_id.or_else(|| newest(sight)) {
            Some(id) => moved_on(sight, id),
            None => Verdict::Waiting("no execution listed yet".into()),
        },
        Request::Promote { pipeline, .. } | Request::Upload { pipeline, .. } => {
            let Some(reference) = followed.reference else {
                return Verdict::Failed("no source object version to follow".into());
            };
            match sight.executions.iter().find(|e| ships(e, reference)) {
                Some(e) => moved_on(sight, &e.id),
                None => Verdict::Waiting(format!(
                    "{pipeline} has not started on the new source object yet"
                )),
            }
        }
        Request::Stop { execution_id, .. } => match status(sight, execution_id) {
            Some(s) if !s.is_active() => {
                Verdict::Seen(format!("execution {execution_id} is {}", s.as_str()))
            }
            Some(s) => Verdict::Waiting(format!("execution {execution_id} is {}", s.as_str())),
            None => Verdict::Waiting(format!("execution {execution_id} is not listed")),
        },
        Request::Retry {
            stage,
            execution_id,
            ..
        } => retried(sight, stage, execution_id),
        Request::Rollback {
            stage,
            target_execution_id,
            ..
        } => {
            let Some(id) = followed.execution_id.or_else(|| newest(sight)) else {
                return Verdict::Waiting(format!("the rollback of {stage} is not listed yet"));
            };
            let what = format!("rollback execution {id} of {stage} to {target_execution_id}");
            match execution(sight, id) {
                Some(e) if e.status == ExecutionStatus::Succeeded => {
                    Verdict::Seen(format!("{what} is Succeeded"))
                }
                Some(e) if !e.status.is_active() => Verdict::Failed(ended(&what, e)),
                Some(e) => Verdict::Waiting(format!("{what} is {}", e.status.as_str())),
                None => Verdict::Waiting(format!("{what} is not listed yet")),
            }
        }
        Request::Transition {
            stage,
            disable_reason,
            ..
        } => {
            let Some(state) = sight.state else {
                return Verdict::Waiting("the pipeline state is not read yet".into());
            };
            let Some(s) = state.stages.iter().find(|s| &s.name == stage) else {
                return Verdict::Failed(format!("stage {stage} is gone"));
            };
            let want = disable_reason.is_none();
            let now = if s.inbound.enabled {
                "enabled"
            } else {
                "disabled (frozen)"
            };
            if s.inbound.enabled == want {
                Verdict::Seen(format!("the transition into {stage} is {now}"))
            } else {
                Verdict::Waiting(format!("the transition into {stage} is still {now}"))
            }
        }
        Request::Override {
            stage,
            execution_id,
            kind,
            ..
        } => overridden(sight, stage, execution_id, *kind),
        Request::Dispatch { .. } | Request::Run { .. } => {
            Verdict::Waiting("followed through GitHub Actions, not the pipeline alone".into())
        }
        Request::Invalidate { .. } => {
            let Some(id) = followed.reference else {
                return Verdict::Failed("no invalidation id to follow".into());
            };
            match sight.invalidation.filter(|i| i.id == id) {
                Some(i) if i.status == InvalidationStatus::Completed => {
                    Verdict::Seen(format!("invalidation {id} is Completed"))
                }
                Some(i) => Verdict::Waiting(format!("invalidation {id} is {}", i.status.as_str())),
                None => Verdict::Waiting(format!("invalidation {id} is not read yet")),
            }
        }
    }
}

fn execution<'a>(sight: &Sight<'a>, id: &str) -> Option<&'a ExecutionSummary> {
    sight.executions.iter().find(|e| e.id == id)
}

fn status(sight: &Sight<'_>, id: &str) -> Option<ExecutionStatus> {
    execution(sight, id).map(|e| e.status)
}

fn newest<'a>(sight: &Sight<'a>) -> Option<&'a str> {
    sight.executions.first().map(|e| e.id.as_str())
}

/// `what is Failed: why` (the execution's status summary, when it has one).
fn ended(what: &str, e: &ExecutionSummary) -> String {
    match e.status_summary.as_deref().filter(|s| !s.is_empty()) {
        Some(why) => format!("{what} is {}: {why}", e.status.as_str()),
        None => format!("{what} is {}", e.status.as_str()),
    }
}

/// Whether `e` ships the object `reference` (its S3 version id, or its ETag).
fn ships(e: &ExecutionSummary, reference: &str) -> bool {
    let bare = reference.trim_matches('"');
    e.source_revisions
        .iter()
        .any(|r| r.revision_id == reference || r.revision_id == bare)
}

/// An answered approval: approved, the execution moves on past the approval's stage; rejected,
/// it ends (Failed).
fn answered(
    sight: &Sight<'_>,
    stage: &str,
    action: &str,
    id: &str,
    outcome: ApprovalOutcome,
) -> Verdict {
    let e = execution(sight, id);
    let stages = sight.state.map_or(&[][..], |s| s.stages.as_slice());
    let at = stages.iter().position(|s| s.name == stage);
    let beyond = stages.iter().skip(at.map_or(0, |i| i + 1)).find_map(|s| {
        let l = s.latest.as_ref()?;
        (l.pipeline_execution_id == id).then_some((s.name.as_str(), l.status))
    });
    let approval = stages
        .iter()
        .find(|s| s.name == stage)
        .and_then(|s| s.actions.iter().find(|a| a.name == action))
        .and_then(|a| a.latest.as_ref())
        .map(|l| l.status);
    let what = format!("execution {id}");
    match (outcome, beyond, e) {
        (ApprovalOutcome::Approved, Some((next, st)), _) => Verdict::Seen(format!(
            "approved; {what} moved on to {next} ({})",
            st.as_str()
        )),
        (ApprovalOutcome::Approved, None, Some(e)) if e.status == ExecutionStatus::Succeeded => {
            Verdict::Seen(format!("approved; {what} is Succeeded"))
        }
        (ApprovalOutcome::Approved, None, Some(e)) if !e.status.is_active() => {
            Verdict::Failed(ended(&what, e))
        }
        (ApprovalOutcome::Rejected, _, Some(e)) if e.status == ExecutionStatus::Succeeded => {
            Verdict::Failed(format!("{what} is Succeeded although rejected"))
        }
        (ApprovalOutcome::Rejected, _, Some(e)) if !e.status.is_active() => {
            Verdict::Seen(format!("rejected; {what} is {}", e.status.as_str()))
        }
        (ApprovalOutcome::Rejected, _, Some(e)) => {
            Verdict::Waiting(format!("rejected; {what} is {}", e.status.as_str()))
        }
        _ => Verdict::Waiting(format!(
            "{what} has not left {stage} yet (approval action {})",
            approval.map_or("unknown", ActionStatus::as_str)
        )),
    }
}

/// A new execution (deploy, release): seen once it passed a stage and runs the next, or ended
/// Succeeded; failed when it ended otherwise.
fn moved_on(sight: &Sight<'_>, id: &str) -> Verdict {
    let what = format!("execution {id}");
    let Some(e) = execution(sight, id) else {
        return Verdict::Waiting(format!("{what} is not listed yet"));
    };
    match e.status {
        ExecutionStatus::Succeeded => return Verdict::Seen(format!("{what} is Succeeded")),
        s if !s.is_active() => return Verdict::Failed(ended(&what, e)),
        _ => {}
    }
    let position: Vec<(&str, StageStatus)> = sight
        .state
        .map_or(&[][..], |s| s.stages.as_slice())
        .iter()
        .filter_map(|s| {
            let l = s.latest.as_ref()?;
            (l.pipeline_execution_id == id).then_some((s.name.as_str(), l.status))
        })
        .collect();
    let done: Vec<&str> = position
        .iter()
        .filter(|(_, s)| *s == StageStatus::Succeeded)
        .map(|(n, _)| *n)
        .collect();
    let running = position
        .iter()
        .find(|(_, s)| *s == StageStatus::InProgress)
        .map(|(n, _)| *n);
    // Held at a stage's entry: in its queue (QUEUED mode), or as its inbound execution.
    let held = sight
        .state
        .map_or(&[][..], |s| s.stages.as_slice())
        .iter()
        .find(|s| {
            s.queued.iter().any(|q| q.pipeline_execution_id == id)
                || s.inbound_execution
                    .as_ref()
                    .is_some_and(|w| w.pipeline_execution_id == id)
        })
        .map(|s| s.name.as_str());
    match (running, held) {
        (Some(stage), _) if !done.is_empty() => Verdict::Seen(format!(
            "{what} passed {} and runs {stage}",
            done.join(", ")
        )),
        (None, Some(stage)) if !done.is_empty() => Verdict::Seen(format!(
            "{what} passed {} and waits to enter {stage}",
            done.join(", ")
        )),
        (Some(stage), _) => Verdict::Waiting(format!("{what} runs {stage}")),
        (None, _) => Verdict::Waiting(format!("{what} waits to enter a stage")),
    }
}

/// A retried stage: seen once the execution runs it again (or it succeeded); the stage taken by
/// a newer execution means the retry will not run.
fn retried(sight: &Sight<'_>, stage: &str, id: &str) -> Verdict {
    let Some(state) = sight.state else {
        return Verdict::Waiting("the pipeline state is not read yet".into());
    };
    let Some(s) = state.stages.iter().find(|s| s.name == stage) else {
        return Verdict::Failed(format!("stage {stage} is gone"));
    };
    match s.latest.as_ref() {
        Some(l) if l.pipeline_execution_id != id => Verdict::Failed(format!(
            "{stage} now runs execution {} instead",
            l.pipeline_execution_id
        )),
        Some(l) if l.status == StageStatus::InProgress => {
            Verdict::Seen(format!("execution {id} runs {stage} again"))
        }
        Some(l) if l.status == StageStatus::Succeeded => {
            Verdict::Seen(format!("execution {id} passed {stage} on the retry"))
        }
        _ => Verdict::Waiting(format!("{stage} has not restarted yet")),
    }
}

/// An overridden condition: seen once the execution it held entered the stage (beforeEntry) or
/// passed it (onSuccess), moved on past it, or ended Succeeded; failed when it ended otherwise.
fn overridden(sight: &Sight<'_>, stage: &str, id: &str, kind: ConditionKind) -> Verdict {
    let Some(state) = sight.state else {
        return Verdict::Waiting("the pipeline state is not read yet".into());
    };
    let Some(at) = state.stages.iter().position(|s| s.name == stage) else {
        return Verdict::Failed(format!("stage {stage} is gone"));
    };
    let what = format!("execution {id}");
    if let Some(e) = execution(sight, id) {
        match e.status {
            ExecutionStatus::Succeeded => return Verdict::Seen(format!("{what} is Succeeded")),
            s if !s.is_active() => return Verdict::Failed(ended(&what, e)),
            _ => {}
        }
    }
    let here = state.stages[at]
        .latest
        .as_ref()
        .filter(|l| l.pipeline_execution_id == id)
        .map(|l| l.status);
    let beyond = state.stages.iter().skip(at + 1).find_map(|s| {
        let l = s.latest.as_ref()?;
        (l.pipeline_execution_id == id).then_some(s.name.as_str())
    });
    let k = kind.as_str();
    match (kind, here, beyond) {
        (_, _, Some(next)) => {
            Verdict::Seen(format!("{what} passed {stage} and moved on to {next}"))
        }
        (ConditionKind::BeforeEntry, Some(st), None) => {
            Verdict::Seen(format!("{what} entered {stage} ({})", st.as_str()))
        }
        (ConditionKind::OnSuccess, Some(StageStatus::Succeeded), None) => {
            Verdict::Seen(format!("{what} passed {stage}"))
        }
        _ => Verdict::Waiting(format!(
            "{what} is still held by the {k} condition of {stage}"
        )),
    }
}

/// How long `verify` (and the console's watch) follows each kind of change by default.
pub fn default_limit(request: &Request) -> Millis {
    match request {
        Request::Stop { abandon: false, .. } | Request::Dispatch { .. } => 30 * Timestamp::MINUTE,
        Request::Invalidate { .. } => 20 * Timestamp::MINUTE,
        Request::Promote { .. } | Request::Upload { .. } | Request::Rollback { .. } => {
            15 * Timestamp::MINUTE
        }
        _ => 10 * Timestamp::MINUTE,
    }
}
