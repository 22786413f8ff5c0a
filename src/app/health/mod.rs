//! The health map: the golden signals read per refresh (CloudWatch metrics, HTTP probes, the
//! pipeline state), judged against each environment's thresholds into green, yellow, red or
//! unknown nodes with their reasons. Pure: the reads come in as data.

pub mod live;
pub mod logs;
pub mod map;
pub mod signals;
pub mod verdict;

pub use crate::domain::{Probe, ProbeResult};
pub use live::{HEALTH_EVERY, MapView, NODES};
pub use map::{EnvHealth, Node, NodeKind, SignalValue, Times};
pub use signals::{Reading, Readings, Signal};

use crate::app::State;
use crate::domain::{HealthSpec, Level, Timestamp};
use serde::Serialize;

/// The map of every environment asked for, at one time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthMap {
    /// When it was read (RFC 3339 UTC).
    pub at: String,
    /// Each environment, in promotion order.
    pub environments: Vec<EnvHealth>,
}

impl HealthMap {
    /// The worst level of all environments (unknown when there are none).
    pub fn level(&self) -> Level {
        self.environments
            .iter()
            .map(|e| e.level)
            .max_by_key(|l| l.severity())
            .unwrap_or(Level::Unknown)
    }
}

/// The map of the environments of `state` named in `only` (all when empty), from the readings
/// and probes of one refresh made at `now` (`read`: CloudWatch answered it, not only "not read
/// yet"); `health` gives each environment's settings by index. Ages are told at `state.now`.
pub fn assemble(
    state: &State,
    health: &[HealthSpec],
    readings: &Readings,
    probes: &[ProbeResult],
    only: Option<&str>,
    (now, read): (Timestamp, bool),
) -> HealthMap {
    let times = Times {
        read_at: now,
        read,
        now: state.now.max(now),
    };
    let region = state.session.region.as_deref();
    // With every identity paused, the map is not read at all: the probes stop too.
    let probed = (0..state.envs.len()).any(|e| !state.paused(e));
    let environments = state
        .envs
        .iter()
        .enumerate()
        .filter(|(_, e)| only.is_none_or(|o| e.spec.name == o))
        .map(|(i, e)| {
            let h = health.get(i).cloned().unwrap_or_default();
            let mut env = map::environment(i, e, &h, readings, probes, region, times);
            if let Some(pause) = state.pause_of(i) {
                env.paused(&pause.error, probed);
            }
            env
        })
        .collect();
    HealthMap {
        at: now.rfc3339(),
        environments,
    }
}
