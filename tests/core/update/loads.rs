//! Failed refreshes keep the data and back off; releases, identity and logs land.

use super::*;

#[test]
fn failed_refresh_keeps_data_marks_stale_and_backs_off() {
    let mut s = loaded();
    let idle = s.poll.idle;
    let fx = update(&mut s, Action::Tick(T0 + idle));
    let req = request_of(&fx, 0);
    s.now = T0 + s.poll.idle;
    let err = CloudError::Timeout {
        operation: "GetPipelineState".into(),
    };
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 0,
            request: req,
            result: Err(err),
        }),
    );
    let stale = s.envs[0].refresh.error.clone().unwrap();
    assert_eq!(stale.since, T0 + s.poll.idle);
    assert_eq!(stale.failures, 1);
    assert!(s.envs[0].state.is_some(), "last good data is kept");
    assert_eq!(s.status.as_ref().unwrap().level, Level::Error);
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("dev: refresh failed: GetPipelineState timed out")
    );
    let first_wait = s.envs[0].refresh.next_poll.since(s.now);
    // A throttled retry waits longer and is a warning, not an error; `since` stays.
    let later = s.envs[0].refresh.next_poll;
    let fx = update(&mut s, Action::Tick(later));
    let err = CloudError::Throttled {
        service: "codepipeline".into(),
        operation: "GetPipelineState".into(),
        until: None,
    };
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 0,
            request: request_of(&fx, 0),
            result: Err(err),
        }),
    );
    let stale = s.envs[0].refresh.error.clone().unwrap();
    assert!(stale.throttled && stale.failures == 2 && stale.since == T0 + s.poll.idle);
    assert!(s.envs[0].refresh.next_poll.since(s.now) > first_wait);
    assert_eq!(s.status.as_ref().unwrap().level, Level::Warn);
}

#[test]
fn releases_and_identity_and_logs_land() {
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchReleases { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let r = |v: &str| Release {
        version: Version::parse(v).unwrap(),
        commit: String::new(),
        actor: String::new(),
    };
    update(
        &mut s,
        Action::Reply(Reply::ReleasesLoaded {
            request: req,
            result: Ok(vec![r("1.2.0"), r("1.10.0"), r("1.3.0")]),
        }),
    );
    let versions: Vec<String> = s.releases.iter().map(|r| r.version.to_string()).collect();
    assert_eq!(versions, ["1.10.0", "1.3.0", "1.2.0"], "newest first");
    update(
        &mut s,
        Action::Reply(Reply::IdentityLoaded {
            env: 0,
            result: Ok(WhoAmI {
                account: "1".into(),
                arn: "arn:aws:sts::1:assumed-role/Ops/zoe".into(),
            }),
        }),
    );
    assert_eq!(
        s.session.identity.as_deref(),
        Some("arn:aws:sts::1:assumed-role/Ops/zoe")
    );
    update(
        &mut s,
        Action::Reply(Reply::IdentityLoaded {
            env: 0,
            result: Err(CloudError::Network(
                "cannot reach https://sts.eu-west-1.amazonaws.com (GetCallerIdentity)".into(),
            )),
        }),
    );
    // (Refused credentials go to the banner instead: see `credentials`.)
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .starts_with("identity: network error: cannot reach https://sts")
    );
    // Logs: only while the logs view is shown.
    let fx = update(&mut s, Action::Show(View::Logs));
    let (env, req) = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchLogs { env, request, .. } => Some((*env, *request)),
            _ => None,
        })
        .unwrap();
    let group = "/aws/lambda/storefront-api-dev".to_string();
    let page = |events| shipdeck::cloud::LogPage {
        events,
        next_token: None,
    };
    let ev = |id: &str, t: i64| LogEvent {
        group: group.clone(),
        event_id: id.into(),
        stream: "s".into(),
        timestamp: T0 + t,
        ingestion_time: T0 + t,
        message: format!("m{id}"),
    };
    update(
        &mut s,
        Action::Reply(Reply::LogsLoaded {
            env,
            request: req,
            results: vec![(group.clone(), Ok(page(vec![ev("b", 2), ev("a", 1)])))],
        }),
    );
    assert_eq!(
        s.logs
            .events
            .iter()
            .map(|e| e.event_id.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    let fx = update(&mut s, Action::Tick(T0 + 10_000));
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchLogs { request, reads, .. } => {
                let from: Vec<(&str, Timestamp)> =
                    reads.iter().map(|r| (r.group.as_str(), r.since)).collect();
                // The newest event read, less the overlap that catches events ingested late.
                assert_eq!(
                    from,
                    vec![(group.as_str(), T0 + 2 - shipdeck::app::LOG_OVERLAP)]
                );
                Some(*request)
            }
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Action::Reply(Reply::LogsLoaded {
            env,
            request: req,
            results: vec![(group.clone(), Ok(page(vec![ev("b", 2), ev("c", 3)])))],
        }),
    );
    assert_eq!(s.logs.events.len(), 3, "duplicates by event id are dropped");
}

#[test]
fn refresh_makes_everything_due_now() {
    let mut s = loaded();
    let fx = update(&mut s, Action::Refresh);
    assert_eq!(fetches(&fx), vec![0, 1, 2]);
}

#[test]
fn an_environments_refresh_error_goes_when_another_environment_is_selected() {
    let mut s = loaded();
    let idle = s.poll.idle;
    let fx = update(&mut s, Action::Tick(T0 + idle));
    let req = request_of(&fx, 0);
    let err = CloudError::Timeout {
        operation: "GetPipelineState".into(),
    };
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 0,
            request: req,
            result: Err(err),
        }),
    );
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .starts_with("dev: refresh failed")
    );
    update(&mut s, Action::NextEnv);
    assert_eq!(s.selected_env().unwrap().spec.name, "stg");
    assert!(
        s.status.is_none(),
        "dev's error is not said over stg: {:?}",
        s.status
    );
    // The environment row still says it (stale), and a message about no environment stays.
    assert!(s.envs[0].refresh.error.is_some());
}
