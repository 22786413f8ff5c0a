//! Live statistics checked against exact computation on generated access logs: counts, rates,
//! hit ratio, percentiles, top lists, merging, parsed lines, JSON. (Windows sliding over late
//! records and memory bounds are unit-tested in `src/accesslog/stats/tests.rs`.)

use shipdeck::accesslog::{
    AccessRecord, Parser, Stats, StatsConfig, StatsSnapshot, Window, write_w3c,
};
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
use shipdeck::domain::Timestamp;
use std::collections::HashMap;

const T: Timestamp = Timestamp(1_795_597_200_000); // 2026-11-25T09:00:00Z

fn site() -> SiteProfile {
    SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: Some("01234567".into()),
    }
}

/// `n` records at random times in `[start, start + len)`, in no time order, some failing.
fn records(seed: u64, start: Timestamp, len: i64, n: usize) -> Vec<AccessRecord> {
    let cond = Conditions {
        error_boost: 0.02,
        miss_boost: 0.1,
        latency_boost: 0.0,
    };
    LogGenerator::new(seed, site()).window(start, len, n, &cond)
}

fn nearest_rank(sorted: &[u32], q: f64) -> f64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    f64::from(sorted[rank - 1])
}

fn exact_top(recs: &[AccessRecord], key: impl Fn(&AccessRecord) -> &str) -> Vec<(String, u64)> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for r in recs {
        let k = key(r);
        if !k.is_empty() {
            *counts.entry(k).or_default() += 1;
        }
    }
    let mut v: Vec<(String, u64)> = counts
        .into_iter()
        .map(|(k, c)| (k.to_string(), c))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

#[test]
fn counts_rates_and_hit_ratio_are_exact() {
    let recs = records(1, T, 10 * 60_000, 40_000);
    let mut stats = Stats::default();
    recs.iter().for_each(|r| stats.observe(r));
    let s = stats.summary();
    let n = recs.len() as u64;
    assert_eq!(s.requests, n);
    assert_eq!(s.bytes, Some(recs.iter().map(|r| r.sc_bytes).sum::<u64>()));
    let class = |c: u16| recs.iter().filter(|r| r.status / 100 == c).count() as u64;
    assert_eq!(s.status.s2xx, class(2));
    assert_eq!(s.status.s3xx, class(3));
    assert_eq!(s.status.s4xx, class(4));
    assert_eq!(s.status.s5xx, class(5));
    assert_eq!(s.status.none, class(0));
    assert!(s.status.s5xx > 0 && s.status.s4xx > 0);
    assert_eq!(s.error_rate_5xx, Some(class(5) as f64 / n as f64));
    let result = |r: &AccessRecord, names: &[&str]| names.contains(&r.edge_result_type.as_str());
    let hits = recs
        .iter()
        .filter(|r| result(r, &["Hit", "RefreshHit"]))
        .count() as u64;
    let lookups = recs
        .iter()
        .filter(|r| result(r, &["Hit", "RefreshHit", "Miss"]))
        .count();
    assert_eq!((s.cache_hits, s.cache_lookups), (hits, lookups as u64));
    assert_eq!(s.hit_ratio, Some(hits as f64 / lookups as f64));
    let (min, max) = (
        recs.iter().map(|r| r.time).min(),
        recs.iter().map(|r| r.time).max(),
    );
    let (min, max) = (min.unwrap_or(T), max.unwrap_or(T));
    assert_eq!(s.from, Some(min.rfc3339()));
    assert_eq!(s.seconds, (max.since(min) + 1000) as f64 / 1000.0);
    assert_eq!(s.requests_per_sec, Some(n as f64 / s.seconds));

    // The hour window at the newest record covers everything; its rate divides by the time from
    // the first record's 10-second slot to the end of the newest record's.
    let w = stats.window(Window::H1, max);
    assert_eq!(w.requests, n);
    let start = min.millis().div_euclid(10_000) * 10_000;
    let end = max.millis().div_euclid(10_000) * 10_000 + 10_000;
    assert_eq!(w.seconds, (end - start) as f64 / 1000.0);
    assert_eq!(w.hit_ratio, s.hit_ratio);
}

/// Without a request there is no share to tell: the error rates are null (`-` when printed),
/// as the hit ratio is without a lookup, never 0 %.
#[test]
fn with_no_request_the_rates_are_unknown_not_zero() {
    let s = Stats::default().summary();
    assert_eq!(s.requests, 0);
    assert_eq!((s.error_rate_4xx, s.error_rate_5xx), (None, None));
    assert_eq!(s.hit_ratio, None);
    let json = serde_json::to_value(&s).unwrap();
    assert!(json["error_rate_4xx"].is_null() && json["error_rate_5xx"].is_null());
}

#[test]
fn percentiles_are_within_the_histogram_bound() {
    let recs = records(2, T, 30 * 60_000, 30_000);
    let mut stats = Stats::default();
    recs.iter().for_each(|r| stats.observe(r));
    let s = stats.summary();
    let mut taken: Vec<u32> = recs.iter().map(|r| r.time_taken_ms).collect();
    let mut ttfb: Vec<u32> = recs.iter().map(|r| r.time_to_first_byte_ms).collect();
    taken.sort_unstable();
    ttfb.sort_unstable();
    for (got, sorted) in [(s.time_taken_ms, &taken), (s.ttfb_ms, &ttfb)] {
        for (q, v) in [(0.5, got.p50), (0.95, got.p95), (0.99, got.p99)] {
            let exact = nearest_rank(sorted, q);
            let v = f64::from(v.unwrap_or(u32::MAX));
            assert!(
                (v - exact).abs() <= exact / 64.0 + 0.5,
                "q{q}: {v} vs exact {exact}"
            );
        }
        assert_eq!(got.max, sorted.last().copied());
    }
}

#[test]
fn top_lists_are_exact_for_heavy_keys_and_bounded_for_the_rest() {
    let recs = records(3, T, 20 * 60_000, 30_000);
    let n = recs.len() as u64;
    for stats in [Stats::default(), Stats::summary_only()] {
        let mut stats = stats;
        recs.iter().for_each(|r| stats.observe(r));
        let s = stats.summary();
        // Few distinct paths and edges: every sketch holds them all, so the lists are exact.
        let paths = exact_top(&recs, |r| &r.uri_stem);
        let got: Vec<(String, u64)> = s
            .top
            .paths
            .iter()
            .map(|e| (e.key.clone(), e.count))
            .collect();
        assert_eq!(got, paths[..10].to_vec());
        let edges = exact_top(&recs, |r| &r.edge_location);
        let got: Vec<(String, u64)> = s
            .top
            .edge_locations
            .iter()
            .map(|e| (e.key.clone(), e.count))
            .collect();
        assert_eq!(got, edges[..10].to_vec());
        // Client IPs have a long tail of one-off viewers: estimates bracket the truth.
        let ips: HashMap<String, u64> = exact_top(&recs, |r| &r.client_ip).into_iter().collect();
        for e in &s.top.client_ips {
            let truth = ips.get(&e.key).copied().unwrap_or(0);
            assert!(
                e.count >= truth && e.count - e.error <= truth,
                "{e:?} vs {truth}"
            );
        }
        // The heaviest IP is found whatever the sketch error.
        let heaviest = exact_top(&recs, |r| &r.client_ip)[0].clone();
        assert!(s.top.client_ips.iter().any(|e| e.key == heaviest.0));
        assert!(s.top.client_ips.iter().all(|e| e.error <= n / 128));
        // Per-status lists carry the status code and only 4xx or 5xx answers.
        let p5 = exact_top(
            &recs,
            |r| if r.is_server_error() { &r.uri_stem } else { "" },
        );
        let total5: u64 = s.top.paths_5xx.iter().map(|e| e.count).sum();
        assert!(total5 > 0 && total5 <= p5.iter().map(|p| p.1).sum());
        assert!(
            s.top
                .paths_5xx
                .iter()
                .all(|e| e.status.is_some_and(|c| c >= 500))
        );
        assert!(
            s.top
                .paths_4xx
                .iter()
                .all(|e| e.status.is_some_and(|c| (400..500).contains(&c)))
        );
    }
}

fn snapshots(stats: &Stats, now: Timestamp) -> Vec<StatsSnapshot> {
    let mut v = stats.windows(now);
    v.push(stats.summary());
    v
}

#[test]
fn merging_per_thread_stats_equals_one_pass() {
    let mut recs = records(4, T, 70 * 60_000, 6_000);
    recs.extend(records(5, T - 3 * Timestamp::HOUR, 60_000, 500));
    let config = StatsConfig {
        capacity: 8192,
        pane_capacity: 8192,
        ..Default::default()
    };
    let mut one = Stats::new(config);
    let (mut a, mut b) = (Stats::new(config), Stats::new(config));
    for (i, r) in recs.iter().enumerate() {
        one.observe(r);
        if i % 3 == 0 {
            a.observe(r)
        } else {
            b.observe(r)
        }
    }
    a.merge(&b);
    let now = one.newest().unwrap_or(T);
    for (x, y) in snapshots(&a, now).iter().zip(snapshots(&one, now)) {
        let (x, y) = (
            serde_json::to_value(x).unwrap_or_default(),
            serde_json::to_value(&y).unwrap_or_default(),
        );
        for (k, v) in x.as_object().into_iter().flatten() {
            assert_eq!(v, &y[k], "{} {k}", x["window"]);
        }
    }
    assert_eq!(a.series(now, i64::MIN), one.series(now, i64::MIN));
}

#[test]
fn parsed_lines_give_the_same_numbers_as_the_records() {
    let recs = records(6, T, 5 * 60_000, 5_000);
    let mut text = String::new();
    write_w3c(&recs, &mut text);
    let (mut from_lines, mut from_records) = (Stats::default(), Stats::default());
    let mut parser = Parser::new();
    let used = parser.feed(text.as_bytes(), &mut |v| from_lines.observe(v));
    parser.finish(&text.as_bytes()[used..], &mut |v| from_lines.observe(v));
    recs.iter().for_each(|r| from_records.observe(r));
    let (a, b) = (from_lines.summary(), from_records.summary());
    assert_eq!(a.requests, 5_000);
    assert_eq!(
        (a.requests, a.bytes, a.status, a.hit_ratio),
        (b.requests, b.bytes, b.status, b.hit_ratio)
    );
    assert_eq!(a.time_taken_ms, b.time_taken_ms);
    assert_eq!(a.top.paths, b.top.paths);
}

#[test]
fn the_snapshot_serializes_for_the_cli() {
    let recs = records(7, T, 60_000, 200);
    let mut stats = Stats::summary_only();
    recs.iter().for_each(|r| stats.observe(r));
    let json = serde_json::to_value(stats.summary()).unwrap_or_default();
    assert_eq!(json["window"], "all");
    assert_eq!(json["requests"], 200);
    assert!(json["status"]["2xx"].as_u64().is_some_and(|n| n > 0));
    assert!(json["time_taken_ms"]["p99"].is_u64());
    assert!(json["top"]["paths"][0]["count"].is_u64());
    assert!(json["hit_ratio"].is_f64());
}

#[test]
fn a_status_never_sent_is_written_as_cloudfront_writes_it_and_read_back() {
    let mut recs = records(6, T, 60_000, 3);
    recs[1].status = 0;
    let mut text = String::new();
    write_w3c(&recs, &mut text);
    let line = text.lines().filter(|l| !l.starts_with('#')).nth(1).unwrap();
    assert_eq!(line.split('\t').nth(8), Some("000"), "{line}");
    let mut parsed = Stats::default();
    let mut parser = Parser::new();
    let used = parser.feed(text.as_bytes(), &mut |v| parsed.observe(v));
    parser.finish(&text.as_bytes()[used..], &mut |v| parsed.observe(v));
    assert_eq!((parser.counts().skipped, parser.counts().records), (0, 3));
    let mut direct = Stats::default();
    recs.iter().for_each(|r| direct.observe(r));
    assert_eq!(parsed.summary().status, direct.summary().status);
}
