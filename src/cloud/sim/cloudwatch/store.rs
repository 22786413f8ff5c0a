//! CloudWatch Logs: log groups and streams, events ingested late, `FilterLogEvents` with its
//! partial pages, and the Lambda API's lines.

use super::super::Simulator;
use super::super::rng::splitmix64;
use super::metrics::ApiCall;
use super::pattern::Pattern;
use crate::cloud::{CloudError, CloudResult, LogPage, LogQuery};
use crate::domain::{LogEvent, Millis, Timestamp};
use std::collections::BTreeMap;

const TOKEN_PREFIX: &str = "cw1-";
/// The high bit of the sequence numbers of log deliveries' events.
const VENDED: u64 = 1 << 62;
const MAX_PAGE: usize = 10_000;
/// Retention of the Lambda API groups (keeps a long demo's memory bounded).
const LAMBDA_RETENTION: Millis = Timestamp::DAY;
/// The usual ingestion delay: from 0.3 s to this long after the event's time.
const USUAL_LAG: Millis = 3_000;
/// Partial pages a query gets at most before its pages are full again (so every read ends).
const MAX_PARTIAL_PAGES: u32 = 4;

/// How CloudWatch Logs' timing departs from the ideal: how late events are ingested, and how
/// full `FilterLogEvents` pages are. The default is the usual case: every event ingested 0.3 to
/// 3 s after its time, full pages.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LogTiming {
    /// Share of events (0–1) ingested late: beyond the usual 3 s, up to `late_by` after their
    /// time (PutLogEvents takes events up to 14 days old; agents retry and buffer for minutes).
    pub late_share: f64,
    /// How long after its time a late event is ingested, at most.
    pub late_by: Millis,
    /// Share of `FilterLogEvents` pages (0–1) cut short while more may follow: fewer events than
    /// the limit, or none at all, each with a `nextToken` ("a returned page might only be
    /// partially full, or even empty"). A query gets at most four, then full pages.
    pub partial_pages: f64,
}

/// The log groups of every account and their events, ordered by (time, sequence). A group is
/// held under its account and name, `ACCOUNT:NAME` (as Logs Insights' `@log` names it): groups
/// of the same name in two accounts are two groups, and a caller sees only its own account's.
#[derive(Debug, Default)]
pub(crate) struct CloudWatch {
    groups: BTreeMap<String, BTreeMap<(i64, u64), LogEvent>>,
    /// Per group (`ACCOUNT:NAME`), its streams and when each was created (its first event's
    /// ingestion).
    streams: BTreeMap<String, BTreeMap<String, Timestamp>>,
    seq: u64,
    /// Events of log deliveries put so far (their sequence numbers carry [`VENDED`]).
    vended: u64,
    /// The latest any held event was ingested after its time (how far back a scan by
    /// ingestion time starts).
    max_lag: Millis,
    timing: LogTiming,
    /// Per group (`ACCOUNT:NAME`): the current Lambda stream and when its container retires.
    lambda_streams: BTreeMap<String, (String, Timestamp)>,
    /// Logs Insights queries started, by id.
    pub(crate) queries: super::insights::Queries,
}

/// A deterministic draw in `[0, 1)` and 64 more bits for `key` (no generator state: reads stay
/// `&self`, and a world without these faults draws nothing).
fn draw(key: &[u64]) -> (f64, u64) {
    let mut state = 0x5EED_C10D_u64;
    for &k in key {
        let mut k = k;
        state ^= splitmix64(&mut k);
        splitmix64(&mut state);
    }
    let a = splitmix64(&mut state);
    let b = splitmix64(&mut state);
    ((a >> 11) as f64 / (1u64 << 53) as f64, b)
}

/// The key a group is held under: `ACCOUNT:NAME` (an account id has no colon).
pub(crate) fn group_key(account: &str, name: &str) -> String {
    format!("{account}:{name}")
}

/// The key of the group a caller in `account` names by its name or its ARN
/// (`logGroupIdentifier`); `None` for an ARN in another account, which the caller cannot see.
fn caller_key(account: &str, identifier: &str) -> Option<String> {
    let name = crate::cloud::group_name(identifier);
    let owner = (identifier.strip_prefix("arn:"))
        .and_then(|arn| arn.split(':').nth(3))
        .unwrap_or(account);
    (owner == account).then(|| group_key(account, name))
}

/// A stable number for a name (FNV-1a).
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Where a page starts, the key of the first event it may hold, and how many partial pages the
/// query had so far: `cw1-TIME-SEQ-PARTIAL`.
fn token(at: (i64, u64), partial: u32) -> String {
    format!("{TOKEN_PREFIX}{}-{}-{partial}", at.0, at.1)
}

fn parse_token(t: &str) -> CloudResult<((i64, u64), u32)> {
    let bad = || CloudError::Rejected {
        code: "InvalidParameterException".into(),
        message: "The next token is invalid".into(),
    };
    let mut parts = t
        .strip_prefix(TOKEN_PREFIX)
        .ok_or_else(bad)?
        .rsplitn(3, '-');
    let partial = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let seq = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let ts = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    Ok(((ts, seq), partial))
}

impl CloudWatch {
    /// Log groups with these accounts and names, empty.
    pub(crate) fn new<'a>(groups: impl IntoIterator<Item = (&'a str, &'a str)>) -> CloudWatch {
        let groups = (groups.into_iter())
            .map(|(account, name)| (group_key(account, name), BTreeMap::new()))
            .collect();
        CloudWatch {
            groups,
            max_lag: USUAL_LAG,
            ..CloudWatch::default()
        }
    }

    /// Changes how late events are ingested from now on and how full pages are.
    pub(crate) fn set_timing(&mut self, timing: LogTiming) {
        self.timing = timing;
    }

    /// Whether a caller in `account` sees a group by this name or ARN.
    pub(crate) fn has_group(&self, account: &str, identifier: &str) -> bool {
        caller_key(account, identifier).is_some_and(|k| self.groups.contains_key(&k))
    }

    /// The accounts that hold a group named `name`.
    pub(crate) fn owners<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        (self.groups.keys())
            .filter_map(move |k| k.split_once(':').filter(|(_, n)| *n == name))
            .map(|(account, _)| account)
    }

    /// Events of `account`'s `group` with times in `[start, end]` ingested by `now`, in time
    /// order.
    pub(crate) fn events_in(
        &self,
        (account, group): (&str, &str),
        (start, end): (Timestamp, Timestamp),
        now: Timestamp,
    ) -> impl Iterator<Item = &LogEvent> {
        self.groups
            .get(&group_key(account, group))
            .into_iter()
            .flat_map(move |events| events.range((start.millis(), 0)..=(end.millis(), u64::MAX)))
            .map(|(_, e)| e)
            .filter(move |e| e.ingestion_time <= now)
    }

    /// Events of `account`'s `group` ingested in `(after, upto]` that match `streams` (empty:
    /// all) and the pattern, in ingestion order.
    pub(crate) fn ingested(
        &self,
        (account, group): (&str, &str),
        (after, upto): (Timestamp, Timestamp),
        streams: &[String],
        pattern: &Pattern,
    ) -> Vec<LogEvent> {
        let Some(events) = self.groups.get(&group_key(account, group)) else {
            return Vec::new();
        };
        // No event is ingested later after its time than the latest one held.
        let from = (after.millis() - self.max_lag, 0);
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

    /// Adds an event at `ts` to `account`'s `group`, ingested 0.3 to 3 s later (a late one, see
    /// [`LogTiming`], up to `late_by`); unknown groups are created.
    pub(crate) fn put(
        &mut self,
        group: (&str, &str),
        stream: &str,
        ts: Timestamp,
        message: String,
    ) {
        let seq = self.seq + 1;
        let usual = 300 + (seq.wrapping_mul(7919) % (USUAL_LAG - 300) as u64) as Millis;
        let t = self.timing;
        let lag = if t.late_share > 0.0 && t.late_by > USUAL_LAG {
            let (roll, bits) = draw(&[seq, 0x1A7E]);
            if roll < t.late_share {
                USUAL_LAG + (bits % (t.late_by - USUAL_LAG) as u64) as Millis + 1
            } else {
                usual
            }
        } else {
            usual
        };
        self.put_ingested(group, stream, ts, ts + lag, message);
    }

    /// Adds an event at `ts` to `account`'s `group` that CloudWatch ingests at `ingested`;
    /// unknown groups are created.
    pub(crate) fn put_ingested(
        &mut self,
        group: (&str, &str),
        stream: &str,
        ts: Timestamp,
        ingested: Timestamp,
        message: String,
    ) {
        self.seq += 1;
        self.insert(group, stream, (ts, ingested), self.seq, message);
    }

    /// [`CloudWatch::put_ingested`] for the events of a log delivery (CloudFront's vended access
    /// logs), numbered on their own: the other groups' events keep their ids and lags.
    pub(crate) fn put_vended(
        &mut self,
        group: (&str, &str),
        stream: &str,
        (ts, ingested): (Timestamp, Timestamp),
        message: String,
    ) {
        self.vended += 1;
        let seq = VENDED | self.vended;
        self.insert(group, stream, (ts, ingested), seq, message);
    }

    fn insert(
        &mut self,
        (account, group): (&str, &str),
        stream: &str,
        (ts, ingested): (Timestamp, Timestamp),
        seq: u64,
        message: String,
    ) {
        let key = group_key(account, group);
        let event = LogEvent {
            group: group.to_string(),
            event_id: format!("{:020}{:036}", ts.millis().max(0), seq),
            stream: stream.to_string(),
            timestamp: ts,
            ingestion_time: ingested,
            message,
        };
        self.max_lag = self.max_lag.max(ingested.since(ts));
        let created = self
            .streams
            .entry(key.clone())
            .or_default()
            .entry(stream.to_string())
            .or_insert(ingested);
        *created = (*created).min(ingested);
        self.groups
            .entry(key)
            .or_default()
            .insert((ts.millis(), seq), event);
    }

    /// The messages of `stream` in `account`'s `group` written up to `until`, oldest first (a
    /// build's own account of its phases).
    pub(crate) fn stream_messages(
        &self,
        (account, group): (&str, &str),
        stream: &str,
        until: Timestamp,
    ) -> Vec<&str> {
        let events = self.groups.get(&group_key(account, group));
        events.map_or_else(Vec::new, |events| {
            events
                .range(..(until.millis() + 1, 0))
                .filter(|(_, e)| e.stream == stream)
                .map(|(_, e)| e.message.as_str())
                .collect()
        })
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

    /// Drops the events of `account`'s `group` older than `before` (the group's retention; its
    /// streams stay).
    pub(crate) fn expire(&mut self, (account, group): (&str, &str), before: Timestamp) {
        if let Some(events) = self.groups.get_mut(&group_key(account, group)) {
            *events = events.split_off(&(before.millis(), 0));
        }
    }

    /// The names of `account`'s log groups starting with `prefix`.
    pub(crate) fn describe(&self, account: &str, prefix: &str) -> Vec<String> {
        let own = group_key(account, "");
        (self.groups.keys())
            .filter_map(|k| k.strip_prefix(own.as_str()))
            .filter(|name| name.starts_with(prefix))
            .map(str::to_string)
            .collect()
    }

    /// The first of `streams` that `group` does not have as of `now` (a stream is created with
    /// its first event's ingestion).
    fn missing_stream<'q>(
        &self,
        key: &str,
        streams: &'q [String],
        now: Timestamp,
    ) -> Option<&'q str> {
        let known = self.streams.get(key);
        streams
            .iter()
            .find(|s| {
                known
                    .and_then(|k| k.get(*s))
                    .is_none_or(|&created| created > now)
            })
            .map(String::as_str)
    }

    /// `FilterLogEvents` by a caller in `account` as of `now` (the group named or given by its
    /// ARN; another account's group is not found, as without cross-account observability):
    /// events ingested by
    /// then, in time order, one page; a pattern outside what [`Pattern`] models is refused. A named stream the group does not
    /// have is `ResourceNotFoundException` ("The specified log stream does not exist."): the API
    /// reference does not say what a missing name among `logStreamNames` does; that is what
    /// AWS has answered in the field, and it lets a reader say what it could not find rather than
    /// show nothing. Some pages are cut short, with a token, as [`LogTiming::partial_pages`] says.
    pub(crate) fn filter(
        &self,
        account: &str,
        q: &LogQuery,
        now: Timestamp,
    ) -> CloudResult<LogPage> {
        // A group is named by its name or its ARN (`logGroupIdentifier`).
        let key = caller_key(account, &q.group);
        let events = (key.as_ref())
            .and_then(|k| self.groups.get(k))
            .ok_or_else(|| CloudError::NotFound {
                kind: "log group".into(),
                name: q.group.clone(),
            })?;
        let key = key.unwrap_or_default();
        let group = crate::cloud::group_name(&q.group);
        if let Some(stream) = self.missing_stream(&key, &q.streams, now) {
            return Err(CloudError::NotFound {
                kind: "log stream".into(),
                name: format!("{stream} in {}", q.group),
            });
        }
        let (from, partial) = match &q.next_token {
            Some(t) => parse_token(t)?,
            None => ((q.start.map_or(i64::MIN, Timestamp::millis), 0), 0),
        };
        let end = q.end.map_or(i64::MAX, Timestamp::millis);
        let limit = q.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
        let pattern = Pattern::parse(q.pattern.as_deref())?;
        // A page cut short holds `cut` events (maybe none), then hands back a token.
        let cut = (partial < MAX_PARTIAL_PAGES && self.timing.partial_pages > 0.0)
            .then(|| {
                let key = [name_hash(group), from.0 as u64, from.1, u64::from(partial)];
                let (roll, bits) = draw(&key);
                let size = if bits & 3 == 0 {
                    0
                } else {
                    (bits >> 8) as usize % limit
                };
                (roll < self.timing.partial_pages).then_some(size)
            })
            .flatten();
        let mut page = LogPage::default();
        let mut next = from;
        for (key, e) in events.range(from..) {
            if key.0 > end {
                break;
            }
            next = (key.0, key.1 + 1);
            if e.ingestion_time > now
                || !pattern.matches(&e.message)
                || (!q.streams.is_empty() && !q.streams.contains(&e.stream))
            {
                continue;
            }
            if page.events.len() == cut.unwrap_or(limit) {
                page.next_token = Some(token(*key, partial + u32::from(cut.is_some())));
                return Ok(page);
            }
            page.events.push(e.clone());
        }
        if cut.is_some() {
            // A page cut short says "maybe more" even at the end: the next page is then empty.
            page.next_token = Some(token(next, partial + 1));
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
    /// The account whose group `name` is (for tests writing to a group by name): the first
    /// environment's naming it, else the first account holding it, else the demo's own.
    pub(crate) fn group_account(&self, name: &str) -> String {
        let named = (self.envs.iter().map(|e| &e.spec)).find(|spec| {
            spec.log_groups.iter().any(|g| g == name)
                || spec.build_log_group.as_deref() == Some(name)
        });
        match named {
            Some(spec) => self.cfg.account(&spec.name).to_string(),
            None => (self.logs.owners(name).next())
                .unwrap_or(super::super::ACCOUNT)
                .to_string(),
        }
    }

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
        let account = self.cfg.account(&self.envs[env].spec.name).to_string();
        let key = group_key(&account, &group);
        let g = (account.as_str(), group.as_str());
        self.logs.expire(g, start - LAMBDA_RETENTION);
        let mut served = Vec::with_capacity(calls);
        for _ in 0..calls {
            let ts = start + self.rng.range(0, len - 1);
            let mut cold = false;
            let current = self
                .logs
                .lambda_streams
                .get(&key)
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
                        .insert(key.clone(), (s.clone(), until));
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
            served.push(ApiCall {
                at: ts,
                duration_ms: dur,
                status,
            });
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
                g,
                &stream,
                ts,
                format!("START RequestId: {rid} Version: $LATEST"),
            );
            self.logs.put(g, &stream, at(dur), json);
            self.logs
                .put(g, &stream, at(dur + 1.0), format!("END RequestId: {rid}"));
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
            self.logs.put(g, &stream, at(dur + 1.0), report);
        }
        // The function is the group's (`/aws/lambda/NAME`); the API in front of it has its name.
        let function = group.rsplit('/').next().unwrap_or(&group).to_string();
        self.publish_api_metrics(&function, &function, &served);
    }
}
