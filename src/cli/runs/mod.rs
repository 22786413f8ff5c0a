//! `shipdeck runs`: the recent GitHub Actions runs of the deploy and release workflows, with
//! the job and step where each failed run failed — of every system's repository when the
//! configuration names several and `--system` picks none, one block each.

mod show;

use super::args::{RunsArgs, RunsCommand, WorkflowRole};
use super::{Answer, Failure, Global, Output, columns, connect, json};
use crate::cli::io::stderr::errln;
use crate::cloud::CloudError;
use crate::cloud::github::{GitHub, RunQuery};
use crate::domain::github::{Job, WorkflowRun};
use crate::domain::{Timestamp, human};
use serde::Serialize;

/// Why run `run_id` could not be read: a run the repository does not have is a bad value
/// (exit 2, as an unknown commit for `trace` is); any other failure leaves it unknown (exit 1).
pub(crate) fn run_unread(run_id: u64, e: CloudError) -> Failure {
    match e {
        CloudError::NotFound { .. } => Failure::usage(format!(
            "run {run_id}: {e} (`shipdeck runs` lists the recent runs and their ids)"
        )),
        e => Failure::new(format!("run {run_id}: {e}")),
    }
}

/// A read that failed: what, and why.
#[derive(Serialize)]
pub(super) struct ErrorOut {
    /// The system it belongs to, when runs of several systems are listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<String>,
    what: String,
    error: String,
}

/// Where a failed run failed.
#[derive(Serialize)]
pub(super) struct FailedOut {
    job: String,
    job_id: u64,
    step: Option<String>,
    step_number: Option<u32>,
}

/// One run.
#[derive(Serialize)]
pub(super) struct RunOut {
    id: u64,
    workflow: String,
    name: String,
    number: u64,
    attempt: u32,
    status: String,
    conclusion: Option<String>,
    branch: String,
    head_sha: String,
    actor: String,
    event: String,
    created_at: String,
    started_at: Option<String>,
    updated_at: String,
    duration_ms: Option<i64>,
    html_url: String,
    /// Where it failed: `null` when it did not fail, or when its jobs could not be read (then
    /// `failed_error` says why).
    failed: Option<FailedOut>,
    failed_error: Option<String>,
}

impl RunOut {
    pub(super) fn new(r: &WorkflowRun, now: Timestamp) -> RunOut {
        RunOut {
            id: r.id,
            workflow: r.workflow.clone(),
            name: r.name.clone(),
            number: r.run_number,
            attempt: r.run_attempt,
            status: r.status.to_string(),
            conclusion: r.conclusion.as_ref().map(ToString::to_string),
            branch: r.branch.clone(),
            head_sha: r.head_sha.clone(),
            actor: r.actor.clone(),
            event: r.event.clone(),
            created_at: r.created_at.rfc3339(),
            started_at: r.run_started_at.map(Timestamp::rfc3339),
            updated_at: r.updated_at.rfc3339(),
            duration_ms: r.duration(now),
            html_url: r.html_url.clone(),
            failed: None,
            failed_error: None,
        }
    }

    /// Fills in where it failed from its jobs.
    pub(super) fn with_jobs(mut self, jobs: &Result<Vec<Job>, CloudError>) -> RunOut {
        if self.conclusion.as_deref().is_none_or(|c| !is_failure(c)) {
            return self;
        }
        match jobs {
            Ok(jobs) => {
                self.failed = jobs
                    .iter()
                    .find(|j| j.conclusion.as_ref().is_some_and(|c| c.is_failure()))
                    .map(|j| {
                        let step = j.failed_step();
                        FailedOut {
                            job: j.name.clone(),
                            job_id: j.id,
                            step: step.map(|s| s.name.clone()),
                            step_number: step.map(|s| s.number),
                        }
                    });
            }
            Err(e) => self.failed_error = Some(e.to_string()),
        }
        self
    }

    /// The `FAILED AT` cell.
    fn failed_cell(&self) -> String {
        match (&self.failed, &self.failed_error) {
            (Some(f), _) => match &f.step {
                Some(step) => format!("{} › {step}", f.job),
                None => f.job.clone(),
            },
            (None, Some(e)) => format!("unknown ({e})"),
            (None, None) => "-".into(),
        }
    }

    /// The `STATUS` cell: the conclusion once completed, else the status.
    fn state(&self) -> &str {
        self.conclusion.as_deref().unwrap_or(&self.status)
    }
}

fn is_failure(conclusion: &str) -> bool {
    matches!(conclusion, "failure" | "timed_out" | "startup_failure")
}

#[derive(Serialize)]
struct WorkflowOut {
    /// The system and repository it belongs to, when runs of several systems are listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repository: Option<String>,
    workflow: String,
    role: &'static str,
    /// The runs, newest first; `null` when they could not be read (see `errors`).
    runs: Option<Vec<RunOut>>,
}

#[derive(Serialize)]
struct RunsOut {
    /// The repository (`null` with several systems: each workflow names its own).
    repository: Option<String>,
    workflows: Vec<WorkflowOut>,
    errors: Vec<ErrorOut>,
}

/// Runs `shipdeck runs` or `shipdeck runs show`.
pub async fn run(global: &Global, args: RunsArgs) -> Result<Answer, Failure> {
    let Some(command) = args.command else {
        let names = super::systems::every(global);
        if !names.is_empty() {
            let reads = names.iter().map(|name| {
                let global = super::systems::narrowed(global, name);
                async move { listed(&global, args.workflow, args.limit).await }
            });
            let read = futures::future::join_all(reads).await;
            return grouped(names.into_iter().zip(read).collect(), args.output);
        }
        let out = listed(global, args.workflow, args.limit).await?;
        let unknowns = out.errors.len();
        if args.output == Output::Json {
            return Ok(Answer::with_unknowns(json(&out)?, unknowns));
        }
        return Ok(Answer::with_unknowns(table(&out), unknowns));
    };
    let backend = connect(global).map_err(Failure::new)?;
    let link = backend.github().await.map_err(Failure::new)?;
    if let Some(note) = &link.note {
        errln!("shipdeck: {note}");
    }
    let gh = link.port.as_ref();
    let now = backend.now;
    match command {
        RunsCommand::Show {
            run_id,
            log,
            lines,
            output,
        } => show::run(gh, now, run_id, log.as_deref(), lines, output).await,
        // Planned, confirmed and audited as actions (`cli::act`).
        RunsCommand::Rerun { .. } | RunsCommand::Cancel { .. } => Err(Failure::new(
            "runs rerun and runs cancel are actions: run them as `shipdeck runs rerun RUN_ID`",
        )),
    }
}

/// The runs of one system's workflows (`--workflow`: one of them), from its repository.
async fn listed(
    global: &Global,
    workflow: Option<WorkflowRole>,
    limit: usize,
) -> Result<RunsOut, Failure> {
    let backend = connect(global).map_err(Failure::new)?;
    let link = backend.github().await.map_err(Failure::new)?;
    if let Some(note) = &link.note {
        errln!("shipdeck: {note}");
    }
    let github = (backend.config.github.clone())
        .map(|g| (g.deploy_workflow, g.release_workflow))
        .unwrap_or_else(|| ("deploy.yml".into(), "release.yml".into()));
    let mut workflows = Vec::new();
    if workflow != Some(WorkflowRole::Release) {
        workflows.push(("deploy", github.0));
    }
    if workflow != Some(WorkflowRole::Deploy) {
        workflows.push(("release", github.1));
    }
    Ok(list(link.port.as_ref(), backend.now, &workflows, limit).await)
}

/// Every system's runs, one titled block each (`== system NAME ==`), or one JSON report whose
/// workflows and errors each name their `system` (and the workflow its `repository`). A system
/// whose runs could not be read is unknown with its reason (exit 1), never "no runs".
fn grouped(
    read: Vec<(String, Result<RunsOut, Failure>)>,
    output: Output,
) -> Result<Answer, Failure> {
    let mut text = String::new();
    let mut all = RunsOut {
        repository: None,
        workflows: Vec::new(),
        errors: Vec::new(),
    };
    for (system, r) in read {
        text.push_str(&format!("== system {system} ==\n"));
        match r {
            Ok(out) => {
                text.push_str(&table(&out));
                all.workflows
                    .extend(out.workflows.into_iter().map(|w| WorkflowOut {
                        system: Some(system.clone()),
                        repository: out.repository.clone(),
                        ..w
                    }));
                all.errors.extend(out.errors.into_iter().map(|e| ErrorOut {
                    system: Some(system.clone()),
                    ..e
                }));
            }
            Err(f) => {
                text.push_str(&format!("runs unknown: {}\n", f.message));
                all.errors.push(ErrorOut {
                    system: Some(system.clone()),
                    what: "runs".into(),
                    error: f.message,
                });
            }
        }
        text.push('\n');
    }
    let unknowns = all.errors.len();
    if output == Output::Json {
        return Ok(Answer::with_unknowns(json(&all)?, unknowns));
    }
    Ok(Answer::with_unknowns(text, unknowns))
}

/// The runs of `workflows`, each failed one with where it failed; what could not be read is in
/// `errors`.
async fn list(
    gh: &dyn GitHub,
    now: Timestamp,
    workflows: &[(&'static str, String)],
    limit: usize,
) -> RunsOut {
    let mut out = RunsOut {
        repository: Some(gh.repository()),
        workflows: Vec::new(),
        errors: Vec::new(),
    };
    for (role, file) in workflows {
        let query = RunQuery {
            workflow: file.clone(),
            branch: None,
            limit,
        };
        let runs = match gh.list_runs(&query).await {
            Ok(runs) => runs,
            Err(e) => {
                out.errors.push(ErrorOut {
                    system: None,
                    what: format!("runs of {file}"),
                    error: e.to_string(),
                });
                out.workflows.push(WorkflowOut {
                    system: None,
                    repository: None,
                    workflow: file.clone(),
                    role,
                    runs: None,
                });
                continue;
            }
        };
        let mut rows = Vec::new();
        for r in &runs {
            let row = RunOut::new(r, now);
            let row = if r.failed() {
                let jobs = gh.list_jobs(r.id).await;
                if let Err(e) = &jobs {
                    out.errors.push(ErrorOut {
                        system: None,
                        what: format!("jobs of run {}", r.id),
                        error: e.to_string(),
                    });
                }
                row.with_jobs(&jobs)
            } else {
                row
            };
            rows.push(row);
        }
        out.workflows.push(WorkflowOut {
            system: None,
            repository: None,
            workflow: file.clone(),
            role,
            runs: Some(rows),
        });
    }
    out
}

fn table(out: &RunsOut) -> String {
    let repository = out.repository.as_deref().unwrap_or_default();
    let mut text = format!("{repository} — GitHub Actions\n\n");
    let mut rows = vec![
        [
            "RUN ID",
            "WORKFLOW",
            "#",
            "STATUS",
            "BRANCH",
            "COMMIT",
            "ACTOR",
            "EVENT",
            "STARTED",
            "DURATION",
            "FAILED AT",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut all: Vec<&RunOut> = out
        .workflows
        .iter()
        .flat_map(|w| w.runs.iter().flatten())
        .collect();
    all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    for r in &all {
        let started = r
            .started_at
            .as_deref()
            .and_then(Timestamp::parse_rfc3339)
            .map_or_else(|| "-".into(), Timestamp::short);
        rows.push(vec![
            r.id.to_string(),
            r.workflow.clone(),
            r.number.to_string(),
            r.state().to_string(),
            r.branch.clone(),
            r.head_sha.get(..7).unwrap_or(&r.head_sha).to_string(),
            r.actor.clone(),
            r.event.clone(),
            started,
            r.duration_ms.map_or_else(|| "-".into(), human),
            r.failed_cell(),
        ]);
    }
    let unread = out.workflows.iter().filter(|w| w.runs.is_none()).count();
    if all.is_empty() {
        // Unknown is not none: a workflow not read is said below, not counted as no runs.
        if unread == 0 {
            text.push_str("no runs\n");
        } else if unread < out.workflows.len() {
            text.push_str("no runs in the workflows that could be read\n");
        }
    } else {
        text.push_str(&columns(&rows));
    }
    for w in out.workflows.iter().filter(|w| w.runs.is_none()) {
        let why = out
            .errors
            .iter()
            .find(|e| e.what == format!("runs of {}", w.workflow))
            .map_or("", |e| e.error.as_str());
        text.push_str(&format!("{}: runs unknown: {why}\n", w.workflow));
    }
    text
}
