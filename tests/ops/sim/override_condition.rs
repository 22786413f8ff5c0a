//! Overriding a stage condition: prd's deployment window holding Deploy after hours, overridden
//! through the one planner so that Deploy runs; what cannot be overridden refused before any call.

use super::*;
use shipdeck::domain::{ConditionDef, ConditionKind, ConditionResult, RuleDef};
use shipdeck::ops::{Ask, Confirm, Reads, What};

const PRD: &str = "storefront-deployer-prd";

/// The prd approval pending at the demo's start, approved at 17:30 in Berlin: the deployment
/// window of Deploy is closed and holds the execution. Returns it.
async fn held_after_hours(w: &World) -> String {
    use shipdeck::cloud::Pipelines;
    let evening = Timestamp::parse_rfc3339("2026-11-25T16:30:00Z").unwrap();
    w.sim.with(|s| s.advance_to(evening));
    let a = w
        .sim
        .with(|s| s.pending_approvals())
        .into_iter()
        .find(|a| a.environment == "prd")
        .expect("prd has a pending approval at the demo's start");
    let answer = ApprovalAnswer {
        pipeline: PRD.into(),
        stage: a.stage.clone(),
        action: a.action.clone(),
        token: a.token.clone().unwrap(),
        outcome: ApprovalOutcome::Approved,
        summary: "ok".into(),
    };
    w.sim.put_approval_result(&answer).await.unwrap();
    w.sim.with(|s| s.advance(Timestamp::MINUTE));
    a.execution_id
}

fn override_ask(stage: Option<&str>, condition: Option<ConditionKind>) -> Ask {
    Ask {
        env: "prd".into(),
        what: What::Override {
            stage: stage.map(str::to_string),
            condition,
        },
        asked_at: Timestamp(0),
        nonce: 1,
    }
}

fn plan_override(w: &World, stage: Option<&str>, condition: Option<ConditionKind>) -> Planned {
    w.held("prd").plan(OPERATOR, |c, d| {
        ops::plan(c, d, Reads::default(), &override_ask(stage, condition))
    })
}

#[tokio::test]
async fn prd_window_hold_overridden_lets_deploy_run() {
    let w = world();
    let id = held_after_hours(&w).await;
    let plan = plan_override(&w, None, None).expect("the window holds Deploy");
    assert_eq!(plan.kind, ops::OpKind::Override);
    assert_eq!(
        plan.target.text,
        format!(
            "the beforeEntry condition of Deploy holding execution {}",
            &id[..8]
        )
    );
    assert_eq!(plan.confirm, Confirm::TypeName("prd".into()));
    let recap = plan.summary.join("\n");
    assert!(
        recap.contains("DeploymentWindow `prod-hours`: blocked until Thu 09:00 Europe/Berlin"),
        "{recap}"
    );
    assert!(recap.contains(&id), "{recap}");
    assert_eq!(
        plan.aws_command,
        format!(
            "aws codepipeline override-stage-condition --pipeline-name {PRD} --stage-name Deploy \
             --pipeline-execution-id {id} --condition-type BEFORE_ENTRY"
        )
    );
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(w.count("OverrideStageCondition"), 1);
    assert_eq!(w.mutating(), 1, "exactly one mutating call");
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
    assert!(v.message.contains("entered Deploy"), "{}", v.message);
    let deploy = w.held("prd").state.unwrap().stages[2]
        .latest
        .clone()
        .unwrap();
    assert_eq!(
        deploy.pipeline_execution_id, id,
        "Deploy runs the held execution"
    );
}

#[tokio::test]
async fn a_skip_condition_is_refused_before_any_call() {
    let w = world();
    held_after_hours(&w).await;
    let mut config = std::collections::BTreeMap::new();
    config.insert("Cron".to_string(), "* * 9-16 ? * MON-FRI *".to_string());
    w.sim
        .with(|s| {
            s.declare_conditions(
                PRD,
                "Deploy",
                vec![ConditionDef {
                    kind: ConditionKind::BeforeEntry,
                    result: Some(ConditionResult::Skip),
                    retry_mode: None,
                    rules: vec![RuleDef {
                        name: "hours".into(),
                        provider: "DeploymentWindow".into(),
                        configuration: config,
                        region: None,
                    }],
                }],
            )
        })
        .unwrap();
    let refusal = plan_override(&w, Some("Deploy"), None).unwrap_err();
    assert_eq!(refusal.class, ExitClass::Refused);
    assert!(refusal.reason.contains("result SKIP"), "{}", refusal.reason);
    assert_eq!(w.mutating(), 0, "nothing sent");
}

#[tokio::test]
async fn nothing_in_progress_is_nothing_to_do_and_on_failure_is_not_overridable() {
    let w = world();
    let refusal = plan_override(&w, None, None).unwrap_err();
    assert_eq!(refusal.class, ExitClass::NothingToDo, "{}", refusal.reason);
    assert_eq!(refusal.class.code(), 3);
    let refusal = plan_override(&w, Some("Deploy"), Some(ConditionKind::BeforeEntry)).unwrap_err();
    assert_eq!(refusal.class, ExitClass::NothingToDo, "{}", refusal.reason);
    assert!(
        refusal.reason.contains("not in progress"),
        "{}",
        refusal.reason
    );
    let refusal = plan_override(&w, Some("Verify"), Some(ConditionKind::OnFailure)).unwrap_err();
    assert_eq!(refusal.class, ExitClass::Refused);
    assert!(
        refusal
            .reason
            .contains("onFailure condition cannot be overridden"),
        "{}",
        refusal.reason
    );
    let refusal = plan_override(&w, Some("Nope"), None).unwrap_err();
    assert!(
        refusal.reason.contains("unknown stage `Nope`"),
        "{}",
        refusal.reason
    );
    assert_eq!(w.mutating(), 0, "nothing sent");
}

#[tokio::test]
async fn a_condition_overridden_elsewhere_after_the_plan_changes_nothing() {
    let w = world();
    held_after_hours(&w).await;
    let plan = plan_override(&w, None, None).unwrap();
    // The window opens before the operator confirms: the plan made earlier is refused by
    // AWS and says nothing changed; a plan made now is nothing to do.
    let opens = Timestamp::parse_rfc3339("2026-11-26T08:00:00Z").unwrap();
    w.sim.with(|s| s.advance_to(opens));
    let refusal = plan_override(&w, Some("Deploy"), None).unwrap_err();
    assert_eq!(refusal.class, ExitClass::NothingToDo, "{}", refusal.reason);
    let before = plan.target.key.clone();
    let after = refusal.draft.as_ref().map(|d| d.target.key.clone());
    assert_ne!(
        Some(before),
        after,
        "another target: a dialog says it changed"
    );
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Refused, "{}", outcome.message);
    assert!(
        outcome.message.contains("nothing was changed"),
        "{}",
        outcome.message
    );
}
