//! CodePipeline rules in the simulator: approvals wait and expire, tokens are checked,
//! rejection fails the execution, starts are idempotent per token, stop and retry follow the API.

use super::*;

#[test]
fn approvals_wait_then_expire_after_seven_days() {
    let mut sim = world(5);
    let a = sim.pending_approvals().remove(0);
    sim.advance_to(a.expires_at() - MIN);
    let still = sim.pending_approvals();
    assert!(
        still
            .iter()
            .any(|p| p.execution_id == a.execution_id && p.token == a.token)
    );
    sim.advance_to(a.expires_at() + MIN);
    let exec = sim
        .executions(PRD)
        .into_iter()
        .find(|e| e.id == a.execution_id)
        .unwrap();
    assert_eq!(exec.status, ExecutionStatus::Failed);
    assert_eq!(exec.status_summary.as_deref(), Some("Approval expired"));
    let run = sim
        .action_executions(PRD, &a.execution_id)
        .into_iter()
        .find(|r| r.action == "ApproveRelease")
        .unwrap();
    assert_eq!(run.status, ActionStatus::Failed);
    assert_eq!(run.summary.as_deref(), Some("Approval expired"));
    assert_eq!(a.expires_at(), a.waiting_since + APPROVAL_TIMEOUT);
}

#[test]
fn put_approval_result_checks_tokens_and_continues() {
    let sim = cloud(5);
    let ports = sim.cloud();
    let a = sim.with(|s| s.pending_approvals().remove(0));
    let mut answer = ApprovalAnswer {
        pipeline: a.pipeline.clone(),
        stage: a.stage.clone(),
        action: a.action.clone(),
        token: "not-the-token".into(),
        outcome: ApprovalOutcome::Approved,
        summary: "Dashboards are green".into(),
    };
    let err = block_on(ports.pipelines.put_approval_result(&answer)).unwrap_err();
    assert_eq!(code(err), "InvalidApprovalTokenException");
    answer.token = a.token.clone().unwrap();
    let at = block_on(ports.pipelines.put_approval_result(&answer)).unwrap();
    assert_eq!(at, sim.with(|s| s.now()));
    let err = block_on(ports.pipelines.put_approval_result(&answer)).unwrap_err();
    assert_eq!(code(err), "ApprovalAlreadyCompletedException");
    let state = sim.with(|s| s.pipeline_state(PRD)).unwrap();
    let approval = state.stages.iter().find(|s| s.name == "Approval").unwrap();
    let latest = approval.actions[0].latest.clone().unwrap();
    assert_eq!(latest.status, ActionStatus::Succeeded);
    assert_eq!(latest.summary.as_deref(), Some("Dashboards are green"));
    assert!(latest.last_updated_by.unwrap().ends_with("/demo-operator"));
    let current = state.current_stage().unwrap();
    assert_eq!(current.name, "Deploy");
    assert_eq!(
        current.latest.as_ref().unwrap().pipeline_execution_id,
        a.execution_id
    );
    sim.with(|s| s.advance(20 * MIN));
    let exec = sim
        .with(|s| s.executions(PRD))
        .into_iter()
        .find(|e| e.id == a.execution_id)
        .unwrap();
    assert!(!exec.status.is_active());
    answer.pipeline = "nope".into();
    let err = block_on(ports.pipelines.put_approval_result(&answer)).unwrap_err();
    assert!(matches!(err, CloudError::NotFound { .. }));
}

#[test]
fn rejecting_an_approval_fails_the_execution() {
    let sim = cloud(5);
    let a = sim.with(|s| s.pending_approvals().remove(0));
    let answer = ApprovalAnswer {
        pipeline: a.pipeline,
        stage: a.stage,
        action: a.action,
        token: a.token.unwrap(),
        outcome: ApprovalOutcome::Rejected,
        summary: "Not during the sale".into(),
    };
    block_on(sim.cloud().pipelines.put_approval_result(&answer)).unwrap();
    let exec = sim
        .with(|s| s.executions(PRD))
        .into_iter()
        .find(|e| e.id == a.execution_id)
        .unwrap();
    assert_eq!(exec.status, ExecutionStatus::Failed);
    assert_eq!(exec.status_summary.as_deref(), Some("Not during the sale"));
    assert!(sim.with(|s| s.pending_approvals()).is_empty());
}

#[test]
fn start_execution_is_idempotent_per_client_token() {
    let sim = cloud(9);
    let p = sim.cloud().pipelines;
    let before = sim.with(|s| s.executions(DEV).len());
    let req = StartRequest {
        client_request_token: Some("deploy-42".into()),
        ..StartRequest::default()
    };
    let a = block_on(p.start_execution(DEV, &req)).unwrap();
    let b = block_on(p.start_execution(DEV, &req)).unwrap();
    assert_eq!(a, b);
    let execs = sim.with(|s| s.executions(DEV));
    assert_eq!(execs.len(), before + 1);
    assert_eq!(execs[0].id, a);
    assert_eq!(execs[0].trigger.kind, "StartPipelineExecution");
    assert_eq!(execs[0].trigger.actor(), "demo-operator");
    assert!(
        execs[0].release().is_some(),
        "the source object's summary names the release"
    );
    let long = StartRequest {
        client_request_token: Some("x".repeat(129)),
        ..StartRequest::default()
    };
    assert_eq!(
        code(block_on(p.start_execution(DEV, &long)).unwrap_err()),
        "ValidationException"
    );
    let err = block_on(p.start_execution("missing", &req)).unwrap_err();
    assert!(matches!(err, CloudError::NotFound { kind, .. } if kind == "pipeline"));
}

#[test]
fn stop_and_retry_follow_the_api_rules() {
    let sim = cloud(9);
    let p = sim.cloud().pipelines;
    let old = block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    sim.with(|s| s.advance(30 * MIN));
    let id = block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    block_on(p.stop_execution(DEV, &id, false, "wrong build")).unwrap();
    let status = |id: &str| {
        sim.with(|s| s.executions(DEV))
            .into_iter()
            .find(|e| e.id == id)
            .unwrap()
    };
    assert_eq!(status(&id).status, ExecutionStatus::Stopping);
    let dup = block_on(p.stop_execution(DEV, &id, false, "again")).unwrap_err();
    assert_eq!(code(dup), "DuplicatedStopRequestException");
    sim.with(|s| s.advance(MIN));
    let stopped = status(&id);
    assert_eq!(stopped.status, ExecutionStatus::Stopped);
    assert_eq!(stopped.status_summary.as_deref(), Some("wrong build"));
    let again = block_on(p.stop_execution(DEV, &id, true, "")).unwrap_err();
    assert_eq!(code(again), "PipelineExecutionNotStoppableException");
    let not_retryable =
        block_on(p.retry_stage(DEV, "Deploy", &id, RetryMode::FailedActions)).unwrap_err();
    assert_eq!(code(not_retryable), "StageNotRetryableException");
    let not_latest =
        block_on(p.retry_stage(DEV, "Source", &old, RetryMode::FailedActions)).unwrap_err();
    assert_eq!(code(not_latest), "NotLatestPipelineExecutionException");
    // Abandon one in Deploy, then retry that stage: it runs again and finishes.
    let id = block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    sim.with(|s| s.advance(MIN));
    block_on(p.stop_execution(DEV, &id, true, "hold on")).unwrap();
    assert_eq!(status(&id).status, ExecutionStatus::Stopped);
    let retried = block_on(p.retry_stage(DEV, "Deploy", &id, RetryMode::AllActions)).unwrap();
    assert_eq!(retried, id);
    assert_eq!(status(&id).status, ExecutionStatus::InProgress);
    sim.with(|s| s.advance(15 * MIN));
    assert!(!status(&id).status.is_active());
    let deploys = sim
        .with(|s| s.action_executions(DEV, &id))
        .into_iter()
        .filter(|r| r.action == "Deploy")
        .count();
    assert_eq!(deploys, 2);
    let missing = block_on(p.stop_execution(DEV, "no-such-id", true, "")).unwrap_err();
    assert!(matches!(missing, CloudError::NotFound { .. }));
}
