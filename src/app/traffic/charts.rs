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
    /// The sequence number of the next listed record to count.
    pub next_seq: u64,
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
        self.charts_job = Some(ChartJob {
            stats: Stats::default(),
            next_seq: self.rows.front().copied().unwrap_or(self.records.pushed()),
            total: self.rows.len(),
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
    /// and the panel are replaced. Records listed meanwhile (new batches) are counted by the job
    /// when it reaches them; records evicted before it does are not.
    pub fn charts_step(&mut self, budget: usize) {
        let Some(mut job) = self.charts_job.take() else {
            return;
        };
        let start = self.rows.partition_point(|s| *s < job.next_seq);
        let end = start.saturating_add(budget).min(self.rows.len());
        for i in start..end {
            let Some(&seq) = self.rows.get(i) else { break };
            if let Some(r) = self.record(seq) {
                job.stats.observe(&r);
            }
            job.next_seq = seq + 1;
        }
        job.done += end - start;
        if end < self.rows.len() {
            self.charts_job = Some(job);
            return;
        }
        self.filtered_stats = Some(job.stats);
        self.refresh_panel();
    }
}
