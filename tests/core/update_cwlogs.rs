//! Table tests of `update` for the CloudWatch Logs view: each log group read on its own, its
//! events attributed to it and de-duplicated by group and id, a group that failed named and read
//! again, pause and follow, filter, `/` search with `n`/`N`, jump to time, and the jump from a
//! failed build action to its log stream.

use crate::support;

use shipdeck::app::{
    Action, Effect, LOG_OVERLAP, Level, LogRead, Reply, State, View, parse_goto, parse_stream_arn,
    update,
};
use shipdeck::cloud::CloudError;
use shipdeck::cloud::LogPage;
use shipdeck::domain::*;
use support::*;

/// The log group of dev's events.
const API: &str = "/aws/lambda/storefront-api-dev";

fn event(id: &str, at: Timestamp, message: &str) -> LogEvent {
    LogEvent {
        group: API.into(),
        event_id: id.into(),
        stream: "2025/11/25/[$LATEST]abc".into(),
        timestamp: at,
        ingestion_time: at,
        message: message.into(),
    }
}

/// Opens a prompt, types `text` and presses Enter.
fn prompt(s: &mut State, open: Action, text: &str) {
    update(s, open);
    for c in text.chars() {
        update(s, Action::Input(c));
    }
    update(s, Action::Submit);
}

fn fetch(fx: &[Effect]) -> Option<Effect> {
    fx.iter()
        .find(|e| matches!(e, Effect::FetchLogs { .. }))
        .cloned()
}

/// A read's answer: these events, at its last page.
fn page(events: Vec<LogEvent>) -> LogPage {
    LogPage {
        events,
        next_token: None,
    }
}

fn land(s: &mut State, fx: &[Effect], events: Vec<LogEvent>) {
    let Some(Effect::FetchLogs { env, request, .. }) = fetch(fx) else {
        panic!("no read: {fx:?}")
    };
    update(
        s,
        Action::Reply(Reply::LogsLoaded {
            env,
            request,
            results: vec![(API.into(), Ok(page(events)))],
        }),
    );
}

fn logs_view(n: usize) -> State {
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Logs));
    let events = (0..n)
        .map(|i| {
            let msg = if i % 10 == 3 {
                "ERROR upstream timeout"
            } else {
                "GET /api/items 200"
            };
            event(&format!("e{i}"), T0 - 600_000 + i as i64 * 1000, msg)
        })
        .collect();
    land(&mut s, &fx, events);
    s
}

#[test]
fn events_are_deduplicated_by_id_and_a_pause_holds_the_rows_shown() {
    let mut s = logs_view(50);
    assert_eq!(s.logs.events.len(), 50);
    update(&mut s, Action::ToggleFollow);
    assert!(s.logs.paused);
    let next = s.logs.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let mut again: Vec<LogEvent> = s.logs.events[45..].to_vec();
    again.push(event("new-1", T0, "GET /api/new 200"));
    again.push(event("new-2", T0, "GET /api/new 200"));
    land(&mut s, &fx, again);
    assert_eq!(s.logs.events.len(), 52, "repeated ids dropped");
    assert_eq!(s.logs.scroll, 2, "paused: the rows shown stay put");
    update(&mut s, Action::ToggleFollow);
    assert!(!s.logs.paused);
    assert_eq!(s.logs.scroll, 0, "following the tail again");
}

#[test]
fn search_marks_matches_and_filter_narrows() {
    let mut s = logs_view(50);
    update(&mut s, Action::SearchOpen);
    for c in "timeout".chars() {
        update(&mut s, Action::Input(c));
    }
    update(&mut s, Action::Submit);
    let rows = s.visible_log_rows();
    let mark = s.logs.mark.expect("a match is marked");
    assert!(s.logs.events[rows[mark]].message.contains("timeout"));
    assert!(s.logs.paused);
    update(&mut s, Action::SearchNext);
    let next = s.logs.mark.unwrap();
    assert_eq!(next, (mark + 10) % 50);
    update(&mut s, Action::SearchPrev);
    assert_eq!(s.logs.mark, Some(mark));
    // The filter (f) narrows the events; Esc clears it, then the search.
    update(&mut s, Action::FilterOpen);
    for c in "error".chars() {
        update(&mut s, Action::Input(c));
    }
    update(&mut s, Action::Submit);
    assert_eq!(s.visible_log_rows().len(), 5);
    update(&mut s, Action::Back);
    assert_eq!(s.visible_log_rows().len(), 50);
    update(&mut s, Action::Back);
    assert!(s.logs.search.is_empty());
    assert_eq!(s.view, View::Logs);
    // Jump to a time.
    update(&mut s, Action::CommandOpen);
    for c in "goto 08:50:30".chars() {
        update(&mut s, Action::Input(c));
    }
    update(&mut s, Action::Submit);
    let rows = s.visible_log_rows();
    let at = s.logs.events[rows[s.logs.mark.unwrap()]].timestamp;
    assert_eq!(at, T0 - 570_000);
}

#[test]
fn times_and_stream_arns_are_read() {
    let now = T0 + 30 * Timestamp::MINUTE; // 09:30
    assert_eq!(parse_goto("09:15", now), Some(T0 + 15 * Timestamp::MINUTE));
    assert_eq!(
        parse_goto("10:00", now),
        Some(T0 + Timestamp::HOUR - Timestamp::DAY)
    );
    assert_eq!(parse_goto("2025-11-25T09:00:00Z", now), Some(T0));
    for bad in ["9:15", "25:00", "09:61", "soon", "09:15:99"] {
        assert_eq!(parse_goto(bad, now), None, "{bad}");
    }
    assert_eq!(
        parse_stream_arn("arn:aws:logs:eu-west-1:123:log-group:/aws/codebuild/x:log-stream:b1"),
        Some(("/aws/codebuild/x".into(), "b1".into()))
    );
    assert_eq!(
        parse_stream_arn("arn:aws:logs:eu-west-1:123:log-group:g"),
        None
    );
}

fn failed_deploy() -> State {
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    let Some(Effect::FetchEnv { request, .. }) = fx.first().cloned() else {
        panic!()
    };
    let mut snap = snapshot(
        "dev",
        vec![execution("e-9", ExecutionStatus::Failed, "1.3.0", T0)],
        None,
    );
    if let Ok(st) = snap.state.as_mut() {
        let deploy = st.stages.iter_mut().find(|x| x.name == "Deploy").unwrap();
        deploy.actions[0].latest.as_mut().unwrap().status = ActionStatus::Failed;
    }
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 0,
            request,
            result: Ok(Box::new(snap)),
        }),
    );
    update(&mut s, Action::Show(View::Pipeline));
    s
}

fn run(status: ActionStatus, arn: Option<&str>) -> ActionExecutionDetail {
    ActionExecutionDetail {
        pipeline_execution_id: "e-9".into(),
        action_execution_id: "ae-1".into(),
        stage: "Deploy".into(),
        action: "Deploy".into(),
        status,
        start: T0 - 10 * Timestamp::MINUTE,
        last_update: T0,
        updated_by: None,
        summary: None,
        external_execution_url: None,
        external_execution_id: None,
        log_stream_arn: arn.map(str::to_string),
        error: None,
    }
}

#[test]
fn a_failed_deploy_opens_its_builds_log_stream() {
    let mut s = failed_deploy();
    let fx = update(&mut s, Action::BuildLog);
    let Some(Effect::FetchActionExecutions {
        request,
        pipeline,
        execution_id,
        action,
        ..
    }) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (pipeline.as_str(), execution_id.as_str(), action.as_deref()),
        ("storefront-deployer-dev", "e-9", Some("Deploy"))
    );
    let arn =
        "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codebuild/deploy-dev:log-stream:b-42";
    let fx = update(
        &mut s,
        Action::Reply(Reply::ActionExecutionsLoaded {
            env: 0,
            request,
            action,
            result: Ok(vec![
                run(ActionStatus::Succeeded, None),
                run(ActionStatus::Failed, Some(arn)),
            ]),
        }),
    );
    assert_eq!(s.view, View::Logs);
    assert_eq!(
        s.logs.stream,
        Some(("/aws/codebuild/deploy-dev".into(), "b-42".into()))
    );
    let Some(Effect::FetchLogs { reads, streams, .. }) = fetch(&fx) else {
        panic!("{fx:?}")
    };
    assert_eq!(
        from(&reads),
        vec![(
            "/aws/codebuild/deploy-dev".to_string(),
            T0 - 11 * Timestamp::MINUTE
        )],
        "from just before the build started"
    );
    assert_eq!(streams, vec!["b-42".to_string()]);
}

#[test]
fn the_build_log_jump_explains_what_it_cannot_find() {
    let mut s = state();
    update(&mut s, Action::BuildLog);
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains("no failed Deploy action")
    );
    let mut s = failed_deploy();
    let fx = update(&mut s, Action::BuildLog);
    let Some(Effect::FetchActionExecutions {
        request, action, ..
    }) = fx.first().cloned()
    else {
        panic!()
    };
    update(
        &mut s,
        Action::Reply(Reply::ActionExecutionsLoaded {
            env: 0,
            request,
            action: action.clone(),
            result: Ok(vec![run(ActionStatus::Failed, None)]),
        }),
    );
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains("no CloudWatch log stream")
    );
    assert_eq!(s.view, View::Pipeline);
    let fx = update(&mut s, Action::BuildLog);
    let Some(Effect::FetchActionExecutions { request, .. }) = fx.first().cloned() else {
        panic!()
    };
    let err = CloudError::Network("down".into());
    update(
        &mut s,
        Action::Reply(Reply::ActionExecutionsLoaded {
            env: 0,
            request,
            action,
            result: Err(err),
        }),
    );
    assert_eq!(s.status.unwrap().level, Level::Error);
}

/// A failed CodeBuild run as CodePipeline lists it: its build id, no log stream ARN.
fn codebuild_run() -> ActionExecutionDetail {
    ActionExecutionDetail {
        external_execution_id: Some("storefront-deployer-dev-deploy:b-42".into()),
        ..run(ActionStatus::Failed, None)
    }
}

/// `b` on the failed deploy, answered with `runs`: the effects of the jump.
fn jump(s: &mut State, runs: Vec<ActionExecutionDetail>) -> Vec<Effect> {
    let fx = update(s, Action::BuildLog);
    let Some(Effect::FetchActionExecutions {
        request, action, ..
    }) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    update(
        s,
        Action::Reply(Reply::ActionExecutionsLoaded {
            env: 0,
            request,
            action,
            result: Ok(runs),
        }),
    )
}

#[test]
fn a_codebuild_run_opens_its_build_in_the_configured_group_or_codebuilds_default() {
    let mut s = failed_deploy();
    jump(&mut s, vec![codebuild_run()]);
    assert_eq!(
        s.logs.stream,
        Some((
            "/aws/codebuild/storefront-deployer-dev-deploy".into(),
            "b-42".into()
        )),
        "CodeBuild's default group, the build id as the stream"
    );
    // A project whose logs configuration names its own group: the configuration says which.
    let mut s = failed_deploy();
    s.envs[0].spec.build_log_group = Some("/ci/storefront-builds".into());
    let fx = jump(&mut s, vec![codebuild_run()]);
    assert_eq!(
        s.logs.stream,
        Some(("/ci/storefront-builds".into(), "b-42".into()))
    );
    let Some(Effect::FetchLogs { reads, streams, .. }) = fetch(&fx) else {
        panic!("{fx:?}")
    };
    assert_eq!(from(&reads)[0].0, "/ci/storefront-builds");
    assert_eq!(streams, ["b-42"]);
    // A log stream ARN, where CodePipeline gives one (a Commands action), still wins.
    let arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/commands:log-stream:c-1";
    let commands = ActionExecutionDetail {
        log_stream_arn: Some(arn.into()),
        ..codebuild_run()
    };
    let mut s = failed_deploy();
    s.envs[0].spec.build_log_group = Some("/ci/storefront-builds".into());
    jump(&mut s, vec![commands]);
    assert_eq!(s.logs.stream, Some(("/aws/commands".into(), "c-1".into())));
}

#[test]
fn a_build_stream_that_cannot_be_found_is_named_with_where_else_to_look() {
    let mut s = failed_deploy();
    let fx = jump(&mut s, vec![codebuild_run()]);
    let group = "/aws/codebuild/storefront-deployer-dev-deploy";
    let missing = CloudError::NotFound {
        kind: "log stream".into(),
        name: format!("b-42 in {group}"),
    };
    answer(&mut s, &fx, vec![(group, Err(missing))]);
    let said = format!(
        "build log not found: no stream b-42 in {group} (log stream not found: b-42 in {group}); \
         if the project logs to another group, set build_log_group for dev in the configuration"
    );
    assert_eq!(s.logs.load.error.as_deref(), Some(said.as_str()));
    assert_eq!(
        s.status.as_ref().map(|m| (m.level, m.text.as_str())),
        Some((Level::Warn, said.as_str()))
    );
    // The view says what it read, and why there is nothing, whole.
    let screen = draw_text(&s, 80, 24);
    assert!(
        screen.contains("No events in /aws/codebuild/storefront-deployer-dev-deploy, stream b-42,"),
        "{screen}"
    );
    assert!(
        screen.contains("set build_log_group for dev in the"),
        "{screen}"
    );
    // With a group configured, the message names it and gives no hint.
    let mut s = failed_deploy();
    s.envs[0].spec.build_log_group = Some("/ci/storefront-builds".into());
    let fx = jump(&mut s, vec![codebuild_run()]);
    let gone = CloudError::NotFound {
        kind: "log group".into(),
        name: "/ci/storefront-builds".into(),
    };
    answer(&mut s, &fx, vec![("/ci/storefront-builds", Err(gone))]);
    assert_eq!(
        s.logs.load.error.as_deref(),
        Some(
            "build log not found: no stream b-42 in /ci/storefront-builds (log group not found: \
             /ci/storefront-builds)"
        )
    );
}

/// The screen at `w`×`h`, row by row.
fn draw_text(s: &State, w: u16, h: u16) -> String {
    support::screen::text(s, w, h)
}

mod detail;

mod late;

mod scroll;

/// dev's second log group in the tests that read two.
const DEPLOY: &str = "/aws/codebuild/storefront-deploy-dev";

/// The Logs view of dev reading its API and deploy groups, and the first read it asks for.
fn two_groups() -> (State, Vec<Effect>) {
    let mut s = state();
    s.envs[0].spec.log_groups.push(DEPLOY.into());
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Logs));
    (s, fx)
}

/// Answers the read in `fx` group by group; returns the groups it read, with where from.
fn answer(
    s: &mut State,
    fx: &[Effect],
    results: Vec<(&str, Result<Vec<LogEvent>, CloudError>)>,
) -> Vec<(String, Timestamp)> {
    let Some(Effect::FetchLogs {
        env,
        request,
        reads,
        ..
    }) = fetch(fx)
    else {
        panic!("no read: {fx:?}")
    };
    let results = results
        .into_iter()
        .map(|(g, r)| (g.to_string(), r.map(page)))
        .collect();
    update(
        s,
        Action::Reply(Reply::LogsLoaded {
            env,
            request,
            results,
        }),
    );
    from(&reads)
}

/// Each read's group and where it starts.
fn from(reads: &[LogRead]) -> Vec<(String, Timestamp)> {
    reads.iter().map(|r| (r.group.clone(), r.since)).collect()
}

#[test]
fn each_group_is_read_on_its_own_and_its_events_carry_it() {
    let (mut s, fx) = two_groups();
    // The same event id in both groups (ids are unique only within a group), and an event the
    // deploy group's read returned that claims to be another group's.
    let mut claims = event("e1", T0 - 30_000, "BUILD started");
    claims.group = API.into();
    let read = answer(
        &mut s,
        &fx,
        vec![
            (
                API,
                Ok(vec![event("e1", T0 - 60_000, "GET /api/items 200")]),
            ),
            (DEPLOY, Ok(vec![claims])),
        ],
    );
    let from = T0 - 15 * Timestamp::MINUTE;
    assert_eq!(read, vec![(API.into(), from), (DEPLOY.into(), from)]);
    let shown: Vec<(&str, &str)> = s.logs.events.iter().map(|e| e.key()).collect();
    assert_eq!(
        shown,
        [(API, "e1"), (DEPLOY, "e1")],
        "both kept, each as the group it was read from"
    );
    // The detail is of the event chosen, not of the other group's event with its id.
    update(&mut s, Action::Open);
    assert_eq!(s.logs.detail, Some((DEPLOY.into(), "e1".into())));
    update(&mut s, Action::Up);
    assert_eq!(s.logs.detail, Some((API.into(), "e1".into())));
    update(&mut s, Action::Back);
    // The filter (f) also matches the group.
    prompt(&mut s, Action::FilterOpen, "codebuild");
    let rows = s.visible_log_rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(s.logs.events[rows[0]].group, DEPLOY);
}

#[test]
fn a_group_that_could_not_be_read_is_named_and_read_again_from_where_it_was() {
    let (mut s, fx) = two_groups();
    answer(
        &mut s,
        &fx,
        vec![
            (
                API,
                Ok(vec![event("a1", T0 - 10_000, "GET /api/items 200")]),
            ),
            (DEPLOY, Err(CloudError::Network("connection reset".into()))),
        ],
    );
    // The API's events show; the deploy group's failure is said, not taken for "no events".
    assert_eq!(s.logs.events.len(), 1);
    let err = s
        .logs
        .load
        .error
        .clone()
        .expect("the failed group is named");
    assert_eq!(err, format!("{DEPLOY}: network error: connection reset"));
    // The next read takes each group from its own window: the deploy group from its look-back
    // (nothing read from it yet), not from the API's newest event (which would skip the deploy
    // group's events before it); the API from two minutes before its newest event.
    let fx = update(&mut s, Action::Tick(T0 + 5_000));
    let build = LogEvent {
        group: DEPLOY.into(),
        ..event("d1", T0 - 5 * Timestamp::MINUTE, "BUILD failed")
    };
    let read = answer(
        &mut s,
        &fx,
        vec![(API, Ok(Vec::new())), (DEPLOY, Ok(vec![build]))],
    );
    assert_eq!(
        read,
        vec![
            (API.into(), T0 - 10_000 - LOG_OVERLAP),
            (DEPLOY.into(), T0 + 5_000 - 15 * Timestamp::MINUTE)
        ]
    );
    assert_eq!(s.logs.load.error, None);
    let keys: Vec<(&str, &str)> = s.logs.events.iter().map(|e| e.key()).collect();
    assert_eq!(keys, [(DEPLOY, "d1"), (API, "a1")]);
    let fx = update(&mut s, Action::Tick(T0 + 10_000));
    let read = answer(
        &mut s,
        &fx,
        vec![(API, Ok(Vec::new())), (DEPLOY, Ok(Vec::new()))],
    );
    assert_eq!(
        read,
        vec![
            (API.into(), T0 - 10_000 - LOG_OVERLAP),
            (DEPLOY.into(), T0 - 5 * Timestamp::MINUTE - LOG_OVERLAP)
        ]
    );
}

#[tokio::test]
async fn through_the_runtime_a_group_that_cannot_be_read_is_said_while_the_others_show() {
    let rig = support::sim::Rig::new(3);
    let cloud = rig.sim.cloud();
    let now = rig.sim.with(|w| {
        let now = w.now();
        w.put_log_events(API, "s1", now - 60_000, 5);
        w.advance(10_000);
        w.now()
    });
    let mut s = state();
    s.envs[0].spec.log_groups = vec![API.into(), "/aws/lambda/missing".into()];
    update(&mut s, Action::Tick(now));
    let fx = update(&mut s, Action::Show(View::Logs));
    let read = fetch(&fx).expect("a read");
    let answer = shipdeck::runtime::run_effect(&cloud, read)
        .await
        .expect("an answer");
    update(&mut s, answer);
    assert_eq!(s.logs.events.len(), 5);
    assert!(s.logs.events.iter().all(|e| e.group == API));
    let err = s.logs.load.error.clone().unwrap_or_default();
    assert!(
        err.contains("/aws/lambda/missing"),
        "the group that failed is named: {err:?}"
    );
}
