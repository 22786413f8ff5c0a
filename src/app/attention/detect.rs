//! Event detection: what changed between one environment's reads that someone should know about.
//!
//! Each event has a key (its kind, environment and ids); a key once reported is never reported
//! again, so a refresh that fails and one that succeeds later cannot repeat or lose an event. Only
//! what a successful read shows counts: a failed read leaves the memory as it was (unknown is
//! not "the approval disappeared"). The first read of an environment is the baseline: what
//! waits then (an approval) is reported, what is history (old failures, old rollbacks, old
//! answers) is not.

use super::{Event, EventKind};
use crate::app::EnvView;
use crate::domain::{
    ActionCategory, ActionStatus, Approval, ExecutionStatus, ExecutionType, Level, Millis,
    Timestamp,
};
use std::collections::{BTreeMap, BTreeSet};

/// How long refreshing must fail before it is an event.
pub const REFRESH_FAILING_AFTER: Millis = 5 * Timestamp::MINUTE;

/// The warnings before an approval expires: how long before, and the label.
pub const EXPIRY_WARNINGS: [(Millis, &str); 2] = [(Timestamp::DAY, "24h"), (Timestamp::HOUR, "1h")];

/// What the detector remembers across reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Detector {
    /// Keys of the events reported (or taken as history at the baseline).
    seen: BTreeSet<String>,
    /// Environments whose executions were read once (their baseline is taken).
    executions_read: BTreeSet<String>,
    /// Environments whose pipeline state was read once.
    state_read: BTreeSet<String>,
    /// Per environment, whether it is red now (`false`: green or yellow; absent or unchanged
    /// while unknown).
    red: BTreeMap<String, bool>,
    /// When each approval seen waiting expires, by `environment|execution`: a failure without
    /// a reason after that time is the approval expiring unanswered.
    expiry: BTreeMap<String, Timestamp>,
}

impl Detector {
    /// The events one environment's view shows at `now` that were not reported before; `me` is
    /// the operator's own identity (an approval they answered is not news to them).
    pub fn environment(&mut self, env: &EnvView, now: Timestamp, me: Option<&str>) -> Vec<Event> {
        let mut out = Vec::new();
        let name = env.spec.name.clone();
        if env.refreshed_at.is_some() {
            let first = self.executions_read.insert(name.clone());
            self.executions(env, first, &mut out);
        }
        if let Some(approvals) = env.state.as_ref().and(env.approvals_known().ok()) {
            let first = self.state_read.insert(name.clone());
            // Stale data is not news: deadlines are judged on a state that is read fine.
            let fresh = env.refresh.error.is_none();
            self.approvals(&approvals, now, fresh, &mut out);
            self.answers(env, first, me, &mut out);
        }
        self.refresh_failing(env, now, &mut out);
        out
    }

    /// One environment's health level now (the map's verdict) and why; turning red is an event,
    /// once until it is green or yellow again (unknown changes nothing).
    pub fn health(
        &mut self,
        environment: &str,
        level: Level,
        why: &str,
        now: Timestamp,
    ) -> Option<Event> {
        let was = self.red.get(environment).copied();
        match level {
            Level::Red => {
                self.red.insert(environment.to_string(), true);
                (was != Some(true)).then(|| Event {
                    kind: EventKind::EnvironmentRed,
                    environment: environment.to_string(),
                    at: now,
                    summary: format!("{environment} turned red: {why}"),
                    ids: Vec::new(),
                    key: format!("red|{environment}|{}", now.millis()),
                })
            }
            Level::Green | Level::Yellow | Level::None => {
                self.red.insert(environment.to_string(), false);
                None
            }
            Level::Unknown => None,
        }
    }

    fn report(&mut self, event: Event, out: &mut Vec<Event>) {
        if self.seen.insert(event.key.clone()) {
            out.push(event);
        }
    }

    /// Failed deploys and rollbacks: each execution once; at the baseline, history.
    fn executions(&mut self, env: &EnvView, baseline: bool, out: &mut Vec<Event>) {
        let name = &env.spec.name;
        let pipeline = &env.spec.pipeline;
        for x in &env.executions {
            let ids = vec![
                ("pipeline".to_string(), pipeline.clone()),
                ("execution_id".to_string(), x.id.clone()),
            ];
            let version = x
                .release()
                .map(|r| format!(" ({})", r.version))
                .unwrap_or_default();
            if x.execution_type == ExecutionType::Rollback {
                let key = format!("rollback|{name}|{}", x.id);
                let how = match x.trigger.kind.as_str() {
                    "AutomatedRollback" => "automatic rollback".to_string(),
                    _ => format!("rollback by {}", x.trigger.actor()),
                };
                let target = x
                    .rollback_target
                    .as_deref()
                    .map(|t| format!(" to {}", short(t)))
                    .unwrap_or_default();
                let event = Event {
                    kind: EventKind::RollbackStarted,
                    environment: name.clone(),
                    at: x.start,
                    summary: format!("{name}: {how} started{target}{version}"),
                    ids: ids.clone(),
                    key,
                };
                self.history_or_report(baseline, event, out);
            }
            if x.status == ExecutionStatus::Failed {
                let expired = self
                    .expiry
                    .get(&format!("{name}|{}", x.id))
                    .is_some_and(|at| x.last_update >= *at);
                let why = match x.status_summary.as_deref() {
                    Some(s) => format!(": {s}"),
                    None if expired => ": the approval expired unanswered".to_string(),
                    None => String::new(),
                };
                let what = if x.execution_type == ExecutionType::Rollback {
                    "rollback"
                } else {
                    "deploy"
                };
                let event = Event {
                    kind: EventKind::DeployFailed,
                    environment: name.clone(),
                    at: x.last_update,
                    summary: format!("{name}: {what} {} failed{version}{why}", short(&x.id)),
                    ids,
                    key: format!("failed|{name}|{}", x.id),
                };
                self.history_or_report(baseline, event, out);
            }
        }
    }

    fn history_or_report(&mut self, baseline: bool, event: Event, out: &mut Vec<Event>) {
        if baseline {
            self.seen.insert(event.key);
        } else {
            self.report(event, out);
        }
    }

    /// Approvals waiting (also at the baseline: they need someone now) and the warnings before
    /// each expires.
    fn approvals(
        &mut self,
        approvals: &[Approval],
        now: Timestamp,
        fresh: bool,
        out: &mut Vec<Event>,
    ) {
        for a in approvals {
            let name = &a.environment;
            let ids = approval_ids(a);
            let release = a
                .release
                .as_ref()
                .map(|r| format!(" {}", r.version))
                .unwrap_or_default();
            let base = format!("{name}|{}|{}|{}", a.execution_id, a.stage, a.action);
            self.expiry
                .insert(format!("{name}|{}", a.execution_id), a.expires_at());
            let left = a.time_left(now);
            let reported = out.len();
            self.report(
                Event {
                    kind: EventKind::ApprovalPending,
                    environment: name.clone(),
                    at: a.waiting_since,
                    // The expiry as a time, not a time left: the summary stays on screen (the
                    // status bar, the Attention view) and in `watch` long after it was made.
                    summary: format!(
                        "{name}: release{release} waits for approval (expires at {})",
                        a.expires_at().rfc3339()
                    ),
                    ids: ids.clone(),
                    key: format!("pending|{base}"),
                },
                out,
            );
            // Reported just now, with its time left: the warnings already due go with it.
            let new = out.len() > reported;
            if !fresh {
                continue;
            }
            // The marks passed while it waited (a warning longer than the approval's whole
            // timeout would come with the approval itself: it is not given). Reads are apart
            // (a minute, or far more of simulated time at a high demo speed): a mark passed
            // since the last read still fires, once, and of several passed together only the
            // nearest one, the older ones no longer being news.
            let passed: Vec<(Millis, &str)> = EXPIRY_WARNINGS
                .into_iter()
                .filter(|(before, _)| a.timeout > *before && left <= *before)
                .collect();
            let nearest = passed.iter().map(|(b, _)| *b).min();
            for (before, label) in passed {
                let key = format!("expiring{label}|{base}");
                if new || Some(before) != nearest {
                    self.seen.insert(key);
                    continue;
                }
                let summary = if left > 0 {
                    format!(
                        "{name}: the approval of{release} expires within {label} (at {})",
                        a.expires_at().rfc3339()
                    )
                } else {
                    format!(
                        "{name}: the approval of{release} reached its expiry at {} and still \
                         waits: it fails unanswered",
                        a.expires_at().rfc3339()
                    )
                };
                self.report(
                    Event {
                        kind: EventKind::ApprovalExpiring,
                        environment: name.clone(),
                        at: a.expires_at() - before,
                        summary,
                        ids: {
                            let mut ids = ids.clone();
                            ids.push(("warning".into(), label.into()));
                            ids
                        },
                        key,
                    },
                    out,
                );
            }
        }
    }

    /// Approvals someone else answered: an approval action's latest run ended with who answered.
    fn answers(&mut self, env: &EnvView, baseline: bool, me: Option<&str>, out: &mut Vec<Event>) {
        let (Some(def), Some(state)) = (&env.def, &env.state) else {
            return;
        };
        let name = &env.spec.name;
        for stage in &state.stages {
            let Some(sdef) = def.stages.iter().find(|s| s.name == stage.name) else {
                continue;
            };
            let execution = stage
                .latest
                .as_ref()
                .map(|l| l.pipeline_execution_id.clone())
                .unwrap_or_default();
            for action in &stage.actions {
                let is_approval = sdef
                    .actions
                    .iter()
                    .any(|a| a.name == action.name && a.category == ActionCategory::Approval);
                let Some(latest) = action.latest.as_ref().filter(|_| is_approval) else {
                    continue;
                };
                let answer = match latest.status {
                    ActionStatus::Succeeded => "approved",
                    ActionStatus::Failed => "rejected",
                    _ => continue,
                };
                // No one's name: it timed out (that failure shows as a failed deploy).
                let Some(by) = latest.last_updated_by.as_deref().filter(|b| !b.is_empty()) else {
                    continue;
                };
                if me == Some(by) {
                    self.seen.insert(format!(
                        "answered|{name}|{execution}|{}|{}",
                        stage.name, action.name
                    ));
                    continue;
                }
                let who = by.rsplit('/').next().unwrap_or(by);
                let note = latest
                    .summary
                    .as_deref()
                    .map(|s| format!(": \"{s}\""))
                    .unwrap_or_default();
                let event = Event {
                    kind: EventKind::ApprovalAnswered,
                    environment: name.clone(),
                    at: latest.last_status_change,
                    summary: format!("{name}: {who} {answer} the release{note}"),
                    ids: vec![
                        ("pipeline".into(), env.spec.pipeline.clone()),
                        ("execution_id".into(), execution.clone()),
                        ("stage".into(), stage.name.clone()),
                        ("action".into(), action.name.clone()),
                        ("by".into(), by.to_string()),
                    ],
                    key: format!("answered|{name}|{execution}|{}|{}", stage.name, action.name),
                };
                self.history_or_report(baseline, event, out);
            }
        }
    }

    /// Refreshing has failed for [`REFRESH_FAILING_AFTER`]: once per run of failures.
    fn refresh_failing(&mut self, env: &EnvView, now: Timestamp, out: &mut Vec<Event>) {
        let Some(stale) = &env.refresh.error else {
            return;
        };
        let failing = now.since(stale.since);
        if failing < REFRESH_FAILING_AFTER {
            return;
        }
        let name = &env.spec.name;
        self.report(
            Event {
                kind: EventKind::RefreshFailing,
                environment: name.clone(),
                at: stale.since + REFRESH_FAILING_AFTER,
                summary: format!(
                    "{name}: refreshing has failed for {} ({}): {}",
                    duration(failing),
                    match stale.failures {
                        1 => "1 try".to_string(),
                        n => format!("{n} tries"),
                    },
                    stale.error
                ),
                ids: vec![("pipeline".into(), env.spec.pipeline.clone())],
                key: format!("refresh|{name}|{}", stale.since.millis()),
            },
            out,
        );
    }
}

fn approval_ids(a: &Approval) -> Vec<(String, String)> {
    vec![
        ("pipeline".into(), a.pipeline.clone()),
        ("execution_id".into(), a.execution_id.clone()),
        ("stage".into(), a.stage.clone()),
        ("action".into(), a.action.clone()),
        ("expires_at".into(), a.expires_at().rfc3339()),
    ]
}

/// An execution id's first 8 characters.
fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// `2d 3h`, `5h 10m`, `12m`.
fn duration(ms: Millis) -> String {
    let m = ms.max(0) / Timestamp::MINUTE;
    let (d, h, m) = (m / (24 * 60), m / 60 % 24, m % 60);
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}
