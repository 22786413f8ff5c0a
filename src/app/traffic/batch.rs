//! What the Traffic view's reads bring back (a time-ordered batch of compact records with the
//! raw lines of the newest), and its time presets.

use crate::accesslog::{LogFields, Retained, RetainedRecord, Window};
use crate::domain::{Millis, Timestamp};
use std::sync::Arc;

/// Records kept with every one of their fields (the raw line) for the detail pane: the newest.
pub const DETAIL_KEEP: usize = 20_000;

/// A time preset: how far back the tail reads, the list shows and the charts reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The last 15 minutes.
    M15,
    /// The last hour.
    H1,
    /// The last 24 hours.
    H24,
}

impl Preset {
    /// Length of the preset.
    pub fn millis(self) -> Millis {
        match self {
            Preset::M15 => 15 * Timestamp::MINUTE,
            Preset::H1 => Timestamp::HOUR,
            Preset::H24 => Timestamp::DAY,
        }
    }

    /// `15m`, `1h` or `24h`.
    pub fn label(self) -> &'static str {
        match self {
            Preset::M15 => "15m",
            Preset::H1 => "1h",
            Preset::H24 => "24h",
        }
    }

    /// The next preset in the cycle 15m → 1h → 24h → 15m.
    pub fn next(self) -> Preset {
        match self {
            Preset::M15 => Preset::H1,
            Preset::H1 => Preset::H24,
            Preset::H24 => Preset::M15,
        }
    }

    /// Reads `15m`, `1h` or `24h`.
    pub fn parse(text: &str) -> Option<Preset> {
        match text {
            "15m" => Some(Preset::M15),
            "1h" | "60m" => Some(Preset::H1),
            "24h" | "1d" => Some(Preset::H24),
            _ => None,
        }
    }

    /// The statistics window the charts use (the whole run for 24 h: the windows stop at 1 h).
    pub fn window(self) -> Option<Window> {
        match self {
            Preset::M15 => Some(Window::M15),
            Preset::H1 => Some(Window::H1),
            Preset::H24 => None,
        }
    }
}

/// One record's raw W3C line with its file's `#Fields` names, for the detail pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullLine {
    /// Index of the record in its batch.
    pub index: u32,
    /// The `#Fields` names of the file.
    pub names: Arc<[Box<str>]>,
    /// The line as logged (tab-separated, URL-encoded).
    pub line: Box<str>,
}

/// An object read incompletely (cut short or corrupt): its complete records, kept apart until
/// the tail decides to read it again or give up on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incomplete {
    /// Its key.
    pub key: String,
    /// Why it could not be read completely.
    pub error: String,
    /// Its complete records (with `objects` 1, no errors).
    pub batch: TrafficBatch,
}

/// What one read of log objects brought back: their records in time order, in compact form.
#[derive(Debug, Clone)]
pub struct TrafficBatch {
    /// The records, oldest first.
    pub records: Retained,
    /// Raw lines of the newest records (at most [`DETAIL_KEEP`]).
    pub lines: Vec<FullLine>,
    /// Objects read (completely, or given up on).
    pub objects: usize,
    /// Objects given up on, incompletely read (their complete records are kept), by name.
    pub errors: Vec<String>,
    /// Objects read incompletely this time: read again later, or given up on by the tail.
    pub incomplete: Vec<Incomplete>,
    /// Keys of the objects read completely.
    pub complete_keys: Vec<String>,
    /// Keys whose fetch failed: listed and fetched again later.
    pub failed_keys: Vec<String>,
    /// Malformed lines skipped.
    pub skipped: u64,
    /// The listing that stopped before its end (`s3://bucket/prefix`) and why; the objects of
    /// the pages before it are read: the view is partial until a later round lists the rest.
    pub listing_error: Option<(String, crate::cloud::CloudError)>,
    /// Why the read stopped before its end: the objects it did not reach are in no batch, and
    /// a later round lists and reads them.
    pub stopped: Option<String>,
}

/// How far a read in flight has come, for the Traffic header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadProgress {
    /// Objects read so far.
    pub read: usize,
    /// Objects listed to read so far.
    pub listed: usize,
    /// Whether the listing goes on (more objects may be listed).
    pub listing: bool,
    /// Bytes of the objects read so far, as fetched.
    pub bytes: u64,
}

impl Default for TrafficBatch {
    fn default() -> Self {
        TrafficBatch {
            records: Retained::new(1),
            lines: Vec::new(),
            objects: 0,
            errors: Vec::new(),
            incomplete: Vec::new(),
            complete_keys: Vec::new(),
            failed_keys: Vec::new(),
            skipped: 0,
            listing_error: None,
            stopped: None,
        }
    }
}

impl PartialEq for TrafficBatch {
    fn eq(&self, other: &Self) -> bool {
        let key = |r: RetainedRecord<'_>| (r.timestamp_ms(), r.status(), r.path().to_string());
        self.records.len() == other.records.len()
            && self
                .records
                .iter()
                .map(key)
                .eq(other.records.iter().map(key))
            && self.lines == other.lines
            && self.objects == other.objects
            && self.errors == other.errors
            && self.incomplete == other.incomplete
            && self.complete_keys == other.complete_keys
            && self.failed_keys == other.failed_keys
            && self.skipped == other.skipped
            && self.listing_error == other.listing_error
            && self.stopped == other.stopped
    }
}
