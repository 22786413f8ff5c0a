//! The GitHub port: the Actions runs of the deploy and release workflows, their jobs, steps and
//! logs, the repository's commits, and the changes (dispatch, re-run, cancel) sent as data.
//!
//! `rest` implements it over GitHub's REST API; the simulator implements it in `sim::github`.

mod lazy;
pub mod rest;
mod token;

pub use lazy::LazyGitHub;

pub use token::{GH_TIMEOUT, Lookup, Token, TokenSource};

use super::CloudResult;
use crate::domain::github::{
    Comparison, DispatchRequest, Dispatched, GitHubCommit, Job, RunChange, WorkflowRun,
};
use async_trait::async_trait;

/// The service name errors carry.
pub const SERVICE: &str = "GitHub";

/// Which runs to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunQuery {
    /// The workflow's file name, e.g. `deploy.yml`.
    pub workflow: String,
    /// Only runs on this branch.
    pub branch: Option<String>,
    /// At most this many, newest first (GitHub pages hold at most 100).
    pub limit: usize,
}

/// GitHub Actions and the repository, for one repository.
#[async_trait]
pub trait GitHub: Send + Sync {
    /// `owner/name` of the repository the calls are about.
    fn repository(&self) -> String;
    /// The runs of a workflow, newest first.
    async fn list_runs(&self, query: &RunQuery) -> CloudResult<Vec<WorkflowRun>>;
    /// One run.
    async fn get_run(&self, run_id: u64) -> CloudResult<WorkflowRun>;
    /// The jobs of a run's latest attempt, with their steps.
    async fn list_jobs(&self, run_id: u64) -> CloudResult<Vec<Job>>;
    /// The whole log text of a job.
    async fn job_log(&self, job_id: u64) -> CloudResult<String>;
    /// The commits of `branch`, newest first, at most `limit`.
    async fn list_commits(&self, branch: &str, limit: usize) -> CloudResult<Vec<GitHubCommit>>;
    /// How `head` stands against `base` (branches, tags or shas), with the commits since `base`.
    async fn compare(&self, base: &str, head: &str) -> CloudResult<Comparison>;
    /// The text of a workflow file at `git_ref` (to read its declared inputs).
    async fn workflow_file(&self, workflow: &str, git_ref: &str) -> CloudResult<String>;
    /// Starts a workflow (`workflow_dispatch`): the new run when GitHub says which, and when.
    async fn dispatch(&self, req: &DispatchRequest) -> CloudResult<Dispatched>;
    /// Re-runs the failed jobs of a run.
    async fn rerun_failed_jobs(&self, run_id: u64) -> CloudResult<()>;
    /// Re-runs every job of a run.
    async fn rerun(&self, run_id: u64) -> CloudResult<()>;
    /// Whether calls that change runs can be made: `Err` says how to provide a token when
    /// there is none.
    async fn writable(&self) -> Result<(), String> {
        Ok(())
    }
    /// Cancels a run.
    async fn cancel_run(&self, run_id: u64) -> CloudResult<()>;
}

/// Sends a change planned as data: the one entry point for apply (a dispatch answers what
/// GitHub said of the new run; the others nothing).
pub async fn apply(github: &dyn GitHub, change: &RunChange) -> CloudResult<Dispatched> {
    match change {
        RunChange::Dispatch(req) => github.dispatch(req).await,
        RunChange::RerunFailed { run_id } => github
            .rerun_failed_jobs(*run_id)
            .await
            .map(|()| Dispatched::default()),
        RunChange::Rerun { run_id } => github.rerun(*run_id).await.map(|()| Dispatched::default()),
        RunChange::Cancel { run_id } => github
            .cancel_run(*run_id)
            .await
            .map(|()| Dispatched::default()),
    }
}
