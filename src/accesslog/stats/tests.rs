//! Unit tests of the live statistics: bounded memory under a million distinct keys, and windows
//! sliding over late and out-of-order records.

use super::{Stats, StatsConfig, Window};
use crate::accesslog::LogFields;
use crate::domain::Timestamp;

const T: Timestamp = Timestamp(1_795_597_200_000); // 2026-11-25T09:00:00Z

/// A synthetic record with every field chosen by the test.
#[derive(Debug, Clone, Default)]
struct Rec {
    ts: i64,
    status: u16,
    path: String,
    ip: String,
}

impl LogFields for Rec {
    fn timestamp_ms(&self) -> i64 {
        self.ts
    }
    fn status(&self) -> u16 {
        self.status
    }
    fn sc_bytes(&self) -> u64 {
        100
    }
    fn time_taken_ms(&self) -> u32 {
        (self.ts % 1000) as u32
    }
    fn ttfb_ms(&self) -> u32 {
        1
    }
    fn method(&self) -> &str {
        "GET"
    }
    fn path(&self) -> &str {
        &self.path
    }
    fn query(&self) -> &str {
        ""
    }
    fn client_ip(&self) -> &str {
        &self.ip
    }
    fn edge_location(&self) -> &str {
        "FRA56-P1"
    }
    fn result_type(&self) -> &str {
        "Hit"
    }
    fn user_agent(&self) -> &str {
        &self.path
    }
    fn referer(&self) -> &str {
        &self.ip
    }
    fn host(&self) -> &str {
        "d1.cloudfront.net"
    }
}

#[test]
fn sketch_memory_stays_bounded_under_a_million_distinct_keys() {
    for config in [
        StatsConfig {
            windowed: false,
            ..Default::default()
        },
        StatsConfig::default(),
    ] {
        let mut stats = Stats::new(config);
        let mut rec = Rec {
            status: 200,
            ..Default::default()
        };
        for i in 0..1_000_000u32 {
            rec.ts = T.millis() + i64::from(i) * 3; // 50 minutes of traffic
            rec.path.clear();
            rec.ip.clear();
            use std::fmt::Write;
            let _ = write!(rec.path, "/item/{i}");
            let _ = write!(rec.ip, "10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255);
            stats.observe(&rec);
        }
        let s = stats.summary();
        assert_eq!(s.requests, 1_000_000);
        // Every path seen once: none stands out, and the rest is bounded.
        assert!(s.top.paths.is_empty(), "{:?}", s.top.paths);
        assert!(s.top_rest.paths >= 1);
        let bytes = stats.footprint_bytes();
        let limit = if config.windowed { 24 << 20 } else { 2 << 20 };
        assert!(
            bytes < limit,
            "windowed={} footprint {bytes}",
            config.windowed
        );
        eprintln!(
            "windowed={}: {} KiB for 1M distinct keys",
            config.windowed,
            bytes >> 10
        );
    }
}

/// The minutes before where the read started are marked not read (unknown), not zeros; the
/// minute it starts in and the read minutes without records are read.
#[test]
fn the_series_marks_the_minutes_before_the_read_as_not_read() {
    let mut stats = Stats::default();
    stats.observe(&at(T + 30_000, "/a"));
    let read_from = (T - 10 * Timestamp::MINUTE + 20_000).millis();
    let series = stats.series(T + 30_000, read_from);
    assert_eq!(series.len(), 60);
    let unread = series.iter().filter(|p| !p.read).count();
    assert_eq!(unread, 49, "the minutes ending by {read_from}");
    assert_eq!(series[48].requests_read(), None);
    assert_eq!(series[49].requests_read(), Some(0), "the read starts in it");
    assert_eq!(series[58].requests_read(), Some(0), "read, and quiet");
    assert_eq!(series[59].requests_read(), Some(1));
}

fn at(ts: Timestamp, path: &str) -> Rec {
    Rec {
        ts: ts.millis(),
        status: 200,
        path: path.into(),
        ip: "203.0.113.7".into(),
    }
}

#[test]
fn windows_slide_and_late_records_land_in_their_own_slot() {
    let now = T + 5_000;
    let mut batch = Vec::new();
    for (age_s, count, path) in [
        (30, 10, "/a"),
        (180, 20, "/b"),
        (600, 30, "/c"),
        (3000, 40, "/d"),
    ] {
        for i in 0..count {
            batch.push(at(now - age_s * 1000 - i, path));
        }
    }
    let ancient: Vec<Rec> = (0..50)
        .map(|i| at(now - 2 * Timestamp::HOUR - i, "/old"))
        .collect();
    // Late first (the newest record arrives last) or newest first: the same windows.
    let mut late_first = ancient.clone();
    late_first.extend(batch.iter().rev().cloned());
    let mut newest_first = batch.clone();
    newest_first.extend(ancient.iter().cloned());
    for order in [late_first, newest_first] {
        let mut stats = Stats::default();
        order.iter().for_each(|r| stats.observe(r));
        let got: Vec<u64> = stats.windows(now).iter().map(|w| w.requests).collect();
        assert_eq!(got, vec![10, 30, 60, 100]);
        assert_eq!(stats.summary().requests, 150);
        let m5 = stats.window(Window::M5, now);
        // `w` long, exactly: whole 10-second steps ending with the newest record's step.
        assert_eq!(m5.seconds, 300.0);
        assert_eq!(m5.requests_per_sec, Some(30.0 / 300.0));
        let (start, end) = (
            Timestamp(T.millis() - 290_000),
            Timestamp(T.millis() + 10_000),
        );
        assert_eq!(m5.from.as_deref(), Some(start.rfc3339().as_str()));
        assert_eq!(m5.to.as_deref(), Some(end.rfc3339().as_str()));
        assert_eq!(stats.window_start(Window::M5, now), start.millis());
        for (w, s) in stats.windows(now).iter().zip([60.0, 300.0, 900.0, 3600.0]) {
            assert_eq!(w.seconds, s, "{} is as long as it says", w.window);
        }
        let m1 = stats.window(Window::M1, now);
        assert_eq!(m1.top.paths[0].key, "/a");
        let h1 = stats.window(Window::H1, now);
        assert!(h1.top.paths.iter().all(|e| e.key != "/old"));
        let series = stats.series(now, i64::MIN);
        assert_eq!(series.len(), 60);
        assert_eq!(series.iter().map(|p| p.requests).sum::<u64>(), 100);
        assert_eq!((series[58].requests, series[59].requests), (10, 0));
        assert_eq!(series[59].start_ms, T.millis());
    }
}

#[test]
fn a_minute_of_many_client_addresses_is_counted_exactly_beyond_the_pane_sketch() {
    // 1,000 one-off addresses in one minute (far more than the 128 counters of a pane's
    // sketch), with three regulars coming in after the first 300: the minute's lists count every key exactly, so
    // the regulars are listed with their true counts and no error, in every window and in the
    // summary, and the one-offs are a certain 1 each.
    let mut stats = Stats::default();
    let mut rec = Rec {
        status: 200,
        path: "/".into(),
        ..Default::default()
    };
    for i in 0..1_000u32 {
        rec.ts = T.millis() + i64::from(i) * 50;
        rec.ip = format!("198.51.{}.{}", i >> 8, i & 255);
        stats.observe(&rec);
        for (every, regular) in [
            (10, "203.0.113.1"),
            (20, "203.0.113.2"),
            (25, "203.0.113.3"),
        ] {
            if i >= 300 && i % every == 0 {
                rec.ip = regular.into();
                stats.observe(&rec);
            }
        }
    }
    let now = Timestamp(T.millis() + 50_000);
    for snapshot in [stats.window(Window::M1, now), stats.summary()] {
        let got: Vec<(&str, u64, u64)> = snapshot
            .top
            .client_ips
            .iter()
            .take(3)
            .map(|e| (e.key.as_str(), e.count, e.error))
            .collect();
        assert_eq!(
            got,
            [
                ("203.0.113.1", 70, 0),
                ("203.0.113.2", 35, 0),
                ("203.0.113.3", 28, 0)
            ]
        );
        assert_eq!(snapshot.top_rest.client_ips, 1, "each one-off seen once");
    }
}

#[test]
fn each_status_code_is_counted_exactly_in_windows_summary_and_merges() {
    let now = T + 5_000;
    let codes = [
        (200, 50, 30),
        (502, 7, 30),
        (504, 3, 600),
        (0, 2, 30),
        (999, 1, 30),
    ];
    let mut a = Stats::default();
    let mut b = Stats::summary_only();
    for (code, count, age_s) in codes {
        for i in 0..count {
            let mut r = at(now - age_s * 1000 - i, "/x");
            r.status = code;
            a.observe(&r);
            b.observe(&r);
        }
    }
    let want = |pairs: &[(&str, u64)]| -> std::collections::BTreeMap<String, u64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    let all = want(&[("000", 3), ("200", 50), ("502", 7), ("504", 3)]);
    assert_eq!(a.summary().status_codes, all);
    assert_eq!(b.summary().status_codes, all);
    let m1 = want(&[("000", 3), ("200", 50), ("502", 7)]);
    assert_eq!(a.window(Window::M1, now).status_codes, m1);
    assert_eq!(a.window(Window::M15, now).status_codes, all);
    let mut merged = Stats::default();
    merged.merge(&a);
    merged.merge(&a);
    assert_eq!(merged.summary().status_codes["502"], 14);
    let json = serde_json::to_value(a.summary()).unwrap();
    assert_eq!(json["status_codes"]["504"], 3);
    assert!(Stats::default().summary().status_codes.is_empty());
}

#[test]
fn v2_fields_have_top_lists_and_origin_latency_percentiles() {
    use crate::accesslog::{Parsed, Parser};
    let mut p = Parser::new();
    let header = "#Fields: timestamp(ms) sc-status c-country asn cache-behavior-path-pattern origin-fbl origin-lbl";
    let _ = p.parse_line(header.as_bytes());
    let mut stats = Stats::summary_only();
    for i in 0..100 {
        let (country, asn, behavior, origin) = if i % 4 == 0 {
            ("US", "16509", "/api/*", "0.200\t0.800")
        } else {
            ("DE", "3320", "*", "-\t-")
        };
        let line = format!(
            "{}\t200\t{country}\t{asn}\t{behavior}\t{origin}",
            T.millis() + i
        );
        match p.parse_line(line.as_bytes()) {
            Parsed::Record(v) => stats.observe(&v),
            other => panic!("{other:?}"),
        }
    }
    let s = stats.summary();
    assert_eq!(s.from.as_deref(), Some(T.rfc3339().as_str()));
    let top = |l: &[crate::accesslog::TopEntry]| -> Vec<(String, u64)> {
        l.iter().map(|e| (e.key.clone(), e.count)).collect()
    };
    assert_eq!(
        top(&s.top.countries),
        vec![("DE".into(), 75), ("US".into(), 25)]
    );
    assert_eq!(
        top(&s.top.asns),
        vec![("3320".into(), 75), ("16509".into(), 25)]
    );
    assert_eq!(
        top(&s.top.cache_behaviors),
        vec![("*".into(), 75), ("/api/*".into(), 25)]
    );
    assert_eq!(s.origin_fbl_ms.max, Some(200));
    assert_eq!(s.origin_lbl_ms.max, Some(800));
    // A log without the v2 fields: no latency and empty lists, never zeros.
    let mut legacy = Stats::summary_only();
    legacy.observe(&at(T, "/x"));
    let s = legacy.summary();
    assert_eq!(s.origin_fbl_ms.p50, None);
    assert!(s.top.countries.is_empty());
    let json = serde_json::to_value(&s).unwrap();
    assert!(json["origin_fbl_ms"]["p50"].is_null());
}
