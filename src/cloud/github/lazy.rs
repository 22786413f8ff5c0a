//! The GitHub port made on its first call: the token is looked for then, once (the GitHub CLI
//! runs on a blocking thread with a time limit, never on the event loop), and only by a session
//! that uses GitHub.

use super::rest::RestGitHub;
use super::{GitHub, RunQuery, Token};
use crate::cloud::{CloudError, CloudResult};
use crate::config::GitHubConfig;
use crate::domain::github::{
    Comparison, DispatchRequest, Dispatched, GitHubCommit, Job, WorkflowRun,
};
use async_trait::async_trait;
use std::time::Duration;
use tokio::sync::OnceCell;

/// The REST port for `[github]`, connected on first use.
pub struct LazyGitHub {
    config: GitHubConfig,
    connect: Duration,
    timeout: Duration,
    port: OnceCell<Result<RestGitHub, String>>,
}

impl LazyGitHub {
    /// A port for `config`'s repository, connected (token looked for) on its first call.
    pub fn new(config: GitHubConfig, connect: Duration, timeout: Duration) -> LazyGitHub {
        LazyGitHub {
            config,
            connect,
            timeout,
            port: OnceCell::new(),
        }
    }

    async fn port(&self) -> CloudResult<&RestGitHub> {
        let made = self
            .port
            .get_or_init(|| async {
                let lookup = Token::lookup(&self.config.api_url).await;
                RestGitHub::from_lookup(&self.config, lookup, self.connect, self.timeout)
            })
            .await;
        made.as_ref().map_err(|e| CloudError::Network(e.clone()))
    }
}

#[async_trait]
impl GitHub for LazyGitHub {
    fn repository(&self) -> String {
        self.config.repository.to_string()
    }

    async fn list_runs(&self, query: &RunQuery) -> CloudResult<Vec<WorkflowRun>> {
        self.port().await?.list_runs(query).await
    }

    async fn get_run(&self, run_id: u64) -> CloudResult<WorkflowRun> {
        self.port().await?.get_run(run_id).await
    }

    async fn list_jobs(&self, run_id: u64) -> CloudResult<Vec<Job>> {
        self.port().await?.list_jobs(run_id).await
    }

    async fn job_log(&self, job_id: u64) -> CloudResult<String> {
        self.port().await?.job_log(job_id).await
    }

    async fn list_commits(&self, branch: &str, limit: usize) -> CloudResult<Vec<GitHubCommit>> {
        self.port().await?.list_commits(branch, limit).await
    }

    async fn compare(&self, base: &str, head: &str) -> CloudResult<Comparison> {
        self.port().await?.compare(base, head).await
    }

    async fn workflow_file(&self, workflow: &str, git_ref: &str) -> CloudResult<String> {
        self.port().await?.workflow_file(workflow, git_ref).await
    }

    async fn dispatch(&self, req: &DispatchRequest) -> CloudResult<Dispatched> {
        self.port().await?.dispatch(req).await
    }

    async fn rerun_failed_jobs(&self, run_id: u64) -> CloudResult<()> {
        self.port().await?.rerun_failed_jobs(run_id).await
    }

    async fn rerun(&self, run_id: u64) -> CloudResult<()> {
        self.port().await?.rerun(run_id).await
    }

    async fn cancel_run(&self, run_id: u64) -> CloudResult<()> {
        self.port().await?.cancel_run(run_id).await
    }

    async fn writable(&self) -> Result<(), String> {
        match self.port().await {
            Ok(port) => port.writable().await,
            Err(e) => Err(e.to_string()),
        }
    }
}
