//! How records reach the Traffic view: each batch retained and counted, the list kept to the
//! preset's window (sliding with the newest record, as the charts), and the list rebuilt when
//! the filter or the preset changes.

use crate::accesslog::{LogFields, RetainedRecord, Stats};
use crate::app::traffic::{CHART_STEP, DETAIL_KEEP, Traffic, TrafficBatch};

impl Traffic {
    /// Whether the record passes the filter and the preset's window.
    fn listed(&self, r: &RetainedRecord<'_>) -> bool {
        r.timestamp_ms() >= self.list_from && self.filter.matches(r)
    }

    /// Whether the record is counted: it has no time, or a time from `since` on.
    fn counted(&self, r: &RetainedRecord<'_>) -> bool {
        let ts = r.timestamp_ms();
        ts == 0 || ts >= self.since.millis()
    }

    /// Where the list starts: the preset's window to the newest record as the statistics count
    /// it (see [`Stats::window_boundary`]), never before `since`. It only moves forward, as the
    /// newest record does.
    fn window_from(&self) -> i64 {
        let since = self.since.millis();
        match (self.preset.window(), self.stats.newest()) {
            (Some(w), Some(newest)) => Stats::window_boundary(w, newest).max(since),
            _ => since,
        }
    }

    /// Takes a batch: records appended (oldest evicted), statistics, rows and charts updated;
    /// rows the window has moved past leave the list.
    pub fn ingest(&mut self, batch: &TrafficBatch) {
        let first = self.records.pushed();
        for r in batch.records.iter() {
            self.records.push(&r);
            if self.counted(&r) {
                self.stats.observe(&r);
            }
        }
        let from = self.window_from();
        if from > self.list_from {
            self.list_from = from;
            let records = &self.records;
            self.rows.retain(|&s| {
                records
                    .position(s)
                    .and_then(|i| records.get(i))
                    .is_some_and(|r| r.timestamp_ms() >= from)
            });
        }
        // The batch's records still retained (a batch larger than the store evicts its start);
        // a listed record is counted too (the window starts at or after `since`).
        for seq in first..self.records.pushed() {
            let record = self.records.position(seq).and_then(|i| self.records.get(i));
            if let Some(r) = record.filter(|r| self.listed(r)) {
                // While a chart job runs it counts new rows itself when it reaches them.
                if let (None, Some(fs)) = (&self.charts_job, self.filtered_stats.as_mut()) {
                    fs.observe(&r);
                }
                self.rows.push_back(seq);
            }
        }
        let oldest = self.records.seq(0);
        while self.rows.front().is_some_and(|s| *s < oldest) {
            self.rows.pop_front();
        }
        for l in &batch.lines {
            self.details
                .push_back((first + u64::from(l.index), l.clone()));
        }
        while self.details.len() > DETAIL_KEEP
            || self.details.front().is_some_and(|(s, _)| *s < oldest)
        {
            self.details.pop_front();
        }
        if self.cursor.is_some_and(|c| c < oldest) {
            self.cursor = self.rows.front().copied();
        }
        self.objects += batch.objects as u64;
        // Each failed fetch brings one error of its own: those objects are read again, not lost.
        let given_up = batch.errors.len().saturating_sub(batch.failed_keys.len());
        self.object_errors += given_up as u64;
        self.skipped += batch.skipped;
        if self.charts_job.is_none() {
            self.refresh_panel();
        }
    }

    /// Recomputes the listed rows after the filter or `since` changed; the filtered charts follow
    /// a step at a time ([`Traffic::charts_step`]), the first [`CHART_STEP`] records at once.
    pub fn relist(&mut self) {
        self.relist_stepping(CHART_STEP);
    }

    /// [`Traffic::relist`], counting only `first` records into the filtered charts at once.
    pub fn relist_stepping(&mut self, first: usize) {
        self.list_from = self.window_from();
        let since = self.list_from;
        let base = self.records.seq(0);
        let records = &self.records;
        self.rows = records
            .filter_indices(&self.filter)
            .into_iter()
            .filter(|&i| {
                records
                    .get(i as usize)
                    .is_some_and(|r| r.timestamp_ms() >= since)
            })
            .map(|i| base + u64::from(i))
            .collect();
        if let Some(c) = self.cursor {
            let i = self.rows.partition_point(|s| *s < c);
            self.cursor = self.rows.get(i).or(self.rows.back()).copied();
        }
        self.start_charts();
        self.charts_step(first);
    }
}
