//! The Logs view's state: recent CloudWatch events of an environment's log groups (or of one
//! build's stream), each with its group, de-duplicated by group and id, with pause, search, the
//! mark of the last match and the event whose detail is open.

use super::RequestId;
use crate::domain::{LogEvent, Timestamp};

/// Recent CloudWatch events of one environment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogTail {
    /// Environment index the events belong to.
    pub env: usize,
    /// Events in time order, bounded.
    pub events: Vec<LogEvent>,
    /// Rows scrolled back from the newest (0 follows the tail); at most until the oldest event
    /// is at the top (see [`super::State::max_log_scroll`]).
    pub scroll: usize,
    /// Event rows the view shows, as the terminal loop last reported it (0 until then): where
    /// scrolling back stops and how far a page key moves.
    pub page: usize,
    /// Paused: new events do not move the rows shown.
    pub paused: bool,
    /// Only this log stream of this group (the build-log jump): (group, stream).
    pub stream: Option<(String, String)>,
    /// Read from this time on when there is nothing yet (the build's start for a build log).
    pub from: Option<Timestamp>,
    /// The search text (case-insensitive), highlighted.
    pub search: String,
    /// The row (among the filtered events) the last `n`/`N` landed on.
    pub mark: Option<usize>,
    /// The event whose detail pane is open (by group and event id; its row is the mark).
    pub detail: Option<(String, String)>,
    /// (group, event id) of the events held, to drop duplicates (an id is unique only within
    /// its group).
    pub ids: std::collections::HashSet<(String, String)>,
    /// Request in flight.
    pub inflight: Option<RequestId>,
    /// The groups the read in flight asks for, each with the time it reads from.
    pub reading: Vec<(String, Timestamp)>,
    /// When the next read is due.
    pub next_poll: Timestamp,
    /// Newest event time seen.
    pub newest: Option<Timestamp>,
    /// Per log group, where its next read starts: the newest event read from it (or, after a
    /// read that found none, the newest of any group). A group whose read failed keeps its
    /// mark, so its events of that time are read again rather than skipped.
    pub marks: std::collections::BTreeMap<String, Timestamp>,
    /// Error of the last read.
    pub error: Option<String>,
}

/// Upper bound of retained log events in the logs view.
pub const LOG_TAIL_CAP: usize = 2_000;

/// One log group's answer to a read of the Logs view.
pub type GroupEvents = (
    String,
    Result<Vec<crate::domain::LogEvent>, crate::cloud::CloudError>,
);
