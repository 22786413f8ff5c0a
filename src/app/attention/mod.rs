//! Attention: the events someone on call should know about (an approval waiting or about to
//! expire, one answered by someone else, a failed deploy, a rollback, an environment turning red,
//! refreshing failing), detected from the reads the console already makes; kept for the
//! Attention view and the notification line, and handed to the notifier and `shipdeck watch`.

pub mod detect;
pub mod notify;

pub use detect::{Detector, EXPIRY_WARNINGS, REFRESH_FAILING_AFTER};
pub use notify::{Delivery, NotifySettings, Outbox};

use super::{Effect, State, View};
use crate::domain::{Level, Timestamp};
use serde_json::{Map, Value};

/// Events kept for the Attention view (the oldest go first).
pub const KEEP: usize = 500;

/// What kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// A manual approval waits for an answer.
    ApprovalPending,
    /// A waiting approval expires within 24 hours, then within 1 hour.
    ApprovalExpiring,
    /// Someone other than this operator approved or rejected a release.
    ApprovalAnswered,
    /// A pipeline execution failed.
    DeployFailed,
    /// A rollback execution started (by someone, or by a stage condition).
    RollbackStarted,
    /// The environment's health turned red.
    EnvironmentRed,
    /// Refreshing the environment has failed for several minutes.
    RefreshFailing,
}

impl EventKind {
    /// Every kind, in the order the README and `[notify]` list them.
    pub const ALL: [EventKind; 7] = [
        EventKind::ApprovalPending,
        EventKind::ApprovalExpiring,
        EventKind::ApprovalAnswered,
        EventKind::DeployFailed,
        EventKind::RollbackStarted,
        EventKind::EnvironmentRed,
        EventKind::RefreshFailing,
    ];

    /// The name in JSON (`event`) and in the `[notify]` table.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::ApprovalPending => "approval_pending",
            EventKind::ApprovalExpiring => "approval_expiring",
            EventKind::ApprovalAnswered => "approval_answered",
            EventKind::DeployFailed => "deploy_failed",
            EventKind::RollbackStarted => "rollback_started",
            EventKind::EnvironmentRed => "environment_red",
            EventKind::RefreshFailing => "refresh_failing",
        }
    }

    /// The kind named `name`.
    pub fn named(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether it is bad news (shown in red) rather than something waiting.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            EventKind::DeployFailed | EventKind::EnvironmentRed | EventKind::RefreshFailing
        )
    }
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// In which environment.
    pub environment: String,
    /// When it happened (when the approval started waiting, the execution failed…).
    pub at: Timestamp,
    /// One line for people.
    pub summary: String,
    /// The ids it is about, in order (`pipeline`, `execution_id`, `stage`, `action`…).
    pub ids: Vec<(String, String)>,
    /// What makes it this event and no other: reported once.
    pub key: String,
}

impl Event {
    /// The JSON object `shipdeck watch` prints and `--exec` gets: `event`, `environment`, `at`,
    /// `summary`, then the ids.
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("event".into(), self.kind.name().into());
        m.insert("environment".into(), self.environment.clone().into());
        m.insert("at".into(), self.at.rfc3339().into());
        m.insert("summary".into(), self.summary.clone().into());
        for (k, v) in &self.ids {
            m.insert(k.clone(), v.clone().into());
        }
        Value::Object(m)
    }

    /// The value of one of its ids.
    pub fn id(&self, name: &str) -> Option<&str> {
        self.ids
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The console's attention: the detector, the events so far and what is unseen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attention {
    /// What the detector remembers.
    pub detector: Detector,
    /// Every event so far, oldest first (at most [`KEEP`]).
    pub events: Vec<Event>,
    /// Events reported in all (the index of the next one, for readers that follow).
    pub total: usize,
    /// Events not seen yet: those after this count (the Attention view shown sees them all).
    pub seen: usize,
    /// The selected row of the Attention view (newest first).
    pub row: usize,
    /// The notifications waiting to leave the terminal.
    pub outbox: Outbox,
}

impl Attention {
    /// How many events have not been seen.
    pub fn unseen(&self) -> usize {
        self.total - self.seen.min(self.total)
    }

    /// The newest event, if any.
    pub fn latest(&self) -> Option<&Event> {
        self.events.last()
    }

    /// The events reported after the first `from` (for a reader that has taken `from` so far).
    pub fn since(&self, from: usize) -> &[Event] {
        let dropped = self.total - self.events.len();
        let start = from.saturating_sub(dropped).min(self.events.len());
        &self.events[start..]
    }

    /// The events newest first, as the Attention view lists them.
    pub fn newest_first(&self) -> impl Iterator<Item = &Event> {
        self.events.iter().rev()
    }

    fn push(&mut self, event: Event) {
        self.events.push(event);
        self.total += 1;
        if self.events.len() > KEEP {
            self.events.remove(0);
        }
    }
}

/// Runs the detector over every environment at `state.now`; new events are kept, marked unseen
/// unless the Attention view is shown, and handed to the outbox (the notifications to send).
pub fn observe(state: &mut State) -> Vec<Effect> {
    let me = state.session.identity.clone();
    let now = state.now;
    let mut found = Vec::new();
    for env in &state.envs {
        found.extend(
            state
                .attention
                .detector
                .environment(env, now, me.as_deref()),
        );
    }
    record(state, found)
}

/// One environment's health verdict now (from the map): turning red is an event.
pub fn health(state: &mut State, environment: &str, level: Level, why: &str) -> Vec<Effect> {
    let now = state.now;
    let event = state
        .attention
        .detector
        .health(environment, level, why, now);
    record(state, event.into_iter().collect())
}

fn record(state: &mut State, found: Vec<Event>) -> Vec<Effect> {
    if found.is_empty() {
        return state.attention.outbox.due(state.now, state.clock_speed);
    }
    for event in found {
        state.attention.outbox.offer(&event);
        state.attention.push(event);
    }
    if state.view == View::Attention {
        state.attention.seen = state.attention.total;
    }
    state.attention.outbox.due(state.now, state.clock_speed)
}

/// The Attention view is shown: everything in it is seen.
pub fn shown(state: &mut State) {
    state.attention.seen = state.attention.total;
    state.attention.row = 0;
}

/// The events the Attention view lists: newest first, those the `/` filter lets through.
pub fn rows(state: &State) -> Vec<&Event> {
    state
        .attention
        .newest_first()
        .filter(|e| state.matches_filter(&format!("{} {}", e.kind.name(), e.summary)))
        .collect()
}

/// The event on the Attention view's selected row.
pub fn selected(state: &State) -> Option<&Event> {
    rows(state).get(state.attention.row).copied()
}

#[cfg(test)]
mod tests;
