//! Deploy once per token, stop and retry, stop-and-wait, and nothing to do.

use super::*;

#[tokio::test]
async fn deploy_starts_once_per_token_and_the_pipeline_moves_on() {
    let w = world();
    let before = w.held("dev").executions.len();
    let opts = DeployOptions {
        client_request_token: "tok-dev-1".into(),
        ..DeployOptions::default()
    };
    let plan = w
        .held("dev")
        .plan(OPERATOR, |c, d| deploy::plan(c, d, &opts))
        .unwrap();
    let first = w.apply(&plan).await;
    assert_eq!(first.class, ExitClass::Done, "{}", first.message);
    let again = w.apply(&plan).await;
    assert_eq!(
        again.execution_id, first.execution_id,
        "same token, same execution"
    );
    assert_eq!(w.held("dev").executions.len(), before + 1, "started once");
    let v = w.verify(&plan, &first).await;
    assert!(v.ok, "{}", v.message);
    let held = w.held("dev");
    let exec = held
        .executions
        .iter()
        .find(|e| Some(&e.id) == first.execution_id.as_ref())
        .unwrap();
    assert_eq!(exec.trigger.actor(), "demo-operator");
}

#[tokio::test]
async fn stop_then_retry_the_stopped_stage() {
    let w = world();
    let held = w.held("dev");
    let running = held
        .executions
        .iter()
        .find(|e| e.status.is_active())
        .map(|e| e.id.clone());
    let running = running.expect("dev deploys at the demo's start");
    let plan = held
        .plan(OPERATOR, |c, d| stop::plan(c, d, true, "bad build"))
        .unwrap();
    assert!(
        plan.aws_command.contains("--abandon"),
        "{}",
        plan.aws_command
    );
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok && v.message.contains("Stopped"), "{}", v.message);
    let plan = w
        .held("dev")
        .plan(OPERATOR, |c, d| retry::plan(c, d, RetryMode::FailedActions))
        .unwrap();
    assert!(plan.summary[0].contains(&running), "{:?}", plan.summary);
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(w.count("StopPipelineExecution"), 1);
    assert_eq!(w.count("RetryStageExecution"), 1);
    assert_eq!(w.mutating(), 2, "one call per confirmation");
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
}

#[tokio::test]
async fn stop_and_wait_lets_the_action_finish() {
    let w = world();
    let plan = w
        .held("dev")
        .plan(OPERATOR, |c, d| stop::plan(c, d, false, "hold on"))
        .unwrap();
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
}

#[tokio::test]
async fn nothing_to_do_is_exit_class_three() {
    let w = world();
    let dev = w.held("dev");
    let r = dev.plan(OPERATOR, |c, d| {
        approve::plan(c, d, ApprovalOutcome::Approved, None)
    });
    let r = r.unwrap_err();
    assert_eq!(
        (r.guard, r.class),
        (Guard::NothingToDo, ExitClass::NothingToDo)
    );
    assert_eq!(r.class.code(), 3);
    let stg = w.held("stg");
    let r = stg
        .plan(OPERATOR, |c, d| retry::plan(c, d, RetryMode::AllActions))
        .unwrap_err();
    assert_eq!(r.class, ExitClass::NothingToDo, "{}", r.reason);
}
