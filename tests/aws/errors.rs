//! Error answers every call can meet (throttling, expired, unknown or refused credentials,
//! denied actions, server failures, missing resources), through the real SDK, read as an operator
//! needs them; and endpoints that are not the service: one answering 404 to everything, one that
//! never answers (bounded by the configured timeouts, named in the message). The GitHub adapter's
//! requests and errors against a stand-in for GitHub's REST API are in `github`.

use crate::support::mocks;
use crate::support::stub;

mod github;

use aws_sdk_codepipeline::Client;
use aws_smithy_mocks::mock;
use mocks::{cloud, cloud_as, error};
use shipdeck::cloud::CloudError;
use shipdeck::cloud::aws::{CredentialSource, Timeouts};

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
        err.to_string().starts_with(
            "credentials expired: shipdeck login --profile ops (ExpiredTokenException)"
        ),
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

/// CodePipeline (a JSON service) answers credential problems with its own codes: an expired
/// session is `shipdeck login` only for an SSO profile; an unknown key is not an expired one; a
/// refused action names the IAM action.
#[tokio::test]
async fn codepipeline_credential_codes_say_what_is_wrong() {
    let answer = |name: &'static str, code: &'static str, message: &'static str| {
        mock!(Client::get_pipeline)
            .match_requests(move |r| r.name() == Some(name))
            .then_http_response(move || error(400, code, message))
    };
    let expired = answer(
        "expired",
        "ExpiredTokenException",
        "The security token included in the request is expired",
    );
    let unknown = answer(
        "unknown",
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    );
    let signature = answer(
        "signature",
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided.",
    );
    let denied = answer(
        "denied",
        "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/Operator/me is not authorized to perform: \
         codepipeline:GetPipeline",
    );
    let rules = [&expired, &unknown, &signature, &denied];
    let sso = cloud(codepipeline!(rules[0], rules[1], rules[2], rules[3]));
    let env = cloud_as(
        codepipeline!(rules[0], rules[1], rules[2], rules[3]),
        CredentialSource::Environment,
    );
    let keys = cloud_as(
        codepipeline!(rules[0], rules[1], rules[2], rules[3]),
        CredentialSource::Keys,
    );
    let text = |e: CloudError| e.to_string();

    let e = text(sso.pipelines.get_pipeline("expired").await.unwrap_err());
    assert_eq!(
        e,
        "credentials expired: shipdeck login --profile ops (ExpiredTokenException)"
    );
    let e = text(env.pipelines.get_pipeline("expired").await.unwrap_err());
    assert_eq!(
        e,
        "credentials expired: the session token in AWS_SESSION_TOKEN has expired: set a fresh \
         AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (ExpiredTokenException)"
    );
    let e = text(keys.pipelines.get_pipeline("expired").await.unwrap_err());
    assert!(
        e.contains("the session token of profile `ops` has expired") && !e.contains("sso"),
        "{e}"
    );

    for cloud in [&sso, &env, &keys] {
        let e = text(cloud.pipelines.get_pipeline("unknown").await.unwrap_err());
        assert!(
            e.starts_with(
                "credentials refused by CodePipeline: unknown access key or session token \
                 (UnrecognizedClientException)"
            ) && !e.contains("expired")
                && !e.contains("sso login"),
            "{e}"
        );
        let e = text(cloud.pipelines.get_pipeline("signature").await.unwrap_err());
        assert!(
            e.starts_with(
                "credentials refused by CodePipeline: the signature does not match \
                 (InvalidSignatureException): the secret access key is not the one"
            ),
            "{e}"
        );
        let e = text(cloud.pipelines.get_pipeline("denied").await.unwrap_err());
        assert_eq!(
            e,
            "access denied: not allowed to call codepipeline:GetPipeline"
        );
    }
    let e = text(env.pipelines.get_pipeline("unknown").await.unwrap_err());
    assert!(
        e.contains("the access key id from AWS_ACCESS_KEY_ID in the environment"),
        "{e}"
    );
}

/// S3 (its own REST-XML codes), STS and CloudFront (the classic codes) over HTTP, answered as
/// those services answer: the same four causes, each its own message, never the key itself.
#[tokio::test]
async fn s3_sts_and_cloudfront_credential_codes_say_what_is_wrong() {
    let env = CredentialSource::Environment;
    let at = |url: String| stub::cloud_at(url, Timeouts::default(), env.clone());

    let s3 = at(stub::s3_error(
        "403 Forbidden",
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
    ))
    .await;
    let e = s3
        .storage
        .list_objects("storefront-source", "releases/", None, None, 10)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "credentials refused by S3: unknown access key (InvalidAccessKeyId): the access key id \
         from AWS_ACCESS_KEY_ID in the environment is not one AWS knows (deleted, deactivated, \
         from another partition, or made for an emulator)"
    );
    let s3 = at(stub::s3_error(
        "403 Forbidden",
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. \
         Check your key and signing method.",
    ))
    .await;
    let e = s3
        .storage
        .get_object("b", "k")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "credentials refused by S3: the signature does not match (SignatureDoesNotMatch)"
        ),
        "{e}"
    );
    let s3 = at(stub::s3_error(
        "400 Bad Request",
        "ExpiredToken",
        "The provided token has expired.",
    ))
    .await;
    let e = s3
        .storage
        .get_object("b", "k")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("credentials expired: the session token in AWS_SESSION_TOKEN has expired")
            && e.ends_with("(ExpiredToken)"),
        "{e}"
    );
    let s3 = at(stub::s3_error(
        "403 Forbidden",
        "AccessDenied",
        "Access Denied",
    ))
    .await;
    let e = s3
        .storage
        .get_object("b", "k")
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(e, "access denied: not allowed to call s3:GetObject");

    let sts = at(stub::xml_error(
        "403 Forbidden",
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    ))
    .await;
    let e = sts
        .identity
        .caller_identity()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "credentials refused by STS: unknown access key or session token (InvalidClientTokenId)"
        ),
        "{e}"
    );
    let sts = at(stub::xml_error(
        "403 Forbidden",
        "ExpiredToken",
        "The security token included in the request is expired",
    ))
    .await;
    let e = sts
        .identity
        .caller_identity()
        .await
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("credentials expired: "), "{e}");

    let cdn = at(stub::xml_error(
        "403 Forbidden",
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: \
         cloudfront:GetDistribution",
    ))
    .await;
    let e = cdn
        .cdn
        .get_distribution("E2DEVSTOREFRNT")
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "access denied: not allowed to call cloudfront:GetDistribution"
    );
    let cdn = at(stub::xml_error(
        "403 Forbidden",
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    ))
    .await;
    let e = cdn
        .cdn
        .get_distribution("E2DEVSTOREFRNT")
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("credentials refused by CloudFront: unknown access key"),
        "{e}"
    );
    assert!(!e.to_string().contains(stub::ACCESS_KEY), "{e}");
}

/// A plain web server answering 404 to everything is not saying that the pipeline, the bucket or
/// the key does not exist: the message names the endpoint and says the answer was not the
/// service's.
#[tokio::test]
async fn an_endpoint_answering_404_to_everything_is_not_the_service() {
    let url = stub::not_found_server();
    let aws = stub::cloud_at(
        url.clone(),
        Timeouts::default(),
        CredentialSource::Environment,
    )
    .await;
    let expect = |e: CloudError, operation: &str, service: &str| {
        assert!(
            matches!(&e, CloudError::NotTheService { endpoint, status: 404, .. } if *endpoint == url),
            "{e}"
        );
        let text = e.to_string();
        assert!(
            text.starts_with(&format!(
                "{url} did not answer {operation} as {service} does: HTTP 404"
            )),
            "{text}"
        );
        assert!(!text.contains("not found:"), "{text}");
        assert!(!e.is_transient());
    };
    let e = aws
        .pipelines
        .get_pipeline("storefront-deployer-prd")
        .await
        .unwrap_err();
    expect(e, "GetPipeline", "CodePipeline");
    let e = aws
        .storage
        .list_objects("storefront-source", "releases/", None, None, 10)
        .await
        .unwrap_err();
    expect(e, "ListObjectsV2", "S3");
    let e = aws
        .storage
        .head_object("storefront-source", "dev/release.zip")
        .await
        .unwrap_err();
    expect(e, "HeadObject", "S3");
    let e = aws
        .cdn
        .get_distribution("E2DEVSTOREFRNT")
        .await
        .unwrap_err();
    expect(e, "GetDistribution", "CloudFront");
    let e = aws.identity.caller_identity().await.unwrap_err();
    expect(e, "GetCallerIdentity", "STS");
}

/// An endpoint that accepts connections and never answers: the call ends at the configured
/// operation timeout, and the message names the endpoint and that timeout.
#[tokio::test]
async fn an_endpoint_that_never_answers_ends_at_the_operation_timeout_it_names() {
    let url = stub::silent_server();
    let aws = stub::cloud_at(url.clone(), stub::short(), CredentialSource::Environment).await;
    let e = aws
        .pipelines
        .get_pipeline("storefront-deployer-prd")
        .await
        .unwrap_err();
    assert!(e.is_transient(), "{e}");
    assert_eq!(
        e.to_string(),
        format!("GetPipeline on {url} (operation timeout 400 ms) timed out")
    );
    let e = aws
        .storage
        .list_objects("storefront-source", "releases/", None, None, 10)
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("ListObjectsV2 on {url} (operation timeout 400 ms) timed out")
    );
}

/// AWS's `AccessDenied` message names the refused action and says why: no policy allows it (a
/// permission to grant), or an explicit deny (which no grant lifts); both read as such.
#[tokio::test]
async fn access_denied_says_which_action_and_why() {
    let implicit = mock!(Client::get_pipeline).then_http_response(|| {
        error(
            400,
            "AccessDeniedException",
            "User: arn:aws:sts::123456789012:assumed-role/ReadOnly/alice is not authorized to \
             perform: codepipeline:GetPipeline on resource: \
             arn:aws:codepipeline:eu-west-1:123456789012:storefront-deployer-prd because no \
             identity-based policy allows the codepipeline:GetPipeline action",
        )
    });
    let cloud = cloud(codepipeline!(&implicit));
    let e = cloud
        .pipelines
        .get_pipeline("storefront-deployer-prd")
        .await;
    let e = e.unwrap_err();
    assert_eq!(
        e.to_string(),
        "access denied: not allowed to call codepipeline:GetPipeline (no identity-based policy \
         allows it: grant it to the role, as the policies in assets/iam/ do)"
    );
    let cdn = stub::cloud_at(
        stub::xml_error(
            "403 Forbidden",
            "AccessDenied",
            "User: arn:aws:sts::123456789012:assumed-role/Operator/bob is not authorized to \
             perform: cloudfront:CreateInvalidation on resource: \
             arn:aws:cloudfront::123456789012:distribution/E2PRDSTOREFRNT with an explicit deny \
             in a service control policy",
        ),
        Timeouts::default(),
        CredentialSource::Environment,
    )
    .await;
    let e = cdn
        .cdn
        .create_invalidation("E2PRDSTOREFRNT", &["/index.html".into()], "ref-1")
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "access denied: not allowed to call cloudfront:CreateInvalidation (an explicit deny in a \
         service control policy: granting the action does not lift a deny; ask the account's \
         administrators)"
    );
}

/// CloudFront's refusals of an invalidation — its limits on paths in progress (files and
/// wildcards counted apart) and on one batch, which only its answer can tell — reach the
/// operator as what happened and what to do, through the real SDK.
#[tokio::test]
async fn cloudfront_invalidation_refusals_say_what_to_do() {
    use shipdeck::ops::plan::invalidate;
    use shipdeck::ops::{Context, ExitClass, SelfApproval};
    let spec = shipdeck::cloud::sim::demo_specs().remove(1);
    let ctx = Context {
        spec: &spec,
        identity: None,
        now: shipdeck::domain::Timestamp(0),
        read_only: false,
        self_approval: SelfApproval::Default,
        aws_identity: None,
    };
    let paths = ["/assets/*".to_string(), "/index.html".to_string()];
    let plan = invalidate::plan(&ctx, &paths, "ref-1").unwrap();
    for (status, code, message, says) in [
        (
            "400 Bad Request",
            "TooManyInvalidationsInProgress",
            "Processing your request will cause you to exceed the maximum number of in-progress \
             wildcard invalidations.",
            "with these paths E2STGSTOREFRNT would have more than 15 paths with a `*` being \
             invalidated at once, CloudFront's limit",
        ),
        (
            "400 Bad Request",
            "TooManyInvalidationsInProgress",
            "Processing your request will cause you to exceed the maximum number of in-progress \
             invalidations.",
            "with these paths E2STGSTOREFRNT would have more than 3,000 file paths being \
             invalidated at once",
        ),
        (
            "413 Request Entity Too Large",
            "BatchTooLarge",
            "Invalidation batch specified is too large.",
            "more than 3,000 paths in one invalidation, CloudFront's limit",
        ),
    ] {
        let url = stub::xml_error(status, code, message);
        let cloud = stub::cloud_at(url, Timeouts::default(), CredentialSource::Environment).await;
        let out = shipdeck::ops::apply(&cloud, &plan).await;
        assert_eq!(out.class, ExitClass::Failed, "{code}");
        assert!(
            out.message
                .starts_with(&format!("CreateInvalidation refused ({code}): {says}"))
                && out.message.contains("nothing was invalidated"),
            "{}",
            out.message
        );
    }
}

/// An S3 answer to CreateMultipartUpload without an UploadId is the service's fault, said as
/// such: not an empty id that every part upload would then be refused with.
#[tokio::test]
async fn a_multipart_start_without_an_upload_id_is_an_error_naming_the_object() {
    let url = stub::answering(
        "200 OK",
        &[
            ("Content-Type", "application/xml"),
            ("x-amz-request-id", "4442587FB7D0A2F9"),
        ],
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <InitiateMultipartUploadResult><Bucket>storefront-deployer-source</Bucket>\
         <Key>releases/1.44.0.zip</Key></InitiateMultipartUploadResult>",
    );
    let aws = stub::cloud_at(url, stub::short(), CredentialSource::Environment).await;
    let req = shipdeck::cloud::PutRequest {
        bucket: "storefront-deployer-source".into(),
        key: "releases/1.44.0.zip".into(),
        ..Default::default()
    };
    let e = aws.storage.create_multipart(&req).await.unwrap_err();
    assert!(matches!(e, CloudError::Server { .. }), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("CreateMultipartUpload")
            && text.contains("releases/1.44.0.zip")
            && text.contains("no UploadId"),
        "{text}"
    );
}
