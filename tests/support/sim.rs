//! The demo rig: a simulator, its ports counted, and a headless console over them writing its
//! audit log to a file of its own; for end-to-end, snapshot and action tests.
#![allow(dead_code)]

use shipdeck::app::{Action, Mode, Phase, PollPolicy, Session, State, View};
use shipdeck::cloud::CountingCloud;
use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::domain::{Millis, Timestamp};
use shipdeck::ops::OpKind;
use shipdeck::ops::apply::audit_log as audit;
use shipdeck::runtime::Headless;
use std::path::PathBuf;

const MUTATING: &[&str] = &[
    "PutApprovalResult",
    "StartPipelineExecution",
    "StopPipelineExecution",
    "RetryStageExecution",
];

/// Simulator, counted ports and headless app, all at the simulator's start time.
pub struct Rig {
    pub sim: SimCloud,
    pub counting: CountingCloud,
    pub app: Headless,
    /// The audit file of this rig's console.
    pub audit: PathBuf,
}

/// A fresh audit file path under the temp dir, unique per process and rig.
fn scratch_audit_path(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir()
        .join(format!("shipdeck-rig-{}-{tag}-{n}", std::process::id()))
        .join(audit::FILE_NAME)
}

impl Rig {
    pub fn new(seed: u64) -> Rig {
        Rig::with_traffic(seed, 0.02)
    }

    /// A rig whose CloudFront traffic is `scale` times the simulator's full rate.
    pub fn with_traffic(seed: u64, scale: f64) -> Rig {
        Rig::with_config(
            SimConfig {
                seed,
                traffic_scale: scale,
                ..SimConfig::default()
            },
            &seed.to_string(),
        )
    }

    /// A rig over a simulator of `config`; `tag` names its audit file's folder.
    pub fn with_config(config: SimConfig, tag: &str) -> Rig {
        let sim = SimCloud::new(Simulator::new(config, &demo_specs()));
        let counting = CountingCloud::new(sim.cloud());
        let now = sim.with(|s| s.now());
        let session = Session {
            mode: Mode::Demo,
            profile: None,
            region: Some("eu-west-1".into()),
            identity: None,
            read_only: false,
        };
        let mut state = State::new(session, demo_specs(), PollPolicy::default(), now);
        // Audit lines of a test go to a file of its own, never to the user's state dir.
        let audit = scratch_audit_path(tag);
        state.ops.audit_path = Some(audit.clone());
        let app = Headless::new(state, counting.cloud());
        Rig {
            sim,
            counting,
            app,
            audit,
        }
    }

    /// The action tests' rig: the simulator's default seed with light traffic, the console
    /// started and its calls counted from then on; `name` tags its audit file.
    pub async fn for_ops(name: &str) -> Rig {
        let config = SimConfig {
            traffic_scale: 0.01,
            ..SimConfig::default()
        };
        let mut rig = Rig::with_config(config, name);
        rig.start().await;
        rig.counting.reset();
        rig
    }

    pub fn now(&self) -> Timestamp {
        self.sim.with(|s| s.now())
    }

    pub async fn start(&mut self) {
        let now = self.now();
        self.app.start(now).await;
    }

    /// Advances the simulator in `step` increments for `total`, ticking the app at each step.
    pub async fn run(&mut self, total: Millis, step: Millis) {
        let end = self.now() + total;
        while self.now() < end {
            let next = (self.now() + step).min(end);
            self.sim.with(|s| s.advance_to(next));
            self.app.tick(next).await;
        }
    }

    pub fn count(&self, op: &str) -> u64 {
        self.counting.counts().get(op).copied().unwrap_or(0)
    }

    pub fn mutating(&self) -> u64 {
        MUTATING.iter().map(|op| self.count(op)).sum()
    }

    pub fn keys(&mut self, actions: &[Action]) {
        for a in actions {
            self.app.dispatch(a.clone());
        }
    }

    pub fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.app.dispatch(Action::Input(c));
        }
    }

    pub fn select(&mut self, env: &str) {
        self.app.dispatch(Action::Show(View::Pipeline));
        while self
            .app
            .state
            .selected_env()
            .map(|e| e.spec.name.clone())
            .as_deref()
            != Some(env)
        {
            self.app.dispatch(Action::NextEnv);
        }
    }

    pub fn status(&self) -> String {
        self.app
            .state
            .status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }

    pub fn audit_lines(&self) -> Vec<audit::Entry> {
        audit::read(&self.audit, None).unwrap()
    }

    pub fn done_outcome(&self) -> Option<shipdeck::ops::Outcome> {
        match &self.app.state.ops.dialog.as_ref()?.phase {
            Phase::Done(o) => Some(o.clone()),
            _ => None,
        }
    }

    /// Opens the approve dialog on prd and types the confirmation.
    pub fn approve_prd_ready(&mut self) -> String {
        self.select("prd");
        self.app.dispatch(Action::Op(OpKind::Approve));
        let d = self
            .app
            .state
            .ops
            .dialog
            .as_ref()
            .expect("the approve dialog");
        let shipdeck::ops::Request::Answer { execution_id, .. } =
            &d.planned.as_ref().unwrap().request
        else {
            panic!("an answer")
        };
        let id = execution_id.clone();
        self.typed("looks good");
        self.app.dispatch(Action::DialogNext);
        self.typed("prd");
        id
    }
}
