//! Workflow runs, jobs, steps and commits as GitHub's REST API describes them, and the changes
//! an operator can ask for.

use crate::domain::Timestamp;
use std::collections::BTreeMap;
use std::fmt;

/// Where a run, job or step is (`status`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// `requested`.
    Requested,
    /// `queued`.
    Queued,
    /// `pending`.
    Pending,
    /// `waiting` (for a deployment protection rule or approval).
    Waiting,
    /// `in_progress`.
    InProgress,
    /// `completed`: see the conclusion.
    Completed,
    /// A value this version does not know, kept as GitHub wrote it.
    Other(String),
}

impl RunStatus {
    /// Reads GitHub's `status` string.
    pub fn from_api(text: &str) -> RunStatus {
        match text {
            "requested" => RunStatus::Requested,
            "queued" => RunStatus::Queued,
            "pending" => RunStatus::Pending,
            "waiting" => RunStatus::Waiting,
            "in_progress" => RunStatus::InProgress,
            "completed" => RunStatus::Completed,
            other => RunStatus::Other(other.to_string()),
        }
    }

    /// GitHub's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            RunStatus::Requested => "requested",
            RunStatus::Queued => "queued",
            RunStatus::Pending => "pending",
            RunStatus::Waiting => "waiting",
            RunStatus::InProgress => "in_progress",
            RunStatus::Completed => "completed",
            RunStatus::Other(s) => s,
        }
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a completed run, job or step ended (`conclusion`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Conclusion {
    /// `success`.
    Success,
    /// `failure`.
    Failure,
    /// `cancelled`.
    Cancelled,
    /// `skipped`.
    Skipped,
    /// `timed_out`.
    TimedOut,
    /// `action_required`.
    ActionRequired,
    /// `neutral`.
    Neutral,
    /// `startup_failure`.
    StartupFailure,
    /// A value this version does not know, kept as GitHub wrote it.
    Other(String),
}

impl Conclusion {
    /// Reads GitHub's `conclusion` string.
    pub fn from_api(text: &str) -> Conclusion {
        match text {
            "success" => Conclusion::Success,
            "failure" => Conclusion::Failure,
            "cancelled" => Conclusion::Cancelled,
            "skipped" => Conclusion::Skipped,
            "timed_out" => Conclusion::TimedOut,
            "action_required" => Conclusion::ActionRequired,
            "neutral" => Conclusion::Neutral,
            "startup_failure" => Conclusion::StartupFailure,
            other => Conclusion::Other(other.to_string()),
        }
    }

    /// GitHub's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Conclusion::Success => "success",
            Conclusion::Failure => "failure",
            Conclusion::Cancelled => "cancelled",
            Conclusion::Skipped => "skipped",
            Conclusion::TimedOut => "timed_out",
            Conclusion::ActionRequired => "action_required",
            Conclusion::Neutral => "neutral",
            Conclusion::StartupFailure => "startup_failure",
            Conclusion::Other(s) => s,
        }
    }

    /// Whether it ended badly (failure, timed out, startup failure): what a re-run is for.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Conclusion::Failure | Conclusion::TimedOut | Conclusion::StartupFailure
        )
    }
}

impl fmt::Display for Conclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One run of a workflow (`GET /repos/{owner}/{repo}/actions/workflows/{file}/runs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRun {
    /// The run's id.
    pub id: u64,
    /// The workflow's file name, e.g. `release.yml` (from `path`).
    pub workflow: String,
    /// The workflow's or run's display name.
    pub name: String,
    /// The run number within the workflow.
    pub run_number: u64,
    /// The attempt (1, then one more per re-run).
    pub run_attempt: u32,
    /// Where it is.
    pub status: RunStatus,
    /// How it ended, once completed.
    pub conclusion: Option<Conclusion>,
    /// The branch it ran on (`head_branch`).
    pub branch: String,
    /// The commit it ran (`head_sha`).
    pub head_sha: String,
    /// Who started it (`actor.login`); for a re-run, `triggering_actor` is the one who re-ran.
    pub actor: String,
    /// What started it: `push`, `workflow_dispatch`, …
    pub event: String,
    /// When the run was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When the latest attempt started.
    pub run_started_at: Option<Timestamp>,
    /// The run's page on GitHub.
    pub html_url: String,
}

impl WorkflowRun {
    /// The short commit (7 characters).
    pub fn short_sha(&self) -> &str {
        self.head_sha.get(..7).unwrap_or(&self.head_sha)
    }

    /// How long it ran: from the attempt's start to its last update once completed, or to `now`.
    pub fn duration(&self, now: Timestamp) -> Option<i64> {
        let start = self.run_started_at?;
        let end = if self.status == RunStatus::Completed {
            self.updated_at
        } else {
            now
        };
        Some(end.since(start).max(0))
    }

    /// Whether it ended badly.
    pub fn failed(&self) -> bool {
        self.conclusion.as_ref().is_some_and(Conclusion::is_failure)
    }
}

/// One step of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based position in the job.
    pub number: u32,
    /// The step's name.
    pub name: String,
    /// Where it is.
    pub status: RunStatus,
    /// How it ended.
    pub conclusion: Option<Conclusion>,
    /// When it started.
    pub started_at: Option<Timestamp>,
    /// When it ended.
    pub completed_at: Option<Timestamp>,
}

/// One job of a run (`GET /repos/{owner}/{repo}/actions/runs/{id}/jobs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The job's id (its log is read by it).
    pub id: u64,
    /// The run it belongs to.
    pub run_id: u64,
    /// The job's name.
    pub name: String,
    /// Where it is.
    pub status: RunStatus,
    /// How it ended.
    pub conclusion: Option<Conclusion>,
    /// When it started.
    pub started_at: Option<Timestamp>,
    /// When it ended.
    pub completed_at: Option<Timestamp>,
    /// Its steps, in order.
    pub steps: Vec<Step>,
    /// The job's page on GitHub.
    pub html_url: String,
}

impl Job {
    /// The first step that ended badly, if the job failed.
    pub fn failed_step(&self) -> Option<&Step> {
        self.steps
            .iter()
            .find(|s| s.conclusion.as_ref().is_some_and(Conclusion::is_failure))
    }
}

/// A commit as a history list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubCommit {
    /// The full sha.
    pub sha: String,
    /// The first line of the message.
    pub message: String,
    /// The author (GitHub login when known, else the git author name).
    pub author: String,
    /// The author date.
    pub date: Timestamp,
}

impl GitHubCommit {
    /// The short sha (7 characters).
    pub fn short_sha(&self) -> &str {
        self.sha.get(..7).unwrap_or(&self.sha)
    }
}

/// `GET /repos/{owner}/{repo}/compare/{base}...{head}`: how `head` stands against `base`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// `ahead`, `behind`, `identical` or `diverged`.
    pub status: String,
    /// Commits in `head` not in `base`.
    pub ahead_by: u32,
    /// Commits in `base` not in `head`.
    pub behind_by: u32,
    /// The commits `head` has that `base` has not, oldest first (GitHub lists at most 250).
    pub commits: Vec<GitHubCommit>,
}

/// `POST /repos/{owner}/{repo}/actions/workflows/{file}/dispatches`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchRequest {
    /// The workflow's file name, e.g. `release.yml`.
    pub workflow: String,
    /// The branch or tag to run it on.
    pub git_ref: String,
    /// The inputs, by name (checked against the workflow's declared inputs first).
    pub inputs: BTreeMap<String, String>,
}

/// What GitHub answered to a dispatch: the run it created when it says so (`return_run_details`),
/// and its own time of the answer (the `Date` header), after which the new run was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dispatched {
    /// The new run's id (`workflow_run_id`); `None` from a server that does not return it.
    pub run_id: Option<u64>,
    /// GitHub's time of the answer, to the second; `None` without a `Date` header.
    pub at: Option<Timestamp>,
}

/// A change to GitHub Actions an operator asks for, as data: what a plan shows and apply sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunChange {
    /// Start a workflow (`workflow_dispatch`).
    Dispatch(DispatchRequest),
    /// Re-run the failed jobs of a run (and the jobs that depend on them).
    RerunFailed {
        /// The run.
        run_id: u64,
    },
    /// Re-run every job of a run.
    Rerun {
        /// The run.
        run_id: u64,
    },
    /// Cancel a queued or running run.
    Cancel {
        /// The run.
        run_id: u64,
    },
}
