//! `SimGitHub`: the simulated repository behind the GitHub port, under the workflow file names
//! the configuration gives; calls are made as the demo operator.

use super::{Workflow, logs};
use crate::cloud::github::{GitHub, RunQuery};
use crate::cloud::sim::{SimCloud, Simulator};
use crate::cloud::{CloudError, CloudResult};
use crate::config::GitHubConfig;
use crate::domain::github::{
    Comparison, DispatchRequest, Dispatched, GitHubCommit, Job, WorkflowRun,
};
use async_trait::async_trait;

/// The GitHub login the demo operator acts as.
pub const OPERATOR_LOGIN: &str = "demo-operator";

/// The simulator's GitHub, for one configured repository.
#[derive(Clone)]
pub struct SimGitHub {
    sim: SimCloud,
    config: GitHubConfig,
}

impl SimGitHub {
    /// The simulated repository behind `config`'s names.
    pub fn new(sim: SimCloud, config: GitHubConfig) -> SimGitHub {
        SimGitHub { sim, config }
    }

    fn repo(&self) -> String {
        self.config.repository.to_string()
    }

    fn workflow(&self, file: &str) -> CloudResult<Workflow> {
        if file == self.config.deploy_workflow {
            Ok(Workflow::Deploy)
        } else if file == self.config.release_workflow {
            Ok(Workflow::Release)
        } else {
            Err(CloudError::NotFound {
                kind: "workflow".into(),
                name: format!("{file} in {}", self.repo()),
            })
        }
    }

    fn file(&self, w: Workflow) -> &str {
        match w {
            Workflow::Deploy => &self.config.deploy_workflow,
            Workflow::Release => &self.config.release_workflow,
        }
    }

    /// Counts the call and answers a forced error, else runs `f`.
    fn call<R>(
        &self,
        op: &str,
        f: impl FnOnce(&mut Simulator) -> CloudResult<R>,
    ) -> CloudResult<R> {
        self.sim.with(|s| {
            *s.stats.calls.entry(format!("github:{op}")).or_default() += 1;
            if let Some(e) = s.github.forced.get_mut(op).and_then(|q| q.pop_front()) {
                return Err(e);
            }
            f(s)
        })
    }

    fn view(&self, s: &Simulator, i: usize) -> WorkflowRun {
        let run = &s.github.runs[i];
        let mut v = run.view(&self.repo(), s.now);
        v.workflow = self.file(run.workflow).to_string();
        v
    }
}

impl Simulator {
    /// The chance that a GitHub Actions run started from now on fails (tests: 0 or 1).
    pub fn set_github_failure_rate(&mut self, rate: f64) {
        self.github.failure_rate = rate;
    }

    /// The next call to GitHub operation `op` (`ListWorkflowRuns`, `DispatchWorkflow`, …)
    /// answers `error` (tests: rate limits, refused tokens).
    pub fn force_github_error(&mut self, op: &str, error: CloudError) {
        self.github
            .forced
            .entry(op.to_string())
            .or_default()
            .push_back(error);
    }
}

#[async_trait]
impl GitHub for SimGitHub {
    fn repository(&self) -> String {
        self.repo()
    }

    async fn list_runs(&self, query: &RunQuery) -> CloudResult<Vec<WorkflowRun>> {
        let w = self.workflow(&query.workflow)?;
        self.call("ListWorkflowRuns", |s| {
            let now = s.now;
            let mut found: Vec<usize> = (0..s.github.runs.len())
                .filter(|&i| {
                    let r = &s.github.runs[i];
                    r.workflow == w
                        && r.created <= now
                        && query.branch.as_ref().is_none_or(|b| *b == r.branch)
                })
                .collect();
            found.sort_by_key(|&i| {
                std::cmp::Reverse((s.github.runs[i].created, s.github.runs[i].id))
            });
            found.truncate(query.limit);
            Ok(found.into_iter().map(|i| self.view(s, i)).collect())
        })
    }

    async fn get_run(&self, run_id: u64) -> CloudResult<WorkflowRun> {
        self.call("GetWorkflowRun", |s| {
            s.github
                .run_index(run_id)
                .filter(|&i| s.github.runs[i].created <= s.now)
                .map(|i| self.view(s, i))
                .ok_or_else(|| CloudError::NotFound {
                    kind: "workflow run".into(),
                    name: format!("{run_id} in {}", self.repo()),
                })
        })
    }

    async fn list_jobs(&self, run_id: u64) -> CloudResult<Vec<Job>> {
        self.call("ListJobsForWorkflowRun", |s| {
            s.github
                .run_index(run_id)
                .filter(|&i| s.github.runs[i].created <= s.now)
                .map(|i| s.github.runs[i].jobs_at(&self.repo(), s.now))
                .ok_or_else(|| CloudError::NotFound {
                    kind: "workflow run".into(),
                    name: format!("{run_id} in {}", self.repo()),
                })
        })
    }

    /// As GitHub: the log of a job that has ended; a job still queued or running answers 404,
    /// like one that does not exist.
    async fn job_log(&self, job_id: u64) -> CloudResult<String> {
        let repo = self.repo();
        self.call("DownloadJobLogsForWorkflowRun", |s| {
            let now = s.now;
            s.github
                .runs
                .iter()
                .filter(|r| r.created <= now)
                .find_map(|r| {
                    let job = r
                        .attempts
                        .iter()
                        .flat_map(|a| a.jobs.iter())
                        .find(|j| j.id == job_id)?;
                    let going = r.jobs_at(&repo, now).iter().any(|v| {
                        v.id == job_id && v.status != crate::domain::github::RunStatus::Completed
                    });
                    (!going).then(|| logs::job_log(r, job, now))
                })
                .ok_or_else(|| CloudError::NotFound {
                    kind: "job".into(),
                    name: format!("{job_id} in {repo}"),
                })
        })
    }

    async fn list_commits(&self, branch: &str, limit: usize) -> CloudResult<Vec<GitHubCommit>> {
        self.call("ListCommits", |s| {
            let Some(head) = s.github.commit_index(branch, s.now) else {
                return Err(CloudError::NotFound {
                    kind: "branch".into(),
                    name: format!("{branch} in {}", self.repo()),
                });
            };
            Ok(s.github.commits[..=head]
                .iter()
                .rev()
                .take(limit)
                .map(|c| c.view())
                .collect())
        })
    }

    async fn compare(&self, base: &str, head: &str) -> CloudResult<Comparison> {
        self.call("CompareCommits", |s| {
            let find = |what: &str| {
                s.github
                    .commit_index(what, s.now)
                    .ok_or_else(|| CloudError::NotFound {
                        kind: "commit".into(),
                        name: format!("{what} in {}", self.repo()),
                    })
            };
            let (b, h) = (find(base)?, find(head)?);
            let (status, ahead, behind) = match h.cmp(&b) {
                std::cmp::Ordering::Equal => ("identical", 0, 0),
                std::cmp::Ordering::Greater => ("ahead", h - b, 0),
                std::cmp::Ordering::Less => ("behind", 0, b - h),
            };
            Ok(Comparison {
                status: status.into(),
                ahead_by: ahead as u32,
                behind_by: behind as u32,
                commits: s.github.commits[(b + 1).min(h + 1)..=h]
                    .iter()
                    .filter(|_| h > b)
                    .map(|c| c.view())
                    .collect(),
            })
        })
    }

    async fn workflow_file(&self, workflow: &str, git_ref: &str) -> CloudResult<String> {
        let w = self.workflow(workflow)?;
        self.call("GetWorkflowFile", |s| {
            if s.github.commit_index(git_ref, s.now).is_none() {
                return Err(CloudError::NotFound {
                    kind: "workflow file".into(),
                    name: format!(
                        ".github/workflows/{workflow} at {git_ref} in {}",
                        self.repo()
                    ),
                });
            }
            Ok(s.github_workflow_text(w).to_string())
        })
    }

    async fn dispatch(&self, req: &DispatchRequest) -> CloudResult<Dispatched> {
        let w = self.workflow(&req.workflow)?;
        self.call("DispatchWorkflow", |s| {
            let id = s.op_gh_dispatch(w, req, OPERATOR_LOGIN)?;
            Ok(Dispatched {
                run_id: Some(id),
                at: Some(s.now),
            })
        })
    }

    async fn rerun_failed_jobs(&self, run_id: u64) -> CloudResult<()> {
        let repo = self.repo();
        self.call("RerunFailedJobs", |s| {
            s.op_gh_rerun(run_id, OPERATOR_LOGIN, &repo)
        })
    }

    async fn rerun(&self, run_id: u64) -> CloudResult<()> {
        let repo = self.repo();
        self.call("RerunWorkflow", |s| {
            s.op_gh_rerun_all(run_id, OPERATOR_LOGIN, &repo)
        })
    }

    async fn cancel_run(&self, run_id: u64) -> CloudResult<()> {
        let repo = self.repo();
        self.call("CancelWorkflowRun", |s| s.op_gh_cancel(run_id, &repo))
    }
}
