//! GitHub's REST response bodies, as its documentation shapes them, read into domain values.

use crate::domain::Timestamp;
use crate::domain::github::{
    Comparison, Conclusion, Dispatched, GitHubCommit, Job, RunStatus, Step, WorkflowRun,
};
use serde::Deserialize;

/// `{"total_count": N, "workflow_runs": [...]}`.
#[derive(Deserialize)]
pub(super) struct RunsPage {
    pub workflow_runs: Vec<RunJson>,
}

/// `{"total_count": N, "jobs": [...]}`.
#[derive(Deserialize)]
pub(super) struct JobsPage {
    pub total_count: usize,
    pub jobs: Vec<JobJson>,
}

#[derive(Deserialize)]
struct Login {
    login: String,
}

/// A workflow run.
#[derive(Deserialize)]
pub(super) struct RunJson {
    id: u64,
    name: Option<String>,
    path: Option<String>,
    run_number: u64,
    run_attempt: Option<u32>,
    status: Option<String>,
    conclusion: Option<String>,
    head_branch: Option<String>,
    head_sha: String,
    actor: Option<Login>,
    triggering_actor: Option<Login>,
    event: String,
    created_at: String,
    updated_at: String,
    run_started_at: Option<String>,
    html_url: String,
}

/// A job.
#[derive(Deserialize)]
pub(super) struct JobJson {
    id: u64,
    run_id: u64,
    name: String,
    status: String,
    conclusion: Option<String>,
    started_at: Option<String>,
    completed_at: Option<String>,
    #[serde(default)]
    steps: Vec<StepJson>,
    html_url: Option<String>,
}

#[derive(Deserialize)]
struct StepJson {
    name: String,
    status: String,
    conclusion: Option<String>,
    number: u32,
    started_at: Option<String>,
    completed_at: Option<String>,
}

#[derive(Deserialize)]
struct GitPerson {
    name: Option<String>,
    date: Option<String>,
}

#[derive(Deserialize)]
struct GitCommit {
    message: String,
    author: Option<GitPerson>,
}

/// An item of `GET /repos/{owner}/{repo}/commits`.
#[derive(Deserialize)]
pub(super) struct CommitJson {
    sha: String,
    commit: GitCommit,
    author: Option<Login>,
}

/// `GET /repos/{owner}/{repo}/compare/{basehead}`.
#[derive(Deserialize)]
pub(super) struct CompareJson {
    status: String,
    ahead_by: u32,
    behind_by: u32,
    #[serde(default)]
    commits: Vec<CommitJson>,
}

/// An error body: `{"message": "...", "documentation_url": "..."}`.
#[derive(Deserialize)]
pub(super) struct ErrorJson {
    pub message: String,
}

/// A dispatch's answer: `{"workflow_run_id": N, …}` with `return_run_details` (else no body),
/// and the answer's `Date`.
pub(super) fn dispatched(headers: &http::HeaderMap, body: &[u8]) -> Dispatched {
    #[derive(Deserialize)]
    struct RunDetails {
        workflow_run_id: Option<u64>,
    }
    let at = headers
        .get(http::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
        .map(|d| Timestamp(d.timestamp_millis()));
    let run_id = serde_json::from_slice::<RunDetails>(body)
        .ok()
        .and_then(|d| d.workflow_run_id);
    Dispatched { run_id, at }
}

fn time(text: Option<&str>) -> Option<Timestamp> {
    text.and_then(Timestamp::parse_rfc3339)
}

fn conclusion(text: Option<&str>) -> Option<Conclusion> {
    text.map(Conclusion::from_api)
}

impl RunJson {
    pub(super) fn into_run(self) -> WorkflowRun {
        let workflow = self
            .path
            .as_deref()
            .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
            .unwrap_or_default();
        let created_at = time(Some(&self.created_at)).unwrap_or_default();
        WorkflowRun {
            id: self.id,
            name: self.name.unwrap_or_else(|| workflow.clone()),
            workflow,
            run_number: self.run_number,
            run_attempt: self.run_attempt.unwrap_or(1),
            status: RunStatus::from_api(self.status.as_deref().unwrap_or("queued")),
            conclusion: conclusion(self.conclusion.as_deref()),
            branch: self.head_branch.unwrap_or_default(),
            head_sha: self.head_sha,
            actor: self
                .actor
                .or(self.triggering_actor)
                .map(|a| a.login)
                .unwrap_or_default(),
            event: self.event,
            created_at,
            updated_at: time(Some(&self.updated_at)).unwrap_or(created_at),
            run_started_at: time(self.run_started_at.as_deref()),
            html_url: self.html_url,
        }
    }
}

impl JobJson {
    pub(super) fn into_job(self) -> Job {
        Job {
            id: self.id,
            run_id: self.run_id,
            name: self.name,
            status: RunStatus::from_api(&self.status),
            conclusion: conclusion(self.conclusion.as_deref()),
            started_at: time(self.started_at.as_deref()),
            completed_at: time(self.completed_at.as_deref()),
            steps: self
                .steps
                .into_iter()
                .map(|s| Step {
                    number: s.number,
                    name: s.name,
                    status: RunStatus::from_api(&s.status),
                    conclusion: conclusion(s.conclusion.as_deref()),
                    started_at: time(s.started_at.as_deref()),
                    completed_at: time(s.completed_at.as_deref()),
                })
                .collect(),
            html_url: self.html_url.unwrap_or_default(),
        }
    }
}

impl CommitJson {
    pub(super) fn into_commit(self) -> GitHubCommit {
        let (name, date) = match self.commit.author {
            Some(a) => (a.name, a.date),
            None => (None, None),
        };
        GitHubCommit {
            sha: self.sha,
            message: self.commit.message.lines().next().unwrap_or("").to_string(),
            author: self.author.map(|a| a.login).or(name).unwrap_or_default(),
            date: time(date.as_deref()).unwrap_or_default(),
        }
    }
}

impl CompareJson {
    pub(super) fn into_comparison(self) -> Comparison {
        Comparison {
            status: self.status,
            ahead_by: self.ahead_by,
            behind_by: self.behind_by,
            commits: self
                .commits
                .into_iter()
                .map(CommitJson::into_commit)
                .collect(),
        }
    }
}
