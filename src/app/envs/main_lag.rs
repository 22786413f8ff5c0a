//! How many commits each environment's commit lags `main` on GitHub: read through an effect
//! (GitHub's compare) when an environment's commit is new to it and every few minutes; a failed
//! read kept as unknown with its reason; nothing without `[github]`.

use crate::app::{Effect, RequestId, State};
use crate::domain::{Millis, Timestamp};
use std::collections::BTreeMap;

/// How often the lags are read again (main moves with every push).
pub const MAIN_LAG_EVERY: Millis = 5 * 60_000;

/// The lags read so far, by commit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MainLag {
    /// Per commit: how many commits `main` has that it has not (`None`: the repository does not
    /// have the commit — a local build, or history rewritten), or why that is not known.
    pub by_commit: BTreeMap<String, Result<Option<u32>, String>>,
    /// The read in flight.
    pub request: Option<RequestId>,
    /// When all lags are read again.
    pub due: Option<Timestamp>,
}

/// An environment's lag behind `main`, for the view and the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lag {
    /// Not shown: no `[github]`, or nothing known to run there.
    None,
    /// Not read yet.
    Reading,
    /// How many commits behind.
    Behind(u32),
    /// The repository does not have the commit (a local build, or history rewritten): there is
    /// no lag to count, and that is known, not unknown.
    NotInRepository,
    /// Why it is not known.
    Unknown(String),
}

impl State {
    /// The commit an environment runs (as the deployed release names it).
    pub fn env_commit(&self, env: usize) -> Option<String> {
        self.summary(env)?
            .deployed
            .deployed_release()
            .map(|r| r.commit.clone())
            .filter(|c| !c.is_empty())
    }

    /// How far environment `env` lags `main`.
    pub fn main_lag(&self, env: usize) -> Lag {
        if self.runs.workflows.is_empty() {
            return Lag::None;
        }
        let Some(commit) = self.env_commit(env) else {
            return Lag::None;
        };
        match self.main_lag.by_commit.get(&commit) {
            None => Lag::Reading,
            Some(Ok(Some(n))) => Lag::Behind(*n),
            Some(Ok(None)) => Lag::NotInRepository,
            Some(Err(why)) => Lag::Unknown(why.clone()),
        }
    }
}

/// Reads the lags when an environment's commit has none yet, or when they are due again.
/// Nothing is asked while GitHub's rate limit holds (the Runs view's hold, shared by every
/// GitHub read); the lags are read again once it resets.
pub(in crate::app) fn due(state: &mut State) -> Vec<Effect> {
    if state.runs.workflows.is_empty()
        || state.main_lag.request.is_some()
        || state.runs.limited(state.now)
    {
        return Vec::new();
    }
    let mut commits: Vec<String> = (0..state.envs.len())
        .filter_map(|i| state.env_commit(i))
        .collect();
    commits.sort();
    commits.dedup();
    let stale = state.main_lag.due.is_some_and(|d| state.now >= d);
    let new = commits
        .iter()
        .any(|c| !state.main_lag.by_commit.contains_key(c));
    if commits.is_empty() || !(stale || new) {
        return Vec::new();
    }
    let request = state.take_request();
    state.main_lag.request = Some(request);
    state.main_lag.due = Some(state.now + MAIN_LAG_EVERY);
    vec![Effect::CompareMain { request, commits }]
}

/// The lags were read; a rate limit GitHub answered with holds every GitHub read until it
/// resets, when the lags are due again.
pub(in crate::app) fn loaded(
    state: &mut State,
    request: RequestId,
    lags: Vec<(String, Result<Option<u32>, String>)>,
    limited_until: Option<Timestamp>,
) -> Vec<Effect> {
    if state.main_lag.request != Some(request) {
        return Vec::new();
    }
    state.main_lag.request = None;
    state.main_lag.by_commit.extend(lags);
    if let Some(until) = limited_until {
        state.runs.limited_until = state.runs.limited_until.max(Some(until));
        state.main_lag.due = Some(until);
    }
    due(state)
}
