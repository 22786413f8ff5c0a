//! The Logs view's `:insights [RANGE] QUERY`: a Logs Insights query over the view's log groups
//! (the build log's group when one is open) for the range (default: the view's look-back), its
//! rows shown as a table as they come.

use super::{QueryRange, QueryRun, RunState, parse_range};
use crate::app::{Effect, Level, State, View};
use crate::cloud::InsightsQuery;
use crate::cloud::insights::MAX_QUERY_GROUPS;
use crate::domain::Timestamp;

/// The Logs view's query.
#[derive(Debug, Clone, PartialEq)]
pub struct LogsInsights {
    /// The environment's name.
    pub env_name: String,
    /// The log groups.
    pub groups: Vec<String>,
    /// The range.
    pub range: QueryRange,
    /// When it started.
    pub started: Timestamp,
    /// When it ended.
    pub finished: Option<Timestamp>,
    /// The query.
    pub run: QueryRun,
    /// The first row shown (scrolled with the view's moving keys).
    pub scroll: usize,
}

/// `:insights [RANGE] QUERY`.
pub(super) fn start(state: &mut State, text: &str) -> Vec<Effect> {
    if state.view != View::Logs {
        state.say(
            Level::Error,
            ":insights queries the Logs view's log groups: open it with :logs first",
        );
        return Vec::new();
    }
    let (first, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let (range, query) = match parse_range(first, state.now) {
        Ok(r) if !rest.trim().is_empty() => (r, rest.trim()),
        _ => {
            let since = state.logs.first(state.now);
            let back = state.now.since(since);
            let range = QueryRange {
                since,
                until: state.now,
                text: format!("{}m", back / Timestamp::MINUTE),
            };
            (range, text.trim())
        }
    };
    if query.is_empty() {
        state.say(
            Level::Error,
            ":insights needs a query: insights [24h] filter @message like /ERROR/ | stats count(*) by bin(5m)",
        );
        return Vec::new();
    }
    let env = state.logs.env;
    let Some(spec) = state.envs.get(env).map(|e| e.spec.clone()) else {
        return Vec::new();
    };
    let groups: Vec<String> = match &state.logs.stream {
        Some((group, _)) => vec![group.clone()],
        None => spec
            .log_groups
            .iter()
            .take(MAX_QUERY_GROUPS)
            .cloned()
            .collect(),
    };
    if groups.is_empty() {
        state.say(
            Level::Error,
            format!(
                ":insights: {} has no log groups (`log_groups` in its configuration)",
                spec.name
            ),
        );
        return Vec::new();
    }
    let mut fx = stop(state);
    let request = state.take_request();
    fx.push(Effect::RunInsights {
        env,
        request,
        query: InsightsQuery {
            groups: groups.clone(),
            start: range.since,
            end: range.until,
            query: query.to_string(),
            limit: None,
        },
    });
    state.queries.logs = Some(LogsInsights {
        env_name: spec.name,
        groups,
        range,
        started: state.now,
        finished: None,
        run: QueryRun::new(request, query.to_string()),
        scroll: 0,
    });
    fx
}

/// Stops the query if it runs.
pub(super) fn stop(state: &mut State) -> Vec<Effect> {
    match state.queries.logs.as_mut() {
        Some(q) => super::stop(&mut [&mut q.run]),
        None => Vec::new(),
    }
}

/// The query ended: its time stops; a refusal or failure is said.
pub(super) fn ended(state: &mut State) {
    let now = state.now;
    let Some(q) = state.queries.logs.as_mut() else {
        return;
    };
    if q.finished.is_some() || q.run.running() {
        return;
    }
    q.finished = Some(now);
    if let RunState::Failed(why) = &q.run.state {
        let why = why.clone();
        state.say(Level::Error, format!("Logs Insights: {why}"));
    }
}
