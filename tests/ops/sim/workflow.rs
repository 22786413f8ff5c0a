//! A release through the team's release workflow: planned from the workflow file read at the
//! ref, one dispatch, then followed from the new run to the package it uploaded and the
//! pipeline execution that ships it, up to the approval.

use super::{OPERATOR, World, world};
use shipdeck::cloud::ApprovalOutcome;
use shipdeck::ops::plan::release_workflow::WorkflowRead;
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
