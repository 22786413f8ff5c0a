//! Following a CloudWatch Logs log group that a standard logging v2 delivery writes (pure): each
//! poll asks `FilterLogEvents` from the newest event time seen less a small overlap (events are
//! ingested a little after their time), and the events seen in the overlap are told apart by
//! their event ids, so that none is read twice and none in the overlap is missed. A tail can
//! end its window ([`EventTail::ending`]): it asks for, and keeps, only the events before then.

use crate::domain::{LogEvent, Millis, Timestamp};
use std::collections::BTreeSet;

/// How far before the newest event seen each poll asks again: events ingested up to this long
/// after a newer one are still read.
pub const EVENT_OVERLAP: Millis = 5 * Timestamp::MINUTE;
/// Pause between polls of a log group.
pub const EVENT_POLL: Millis = 10 * Timestamp::SECOND;

/// The tail of one log group: where the next poll starts and which events it has already read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTail {
    since: Timestamp,
    /// The end of the window, if it has one: events before it are read.
    until: Option<Timestamp>,
    newest: Option<Timestamp>,
    /// The events read from the overlap on, by (time, event id).
    seen: BTreeSet<(i64, String)>,
}

impl EventTail {
    /// A tail reading the events from `since` on.
    pub fn new(since: Timestamp) -> EventTail {
        EventTail {
            since,
            until: None,
            newest: None,
            seen: BTreeSet::new(),
        }
    }

    /// The tail with its window ending at `until` (events before it), or open (`None`).
    pub fn ending(mut self, until: Option<Timestamp>) -> EventTail {
        self.until = until;
        self
    }

    /// The last event time a poll asks for (`FilterLogEvents`' end time is inclusive), when the
    /// window ends.
    pub fn end(&self) -> Option<Timestamp> {
        self.until.map(|u| u - 1)
    }

    /// The start time of the next poll: the newest event seen less [`EVENT_OVERLAP`], never
    /// before `since`.
    pub fn start(&self) -> Timestamp {
        self.newest
            .map_or(self.since, |n| (n - EVENT_OVERLAP).max(self.since))
    }

    /// The events of a poll not read before (and from `since` on), in the order given; the
    /// ids remembered from before the next poll's start are forgotten.
    pub fn take(&mut self, events: Vec<LogEvent>) -> Vec<LogEvent> {
        let mut fresh = Vec::with_capacity(events.len());
        for e in events {
            if e.timestamp < self.since || self.until.is_some_and(|u| e.timestamp >= u) {
                continue;
            }
            if self.seen.insert((e.timestamp.millis(), e.event_id.clone())) {
                self.newest = Some(self.newest.map_or(e.timestamp, |n| n.max(e.timestamp)));
                fresh.push(e);
            }
        }
        let keep_from = (self.start().millis(), String::new());
        self.seen = self.seen.split_off(&keep_from);
        fresh
    }

    /// When to poll next: after [`EVENT_POLL`], or at once when the last read stopped before
    /// the end (`complete` false).
    pub fn next_poll(&self, now: Timestamp, complete: bool) -> Timestamp {
        if complete { now + EVENT_POLL } else { now }
    }

    /// Event ids remembered (bounded by the overlap).
    pub fn remembered(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64, id: &str) -> LogEvent {
        LogEvent {
            group: "g".into(),
            event_id: id.into(),
            stream: "s".into(),
            timestamp: Timestamp(ts),
            ingestion_time: Timestamp(ts),
            message: "{}".into(),
        }
    }

    fn ids(events: &[LogEvent]) -> Vec<&str> {
        events.iter().map(|e| e.event_id.as_str()).collect()
    }

    #[test]
    fn polls_overlap_and_read_each_event_once() {
        let t0 = 1_000 * Timestamp::MINUTE;
        let mut tail = EventTail::new(Timestamp(t0));
        assert_eq!(tail.start(), Timestamp(t0));
        let first = tail.take(vec![ev(t0 - 1, "old"), ev(t0, "a"), ev(t0 + 60_000, "b")]);
        assert_eq!(ids(&first), ["a", "b"]);
        // The next poll starts before the newest event (never before `since`) ...
        assert_eq!(tail.start(), Timestamp(t0));
        let second = tail.take(vec![
            ev(t0, "a"),
            ev(t0 + 60_000, "b"),
            ev(t0 + 30_000, "late"),
        ]);
        // ... and a late event in the overlap is read, the others not again.
        assert_eq!(ids(&second), ["late"]);
        let later = t0 + 20 * Timestamp::MINUTE;
        assert_eq!(ids(&tail.take(vec![ev(later, "c")])), ["c"]);
        assert_eq!(tail.start(), Timestamp(later - EVENT_OVERLAP));
        // Ids before the overlap are forgotten: memory stays bounded.
        assert_eq!(tail.remembered(), 1);
        assert!(tail.take(vec![ev(later, "c")]).is_empty());
        // Two events at the same time with different ids are both read.
        assert_eq!(ids(&tail.take(vec![ev(later, "d")])), ["d"]);
    }

    #[test]
    fn a_window_that_ends_asks_up_to_its_end_and_keeps_only_the_events_before_it() {
        let t0 = 1_000 * Timestamp::MINUTE;
        let until = Timestamp(t0 + Timestamp::HOUR);
        let mut tail = EventTail::new(Timestamp(t0)).ending(Some(until));
        // `FilterLogEvents`' end time is inclusive: the last millisecond before the end.
        assert_eq!(tail.end(), Some(until - 1));
        let taken = tail.take(vec![
            ev(t0, "a"),
            ev(until.millis() - 1, "last"),
            ev(until.millis(), "at-the-end"),
            ev(until.millis() + 5, "after"),
        ]);
        assert_eq!(ids(&taken), ["a", "last"]);
        assert_eq!(EventTail::new(Timestamp(t0)).end(), None, "an open tail");
    }

    #[test]
    fn a_read_cut_short_polls_again_at_once() {
        let tail = EventTail::new(Timestamp(0));
        assert_eq!(tail.next_poll(Timestamp(5), false), Timestamp(5));
        assert_eq!(
            tail.next_poll(Timestamp(5), true),
            Timestamp(5 + EVENT_POLL)
        );
    }
}
