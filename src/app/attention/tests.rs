//! The detector and the outbox on hand-made reads: each event once, none after a failed read,
//! history at the baseline, the throttle and the focus.

use super::*;
use crate::app::{EnvView, Stale};
use crate::domain::{
    ActionCategory, ActionDef, ActionExecution, ActionState, ActionStatus, EnvSpec,
    ExecutionStatus, ExecutionSummary, ExecutionType, PipelineDef, PipelineState, StageDef,
    StageExecution, StageState, StageStatus, Transition, Trigger,
};

const T0: Timestamp = Timestamp(1_800_000_000_000);
const MIN: i64 = Timestamp::MINUTE;
const ME: &str = "arn:aws:sts::1:assumed-role/Ops/me";

fn spec() -> EnvSpec {
    EnvSpec {
        name: "prd".into(),
        protected: true,
        read_only: false,
        pipeline: "p-prd".into(),
        source_bucket: "b".into(),
        source_key: "k".into(),
        release_prefix: String::new(),
        distribution_id: "E1".into(),
        logs_bucket: None,
        logs_prefix: String::new(),
        log_groups: Vec::new(),
        build_log_group: None,
        site_url: None,
        api_url: None,
        promotes_from: None,
    }
}

fn def() -> PipelineDef {
    PipelineDef {
        name: "p-prd".into(),
        version: 1,
        stages: vec![StageDef {
            name: "Approval".into(),
            actions: vec![ActionDef {
                name: "Approve".into(),
                category: ActionCategory::Approval,
                provider: "Manual".into(),
                run_order: 1,
                configuration: Default::default(),
                timeout_minutes: None,
            }],
            conditions: Vec::new(),
        }],
        pipeline_type: None,
        execution_mode: Default::default(),
        variables: Vec::new(),
    }
}

/// The approval of execution `exec`: waiting since `since`, or answered by `by`.
fn state(exec: &str, since: Timestamp, status: ActionStatus, by: Option<&str>) -> PipelineState {
    PipelineState {
        name: "p-prd".into(),
        version: 1,
        updated: since,
        stages: vec![StageState {
            name: "Approval".into(),
            latest: Some(StageExecution {
                pipeline_execution_id: exec.into(),
                status: StageStatus::InProgress,
            }),
            actions: vec![ActionState {
                name: "Approve".into(),
                latest: Some(ActionExecution {
                    action_execution_id: format!("a-{exec}"),
                    status,
                    summary: by.map(|_| "ok".to_string()),
                    last_status_change: since,
                    token: (status == ActionStatus::InProgress).then(|| "t".into()),
                    last_updated_by: by.map(str::to_string),
                    external_execution_url: None,
                    percent_complete: None,
                    error: None,
                }),
            }],
            inbound: Transition {
                enabled: true,
                disabled_reason: None,
                last_changed_by: None,
                last_changed_at: None,
            },
            inbound_execution: None,
            queued: Vec::new(),
            conditions: Vec::new(),
            retries: None,
        }],
    }
}

fn execution(id: &str, status: ExecutionStatus, kind: ExecutionType) -> ExecutionSummary {
    ExecutionSummary {
        id: id.into(),
        status,
        status_summary: None,
        stop_reason: None,
        start: T0,
        last_update: T0,
        source_revisions: Vec::new(),
        trigger: Trigger {
            kind: if kind == ExecutionType::Rollback {
                "AutomatedRollback".into()
            } else {
                "StartPipelineExecution".into()
            },
            detail: "arn:aws:sts::1:assumed-role/Dev/bob".into(),
        },
        execution_type: kind,
        execution_mode: None,
        rollback_target: None,
        variables: Vec::new(),
    }
}

/// An environment read at `now` with these executions and this state.
fn read(
    executions: Vec<ExecutionSummary>,
    state: Option<PipelineState>,
    now: Timestamp,
) -> EnvView {
    let mut env = EnvView::new(spec());
    env.def = Some(def());
    env.state = state;
    env.executions = executions;
    env.refreshed_at = Some(now);
    env
}

fn kinds(events: &[Event]) -> Vec<EventKind> {
    events.iter().map(|e| e.kind).collect()
}

#[test]
fn an_approval_waiting_at_the_first_read_is_reported_once_and_history_is_not() {
    let mut d = Detector::default();
    let old_failure = execution("e0", ExecutionStatus::Failed, ExecutionType::Standard);
    let env = read(
        vec![old_failure],
        Some(state("e1", T0, ActionStatus::InProgress, None)),
        T0,
    );
    let first = d.environment(&env, T0, Some(ME));
    assert_eq!(kinds(&first), [EventKind::ApprovalPending], "{first:?}");
    assert_eq!(first[0].id("execution_id"), Some("e1"));
    // The expiry as a time: the summary stays on screen long after it was made.
    let expiry = format!("(expires at {})", (T0 + 7 * Timestamp::DAY).rfc3339());
    assert!(
        first[0].summary.contains(&expiry) && !first[0].summary.contains("expires in"),
        "{}",
        first[0].summary
    );
    assert!(
        d.environment(&env, T0 + MIN, Some(ME)).is_empty(),
        "never twice"
    );
}

#[test]
fn a_failed_read_in_between_neither_repeats_nor_loses_an_event() {
    let mut d = Detector::default();
    let waiting = read(
        vec![execution(
            "e1",
            ExecutionStatus::InProgress,
            ExecutionType::Standard,
        )],
        Some(state("e1", T0, ActionStatus::InProgress, None)),
        T0,
    );
    assert_eq!(d.environment(&waiting, T0, Some(ME)).len(), 1);
    // The next refresh fails: the view keeps the last good reads, marked stale.
    let mut failing = waiting.clone();
    failing.refresh.error = Some(Stale {
        since: T0 + MIN,
        error: "timeout".into(),
        failures: 1,
        throttled: false,
    });
    assert!(d.environment(&failing, T0 + 2 * MIN, Some(ME)).is_empty());
    // Then carol rejected it, and the execution failed: each reported once.
    let answered = read(
        vec![execution(
            "e1",
            ExecutionStatus::Failed,
            ExecutionType::Standard,
        )],
        Some(state(
            "e1",
            T0 + 3 * MIN,
            ActionStatus::Failed,
            Some("arn:aws:sts::1:assumed-role/ReleaseManager/carol"),
        )),
        T0 + 4 * MIN,
    );
    let events = d.environment(&answered, T0 + 4 * MIN, Some(ME));
    assert_eq!(
        kinds(&events),
        [EventKind::DeployFailed, EventKind::ApprovalAnswered],
        "{events:?}"
    );
    assert!(
        events[1].summary.contains("carol rejected"),
        "{}",
        events[1].summary
    );
    assert!(d.environment(&answered, T0 + 5 * MIN, Some(ME)).is_empty());
}

#[test]
fn an_approval_the_operator_answered_is_not_news() {
    let mut d = Detector::default();
    let waiting = read(
        Vec::new(),
        Some(state("e1", T0, ActionStatus::InProgress, None)),
        T0,
    );
    d.environment(&waiting, T0, Some(ME));
    let mine = read(
        Vec::new(),
        Some(state("e1", T0, ActionStatus::Succeeded, Some(ME))),
        T0,
    );
    assert!(d.environment(&mine, T0 + MIN, Some(ME)).is_empty());
}

#[test]
fn expiry_warnings_come_24_hours_and_1_hour_before_on_fresh_reads_only() {
    let mut d = Detector::default();
    let since = T0 - 7 * Timestamp::DAY;
    let env = read(
        Vec::new(),
        Some(state("e1", since, ActionStatus::InProgress, None)),
        T0,
    );
    // Six days in: no warning yet.
    let at = since + 6 * Timestamp::DAY - MIN;
    assert_eq!(
        kinds(&d.environment(&env, at, None)),
        [EventKind::ApprovalPending]
    );
    // 23 hours left, but the last refresh failed: the state may be old, no warning.
    let at = since + 6 * Timestamp::DAY + Timestamp::HOUR;
    let mut stale = env.clone();
    stale.refresh.error = Some(Stale {
        since: at,
        error: "throttled".into(),
        failures: 1,
        throttled: true,
    });
    assert!(d.environment(&stale, at, None).is_empty());
    let warned = d.environment(&env, at, None);
    assert_eq!(kinds(&warned), [EventKind::ApprovalExpiring]);
    assert_eq!(warned[0].id("warning"), Some("24h"));
    assert!(d.environment(&env, at + MIN, None).is_empty());
    let last = d.environment(&env, since + 7 * Timestamp::DAY - 30 * MIN, None);
    assert_eq!(last[0].id("warning"), Some("1h"), "{last:?}");
    let expiry = (since + 7 * Timestamp::DAY).rfc3339();
    assert!(
        last[0]
            .summary
            .contains(&format!("expires within 1h (at {expiry})")),
        "{}",
        last[0].summary
    );
    // Then it fails unanswered: the failure says why (AWS gives no summary for it).
    let mut failed = execution("e1", ExecutionStatus::Failed, ExecutionType::Standard);
    failed.last_update = since + 7 * Timestamp::DAY;
    let after = since + 7 * Timestamp::DAY + MIN;
    let timed_out = read(
        vec![failed],
        Some(state("e1", after, ActionStatus::Failed, None)),
        after,
    );
    let events = d.environment(&timed_out, after, None);
    assert_eq!(kinds(&events), [EventKind::DeployFailed], "{events:?}");
    assert!(
        events[0]
            .summary
            .ends_with("failed: the approval expired unanswered"),
        "{}",
        events[0].summary
    );
}

#[test]
fn rollbacks_and_failures_after_the_first_read_are_reported_once() {
    let mut d = Detector::default();
    let ok = execution("e1", ExecutionStatus::Succeeded, ExecutionType::Standard);
    d.environment(&read(vec![ok.clone()], None, T0), T0, None);
    let failed = execution("e2", ExecutionStatus::Failed, ExecutionType::Standard);
    let rollback = execution("e3", ExecutionStatus::InProgress, ExecutionType::Rollback);
    let env = read(vec![rollback, failed, ok], None, T0 + MIN);
    let events = d.environment(&env, T0 + MIN, None);
    assert_eq!(
        kinds(&events),
        [EventKind::RollbackStarted, EventKind::DeployFailed],
        "{events:?}"
    );
    assert!(
        events[0].summary.contains("automatic rollback"),
        "{}",
        events[0].summary
    );
    assert!(d.environment(&env, T0 + 2 * MIN, None).is_empty());
}

#[test]
fn refreshing_failing_for_five_minutes_is_one_event_per_run_of_failures() {
    let mut d = Detector::default();
    let mut env = read(Vec::new(), None, T0);
    env.refresh.error = Some(Stale {
        since: T0,
        error: "connection refused".into(),
        failures: 3,
        throttled: false,
    });
    assert!(d.environment(&env, T0 + 4 * MIN, None).is_empty());
    let events = d.environment(&env, T0 + 5 * MIN, None);
    assert_eq!(kinds(&events), [EventKind::RefreshFailing]);
    assert!(events[0].summary.contains("connection refused"));
    assert!(d.environment(&env, T0 + 9 * MIN, None).is_empty());
}

#[test]
fn turning_red_is_one_event_until_green_again_and_unknown_changes_nothing() {
    let mut d = Detector::default();
    assert!(d.health("prd", Level::Red, "5xx 4.2% > 1%", T0).is_some());
    assert!(
        d.health("prd", Level::Unknown, "metrics: timeout", T0 + MIN)
            .is_none()
    );
    assert!(
        d.health("prd", Level::Red, "5xx 4.2% > 1%", T0 + 2 * MIN)
            .is_none()
    );
    assert!(d.health("prd", Level::Green, "", T0 + 3 * MIN).is_none());
    assert!(
        d.health("prd", Level::Red, "5xx 3% > 1%", T0 + 4 * MIN)
            .is_some()
    );
}

fn event(kind: EventKind, env: &str, summary: &str) -> Event {
    Event {
        kind,
        environment: env.into(),
        at: T0,
        summary: summary.into(),
        ids: Vec::new(),
        key: summary.into(),
    }
}

fn notes(fx: &[Effect]) -> Vec<(String, String)> {
    fx.iter()
        .filter_map(|f| match f {
            Effect::Notify { title, body } => Some((title.clone(), body.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_outbox_throttles_groups_and_sends_only_while_unfocused() {
    let mut o = Outbox::default();
    o.offer(&event(EventKind::DeployFailed, "prd", "prd: deploy failed"));
    assert_eq!(notes(&o.due(T0, 1.0)).len(), 1, "unknown focus: sent");
    // Within the minute: held, then sent together, the same kind and environment as one line.
    o.offer(&event(
        EventKind::DeployFailed,
        "stg",
        "stg: deploy a failed",
    ));
    o.offer(&event(
        EventKind::DeployFailed,
        "stg",
        "stg: deploy b failed",
    ));
    o.offer(&event(EventKind::ApprovalPending, "prd", "prd: waits"));
    assert!(o.due(T0 + 30 * 1000, 1.0).is_empty(), "throttled");
    let sent = notes(&o.due(T0 + MIN, 1.0));
    assert_eq!(
        sent,
        [(
            "shipdeck: 2 events".to_string(),
            "prd: waits; stg: deploy b failed (and 1 more)".to_string()
        )]
    );
    // Focused: nothing leaves the terminal; what waited is dropped.
    o.offer(&event(EventKind::RollbackStarted, "prd", "prd: rollback"));
    o.focus(true);
    o.offer(&event(EventKind::RollbackStarted, "prd", "prd: rollback 2"));
    assert!(o.due(T0 + 10 * MIN, 1.0).is_empty());
    // A kind turned off in [notify] stays in the console.
    o.focus(false);
    o.settings.kinds.remove(&EventKind::RefreshFailing);
    o.offer(&event(EventKind::RefreshFailing, "prd", "prd: refresh"));
    assert!(o.due(T0 + 20 * MIN, 1.0).is_empty());
}

#[test]
fn the_throttle_is_wall_time_at_the_demos_speed() {
    let mut o = Outbox::default();
    o.offer(&event(EventKind::DeployFailed, "prd", "a"));
    assert_eq!(o.due(T0, 30.0).len(), 1);
    o.offer(&event(EventKind::DeployFailed, "prd", "b"));
    // 10 simulated minutes are 20 wall seconds at 30x: still within the minute.
    assert!(o.due(T0 + 10 * MIN, 30.0).is_empty());
    assert_eq!(o.due(T0 + 30 * MIN, 30.0).len(), 1);
}

#[test]
fn the_json_of_an_event_has_its_keys_then_its_ids() {
    let mut e = event(EventKind::ApprovalPending, "prd", "prd: waits");
    e.ids = vec![("execution_id".into(), "e1".into())];
    assert_eq!(
        e.json().to_string(),
        r#"{"event":"approval_pending","environment":"prd","at":"2027-01-15T08:00:00Z","summary":"prd: waits","execution_id":"e1"}"#
    );
}

#[test]
fn an_approval_first_seen_within_a_day_of_expiry_is_one_event_then_the_last_hours_warning() {
    let mut d = Detector::default();
    let since = T0 - 6 * Timestamp::DAY - 2 * Timestamp::HOUR;
    let env = read(
        Vec::new(),
        Some(state("e1", since, ActionStatus::InProgress, None)),
        T0,
    );
    let first = d.environment(&env, T0, None);
    assert_eq!(kinds(&first), [EventKind::ApprovalPending], "{first:?}");
    let expiry = (since + 7 * Timestamp::DAY).rfc3339();
    assert!(
        first[0].summary.contains(&format!("(expires at {expiry})")),
        "{}",
        first[0].summary
    );
    let last = d.environment(&env, since + 7 * Timestamp::DAY - 59 * MIN, None);
    assert_eq!(kinds(&last), [EventKind::ApprovalExpiring]);
    assert_eq!(last[0].id("warning"), Some("1h"));
}

/// Reads far apart on the simulated clock (a high demo speed): the 1 h mark passed between two
/// reads while the approval still waits is one warning, even when the next read comes after the
/// deadline itself; the 24 h mark passed in the same step is not told as well.
#[test]
fn a_warning_mark_passed_between_two_reads_fires_once() {
    let mut d = Detector::default();
    let since = T0 - 7 * Timestamp::DAY;
    let env = read(
        Vec::new(),
        Some(state("e1", since, ActionStatus::InProgress, None)),
        T0,
    );
    let deadline = since + 7 * Timestamp::DAY;
    let first = d.environment(&env, deadline - 2 * Timestamp::DAY, None);
    assert_eq!(kinds(&first), [EventKind::ApprovalPending]);
    // The next read: both marks passed and the deadline too, the approval still shown waiting.
    let late = d.environment(&env, deadline + 2 * MIN, None);
    assert_eq!(kinds(&late), [EventKind::ApprovalExpiring], "{late:?}");
    assert_eq!(late[0].id("warning"), Some("1h"));
    assert!(
        late[0].summary.contains("reached its expiry"),
        "{}",
        late[0].summary
    );
    assert!(
        d.environment(&env, deadline + 3 * MIN, None).is_empty(),
        "once"
    );
    // Stepping from over an hour left to a few minutes left: the 1 h warning, once.
    let mut d = Detector::default();
    d.environment(&env, deadline - 3 * Timestamp::HOUR, None);
    let step = d.environment(&env, deadline - 5 * MIN, None);
    assert_eq!(kinds(&step), [EventKind::ApprovalExpiring]);
    assert!(
        step[0]
            .summary
            .contains(&format!("expires within 1h (at {})", deadline.rfc3339())),
        "{}",
        step[0].summary
    );
}
