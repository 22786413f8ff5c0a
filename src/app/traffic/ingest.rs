//! How records reach the Traffic view: each batch retained and counted, merged into the list in
//! time order, the list kept to the preset's window (sliding with the newest record, as the
//! charts), and the list rebuilt when the filter or the preset changes.

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

    /// Where the list starts: the preset's look-back from `now` (from its 10-second step, as the
    /// statistics count), never before `since`; the same span whatever was read before. It only
    /// moves forward while records come, as the clock does.
    fn window_from(&self) -> i64 {
        let since = self.since.millis();
        match self.preset.window() {
            Some(w) => Stats::step_start(self.now.millis() - w.millis()).max(since),
            None => since,
        }
    }

    /// Takes a batch: records appended (oldest evicted), statistics, rows and charts updated;
    /// rows the window has moved past leave the list. The batch's listed records are merged
    /// into the rows by time, so the list stays in time order however late an object comes.
    pub fn ingest(&mut self, batch: &TrafficBatch) {
        let first = self.records.pushed();
        let oldest_before = self.records.seq(0);
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
        // Records evicted by this batch (the oldest read, wherever they stand in time).
        let oldest = self.records.seq(0);
        if oldest > oldest_before {
            self.rows.retain(|s| *s >= oldest);
        }
        // The batch's records still retained (a batch larger than the store evicts its start);
        // a listed record is counted too (the window starts at or after `since`).
        let mut listed: Vec<(i64, u64)> = Vec::new();
        for seq in first.max(oldest)..self.records.pushed() {
            let record = self.records.position(seq).and_then(|i| self.records.get(i));
            if let Some(r) = record.filter(|r| self.listed(r)) {
                // A chart job counts the rows listed when it started; new ones are counted here.
                if let Some(job) = self.charts_job.as_mut() {
                    job.stats.observe(&r);
                } else if let Some(fs) = self.filtered_stats.as_mut() {
                    fs.observe(&r);
                }
                listed.push((r.timestamp_ms(), seq));
            }
        }
        self.merge_rows(listed);
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

    /// Merges new rows (time, sequence number; all read after the rows listed) into the rows in
    /// time order: appended when they are all newer, as a live tail's are; else the listed rows
    /// from the first new one's time on are merged with them (one pass, no re-sort of the list).
    fn merge_rows(&mut self, mut new: Vec<(i64, u64)>) {
        // A batch is in time order already (it is assembled so); a stable sort of sorted rows
        // is one pass.
        new.sort_by_key(|&(ms, _)| ms);
        let Some(&(first_ms, first_seq)) = new.first() else {
            return;
        };
        let at = self
            .rows
            .partition_point(|s| (self.time_of(*s), *s) < (first_ms, first_seq));
        if at == self.rows.len() {
            self.rows.extend(new.into_iter().map(|(_, s)| s));
            return;
        }
        let tail: Vec<(i64, u64)> = self
            .rows
            .range(at..)
            .map(|s| (self.time_of(*s), *s))
            .collect();
        self.rows.truncate(at);
        let (mut a, mut b) = (tail.into_iter().peekable(), new.into_iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if y < x => b.next(),
                (Some(_), _) => a.next(),
                (None, _) => b.next(),
            };
            let Some((_, seq)) = next else { break };
            self.rows.push_back(seq);
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
        let mut rows: Vec<(i64, u64)> = records
            .filter_indices(&self.filter)
            .into_iter()
            .filter_map(|i| {
                let ms = records.get(i as usize)?.timestamp_ms();
                (ms >= since).then_some((ms, base + u64::from(i)))
            })
            .collect();
        // Read order within a millisecond; time order across (the store is in read order).
        rows.sort_by_key(|&(ms, _)| ms);
        self.rows = rows.into_iter().map(|(_, s)| s).collect();
        if let Some(c) = self.cursor {
            let i = self.row_of(c);
            self.cursor = self.rows.get(i).or(self.rows.back()).copied();
        }
        self.start_charts();
        self.charts_step(first);
    }
}
