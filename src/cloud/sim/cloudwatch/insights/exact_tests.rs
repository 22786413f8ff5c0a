//! Exactness of the filter → Logs Insights translation: over the demo's delivery of stg's access
//! logs to a log group, the translated queries run by the simulator's Insights engine count what
//! the local engine counts over the same events, for every operator and every group-by.

use super::eval::insights_time;
use crate::accesslog::{Filter, LogFields};
use crate::cloud::sim::cloudfront::logging::stg_log_group;
use crate::cloud::sim::{SimConfig, Simulator, demo_specs};
use crate::cloud::{InsightsQuery, QueryStatus};
use crate::domain::{LogEvent, Timestamp};
use crate::query::{GroupBy, InsightsAsk, insights_query};
use std::collections::BTreeMap;

/// The simulator, its stg group's events of two hours and that range (whole seconds).
fn world() -> (Simulator, Vec<LogEvent>, (Timestamp, Timestamp)) {
    // Without a configured logs bucket each environment logs the demo's own way: stg's v2
    // delivery of JSON events to a log group among them.
    let mut specs = demo_specs();
    for s in &mut specs {
        s.logs_bucket = None;
    }
    let sim = Simulator::new(SimConfig::default(), &specs);
    let now = sim.now();
    // Ten minutes back: every event of the range is ingested (the later queries run later).
    let end = Timestamp(now.millis().div_euclid(1000) * 1000) - 10 * Timestamp::MINUTE;
    let start = end - 2 * Timestamp::HOUR;
    let events: Vec<LogEvent> = sim
        .logs
        .events_in(
            (crate::cloud::sim::ACCOUNT, &stg_log_group()),
            (start, end + 999),
            now,
        )
        .cloned()
        .collect();
    assert!(events.len() > 500, "a busy enough group: {}", events.len());
    (sim, events, (start, end))
}

/// Runs `query` on the simulator to its end: its rows.
fn insights(
    sim: &mut Simulator,
    (start, end): (Timestamp, Timestamp),
    query: &str,
) -> Vec<BTreeMap<String, String>> {
    let id = sim
        .op_start_query(
            crate::cloud::sim::ACCOUNT,
            &InsightsQuery {
                groups: vec![stg_log_group()],
                start,
                end,
                query: query.to_string(),
                limit: None,
            },
        )
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    for _ in 0..600 {
        let r = sim
            .op_get_query_results(crate::cloud::sim::ACCOUNT, &id)
            .unwrap();
        if r.status == QueryStatus::Complete {
            return r
                .rows
                .into_iter()
                .map(|row| row.into_iter().collect())
                .collect();
        }
        assert!(!r.status.is_final(), "{query}: {:?}", r.status);
        // Reading does not advance the world's traffic: only the queries' clock.
        sim.now = sim.now + 30 * Timestamp::SECOND;
    }
    panic!("{query} did not complete");
}

/// The local engine's key of a group-by for one record.
fn local_key(g: GroupBy, r: &dyn LogFields) -> String {
    let bin = |period: i64| {
        let t = r.timestamp_ms();
        insights_time(Timestamp(t - t.rem_euclid(period)))
    };
    let text = |v: &str| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.to_string()
        }
    };
    match g {
        GroupBy::Path => text(r.path()),
        GroupBy::Status => r.status().to_string(),
        GroupBy::Edge => text(r.edge_location()),
        GroupBy::Country => text(r.country()),
        GroupBy::Asn => text(r.asn()),
        GroupBy::Ip => text(r.client_ip()),
        GroupBy::Minute => bin(Timestamp::MINUTE),
        GroupBy::Hour => bin(Timestamp::HOUR),
        GroupBy::Day => bin(Timestamp::DAY),
    }
}

/// The local engine over the events: requests by key (`None`: one total) of `filter`.
fn local(events: &[LogEvent], filter: &Filter, g: Option<GroupBy>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    crate::accesslog_io::read_events(events, &stg_log_group(), None, &mut |r| {
        if filter.matches(r) {
            let key = g.map_or_else(String::new, |g| local_key(g, r));
            *out.entry(key).or_insert(0) += 1;
        }
    });
    out
}

/// The simulator's answer as requests by key (status keys as numbers, `000` as `0`).
fn remote(rows: &[BTreeMap<String, String>], key: &str, status: bool) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for row in rows {
        let mut k = row.get(key).cloned().unwrap_or_default();
        if status {
            k = k.parse::<u16>().map_or(k, |n| n.to_string());
        }
        let n: u64 = row["requests"].parse().unwrap();
        *out.entry(k).or_insert(0) += n;
    }
    out
}

const FILTERS: &[&str] = &[
    "",
    "status:5xx",
    "status:4xx",
    "status:20x",
    "status:0",
    "status>=400",
    "status<300",
    "status!=200",
    "not status:2xx",
    "bytes>1000",
    "bytes<=500",
    "bytes:0",
    "taken>50",
    "taken<=10",
    "taken:0",
    "ttfb>=5",
    "ttfb<3",
    "ofbl>1",
    "olbl<100",
    "not ofbl>1",
    "path:/api/*",
    "path:/API/*",
    "path~CART",
    "path:*.js",
    "api",
    "edge:FRA*",
    "edge~fra",
    "result:Miss",
    "result:hit",
    "method:POST",
    "method:get",
    "ua~bot",
    "ua:*Mozilla*",
    "ref:\"\"",
    "ref~http",
    "host~storefront",
    "query~=",
    "query:\"\"",
    "country:US",
    "country:\"\"",
    "asn:16509",
    "asn~16",
    "behavior:/api/*",
    "ip:10.0.0.0/8",
    "ip:0.0.0.0/0",
    "ip:::/0",
    "ip:2001:db8::/32",
    "ip:*.1*",
    "ip~:",
    "status:5xx or path:/api/*",
    "(method:POST and not path:/api/cart) or edge:FRA*",
];

#[test]
fn the_insights_query_counts_what_the_local_engine_counts_for_every_operator() {
    let (mut sim, events, range) = world();
    let mut matched = 0;
    for text in FILTERS {
        let filter = Filter::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let query = insights_query(&filter, &[], InsightsAsk::Totals).unwrap();
        let rows = insights(&mut sim, range, &query);
        let want: u64 = local(&events, &filter, None).values().sum();
        let got: u64 = remote(&rows, "status", true).values().sum();
        assert_eq!(got, want, "`{text}`:\n{query}");
        // The totals by status, as the Traffic view shows them.
        let by_status = local(&events, &filter, Some(GroupBy::Status));
        assert_eq!(
            remote(&rows, "status", true),
            by_status,
            "`{text}` by status"
        );
        if want > 0 && want < events.len() as u64 {
            matched += 1;
        }
    }
    assert!(
        matched >= FILTERS.len() * 2 / 3,
        "most filters split the records: {matched} of {}",
        FILTERS.len()
    );
}

#[test]
fn the_insights_query_counts_what_the_local_engine_counts_for_every_group_by() {
    let (mut sim, events, range) = world();
    for text in [
        "",
        "status:4xx or status:5xx",
        "not path:/api/*",
        "ip:0.0.0.0/0",
    ] {
        let filter = Filter::parse(text).unwrap();
        for g in GroupBy::ALL {
            let query = insights_query(&filter, &[], InsightsAsk::Top(g, 10_000)).unwrap();
            let rows = insights(&mut sim, range, &query);
            let column = match g {
                GroupBy::Minute => "bin(1m)",
                GroupBy::Hour => "bin(1h)",
                GroupBy::Day => "bin(1d)",
                _ => "key",
            };
            let got = remote(&rows, column, g == GroupBy::Status);
            let want = local(&events, &filter, Some(g));
            assert_eq!(got, want, "`{text}` by {}:\n{query}", g.name());
        }
    }
}
