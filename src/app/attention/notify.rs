//! Which events leave the terminal, and when: only while its window is not focused, only the
//! kinds the configuration lets through, at most one notification per throttle period (the
//! events of a period go together, one line per kind and environment), and never the same text
//! twice within [`REPEAT_AFTER`]. Pure: the runtime writes what [`Outbox::due`] returns.

use super::{Event, EventKind};
use crate::app::Effect;
use crate::domain::{Millis, Timestamp};
use std::collections::{BTreeMap, BTreeSet};

/// The same notification text is not sent again within this wall time.
pub const REPEAT_AFTER: Millis = 10 * Timestamp::MINUTE;

/// How notifications reach the operator outside the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// Chosen from the terminal (`TERM_PROGRAM`, `TERM`…): a desktop notification where the
    /// terminal shows them, else the bell.
    #[default]
    Auto,
    /// The terminal bell only.
    Bell,
    /// OSC 9 (iTerm2, kitty, WezTerm, Ghostty, Windows Terminal…), with the bell.
    Osc9,
    /// OSC 777 `notify` (foot, WezTerm, Ghostty, urxvt, some VTE terminals), with the bell.
    Osc777,
}

impl Delivery {
    /// The names `method` takes in `[notify]`.
    pub const NAMES: [&'static str; 4] = ["auto", "bell", "osc9", "osc777"];

    /// The delivery named `name`.
    pub fn named(name: &str) -> Option<Delivery> {
        match name {
            "auto" => Some(Delivery::Auto),
            "bell" => Some(Delivery::Bell),
            "osc9" => Some(Delivery::Osc9),
            "osc777" => Some(Delivery::Osc777),
            _ => None,
        }
    }
}

/// The `[notify]` settings (and `--no-notify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifySettings {
    /// Whether anything leaves the terminal at all.
    pub enabled: bool,
    /// How.
    pub method: Delivery,
    /// At most one notification per this much wall time.
    pub throttle: Millis,
    /// The kinds that are sent (the others show in the console only).
    pub kinds: BTreeSet<EventKind>,
}

impl NotifySettings {
    /// Default throttle: one notification a minute at most.
    pub const DEFAULT_THROTTLE: Millis = Timestamp::MINUTE;
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            enabled: true,
            method: Delivery::Auto,
            throttle: Self::DEFAULT_THROTTLE,
            kinds: EventKind::ALL.into_iter().collect(),
        }
    }
}

/// The notifications waiting to be sent, and what was sent lately.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outbox {
    /// The settings.
    pub settings: NotifySettings,
    /// Whether the terminal window has the focus (`None`: the terminal never said; then
    /// notifications are sent).
    pub focused: Option<bool>,
    /// Events waiting for the end of the throttle period: per kind and environment, the newest
    /// summary and how many.
    held: BTreeMap<(EventKind, String), (String, usize)>,
    /// When the last notification went.
    last_sent: Option<Timestamp>,
    /// Texts sent lately, with when.
    recent: BTreeMap<String, Timestamp>,
    /// Notifications sent so far.
    pub sent: usize,
}

impl Outbox {
    /// An event was found: kept for the next notification if it is to be sent.
    pub fn offer(&mut self, event: &Event) {
        if !self.settings.enabled
            || !self.settings.kinds.contains(&event.kind)
            || self.focused == Some(true)
        {
            return;
        }
        let entry = self
            .held
            .entry((event.kind, event.environment.clone()))
            .or_insert_with(|| (String::new(), 0));
        entry.0.clone_from(&event.summary);
        entry.1 += 1;
    }

    /// The window gained or lost the focus; with the focus, what waits is dropped (the
    /// notification line and the Attention view show it).
    pub fn focus(&mut self, focused: bool) {
        self.focused = Some(focused);
        if focused {
            self.held.clear();
        }
    }

    /// The notification to send at `now`, if one is due: `speed` is simulated time per wall
    /// time (the demo's), so that the throttle is wall time.
    pub fn due(&mut self, now: Timestamp, speed: f64) -> Vec<Effect> {
        if self.held.is_empty() {
            return Vec::new();
        }
        let scale = |ms: Millis| (ms as f64 * speed.max(1.0)) as Millis;
        if self
            .last_sent
            .is_some_and(|t| now.since(t) < scale(self.settings.throttle))
        {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.held);
        self.recent
            .retain(|_, at| now.since(*at) < scale(REPEAT_AFTER));
        let lines: Vec<String> = held
            .into_iter()
            .map(|(_, (summary, n))| match n {
                1 => summary,
                n => format!("{summary} (and {} more)", n - 1),
            })
            .filter(|line| !self.recent.contains_key(line))
            .collect();
        if lines.is_empty() {
            return Vec::new();
        }
        for line in &lines {
            self.recent.insert(line.clone(), now);
        }
        self.last_sent = Some(now);
        self.sent += 1;
        let title = match lines.len() {
            1 => "shipdeck".to_string(),
            n => format!("shipdeck: {n} events"),
        };
        vec![Effect::Notify {
            title,
            body: lines.join("; "),
        }]
    }
}
