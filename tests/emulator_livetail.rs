//! `StartLiveTail` against the local AWS emulator: the request reaches it (the SDK's `streaming-`
//! host prefix is cleared for an overridden endpoint), group names go as ARNs, and the emulator's
//! one-shot session (a start and one update, then the end) is read to its end.

#[path = "support/emulator.rs"]
mod emulator;

use emulator::{connect, unique};
use futures::StreamExt;
use shipdeck::cloud::LiveTailRequest;

#[tokio::test]
async fn a_live_tail_reaches_the_emulator_and_its_session_ends() {
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
