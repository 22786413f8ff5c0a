//! Exact counts of string keys in one arena, and [`Top`]: a top list that counts exactly while
//! its keys fit a byte budget and becomes a [`SpaceSaving`] sketch when they no longer do.
//!
//! A one-minute pane of the statistics counts its top lists here: a new key costs an entry, a
//! table cell and its bytes in the arena (no allocation of its own), a key seen again a probe
//! and an increment, and nothing is ever evicted — so a minute with a few thousand client
//! addresses costs what a minute with ten does. Keys are told apart as the sketch tells them
//! (hash, tag and length).

use crate::accesslog::topk::{FREE, SpaceSaving};

/// Bytes a key costs besides its own bytes: its entry and its share of the table.
pub(in crate::accesslog) const KEY_OVERHEAD: usize = 40;

#[derive(Debug, Clone)]
struct Counted {
    hash: u64,
    count: u64,
    start: u32,
    len: u32,
    tag: u16,
}

/// Exact counts of keys (see the module docs).
#[derive(Debug, Clone, Default)]
pub(in crate::accesslog) struct Tally {
    entries: Vec<Counted>,
    bytes: String,
    /// Linear-probing cells holding entry indexes ([`FREE`] when empty); a power of two, at
    /// most half full.
    table: Vec<u32>,
    total: u64,
}

impl Tally {
    /// Keys counted.
    pub(in crate::accesslog) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Items counted.
    pub(in crate::accesslog) fn total(&self) -> u64 {
        self.total
    }

    /// Forgets every key, keeping the memory for the next ones.
    pub(in crate::accesslog) fn clear(&mut self) {
        self.entries.clear();
        self.bytes.clear();
        self.table.fill(FREE);
        self.total = 0;
    }

    /// The entry of `key`, or the table cell where it would go.
    #[inline]
    fn find(&self, hash: u64, tag: u16, key: &str) -> Result<usize, usize> {
        if self.table.is_empty() {
            return Err(0);
        }
        let mask = self.table.len() - 1;
        let mut p = hash as usize & mask;
        loop {
            let i = self.table[p];
            if i == FREE {
                return Err(p);
            }
            let e = &self.entries[i as usize];
            if e.hash == hash && e.tag == tag && e.len as usize == key.len() {
                return Ok(i as usize);
            }
            p = (p + 1) & mask;
        }
    }

    /// Counts `key` `n` more times if it is counted already; otherwise returns the cell where
    /// [`Tally::insert`] puts it.
    #[inline]
    fn bump(&mut self, hash: u64, tag: u16, key: &str, n: u64) -> Result<(), usize> {
        let i = self.find(hash, tag, key)?;
        self.entries[i].count += n;
        self.total += n;
        Ok(())
    }

    /// Adds a key not yet counted, `count` times, at table cell `cell` (from [`Tally::bump`]).
    fn insert(&mut self, cell: usize, hash: u64, tag: u16, key: &str, count: u64) {
        let Ok(start) = u32::try_from(self.bytes.len()) else {
            return;
        };
        self.bytes.push_str(key);
        self.total += count;
        let index = self.entries.len() as u32;
        self.entries.push(Counted {
            hash,
            count,
            start,
            len: key.len() as u32,
            tag,
        });
        if self.table.is_empty() || self.entries.len() * 2 > self.table.len() {
            self.rehash();
        } else {
            self.table[cell] = index;
        }
    }

    /// Rebuilds the table at twice the size (at least 64 cells).
    #[cold]
    fn rehash(&mut self) {
        let size = (self.table.len() * 2).max(64);
        let mask = size - 1;
        self.table.clear();
        self.table.resize(size, FREE);
        for (i, e) in self.entries.iter().enumerate() {
            let mut p = e.hash as usize & mask;
            while self.table[p] != FREE {
                p = (p + 1) & mask;
            }
            self.table[p] = i as u32;
        }
    }

    /// Every counted `(hash, tag, key, count)`.
    pub(in crate::accesslog) fn rows(&self) -> impl Iterator<Item = (u64, u16, &str, u64)> + '_ {
        self.entries.iter().map(|e| {
            let key = self
                .bytes
                .get(e.start as usize..e.start as usize + e.len as usize)
                .unwrap_or_default();
            (e.hash, e.tag, key, e.count)
        })
    }

    /// Heap bytes held.
    pub(in crate::accesslog) fn footprint_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Counted>()
            + self.bytes.capacity()
            + 4 * self.table.capacity()
    }
}

/// A top list: exact counts while its keys fit the budget it is given, then a Space-Saving
/// sketch of `capacity` counters holding the largest of those counts (see [`Top::observe`]).
#[derive(Debug, Clone)]
pub(in crate::accesslog) enum Top {
    /// Every key counted exactly.
    Exact(Tally),
    /// A sketch (exact while it holds fewer keys than its capacity).
    Sketch(SpaceSaving),
}

impl Top {
    /// Counts `key` under `tag`. A new key counted exactly takes its bytes and
    /// [`KEY_OVERHEAD`] from `room`; when `room` has too little left, the exact counts become a
    /// sketch of `capacity` counters (the largest counts, exact; the floor the largest count
    /// left out) and the key is counted there.
    #[inline]
    pub(in crate::accesslog) fn observe(
        &mut self,
        hash: u64,
        tag: u16,
        key: &str,
        room: &mut usize,
        capacity: usize,
    ) {
        match self {
            Top::Exact(t) => {
                let Err(cell) = t.bump(hash, tag, key, 1) else {
                    return;
                };
                let cost = key.len() + KEY_OVERHEAD;
                if cost <= *room {
                    *room -= cost;
                    t.insert(cell, hash, tag, key, 1);
                } else {
                    self.make_sketch(capacity);
                    if let Top::Sketch(s) = self {
                        s.observe(hash, tag, key);
                    }
                }
            }
            Top::Sketch(s) => s.observe(hash, tag, key),
        }
    }

    /// Turns exact counts into a sketch of `capacity` counters: the largest counts, exact, and
    /// the largest count left out as the floor.
    pub(in crate::accesslog) fn make_sketch(&mut self, capacity: usize) {
        if let Top::Exact(t) = self {
            let exact = Top::Exact(std::mem::take(t));
            *self = Top::Sketch(SpaceSaving::merged_parts(&[&exact], capacity));
        }
    }

    /// Adds `other` in: exact while both are exact and `other`'s new keys fit `room`,
    /// otherwise into a sketch of `capacity` (see [`SpaceSaving::absorb`]).
    pub(in crate::accesslog) fn merge(&mut self, other: &Top, room: &mut usize, capacity: usize) {
        if other.total() == 0 {
            return;
        }
        if let (Top::Exact(a), Top::Exact(b)) = (&mut *self, other) {
            let cost: usize = b.rows().map(|(_, _, k, _)| k.len() + KEY_OVERHEAD).sum();
            if cost <= *room {
                for (hash, tag, key, count) in b.rows() {
                    if let Err(cell) = a.bump(hash, tag, key, count) {
                        *room -= key.len() + KEY_OVERHEAD;
                        a.insert(cell, hash, tag, key, count);
                    }
                }
                return;
            }
        }
        self.make_sketch(capacity);
        if let Top::Sketch(s) = self {
            s.absorb(other);
        }
    }

    /// Resets to no keys, exact (keeping the memory of exact counts).
    pub(in crate::accesslog) fn reset(&mut self) {
        match self {
            Top::Exact(t) => t.clear(),
            Top::Sketch(_) => *self = Top::Exact(Tally::default()),
        }
    }

    /// Items counted.
    pub(in crate::accesslog) fn total(&self) -> u64 {
        match self {
            Top::Exact(t) => t.total(),
            Top::Sketch(s) => s.total(),
        }
    }

    /// Upper bound on the true count of any key not tracked (0 when exact).
    pub(in crate::accesslog) fn floor(&self) -> u64 {
        match self {
            Top::Exact(_) => 0,
            Top::Sketch(s) => s.floor(),
        }
    }

    /// Keys tracked.
    pub(in crate::accesslog) fn len(&self) -> usize {
        match self {
            Top::Exact(t) => t.len(),
            Top::Sketch(s) => s.len(),
        }
    }

    /// Every tracked `(hash, tag, key, count, error)`.
    pub(in crate::accesslog) fn rows(
        &self,
    ) -> Box<dyn Iterator<Item = (u64, u16, &str, u64, u64)> + '_> {
        match self {
            Top::Exact(t) => Box::new(t.rows().map(|(h, tag, k, c)| (h, tag, k, c, 0))),
            Top::Sketch(s) => Box::new(s.rows()),
        }
    }

    /// The top list to show and the bound on the rest (see [`SpaceSaving::ranked`]).
    pub(in crate::accesslog) fn ranked(&self, n: usize) -> (Vec<super::TopEntry>, u64) {
        match self {
            Top::Sketch(s) => s.ranked(n),
            Top::Exact(t) => SpaceSaving::merged_parts(&[self], t.len()).ranked(n),
        }
    }

    /// Heap bytes held.
    pub(in crate::accesslog) fn footprint_bytes(&self) -> usize {
        match self {
            Top::Exact(t) => t.footprint_bytes(),
            Top::Sketch(s) => s.footprint_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accesslog::intern::hash_str;

    fn observe(top: &mut Top, key: &str, room: &mut usize) {
        top.observe(hash_str(key), 0, key, room, 4);
    }

    #[test]
    fn counts_exactly_within_the_budget_then_keeps_the_largest_counts_in_a_sketch() {
        let mut top = Top::Exact(Tally::default());
        let mut room = 10 * (2 + KEY_OVERHEAD);
        for i in 0..10u64 {
            for _ in 0..=i {
                observe(&mut top, &format!("k{i}"), &mut room);
            }
        }
        assert!(matches!(top, Top::Exact(_)));
        assert_eq!(room, 0);
        let (list, rest) = top.ranked(3);
        let got: Vec<(&str, u64, u64)> = list
            .iter()
            .map(|e| (e.key.as_str(), e.count, e.error))
            .collect();
        assert_eq!(got, [("k9", 10, 0), ("k8", 9, 0), ("k7", 8, 0)]);
        assert_eq!(rest, 7, "k6, the largest left out");
        // An eleventh key does not fit: the four largest counts are kept, the others bounded.
        observe(&mut top, "new", &mut room);
        let Top::Sketch(s) = &top else {
            panic!("still exact")
        };
        assert_eq!(s.total(), 56);
        assert_eq!(s.len(), 4);
        assert_eq!(s.estimate(hash_str("k9"), 0, "k9"), Some((10, 0)));
        assert_eq!(s.estimate(hash_str("new"), 0, "new"), Some((8, 7)));
    }

    #[test]
    fn merging_exact_counts_adds_them_and_a_reset_starts_again() {
        let (mut a, mut b) = (Top::Exact(Tally::default()), Top::Exact(Tally::default()));
        let mut room = 1 << 20;
        for k in ["x", "y", "x", "z"] {
            observe(&mut a, k, &mut room);
        }
        for k in ["x", "w", "w"] {
            observe(&mut b, k, &mut room);
        }
        a.merge(&b, &mut room, 4);
        let mut rows: Vec<(String, u64)> = a.rows().map(|r| (r.2.to_string(), r.3)).collect();
        rows.sort();
        let want = [("w", 2), ("x", 3), ("y", 1), ("z", 1)].map(|(k, n)| (k.to_string(), n));
        assert_eq!(rows, want);
        assert_eq!(a.total(), 7);
        a.reset();
        assert_eq!((a.total(), a.len()), (0, 0));
        observe(&mut a, "x", &mut room);
        assert_eq!(a.rows().map(|r| r.3).collect::<Vec<_>>(), [1]);
    }
}
