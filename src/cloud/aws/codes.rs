//! Service error answers (code, message, HTTP status, request id) mapped to `CloudError`:
//! answers that are not the service's, throttling, credential and permission errors (by each
//! service's own codes), missing resources, server failures, and everything else rejected.

use super::errors::{Call, Site, service_name};
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

/// What an error answer says about the caller's credentials or permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// The session credentials expired.
    Expired,
    /// The access key id (or its session token) is not one AWS knows.
    UnknownKey,
    /// The signature does not match: the secret key is not the access key's.
    WrongSecret,
    /// The session token is malformed.
    BadToken,
    /// The request's time is too far from AWS's.
    ClockSkew,
    /// The caller may not call this action.
    Denied,
}

/// The error families: how each protocol's services name the same failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// JSON services (CodePipeline, CloudWatch Logs): `…Exception` codes.
    Json,
    /// S3 (REST-XML with its own codes).
    S3,
    /// STS (query) and CloudFront (REST-XML): the classic codes.
    Classic,
}

fn family(service: &str) -> Family {
    match service {
        "codepipeline" | "logs" | "athena" => Family::Json,
        "s3" => Family::S3,
        _ => Family::Classic,
    }
}

/// The credential and permission codes of each family, as the API references document them.
const AUTH_CODES: &[(Family, &str, Auth)] = &[
    (Family::Json, "ExpiredTokenException", Auth::Expired),
    (
        Family::Json,
        "UnrecognizedClientException",
        Auth::UnknownKey,
    ),
    (Family::Json, "InvalidSignatureException", Auth::WrongSecret),
    (Family::Json, "AccessDeniedException", Auth::Denied),
    (Family::S3, "ExpiredToken", Auth::Expired),
    (Family::S3, "TokenRefreshRequired", Auth::Expired),
    (Family::S3, "InvalidAccessKeyId", Auth::UnknownKey),
    (Family::S3, "SignatureDoesNotMatch", Auth::WrongSecret),
    (Family::S3, "InvalidToken", Auth::BadToken),
    (Family::S3, "RequestTimeTooSkewed", Auth::ClockSkew),
    (Family::S3, "AccessDenied", Auth::Denied),
    (Family::S3, "AllAccessDisabled", Auth::Denied),
    (Family::Classic, "ExpiredToken", Auth::Expired),
    (Family::Classic, "InvalidClientTokenId", Auth::UnknownKey),
    (Family::Classic, "SignatureDoesNotMatch", Auth::WrongSecret),
    (Family::Classic, "AccessDenied", Auth::Denied),
];

/// Other names of refused permissions (EC2-style and older services).
const DENIED: &[&str] = &["UnauthorizedOperation", "AuthorizationError", "Forbidden"];

/// What `code` says about credentials or permissions: the service's own family first; a code of
/// another family (an emulator, a proxy) means what it means there.
fn auth(service: &str, code: &str, message: &str) -> Option<Auth> {
    let mine = family(service);
    let found = AUTH_CODES
        .iter()
        .find(|(f, c, _)| *f == mine && *c == code)
        .or_else(|| AUTH_CODES.iter().find(|(_, c, _)| *c == code))
        .map(|(_, _, a)| *a)
        .or_else(|| DENIED.contains(&code).then_some(Auth::Denied))?;
    // JSON services answer a stale signature as InvalidSignatureException "Signature expired".
    if found == Auth::WrongSecret && message.contains("Signature expired") {
        return Some(Auth::ClockSkew);
    }
    Some(found)
}

/// The error for a credentials or permission code.
fn refused(call: &Call<'_>, site: &Site, auth: Auth, code: &str, message: &str) -> CloudError {
    let origin = site.key_origin();
    let service = service_name(call.service).to_string();
    let bad = |reason: String| CloudError::BadCredentials {
        service: service.clone(),
        reason,
    };
    match auth {
        Auth::Expired => CloudError::ExpiredCredentials {
            hint: format!("{} ({code})", site.expired_hint()),
        },
        Auth::UnknownKey if code == "InvalidAccessKeyId" => bad(format!(
            "unknown access key ({code}): the access key id {origin} is not one AWS knows \
             (deleted, deactivated, from another partition, or made for an emulator)"
        )),
        Auth::UnknownKey => bad(format!(
            "unknown access key or session token ({code}): the access key id {origin}, or its \
             session token, is not one AWS knows (deleted, deactivated, from another partition, \
             or made for an emulator)"
        )),
        Auth::WrongSecret => bad(format!(
            "the signature does not match ({code}): the secret access key is not the one of the \
             access key id {origin}"
        )),
        Auth::BadToken => bad(format!(
            "the session token {origin} is malformed or not valid ({code})"
        )),
        Auth::ClockSkew => bad(format!(
            "the request's time is too far from AWS's ({code}: {message}): check this machine's \
             clock"
        )),
        Auth::Denied => CloudError::access_denied(call.iam, message),
    }
}

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
        "RepositoryNotFoundException" => "repository",
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

/// An answer to a call: what the SDK read of it and what its headers say.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Answer<'a> {
    /// The error code the SDK read, if any.
    pub code: Option<&'a str>,
    /// The error message, if any.
    pub message: Option<&'a str>,
    /// HTTP status.
    pub status: u16,
    /// Whether it carries an AWS request id header.
    pub request_id: bool,
    /// Its `Content-Type`, if any.
    pub content_type: Option<&'a str>,
}

/// An answer no AWS service gives: a status below 500 without a request id. A plain web server
/// answering 404 to everything is not saying that the pipeline or bucket does not exist.
fn not_the_service(call: &Call<'_>, site: &Site, answer: &Answer<'_>) -> CloudError {
    let mut detail = match answer.code {
        Some(code) if !code.is_empty() && code != "NotFound" => format!(" {code}"),
        _ => String::new(),
    };
    if let Some(kind) = answer.content_type.filter(|t| !t.is_empty()) {
        let kind = kind.split(';').next().unwrap_or(kind).trim();
        detail.push_str(&format!(" ({kind})"));
    }
    CloudError::NotTheService {
        endpoint: site.endpoint_of(call.service),
        service: service_name(call.service).to_string(),
        operation: call.operation.to_string(),
        status: answer.status,
        detail,
    }
}

/// Maps an error answered by the service (code, message, HTTP status).
pub(crate) fn from_response(call: &Call<'_>, site: &Site, answer: &Answer<'_>) -> CloudError {
    let status = answer.status;
    if status < 500 && !answer.request_id {
        return not_the_service(call, site, answer);
    }
    let code = answer.code.unwrap_or("");
    let message = answer.message.unwrap_or("").to_string();
    if THROTTLING.contains(&code) || status == 429 {
        return CloudError::Throttled {
            service: call.service.into(),
            operation: call.operation.into(),
            until: None,
        };
    }
    if let Some(auth) = auth(call.service, code, &message) {
        return refused(call, site, auth, code, &message);
    }
    if status == 403 && code.is_empty() {
        return CloudError::access_denied(call.iam, "");
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
        let mut what = match (code.is_empty(), message.is_empty()) {
            (true, true) => format!("HTTP {status}"),
            (true, false) => format!("HTTP {status}: {message}"),
            (false, true) => format!("HTTP {status} {code}"),
            (false, false) => format!("HTTP {status} {code}: {message}"),
        };
        if !answer.request_id {
            what.push_str(&format!(
                " (from {}, without an AWS request id: maybe not the service itself)",
                site.endpoint_of(call.service)
            ));
        }
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
    use crate::cloud::aws::settings::{CredentialSource, Timeouts};

    fn site() -> Site {
        Site {
            profile: "ops".into(),
            endpoint: None,
            region: Some("eu-west-1".into()),
            source: CredentialSource::Sso {
                login: "ops".into(),
            },
            looked: String::new(),
            timeouts: Timeouts::default(),
            role: None,
            refused: None,
        }
    }

    /// An answer of the service (with a request id).
    fn answer<'a>(code: Option<&'a str>, message: Option<&'a str>, status: u16) -> Answer<'a> {
        Answer {
            code,
            message,
            status,
            request_id: true,
            content_type: None,
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
        let m =
            |code: &str, status| from_response(&CALL, &s, &answer(Some(code), Some("msg"), status));
        assert!(m("ThrottlingException", 400).is_throttle());
        assert_eq!(
            m("AccessDeniedException", 400),
            CloudError::AccessDenied {
                action: "codepipeline:PutApprovalResult".into(),
                why: String::new(),
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
            CloudError::ExpiredCredentials { hint } if hint.starts_with("shipdeck login --profile ops")
        ));
        assert!(matches!(m("InternalError", 500), CloudError::Server { .. }));
        assert_eq!(
            m("InvalidApprovalTokenException", 400),
            CloudError::Rejected {
                code: "InvalidApprovalTokenException".into(),
                message: "msg".into()
            }
        );
        let bare = from_response(&CALL, &s, &answer(None, None, 404));
        assert_eq!(bare.to_string(), "pipeline not found: p");
        let denied = from_response(&CALL, &s, &answer(None, None, 403));
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
            &answer(
                Some("PreconditionFailed"),
                Some("At least one of the pre-conditions you specified did not hold"),
                412,
            ),
        );
        assert_eq!(
            exists.to_string(),
            "key already exists: s3://b/releases/1.4.2.zip"
        );
        let upload = Call {
            resources: &[("multipart upload", "u1"), ("key", "s3://b/k")],
            ..put
        };
        let gone = from_response(&upload, &s, &answer(Some("NoSuchUpload"), None, 404));
        assert_eq!(gone.to_string(), "multipart upload not found: u1");
    }

    /// Each family's credential codes, as that service answers them, read as what they mean.
    #[test]
    fn credential_codes_of_each_service_family() {
        let sso = site();
        let env = Site {
            source: CredentialSource::Environment,
            ..site()
        };
        let call = |service: &'static str| Call {
            service,
            operation: "Op",
            iam: "x:Op",
            resources: &[],
        };
        let m = |site: &Site, service, code| {
            from_response(&call(service), site, &answer(Some(code), Some("msg"), 403))
        };
        for (service, expired, unknown, secret, denied) in [
            (
                "codepipeline",
                "ExpiredTokenException",
                "UnrecognizedClientException",
                "InvalidSignatureException",
                "AccessDeniedException",
            ),
            (
                "logs",
                "ExpiredTokenException",
                "UnrecognizedClientException",
                "InvalidSignatureException",
                "AccessDeniedException",
            ),
            (
                "s3",
                "ExpiredToken",
                "InvalidAccessKeyId",
                "SignatureDoesNotMatch",
                "AccessDenied",
            ),
            (
                "sts",
                "ExpiredToken",
                "InvalidClientTokenId",
                "SignatureDoesNotMatch",
                "AccessDenied",
            ),
            (
                "cloudfront",
                "ExpiredToken",
                "InvalidClientTokenId",
                "SignatureDoesNotMatch",
                "AccessDenied",
            ),
        ] {
            assert_eq!(
                m(&sso, service, expired).to_string(),
                format!("credentials expired: shipdeck login --profile ops ({expired})")
            );
            let not_sso = m(&env, service, expired).to_string();
            assert!(
                !not_sso.contains("sso login") && not_sso.contains("AWS_SESSION_TOKEN"),
                "{not_sso}"
            );
            let unknown = m(&env, service, unknown).to_string();
            assert!(
                unknown.contains("unknown access key")
                    && unknown.contains("from AWS_ACCESS_KEY_ID in the environment")
                    && !unknown.contains("expired")
                    && !unknown.contains("sso"),
                "{service}: {unknown}"
            );
            let secret = m(&env, service, secret).to_string();
            assert!(secret.contains("secret access key"), "{secret}");
            assert_eq!(
                m(&env, service, denied).to_string(),
                "access denied: not allowed to call x:Op"
            );
        }
        let token = m(&env, "s3", "InvalidToken").to_string();
        assert!(token.contains("session token"), "{token}");
        let skew = from_response(
            &call("codepipeline"),
            &env,
            &answer(
                Some("InvalidSignatureException"),
                Some("Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z"),
                400,
            ),
        );
        assert!(skew.to_string().contains("clock"), "{skew}");
    }

    /// An answer without a request id is not the service's: a 404 is not "not found".
    #[test]
    fn answers_without_a_request_id_are_not_the_service() {
        let s = Site {
            endpoint: Some("http://127.0.0.1:8080".into()),
            ..site()
        };
        let foreign = |status, code| Answer {
            code,
            message: None,
            status,
            request_id: false,
            content_type: Some("text/html; charset=utf-8"),
        };
        let e = from_response(&CALL, &s, &foreign(404, None));
        assert_eq!(
            e.to_string(),
            "http://127.0.0.1:8080 did not answer PutApprovalResult as CodePipeline does: \
             HTTP 404 (text/html) without an AWS request id, so not an answer from the service; \
             check the endpoint URL"
        );
        assert!(!e.is_transient());
        // S3 reads any empty 404 as `NotFound`; without a request id it is still no answer.
        let head = Call {
            service: "s3",
            ..CALL
        };
        let e = from_response(&head, &s, &foreign(404, Some("NotFound")));
        assert!(
            matches!(e, CloudError::NotTheService { status: 404, .. }),
            "{e}"
        );
        let e = from_response(&CALL, &s, &foreign(403, None));
        assert!(matches!(e, CloudError::NotTheService { .. }), "{e}");
        let e = from_response(&CALL, &s, &foreign(502, None));
        assert!(
            e.to_string()
                .contains("HTTP 502 (from http://127.0.0.1:8080, without an AWS request id"),
            "{e}"
        );
    }
}
