//! End to end: the whole app, headless, against the simulator for hours of simulated time;
//! what it shows must match the simulator's truth.

use crate::support;

use shipdeck::accesslog::impact::Verdict;
use shipdeck::app::{Action, MARKED_EXECUTIONS, MarkerKind, View};
use shipdeck::cloud::sim::FaultRates;
use shipdeck::domain::{ExecutionStatus, Timestamp};
use support::sim::Rig;
use support::truth::assert_matches_truth;

#[tokio::test]
async fn twelve_simulated_hours_match_the_simulators_truth() {
    let mut rig = Rig::new(7);
    rig.start().await;
    assert_matches_truth(&rig, "start");
    let mut seen = std::collections::HashSet::new();
    for hour in 1..=12 {
        rig.run(Timestamp::HOUR, 5 * Timestamp::SECOND).await;
        // Refresh at this instant (no simulated time passes), then compare.
        rig.app.dispatch(Action::Refresh);
        rig.app.settle().await;
        assert_matches_truth(&rig, &format!("hour {hour}"));
        for env in &rig.app.state.envs {
            seen.extend(env.executions.iter().map(|e| e.status));
        }
    }
    assert!(seen.contains(&ExecutionStatus::Succeeded));
    assert!(seen.contains(&ExecutionStatus::InProgress) || seen.contains(&ExecutionStatus::Failed));
}

#[tokio::test]
async fn after_faults_stop_the_shown_state_catches_up_within_two_polling_rounds() {
    let mut rig = Rig::new(11);
    rig.start().await;
    rig.sim.with(|s| {
        s.set_faults(FaultRates {
            throttle: 0.1,
            timeout: 0.05,
            server_error: 0.1,
            expired_credentials: 0.02,
            // Expired credentials stay so until the operator logs in again.
            relogin_after: Some(2 * Timestamp::MINUTE),
            ..FaultRates::none()
        })
    });
    rig.run(3 * Timestamp::HOUR, 5 * Timestamp::SECOND).await;
    let faults = rig.sim.with(|s| s.stats().total_faults());
    assert!(faults > 0, "faults were injected");
    rig.sim.with(|s| s.set_faults(FaultRates::none()));
    // Backoff may push the next poll out to max_backoff; two rounds of that bound the catch-up.
    let policy = rig.app.state.poll;
    rig.run(2 * policy.max_backoff, 5 * Timestamp::SECOND).await;
    // Compare without an explicit refresh: polling alone must have caught up. The truth may have
    // moved since the last poll, so freeze time and let due polls land first.
    let now = rig.now();
    rig.app.tick(now).await;
    let polled_recently = rig
        .app
        .state
        .envs
        .iter()
        .all(|e| e.refreshed_at.is_some_and(|t| now.since(t) <= policy.idle));
    assert!(
        polled_recently,
        "every environment polled within the idle period"
    );
    rig.app.dispatch(Action::Refresh);
    rig.app.settle().await;
    assert_matches_truth(&rig, "after faults");
}

/// Every record of the distribution's log objects from the tail's first hour on, counted
/// exactly by reading each object in the bucket (through the storage port, as the app does):
/// (records read, records from the look-back on, records in the last hour to the newest one,
/// objects, objects delivered late).
async fn exact_records(rig: &Rig, env: usize) -> (u64, u64, u64, usize, usize) {
    use shipdeck::accesslog::{LogFields, hour_floor, key_hour};
    let state = &rig.app.state;
    let spec = &state.envs[env].spec;
    let bucket = spec.logs_bucket.as_deref().unwrap_or_default();
    let since = state.traffic.since;
    let storage = rig.sim.cloud().storage;
    let prefix = format!("{}{}.", spec.logs_prefix, spec.distribution_id);
    let (mut records, mut objects, mut late) = (0u64, 0usize, 0usize);
    let mut times: Vec<i64> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = storage
            .list_objects(bucket, &prefix, None, token.as_deref(), 1000)
            .await
            .unwrap();
        for o in &page.objects {
            let hour = key_hour(&o.key, &spec.logs_prefix, &spec.distribution_id).unwrap();
            if hour < hour_floor(since) {
                continue;
            }
            objects += 1;
            if o.last_modified.since(hour) > 2 * Timestamp::HOUR {
                late += 1;
            }
            let body = storage.get_object(bucket, &o.key).await.unwrap();
            shipdeck::accesslog_io::read_bytes(&body, &o.key, &mut |v| {
                records += 1;
                times.push(v.timestamp_ms());
            });
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    times.retain(|&t| t >= since.millis());
    let counted = times.len() as u64;
    // The last hour back from the console's clock when the tail last took records, from its
    // 10-second step (as the charts count it), never before the read's start.
    let slot = 10_000;
    let now = state.traffic.now.millis();
    let start = ((now - Timestamp::HOUR).div_euclid(slot) * slot).max(since.millis());
    let listed = times.iter().filter(|&&t| t >= start).count() as u64;
    (records, counted, listed, objects, late)
}

#[tokio::test]
async fn the_traffic_tail_counts_every_record_once_even_when_files_arrive_late() {
    // A seed whose ten hours have log files delivered hours late.
    let mut rig = Rig::with_traffic(3, 0.2);
    rig.start().await;
    rig.app.dispatch(Action::Show(View::Environments));
    rig.app.dispatch(Action::Bottom);
    rig.app.dispatch(Action::Show(View::Traffic));
    rig.app.settle().await;
    let env = rig.app.state.selected;
    rig.run(10 * Timestamp::HOUR, 15 * Timestamp::SECOND).await;
    // Freeze the bucket (the simulator's clock stays) and let the app's clock pass a deep
    // re-list of the last 24 hours, so every file delivered so far has been listed.
    let frozen = rig.now();
    rig.app.tick(frozen + 6 * Timestamp::MINUTE).await;
    let (records, counted, listed, objects, late) = exact_records(&rig, env).await;
    let t = &rig.app.state.traffic;
    assert!(late > 0, "some log files were delivered hours late");
    assert!(
        records > 1000,
        "enough traffic to mean something: {records}"
    );
    assert_eq!(t.objects as usize, objects, "each object read once");
    assert_eq!(t.records.pushed(), records, "each record read once");
    assert_eq!(
        t.stats.requests(),
        counted,
        "statistics over the records from the look-back on"
    );
    assert!(listed < counted, "ten hours read, one listed");
    assert_eq!(
        t.rows.len() as u64,
        listed,
        "listed: the last hour back from now"
    );
    let chart = t
        .panel
        .snapshot
        .as_ref()
        .expect("the charts of the last hour");
    assert_eq!(chart.requests, listed, "the charts count the rows listed");
    assert_eq!(t.object_errors, 0);
    assert!(t.load.error.is_none(), "{:?}", t.load.error);
}

/// A rig run until a build action has failed: the rig and that environment.
async fn failed_build() -> (Rig, usize) {
    use shipdeck::domain::ActionStatus;
    let mut rig = Rig::new(42);
    rig.start().await;
    let mut failed = None;
    for _ in 0..(3 * 24 * 6) {
        rig.run(10 * Timestamp::MINUTE, 10 * Timestamp::SECOND)
            .await;
        failed = rig.app.state.envs.iter().position(|e| {
            e.state.as_ref().is_some_and(|s| {
                s.stages.iter().any(|st| {
                    st.actions.iter().any(|a| {
                        a.latest
                            .as_ref()
                            .is_some_and(|l| l.status == ActionStatus::Failed)
                    })
                })
            }) && e.def.as_ref().is_some_and(|d| {
                d.stages
                    .iter()
                    .flat_map(|s| &s.actions)
                    .any(|a| a.provider == "CodeBuild")
            })
        });
        if failed.is_some() {
            break;
        }
    }
    let env = failed.expect("a build fails within three simulated days at seed 42");
    (rig, env)
}

/// The failed build run of `env` as the simulator answers `ListActionExecutions`.
fn failed_run(rig: &Rig, env: usize) -> shipdeck::domain::ActionExecutionDetail {
    use shipdeck::domain::ActionStatus;
    let e = &rig.app.state.envs[env];
    let (exec, action) = e
        .state
        .as_ref()
        .unwrap()
        .stages
        .iter()
        .find_map(|st| {
            st.actions.iter().find_map(|a| {
                let failed = a.latest.as_ref()?.status == ActionStatus::Failed;
                failed.then(|| {
                    (
                        st.latest.clone().unwrap().pipeline_execution_id,
                        a.name.clone(),
                    )
                })
            })
        })
        .unwrap();
    let pipeline = e.spec.pipeline.clone();
    rig.sim
        .with(|s| s.action_executions(&pipeline, &exec))
        .into_iter()
        .filter(|d| d.action == action && d.status == ActionStatus::Failed)
        .max_by_key(|d| d.start)
        .expect("the failed build's run")
}

#[tokio::test]
async fn the_build_log_jump_lands_on_the_failed_builds_stream() {
    let (mut rig, env) = failed_build().await;
    rig.app.dispatch(Action::SelectRow(env));
    rig.app.dispatch(Action::Open);
    assert_eq!(rig.app.state.view, View::Pipeline);
    // As from AWS: a CodeBuild run has no log stream ARN, only its build id `project:uuid`.
    let run = failed_run(&rig, env);
    assert_eq!(
        run.log_stream_arn, None,
        "documented for Commands actions only"
    );
    let id = run.external_execution_id.clone().expect("project:build-id");
    let (_, build) = id.split_once(':').unwrap();
    // The projects log to the group the configuration names, stream = build id.
    let group = rig.app.state.envs[env]
        .spec
        .build_log_group
        .clone()
        .unwrap();
    let stream = build.to_string();
    rig.app.dispatch(Action::BuildLog);
    rig.app.settle().await;
    let state = &rig.app.state;
    assert_eq!(state.view, View::Logs);
    assert_eq!(state.selected, env);
    assert_eq!(state.logs.stream, Some((group, stream.clone())));
    assert!(!state.logs.events.is_empty(), "the build's lines are shown");
    assert!(
        state.logs.events.iter().all(|ev| ev.stream == stream),
        "only the build's stream"
    );
    assert_eq!(state.logs.load.error, None);
    // Esc leaves the build log for the environment's whole log groups.
    rig.app.dispatch(Action::Back);
    rig.app.settle().await;
    assert_eq!(rig.app.state.logs.stream, None);
    assert_eq!(rig.app.state.view, View::Logs);
}

#[tokio::test]
async fn a_build_log_in_a_group_the_configuration_does_not_name_is_said_not_found() {
    let (mut rig, env) = failed_build().await;
    // The projects log to their own group, which this configuration does not name.
    rig.app.state.envs[env].spec.build_log_group = None;
    let run = failed_run(&rig, env);
    let id = run.external_execution_id.clone().unwrap();
    let (project, build) = id.split_once(':').unwrap();
    rig.app.dispatch(Action::SelectRow(env));
    rig.app.dispatch(Action::Open);
    rig.app.dispatch(Action::BuildLog);
    rig.app.settle().await;
    let state = &rig.app.state;
    let tried = format!("/aws/codebuild/{project}");
    assert_eq!(
        state.logs.stream,
        Some((tried.clone(), build.to_string())),
        "CodeBuild's default group"
    );
    assert!(state.logs.events.is_empty());
    let error = state.logs.load.error.clone().unwrap_or_default();
    assert!(
        error.starts_with(&format!(
            "build log not found: no stream {build} in {tried} ("
        )),
        "{error}"
    );
    assert!(
        error.ends_with(&format!(
            "set build_log_group for {} in the configuration",
            state.envs[env].spec.name
        )),
        "{error}"
    );
    assert_eq!(
        state.status.as_ref().map(|m| m.text.as_str()),
        Some(error.as_str()),
        "the status bar says it too"
    );
}

/// A marker as the tests compare it: when and what.
type Mark = (Timestamp, MarkerKind);

/// The Traffic view's markers, and the truth: the Deploy and approval runs of the executions
/// the markers cover, as the simulator recorded them, and the distribution's invalidations
/// (the deployer's and any other) made since the tail's look-back, as of the last listing.
fn markers_and_truth(rig: &Rig) -> (Vec<Mark>, Vec<Mark>) {
    use shipdeck::domain::{ActionStatus, ExecutionType};
    let state = &rig.app.state;
    let env = &state.envs[state.traffic.env];
    let mut truth = Vec::new();
    for e in env.executions.iter().take(MARKED_EXECUTIONS) {
        for r in rig
            .sim
            .with(|s| s.action_executions(&env.spec.pipeline, &e.id))
        {
            let kind = match (r.stage.as_str(), r.status, e.execution_type) {
                ("Deploy", ActionStatus::Succeeded, ExecutionType::Rollback) => {
                    MarkerKind::Rollback
                }
                ("Deploy", ActionStatus::Succeeded, _) => MarkerKind::Deploy,
                ("Approval", ActionStatus::Succeeded | ActionStatus::Failed, _) => {
                    MarkerKind::Approval
                }
                _ => continue,
            };
            truth.push((r.last_update, kind));
        }
    }
    let listed = state.traffic.marks.invalidations_asked.expect("listed");
    for i in rig
        .sim
        .with(|s| s.all_invalidations(&env.spec.distribution_id))
    {
        if i.created >= state.traffic.since && i.created <= listed {
            truth.push((i.created, MarkerKind::Invalidation));
        }
    }
    // At one time, the marker that shows first (a deploy before its own invalidation) comes last.
    truth.sort_by_key(|(t, k)| (*t, std::cmp::Reverse(k.rank())));
    let seen = state
        .traffic_markers()
        .iter()
        .map(|m| (m.at, m.kind))
        .collect();
    (seen, truth)
}

#[tokio::test]
async fn the_traffic_charts_mark_each_deploy_and_approval_where_the_pipeline_recorded_it() {
    let mut rig = Rig::with_traffic(5, 0.2);
    rig.start().await;
    rig.select("prd");
    rig.app.dispatch(Action::Show(View::Traffic));
    rig.app.dispatch(Action::NextPreset);
    rig.app.settle().await;
    rig.run(3 * Timestamp::HOUR, 15 * Timestamp::SECOND).await;
    let (seen, truth) = markers_and_truth(&rig);
    assert_eq!(seen, truth);
    assert!(
        seen.iter().any(|(_, k)| *k == MarkerKind::Deploy),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|(_, k)| *k == MarkerKind::Approval),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|(_, k)| *k == MarkerKind::Invalidation),
        "the deployer's invalidations: {seen:?}"
    );
    // One made meanwhile is marked at its creation time within a minute.
    let dist = rig.app.state.envs[rig.app.state.selected]
        .spec
        .distribution_id
        .clone();
    let made = rig
        .sim
        .cloud()
        .cdn
        .create_invalidation(&dist, &["/index.html".into()], "e2e-marker")
        .await
        .unwrap();
    rig.run(Timestamp::MINUTE, 15 * Timestamp::SECOND).await;
    let (seen, truth) = markers_and_truth(&rig);
    assert_eq!(seen, truth);
    assert!(
        seen.contains(&(made.created, MarkerKind::Invalidation)),
        "{seen:?}"
    );
    // A listing that fails keeps the invalidations listed before (they did not vanish) and says
    // that any made since are unknown; one made meanwhile is not marked until a listing works.
    rig.sim.with(|s| s.deny("ListInvalidations"));
    let later = rig
        .sim
        .cloud()
        .cdn
        .create_invalidation(&dist, &["/app.js".into()], "e2e-unseen")
        .await
        .unwrap();
    rig.run(Timestamp::MINUTE, 15 * Timestamp::SECOND).await;
    let t = &rig.app.state.traffic;
    let unknown = t.marks.invalidations_unknown(t.since).unwrap_or_default();
    assert!(
        unknown.starts_with("invalidations after ")
            && !unknown.contains(" or before ")
            && unknown.contains("ListInvalidations"),
        "{unknown}"
    );
    let kept: Vec<_> = rig
        .app
        .state
        .traffic_markers()
        .iter()
        .filter(|m| m.kind == MarkerKind::Invalidation)
        .map(|m| m.at)
        .collect();
    assert!(kept.contains(&made.created), "{kept:?}");
    assert!(!kept.contains(&later.created), "{kept:?}");
    rig.sim.with(|s| s.allow("ListInvalidations"));
    rig.run(Timestamp::MINUTE, 15 * Timestamp::SECOND).await;
    assert_eq!(
        rig.app
            .state
            .traffic
            .marks
            .invalidations_unknown(rig.app.state.traffic.since),
        None
    );
    assert!(
        rig.app
            .state
            .traffic_markers()
            .iter()
            .any(|m| m.kind == MarkerKind::Invalidation && m.at == later.created)
    );
    // prd's newest deploy is older than the logs read: its impact is unknown, not empty.
    rig.app.dispatch(Action::ToggleImpact);
    let impact = rig
        .app
        .state
        .traffic
        .marks
        .impact
        .clone()
        .expect("the panel");
    assert_eq!(impact.verdict, Verdict::Unknown);
    assert!(
        impact.reasons[0].contains("were not read"),
        "{:?}",
        impact.reasons
    );
    // dev (the next environment, wrapping) deploys more often: its newest deploy is measured
    // from the records read.
    rig.app.dispatch(Action::NextEnv);
    assert_eq!(rig.app.state.envs[rig.app.state.selected].spec.name, "dev");
    rig.run(30 * Timestamp::SECOND, 15 * Timestamp::SECOND)
        .await;
    let (seen, truth) = markers_and_truth(&rig);
    assert_eq!(seen, truth);
    let newest = seen.iter().rev().find(|(_, k)| k.is_deploy()).copied();
    rig.app.dispatch(Action::ToggleImpact);
    let t = &rig.app.state.traffic;
    let impact = t.marks.impact.as_ref().expect("the panel's numbers");
    assert_eq!(Some(impact.at), newest.map(|(at, _)| at));
    assert!(impact.before.requests > 0, "{impact:?}");
    assert_ne!(impact.verdict, Verdict::Unknown, "{impact:?}");
}

/// The release-health panel's `B` rolls back to the execution before the deploy it judged, not
/// to the newest earlier one; when the judged deploy is not what runs now, it says that the
/// rollback undoes both.
#[tokio::test]
async fn the_release_health_rollback_chooses_the_execution_before_the_judged_deploy() {
    use shipdeck::ops::OpKind;
    let mut rig = Rig::with_traffic(5, 0.05);
    rig.start().await;
    rig.select("dev");
    rig.app.dispatch(Action::Show(View::Traffic));
    rig.app.dispatch(Action::NextPreset);
    rig.app.settle().await;
    rig.run(3 * Timestamp::HOUR, 15 * Timestamp::SECOND).await;
    rig.app.dispatch(Action::ToggleImpact);
    let deploys: Vec<_> = (rig.app.state.traffic_markers().into_iter())
        .filter(|m| m.kind == MarkerKind::Deploy)
        .collect();
    assert!(deploys.len() >= 2, "two deploys to judge: {deploys:?}");
    let older = deploys[deploys.len() - 2].clone();
    for _ in 0..64 {
        if rig.app.state.selected_marker().map(|m| m.execution) == Some(older.execution.clone()) {
            break;
        }
        rig.app.dispatch(Action::NextMarker);
    }
    assert_eq!(
        rig.app.state.selected_marker().map(|m| m.execution),
        Some(older.execution.clone()),
        "the panel judges the older deploy"
    );
    rig.app.dispatch(Action::Op(OpKind::Rollback));
    rig.app.settle().await;
    let d = rig
        .app
        .state
        .ops
        .dialog
        .clone()
        .expect("the rollback dialog");
    assert_eq!(d.before.as_deref(), Some(older.execution.as_str()));
    let Some(Ok(listed)) = &d.candidates else {
        panic!("the stage's listing: {:?}", d.candidates)
    };
    let at = listed
        .iter()
        .position(|e| e.id == older.execution)
        .expect("the judged deploy succeeded in the stage");
    assert!(at > 0, "a newer deploy runs now");
    let before = listed[at + 1..]
        .iter()
        .find(|e| e.execution_type == shipdeck::domain::ExecutionType::Standard)
        .expect("an execution before it");
    assert_eq!(d.text.trim(), before.id, "the one before the judged deploy");
    assert_ne!(
        d.text.trim(),
        older.execution,
        "never the judged deploy itself"
    );
    let said = rig
        .app
        .state
        .status
        .clone()
        .map(|s| s.text)
        .unwrap_or_default();
    assert!(
        said.contains("runs now, deployed after the one judged") && said.contains("undoes both"),
        "{said}"
    );
    // From the list, with no deploy judged, the newest earlier execution is offered.
    rig.app.dispatch(Action::Back);
    rig.app.dispatch(Action::ToggleImpact);
    rig.app.dispatch(Action::Op(OpKind::Rollback));
    rig.app.settle().await;
    let d = rig
        .app
        .state
        .ops
        .dialog
        .clone()
        .expect("the rollback dialog");
    assert_eq!(d.before, None);
    let newest_earlier = listed[1..]
        .iter()
        .find(|e| e.execution_type == shipdeck::domain::ExecutionType::Standard)
        .unwrap();
    assert_eq!(d.text.trim(), newest_earlier.id);
}

/// The release-health panel of a deploy followed within half an hour by another: its
/// after-window stops where the next deploy reached the environment (what follows is that
/// deploy's traffic), as its before-window starts at the deploy before it.
#[tokio::test]
async fn a_deploys_after_window_stops_at_the_next_deploy() {
    let mut rig = Rig::with_traffic(42, 1.0);
    rig.start().await;
    rig.app.dispatch(Action::Show(View::Traffic));
    rig.app.dispatch(Action::NextPreset);
    rig.app.settle().await;
    rig.run(Timestamp::MINUTE, 15 * Timestamp::SECOND).await;
    let markers = rig.app.state.traffic_markers();
    let deploys: Vec<(usize, Timestamp)> = (markers.iter().enumerate())
        .filter(|(_, m)| m.kind == MarkerKind::Deploy)
        .map(|(i, m)| (i, m.at))
        .collect();
    let window = shipdeck::accesslog::impact::WINDOW;
    let Some(pair) = deploys.windows(2).find(|p| p[1].1.since(p[0].1) < window) else {
        panic!("two of dev's deploys within {window} ms: {deploys:?}");
    };
    let ((first, at), (_, next)) = (pair[0], pair[1]);
    rig.app.state.traffic.marks.selected = Some(first);
    rig.app.dispatch(Action::ToggleImpact);
    let impact = rig
        .app
        .state
        .traffic
        .marks
        .impact
        .clone()
        .expect("measured");
    assert_eq!(impact.at, at);
    assert_eq!(impact.after.from, at);
    assert_eq!(impact.after.to, next, "{impact:?}");
}
