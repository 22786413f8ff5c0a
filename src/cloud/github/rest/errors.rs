//! GitHub's error answers read as an operator needs them: a refused token, rate limits with the
//! time they lift, a missing permission named, what was not found, why a dispatch was refused.

use super::super::{SERVICE, TokenSource};
use super::json::ErrorJson;
use crate::cloud::CloudError;
use crate::domain::Timestamp;
use http::HeaderMap;

/// The permission a call needs, as a fine-grained token names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Permission {
    /// Actions: read.
    ActionsRead,
    /// Actions: read and write.
    ActionsWrite,
    /// Contents: read.
    ContentsRead,
}

impl Permission {
    fn scope(self) -> &'static str {
        match self {
            Permission::ActionsRead => "actions:read",
            Permission::ActionsWrite => "actions:write",
            Permission::ContentsRead => "contents:read",
        }
    }

    fn fine_grained(self) -> &'static str {
        match self {
            Permission::ActionsRead => "Actions read",
            Permission::ActionsWrite => "Actions read and write",
            Permission::ContentsRead => "Contents read",
        }
    }
}

/// What a call is about: its name, the permission it needs, and what a 404 means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    /// The operation, as messages name it (`list workflow runs`).
    pub operation: &'static str,
    /// The permission it needs.
    pub permission: Permission,
    /// What a 404 is about once the repository is known to exist: (`workflow`, `release.yml`).
    pub subject: (&'static str, String),
    /// The workflow a dispatch is for.
    pub workflow: Option<String>,
}

/// When a rate limit ends: `x-ratelimit-reset` (epoch seconds), else `retry-after` (seconds)
/// counted from the answer's `Date`.
fn limited_until(headers: &HeaderMap) -> Option<Timestamp> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let at = if let Some(reset) = header("x-ratelimit-reset").and_then(|v| v.parse::<i64>().ok())
        && header("retry-after").is_none()
    {
        Timestamp(reset.saturating_mul(1000))
    } else {
        let after = header("retry-after")?.trim().parse::<i64>().ok()?;
        let date = chrono::DateTime::parse_from_rfc2822(header("date")?).ok()?;
        Timestamp(date.timestamp_millis()) + after.saturating_mul(1000)
    };
    Some(at)
}

/// Whether the answer is a rate limit (primary: no requests left; secondary: `retry-after`).
fn rate_limited(status: u16, headers: &HeaderMap, message: &str) -> bool {
    let remaining_zero = headers
        .get("x-ratelimit-remaining")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "0");
    status == 429
        || (status == 403
            && (remaining_zero
                || headers.contains_key("retry-after")
                || message.to_ascii_lowercase().contains("rate limit")))
}

/// Reads a failed answer (`status` ≥ 400) to `call`. `token` is where the token came from
/// (`None`: calls made without one); `repository_exists` says, for a 404, whether the
/// repository itself answered (`None`: not asked).
pub(crate) fn read(
    call: &Call,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    token: Option<TokenSource>,
    repository: &str,
    repository_exists: Option<bool>,
) -> CloudError {
    let message = serde_json::from_slice::<ErrorJson>(body)
        .map(|e| e.message)
        .unwrap_or_else(|_| String::from_utf8_lossy(body).chars().take(200).collect());
    if rate_limited(status, headers, &message) {
        let why = if token.is_none() {
            "; calls without a token get 60 an hour: set GITHUB_TOKEN"
        } else {
            ""
        };
        return CloudError::Throttled {
            service: SERVICE.into(),
            operation: format!("{}{why}", call.operation),
            until: limited_until(headers),
        };
    }
    match status {
        401 => CloudError::BadCredentials {
            service: SERVICE.into(),
            reason: match token {
                Some(source) => format!(
                    "the token from {source} was refused ({message}): it is wrong, expired or \
                     revoked; set a valid one or run `gh auth login`"
                ),
                None => format!("{message}; {}", super::super::Token::missing_hint()),
            },
        },
        403 => {
            let p = call.permission;
            let why = if token.is_none() {
                format!("no token: {}", super::super::Token::missing_hint())
            } else if message.contains("SAML") {
                format!(
                    "the token is not authorized for {repository}'s organization, which \
                     requires SAML single sign-on: authorize the token for it (GitHub settings, \
                     tokens, Configure SSO)"
                )
            } else {
                format!(
                    "the token lacks the {} permission (fine-grained: {}) on {repository}",
                    p.scope(),
                    p.fine_grained()
                )
            };
            CloudError::AccessDenied {
                action: format!("{} ({SERVICE}: {message})", call.operation),
                why,
            }
        }
        404 if repository_exists == Some(false) => CloudError::NotFound {
            kind: "repository".into(),
            name: format!("{repository} (or the token cannot see it)"),
        },
        404 => CloudError::NotFound {
            kind: call.subject.0.into(),
            name: format!("{} in {repository}", call.subject.1),
        },
        409 | 422 => unprocessable(call, status, &message),
        500..=599 => CloudError::Server {
            service: SERVICE.into(),
            operation: call.operation.into(),
            message: format!("HTTP {status}: {message}"),
        },
        _ => CloudError::Rejected {
            code: format!("HTTP {status}"),
            message: format!("{}: {message}", call.operation),
        },
    }
}

/// A refused request: a dispatch to a workflow without `workflow_dispatch`, undeclared or
/// missing inputs, an unknown ref; a re-run or cancel of a run in the wrong state.
fn unprocessable(call: &Call, status: u16, message: &str) -> CloudError {
    let workflow = call.workflow.as_deref().unwrap_or("the workflow");
    let said = if message.contains("workflow_dispatch") {
        format!(
            "{workflow} has no workflow_dispatch trigger, so it cannot be started by hand \
             (GitHub: {message})"
        )
    } else if let Some(rest) = message.strip_prefix("Unexpected inputs provided: ") {
        format!("{workflow} does not declare the inputs {rest} (GitHub: {message})")
    } else if message.starts_with("Required input") {
        format!("{workflow}: {message}")
    } else if let Some(git_ref) = message.strip_prefix("No ref found for: ") {
        return CloudError::NotFound {
            kind: "branch or tag".into(),
            name: git_ref.trim().to_string(),
        };
    } else {
        format!("{}: {message}", call.operation)
    };
    CloudError::Rejected {
        code: format!("HTTP {status}"),
        message: said,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(permission: Permission) -> Call {
        Call {
            operation: "dispatch workflow",
            permission,
            subject: ("workflow", "release.yml".into()),
            workflow: Some("release.yml".into()),
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, http::HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn rate_limits_say_when_they_lift() {
        // 2026-12-06T09:42:00Z
        let reset = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1796550120"),
        ]);
        let body = br#"{"message":"API rate limit exceeded for user ID 1."}"#;
        let e = read(
            &call(Permission::ActionsRead),
            403,
            &reset,
            body,
            Some(TokenSource::GhCli),
            "a/b",
            None,
        );
        assert_eq!(
            e.to_string(),
            "GitHub rate limit: resets at 09:42 UTC (dispatch workflow); backing off until then"
        );
        assert_eq!(e.limited_until(), Some(Timestamp(1_796_550_120_000)));
        let secondary = headers(&[
            ("retry-after", "120"),
            ("date", "Sun, 06 Dec 2026 08:01:30 GMT"),
        ]);
        let e = read(
            &call(Permission::ActionsRead),
            429,
            &secondary,
            b"{}",
            Some(TokenSource::GhCli),
            "a/b",
            None,
        );
        assert!(e.to_string().contains("resets at 08:03 UTC"), "{e}");
        assert!(e.is_throttle());
    }

    #[test]
    fn an_organization_with_sso_is_not_a_missing_permission() {
        let body = br#"{"message":"Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization."}"#;
        let e = read(
            &call(Permission::ActionsRead),
            403,
            &headers(&[]),
            body,
            Some(TokenSource::GhToken),
            "acme/storefront",
            None,
        );
        let text = e.to_string();
        assert!(text.contains("requires SAML single sign-on"), "{text}");
        assert!(!text.contains("lacks"), "{text}");
    }

    #[test]
    fn a_forbidden_write_names_the_missing_permission() {
        let body = br#"{"message":"Resource not accessible by personal access token"}"#;
        let e = read(
            &call(Permission::ActionsWrite),
            403,
            &headers(&[("x-ratelimit-remaining", "4999")]),
            body,
            Some(TokenSource::GithubToken),
            "acme/storefront",
            None,
        );
        assert!(
            e.to_string().contains(
                "the token lacks the actions:write permission (fine-grained: Actions read and \
                 write) on acme/storefront"
            ),
            "{e}"
        );
    }
}
