//! The CloudFront node from the access logs: what the Traffic view last read of an environment
//! (no read of its own), and the choice between those numbers and CloudWatch's, whichever
//! reaches later, with the source and its age in words.

use super::signals::{Reading, window};
use crate::accesslog::{Stats, Window};
use crate::domain::{Millis, Timestamp, human};

/// CloudFront's golden signals over the last minutes of the access logs read.
#[derive(Debug, Clone, PartialEq)]
pub struct LogSignals {
    /// The newest record counted: what the numbers are as of.
    pub as_of: Timestamp,
    /// The minutes counted (the statistics' window at least as long as the map's).
    pub minutes: u32,
    /// Requests a minute.
    pub per_minute: f64,
    /// Share answered 4xx, in %.
    pub e4xx: f64,
    /// Share answered 5xx, in %.
    pub e5xx: f64,
    /// Cache hits among lookups, in % (`None`: no lookup).
    pub hit: Option<f64>,
    /// The origin's first-byte latency p99 in ms (`None`: the logs carry no `origin-fbl`).
    pub origin_p99: Option<f64>,
}

/// The statistics' window for a map window of `minutes`: the shortest as long, at most an hour.
fn stats_window(minutes: u32) -> Window {
    Window::ALL
        .into_iter()
        .find(|w| w.millis() >= Millis::from(minutes) * Timestamp::MINUTE)
        .unwrap_or(Window::H1)
}

impl LogSignals {
    /// The numbers of the records of `stats` over the `minutes` (rounded up to a window of the
    /// statistics) up to the newest one; `None` before any timed record.
    pub fn of(stats: &Stats, minutes: u32) -> Option<LogSignals> {
        let as_of = stats.newest()?;
        let w = stats_window(minutes);
        let s = stats.window(w, as_of);
        if s.requests == 0 {
            return None;
        }
        let span_minutes = (s.seconds / 60.0).max(1.0 / 60.0);
        Some(LogSignals {
            as_of,
            minutes: (w.millis() / Timestamp::MINUTE) as u32,
            per_minute: s.requests as f64 / span_minutes,
            // `requests > 0` here, so both shares are known.
            e4xx: 100.0 * s.error_rate_4xx.unwrap_or(0.0),
            e5xx: 100.0 * s.error_rate_5xx.unwrap_or(0.0),
            hit: s.hit_ratio.map(|h| 100.0 * h),
            origin_p99: s.origin_fbl_ms.p99.map(f64::from),
        })
    }

    /// The requests of a CloudFront window of `window_minutes` at this rate, as CloudWatch's
    /// `Requests` sum would count them.
    pub fn requests_over(&self, window_minutes: u32) -> Reading {
        Reading::Value(self.per_minute * f64::from(window_minutes.max(1)))
    }
}

/// An age in words: `under a minute ago`, `6 min ago`, `3h 05m ago`.
pub fn ago(ms: Millis) -> String {
    let m = ms.max(0) / Timestamp::MINUTE;
    if m < 1 {
        "under a minute ago".into()
    } else if m < 120 {
        format!("{m} min ago")
    } else {
        format!("{} ago", human(ms))
    }
}

/// Where the CloudFront node's numbers come from.
#[derive(Debug, Clone, PartialEq)]
pub enum CdnSource<'a> {
    /// CloudWatch's metrics, their window ending at this time.
    CloudWatch(Timestamp),
    /// The access logs the Traffic view read.
    Logs(&'a LogSignals),
}

/// The fresher of the two: the logs when their newest record is later than the end of the
/// minutes CloudWatch's read judged (the read at `read_at`, or the one that would be made now),
/// else CloudWatch.
pub fn fresher(logs: Option<&LogSignals>, read_at: Timestamp, minutes: u32) -> CdnSource<'_> {
    let (_, end) = window(read_at, minutes);
    match logs {
        Some(l) if l.as_of > end => CdnSource::Logs(l),
        _ => CdnSource::CloudWatch(end),
    }
}

impl CdnSource<'_> {
    /// The source in words, with its age at `now`: `access logs, 2 min ago`.
    pub fn words(&self, now: Timestamp, cloudwatch_read: bool) -> String {
        match self {
            CdnSource::Logs(l) => format!("access logs, {}", ago(now.since(l.as_of))),
            CdnSource::CloudWatch(end) if cloudwatch_read => {
                format!("CloudWatch, {}", ago(now.since(*end)))
            }
            CdnSource::CloudWatch(_) => "CloudWatch".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp(1_795_597_200_000);

    fn logs(as_of: Timestamp) -> LogSignals {
        LogSignals {
            as_of,
            minutes: 5,
            per_minute: 120.0,
            e4xx: 2.0,
            e5xx: 0.5,
            hit: Some(90.0),
            origin_p99: None,
        }
    }

    /// CloudWatch read at T0 judged the minutes up to T0 − 2 min: logs read up to a minute
    /// before T0 are fresher and say so with their age; logs older than that window's end, or
    /// none, leave CloudWatch, with its own age.
    #[test]
    fn the_fresher_source_wins_and_says_how_old_it_is() {
        let now = T0 + 4 * Timestamp::MINUTE;
        let fresh = logs(T0 - Timestamp::MINUTE);
        let chosen = fresher(Some(&fresh), T0, 5);
        assert_eq!(chosen, CdnSource::Logs(&fresh));
        assert_eq!(chosen.words(now, true), "access logs, 5 min ago");
        let old = logs(T0 - 10 * Timestamp::MINUTE);
        let chosen = fresher(Some(&old), T0, 5);
        assert_eq!(chosen, CdnSource::CloudWatch(T0 - 2 * Timestamp::MINUTE));
        assert_eq!(chosen.words(now, true), "CloudWatch, 6 min ago");
        assert_eq!(fresher(None, T0, 5).words(now, false), "CloudWatch");
        assert_eq!(ago(30_000), "under a minute ago");
        assert_eq!(ago(3 * Timestamp::HOUR), "3h 00m ago");
    }

    #[test]
    fn the_statistics_window_is_at_least_the_maps() {
        assert_eq!(stats_window(1), Window::M1);
        assert_eq!(stats_window(5), Window::M5);
        assert_eq!(stats_window(6), Window::M15);
        assert_eq!(stats_window(600), Window::H1);
    }
}
