//! Every action end to end against the simulator: plan from what the console holds, apply
//! through the counting layer (exactly one mutating call), verify on the simulator's clock.

use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::cloud::{ApprovalAnswer, ApprovalOutcome, CountingCloud, RetryMode};
use shipdeck::domain::{
    EnvSpec, ExecutionStatus, ExecutionSummary, PipelineDef, PipelineState, Timestamp,
};
use shipdeck::ops::plan::PipelineData;
use shipdeck::ops::plan::deploy::DeployOptions;
use shipdeck::ops::plan::{approve, deploy, retry, stop};
use shipdeck::ops::{self, Context, ExitClass, Guard, Plan, Planned, SelfApproval};

const OPERATOR: &str = shipdeck::cloud::sim::OPERATOR_ARN;
const MUTATING: &[&str] = &[
    "PutApprovalResult",
    "StartPipelineExecution",
    "StopPipelineExecution",
    "RetryStageExecution",
    "OverrideStageCondition",
];

/// The simulated world and a counted view of its ports.
struct World {
    sim: SimCloud,
    counting: CountingCloud,
}

fn world() -> World {
    let config = SimConfig {
        traffic_scale: 0.01,
        ..SimConfig::default()
    };
    let sim = SimCloud::new(Simulator::new(config, &demo_specs()));
    let counting = CountingCloud::new(sim.cloud());
    World { sim, counting }
}

/// What the console holds about one environment: its spec, definition, state and executions.
struct Held {
    spec: EnvSpec,
    def: Option<PipelineDef>,
    state: Option<PipelineState>,
    executions: Vec<ExecutionSummary>,
    now: Timestamp,
}

impl World {
    fn held(&self, env: &str) -> Held {
        let spec = demo_specs().into_iter().find(|s| s.name == env).unwrap();
        self.sim.with(|s| Held {
            def: s.pipeline_def(&spec.pipeline),
            state: s.pipeline_state(&spec.pipeline),
            executions: s.executions(&spec.pipeline),
            now: s.now(),
            spec,
        })
    }

    /// Mutating calls sent through the counting layer.
    fn mutating(&self) -> u64 {
        let counts = self.counting.counts();
        MUTATING
            .iter()
            .map(|op| counts.get(op).copied().unwrap_or(0))
            .sum()
    }

    fn count(&self, op: &str) -> u64 {
        self.counting.counts().get(op).copied().unwrap_or(0)
    }

    async fn apply(&self, plan: &Plan) -> ops::Outcome {
        ops::apply(&self.counting.cloud(), plan).await
    }

    async fn verify(&self, plan: &Plan, outcome: &ops::Outcome) -> ops::Verified {
        ops::verify(
            &self.sim.cloud(),
            &shipdeck::cloud::sim::SimClock::driven(self.sim.clone()),
            plan,
            outcome,
        )
        .await
    }
}

impl Held {
    fn plan(
        &self,
        identity: &str,
        f: impl FnOnce(&Context<'_>, PipelineData<'_>) -> Planned,
    ) -> Planned {
        let ctx = Context {
            spec: &self.spec,
            identity: Some(identity),
            now: self.now,
            read_only: false,
            self_approval: SelfApproval::Default,
            aws_identity: None,
        };
        let data = PipelineData::new(self.def.as_ref(), self.state.as_ref(), &self.executions);
        f(&ctx, data)
    }
}

fn approve_plan(w: &World, outcome: ApprovalOutcome, comment: &str) -> Plan {
    w.held("prd")
        .plan(OPERATOR, |c, d| approve::plan(c, d, outcome, Some(comment)))
        .expect("prd has a pending approval at the demo's start")
}

#[tokio::test]
async fn approve_sends_one_call_and_the_execution_moves_on() {
    let w = world();
    let plan = approve_plan(&w, ApprovalOutcome::Approved, "dashboards green");
    let ops::Request::Answer { execution_id, .. } = plan.request.clone() else {
        panic!("an answer request")
    };
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(w.count("PutApprovalResult"), 1);
    assert_eq!(w.mutating(), 1, "exactly one mutating call");
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
    assert_eq!(v.state, ops::Watched::Seen);
    assert!(v.message.contains("moved on to Deploy"), "{}", v.message);
    let held = w.held("prd");
    let waiting = w.sim.with(|s| s.pending_approvals());
    assert!(
        waiting.iter().all(|a| a.execution_id != execution_id),
        "the approved execution no longer waits"
    );
    let deploy = held
        .state
        .unwrap()
        .stages
        .into_iter()
        .find(|s| s.name == "Deploy")
        .unwrap();
    assert_eq!(deploy.latest.unwrap().pipeline_execution_id, execution_id);
}

/// prd's approval with a newer execution queued to enter behind it: the plan says which and
/// what the answer lets in, approving or rejecting.
#[tokio::test]
async fn an_answer_names_the_execution_waiting_behind_the_approval() {
    let w = world();
    let alone = approve_plan(&w, ApprovalOutcome::Approved, "ok");
    assert_eq!(
        alone.warnings,
        Vec::<String>::new(),
        "none waits behind it yet"
    );
    // A newer execution runs its Source stage and waits to enter Approval.
    (w.sim.cloud().pipelines)
        .start_execution("storefront-deployer-prd", &Default::default())
        .await
        .unwrap();
    w.sim.with(|s| s.advance(10 * Timestamp::MINUTE));
    let held = w.held("prd");
    let approval = (held.state.as_ref().unwrap().stages.iter())
        .find(|s| s.name == "Approval")
        .unwrap();
    let next = approval
        .inbound_execution
        .as_ref()
        .expect("one waits to enter");
    let short = &next.pipeline_execution_id[..8];
    let plan = approve_plan(&w, ApprovalOutcome::Approved, "ok");
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    let warning = &plan.warnings[0];
    assert!(
        warning.starts_with(&format!("execution {short} (ships "))
            && warning.contains(
                "waits to enter Approval behind this one: approving ships this one first"
            ),
        "{warning}"
    );
    let reject = approve_plan(&w, ApprovalOutcome::Rejected, "no");
    assert!(
        reject.warnings[0].ends_with("rejecting this one lets it in next"),
        "{:?}",
        reject.warnings
    );
}

/// A watch whose reads keep failing ends unknown ("unobserved", exit 5 on the CLI), never
/// "failed": nothing says the change went wrong.
#[tokio::test]
async fn a_change_whose_result_cannot_be_read_within_the_wait_is_unobserved_not_failed() {
    let w = world();
    let plan = approve_plan(&w, ApprovalOutcome::Approved, "dashboards green");
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    let mut request = plan.request.clone();
    let ops::Request::Answer { execution_id, .. } = &mut request else {
        panic!("an answer request")
    };
    *execution_id = "00000000-0000-4000-8000-000000000000".into();
    let v = ops::apply::verify::watch(
        &w.sim.cloud(),
        &shipdeck::cloud::sim::SimClock::driven(w.sim.clone()),
        &request,
        &outcome,
        30 * shipdeck::domain::Timestamp::SECOND,
    )
    .await;
    assert_eq!(v.state, ops::Watched::Unobserved, "{}", v.message);
    assert!(!v.ok);
    assert!(
        v.message
            .starts_with("not observed within 30s: cannot read the pipeline"),
        "{}",
        v.message
    );
}

#[tokio::test]
async fn reject_fails_the_execution_with_the_comment() {
    let w = world();
    let plan = approve_plan(&w, ApprovalOutcome::Rejected, "error rate up on stg");
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(w.mutating(), 1);
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok && v.message.contains("rejected"), "{}", v.message);
    let id = outcome.execution_id.unwrap();
    let exec = w
        .held("prd")
        .executions
        .into_iter()
        .find(|e| e.id == id)
        .unwrap();
    assert_eq!(exec.status, ExecutionStatus::Failed);
    assert_eq!(exec.status_summary.as_deref(), Some("error rate up on stg"));
}

#[tokio::test]
async fn an_approval_answered_elsewhere_is_refused_without_a_call() {
    let w = world();
    let plan = approve_plan(&w, ApprovalOutcome::Approved, "ok");
    let ops::Request::Answer {
        pipeline,
        stage,
        action,
        token,
        ..
    } = plan.request.clone()
    else {
        panic!("an answer request")
    };
    let answer = ApprovalAnswer {
        pipeline,
        stage,
        action,
        token,
        outcome: ApprovalOutcome::Approved,
        summary: "answered by a colleague".into(),
    };
    use shipdeck::cloud::Pipelines;
    w.sim.put_approval_result(&answer).await.unwrap();
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Refused);
    assert_eq!(
        outcome.guard,
        Some(Guard::AlreadyAnswered),
        "{}",
        outcome.message
    );
    assert!(
        outcome.message.contains("already answered"),
        "{}",
        outcome.message
    );
    assert_eq!(w.mutating(), 0, "nothing sent");
}

#[tokio::test]
async fn a_new_execution_at_the_approval_is_a_changed_token() {
    let w = world();
    let plan = approve_plan(&w, ApprovalOutcome::Approved, "ok");
    let ops::Request::Answer {
        pipeline,
        execution_id,
        ..
    } = plan.request.clone()
    else {
        panic!("an answer request")
    };
    use shipdeck::cloud::{Pipelines, StartRequest};
    w.sim
        .stop_execution(&pipeline, &execution_id, true, "superseded by a hotfix")
        .await
        .unwrap();
    w.sim
        .start_execution(&pipeline, &StartRequest::default())
        .await
        .unwrap();
    w.sim.with(|s| s.advance(30 * Timestamp::MINUTE));
    let waiting = w.sim.with(|s| s.pending_approvals());
    assert!(
        waiting
            .iter()
            .any(|a| a.environment == "prd" && a.execution_id != execution_id)
    );
    let outcome = w.apply(&plan).await;
    assert_eq!(
        outcome.guard,
        Some(Guard::ChangedToken),
        "{}",
        outcome.message
    );
    assert_eq!(outcome.class, ExitClass::Refused);
    assert!(
        outcome.message.contains(&execution_id),
        "{}",
        outcome.message
    );
    assert_eq!(w.mutating(), 0, "nothing sent");
}

#[tokio::test]
async fn an_approval_that_expired_after_the_plan_is_refused() {
    let w = world();
    let plan = approve_plan(&w, ApprovalOutcome::Approved, "ok");
    w.sim
        .with(|s| s.advance(7 * Timestamp::DAY + Timestamp::MINUTE));
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.guard, Some(Guard::Expired), "{}", outcome.message);
    assert_eq!(w.mutating(), 0);
}

mod catalogue;
mod override_condition;
mod release;
mod rollback;
mod stop_deploy;
mod workflow;
