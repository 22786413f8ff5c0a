//! A headless console over counted simulator ports, writing its audit log to a temp file.
#![allow(dead_code)]

use shipdeck::app::{Action, Mode, Phase, PollPolicy, Session, State, View};
use shipdeck::cloud::CountingCloud;
use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::domain::Millis;
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

/// Simulator, counted ports, and a headless console writing its audit log to a temp file.
pub struct OpsRig {
    pub sim: SimCloud,
    pub counting: CountingCloud,
    pub app: Headless,
    pub audit: PathBuf,
}

impl OpsRig {
    pub async fn new(name: &str) -> OpsRig {
        let config = SimConfig {
            traffic_scale: 0.01,
            ..SimConfig::default()
        };
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
        let dir =
            std::env::temp_dir().join(format!("shipdeck-e2e-ops-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let audit = dir.join(audit::FILE_NAME);
        state.ops.audit_path = Some(audit.clone());
        let mut app = Headless::new(state, counting.cloud());
        app.start(now).await;
        counting.reset();
        OpsRig {
            sim,
            counting,
            app,
            audit,
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

    pub async fn run(&mut self, total: Millis, step: Millis) {
        let end = self.sim.with(|s| s.now()) + total;
        while self.sim.with(|s| s.now()) < end {
            let next = self.sim.with(|s| s.now()) + step;
            self.sim.with(|s| s.advance_to(next));
            self.app.tick(next).await;
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
