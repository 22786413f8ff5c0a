//! Following a release started through the release workflow (pure): the new run to its end,
//! the package it uploaded to the environment's source key (matched by commit), the pipeline
//! execution that ships that package, up to its approval. The CLI's verify and the console's
//! watch both decide here; only how they read and wait differs.

use super::follow::Verdict;
use super::request::{Request, RunAction};
use super::shapes::Outcome;
use crate::domain::github::{Conclusion, Job, RunStatus, WorkflowRun};
use crate::domain::{
    Approval, ExecutionStatus, ExecutionSummary, PipelineDef, PipelineState, SourceObject,
    StageStatus, Timestamp,
};

/// What the watch found so far, carried from one look to the next.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trail {
    /// The newest run of the workflow before the dispatch: the new run is a newer one.
    pub after: Option<u64>,
    /// The new run, once known.
    pub run_id: Option<u64>,
    /// When the new run was created (the package it uploads is written after).
    pub run_created: Option<Timestamp>,
    /// `release.yml run #140 succeeded`, once it did.
    pub run_done: Option<String>,
    /// The package it uploaded: the source object's version id (or ETag), and how it reads.
    pub package: Option<(String, String)>,
}

/// What the watch has to read at its next look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The run (by id), or the workflow's newest runs on the ref (to find it).
    Run,
    /// The environment's source object.
    Package,
    /// The pipeline: definition, state, executions.
    Pipeline,
}

/// What one look read. Parts the [`Need`] does not ask for stay empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkflowSight<'a> {
    /// The followed run, or the workflow's newest runs while it is not known.
    pub runs: &'a [WorkflowRun],
    /// The followed run's jobs (read while it runs and once it failed).
    pub jobs: &'a [Job],
    /// The environment's source object (`None`: none, or not read).
    pub source: Option<&'a SourceObject>,
    /// The pipeline's definition.
    pub def: Option<&'a PipelineDef>,
    /// The pipeline's state.
    pub state: Option<&'a PipelineState>,
    /// The pipeline's newest executions.
    pub executions: &'a [ExecutionSummary],
}

impl Trail {
    /// The trail a watch starts from: what the call's answer said of the new run.
    pub fn of(outcome: &Outcome) -> Trail {
        let new_run = outcome.new_run.unwrap_or_default();
        Trail {
            after: new_run.after,
            run_id: new_run.id,
            ..Trail::default()
        }
    }

    /// What the next look reads.
    pub fn need(&self) -> Need {
        match (&self.run_done, &self.package) {
            (None, _) => Need::Run,
            (Some(_), None) => Need::Package,
            (Some(_), Some(_)) => Need::Pipeline,
        }
    }
}

/// Why a look could not judge: a read failed (unknown, not none), with when GitHub's rate limit
/// resets when it refused the read for that (the follow waits until then instead of asking).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unseen {
    /// What could not be read, and why: `cannot read run 5: …`.
    pub message: String,
    /// When GitHub's rate limit resets, when that was the reason.
    pub limited_until: Option<Timestamp>,
}

impl Unseen {
    /// A read that failed for `message`, not for a rate limit.
    pub fn read(message: impl Into<String>) -> Unseen {
        Unseen {
            message: message.into(),
            limited_until: None,
        }
    }

    /// What a follow says after this look at `now`, and when it looks again: while the rate
    /// limit holds it waits for the reset; past `deadline` it stops with unknown, not failed.
    pub fn hold(&self, now: Timestamp, deadline: Timestamp) -> Hold {
        match self.limited_until.filter(|until| *until > now) {
            Some(until) if until > deadline => Hold::Beyond(format!(
                "unknown: GitHub rate limit: resets at {} UTC, after this follow's limit ({} \
                 UTC): stopped following, nothing was judged (the run goes on: see the Runs \
                 view, `shipdeck runs`, or GitHub)",
                hh_mm(until),
                hh_mm(deadline)
            )),
            Some(until) => Hold::Until(
                until,
                format!("GitHub rate limit: resets at {} UTC; waiting", hh_mm(until)),
            ),
            None => Hold::Now(format!("unknown: {}", self.message)),
        }
    }
}

/// What a follow does after a look that could not judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hold {
    /// Looks again at the usual pace; the note says why this look saw nothing.
    Now(String),
    /// GitHub's rate limit holds: looks again at that time, not before.
    Until(Timestamp, String),
    /// The limit resets after the follow's own limit: it stops, the outcome unknown.
    Beyond(String),
}

/// `HH:MM` of `at` in UTC.
fn hh_mm(at: Timestamp) -> String {
    at.clock().get(..5).unwrap_or("--:--").to_string()
}

/// The new run among `runs`: the oldest dispatched run on `git_ref` newer than `after` (runs
/// started by someone else later are newer still).
pub fn new_run<'a>(
    runs: &'a [WorkflowRun],
    git_ref: &str,
    after: Option<u64>,
) -> Option<&'a WorkflowRun> {
    let branch = git_ref
        .trim_start_matches("refs/heads/")
        .trim_start_matches("refs/tags/");
    runs.iter()
        .filter(|r| r.event == "workflow_dispatch" && r.branch == branch)
        .filter(|r| after.is_none_or(|a| r.id > a))
        .min_by_key(|r| r.id)
}

/// Where a run is: `in_progress (release › Ship)`.
fn where_now(run: &WorkflowRun, jobs: &[Job]) -> String {
    let step = jobs
        .iter()
        .find(|j| j.status == RunStatus::InProgress)
        .map(
            |j| match j.steps.iter().find(|s| s.status == RunStatus::InProgress) {
                Some(s) => format!(" ({} › {})", j.name, s.name),
                None => format!(" ({})", j.name),
            },
        )
        .unwrap_or_default();
    format!("{}{step}", run.status)
}

/// Where a run failed: `release › make ship`.
fn failed_at(jobs: &[Job]) -> Option<String> {
    let job = jobs
        .iter()
        .find(|j| j.conclusion.as_ref().is_some_and(Conclusion::is_failure))?;
    Some(match job.failed_step() {
        Some(s) => format!("{} › {}", job.name, s.name),
        None => job.name.clone(),
    })
}

/// Decides from what one look read; updates the trail with what it found.
pub fn judge(request: &Request, trail: &mut Trail, sight: &WorkflowSight<'_>) -> Verdict {
    let Request::Dispatch {
        workflow,
        git_ref,
        head_sha,
        environment,
        bucket,
        source_key,
        ..
    } = request
    else {
        return Verdict::Failed("not a workflow dispatch".into());
    };
    if trail.run_done.is_none() {
        let run = match trail.run_id {
            Some(id) => sight.runs.iter().find(|r| r.id == id),
            None => new_run(sight.runs, git_ref, trail.after),
        };
        let Some(run) = run else {
            return Verdict::Waiting(format!(
                "GitHub does not list the new run of {workflow} on {git_ref} yet"
            ));
        };
        trail.run_id = Some(run.id);
        trail.run_created = Some(run.created_at);
        let name = format!("{workflow} run #{} ({})", run.run_number, run.id);
        match &run.conclusion {
            Some(Conclusion::Success) => {
                trail.run_done = Some(format!("{name} succeeded"));
            }
            Some(c) => {
                let at = failed_at(sight.jobs)
                    .map(|a| format!(" at {a}"))
                    .unwrap_or_default();
                let next = if c.is_failure() {
                    format!(
                        "; re-run its failed jobs with `shipdeck runs rerun {} --failed`",
                        run.id
                    )
                } else {
                    String::new()
                };
                return Verdict::Failed(format!(
                    "{name} ended {c}{at}: nothing was shipped to {environment}{next}"
                ));
            }
            None => {
                return Verdict::Waiting(format!("{name} is {}", where_now(run, sight.jobs)));
            }
        }
    }
    let done = trail.run_done.clone().unwrap_or_default();
    if trail.package.is_none() {
        let url = format!("s3://{bucket}/{source_key}");
        let Some(object) = sight.source else {
            return Verdict::Waiting(format!("{done}; no package in {url} yet"));
        };
        let release = object.release.as_ref();
        let commit = release.map(|r| r.commit.as_str()).unwrap_or("");
        let by_commit = !commit.is_empty()
            && (head_sha.starts_with(commit) || commit.starts_with(head_sha.as_str()));
        let written_during = trail.run_created.is_some_and(|c| object.last_modified >= c);
        let what = release.map_or_else(
            || "a package naming no release".to_string(),
            |r| format!("{} (commit {})", r.version, r.short_commit()),
        );
        if !by_commit && !written_during {
            return Verdict::Waiting(format!(
                "{done}; {url} still holds {what}, written before the run"
            ));
        }
        let Some(reference) = object.version_id.clone() else {
            return Verdict::Failed(format!(
                "{done}; {url} holds {what}, but the bucket is not versioned: no execution can \
                 be matched to it"
            ));
        };
        let how = if by_commit {
            "matched by commit"
        } else {
            "written by the run; built from an earlier commit than the run's"
        };
        trail.package = Some((reference, format!("{what} in {url} ({how})")));
    }
    let (reference, package) = trail.package.clone().unwrap_or_default();
    let head = format!("{done}; {package}");
    let Some(e) = sight.executions.iter().find(|e| {
        e.source_revisions
            .iter()
            .any(|r| r.revision_id == reference || r.revision_id == reference.trim_matches('"'))
    }) else {
        return Verdict::Waiting(format!("{head}; the pipeline has not started on it yet"));
    };
    let what = format!("execution {}", e.id);
    match e.status {
        ExecutionStatus::Succeeded => return Verdict::Seen(format!("{head}; {what} Succeeded")),
        s if !s.is_active() => {
            let why = e
                .status_summary
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            return Verdict::Failed(format!("{head}; {what} is {}{why}", s.as_str()));
        }
        _ => {}
    }
    if let (Some(def), Some(state)) = (sight.def, sight.state)
        && let Some(a) = Approval::pending(environment, def, state, sight.executions)
            .into_iter()
            .find(|a| a.execution_id == e.id)
    {
        return Verdict::Seen(format!(
            "{head}; {what} waits for approval at {} in {environment}",
            a.stage
        ));
    }
    let running = sight.state.and_then(|s| {
        s.stages.iter().find(|st| {
            st.latest.as_ref().is_some_and(|l| {
                l.pipeline_execution_id == e.id && l.status == StageStatus::InProgress
            })
        })
    });
    if let Some(stage) = running {
        return Verdict::Waiting(format!("{head}; {what} runs {}", stage.name));
    }
    // Between stages: the next one may hold another execution (a pending approval), which
    // this one waits behind.
    let stages = sight.state.map_or(&[][..], |s| s.stages.as_slice());
    let passed = stages.iter().rposition(|st| {
        st.latest
            .as_ref()
            .is_some_and(|l| l.pipeline_execution_id == e.id && l.status == StageStatus::Succeeded)
    });
    let next = passed.map_or(stages.first(), |i| stages.get(i + 1));
    match next {
        Some(st) => {
            let held = st
                .latest
                .as_ref()
                .filter(|l| l.pipeline_execution_id != e.id && l.status == StageStatus::InProgress)
                .map(|l| format!(", which execution {} holds", l.pipeline_execution_id))
                .unwrap_or_default();
            Verdict::Waiting(format!("{head}; {what} waits to enter {}{held}", st.name))
        }
        None => Verdict::Waiting(format!("{head}; {what} is {}", e.status.as_str())),
    }
}

/// A re-run or cancel, from the run as read after the call: a re-run shows as a newer attempt,
/// a cancel as the run completed `cancelled` (or ended otherwise before it took).
pub fn judge_run(request: &Request, run: Option<&WorkflowRun>) -> Verdict {
    let Request::Run {
        run_id,
        attempt,
        change,
        ..
    } = request
    else {
        return Verdict::Failed("not a workflow run change".into());
    };
    let Some(run) = run.filter(|r| r.id == *run_id) else {
        return Verdict::Waiting(format!("run {run_id} is not read yet"));
    };
    let state = run
        .conclusion
        .as_ref()
        .map_or_else(|| run.status.to_string(), ToString::to_string);
    match change {
        RunAction::Rerun | RunAction::RerunFailed if run.run_attempt > *attempt => {
            Verdict::Seen(format!(
                "run {run_id} runs again: attempt {} is {state}",
                run.run_attempt
            ))
        }
        RunAction::Rerun | RunAction::RerunFailed => Verdict::Waiting(format!(
            "run {run_id} shows no new attempt yet (attempt {} is {state})",
            run.run_attempt
        )),
        RunAction::Cancel => match &run.conclusion {
            Some(Conclusion::Cancelled) => Verdict::Seen(format!("run {run_id} is cancelled")),
            Some(c) => Verdict::Failed(format!("run {run_id} ended {c} before the cancel took")),
            None => Verdict::Waiting(format!("run {run_id} is {state}, not cancelled yet")),
        },
    }
}
