//! CodePipeline rules in the simulator: approvals wait and expire, tokens are checked,
//! rejection fails the execution, starts are idempotent per token, stop and retry follow the API.

use super::*;

#[test]
fn approvals_expire_at_their_actions_timeout_with_no_invented_summary() {
    let mut sim = world(5);
    let a = sim.pending_approvals().remove(0);
    let def = sim.pipeline_def(PRD).unwrap();
    let approve = &def.stages[1].actions[0];
    assert_eq!(
        approve.timeout_minutes,
        Some(3 * 24 * 60),
        "prd declares 3 days"
    );
    assert_eq!(a.timeout, 3 * Timestamp::DAY);
    assert_eq!(a.expires_at(), a.waiting_since + 3 * Timestamp::DAY);
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
    assert_eq!(exec.status_summary, None, "AWS documents no summary for it");
    let run = sim
        .action_executions(PRD, &a.execution_id)
        .into_iter()
        .find(|r| r.action == "ApproveRelease")
        .unwrap();
    assert_eq!(run.status, ActionStatus::Failed);
    assert_eq!(run.summary, None);
    assert_eq!(run.updated_by, None, "no one answered");
    assert!(shipdeck::domain::Approval::timed_out(
        run.status,
        run.updated_by.as_deref(),
        run.start,
        run.last_update,
        a.timeout
    ));
}

#[test]
fn each_pipeline_declares_its_own_approval_timeout() {
    let mut envs = specs();
    envs[1].protected = true; // stg
    let mut qa = envs[0].clone();
    qa.name = "qa".into();
    qa.pipeline = "storefront-deployer-qa".into();
    qa.protected = true;
    envs.push(qa);
    let sim = Simulator::new(config(3), &envs);
    let timeout = |pipeline: &str| {
        let def = sim.pipeline_def(pipeline).unwrap();
        let approve = def
            .stages
            .iter()
            .flat_map(|s| &s.actions)
            .find(|a| a.provider == "Manual")
            .unwrap()
            .clone();
        (approve.timeout_minutes, approve.approval_timeout())
    };
    assert_eq!(timeout(PRD), (Some(4320), 3 * Timestamp::DAY));
    assert_eq!(
        timeout("storefront-deployer-stg"),
        (Some(1440), Timestamp::DAY)
    );
    assert_eq!(
        timeout("storefront-deployer-qa"),
        (None, DEFAULT_APPROVAL_TIMEOUT),
        "none declared: the 7-day account default"
    );
    assert_eq!(DEFAULT_APPROVAL_TIMEOUT, 7 * Timestamp::DAY);
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
    for bad in ["deploy_42", "qa_1.x-token", "deploy 42", ""] {
        let req = StartRequest {
            client_request_token: Some(bad.into()),
            ..StartRequest::default()
        };
        assert_eq!(
            code(block_on(p.start_execution(DEV, &req)).unwrap_err()),
            "ValidationException",
            "{bad:?} is outside ^[a-zA-Z0-9-]+$"
        );
    }
    // shipdeck's own token, for an environment whose name AWS would not take in one.
    let ask = shipdeck::ops::Ask {
        env: "qa_1.x".into(),
        what: shipdeck::ops::What::Deploy {
            variables: Default::default(),
            source_version: None,
        },
        asked_at: sim.with(|s| s.now()),
        nonce: 7,
    };
    let token = ask.token();
    let req = StartRequest {
        client_request_token: Some(token.clone()),
        ..StartRequest::default()
    };
    let started = block_on(p.start_execution(DEV, &req));
    assert!(started.is_ok(), "{token}: {started:?}");
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
    assert_eq!(stopped.stop_reason.as_deref(), Some("wrong build"));
    assert_eq!(
        stopped.status_summary, None,
        "the reason is the stop trigger's"
    );
    let again = block_on(p.stop_execution(DEV, &id, true, "")).unwrap_err();
    assert_eq!(code(again), "PipelineExecutionNotStoppableException");
    let not_retryable =
        block_on(p.retry_stage(DEV, "Deploy", &id, RetryMode::FailedActions)).unwrap_err();
    assert_eq!(code(not_retryable), "StageNotRetryableException");
    let not_there =
        block_on(p.retry_stage(DEV, "Source", &old, RetryMode::FailedActions)).unwrap_err();
    assert_eq!(code(not_there), "StageNotRetryableException");
    // Abandon one in Deploy: Stopping a moment, then Stopped; retry that stage: it runs again.
    // (dev runs QUEUED: the execution waits its turn behind those queued before it.)
    let id = block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    let in_deploy = |id: &str| {
        sim.with(|s| s.pipeline_state(DEV))
            .and_then(|st| st.stage_latest("Deploy").cloned())
            .is_some_and(|l| l.pipeline_execution_id == id && l.status == StageStatus::InProgress)
    };
    for _ in 0..120 {
        if in_deploy(&id) {
            break;
        }
        sim.with(|s| s.advance(MIN));
    }
    assert!(in_deploy(&id), "it reaches Deploy");
    block_on(p.stop_execution(DEV, &id, true, "hold on")).unwrap();
    assert_eq!(status(&id).status, ExecutionStatus::Stopping);
    let dup = block_on(p.stop_execution(DEV, &id, true, "again")).unwrap_err();
    assert_eq!(code(dup), "DuplicatedStopRequestException");
    let dup = block_on(p.stop_execution(DEV, &id, false, "again")).unwrap_err();
    assert_eq!(code(dup), "DuplicatedStopRequestException");
    sim.with(|s| s.advance(10 * Timestamp::SECOND));
    assert_eq!(status(&id).status, ExecutionStatus::Stopped);
    assert_eq!(status(&id).stop_reason.as_deref(), Some("hold on"));
    let retried = block_on(p.retry_stage(DEV, "Deploy", &id, RetryMode::AllActions)).unwrap();
    assert_eq!(retried, id);
    assert_eq!(status(&id).status, ExecutionStatus::InProgress);
    assert_eq!(status(&id).stop_reason, None);
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

#[test]
fn a_stop_and_wait_may_be_followed_by_an_abandon() {
    let sim = cloud(9);
    let p = sim.cloud().pipelines;
    sim.with(|s| s.advance(30 * MIN)); // what deploys at start is done
    let id = block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    sim.with(|s| s.advance(MIN)); // it deploys
    block_on(p.stop_execution(DEV, &id, false, "wait for it")).unwrap();
    block_on(p.stop_execution(DEV, &id, true, "no, now")).unwrap();
    let exec = |id: &str| {
        sim.with(|s| s.executions(DEV))
            .into_iter()
            .find(|e| e.id == id)
            .unwrap()
    };
    assert_eq!(exec(&id).status, ExecutionStatus::Stopping);
    sim.with(|s| s.advance(MIN));
    assert_eq!(exec(&id).status, ExecutionStatus::Stopped);
    assert_eq!(exec(&id).stop_reason.as_deref(), Some("no, now"));
    let run = sim
        .with(|s| s.action_executions(DEV, &id))
        .into_iter()
        .find(|r| r.action == "Deploy")
        .unwrap();
    assert_eq!(run.status, ActionStatus::Abandoned);
}

#[test]
fn retry_is_decided_per_stage_not_by_the_newest_execution() {
    let sim = cloud(5);
    let p = sim.cloud().pipelines;
    // The approval waiting at the demo's start is approved: its execution deploys, and is
    // abandoned there.
    let a = sim.with(|s| s.pending_approvals().remove(0));
    let answer = ApprovalAnswer {
        pipeline: a.pipeline.clone(),
        stage: a.stage.clone(),
        action: a.action.clone(),
        token: a.token.clone().unwrap(),
        outcome: ApprovalOutcome::Approved,
        summary: "go".into(),
    };
    block_on(p.put_approval_result(&answer)).unwrap();
    sim.with(|s| s.advance(MIN));
    block_on(p.stop_execution(PRD, &a.execution_id, true, "bad config")).unwrap();
    sim.with(|s| s.advance(MIN));
    // A newer release now waits at Approval.
    let newer = block_on(p.start_execution(PRD, &StartRequest::default())).unwrap();
    sim.with(|s| s.advance(5 * MIN));
    assert_eq!(sim.with(|s| s.pending_approvals())[0].execution_id, newer);
    let retried =
        block_on(p.retry_stage(PRD, "Deploy", &a.execution_id, RetryMode::FailedActions)).unwrap();
    assert_eq!(
        retried, a.execution_id,
        "a newer execution elsewhere does not block it"
    );
    let state = sim.with(|s| s.pipeline_state(PRD)).unwrap();
    let deploy = state.stages.iter().find(|s| s.name == "Deploy").unwrap();
    assert_eq!(
        deploy
            .latest
            .as_ref()
            .map(|l| l.pipeline_execution_id.as_str()),
        Some(a.execution_id.as_str())
    );
    // Once a later execution has run in the stage, the older one is out of date there.
    sim.with(|s| s.advance(MIN));
    block_on(p.stop_execution(PRD, &a.execution_id, true, "again")).unwrap();
    sim.with(|s| s.advance(MIN));
    let b = sim.with(|s| s.pending_approvals().remove(0));
    let answer = ApprovalAnswer {
        token: b.token.clone().unwrap(),
        ..answer
    };
    block_on(p.put_approval_result(&answer)).unwrap();
    sim.with(|s| s.advance(MIN));
    let err =
        block_on(p.retry_stage(PRD, "Deploy", &a.execution_id, RetryMode::AllActions)).unwrap_err();
    assert_eq!(code(err), "NotLatestPipelineExecutionException");
}

#[test]
fn executions_are_listed_page_by_page_past_a_hundred() {
    let sim = cloud(9);
    let p = sim.cloud().pipelines;
    for _ in 0..120 {
        block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    }
    let all = sim.with(|s| s.executions(DEV));
    assert!(all.len() > 140, "{}", all.len());
    let calls = |sim: &SimCloud| {
        sim.with(|s| s.stats().calls.get("ListPipelineExecutions").copied())
            .unwrap_or(0)
    };
    let before = calls(&sim);
    let listed = block_on(p.list_executions(DEV, 140)).unwrap();
    assert_eq!(listed.len(), 140, "a second page after the first hundred");
    assert_eq!(listed[..], all[..140]);
    assert_eq!(calls(&sim) - before, 2, "two pages, two calls");
}
