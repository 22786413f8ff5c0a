//! The simulated S3's pace, for benchmarks and tests of fetching at scale: each request waits
//! a first-byte latency (uniform in 20–80 ms by default, drawn from the seed, the operation,
//! the key and the request's number: deterministic), then its body at a per-stream bandwidth,
//! its bytes also queued on an optional shared link; a share of GETs is refused with SlowDown
//! (503) or another 503 after its first byte.
//!
//! The waits are `tokio::time` sleeps, not the simulator's clock: the pipelines' simulated
//! time says nothing about how long a GET takes. A benchmark measures them in wall time; a test
//! runs on tokio's paused clock (`#[tokio::test(start_paused = true)]`), which jumps to the
//! next wake-up when every task waits, so it runs at once and always the same way. Without a
//! pace (the default, and the demo) the simulator answers at once.

use super::super::rng::splitmix64;
use crate::cloud::CloudError;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// The latency and bandwidth model of the simulated S3.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct S3Pace {
    /// Shortest first-byte latency.
    pub first_byte_min: Duration,
    /// Longest first-byte latency.
    pub first_byte_max: Duration,
    /// Bytes per second of one GET's body.
    pub stream_bytes_per_sec: f64,
    /// Bytes per second of the link every body shares (`None`: no shared limit).
    pub link_bytes_per_sec: Option<f64>,
    /// Share of GETs refused with `SlowDown` (HTTP 503, "Please reduce your request rate").
    pub slow_down: f64,
    /// Share of GETs refused with another 503 (`ServiceUnavailable`).
    pub unavailable: f64,
    /// Seed of the draws.
    pub seed: u64,
}

impl Default for S3Pace {
    /// 20–80 ms to the first byte, 80 MB/s per stream, no shared link limit, no faults.
    fn default() -> Self {
        S3Pace {
            first_byte_min: Duration::from_millis(20),
            first_byte_max: Duration::from_millis(80),
            stream_bytes_per_sec: 80e6,
            link_bytes_per_sec: None,
            slow_down: 0.0,
            unavailable: 0.0,
            seed: 1,
        }
    }
}

impl S3Pace {
    /// The mean first-byte latency.
    pub fn mean_first_byte(&self) -> Duration {
        (self.first_byte_min + self.first_byte_max) / 2
    }

    /// The first-byte latency of request `n` of `operation` on `key`.
    pub fn first_byte(&self, operation: &str, key: &str, n: u64) -> Duration {
        let spread = self
            .first_byte_max
            .saturating_sub(self.first_byte_min)
            .as_micros() as u64;
        let draw = self.draw(operation, key, n);
        self.first_byte_min + Duration::from_micros(draw % (spread + 1))
    }

    /// A uniform draw in [0, 1) for request `n` of `operation` on `key`, independent of
    /// [`S3Pace::first_byte`]'s.
    fn unit(&self, operation: &str, key: &str, n: u64) -> f64 {
        let draw = self.draw(operation, key, n ^ 0x5EED_F00D);
        (draw >> 11) as f64 / (1u64 << 53) as f64
    }

    fn draw(&self, operation: &str, key: &str, n: u64) -> u64 {
        let mut state = self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for b in operation.bytes().chain(key.bytes()) {
            state = (state ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        splitmix64(&mut state)
    }
}

/// A pace in use: the model, the requests counted, and when the shared link is free.
#[derive(Debug)]
pub(crate) struct Paced {
    pace: S3Pace,
    requests: AtomicU64,
    link_free: Mutex<Option<Instant>>,
}

impl Paced {
    pub(crate) fn new(pace: S3Pace) -> Paced {
        Paced {
            pace,
            requests: AtomicU64::new(0),
            link_free: Mutex::new(None),
        }
    }

    /// Waits out the first byte of `operation` on `key`; for a GET, says whether S3 refuses it.
    pub(crate) async fn first_byte(&self, operation: &str, key: &str) -> Result<(), CloudError> {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(self.pace.first_byte(operation, key, n)).await;
        if operation != "GetObject" {
            return Ok(());
        }
        let roll = self.pace.unit(operation, key, n);
        if roll < self.pace.slow_down {
            // S3's SlowDown is a 503 the SDK reads as throttling.
            return Err(CloudError::Throttled {
                service: "s3".into(),
                operation: operation.into(),
                until: None,
            });
        }
        if roll < self.pace.slow_down + self.pace.unavailable {
            return Err(CloudError::Server {
                service: "s3".into(),
                operation: operation.into(),
                message: "Service Unavailable (503)".into(),
            });
        }
        Ok(())
    }

    /// Waits while a body of `bytes` arrives: at the stream's bandwidth, and after the bodies
    /// queued on the shared link before it.
    pub(crate) async fn body(&self, bytes: usize) {
        let now = Instant::now();
        let stream = Duration::from_secs_f64(bytes as f64 / self.pace.stream_bytes_per_sec);
        let mut done = now + stream;
        if let Some(link) = self.pace.link_bytes_per_sec {
            let on_link = Duration::from_secs_f64(bytes as f64 / link);
            let mut free = self
                .link_free
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let begin = free.map_or(now, |f| f.max(now));
            let end = begin + on_link;
            *free = Some(end);
            done = done.max(end);
        }
        tokio::time::sleep_until(done).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bytes_are_drawn_in_range_and_repeat_with_the_seed() {
        let pace = S3Pace::default();
        let draws: Vec<Duration> = (0..1000)
            .map(|n| pace.first_byte("GetObject", "k", n))
            .collect();
        assert!(draws.iter().all(|d| *d >= pace.first_byte_min));
        assert!(draws.iter().all(|d| *d <= pace.first_byte_max));
        let mean = draws.iter().sum::<Duration>() / 1000;
        assert!(mean > Duration::from_millis(45) && mean < Duration::from_millis(55));
        let again: Vec<Duration> = (0..1000)
            .map(|n| pace.first_byte("GetObject", "k", n))
            .collect();
        assert_eq!(draws, again);
        let other = S3Pace { seed: 2, ..pace };
        let others: Vec<Duration> = (0..1000)
            .map(|n| other.first_byte("GetObject", "k", n))
            .collect();
        assert_ne!(draws, others, "another seed draws otherwise");
    }
}
