//! A headless app wired to a simulator, for end-to-end and snapshot tests.
#![allow(dead_code)]

use shipdeck::app::{Mode, PollPolicy, Session, State};
use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::domain::{Millis, Timestamp};
use shipdeck::runtime::Headless;

/// Simulator + headless app, both at the simulator's start time.
pub struct Rig {
    pub sim: SimCloud,
    pub app: Headless,
}

/// A fresh audit file path under the temp dir, unique per process and rig.
fn scratch_audit_path(seed: u64) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir()
        .join(format!("shipdeck-rig-{}-{seed}-{n}", std::process::id()))
        .join("audit.jsonl")
}

impl Rig {
    pub fn new(seed: u64) -> Rig {
        Rig::with_traffic(seed, 0.02)
    }

    /// A rig whose CloudFront traffic is `scale` times the simulator's full rate.
    pub fn with_traffic(seed: u64, scale: f64) -> Rig {
        let config = SimConfig {
            seed,
            traffic_scale: scale,
            ..SimConfig::default()
        };
        let sim = SimCloud::new(Simulator::new(config, &demo_specs()));
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
        state.ops.audit_path = Some(scratch_audit_path(seed));
        let app = Headless::new(state, sim.cloud());
        Rig { sim, app }
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
}
