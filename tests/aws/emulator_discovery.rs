//! Discovery of a distribution's log sources against the local AWS emulator: legacy logging from
//! the distribution's config and a standard logging v2 delivery of JSON lines to S3 (Hive paths)
//! from the CloudWatch Logs delivery APIs, then that delivery's objects read end to end by
//! `shipdeck logs cloudfront ENV` with no logs bucket configured; a v2 delivery of JSON events to
//! a CloudWatch Logs group in us-east-1 discovered and read through `FilterLogEvents` while the
//! environment's region is another; and, without the emulator, the delivery client's region and
//! refused delivery listings and log group reads.

use crate::support::{emulator, stub};

use aws_sdk_cloudwatchlogs::types::S3DeliveryConfiguration;
use aws_sdk_cloudwatchlogs::types::{DeliveryDestinationConfiguration, OutputFormat};
use aws_sdk_s3::primitives::ByteStream;
use emulator::{connect, unique};
use flate2::Compression;
use flate2::write::GzEncoder;
use shipdeck::accesslog::{Field, KeyTemplate};
use shipdeck::cloud::aws::{AwsClients, CredentialSource};
use shipdeck::cloud::sim::cloudfront::{
    Conditions, LogFormat, LogGenerator, SiteProfile, V2_FIELDS, write_log,
};
use shipdeck::domain::{LogDestination, LogSource, SourceKind, Timestamp};
use std::io::Write;

const RECORDS: usize = 40;
const SUFFIX: &str = "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// A v2 delivery of `dist`'s access logs to `bucket`/`prefix` in `format` (with `delimiter`)
/// with Hive paths, made with the delivery APIs in us-east-1; its id.
async fn v2_delivery(
    c: &AwsClients,
    dist: &str,
    bucket: &str,
    prefix: &str,
    format: OutputFormat,
    delimiter: Option<&str>,
) -> String {
    let source = unique("cf-src");
    let resource = format!(
        "arn:aws:cloudfront::{}:distribution/{dist}",
        emulator::ACCOUNT
    );
    c.deliveries
        .put_delivery_source()
        .name(&source)
        .resource_arn(resource)
        .log_type("ACCESS_LOGS")
        .send()
        .await
        .unwrap();
    let config = DeliveryDestinationConfiguration::builder()
        .destination_resource_arn(format!("arn:aws:s3:::{bucket}/{prefix}"))
        .build()
        .unwrap();
    let destination = c
        .deliveries
        .put_delivery_destination()
        .name(unique("cf-json-s3"))
        .output_format(format)
        .delivery_destination_configuration(config)
        .send()
        .await
        .unwrap();
    let arn = destination.delivery_destination.unwrap().arn.unwrap();
    let fields: Vec<String> = V2_FIELDS.iter().map(|f| f.name().to_string()).collect();
    let delivery = c
        .deliveries
        .create_delivery()
        .delivery_source_name(&source)
        .delivery_destination_arn(arn)
        .set_record_fields(Some(fields))
        .set_field_delimiter(delimiter.map(str::to_string))
        .s3_delivery_configuration(
            S3DeliveryConfiguration::builder()
                .suffix_path(SUFFIX)
                .enable_hive_compatible_path(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    delivery.delivery.unwrap().id.unwrap()
}

#[tokio::test]
async fn legacy_logging_and_a_v2_json_delivery_are_discovered_and_read() {
    let (aws, c, url) = connect().await;
    let cloud = aws.cloud();
    let bucket = unique("storefront-cloudfront-logs");
    c.s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let dist =
        emulator::create_distribution(&c, &bucket, "cloudfront/prd/", "www.example.com").await;
    let other =
        emulator::create_distribution(&c, &bucket, "cloudfront/dev/", "dev.example.com").await;
    let id = v2_delivery(&c, &dist, &bucket, "cf-v2", OutputFormat::Json, None).await;
    let plain = OutputFormat::Plain;
    v2_delivery(&c, &other, &bucket, "cf-v2-dev", plain, Some(",")).await;

    let found = shipdeck::runtime::cloudfront_logs::discover(&cloud, &dist).await;
    assert_eq!(
        found.legacy,
        Ok(Some(LogSource::legacy(&bucket, "cloudfront/prd/")))
    );
    let deliveries = found.deliveries.clone().unwrap();
    assert_eq!(
        deliveries.len(),
        1,
        "only this distribution's: {deliveries:?}"
    );
    let v2 = &deliveries[0];
    assert_eq!(v2.name, id);
    assert!(matches!(&v2.kind, SourceKind::Delivery { id: d, .. } if *d == id));
    assert_eq!(v2.format, "json");
    assert_eq!(v2.fields.len(), 39);
    assert_eq!(v2.fields[33], "timestamp(ms)");
    let template =
        "cf-v2/distributionid={DistributionId}/year={yyyy}/month={MM}/day={dd}/hour={HH}/";
    assert_eq!(
        v2.destination,
        LogDestination::S3 {
            bucket: bucket.clone(),
            key_template: template.into()
        }
    );

    // Two hours of JSON lines (gzip) in their Hive partitions, a legacy file beside them.
    let d = cloud.cdn.get_distribution(&dist).await.unwrap();
    let site = SiteProfile {
        distribution_domain: d.domain_name.clone(),
        host: "www.example.com".into(),
        asset_hash: "3f2a9c1d".into(),
        stale_hash: None,
    };
    let mut generator = LogGenerator::new(7, site);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let first = Timestamp(now - now.rem_euclid(Timestamp::HOUR) - Timestamp::HOUR);
    let layout = KeyTemplate::parse(template).unwrap();
    let fields: Vec<Field> = V2_FIELDS.to_vec();
    let plain_layout = KeyTemplate::parse(&template.replace("cf-v2/", "cf-v2-dev/")).unwrap();
    for h in 0..2 {
        let hour = first + h * Timestamp::HOUR;
        let window = 10 * Timestamp::MINUTE;
        let records = generator.window(hour, window, RECORDS, &Conditions::default());
        let body = gzip(&write_log(&records, &fields, LogFormat::Json).unwrap());
        let stamp = &hour.rfc3339()[..13].replace('T', "-");
        let key = format!("{}{dist}.{stamp}.a{h}.gz", layout.render(&dist, hour));
        let put = c.s3.put_object().bucket(&bucket).key(&key);
        put.body(ByteStream::from(body)).send().await.unwrap();
        // The other distribution's plain lines, comma-separated, no header.
        let comma = LogFormat::Plain { delimiter: b',' };
        let body = gzip(&write_log(&records, &fields, comma).unwrap());
        let key = format!(
            "{}{other}.{stamp}.p{h}.gz",
            plain_layout.render(&other, hour)
        );
        let put = c.s3.put_object().bucket(&bucket).key(&key);
        put.body(ByteStream::from(body)).send().await.unwrap();
    }

    // `logs cloudfront` with no logs bucket configured reads the v2 delivery by default.
    let dir = std::env::temp_dir().join(unique("shipdeck-emu-discover"));
    std::fs::create_dir_all(&dir).unwrap();
    let config = format!(
        "[aws]\nregion = \"eu-west-1\"\n\n[[environments]]\nname = \"prd\"\n\
         pipeline = \"storefront-deployer-prd\"\nsource_bucket = \"{bucket}\"\n\
         source_key = \"prd/release.zip\"\ndistribution_id = \"{dist}\"\nlog_groups = []\n\n\
         [[environments]]\nname = \"dev\"\npipeline = \"storefront-deployer-dev\"\n\
         source_bucket = \"{bucket}\"\nsource_key = \"dev/release.zip\"\n\
         distribution_id = \"{other}\"\nlog_groups = []\npromotes_from = \"\"\n"
    );
    std::fs::write(dir.join("shipdeck.toml"), config).unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_shipdeck"))
            .args(["--endpoint-url", &url])
            .args(args)
            .current_dir(&dir)
            .env("HOME", &dir)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env_remove("AWS_PROFILE")
            .env_remove("SHIPDECK_CONFIG")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        (out.status.code(), stdout, stderr)
    };
    let since = first.rfc3339();
    let (code, stdout, stderr) = run(&[
        "logs",
        "cloudfront",
        "prd",
        "--since",
        &since,
        "-o",
        "jsonl",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2 * RECORDS, "{stderr}");
    assert!(
        records
            .iter()
            .all(|r| r["cs(Host)"] == d.domain_name.as_str())
    );
    assert!(
        records.iter().all(|r| r["c-country"].is_string()),
        "v2 fields kept"
    );
    // A plain delivery's lines are laid out by its record fields and delimiter.
    let (code, stdout, stderr) = run(&[
        "logs",
        "cloudfront",
        "dev",
        "--since",
        &since,
        "-o",
        "jsonl",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let plain: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(plain.len(), 2 * RECORDS, "{stderr}");
    let paths = |rs: &[serde_json::Value]| {
        let mut p: Vec<String> = rs.iter().map(|r| r["cs-uri-stem"].to_string()).collect();
        p.sort();
        p
    };
    assert_eq!(
        paths(&plain),
        paths(&records),
        "the JSON delivery's records"
    );

    // `config check --discover` names both sources, the default and the lines that pin it.
    let (code, stdout, stderr) = run(&["config", "check", "--discover"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("1. legacy logging"), "{stdout}");
    assert!(stdout.contains(&format!("2. v2 delivery {id}")), "{stdout}");
    assert!(stdout.contains("format json"), "{stdout}");
    assert!(stdout.contains("format plain, delimiter \",\""), "{stdout}");
    assert!(
        stdout.contains("not pinned: plain lines are read by the delivery's fields"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("logs_prefix = \"{template}\"")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("reads: v2 {id} (json) by default")),
        "{stdout}"
    );
}

#[tokio::test]
async fn the_delivery_apis_are_asked_in_us_east_1_whatever_the_region() {
    let sdk = aws_config::SdkConfig::builder()
        .region(aws_config::Region::new("eu-west-1"))
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build();
    let clients = AwsClients::new(&sdk, false);
    let region = |c: &aws_sdk_cloudwatchlogs::Client| c.config().region().map(ToString::to_string);
    assert_eq!(region(&clients.logs).as_deref(), Some("eu-west-1"));
    assert_eq!(region(&clients.deliveries).as_deref(), Some("us-east-1"));
}

#[tokio::test]
async fn a_refused_delivery_listing_names_the_iam_action() {
    let url = stub::answering(
        "400 Bad Request",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("x-amzn-RequestId", "c6104cbe-af31-11e0-8154-cbc7ccf896c7"),
        ],
        r#"{"__type":"AccessDeniedException","message":"Access denied"}"#,
    );
    let cloud = stub::cloud_at(url, stub::short(), CredentialSource::Environment).await;
    let e = cloud
        .logs
        .log_deliveries("E2PRDSTOREFRNT")
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("logs:DescribeDeliverySources"),
        "{e}"
    );
    // Unknown is not none: the legacy half is kept, the v2 half says why it is unknown.
    let found = shipdeck::runtime::cloudfront_logs::discover(&cloud, "E2PRDSTOREFRNT").await;
    assert!(found.deliveries.is_err());
    let problems = found.problems().join("\n");
    assert!(
        problems.contains("v2 deliveries unknown")
            && problems.contains("logs:DescribeDeliverySources"),
        "{problems}"
    );
}

/// A v2 delivery of JSON events to a CloudWatch Logs group, made in us-east-1 (PutLogEvents as
/// CloudFront would: one event per record, every value a string, and one event that is not
/// JSON), then read by `logs cloudfront ENV --source` from an environment in eu-west-1.
#[tokio::test]
async fn a_v2_delivery_to_a_log_group_is_read_through_filter_log_events() {
    let (aws, c, url) = connect().await;
    let cloud = aws.cloud();
    let bucket = unique("storefront-cwl-src");
    c.s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let dist = emulator::create_distribution(&c, &bucket, "cf/", "cwl.example.com").await;
    let group = format!("/aws/cloudfront/{}", unique("storefront"));
    let arn = format!(
        "arn:aws:logs:us-east-1:{}:log-group:{group}",
        emulator::ACCOUNT
    );
    let logs = &c.deliveries;
    logs.create_log_group()
        .log_group_name(&group)
        .send()
        .await
        .unwrap();
    logs.create_log_stream()
        .log_group_name(&group)
        .log_stream_name(&dist)
        .send()
        .await
        .unwrap();
    let source = unique("cf-src");
    let resource = format!(
        "arn:aws:cloudfront::{}:distribution/{dist}",
        emulator::ACCOUNT
    );
    logs.put_delivery_source()
        .name(&source)
        .resource_arn(resource)
        .log_type("ACCESS_LOGS")
        .send()
        .await
        .unwrap();
    let config = DeliveryDestinationConfiguration::builder()
        .destination_resource_arn(&arn)
        .build()
        .unwrap();
    let destination = logs
        .put_delivery_destination()
        .name(unique("cf-json-cwl"))
        .output_format(OutputFormat::Json)
        .delivery_destination_configuration(config)
        .send()
        .await
        .unwrap();
    let destination = destination.delivery_destination.unwrap().arn.unwrap();
    let delivery = logs
        .create_delivery()
        .delivery_source_name(&source)
        .delivery_destination_arn(destination)
        .send()
        .await
        .unwrap();
    let id = delivery.delivery.unwrap().id.unwrap();

    let found = shipdeck::runtime::cloudfront_logs::discover(&cloud, &dist).await;
    let deliveries = found.deliveries.clone().unwrap();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    assert_eq!(
        deliveries[0].destination,
        LogDestination::CloudWatchLogs { arn: arn.clone() }
    );

    let site = SiteProfile {
        distribution_domain: "dcwl.cloudfront.net".into(),
        host: "cwl.example.com".into(),
        asset_hash: "3f2a9c1d".into(),
        stale_hash: None,
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let start = Timestamp(now - 20 * Timestamp::MINUTE);
    let mut records = LogGenerator::new(11, site).window(
        start,
        10 * Timestamp::MINUTE,
        RECORDS,
        &Conditions::default(),
    );
    records.sort_by_key(|r| r.time);
    let fields: Vec<Field> = V2_FIELDS.to_vec();
    let mut events = Vec::new();
    for r in &records {
        let line = write_log(std::slice::from_ref(r), &fields, LogFormat::Json).unwrap();
        let message = String::from_utf8(line).unwrap().trim_end().to_string();
        let event = aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
            .timestamp(r.time.millis())
            .message(message)
            .build()
            .unwrap();
        events.push(event);
    }
    let odd = aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
        .timestamp(now - 5 * Timestamp::MINUTE)
        .message("delivery test message")
        .build()
        .unwrap();
    events.push(odd);
    logs.put_log_events()
        .log_group_name(&group)
        .log_stream_name(&dist)
        .set_log_events(Some(events))
        .send()
        .await
        .unwrap();

    // Through the adapter, by the group's ARN.
    let fetch = shipdeck::runtime::cloudfront_logs::fetch_events;
    let (got, complete) = fetch(cloud.logs.as_ref(), &arn, start, None).await.unwrap();
    assert!(complete);
    assert_eq!(got.len(), RECORDS + 1);

    // End to end, from an environment in another region.
    let dir = std::env::temp_dir().join(unique("shipdeck-emu-cwl"));
    std::fs::create_dir_all(&dir).unwrap();
    let config = format!(
        "[aws]\nregion = \"eu-west-1\"\n\n[[environments]]\nname = \"stg\"\n\
         pipeline = \"storefront-deployer-stg\"\nsource_bucket = \"{bucket}\"\n\
         source_key = \"stg/release.zip\"\ndistribution_id = \"{dist}\"\nlog_groups = []\n"
    );
    std::fs::write(dir.join("shipdeck.toml"), config).unwrap();
    let since = start.rfc3339();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args(["--endpoint-url", &url, "logs", "cloudfront", "stg"])
        .args(["--source", &id, "--since", &since, "--stats", "-o", "jsonl"])
        .current_dir(&dir)
        .env("HOME", &dir)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("SHIPDECK_CONFIG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], RECORDS, "{v}");
    assert_eq!(v["summary"]["requests"], RECORDS, "{v}");
    assert_eq!(v["skipped"], 1, "{v}");
    assert!(stderr.contains(&format!("{group} event ")), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_refused_log_group_read_names_the_iam_action_and_the_group() {
    let url = stub::answering(
        "400 Bad Request",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("x-amzn-RequestId", "c6104cbe-af31-11e0-8154-cbc7ccf896c8"),
        ],
        r#"{"__type":"AccessDeniedException","message":"Access denied"}"#,
    );
    let cloud = stub::cloud_at(url, stub::short(), CredentialSource::Environment).await;
    let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/stg";
    let fetch = shipdeck::runtime::cloudfront_logs::fetch_events;
    let e = fetch(cloud.logs.as_ref(), arn, Timestamp(0), None)
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("logs:FilterLogEvents"), "{text}");
    assert!(text.contains("/aws/cloudfront/stg"), "{text}");
}
