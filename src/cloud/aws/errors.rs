//! SDK errors turned into `CloudError`s an operator can act on: which credentials are missing,
//! refused or expired (and where they came from), which IAM action was refused, which resource is
//! missing, which endpoint could not be reached, answered as no AWS service does, or gave no
//! answer within which timeout.

use super::codes::{Answer, from_response};
use super::settings::{CredentialSource, Timeouts};
use crate::cloud::CloudError;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ConnectorError, DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::error::Error;
use std::time::Duration;

/// One SDK call, described for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'a> {
    /// Service name, as the simulator names it (`codepipeline`, `s3`, `cloudfront`, `logs`, `sts`).
    pub service: &'static str,
    /// API operation, e.g. `PutApprovalResult`.
    pub operation: &'static str,
    /// The IAM action it needs, e.g. `codepipeline:PutApprovalResult`.
    pub iam: &'static str,
    /// The resources it names, as (kind, name): the first is what a bare 404 means.
    pub resources: &'a [(&'static str, &'a str)],
}

/// Where the calls go and as whom: what the messages need to be specific.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Site {
    /// The profile whose credentials are used (`default` when none is named).
    pub profile: String,
    /// The endpoint override, if any.
    pub endpoint: Option<String>,
    /// The region, once known.
    pub region: Option<String>,
    /// Where the credentials come from.
    pub source: CredentialSource,
    /// Where the SDK looked for credentials and what it found, for "no credentials found".
    pub looked: String,
    /// The timeouts in force.
    pub timeouts: Timeouts,
    /// The role assumed on top of the profile's credentials, if any.
    pub role: Option<RoleSite>,
    /// Set when the settings cannot work: every call fails with it.
    pub refused: Option<CloudError>,
}

/// A role the calls are made as, and who assumes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleSite {
    /// The role's ARN.
    pub arn: String,
    /// The ARN of the base credentials (`GetCallerIdentity` made with them), or why unknown.
    pub caller: Result<String, String>,
}

/// The first line of an SDK error's text, clipped: for a message that quotes it.
pub(crate) fn short(text: &str) -> String {
    clip(text.lines().next().unwrap_or_default().to_string())
}

/// The name AWS gives a service, for messages.
pub(crate) fn service_name(service: &str) -> &str {
    match service {
        "codepipeline" => "CodePipeline",
        "s3" => "S3",
        "cloudfront" => "CloudFront",
        "logs" => "CloudWatch Logs",
        "monitoring" => "CloudWatch",
        "sts" => "STS",
        "ecr" => "ECR",
        "codebuild" => "CodeBuild",
        "athena" => "Athena",
        other => other,
    }
}

/// A duration as messages show it: `14 s`, `1.5 s`, `300 ms`.
pub(crate) fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    match (ms % 1000, ms) {
        (0, _) => format!("{} s", ms / 1000),
        (_, ..1000) => format!("{ms} ms"),
        _ => format!("{:.1} s", d.as_secs_f64()),
    }
}

impl Site {
    /// The endpoint a service's calls go to, for network error messages.
    pub(crate) fn endpoint_of(&self, service: &str) -> String {
        if let Some(url) = &self.endpoint {
            return url.clone();
        }
        let region = self.region.as_deref().unwrap_or("us-east-1");
        match service {
            "cloudfront" => "https://cloudfront.amazonaws.com".into(),
            _ => format!("https://{service}.{region}.amazonaws.com"),
        }
    }

    /// What to do when the service says the session credentials expired: `shipdeck login` (the
    /// sign-in `aws sso login` runs, into the same cache) for an SSO profile only; otherwise what
    /// to renew, where.
    pub(crate) fn expired_hint(&self) -> String {
        let p = &self.profile;
        match &self.source {
            CredentialSource::Sso { login } => format!("shipdeck login --profile {login}"),
            CredentialSource::Environment => "the session token in AWS_SESSION_TOKEN has expired: \
                 set a fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN"
                .into(),
            CredentialSource::Keys => format!(
                "the session token of profile `{p}` has expired: renew its aws_access_key_id, \
                 aws_secret_access_key and aws_session_token"
            ),
            CredentialSource::Role => format!(
                "the role session of profile `{p}` has expired and could not be renewed: \
                 check the credentials it assumes the role with"
            ),
            CredentialSource::Process => {
                format!("the credential_process of profile `{p}` gave expired credentials")
            }
            CredentialSource::Elsewhere => format!(
                "the session credentials of profile `{p}` (from the container or instance role) \
                 have expired"
            ),
        }
    }

    /// Where the access key in use came from, e.g. `from AWS_ACCESS_KEY_ID in the environment`.
    pub(crate) fn key_origin(&self) -> String {
        match &self.source {
            CredentialSource::Environment => "from AWS_ACCESS_KEY_ID in the environment".into(),
            CredentialSource::Sso { login } => format!("from the SSO session of profile `{login}`"),
            _ => format!("of profile `{}`", self.profile),
        }
    }
}

/// The first error of type `T` in the chain that starts at `err`.
fn find<'a, T: Error + 'static>(err: &'a (dyn Error + 'static)) -> Option<&'a T> {
    let mut next: Option<&(dyn Error + 'static)> = Some(err);
    while let Some(e) = next {
        if let Some(t) = e.downcast_ref::<T>() {
            return Some(t);
        }
        next = e.source();
    }
    None
}

/// The last error of type `T` in the chain that starts at `err` (the innermost).
fn find_last<'a, T: Error + 'static>(err: &'a (dyn Error + 'static)) -> Option<&'a T> {
    let mut next: Option<&(dyn Error + 'static)> = Some(err);
    let mut found = None;
    while let Some(e) = next {
        if let Some(t) = e.downcast_ref::<T>() {
            found = Some(t);
        }
        next = e.source();
    }
    found
}

/// Every message of the chain, outermost first.
fn chain(err: &(dyn Error + 'static)) -> Vec<String> {
    let mut parts = vec![err.to_string()];
    let mut next = err.source();
    while let Some(e) = next {
        parts.push(e.to_string());
        next = e.source();
    }
    parts
}

/// A failure to obtain credentials: none anywhere, an SSO profile without a session, a failing
/// credential process or role, an unreachable SSO portal, a credentials provider too slow.
fn credentials(err: &(dyn Error + 'static), call: &Call<'_>, site: &Site) -> Option<CloudError> {
    let loading = || CloudError::Timeout {
        operation: format!("loading the credentials of profile `{}`", site.profile),
    };
    let Some(c) = find::<CredentialsError>(err) else {
        let text = chain(err).join(": ");
        return text.contains("identity resolver timed out").then(loading);
    };
    tracing::warn!(operation = call.operation, error = %chain(err).join(": "), "credentials failed");
    if let Some(refused) = &site.refused {
        return Some(refused.clone());
    }
    let assume = find::<aws_sdk_sts::operation::assume_role::AssumeRoleError>(c);
    if let Some(role) = &site.role
        && let Some(e) = assume.filter(|e| e.code().is_some())
    {
        let code = e.code().unwrap_or("AssumeRole failed");
        let message = e.message().unwrap_or_default();
        return Some(CloudError::RoleNotAssumed {
            role: role.arn.clone(),
            caller: match &role.caller {
                Ok(arn) => arn.clone(),
                Err(why) => format!("profile `{}` (its identity unknown: {why})", site.profile),
            },
            reason: clip(format!("{code}: {message}")),
        });
    }
    // A role whose base credentials failed: the base credentials' own error says why.
    let c = match &site.role {
        Some(_) => find_last::<CredentialsError>(c).unwrap_or(c),
        None => c,
    };
    if let Some(conn) = find::<ConnectorError>(c) {
        let provider = match site.source {
            CredentialSource::Sso { .. } => "the SSO portal",
            _ => "the credentials provider",
        };
        return Some(CloudError::Network(format!(
            "cannot reach {provider} of profile `{}`: {}",
            site.profile,
            root_cause(conn)
        )));
    }
    let reason = clip(root_cause(c));
    let p = &site.profile;
    Some(match c {
        CredentialsError::CredentialsNotLoaded(_) => CloudError::NoCredentials {
            looked: site.looked.clone(),
        },
        CredentialsError::ProviderTimedOut(_) => loading(),
        _ => match &site.source {
            CredentialSource::Sso { login } => CloudError::NoSsoSession {
                profile: login.clone(),
                reason,
            },
            CredentialSource::Process => CloudError::CredentialsFailed {
                reason: format!("the credential_process of profile `{p}` failed: {reason}"),
            },
            CredentialSource::Role => CloudError::CredentialsFailed {
                reason: format!("profile `{p}` could not assume its role: {reason}"),
            },
            CredentialSource::Environment => CloudError::CredentialsFailed {
                reason: format!("the AWS_* credentials in the environment: {reason}"),
            },
            CredentialSource::Keys => CloudError::CredentialsFailed {
                reason: format!("profile `{p}`: {reason}"),
            },
            // Nothing here: the error is the last place's (web identity, container, IMDS).
            CredentialSource::Elsewhere => CloudError::NoCredentials {
                looked: format!("{}: {reason}", site.looked),
            },
        },
    })
}

/// At most 300 characters of a provider's message (a credential process's stderr is in it).
fn clip(text: String) -> String {
    match text.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// A call that got no answer in time: the endpoint and the timeout that ended the wait. A
/// connection not made within the connect timeout (on every attempt) is the connect timeout's;
/// anything else is the operation timeout's: each attempt gets half of it, so a second attempt
/// always runs into it.
fn no_answer(call: &Call<'_>, site: &Site, text: &str) -> CloudError {
    let t = site.timeouts;
    let which = if text.contains("connect timeout") {
        format!("connect timeout {}", seconds(t.connect))
    } else {
        format!("operation timeout {}", seconds(t.operation))
    };
    CloudError::Timeout {
        operation: format!(
            "{} on {} ({which})",
            call.operation,
            site.endpoint_of(call.service)
        ),
    }
}

/// Whether an answer carries an AWS request id (`x-amzn-RequestId`, or S3's `x-amz-request-id`):
/// every answer of an AWS service does, error answers included.
fn request_id(response: &HttpResponse) -> bool {
    let headers = response.headers();
    headers.get("x-amzn-requestid").is_some() || headers.get("x-amz-request-id").is_some()
}

/// The answer's content type, for messages about answers that are not the service's.
fn content_type(response: &HttpResponse) -> Option<&str> {
    response.headers().get("content-type")
}

/// Maps any SDK error of `call`.
pub(crate) fn map<E>(err: SdkError<E, HttpResponse>, call: &Call<'_>, site: &Site) -> CloudError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    if let Some(e) = credentials(&err, call, site) {
        return e;
    }
    match &err {
        SdkError::TimeoutError(_) => no_answer(call, site, &chain(&err).join(": ")),
        SdkError::DispatchFailure(failure) => {
            if failure.is_timeout() {
                return no_answer(call, site, &chain(&err).join(": "));
            }
            let cause = match failure.as_connector_error() {
                Some(c) => root_cause(c),
                None => root_cause(&err),
            };
            tracing::warn!(operation = call.operation, error = %DisplayErrorContext(&err), "dispatch failed");
            CloudError::Network(format!(
                "cannot reach {} ({}): {}",
                site.endpoint_of(call.service),
                call.operation,
                cause
            ))
        }
        SdkError::ServiceError(service) => {
            let e = service.err();
            let raw = service.raw();
            let status = raw.status().as_u16();
            let answer = Answer {
                code: e.code(),
                message: e.message(),
                status,
                request_id: request_id(raw),
                content_type: content_type(raw),
            };
            if status < 300 {
                if !answer.request_id {
                    return from_response(call, site, &answer);
                }
                // A success whose body the SDK could not read (a non-conforming endpoint).
                return CloudError::Rejected {
                    code: "InvalidResponse".into(),
                    message: format!(
                        "{} answered {} with a body the SDK cannot read: {}",
                        site.endpoint_of(call.service),
                        call.operation,
                        root_cause(e)
                    ),
                };
            }
            from_response(call, site, &answer)
        }
        SdkError::ResponseError(response) => {
            let raw = response.raw();
            let answer = Answer {
                code: None,
                message: Some("unreadable response"),
                status: raw.status().as_u16(),
                request_id: request_id(raw),
                content_type: content_type(raw),
            };
            from_response(call, site, &answer)
        }
        _ => CloudError::Rejected {
            code: "InvalidRequest".into(),
            message: format!("{}: {}", call.operation, DisplayErrorContext(&err)),
        },
    }
}

/// The two most specific parts of an error chain, e.g. `tcp connect error: Connection refused
/// (os error 111)` or `dns error: failed to lookup address information: …`.
pub(crate) fn root_cause(err: &(dyn Error + 'static)) -> String {
    let parts = chain(err);
    let keep = parts.len().min(2);
    parts[parts.len() - keep..].join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_name_the_service_host_or_the_override() {
        let mut s = Site {
            profile: "ops".into(),
            endpoint: None,
            region: Some("eu-west-1".into()),
            source: CredentialSource::Keys,
            looked: String::new(),
            timeouts: Timeouts::default(),
            role: None,
            refused: None,
        };
        assert_eq!(
            s.endpoint_of("codepipeline"),
            "https://codepipeline.eu-west-1.amazonaws.com"
        );
        s.endpoint = Some("http://127.0.0.1:5000".into());
        assert_eq!(s.endpoint_of("s3"), "http://127.0.0.1:5000");
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        assert_eq!(root_cause(&io), "Connection refused");
    }

    #[test]
    fn durations_read_in_seconds_or_milliseconds() {
        assert_eq!(seconds(Duration::from_secs(14)), "14 s");
        assert_eq!(seconds(Duration::from_millis(300)), "300 ms");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(clip("x".repeat(400)).chars().count(), 301);
    }
}
