//! Shared helpers of the emulator tests: where moto listens (from `make test`), SDK clients that
//! talk to it, unique resource names, and the fixtures the tests create over HTTP.
#![allow(dead_code)]

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudfront::types as cf;
use aws_sdk_codepipeline::types as cp;
use shipdeck::cloud::aws::{AwsClients, AwsCloud, AwsSettings};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The account moto answers as.
pub const ACCOUNT: &str = "123456789012";
/// The region of every emulator test.
pub const REGION: &str = "us-east-1";

/// The emulator's URL: `SHIPDECK_TEST_ENDPOINT`, set by `make test`. Unset or unreachable is a
/// failure, never a skip.
pub fn endpoint() -> String {
    let Ok(url) = std::env::var("SHIPDECK_TEST_ENDPOINT") else {
        panic!(
            "SHIPDECK_TEST_ENDPOINT is not set: the emulator tests need moto; \
             run `make test`, which starts the emulator"
        );
    };
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let reachable = host
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok());
    assert!(
        reachable,
        "the emulator at {url} (SHIPDECK_TEST_ENDPOINT) does not answer; \
         run `make test`, which starts the emulator"
    );
    url
}

/// A name no other test (or earlier run against the same emulator) uses.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{n}-{nanos:x}", std::process::id())
}

/// SDK configuration for the emulator: test credentials, no retries.
pub async fn sdk(endpoint: &str) -> SdkConfig {
    let creds = aws_sdk_s3::config::Credentials::new("testing", "testing", None, None, "test");
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(creds)
        .retry_config(RetryConfig::disabled())
        .load()
        .await
}

/// The adapters over the emulator, and the raw clients to set fixtures up with.
pub async fn connect() -> (AwsCloud, AwsClients, String) {
    let url = endpoint();
    let clients = AwsClients::new(&sdk(&url).await, true);
    let settings = AwsSettings {
        profile: None,
        region: Some(REGION.into()),
        endpoint_url: Some(url.clone()),
        ..AwsSettings::default()
    };
    (
        AwsCloud::with_clients(clients.clone(), settings),
        clients,
        url,
    )
}

/// One HTTP request to the emulator; returns the status code and body.
pub fn http(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).expect("connect to the emulator");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |p| p.1)
        .to_string();
    (status, body)
}

fn form(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// An IAM role CodePipeline may assume (moto checks the trust policy); its ARN.
pub fn pipeline_role(url: &str) -> String {
    let name = unique("shipdeck-cp");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let body = form(&[
        ("Action", "CreateRole"),
        ("Version", "2010-05-08"),
        ("RoleName", &name),
        ("AssumeRolePolicyDocument", trust),
    ]);
    let auth = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, \
                SignedHeaders=host, Signature=0";
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Authorization", auth),
    ];
    let (status, text) = http(url, "POST", "/", &headers, &body);
    assert_eq!(status, 200, "CreateRole: {text}");
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

fn action(
    name: &str,
    category: cp::ActionCategory,
    provider: &str,
    config: &[(&str, &str)],
) -> cp::ActionDeclaration {
    let type_id = cp::ActionTypeId::builder()
        .category(category)
        .owner(cp::ActionOwner::Aws)
        .provider(provider)
        .version("1")
        .build()
        .unwrap();
    let mut a = cp::ActionDeclaration::builder()
        .name(name)
        .action_type_id(type_id)
        .run_order(1);
    for (k, v) in config {
        a = a.configuration(*k, *v);
    }
    a.build().unwrap()
}

/// The deployer's pipeline: Source (S3) → Approval (Manual, prd only) → Deploy (CodeBuild).
pub async fn create_pipeline(c: &AwsClients, role: &str, name: &str, bucket: &str, approval: bool) {
    let mut stages = vec![
        cp::StageDeclaration::builder()
            .name("Source")
            .actions(action(
                "Source",
                cp::ActionCategory::Source,
                "S3",
                &[("S3Bucket", bucket), ("S3ObjectKey", "dev/release.zip")],
            ))
            .build()
            .unwrap(),
    ];
    if approval {
        let a = action(
            "ApproveRelease",
            cp::ActionCategory::Approval,
            "Manual",
            &[("CustomData", "Check the stg dashboards first")],
        );
        stages.push(
            cp::StageDeclaration::builder()
                .name("Approval")
                .actions(a)
                .build()
                .unwrap(),
        );
    }
    let deploy = action(
        "Deploy",
        cp::ActionCategory::Build,
        "CodeBuild",
        &[("ProjectName", "storefront-deploy")],
    );
    stages.push(
        cp::StageDeclaration::builder()
            .name("Deploy")
            .actions(deploy)
            .build()
            .unwrap(),
    );
    let store = cp::ArtifactStore::builder()
        .r#type(cp::ArtifactStoreType::S3)
        .location(bucket)
        .build()
        .unwrap();
    let pipeline = cp::PipelineDeclaration::builder()
        .name(name)
        .role_arn(role)
        .artifact_store(store)
        .set_stages(Some(stages))
        .build()
        .unwrap();
    c.codepipeline
        .create_pipeline()
        .pipeline(pipeline)
        .send()
        .await
        .unwrap();
}

/// A distribution whose access logs go to `logs_bucket` under `prefix`; its id.
pub async fn create_distribution(
    c: &AwsClients,
    logs_bucket: &str,
    prefix: &str,
    alias: &str,
) -> String {
    let origin = cf::Origin::builder()
        .id("web")
        .domain_name("storefront-web.s3.amazonaws.com")
        .s3_origin_config(
            cf::S3OriginConfig::builder()
                .origin_access_identity("")
                .build(),
        )
        .build()
        .unwrap();
    let origins = cf::Origins::builder()
        .quantity(1)
        .items(origin)
        .build()
        .unwrap();
    let behavior = cf::DefaultCacheBehavior::builder()
        .target_origin_id("web")
        .viewer_protocol_policy(cf::ViewerProtocolPolicy::RedirectToHttps)
        .build()
        .unwrap();
    let logging = cf::LoggingConfig::builder()
        .enabled(true)
        .include_cookies(false)
        .bucket(format!("{logs_bucket}.s3.amazonaws.com"))
        .prefix(prefix)
        .build();
    let aliases = cf::Aliases::builder()
        .quantity(1)
        .items(alias)
        .build()
        .unwrap();
    let config = cf::DistributionConfig::builder()
        .caller_reference(unique("ref"))
        .comment("storefront")
        .enabled(true)
        .origins(origins)
        .default_cache_behavior(behavior)
        .logging(logging)
        .aliases(aliases)
        .build()
        .unwrap();
    let out = c
        .cloudfront
        .create_distribution()
        .distribution_config(config)
        .send()
        .await
        .unwrap();
    out.distribution.unwrap().id
}
