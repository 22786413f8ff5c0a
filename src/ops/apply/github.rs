//! The GitHub half of the release path: the reads a workflow release is planned with, its one
//! dispatch (after re-checking that the ref still points at the commit shown), the re-run or
//! cancel of a run, and the looks that follow them (judged in `plan::follow_workflow`).

use super::lost::{may_have_reached, reread};
use super::verify::{INTERVAL, Verified};
use crate::cloud::github::{GitHub, RunQuery};
use crate::cloud::{Clock, Cloud, CloudError};
use crate::domain::github::{DispatchRequest, RunChange, WorkflowRun, read_workflow};
use crate::domain::{Millis, Release, SourceObject};
use crate::ops::plan::follow::{Verdict, not_observed};
use crate::ops::plan::follow_workflow::{self, Hold, Need, Trail, Unseen, WorkflowSight};
use crate::ops::plan::guards::Guard;
use crate::ops::plan::release_workflow::{Unread, WorkflowRead};
use crate::ops::plan::{Delivery, NewRun, Outcome, Refusal, Request, RunAction};

/// Runs listed to find a dispatch's new run among the newest.
const RECENT_RUNS: usize = 10;
/// Pipeline executions listed to find the one that ships the package.
const RECENT_EXECUTIONS: usize = 5;

/// What to say when there is no `[github]`.
pub const NOT_CONFIGURED: &str = "GitHub is not configured: add a [github] table with \
                                  repository = \"owner/name\" (see \"Connecting GitHub\" in the \
                                  README)";

/// The branch name GitHub lists runs under for `git_ref`.
fn branch(git_ref: &str) -> &str {
    git_ref
        .trim_start_matches("refs/heads/")
        .trim_start_matches("refs/tags/")
}

/// Reads what planning a dispatch of `workflow` on `git_ref` needs: the commit the ref points
/// at, the workflow file there, and whether a token can start runs. A missing repository, ref
/// or workflow file is said by name.
pub async fn read_for_dispatch(github: &dyn GitHub, workflow: &str, git_ref: &str) -> WorkflowRead {
    let repository = github.repository();
    let (head, file, writable) = futures::join!(
        github.list_commits(git_ref, 1),
        github.workflow_file(workflow, git_ref),
        github.writable()
    );
    let missing = |message: String| Unread {
        message,
        missing: true,
    };
    let failed = |what: &str, e: &CloudError| Unread {
        message: format!("cannot read {what} of {repository}: {e}"),
        missing: false,
    };
    let no_repo =
        |e: &CloudError| matches!(e, CloudError::NotFound { kind, .. } if kind == "repository");
    let head = match head {
        Ok(list) => list
            .into_iter()
            .next()
            .ok_or_else(|| missing(format!("{repository} has no commit on `{git_ref}`"))),
        Err(e) if no_repo(&e) => Err(missing(e.to_string())),
        Err(CloudError::NotFound { .. }) => Err(missing(format!(
            "{repository} has no branch or tag `{git_ref}` (give an existing one with --ref)"
        ))),
        Err(e) => Err(failed(&format!("`{git_ref}`"), &e)),
    };
    let triggers = match file {
        Ok(text) => read_workflow(workflow, &text).map_err(missing),
        Err(CloudError::NotFound { .. }) => match &head {
            Err(u) => Err(u.clone()),
            Ok(_) => Err(missing(format!(
                "{repository} has no workflow file .github/workflows/{workflow} on `{git_ref}` \
                 (release_workflow in [github] names it)"
            ))),
        },
        Err(e) => Err(failed(&format!(".github/workflows/{workflow}"), &e)),
    };
    WorkflowRead {
        repository,
        workflow: workflow.to_string(),
        git_ref: git_ref.to_string(),
        head,
        triggers,
        writable,
    }
}

/// A call whose reply was lost, where re-reading could not tell whether it reached GitHub.
fn unknown(message: String) -> Outcome {
    Outcome {
        message: format!("unknown: may have reached GitHub — check before retrying: {message}"),
        delivery: Delivery::Unknown,
        ..Outcome::failed("")
    }
}

/// Sends the one dispatch of the release workflow, once the ref is re-read and still points at
/// the commit the plan showed. After a lost reply the runs are read instead of sending again.
pub async fn dispatch(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Dispatch {
        repository,
        workflow,
        git_ref,
        head_sha,
        inputs,
        ..
    } = request
    else {
        return Outcome::failed("internal: not a dispatch request");
    };
    let Some(gh) = cloud.github.as_deref() else {
        return Outcome::failed(NOT_CONFIGURED);
    };
    match reread(|| gh.list_commits(git_ref, 1)).await {
        Ok(list) => match list.first() {
            Some(c) if c.sha == *head_sha => {}
            Some(c) => {
                return Outcome::refused(Refusal::by(
                    Guard::Moved,
                    format!(
                        "{git_ref} moved from {} to {} ({}) since the plan was shown; nothing \
                         was sent: read the new plan",
                        head_sha.get(..7).unwrap_or(head_sha),
                        c.short_sha(),
                        c.message
                    ),
                ));
            }
            None => return Outcome::failed(format!("{repository} lists no commit on {git_ref}")),
        },
        Err(e) => {
            return Outcome::failed(format!(
                "cannot re-read {git_ref} of {repository} before dispatching ({e}); nothing was \
                 sent"
            ));
        }
    }
    let newest = RunQuery {
        workflow: workflow.clone(),
        branch: None,
        limit: 1,
    };
    let after = match reread(|| gh.list_runs(&newest)).await {
        Ok(runs) => runs.first().map(|r| r.id),
        Err(e) => {
            return Outcome::failed(format!(
                "cannot list the runs of {workflow} before dispatching ({e}); nothing was sent"
            ));
        }
    };
    let change = RunChange::Dispatch(DispatchRequest {
        workflow: workflow.clone(),
        git_ref: git_ref.clone(),
        inputs: inputs.clone(),
    });
    let what = format!("{workflow} dispatched on {git_ref} of {repository}");
    match crate::cloud::github::apply(gh, &change).await {
        Ok(d) => {
            let mut out = Outcome::done(
                match d.run_id {
                    Some(id) => format!("{what}: run {id}"),
                    None => what,
                },
                None,
            );
            out.reference = d.run_id.map(|id| id.to_string());
            out.new_run = Some(NewRun {
                id: d.run_id,
                after,
            });
            out
        }
        Err(e) if may_have_reached(&e) => {
            let query = RunQuery {
                workflow: workflow.clone(),
                branch: Some(branch(git_ref).to_string()),
                limit: RECENT_RUNS,
            };
            let listed = reread(|| gh.list_runs(&query)).await;
            match listed
                .as_ref()
                .ok()
                .and_then(|runs| follow_workflow::new_run(runs, git_ref, after))
            {
                Some(run) => {
                    let mut out = Outcome::confirmed(format!("{what}: run {}", run.id), None);
                    out.reference = Some(run.id.to_string());
                    out.new_run = Some(NewRun {
                        id: Some(run.id),
                        after,
                    });
                    out
                }
                None => unknown(format!(
                    "the dispatch of {workflow} failed ({e}) and no new run is listed yet; look \
                     at {repository}'s Actions page before dispatching again"
                )),
            }
        }
        Err(e) => Outcome::failed(format!("dispatching {workflow} failed: {e}")),
    }
}

/// Sends the one re-run or cancel of a run, once the run is re-read and still the attempt the
/// plan showed.
pub async fn change_run(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Run {
        run_id,
        attempt,
        change,
        ..
    } = request
    else {
        return Outcome::failed("internal: not a workflow run request");
    };
    let Some(gh) = cloud.github.as_deref() else {
        return Outcome::failed(NOT_CONFIGURED);
    };
    match reread(|| gh.get_run(*run_id)).await {
        Ok(run) if run.run_attempt != *attempt => {
            return Outcome::refused(Refusal::by(
                Guard::Moved,
                format!(
                    "run {run_id} is at attempt {} now, not {attempt} as shown; nothing was \
                     sent: read the new plan",
                    run.run_attempt
                ),
            ));
        }
        // What the run became since the plan may leave nothing to do: said, nothing sent.
        Ok(run) if *change == RunAction::Cancel && run.conclusion.is_some() => {
            return Outcome::refused(Refusal::nothing(format!(
                "run {run_id} completed ({}) since the plan was shown: nothing to cancel, nothing \
                 was sent",
                run.conclusion.map(|c| c.to_string()).unwrap_or_default()
            )));
        }
        Ok(run) if *change == RunAction::RerunFailed && !run.failed() => {
            return Outcome::refused(Refusal::nothing(format!(
                "run {run_id} is {} now: no failed jobs to re-run, nothing was sent",
                run.conclusion
                    .map_or_else(|| run.status.to_string(), |c| c.to_string())
            )));
        }
        Ok(_) => {}
        Err(e) => {
            return Outcome::failed(format!(
                "cannot re-read run {run_id} before changing it ({e}); nothing was sent"
            ));
        }
    }
    let (call, done) = match change {
        RunAction::RerunFailed => (
            RunChange::RerunFailed { run_id: *run_id },
            "its failed jobs re-run",
        ),
        RunAction::Rerun => (RunChange::Rerun { run_id: *run_id }, "re-run"),
        RunAction::Cancel => (RunChange::Cancel { run_id: *run_id }, "cancel requested"),
    };
    match crate::cloud::github::apply(gh, &call).await {
        Ok(_) => {
            let mut out = Outcome::done(format!("run {run_id}: {done}"), None);
            out.reference = Some(run_id.to_string());
            out
        }
        Err(e) if may_have_reached(&e) => match reread(|| gh.get_run(*run_id)).await {
            Ok(run) => match follow_workflow::judge_run(request, Some(&run)) {
                Verdict::Seen(note) => Outcome::confirmed(note, None),
                _ => unknown(format!(
                    "run {run_id} ({e}): re-reading does not show the change yet"
                )),
            },
            Err(_) => unknown(format!("run {run_id}: {e}")),
        },
        Err(e) => Outcome::failed(format!("run {run_id}: {e}")),
    }
}

/// A GitHub read that failed while following: unknown, with when the rate limit resets when
/// GitHub refused it for that.
fn unseen(what: String, e: &CloudError) -> Unseen {
    Unseen {
        message: format!("{what}: {e}"),
        limited_until: e.limited_until(),
    }
}

/// One look at a dispatch: reads what the trail needs next and judges it, moving on at once to
/// the next part when one is done (the run, then the package, then the pipeline). `Err`: a read
/// failed (unknown, not none), with its reason and GitHub's rate-limit reset.
pub async fn look_dispatch(
    cloud: &Cloud,
    request: &Request,
    trail: &mut Trail,
) -> Result<Verdict, Unseen> {
    let Request::Dispatch {
        workflow,
        git_ref,
        pipeline,
        bucket,
        source_key,
        ..
    } = request
    else {
        return Err(Unseen::read("not a workflow dispatch"));
    };
    let gh = cloud
        .github
        .as_deref()
        .ok_or_else(|| Unseen::read(NOT_CONFIGURED))?;
    loop {
        let need = trail.need();
        let verdict = match need {
            Need::Run => {
                let runs: Vec<WorkflowRun> = match trail.run_id {
                    Some(id) => vec![
                        gh.get_run(id)
                            .await
                            .map_err(|e| unseen(format!("cannot read run {id}"), &e))?,
                    ],
                    None => {
                        let query = RunQuery {
                            workflow: workflow.clone(),
                            branch: Some(branch(git_ref).to_string()),
                            limit: RECENT_RUNS,
                        };
                        gh.list_runs(&query).await.map_err(|e| {
                            unseen(format!("cannot list the runs of {workflow}"), &e)
                        })?
                    }
                };
                let run = match trail.run_id {
                    Some(id) => runs.iter().find(|r| r.id == id),
                    None => follow_workflow::new_run(&runs, git_ref, trail.after),
                };
                // Jobs say where a running run is and where a failed one failed; a failed read
                // of them only leaves that out (the rate limit holds the look, as any read).
                let started = run.is_some_and(|r| {
                    r.run_started_at.is_some()
                        && r.conclusion
                            .as_ref()
                            .is_none_or(|c| *c != crate::domain::github::Conclusion::Success)
                });
                let jobs = match run {
                    Some(r) if started => match gh.list_jobs(r.id).await {
                        Ok(jobs) => jobs,
                        Err(e) if e.limited_until().is_some() => {
                            return Err(unseen(
                                format!("cannot read the jobs of run {}", r.id),
                                &e,
                            ));
                        }
                        Err(_) => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                let sight = WorkflowSight {
                    runs: &runs,
                    jobs: &jobs,
                    ..WorkflowSight::default()
                };
                follow_workflow::judge(request, trail, &sight)
            }
            Need::Package => {
                let source = match cloud.storage.head_object(bucket, source_key).await {
                    Ok(meta) => Some(SourceObject {
                        bucket: bucket.clone(),
                        key: source_key.clone(),
                        version_id: meta.version_id,
                        last_modified: meta.info.last_modified,
                        release: Release::from_metadata(&meta.metadata, None),
                    }),
                    Err(CloudError::NotFound { kind, .. }) if kind == "key" => None,
                    Err(e) => {
                        return Err(Unseen::read(format!(
                            "cannot read s3://{bucket}/{source_key}: {e}"
                        )));
                    }
                };
                let sight = WorkflowSight {
                    source: source.as_ref(),
                    ..WorkflowSight::default()
                };
                follow_workflow::judge(request, trail, &sight)
            }
            Need::Pipeline => {
                let p = &cloud.pipelines;
                let unread = |e: CloudError| {
                    Unseen::read(format!("cannot read the pipeline {pipeline}: {e}"))
                };
                let (def, state, executions) = futures::join!(
                    p.get_pipeline(pipeline),
                    p.get_pipeline_state(pipeline),
                    p.list_executions(pipeline, RECENT_EXECUTIONS)
                );
                let (def, state, executions) = (
                    def.map_err(unread)?,
                    state.map_err(unread)?,
                    executions.map_err(unread)?,
                );
                let sight = WorkflowSight {
                    def: Some(&def),
                    state: Some(&state),
                    executions: &executions,
                    ..WorkflowSight::default()
                };
                follow_workflow::judge(request, trail, &sight)
            }
        };
        if verdict.is_final() || trail.need() == need {
            return Ok(verdict);
        }
    }
}

/// One look at a re-run or cancel: the run, judged.
pub async fn look_run(cloud: &Cloud, request: &Request) -> Result<Verdict, Unseen> {
    let Request::Run { run_id, .. } = request else {
        return Err(Unseen::read("not a workflow run request"));
    };
    let gh = cloud
        .github
        .as_deref()
        .ok_or_else(|| Unseen::read(NOT_CONFIGURED))?;
    let run = gh
        .get_run(*run_id)
        .await
        .map_err(|e| unseen(format!("cannot read run {run_id}"), &e))?;
    Ok(follow_workflow::judge_run(request, Some(&run)))
}

/// Follows a dispatch or run change until it is seen, fails, or `limit` passes, on `pace`;
/// `step` hears each new note (the CLI prints them as they come). While GitHub's rate limit
/// holds, it waits for the reset instead of asking; a reset after `limit` ends it unknown.
pub async fn watch(
    cloud: &Cloud,
    pace: &dyn Clock,
    request: &Request,
    outcome: &Outcome,
    limit: Millis,
    step: &mut (dyn FnMut(&str) + Send),
) -> Verified {
    let mut trail = Trail::of(outcome);
    let deadline = pace.now() + limit;
    let mut last = "no answer yet".to_string();
    let mut wait = None;
    loop {
        if let Some(ms) = wait {
            if pace.now() >= deadline {
                break;
            }
            pace.pause(ms).await;
        }
        wait = Some(INTERVAL);
        let looked = match request {
            Request::Dispatch { .. } => look_dispatch(cloud, request, &mut trail).await,
            _ => look_run(cloud, request).await,
        };
        let note = match looked {
            Ok(Verdict::Seen(message)) => return Verified::seen(message),
            Ok(Verdict::Failed(message)) => return Verified::failed(message),
            Ok(Verdict::Waiting(message)) => message,
            Err(unseen) => match unseen.hold(pace.now(), deadline) {
                Hold::Now(note) => note,
                Hold::Until(until, note) => {
                    wait = Some((until.0 - pace.now().0).max(INTERVAL));
                    note
                }
                Hold::Beyond(message) => {
                    step(&message);
                    return Verified::unobserved(message);
                }
            },
        };
        if note != last {
            step(&note);
            last = note;
        }
    }
    Verified::unobserved(not_observed(limit, &last))
}
