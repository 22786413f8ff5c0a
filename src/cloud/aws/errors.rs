//! SDK errors turned into `CloudError`s an operator can act on: which credentials to renew, which
//! IAM action was refused, which resource is missing, which endpoint could not be reached.

use super::codes::from_response;
use crate::cloud::CloudError;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ConnectorError, DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::error::Error;

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

    /// What to run when the credentials of this profile are missing or expired.
    pub(crate) fn login_hint(&self) -> String {
        format!("aws sso login --profile {}", self.profile)
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

/// A failure to obtain credentials (no credentials for the profile, an expired SSO session, a
/// failing credential process, an unreachable SSO portal, a credentials provider too slow).
fn credentials(err: &(dyn Error + 'static), call: &Call<'_>, site: &Site) -> Option<CloudError> {
    let text = chain(err).join(": ");
    if let Some(c) = find::<CredentialsError>(err) {
        tracing::warn!(operation = call.operation, error = %text, "credentials failed");
        if let Some(conn) = find::<ConnectorError>(c) {
            return Some(CloudError::Network(format!(
                "cannot reach the credentials provider of profile `{}`: {}",
                site.profile,
                root_cause(conn)
            )));
        }
        let sso = ["SSO", "sso", "token", "Token"]
            .iter()
            .any(|w| text.contains(w));
        return Some(expired(site, (!sso).then(|| root_cause(c))));
    }
    if text.contains("identity resolver timed out") {
        return Some(CloudError::Timeout {
            operation: format!("loading the credentials of profile `{}`", site.profile),
        });
    }
    None
}

/// Credentials expired or missing: what to run, with the reason when it is not an SSO session.
pub(crate) fn expired(site: &Site, detail: Option<String>) -> CloudError {
    let hint = match detail {
        None => site.login_hint(),
        Some(d) => format!("{} ({d})", site.login_hint()),
    };
    CloudError::ExpiredCredentials { hint }
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
        SdkError::TimeoutError(_) => CloudError::Timeout {
            operation: call.operation.into(),
        },
        SdkError::DispatchFailure(failure) => {
            if failure.is_timeout() {
                return CloudError::Timeout {
                    operation: call.operation.into(),
                };
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
            let status = service.raw().status().as_u16();
            if status < 300 {
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
            from_response(call, site, e.code(), e.message(), status)
        }
        SdkError::ResponseError(response) => {
            let status = response.raw().status().as_u16();
            from_response(call, site, None, Some("unreadable response"), status)
        }
        _ => CloudError::Rejected {
            code: "InvalidRequest".into(),
            message: format!("{}: {}", call.operation, DisplayErrorContext(&err)),
        },
    }
}

/// The two most specific parts of an error chain, e.g. `tcp connect error: Connection refused
/// (os error 111)` or `dns error: failed to lookup address information: …`.
fn root_cause(err: &(dyn Error + 'static)) -> String {
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
}
