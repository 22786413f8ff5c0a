//! Time as plain numbers: a UTC timestamp in milliseconds and durations, with human formatting.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Sub};

/// Milliseconds, the unit of every duration in the core.
pub type Millis = i64;

/// A UTC instant, milliseconds since the Unix epoch. The core never reads a clock: time is passed in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// One second in milliseconds.
    pub const SECOND: Millis = 1_000;
    /// One minute in milliseconds.
    pub const MINUTE: Millis = 60 * Self::SECOND;
    /// One hour in milliseconds.
    pub const HOUR: Millis = 60 * Self::MINUTE;
    /// One day in milliseconds.
    pub const DAY: Millis = 24 * Self::HOUR;

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Milliseconds from `earlier` to `self` (negative if `earlier` is later).
    pub fn since(self, earlier: Timestamp) -> Millis {
        self.0 - earlier.0
    }

    /// RFC 3339 in UTC with second precision, e.g. `2026-11-25T20:13:58Z`.
    pub fn rfc3339(self) -> String {
        match chrono::DateTime::from_timestamp_millis(self.0) {
            Some(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            None => format!("@{}ms", self.0),
        }
    }

    /// RFC 3339 in UTC with millisecond precision, e.g. `2026-11-25T20:13:58.042Z`.
    pub fn rfc3339_millis(self) -> String {
        match chrono::DateTime::from_timestamp_millis(self.0) {
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            None => format!("@{}ms", self.0),
        }
    }

    /// `HH:MM:SS` in UTC, for compact columns.
    pub fn clock(self) -> String {
        match chrono::DateTime::from_timestamp_millis(self.0) {
            Some(t) => t.format("%H:%M:%S").to_string(),
            None => "--:--:--".to_string(),
        }
    }

    /// `MM-DD HH:MM` in UTC, for history lists.
    pub fn short(self) -> String {
        match chrono::DateTime::from_timestamp_millis(self.0) {
            Some(t) => t.format("%m-%d %H:%M").to_string(),
            None => "--".to_string(),
        }
    }

    /// Parses an RFC 3339 time (any offset) into a UTC timestamp.
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        chrono::DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| Timestamp(t.timestamp_millis()))
    }
}

impl Add<Millis> for Timestamp {
    type Output = Timestamp;
    fn add(self, rhs: Millis) -> Timestamp {
        Timestamp(self.0.saturating_add(rhs))
    }
}

impl Sub<Millis> for Timestamp {
    type Output = Timestamp;
    fn sub(self, rhs: Millis) -> Timestamp {
        Timestamp(self.0.saturating_sub(rhs))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

/// A duration as an operator reads it: `42s`, `3m 12s`, `2h 05m`, `4d 03h`. Negative reads as `0s`.
pub fn human(ms: Millis) -> String {
    let s = ms.max(0) / 1000;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("{d}d {h:02}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {sec:02}s")
    } else {
        format!("{sec}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_pick_the_two_largest_units() {
        assert_eq!(human(0), "0s");
        assert_eq!(human(-5_000), "0s");
        assert_eq!(human(42_900), "42s");
        assert_eq!(human(192_000), "3m 12s");
        assert_eq!(human(2 * Timestamp::HOUR + 5 * Timestamp::MINUTE), "2h 05m");
        assert_eq!(human(4 * Timestamp::DAY + 3 * Timestamp::HOUR), "4d 03h");
    }

    #[test]
    fn rfc3339_round_trips() {
        let t = Timestamp::parse_rfc3339("2026-11-25T20:13:58Z").unwrap();
        assert_eq!(t.rfc3339(), "2026-11-25T20:13:58Z");
        assert_eq!(t.clock(), "20:13:58");
        let offset = Timestamp::parse_rfc3339("2026-11-25T21:13:58+01:00").unwrap();
        assert_eq!(offset, t);
        assert!(Timestamp::parse_rfc3339("yesterday").is_none());
        assert_eq!((t + 42).rfc3339_millis(), "2026-11-25T20:13:58.042Z");
        assert_eq!(
            Timestamp::parse_rfc3339(&(t + 42).rfc3339_millis()),
            Some(t + 42)
        );
    }
}
