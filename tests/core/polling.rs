//! Table tests of the polling policy that keeps the AWS bill small and the screen useful: the
//! definition is cached, the distribution read every few minutes, the release catalogue only while
//! shown, and a failed state read keeps the rest of a refresh.

use crate::support;

use shipdeck::app::{Action, Effect, Level, Reply, State, View, update};
use shipdeck::cloud::CloudError;
use shipdeck::domain::{Distribution, ExecutionStatus, Timestamp};
use support::*;

/// The `FetchEnv` of environment `env` among `fx`: (request, with_distribution, cached version).
fn fetch(fx: &[Effect], env: usize) -> Option<(u64, bool, Option<u32>)> {
    fx.iter().find_map(|e| match e {
        Effect::FetchEnv {
            env: i,
            request,
            with_distribution,
            cached_def,
            ..
        } if *i == env => Some((
            *request,
            *with_distribution,
            cached_def.as_ref().map(|d| d.version),
        )),
        _ => None,
    })
}

fn releases_requested(fx: &[Effect]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::FetchReleases { .. }))
}

fn distribution(id: &str) -> Distribution {
    Distribution {
        id: id.into(),
        domain_name: "d111111abcdef8.cloudfront.net".into(),
        status: "Deployed".into(),
        enabled: true,
        aliases: vec![],
        logging_bucket: None,
        logging_prefix: None,
        last_modified: T0,
        in_progress_invalidations: 0,
        viewer_function: None,
    }
}

fn land(
    s: &mut State,
    env: usize,
    request: u64,
    name: &str,
    dist: Option<Result<Distribution, CloudError>>,
) {
    let execs = vec![execution(
        "e-1",
        ExecutionStatus::Succeeded,
        "1.2.0",
        T0 - Timestamp::HOUR,
    )];
    let mut snap = snapshot(name, execs, None);
    snap.distribution = dist;
    update(
        s,
        Action::Reply(Reply::EnvLoaded {
            env,
            request,
            result: Ok(Box::new(snap)),
        }),
    );
}

#[test]
fn the_definition_is_cached_and_the_distribution_read_every_two_minutes() {
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    let (req, with_dist, cached) = fetch(&fx, 0).unwrap();
    assert!(with_dist, "first refresh reads the distribution");
    assert_eq!(cached, None, "nothing cached yet: the definition is read");
    land(
        &mut s,
        0,
        req,
        "dev",
        Some(Ok(distribution("E2DEVSTOREFRNT"))),
    );
    assert_eq!(
        s.envs[0].distribution.as_ref().map(|d| d.status.as_str()),
        Some("Deployed")
    );

    let idle = s.poll.idle;
    let fx = update(&mut s, Action::Tick(T0 + idle));
    let (req, with_dist, cached) = fetch(&fx, 0).unwrap();
    assert_eq!(
        cached,
        Some(1),
        "the known definition travels with the request"
    );
    assert!(!with_dist, "30 s later the distribution is not read again");
    land(&mut s, 0, req, "dev", None);
    assert!(s.envs[0].distribution.is_some(), "kept when not read");

    let fx = update(&mut s, Action::Tick(T0 + 4 * idle));
    let (_, with_dist, _) = fetch(&fx, 0).unwrap();
    assert!(with_dist, "two minutes on, it is read again");
}

#[test]
fn a_distribution_failure_is_reported_once_and_hides_nothing() {
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    let (req, _, _) = fetch(&fx, 1).unwrap();
    let missing = CloudError::NotFound {
        kind: "distribution".into(),
        name: "E2STGSTOREFRNT".into(),
    };
    land(&mut s, 1, req, "stg", Some(Err(missing)));
    let env = &s.envs[1];
    assert!(
        env.state.is_some() && env.refresh.error.is_none(),
        "the pipeline still shows"
    );
    assert_eq!(
        env.distribution_error.as_deref(),
        Some("distribution E2STGSTOREFRNT: distribution not found: E2STGSTOREFRNT")
    );
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, Level::Warn);
    assert!(
        status.text.starts_with("stg: distribution E2STGSTOREFRNT"),
        "{}",
        status.text
    );
}

#[test]
fn a_failed_state_read_keeps_definition_history_and_the_last_state() {
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    let (req, _, _) = fetch(&fx, 0).unwrap();
    land(&mut s, 0, req, "dev", None);
    let before = s.envs[0].state.clone();

    let now = T0 + s.poll.idle;
    let fx = update(&mut s, Action::Tick(now));
    let (req, _, _) = fetch(&fx, 0).unwrap();
    let newer = vec![
        execution(
            "e-2",
            ExecutionStatus::Succeeded,
            "1.3.0",
            now - Timestamp::MINUTE,
        ),
        execution(
            "e-1",
            ExecutionStatus::Succeeded,
            "1.2.0",
            T0 - Timestamp::HOUR,
        ),
    ];
    let mut snap = snapshot("dev", newer, None);
    snap.state = Err(CloudError::Server {
        service: "codepipeline".into(),
        operation: "GetPipelineState".into(),
        message: "HTTP 500".into(),
    });
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 0,
            request: req,
            result: Ok(Box::new(snap)),
        }),
    );
    let env = &s.envs[0];
    assert_eq!(env.executions.len(), 2, "history is fresh");
    assert_eq!(env.state, before, "the stage view is the last good one");
    assert_eq!(env.refreshed_at, Some(now));
    let stale = env.refresh.error.clone().unwrap();
    assert_eq!((stale.since, stale.failures), (now, 1));
    assert!(stale.error.contains("GetPipelineState"), "{}", stale.error);
    assert!(
        env.refresh.next_poll > now + s.poll.active,
        "backs off: {:?}",
        env.refresh.next_poll
    );
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert!(
        status
            .text
            .starts_with("dev: pipeline state: codepipeline server error"),
        "{}",
        status.text
    );
}

#[test]
fn the_release_catalogue_is_read_while_the_environments_view_shows_it() {
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    assert!(
        releases_requested(&fx),
        "read once at start, whatever the view"
    );
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
    update(&mut s, Action::Show(View::Pipeline));
    let later = T0 + 5 * Timestamp::MINUTE;
    assert!(
        !releases_requested(&update(&mut s, Action::Tick(later))),
        "paused while hidden"
    );
    assert!(
        releases_requested(&update(&mut s, Action::Show(View::Environments))),
        "read on return"
    );
}
