//! The AWS adapters over real HTTP against the local AWS emulator (moto, started by `make test`):
//! CodePipeline, S3, CloudFront, CloudWatch Logs and STS, with the errors operators meet.

use crate::support::emulator;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use emulator::{ACCOUNT, connect, unique};
use shipdeck::cloud::{CloudError, LogQuery, StartRequest};
use shipdeck::domain::{ActionCategory, ExecutionStatus, Timestamp};

fn now() -> Timestamp {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    Timestamp(d.map_or(0, |d| d.as_millis() as i64))
}

fn not_found(err: &CloudError, kind: &str, name: &str) -> bool {
    matches!(err, CloudError::NotFound { kind: k, name: n } if k == kind && n == name)
}

#[tokio::test]
async fn pipelines_definition_history_and_errors() {
    let (aws, c, url) = connect().await;
    let p = aws.cloud().pipelines;
    let role = emulator::pipeline_role(&url);
    let name = unique("storefront-deployer-prd");
    emulator::create_pipeline(&c, &role, &name, "storefront-deployer-source", true).await;

    let def = p.get_pipeline(&name).await.unwrap();
    assert_eq!(def.name, name);
    assert_eq!(def.version, 1);
    let stages: Vec<&str> = def.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(stages, ["Source", "Approval", "Deploy"]);
    let approve = &def.stages[1].actions[0];
    assert_eq!(approve.category, ActionCategory::Approval);
    assert_eq!(approve.provider, "Manual");
    assert_eq!(
        approve.configuration.get("CustomData").map(String::as_str),
        Some("Check the stg dashboards first")
    );
    assert_eq!(
        def.stages[0].actions[0].configuration["S3Bucket"],
        "storefront-deployer-source"
    );

    let first = p
        .start_execution(&name, &StartRequest::default())
        .await
        .unwrap();
    let second = p
        .start_execution(&name, &StartRequest::default())
        .await
        .unwrap();
    let execs = p.list_executions(&name, 25).await.unwrap();
    let ids: Vec<&str> = execs.iter().map(|e| e.id.as_str()).collect();
    assert!(
        ids.contains(&first.as_str()) && ids.contains(&second.as_str()),
        "{ids:?}"
    );
    for e in &execs {
        assert_eq!(
            e.status,
            ExecutionStatus::Succeeded,
            "moto finishes at once"
        );
        assert_eq!(e.trigger.kind, "StartPipelineExecution");
        assert!(
            now().since(e.start).abs() < Timestamp::HOUR,
            "start {}",
            e.start
        );
    }
    assert_eq!(p.list_executions(&name, 1).await.unwrap().len(), 1);
    let one = p.get_execution(&name, &first).await.unwrap();
    assert_eq!(one.id, first);
    assert_eq!(one.status, ExecutionStatus::Succeeded);
    let listed = execs.iter().find(|e| e.id == first).unwrap();
    assert_eq!(one.start, listed.start, "times come from the listing");

    // The emulator does not implement GetPipelineState: a server error naming the operation.
    let err = p.get_pipeline_state(&name).await.unwrap_err();
    assert!(
        matches!(&err, CloudError::Server { operation, .. } if operation == "GetPipelineState"),
        "{err}"
    );
    let missing = unique("storefront-deployer-missing");
    let err = p.get_pipeline(&missing).await.unwrap_err();
    assert!(not_found(&err, "pipeline", &missing), "{err}");
    assert_eq!(err.to_string(), format!("pipeline not found: {missing}"));
    let err = p
        .start_execution(&missing, &StartRequest::default())
        .await
        .unwrap_err();
    assert!(not_found(&err, "pipeline", &missing), "{err}");
}

#[tokio::test]
async fn storage_pages_streams_and_reads_metadata() {
    let (aws, c, _) = connect().await;
    let s = aws.cloud().storage;
    let bucket = unique("shipdeck-src");
    c.s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let on = VersioningConfiguration::builder()
        .status(BucketVersioningStatus::Enabled)
        .build();
    let versioning = c.s3.put_bucket_versioning().bucket(&bucket);
    versioning
        .versioning_configuration(on)
        .send()
        .await
        .unwrap();
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let versions = ["1.40.0", "1.41.0", "1.41.1", "1.42.0", "1.43.0"];
    for v in versions {
        c.s3.put_object()
            .bucket(&bucket)
            .key(format!("releases/{v}/storefront.zip"))
            .metadata(
                "codepipeline-artifact-revision-summary",
                format!("Release {v} (commit 3f2a9c1) by alice"),
            )
            .body(ByteStream::from(big.clone()))
            .send()
            .await
            .unwrap();
    }

    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = s
            .list_objects(&bucket, "releases/", None, token.as_deref(), 2)
            .await
            .unwrap();
        assert!(page.objects.len() <= 2);
        keys.extend(page.objects.into_iter().map(|o| o.key));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let expected: Vec<String> = versions
        .iter()
        .map(|v| format!("releases/{v}/storefront.zip"))
        .collect();
    assert_eq!(keys, expected, "every page, in key order");
    let after = s
        .list_objects(
            &bucket,
            "releases/",
            Some("releases/1.41.1/storefront.zip"),
            None,
            100,
        )
        .await
        .unwrap();
    let rest: Vec<&str> = after.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(
        rest,
        [
            "releases/1.42.0/storefront.zip",
            "releases/1.43.0/storefront.zip"
        ]
    );
    assert_eq!(after.next_token, None);
    assert_eq!(after.objects[0].size, big.len() as u64);

    let key = "releases/1.43.0/storefront.zip";
    assert_eq!(
        s.get_object(&bucket, key).await.unwrap(),
        big,
        "streamed body"
    );
    let meta = s.head_object(&bucket, key).await.unwrap();
    assert_eq!(meta.info.size, big.len() as u64);
    assert!(meta.version_id.is_some(), "versioned bucket");
    assert_eq!(
        meta.metadata["codepipeline-artifact-revision-summary"],
        "Release 1.43.0 (commit 3f2a9c1) by alice"
    );
    assert!(now().since(meta.info.last_modified).abs() < Timestamp::HOUR);

    let err = s
        .get_object(&bucket, "releases/9.9.9/x.zip")
        .await
        .unwrap_err();
    assert!(
        not_found(&err, "key", &format!("s3://{bucket}/releases/9.9.9/x.zip")),
        "{err}"
    );
    let err = s.head_object(&bucket, "nope").await.unwrap_err();
    assert!(
        not_found(&err, "key", &format!("s3://{bucket}/nope")),
        "{err}"
    );
    let missing = unique("shipdeck-missing");
    let err = s
        .list_objects(&missing, "", None, None, 10)
        .await
        .unwrap_err();
    assert!(not_found(&err, "bucket", &missing), "{err}");
    assert_eq!(err.to_string(), format!("bucket not found: {missing}"));
}

#[tokio::test]
async fn logs_filter_in_time_order_and_describe_groups() {
    let (aws, c, _) = connect().await;
    let l = aws.cloud().logs;
    let group = format!("/aws/lambda/{}", unique("storefront-api"));
    c.logs
        .create_log_group()
        .log_group_name(&group)
        .send()
        .await
        .unwrap();
    let stream = "2026/11/25/[$LATEST]abc";
    c.logs
        .create_log_stream()
        .log_group_name(&group)
        .log_stream_name(stream)
        .send()
        .await
        .unwrap();
    let t0 = now().millis() - 60_000;
    let lines = [
        "START",
        "GET /api/cart 200",
        "ERROR payment timeout",
        "GET /api/cart 200",
        "END",
    ];
    let mut put = c
        .logs
        .put_log_events()
        .log_group_name(&group)
        .log_stream_name(stream);
    for (i, line) in lines.iter().enumerate() {
        let event = aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
            .timestamp(t0 + i as i64 * 1000)
            .message(*line)
            .build()
            .unwrap();
        put = put.log_events(event);
    }
    put.send().await.unwrap();

    let query = LogQuery {
        group: group.clone(),
        start: Some(Timestamp(t0 - 60_000)),
        limit: Some(500),
        ..LogQuery::default()
    };
    let page = l.filter_log_events(&query).await.unwrap();
    let got: Vec<&str> = page.events.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(got, lines);
    assert!(
        page.events
            .windows(2)
            .all(|w| w[0].timestamp <= w[1].timestamp)
    );
    assert!(
        page.events
            .iter()
            .all(|e| e.stream == stream && !e.event_id.is_empty() && e.group == group),
        "each event carries the group it was read from"
    );
    assert_eq!(page.events[2].timestamp, Timestamp(t0 + 2000));
    let errors = LogQuery {
        pattern: Some("ERROR".into()),
        ..query.clone()
    };
    let page = l.filter_log_events(&errors).await.unwrap();
    assert_eq!(page.events.len(), 1);
    assert_eq!(page.events[0].message, "ERROR payment timeout");

    let groups = l.describe_log_groups(&group).await.unwrap();
    assert_eq!(groups, std::slice::from_ref(&group));
    let missing = LogQuery {
        group: format!("{group}-missing"),
        ..query
    };
    let err = l.filter_log_events(&missing).await.unwrap_err();
    assert!(not_found(&err, "log group", &missing.group), "{err}");
}

/// Runs the log reads `action` starts through the runtime against the emulator.
async fn poll(
    cloud: &shipdeck::cloud::Cloud,
    s: &mut shipdeck::app::State,
    action: shipdeck::app::Action,
) {
    use shipdeck::app::{Effect, update};
    for effect in update(s, action) {
        if matches!(effect, Effect::FetchLogs { .. })
            && let Some(answer) = shipdeck::runtime::run_effect(cloud, effect).await
        {
            update(s, answer);
        }
    }
}

#[tokio::test]
async fn an_event_put_late_with_an_older_time_is_shown_by_the_next_poll() {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    use shipdeck::app::{Action, Mode, PollPolicy, Session, State, View};
    let (aws, c, _) = connect().await;
    let group = format!("/aws/lambda/{}", unique("late"));
    c.logs
        .create_log_group()
        .log_group_name(&group)
        .send()
        .await
        .unwrap();
    let stream = "2026/11/25/[$LATEST]late";
    c.logs
        .create_log_stream()
        .log_group_name(&group)
        .log_stream_name(stream)
        .send()
        .await
        .unwrap();
    let put = |at: i64, line: &str| {
        let event = InputLogEvent::builder()
            .timestamp(at)
            .message(line)
            .build()
            .unwrap();
        c.logs
            .put_log_events()
            .log_group_name(&group)
            .log_stream_name(stream)
            .log_events(event)
            .send()
    };
    let t0 = now().millis();
    put(t0 - 20_000, "first").await.unwrap();
    put(t0 - 5_000, "newest").await.unwrap();
    let session = Session {
        mode: Mode::Aws,
        profile: None,
        region: Some("us-east-1".into()),
        identity: None,
        read_only: false,
    };
    let mut spec = shipdeck::cloud::sim::demo_specs().remove(0);
    spec.log_groups = vec![group.clone()];
    let mut s = State::new(session, vec![spec], PollPolicy::default(), now());
    let cloud = aws.cloud();
    poll(&cloud, &mut s, Action::Show(View::Logs)).await;
    assert_eq!(s.logs.events.len(), 2, "{:?}", s.logs.load.error);
    // A delayed agent delivers an event from before the newest one shown.
    put(t0 - 12_000, "late").await.unwrap();
    poll(&cloud, &mut s, Action::Tick(now() + 5_000)).await;
    let lines: Vec<&str> = s.logs.events.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        lines,
        ["first", "late", "newest"],
        "read by the overlap, sorted in"
    );
    poll(&cloud, &mut s, Action::Tick(now() + 10_000)).await;
    assert_eq!(s.logs.events.len(), 3, "read again, shown once");
}

#[tokio::test]
async fn caller_identity_is_the_emulators_account() {
    let (aws, _, _) = connect().await;
    let who = aws.cloud().identity.caller_identity().await.unwrap();
    assert_eq!(who.account, ACCOUNT);
    assert!(who.arn.starts_with("arn:aws:"), "{}", who.arn);
}
