//! Error answers every CodePipeline call can meet (throttling, expired session tokens, server
//! failures, missing pipelines), through the real SDK, read as an operator needs them.

#[macro_use]
#[path = "support/mocks.rs"]
mod mocks;

use aws_sdk_codepipeline::Client;
use aws_smithy_mocks::mock;
use mocks::{cloud, error};
use shipdeck::cloud::CloudError;

#[tokio::test]
async fn throttling_expiry_and_server_errors_read_as_an_operator_needs() {
    let throttled = mock!(Client::get_pipeline)
        .match_requests(|r| r.name() == Some("throttled"))
        .then_http_response(|| error(400, "ThrottlingException", "Rate exceeded"));
    let expired = mock!(Client::get_pipeline)
        .match_requests(|r| r.name() == Some("expired"))
        .then_http_response(|| {
            error(
                400,
                "ExpiredTokenException",
                "The security token included in the request is expired",
            )
        });
    let broken = mock!(Client::get_pipeline)
        .match_requests(|r| r.name() == Some("broken"))
        .then_http_response(|| {
            error(
                500,
                "InternalFailure",
                "The request processing has failed because of an unknown error.",
            )
        });
    let missing = mock!(Client::get_pipeline)
        .match_requests(|r| r.name() == Some("missing"))
        .then_http_response(|| {
            error(
                400,
                "PipelineNotFoundException",
                "The pipeline was specified in an invalid format or cannot be found.",
            )
        });
    let cloud = cloud(codepipeline!(&throttled, &expired, &broken, &missing));
    let p = &cloud.pipelines;
    let err = p.get_pipeline("throttled").await.unwrap_err();
    assert!(err.is_throttle(), "{err}");
    assert_eq!(
        err.to_string(),
        "throttled by codepipeline (GetPipeline); backing off"
    );
    let err = p.get_pipeline("expired").await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("credentials expired: aws sso login --profile ops"),
        "{err}"
    );
    let err = p.get_pipeline("broken").await.unwrap_err();
    assert!(
        matches!(&err, CloudError::Server { operation, .. } if operation == "GetPipeline"),
        "{err}"
    );
    assert!(err.is_transient());
    assert!(
        err.to_string().contains("HTTP 500 InternalFailure"),
        "{err}"
    );
    let err = p.get_pipeline("missing").await.unwrap_err();
    assert_eq!(err.to_string(), "pipeline not found: missing");
}
