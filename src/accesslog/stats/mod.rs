//! Live access-log statistics over sliding windows (1m/5m/15m/1h) and for the whole run.
//!
//! Counters (requests, bytes, status classes and codes, cache lookups) live in a ring of 10-second
//! slots;
//! latency histograms and top lists in a ring of one-minute panes. Each record goes to the
//! slot and pane of its own timestamp, so out-of-order and late records land where they belong;
//! `observe` is O(1) (no scans, no allocation unless a new key outgrows a pane's memory). A
//! record more than [`HORIZON_MS`] older than the newest one seen (or without a timestamp) is
//! counted in the whole-run totals only. A slot or pane reused for a newer time is folded into
//! the totals first (in place: the whole-run sketches are not rebuilt).
//!
//! A window `w` at `now` counts the slots overlapping `[now - w, now]` (so it reaches back to
//! the 10-second boundary before `now - w`) and reads percentiles and top lists from the panes
//! overlapping it (back to the minute boundary). Rates divide by the time from that first slot
//! boundary (or the first record, if later) to `now`. CloudFront delivers minutes late: a live
//! view usually passes `now = stats.newest()` rather than the wall clock.
//!
//! Memory is bounded: 512 slots × (~140 bytes + 10 bytes per distinct status code, at most 501),
//! 64 panes × (4 histograms ≤ 14 KiB + the top lists' exact counts, at most
//! [`PANE_EXACT_BYTES`], then sketches of `pane_capacity` for the lists that outgrow them), and
//! whole-run sketches of `capacity`, whatever the cardinality (about 3 MiB windowed, 0.5 MiB
//! summary-only, at a million distinct keys per dimension of a legacy log; up to about 9 MiB
//! windowed when every pane fills its exact counts; the v2 dimensions — countries, ASNs, cache
//! behaviors — add theirs only when the records have them).
//!
//! Accuracy: counters are exact; percentiles are within 1.6 % (see [`super::Histogram`]). A
//! pane counts its top lists exactly while their keys (with 40 bytes each) fit
//! [`PANE_EXACT_BYTES`] — a few thousand client addresses, paths and agents a minute — and a
//! list that outgrows them continues as a Space-Saving sketch (see [`super::SpaceSaving`]) of
//! `pane_capacity` counters. Windows and the whole run merge the panes' lists into sketches of
//! `capacity`, whose over-count is at most their `error`, itself at most `N / pane_capacity` for
//! the `N` records of a window's sketched panes (the panes' bounds add up), 0 for exact ones,
//! or `N / capacity` for the whole run without windows. Every key seen more than that many
//! times is listed, and while a dimension has fewer distinct keys than a sketch holds, its
//! counts are exact.

pub(super) mod acc;
pub(super) mod hist;
pub(super) mod query;
pub(super) mod snapshot;

use super::field::Field;
use super::fields::LogFields;
use super::stats::acc::{Counters, Dist, Keys};
use crate::domain::Timestamp;

pub(super) const SLOT_MS: i64 = 10_000;
pub(super) const SLOTS: usize = 512;
pub(super) const PANE_MS: i64 = 60_000;
pub(super) const PANES: usize = 64;
pub(super) const EMPTY: i64 = i64::MIN;
/// Bytes the exact top-list counts of one pane may take (see [`Dist::with_budget`]).
pub(super) const PANE_EXACT_BYTES: usize = 128 << 10;
/// How far behind the newest record a record may be and still be windowed (61 minutes).
pub const HORIZON_MS: i64 = Timestamp::HOUR + Timestamp::MINUTE;
/// Slots, and panes, that may hold windowed records behind the newest one.
const SLOT_SPAN: i64 = HORIZON_MS / SLOT_MS;
const PANE_SPAN: i64 = HORIZON_MS / PANE_MS + 1;

/// A sliding window of the live statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Window {
    /// The last minute.
    M1,
    /// The last 5 minutes.
    M5,
    /// The last 15 minutes.
    M15,
    /// The last hour.
    H1,
}

impl Window {
    /// Every window, shortest first.
    pub const ALL: [Window; 4] = [Window::M1, Window::M5, Window::M15, Window::H1];

    /// Length in milliseconds.
    pub fn millis(self) -> i64 {
        match self {
            Window::M1 => Timestamp::MINUTE,
            Window::M5 => 5 * Timestamp::MINUTE,
            Window::M15 => 15 * Timestamp::MINUTE,
            Window::H1 => Timestamp::HOUR,
        }
    }

    /// `1m`, `5m`, `15m` or `1h`.
    pub fn label(self) -> &'static str {
        match self {
            Window::M1 => "1m",
            Window::M5 => "5m",
            Window::M15 => "15m",
            Window::H1 => "1h",
        }
    }
}

/// Sizes of the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsConfig {
    /// Entries in each top list of a snapshot.
    pub top_n: usize,
    /// Counters of each whole-run sketch (and of the merged sketches of a window).
    pub capacity: usize,
    /// Counters of each sketch of a one-minute pane.
    pub pane_capacity: usize,
    /// Keep the sliding windows (off: whole-run totals only, as `--stats` on files needs).
    pub windowed: bool,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            top_n: 10,
            capacity: 1024,
            pane_capacity: 128,
            windowed: true,
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Slot {
    pub(super) epoch: i64,
    pub(super) counts: Counters,
}

#[derive(Debug, Clone)]
pub(super) struct Pane {
    pub(super) epoch: i64,
    pub(super) dist: Dist,
}

/// Live statistics; see the module docs.
#[derive(Debug, Clone)]
pub struct Stats {
    pub(super) config: StatsConfig,
    pub(super) slots: Vec<Slot>,
    pub(super) panes: Vec<Pane>,
    pub(super) total: Counters,
    pub(super) total_dist: Dist,
    newest_slot: i64,
    newest_pane: i64,
}

impl Default for Stats {
    fn default() -> Self {
        Stats::new(StatsConfig::default())
    }
}

impl Stats {
    /// The log fields the statistics read (a reader may skip the others).
    pub const FIELDS: [Field; 19] = [
        Field::Date,
        Field::Time,
        Field::TimestampMs,
        Field::TimestampSecs,
        Field::Status,
        Field::ScBytes,
        Field::TimeTaken,
        Field::TimeToFirstByte,
        Field::OriginFbl,
        Field::OriginLbl,
        Field::UriStem,
        Field::ClientIp,
        Field::EdgeLocation,
        Field::EdgeResultType,
        Field::UserAgent,
        Field::Referer,
        Field::Country,
        Field::Asn,
        Field::CacheBehavior,
    ];

    /// Statistics with `config`.
    pub fn new(config: StatsConfig) -> Stats {
        let (slots, panes) = if config.windowed {
            let slot = Slot {
                epoch: EMPTY,
                counts: Counters::default(),
            };
            let pane = Pane {
                epoch: EMPTY,
                dist: Dist::with_budget(config.pane_capacity, PANE_EXACT_BYTES),
            };
            (vec![slot; SLOTS], vec![pane; PANES])
        } else {
            (Vec::new(), Vec::new())
        };
        Stats {
            config,
            slots,
            panes,
            total: Counters::default(),
            total_dist: Dist::new(config.capacity),
            newest_slot: EMPTY,
            newest_pane: EMPTY,
        }
    }

    /// Whole-run statistics only (no windows): the fastest, for `--stats` over files.
    pub fn summary_only() -> Stats {
        Stats::new(StatsConfig {
            windowed: false,
            ..StatsConfig::default()
        })
    }

    /// The configuration.
    pub fn config(&self) -> &StatsConfig {
        &self.config
    }

    /// Counts one record.
    #[inline]
    pub fn observe<R: LogFields + ?Sized>(&mut self, record: &R) {
        let k = Keys::of(record);
        if !self.config.windowed || k.ts == 0 {
            self.total.add(&k);
            self.total_dist.add(&k);
            return;
        }
        let se = k.ts.div_euclid(SLOT_MS);
        if self.newest_slot == EMPTY || se > self.newest_slot - SLOT_SPAN {
            self.newest_slot = self.newest_slot.max(se);
            let slot = &mut self.slots[(se as usize) & (SLOTS - 1)];
            if slot.epoch != se {
                self.total.merge(&slot.counts);
                *slot = Slot {
                    epoch: se,
                    counts: Counters::default(),
                };
            }
            slot.counts.add(&k);
        } else {
            self.total.add(&k);
        }
        let pe = k.ts.div_euclid(PANE_MS);
        if self.newest_pane == EMPTY || pe > self.newest_pane - PANE_SPAN {
            self.newest_pane = self.newest_pane.max(pe);
            let pane = &mut self.panes[(pe as usize) & (PANES - 1)];
            if pane.epoch != pe {
                if pane.epoch != EMPTY {
                    self.total_dist.merge(&pane.dist);
                    pane.dist.reset();
                }
                pane.epoch = pe;
            }
            pane.dist.add(&k);
        } else {
            self.total_dist.add(&k);
        }
    }

    /// Adds everything `other` counted (per-thread accumulation); equal to one pass over both
    /// inputs for counters and histograms, and for sketches while they hold every key.
    pub fn merge(&mut self, other: &Stats) {
        self.total.merge(&other.total);
        self.total_dist.merge(&other.total_dist);
        self.newest_slot = self.newest_slot.max(other.newest_slot);
        self.newest_pane = self.newest_pane.max(other.newest_pane);
        for s in other.slots.iter().filter(|s| s.epoch != EMPTY) {
            if s.epoch <= self.newest_slot - SLOT_SPAN || self.slots.is_empty() {
                self.total.merge(&s.counts);
                continue;
            }
            let mine = &mut self.slots[(s.epoch as usize) & (SLOTS - 1)];
            if mine.epoch != s.epoch {
                self.total.merge(&mine.counts);
                *mine = Slot {
                    epoch: s.epoch,
                    counts: Counters::default(),
                };
            }
            mine.counts.merge(&s.counts);
        }
        for p in other.panes.iter().filter(|p| p.epoch != EMPTY) {
            if p.epoch <= self.newest_pane - PANE_SPAN || self.panes.is_empty() {
                self.total_dist.merge(&p.dist);
                continue;
            }
            let mine = &mut self.panes[(p.epoch as usize) & (PANES - 1)];
            if mine.epoch != p.epoch {
                if mine.epoch != EMPTY {
                    self.total_dist.merge(&mine.dist);
                }
                *mine = Pane {
                    epoch: p.epoch,
                    dist: p.dist.clone(),
                };
            } else {
                mine.dist.merge(&p.dist);
            }
        }
    }
}

#[cfg(test)]
mod tests;
