//! Release impact: the access-log numbers of the window before a deploy reached an environment
//! against the window after it (counted by [`Stats`], as the Traffic view counts), and a verdict
//! by a documented noise rule.
//!
//! Windows: up to [`WINDOW`] each side of the moment `at` the deploy reached the environment;
//! the after-window ends at `until` (the newest record read: logs arrive minutes late; or the
//! next deploy, whose traffic is not this one's) when that is sooner. Too early to judge while it spans less than [`MIN_AFTER`] or holds fewer
//! than [`MIN_REQUESTS`] requests. Worse when one of these holds, better when one holds the other
//! way and none says worse, else no change:
//! - the 5xx rate: a two-proportion z-test with |z| ≥ [`Z`] and at least [`MIN_5XX`] 5xx on the
//!   side with the higher rate;
//! - the p95 time taken: ≥ [`LATENCY_RATIO`]× and at least [`LATENCY_MS`] ms apart, with at
//!   least [`LATENCY_MIN_REQUESTS`] requests each side;
//! - the cache-hit ratio: |z| ≥ [`Z`] over the cache lookups and at least [`HIT_POINTS`] apart,
//!   the after-window's counted from [`WARMUP`] on (a deploy's invalidation empties the cache).

use crate::accesslog::{LogFields, Stats, StatsConfig, StatsSnapshot};
use crate::domain::{Millis, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;

/// The longest window each side of the deploy.
pub const WINDOW: Millis = 30 * Timestamp::MINUTE;
/// The shortest after-window judged.
pub const MIN_AFTER: Millis = 10 * Timestamp::MINUTE;
/// The fewest requests each window needs to be judged.
pub const MIN_REQUESTS: u64 = 50;
/// The z score a rate's change must reach.
pub const Z: f64 = 3.0;
/// The fewest 5xx on the worse side for a 5xx change.
pub const MIN_5XX: u64 = 5;
/// The factor between the p95 time taken of both windows for a latency change.
pub const LATENCY_RATIO: f64 = 1.25;
/// The fewest requests each window needs for a latency change (a p95 of fewer is noise).
pub const LATENCY_MIN_REQUESTS: u64 = 500;
/// The fewest milliseconds between the p95 time taken of both windows for a latency change.
pub const LATENCY_MS: u32 = 20;
/// The fewest percentage points between both cache-hit ratios for a cache change.
pub const HIT_POINTS: f64 = 5.0;
/// The start of the after-window left out of the cache-hit comparison: the cache refills.
pub const WARMUP: Millis = 15 * Timestamp::MINUTE;
/// Paths and status codes listed with the largest change of their share.
pub const SHIFTS: usize = 5;

/// What the numbers say about the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Something got better and nothing worse.
    Better,
    /// Nothing changed beyond the noise rule.
    NoChange,
    /// Something got worse.
    Worse,
    /// The after-window is still too short or too quiet to judge.
    TooEarly,
    /// The logs could not be read.
    Unknown,
}

impl Verdict {
    /// `better`, `no change`, `worse`, `too early`, `unknown`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::NoChange => "no change",
            Verdict::Worse => "worse",
            Verdict::TooEarly => "too early",
            Verdict::Unknown => "unknown",
        }
    }
}

/// The numbers of one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// First instant counted.
    #[serde(serialize_with = "rfc3339")]
    pub from: Timestamp,
    /// First instant not counted.
    #[serde(serialize_with = "rfc3339")]
    pub to: Timestamp,
    /// Requests.
    pub requests: u64,
    /// 4xx responses.
    pub s4xx: u64,
    /// 5xx responses.
    pub s5xx: u64,
    /// Share of 4xx (`None` without requests).
    pub rate_4xx: Option<f64>,
    /// Share of 5xx (`None` without requests).
    pub rate_5xx: Option<f64>,
    /// Time taken, ms: p50, p95, p99.
    pub time_taken_ms: [Option<u32>; 3],
    /// Origin first-byte latency p50/p95 (ms), where the logs carry it.
    pub origin_ms: [Option<u32>; 2],
    /// Cache lookups (hits and misses).
    pub cache_lookups: u64,
    /// Hits among the lookups.
    pub cache_hits: u64,
    /// Hits per lookup.
    pub hit_ratio: Option<f64>,
    /// Requests per path (the heaviest), for the shares.
    #[serde(skip)]
    paths: BTreeMap<String, u64>,
    /// Requests per status code.
    #[serde(skip)]
    codes: BTreeMap<String, u64>,
}

/// A path or status code whose share of the requests changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shift {
    /// The path or status code.
    pub key: String,
    /// Share before (0–1).
    pub before: f64,
    /// Share after (0–1).
    pub after: f64,
}

/// Before against after, and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Impact {
    /// When the deploy reached the environment.
    #[serde(serialize_with = "rfc3339")]
    pub at: Timestamp,
    /// The window before.
    pub before: Side,
    /// The window after.
    pub after: Side,
    /// The verdict.
    pub verdict: Verdict,
    /// Why (each change beyond the noise rule, or why it is too early).
    pub reasons: Vec<String>,
    /// Paths whose share changed most.
    pub paths: Vec<Shift>,
    /// Status codes whose share changed most.
    pub status_codes: Vec<Shift>,
    /// The after-window's cache lookups and hits from [`WARMUP`] on, as the cache comparison
    /// counts them.
    pub warm_cache: (u64, u64),
    /// The before-window's cache lookups and hits, from [`WARMUP`] after the previous deploy
    /// on (all of them when there was none in the window).
    pub warm_cache_before: (u64, u64),
}

/// Where the before-window of a deploy at `at` starts: [`WINDOW`] before it, but not before the
/// previous deploy (at `previous`): the before-window holds the release this deploy replaced,
/// nothing older.
pub fn before_from(at: Timestamp, previous: Option<Timestamp>) -> Timestamp {
    let from = at - WINDOW;
    match previous {
        Some(p) if p > from => p.min(at),
        _ => from,
    }
}

fn rfc3339<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.rfc3339())
}

fn side(snapshot: &StatsSnapshot, from: Timestamp, to: Timestamp) -> Side {
    let n = snapshot.requests;
    let rate = |k: u64| (n > 0).then(|| k as f64 / n as f64);
    let t = &snapshot.time_taken_ms;
    let o = &snapshot.origin_fbl_ms;
    Side {
        from,
        to,
        requests: n,
        s4xx: snapshot.status.s4xx,
        s5xx: snapshot.status.s5xx,
        rate_4xx: rate(snapshot.status.s4xx),
        rate_5xx: rate(snapshot.status.s5xx),
        time_taken_ms: [t.p50, t.p95, t.p99],
        origin_ms: [o.p50, o.p95],
        cache_lookups: snapshot.cache_lookups,
        cache_hits: snapshot.cache_hits,
        hit_ratio: snapshot.hit_ratio,
        paths: snapshot
            .top
            .paths
            .iter()
            .map(|e| (e.key.clone(), e.count))
            .collect(),
        codes: snapshot.status_codes.clone(),
    }
}

/// Two-proportion z score of `k2/n2` against `k1/n1` (positive when the second is higher);
/// `None` when a side is empty or both rates are 0 or 1.
pub fn z_score(k1: u64, n1: u64, k2: u64, n2: u64) -> Option<f64> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let p = (k1 + k2) as f64 / (n1 + n2) as f64;
    let se = (p * (1.0 - p) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    (se > 0.0).then(|| (p2 - p1) / se)
}

fn shifts(
    before: &BTreeMap<String, u64>,
    nb: u64,
    after: &BTreeMap<String, u64>,
    na: u64,
) -> Vec<Shift> {
    let share = |m: &BTreeMap<String, u64>, k: &str, n: u64| {
        if n == 0 {
            0.0
        } else {
            m.get(k).copied().unwrap_or(0) as f64 / n as f64
        }
    };
    let mut all: Vec<Shift> = before
        .keys()
        .chain(after.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|k| Shift {
            key: k.clone(),
            before: share(before, k, nb),
            after: share(after, k, na),
        })
        .filter(|s| s.before != s.after)
        .collect();
    all.sort_by(|a, b| {
        let d = |s: &Shift| (s.after - s.before).abs();
        d(b).total_cmp(&d(a)).then_with(|| a.key.cmp(&b.key))
    });
    all.truncate(SHIFTS);
    all
}

impl Impact {
    /// An impact that could not be measured: the logs of its windows were not read (`why`).
    pub fn unknown(at: Timestamp, why: String) -> Impact {
        let empty = side(&Stats::summary_only().summary(), at, at);
        Impact {
            at,
            before: Side {
                from: at - WINDOW,
                ..empty.clone()
            },
            after: empty,
            verdict: Verdict::Unknown,
            reasons: vec![why],
            paths: Vec::new(),
            status_codes: Vec::new(),
            warm_cache: (0, 0),
            warm_cache_before: (0, 0),
        }
    }

    /// The impact of the deploy that reached the environment at `at`, from `records` (any order;
    /// those outside both windows are skipped), with logs read up to `until`.
    pub fn measure<R: LogFields>(
        records: impl IntoIterator<Item = R>,
        at: Timestamp,
        until: Timestamp,
        previous: Option<Timestamp>,
    ) -> Impact {
        let config = StatsConfig {
            top_n: 64,
            windowed: false,
            ..StatsConfig::default()
        };
        let (mut b, mut a) = (Stats::new(config), Stats::new(config));
        let mut warm = (0u64, 0u64);
        let mut warm_before = (0u64, 0u64);
        let from = before_from(at, previous);
        // The previous deploy emptied the cache too: its warm-up is not what this one is
        // compared with.
        let cold_until = previous.map_or(from, |p| p + WARMUP);
        let count = |warm: &mut (u64, u64), r: &R| {
            let result = r.result_type();
            let hit = result == "Hit" || result == "RefreshHit";
            warm.0 += u64::from(hit || result == "Miss");
            warm.1 += u64::from(hit);
        };
        let to = Timestamp(until.millis().clamp(at.millis(), (at + WINDOW).millis()));
        for r in records {
            let t = r.timestamp_ms();
            if t >= from.millis() && t < at.millis() {
                b.observe(&r);
                if t >= cold_until.millis() {
                    count(&mut warm_before, &r);
                }
            } else if t >= at.millis() && t < to.millis() {
                a.observe(&r);
                if t >= (at + WARMUP).millis() {
                    count(&mut warm, &r);
                }
            }
        }
        let before = side(&b.summary(), from, at);
        let after = side(&a.summary(), at, to);
        Impact::judge(at, before, after, (warm_before, warm))
    }

    fn judge(
        at: Timestamp,
        before: Side,
        after: Side,
        (warm_before, warm): ((u64, u64), (u64, u64)),
    ) -> Impact {
        let mut worse = Vec::new();
        let mut better = Vec::new();
        let span = after.to.since(after.from);
        let early = if span < MIN_AFTER {
            Some(format!(
                "the after-window spans {} of the {} needed",
                crate::domain::human(span),
                crate::domain::human(MIN_AFTER)
            ))
        } else if before.requests < MIN_REQUESTS || after.requests < MIN_REQUESTS {
            Some(format!(
                "{} requests before and {} after; {MIN_REQUESTS} needed each side",
                before.requests, after.requests
            ))
        } else {
            None
        };
        if early.is_none() {
            let pct = |r: Option<f64>| r.map_or("-".into(), |r| format!("{:.2}%", r * 100.0));
            if let Some(z) = z_score(before.s5xx, before.requests, after.s5xx, after.requests) {
                let text = format!(
                    "5xx {} → {} (z {z:.1})",
                    pct(before.rate_5xx),
                    pct(after.rate_5xx)
                );
                if z >= Z && after.s5xx >= MIN_5XX {
                    worse.push(text);
                } else if z <= -Z && before.s5xx >= MIN_5XX {
                    better.push(text);
                }
            }
            let sampled = before.requests.min(after.requests) >= LATENCY_MIN_REQUESTS;
            if let (true, Some(p), Some(q)) =
                (sampled, before.time_taken_ms[1], after.time_taken_ms[1])
            {
                let text = format!("p95 {p} ms → {q} ms");
                let ratio = f64::from(q.max(1)) / f64::from(p.max(1));
                if ratio >= LATENCY_RATIO && q >= p + LATENCY_MS {
                    worse.push(text);
                } else if ratio <= 1.0 / LATENCY_RATIO && p >= q + LATENCY_MS {
                    better.push(text);
                }
            }
            let z = z_score(warm_before.1, warm_before.0, warm.1, warm.0);
            let ratio =
                |(lookups, hits): (u64, u64)| (lookups > 0).then(|| hits as f64 / lookups as f64);
            if let (Some(z), Some(p), Some(q)) = (z, ratio(warm_before), ratio(warm)) {
                let text = format!("cache hits {:.1}% → {:.1}%", p * 100.0, q * 100.0);
                let points = (q - p) * 100.0;
                if z <= -Z && points <= -HIT_POINTS {
                    worse.push(text);
                } else if z >= Z && points >= HIT_POINTS {
                    better.push(text);
                }
            }
        }
        let (verdict, reasons) = match early {
            Some(why) => (Verdict::TooEarly, vec![why]),
            None if !worse.is_empty() => (Verdict::Worse, worse),
            None if !better.is_empty() => (Verdict::Better, better),
            None => (Verdict::NoChange, Vec::new()),
        };
        Impact {
            at,
            paths: shifts(&before.paths, before.requests, &after.paths, after.requests),
            status_codes: shifts(&before.codes, before.requests, &after.codes, after.requests),
            before,
            after,
            verdict,
            reasons,
            warm_cache: warm,
            warm_cache_before: warm_before,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
