//! Space-Saving heavy hitters: the top keys of a stream in fixed memory, with error bounds.
//!
//! A sketch of capacity `C` tracks at most `C` keys. A tracked key is counted; a new key takes a
//! free counter, or, when all are taken, the counter with the smallest count `m`, starting at
//! `m + 1` with error `m`. Guarantees for a sketch that saw `N` items:
//! - every estimate is an over-count by at most its `error`: `count - error ≤ true ≤ count`;
//! - `error ≤ floor ≤ N / C`, and any key with a true count above `N / C` is tracked;
//! - merging sketches adds their bounds (`floor` of a merge ≤ `Σ Nᵢ / Cᵢ`).
//!
//! Cost: a tracked key's update is a hash-table probe and an increment; a new key in a full
//! sketch takes a counter from a list of the slots that had the smallest count when it was last
//! made (counts only grow, so a listed slot still at that count is a minimum), rebuilt by one scan
//! of the counters when it runs out: amortised O(1) while many counters share the minimum, as
//! they do under high-cardinality churn. Memory: `C` entries (48 bytes plus the key's bytes), a
//! list of ≤ `C` × 4 bytes and a table of ≤ 4·C × 8 bytes; keys are allocated only when they
//! enter (an evicted key's buffer is reused).

pub(super) mod index;
pub(super) mod merge;
pub(super) mod tally;

use serde::Serialize;

pub(super) const FREE: u32 = u32::MAX;

/// One key of a top list with its estimated count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopEntry {
    /// The key as the records hold it (paths and user agents still URL-encoded from the parser).
    pub key: String,
    /// For per-status lists, the status code the key was seen with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Estimated count (never below the true count).
    pub count: u64,
    /// Maximum over-count: the true count is at least `count - error`.
    pub error: u64,
}

impl TopEntry {
    /// The count as shown: exact, or the range the true count lies in (`23–36`) when the
    /// sketch may have over-counted it.
    pub fn count_text(&self) -> String {
        if self.error == 0 {
            self.count.to_string()
        } else {
            format!("{}–{}", self.count.saturating_sub(self.error), self.count)
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) hash: u64,
    pub(super) tag: u16,
    pub(super) count: u64,
    pub(super) err: u64,
    pub(super) key: String,
}

/// A Space-Saving sketch (see the module docs for its bounds).
#[derive(Debug, Clone)]
pub struct SpaceSaving {
    pub(super) capacity: usize,
    pub(super) entries: Vec<Entry>,
    /// Slots whose count was `min_count`, the smallest, when the list was made; a slot that has
    /// grown since is dropped when met.
    pub(super) mins: Vec<u32>,
    pub(super) min_count: u64,
    /// Linear-probing cells `(slot, low 32 bits of the key's hash)`.
    pub(super) table: Vec<(u32, u32)>,
    pub(super) base: u64,
    pub(super) total: u64,
}

impl SpaceSaving {
    /// An empty sketch tracking at most `capacity` (≥ 1) keys.
    pub fn new(capacity: usize) -> SpaceSaving {
        SpaceSaving {
            capacity: capacity.max(1),
            entries: Vec::new(),
            mins: Vec::new(),
            min_count: 0,
            table: vec![(FREE, 0); 8],
            base: 0,
            total: 0,
        }
    }

    /// Counts `key` under `tag` (0, or a status code); `hash` is [`super::intern::hash_str`] of `key`.
    #[inline]
    pub fn observe(&mut self, hash: u64, tag: u16, key: &str) {
        self.total += 1;
        if let Some(slot) = self.find(hash, tag, key) {
            self.entries[slot].count += 1;
            return;
        }
        if self.entries.len() < self.capacity {
            let slot = self.entries.len();
            self.entries.push(Entry {
                hash,
                tag,
                count: self.base + 1,
                err: self.base,
                key: key.to_string(),
            });
            self.table_insert(slot);
            // The newcomer may be below the listed minimum (after a merge took another
            // sketch's list, or while filling): the list is rebuilt when next needed.
            self.mins.clear();
            return;
        }
        let Some(slot) = self.min_slot() else {
            return;
        };
        self.table_remove(slot);
        let e = &mut self.entries[slot];
        e.key.clear();
        e.key.push_str(key);
        e.hash = hash;
        e.tag = tag;
        e.err = e.count;
        e.count += 1;
        self.table_insert(slot);
        self.mins.pop();
    }

    /// Items counted (including those of merged sketches).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Upper bound on the true count of any key not tracked.
    pub fn floor(&self) -> u64 {
        if self.entries.len() >= self.capacity {
            self.entries
                .iter()
                .map(|e| e.count)
                .min()
                .unwrap_or(self.base)
        } else {
            self.base
        }
    }

    /// Keys tracked now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is tracked.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Maximum number of keys tracked.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The estimate and error of `key`, if tracked.
    pub fn estimate(&self, hash: u64, tag: u16, key: &str) -> Option<(u64, u64)> {
        let e = &self.entries[self.find(hash, tag, key)?];
        Some((e.count, e.err))
    }

    /// The `n` keys with the largest estimates, largest first (ties by key, then tag).
    pub fn top(&self, n: usize) -> Vec<TopEntry> {
        let mut order: Vec<&Entry> = self.entries.iter().collect();
        sort_entries(&mut order);
        order.into_iter().take(n).map(top_entry).collect()
    }

    /// The top list to show and an upper bound on the count of every key it leaves out: the `n`
    /// largest keys whose guaranteed count (`count - error`) exceeds the floor — each certainly
    /// seen more often than any key the sketch dropped — largest first. Keys still tracked but
    /// not that sure are left out with the rest (their counts raise the bound, which may then
    /// pass a listed key's: they are not certain either way). Under traffic with no heavy
    /// hitters (thousands of one-off client IPs) no estimate is that sure and the list is
    /// empty: its keys would be whichever happened to hold a counter, at counts that are nearly
    /// all error.
    pub fn ranked(&self, n: usize) -> (Vec<TopEntry>, u64) {
        let floor = self.floor();
        let mut rest = floor;
        let mut sure: Vec<&Entry> = Vec::new();
        for e in &self.entries {
            if e.count - e.err > floor {
                sure.push(e);
            } else {
                rest = rest.max(e.count);
            }
        }
        sort_entries(&mut sure);
        for e in sure.iter().skip(n) {
            rest = rest.max(e.count);
        }
        (sure.into_iter().take(n).map(top_entry).collect(), rest)
    }

    /// Heap bytes held (entries, keys, minimum list and table).
    pub fn footprint_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.entries.iter().map(|e| e.key.capacity()).sum::<usize>()
            + 4 * self.mins.capacity()
            + 8 * self.table.capacity()
    }

    /// Adds `other` into this sketch (capacity unchanged).
    pub fn merge(&mut self, other: &SpaceSaving) {
        if other.total == 0 {
            return;
        }
        if self.total == 0 && self.capacity >= other.capacity {
            let (capacity, floor) = (self.capacity, other.floor());
            *self = other.clone();
            self.capacity = capacity;
            // With room to spare the sketch is no longer full, so its floor is `base`: keys
            // `other` no longer tracks may have been seen up to its floor times.
            self.base = floor;
            return;
        }
        self.absorb(other);
    }

    /// The merge of several sketches into one of `capacity`: a key's estimate is the sum over
    /// the parts of its count there, or that part's floor where it is not tracked; the largest
    /// `capacity` estimates are kept, and the floor becomes the larger of the summed floors and
    /// the largest estimate dropped.
    pub fn merged(parts: &[&SpaceSaving], capacity: usize) -> SpaceSaving {
        super::topk::merge::merged(parts, capacity)
    }

    /// Builds a sketch from `(hash, tag, key, count, error)` rows already cut to `capacity`.
    pub(super) fn from_rows(
        capacity: usize,
        rows: Vec<(u64, u16, String, u64, u64)>,
        base: u64,
        total: u64,
    ) -> SpaceSaving {
        let mut s = SpaceSaving::new(capacity.max(rows.len()));
        s.base = base;
        s.total = total;
        for (hash, tag, key, count, err) in rows {
            let slot = s.entries.len();
            s.entries.push(Entry {
                hash,
                tag,
                count,
                err,
                key,
            });
            s.table_insert(slot);
        }
        s
    }

    /// Every tracked `(hash, tag, key, count, error)`.
    pub(super) fn rows(&self) -> impl Iterator<Item = (u64, u16, &str, u64, u64)> + '_ {
        self.entries
            .iter()
            .map(|e| (e.hash, e.tag, e.key.as_str(), e.count, e.err))
    }
}

/// Largest count first, ties by key, then tag.
fn sort_entries(order: &mut [&Entry]) {
    order.sort_unstable_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.key.cmp(&b.key))
            .then(a.tag.cmp(&b.tag))
    });
}

fn top_entry(e: &Entry) -> TopEntry {
    TopEntry {
        key: e.key.clone(),
        status: (e.tag != 0).then_some(e.tag),
        count: e.count,
        error: e.err,
    }
}

#[cfg(test)]
mod tests;
