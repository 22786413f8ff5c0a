//! The console's queries over more logs than the live views read: the Traffic view's
//! `:query RANGE` (its filter over that range through the engine of the environment's logging
//! setup) and the Logs view's `:insights [RANGE] QUERY`. Each runs as one or more Logs Insights
//! queries through the runtime's shared loop; answers come as they are found; Esc or `:cancel`
//! stops them (`StopQuery`), as does leaving the view or starting another query.

pub mod athena;
pub mod local;
pub mod logs;
pub mod range;
pub mod traffic;

use super::{Action, Effect, Level, RequestId, State, View};
use crate::cloud::{QueryEnd, QueryResults, QueryStatus};
use crate::domain::Timestamp;

pub use logs::LogsInsights;
pub use range::{QueryRange, parse_range};
pub use traffic::{Engine, TrafficQuery, TrafficSummary, engine_for};

/// The queries of both views.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Queries {
    /// The Traffic view's `:query`, while shown.
    pub traffic: Option<TrafficQuery>,
    /// The Logs view's `:insights`, while shown.
    pub logs: Option<LogsInsights>,
    /// Each environment's `[environments.athena]`, by index (the defaults where none).
    pub athena_specs: Vec<crate::config::AthenaSpec>,
    /// Each environment's region, by index (Athena's price per TB), empty where unknown.
    pub regions: Vec<String>,
}

impl Queries {
    /// Environment `env`'s Athena settings.
    pub fn athena(&self, env: usize) -> crate::config::AthenaSpec {
        self.athena_specs.get(env).cloned().unwrap_or_default()
    }

    /// Environment `env`'s region, empty where unknown.
    pub fn region(&self, env: usize) -> String {
        self.regions.get(env).cloned().unwrap_or_default()
    }
}

/// Where one Logs Insights query is.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    /// Not sent yet: the query waits for its plan or the operator's answer.
    Waiting,
    /// Sent; no answer yet.
    Starting,
    /// Answered this status (`Scheduled`, `Running`) and is still going.
    Going(QueryStatus),
    /// Asked to stop; the read after `StopQuery` is awaited.
    Stopping,
    /// Ended with this status (`Complete`, `Cancelled`, `Failed`, `Timeout`).
    Ended(QueryStatus),
    /// Could not run, and why (a refused query says where).
    Failed(String),
}

/// One Logs Insights query: its request, text, state and the latest answer.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryRun {
    /// The runtime's request.
    pub request: RequestId,
    /// The query text.
    pub query: String,
    /// The service's id, once it answered.
    pub query_id: Option<String>,
    /// Where it is.
    pub state: RunState,
    /// The latest answer (rows so far while it runs).
    pub results: Option<QueryResults>,
    /// What a stop said when `StopQuery` failed.
    pub note: Option<String>,
    /// An Athena statement's bytes scanned so far and their cost (USD); Logs Insights says its
    /// bytes in its results.
    pub scanned: Option<(u64, f64)>,
}

impl QueryRun {
    /// A query just sent.
    pub fn new(request: RequestId, query: String) -> QueryRun {
        QueryRun {
            request,
            query,
            query_id: None,
            state: RunState::Starting,
            results: None,
            note: None,
            scanned: None,
        }
    }

    /// A query not sent yet.
    pub fn waiting(query: String) -> QueryRun {
        QueryRun {
            state: RunState::Waiting,
            ..QueryRun::new(0, query)
        }
    }

    /// Whether it still runs (or is stopping).
    pub fn running(&self) -> bool {
        matches!(
            self.state,
            RunState::Starting | RunState::Going(_) | RunState::Stopping
        )
    }

    /// Takes an answer of `GetQueryResults`.
    fn progress(&mut self, query_id: String, results: QueryResults) {
        self.query_id = Some(query_id);
        if self.state != RunState::Stopping {
            self.state = RunState::Going(results.status);
        }
        self.results = Some(results);
    }

    /// Takes how it ended.
    fn ended(&mut self, result: Result<(String, QueryEnd), String>) {
        match result {
            Ok((id, QueryEnd::Ended(r))) => {
                self.query_id = Some(id);
                self.state = RunState::Ended(r.status);
                self.results = Some(r);
            }
            Ok((id, QueryEnd::Stopped { last, note })) => {
                self.query_id = Some(id);
                let status = last.as_ref().map_or(QueryStatus::Cancelled, |r| r.status);
                self.state = RunState::Ended(if status.is_final() {
                    status
                } else {
                    QueryStatus::Cancelled
                });
                if last.is_some() {
                    self.results = last;
                }
                self.note = note;
            }
            Err(why) => self.state = RunState::Failed(why),
        }
    }

    /// Bytes scanned so far.
    pub fn bytes_scanned(&self) -> f64 {
        if let Some((bytes, _)) = self.scanned {
            return bytes as f64;
        }
        self.results
            .as_ref()
            .map_or(0.0, |r| r.statistics.bytes_scanned)
    }
}

/// The state of several parts in words: `Running`, `Complete`, `Cancelled`, `Failed`.
pub fn overall(runs: &[&QueryRun]) -> String {
    if let Some(why) = runs.iter().find_map(|r| match &r.state {
        RunState::Failed(why) => Some(why.clone()),
        _ => None,
    }) {
        return format!("Failed: {why}");
    }
    if runs.iter().any(|r| r.state == RunState::Stopping) {
        return "Stopping".into();
    }
    if runs.iter().any(|r| r.running()) {
        let started = runs
            .iter()
            .any(|r| matches!(r.state, RunState::Going(QueryStatus::Running)));
        return if started { "Running" } else { "Scheduled" }.into();
    }
    let ended: Vec<QueryStatus> = runs
        .iter()
        .filter_map(|r| match r.state {
            RunState::Ended(s) => Some(s),
            _ => None,
        })
        .collect();
    match ended.iter().find(|s| **s != QueryStatus::Complete) {
        Some(s) => s.name().into(),
        None => "Complete".into(),
    }
}

/// `12.4 MB`: bytes in decimal megabytes, as the service's console shows them.
pub fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

/// `1m 05s`: a time taken.
pub fn elapsed(from: Timestamp, to: Timestamp) -> String {
    let s = to.since(from).max(0) / 1000;
    if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// The stops of every running part of `runs`: each marked stopping, its cancel sent (once).
fn stop(runs: &mut [&mut QueryRun]) -> Vec<Effect> {
    runs.iter_mut()
        .filter(|r| r.running() && r.state != RunState::Stopping)
        .map(|r| {
            r.state = RunState::Stopping;
            Effect::Cancel { request: r.request }
        })
        .collect()
}

/// An answer of a query: to the view that asked.
pub(super) fn progress(
    state: &mut State,
    request: RequestId,
    query_id: String,
    results: QueryResults,
) -> Vec<Effect> {
    if let Some(run) = find(state, request) {
        run.progress(query_id, results);
    }
    Vec::new()
}

/// How a query ended: to the view that asked.
pub(super) fn ended(
    state: &mut State,
    request: RequestId,
    result: Result<(String, QueryEnd), String>,
) -> Vec<Effect> {
    if let Some(run) = find(state, request) {
        run.ended(result);
    }
    traffic::ended(state);
    logs::ended(state);
    Vec::new()
}

fn find(state: &mut State, request: RequestId) -> Option<&mut QueryRun> {
    if let Some(q) = state.queries.traffic.as_mut()
        && let Some(run) = q.parts.iter_mut().find(|p| p.run.request == request)
    {
        return Some(&mut run.run);
    }
    state
        .queries
        .logs
        .as_mut()
        .map(|l| &mut l.run)
        .filter(|r| r.request == request)
}

/// `:query …`, `:insights …`, `:cancel`: `None` for other commands.
pub(super) fn command(state: &mut State, text: &str) -> Option<Vec<Effect>> {
    let text = text.trim();
    let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let rest = rest.trim();
    Some(match word {
        "query" => traffic::start(state, rest),
        "insights" => logs::start(state, rest),
        "cancel" => cancel(state, true),
        _ => return None,
    })
}

/// Stops the queries of the view on screen (`say`: tell the operator when nothing runs).
fn cancel(state: &mut State, say: bool) -> Vec<Effect> {
    let fx = match state.view {
        View::Traffic => traffic::stop(state),
        View::Logs => logs::stop(state),
        _ => Vec::new(),
    };
    if fx.is_empty() && say {
        state.say(Level::Info, "no query is running in this view");
    } else if !fx.is_empty() {
        state.say(
            Level::Info,
            "stopping the query (StopQuery): the rows found so far stay",
        );
    }
    fx
}

/// A key in a log view: Esc stops a running query, or closes the answer of an ended one.
pub(super) fn key(state: &mut State, key: &Action) -> Option<Vec<Effect>> {
    if state.overlay.is_none() && athena::asking(state) {
        // An Athena question takes Enter (yes) and Esc (no); other keys wait.
        return Some(match key {
            Action::ToggleDetail | Action::Open | Action::Submit => athena::answer(state, true),
            Action::Back => athena::answer(state, false),
            _ => Vec::new(),
        });
    }
    if !matches!(key, Action::Back) || state.overlay.is_some() {
        return None;
    }
    match state.view {
        View::Traffic => {
            let q = state.queries.traffic.as_ref()?;
            if q.running() {
                Some(cancel(state, false))
            } else {
                state.queries.traffic = None;
                Some(Vec::new())
            }
        }
        View::Logs => {
            let q = state.queries.logs.as_ref()?;
            if q.run.running() {
                Some(cancel(state, false))
            } else {
                state.queries.logs = None;
                Some(Vec::new())
            }
        }
        _ => None,
    }
}

/// The view changes from `from`: its running queries stop.
pub(super) fn leaving(state: &mut State, from: View) -> Vec<Effect> {
    match from {
        View::Traffic => traffic::stop(state),
        View::Logs => logs::stop(state),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod athena_tests;
#[cfg(test)]
mod local_tests;
#[cfg(test)]
mod tests;
