//! Reducer tests of the watch after a done call: fast polls of the environment (and reads of an
//! invalidation) until the change shows, the action fails or the limit passes, then the report in
//! the status bar — for every kind of action.

use crate::support;

use shipdeck::app::{Action, Effect, EnvSnapshot, InFlight, Level, Reply, update};
use shipdeck::cloud::{ApprovalOutcome, Invalidation, InvalidationStatus, RetryMode};
use shipdeck::domain::{ExecutionStatus, ExecutionSummary, StageExecution, StageStatus, Timestamp};
use shipdeck::ops::{OpKind, Outcome, Request};
use support::ops::*;
use support::*;

#[test]
fn after_a_done_approval_the_watch_reports_the_execution_moving_on() {
    let mut s = loaded();
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Approve));
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::ApplyOp { request, .. }) = fx.first() else {
        panic!()
    };
    let fx = update(
        &mut s,
        Action::Reply(Reply::OpApplied {
            request: *request,
            outcome: Outcome::done("approved", Some("e-32".into())),
            audit_error: None,
        }),
    );
    assert!(s.ops.watch.is_some());
    // The refresh still shows it waiting (Deploy still holds e-31): keep watching, poll fast.
    let Some(Effect::FetchEnv {
        env: 2, request, ..
    }) = fx.first().cloned()
    else {
        panic!("prd is refreshed at once: {fx:?}")
    };
    let waiting = snapshot(
        "prd",
        vec![
            execution(
                "e-31",
                ExecutionStatus::Succeeded,
                "1.2.0",
                T0 - Timestamp::DAY,
            ),
            execution("e-32", ExecutionStatus::InProgress, "1.3.0", T0),
        ],
        Some(("e-32", T0)),
    );
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 2,
            request,
            result: Ok(Box::new(waiting)),
        }),
    );
    assert!(s.ops.watch.is_some());
    assert!(s.envs[2].refresh.next_poll <= s.now + shipdeck::app::WATCH_POLL);
    // Then it moved on to Deploy.
    let moved = snapshot(
        "prd",
        vec![execution("e-32", ExecutionStatus::InProgress, "1.3.0", T0)],
        None,
    );
    let later = s.now + 3 * Timestamp::SECOND;
    let fx = update(&mut s, Action::Tick(later));
    let Some(Effect::FetchEnv {
        env: 2, request, ..
    }) = fx
        .iter()
        .find(|e| matches!(e, Effect::FetchEnv { env: 2, .. }))
        .cloned()
    else {
        panic!("a fast poll of prd: {fx:?}")
    };
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 2,
            request,
            result: Ok(Box::new(moved)),
        }),
    );
    assert!(s.ops.watch.is_none());
    assert!(status(&s).contains("moved on to Deploy"), "{}", status(&s));
}

/// Sets the status of stage `name` of the snapshot's pipeline state (for execution `id`).
fn stage(mut snap: EnvSnapshot, name: &str, id: &str, status: StageStatus) -> EnvSnapshot {
    if let Ok(state) = snap.state.as_mut() {
        for s in state.stages.iter_mut().filter(|s| s.name == name) {
            s.latest = Some(StageExecution {
                pipeline_execution_id: id.into(),
                status,
            });
        }
    }
    snap
}

/// The inbound transition of Deploy, disabled or not.
fn frozen(mut snap: EnvSnapshot, disabled: bool) -> EnvSnapshot {
    if let Ok(state) = snap.state.as_mut() {
        for s in state.stages.iter_mut().filter(|s| s.name == "Deploy") {
            s.inbound.enabled = !disabled;
        }
    }
    snap
}

/// What the refreshes of the watched environment show, and an invalidation's progress.
struct Shows {
    env: EnvSnapshot,
    invalidation: InvalidationStatus,
}

/// Applies `request` as a done call on `env` and answers every read with `shows` for up to
/// 40 simulated minutes; the status bar when the watch ended, and how long it took.
fn follow(
    kind: OpKind,
    env: usize,
    request: Request,
    outcome: Outcome,
    shows: Shows,
) -> (Level, String, Timestamp) {
    let mut s = loaded();
    select(&mut s, "dev");
    let opened = update(&mut s, Action::Op(OpKind::Deploy));
    answer_fetches(&mut s, opened);
    let mut plan = s.ops.dialog.take().unwrap().planned.unwrap();
    plan.kind = kind;
    plan.environment = s.envs[env].spec.name.clone();
    plan.request = request;
    s.ops.inflight = Some(InFlight {
        request: 900,
        plan,
        env,
    });
    let start = s.now;
    let mut fx = update(
        &mut s,
        Action::Reply(Reply::OpApplied {
            request: 900,
            outcome,
            audit_error: None,
        }),
    );
    assert!(s.ops.watch.is_some(), "{kind:?} is watched");
    while s.ops.watch.is_some() && s.now < start + 40 * Timestamp::MINUTE {
        while let Some(effect) = fx.pop() {
            let answer = match effect {
                Effect::FetchEnv {
                    env: e, request, ..
                } => {
                    let snap = if e == env {
                        shows.env.clone()
                    } else {
                        env_snapshot(&s.envs[e].spec.name.clone())
                    };
                    Action::Reply(Reply::EnvLoaded {
                        env: e,
                        request,
                        result: Ok(Box::new(snap)),
                    })
                }
                Effect::FetchInvalidation { request, id, .. } => {
                    Action::Reply(Reply::InvalidationLoaded {
                        request,
                        result: Ok(Invalidation {
                            id,
                            status: shows.invalidation,
                            created: start,
                            paths: vec!["/index.html".into()],
                        }),
                    })
                }
                _ => continue,
            };
            fx.extend(update(&mut s, answer));
        }
        let next = s.now + 30 * Timestamp::SECOND;
        fx = update(&mut s, Action::Tick(next));
    }
    assert!(
        s.ops.watch.is_none(),
        "{kind:?}: the watch ends: {}",
        status(&s)
    );
    let level = s.status.as_ref().map(|m| m.level).unwrap();
    (level, status(&s), s.now)
}

fn shows(env: EnvSnapshot) -> Shows {
    Shows {
        env,
        invalidation: InvalidationStatus::InProgress,
    }
}

fn ex(id: &str, status: ExecutionStatus) -> ExecutionSummary {
    execution(id, status, "1.5.0", T0)
}

#[test]
fn every_kind_of_watch_ends_seen_failed_or_not_observed_within_its_limit() {
    let (dev, stg, prd) = (0, 1, 2);
    let answer = |outcome| Request::Answer {
        pipeline: "storefront-deployer-prd".into(),
        stage: "Approval".into(),
        action: "ApproveRelease".into(),
        execution_id: "e-32".into(),
        token: "tok-123456789".into(),
        outcome,
        comment: "ok".into(),
    };
    let start = Request::Start {
        pipeline: "storefront-deployer-dev".into(),
        client_request_token: "t".into(),
        variables: Default::default(),
        source_revisions: Default::default(),
    };
    let transition = |disable_reason: Option<&str>| Request::Transition {
        pipeline: "storefront-deployer-dev".into(),
        stage: "Deploy".into(),
        disable_reason: disable_reason.map(str::to_string),
    };
    let rollback = Request::Rollback {
        pipeline: "storefront-deployer-dev".into(),
        stage: "Deploy".into(),
        target_execution_id: "e-11".into(),
    };
    let invalidate = Request::Invalidate {
        distribution_id: "E2DEVSTOREFRNT".into(),
        paths: vec!["/index.html".into()],
        caller_reference: "r".into(),
    };
    let promote = Request::Promote {
        pipeline: "storefront-deployer-dev".into(),
        bucket: "storefront-deployer-source".into(),
        from_key: "releases/1.5.0/release.zip".into(),
        to_key: "dev/release.zip".into(),
        version: "1.5.0".into(),
    };
    let started = |id: &str| Outcome::done("sent", Some(id.into()));
    let referring = |reference: &str| Outcome {
        reference: Some(reference.into()),
        ..Outcome::done("sent", None)
    };
    let dev_running = |id: &str| {
        let mut e = ex(id, ExecutionStatus::InProgress);
        e.source_revisions[0].revision_id = "v9".into();
        let snap = snapshot("dev", vec![e, ex("e-12", ExecutionStatus::Succeeded)], None);
        stage(snap, "Deploy", id, StageStatus::InProgress)
    };
    // QUEUED mode: past Source, it waits in Deploy's queue behind e-12.
    let dev_queued = |id: &str| {
        let mut e = ex(id, ExecutionStatus::InProgress);
        e.source_revisions[0].revision_id = "v9".into();
        let snap = snapshot(
            "dev",
            vec![e, ex("e-12", ExecutionStatus::InProgress)],
            None,
        );
        let mut snap = stage(snap, "Deploy", "e-12", StageStatus::InProgress);
        if let Ok(state) = snap.state.as_mut() {
            for s in state.stages.iter_mut().filter(|s| s.name == "Deploy") {
                s.queued = vec![StageExecution {
                    pipeline_execution_id: id.into(),
                    status: StageStatus::InProgress,
                }];
            }
        }
        snap
    };
    let waiting_prd = |status| {
        let list = vec![ex("e-31", ExecutionStatus::Succeeded), ex("e-32", status)];
        snapshot("prd", list, Some(("e-32", T0)))
    };
    let mut rollback_ended = snapshot(
        "dev",
        vec![
            ex("e-14", ExecutionStatus::Failed),
            ex("e-12", ExecutionStatus::Succeeded),
        ],
        None,
    );
    rollback_ended.executions[0].status_summary = Some("Deploy failed".into());
    let mut completed = shows(env_snapshot("dev"));
    completed.invalidation = InvalidationStatus::Completed;
    let cases: Vec<(OpKind, usize, Request, Outcome, Shows, Level, &str)> = vec![
        (
            OpKind::Approve,
            prd,
            answer(ApprovalOutcome::Approved),
            Outcome::done("approved", Some("e-32".into())),
            shows(stage(
                waiting_prd(ExecutionStatus::InProgress),
                "Deploy",
                "e-32",
                StageStatus::InProgress,
            )),
            Level::Info,
            "approve prd: approved; execution e-32 moved on to Deploy (InProgress)",
        ),
        (
            OpKind::Approve,
            prd,
            answer(ApprovalOutcome::Approved),
            Outcome::done("approved", Some("e-32".into())),
            shows(waiting_prd(ExecutionStatus::Failed)),
            Level::Error,
            "approve prd: not verified: execution e-32 is Failed",
        ),
        (
            OpKind::Reject,
            prd,
            answer(ApprovalOutcome::Rejected),
            Outcome::done("rejected", Some("e-32".into())),
            shows(waiting_prd(ExecutionStatus::Failed)),
            Level::Info,
            "reject prd: rejected; execution e-32 is Failed",
        ),
        (
            OpKind::Deploy,
            dev,
            start.clone(),
            started("e-13"),
            shows(dev_running("e-13")),
            Level::Info,
            "deploy dev: execution e-13 passed Source and runs Deploy",
        ),
        (
            OpKind::Deploy,
            dev,
            start.clone(),
            started("e-13"),
            shows(dev_queued("e-13")),
            Level::Info,
            "deploy dev: execution e-13 passed Source and waits to enter Deploy",
        ),
        (
            OpKind::Deploy,
            dev,
            start.clone(),
            started("e-13"),
            shows(snapshot(
                "dev",
                vec![ex("e-13", ExecutionStatus::Failed)],
                None,
            )),
            Level::Error,
            "deploy dev: not verified: execution e-13 is Failed",
        ),
        (
            OpKind::Deploy,
            dev,
            start,
            started("e-13"),
            shows(env_snapshot("dev")),
            Level::Warn,
            "deploy dev: not verified: not observed within 10m 00s: execution e-13 is not listed yet",
        ),
        (
            OpKind::Stop,
            prd,
            Request::Stop {
                pipeline: "storefront-deployer-prd".into(),
                execution_id: "e-32".into(),
                abandon: true,
                reason: "bad".into(),
            },
            Outcome::done("stopping", Some("e-32".into())),
            shows(snapshot(
                "prd",
                vec![ex("e-32", ExecutionStatus::Stopped)],
                None,
            )),
            Level::Info,
            "stop prd: execution e-32 is Stopped",
        ),
        (
            OpKind::Retry,
            stg,
            Request::Retry {
                pipeline: "storefront-deployer-stg".into(),
                stage: "Deploy".into(),
                execution_id: "e-22".into(),
                mode: RetryMode::FailedActions,
            },
            Outcome::done("retried", Some("e-22".into())),
            shows(env_snapshot("stg")),
            Level::Warn,
            "retry stg: not verified: not observed within 10m 00s: Deploy has not restarted yet",
        ),
        (
            OpKind::Retry,
            stg,
            Request::Retry {
                pipeline: "storefront-deployer-stg".into(),
                stage: "Deploy".into(),
                execution_id: "e-22".into(),
                mode: RetryMode::FailedActions,
            },
            Outcome::done("retried", Some("e-22".into())),
            shows(stage(
                env_snapshot("stg"),
                "Deploy",
                "e-22",
                StageStatus::InProgress,
            )),
            Level::Info,
            "retry stg: execution e-22 runs Deploy again",
        ),
        (
            OpKind::Rollback,
            dev,
            rollback.clone(),
            started("e-14"),
            shows(snapshot(
                "dev",
                vec![
                    ex("e-14", ExecutionStatus::Succeeded),
                    ex("e-12", ExecutionStatus::Succeeded),
                ],
                None,
            )),
            Level::Info,
            "rollback dev: rollback execution e-14 of Deploy to e-11 is Succeeded",
        ),
        (
            OpKind::Rollback,
            dev,
            rollback,
            started("e-14"),
            shows(rollback_ended),
            Level::Error,
            "rollback dev: not verified: rollback execution e-14 of Deploy to e-11 is Failed: Deploy failed",
        ),
        (
            OpKind::Freeze,
            dev,
            transition(Some("weekend")),
            Outcome::done("disabled", None),
            shows(frozen(env_snapshot("dev"), true)),
            Level::Info,
            "freeze dev: the transition into Deploy is disabled (frozen)",
        ),
        (
            OpKind::Unfreeze,
            dev,
            transition(None),
            Outcome::done("enabled", None),
            shows(frozen(env_snapshot("dev"), true)),
            Level::Warn,
            "unfreeze dev: not verified: not observed within 10m 00s: the transition into Deploy is still disabled (frozen)",
        ),
        (
            OpKind::Invalidate,
            dev,
            invalidate.clone(),
            referring("I1"),
            completed,
            Level::Info,
            "invalidate dev: invalidation I1 is Completed",
        ),
        (
            OpKind::Invalidate,
            dev,
            invalidate,
            referring("I1"),
            shows(env_snapshot("dev")),
            Level::Warn,
            "invalidate dev: not verified: not observed within 20m 00s: invalidation I1 is InProgress",
        ),
        (
            OpKind::Release,
            dev,
            promote.clone(),
            referring("v9"),
            shows(dev_running("e-13")),
            Level::Info,
            "release dev: execution e-13 passed Source and runs Deploy",
        ),
        (
            OpKind::Release,
            dev,
            promote,
            referring("v10"),
            shows(dev_running("e-13")),
            Level::Warn,
            "release dev: not verified: not observed within 15m 00s: storefront-deployer-dev has not started on the new source object yet",
        ),
    ];
    for (kind, env, request, outcome, shows, level, says) in cases {
        let (got, text, took) = follow(kind, env, request, outcome, shows);
        assert_eq!(
            (got, text.as_str()),
            (level, says),
            "{kind:?} after {took:?}"
        );
    }
}

#[test]
fn the_answer_of_the_call_lands_while_the_command_line_is_open() {
    let mut s = loaded();
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Approve));
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::ApplyOp { request, .. }) = fx.first() else {
        panic!("the call is sent: {fx:?}")
    };
    let request = *request;
    // The operator closes the dialog while the call is in flight and opens the command line.
    update(&mut s, Action::Back);
    update(&mut s, Action::CommandOpen);
    let fx = update(
        &mut s,
        Action::Reply(Reply::OpApplied {
            request,
            outcome: Outcome::done("approved", Some("e-32".into())),
            audit_error: None,
        }),
    );
    assert!(s.ops.inflight.is_none(), "the call in flight is answered");
    assert!(s.ops.watch.is_some(), "and watched");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchEnv { env: 2, .. })),
        "prd is refreshed at once: {fx:?}"
    );
    assert!(status(&s).contains("approved"), "{}", status(&s));
}
