//! Retention of the last N records in compact form: a ring of packed columns with interned
//! strings, so scrolling, filtering and search need no second read of S3.
//!
//! Per record: timestamp (8 bytes), `sc-bytes` (8), time-taken and TTFB (4 + 4), status (2,
//! its top bit flags a packed IPv4 client), the client IP (4: an IPv4 address packed, or an id
//! into the IP interner for IPv6 and anything else), and 8 interned string ids (4 each: path,
//! query, edge, user agent, referer, method, result type, host) — 62 bytes, plus the interners.
//! Standard logging v2's fields are columns of their own, each made only when a record first
//! has a value for it (legacy deliveries never pay for them): `c-country`, `asn` and
//! `cache-behavior-path-pattern` as interned ids (4 bytes each), `origin-fbl` and `origin-lbl`
//! as milliseconds (4 each) — at most 20 bytes more a record.
//!
//! Interners only grow when new strings arrive, and eviction does not shrink them, so each one is
//! rebuilt from the live records (ids remapped in place, O(len)) when it holds more than twice
//! the strings it held after its last rebuild plus 4096. Its size thus stays below
//! `2 × live distinct strings + 4096`, and the rebuild cost is amortized O(1) per record, since
//! doubling needs at least as many pushes as the live count.

pub(super) mod row;

use super::export::{RETAINED_FIELDS, RETAINED_V2};
use super::field::Field;
use super::fields::LogFields;
use super::intern::{EMPTY_ID, Interner};
use super::retain::row::parse_v4;

/// Default number of records retained.
pub const DEFAULT_RETAIN: usize = 1_000_000;
/// Status-column flag: the IP column holds a packed IPv4 address.
pub(super) const V4: u16 = 0x8000;
const SLACK: usize = 4096;

/// Interned string columns, in [`Retained::strings`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// `cs-uri-stem`.
    Path = 0,
    /// `cs-uri-query`.
    Query,
    /// `x-edge-location`.
    Edge,
    /// `cs(User-Agent)`.
    Agent,
    /// `cs(Referer)`.
    Referer,
    /// `cs-method`.
    Method,
    /// `x-edge-result-type`.
    Result,
    /// `cs(Host)`.
    Host,
    /// `c-country` (v2; a column only once a record has one).
    Country,
    /// `asn` (v2; a column only once a record has one).
    Asn,
    /// `cache-behavior-path-pattern` (v2; a column only once a record has one).
    Behavior,
}

pub(super) const COLS: usize = 11;
/// The first column made only when a record has a value for it.
const OPTIONAL: usize = Col::Country as usize;
/// An origin latency column's value for a record without one.
pub(super) const NO_MS: u32 = u32::MAX;

/// The last `capacity` records pushed, oldest evicted first. Positions run from 0 (oldest) to
/// `len - 1` (newest) and shift as records are evicted; sequence numbers never do.
#[derive(Debug, Clone)]
pub struct Retained {
    capacity: usize,
    head: usize,
    pushed: u64,
    pub(super) ts: Vec<i64>,
    pub(super) bytes: Vec<u64>,
    pub(super) taken: Vec<u32>,
    pub(super) ttfb: Vec<u32>,
    pub(super) status: Vec<u16>,
    pub(super) ip: Vec<u32>,
    /// `origin-fbl` and `origin-lbl` in milliseconds ([`NO_MS`] for none); empty until a record
    /// has one.
    pub(super) origin: [Vec<u32>; 2],
    /// String ids per [`Col`]; the optional columns are empty until a record has a value.
    pub(super) ids: [Vec<u32>; COLS],
    pub(super) strings: [Interner; COLS],
    pub(super) ips: Interner,
    /// Whether any record held or evicted was logged with `timestamp(ms)`.
    pub(super) ms_logged: bool,
    rebuilt_at: [usize; COLS + 1],
}

impl Default for Retained {
    fn default() -> Self {
        Retained::new(DEFAULT_RETAIN)
    }
}

/// Grows `v` towards `cap` without overshooting it.
fn reserve<T>(v: &mut Vec<T>, cap: usize) {
    if v.len() == v.capacity() {
        let want = (v.len() * 2).max(1024).min(cap.max(1));
        v.reserve_exact(want.saturating_sub(v.len()));
    }
}

impl Retained {
    /// An empty store keeping at most `capacity` (≥ 1) records.
    pub fn new(capacity: usize) -> Retained {
        Retained {
            capacity: capacity.max(1),
            head: 0,
            pushed: 0,
            ts: Vec::new(),
            bytes: Vec::new(),
            taken: Vec::new(),
            ttfb: Vec::new(),
            status: Vec::new(),
            ip: Vec::new(),
            origin: Default::default(),
            ids: Default::default(),
            strings: Default::default(),
            ips: Interner::new(),
            ms_logged: false,
            rebuilt_at: [0; COLS + 1],
        }
    }

    /// Records held.
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    /// Maximum records held.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Records pushed since creation (the next record's sequence number).
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    /// Sequence number of the record at position `i` (0 = oldest).
    pub fn seq(&self, i: usize) -> u64 {
        self.pushed - self.len() as u64 + i as u64
    }

    /// Position of the record with sequence number `seq`, if still held.
    pub fn position(&self, seq: u64) -> Option<usize> {
        let first = self.pushed - self.len() as u64;
        (seq >= first && seq < self.pushed).then(|| (seq - first) as usize)
    }

    /// Storage index of position `i`.
    #[inline]
    pub(super) fn phys(&self, i: usize) -> usize {
        let p = self.head + i;
        if p >= self.capacity {
            p - self.capacity
        } else {
            p
        }
    }

    /// Position of storage index `p`.
    #[inline]
    pub(super) fn logical(&self, p: usize) -> usize {
        if p >= self.head {
            p - self.head
        } else {
            p + self.capacity - self.head
        }
    }

    /// Storage indexes from oldest to newest, as two contiguous runs.
    pub(super) fn runs(&self) -> [std::ops::Range<usize>; 2] {
        [
            self.head..self.len(),
            0..if self.head == 0 { 0 } else { self.head },
        ]
    }

    /// Keeps `record`, evicting the oldest when full.
    pub fn push<R: LogFields + ?Sized>(&mut self, record: &R) {
        let ip_text = record.client_ip();
        let (ip, v4) = match parse_v4(ip_text) {
            Some(a) => (a, V4),
            None => (self.ips.intern(ip_text), 0),
        };
        let status = record.status().min(V4 - 1) | v4;
        let ids = [
            self.strings[0].intern(record.path()),
            self.strings[1].intern(record.query()),
            self.strings[2].intern(record.edge_location()),
            self.strings[3].intern(record.user_agent()),
            self.strings[4].intern(record.referer()),
            self.strings[5].intern(record.method()),
            self.strings[6].intern(record.result_type()),
            self.strings[7].intern(record.host()),
            self.strings[8].intern(record.country()),
            self.strings[9].intern(record.asn()),
            self.strings[10].intern(record.cache_behavior()),
        ];
        let origin = [record.origin_fbl_opt(), record.origin_lbl_opt()]
            .map(|ms| ms.map_or(NO_MS, |ms| ms.min(NO_MS - 1)));
        let (ts, bytes) = (record.timestamp_ms(), record.sc_bytes());
        let (taken, ttfb) = (record.time_taken_ms(), record.ttfb_ms());
        self.ms_logged |= record.logs_timestamp_ms();
        // An optional column is made (every earlier record without a value) at its first value.
        let len = self.len();
        for (col, id) in self.ids[OPTIONAL..].iter_mut().zip(&ids[OPTIONAL..]) {
            if col.is_empty() && *id != EMPTY_ID {
                col.resize(len, EMPTY_ID);
            }
        }
        for (col, ms) in self.origin.iter_mut().zip(origin) {
            if col.is_empty() && ms != NO_MS {
                col.resize(len, NO_MS);
            }
        }
        if self.len() < self.capacity {
            let cap = self.capacity;
            reserve(&mut self.ts, cap);
            reserve(&mut self.bytes, cap);
            reserve(&mut self.taken, cap);
            reserve(&mut self.ttfb, cap);
            reserve(&mut self.status, cap);
            reserve(&mut self.ip, cap);
            self.ts.push(ts);
            self.bytes.push(bytes);
            self.taken.push(taken);
            self.ttfb.push(ttfb);
            self.status.push(status);
            self.ip.push(ip);
            for (c, (col, id)) in self.ids.iter_mut().zip(ids).enumerate() {
                // Absent optional columns stay empty.
                if c < OPTIONAL || col.len() == len && (len > 0 || id != EMPTY_ID) {
                    reserve(col, cap);
                    col.push(id);
                }
            }
            for (col, ms) in self.origin.iter_mut().zip(origin) {
                if col.len() == len && (len > 0 || ms != NO_MS) {
                    reserve(col, cap);
                    col.push(ms);
                }
            }
        } else {
            let p = self.head;
            self.head = if p + 1 == self.capacity { 0 } else { p + 1 };
            self.ts[p] = ts;
            self.bytes[p] = bytes;
            self.taken[p] = taken;
            self.ttfb[p] = ttfb;
            self.status[p] = status;
            self.ip[p] = ip;
            for (col, id) in self.ids.iter_mut().zip(ids) {
                if let Some(c) = col.get_mut(p) {
                    *c = id;
                }
            }
            for (col, ms) in self.origin.iter_mut().zip(origin) {
                if let Some(c) = col.get_mut(p) {
                    *c = ms;
                }
            }
        }
        self.pushed += 1;
        self.compact_if_needed();
    }

    fn compact_if_needed(&mut self) {
        for c in 0..COLS {
            if self.strings[c].len() > 2 * self.rebuilt_at[c] + SLACK {
                let old = std::mem::take(&mut self.strings[c]);
                let fresh = rebuild(&old, self.ids[c].iter_mut());
                self.rebuilt_at[c] = fresh.len();
                self.strings[c] = fresh;
            }
        }
        if self.ips.len() > 2 * self.rebuilt_at[COLS] + SLACK {
            let old = std::mem::take(&mut self.ips);
            let flagged = self.ip.iter_mut().zip(&self.status);
            let fresh = rebuild(&old, flagged.filter(|(_, s)| **s & V4 == 0).map(|(i, _)| i));
            self.rebuilt_at[COLS] = fresh.len();
            self.ips = fresh;
        }
    }

    /// The interner of string column `col`.
    pub fn strings(&self, col: Col) -> &Interner {
        &self.strings[col as usize]
    }

    /// Whether the records keep `field`: always for the columns every record has
    /// ([`RETAINED_FIELDS`] and `timestamp(ms)`), and for v2's once any record held or evicted
    /// had a value for it; a filter on a field not kept is unknown, not a match of none.
    pub fn keeps(&self, field: Field) -> bool {
        match field {
            Field::Country => !self.ids[Col::Country as usize].is_empty(),
            Field::Asn => !self.ids[Col::Asn as usize].is_empty(),
            Field::CacheBehavior => !self.ids[Col::Behavior as usize].is_empty(),
            Field::OriginFbl => !self.origin[0].is_empty(),
            Field::OriginLbl => !self.origin[1].is_empty(),
            Field::TimestampMs => true,
            f => RETAINED_FIELDS.contains(&f.name()),
        }
    }

    /// The fields of standard logging v2 the records carry, to export with them: those of
    /// [`RETAINED_V2`] the store keeps (see [`Retained::keeps`]), with `timestamp(ms)` (which
    /// every record has) once any record was logged with it or any other is kept; none for
    /// legacy records.
    pub fn v2_fields(&self) -> Vec<Field> {
        let kept: Vec<Field> = RETAINED_V2
            .into_iter()
            .filter(|f| *f != Field::TimestampMs && self.keeps(*f))
            .collect();
        if kept.is_empty() && !self.ms_logged {
            return kept;
        }
        std::iter::once(Field::TimestampMs).chain(kept).collect()
    }

    /// Distinct strings held per column (path, query, edge, agent, referer, method, result,
    /// host, country, ASN, cache behavior, then non-IPv4 client IPs).
    pub fn distinct(&self) -> [usize; COLS + 1] {
        let mut d = [0; COLS + 1];
        for (n, s) in d.iter_mut().zip(&self.strings) {
            *n = s.len();
        }
        d[COLS] = self.ips.len();
        d
    }

    /// Heap bytes held: columns (allocated) and interners.
    pub fn footprint_bytes(&self) -> usize {
        self.ts.capacity() * 8
            + self.bytes.capacity() * 8
            + (self.taken.capacity() + self.ttfb.capacity() + self.ip.capacity()) * 4
            + self.status.capacity() * 2
            + self.ids.iter().map(|c| c.capacity() * 4).sum::<usize>()
            + self.origin.iter().map(|c| c.capacity() * 4).sum::<usize>()
            + self
                .strings
                .iter()
                .map(Interner::footprint_bytes)
                .sum::<usize>()
            + self.ips.footprint_bytes()
    }
}

/// A fresh interner holding only the strings `ids` use, rewriting the ids in place.
fn rebuild<'a>(old: &Interner, ids: impl Iterator<Item = &'a mut u32>) -> Interner {
    let mut fresh = Interner::new();
    let mut map = vec![u32::MAX; old.len()];
    if let Some(m) = map.first_mut() {
        *m = EMPTY_ID;
    }
    for id in ids {
        if let Some(m) = map.get_mut(*id as usize) {
            if *m == u32::MAX {
                *m = fresh.intern(old.get(*id));
            }
            *id = *m;
        } else {
            *id = EMPTY_ID;
        }
    }
    fresh
}
