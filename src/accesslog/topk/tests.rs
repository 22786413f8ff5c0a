//! The shown top list ([`SpaceSaving::ranked`]): only keys certainly above every dropped key,
//! and a true bound on everything left out — on flat traffic, heavy hitters and merges.

use super::*;
use crate::accesslog::intern::hash_str;
use std::collections::HashMap;

/// `n` keys: `heavy` keys drawn often (a share `weight` of the stream), the rest one-offs.
fn stream(n: usize, heavy: usize, weight: f64, seed: u64) -> Vec<String> {
    let mut x = seed;
    (0..n)
        .map(|i| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            if heavy > 0 && u < weight {
                format!("heavy-{}", (x >> 3) as usize % heavy)
            } else {
                format!("once-{seed}-{i}")
            }
        })
        .collect()
}

fn sketch_of(keys: &[String], capacity: usize) -> SpaceSaving {
    let mut s = SpaceSaving::new(capacity);
    for k in keys {
        s.observe(hash_str(k), 0, k);
    }
    s
}

fn check(s: &SpaceSaving, keys: &[String], n: usize) -> Vec<TopEntry> {
    let mut truth: HashMap<&str, u64> = HashMap::new();
    for k in keys {
        *truth.entry(k).or_default() += 1;
    }
    let floor = s.floor();
    let (shown, rest) = s.ranked(n);
    assert!(shown.len() <= n);
    for w in shown.windows(2) {
        assert!(w[0].count >= w[1].count, "largest first");
    }
    for e in &shown {
        let t = truth[e.key.as_str()];
        assert!(
            e.count - e.error > floor,
            "{e:?} not above the floor {floor}"
        );
        assert!(e.count - e.error <= t && t <= e.count, "{e:?} vs truth {t}");
    }
    for (k, t) in &truth {
        let listed = shown.iter().any(|e| e.key == *k);
        if !listed {
            assert!(
                *t <= rest,
                "{k} seen {t} times, above the bound {rest} of the rest"
            );
        }
        if *t > 2 * floor && shown.len() < n {
            assert!(listed, "{k} seen {t} times (floor {floor}) is not listed");
        }
    }
    shown
}

#[test]
fn flat_traffic_lists_nothing_and_bounds_the_rest() {
    let keys = stream(20_000, 0, 0.0, 1);
    let s = sketch_of(&keys, 128);
    let shown = check(&s, &keys, 10);
    assert!(shown.is_empty(), "{shown:?}");
    // The raw list is nothing but error: counts around the floor, errors just below.
    let raw = s.top(10);
    assert!(raw.iter().all(|e| e.count - e.error <= 1), "{raw:?}");
    assert!(s.ranked(10).1 >= s.floor());
}

#[test]
fn heavy_hitters_stand_out_of_one_off_traffic() {
    for seed in 0..20 {
        let keys = stream(30_000, 5, 0.3, seed);
        let s = sketch_of(&keys, 128);
        let shown = check(&s, &keys, 10);
        let heavy: Vec<&TopEntry> = shown
            .iter()
            .filter(|e| e.key.starts_with("heavy-"))
            .collect();
        assert_eq!(heavy.len(), 5, "seed {seed}: {shown:?}");
        assert_eq!(shown.len(), 5, "no one-off stands out: {shown:?}");
    }
}

#[test]
fn merged_minutes_keep_the_guarantees() {
    // Sixty one-minute sketches merged the way the hour window merges its panes.
    let mut all = Vec::new();
    let mut parts = Vec::new();
    for minute in 0..60 {
        let keys = stream(2_000, 3, 0.2, 100 + minute);
        parts.push(sketch_of(&keys, 128));
        all.extend(keys);
    }
    let refs: Vec<&SpaceSaving> = parts.iter().collect();
    let merged = SpaceSaving::merged(&refs, 256);
    let shown = check(&merged, &all, 10);
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(merged.ranked(10).1 > 0);
}

#[test]
fn an_exact_sketch_lists_its_top_and_bounds_by_the_next() {
    let keys: Vec<String> = (0..50u64)
        .flat_map(|i| std::iter::repeat_n(format!("k{i}"), (i + 1) as usize))
        .collect();
    let s = sketch_of(&keys, 128);
    let (shown, rest) = s.ranked(10);
    assert_eq!(shown[0].key, "k49");
    assert_eq!(shown.len(), 10);
    assert_eq!(rest, 40, "k39, the 11th, was seen 40 times");
    check(&s, &keys, 10);
}

#[test]
fn small_sketches_whole_merges_and_status_tags_keep_the_guarantees() {
    for seed in 0..200 {
        let keys = stream(3_000, 6, 0.4, 1_000 + seed);
        let small = sketch_of(&keys, 32);
        check(&small, &keys, 10);
        // Taken whole into an empty, bigger sketch (the whole-run sketch's first minute).
        let mut bigger = SpaceSaving::new(64);
        bigger.merge(&small);
        check(&bigger, &keys, 10);
        // Per-status lists count (path, status) pairs.
        let mut tagged = SpaceSaving::new(32);
        let mut truth: HashMap<(&str, u16), u64> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            let tag = if i % 3 == 0 { 404 } else { 403 };
            tagged.observe(hash_str(k), tag, k);
            *truth.entry((k, tag)).or_default() += 1;
        }
        let (floor, (shown, rest)) = (tagged.floor(), tagged.ranked(10));
        for e in &shown {
            let t = truth[&(e.key.as_str(), e.status.unwrap())];
            assert!(e.count - e.error > floor && e.count - e.error <= t && t <= e.count);
        }
        for ((k, tag), t) in &truth {
            if !shown.iter().any(|e| e.key == *k && e.status == Some(*tag)) {
                assert!(*t <= rest, "seed {seed}: {k} {tag} seen {t} > {rest}");
            }
        }
    }
}

#[test]
fn shown_counts_and_the_note_under_a_list_say_what_is_certain() {
    use crate::accesslog::rest_note;
    let entry = |count, error| TopEntry {
        key: "k".into(),
        status: None,
        count,
        error,
    };
    assert_eq!(entry(36, 0).count_text(), "36");
    assert_eq!(entry(36, 13).count_text(), "23–36");
    // Nothing left out, or left-out keys certainly below every listed one: no note.
    assert_eq!(rest_note(&[entry(36, 13)], 1, 0), None);
    assert_eq!(rest_note(&[entry(36, 13), entry(30, 4)], 2, 23), None);
    // A left-out key may have been seen more often than a listed one certainly was.
    assert_eq!(
        rest_note(&[entry(36, 13), entry(30, 14)], 2, 30).as_deref(),
        Some("others: each at most 30")
    );
    // Cut short, or empty.
    assert_eq!(
        rest_note(&[entry(36, 0)], 2, 5).as_deref(),
        Some("no other certainly stands out: each at most 5 (too many to rank)")
    );
    assert_eq!(
        rest_note(&[], 10, 824).as_deref(),
        Some("none stands out: each at most 824 (too many to rank)")
    );
}
