//! CloudWatch Logs: log groups, events with ingestion delay, `FilterLogEvents` and the Lambda API's lines.

use super::Simulator;
use super::pattern::Pattern;
use crate::cloud::{CloudError, CloudResult, LogPage, LogQuery};
use crate::domain::{LogEvent, Millis, Timestamp};
use std::collections::BTreeMap;

const TOKEN_PREFIX: &str = "cw1-";
const MAX_PAGE: usize = 10_000;
/// Retention of the Lambda API groups (keeps a long demo's memory bounded).
const LAMBDA_RETENTION: Millis = Timestamp::DAY;

/// The log groups and their events, ordered by (time, sequence).
#[derive(Debug, Default)]
pub(crate) struct CloudWatch {
    groups: BTreeMap<String, BTreeMap<(i64, u64), LogEvent>>,
    seq: u64,
    /// Per group: the current Lambda stream and when its container retires.
    lambda_streams: BTreeMap<String, (String, Timestamp)>,
}

impl CloudWatch {
    /// Log groups with these names, empty.
    pub(crate) fn new(groups: impl IntoIterator<Item = String>) -> CloudWatch {
        let groups = groups.into_iter().map(|g| (g, BTreeMap::new())).collect();
        CloudWatch {
            groups,
            ..CloudWatch::default()
        }
    }

    /// Whether group `name` exists.
    pub(crate) fn has_group(&self, name: &str) -> bool {
        self.groups.contains_key(name)
    }

    /// Events of `group` ingested in `(after, upto]` that match `streams` (empty: all) and the
    /// pattern, in ingestion order.
    pub(crate) fn ingested(
        &self,
        group: &str,
        (after, upto): (Timestamp, Timestamp),
        streams: &[String],
        pattern: &Pattern,
    ) -> Vec<LogEvent> {
        let Some(events) = self.groups.get(group) else {
            return Vec::new();
        };
        // Ingestion lags the event time by at most three seconds.
        let from = (after.millis() - 3_000, 0);
        let mut out: Vec<LogEvent> = events
            .range(from..=(upto.millis(), u64::MAX))
            .map(|(_, e)| e)
            .filter(|e| e.ingestion_time > after && e.ingestion_time <= upto)
            .filter(|e| streams.is_empty() || streams.contains(&e.stream))
            .filter(|e| pattern.matches(&e.message))
            .cloned()
            .collect();
        out.sort_by_key(|e| e.ingestion_time);
        out
    }

    /// Adds an event at `ts` (ingested one to three seconds later); unknown groups are created.
    pub(crate) fn put(&mut self, group: &str, stream: &str, ts: Timestamp, message: String) {
        self.seq += 1;
        let seq = self.seq;
        let ingestion = ts + 300 + (seq.wrapping_mul(7919) % 2_700) as Millis;
        let event = LogEvent {
            group: group.to_string(),
            event_id: format!("{:020}{:036}", ts.millis().max(0), seq),
            stream: stream.to_string(),
            timestamp: ts,
            ingestion_time: ingestion,
            message,
        };
        self.groups
            .entry(group.to_string())
            .or_default()
            .insert((ts.millis(), seq), event);
    }

    /// Removes the events of `stream` after `after` (an abandoned build writes no more).
    pub(crate) fn truncate_stream(&mut self, stream: &str, after: Timestamp) {
        for events in self.groups.values_mut() {
            let doomed: Vec<(i64, u64)> = events
                .range((after.millis() + 1, 0)..)
                .filter(|(_, e)| e.stream == stream)
                .map(|(k, _)| *k)
                .collect();
            for k in doomed {
                events.remove(&k);
            }
        }
    }

    /// Drops the events of `group` older than `before` (the group's retention).
    pub(crate) fn expire(&mut self, group: &str, before: Timestamp) {
        if let Some(events) = self.groups.get_mut(group) {
            *events = events.split_off(&(before.millis(), 0));
        }
    }

    /// Log group names starting with `prefix`.
    pub(crate) fn describe(&self, prefix: &str) -> Vec<String> {
        self.groups
            .keys()
            .filter(|g| g.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// `FilterLogEvents` as of `now`: events ingested by then, in time order, one page; a
    /// pattern outside what [`Pattern`] models is refused.
    pub(crate) fn filter(&self, q: &LogQuery, now: Timestamp) -> CloudResult<LogPage> {
        let events = self
            .groups
            .get(&q.group)
            .ok_or_else(|| CloudError::NotFound {
                kind: "log group".into(),
                name: q.group.clone(),
            })?;
        let from = match &q.next_token {
            Some(t) => {
                let bad = || CloudError::Rejected {
                    code: "InvalidParameterException".into(),
                    message: "The next token is invalid".into(),
                };
                let rest = t.strip_prefix(TOKEN_PREFIX).ok_or_else(bad)?;
                let (ts, seq) = rest.split_once('-').ok_or_else(bad)?;
                (
                    ts.parse::<i64>().map_err(|_| bad())?,
                    seq.parse::<u64>().map_err(|_| bad())? + 1,
                )
            }
            None => (q.start.map_or(i64::MIN, Timestamp::millis), 0),
        };
        let end = q.end.map_or(i64::MAX, Timestamp::millis);
        let limit = q.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
        let pattern = Pattern::parse(q.pattern.as_deref())?;
        let mut page = LogPage::default();
        let mut last = None;
        for (key, e) in events.range(from..) {
            if key.0 > end {
                break;
            }
            if e.ingestion_time > now
                || !pattern.matches(&e.message)
                || (!q.streams.is_empty() && !q.streams.contains(&e.stream))
            {
                continue;
            }
            if page.events.len() == limit {
                page.next_token =
                    last.map(|(ts, seq): (i64, u64)| format!("{TOKEN_PREFIX}{ts}-{seq}"));
                break;
            }
            last = Some(*key);
            page.events.push(e.clone());
        }
        Ok(page)
    }
}

/// RFC 3339 with milliseconds.
pub(crate) fn iso_ms(t: Timestamp) -> String {
    match chrono::DateTime::from_timestamp_millis(t.millis()) {
        Some(d) => d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => t.rfc3339(),
    }
}

const ROUTES: &[(&str, &str)] = &[
    ("GET", "/products"),
    ("GET", "/products/{slug}"),
    ("GET", "/search"),
    ("POST", "/cart"),
    ("GET", "/session"),
    ("GET", "/health"),
];

impl Simulator {
    /// Writes `calls` Lambda invocations (START, app JSON lines, END, REPORT) in `[start, start+len)`.
    pub(crate) fn write_lambda_logs(
        &mut self,
        env: usize,
        start: Timestamp,
        len: Millis,
        calls: usize,
        error: f64,
    ) {
        let Some(group) = self.envs[env]
            .spec
            .log_groups
            .iter()
            .find(|g| g.contains("lambda"))
            .cloned()
        else {
            return;
        };
        self.logs.expire(&group, start - LAMBDA_RETENTION);
        for _ in 0..calls {
            let ts = start + self.rng.range(0, len - 1);
            let mut cold = false;
            let current = self
                .logs
                .lambda_streams
                .get(&group)
                .filter(|(_, until)| *until > ts)
                .map(|(s, _)| s.clone());
            let stream = match current {
                Some(s) => s,
                None => {
                    cold = true;
                    let day = chrono::DateTime::from_timestamp_millis(ts.millis())
                        .map(|d| d.format("%Y/%m/%d").to_string())
                        .unwrap_or_default();
                    let s = format!("{day}/[$LATEST]{}", self.rng.hex(32));
                    let until = ts
                        + self
                            .rng
                            .range(20 * Timestamp::MINUTE, 90 * Timestamp::MINUTE);
                    self.logs
                        .lambda_streams
                        .insert(group.clone(), (s.clone(), until));
                    s
                }
            };
            let rid = self.rng.uuid();
            let (method, route) = self.rng.pick(ROUTES).copied().unwrap_or(("GET", "/health"));
            let dur = (35.0 * (0.6 * self.rng.normal()).exp()).min(9_000.0);
            let roll = self.rng.f64();
            let (level, status, msg) = if roll < 0.004 + error {
                (
                    "ERROR",
                    502,
                    format!(
                        "upstream request failed: connect ETIMEDOUT 10.0.{}.{}:443",
                        self.rng.range(0, 9),
                        self.rng.range(2, 250)
                    ),
                )
            } else if roll < 0.03 + error {
                (
                    "WARN",
                    200,
                    format!("slow query on table products ({} ms)", (dur * 8.0) as u64),
                )
            } else {
                (
                    "INFO",
                    if route == "/cart" { 201 } else { 200 },
                    "request handled".to_string(),
                )
            };
            let at = |ms: f64| ts + ms as Millis;
            let json = serde_json::json!({
                "timestamp": iso_ms(at(dur)),
                "level": level,
                "requestId": rid,
                "method": method,
                "path": route,
                "status": status,
                "durationMs": dur as u64,
                "message": msg,
            })
            .to_string();
            self.logs.put(
                &group,
                &stream,
                ts,
                format!("START RequestId: {rid} Version: $LATEST"),
            );
            self.logs.put(&group, &stream, at(dur), json);
            self.logs.put(
                &group,
                &stream,
                at(dur + 1.0),
                format!("END RequestId: {rid}"),
            );
            let init = if cold {
                format!("\tInit Duration: {:.2} ms", 180.0 + 140.0 * self.rng.f64())
            } else {
                String::new()
            };
            let report = format!(
                "REPORT RequestId: {rid}\tDuration: {dur:.2} ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: {} MB{init}",
                dur.ceil() as u64,
                self.rng.range(82, 131)
            );
            self.logs.put(&group, &stream, at(dur + 1.0), report);
        }
    }
}
