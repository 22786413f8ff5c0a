//! The serializable numbers of one statistics window (or the whole run), for `--stats` and the
//! TUI panels, and the per-minute series for charts.

use crate::accesslog::decode::{decode, decode_twice};
use crate::accesslog::stats::acc::{
    AGENT, ASN, BEHAVIOR, COUNTRY, Counters, Dist, EDGE, IP, PATH, PATH_4XX, PATH_5XX, REFERER,
};
use crate::accesslog::stats::hist::Histogram;
use crate::accesslog::topk::TopEntry;
use crate::domain::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;

/// Requests per status class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusMix {
    /// No status (the viewer closed the connection first) or an out-of-range one.
    #[serde(rename = "0")]
    pub none: u64,
    /// 1xx.
    #[serde(rename = "1xx")]
    pub s1xx: u64,
    /// 2xx.
    #[serde(rename = "2xx")]
    pub s2xx: u64,
    /// 3xx.
    #[serde(rename = "3xx")]
    pub s3xx: u64,
    /// 4xx.
    #[serde(rename = "4xx")]
    pub s4xx: u64,
    /// 5xx.
    #[serde(rename = "5xx")]
    pub s5xx: u64,
}

impl StatusMix {
    fn of(c: &[u64; 6]) -> StatusMix {
        StatusMix {
            none: c[0],
            s1xx: c[1],
            s2xx: c[2],
            s3xx: c[3],
            s4xx: c[4],
            s5xx: c[5],
        }
    }
}

/// Latency percentiles in milliseconds (`None` without data), within 1.6 % of exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50: Option<u32>,
    /// 95th percentile.
    pub p95: Option<u32>,
    /// 99th percentile.
    pub p99: Option<u32>,
    /// Largest value (exact).
    pub max: Option<u32>,
    /// Mean (exact).
    pub mean: Option<f64>,
}

impl Percentiles {
    /// The percentiles of a histogram.
    pub fn of(h: &Histogram) -> Percentiles {
        Percentiles {
            p50: h.quantile(0.50),
            p95: h.quantile(0.95),
            p99: h.quantile(0.99),
            max: h.max(),
            mean: h.mean(),
        }
    }
}

/// Per top list, an upper bound on how often any key it leaves out was seen (0 when nothing was
/// left out); same names as [`TopLists`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TopRest {
    /// Paths.
    pub paths: u64,
    /// Client IPs.
    pub client_ips: u64,
    /// Edge locations.
    pub edge_locations: u64,
    /// User agents.
    pub user_agents: u64,
    /// Referers.
    pub referers: u64,
    /// Paths answered with a 4xx.
    pub paths_4xx: u64,
    /// Paths answered with a 5xx.
    pub paths_5xx: u64,
    /// Viewer countries.
    pub countries: u64,
    /// Viewer ASNs.
    pub asns: u64,
    /// Cache behaviors.
    pub cache_behaviors: u64,
}

/// The line to show under a top `list` (of at most `n` entries) whose left-out keys were each
/// seen at most `rest` times: when it was cut short because nothing else stands out, or when a
/// key left out may have been seen more often than a listed one certainly was.
pub fn rest_note(list: &[TopEntry], n: usize, rest: u64) -> Option<String> {
    if rest == 0 {
        return None;
    }
    let surest = list.iter().map(|e| e.count.saturating_sub(e.error)).min();
    match surest {
        None => Some(format!(
            "none stands out: each at most {rest} (too many to rank)"
        )),
        Some(_) if list.len() < n => Some(format!(
            "no other certainly stands out: each at most {rest} (too many to rank)"
        )),
        Some(least) if rest > least => Some(format!("others: each at most {rest}")),
        Some(_) => None,
    }
}

/// The top lists of a window (keys as the records hold them: raw, still URL-encoded, until
/// [`StatsSnapshot::decoded`]): only keys
/// certainly seen more often than every key the sketch dropped (see
/// [`crate::accesslog::SpaceSaving::ranked`]), so a list may be short, or empty, under high cardinality.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TopLists {
    /// Paths (`cs-uri-stem`).
    pub paths: Vec<TopEntry>,
    /// Client IPs.
    pub client_ips: Vec<TopEntry>,
    /// Edge locations.
    pub edge_locations: Vec<TopEntry>,
    /// User agents.
    pub user_agents: Vec<TopEntry>,
    /// Referers.
    pub referers: Vec<TopEntry>,
    /// Paths answered with a 4xx, per status code (`status` set on each entry).
    pub paths_4xx: Vec<TopEntry>,
    /// Paths answered with a 5xx, per status code.
    pub paths_5xx: Vec<TopEntry>,
    /// Viewer countries (`c-country`, v2; empty when no record has one).
    pub countries: Vec<TopEntry>,
    /// Viewer autonomous systems (`asn`, v2).
    pub asns: Vec<TopEntry>,
    /// Cache behaviors by path pattern (`cache-behavior-path-pattern`, v2).
    pub cache_behaviors: Vec<TopEntry>,
}

/// Every number of one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsSnapshot {
    /// `1m`, `5m`, `15m`, `1h`, or `all` for the whole run.
    pub window: String,
    /// Start of the time covered (RFC 3339 UTC); `None` for a summary of records without a
    /// timestamp (none read, or a layout without `date` and `time`).
    pub from: Option<String>,
    /// End of the time covered.
    pub to: Option<String>,
    /// Seconds covered, the divisor of the rates (0 when `from` is `None`).
    pub seconds: f64,
    /// Requests counted.
    pub requests: u64,
    /// `sc-bytes` summed (`None` when no record had a value: a layout without the field).
    pub bytes: Option<u64>,
    /// Requests per second (`None` when `from` is `None`: no time to divide by).
    pub requests_per_sec: Option<f64>,
    /// Bytes per second.
    pub bytes_per_sec: Option<f64>,
    /// Requests per status class.
    pub status: StatusMix,
    /// Requests per status code, exact (`"000"`: no status, the viewer closed the connection
    /// first), keyed by the code as CloudFront writes it (three digits), lowest first: tells a 502 from a 504.
    pub status_codes: BTreeMap<String, u64>,
    /// Share of requests answered 4xx (`None` without requests: no share to tell, not 0).
    pub error_rate_4xx: Option<f64>,
    /// Share of requests answered 5xx (`None` without requests).
    pub error_rate_5xx: Option<f64>,
    /// Cache lookups that hit: result type `Hit` or `RefreshHit`.
    pub cache_hits: u64,
    /// Cache lookups: result type `Hit`, `RefreshHit` or `Miss` (not `Error`, `Redirect`,
    /// `LimitExceeded`, `CapacityExceeded`, which never reached the cache decision).
    pub cache_lookups: u64,
    /// `cache_hits / cache_lookups` (`None` without lookups).
    pub hit_ratio: Option<f64>,
    /// `time-taken` percentiles.
    pub time_taken_ms: Percentiles,
    /// `time-to-first-byte` percentiles.
    pub ttfb_ms: Percentiles,
    /// `origin-fbl` (v2) percentiles: origin first-byte latency (`null` when no record had one).
    pub origin_fbl_ms: Percentiles,
    /// `origin-lbl` (v2) percentiles: origin last-byte latency.
    pub origin_lbl_ms: Percentiles,
    /// Top lists.
    pub top: TopLists,
    /// For each top list, the most any key not in it may have been seen.
    pub top_rest: TopRest,
    /// The most entries a top list holds.
    #[serde(skip)]
    pub top_n: usize,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl StatsSnapshot {
    /// The snapshot with its top-list keys percent-decoded for reading (user agents twice, as
    /// CloudFront encodes them), as the CLI prints them.
    pub fn decoded(mut self) -> StatsSnapshot {
        let t = &mut self.top;
        for list in [
            &mut t.paths,
            &mut t.client_ips,
            &mut t.edge_locations,
            &mut t.referers,
            &mut t.paths_4xx,
            &mut t.paths_5xx,
            &mut t.countries,
            &mut t.asns,
            &mut t.cache_behaviors,
        ] {
            for e in list.iter_mut() {
                e.key = decode(&e.key).into_owned();
            }
        }
        for e in &mut t.user_agents {
            e.key = decode_twice(&e.key).into_owned();
        }
        self
    }

    /// Builds the snapshot of counters and distributions covering `[from, to]` over `span_ms`
    /// (`None`: no time known).
    pub(in crate::accesslog) fn build(
        window: &str,
        range: Option<(i64, i64, i64)>,
        c: &Counters,
        d: &Dist,
        top_n: usize,
    ) -> StatsSnapshot {
        let seconds = range.map_or(0.0, |(_, _, span_ms)| span_ms.max(1) as f64 / 1000.0);
        let rate = |n: u64| range.is_some().then(|| n as f64 / seconds);
        let ranked: Vec<(Vec<TopEntry>, u64)> = d.tops.iter().map(|t| t.ranked(top_n)).collect();
        let top = |dim: usize| ranked.get(dim).map(|r| r.0.clone()).unwrap_or_default();
        let rest = |dim: usize| ranked.get(dim).map_or(0, |r| r.1);
        StatsSnapshot {
            window: window.to_string(),
            from: range.map(|(from, _, _)| Timestamp(from).rfc3339()),
            to: range.map(|(_, to, _)| Timestamp(to).rfc3339()),
            seconds,
            requests: c.requests,
            bytes: (c.sized > 0).then_some(c.bytes),
            requests_per_sec: rate(c.requests),
            bytes_per_sec: (c.sized > 0).then(|| rate(c.bytes)).flatten(),
            status: StatusMix::of(&c.classes),
            status_codes: c
                .codes
                .sorted()
                .into_iter()
                .map(|(code, n)| (format!("{code:03}"), n))
                .collect(),
            error_rate_4xx: (c.requests > 0).then(|| ratio(c.classes[4], c.requests)),
            error_rate_5xx: (c.requests > 0).then(|| ratio(c.classes[5], c.requests)),
            cache_hits: c.hits,
            cache_lookups: c.lookups,
            hit_ratio: (c.lookups > 0).then(|| ratio(c.hits, c.lookups)),
            time_taken_ms: Percentiles::of(&d.taken),
            ttfb_ms: Percentiles::of(&d.ttfb),
            origin_fbl_ms: Percentiles::of(&d.ofbl),
            origin_lbl_ms: Percentiles::of(&d.olbl),
            top: TopLists {
                paths: top(PATH),
                client_ips: top(IP),
                edge_locations: top(EDGE),
                user_agents: top(AGENT),
                referers: top(REFERER),
                paths_4xx: top(PATH_4XX),
                paths_5xx: top(PATH_5XX),
                countries: top(COUNTRY),
                asns: top(ASN),
                cache_behaviors: top(BEHAVIOR),
            },
            top_n,
            top_rest: TopRest {
                paths: rest(PATH),
                client_ips: rest(IP),
                edge_locations: rest(EDGE),
                user_agents: rest(AGENT),
                referers: rest(REFERER),
                paths_4xx: rest(PATH_4XX),
                paths_5xx: rest(PATH_5XX),
                countries: rest(COUNTRY),
                asns: rest(ASN),
                cache_behaviors: rest(BEHAVIOR),
            },
        }
    }
}

/// One minute of the chart series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct MinutePoint {
    /// Start of the minute (epoch ms UTC).
    pub start_ms: i64,
    /// Requests in the minute.
    pub requests: u64,
    /// Requests per second over the minute.
    pub requests_per_sec: f64,
    /// Bytes in the minute.
    pub bytes: u64,
    /// Status mix of the minute.
    pub status: StatusMix,
    /// Cache hit ratio of the minute.
    pub hit_ratio: Option<f64>,
    /// `time-taken` percentiles of the minute.
    pub time_taken_ms: Percentiles,
    /// Whether the minute was read (it ends after where the read starts): an unread minute's
    /// zeros are unknown, not no traffic.
    pub read: bool,
}

impl MinutePoint {
    /// Requests in the minute, if it was read.
    pub fn requests_read(&self) -> Option<u64> {
        self.read.then_some(self.requests)
    }

    pub(in crate::accesslog) fn build(
        start_ms: i64,
        c: &Counters,
        taken: Option<&Histogram>,
    ) -> MinutePoint {
        MinutePoint {
            start_ms,
            requests: c.requests,
            requests_per_sec: c.requests as f64 / 60.0,
            bytes: c.bytes,
            status: StatusMix::of(&c.classes),
            hit_ratio: (c.lookups > 0).then(|| ratio(c.hits, c.lookups)),
            time_taken_ms: taken.map(Percentiles::of).unwrap_or_default(),
            read: true,
        }
    }
}
