//! Where "now" comes from, and how a wait passes: the wall clock against AWS, the simulator's
//! clock in the demo and the tests. One port for the console's ticks, the CLI's follow loops and
//! `verify`'s waits.

use crate::domain::{Millis, Timestamp};
use async_trait::async_trait;

/// A clock: the current time, and a wait of some milliseconds on it.
#[async_trait]
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
    /// Waits `ms` on this clock (a simulator's clock that nothing else moves just moves on).
    async fn pause(&self, ms: Millis);
}
