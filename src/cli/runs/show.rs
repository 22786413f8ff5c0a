//! `shipdeck runs show RUN_ID`: one run's jobs and steps, and the tail of a job's log.

use super::{ErrorOut, RunOut};
use crate::cli::{Answer, Failure, Output, columns, json};
use crate::cloud::CloudError;
use crate::cloud::github::GitHub;
use crate::domain::github::{Job, Step};
use crate::domain::{Timestamp, human};
use serde::Serialize;

#[derive(Serialize)]
struct StepOut {
    number: u32,
    name: String,
    status: String,
    conclusion: Option<String>,
    started_at: Option<String>,
    completed_at: Option<String>,
}

#[derive(Serialize)]
struct JobOut {
    id: u64,
    name: String,
    status: String,
    conclusion: Option<String>,
    started_at: Option<String>,
    completed_at: Option<String>,
    html_url: String,
    steps: Vec<StepOut>,
}

#[derive(Serialize)]
struct LogOut {
    job: String,
    job_id: u64,
    total_lines: usize,
    /// The last lines, oldest first.
    lines: Vec<String>,
    /// Why there are no lines: the job has not ended (GitHub serves a job's log once it has),
    /// or it was skipped (it has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    not_served: Option<String>,
}

#[derive(Serialize)]
struct ShowOut {
    run: RunOut,
    /// `null` when the jobs could not be read (see `errors`).
    jobs: Option<Vec<JobOut>>,
    /// `null` when no log was asked for or it could not be read (see `errors`).
    log: Option<LogOut>,
    errors: Vec<ErrorOut>,
}

fn step_out(s: &Step) -> StepOut {
    StepOut {
        number: s.number,
        name: s.name.clone(),
        status: s.status.to_string(),
        conclusion: s.conclusion.as_ref().map(ToString::to_string),
        started_at: s.started_at.map(Timestamp::rfc3339),
        completed_at: s.completed_at.map(Timestamp::rfc3339),
    }
}

fn job_out(j: &Job) -> JobOut {
    JobOut {
        id: j.id,
        name: j.name.clone(),
        status: j.status.to_string(),
        conclusion: j.conclusion.as_ref().map(ToString::to_string),
        started_at: j.started_at.map(Timestamp::rfc3339),
        completed_at: j.completed_at.map(Timestamp::rfc3339),
        html_url: j.html_url.clone(),
        steps: j.steps.iter().map(step_out).collect(),
    }
}

/// Which job `--log` names: its name or its id.
fn pick_job(jobs: &Result<Vec<Job>, CloudError>, wanted: &str) -> Result<(String, u64), Failure> {
    match jobs {
        Ok(jobs) => jobs
            .iter()
            .find(|j| j.name == wanted || j.id.to_string() == wanted)
            .map(|j| (j.name.clone(), j.id))
            .ok_or_else(|| {
                let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
                Failure::usage(format!(
                    "--log {wanted}: the run has no such job; its jobs: {}",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ))
            }),
        // Without the jobs, only an id can be used.
        Err(e) => wanted
            .parse::<u64>()
            .map(|id| (wanted.to_string(), id))
            .map_err(|_| Failure::new(format!("--log {wanted}: the run's jobs are unknown: {e}"))),
    }
}

fn span(start: Option<Timestamp>, end: Option<Timestamp>, now: Timestamp) -> String {
    match start {
        Some(s) => human(end.unwrap_or(now).since(s)),
        None => "-".into(),
    }
}

fn state(status: &str, conclusion: Option<&String>) -> String {
    conclusion.cloned().unwrap_or_else(|| status.to_string())
}

/// Prints one run; exit 1 when part of it is unknown.
pub(super) async fn run(
    gh: &dyn GitHub,
    now: Timestamp,
    run_id: u64,
    log: Option<&str>,
    lines: usize,
    output: Output,
) -> Result<Answer, Failure> {
    let run = gh
        .get_run(run_id)
        .await
        .map_err(|e| super::run_unread(run_id, e))?;
    let mut errors = Vec::new();
    let jobs = gh.list_jobs(run_id).await;
    if let Err(e) = &jobs {
        errors.push(ErrorOut {
            system: None,
            what: format!("jobs of run {run_id}"),
            error: e.to_string(),
        });
    }
    let mut log_out = None;
    if let Some(wanted) = log {
        let (name, id) = pick_job(&jobs, wanted)?;
        let skipped = (jobs.as_ref().ok())
            .and_then(|j| j.iter().find(|j| j.id == id))
            .is_some_and(|j| j.conclusion == Some(crate::domain::github::Conclusion::Skipped));
        let read = match skipped {
            // A skipped job ran no step: it has no log (not an empty one).
            true => Err(None),
            false => gh.job_log(id).await.map_err(Some),
        };
        match read {
            Err(None) => {
                log_out = Some(LogOut {
                    job: name,
                    job_id: id,
                    total_lines: 0,
                    lines: Vec::new(),
                    not_served: Some("none: the job was skipped, it ran no step".into()),
                });
            }
            Ok(text) => {
                let all: Vec<&str> = text.lines().collect();
                let from = all.len().saturating_sub(lines);
                log_out = Some(LogOut {
                    job: name,
                    job_id: id,
                    total_lines: all.len(),
                    lines: all[from..].iter().map(|l| l.to_string()).collect(),
                    not_served: None,
                });
            }
            // GitHub answers 404 for the log of a job still queued or running.
            Err(Some(CloudError::NotFound { .. }))
                if let Some(job) = jobs
                    .as_ref()
                    .ok()
                    .and_then(|j| j.iter().find(|j| j.id == id))
                    .filter(|j| j.status != crate::domain::github::RunStatus::Completed) =>
            {
                log_out = Some(LogOut {
                    job: name,
                    job_id: id,
                    total_lines: 0,
                    lines: Vec::new(),
                    not_served: Some(format!(
                        "not served yet: the job is {}: GitHub serves its log once it ends",
                        job.status
                    )),
                });
            }
            Err(Some(e)) => errors.push(ErrorOut {
                system: None,
                what: format!("log of job {name}"),
                error: e.to_string(),
            }),
        }
    }
    let out = ShowOut {
        run: RunOut::new(&run, now).with_jobs(&jobs),
        jobs: jobs.as_ref().ok().map(|j| j.iter().map(job_out).collect()),
        log: log_out,
        errors,
    };
    let unknowns = out.errors.len();
    if output == Output::Json {
        return Ok(Answer::with_unknowns(json(&out)?, unknowns));
    }
    let r = &out.run;
    let mut text = format!(
        "run {} · {} #{}{} · {}\ncommit {} on {} · {} by {} · started {} · {}\n{}\n\n",
        r.id,
        r.workflow,
        r.number,
        if r.attempt > 1 {
            format!(" (attempt {})", r.attempt)
        } else {
            String::new()
        },
        state(&r.status, r.conclusion.as_ref()),
        run.short_sha(),
        r.branch,
        r.event,
        r.actor,
        run.run_started_at
            .map_or_else(|| "-".into(), Timestamp::short),
        r.duration_ms.map_or_else(|| "-".into(), human),
        r.html_url,
    );
    match &jobs {
        Ok(jobs) => {
            let mut rows = vec![
                ["JOB", "STEP", "STATUS", "STARTED", "DURATION"]
                    .map(String::from)
                    .to_vec(),
            ];
            for job in jobs {
                rows.push(vec![
                    job.name.clone(),
                    String::new(),
                    state(
                        job.status.as_str(),
                        job.conclusion.as_ref().map(|c| c.to_string()).as_ref(),
                    ),
                    job.started_at.map_or_else(|| "-".into(), Timestamp::clock),
                    span(job.started_at, job.completed_at, now),
                ]);
                for step in &job.steps {
                    rows.push(vec![
                        String::new(),
                        format!("{:>2} {}", step.number, step.name),
                        state(
                            step.status.as_str(),
                            step.conclusion.as_ref().map(|c| c.to_string()).as_ref(),
                        ),
                        step.started_at.map_or_else(|| "-".into(), Timestamp::clock),
                        span(step.started_at, step.completed_at, now),
                    ]);
                }
            }
            text.push_str(&columns(&rows));
        }
        Err(e) => text.push_str(&format!("jobs unknown: {e}\n")),
    }
    if let Some((l, why)) = out
        .log
        .as_ref()
        .and_then(|l| Some((l, l.not_served.as_ref()?)))
    {
        text.push_str(&format!("\nlog of {}: {why}\n", l.job));
    } else if let Some(l) = &out.log {
        text.push_str(&format!(
            "\nlog of {} (the last {} of {} lines):\n",
            l.job,
            l.lines.len(),
            l.total_lines
        ));
        for line in &l.lines {
            text.push_str(line);
            text.push('\n');
        }
    } else if let Some(e) = out.errors.iter().find(|e| e.what.starts_with("log of")) {
        text.push_str(&format!("\n{}: unknown: {}\n", e.what, e.error));
    }
    Ok(Answer::with_unknowns(text, unknowns))
}
