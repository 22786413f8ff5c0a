//! Merging Space-Saving sketches and exact counts (per-thread accumulation, window panes) with
//! summed bounds: into a new sketch, or into a sketch in place.

use crate::accesslog::topk::tally::Top;
use crate::accesslog::topk::{Entry, FREE, SpaceSaving};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A key already hashed by the sketch: the table hashes only the stored hash.
#[derive(PartialEq, Eq)]
struct Key<'a> {
    hash: u64,
    tag: u16,
    key: &'a str,
}

impl Hash for Key<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// A hasher passing a precomputed `u64` through.
#[derive(Default)]
struct Pass(u64);

impl Hasher for Pass {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[derive(Default)]
struct Acc {
    count: u64,
    err: u64,
    floors: u64,
}

/// What can be merged into a sketch: a sketch, or a top list that may count exactly.
pub(in crate::accesslog) trait Part {
    /// Upper bound on the true count of any key not tracked.
    fn floor(&self) -> u64;
    /// Items counted.
    fn total(&self) -> u64;
    /// Keys tracked.
    fn len(&self) -> usize;
    /// Every tracked `(hash, tag, key, count, error)`.
    fn rows(&self) -> Box<dyn Iterator<Item = (u64, u16, &str, u64, u64)> + '_>;
}

impl Part for SpaceSaving {
    fn floor(&self) -> u64 {
        SpaceSaving::floor(self)
    }
    fn total(&self) -> u64 {
        SpaceSaving::total(self)
    }
    fn len(&self) -> usize {
        SpaceSaving::len(self)
    }
    fn rows(&self) -> Box<dyn Iterator<Item = (u64, u16, &str, u64, u64)> + '_> {
        Box::new(SpaceSaving::rows(self))
    }
}

impl Part for Top {
    fn floor(&self) -> u64 {
        Top::floor(self)
    }
    fn total(&self) -> u64 {
        Top::total(self)
    }
    fn len(&self) -> usize {
        Top::len(self)
    }
    fn rows(&self) -> Box<dyn Iterator<Item = (u64, u16, &str, u64, u64)> + '_> {
        Top::rows(self)
    }
}

/// Largest count first, ties by key, then tag (the order in which merges keep keys).
fn order(a: (u64, &str, u16), b: (u64, &str, u16)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)).then(a.2.cmp(&b.2))
}

/// Where a key kept by [`SpaceSaving::absorb`] comes from.
#[derive(Clone, Copy)]
enum From {
    Mine(usize),
    New(usize),
}

impl SpaceSaving {
    /// Adds `other` into this sketch in place, with the counts and bounds of
    /// [`SpaceSaving::merged`] of the two at this capacity: a key's estimate is its count here,
    /// or this floor, plus its count there, or that floor; the largest `capacity` are kept.
    /// Keys already tracked are counted where they are and evicted keys' buffers reused, so
    /// folding a pane into the whole-run sketch allocates only for keys beyond them.
    pub(in crate::accesslog) fn absorb<P: Part + ?Sized>(&mut self, other: &P) {
        if other.total() == 0 {
            return;
        }
        let (mine, theirs) = (self.floor(), other.floor());
        let mut seen = vec![false; self.entries.len()];
        let mut incoming: Vec<(u64, u16, &str, u64, u64)> = Vec::new();
        for (hash, tag, key, count, err) in other.rows() {
            match self.find(hash, tag, key) {
                Some(slot) => {
                    let e = &mut self.entries[slot];
                    e.count += count;
                    e.err += err;
                    seen[slot] = true;
                }
                None => incoming.push((hash, tag, key, count + mine, err + mine)),
            }
        }
        for (e, seen) in self.entries.iter_mut().zip(&seen) {
            if !seen {
                e.count += theirs;
                e.err += theirs;
            }
        }
        self.total += other.total();
        self.base = mine + theirs;
        self.mins.clear();
        if self.entries.len() + incoming.len() <= self.capacity {
            for (hash, tag, key, count, err) in incoming {
                let slot = self.entries.len();
                self.entries.push(Entry {
                    hash,
                    tag,
                    count,
                    err,
                    key: key.to_string(),
                });
                self.table_insert(slot);
            }
            return;
        }
        let mut all: Vec<From> = (0..self.entries.len())
            .map(From::Mine)
            .chain((0..incoming.len()).map(From::New))
            .collect();
        let entries = &self.entries;
        let sort_key = |f: &From| match *f {
            From::Mine(i) => (entries[i].count, entries[i].key.as_str(), entries[i].tag),
            From::New(i) => (incoming[i].3, incoming[i].2, incoming[i].1),
        };
        all.select_nth_unstable_by(self.capacity, |a, b| order(sort_key(a), sort_key(b)));
        let dropped = all[self.capacity..]
            .iter()
            .map(|f| sort_key(f).0)
            .max()
            .unwrap_or(0);
        self.base = self.base.max(dropped);
        let mut keep = vec![false; self.entries.len()];
        let mut new = Vec::new();
        for f in &all[..self.capacity] {
            match *f {
                From::Mine(i) => keep[i] = true,
                From::New(i) => new.push(i),
            }
        }
        let old = std::mem::take(&mut self.entries);
        let mut spare = Vec::new();
        for (e, keep) in old.into_iter().zip(keep) {
            if keep {
                self.entries.push(e);
            } else {
                spare.push(e.key);
            }
        }
        for i in new {
            let (hash, tag, key, count, err) = incoming[i];
            let mut buf = spare.pop().unwrap_or_default();
            buf.clear();
            buf.push_str(key);
            self.entries.push(Entry {
                hash,
                tag,
                count,
                err,
                key: buf,
            });
        }
        let size = (self.entries.len() * 2 + 2).next_power_of_two().max(8);
        self.table.clear();
        self.table.resize(size, (FREE, 0));
        for slot in 0..self.entries.len() {
            self.table_insert(slot);
        }
    }

    /// [`SpaceSaving::merged`] of sketches or top lists that may count exactly.
    pub(in crate::accesslog) fn merged_parts<P: Part + ?Sized>(
        parts: &[&P],
        capacity: usize,
    ) -> SpaceSaving {
        merged(parts, capacity)
    }
}

/// See [`SpaceSaving::merged`].
pub(in crate::accesslog) fn merged<P: Part + ?Sized>(parts: &[&P], capacity: usize) -> SpaceSaving {
    let floors: u64 = parts.iter().map(|p| p.floor()).sum();
    let total: u64 = parts.iter().map(|p| p.total()).sum();
    let size: usize = parts.iter().map(|p| p.len()).sum();
    let mut acc: HashMap<Key<'_>, Acc, BuildHasherDefault<Pass>> =
        HashMap::with_capacity_and_hasher(size, BuildHasherDefault::default());
    for part in parts {
        let floor = part.floor();
        for (hash, tag, key, count, err) in part.rows() {
            let a = acc.entry(Key { hash, tag, key }).or_default();
            a.count += count;
            a.err += err;
            a.floors += floor;
        }
    }
    let mut rows: Vec<(u64, u16, &str, u64, u64)> = acc
        .into_iter()
        .map(|(k, a)| {
            let missing = floors - a.floors;
            (k.hash, k.tag, k.key, a.count + missing, a.err + missing)
        })
        .collect();
    let capacity = capacity.max(1);
    let mut base = floors;
    if rows.len() > capacity {
        rows.select_nth_unstable_by(capacity, |a, b| order((a.3, a.2, a.1), (b.3, b.2, b.1)));
        let dropped = rows[capacity..].iter().map(|r| r.3).max().unwrap_or(0);
        base = base.max(dropped);
        rows.truncate(capacity);
    }
    let rows = rows
        .into_iter()
        .map(|(h, t, k, c, e)| (h, t, k.to_string(), c, e))
        .collect();
    SpaceSaving::from_rows(capacity, rows, base, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accesslog::intern::hash_str;

    fn feed(s: &mut SpaceSaving, keys: impl Iterator<Item = String>) {
        for k in keys {
            s.observe(hash_str(&k), 0, &k);
        }
    }

    fn zipf(n: usize, seed: u64) -> Vec<String> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = ((x >> 11) as f64 / (1u64 << 53) as f64).max(1e-9);
                format!("/k/{}", (1.0 / u) as u64 % 100_000)
            })
            .collect()
    }

    #[test]
    fn bounds_hold_and_heavy_keys_are_found() {
        let keys = zipf(200_000, 7);
        let mut exact: HashMap<&str, u64> = HashMap::new();
        for k in &keys {
            *exact.entry(k).or_default() += 1;
        }
        let mut s = SpaceSaving::new(256);
        feed(&mut s, keys.iter().cloned());
        let bound = 200_000 / 256;
        assert!(s.floor() <= bound);
        for e in s.top(256) {
            let t = exact.get(e.key.as_str()).copied().unwrap_or(0);
            assert!(e.count >= t && e.count - e.error <= t, "{e:?} true {t}");
            assert!(e.error <= bound);
        }
        for (k, t) in &exact {
            if *t > bound {
                assert!(s.estimate(hash_str(k), 0, k).is_some(), "{k} {t}");
            }
        }
    }

    #[test]
    fn merge_keeps_the_bounds_and_equals_one_pass_when_exact() {
        let (a_keys, b_keys) = (zipf(50_000, 1), zipf(50_000, 2));
        let (mut a, mut b, mut one) = (
            SpaceSaving::new(64),
            SpaceSaving::new(64),
            SpaceSaving::new(64),
        );
        feed(&mut a, a_keys.iter().cloned());
        feed(&mut b, b_keys.iter().cloned());
        feed(&mut one, a_keys.iter().chain(&b_keys).cloned());
        let mut m = a.clone();
        m.merge(&b);
        assert_eq!(m.total(), 100_000);
        assert!(m.floor() <= 50_000 / 64 * 2);
        let mut exact: HashMap<&str, u64> = HashMap::new();
        for k in a_keys.iter().chain(&b_keys) {
            *exact.entry(k).or_default() += 1;
        }
        for e in m.top(64) {
            let t = exact[e.key.as_str()];
            assert!(e.count >= t && e.count - e.error <= t);
        }
        let small = |seed| (0..1000).map(move |i: u64| format!("/p/{}", (i * seed) % 50));
        let (mut x, mut y, mut xy) = (
            SpaceSaving::new(64),
            SpaceSaving::new(64),
            SpaceSaving::new(64),
        );
        feed(&mut x, small(3));
        feed(&mut y, small(7));
        feed(&mut xy, small(3).chain(small(7)));
        x.merge(&y);
        assert_eq!(x.top(64), xy.top(64));
    }

    /// Space-Saving's bounds rest on evicting a smallest counter: then every error is at most
    /// the floor, and every estimate brackets the true count.
    fn assert_bounds(s: &SpaceSaving, truth: &std::collections::HashMap<String, u64>) {
        let floor = s.floor();
        for (_, _, key, count, err) in s.rows() {
            let t = truth.get(key).copied().unwrap_or(0);
            assert!(err <= floor, "{key}: error {err} above the floor {floor}");
            assert!(
                count - err <= t && t <= count,
                "{key}: {count}-{err} vs {t}"
            );
        }
    }

    #[test]
    fn the_evicted_counter_is_always_a_smallest_one_merges_included() {
        let mut truth = std::collections::HashMap::new();
        let observe =
            |s: &mut SpaceSaving, k: &str, truth: &mut std::collections::HashMap<String, u64>| {
                s.observe(hash_str(k), 0, k);
                *truth.entry(k.to_string()).or_insert(0) += 1;
                assert_bounds(s, truth);
            };
        // A full sketch taken whole by an empty, bigger one, then filled and evicting.
        let mut small = SpaceSaving::new(2);
        for k in ["a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "c"] {
            observe(&mut small, k, &mut truth);
        }
        let mut big = SpaceSaving::new(3);
        big.merge(&small);
        assert_eq!(big.floor(), 5, "a, no longer tracked, was seen 5 times");
        for k in ["d", "e"] {
            observe(&mut big, k, &mut truth);
        }
        assert!(
            big.estimate(hash_str("b"), 0, "b").is_none(),
            "b, at 5, the smallest, is the one evicted"
        );
        // Random streams, merged into empty bigger sketches at random points.
        let mut x = 7u64;
        let mut next = |n: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % n
        };
        for round in 0..200 {
            let mut truth = std::collections::HashMap::new();
            let mut s = SpaceSaving::new(1 + next(6) as usize);
            for _ in 0..300 {
                if next(40) == 0 {
                    let mut bigger = SpaceSaving::new(s.capacity() + next(4) as usize);
                    bigger.merge(&s);
                    s = bigger;
                }
                let spread = 1 + next(12);
                let k = format!("k{}", next(spread));
                observe(&mut s, &k, &mut truth);
            }
            assert!(s.total() == 300, "round {round}");
        }
    }

    #[test]
    fn merging_in_place_keeps_what_a_new_merged_sketch_keeps() {
        let rows = |s: &SpaceSaving| {
            let mut v: Vec<(String, u16, u64, u64)> = s
                .rows()
                .map(|(_, t, k, c, e)| (k.to_string(), t, c, e))
                .collect();
            v.sort();
            v
        };
        for (seed, (ca, cb)) in [(1, (64, 64)), (2, (64, 16)), (3, (16, 64)), (4, (8, 300))] {
            let (mut a, mut b) = (SpaceSaving::new(ca), SpaceSaving::new(cb));
            feed(&mut a, zipf(5_000, seed).into_iter());
            feed(
                &mut b,
                zipf(3_000, seed + 10).into_iter().take(40 * seed as usize),
            );
            let want = SpaceSaving::merged(&[&a, &b], ca);
            a.merge(&b);
            assert_eq!(rows(&a), rows(&want), "seed {seed}");
            assert_eq!((a.floor(), a.total()), (want.floor(), want.total()));
            for (k, tag, ..) in rows(&want) {
                assert!(a.estimate(hash_str(&k), tag, &k).is_some(), "{k} findable");
            }
        }
    }

    #[test]
    fn eviction_keeps_the_table_consistent() {
        let mut s = SpaceSaving::new(8);
        for i in 0..10_000u64 {
            let k = format!("k{}", i % 37 + (i % 3) * 1000);
            s.observe(hash_str(&k), (i % 2) as u16, &k);
        }
        assert_eq!(s.len(), 8);
        for e in s.top(8) {
            let tag = e.status.unwrap_or(0);
            assert!(s.estimate(hash_str(&e.key), tag, &e.key).is_some());
        }
    }
}
