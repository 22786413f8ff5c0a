//! The "served, then the reply was lost" fault: the change is made, the caller sees a timeout
//! it cannot tell from one before serving; idempotency tokens make a repeat harmless.

use super::{DEV, PRD, cloud, code};
use futures::executor::block_on;
use shipdeck::cloud::sim::{Fault, FaultRates, MUTATING, SimCloud};
use shipdeck::cloud::{
    ApprovalAnswer, ApprovalOutcome, CloudError, StartRequest, TransitionChange,
};
use shipdeck::domain::{ActionStatus, Approval};

const DIST: &str = "E2DEVSTOREFRNT";

fn timeout(op: &str) -> CloudError {
    CloudError::Timeout {
        operation: op.into(),
    }
}

fn waiting(sim: &SimCloud, execution_id: &str) -> bool {
    let pending = sim.with(|s| s.pending_approvals());
    pending.iter().any(|p| p.execution_id == execution_id)
}

/// The first pending approval and an answer to it.
fn first_answer(
    sim: &SimCloud,
    outcome: ApprovalOutcome,
    summary: &str,
) -> (Approval, ApprovalAnswer) {
    let a = sim.with(|s| s.pending_approvals().remove(0));
    let answer = ApprovalAnswer {
        pipeline: a.pipeline.clone(),
        stage: a.stage.clone(),
        action: a.action.clone(),
        token: a.token.clone().unwrap(),
        outcome,
        summary: summary.into(),
    };
    (a, answer)
}

#[test]
fn a_lost_reply_makes_the_change_and_answers_with_a_timeout() {
    let sim = cloud(31);
    let p = sim.cloud().pipelines;
    let (a, answer) = first_answer(&sim, ApprovalOutcome::Approved, "lost on the way back");
    sim.with(|s| s.force_faults("PutApprovalResult", &[Fault::LostReply]));
    let err = block_on(p.put_approval_result(&answer)).unwrap_err();
    assert_eq!(err, timeout("PutApprovalResult"));
    assert!(!waiting(&sim, &a.execution_id), "answered");
    let runs = sim.with(|s| s.action_executions(PRD, &a.execution_id));
    let run = runs.iter().find(|r| r.stage == a.stage).unwrap();
    assert_eq!(run.status, ActionStatus::Succeeded);
    assert_eq!(run.summary.as_deref(), Some("lost on the way back"));
    let stats = sim.with(|s| s.stats());
    assert_eq!(stats.faults_of("lost_reply"), 1);
    assert_eq!(
        stats.served["PutApprovalResult"], 1,
        "a lost reply was served"
    );
    // Sending it again meets the answered approval, as AWS would.
    let again = block_on(p.put_approval_result(&answer)).unwrap_err();
    assert_eq!(code(again), "ApprovalAlreadyCompletedException");
}

#[test]
fn a_timeout_before_serving_changes_nothing() {
    let sim = cloud(31);
    let p = sim.cloud().pipelines;
    let (a, answer) = first_answer(&sim, ApprovalOutcome::Rejected, "never arrives");
    sim.with(|s| s.force_faults("PutApprovalResult", &[Fault::Timeout]));
    let err = block_on(p.put_approval_result(&answer)).unwrap_err();
    assert_eq!(
        err,
        timeout("PutApprovalResult"),
        "the same error as a lost reply"
    );
    let pending = sim.with(|s| s.pending_approvals());
    let still = pending.iter().find(|p| p.execution_id == a.execution_id);
    assert_eq!(
        still.unwrap().token,
        a.token,
        "still waiting with the same token"
    );
    let stats = sim.with(|s| s.stats());
    assert_eq!(stats.served.get("PutApprovalResult"), None);
    assert_eq!(stats.faults_of("timeout"), 1);
    block_on(p.put_approval_result(&answer)).unwrap();
    assert!(!waiting(&sim, &a.execution_id));
}

#[test]
fn a_start_whose_reply_was_lost_is_found_again_by_its_token() {
    let sim = cloud(32);
    let p = sim.cloud().pipelines;
    let before = sim.with(|s| s.executions(DEV).len());
    let req = StartRequest {
        client_request_token: Some("deploy-lost-1".into()),
        ..StartRequest::default()
    };
    sim.with(|s| {
        s.force_faults(
            "StartPipelineExecution",
            &[Fault::LostReply, Fault::LostReply],
        )
    });
    assert_eq!(
        block_on(p.start_execution(DEV, &req)).unwrap_err(),
        timeout("StartPipelineExecution")
    );
    let started = sim.with(|s| s.executions(DEV));
    assert_eq!(
        started.len(),
        before + 1,
        "the lost reply's execution started"
    );
    assert!(block_on(p.start_execution(DEV, &req)).is_err());
    let id = block_on(p.start_execution(DEV, &req)).unwrap();
    assert_eq!(id, started[0].id, "the same token gives the same execution");
    assert_eq!(
        sim.with(|s| s.executions(DEV).len()),
        before + 1,
        "no second one"
    );
    let other = StartRequest {
        client_request_token: Some("deploy-lost-2".into()),
        ..StartRequest::default()
    };
    assert_ne!(block_on(p.start_execution(DEV, &other)).unwrap(), id);
    assert_eq!(sim.with(|s| s.stats().faults_of("lost_reply")), 2);
    let starts: Vec<(String, String)> = sim.with(|s| {
        s.changes()
            .iter()
            .filter(|c| c.operation == "StartPipelineExecution")
            .map(|c| (c.target.clone(), c.detail.clone()))
            .collect()
    });
    assert_eq!(
        starts,
        vec![
            ("deploy-lost-1".to_string(), id.clone()),
            ("deploy-lost-2".to_string(), starts[1].1.clone())
        ],
        "one change per execution started, none for the repeats"
    );
    assert_eq!(sim.with(|s| s.forced_faults_left()), 0);
}

#[test]
fn an_invalidation_whose_reply_was_lost_is_returned_again_for_its_caller_reference() {
    let sim = cloud(33);
    let cdn = sim.cloud().cdn;
    let paths = vec!["/index.html".to_string(), "/assets/*".to_string()];
    sim.with(|s| s.force_faults("CreateInvalidation", &[Fault::LostReply]));
    let err = block_on(cdn.create_invalidation(DIST, &paths, "ref-7")).unwrap_err();
    assert_eq!(err, timeout("CreateInvalidation"));
    let made = sim.with(|s| s.invalidations(DIST));
    assert_eq!(made.len(), 1, "the lost reply's invalidation exists");
    let reordered = vec![paths[1].clone(), paths[0].clone()];
    let again = block_on(cdn.create_invalidation(DIST, &reordered, "ref-7")).unwrap();
    assert_eq!(
        again.id, made[0].id,
        "same reference, same paths: the same invalidation"
    );
    assert_eq!(sim.with(|s| s.invalidations(DIST)).len(), 1);
    let recorded = sim.with(|s| {
        let c = s.changes().last().cloned().unwrap();
        (c.operation, c.target, c.detail)
    });
    assert_eq!(
        recorded,
        ("CreateInvalidation", "ref-7".to_string(), again.id.clone())
    );
    let other = vec!["/robots.txt".to_string()];
    let clash = block_on(cdn.create_invalidation(DIST, &other, "ref-7")).unwrap_err();
    assert_eq!(code(clash), "InvalidationBatchAlreadyExists");
}

#[test]
fn a_copy_whose_reply_was_lost_has_written_the_source_key_and_started_the_pipeline() {
    let sim = cloud(34);
    let s = sim.cloud().storage;
    let bucket = "storefront-deployer-source";
    let page = block_on(s.list_objects(bucket, "releases/", None, None, 1000)).unwrap();
    let from = page.objects.last().unwrap().key.clone();
    let before = block_on(s.head_object(bucket, "dev/release.zip")).unwrap();
    let runs = sim.with(|w| w.executions(DEV).len());
    sim.with(|w| w.force_faults("CopyObject", &[Fault::LostReply]));
    let err = block_on(s.copy_object(bucket, &from, bucket, "dev/release.zip")).unwrap_err();
    assert_eq!(err, timeout("CopyObject"));
    let after = block_on(s.head_object(bucket, "dev/release.zip")).unwrap();
    assert_ne!(
        after.version_id, before.version_id,
        "a new version of the source key"
    );
    let package = block_on(s.head_object(bucket, &from)).unwrap();
    assert_eq!(
        after.metadata, package.metadata,
        "the package's metadata, copied"
    );
    assert_eq!(
        sim.with(|w| w.executions(DEV).len()),
        runs + 1,
        "the pipeline started"
    );
}

#[test]
fn random_lost_replies_fall_only_on_mutating_calls() {
    let sim = cloud(35);
    sim.with(|s| {
        s.set_faults(FaultRates {
            lost_reply: 1.0,
            ..FaultRates::none()
        })
    });
    let c = sim.cloud();
    for _ in 0..20 {
        block_on(c.identity.caller_identity()).unwrap();
        block_on(c.pipelines.get_pipeline_state(DEV)).unwrap();
    }
    let freeze = TransitionChange::Disable {
        reason: "hold".into(),
    };
    let err = block_on(c.pipelines.set_inbound_transition(DEV, "Deploy", &freeze)).unwrap_err();
    assert_eq!(err, timeout("DisableStageTransition"));
    let state = sim.with(|s| s.pipeline_state(DEV)).unwrap();
    let deploy = state.stages.iter().find(|s| s.name == "Deploy").unwrap();
    assert!(!deploy.inbound.enabled, "frozen all the same");
    let stats = sim.with(|s| s.stats());
    assert_eq!(stats.faults_of("lost_reply"), 1);
    assert_eq!(stats.total_faults(), 1, "reads were never faulted");
    assert!(MUTATING.contains(&"DisableStageTransition"));
}
