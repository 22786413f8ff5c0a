//! Shared helpers of the mocked-SDK tests: the adapters over a CodePipeline (or CloudWatch Logs)
//! client whose answers are raw HTTP bodies shaped like the API reference's examples (the SDK
//! still parses them).
#![allow(dead_code)]

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use shipdeck::cloud::Cloud;
use shipdeck::cloud::aws::{AwsClients, AwsCloud, AwsSettings, CredentialSource};

/// An `application/x-amz-json-1.1` answer.
pub fn json(status: u16, body: &str) -> Response {
    let mut r = Response::new(
        StatusCode::try_from(status).unwrap(),
        SdkBody::from(body.to_string()),
    );
    r.headers_mut()
        .insert("Content-Type", "application/x-amz-json-1.1");
    r.headers_mut()
        .insert("x-amzn-RequestId", "3f2a9c1d-0000-4000-8000-000000000000");
    r
}

/// A JSON-protocol error answer: `{"__type": code, "message": message}`.
pub fn error(status: u16, code: &str, message: &str) -> Response {
    json(
        status,
        &format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
    )
}

/// The ports over this CodePipeline client (the other services are never called), as profile
/// `ops`, an SSO profile.
pub fn cloud(codepipeline: aws_sdk_codepipeline::Client) -> Cloud {
    let sso = CredentialSource::Sso {
        login: "ops".into(),
    };
    cloud_as(codepipeline, sso)
}

/// The ports over this CodePipeline client as profile `ops`, credentials from `source`.
pub fn cloud_as(codepipeline: aws_sdk_codepipeline::Client, source: CredentialSource) -> Cloud {
    let sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .build();
    let mut clients = AwsClients::new(&sdk, false);
    clients.codepipeline = codepipeline;
    let settings = AwsSettings {
        profile: Some("ops".into()),
        region: Some("eu-west-1".into()),
        endpoint_url: None,
        ..AwsSettings::default()
    };
    AwsCloud::with_clients_as(clients, settings, source).cloud()
}

/// A CloudWatch Logs client answering with these rules, any order, retries off (the service
/// crate's `test-util` is not enabled, so the test defaults `mock_client!` would set are set here).
pub fn logs_client(rules: &[&aws_smithy_mocks::Rule]) -> aws_sdk_cloudwatchlogs::Client {
    let mut mocked = aws_smithy_mocks::MockResponseInterceptor::new()
        .rule_mode(aws_smithy_mocks::RuleMode::MatchAny);
    for rule in rules {
        mocked = mocked.with_rule(rule);
    }
    let keys = aws_credential_types::Credentials::new("AKIDTEST", "secret", None, None, "test");
    let conf = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(keys)
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .interceptor(mocked)
        .retry_config(aws_sdk_cloudwatchlogs::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_cloudwatchlogs::Client::from_conf(conf)
}

/// The ports over this CloudWatch Logs client as profile `ops` (the other services are never
/// called).
pub fn logs_cloud(logs: aws_sdk_cloudwatchlogs::Client) -> Cloud {
    let sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .build();
    let mut clients = AwsClients::new(&sdk, false);
    clients.logs = logs;
    let settings = AwsSettings {
        profile: Some("ops".into()),
        region: Some("eu-west-1".into()),
        endpoint_url: None,
        ..AwsSettings::default()
    };
    let sso = CredentialSource::Sso {
        login: "ops".into(),
    };
    AwsCloud::with_clients_as(clients, settings, sso).cloud()
}

/// Mocked CodePipeline clients answer with these rules, any order, retries off.
#[macro_export]
macro_rules! codepipeline {
    ($($rule:expr),+ $(,)?) => {
        aws_smithy_mocks::mock_client!(
            aws_sdk_codepipeline,
            aws_smithy_mocks::RuleMode::MatchAny,
            [$($rule),+],
            |c| c.retry_config(aws_sdk_codepipeline::config::retry::RetryConfig::disabled())
        )
    };
}
