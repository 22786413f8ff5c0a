//! Table tests of `update`: every action, its state change and the effects it returns.

mod common;

use common::*;
use shipdeck::app::{Action, Effect, Level, Overlay, View, update};
use shipdeck::cloud::{CloudError, WhoAmI};
use shipdeck::domain::{ExecutionStatus, LogEvent, Release, Timestamp, Version};

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
            Action::EnvLoaded {
                env: i,
                request: request_of(&fx, i),
                result,
            },
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
        Action::ReleasesLoaded {
            request: req,
            result: Ok(Vec::new()),
        },
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
        s.envs[0].next_poll,
        T0 + s.poll.idle,
        "idle env polls slowly"
    );
    assert_eq!(
        s.envs[2].next_poll,
        T0 + s.poll.idle,
        "waiting on a person is not activity"
    );
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    let running = vec![execution("e-9", ExecutionStatus::InProgress, "1.4.0", T0)];
    update(
        &mut s,
        Action::EnvLoaded {
            env: 0,
            request: request_of(&fx, 0),
            result: Ok(Box::new(snapshot("dev", running, None))),
        },
    );
    assert_eq!(
        s.envs[0].next_poll,
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
        Action::EnvLoaded {
            env: 0,
            request: old + 1000,
            result: Ok(Box::new(snap.clone())),
        },
    );
    assert!(
        s.envs[0].state.is_none(),
        "an unknown request id must not land"
    );
    update(
        &mut s,
        Action::EnvLoaded {
            env: 0,
            request: old,
            result: Ok(Box::new(snap.clone())),
        },
    );
    assert!(s.envs[0].state.is_some());
    update(
        &mut s,
        Action::EnvLoaded {
            env: 7,
            request: old,
            result: Ok(Box::new(snap)),
        },
    );
}

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
        Action::EnvLoaded {
            env: 0,
            request: req,
            result: Err(err),
        },
    );
    let stale = s.envs[0].stale.clone().unwrap();
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
    let first_wait = s.envs[0].next_poll.since(s.now);
    // A throttled retry waits longer and is a warning, not an error; `since` stays.
    let later = s.envs[0].next_poll;
    let fx = update(&mut s, Action::Tick(later));
    let err = CloudError::Throttled {
        service: "codepipeline".into(),
        operation: "GetPipelineState".into(),
    };
    update(
        &mut s,
        Action::EnvLoaded {
            env: 0,
            request: request_of(&fx, 0),
            result: Err(err),
        },
    );
    let stale = s.envs[0].stale.clone().unwrap();
    assert!(stale.throttled && stale.failures == 2 && stale.since == T0 + s.poll.idle);
    assert!(s.envs[0].next_poll.since(s.now) > first_wait);
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
        Action::ReleasesLoaded {
            request: req,
            result: Ok(vec![r("1.2.0"), r("1.10.0"), r("1.3.0")]),
        },
    );
    let versions: Vec<String> = s.releases.iter().map(|r| r.version.to_string()).collect();
    assert_eq!(versions, ["1.10.0", "1.3.0", "1.2.0"], "newest first");
    update(
        &mut s,
        Action::IdentityLoaded(Ok(WhoAmI {
            account: "1".into(),
            arn: "arn:aws:sts::1:assumed-role/Ops/zoe".into(),
        })),
    );
    assert_eq!(
        s.session.identity.as_deref(),
        Some("arn:aws:sts::1:assumed-role/Ops/zoe")
    );
    update(
        &mut s,
        Action::IdentityLoaded(Err(CloudError::ExpiredCredentials {
            hint: "aws sso login --profile ops".into(),
        })),
    );
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("aws sso login --profile ops")
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
    let ev = |id: &str, t: i64| LogEvent {
        event_id: id.into(),
        stream: "s".into(),
        timestamp: T0 + t,
        ingestion_time: T0 + t,
        message: format!("m{id}"),
    };
    update(
        &mut s,
        Action::LogsLoaded {
            env,
            request: req,
            result: Ok(vec![ev("b", 2), ev("a", 1)]),
        },
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
            Effect::FetchLogs { request, since, .. } => {
                assert_eq!(*since, T0 + 2);
                Some(*request)
            }
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Action::LogsLoaded {
            env,
            request: req,
            result: Ok(vec![ev("b", 2), ev("c", 3)]),
        },
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
fn navigation_moves_within_visible_rows() {
    let mut s = loaded();
    update(&mut s, Action::Down);
    assert_eq!(s.selected, 1);
    update(&mut s, Action::Bottom);
    assert_eq!(s.selected, 2);
    update(&mut s, Action::Down);
    assert_eq!(s.selected, 2, "clamped at the end");
    update(&mut s, Action::Top);
    assert_eq!(s.selected, 0);
    update(&mut s, Action::Up);
    assert_eq!(s.selected, 0);
    update(&mut s, Action::PageDown);
    assert_eq!(s.selected, 2);
    update(&mut s, Action::PageUp);
    assert_eq!(s.selected, 0);
    update(&mut s, Action::SelectRow(1));
    assert_eq!(s.selected, 1);
    update(&mut s, Action::SelectRow(99));
    assert_eq!(s.selected, 2);
}

#[test]
fn env_switching_wraps_and_resets_history_selection() {
    let mut s = loaded();
    s.history_row = 1;
    update(&mut s, Action::PrevEnv);
    assert_eq!((s.selected, s.history_row), (2, 0));
    update(&mut s, Action::NextEnv);
    assert_eq!(s.selected, 0);
}

#[test]
fn open_back_show_and_next_view() {
    let mut s = loaded();
    update(&mut s, Action::Open);
    assert_eq!(s.view, View::Pipeline);
    update(&mut s, Action::Back);
    assert_eq!(s.view, View::Environments);
    update(&mut s, Action::Show(View::Approvals));
    update(&mut s, Action::Open);
    assert_eq!(
        (s.view, s.selected),
        (View::Pipeline, 2),
        "opening an approval shows its pipeline"
    );
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Approvals);
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Logs);
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Traffic);
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Environments, "tabs wrap around");
}

#[test]
fn help_toggles_and_scrolls() {
    let mut s = loaded();
    update(&mut s, Action::ToggleHelp);
    assert_eq!(s.overlay, Some(Overlay::Help));
    update(&mut s, Action::Down);
    assert_eq!(
        (s.help_scroll, s.selected),
        (1, 0),
        "keys scroll the help, not the list"
    );
    update(&mut s, Action::ToggleHelp);
    assert_eq!(s.overlay, None);
}

#[test]
fn command_line_types_completes_and_runs() {
    let mut s = loaded();
    update(&mut s, Action::CommandOpen);
    for c in "env p".chars() {
        update(&mut s, Action::Input(c));
    }
    update(&mut s, Action::Complete);
    match &s.overlay {
        Some(Overlay::Command(line)) => assert_eq!(line.text, "env prd "),
        other => panic!("{other:?}"),
    }
    update(&mut s, Action::Submit);
    assert_eq!(
        (s.selected, s.view, s.overlay.clone()),
        (2, View::Pipeline, None)
    );
    update(&mut s, Action::CommandOpen);
    for c in "bogus".chars() {
        update(&mut s, Action::Input(c));
    }
    update(&mut s, Action::Backspace);
    update(&mut s, Action::Submit);
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert!(
        status.text.contains("unknown command `bogu`"),
        "{}",
        status.text
    );
    update(&mut s, Action::CommandOpen);
    update(&mut s, Action::Input('q'));
    let fx = update(&mut s, Action::Submit);
    assert!(s.quit && fx == vec![Effect::Quit]);
}

#[test]
fn keys_while_typing_are_text_not_commands() {
    let mut s = loaded();
    update(&mut s, Action::FilterOpen);
    let before = s.view;
    update(&mut s, Action::Down); // not an input key: ignored while typing
    assert_eq!((s.selected, s.view), (0, before));
    for c in "prd".chars() {
        update(&mut s, Action::Input(c));
    }
    assert_eq!(s.filter, "prd");
    assert_eq!(s.visible_envs(), vec![2]);
    assert_eq!(s.selected, 2, "selection follows the filter");
    update(&mut s, Action::Submit);
    assert_eq!(
        (s.overlay.clone(), s.filter.as_str()),
        (None, "prd"),
        "Enter keeps the filter"
    );
    update(&mut s, Action::Back);
    assert!(s.filter.is_empty(), "Esc clears it");
    update(&mut s, Action::FilterOpen);
    update(&mut s, Action::Input('x'));
    update(&mut s, Action::Back);
    assert!(
        s.filter.is_empty() && s.overlay.is_none(),
        "Esc while typing cancels"
    );
}

#[test]
fn quit_sets_the_flag_and_asks_to_leave() {
    let mut s = loaded();
    assert_eq!(update(&mut s, Action::Quit), vec![Effect::Quit]);
    assert!(s.quit);
}

#[test]
fn summaries_show_deployed_release_lag_and_waiting_approval() {
    let mut s = loaded();
    let r = |v: &str| Release {
        version: Version::parse(v).unwrap(),
        commit: String::new(),
        actor: String::new(),
    };
    let fx = update(&mut s, Action::Tick(T0 + 60_000));
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchReleases { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Action::ReleasesLoaded {
            request: req,
            result: Ok(vec![r("1.1.0"), r("1.2.0"), r("1.3.0"), r("1.3.1")]),
        },
    );
    let prd = s.summary(2).unwrap();
    assert_eq!(prd.deployed.unwrap().version.to_string(), "1.1.0");
    assert_eq!(
        prd.behind,
        Some((2, "stg".to_string())),
        "1.2.0 and 1.3.0 are between prd and stg"
    );
    assert_eq!(prd.health.label(), "awaiting approval");
    assert_eq!(prd.approval_since, Some(T0 - 2 * Timestamp::HOUR));
    assert_eq!(s.summary(1).unwrap().behind, Some((0, "dev".to_string())));
    let approvals = s.approvals();
    assert_eq!(approvals.len(), 1);
    assert_eq!(
        approvals[0].release.as_ref().unwrap().version.to_string(),
        "1.3.0"
    );
    assert_eq!(approvals[0].triggered_by.as_deref(), Some("carol"));
}

#[test]
fn a_prompt_stops_growing_at_its_cap() {
    for open in [Action::CommandOpen, Action::FilterOpen] {
        let mut s = loaded();
        update(&mut s, open.clone());
        for _ in 0..shipdeck::app::MAX_INPUT + 100 {
            update(&mut s, Action::Input('x'));
        }
        let Some(Overlay::Command(line) | Overlay::Filter(line)) = &s.overlay else {
            panic!("{open:?}: the prompt is open")
        };
        assert_eq!(
            line.text.chars().count(),
            shipdeck::app::MAX_INPUT,
            "{open:?}"
        );
        update(&mut s, Action::Backspace);
        update(&mut s, Action::Input('y'));
        let Some(Overlay::Command(line) | Overlay::Filter(line)) = &s.overlay else {
            panic!("{open:?}: still open")
        };
        assert!(
            line.text.ends_with('y'),
            "{open:?}: room again after a backspace"
        );
    }
}
