//! A simulator with counted ports for the lost-reply tests: what the console holds of an
//! environment, plans made from it, `ops::apply` through the counting layer, forced faults.
#![allow(dead_code)]

use shipdeck::cloud::sim::{Fault, OPERATOR_ARN, SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::cloud::{CountingCloud, ObjectMeta, Storage};
use shipdeck::domain::{EnvSpec, ExecutionSummary, PipelineDef, PipelineState, Timestamp};
use shipdeck::ops::approve::PipelineData;
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
    pub fn plan(&self, f: impl FnOnce(&Context<'_>, PipelineData<'_>) -> Planned) -> Plan {
        let ctx = Context {
            spec: &self.spec,
            identity: Some(OPERATOR_ARN),
            now: self.now,
            read_only: false,
            self_approval: SelfApproval::Default,
        };
        let data = PipelineData {
            def: self.def.as_ref(),
            state: self.state.as_ref(),
            executions: &self.executions,
        };
        f(&ctx, data).unwrap_or_else(|r| panic!("refused: {}", r.reason))
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
