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
        .plan(OPERATOR, |c, d| stop::plan(c, d, true, "bad build", None))
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
        .plan(OPERATOR, |c, d| stop::plan(c, d, false, "hold on", None))
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

#[tokio::test]
async fn an_older_failed_deploy_is_retried_while_a_newer_release_waits_at_approval() {
    let w = world();
    let first = approve_plan(&w, ApprovalOutcome::Approved, "go");
    let ops::Request::Answer { execution_id, .. } = first.request.clone() else {
        panic!("an answer request")
    };
    assert_eq!(w.apply(&first).await.class, ExitClass::Done);
    let deploying = |held: &Held| {
        let deploy = held.state.as_ref().unwrap().stages[2]
            .latest
            .clone()
            .unwrap();
        deploy.pipeline_execution_id == execution_id
            && deploy.status == shipdeck::domain::StageStatus::InProgress
    };
    for _ in 0..60 {
        if deploying(&w.held("prd")) {
            break;
        }
        w.sim.with(|s| s.advance(Timestamp::MINUTE));
    }
    let held = w.held("prd");
    assert!(deploying(&held), "the approved execution deploys");
    let old = execution_id;
    let p = w.sim.cloud().pipelines;
    p.stop_execution(&held.spec.pipeline, &old, true, "bad config")
        .await
        .unwrap();
    w.sim.with(|s| s.advance(Timestamp::MINUTE));
    let newer = p
        .start_execution(&held.spec.pipeline, &Default::default())
        .await
        .unwrap();
    w.sim.with(|s| s.advance(5 * Timestamp::MINUTE));
    let held = w.held("prd");
    assert_eq!(held.executions[0].id, newer);
    assert_eq!(held.executions[0].status, ExecutionStatus::InProgress);
    let plan = held
        .plan(OPERATOR, |c, d| retry::plan(c, d, RetryMode::FailedActions))
        .expect("the newer execution at Approval does not hide the stopped Deploy");
    assert!(
        plan.summary[0].contains(&format!("stage Deploy of execution {old}")),
        "{:?}",
        plan.summary
    );
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
}

#[tokio::test]
async fn a_stage_whose_actions_finished_before_the_stop_retries_only_all_actions() {
    let w = world();
    let plan = w
        .held("dev")
        .plan(OPERATOR, |c, d| stop::plan(c, d, false, "hold on", None))
        .unwrap();
    assert_eq!(w.apply(&plan).await.class, ExitClass::Done);
    let held = w.held("dev");
    let stopping = &held
        .executions
        .iter()
        .find(|e| e.status.is_active())
        .unwrap();
    assert_eq!(stopping.status, ExecutionStatus::Stopping);
    // A stop-and-wait may be followed by an abandon, which the planner offers.
    let abandon = held.plan(OPERATOR, |c, d| stop::plan(c, d, true, "now", None));
    assert!(abandon.is_ok(), "{:?}", abandon.err().map(|r| r.reason));
    w.sim.with(|s| s.advance(15 * Timestamp::MINUTE));
    let held = w.held("dev");
    let stopped = held
        .executions
        .iter()
        .find(|e| e.id == stopping.id)
        .unwrap();
    assert_eq!(stopped.status, ExecutionStatus::Stopped);
    assert_eq!(stopped.stop_reason.as_deref(), Some("hold on"));
    let deploy = held.state.as_ref().unwrap().stages[1].clone();
    let action = deploy.actions[0].latest.as_ref().unwrap().status;
    assert_eq!(
        action,
        shipdeck::domain::ActionStatus::Succeeded,
        "it finished"
    );
    let r = held
        .plan(OPERATOR, |c, d| retry::plan(c, d, RetryMode::FailedActions))
        .unwrap_err();
    assert!(r.reason.contains("no failed actions"), "{}", r.reason);
    assert_eq!(r.flag, Some("--all"));
    let plan = held
        .plan(OPERATOR, |c, d| retry::plan(c, d, RetryMode::AllActions))
        .unwrap();
    assert_eq!(w.apply(&plan).await.class, ExitClass::Done);
}

#[tokio::test]
async fn an_abandoned_execution_is_not_abandoned_twice() {
    let w = world();
    let plan = w
        .held("dev")
        .plan(OPERATOR, |c, d| stop::plan(c, d, true, "bad build", None))
        .unwrap();
    assert_eq!(w.apply(&plan).await.class, ExitClass::Done);
    let held = w.held("dev");
    assert!(
        held.executions
            .iter()
            .any(|e| e.status == ExecutionStatus::Stopping),
        "abandon passes through Stopping"
    );
    let again = held
        .plan(OPERATOR, |c, d| stop::plan(c, d, true, "again", None))
        .unwrap_err();
    assert_eq!(again.class, ExitClass::NothingToDo, "{}", again.reason);
    assert!(
        again.reason.contains("already being abandoned"),
        "{}",
        again.reason
    );
    // A stop sent anyway (a plan made before) is refused by AWS and said so.
    let outcome = w.apply(&plan).await;
    assert!(
        outcome.message.contains("DuplicatedStopRequestException"),
        "{}",
        outcome.message
    );
}

/// A start's variables are checked as CodePipeline checks them before anything is confirmed: a
/// name the pipeline does not declare, a V1 pipeline (it declares none) and a bad name are
/// refused as bad input naming the variable; the plan lists every declared variable with the
/// value the execution runs with; a definition not read yet is said, not taken as "none declared".
#[tokio::test]
async fn deploy_variables_are_checked_against_the_pipeline_s_declaration() {
    let w = world();
    let dev = w.held("dev");
    let with = |vars: &[(&str, &str)]| DeployOptions {
        client_request_token: "tok-vars".into(),
        variables: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..DeployOptions::default()
    };
    let plan = dev
        .plan(OPERATOR, |c, d| {
            deploy::plan(c, d, &with(&[("commit", "abc1234")]))
        })
        .unwrap();
    let text = plan.summary.join("\n");
    assert!(text.contains("variable:      commit=abc1234\n"), "{text}");
    assert!(
        text.contains("variable:      release_version=none (default)"),
        "{text}"
    );
    let r = dev
        .plan(OPERATOR, |c, d| {
            deploy::plan(c, d, &with(&[("comit", "abc1234")]))
        })
        .unwrap_err();
    assert_eq!((r.guard, r.class), (Guard::Input, ExitClass::Refused));
    assert!(
        r.reason
            .contains("comit is not declared by storefront-deployer-dev")
            && r.reason.contains("release_version, commit"),
        "{}",
        r.reason
    );
    let r = dev
        .plan(OPERATOR, |c, d| deploy::plan(c, d, &with(&[("a b", "x")])))
        .unwrap_err();
    assert!(r.reason.contains("variable name `a b`"), "{}", r.reason);
    // A V1 pipeline declares no variables.
    let mut v1 = dev.def.clone().unwrap();
    v1.variables.clear();
    v1.pipeline_type = None;
    let r = dev
        .plan(OPERATOR, |c, d| {
            deploy::plan(
                c,
                PipelineData {
                    def: Some(&v1),
                    ..d
                },
                &with(&[("commit", "x")]),
            )
        })
        .unwrap_err();
    assert!(
        r.reason.contains("declares no pipeline variables"),
        "{}",
        r.reason
    );
    // Not read yet: unknown, said as such.
    let plan = dev
        .plan(OPERATOR, |c, d| {
            deploy::plan(
                c,
                PipelineData { def: None, ..d },
                &with(&[("commit", "x")]),
            )
        })
        .unwrap();
    assert!(
        plan.warnings.iter().any(|w| w.contains("not read yet")),
        "{:?}",
        plan.warnings
    );
    assert!(plan.summary.iter().any(|l| l == "variable:      commit=x"));
}

/// A new execution's plan says what it meets in prd (SUPERSEDED, the default mode): the
/// approval it waits behind, and the execution waiting to enter Approval that it replaces —
/// which the simulator then supersedes, as CodePipeline does.
#[tokio::test]
async fn a_deploy_plan_names_the_approval_it_waits_behind_and_the_execution_it_supersedes() {
    let w = world();
    let plan = |w: &World, token: &str| {
        let opts = DeployOptions {
            client_request_token: token.into(),
            ..DeployOptions::default()
        };
        w.held("prd")
            .plan(OPERATOR, |c, d| deploy::plan(c, d, &opts))
            .unwrap()
    };
    let approval = w.sim.with(|s| s.pending_approvals())[0]
        .execution_id
        .clone();
    let first = plan(&w, "tok-prd-1");
    assert_eq!(first.warnings.len(), 1, "{:?}", first.warnings);
    assert!(
        first.warnings[0].starts_with(&format!("execution {} (ships ", &approval[..8]))
            && first.warnings[0].ends_with(
                "already waits for approval at Approval in prd: the new execution waits behind \
                 it until it is answered"
            ),
        "{:?}",
        first.warnings
    );
    // The first deploy runs its Source stage and waits to enter Approval.
    let started = w.apply(&first).await;
    assert_eq!(started.class, ExitClass::Done, "{}", started.message);
    w.sim.with(|s| s.advance(10 * Timestamp::MINUTE));
    let waiting = started.execution_id.expect("started");
    let second = plan(&w, "tok-prd-2");
    assert_eq!(second.warnings.len(), 2, "{:?}", second.warnings);
    assert!(
        second.warnings[1].starts_with(&format!("execution {} (", &waiting[..8]))
            && second.warnings[1].contains(
                "waits to enter Approval in prd: in SUPERSEDED mode the new execution supersedes \
                 it when it reaches Approval"
            ),
        "{:?}",
        second.warnings
    );
    // What the warning said happens: the second catches up and the first is superseded.
    let replaced = w.apply(&second).await;
    w.sim.with(|s| s.advance(10 * Timestamp::MINUTE));
    let held = w.held("prd");
    let status = |id: &str| {
        (held.executions.iter())
            .find(|e| e.id == id)
            .map(|e| e.status)
    };
    assert_eq!(status(&waiting), Some(ExecutionStatus::Superseded));
    let inbound = (held.state.as_ref().unwrap().stages.iter())
        .find(|s| s.name == "Approval")
        .and_then(|s| s.inbound_execution.clone())
        .map(|e| e.pipeline_execution_id);
    assert_eq!(inbound, replaced.execution_id);
}

/// With prd's state unread (the definition and history read), a deploy plan does not say
/// "nothing waits": it says that what waits there is not known, and why.
#[tokio::test]
async fn a_deploy_plan_says_what_waits_is_unknown_when_the_state_could_not_be_read() {
    let w = world();
    let opts = DeployOptions {
        client_request_token: "tok-prd-u".into(),
        ..DeployOptions::default()
    };
    let plan = w
        .held("prd")
        .plan(OPERATOR, |c, d| {
            let unread = PipelineData {
                state: None,
                state_error: Some("GetPipelineState timed out"),
                ..d
            };
            deploy::plan(c, unread, &opts)
        })
        .unwrap();
    assert_eq!(
        plan.warnings,
        vec![
            "prd's pipeline state could not be read (GetPipelineState timed out): whether an \
             approval or an execution already waits there, which the new execution would wait \
             behind or supersede, is not known"
                .to_string()
        ]
    );
}
