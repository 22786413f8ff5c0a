//! Filter expressions: the documented semantics of every term, a parser that never panics, and
//! filtering retained records equal to filtering the originals. (Parser errors and precedence
//! are unit-tested in `src/accesslog/filter/tests.rs`, retention in `retain/tests.rs`.)

use proptest::prelude::*;
use shipdeck::accesslog::{AccessRecord, Filter, LogFields, Retained};
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
use shipdeck::domain::Timestamp;

const T: Timestamp = Timestamp(1_795_597_200_000);

fn generated(seed: u64, n: usize) -> Vec<AccessRecord> {
    let site = SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: Some("01234567".into()),
    };
    let cond = Conditions {
        error_boost: 0.03,
        miss_boost: 0.1,
        latency_boost: 0.0,
    };
    LogGenerator::new(seed, site).window(T, 3_600_000, n, &cond)
}

/// A record with chosen fields.
#[derive(Debug, Clone)]
struct Rec {
    status: u16,
    path: &'static str,
    ip: &'static str,
    edge: &'static str,
    result: &'static str,
    method: &'static str,
    ua: &'static str,
    referer: &'static str,
    bytes: u64,
    taken: u32,
}

fn rec() -> Rec {
    Rec {
        status: 200,
        path: "/index.html",
        ip: "203.0.113.7",
        edge: "FRA56-P1",
        result: "Hit",
        method: "GET",
        ua: "Mozilla/5.0%2520(compatible;%2520Googlebot/2.1)",
        referer: "https://www.google.com/",
        bytes: 1000,
        taken: 12,
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
        self.bytes
    }
    fn time_taken_ms(&self) -> u32 {
        self.taken
    }
    fn ttfb_ms(&self) -> u32 {
        self.taken / 2
    }
    fn method(&self) -> &str {
        self.method
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
        self.edge
    }
    fn result_type(&self) -> &str {
        self.result
    }
    fn user_agent(&self) -> &str {
        self.ua
    }
    fn referer(&self) -> &str {
        self.referer
    }
    fn host(&self) -> &str {
        "d1a2b3c4d5e6f7.cloudfront.net"
    }
}

fn matches(expr: &str, r: &Rec) -> bool {
    match Filter::parse(expr) {
        Ok(f) => f.matches(r),
        Err(e) => panic!("{expr}: {e}"),
    }
}

#[test]
fn terms_match_as_documented() {
    let ok = rec();
    let err = Rec {
        status: 503,
        path: "/api/cart",
        result: "Error",
        method: "POST",
        ..rec()
    };
    let scan = Rec {
        status: 404,
        path: "/wp-login.php",
        ip: "2a02:db8::5",
        ua: "zgrab",
        ..rec()
    };
    let table: &[(&str, [bool; 3])] = &[
        ("", [true, true, true]),
        ("status>=500", [false, true, false]),
        ("status>500", [false, true, false]),
        ("status<300", [true, false, false]),
        ("status<=404", [true, false, true]),
        ("status:4xx", [false, false, true]),
        ("status:5XX", [false, true, false]),
        ("status:50x", [false, true, false]),
        ("status:404", [false, false, true]),
        ("status=200", [true, false, false]),
        ("status!=200", [false, true, true]),
        ("path:/api/*", [false, true, false]),
        ("path:/API/*", [false, false, false]),
        ("path:*.php", [false, false, true]),
        ("path:/index.html", [true, false, false]),
        ("path~LOGIN", [false, false, true]),
        ("ip:203.0.113.7", [true, true, false]),
        ("ip:203.0.113.0/24", [true, true, false]),
        ("ip:10.0.0.0/8", [false, false, false]),
        ("ip:2a02:db8::/32", [false, false, true]),
        ("ip:203.0.*", [true, true, false]),
        ("edge:FRA*", [true, true, true]),
        ("edge:fra*", [true, true, true]),
        ("edge:IAD*", [false, false, false]),
        ("result:Miss", [false, false, false]),
        ("result:error", [false, true, false]),
        ("method:POST", [false, true, false]),
        ("ua~bot", [true, true, false]),
        ("ua~ZGRAB", [false, false, true]),
        ("ref~google", [true, true, true]),
        ("host:d1a2b3c4d5e6f7.cloudfront.net", [true, true, true]),
        ("bytes>=1000 taken<13 ttfb:6", [true, true, true]),
        ("cart", [false, true, false]),
        ("\"wp-login\"", [false, false, true]),
        ("not status:2xx", [false, true, true]),
        ("status:5xx or status:4xx", [false, true, true]),
        ("status:5xx or status:4xx and ua~zgrab", [false, true, true]),
        (
            "(status:5xx or status:4xx) and ua~bot",
            [false, true, false],
        ),
        ("not (status:5xx or path:*.php)", [true, false, false]),
        ("not status:5xx and not path:*.php", [true, false, false]),
        ("status:5xx method:POST", [false, true, false]),
        ("status>= 500", [false, true, false]),
        ("status >= 500", [false, true, false]),
        ("status >=500", [false, true, false]),
        ("status < 300", [true, false, false]),
        ("status != 200", [false, true, true]),
        ("status : 4xx", [false, false, true]),
        ("taken > 11 and ttfb <= 6", [true, true, true]),
        ("taken > 1000", [false, false, false]),
        ("path: /api/*", [false, true, false]),
        ("path :*.php", [false, false, true]),
        ("ua ~ bot", [true, true, false]),
        ("status<100", [false, false, false]),
        ("STATUS:5xx AND Method:post", [false, true, false]),
        ("ua~\"compatible;%2520Googlebot\"", [true, true, false]),
    ];
    for (expr, want) in table {
        let got = [
            matches(expr, &ok),
            matches(expr, &err),
            matches(expr, &scan),
        ];
        assert_eq!(got, *want, "{expr}");
    }
}

proptest! {
    #[test]
    fn the_parser_never_panics(text in "\\PC*") {
        let _ = Filter::parse(&text);
    }

    #[test]
    fn the_parser_never_panics_on_filter_like_text(
        text in "[ ()\"\\\\a-z:~<>=!*./0-9x-]{0,40}"
    ) {
        if let Ok(f) = Filter::parse(&text) {
            let _ = f.matches(&rec());
        }
    }
}

#[test]
fn filtering_retained_records_equals_filtering_the_originals() {
    let recs = generated(4, 30_000);
    let mut store = Retained::new(20_000);
    recs.iter().for_each(|r| store.push(r));
    let live = &recs[10_000..];
    for expr in [
        "status>=500",
        "status:4xx or result:Miss",
        "path:/api/* and not method:GET",
        "ip:203.0.0.0/8",
        "ip:2a02::/16 or ip:31.*",
        "edge:FRA* ua~bot",
        "not ref~storefront and taken>100",
        "index",
        "ip~.1",
        "country:DE",
        "asn:16509 or country:US",
        "behavior:/api/*",
        "ofbl>200",
        "olbl<=50 and not country:DE",
        "not asn:*",
    ] {
        let f = Filter::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        let want: Vec<u32> = (0..live.len() as u32)
            .filter(|i| f.matches(&live[*i as usize]))
            .collect();
        assert_eq!(store.filter_indices(&f), want, "{expr}");
        assert_eq!(store.count_matching(&f), want.len());
        assert!(
            store
                .iter()
                .all(|r| f.matches(&r) == f.matches(&live[r.position()]))
        );
    }
    assert_eq!(store.filter_indices(&Filter::all()).len(), 20_000);
}

/// Standard logging v2's fields filter the retained records as they filter the originals, also
/// when the store holds records without them (a legacy delivery's) before and after.
#[test]
fn v2_fields_filter_retained_records_as_the_originals_in_a_mixed_store() {
    let mut recs = generated(5, 6_000);
    let legacy = |i: usize| i < 2_000 || (4_000..5_000).contains(&i);
    for (_, r) in recs.iter_mut().enumerate().filter(|(i, _)| legacy(*i)) {
        (r.country, r.asn, r.cache_behavior) = (None, None, None);
        (r.origin_fbl_ms, r.origin_lbl_ms) = (None, None);
    }
    let mut store = Retained::new(5_000);
    recs.iter().for_each(|r| store.push(r));
    let live = &recs[1_000..];
    for expr in [
        "country:DE",
        "not country:DE",
        "asn:16509",
        "behavior:*",
        "ofbl>=0",
        "olbl>100 or country:US",
    ] {
        let f = Filter::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        let want: Vec<u32> = (0..live.len() as u32)
            .filter(|i| f.matches(&live[*i as usize]))
            .collect();
        assert!(!want.is_empty(), "{expr} matches some");
        assert_eq!(store.filter_indices(&f), want, "{expr}");
    }
}
