//! The Logs view's state: recent CloudWatch events of an environment's log groups (or of one
//! build's stream), each with its group, in time order, with pause, search, the mark of the last
//! match and the event whose detail is open; and each group's poll window, which re-reads an
//! overlap before the newest event read so that events ingested late are still shown, once.

use crate::app::Loadable;
use crate::domain::{LogEvent, Millis, Timestamp};
use std::collections::{BTreeMap, BTreeSet};

/// How far back each poll of a log group re-reads before the newest event read from it.
/// CloudWatch ingests events seconds to minutes after their time (PutLogEvents takes events up
/// to 14 days old), so a read from the newest event on would skip one ingested late with an
/// older time; the events read again are dropped by id. An event ingested later than this
/// after its time is not shown by polling.
pub const LOG_OVERLAP: Millis = 2 * Timestamp::MINUTE;
/// Event ids a group's poll remembers for the overlap (as many as the Logs view holds): past
/// this the oldest are forgotten and the overlap starts after them, so a group busier than this
/// in two minutes is re-read back to its last 2,000 events only, and a read stays small.
pub const LOG_SEEN_CAP: usize = 2_000;

/// Where the next read of one log group starts, and which events of its overlap were read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupPoll {
    /// The newest event time read from the group.
    pub newest: Option<Timestamp>,
    /// Nothing before this is read again: the ids of events before it were forgotten.
    floor: Option<Timestamp>,
    /// (time, event id) of the events read that a later read may return again.
    seen: BTreeSet<(Timestamp, String)>,
    /// A read that stopped before its last page (more events than a read takes): where it
    /// started, and the token to go on from where it stopped.
    pub resume: Option<(Timestamp, String)>,
}

impl GroupPoll {
    /// Where the next read starts: at `first` while nothing was read; then [`LOG_OVERLAP`]
    /// before the newest event read, never before `first` nor before what was forgotten.
    pub fn since(&self, first: Timestamp) -> Timestamp {
        let Some(newest) = self.newest else {
            return first;
        };
        (newest - LOG_OVERLAP)
            .max(first)
            .max(self.floor.unwrap_or(first))
    }

    /// The events of `events` not read before (by id: ids are unique within a group), which it
    /// remembers; then it forgets those no later read can return (before the next read's start,
    /// with `first` as there), and the oldest past [`LOG_SEEN_CAP`].
    pub fn fresh(&mut self, events: Vec<LogEvent>, first: Timestamp) -> Vec<LogEvent> {
        let floor = self.floor.unwrap_or(Timestamp(i64::MIN));
        let fresh: Vec<LogEvent> = events
            .into_iter()
            .filter(|e| e.timestamp >= floor && self.seen.insert((e.timestamp, e.event_id.clone())))
            .collect();
        if let Some(newest) = fresh.iter().map(|e| e.timestamp).max() {
            self.newest = Some(self.newest.map_or(newest, |n| n.max(newest)));
        }
        let since = self.since(first);
        self.seen = self.seen.split_off(&(since, String::new()));
        while self.seen.len() > LOG_SEEN_CAP {
            if let Some((at, _)) = self.seen.pop_first() {
                self.floor = Some(at + 1);
            }
        }
        if let Some(floor) = self.floor {
            self.seen = self.seen.split_off(&(floor, String::new()));
        }
        fresh
    }

    /// Reads start after `at` from now on, and nothing at or before it is given (what another
    /// source, a live tail whose events have no ids, already showed).
    pub fn start_after(&mut self, at: Timestamp) {
        let floor = at + 1;
        self.floor = Some(self.floor.map_or(floor, |f| f.max(floor)));
        self.newest = Some(self.newest.map_or(at, |n| n.max(at)));
        self.seen = self.seen.split_off(&(floor, String::new()));
    }

    /// How many event ids it remembers (at most [`LOG_SEEN_CAP`]).
    pub fn remembered(&self) -> usize {
        self.seen.len()
    }

    /// A read that started at `since` ended: at its last page (`token` is `None`), or stopped
    /// with `token` to go on with.
    pub fn ended(&mut self, since: Timestamp, token: Option<String>) {
        self.resume = token.map(|t| (since, t));
    }

    /// The next read of `group`: on from where a read stopped, else from [`GroupPoll::since`].
    pub fn next_read(&self, group: &str, first: Timestamp) -> LogRead {
        match &self.resume {
            Some((since, token)) => LogRead {
                group: group.to_string(),
                since: *since,
                token: Some(token.clone()),
            },
            None => LogRead {
                group: group.to_string(),
                since: self.since(first),
                token: None,
            },
        }
    }
}

/// One group's read in a poll of the Logs view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRead {
    /// The log group.
    pub group: String,
    /// The earliest event time read.
    pub since: Timestamp,
    /// Go on with this token: the rest of a read that stopped (same group and start).
    pub token: Option<String>,
}

/// Recent CloudWatch events of one environment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogTail {
    /// Environment index the events belong to.
    pub env: usize,
    /// Events in time order (one read late sorts in where its time is), bounded.
    pub events: Vec<LogEvent>,
    /// Rows scrolled back from the newest (0 follows the tail); at most until the oldest event
    /// is at the top (see [`crate::app::State::max_log_scroll`]).
    pub scroll: usize,
    /// Event rows the view shows, as the terminal loop last reported it (0 until then): where
    /// scrolling back stops and how far a page key moves.
    pub page: usize,
    /// Paused: new events do not move the rows shown.
    pub paused: bool,
    /// Only this log stream of this group (the build-log jump): (group, stream).
    pub stream: Option<(String, String)>,
    /// A GitHub Actions job's log instead of CloudWatch events (opened from the Runs view).
    pub job: Option<crate::app::logs::job::JobLogSource>,
    /// Read from this time on when there is nothing yet (the build's start for a build log).
    pub from: Option<Timestamp>,
    /// The search text (case-insensitive), highlighted.
    pub search: String,
    /// The row (among the filtered events) the last `n`/`N` landed on.
    pub mark: Option<usize>,
    /// The event whose detail pane is open (by group and event id; its row is the mark).
    pub detail: Option<(String, String)>,
    /// The read: in flight, when the next is due, the error of the last.
    pub load: Loadable,
    /// The reads of the request in flight, one per group.
    pub reading: Vec<LogRead>,
    /// Per log group, where its next read starts and the ids of its overlap. A group whose
    /// read failed keeps its window, so its events of that time are read again, not skipped.
    pub polls: BTreeMap<String, GroupPoll>,
}

impl LogTail {
    /// Where a group's reads start while nothing was read from it: the build's start for a
    /// build log, else the look-back before `now`.
    pub fn first(&self, now: Timestamp) -> Timestamp {
        self.from.unwrap_or(now - crate::app::poll::LOG_LOOKBACK)
    }

    /// The groups whose last read stopped before its end (more events than a read takes): the
    /// view is catching up with them.
    pub fn behind(&self) -> Vec<&str> {
        self.polls
            .iter()
            .filter(|(_, p)| p.resume.is_some())
            .map(|(g, _)| g.as_str())
            .collect()
    }
}

/// Upper bound of retained log events in the logs view.
pub const LOG_TAIL_CAP: usize = 2_000;

/// One log group's answer to a read of the Logs view: its events, and the token to go on with
/// when the read stopped before its last page.
pub type GroupEvents = (
    String,
    Result<crate::cloud::LogPage, crate::cloud::CloudError>,
);

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, at: i64) -> LogEvent {
        LogEvent {
            group: "g".into(),
            event_id: id.into(),
            stream: "s".into(),
            timestamp: Timestamp(at),
            ingestion_time: Timestamp(at),
            message: id.into(),
        }
    }

    fn ids(events: &[LogEvent]) -> Vec<&str> {
        events.iter().map(|e| e.event_id.as_str()).collect()
    }

    #[test]
    fn a_poll_reads_an_overlap_again_and_gives_each_event_once() {
        let first = Timestamp(0);
        let mut p = GroupPoll::default();
        assert_eq!(p.since(first), first, "nothing read: from the start");
        let got = p.fresh(vec![event("a", 1_000), event("b", 600_000)], first);
        assert_eq!(ids(&got), ["a", "b"]);
        assert_eq!(p.since(first), Timestamp(600_000 - LOG_OVERLAP));
        // The next read returns b again and a late event older than b, inside the overlap.
        let got = p.fresh(vec![event("late", 590_000), event("b", 600_000)], first);
        assert_eq!(ids(&got), ["late"], "b is not given twice");
        assert_eq!(
            p.newest,
            Some(Timestamp(600_000)),
            "a late event is not the newest"
        );
        // Ids before the next read's start are forgotten: a is no longer remembered.
        assert!(!p.seen.iter().any(|(_, id)| id == "a"));
        p.ended(Timestamp(480_000), Some("t-2".into()));
        let read = p.next_read("g", first);
        assert_eq!(
            (read.since, read.token.as_deref()),
            (Timestamp(480_000), Some("t-2")),
            "a read that stopped goes on from where it stopped"
        );
        p.ended(read.since, None);
        assert_eq!(p.next_read("g", first).token, None);
    }

    #[test]
    fn past_the_cap_the_oldest_ids_are_forgotten_and_not_read_again() {
        let first = Timestamp(0);
        let mut p = GroupPoll::default();
        let many: Vec<LogEvent> = (0..LOG_SEEN_CAP as i64 + 10)
            .map(|i| event(&format!("e{i}"), 100_000 + i))
            .collect();
        assert_eq!(p.fresh(many.clone(), first).len(), LOG_SEEN_CAP + 10);
        assert_eq!(p.seen.len(), LOG_SEEN_CAP);
        let floor = Timestamp(100_000 + 10);
        assert_eq!(
            p.since(first),
            floor,
            "the overlap starts after the forgotten ids"
        );
        assert!(
            p.fresh(many, first).is_empty(),
            "nothing read again, forgotten or not"
        );
    }
}
