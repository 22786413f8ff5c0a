//! Table tests of `update` for the CloudWatch Logs view: de-duplication by event id, pause and
//! follow, filter, `/` search with `n`/`N`, jump to time, and the jump from a failed build
//! action to its log stream.

mod common;

use common::*;
use shipdeck::app::{Action, Effect, Level, State, View, parse_goto, parse_stream_arn, update};
use shipdeck::cloud::CloudError;
use shipdeck::domain::*;

fn event(id: &str, at: Timestamp, message: &str) -> LogEvent {
    LogEvent {
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

fn land(s: &mut State, fx: &[Effect], events: Vec<LogEvent>) {
    let Some(Effect::FetchLogs { env, request, .. }) = fetch(fx) else {
        panic!("no read: {fx:?}")
    };
    update(
        s,
        Action::LogsLoaded {
            env,
            request,
            result: Ok(events),
        },
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
    let next = s.logs.next_poll;
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
        Action::EnvLoaded {
            env: 0,
            request,
            result: Ok(Box::new(snap)),
        },
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
        log_stream_arn: arn.map(str::to_string),
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
        (pipeline.as_str(), execution_id.as_str(), action.as_str()),
        ("storefront-deployer-dev", "e-9", "Deploy")
    );
    let arn =
        "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codebuild/deploy-dev:log-stream:b-42";
    let fx = update(
        &mut s,
        Action::ActionExecutionsLoaded {
            env: 0,
            request,
            action,
            result: Ok(vec![
                run(ActionStatus::Succeeded, None),
                run(ActionStatus::Failed, Some(arn)),
            ]),
        },
    );
    assert_eq!(s.view, View::Logs);
    assert_eq!(
        s.logs.stream,
        Some(("/aws/codebuild/deploy-dev".into(), "b-42".into()))
    );
    let Some(Effect::FetchLogs {
        groups,
        streams,
        since,
        ..
    }) = fetch(&fx)
    else {
        panic!("{fx:?}")
    };
    assert_eq!(groups, vec!["/aws/codebuild/deploy-dev".to_string()]);
    assert_eq!(streams, vec!["b-42".to_string()]);
    assert_eq!(
        since,
        T0 - 11 * Timestamp::MINUTE,
        "from just before the build started"
    );
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
        Action::ActionExecutionsLoaded {
            env: 0,
            request,
            action: action.clone(),
            result: Ok(vec![run(ActionStatus::Failed, None)]),
        },
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
        Action::ActionExecutionsLoaded {
            env: 0,
            request,
            action,
            result: Err(err),
        },
    );
    assert_eq!(s.status.unwrap().level, Level::Error);
}

#[path = "update_cwlogs/detail.rs"]
mod detail;

#[path = "update_cwlogs/scroll.rs"]
mod scroll;
