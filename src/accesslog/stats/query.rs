//! Reading the live statistics: window snapshots, the whole-run summary, the chart series.

use crate::accesslog::stats::acc::{Counters, Dist};
use crate::accesslog::stats::snapshot::{MinutePoint, StatsSnapshot};
use crate::accesslog::stats::{EMPTY, PANE_MS, PANES, Pane, SLOT_MS, Slot, Stats, Window};
use crate::domain::Timestamp;

impl Stats {
    /// The newest record time seen (`None` before any timed record).
    pub fn newest(&self) -> Option<Timestamp> {
        let c = self.whole_counts();
        (c.timed > 0).then_some(Timestamp(c.max_ts))
    }

    /// Records counted.
    pub fn requests(&self) -> u64 {
        self.whole_counts().requests
    }

    fn whole_counts(&self) -> Counters {
        let mut c = self.total.clone();
        for s in self.slots.iter().filter(|s| s.epoch != EMPTY) {
            c.merge(&s.counts);
        }
        c
    }

    /// The start (ms) of the 10-second step holding `ms`: the statistics count in such steps.
    pub fn step_start(ms: i64) -> i64 {
        ms.div_euclid(SLOT_MS) * SLOT_MS
    }

    /// Where window `w` ending with the record at `now` starts (ms): the window is `w` long,
    /// whole 10-second steps ending where `now`'s step ends (a `1m` window is 60 s).
    pub fn window_boundary(w: Window, now: Timestamp) -> i64 {
        Stats::step_start(now.millis()) + SLOT_MS - w.millis()
    }

    /// Where window `w` ending with the record at `now` starts counting (ms):
    /// [`Stats::window_boundary`], or the first record's 10-second step, if later. Its rates
    /// divide by the time from there.
    pub fn window_start(&self, w: Window, now: Timestamp) -> i64 {
        self.start_from(Stats::window_boundary(w, now))
    }

    /// `from`, or the first record's 10-second step, if later.
    fn start_from(&self, from: i64) -> i64 {
        let whole = self.whole_counts();
        if whole.timed > 0 {
            from.max(Stats::step_start(whole.min_ts))
        } else {
            from
        }
    }

    /// The numbers of window `w` ending with the record at `now`: `w` long, from
    /// [`Stats::window_boundary`] to the end of `now`'s 10-second step (rates from
    /// [`Stats::window_start`]).
    pub fn window(&self, w: Window, now: Timestamp) -> StatsSnapshot {
        let to = Stats::step_start(now.millis()) + SLOT_MS;
        self.between(w.label(), to - w.millis(), to)
    }

    /// The numbers of the records from `from` to before `to` (ms), labelled `label`: the
    /// 10-second steps that overlap that time (records before `from` in its step are counted
    /// only if they were observed), rates over the time from `from` (or the first record's step,
    /// if later) to `to`.
    pub fn between(&self, label: &str, from: i64, to: i64) -> StatsSnapshot {
        let mut counts = Counters::default();
        for s in &self.slots {
            if s.epoch != EMPTY && (s.epoch + 1) * SLOT_MS > from && s.epoch * SLOT_MS < to {
                counts.merge(&s.counts);
            }
        }
        let parts: Vec<&Dist> = self
            .panes
            .iter()
            .filter(|p| {
                p.epoch != EMPTY && (p.epoch + 1) * PANE_MS > from && p.epoch * PANE_MS < to
            })
            .map(|p| &p.dist)
            .collect();
        let dist = Dist::merged(&parts, self.config.capacity);
        let start = self.start_from(from).min(to);
        let span = (to - start).max(1000);
        StatsSnapshot::build(
            label,
            Some((start, to, span)),
            &counts,
            &dist,
            self.config.top_n,
        )
    }

    /// Every window at `now`, shortest first.
    pub fn windows(&self, now: Timestamp) -> Vec<StatsSnapshot> {
        Window::ALL.iter().map(|w| self.window(*w, now)).collect()
    }

    /// The whole run: every record counted, rates over its first to last timestamp (≥ 1 s; no
    /// range and no rates when no record had a timestamp).
    pub fn summary(&self) -> StatsSnapshot {
        let counts = self.whole_counts();
        let mut parts: Vec<&Dist> = vec![&self.total_dist];
        parts.extend(
            self.panes
                .iter()
                .filter(|p| p.epoch != EMPTY)
                .map(|p| &p.dist),
        );
        let dist = if parts.len() == 1 {
            self.total_dist.clone()
        } else {
            Dist::merged(&parts, self.config.capacity)
        };
        let range = (counts.timed > 0).then(|| {
            let (from, to) = (counts.min_ts, counts.max_ts);
            (from, to, to - from + 1000)
        });
        StatsSnapshot::build("all", range, &counts, &dist, self.config.top_n)
    }

    /// Requests, status mix, hit ratio and latency per minute for the 60 minutes ending with
    /// the minute of `now`, oldest first: minutes read with no record are zeros; minutes that
    /// end at or before `read_from` (ms; where the read started) are marked not read.
    pub fn series(&self, now: Timestamp, read_from: i64) -> Vec<MinutePoint> {
        let last = now.millis().div_euclid(PANE_MS);
        let first = last - 59;
        let mut counts = vec![Counters::default(); 60];
        for s in self.slots.iter().filter(|s| s.epoch != EMPTY) {
            let m = (s.epoch * SLOT_MS).div_euclid(PANE_MS);
            if (first..=last).contains(&m) {
                counts[(m - first) as usize].merge(&s.counts);
            }
        }
        (first..=last)
            .zip(&counts)
            .map(|(m, c)| {
                let pane = self
                    .panes
                    .get((m as usize) & (PANES - 1))
                    .filter(|p| p.epoch == m);
                let mut point = MinutePoint::build(m * PANE_MS, c, pane.map(|p| &p.dist.taken));
                point.read = (m + 1) * PANE_MS > read_from;
                point
            })
            .collect()
    }

    /// Approximate heap bytes held.
    pub fn footprint_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
            + self
                .panes
                .iter()
                .map(|p| p.dist.footprint_bytes())
                .sum::<usize>()
            + self.panes.capacity() * std::mem::size_of::<Pane>()
            + self.total_dist.footprint_bytes()
    }
}
