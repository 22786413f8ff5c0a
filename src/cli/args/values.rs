//! Flag values read from text: a window or a time (`--since`, `--until`) and a filter
//! expression (`--filter`), each refused with what was expected.

use crate::accesslog::Filter;
use crate::domain::{Millis, Timestamp};

/// A `--since` value: a window back from now, or a fixed time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// This long before now.
    Ago(Millis),
    /// From this time on.
    At(Timestamp),
}

impl Since {
    /// The start time, given the current time.
    pub fn at(self, now: Timestamp) -> Timestamp {
        match self {
            Since::Ago(ms) => now - ms,
            Since::At(t) => t,
        }
    }
}

/// Parses `--since`: a count with a unit (`90s`, `15m`, `1h`, `24h`, `7d`) or an RFC 3339 time.
pub fn parse_since(text: &str) -> Result<Since, String> {
    let t = text.trim();
    let unit = match t.chars().last() {
        Some('s') => Some(Timestamp::SECOND),
        Some('m') => Some(Timestamp::MINUTE),
        Some('h') => Some(Timestamp::HOUR),
        Some('d') => Some(Timestamp::DAY),
        _ => None,
    };
    if let Some(unit) = unit
        && let Some(n) = t.get(..t.len() - 1).and_then(|n| n.parse::<i64>().ok())
        && (1..=3650 * Timestamp::DAY / unit).contains(&n)
    {
        return Ok(Since::Ago(n * unit));
    }
    Timestamp::parse_rfc3339(t).map(Since::At).ok_or_else(|| {
        format!("expected a window such as 15m, 1h, 24h or 7d, or an RFC 3339 time, got `{text}`")
    })
}

/// Parses `--filter` (the error says where the expression goes wrong).
pub fn parse_filter(text: &str) -> Result<Filter, String> {
    Filter::parse(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_windows_and_times() {
        assert_eq!(parse_since("15m"), Ok(Since::Ago(15 * Timestamp::MINUTE)));
        assert_eq!(parse_since("24h"), Ok(Since::Ago(Timestamp::DAY)));
        assert_eq!(parse_since("7d"), Ok(Since::Ago(7 * Timestamp::DAY)));
        assert_eq!(parse_since("90s"), Ok(Since::Ago(90_000)));
        assert_eq!(
            parse_since("2026-11-25T09:00:00Z"),
            Ok(Since::At(Timestamp(1_795_597_200_000)))
        );
        for bad in ["", "h", "0m", "-5m", "yesterday", "1y", "99999999d"] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
        assert_eq!(Since::Ago(1000).at(Timestamp(5000)), Timestamp(4000));
    }
}
