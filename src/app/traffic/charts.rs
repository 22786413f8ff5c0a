//! The filtered charts, rebuilt off the keystroke path: a new filter lists its rows at once and
//! leaves a [`ChartJob`] that counts the listed records into fresh statistics a slice per step,
//! so typing stays responsive over a million retained records.

use crate::accesslog::Stats;
use crate::app::traffic::Traffic;

/// Listed records counted per step (≈ 15 ms in an optimised build on a slow core).
pub const CHART_STEP: usize = 65_536;

/// Statistics of the listed records, being counted.
#[derive(Debug, Clone)]
pub struct ChartJob {
    /// What has been counted so far.
    pub stats: Stats,
    /// The rows listed when the job started, in the order they were read (records listed
    /// since are counted as they come).
    pub pending: Vec<u64>,
    /// How many of `pending` are counted.
    pub next: usize,
    /// Listed rows when the job started (for the progress shown).
    pub total: usize,
    /// Rows counted so far.
    pub done: usize,
}

impl Traffic {
    /// Starts counting the listed rows into new filtered statistics (none when unfiltered).
    pub(in crate::app) fn start_charts(&mut self) {
        if self.filter.is_all() {
            self.charts_job = None;
            self.filtered_stats = None;
            self.refresh_panel();
            return;
        }
        let mut pending: Vec<u64> = self.rows.iter().copied().collect();
        pending.sort_unstable();
        self.charts_job = Some(ChartJob {
            stats: Stats::default(),
            total: pending.len(),
            pending,
            next: 0,
            done: 0,
        });
    }

    /// Whether the filtered charts are still being counted.
    pub fn charts_pending(&self) -> bool {
        self.charts_job.is_some()
    }

    /// How far the filtered charts are (0.0–1.0), while they are being counted.
    pub fn charts_progress(&self) -> Option<f64> {
        let job = self.charts_job.as_ref()?;
        Some((job.done as f64 / job.total.max(1) as f64).min(1.0))
    }

    /// Counts up to `budget` more listed records; when all are counted, the filtered statistics
    /// and the panel are replaced. Records listed meanwhile (new batches) are counted as they
    /// are listed; records evicted before the job reaches them are not.
    pub fn charts_step(&mut self, budget: usize) {
        let Some(mut job) = self.charts_job.take() else {
            return;
        };
        let start = job.next;
        let end = start.saturating_add(budget).min(job.pending.len());
        for &seq in job.pending.get(start..end).unwrap_or_default() {
            if let Some(r) = self.record(seq) {
                job.stats.observe(&r);
            }
        }
        job.next = end;
        job.done += end - start;
        if end < job.pending.len() {
            self.charts_job = Some(job);
            return;
        }
        self.filtered_stats = Some(job.stats);
        self.refresh_panel();
    }
}
