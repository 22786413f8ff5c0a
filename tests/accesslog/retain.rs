//! Retention: fields read back, footprint, eviction order, bounded interners, and
//! the filter timing over a million records.

use shipdeck::accesslog::{AccessRecord, Col, Field, LogFields, Retained};
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
use shipdeck::domain::Timestamp;

const T: Timestamp = Timestamp(1_795_597_200_000);

fn generated(seed: u64, n: usize) -> Vec<AccessRecord> {
    let site = SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: None,
    };
    let cond = Conditions {
        error_boost: 0.03,
        miss_boost: 0.1,
        latency_boost: 0.0,
    };
    LogGenerator::new(seed, site).window(T, 3_600_000, n, &cond)
}

/// A record with a chosen path, client IP and status.
#[derive(Debug, Clone)]
struct Rec {
    status: u16,
    path: &'static str,
    ip: &'static str,
}

fn rec() -> Rec {
    Rec {
        status: 200,
        path: "/index.html",
        ip: "203.0.113.7",
    }
}

impl LogFields for Rec {
    fn timestamp_ms(&self) -> i64 {
        T.millis()
    }
    fn status(&self) -> u16 {
        self.status
    }
    fn sc_bytes(&self) -> u64 {
        1000
    }
    fn time_taken_ms(&self) -> u32 {
        12
    }
    fn ttfb_ms(&self) -> u32 {
        6
    }
    fn method(&self) -> &str {
        "GET"
    }
    fn path(&self) -> &str {
        self.path
    }
    fn query(&self) -> &str {
        ""
    }
    fn client_ip(&self) -> &str {
        self.ip
    }
    fn edge_location(&self) -> &str {
        "FRA56-P1"
    }
    fn result_type(&self) -> &str {
        "Hit"
    }
    fn user_agent(&self) -> &str {
        "curl/8.5.0"
    }
    fn referer(&self) -> &str {
        ""
    }
    fn host(&self) -> &str {
        "d1a2b3c4d5e6f7.cloudfront.net"
    }
}

#[test]
fn retained_records_read_back_every_field() {
    let recs = generated(1, 5_000);
    let mut store = Retained::new(10_000);
    recs.iter().for_each(|r| store.push(r));
    let extra = [
        Rec {
            ip: "01.2.3.4",
            ..rec()
        },
        Rec {
            ip: "",
            status: 0,
            ..rec()
        },
    ];
    extra.iter().for_each(|r| store.push(r));
    assert_eq!(store.len(), 5_002);
    let originals: Vec<&dyn LogFields> = recs
        .iter()
        .map(|r| r as &dyn LogFields)
        .chain(extra.iter().map(|r| r as &dyn LogFields))
        .collect();
    for (o, r) in originals.iter().zip(store.iter()) {
        assert_eq!(r.timestamp_ms(), o.timestamp_ms());
        assert_eq!((r.status(), r.sc_bytes()), (o.status(), o.sc_bytes()));
        assert_eq!(
            (r.time_taken_ms(), r.ttfb_ms()),
            (o.time_taken_ms(), o.ttfb_ms())
        );
        assert_eq!(
            (r.method(), r.path(), r.query()),
            (o.method(), o.path(), o.query())
        );
        assert_eq!(
            (r.client_ip(), r.edge_location()),
            (o.client_ip(), o.edge_location())
        );
        assert_eq!(
            (r.result_type(), r.user_agent()),
            (o.result_type(), o.user_agent())
        );
        assert_eq!((r.referer(), r.host()), (o.referer(), o.host()));
        assert_eq!(
            (r.country(), r.asn(), r.cache_behavior()),
            (o.country(), o.asn(), o.cache_behavior())
        );
        assert_eq!(
            (r.origin_fbl_opt(), r.origin_lbl_opt()),
            (o.origin_fbl_opt(), o.origin_lbl_opt())
        );
    }
    assert!(
        recs.iter()
            .any(|r| r.country.is_some() && r.origin_fbl_ms.is_some())
    );
}

/// The records without standard logging v2's fields (a legacy delivery).
fn legacy(mut recs: Vec<AccessRecord>) -> Vec<AccessRecord> {
    for r in &mut recs {
        (r.country, r.asn, r.cache_behavior) = (None, None, None);
        (r.origin_fbl_ms, r.origin_lbl_ms) = (None, None);
    }
    recs
}

/// A legacy delivery's records pay nothing for v2's fields; a v2 delivery's pay at most 20 bytes
/// a record for them (three interned ids and two latencies).
#[test]
fn v2_fields_cost_nothing_without_them_and_at_most_20_bytes_with_them() {
    let n = 100_000;
    let v2 = generated(2, n);
    let old = legacy(v2.clone());
    let per = |recs: &[AccessRecord]| {
        let mut store = Retained::new(n);
        recs.iter().for_each(|r| store.push(r));
        (store.footprint_bytes() as f64 / n as f64, store)
    };
    let ((without, store), (with, _)) = (per(&old), per(&v2));
    eprintln!("retention: {without:.1} bytes/record legacy, {with:.1} with v2's fields");
    for f in [
        Field::Country,
        Field::Asn,
        Field::CacheBehavior,
        Field::OriginFbl,
    ] {
        assert!(!store.keeps(f), "{f:?}");
    }
    assert!(store.keeps(Field::UriStem) && store.keeps(Field::TimestampMs));
    assert!(
        with > without + 12.0 && with <= without + 21.0,
        "{without} → {with}"
    );
}

/// A store that held a legacy delivery's records, then a v2 delivery's: the earlier ones read
/// v2's fields as empty and `None`, the later ones as logged, through eviction.
#[test]
fn v2_fields_arriving_later_read_back_as_none_for_the_earlier_records() {
    let old = legacy(generated(6, 700));
    let new = generated(7, 800);
    let mut store = Retained::new(1_000);
    old.iter().chain(&new).for_each(|r| store.push(r));
    assert!(store.keeps(Field::Country) && store.keeps(Field::OriginLbl));
    let held: Vec<&AccessRecord> = old.iter().chain(&new).skip(500).collect();
    assert_eq!(store.len(), held.len());
    for (o, r) in held.iter().zip(store.iter()) {
        assert_eq!(r.timestamp_ms(), o.timestamp_ms());
        assert_eq!(
            (r.country(), r.asn(), r.cache_behavior()),
            (o.country(), o.asn(), o.cache_behavior())
        );
        assert_eq!(
            (r.origin_fbl_opt(), r.origin_lbl_opt()),
            (o.origin_fbl_opt(), o.origin_lbl_opt())
        );
    }
}

#[test]
fn retention_costs_under_100_bytes_a_record() {
    let n = 100_000;
    let recs = generated(2, n);
    let mut store = Retained::new(n);
    recs.iter().for_each(|r| store.push(r));
    let per = store.footprint_bytes() as f64 / n as f64;
    eprintln!(
        "retention: {per:.1} bytes/record for {n} records; distinct {:?}",
        store.distinct()
    );
    assert!(per <= 100.0, "{per} bytes per record");
}

#[test]
fn eviction_drops_the_oldest_first() {
    let recs = generated(3, 2_500);
    let mut store = Retained::new(1_000);
    recs.iter().for_each(|r| store.push(r));
    assert_eq!(
        (store.len(), store.capacity(), store.pushed()),
        (1_000, 1_000, 2_500)
    );
    let kept: Vec<i64> = store.iter().map(|r| r.timestamp_ms()).collect();
    let want: Vec<i64> = recs[1_500..].iter().map(|r| r.time.millis()).collect();
    assert_eq!(kept, want);
    let newest: Vec<i64> = store
        .newest_first()
        .take(3)
        .map(|r| r.timestamp_ms())
        .collect();
    assert_eq!(
        newest,
        recs[2_497..]
            .iter()
            .rev()
            .map(|r| r.time.millis())
            .collect::<Vec<_>>()
    );
    assert_eq!(store.get(0).map(|r| r.seq()), Some(1_500));
    assert_eq!(store.position(2_499), Some(999));
    assert_eq!(store.position(1_499), None);
    assert!(store.get(1_000).is_none());
}

#[test]
fn interners_stay_bounded_when_every_record_is_new() {
    let paths: Vec<&'static str> = (0..200_000)
        .map(|i| &*Box::leak(format!("/p/{i}").into_boxed_str()))
        .collect();
    let mut store = Retained::new(10_000);
    for (i, p) in paths.iter().enumerate() {
        store.push(&Rec { path: p, ..rec() });
        assert!(
            store.strings(Col::Path).len() <= 2 * 10_001 + 4_096 + 1,
            "at {i}"
        );
    }
    let kept: Vec<String> = store.iter().map(|r| r.path().to_string()).collect();
    assert_eq!(kept.first().map(String::as_str), Some("/p/190000"));
    assert_eq!(kept.last().map(String::as_str), Some("/p/199999"));
}
