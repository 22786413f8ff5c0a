//! The Traffic view's `:query RANGE`: the view's filter over that range, through the engine of
//! the environment's logging setup — Logs Insights for a delivery to a log group (the totals by
//! status, the series by `bin()` and status, the top paths, edges and countries: one query
//! each, run at once), for logs in S3 the local engine up to `local_max_bytes` in range
//! (`local.rs`), else Athena (the same panels, one SELECT each: `athena.rs`).
//! The query keeps the environment, filter and range it was started with, whatever the view
//! shows meanwhile.

use super::{QueryRange, QueryRun, RunState, parse_range};
use crate::accesslog::Field;
use crate::app::{Effect, Level, LogsPlace, LogsTarget, State, View};
use crate::cloud::InsightsQuery;
use crate::domain::Timestamp;
use crate::query::{GroupBy, InsightsAsk, SeriesStep, insights_query};
use std::collections::BTreeMap;

/// How many keys each top list asks for.
pub const TOP: usize = 10;

/// The engine that answers a query over an environment's logging setup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// Logs Insights over the delivery's log group.
    Insights {
        /// The log group (its ARN).
        group: String,
        /// The delivery's record fields (empty: v2's defaults).
        fields: Vec<Field>,
    },
    /// Athena over the logs bucket.
    Athena,
}

/// The engine for `target`.
pub fn engine_for(target: &LogsTarget) -> Engine {
    match &target.place {
        LogsPlace::Group { arn } => Engine::Insights {
            group: arn.clone(),
            fields: target.fields.clone(),
        },
        LogsPlace::Bucket { .. } => Engine::Athena,
    }
}

/// One query of the set: what it asks and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// What it asks.
    pub ask: InsightsAsk,
    /// Its run.
    pub run: QueryRun,
}

/// The Traffic view's query: what it was started on, and its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct TrafficQuery {
    /// The environment's index.
    pub env: usize,
    /// The environment's name.
    pub env_name: String,
    /// The filter, as typed (empty: every request).
    pub filter: String,
    /// The range.
    pub range: QueryRange,
    /// The log group (Logs Insights; empty on Athena).
    pub group: String,
    /// The series' bin.
    pub step: SeriesStep,
    /// When it started.
    pub started: Timestamp,
    /// When its last part ended.
    pub finished: Option<Timestamp>,
    /// The queries.
    pub parts: Vec<Part>,
    /// On Athena: its plan, question and phase.
    pub athena: Option<Box<super::athena::AthenaQueryState>>,
}

impl TrafficQuery {
    /// Whether a part still runs.
    pub fn running(&self) -> bool {
        self.parts.iter().any(|p| p.run.running())
            || self.athena.as_deref().is_some_and(super::athena::pending)
    }

    /// The parts' runs.
    pub fn runs(&self) -> Vec<&QueryRun> {
        self.parts.iter().map(|p| &p.run).collect()
    }

    /// Bytes scanned by every part so far.
    pub fn bytes_scanned(&self) -> f64 {
        self.parts.iter().map(|p| p.run.bytes_scanned()).sum()
    }

    /// The part asking `ask`.
    pub fn part(&self, ask: InsightsAsk) -> Option<&QueryRun> {
        self.parts.iter().find(|p| p.ask == ask).map(|p| &p.run)
    }

    /// The rows `ask`'s part found so far: none while it waits to run (nothing read yet is
    /// unknown, not zero).
    fn answer(&self, ask: InsightsAsk) -> Option<&crate::cloud::QueryResults> {
        self.part(ask)?
            .results
            .as_ref()
            .filter(|r| r.status != crate::cloud::QueryStatus::Scheduled)
    }
}

/// `:query RANGE`.
pub(super) fn start(state: &mut State, text: &str) -> Vec<Effect> {
    if state.view != View::Traffic {
        state.say(
            Level::Error,
            ":query runs the Traffic view's filter over a range: open it with :traffic first",
        );
        return Vec::new();
    }
    let mut words = text.split_whitespace();
    let (Some(text), engine, None) = (words.next(), words.next(), words.next()) else {
        state.say(
            Level::Error,
            ":query needs one range, then `local` or `athena` if you choose the engine: query 30d, \
             query 2026-11-01..2026-11-08, query 1h athena",
        );
        return Vec::new();
    };
    let choice = match super::local::Choice::parse(engine) {
        Ok(c) => c,
        Err(e) => {
            state.say(Level::Error, format!(":query: {e}"));
            return Vec::new();
        }
    };
    let range = match parse_range(text, state.now) {
        Ok(r) => r,
        Err(e) => {
            state.say(Level::Error, format!(":query: {e}"));
            return Vec::new();
        }
    };
    let env = state.traffic.env;
    let Some(spec) = state.envs.get(env).map(|e| e.spec.clone()) else {
        return Vec::new();
    };
    let Some(target) = state.traffic.target.clone() else {
        state.say(
            Level::Error,
            format!(
                ":query: where {}'s access logs are is not known yet: wait for the view's first read",
                spec.name
            ),
        );
        return Vec::new();
    };
    let filter = state.traffic.filter.clone();
    let (group, fields) = match engine_for(&target) {
        Engine::Insights { .. } if choice != super::local::Choice::Auto => {
            state.say(
                Level::Error,
                format!(
                    ":query: {}'s access logs go to a CloudWatch Logs group: Logs Insights answers \
                     there (drop `{}`)",
                    spec.name,
                    engine.unwrap_or_default()
                ),
            );
            return Vec::new();
        }
        Engine::Insights { group, fields } => (group, fields),
        Engine::Athena => {
            // Another query replaces the one running.
            let fx = stop(state);
            return super::athena::start(state, env, &filter, range, choice, fx);
        }
    };
    let step = SeriesStep::for_span(range.until.since(range.since));
    let mut asks = vec![
        InsightsAsk::Totals,
        InsightsAsk::Series(step),
        InsightsAsk::Top(GroupBy::Path, TOP),
        InsightsAsk::Top(GroupBy::Edge, TOP),
    ];
    let logs_country = fields.is_empty() || fields.contains(&Field::Country);
    if logs_country {
        asks.push(InsightsAsk::Top(GroupBy::Country, TOP));
    }
    let mut texts = Vec::new();
    for ask in &asks {
        match insights_query(&filter, &fields, *ask) {
            Ok(q) => texts.push(q),
            Err(e) => {
                state.say(Level::Error, format!(":query: {e}"));
                return Vec::new();
            }
        }
    }
    // Another query replaces the one running.
    let mut fx = stop(state);
    let mut parts = Vec::new();
    for (ask, text) in asks.into_iter().zip(texts) {
        let request = state.take_request();
        fx.push(Effect::RunInsights {
            env,
            request,
            query: InsightsQuery {
                groups: vec![group.clone()],
                start: range.since,
                // The service takes whole seconds, the last one included.
                end: Timestamp(range.until.millis() - 1),
                query: text.clone(),
                limit: None,
            },
        });
        parts.push(Part {
            ask,
            run: QueryRun::new(request, text),
        });
    }
    state.say(
        Level::Info,
        format!(
            "Logs Insights: {} over {} on {} ({} queries)",
            if filter.is_all() {
                "every request"
            } else {
                filter.source()
            },
            range.text,
            spec.name,
            parts.len()
        ),
    );
    state.queries.traffic = Some(TrafficQuery {
        env,
        env_name: spec.name,
        filter: filter.source().to_string(),
        range,
        group,
        step,
        started: state.now,
        finished: None,
        parts,
        athena: None,
    });
    fx
}

/// Stops the running parts.
pub(super) fn stop(state: &mut State) -> Vec<Effect> {
    let Some(q) = state.queries.traffic.as_mut() else {
        return Vec::new();
    };
    if q.athena.is_some() {
        return super::athena::stop(q);
    }
    let mut runs: Vec<&mut QueryRun> = q.parts.iter_mut().map(|p| &mut p.run).collect();
    super::stop(&mut runs)
}

/// A part ended: when the last one did, the query's time stops; a failure is said.
pub(super) fn ended(state: &mut State) {
    let now = state.now;
    let Some(q) = state.queries.traffic.as_mut() else {
        return;
    };
    if q.finished.is_some() || q.running() || q.athena.is_some() {
        return;
    }
    q.finished = Some(now);
    let failed = q.parts.iter().find_map(|p| match &p.run.state {
        RunState::Failed(why) => Some(why.clone()),
        _ => None,
    });
    if let Some(why) = failed {
        let env = q.env_name.clone();
        state.say(
            Level::Error,
            format!("Logs Insights query on {env} failed: {why} (the live view is kept)"),
        );
    }
}

/// A top list: its name, its key, and the keys by requests (`None` until answered).
pub type TopList = (&'static str, GroupBy, Option<Vec<(String, u64)>>);

/// The numbers of a query's answers so far, as the view shows them; `None` where a part has no
/// answer (unknown, not zero).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrafficSummary {
    /// Requests.
    pub requests: Option<u64>,
    /// Bytes sent.
    pub bytes: Option<u64>,
    /// Requests by status code (`0`: none, the viewer left first).
    pub codes: BTreeMap<u16, u64>,
    /// Requests per bin, oldest first: the bin's start (as the service writes it), requests,
    /// 4xx and 5xx.
    pub series: Option<Vec<(String, u64, u64, u64)>>,
    /// The top lists asked: their name, key and keys by requests (`None` until answered).
    pub tops: Vec<TopList>,
}

fn number(row: &[(String, String)], name: &str) -> Option<u64> {
    let v = row.iter().find(|(f, _)| f == name)?.1.trim();
    v.parse::<u64>()
        .ok()
        .or_else(|| v.parse::<f64>().ok().map(|f| f as u64))
}

fn text<'a>(row: &'a [(String, String)], name: &str) -> Option<&'a str> {
    row.iter().find(|(f, _)| f == name).map(|(_, v)| v.as_str())
}

impl TrafficSummary {
    /// The summary of `q`'s answers so far.
    pub fn of(q: &TrafficQuery) -> TrafficSummary {
        let mut s = TrafficSummary::default();
        if let Some(r) = q.answer(InsightsAsk::Totals) {
            let (mut requests, mut bytes, mut any_bytes) = (0, 0, false);
            for row in &r.rows {
                let n = number(row, crate::query::REQUESTS).unwrap_or(0);
                requests += n;
                if let Some(b) = number(row, crate::query::BYTES) {
                    bytes += b;
                    any_bytes = true;
                }
                // Athena's totals are grouped by status: its key.
                let code = text(row, crate::query::STATUS)
                    .or_else(|| text(row, crate::query::KEY))
                    .and_then(|c| c.parse::<u16>().ok())
                    .unwrap_or(0);
                *s.codes.entry(code).or_insert(0) += n;
            }
            s.requests = Some(requests);
            s.bytes = any_bytes.then_some(bytes);
        }
        let bin = format!("bin({})", q.step.period());
        if let Some(r) = q.answer(InsightsAsk::Series(q.step)) {
            let mut by_bin: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
            for row in &r.rows {
                // Logs Insights: by bin and status; Athena: by bin (its key), with the classes.
                let Some(key) = text(row, &bin).or_else(|| text(row, crate::query::KEY)) else {
                    continue;
                };
                let n = number(row, crate::query::REQUESTS).unwrap_or(0);
                let e = by_bin.entry(key.to_string()).or_default();
                e.0 += n;
                match (number(row, "status_4xx"), number(row, "status_5xx")) {
                    (Some(c4), Some(c5)) => {
                        e.1 += c4;
                        e.2 += c5;
                    }
                    _ => {
                        let code = text(row, crate::query::STATUS)
                            .and_then(|c| c.parse::<u16>().ok())
                            .unwrap_or(0);
                        if (400..500).contains(&code) {
                            e.1 += n;
                        }
                        if (500..600).contains(&code) {
                            e.2 += n;
                        }
                    }
                }
            }
            s.series = Some(
                by_bin
                    .into_iter()
                    .map(|(k, (a, b, c))| (k, a, b, c))
                    .collect(),
            );
        }
        for (name, g) in [
            ("paths", GroupBy::Path),
            ("edges", GroupBy::Edge),
            ("countries", GroupBy::Country),
        ] {
            if q.part(InsightsAsk::Top(g, TOP)).is_none() {
                continue;
            }
            let list = q.answer(InsightsAsk::Top(g, TOP)).map(|r| {
                r.rows
                    .iter()
                    .filter_map(|row| {
                        let key = text(row, crate::query::KEY)?;
                        let key = if key == "-" { "" } else { key };
                        Some((key.to_string(), number(row, crate::query::REQUESTS)?))
                    })
                    .collect()
            });
            s.tops.push((name, g, list));
        }
        s
    }

    /// Requests answered with a status in `lo..=hi`.
    pub fn class(&self, lo: u16, hi: u16) -> u64 {
        self.codes.range(lo..=hi).map(|(_, n)| n).sum()
    }
}
