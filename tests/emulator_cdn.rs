//! CloudFront and its access logs against the local AWS emulator: a distribution that logs to a
//! bucket, CloudFront-format gzip log objects written by the project's generator, read back
//! through the adapters page by page and by `shipdeck logs cloudfront ENV --since …`.

#[path = "support/emulator.rs"]
mod emulator;

use aws_sdk_s3::primitives::ByteStream;
use emulator::{connect, unique};
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use shipdeck::accesslog::write_w3c;
use shipdeck::cloud::CloudError;
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
use shipdeck::domain::Timestamp;
use std::io::{Read, Write};

const RECORDS: usize = 150;

fn gzip(text: &str) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    MultiGzDecoder::new(bytes)
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// `<prefix><distribution-id>.YYYY-MM-DD-HH.<unique-id>.gz`, the hour in UTC.
fn log_key(prefix: &str, dist: &str, hour: Timestamp, unique_id: &str) -> String {
    let day = hour.rfc3339();
    format!(
        "{prefix}{dist}.{}-{}.{unique_id}.gz",
        &day[..10],
        &day[11..13]
    )
}

#[tokio::test]
async fn distribution_with_logging_and_its_access_logs_read_back() {
    let (aws, c, url) = connect().await;
    let cloud = aws.cloud();
    let logs_bucket = unique("storefront-cloudfront-logs");
    c.s3.create_bucket()
        .bucket(&logs_bucket)
        .send()
        .await
        .unwrap();
    let prefix = "cloudfront/prd/";
    let dist_id =
        emulator::create_distribution(&c, &logs_bucket, prefix, "www.storefront.example.com").await;

    let d = cloud.cdn.get_distribution(&dist_id).await.unwrap();
    assert_eq!(d.id, dist_id);
    assert!(d.enabled);
    assert!(
        d.domain_name.ends_with(".cloudfront.net"),
        "{}",
        d.domain_name
    );
    assert!(!d.status.is_empty());
    assert_eq!(d.aliases, ["www.storefront.example.com"]);
    assert_eq!(
        d.logging_bucket,
        Some(format!("{logs_bucket}.s3.amazonaws.com"))
    );
    assert_eq!(d.logging_prefix.as_deref(), Some(prefix));
    let all = cloud.cdn.list_distributions().await.unwrap();
    assert!(
        all.iter()
            .any(|x| x.id == dist_id && x.domain_name == d.domain_name)
    );
    let err = cloud
        .cdn
        .get_distribution("E0MISSINGDIST")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        CloudError::NotFound {
            kind: "distribution".into(),
            name: "E0MISSINGDIST".into()
        }
    );

    // Three hours of traffic, two files per hour, as CloudFront delivers them.
    let site = SiteProfile {
        distribution_domain: d.domain_name.clone(),
        host: "www.storefront.example.com".into(),
        asset_hash: "3f2a9c1d".into(),
        stale_hash: Some("0b7e4412".into()),
    };
    let mut generator = LogGenerator::new(42, site);
    let start = Timestamp(1_795_597_200_000); // 2026-11-25T09:00:00Z
    let mut written = Vec::new();
    for h in 0..3 {
        let hour = start + h * Timestamp::HOUR;
        for part in ["a1b2c3d4", "e5f6a7b8"] {
            let records = generator.window(hour, Timestamp::HOUR, RECORDS, &Conditions::default());
            let mut text = String::new();
            write_w3c(&records, &mut text);
            let key = log_key(prefix, &dist_id, hour, part);
            let put = c.s3.put_object().bucket(&logs_bucket).key(&key);
            put.body(ByteStream::from(gzip(&text)))
                .send()
                .await
                .unwrap();
            written.push(key);
        }
    }
    let bad = log_key(prefix, &dist_id, start + 3 * Timestamp::HOUR, "notgzip0");
    let put = c.s3.put_object().bucket(&logs_bucket).key(&bad);
    put.body(ByteStream::from_static(b"#Version: 1.0\nplain text\n"))
        .send()
        .await
        .unwrap();
    written.sort();

    // A reader resumes after the first hour's files, two keys a page.
    let resume = written[1].clone();
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = cloud
            .storage
            .list_objects(&logs_bucket, prefix, Some(&resume), token.as_deref(), 2)
            .await
            .unwrap();
        keys.extend(page.objects.into_iter().map(|o| o.key));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut expected: Vec<String> = written[2..].to_vec();
    expected.push(bad.clone());
    assert_eq!(keys, expected);

    for key in &written[2..] {
        let body = cloud.storage.get_object(&logs_bucket, key).await.unwrap();
        assert!(body.starts_with(&[0x1f, 0x8b]), "{key} is gzip");
        let text = gunzip(&body);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("#Version: 1.0"));
        let fields = lines.next().unwrap();
        assert!(
            fields.starts_with("#Fields: date time x-edge-location"),
            "{fields}"
        );
        assert_eq!(
            fields.split_whitespace().count(),
            34,
            "33 fields after `#Fields:`"
        );
        let records: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
        assert_eq!(records.len(), RECORDS, "{key}");
        assert!(records.iter().all(|r| r.split('\t').count() >= 33));
    }
    let body = cloud.storage.get_object(&logs_bucket, &bad).await.unwrap();
    assert!(
        !body.starts_with(&[0x1f, 0x8b]),
        "the odd object is not gzip"
    );

    // The CLI reads the same bucket through the same adapters.
    let dir = std::env::temp_dir().join(unique("shipdeck-emu-logs"));
    std::fs::create_dir_all(&dir).unwrap();
    let config = format!(
        "[aws]\nregion = \"{}\"\n\n[[environments]]\nname = \"prd\"\n\
         pipeline = \"storefront-deployer-prd\"\nsource_bucket = \"{logs_bucket}\"\n\
         source_key = \"prd/release.zip\"\nrelease_prefix = \"releases/\"\n\
         distribution_id = \"{dist_id}\"\nlogs_bucket = \"{logs_bucket}\"\n\
         logs_prefix = \"{prefix}\"\nlog_groups = []\nprotected = true\n",
        emulator::REGION
    );
    std::fs::write(dir.join("shipdeck.toml"), config).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args(["--endpoint-url", &url, "logs", "cloudfront", "prd"])
        .args(["--since", "2026-11-25T09:00:00Z", "--output", "jsonl"])
        .current_dir(&dir)
        .env("HOME", &dir)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("SHIPDECK_CONFIG")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        records.len(),
        6 * RECORDS,
        "every record of the gzip files; {stderr}"
    );
    assert!(
        records
            .iter()
            .all(|r| r["sc-status"].is_u64() && r["cs(Host)"] == d.domain_name.as_str())
    );
    assert!(
        stderr.contains(&bad) && stderr.contains("not a gzip file"),
        "the odd object is named: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
