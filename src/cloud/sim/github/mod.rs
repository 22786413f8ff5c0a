//! The simulated GitHub repository: the commit history of `main`, and the runs of the `deploy`
//! (every push: build, test, upload the release package) and `release` (dispatched by a
//! release manager: ship a release to the protected environment) workflows, with their jobs,
//! steps and logs. Runs are planned when they start; what a reader sees is their plan cut at
//! the simulated "now", so they progress with the simulator's clock and nothing is random at
//! read time. GitHub has its own random stream, so the AWS side is the same with or without it.

mod actions;
mod history;
mod logs;
mod port;
mod workflows;

pub use port::{OPERATOR_LOGIN, SimGitHub};
pub use workflows::{DEPLOY_YML, RELEASE_YML};

use super::rng::Rng;
use crate::domain::Timestamp;
use crate::domain::github::{Conclusion, GitHubCommit, Job, RunStatus, Step, WorkflowRun};
use std::collections::{BTreeMap, VecDeque};

/// The two workflows the simulator runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Workflow {
    /// `deploy.yml`: on every push to `main`, and by hand.
    Deploy,
    /// `release.yml`: by hand only.
    Release,
}

impl Workflow {
    fn file(self) -> &'static str {
        match self {
            Workflow::Deploy => "deploy.yml",
            Workflow::Release => "release.yml",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Workflow::Deploy => "deploy",
            Workflow::Release => "release",
        }
    }
}

/// How a planned step ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedStep {
    pub name: String,
    pub start: Timestamp,
    pub end: Timestamp,
    /// `Success`, `Failure` or `Skipped` (a skipped step takes no time).
    pub conclusion: Conclusion,
    /// Log lines the step prints (after its `##[group]` line).
    pub output: Vec<String>,
}

/// A job of one attempt; a job with no steps was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedJob {
    pub id: u64,
    pub name: String,
    pub steps: Vec<PlannedStep>,
}

impl PlannedJob {
    fn start(&self) -> Option<Timestamp> {
        self.steps.first().map(|s| s.start)
    }

    fn end(&self) -> Option<Timestamp> {
        self.steps.last().map(|s| s.end)
    }

    fn failed(&self) -> bool {
        self.steps
            .iter()
            .any(|s| s.conclusion == Conclusion::Failure)
    }
}

/// One attempt of a run: its jobs, planned from its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attempt {
    pub started: Timestamp,
    pub jobs: Vec<PlannedJob>,
    /// Who started this attempt.
    pub actor: String,
}

impl Attempt {
    /// When the last job ends.
    pub(crate) fn end(&self) -> Timestamp {
        self.jobs
            .iter()
            .filter_map(PlannedJob::end)
            .max()
            .unwrap_or(self.started)
    }
}

/// What a successful run does to the AWS side when it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Nothing more (history runs already did theirs).
    None,
    /// Publish the run's commit as a new release to the first environment.
    Publish,
    /// Ship release `version` to environment `env`; `package`: the release the run packaged
    /// from its commit, which no deploy run had built (written under the release prefix first).
    Ship {
        env: usize,
        version: String,
        package: Option<crate::domain::Release>,
    },
}

/// A workflow run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SimRun {
    pub id: u64,
    pub workflow: Workflow,
    pub number: u64,
    pub sha: String,
    pub branch: String,
    pub event: String,
    pub actor: String,
    pub created: Timestamp,
    pub attempts: Vec<Attempt>,
    /// When it was cancelled, if it was.
    pub cancelled: Option<Timestamp>,
    pub effect: Effect,
    /// The inputs it was dispatched with.
    pub inputs: BTreeMap<String, String>,
    /// The version its jobs name (the release it builds or ships).
    pub version: String,
    /// Whether its deployer image changed (deploy runs).
    pub image_changed: bool,
}

/// A commit of `main`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SimCommit {
    pub sha: String,
    pub message: String,
    pub author: String,
    pub date: Timestamp,
}

/// GitHub's state in the simulator.
#[derive(Debug, Clone)]
pub(crate) struct GitHubSim {
    pub rng: Rng,
    /// `main`'s history, oldest first (some may lie after "now": not pushed yet).
    pub commits: Vec<SimCommit>,
    pub runs: Vec<SimRun>,
    next_run_id: u64,
    next_job_id: u64,
    numbers: [u64; 2],
    /// When the newest commit before the next release was pushed.
    pub last_push: Option<Timestamp>,
    /// Errors the next calls answer, by operation (tests).
    pub forced: BTreeMap<String, VecDeque<crate::cloud::CloudError>>,
    /// The chance that a run started from now on fails (one in eight by default).
    pub failure_rate: f64,
}

/// GitHub's seed, derived from the world's without drawing from its stream.
const SEED_SALT: u64 = 0x6769_7468_7562_0001;

impl GitHubSim {
    pub(crate) fn new(seed: u64) -> GitHubSim {
        GitHubSim {
            rng: Rng::new(seed ^ SEED_SALT),
            commits: Vec::new(),
            runs: Vec::new(),
            next_run_id: 7_104_300_000,
            next_job_id: 19_893_200_000,
            numbers: [811, 139],
            last_push: None,
            forced: BTreeMap::new(),
            failure_rate: 0.125,
        }
    }

    pub(crate) fn run_id(&mut self) -> u64 {
        self.next_run_id += self.rng.range(1, 900) as u64;
        self.next_run_id
    }

    pub(crate) fn job_id(&mut self) -> u64 {
        self.next_job_id += self.rng.range(1, 40) as u64;
        self.next_job_id
    }

    pub(crate) fn number(&mut self, w: Workflow) -> u64 {
        let slot = &mut self.numbers[w as usize];
        *slot += 1;
        *slot
    }

    pub(crate) fn run_index(&self, id: u64) -> Option<usize> {
        self.runs.iter().position(|r| r.id == id)
    }

    /// The commit `what` names at `now`: `main`/`HEAD`, or a sha of 7+ characters.
    pub(crate) fn commit_index(&self, what: &str, now: Timestamp) -> Option<usize> {
        let visible = self.commits.iter().take_while(|c| c.date <= now).count();
        if what == "main" || what == "HEAD" || what == "refs/heads/main" {
            return visible.checked_sub(1);
        }
        if what.len() < 7 {
            return None;
        }
        self.commits[..visible]
            .iter()
            .position(|c| c.sha.starts_with(&what.to_ascii_lowercase()))
    }
}

/// A step's state at `now` (cut at `cancel`).
fn step_at(s: &PlannedStep, now: Timestamp, cancel: Option<Timestamp>) -> Step {
    let stop = cancel.filter(|c| *c < s.end && *c <= now);
    let (status, conclusion, completed) = if s.conclusion == Conclusion::Skipped {
        if now >= s.start {
            (
                RunStatus::Completed,
                Some(Conclusion::Skipped),
                Some(s.start),
            )
        } else {
            (RunStatus::Queued, None, None)
        }
    } else if let Some(c) = stop {
        if c < s.start {
            (RunStatus::Completed, Some(Conclusion::Skipped), Some(c))
        } else {
            (RunStatus::Completed, Some(Conclusion::Cancelled), Some(c))
        }
    } else if now >= s.end {
        (
            RunStatus::Completed,
            Some(s.conclusion.clone()),
            Some(s.end),
        )
    } else if now >= s.start {
        (RunStatus::InProgress, None, None)
    } else {
        (RunStatus::Queued, None, None)
    };
    let started = (now >= s.start && stop.is_none_or(|c| c >= s.start)).then_some(s.start);
    Step {
        number: 0,
        name: s.name.clone(),
        status,
        conclusion,
        started_at: started,
        completed_at: completed,
    }
}

impl SimRun {
    pub(crate) fn attempt(&self) -> &Attempt {
        // A run always has its first attempt.
        &self.attempts[self.attempts.len() - 1]
    }

    /// The jobs of the latest attempt at `now`.
    pub(crate) fn jobs_at(&self, repo: &str, now: Timestamp) -> Vec<Job> {
        let cancel = self.cancelled;
        self.attempt()
            .jobs
            .iter()
            .map(|j| {
                let steps: Vec<Step> = j
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Step {
                        number: i as u32 + 1,
                        ..step_at(s, now, cancel)
                    })
                    .collect();
                let skipped = j.steps.is_empty();
                // A job skipped for an earlier failure waits, as GitHub shows it, until the
                // failure happened (or the run was cancelled).
                let decided = now >= self.attempt().end() || cancel.is_some_and(|c| c <= now);
                let (status, conclusion) = if skipped && !decided {
                    (RunStatus::Queued, None)
                } else if skipped {
                    (RunStatus::Completed, Some(Conclusion::Skipped))
                } else if steps.iter().all(|s| s.status == RunStatus::Completed) {
                    let c = if steps
                        .iter()
                        .any(|s| s.conclusion == Some(Conclusion::Cancelled))
                    {
                        Conclusion::Cancelled
                    } else if steps
                        .iter()
                        .any(|s| s.conclusion == Some(Conclusion::Failure))
                    {
                        Conclusion::Failure
                    } else if steps
                        .iter()
                        .all(|s| s.conclusion == Some(Conclusion::Skipped))
                    {
                        Conclusion::Cancelled
                    } else {
                        Conclusion::Success
                    };
                    (RunStatus::Completed, Some(c))
                } else if steps.iter().any(|s| s.started_at.is_some()) {
                    (RunStatus::InProgress, None)
                } else {
                    (RunStatus::Queued, None)
                };
                Job {
                    id: j.id,
                    run_id: self.id,
                    name: j.name.clone(),
                    status,
                    conclusion,
                    started_at: j.start().filter(|t| *t <= now),
                    completed_at: steps
                        .iter()
                        .rev()
                        .find_map(|s| s.completed_at)
                        .filter(|_| steps.iter().all(|s| s.status == RunStatus::Completed)),
                    steps,
                    html_url: format!(
                        "https://github.com/{repo}/actions/runs/{}/job/{}",
                        self.id, j.id
                    ),
                }
            })
            .collect()
    }

    /// The run at `now`.
    pub(crate) fn view(&self, repo: &str, now: Timestamp) -> WorkflowRun {
        let jobs = self.jobs_at(repo, now);
        let attempt = self.attempt();
        let done = jobs.iter().all(|j| j.status == RunStatus::Completed);
        let (status, conclusion) = if done {
            let c = if self.cancelled.is_some_and(|c| c <= now) {
                Conclusion::Cancelled
            } else if jobs
                .iter()
                .any(|j| j.conclusion == Some(Conclusion::Failure))
            {
                Conclusion::Failure
            } else {
                Conclusion::Success
            };
            (RunStatus::Completed, Some(c))
        } else if now >= attempt.started {
            (RunStatus::InProgress, None)
        } else {
            (RunStatus::Queued, None)
        };
        let end = match self.cancelled.filter(|c| *c <= now) {
            Some(c) => c,
            None => attempt.end(),
        };
        WorkflowRun {
            id: self.id,
            workflow: self.workflow.file().to_string(),
            name: self.workflow.name().to_string(),
            run_number: self.number,
            run_attempt: self.attempts.len() as u32,
            status,
            conclusion,
            branch: self.branch.clone(),
            head_sha: self.sha.clone(),
            actor: self.actor.clone(),
            event: self.event.clone(),
            created_at: self.created,
            updated_at: if done { end } else { now.max(attempt.started) },
            run_started_at: Some(attempt.started),
            html_url: format!("https://github.com/{repo}/actions/runs/{}", self.id),
        }
    }

    /// Whether the run, at `now`, completed in failure (what a re-run is for).
    pub(crate) fn failed_at(&self, now: Timestamp) -> bool {
        self.cancelled.is_none()
            && self.attempt().end() <= now
            && self.attempt().jobs.iter().any(PlannedJob::failed)
    }
}

impl SimCommit {
    pub(crate) fn view(&self) -> GitHubCommit {
        GitHubCommit {
            sha: self.sha.clone(),
            message: self.message.clone(),
            author: self.author.clone(),
            date: self.date,
        }
    }
}

#[cfg(test)]
mod tests;
