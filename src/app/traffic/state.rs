//! The Traffic view's state: one environment's CloudFront access logs tailed live — retained
//! records, statistics, the tail planner, the filter expression, search, follow and selection.

use crate::accesslog::{
    DEFAULT_RETAIN, EventTail, Filter, FilterError, LogFields, MinutePoint, Retained,
    RetainedRecord, Stats, StatsSnapshot, TailPlanner,
};
use crate::app::Loadable;
pub use crate::app::traffic::batch::{
    DETAIL_KEEP, FullLine, Incomplete, Preset, ReadProgress, TrafficBatch,
};
pub use crate::app::traffic::charts::{CHART_STEP, ChartJob};
use crate::domain::Timestamp;
use std::collections::{BTreeMap, VecDeque};

/// The deploy markers and the release-health panel of the Traffic view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Marks {
    /// The action runs of the newest executions (the markers' source), or why they could not
    /// be read; `None` until read.
    pub runs: Option<Result<Vec<crate::domain::ActionExecutionDetail>, String>>,
    /// The executions (ids, statuses, updates) the runs were read for.
    pub key: String,
    /// The read in flight.
    pub inflight: Option<crate::app::RequestId>,
    /// The distribution's invalidations back to the tail's look-back (the invalidation
    /// markers), or why they could not be read; `None` until read.
    pub invalidations: Option<Result<crate::cloud::InvalidationPage, String>>,
    /// The invalidations' read in flight.
    pub invalidations_inflight: Option<crate::app::RequestId>,
    /// Of the page kept in `invalidations`: when it was asked for, and back to when it lists.
    pub invalidations_listed: Option<(Timestamp, Timestamp)>,
    /// Why the newest listing failed while an earlier page is kept (its markers stay: an
    /// invalidation does not vanish because a listing failed; only the ones since are unknown).
    pub invalidations_failed: Option<String>,
    /// When the invalidations were last asked for (read again a minute later).
    pub invalidations_asked: Option<Timestamp>,
    /// The marker picked with the marker key (an index among the markers, oldest first); none:
    /// the newest deploy.
    pub selected: Option<usize>,
    /// Whether the release-health panel is open.
    pub open: bool,
    /// When the selected deploy reached the environment (while the panel is open).
    pub at: Option<Timestamp>,
    /// When the deploy before the selected one reached the environment, if it is among the
    /// markers (the before-window starts after its warm-up).
    pub previous: Option<Timestamp>,
    /// When the deploy after the selected one reached the environment, if it is among the
    /// markers (the after-window stops there: what follows is that deploy's traffic).
    pub next: Option<Timestamp>,
    /// The selected deploy's impact, while the panel is open.
    pub impact: Option<crate::accesslog::impact::Impact>,
}

/// Chart data, computed when records land (never while drawing).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    /// Requests per minute for the last hour to the newest record, oldest first (the minutes
    /// before the list's start marked not read).
    pub series: Vec<MinutePoint>,
    /// The preset's window, as listed, to the newest record (or the whole run for 24 h).
    pub snapshot: Option<StatsSnapshot>,
}

/// One environment's CloudFront access-log tail and how it is browsed.
#[derive(Debug, Clone)]
pub struct Traffic {
    /// Environment index.
    pub env: usize,
    /// Time preset.
    pub preset: Preset,
    /// The look-back the tail reads from: earlier hours are not read, and the earlier records
    /// of the hours read are kept but neither counted nor listed.
    pub since: Timestamp,
    /// Records before this time (ms) are not listed: the preset's look-back from `now` (from its
    /// 10-second step, as the charts count it), never before `since` (the 24 h preset: `since`).
    pub list_from: i64,
    /// The console's clock when the tail last took records or a preset: the look-back is back
    /// from here, whatever was read before.
    pub now: Timestamp,
    /// The tail planner (none before the first poll).
    pub planner: Option<TailPlanner>,
    /// The tail of a log group, when the target is one (none before the first poll).
    pub events: Option<EventTail>,
    /// What the tail reads (none before the first poll).
    pub target: Option<crate::app::traffic::LogsTarget>,
    /// Retained records, arrival order (each batch sorted by time).
    pub records: Retained,
    /// Statistics of every record read from `since` on.
    pub stats: Stats,
    /// Statistics of the listed records when a filter is set.
    pub filtered_stats: Option<Stats>,
    /// Raw lines of the newest records, by sequence number.
    pub details: VecDeque<(u64, FullLine)>,
    /// Sequence numbers of the listed records (filter and `list_from`) in time order, oldest
    /// first (records of one millisecond in the order they were read), whatever order the
    /// objects and batches came in.
    pub rows: VecDeque<u64>,
    /// The applied filter.
    pub filter: Filter,
    /// The filter in force when the filter prompt opened (applied again while the text typed has
    /// an error).
    pub committed: Filter,
    /// The filter text as typed (may differ from the applied one while it has an error).
    pub filter_text: String,
    /// Why the typed filter cannot be applied.
    pub filter_error: Option<FilterError>,
    /// The search text (case-insensitive substring), highlighted in the list.
    pub search: String,
    /// Whether the newest record stays selected as records arrive.
    pub follow: bool,
    /// The selected record (a sequence number) while not following.
    pub cursor: Option<u64>,
    /// Whether the detail pane is open.
    pub detail: bool,
    /// Records the list shows, as the terminal loop last reported it (0 until then): how far a
    /// page key moves.
    pub page: usize,
    /// The listing or read: in flight, when the next poll is due, the latest read or listing
    /// problem.
    pub load: Loadable,
    /// The read in flight, when its first part has come: objects read so far, of those listed
    /// so far, and their bytes.
    pub reading: Option<ReadProgress>,
    /// Whether this look-back's read has been said to hold more than `local_max_bytes`, with
    /// `:query` on Athena offered (once per look-back).
    pub offered_athena: bool,
    /// What went wrong so far in the read in flight (said when it ends).
    pub trouble: Trouble,
    /// Objects read.
    pub objects: u64,
    /// Objects given up on after reading them incompletely (their complete records kept).
    pub object_errors: u64,
    /// Objects read again after a failed fetch or an incomplete read.
    pub retries: u64,
    /// The longest incomplete read so far of each object being read again (the records kept if
    /// it is given up).
    pub partial: BTreeMap<String, TrafficBatch>,
    /// Malformed lines skipped.
    pub skipped: u64,
    /// Chart data.
    pub panel: Panel,
    /// The filtered statistics being counted after the filter changed.
    pub charts_job: Option<ChartJob>,
    /// Deploy markers and the release-health panel.
    pub marks: Marks,
    /// Where the tail reads from instead of the preset's look-back, when asked
    /// ([`State::read_traffic_between`](crate::app::State::read_traffic_between)); kept while
    /// the environment stays.
    pub reach_back: Option<Timestamp>,
    /// Where the tail stops reading, when asked (records before it; the log files of later
    /// hours are not read); kept with `reach_back`.
    pub reach_until: Option<Timestamp>,
}

/// What went wrong in a read's batches so far: said, one problem, when the read ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trouble {
    /// The first object given up on (its complete records kept).
    pub given_up: Option<String>,
    /// The first error of a batch.
    pub error: Option<String>,
    /// Objects to be read again (failed fetches, incomplete reads).
    pub retrying: usize,
}

impl PartialEq for Traffic {
    fn eq(&self, o: &Self) -> bool {
        self.env == o.env
            && self.preset == o.preset
            && self.since == o.since
            && self.records.pushed() == o.records.pushed()
            && self.records.len() == o.records.len()
            && self.rows == o.rows
            && self.filter == o.filter
            && self.filter_text == o.filter_text
            && self.filter_error == o.filter_error
            && self.search == o.search
            && self.follow == o.follow
            && self.cursor == o.cursor
            && self.detail == o.detail
            && self.load == o.load
            && self.objects == o.objects
            && self.reading == o.reading
            && self.marks == o.marks
    }
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic::new(0, Preset::H1, Timestamp(0), DEFAULT_RETAIN)
    }
}

impl Traffic {
    /// An empty tail of environment `env` reading from `now - preset`.
    pub fn new(env: usize, preset: Preset, now: Timestamp, capacity: usize) -> Traffic {
        Traffic {
            env,
            preset,
            since: now - preset.millis(),
            list_from: (now - preset.millis()).millis(),
            now,
            planner: None,
            events: None,
            target: None,
            records: Retained::new(capacity),
            stats: Stats::default(),
            filtered_stats: None,
            details: VecDeque::new(),
            rows: VecDeque::new(),
            filter: Filter::all(),
            committed: Filter::all(),
            filter_text: String::new(),
            filter_error: None,
            search: String::new(),
            follow: true,
            cursor: None,
            detail: false,
            page: 0,
            load: Loadable::default(),
            reading: None,
            offered_athena: false,
            trouble: Trouble::default(),
            objects: 0,
            object_errors: 0,
            retries: 0,
            partial: BTreeMap::new(),
            skipped: 0,
            panel: Panel::default(),
            charts_job: None,
            marks: Marks::default(),
            reach_back: None,
            reach_until: None,
        }
    }

    /// The statistics the charts show: of the filtered rows when filtering, else of everything.
    pub fn shown_stats(&self) -> &Stats {
        self.filtered_stats.as_ref().unwrap_or(&self.stats)
    }

    pub(in crate::app) fn refresh_panel(&mut self) {
        let stats = self.shown_stats();
        // The window ends at the newest record read, filtered or not, like the list's.
        let Some(end) = self.stats.newest() else {
            self.panel = Panel::default();
            return;
        };
        // The preset's window counts what the list shows: from `list_from` to the newest record.
        let snapshot = match self.preset.window() {
            Some(w) => stats.between(w.label(), self.list_from, end.millis() + 1),
            None => stats.summary(),
        };
        self.panel = Panel {
            series: stats.series(end, self.list_from),
            snapshot: Some(snapshot),
        };
        if self.marks.open {
            self.measure_impact();
        }
    }

    /// Row index of the selection among the listed rows (the newest while following).
    pub fn selected_row(&self) -> Option<usize> {
        if self.rows.is_empty() {
            return None;
        }
        match (self.follow, self.cursor) {
            (false, Some(c)) => Some(self.row_of(c).min(self.rows.len() - 1)),
            _ => Some(self.rows.len() - 1),
        }
    }

    /// The selected record's sequence number.
    pub fn selected_seq(&self) -> Option<u64> {
        self.selected_row().and_then(|i| self.rows.get(i).copied())
    }

    /// Selects listed row `row` (clamped); the last row resumes following.
    pub fn select(&mut self, row: usize) {
        let n = self.rows.len();
        if n == 0 {
            return;
        }
        let row = row.min(n - 1);
        self.cursor = self.rows.get(row).copied();
        self.follow = row == n - 1 && self.follow;
    }

    /// Moves the selection by `delta` rows; moving stops following (back at the end it resumes
    /// only with the follow key).
    pub fn move_by(&mut self, delta: isize) {
        let Some(cur) = self.selected_row() else {
            return;
        };
        self.follow = false;
        let row = cur.saturating_add_signed(delta).min(self.rows.len() - 1);
        self.cursor = self.rows.get(row).copied();
    }

    /// The time (ms) of record `seq`, `i64::MIN` once it is no longer retained.
    pub(in crate::app) fn time_of(&self, seq: u64) -> i64 {
        self.record(seq).map_or(i64::MIN, |r| r.timestamp_ms())
    }

    /// Where record `seq` stands among the listed rows (or would, were it listed): the rows are
    /// in time order, so this is a binary search on (time, sequence number).
    pub fn row_of(&self, seq: u64) -> usize {
        let key = (self.time_of(seq), seq);
        self.rows.partition_point(|s| (self.time_of(*s), *s) < key)
    }

    /// The record with sequence number `seq`, if still retained.
    pub fn record(&self, seq: u64) -> Option<RetainedRecord<'_>> {
        self.records.get(self.records.position(seq)?)
    }

    /// The raw line of `seq`, if it is still among the newest kept whole.
    pub fn full_line(&self, seq: u64) -> Option<&FullLine> {
        let i = self.details.partition_point(|(s, _)| *s < seq);
        self.details
            .get(i)
            .filter(|(s, _)| *s == seq)
            .map(|(_, l)| l)
    }
}
