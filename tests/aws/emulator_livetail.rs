//! `StartLiveTail` against the local AWS emulator: the request reaches it (the SDK's `streaming-`
//! host prefix is cleared for an overridden endpoint), group names go as ARNs, the emulator's
//! one-shot session (a start and one update, then the end) is read to its end, and the events it
//! sends for a group not asked for are left out and counted, not shown as the asked group's.

use crate::support::emulator;

use emulator::{ACCOUNT, REGION, connect, unique};
use futures::StreamExt;
use shipdeck::cloud::LiveTailRequest;

/// The emulator tails the log group created last, whatever was asked: the tests of this file
/// create groups and tail one at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn a_live_tail_reaches_the_emulator_and_its_session_ends() {
    let _one = ONE_AT_A_TIME.lock().await;
    let (aws, c, _) = connect().await;
    let group = unique("/aws/lambda/storefront-api");
    c.logs
        .create_log_group()
        .log_group_name(&group)
        .send()
        .await
        .unwrap();
    let req = LiveTailRequest {
        groups: vec![group.clone()],
        streams: Vec::new(),
        pattern: None,
    };
    let mut tail = aws.cloud().logs.start_live_tail(&req).await.unwrap();
    let mut updates = 0;
    while let Some(item) = tail.next().await {
        let batch = item.unwrap();
        assert!(batch.events.iter().all(|e| e.group == group));
        updates += 1;
        assert!(updates < 100, "the emulator's session is one-shot");
    }
    assert!(updates >= 1, "one session update");
    let err = aws
        .cloud()
        .logs
        .start_live_tail(&LiveTailRequest::default())
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("1-10 log groups"), "{err}");
}

/// Puts `n` events into a new stream of `group`.
async fn put_events(c: &shipdeck::cloud::aws::AwsClients, group: &str, n: usize) {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    let stream = unique("s");
    c.logs
        .create_log_stream()
        .log_group_name(group)
        .log_stream_name(&stream)
        .send()
        .await
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let events = (0..n).map(|i| {
        InputLogEvent::builder()
            .timestamp(now + i as i64)
            .message(format!("{group} event {i}"))
            .build()
            .unwrap()
    });
    c.logs
        .put_log_events()
        .log_group_name(group)
        .log_stream_name(&stream)
        .set_log_events(Some(events.collect()))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn events_of_a_group_the_tail_did_not_ask_for_are_left_out() {
    let _one = ONE_AT_A_TIME.lock().await;
    let (aws, c, _) = connect().await;
    // The emulator answers a live tail with the events of the group created last, whatever
    // was asked for: a tail of `asked` gets `other`'s events.
    let asked = unique("/aws/lambda/storefront-api");
    let other = unique("/aws/codebuild/storefront-deploy");
    for g in [&asked, &other] {
        c.logs
            .create_log_group()
            .log_group_name(g)
            .send()
            .await
            .unwrap();
    }
    put_events(&c, &asked, 2).await;
    put_events(&c, &other, 3).await;
    let req = LiveTailRequest {
        groups: vec![asked.clone()],
        streams: Vec::new(),
        pattern: None,
    };
    let mut tail = aws.cloud().logs.start_live_tail(&req).await.unwrap();
    let mut shown = Vec::new();
    let mut left_out = std::collections::BTreeMap::new();
    while let Some(item) = tail.next().await {
        let batch = item.unwrap();
        shown.extend(batch.events);
        for (group, n) in batch.other_groups {
            *left_out.entry(group).or_insert(0) += n;
        }
    }
    for e in &shown {
        assert_eq!(e.group, asked, "an event shown as {asked}'s: {e:?}");
    }
    // The other group's events are counted, under the group the emulator named.
    let other_arn = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{other}");
    assert_eq!(
        left_out.into_iter().collect::<Vec<_>>(),
        vec![(other_arn, 3)]
    );
}
