//! Approve, reject, deploy, stop and retry when the reply of the mutating call is lost (the
//! simulator serves the call, then answers with a timeout): the change is made exactly once,
//! re-reading decides, and nothing is sent blindly again.

use crate::support::ops_lost as rig;

use rig::{assert_confirmed, assert_sent_again, assert_unknown, world};
use shipdeck::cloud::sim::Fault;
use shipdeck::cloud::{ApprovalOutcome, RetryMode};
use shipdeck::domain::{ActionStatus, ExecutionStatus};
use shipdeck::ops::plan::deploy::DeployOptions;
use shipdeck::ops::plan::{approve, deploy, retry, stop};
use shipdeck::ops::{Delivery, ExitClass, Guard};

const PRD: &str = "storefront-deployer-prd";
const DEV: &str = "storefront-deployer-dev";

fn answer_plan(w: &rig::World, outcome: ApprovalOutcome, comment: &str) -> shipdeck::ops::Plan {
    w.held("prd")
        .plan(|c, d| approve::plan(c, d, outcome, Some(comment)))
}

/// The prd approval run of `execution`: its status and summary.
fn approval_run(w: &rig::World, execution: &str) -> (ActionStatus, Option<String>) {
    let runs = w.sim.with(|s| s.action_executions(PRD, execution));
    let run = runs.iter().find(|r| r.stage == "Approval").unwrap();
    (run.status, run.summary.clone())
}

fn execution_of(plan: &shipdeck::ops::Plan) -> String {
    match &plan.request {
        shipdeck::ops::Request::Answer { execution_id, .. } => execution_id.clone(),
        other => panic!("not an answer: {other:?}"),
    }
}

#[tokio::test]
async fn an_approval_whose_reply_was_lost_is_confirmed_by_re_reading_not_sent_again() {
    let w = world();
    let plan = answer_plan(&w, ApprovalOutcome::Approved, "ship it");
    let exec = execution_of(&plan);
    w.force("PutApprovalResult", &[Fault::LostReply]);
    let outcome = w.apply(&plan).await;
    assert_confirmed(&outcome);
    assert!(
        outcome.message.contains("approved execution"),
        "{}",
        outcome.message
    );
    assert_eq!(w.sent("PutApprovalResult"), 1, "never sent again");
    assert_eq!(w.served("PutApprovalResult"), 1);
    assert_eq!(
        approval_run(&w, &exec),
        (ActionStatus::Succeeded, Some("ship it".into()))
    );
}

#[tokio::test]
async fn a_rejection_whose_reply_was_lost_is_confirmed_too() {
    let w = world();
    let plan = answer_plan(&w, ApprovalOutcome::Rejected, "not during the sale");
    let exec = execution_of(&plan);
    w.force("PutApprovalResult", &[Fault::LostReply]);
    let outcome = w.apply(&plan).await;
    assert_confirmed(&outcome);
    assert_eq!(w.sent("PutApprovalResult"), 1);
    assert_eq!(
        approval_run(&w, &exec),
        (ActionStatus::Failed, Some("not during the sale".into()))
    );
}

#[tokio::test]
async fn an_approval_still_waiting_after_a_timeout_is_sent_once_more() {
    let w = world();
    let plan = answer_plan(&w, ApprovalOutcome::Approved, "second try");
    let exec = execution_of(&plan);
    w.force("PutApprovalResult", &[Fault::Timeout]);
    let outcome = w.apply(&plan).await;
    assert_sent_again(&outcome);
    assert_eq!(w.sent("PutApprovalResult"), 2);
    assert_eq!(w.served("PutApprovalResult"), 1, "answered once");
    assert_eq!(approval_run(&w, &exec).0, ActionStatus::Succeeded);
}

#[tokio::test]
async fn a_second_lost_reply_after_the_resend_is_confirmed_and_the_loop_ends() {
    let w = world();
    let plan = answer_plan(&w, ApprovalOutcome::Approved, "third time");
    w.force("PutApprovalResult", &[Fault::Timeout, Fault::LostReply]);
    let outcome = w.apply(&plan).await;
    assert_confirmed(&outcome);
    assert_eq!(w.sent("PutApprovalResult"), 2);
    assert_eq!(w.served("PutApprovalResult"), 1);
}

#[tokio::test]
async fn two_timeouts_before_serving_fail_plainly_and_send_no_third_time() {
    let w = world();
    let plan = answer_plan(&w, ApprovalOutcome::Approved, "never");
    let exec = execution_of(&plan);
    w.force(
        "PutApprovalResult",
        &[Fault::Timeout, Fault::Timeout, Fault::Timeout],
    );
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Failed, "{}", outcome.message);
    assert_eq!(outcome.delivery, Delivery::Answered, "the re-read shows it");
    assert!(
        outcome.message.contains("still waiting"),
        "{}",
        outcome.message
    );
    assert_eq!(w.sent("PutApprovalResult"), 2, "at most one resend");
    assert_eq!(approval_run(&w, &exec).0, ActionStatus::InProgress);
}

#[tokio::test]
async fn a_lost_reply_with_the_re_read_failing_too_is_unknown() {
    let w = world();
    let plan = answer_plan(&w, ApprovalOutcome::Approved, "in the dark");
    w.force("PutApprovalResult", &[Fault::LostReply]);
    w.force("ListActionExecutions", &[Fault::Timeout; 3]);
    let outcome = w.apply(&plan).await;
    assert_unknown(&outcome);
    assert_eq!(w.sent("PutApprovalResult"), 1, "not sent again blindly");
    assert_eq!(w.sent("ListActionExecutions"), 3, "the re-read is bounded");
}

#[tokio::test]
async fn an_approval_answered_by_someone_else_meanwhile_is_reported_not_claimed() {
    let w = world();
    let plan = answer_plan(&w, ApprovalOutcome::Approved, "mine");
    let exec = execution_of(&plan);
    let shipdeck::ops::Request::Answer { token, .. } = &plan.request else {
        unreachable!()
    };
    let theirs = shipdeck::cloud::ApprovalAnswer {
        pipeline: PRD.into(),
        stage: "Approval".into(),
        action: "ApproveRelease".into(),
        token: token.clone(),
        outcome: ApprovalOutcome::Rejected,
        summary: "theirs".into(),
    };
    let mut cloud = w.sim.cloud();
    cloud.pipelines = std::sync::Arc::new(rig::Overtaken {
        sim: w.sim.clone(),
        theirs,
    });
    let outcome = shipdeck::ops::apply(&cloud, &plan).await;
    assert_eq!(outcome.class, ExitClass::Refused, "{}", outcome.message);
    assert_eq!(outcome.guard, Some(Guard::AlreadyAnswered));
    assert!(
        outcome.message.contains("Failed by") && outcome.message.contains("theirs"),
        "{}",
        outcome.message
    );
    assert_eq!(
        approval_run(&w, &exec),
        (ActionStatus::Failed, Some("theirs".into()))
    );
}

#[tokio::test]
async fn a_deploy_retries_with_the_same_token_and_starts_once() {
    let w = world();
    let before = w.held("dev").executions.len();
    let opts = DeployOptions {
        client_request_token: "lost-deploy-1".into(),
        ..DeployOptions::default()
    };
    let plan = w.held("dev").plan(|c, d| deploy::plan(c, d, &opts));
    w.force(
        "StartPipelineExecution",
        &[Fault::LostReply, Fault::Throttle],
    );
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(
        w.sent("StartPipelineExecution"),
        3,
        "retried with the same token"
    );
    let execs = w.sim.with(|s| s.executions(DEV));
    assert_eq!(execs.len(), before + 1, "one execution");
    assert_eq!(
        outcome.execution_id.as_ref(),
        Some(&execs[0].id),
        "the lost reply's"
    );
}

#[tokio::test]
async fn a_deploy_whose_every_reply_was_lost_is_unknown_and_started_once() {
    let w = world();
    let before = w.held("dev").executions.len();
    let opts = DeployOptions {
        client_request_token: "lost-deploy-2".into(),
        ..DeployOptions::default()
    };
    let plan = w.held("dev").plan(|c, d| deploy::plan(c, d, &opts));
    w.force("StartPipelineExecution", &[Fault::LostReply; 3]);
    let outcome = w.apply(&plan).await;
    assert_unknown(&outcome);
    assert!(
        outcome.message.contains("lost-deploy-2"),
        "{}",
        outcome.message
    );
    assert_eq!(w.sent("StartPipelineExecution"), 3, "bounded");
    assert_eq!(w.held("dev").executions.len(), before + 1, "started once");
}

#[tokio::test]
async fn a_stop_whose_reply_was_lost_is_confirmed_by_the_execution() {
    let w = world();
    let plan = w
        .held("dev")
        .plan(|c, d| stop::plan(c, d, true, "bad build", None));
    let shipdeck::ops::Request::Stop { execution_id, .. } = plan.request.clone() else {
        unreachable!()
    };
    w.force("StopPipelineExecution", &[Fault::LostReply]);
    let outcome = w.apply(&plan).await;
    assert_confirmed(&outcome);
    assert_eq!(w.sent("StopPipelineExecution"), 1, "never sent again");
    let status = |w: &rig::World| {
        let execs = w.sim.with(|s| s.executions(DEV));
        execs.iter().find(|e| e.id == execution_id).unwrap().status
    };
    assert_eq!(status(&w), ExecutionStatus::Stopping, "abandoning");
    w.sim
        .with(|s| s.advance(shipdeck::domain::Timestamp::MINUTE));
    assert_eq!(status(&w), ExecutionStatus::Stopped);
}

#[tokio::test]
async fn a_stop_that_timed_out_before_serving_is_unknown_not_resent() {
    let w = world();
    let plan = w
        .held("dev")
        .plan(|c, d| stop::plan(c, d, false, "hold", None));
    w.force("StopPipelineExecution", &[Fault::Timeout]);
    let outcome = w.apply(&plan).await;
    assert_unknown(&outcome);
    assert!(
        outcome.message.contains("InProgress"),
        "{}",
        outcome.message
    );
    assert_eq!(w.sent("StopPipelineExecution"), 1);
    assert_eq!(w.served("StopPipelineExecution"), 0);
}

#[tokio::test]
async fn a_retry_whose_reply_was_lost_is_confirmed_and_a_missed_one_is_unknown() {
    let w = world();
    let stop = w
        .held("dev")
        .plan(|c, d| stop::plan(c, d, true, "bad build", None));
    assert_eq!(w.apply(&stop).await.class, ExitClass::Done);
    w.sim
        .with(|s| s.advance(shipdeck::domain::Timestamp::MINUTE)); // Stopping, then Stopped
    let plan = w
        .held("dev")
        .plan(|c, d| retry::plan(c, d, RetryMode::FailedActions));
    w.force("RetryStageExecution", &[Fault::Timeout]);
    let missed = w.apply(&plan).await;
    assert_unknown(&missed);
    assert!(
        missed.message.contains("still Stopped"),
        "{}",
        missed.message
    );
    w.force("RetryStageExecution", &[Fault::LostReply]);
    let outcome = w.apply(&plan).await;
    assert_confirmed(&outcome);
    assert_eq!(w.sent("RetryStageExecution"), 2, "one per apply");
    assert_eq!(w.served("RetryStageExecution"), 1);
    let latest = w.sim.with(|s| s.executions(DEV))[0].clone();
    assert_eq!(latest.status, ExecutionStatus::InProgress);
}
