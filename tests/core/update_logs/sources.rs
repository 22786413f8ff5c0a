//! The Traffic view of an environment whose configuration names no logs bucket: its log
//! sources discovered first, the default one listed by its layout, `:logsource` to list the
//! sources and read another, a delivery to a CloudWatch Logs group polled through
//! `FilterLogEvents`, and discovery or a read that fails said as such.

use super::*;
use shipdeck::accesslog::ListRequest;
use shipdeck::cloud::Discovery;

/// prd discovered with legacy logging and a v2 Parquet delivery partitioned by hour.
fn found() -> Discovery {
    let v2 = LogSource {
        name: "d-parquet".into(),
        kind: SourceKind::Delivery {
            id: "d-parquet".into(),
            source: "prd-src".into(),
            destination: "prd-dst".into(),
        },
        destination: LogDestination::S3 {
            bucket: "v2-logs".into(),
            key_template: "v2/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}/".into(),
        },
        format: "parquet".into(),
        fields: Vec::new(),
        delimiter: None,
    };
    Discovery {
        legacy: Ok(Some(LogSource::legacy("old-logs", "cf/prd/"))),
        deliveries: Ok(vec![v2]),
    }
}

/// The state on prd's Traffic view with no logs bucket configured, and the discovery asked.
fn discovering() -> (State, u64, String) {
    let mut s = state();
    s.envs[2].spec.logs_bucket = None;
    update(&mut s, Action::Tick(T0));
    typed_command(&mut s, "env prd");
    let fx = update(&mut s, Action::Show(View::Traffic));
    let Some(Effect::DiscoverLogSources {
        request,
        distribution_id,
        ..
    }) = fx
        .iter()
        .find(|e| matches!(e, Effect::DiscoverLogSources { .. }))
    else {
        panic!("discovery first: {fx:?}")
    };
    (s.clone(), *request, distribution_id.clone())
}

/// prd's discovery, asked as `request`, answered with `found`.
fn discovered(s: &mut State, request: u64, found: Discovery) -> Vec<Effect> {
    let found = Box::new(found);
    update(
        s,
        Action::Reply(Reply::LogSourcesFound {
            env: 2,
            request,
            found,
        }),
    )
}

fn typed_command(s: &mut State, text: &str) -> Vec<Effect> {
    update(s, Action::CommandOpen);
    typed(s, text);
    update(s, Action::Submit)
}

fn listing(fx: &[Effect]) -> Option<(String, Vec<ListRequest>)> {
    fx.iter().find_map(|e| match e {
        Effect::StreamTraffic { bucket, round, .. } => {
            Some((bucket.clone(), round.listings.clone()))
        }
        _ => None,
    })
}

#[test]
fn discovered_sources_are_read_by_their_layout_and_picked_with_logsource() {
    let (mut s, request, dist) = discovering();
    assert_eq!(dist, s.envs[2].spec.distribution_id);
    let fx = discovered(&mut s, request, found());
    assert!(fx.is_empty(), "{fx:?}");
    let fx = update(&mut s, Action::Tick(T0 + Timestamp::SECOND));
    let (bucket, listings) = listing(&fx).expect("a listing of the v2 delivery");
    assert_eq!(bucket, "v2-logs");
    // The last hour's partitions: one listing per hour folder.
    assert_eq!(listings.len(), 2, "{listings:?}");
    assert!(
        listings
            .iter()
            .all(|l| l.prefix.starts_with(&format!("v2/{dist}/")))
    );
    let t = s.traffic.target.clone().unwrap();
    assert_eq!(t.label, "v2 d-parquet (parquet)");

    typed_command(&mut s, "logsource");
    let text = s.status.clone().unwrap().text;
    assert_eq!(
        text,
        "prd: reading v2 d-parquet (parquet); log sources 1 legacy (w3c), 2 v2 d-parquet \
         (parquet); :logsource N reads another"
    );
    let fx = typed_command(&mut s, "logsource legacy");
    let (bucket, listings) = listing(&fx).expect("a listing of legacy logging");
    assert_eq!(bucket, "old-logs");
    assert_eq!(listings.len(), 1);
    assert_eq!(listings[0].prefix, format!("cf/prd/{dist}."));
    typed_command(&mut s, "logsource 3");
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert_eq!(
        status.text,
        ":logsource: no log source `3`; choose 1 (legacy), 2 (d-parquet)"
    );
    assert_eq!(
        s.traffic.target.as_ref().map(|t| t.describe()).as_deref(),
        Some("s3://old-logs/cf/prd/")
    );
}

#[test]
fn a_pick_made_before_discovery_that_names_no_source_is_refused_and_the_default_read() {
    let (mut s, _, _) = discovering();
    // Picked while discovery is on its way: nothing to check it against yet.
    let fx = typed_command(&mut s, "logsource 9");
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::DiscoverLogSources { request, .. } => Some(*request),
            _ => None,
        })
        .expect("discovery asked again");
    let fx = discovered(&mut s, request, found());
    let fx = [fx, update(&mut s, Action::Tick(T0 + Timestamp::SECOND))].concat();
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert_eq!(
        status.text,
        ":logsource: no log source `9`; choose 1 (legacy), 2 (d-parquet); prd reads its default \
         source"
    );
    let (bucket, _) = listing(&fx).expect("the default source read, not nothing");
    assert_eq!(bucket, "v2-logs");
    assert_eq!(s.envs[2].log_pick, None);
}

#[test]
fn a_failed_discovery_is_said_and_read_again() {
    let (mut s, request, _) = discovering();
    let denied = CloudError::AccessDenied {
        action: "logs:DescribeDeliverySources".into(),
        why: String::new(),
    };
    let found = Discovery {
        legacy: Err(CloudError::Timeout {
            operation: "GetDistribution".into(),
        }),
        deliveries: Err(denied),
    };
    discovered(&mut s, request, found);
    let error = s.traffic.load.error.clone().unwrap();
    assert!(error.starts_with("discovering the log sources:"), "{error}");
    assert!(s.traffic.target.is_none() && s.envs[2].log_sources.is_none());
    // Nothing is listed meanwhile; after the pause, discovery is asked again.
    let fx = update(&mut s, Action::Tick(T0 + 5 * Timestamp::SECOND));
    assert!(listing(&fx).is_none(), "{fx:?}");
    let fx = update(&mut s, Action::Tick(T0 + Timestamp::MINUTE));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::DiscoverLogSources { .. })),
        "{fx:?}"
    );
}

#[test]
fn only_v2_deliveries_found_unknown_says_why_nothing_is_read() {
    let (mut s, request, _) = discovering();
    let found = Discovery {
        legacy: Ok(None),
        deliveries: Err(CloudError::AccessDenied {
            action: "logs:DescribeDeliveries".into(),
            why: String::new(),
        }),
    };
    discovered(&mut s, request, found);
    let fx = update(&mut s, Action::Tick(T0 + Timestamp::SECOND));
    assert!(listing(&fx).is_none(), "{fx:?}");
    let error = s.traffic.load.error.clone().unwrap();
    assert!(
        error.starts_with("v2 deliveries unknown: ") && error.contains("logs:DescribeDeliveries"),
        "{error}"
    );
}

fn fetch_of(fx: &[Effect]) -> Option<(u64, String, Timestamp)> {
    fx.iter().find_map(|e| match e {
        Effect::FetchTrafficEvents {
            request,
            group,
            start,
            ..
        } => Some((*request, group.clone(), *start)),
        _ => None,
    })
}

fn event(id: &str, at: Timestamp) -> LogEvent {
    LogEvent {
        group: "g".into(),
        event_id: id.into(),
        stream: "E2PRD".into(),
        timestamp: at,
        ingestion_time: at,
        message: "{}".into(),
    }
}

/// prd delivering only to a log group: the Traffic view asks `FilterLogEvents` from the look-back,
/// parses the events it has not read, polls again from the newest event less the overlap, and
/// a refused read keeps what was read and names the IAM action and the group.
#[test]
fn a_delivery_to_a_log_group_is_polled_and_each_event_read_once() {
    let (mut s, request, _) = discovering();
    let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/prd";
    let cwl = LogSource {
        name: "d-cwl".into(),
        kind: SourceKind::Delivery {
            id: "d-cwl".into(),
            source: "prd-src".into(),
            destination: "prd-cwl".into(),
        },
        destination: LogDestination::CloudWatchLogs { arn: arn.into() },
        format: "json".into(),
        fields: Vec::new(),
        delimiter: None,
    };
    let found = Discovery {
        legacy: Ok(None),
        deliveries: Ok(vec![cwl]),
    };
    discovered(&mut s, request, found);
    let fx = update(&mut s, Action::Tick(T0 + Timestamp::SECOND));
    assert!(listing(&fx).is_none(), "{fx:?}");
    let (request, group, start) = fetch_of(&fx).expect("a read of the log group");
    assert_eq!((group.as_str(), start), (arn, s.traffic.since));
    let (a, b) = (T0 - 10 * Timestamp::MINUTE, T0 - 9 * Timestamp::MINUTE);
    let answer = Ok((vec![event("a", a), event("b", b)], true));
    let reply = Reply::TrafficEvents {
        env: 2,
        request,
        result: answer,
    };
    let fx = update(&mut s, Action::Reply(reply));
    let Some(Effect::ReadTrafficEvents {
        request, events, ..
    }) = fx.first()
    else {
        panic!("the events are read: {fx:?}")
    };
    assert_eq!(events.len(), 2);
    let reply = Reply::TrafficRead {
        env: 2,
        request: *request,
        batch: Box::new(TrafficBatch::default()),
    };
    update(&mut s, Action::Reply(reply));
    // The next poll after the pause, from the newest event less the overlap.
    let fx = update(&mut s, Action::Tick(T0 + 5 * Timestamp::SECOND));
    assert!(fetch_of(&fx).is_none(), "{fx:?}");
    let fx = update(&mut s, Action::Tick(T0 + 12 * Timestamp::SECOND));
    let (request, _, start) = fetch_of(&fx).expect("the next poll");
    assert_eq!(start, b - shipdeck::accesslog::EVENT_OVERLAP);
    let late = T0 - 9 * Timestamp::MINUTE - 30 * Timestamp::SECOND;
    let again = vec![event("a", a), event("late", late), event("b", b)];
    let reply = Reply::TrafficEvents {
        env: 2,
        request,
        result: Ok((again, true)),
    };
    let fx = update(&mut s, Action::Reply(reply));
    let Some(Effect::ReadTrafficEvents {
        request, events, ..
    }) = fx.first()
    else {
        panic!("the new event is read: {fx:?}")
    };
    let ids: Vec<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids, ["late"]);
    let reply = Reply::TrafficRead {
        env: 2,
        request: *request,
        batch: Box::new(TrafficBatch::default()),
    };
    update(&mut s, Action::Reply(reply));
    // A refused read: unknown, not none.
    let fx = update(&mut s, Action::Tick(T0 + 30 * Timestamp::SECOND));
    let (request, _, _) = fetch_of(&fx).expect("the next poll");
    let denied = CloudError::AccessDenied {
        action: "logs:FilterLogEvents".into(),
        why: format!("on log group {arn}"),
    };
    let reply = Reply::TrafficEvents {
        env: 2,
        request,
        result: Err(denied),
    };
    update(&mut s, Action::Reply(reply));
    let error = s.traffic.load.error.clone().unwrap();
    assert!(
        error.starts_with("reading the log group /aws/cloudfront/prd: ")
            && error.contains("logs:FilterLogEvents"),
        "{error}"
    );
}
