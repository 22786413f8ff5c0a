//! Live tails in the simulator: an update every second as the world advances (empty when nothing
//! was ingested), sampled beyond 500, and the session ends after three hours.

use super::{MIN, cloud};
use futures::executor::block_on;
use futures::{FutureExt, StreamExt};
use shipdeck::cloud::sim::LIVE_TAIL_LIMIT;
use shipdeck::cloud::{
    CloudError, LiveTailRequest, LogQuery, MAX_TAIL_EVENTS, live_tail_unavailable,
};
use shipdeck::domain::Timestamp;

const API: &str = "/aws/lambda/storefront-api-prd";

fn request(groups: &[&str]) -> LiveTailRequest {
    LiveTailRequest {
        groups: groups.iter().map(|g| g.to_string()).collect(),
        ..LiveTailRequest::default()
    }
}

#[test]
fn a_live_tail_yields_what_filter_log_events_sees_as_it_is_ingested() {
    let sim = cloud(31);
    let logs = sim.cloud().logs;
    let mut tail = block_on(logs.start_live_tail(&request(&[API]))).unwrap();
    let from = sim.with(|s| s.now());
    sim.with(|s| s.advance(2 * MIN));
    let to = sim.with(|s| s.now());
    let mut got = Vec::new();
    let mut updates = 0;
    let mut empty = 0;
    while let Some(Some(batch)) = tail.next().now_or_never() {
        let batch = batch.unwrap();
        updates += 1;
        empty += usize::from(batch.events.is_empty());
        assert!(!batch.sampled, "the test traffic is small");
        let second = batch
            .events
            .first()
            .map(|e| e.ingestion_time.millis() / 1000);
        for e in &batch.events {
            assert_eq!(e.group, API);
            assert_eq!(
                Some(e.ingestion_time.millis() / 1000),
                second,
                "one second a batch"
            );
            assert!(e.ingestion_time > from && e.ingestion_time <= to);
        }
        got.extend(batch.events.into_iter().map(|e| e.event_id));
    }
    // CloudWatch sends an update every second, an empty one when nothing was ingested.
    assert_eq!(updates, 120, "one update a second");
    assert!(
        empty > 60,
        "most seconds bring nothing: {empty} empty updates"
    );
    assert!(!got.is_empty(), "the API logs something every two minutes");
    // The same events, by FilterLogEvents: everything ingested in the window.
    let page = block_on(logs.filter_log_events(&LogQuery {
        group: API.into(),
        start: Some(Timestamp(from.millis() - 5_000)),
        end: Some(to),
        ..LogQuery::default()
    }))
    .unwrap();
    let mut expected: Vec<String> = page
        .events
        .into_iter()
        .filter(|e| e.ingestion_time > from)
        .map(|e| e.event_id)
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(sim.with(|s| s.live_tails()), 1);
    drop(tail);
    sim.with(|s| s.advance(MIN));
    assert_eq!(
        sim.with(|s| s.live_tails()),
        0,
        "a dropped session is closed"
    );
}

#[test]
fn busy_seconds_are_sampled_and_sessions_end_after_three_hours() {
    let sim = cloud(32);
    let logs = sim.cloud().logs;
    let group = "/aws/codebuild/storefront-deploy-prd";
    let mut tail = block_on(logs.start_live_tail(&request(&[group]))).unwrap();
    let at = sim.with(|s| s.now()) + 1_000;
    sim.with(|s| s.put_log_events(group, "flood", at, 4_000));
    sim.with(|s| s.advance(MIN));
    let mut total = 0;
    let mut sampled = 0;
    while let Some(Some(batch)) = tail.next().now_or_never() {
        let batch = batch.unwrap();
        assert!(batch.events.len() <= MAX_TAIL_EVENTS);
        sampled += usize::from(batch.sampled);
        total += batch.events.iter().filter(|e| e.stream == "flood").count();
    }
    assert!(sampled >= 1, "4000 events ingested over about four seconds");
    assert!((3 * MAX_TAIL_EVENTS..4_000).contains(&total), "{total}");
    sim.with(|s| s.advance(LIVE_TAIL_LIMIT));
    let mut end = None;
    while let Some(Some(item)) = tail.next().now_or_never() {
        if let Err(e) = item {
            end = Some(e);
        }
    }
    let end = end.unwrap();
    assert!(matches!(&end, CloudError::Rejected { code, .. } if code == "SessionTimeoutException"));
    assert!(
        !live_tail_unavailable(&end),
        "a timed-out session is restarted, not abandoned"
    );
    assert_eq!(block_on(tail.next()), None);
}

#[test]
fn live_tails_check_their_groups() {
    let sim = cloud(33);
    let logs = sim.cloud().logs;
    let eleven: Vec<&str> = std::iter::repeat_n(API, 11).collect();
    let err = block_on(logs.start_live_tail(&request(&eleven)))
        .err()
        .unwrap();
    assert!(
        matches!(&err, CloudError::Rejected { code, .. } if code == "InvalidParameterException")
    );
    let err = block_on(logs.start_live_tail(&request(&[]))).err().unwrap();
    assert!(err.to_string().contains("1-10 log groups"), "{err}");
    let err = block_on(logs.start_live_tail(&request(&["/aws/lambda/nope"])))
        .err()
        .unwrap();
    assert_eq!(err.to_string(), "log group not found: /aws/lambda/nope");
    assert!(!live_tail_unavailable(&err));
}

#[test]
fn live_tails_and_filter_log_events_take_json_patterns_and_refuse_unmodelled_ones() {
    let sim = cloud(34);
    let logs = sim.cloud().logs;
    let info = LiveTailRequest {
        pattern: Some(r#"{ $.level = "INFO" }"#.into()),
        ..request(&[API])
    };
    let mut tail = block_on(logs.start_live_tail(&info)).unwrap();
    sim.with(|s| s.advance(10 * MIN));
    let mut got = Vec::new();
    while let Some(Some(Ok(batch))) = tail.next().now_or_never() {
        got.extend(batch.events);
    }
    assert!(!got.is_empty());
    assert!(got.iter().all(|e| e.message.contains(r#""level":"INFO""#)));
    let anded = LiveTailRequest {
        pattern: Some(r#"{ $.level = "ERROR" && $.status = 502 }"#.into()),
        ..request(&[API])
    };
    let err = block_on(logs.start_live_tail(&anded)).err().unwrap();
    assert!(
        err.to_string()
            .starts_with("InvalidParameterException: Invalid filter pattern"),
        "{err}"
    );
    let query = LogQuery {
        group: API.into(),
        pattern: anded.pattern.clone(),
        ..LogQuery::default()
    };
    let err = block_on(logs.filter_log_events(&query)).err().unwrap();
    assert!(
        matches!(&err, CloudError::Rejected { code, .. } if code == "InvalidParameterException"),
        "{err}"
    );
}
