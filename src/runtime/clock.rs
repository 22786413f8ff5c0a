//! Clocks: wall time for AWS, and simulated time (wall time × speed) that also moves the simulator.

use crate::cloud::sim::SimCloud;
use crate::domain::Timestamp;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> Timestamp {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Timestamp(ms)
    }
}

/// Simulated time for the demo: the simulator's start plus wall time elapsed × speed.
/// Reading it advances the simulator to that time.
#[derive(Clone)]
pub struct SimClock {
    sim: SimCloud,
    wall_start: Instant,
    sim_start: Timestamp,
    speed: f64,
}

impl SimClock {
    /// A clock that starts at the simulator's current time.
    pub fn new(sim: SimCloud, speed: f64) -> Self {
        let sim_start = sim.with(|s| s.now());
        SimClock {
            sim,
            wall_start: Instant::now(),
            sim_start,
            speed: speed.max(0.0),
        }
    }
}

impl Clock for SimClock {
    fn now(&self) -> Timestamp {
        let elapsed = self.wall_start.elapsed().as_secs_f64() * 1000.0 * self.speed;
        let target = self.sim_start + elapsed as i64;
        self.sim.with(|s| {
            if target > s.now() {
                s.advance_to(target);
            }
            s.now()
        })
    }
}
