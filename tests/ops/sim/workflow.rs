//! A release through the team's release workflow: planned from the workflow file read at the
//! ref, one dispatch, then followed from the new run to the package it uploaded and the
//! pipeline execution that ships it, up to the approval.

use super::{OPERATOR, World, world};
use shipdeck::cloud::ApprovalOutcome;
use shipdeck::ops::plan::RunAction;
use shipdeck::ops::plan::release_workflow::WorkflowRead;
use shipdeck::ops::plan::runs::{RunRead, run_target};
use shipdeck::ops::{self, Ask, ExitClass, Guard, Plan, Reads, ReleaseFrom, What};

async fn read(w: &World, git_ref: &str) -> WorkflowRead {
    let cloud = w.counting.cloud();
    let gh = cloud.github.expect("the simulator has a GitHub");
    ops::apply::github::read_for_dispatch(gh.as_ref(), "release.yml", git_ref).await
}

fn workflow_plan(w: &World, read: &WorkflowRead, inputs: &[&str]) -> ops::Planned {
    let held = w.held("prd");
    let ask = Ask {
        env: "prd".into(),
        what: What::Release(ReleaseFrom::Workflow {
            git_ref: read.git_ref.clone(),
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
        }),
        asked_at: held.now,
        nonce: 1,
    };
    let reads = Reads {
        workflow: Some(read),
        ..Reads::default()
    };
    held.plan(OPERATOR, |c, d| ops::plan(c, d, reads, &ask))
}

fn dispatches(w: &World) -> u64 {
    w.sim.with(|s| {
        s.stats()
            .calls
            .get("github:DispatchWorkflow")
            .copied()
            .unwrap_or(0)
    })
}

/// Answers the approvals waiting in prd (the demo starts with one, and more queue behind it),
/// so its approval stage is free.
async fn free_the_approval(w: &World) {
    for _ in 0..10 {
        let waiting = w.sim.with(|s| s.pending_approvals());
        if !waiting.iter().any(|a| a.environment == "prd") {
            return;
        }
        let answer = super::approve_plan(w, ApprovalOutcome::Approved, "ship it");
        assert_eq!(w.apply(&answer).await.class, ExitClass::Done);
        w.sim
            .with(|s| s.advance(shipdeck::domain::Timestamp::MINUTE));
    }
    panic!("prd's approvals keep coming");
}

async fn planned(w: &World) -> Plan {
    let read = read(w, "main").await;
    workflow_plan(w, &read, &[]).unwrap_or_else(|r| panic!("{}", r.reason))
}

#[tokio::test]
async fn a_release_through_the_workflow_is_followed_from_its_run_to_the_approval() {
    let w = world();
    w.sim.with(|s| s.set_github_failure_rate(0.0));
    free_the_approval(&w).await;
    let plan = planned(&w).await;
    assert_eq!(plan.call.operation, "CreateWorkflowDispatch");
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(dispatches(&w), 1, "exactly one dispatch");
    let mut steps = Vec::new();
    let verified = ops::apply::verify_steps(
        &w.sim.cloud(),
        &shipdeck::cloud::sim::SimClock::driven(w.sim.clone()),
        &plan,
        &outcome,
        &mut |note: &str| steps.push(note.to_string()),
    )
    .await;
    assert!(verified.ok, "{}", verified.message);
    assert!(
        verified.message.contains("succeeded; ")
            && verified
                .message
                .contains("in s3://storefront-deployer-source/prd/release.zip")
            && verified
                .message
                .contains("waits for approval at Approval in prd"),
        "{}",
        verified.message
    );
    // Each part was seen on its way: the run going, then the package and the execution.
    assert!(
        steps.iter().any(|s| s.contains("is in_progress")),
        "{steps:?}"
    );
    assert_eq!(dispatches(&w), 1, "verify sends nothing");
}

#[tokio::test]
async fn a_failed_run_ends_the_watch_naming_the_job_and_step() {
    let w = world();
    w.sim.with(|s| s.set_github_failure_rate(1.0));
    let plan = planned(&w).await;
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    let verified = w.verify(&plan, &outcome).await;
    assert!(!verified.ok);
    assert_eq!(verified.state, ops::Watched::Failed);
    assert!(
        verified.message.contains("ended failure at release › ")
            && verified.message.contains("nothing was shipped to prd")
            && verified.message.contains("--failed"),
        "{}",
        verified.message
    );
}

#[tokio::test]
async fn a_branch_that_moved_after_the_plan_is_not_dispatched() {
    let w = world();
    let plan = planned(&w).await;
    let before = read(&w, "main").await.head.unwrap().sha;
    let mut moved = false;
    for _ in 0..(14 * 24) {
        w.sim.with(|s| s.advance(shipdeck::domain::Timestamp::HOUR));
        if read(&w, "main").await.head.unwrap().sha != before {
            moved = true;
            break;
        }
    }
    assert!(moved, "the simulator pushes to main within two weeks");
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.guard, Some(Guard::Moved), "{}", outcome.message);
    assert!(
        outcome.message.contains("main moved from"),
        "{}",
        outcome.message
    );
    assert_eq!(dispatches(&w), 0, "nothing sent");
}

#[tokio::test]
async fn a_ref_the_repository_does_not_have_is_refused_by_name() {
    let w = world();
    let read = read(&w, "mian").await;
    let r = workflow_plan(&w, &read, &[]).unwrap_err();
    assert_eq!(r.guard, Guard::Input);
    assert_eq!(
        r.reason,
        "acme/storefront has no branch or tag `mian` (give an existing one with --ref)"
    );
}

async fn run_read(w: &World, run_id: u64) -> RunRead {
    let cloud = w.counting.cloud();
    let gh = cloud.github.expect("the simulator has a GitHub");
    RunRead {
        repository: gh.repository(),
        run: gh.get_run(run_id).await.unwrap(),
        jobs: gh.list_jobs(run_id).await.map_err(|e| e.to_string()),
        writable: gh.writable().await,
    }
}

fn run_plan(w: &World, read: &RunRead, action: RunAction) -> ops::Planned {
    let specs = shipdeck::cloud::sim::demo_specs();
    let env = run_target(&read.run, "release.yml", &specs)
        .unwrap()
        .name
        .clone();
    let held = w.held(&env);
    let ask = Ask {
        env,
        what: What::Run {
            run_id: read.run.id,
            action,
        },
        asked_at: held.now,
        nonce: 1,
    };
    let reads = Reads {
        run: Some(read),
        ..Reads::default()
    };
    held.plan(OPERATOR, |c, d| ops::plan(c, d, reads, &ask))
}

/// A release run that failed: its failed jobs re-run after the typed confirmation of prd, the
/// new attempt seen; the same plan again, once the run moved on to attempt 2, is refused.
#[tokio::test]
async fn the_failed_jobs_of_a_release_run_are_re_run_once_with_prds_confirmation() {
    let w = world();
    w.sim.with(|s| s.set_github_failure_rate(1.0));
    let dispatch = planned(&w).await;
    let outcome = w.apply(&dispatch).await;
    let run_id = outcome.new_run.and_then(|r| r.id).expect("the run");
    assert!(!w.verify(&dispatch, &outcome).await.ok, "the run fails");
    let read = run_read(&w, run_id).await;
    let plan =
        run_plan(&w, &read, RunAction::RerunFailed).unwrap_or_else(|r| panic!("{}", r.reason));
    assert_eq!(plan.confirm, ops::Confirm::TypeName("prd".into()));
    assert_eq!(
        plan.aws_command,
        format!("gh run rerun {run_id} --failed --repo acme/storefront")
    );
    assert!(
        plan.summary
            .iter()
            .any(|l| l.starts_with("failed at:     release › ")),
        "{:?}",
        plan.summary
    );
    let done = w.apply(&plan).await;
    assert_eq!(done.class, ExitClass::Done, "{}", done.message);
    let verified = w.verify(&plan, &done).await;
    assert!(verified.ok, "{}", verified.message);
    assert!(
        verified.message.contains("runs again: attempt 2"),
        "{}",
        verified.message
    );
    let again = w.apply(&plan).await;
    assert_eq!(again.guard, Some(Guard::Moved), "{}", again.message);
    let reruns = w
        .sim
        .with(|s| s.stats().calls.get("github:RerunFailedJobs").copied());
    assert_eq!(reruns, Some(1), "one re-run sent");
}

/// A running deploy run is cancelled (dev's yes/no confirmation); a completed one is nothing
/// to do, and re-running the failed jobs of a run that succeeded says how to re-run it all.
#[tokio::test]
async fn a_running_run_is_cancelled_and_a_completed_one_is_nothing_to_do() {
    let w = world();
    let cloud = w.counting.cloud();
    let gh = cloud.github.clone().unwrap();
    let query = shipdeck::cloud::github::RunQuery {
        workflow: "deploy.yml".into(),
        branch: None,
        limit: 30,
    };
    let runs = gh.list_runs(&query).await.unwrap();
    let running = runs
        .iter()
        .find(|r| r.conclusion.is_none())
        .expect("a run going");
    let read = run_read(&w, running.id).await;
    let plan = run_plan(&w, &read, RunAction::Cancel).unwrap_or_else(|r| panic!("{}", r.reason));
    assert_eq!(plan.environment, "dev");
    assert_eq!(plan.confirm, ops::Confirm::YesNo);
    let done = w.apply(&plan).await;
    assert_eq!(done.class, ExitClass::Done, "{}", done.message);
    let verified = w.verify(&plan, &done).await;
    assert!(verified.ok, "{}", verified.message);
    let read = run_read(&w, running.id).await;
    let r = run_plan(&w, &read, RunAction::Cancel).unwrap_err();
    assert_eq!(r.class, ExitClass::NothingToDo, "{}", r.reason);
    let ok = runs
        .iter()
        .find(|r| r.conclusion == Some(shipdeck::domain::github::Conclusion::Success))
        .expect("a run that succeeded");
    let read = run_read(&w, ok.id).await;
    let r = run_plan(&w, &read, RunAction::RerunFailed).unwrap_err();
    assert!(
        r.reason.contains("without --failed re-runs every job"),
        "{}",
        r.reason
    );
}

/// A running run cancelled from a plan made before it completed: re-read before the call, it
/// has nothing left to cancel, and nothing is sent (GitHub would answer 409).
#[tokio::test]
async fn a_run_that_completed_after_the_plan_is_not_cancelled() {
    let w = world();
    let cloud = w.counting.cloud();
    let gh = cloud.github.clone().unwrap();
    let query = shipdeck::cloud::github::RunQuery {
        workflow: "deploy.yml".into(),
        branch: None,
        limit: 30,
    };
    let runs = gh.list_runs(&query).await.unwrap();
    let running = runs
        .iter()
        .find(|r| r.conclusion.is_none())
        .expect("a run going");
    let read = run_read(&w, running.id).await;
    let plan = run_plan(&w, &read, RunAction::Cancel).unwrap_or_else(|r| panic!("{}", r.reason));
    w.sim.with(|s| s.advance(shipdeck::domain::Timestamp::HOUR));
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::NothingToDo, "{}", outcome.message);
    assert!(
        outcome.message.contains("nothing was sent"),
        "{}",
        outcome.message
    );
    let cancels = w
        .sim
        .with(|s| s.stats().calls.get("github:CancelWorkflowRun").copied());
    assert_eq!(cancels, None, "no cancel sent");
}

/// GitHub's rate limit, as the REST client reads it from `x-ratelimit-reset`, on the next read
/// of the run.
fn rate_limit_run_read(w: &World, reset: shipdeck::domain::Timestamp) {
    w.sim.with(|s| {
        s.force_github_error(
            "GetWorkflowRun",
            shipdeck::cloud::CloudError::Throttled {
                service: "GitHub".into(),
                operation: "GetWorkflowRun".into(),
                until: Some(reset),
            },
        )
    });
}

fn run_reads(w: &World) -> u64 {
    w.sim.with(|s| {
        s.stats()
            .calls
            .get("github:GetWorkflowRun")
            .copied()
            .unwrap_or(0)
    })
}

#[tokio::test]
async fn a_rate_limited_follow_waits_for_the_reset_then_follows_the_run() {
    let w = world();
    w.sim.with(|s| s.set_github_failure_rate(0.0));
    free_the_approval(&w).await;
    let plan = planned(&w).await;
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    let start = w.sim.with(|s| s.now());
    let reset = start + 10 * shipdeck::domain::Timestamp::MINUTE;
    rate_limit_run_read(&w, reset);
    let hh_mm = reset.clock()[..5].to_string();
    // Each note with the simulated time it was said at, and how many run reads were made.
    let mut steps = Vec::new();
    let sim = w.sim.clone();
    let verified = ops::apply::verify_steps(
        &w.sim.cloud(),
        &shipdeck::cloud::sim::SimClock::driven(w.sim.clone()),
        &plan,
        &outcome,
        &mut |note: &str| {
            let (now, reads) = sim.with(|s| {
                let reads = s.stats().calls.get("github:GetWorkflowRun").copied();
                (s.now(), reads.unwrap_or(0))
            });
            steps.push((now, reads, note.to_string()));
        },
    )
    .await;
    assert!(verified.ok, "{}", verified.message);
    let waiting = format!("GitHub rate limit: resets at {hh_mm} UTC; waiting");
    assert_eq!(steps[0], (start, 1, waiting), "{steps:?}");
    // Nothing was asked while the limit held: the next read, the second, is at the reset (and
    // by then the run is done and its release waits for prd's approval).
    assert_eq!(run_reads(&w), 2, "{steps:?}");
    assert_eq!(w.sim.with(|s| s.now()), reset, "{steps:?}");
}

#[tokio::test]
async fn a_rate_limit_that_resets_after_the_follows_limit_ends_it_unknown_not_failed() {
    let w = world();
    w.sim.with(|s| s.set_github_failure_rate(0.0));
    let plan = planned(&w).await;
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    let start = w.sim.with(|s| s.now());
    let reset = start + 2 * shipdeck::domain::Timestamp::HOUR;
    rate_limit_run_read(&w, reset);
    let verified = w.verify(&plan, &outcome).await;
    assert!(!verified.ok);
    assert!(
        verified.message.starts_with(&format!(
            "unknown: GitHub rate limit: resets at {} UTC, after this follow's limit",
            &reset.clock()[..5]
        )) && !verified.message.contains("failed"),
        "{}",
        verified.message
    );
    assert_eq!(run_reads(&w), 1, "nothing asked again before the reset");
    assert_eq!(
        w.sim.with(|s| s.now()),
        start,
        "no waiting for a reset past the limit"
    );
}
