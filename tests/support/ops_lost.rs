//! A simulator with counted ports for the action tests: what the console holds of an
//! environment, plans made from it, `ops::apply` through the counting layer, forced faults,
//! package files and upload plans.
#![allow(dead_code)]

use shipdeck::cloud::sim::{Fault, OPERATOR_ARN, SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::cloud::{
    ApprovalAnswer, CloudError, CloudResult, CountingCloud, ObjectMeta, Pipelines, RetryMode,
    StartRequest, Storage, TransitionChange,
};
use shipdeck::domain::{
    ActionExecutionDetail, EnvSpec, ExecutionSummary, PipelineDef, PipelineState, Timestamp,
};
use shipdeck::ops::apply::upload;
use shipdeck::ops::plan::PipelineData;
use shipdeck::ops::plan::release::{self, LocalPackage};
use shipdeck::ops::{self, Context, Delivery, ExitClass, Outcome, Plan, Planned, SelfApproval};

/// The simulated world and a counted view of its ports.
pub struct World {
    pub sim: SimCloud,
    pub counting: CountingCloud,
}

pub fn world() -> World {
    let config = SimConfig {
        traffic_scale: 0.01,
        ..SimConfig::default()
    };
    let sim = SimCloud::new(Simulator::new(config, &demo_specs()));
    let counting = CountingCloud::new(sim.cloud());
    World { sim, counting }
}

/// What the console holds about one environment.
pub struct Held {
    pub spec: EnvSpec,
    pub def: Option<PipelineDef>,
    pub state: Option<PipelineState>,
    pub executions: Vec<ExecutionSummary>,
    pub now: Timestamp,
}

impl Held {
    /// A plan that must not be refused.
    pub fn plan(&self, f: impl FnOnce(&Context<'_>, PipelineData<'_>) -> Planned) -> Plan {
        self.planned(f)
            .unwrap_or_else(|r| panic!("refused: {}", r.reason))
    }

    /// A plan, or why it was refused.
    pub fn planned(&self, f: impl FnOnce(&Context<'_>, PipelineData<'_>) -> Planned) -> Planned {
        let ctx = Context {
            spec: &self.spec,
            identity: Some(OPERATOR_ARN),
            now: self.now,
            read_only: false,
            self_approval: SelfApproval::Default,
            aws_identity: None,
        };
        let data = PipelineData::new(self.def.as_ref(), self.state.as_ref(), &self.executions);
        f(&ctx, data)
    }
}

impl World {
    pub fn held(&self, env: &str) -> Held {
        let spec = demo_specs().into_iter().find(|s| s.name == env).unwrap();
        self.sim.with(|s| Held {
            def: s.pipeline_def(&spec.pipeline),
            state: s.pipeline_state(&spec.pipeline),
            executions: s.executions(&spec.pipeline),
            now: s.now(),
            spec,
        })
    }

    /// Calls of `op` sent through the counting layer (faulted or not).
    pub fn sent(&self, op: &str) -> u64 {
        self.counting.counts().get(op).copied().unwrap_or(0)
    }

    /// Calls of `op` the simulator served (a lost reply was served).
    pub fn served(&self, op: &str) -> u64 {
        self.sim
            .with(|s| s.stats().served.get(op).copied().unwrap_or(0))
    }

    /// The next calls of `op` meet `faults`.
    pub fn force(&self, op: &str, faults: &[Fault]) {
        self.sim.with(|s| s.force_faults(op, faults));
    }

    pub async fn apply(&self, plan: &Plan) -> Outcome {
        ops::apply(&self.counting.cloud(), plan).await
    }

    pub async fn head(&self, bucket: &str, key: &str) -> Option<ObjectMeta> {
        self.sim.head_object(bucket, key).await.ok()
    }

    pub async fn verify(&self, plan: &Plan, outcome: &Outcome) -> ops::Verified {
        ops::verify(
            &self.sim.cloud(),
            &shipdeck::cloud::sim::SimClock::driven(self.sim.clone()),
            plan,
            outcome,
        )
        .await
    }
}

/// A package file (a zip's first bytes, then filler) of `len` bytes in the temporary directory;
/// returns its path.
pub fn temp_file(name: &str, len: usize) -> String {
    let path = std::env::temp_dir().join(format!("shipdeck-{}-{name}", std::process::id()));
    let mut body: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    for (b, m) in body.iter_mut().zip(b"PK\x03\x04") {
        *b = *m;
    }
    std::fs::write(&path, body).unwrap();
    path.display().to_string()
}

/// The plan for uploading the package at `path` to dev as `version`, and the package's size.
pub async fn upload_planned(w: &World, path: &str, version: &str) -> (Planned, u64) {
    let dev = w.held("dev");
    let packages = shipdeck::ops::apply::catalogue::catalogue(&w.sim.cloud(), &dev.spec)
        .await
        .unwrap();
    let (bytes, sha256) = upload::read_package(path).unwrap();
    let local = LocalPackage {
        path: path.to_string(),
        size: bytes.len() as u64,
        sha256,
        release: shipdeck::domain::Release {
            version: shipdeck::domain::Version::parse(version).unwrap(),
            commit: "0123456789abcdef".into(),
            actor: "demo-operator".into(),
        },
    };
    (
        dev.planned(|c, d| release::plan_upload(c, d, &packages, &local)),
        bytes.len() as u64,
    )
}

/// Done, and known done only by re-reading after the lost reply.
pub fn assert_confirmed(o: &Outcome) {
    assert_eq!(o.class, ExitClass::Done, "{}", o.message);
    assert_eq!(
        o.delivery,
        Delivery::ConfirmedAfterLostReply,
        "{}",
        o.message
    );
    assert!(
        o.message.contains("confirmed after a lost reply"),
        "{}",
        o.message
    );
}

/// Failed, and not known whether it reached AWS.
/// A call that failed before it was served, sent once more and answered.
pub fn assert_sent_again(o: &Outcome) {
    assert_eq!(o.class, ExitClass::Done, "{}", o.message);
    assert_eq!(o.delivery, Delivery::Answered);
    assert!(o.message.contains("sent again"), "{}", o.message);
}

pub fn assert_unknown(o: &Outcome) {
    assert_eq!(o.class, ExitClass::Failed, "{}", o.message);
    assert_eq!(o.delivery, Delivery::Unknown, "{}", o.message);
    assert!(
        o.message
            .starts_with("unknown: may have reached AWS — check before retrying"),
        "{}",
        o.message
    );
}

/// CodePipeline as the simulator serves it, except that while our `PutApprovalResult` is on
/// its way another approver answers first with `theirs`, and ours times out before serving.
pub struct Overtaken {
    pub sim: SimCloud,
    pub theirs: shipdeck::cloud::ApprovalAnswer,
}

#[async_trait::async_trait]
impl Pipelines for Overtaken {
    async fn get_pipeline(&self, name: &str) -> CloudResult<PipelineDef> {
        self.sim.get_pipeline(name).await
    }
    async fn get_pipeline_state(&self, name: &str) -> CloudResult<PipelineState> {
        self.sim.get_pipeline_state(name).await
    }
    async fn list_executions(&self, name: &str, max: usize) -> CloudResult<Vec<ExecutionSummary>> {
        self.sim.list_executions(name, max).await
    }
    async fn get_execution(&self, name: &str, id: &str) -> CloudResult<ExecutionSummary> {
        self.sim.get_execution(name, id).await
    }
    async fn list_action_executions(
        &self,
        name: &str,
        id: &str,
    ) -> CloudResult<Vec<ActionExecutionDetail>> {
        self.sim.list_action_executions(name, id).await
    }
    async fn put_approval_result(&self, _ours: &ApprovalAnswer) -> CloudResult<Timestamp> {
        self.sim.put_approval_result(&self.theirs).await?;
        Err(CloudError::Timeout {
            operation: "PutApprovalResult".into(),
        })
    }
    async fn start_execution(&self, name: &str, req: &StartRequest) -> CloudResult<String> {
        self.sim.start_execution(name, req).await
    }
    async fn stop_execution(
        &self,
        name: &str,
        id: &str,
        abandon: bool,
        reason: &str,
    ) -> CloudResult<()> {
        self.sim.stop_execution(name, id, abandon, reason).await
    }
    async fn retry_stage(
        &self,
        name: &str,
        stage: &str,
        id: &str,
        mode: RetryMode,
    ) -> CloudResult<String> {
        self.sim.retry_stage(name, stage, id, mode).await
    }
    async fn rollback_stage(&self, name: &str, stage: &str, target: &str) -> CloudResult<String> {
        self.sim.rollback_stage(name, stage, target).await
    }
    async fn list_succeeded_in_stage(
        &self,
        name: &str,
        stage: &str,
        max: usize,
    ) -> CloudResult<Vec<ExecutionSummary>> {
        self.sim.list_succeeded_in_stage(name, stage, max).await
    }
    async fn set_inbound_transition(
        &self,
        name: &str,
        stage: &str,
        change: &TransitionChange,
    ) -> CloudResult<()> {
        self.sim.set_inbound_transition(name, stage, change).await
    }
    async fn list_rule_executions(
        &self,
        name: &str,
        id: Option<&str>,
        max: usize,
    ) -> CloudResult<Vec<shipdeck::domain::RuleExecutionDetail>> {
        self.sim.list_rule_executions(name, id, max).await
    }
    async fn override_stage_condition(
        &self,
        name: &str,
        stage: &str,
        id: &str,
        kind: shipdeck::domain::ConditionKind,
    ) -> CloudResult<()> {
        self.sim
            .override_stage_condition(name, stage, id, kind)
            .await
    }
}
