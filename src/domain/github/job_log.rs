//! A GitHub Actions job's log text read as log events: one per line, at the line's own UTC time,
//! under the step (`##[group]` name) it belongs to, numbered so a re-read keeps each line's id.

use crate::domain::{LogEvent, Timestamp};

/// The events of a job's log `text` (as the jobs logs endpoint serves it: each line prefixed with
/// its RFC 3339 time), `group` naming the job. A line without a time takes the time before it
/// (`since` for the first); the step is the name of the `##[group]` the line is in (`setup`
/// before the first); `##[endgroup]` lines say nothing more and are left out. Ids are the line
/// numbers, zero-padded, so a longer read of a running job
/// gives the same ids to the lines read before.
pub fn job_log_events(text: &str, group: &str, since: Timestamp) -> Vec<LogEvent> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut at = since;
    let mut step = "setup".to_string();
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw
            .strip_prefix('\u{feff}')
            .unwrap_or(raw)
            .trim_end_matches('\r');
        let message = match line.split_once(' ') {
            Some((stamp, rest)) => match Timestamp::parse_rfc3339(stamp) {
                Some(t) => {
                    at = t;
                    rest
                }
                None => line,
            },
            None => match Timestamp::parse_rfc3339(line) {
                Some(t) => {
                    at = t;
                    ""
                }
                None => line,
            },
        };
        if let Some(name) = message.strip_prefix("##[group]") {
            step = name.trim().to_string();
        }
        if message.trim_end() == "##[endgroup]" {
            continue;
        }
        out.push(LogEvent {
            group: group.to_string(),
            event_id: format!("{:08}", i + 1),
            stream: step.clone(),
            timestamp: at,
            ingestion_time: at,
            message: message.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_is_an_event_at_its_time_under_its_step() {
        let text = "\u{feff}2026-12-06T07:01:02.1234567Z ##[group]Run npm test\n\
                    2026-12-06T07:01:03.0000000Z > storefront@1.0.0 test\n\
                    continued without a time\r\n\
                    2026-12-06T07:01:09.4000000Z ##[endgroup]\n\
                    2026-12-06T07:01:09.5000000Z ##[error]Process completed with exit code 1.\n";
        let events = job_log_events(text, "build", Timestamp(0));
        let at = |s: &str| Timestamp::parse_rfc3339(s).unwrap();
        let got: Vec<(&str, &str, Timestamp, &str)> = events
            .iter()
            .map(|e| {
                (
                    e.event_id.as_str(),
                    e.stream.as_str(),
                    e.timestamp,
                    e.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "00000001",
                    "Run npm test",
                    at("2026-12-06T07:01:02.123Z"),
                    "##[group]Run npm test"
                ),
                (
                    "00000002",
                    "Run npm test",
                    at("2026-12-06T07:01:03Z"),
                    "> storefront@1.0.0 test"
                ),
                (
                    "00000003",
                    "Run npm test",
                    at("2026-12-06T07:01:03Z"),
                    "continued without a time"
                ),
                (
                    "00000005",
                    "Run npm test",
                    at("2026-12-06T07:01:09.5Z"),
                    "##[error]Process completed with exit code 1."
                ),
            ]
        );
        assert!(events.iter().all(|e| e.group == "build"));
        assert!(job_log_events("", "build", Timestamp(0)).is_empty());
    }
}
