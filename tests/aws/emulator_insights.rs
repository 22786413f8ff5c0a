//! Logs Insights against the local AWS emulator: the shared loop starts a query over a group,
//! reads its results to the end (the emulator runs `fields`, `sort` and `limit`; it ignores
//! `filter` and `stats`) with the events' fields, and a group that does not exist is refused.

use crate::support::emulator;

use emulator::{connect, unique};
use shipdeck::cloud::insights::run_query;
use shipdeck::cloud::{InsightsQuery, QueryEnd, QueryStatus};
use shipdeck::domain::Timestamp;
use shipdeck::runtime::WallClock;

#[tokio::test]
async fn a_query_runs_to_its_end_with_the_events_fields() {
    let (aws, c, _) = connect().await;
    let group = unique("/aws/lambda/insights");
    c.logs
        .create_log_group()
        .log_group_name(&group)
        .send()
        .await
        .unwrap();
    let stream = unique("s");
    c.logs
        .create_log_stream()
        .log_group_name(&group)
        .log_stream_name(&stream)
        .send()
        .await
        .unwrap();
    let now = shipdeck::runtime::Clock::now(&WallClock);
    let events = (0..3).map(|i| {
        aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
            .timestamp(now.millis() - 60_000 + i * 1_000)
            .message(format!("event {i}"))
            .build()
            .unwrap()
    });
    c.logs
        .put_log_events()
        .log_group_name(&group)
        .log_stream_name(&stream)
        .set_log_events(Some(events.collect()))
        .send()
        .await
        .unwrap();
    let query = InsightsQuery {
        groups: vec![group.clone()],
        start: Timestamp(now.millis() - 10 * 60_000),
        end: Timestamp(now.millis() + 60_000),
        query: "fields @timestamp, @message | sort @timestamp desc | limit 2".into(),
        limit: None,
    };
    let cloud = aws.cloud();
    let mut seen = 0;
    let mut progress = |_: &str, _: &shipdeck::cloud::QueryResults| seen += 1;
    let (id, end) = run_query(
        cloud.logs.as_ref(),
        &WallClock,
        &query,
        &mut progress,
        &|| false,
    )
    .await
    .unwrap();
    assert!(!id.is_empty());
    assert!(seen >= 1, "each answer is handed over");
    let QueryEnd::Ended(r) = end else {
        panic!("the query ends by itself: {end:?}")
    };
    assert_eq!(r.status, QueryStatus::Complete);
    let messages: Vec<&str> = r
        .rows
        .iter()
        .filter_map(|row| row.iter().find(|(f, _)| f == "@message"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(messages, ["event 2", "event 1"], "{:?}", r.rows);
    assert_eq!(r.columns(), ["@timestamp", "@message"]);

    let missing = InsightsQuery {
        groups: vec![unique("/aws/lambda/missing")],
        ..query
    };
    let err = cloud.logs.start_query(&missing).await.unwrap_err();
    assert!(
        err.to_string().contains("does not exist") || err.to_string().contains("not found"),
        "{err}"
    );
}
