//! The guards, planned on the simulator's data with chosen identities and settings, and the
//! audit log's file format.

use shipdeck::cloud::sim::{SimConfig, Simulator, demo_specs};
use shipdeck::cloud::{ApprovalOutcome, RetryMode};
use shipdeck::domain::{EnvSpec, ExecutionSummary, PipelineDef, PipelineState, Timestamp};
use shipdeck::ops::apply::audit_log::{self as audit, Entry};
use shipdeck::ops::plan::PipelineData;
use shipdeck::ops::plan::deploy::DeployOptions;
use shipdeck::ops::plan::{approve, deploy, retry, stop};
use shipdeck::ops::{Confirm, Context, ExitClass, Guard, OpKind, Outcome, Planned, SelfApproval};

/// What the console holds about one environment at the demo's start.
struct Held {
    spec: EnvSpec,
    def: Option<PipelineDef>,
    state: Option<PipelineState>,
    executions: Vec<ExecutionSummary>,
    now: Timestamp,
}

fn held(env: &str) -> Held {
    let config = SimConfig {
        traffic_scale: 0.01,
        ..SimConfig::default()
    };
    let sim = Simulator::new(config, &demo_specs());
    let spec = sim.specs().into_iter().find(|s| s.name == env).unwrap();
    Held {
        def: sim.pipeline_def(&spec.pipeline),
        state: sim.pipeline_state(&spec.pipeline),
        executions: sim.executions(&spec.pipeline),
        now: sim.now(),
        spec,
    }
}

/// Session settings of a plan.
#[derive(Clone, Copy)]
struct Who<'a> {
    identity: Option<&'a str>,
    read_only: bool,
    self_approval: SelfApproval,
}

const OPERATOR: Who<'static> = Who {
    identity: Some("arn:aws:sts::123456789012:assumed-role/Operator/frank"),
    read_only: false,
    self_approval: SelfApproval::Default,
};

impl Held {
    fn plan(
        &self,
        who: Who<'_>,
        f: impl FnOnce(&Context<'_>, PipelineData<'_>) -> Planned,
    ) -> Planned {
        self.plan_at(self.now, who, f)
    }

    fn plan_at(
        &self,
        now: Timestamp,
        who: Who<'_>,
        f: impl FnOnce(&Context<'_>, PipelineData<'_>) -> Planned,
    ) -> Planned {
        let ctx = Context {
            spec: &self.spec,
            identity: who.identity,
            now,
            read_only: who.read_only,
            self_approval: who.self_approval,
            aws_identity: None,
        };
        let data = PipelineData::new(self.def.as_ref(), self.state.as_ref(), &self.executions);
        f(&ctx, data)
    }
}

fn approve_with(h: &Held, who: Who<'_>) -> Planned {
    h.plan(who, |c, d| {
        approve::plan(c, d, ApprovalOutcome::Approved, Some("ok"))
    })
}

fn refused(p: Planned, guard: Guard) -> String {
    let r = p.expect_err("refused");
    assert_eq!(r.guard, guard, "{}", r.reason);
    assert_eq!(r.class, ExitClass::Refused);
    assert_eq!(r.class.code(), 2);
    r.reason
}

#[test]
fn read_only_refuses_every_action_globally_and_per_environment() {
    let prd = held("prd");
    let dev = held("dev");
    let ro = Who {
        read_only: true,
        ..OPERATOR
    };
    let token = DeployOptions {
        client_request_token: "t".into(),
        ..Default::default()
    };
    let why = refused(approve_with(&prd, ro), Guard::ReadOnly);
    assert!(why.contains("read-only"), "{why}");
    refused(
        dev.plan(ro, |c, d| deploy::plan(c, d, &token)),
        Guard::ReadOnly,
    );
    refused(
        dev.plan(ro, |c, d| stop::plan(c, d, true, "r", None)),
        Guard::ReadOnly,
    );
    refused(
        dev.plan(ro, |c, d| retry::plan(c, d, RetryMode::AllActions)),
        Guard::ReadOnly,
    );
    let mut dev_ro = held("dev");
    dev_ro.spec.read_only = true;
    let why = refused(
        dev_ro.plan(OPERATOR, |c, d| deploy::plan(c, d, &token)),
        Guard::ReadOnly,
    );
    assert!(
        why.contains("dev is read-only in the configuration"),
        "{why}"
    );
}

#[test]
fn self_approval_is_refused_for_the_release_actor_and_the_starter() {
    let mut prd = held("prd");
    let a = prd.def.as_ref().map(|_| {
        PipelineData::new(prd.def.as_ref(), prd.state.as_ref(), &prd.executions).approvals("prd")
    });
    let approval = a
        .unwrap()
        .into_iter()
        .next()
        .expect("an approval waits in prd");
    let actor = approval.release.as_ref().unwrap().actor.clone();
    // The execution was started by someone other than the release's author.
    let starter = "zoe";
    let exec = prd
        .executions
        .iter_mut()
        .find(|e| e.id == approval.execution_id)
        .unwrap();
    exec.trigger.kind = "StartPipelineExecution".into();
    exec.trigger.detail = "arn:aws:sts::123456789012:assumed-role/ReleaseManager/zoe".into();
    let as_actor = format!("arn:aws:sts::123456789012:assumed-role/Operator/{actor}");
    let who = Who {
        identity: Some(&as_actor),
        ..OPERATOR
    };
    let why = refused(approve_with(&prd, who), Guard::SelfApproval);
    assert!(why.contains("published the release"), "{why}");
    let as_starter =
        format!("arn:aws:sts::123456789012:assumed-role/ReleaseManager/{starter}@example.com");
    let who = Who {
        identity: Some(&as_starter),
        ..OPERATOR
    };
    let why = refused(approve_with(&prd, who), Guard::SelfApproval);
    assert!(why.contains("started the execution"), "{why}");
    let allowed = Who {
        identity: Some(&as_actor),
        self_approval: SelfApproval::Allow,
        ..OPERATOR
    };
    assert!(
        approve_with(&prd, allowed).is_ok(),
        "self_approval = \"allow\""
    );
    let unknown = Who {
        identity: None,
        ..OPERATOR
    };
    refused(approve_with(&prd, unknown), Guard::SelfApproval);
    let plan = approve_with(&prd, OPERATOR).unwrap();
    assert!(plan.guards.iter().any(|g| g.guard == Guard::SelfApproval));
}

#[test]
fn protected_environments_need_the_typed_name() {
    let prd = approve_with(&held("prd"), OPERATOR).unwrap();
    assert_eq!(prd.confirm, Confirm::TypeName("prd".into()));
    assert!(prd.summary[0].contains("PROTECTED"), "{:?}", prd.summary);
    let token = DeployOptions {
        client_request_token: "t".into(),
        ..Default::default()
    };
    let dev = held("dev")
        .plan(OPERATOR, |c, d| deploy::plan(c, d, &token))
        .unwrap();
    assert_eq!(dev.confirm, Confirm::YesNo);
}

mod texts;
