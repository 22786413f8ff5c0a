//! The accumulators behind [`super::Stats`]: counters (per 10-second slot) and distributions —
//! latency histograms and top-N sketches — (per one-minute pane and for the whole run).

use crate::accesslog::fields::LogFields;
use crate::accesslog::intern::hash_str;
use crate::accesslog::stats::hist::Histogram;
use crate::accesslog::topk::SpaceSaving;
use crate::accesslog::topk::tally::{Tally, Top};

/// The dimensions with a top list, in [`Dist::tops`] order.
pub(in crate::accesslog) const DIMS: usize = 10;
pub(in crate::accesslog) const PATH: usize = 0;
pub(in crate::accesslog) const IP: usize = 1;
pub(in crate::accesslog) const EDGE: usize = 2;
pub(in crate::accesslog) const AGENT: usize = 3;
pub(in crate::accesslog) const REFERER: usize = 4;
pub(in crate::accesslog) const PATH_4XX: usize = 5;
pub(in crate::accesslog) const PATH_5XX: usize = 6;
pub(in crate::accesslog) const COUNTRY: usize = 7;
pub(in crate::accesslog) const ASN: usize = 8;
pub(in crate::accesslog) const BEHAVIOR: usize = 9;

/// One record's values as the accumulators need them, each string hashed once.
pub(in crate::accesslog) struct Keys<'a> {
    pub(in crate::accesslog) ts: i64,
    status: u16,
    bytes: Option<u64>,
    taken: Option<u32>,
    ttfb: Option<u32>,
    ofbl: Option<u32>,
    olbl: Option<u32>,
    hit: bool,
    lookup: bool,
    strings: [(u64, &'a str); 5],
    /// Country, ASN and cache behavior (v2), in [`COUNTRY`] order.
    v2: [(u64, &'a str); 3],
}

/// The status class index: 1–5 for 1xx–5xx, 0 for no status (viewer gone) or out of range.
#[inline]
pub(in crate::accesslog) fn class_of(status: u16) -> usize {
    match status {
        100..=599 => usize::from(status / 100),
        _ => 0,
    }
}

impl<'a> Keys<'a> {
    /// Reads and hashes what the statistics use from `r`.
    #[inline]
    pub(in crate::accesslog) fn of<R: LogFields + ?Sized>(r: &'a R) -> Keys<'a> {
        let result = r.result_type().as_bytes();
        let hit = result == b"Hit" || result == b"RefreshHit";
        let lookup = hit || result == b"Miss";
        let h = |s: &'a str| (if s.is_empty() { 0 } else { hash_str(s) }, s);
        Keys {
            ts: r.timestamp_ms(),
            status: r.status(),
            bytes: r.sc_bytes_opt(),
            taken: r.time_taken_opt(),
            ttfb: r.ttfb_opt(),
            ofbl: r.origin_fbl_opt(),
            olbl: r.origin_lbl_opt(),
            hit,
            lookup,
            strings: [
                h(r.path()),
                h(r.client_ip()),
                h(r.edge_location()),
                h(r.user_agent()),
                h(r.referer()),
            ],
            v2: [h(r.country()), h(r.asn()), h(r.cache_behavior())],
        }
    }
}

/// Exact requests per status code (0 for none or an out-of-range code), as `(code, count)` in
/// the order the codes first appeared: a handful of codes per slot, the usual one found first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::accesslog) struct Codes(Vec<(u16, u64)>);

impl Codes {
    #[inline]
    fn add_n(&mut self, code: u16, n: u64) {
        let code = if class_of(code) == 0 { 0 } else { code };
        match self.0.iter_mut().find(|(c, _)| *c == code) {
            Some((_, count)) => *count += n,
            None => self.0.push((code, n)),
        }
    }

    fn merge(&mut self, o: &Codes) {
        for (code, n) in &o.0 {
            self.add_n(*code, *n);
        }
    }

    /// `(code, count)` pairs, lowest code first.
    pub(in crate::accesslog) fn sorted(&self) -> Vec<(u16, u64)> {
        let mut v = self.0.clone();
        v.sort_unstable();
        v
    }
}

/// Request, byte, status-class, status-code and cache counts, and the time range they cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::accesslog) struct Counters {
    pub(in crate::accesslog) requests: u64,
    pub(in crate::accesslog) bytes: u64,
    /// Records with an `sc-bytes` value.
    pub(in crate::accesslog) sized: u64,
    pub(in crate::accesslog) classes: [u64; 6],
    pub(in crate::accesslog) codes: Codes,
    pub(in crate::accesslog) hits: u64,
    pub(in crate::accesslog) lookups: u64,
    /// Earliest and latest known timestamps (ms); meaningful when `timed > 0`.
    pub(in crate::accesslog) min_ts: i64,
    pub(in crate::accesslog) max_ts: i64,
    pub(in crate::accesslog) timed: u64,
}

impl Counters {
    #[inline]
    pub(in crate::accesslog) fn add(&mut self, k: &Keys<'_>) {
        self.requests += 1;
        // Saturating: a log may hold 19-digit byte counts, whose sum overflows 64 bits.
        self.bytes = self.bytes.saturating_add(k.bytes.unwrap_or(0));
        self.sized += u64::from(k.bytes.is_some());
        self.classes[class_of(k.status)] += 1;
        self.codes.add_n(k.status, 1);
        self.hits += u64::from(k.hit);
        self.lookups += u64::from(k.lookup);
        if k.ts != 0 {
            if self.timed == 0 {
                (self.min_ts, self.max_ts) = (k.ts, k.ts);
            } else {
                self.min_ts = self.min_ts.min(k.ts);
                self.max_ts = self.max_ts.max(k.ts);
            }
            self.timed += 1;
        }
    }

    pub(in crate::accesslog) fn merge(&mut self, o: &Counters) {
        if o.timed > 0 {
            if self.timed == 0 {
                (self.min_ts, self.max_ts) = (o.min_ts, o.max_ts);
            } else {
                self.min_ts = self.min_ts.min(o.min_ts);
                self.max_ts = self.max_ts.max(o.max_ts);
            }
        }
        self.requests += o.requests;
        self.bytes = self.bytes.saturating_add(o.bytes);
        self.sized += o.sized;
        for (a, b) in self.classes.iter_mut().zip(o.classes) {
            *a += b;
        }
        self.codes.merge(&o.codes);
        self.hits += o.hits;
        self.lookups += o.lookups;
        self.timed += o.timed;
    }
}

/// Latency histograms (time-taken, time to first byte, origin first- and last-byte latency) and
/// the top lists: exact counts while a pane's keys fit its budget, sketches otherwise.
#[derive(Debug, Clone)]
pub(in crate::accesslog) struct Dist {
    pub(in crate::accesslog) taken: Histogram,
    pub(in crate::accesslog) ttfb: Histogram,
    pub(in crate::accesslog) ofbl: Histogram,
    pub(in crate::accesslog) olbl: Histogram,
    pub(in crate::accesslog) tops: [Top; DIMS],
    /// Counters of a top list once it is a sketch.
    capacity: usize,
    /// Bytes the exact counts may still take, all top lists together.
    room: usize,
    /// What `room` starts at (0: sketches from the start).
    budget: usize,
}

impl Dist {
    /// Sketches of `capacity` counters.
    pub(in crate::accesslog) fn new(capacity: usize) -> Dist {
        Dist::with_budget(capacity, 0)
    }

    /// Exact counts while their keys take at most `budget` bytes (key bytes and
    /// [`crate::accesslog::topk::tally::KEY_OVERHEAD`] each, all lists together), then, list by
    /// list, sketches of `capacity` counters.
    pub(in crate::accesslog) fn with_budget(capacity: usize, budget: usize) -> Dist {
        let top = || {
            if budget > 0 {
                Top::Exact(Tally::default())
            } else {
                Top::Sketch(SpaceSaving::new(capacity))
            }
        };
        Dist {
            taken: Histogram::new(),
            ttfb: Histogram::new(),
            ofbl: Histogram::new(),
            olbl: Histogram::new(),
            tops: std::array::from_fn(|_| top()),
            capacity,
            room: budget,
            budget,
        }
    }

    /// Empties it for a new pane, keeping the memory of its exact counts.
    pub(in crate::accesslog) fn reset(&mut self) {
        for h in [
            &mut self.taken,
            &mut self.ttfb,
            &mut self.ofbl,
            &mut self.olbl,
        ] {
            *h = Histogram::new();
        }
        for t in &mut self.tops {
            if self.budget > 0 {
                t.reset();
            } else {
                *t = Top::Sketch(SpaceSaving::new(self.capacity));
            }
        }
        self.room = self.budget;
    }

    #[inline]
    pub(in crate::accesslog) fn add(&mut self, k: &Keys<'_>) {
        if let Some(t) = k.taken {
            self.taken.record(t);
        }
        if let Some(t) = k.ttfb {
            self.ttfb.record(t);
        }
        if let Some(t) = k.ofbl {
            self.ofbl.record(t);
        }
        if let Some(t) = k.olbl {
            self.olbl.record(t);
        }
        let (room, capacity) = (&mut self.room, self.capacity);
        for (dim, (hash, key)) in k.strings.iter().enumerate() {
            if !key.is_empty() {
                self.tops[dim].observe(*hash, 0, key, room, capacity);
            }
        }
        for (dim, (hash, key)) in (COUNTRY..).zip(&k.v2) {
            if !key.is_empty() {
                self.tops[dim].observe(*hash, 0, key, room, capacity);
            }
        }
        let (hash, path) = k.strings[PATH];
        if !path.is_empty() {
            match class_of(k.status) {
                4 => self.tops[PATH_4XX].observe(hash, k.status, path, room, capacity),
                5 => self.tops[PATH_5XX].observe(hash, k.status, path, room, capacity),
                _ => {}
            }
        }
    }

    pub(in crate::accesslog) fn merge(&mut self, o: &Dist) {
        self.taken.merge(&o.taken);
        self.ttfb.merge(&o.ttfb);
        self.ofbl.merge(&o.ofbl);
        self.olbl.merge(&o.olbl);
        for (a, b) in self.tops.iter_mut().zip(&o.tops) {
            a.merge(b, &mut self.room, self.capacity);
        }
    }

    /// The merge of several distributions, top lists as sketches of `capacity`.
    pub(in crate::accesslog) fn merged(parts: &[&Dist], capacity: usize) -> Dist {
        let mut d = Dist::new(capacity);
        for p in parts {
            d.taken.merge(&p.taken);
            d.ttfb.merge(&p.ttfb);
            d.ofbl.merge(&p.ofbl);
            d.olbl.merge(&p.olbl);
        }
        for (dim, top) in d.tops.iter_mut().enumerate() {
            let lists: Vec<&Top> = parts.iter().map(|p| &p.tops[dim]).collect();
            *top = Top::Sketch(SpaceSaving::merged_parts(&lists, capacity));
        }
        d
    }

    /// Heap bytes held.
    pub(in crate::accesslog) fn footprint_bytes(&self) -> usize {
        self.taken.footprint_bytes()
            + self.ttfb.footprint_bytes()
            + self.ofbl.footprint_bytes()
            + self.olbl.footprint_bytes()
            + self.tops.iter().map(Top::footprint_bytes).sum::<usize>()
    }
}
