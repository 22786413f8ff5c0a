//! Adaptive polling: which refreshes are due on a tick, and how their results land in the state.

use super::credentials;
use super::{Effect, EnvSnapshot, GroupPoll, Level, RequestId, Scope, Stale, State, View};
use crate::cloud::CloudError;
use crate::domain::{ExecutionSummary, Millis, PipelineState, Release, Timestamp};

/// How far back the logs view reads when it opens (each group's reads then start an overlap
/// before the newest event read from it: see [`super::LOG_OVERLAP`]).
pub const LOG_LOOKBACK: Millis = 15 * Timestamp::MINUTE;
/// How often the logs view reads on while visible.
pub const LOG_POLL: Millis = 5 * Timestamp::SECOND;
/// How often the release catalogue is re-read (only while the environments view shows it).
pub const RELEASES_POLL: Millis = 60 * Timestamp::SECOND;
/// How often a distribution is re-read (it changes rarely; also read when an execution ends).
pub const DISTRIBUTION_POLL: Millis = 2 * Timestamp::MINUTE;

/// Starts every refresh that is due at `state.now` and not already in flight; while the
/// credentials of an environment's identity are refused, none of that identity's (or the one
/// refresh that tries them again).
pub(super) fn due(state: &mut State) -> Vec<Effect> {
    let now = state.now;
    let mut fx = Vec::new();
    for env in 0..state.envs.len() {
        let allowed = credentials::may_refresh(state, env);
        let e = &state.envs[env];
        if !allowed || !e.refresh.due(now) {
            continue;
        }
        let (pipeline, distribution_id) = (e.spec.pipeline.clone(), e.spec.distribution_id.clone());
        let with_distribution = now >= e.distribution_due;
        let source = (now >= e.source_due)
            .then(|| (e.spec.source_bucket.clone(), e.spec.source_key.clone()));
        let cached_def = e.def.clone();
        let deployed_cache = match (&e.deployed_key, &e.deployed) {
            (Some(key), Some(Ok(deployed))) => Some(Box::new((key.clone(), deployed.clone()))),
            _ => None,
        };
        let request = state.take_request();
        let e = &mut state.envs[env];
        e.refresh.start(request);
        if with_distribution {
            e.distribution_due = now + DISTRIBUTION_POLL;
        }
        if source.is_some() {
            e.source_due = now + DISTRIBUTION_POLL;
        }
        fx.push(Effect::FetchEnv {
            env,
            request,
            pipeline,
            distribution_id,
            with_distribution,
            cached_def,
            source,
            deployed_cache,
        });
    }
    // The catalogue feeds the environments view's "N behind": read once at start, then only
    // while that view is shown (switching to it reads it at once when due); it is the first
    // environment's source bucket, read as the first environment's identity.
    let first_read = state.releases_load.never_read();
    if credentials::free(state, 0)
        && state.releases_load.due(now)
        && (first_read || state.view == View::Environments)
        && let Some(first) = state.envs.first()
    {
        let (bucket, prefix) = (
            first.spec.source_bucket.clone(),
            first.spec.release_prefix.clone(),
        );
        let request = state.take_request();
        state.releases_load.start(request);
        fx.push(Effect::FetchReleases {
            request,
            bucket,
            prefix,
        });
    }
    // The log tail and the traffic view are the selected environment's: they wait for its
    // identity's credentials too.
    if !credentials::free(state, state.selected) {
        // A job's log is read from GitHub: AWS's credentials do not hold it.
        if state.view == View::Logs && state.logs.job.is_some() {
            fx.extend(logs_due(state));
        }
        hold_tails(state);
        fx.extend(cancels(state));
        return fx;
    }
    if state.view == View::Logs {
        fx.extend(logs_due(state));
    }
    fx.extend(crate::app::traffic::update::due(state));
    fx.extend(crate::app::traffic::markers::due(state));
    fx.extend(cancels(state));
    fx
}

/// Stops for the reads of replaced log tails.
pub(super) fn cancels(state: &mut State) -> impl Iterator<Item = Effect> + use<> {
    std::mem::take(&mut state.abandoned)
        .into_iter()
        .map(|request| Effect::Cancel { request })
}

/// The log tail of the selected environment: another environment's is dropped (its read stopped).
fn logs_for_selected(state: &mut State) {
    let env = state.selected;
    if state.logs.env != env {
        state.abandoned.extend(state.logs.load.inflight);
        state.logs = super::LogTail {
            env,
            ..Default::default()
        };
    }
}

/// While the credentials are refused, the log view shown is the selected environment's and says
/// why nothing is read (unknown, not empty).
fn hold_tails(state: &mut State) {
    let Some(pause) = state.pause_of(state.selected) else {
        return;
    };
    let why = format!(
        "not read while the credentials are refused: {}",
        pause.error
    );
    match state.view {
        View::Logs if state.logs.job.is_none() => {
            logs_for_selected(state);
            if state.logs.load.inflight.is_none() {
                state.logs.load.error.get_or_insert(why);
            }
        }
        View::Traffic => {
            if state.traffic.env != state.selected {
                let preset = state.traffic.preset;
                state.restart_traffic(preset);
            }
            if state.traffic.load.inflight.is_none() {
                state.traffic.load.error.get_or_insert(why);
            }
        }
        _ => {}
    }
}

fn logs_due(state: &mut State) -> Option<Effect> {
    logs_for_selected(state);
    if state.logs.job.is_some() {
        return crate::app::logs::job::due(state);
    }
    let env = state.selected;
    let spec = &state.envs.get(env)?.spec;
    let (groups, streams) = match &state.logs.stream {
        Some((group, stream)) => (vec![group.clone()], vec![stream.clone()]),
        None => (spec.log_groups.clone(), Vec::new()),
    };
    if !state.logs.load.due(state.now) || groups.is_empty() {
        return None;
    }
    let first = state.logs.first(state.now);
    let reads: Vec<super::LogRead> = groups
        .iter()
        .map(|g| match state.logs.polls.get(g) {
            Some(poll) => poll.next_read(g, first),
            None => GroupPoll::default().next_read(g, first),
        })
        .collect();
    let request = state.take_request();
    state.logs.load.start(request);
    state.logs.reading.clone_from(&reads);
    Some(Effect::FetchLogs {
        env,
        request,
        reads,
        streams,
    })
}

/// Whether an environment needs fast polling: an execution is moving and not just waiting for a person.
fn active(executions: &[ExecutionSummary], state: Option<&PipelineState>) -> bool {
    let running = executions.iter().any(|e| e.status.is_active());
    let waiting = state.iter().flat_map(|s| &s.stages).any(|s| {
        s.actions.iter().any(|a| {
            a.latest.as_ref().is_some_and(|l| {
                l.token.is_some() && l.status == crate::domain::ActionStatus::InProgress
            })
        })
    });
    running && !waiting
}

/// Records a failure: keep the last good data, mark it stale, back off.
fn failed(stale: Option<Stale>, err: &CloudError, now: Timestamp) -> Stale {
    let failures = stale.as_ref().map_or(0, |s| s.failures) + 1;
    Stale {
        since: stale.map_or(now, |s| s.since),
        error: err.to_string(),
        failures,
        throttled: err.is_throttle(),
    }
}

fn backoff(state: &State, failures: u32) -> Millis {
    let base = state.poll.active.max(1_000);
    base.saturating_mul(1 << failures.min(16))
        .min(state.poll.max_backoff)
}

/// An environment refresh came back.
pub(super) fn env_loaded(
    state: &mut State,
    env: usize,
    request: RequestId,
    result: Result<Box<EnvSnapshot>, CloudError>,
) {
    let now = state.now;
    let Some(e) = state.envs.get_mut(env) else {
        return;
    };
    if !e.refresh.accept(request) {
        return;
    }
    let name = e.spec.name.clone();
    match result {
        Ok(snapshot) => {
            let snapshot = *snapshot;
            let was_active = active(&e.executions, e.state.as_ref());
            let newest = e.executions.first().map(|x| x.id.clone());
            // The history's selection follows its execution, not its row: a newer execution
            // pushes the rows down.
            let chosen = (state.selected == env)
                .then(|| e.executions.get(state.history_row).map(|x| x.id.clone()))
                .flatten();
            credentials::accepted(state, env);
            let e = &mut state.envs[env];
            e.def = Some(snapshot.def);
            e.executions = snapshot.executions;
            if let Some(i) = chosen.and_then(|id| e.executions.iter().position(|x| x.id == id)) {
                state.history_row = i;
            }
            let state_error = match snapshot.state {
                Ok(s) => {
                    e.state = Some(s);
                    None
                }
                Err(err) => Some(err),
            };
            let mut dist_warning = None;
            let mut refused = None;
            match snapshot.distribution {
                Some(Ok(d)) => {
                    e.distribution = Some(d);
                    e.distribution_error = None;
                }
                Some(Err(err)) => {
                    let text = format!("distribution {}: {err}", e.spec.distribution_id);
                    if err.is_credentials() {
                        refused = Some(err);
                    } else if e.distribution_error.as_ref() != Some(&text) {
                        dist_warning = Some(text.clone());
                    }
                    e.distribution_error = Some(text);
                }
                None => {}
            }
            e.deployed = Some(snapshot.deployed.map_err(|err| err.to_string()));
            e.deployed_key = snapshot.deployed_key;
            match snapshot.source {
                Some(Ok(source)) => e.source = Some(Ok(source)),
                Some(Err(err)) => {
                    let text = format!(
                        "source object s3://{}/{}: {err}",
                        e.spec.source_bucket, e.spec.source_key
                    );
                    e.source = Some(Err(text));
                }
                None => {}
            }
            let is_active = active(&e.executions, e.state.as_ref());
            if was_active && !is_active {
                // A deploy just ended: its invalidation shows on the distribution.
                e.distribution_due = now;
            }
            if e.executions.first().map(|x| &x.id) != newest.as_ref() {
                // A new execution: a new source object may have started it.
                e.source_due = now;
            }
            e.refreshed_at = Some(now);
            let rows = e.executions.len();
            if state.selected == env && state.history_row >= rows {
                state.history_row = rows.saturating_sub(1);
            }
            if let Some(err) = state_error {
                // Definition and history are fresh; the stage view is the last good one.
                let stale = failed(state.envs[env].refresh.error.take(), &err, now);
                let wait = backoff(state, stale.failures);
                state.envs[env].refresh.failed(stale, now + wait);
                if err.is_credentials() {
                    credentials::refused(state, env, &name, &err);
                } else {
                    state.say_about(
                        Scope::Env(env),
                        if err.is_throttle() {
                            Level::Warn
                        } else {
                            Level::Error
                        },
                        format!("{name}: pipeline state: {err}"),
                    );
                }
            } else {
                let next = if is_active {
                    state.poll.active
                } else {
                    state.poll.idle
                };
                state.envs[env].refresh.succeeded(now + next);
            }
            if let Some(text) = dist_warning {
                state.say_about(Scope::Env(env), Level::Warn, format!("{name}: {text}"));
            }
            if let Some(err) = refused {
                credentials::refused(state, env, &name, &err);
            }
        }
        Err(err) => {
            let stale = failed(state.envs[env].refresh.error.take(), &err, now);
            let wait = backoff(state, stale.failures);
            state.envs[env].refresh.failed(stale, now + wait);
            if err.is_credentials() {
                // One banner for every environment of the identity, not a message for each.
                credentials::refused(state, env, &name, &err);
            } else if err.is_throttle() {
                credentials::read_back(state, env, &name, Err(&err));
                state.say_about(
                    Scope::Env(env),
                    Level::Warn,
                    format!("{name}: throttled, next refresh in {}s", wait / 1000),
                );
            } else {
                credentials::read_back(state, env, &name, Err(&err));
                let text = format!("{name}: refresh failed: {err}");
                state.say_about(Scope::Env(env), Level::Error, text);
            }
        }
    }
}

/// The release catalogue came back.
pub(super) fn releases_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<Vec<Release>, CloudError>,
) {
    if !state.releases_load.accept(request) {
        return;
    }
    match result {
        Ok(mut releases) => {
            credentials::accepted(state, 0);
            releases.sort_by(|a, b| b.version.cmp(&a.version));
            releases.dedup_by(|a, b| a.version == b.version);
            state.releases = releases;
            state.releases_load.succeeded(state.now + RELEASES_POLL);
        }
        Err(err) => {
            let next = state.now + backoff(state, 3);
            state.releases_load.failed(err.to_string(), next);
            if err.is_credentials() {
                credentials::refused(state, 0, "release catalogue", &err);
            } else {
                credentials::read_back(state, 0, "release catalogue", Err(&err));
                state.say(Level::Warn, format!("release catalogue: {err}"));
            }
        }
    }
}
