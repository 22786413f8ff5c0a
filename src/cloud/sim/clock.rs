//! The simulator's clock: driven (time moves only when something waits on it — the tests, the
//! CLI's `verify` in the demo) or running (the demo's wall time × speed, which moves the
//! simulator as it is read).

use super::SimCloud;
use crate::cloud::Clock;
use crate::domain::{Millis, Timestamp};
use async_trait::async_trait;
use std::time::Instant;

/// The simulator's clock.
#[derive(Clone)]
pub struct SimClock {
    sim: SimCloud,
    /// `None`: driven; `Some`: running from that wall instant and simulated time at that speed.
    running: Option<(Instant, Timestamp, f64)>,
}

impl SimClock {
    /// A clock that moves only when waited on: a pause plays the simulator forward at once.
    pub fn driven(sim: SimCloud) -> Self {
        SimClock { sim, running: None }
    }

    /// A clock that runs from the simulator's current time at `speed` simulated milliseconds per
    /// wall millisecond; reading it advances the simulator to that time.
    pub fn running(sim: SimCloud, speed: f64) -> Self {
        let start = sim.with(|s| s.now());
        SimClock {
            sim,
            running: Some((Instant::now(), start, speed.max(0.0))),
        }
    }
}

#[async_trait]
impl Clock for SimClock {
    fn now(&self) -> Timestamp {
        let Some((wall_start, sim_start, speed)) = self.running else {
            return self.sim.with(|s| s.now());
        };
        let elapsed = wall_start.elapsed().as_secs_f64() * 1000.0 * speed;
        let target = sim_start + elapsed as i64;
        self.sim.with(|s| {
            if target > s.now() {
                s.advance_to(target);
            }
            s.now()
        })
    }

    async fn pause(&self, ms: Millis) {
        match self.running {
            None => self.sim.with(|s| s.advance(ms)),
            Some((_, _, speed)) if speed > 0.0 => {
                let wall = (ms.max(0) as f64 / speed).ceil() as u64;
                tokio::time::sleep(std::time::Duration::from_millis(wall)).await;
            }
            Some(_) => tokio::time::sleep(std::time::Duration::from_millis(ms.max(0) as u64)).await,
        }
    }
}
