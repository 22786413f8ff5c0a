//! Table tests of `update`: every action, its state change and the effects it returns.

use crate::support;

use shipdeck::app::{Action, Effect, Level, Overlay, Reply, View, update};
use shipdeck::cloud::{CloudError, WhoAmI};
use shipdeck::domain::{ExecutionStatus, LogEvent, Release, Timestamp, Version};
use support::*;

fn fetches(effects: &[Effect]) -> Vec<usize> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchEnv { env, .. } => Some(*env),
            _ => None,
        })
        .collect()
}

fn request_of(effects: &[Effect], env: usize) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::FetchEnv {
                env: i, request, ..
            } if *i == env => Some(*request),
            _ => None,
        })
        .unwrap()
}

/// A state where all three environments are loaded; prd waits at its approval.
fn loaded() -> shipdeck::app::State {
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    let execs = |v: &str| {
        vec![execution(
            "e-1",
            ExecutionStatus::Succeeded,
            v,
            T0 - Timestamp::HOUR,
        )]
    };
    for (i, env, v) in [
        (0, "dev", "1.3.0"),
        (1, "stg", "1.3.0"),
        (2, "prd", "1.1.0"),
    ] {
        let mut e = execs(v);
        let waiting = (env == "prd").then(|| {
            e.insert(
                0,
                execution(
                    "e-2",
                    ExecutionStatus::InProgress,
                    "1.3.0",
                    T0 - 2 * Timestamp::HOUR,
                ),
            );
            ("e-2", T0 - 2 * Timestamp::HOUR)
        });
        let result = Ok(Box::new(snapshot(env, e, waiting)));
        update(
            &mut s,
            Action::Reply(Reply::EnvLoaded {
                env: i,
                request: request_of(&fx, i),
                result,
            }),
        );
    }
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchReleases { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Action::Reply(Reply::ReleasesLoaded {
            request: req,
            result: Ok(Vec::new()),
        }),
    );
    s
}

#[test]
fn tick_starts_a_refresh_per_environment_and_the_release_catalogue_once() {
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    assert_eq!(fetches(&fx), vec![0, 1, 2]);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchReleases { prefix, .. } if prefix == "releases/"))
    );
    // In flight: a second tick starts nothing.
    assert!(update(&mut s, Action::Tick(T0 + 1_000)).is_empty());
    // Time never goes backwards.
    update(&mut s, Action::Tick(T0 - 10_000));
    assert_eq!(s.now, T0 + 1_000);
}

#[test]
fn env_loaded_stores_data_and_schedules_by_activity() {
    let s = loaded();
    assert_eq!(s.envs[0].refreshed_at, Some(T0));
    assert_eq!(
        s.envs[0].refresh.next_poll,
        T0 + s.poll.idle,
        "idle env polls slowly"
    );
    assert_eq!(
        s.envs[2].refresh.next_poll,
        T0 + s.poll.idle,
        "waiting on a person is not activity"
    );
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    let running = vec![execution("e-9", ExecutionStatus::InProgress, "1.4.0", T0)];
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 0,
            request: request_of(&fx, 0),
            result: Ok(Box::new(snapshot("dev", running, None))),
        }),
    );
    assert_eq!(
        s.envs[0].refresh.next_poll,
        T0 + s.poll.active,
        "running env polls fast"
    );
}

#[test]
fn stale_results_are_dropped() {
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    let old = request_of(&fx, 0);
    let snap = snapshot(
        "dev",
        vec![execution("e-1", ExecutionStatus::Succeeded, "1.0.0", T0)],
        None,
    );
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 0,
            request: old + 1000,
            result: Ok(Box::new(snap.clone())),
        }),
    );
    assert!(
        s.envs[0].state.is_none(),
        "an unknown request id must not land"
    );
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 0,
            request: old,
            result: Ok(Box::new(snap.clone())),
        }),
    );
    assert!(s.envs[0].state.is_some());
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 7,
            request: old,
            result: Ok(Box::new(snap)),
        }),
    );
}

mod credentials;
#[path = "update/execution.rs"]
mod execution_detail;
mod loads;
mod views;
