//! The effects of the console's actions: send a confirmed plan's one call (an upload with its
//! progress, until a cancel) and write its audit line, append refusals and declines to the audit
//! log, read the log for the audit view, complete and read the upload prompt's local files.

use super::Backend;
use super::{Clock, WallClock};
use crate::app::runs::{ListedRun, RunsRead};
use crate::app::{Action, AuditLine, Effect, Reply, State};
use crate::cloud::Cloud;
use crate::cloud::github::RunQuery;
use crate::ops::Request;
use crate::ops::apply::audit_log;
use crate::ops::apply::upload::Cancel;
use crate::ops::plan::audit;
use crate::ops::plan::release_workflow::{Unread, WorkflowRead};
use crate::ops::{self};

/// Rollback candidates listed (as the CLI does).
const CANDIDATES: usize = 20;

/// Appends `entry` to the session's audit file, stamped with the wall clock as it is written.
fn append(log: &audit::Log, entry: &audit::Entry) -> Result<(), String> {
    audit_log::append(log, entry, &|| WallClock.now()).map(|_| ())
}

/// Runs one effect of the console's actions; `None` for effects that answer nothing. An
/// upload reports the bytes sent to `progress` and stops at `cancel`.
pub async fn run(
    cloud: &Cloud,
    effect: Effect,
    progress: Option<&super::cloudfront_logs::Progress>,
    cancel: &Cancel,
) -> Option<Action> {
    match effect {
        Effect::ApplyOp {
            request,
            plan,
            identity,
            at,
            log,
        } => {
            let outcome = match &plan.request {
                Request::Upload { .. } => {
                    let mut report = |sent, total| {
                        if let Some(tx) = progress {
                            let part = Reply::UploadProgress {
                                request,
                                sent,
                                total,
                            };
                            let _ = tx.send(Action::Reply(part));
                        }
                    };
                    ops::apply::upload::apply(cloud, &plan.request, &mut report, cancel).await
                }
                _ => ops::apply(cloud, &plan).await,
            };
            let entry = audit::Entry::applied(&plan, identity.as_deref(), at, &outcome);
            let audit_error = append(&log, &entry).err();
            Some(Action::Reply(Reply::OpApplied {
                request,
                outcome,
                audit_error,
            }))
        }
        Effect::CompletePath { request, text } => Some(Action::Reply(Reply::PathCompleted {
            request,
            result: super::local_files::complete(text).await,
        })),
        Effect::ReadPackage { request, path } => Some(Action::Reply(Reply::PackageRead {
            request,
            result: super::local_files::read(path).await,
        })),
        Effect::Audit { entry, log } => append(&log, &entry.0)
            .err()
            .map(|e| Action::Reply(Reply::AuditFailed(e))),
        Effect::FetchPackages {
            env,
            request,
            spec,
            want,
        } => {
            let read = ops::apply::catalogue::read(
                cloud,
                &spec.source_bucket,
                &spec.release_prefix,
                want.as_ref(),
                ops::plan::package::Limits::PICKER,
            );
            let result = super::effects::timed("ListObjectsV2", read)
                .await
                .map_err(|e| format!("release packages of {}: {e}", spec.name));
            Some(Action::Reply(Reply::PackagesLoaded {
                env,
                request,
                result,
            }))
        }
        Effect::FetchSourceVersions { env, request, spec } => {
            let result = ops::apply::catalogue::source_versions(cloud, &spec).await;
            Some(Action::Reply(Reply::SourceVersionsLoaded {
                env,
                request,
                result,
            }))
        }
        Effect::FetchCandidates {
            env,
            request,
            pipeline,
            stage,
        } => {
            let call = cloud
                .pipelines
                .list_succeeded_in_stage(&pipeline, &stage, CANDIDATES);
            let result = super::effects::timed("ListPipelineExecutions", call)
                .await
                .map_err(|e| format!("executions that succeeded in {stage} of {pipeline}: {e}"));
            Some(Action::Reply(Reply::CandidatesLoaded {
                env,
                request,
                result,
            }))
        }
        Effect::FetchInvalidation {
            request,
            distribution_id,
            id,
        } => {
            let call = cloud.cdn.get_invalidation(&distribution_id, &id);
            let result = super::effects::timed("GetInvalidation", call)
                .await
                .map_err(|e| e.to_string());
            Some(Action::Reply(Reply::InvalidationLoaded { request, result }))
        }
        Effect::ReadWorkflow {
            request,
            workflow,
            git_ref,
        } => {
            let read = match cloud.github.as_deref() {
                Some(github) => {
                    ops::apply::github::read_for_dispatch(github, &workflow, &git_ref).await
                }
                None => not_configured(&workflow, &git_ref),
            };
            Some(Action::Reply(Reply::WorkflowRead {
                request,
                read: Box::new(read),
            }))
        }
        Effect::LookGitHub {
            request,
            applied,
            mut trail,
        } => {
            let result = match applied.as_ref() {
                crate::ops::Request::Dispatch { .. } => {
                    ops::apply::github::look_dispatch(cloud, &applied, &mut trail).await
                }
                _ => ops::apply::github::look_run(cloud, &applied).await,
            };
            Some(Action::Reply(Reply::GitHubLooked {
                request,
                trail,
                result,
            }))
        }
        Effect::FetchRuns {
            request,
            workflows,
            limit,
            known_jobs,
        } => Some(Action::Reply(Reply::RunsLoaded {
            request,
            read: Box::new(read_runs(cloud, &workflows, limit, &known_jobs).await),
        })),
        Effect::CompareMain { request, commits } => {
            let mut lags = Vec::new();
            // Once GitHub says its rate limit is reached, the rest is not asked.
            let mut limited: Option<crate::cloud::CloudError> = None;
            for commit in commits {
                if let Some(e) = &limited {
                    lags.push((commit, Err(e.to_string())));
                    continue;
                }
                let lag = match cloud.github.as_deref() {
                    Some(github) => {
                        match super::effects::timed(
                            "CompareCommits",
                            github.compare(&commit, "main"),
                        )
                        .await
                        {
                            Ok(c) => Ok(Some(c.ahead_by)),
                            // The repository does not have the commit: a definite answer.
                            Err(crate::cloud::CloudError::NotFound { kind, .. })
                                if kind == "commit" =>
                            {
                                Ok(None)
                            }
                            Err(e) => Err(note(e, &mut limited)),
                        }
                    }
                    None => Err(ops::apply::github::NOT_CONFIGURED.to_string()),
                };
                lags.push((commit, lag));
            }
            Some(Action::Reply(Reply::MainLagLoaded {
                request,
                lags,
                limited_until: limited.and_then(|e| e.limited_until()),
            }))
        }
        Effect::FetchRunJobs { request, run_id } => {
            let result = match cloud.github.as_deref() {
                Some(github) => {
                    super::effects::timed("ListJobsForWorkflowRun", github.list_jobs(run_id))
                        .await
                        .map_err(|e| format!("jobs of run {run_id}: {e}"))
                }
                None => Err(ops::apply::github::NOT_CONFIGURED.to_string()),
            };
            Some(Action::Reply(Reply::RunJobsLoaded { request, result }))
        }
        Effect::FetchJobLog {
            request,
            run_id,
            job_id,
        } => {
            let result = match cloud.github.as_deref() {
                Some(github) => {
                    let (text, jobs) = tokio::join!(
                        super::effects::timed(
                            "DownloadJobLogsForWorkflowRun",
                            github.job_log(job_id)
                        ),
                        super::effects::timed("ListJobsForWorkflowRun", github.list_jobs(run_id)),
                    );
                    let job = jobs
                        .ok()
                        .and_then(|jobs| jobs.into_iter().find(|j| j.id == job_id));
                    // GitHub answers 404 for the log of a job still queued or running (the log
                    // is written as it goes, not served): nothing to show yet, read again.
                    let text = match (text, &job) {
                        (Err(crate::cloud::CloudError::NotFound { .. }), Some(j))
                            if j.status != crate::domain::github::RunStatus::Completed =>
                        {
                            Ok(String::new())
                        }
                        (text, _) => text,
                    };
                    text.map(|text| crate::app::JobLogRead { text, job })
                        .map_err(|e| crate::app::JobLogError {
                            message: format!("log of job {job_id}: {e}"),
                            limited_until: e.limited_until(),
                        })
                }
                None => Err(crate::app::JobLogError {
                    message: ops::apply::github::NOT_CONFIGURED.to_string(),
                    limited_until: None,
                }),
            };
            Some(Action::Reply(Reply::JobLogLoaded { request, result }))
        }
        Effect::ReadAudit { log } => {
            let result = audit_log::path(&log)
                .and_then(|path| audit_log::read(&path, None))
                .map(|entries| entries.into_iter().map(AuditLine).collect());
            Some(Action::Reply(Reply::AuditLoaded(result)))
        }
        _ => None,
    }
}

/// The runs of each workflow, newest first, with the jobs of each failed run (where it failed;
/// those in `known_jobs`, by run id and attempt, are not asked again); each failed read kept
/// with its reason. The token is looked for here, off the event loop.
async fn read_runs(
    cloud: &Cloud,
    workflows: &[String],
    limit: usize,
    known_jobs: &[((u64, u32), Vec<crate::domain::github::Job>)],
) -> RunsRead {
    let Some(github) = cloud.github.as_deref() else {
        return RunsRead {
            repository: String::new(),
            workflows: workflows
                .iter()
                .map(|w| {
                    (
                        w.clone(),
                        Err(ops::apply::github::NOT_CONFIGURED.to_string()),
                    )
                })
                .collect(),
            writable: Err(ops::apply::github::NOT_CONFIGURED.to_string()),
            limited_until: None,
        };
    };
    let writable = github.writable().await;
    let mut out = Vec::new();
    // Once GitHub says its rate limit is reached, the rest is not asked (each would be refused).
    let mut limited: Option<crate::cloud::CloudError> = None;
    for workflow in workflows {
        let query = RunQuery {
            workflow: workflow.clone(),
            branch: None,
            limit,
        };
        if let Some(e) = &limited {
            out.push((workflow.clone(), Err(e.to_string())));
            continue;
        }
        let listed = super::effects::timed("ListWorkflowRuns", github.list_runs(&query)).await;
        let runs = match listed {
            Ok(runs) => {
                let mut rows = Vec::new();
                for run in runs {
                    let known = known_jobs
                        .iter()
                        .find(|(key, _)| *key == (run.id, run.run_attempt))
                        .filter(|_| run.status == crate::domain::github::RunStatus::Completed);
                    let jobs = match (&limited, run.failed()) {
                        (_, false) => None,
                        (_, true) if known.is_some() => known.map(|(_, jobs)| Ok(jobs.clone())),
                        (Some(e), true) => Some(Err(e.to_string())),
                        (None, true) => Some(
                            github
                                .list_jobs(run.id)
                                .await
                                .map_err(|e| note(e, &mut limited)),
                        ),
                    };
                    rows.push(ListedRun { run, jobs });
                }
                Ok(rows)
            }
            Err(e) => Err(note(e, &mut limited)),
        };
        out.push((workflow.clone(), runs));
    }
    RunsRead {
        repository: github.repository(),
        workflows: out,
        writable,
        limited_until: limited.and_then(|e| e.limited_until()),
    }
}

/// A failed read's reason; a rate limit is kept in `limited`, so nothing more is asked.
fn note(e: crate::cloud::CloudError, limited: &mut Option<crate::cloud::CloudError>) -> String {
    let text = e.to_string();
    if e.is_throttle() {
        *limited = Some(e);
    }
    text
}

/// The read of a session without `[github]`: every part says so.
fn not_configured(workflow: &str, git_ref: &str) -> WorkflowRead {
    let unread = || Unread {
        message: ops::apply::github::NOT_CONFIGURED.to_string(),
        missing: true,
    };
    WorkflowRead {
        repository: String::new(),
        workflow: workflow.to_string(),
        git_ref: git_ref.to_string(),
        head: Err(unread()),
        triggers: Err(unread()),
        writable: Ok(()),
    }
}

/// Carries what the guards need from the configuration into the state (the self-approval
/// setting of each environment), and the path of the session's audit file (the demo's own), so
/// the audit view can say which file it shows.
pub fn prepare(state: &mut State, backend: &Backend) {
    for env in &state.envs {
        let name = env.spec.name.clone();
        let setting = backend.config.self_approval(&name);
        state.ops.self_approval.insert(name, setting);
    }
    if backend.cloud.github.is_some() {
        let (deploy, release) = backend.config.github.as_ref().map_or_else(
            || ("deploy.yml".to_string(), "release.yml".to_string()),
            |g| (g.deploy_workflow.clone(), g.release_workflow.clone()),
        );
        state.ops.release_workflow = Some(release.clone());
        state.runs.workflows = vec![deploy, release.clone()];
        state.runs.release_workflow = release;
    }
    if state.ops.audit_path.is_none() {
        state.ops.audit_path = audit_log::path(&crate::app::audit_log(state)).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::counting::CountingCloud;
    use crate::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};

    /// The jobs of a finished failed run are read once: the next read of the runs passes them
    /// back by run id and attempt, and GitHub is not asked for them again.
    #[tokio::test]
    async fn a_finished_failed_runs_jobs_are_not_read_again() {
        let sim = SimCloud::new(Simulator::new(SimConfig::default(), &demo_specs()));
        let counting = CountingCloud::new(sim.cloud());
        let cloud = counting.cloud();
        let workflows = ["deploy.yml".to_string(), "release.yml".to_string()];
        let jobs_read = || {
            counting
                .counts()
                .get("GitHub ListJobsForWorkflowRun")
                .copied()
                .unwrap_or(0)
        };
        let first = read_runs(&cloud, &workflows, 30, &[]).await;
        let failed = jobs_read();
        assert!(failed > 0, "the demo's history has failed runs");
        let mut runs = crate::app::runs::RunsView {
            read: Some(first.clone()),
            ..Default::default()
        };
        let known = runs.known_jobs();
        assert_eq!(
            known.len() as u64,
            failed,
            "every failed run's jobs are kept"
        );
        let second = read_runs(&cloud, &workflows, 30, &known).await;
        assert_eq!(jobs_read(), failed, "no job list asked again");
        assert_eq!(second, first, "the same read");
        runs.read = Some(second);
        assert_eq!(runs.known_jobs(), known);
    }
}
