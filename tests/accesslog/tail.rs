//! The tail planner: key helpers, start-after choices, never fetching a key twice, late files,
//! the bounded memory of taken keys, the adaptive poll interval, and an end-to-end tail of the
//! simulator's logs bucket with late deliveries.

use shipdeck::accesslog::{
    ListRequest, TailPlanner, hour_floor, hour_key_prefix, hour_string, key_hour,
};
use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::domain::{ObjectInfo, Timestamp};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

const T: Timestamp = Timestamp(1_795_597_200_000); // 2026-11-25T09:00:00Z
const PREFIX: &str = "logs/";
const DIST: &str = "E2PRD";
const MIN: i64 = Timestamp::MINUTE;
const HOUR: i64 = Timestamp::HOUR;

fn key(hour: Timestamp, unique: u32) -> String {
    format!("{}.{unique:08x}.gz", hour_key_prefix(PREFIX, DIST, hour))
}

fn info(key: &str) -> ObjectInfo {
    ObjectInfo {
        key: key.into(),
        size: 100,
        last_modified: T,
        etag: "\"e\"".into(),
    }
}

/// A fake bucket answering a listing the way S3 does (keys after start-after, under the prefix).
fn list(bucket: &BTreeSet<String>, req: &ListRequest) -> Vec<ObjectInfo> {
    bucket
        .range::<String, _>((Bound::Excluded(&req.start_after), Bound::Unbounded))
        .filter(|k| k.starts_with(&req.prefix))
        .map(|k| info(k))
        .collect()
}

/// One poll round: the keys to fetch.
fn poll(p: &mut TailPlanner, bucket: &BTreeSet<String>, now: Timestamp) -> Vec<String> {
    let mut keys = Vec::new();
    for req in p.listings(now) {
        keys.extend(p.on_listing(&list(bucket, &req)));
    }
    keys
}

#[test]
fn keys_carry_their_hour() {
    let k = "logs/E2PRD.2026-11-25-09.0a1b2c3d.gz";
    assert_eq!(key_hour(k, PREFIX, DIST), Some(T));
    assert_eq!(hour_string(T + 59 * MIN), "2026-11-25-09");
    assert_eq!(
        hour_key_prefix(PREFIX, DIST, T + 30 * MIN),
        "logs/E2PRD.2026-11-25-09"
    );
    assert_eq!(hour_floor(T + 59 * MIN + 59_999), T);
    assert_eq!(key(T, 1), "logs/E2PRD.2026-11-25-09.00000001.gz");
    for bad in [
        "logs/E2STG.2026-11-25-09.0a1b2c3d.gz",
        "logs/E2PRD.2026-13-25-09.0a1b2c3d.gz",
        "logs/E2PRD.2026-11-25-24.0a1b2c3d.gz",
        "logs/E2PRD.2026-11-25-9.0a1b2c3d.gz",
        "logs/E2PRD.2026-11-25-09",
        "logs/E2PRDX.2026-11-25-09.0a1b2c3d.gz",
        "other/E2PRD.2026-11-25-09.0a1b2c3d.gz",
    ] {
        assert_eq!(key_hour(bad, PREFIX, DIST), None, "{bad}");
    }
}

#[test]
fn listings_start_after_the_right_hour() {
    let now = T + 20 * MIN;
    let mut p = TailPlanner::new(PREFIX, DIST, now - 15 * MIN);
    let first = p.listings(now);
    assert_eq!(
        first,
        vec![ListRequest {
            prefix: "logs/E2PRD.".into(),
            start_after: "logs/E2PRD.2026-11-25-09".into(),
        }]
    );
    // A 3-day look-back lists everything once, then the last 2 hours, then the last 24 hours
    // every five minutes.
    let mut p = TailPlanner::new(PREFIX, DIST, now - 72 * HOUR);
    assert_eq!(
        p.listings(now)[0].start_after,
        hour_key_prefix(PREFIX, DIST, now - 72 * HOUR)
    );
    let t = now + 15_000;
    assert_eq!(p.listings(t)[0].start_after, "logs/E2PRD.2026-11-25-07");
    let t = now + 5 * MIN;
    assert_eq!(p.listings(t)[0].start_after, "logs/E2PRD.2026-11-24-09");
    assert_eq!(
        p.listings(t + 15_000)[0].start_after,
        "logs/E2PRD.2026-11-25-07"
    );
}

#[test]
fn keys_are_fetched_once_late_files_too_and_memory_stays_bounded() {
    let since = T - 30 * MIN;
    let mut p = TailPlanner::new(PREFIX, DIST, since);
    let mut bucket = BTreeSet::new();
    // Files to deliver later: (delivery time, key).
    let mut pending: BTreeMap<(Timestamp, u32), String> = BTreeMap::new();
    let mut fetched: HashMap<String, u32> = HashMap::new();
    let mut unique = 0u32;
    let (mut now, mut next) = (T, T);
    let end = T + 40 * HOUR;
    let (mut polls, mut max_remembered) = (0, 0);
    while now < end {
        if now.millis() % (5 * MIN) == 0 {
            // Every 5 minutes a file for the current window; every 7th arrives 1–23 h late.
            unique += 1;
            let delay = if unique.is_multiple_of(7) {
                HOUR * i64::from(unique % 23 + 1)
            } else {
                4 * MIN
            };
            pending.insert((now + delay, unique), key(now, unique));
        }
        while let Some(entry) = pending.first_entry() {
            if entry.key().0 > now {
                break;
            }
            bucket.insert(entry.remove());
        }
        if now >= next {
            for k in poll(&mut p, &bucket, now) {
                *fetched.entry(k).or_default() += 1;
            }
            polls += 1;
            next = p.next_poll(now);
            max_remembered = max_remembered.max(p.remembered());
        }
        now = now + 15_000;
    }
    for k in poll(&mut p, &bucket, now + 5 * MIN) {
        *fetched.entry(k).or_default() += 1;
    }
    assert!(fetched.values().all(|n| *n == 1), "a key fetched twice");
    let want: BTreeSet<&String> = bucket.iter().collect();
    assert_eq!(fetched.keys().collect::<BTreeSet<_>>(), want);
    assert!(bucket.len() > 450);
    // 12 files an hour, remembered for at most 24 h + 2 h.
    assert!(
        max_remembered <= 12 * 26 + 12,
        "remembered {max_remembered}"
    );
    assert!(polls < 40 * 60 * 4 / 2, "{polls} polls");
}

#[test]
fn a_failed_key_comes_back_and_a_read_one_never_does() {
    let mut p = TailPlanner::new(PREFIX, DIST, T);
    let bucket: BTreeSet<String> = (0..3).map(|i| key(T, i)).collect();
    assert_eq!(poll(&mut p, &bucket, T).len(), 3);
    p.mark_failed(&key(T, 1));
    assert_eq!(poll(&mut p, &bucket, T + 15_000), vec![key(T, 1)]);
    assert!(poll(&mut p, &bucket, T + 30_000).is_empty());
    // Files of hours before the look-back window are never taken.
    let mut bucket = bucket;
    bucket.insert(key(T - HOUR, 9));
    let mut early = TailPlanner::new(PREFIX, DIST, T);
    assert_eq!(poll(&mut early, &bucket, T).len(), 3);
}

#[test]
fn an_incomplete_read_comes_back_until_it_is_given_up() {
    use shipdeck::accesslog::MAX_READS;
    let mut p = TailPlanner::new(PREFIX, DIST, T);
    let bucket: BTreeSet<String> = (0..2).map(|i| key(T, i)).collect();
    assert_eq!(poll(&mut p, &bucket, T).len(), 2);
    let mut now = T;
    for read in 1..MAX_READS {
        assert!(p.retry_incomplete(&key(T, 0)), "read {read} is retried");
        now = now + 15_000;
        assert_eq!(poll(&mut p, &bucket, now), vec![key(T, 0)]);
    }
    assert!(
        !p.retry_incomplete(&key(T, 0)),
        "given up after {MAX_READS} reads"
    );
    assert!(
        poll(&mut p, &bucket, now + 15_000).is_empty(),
        "and never read again"
    );
}

#[test]
fn the_poll_interval_adapts() {
    let mut p = TailPlanner::new(PREFIX, DIST, T);
    assert_eq!(p.next_poll(T), T);
    let mut bucket: BTreeSet<String> = [key(T, 1)].into();
    let mut now = T;
    let mut intervals = Vec::new();
    for round in 0..7 {
        if round == 5 {
            bucket.insert(key(T, 2));
        }
        poll(&mut p, &bucket, now);
        let next = p.next_poll(now);
        assert_eq!(p.next_poll(now), next, "idempotent within a round");
        intervals.push(next.since(now) / 1000);
        now = next;
    }
    assert_eq!(intervals, vec![15, 30, 60, 120, 120, 15, 30]);
}

mod simulator;
