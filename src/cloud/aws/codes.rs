//! Service error answers (code, message, HTTP status) mapped to `CloudError`: throttling, expired
//! tokens, refused IAM actions, missing resources, server failures, and everything else rejected.

use super::errors::{Call, Site, expired};
use crate::cloud::CloudError;

const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
];

const EXPIRED: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "InvalidToken",
    "TokenRefreshRequired",
];

const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "Forbidden",
];

/// The resource kind a not-found error code is about.
fn not_found_kind(code: &str) -> Option<&'static str> {
    Some(match code {
        "PipelineNotFoundException" => "pipeline",
        "PipelineExecutionNotFoundException" => "pipeline execution",
        "StageNotFoundException" => "stage",
        "ActionNotFoundException" => "action",
        "NoSuchBucket" => "bucket",
        "NoSuchKey" => "key",
        "NoSuchDistribution" => "distribution",
        "NoSuchInvalidation" => "invalidation",
        "NoSuchUpload" => "multipart upload",
        "ResourceNotFoundException" | "NotFound" => "",
        _ => return None,
    })
}

fn not_found(call: &Call<'_>, kind: &str) -> CloudError {
    let found = call.resources.iter().find(|(k, _)| *k == kind);
    let (k, name) = found
        .or(call.resources.first())
        .copied()
        .unwrap_or(("resource", ""));
    CloudError::NotFound {
        kind: if kind.is_empty() { k } else { kind }.to_string(),
        name: name.to_string(),
    }
}

/// Maps an error answered by the service (code, message, HTTP status).
pub(crate) fn from_response(
    call: &Call<'_>,
    site: &Site,
    code: Option<&str>,
    message: Option<&str>,
    status: u16,
) -> CloudError {
    let code = code.unwrap_or("");
    let message = message.unwrap_or("").to_string();
    if THROTTLING.contains(&code) || status == 429 {
        return CloudError::Throttled {
            service: call.service.into(),
            operation: call.operation.into(),
        };
    }
    if EXPIRED.contains(&code) {
        return expired(site, Some(format!("{code}: {message}")));
    }
    if DENIED.contains(&code) || (status == 403 && code.is_empty()) {
        return CloudError::AccessDenied {
            action: call.iam.into(),
        };
    }
    if code == "PreconditionFailed" || status == 412 {
        // Only conditional writes (`If-None-Match: *`) send preconditions: the key exists.
        let key = call.resources.iter().rev().find(|(k, _)| *k == "key");
        let (kind, name) = key
            .or(call.resources.first())
            .copied()
            .unwrap_or(("key", ""));
        return CloudError::AlreadyExists {
            kind: kind.into(),
            name: name.into(),
        };
    }
    if let Some(kind) = not_found_kind(code) {
        return not_found(call, kind);
    }
    if status == 404 && code.is_empty() {
        return not_found(call, "");
    }
    if status >= 500 {
        let what = match (code.is_empty(), message.is_empty()) {
            (true, true) => format!("HTTP {status}"),
            (true, false) => format!("HTTP {status}: {message}"),
            (false, true) => format!("HTTP {status} {code}"),
            (false, false) => format!("HTTP {status} {code}: {message}"),
        };
        return CloudError::Server {
            service: call.service.into(),
            operation: call.operation.into(),
            message: what,
        };
    }
    CloudError::Rejected {
        code: if code.is_empty() {
            format!("HTTP {status}")
        } else {
            code.to_string()
        },
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site {
            profile: "ops".into(),
            endpoint: None,
            region: Some("eu-west-1".into()),
        }
    }

    const CALL: Call<'static> = Call {
        service: "codepipeline",
        operation: "PutApprovalResult",
        iam: "codepipeline:PutApprovalResult",
        resources: &[("pipeline", "p"), ("stage", "Approval"), ("action", "Go")],
    };

    #[test]
    fn service_codes_become_specific_errors() {
        let s = site();
        let m = |code: &str, status| from_response(&CALL, &s, Some(code), Some("msg"), status);
        assert!(m("ThrottlingException", 400).is_throttle());
        assert_eq!(
            m("AccessDeniedException", 400),
            CloudError::AccessDenied {
                action: "codepipeline:PutApprovalResult".into()
            }
        );
        assert_eq!(
            m("StageNotFoundException", 400),
            CloudError::NotFound {
                kind: "stage".into(),
                name: "Approval".into()
            }
        );
        assert!(matches!(
            m("ExpiredTokenException", 400),
            CloudError::ExpiredCredentials { hint } if hint.starts_with("aws sso login --profile ops")
        ));
        assert!(matches!(m("InternalError", 500), CloudError::Server { .. }));
        assert_eq!(
            m("InvalidApprovalTokenException", 400),
            CloudError::Rejected {
                code: "InvalidApprovalTokenException".into(),
                message: "msg".into()
            }
        );
        let bare = from_response(&CALL, &s, None, None, 404);
        assert_eq!(bare.to_string(), "pipeline not found: p");
        let denied = from_response(&CALL, &s, None, None, 403);
        assert!(matches!(denied, CloudError::AccessDenied { .. }));
        let put = Call {
            service: "s3",
            operation: "PutObject",
            iam: "s3:PutObject",
            resources: &[("key", "s3://b/releases/1.4.2.zip"), ("bucket", "b")],
        };
        let exists = from_response(
            &put,
            &s,
            Some("PreconditionFailed"),
            Some("At least one of the pre-conditions you specified did not hold"),
            412,
        );
        assert_eq!(
            exists.to_string(),
            "key already exists: s3://b/releases/1.4.2.zip"
        );
        let upload = Call {
            resources: &[("multipart upload", "u1"), ("key", "s3://b/k")],
            ..put
        };
        let gone = from_response(&upload, &s, Some("NoSuchUpload"), None, 404);
        assert_eq!(gone.to_string(), "multipart upload not found: u1");
    }
}
