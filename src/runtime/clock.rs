//! The system clock, for AWS: the `cloud::Clock` port on wall time.

use crate::cloud::Clock;
use crate::domain::{Millis, Timestamp};
use async_trait::async_trait;
use std::time::{SystemTime, UNIX_EPOCH};

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct WallClock;

#[async_trait]
impl Clock for WallClock {
    fn now(&self) -> Timestamp {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Timestamp(ms)
    }

    async fn pause(&self, ms: Millis) {
        tokio::time::sleep(std::time::Duration::from_millis(ms.max(0) as u64)).await;
    }
}
