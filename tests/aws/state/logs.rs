//! CloudWatch Logs answers the emulator does not give: `FilterLogEvents` pages that are empty or
//! partial while more follow, read to the last page as the Logs view reads; and a log stream
//! that does not exist, named as such rather than taken for a missing group.

use super::*;
use aws_sdk_cloudwatchlogs::Client as LogsClient;
use mocks::{error, logs_client, logs_cloud};
use shipdeck::app::{Action, Effect, LogRead, Reply};
use shipdeck::cloud::{CloudError, LogQuery};

const GROUP: &str = "/aws/lambda/storefront-api-prd";

/// A page of `FilterLogEvents` with these events (id, time) and maybe a token.
fn page(events: &[(&str, i64)], token: Option<&str>) -> String {
    let events: Vec<String> = events
        .iter()
        .map(|(id, at)| {
            format!(
                r#"{{"logStreamName": "2026/11/25/[$LATEST]0b7e", "timestamp": {at},
                    "message": "line {id}\n", "ingestionTime": {}, "eventId": "{id}"}}"#,
                at + 900
            )
        })
        .collect();
    let token = token.map_or(String::new(), |t| format!(r#", "nextToken": "{t}""#));
    format!(
        r#"{{"events": [{}], "searchedLogStreams": []{token}}}"#,
        events.join(",")
    )
}

#[tokio::test]
async fn pages_empty_or_partial_with_a_token_are_followed_to_the_last() {
    let empty = mock!(LogsClient::filter_log_events)
        .match_requests(|r| r.next_token().is_none() && r.start_time() == Some(1_795_597_000_000))
        .then_http_response(|| json(200, &page(&[], Some("t-1"))));
    let partial = mock!(LogsClient::filter_log_events)
        .match_requests(|r| r.next_token() == Some("t-1"))
        .then_http_response(|| json(200, &page(&[("e1", 1_795_597_100_000)], Some("t-2"))));
    let last = mock!(LogsClient::filter_log_events)
        .match_requests(|r| r.next_token() == Some("t-2"))
        .then_http_response(|| {
            let events = [("e2", 1_795_597_150_000), ("e3", 1_795_597_160_000)];
            json(200, &page(&events, None))
        });
    let cloud = logs_cloud(logs_client(&[&empty, &partial, &last]));
    let read = Effect::FetchLogs {
        env: 0,
        request: 7,
        reads: vec![LogRead {
            group: GROUP.into(),
            since: Timestamp(1_795_597_000_000),
            token: None,
        }],
        streams: Vec::new(),
    };
    let Some(Action::Reply(Reply::LogsLoaded { results, .. })) =
        shipdeck::runtime::run_effect(&cloud, read).await
    else {
        panic!("no answer")
    };
    assert_eq!(
        (empty.num_calls(), partial.num_calls(), last.num_calls()),
        (1, 1, 1),
        "an empty page with a token is not the end"
    );
    let (group, answer) = &results[0];
    assert_eq!(group, GROUP);
    let got = answer.as_ref().unwrap();
    let ids: Vec<&str> = got.events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids, ["e1", "e2", "e3"]);
    assert!(got.events.iter().all(|e| e.group == GROUP));
    assert_eq!(got.next_token, None, "read to the last page");
}

#[tokio::test]
async fn a_log_stream_that_does_not_exist_is_named_not_taken_for_its_group() {
    let stream = mock!(LogsClient::filter_log_events)
        .match_requests(|r| r.log_group_name() == Some("/aws/codebuild/storefront-deploy-prd"))
        .then_http_response(|| {
            error(
                400,
                "ResourceNotFoundException",
                "The specified log stream does not exist.",
            )
        });
    let group = mock!(LogsClient::filter_log_events)
        .match_requests(|r| r.log_group_name() == Some("/aws/codebuild/storefront-deployer-prd"))
        .then_http_response(|| {
            error(
                400,
                "ResourceNotFoundException",
                "The specified log group does not exist.",
            )
        });
    let cloud = logs_cloud(logs_client(&[&stream, &group]));
    let read = |group: &str| LogQuery {
        group: group.into(),
        streams: vec!["0b7e4412".into()],
        ..LogQuery::default()
    };
    let err = cloud
        .logs
        .filter_log_events(&read("/aws/codebuild/storefront-deploy-prd"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        CloudError::NotFound {
            kind: "log stream".into(),
            name: "0b7e4412 in /aws/codebuild/storefront-deploy-prd".into()
        }
    );
    let err = cloud
        .logs
        .filter_log_events(&read("/aws/codebuild/storefront-deployer-prd"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "log group not found: /aws/codebuild/storefront-deployer-prd"
    );
}
