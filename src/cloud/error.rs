//! The errors a port can return, in the terms an operator needs.

use thiserror::Error;

/// Result of a port call.
pub type CloudResult<T> = Result<T, CloudError>;

/// What went wrong talking to the cloud (or the simulator).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CloudError {
    /// The service asked us to slow down; retry later (not before `until` when it said when).
    #[error("{}", throttled(service, operation, until))]
    Throttled {
        /// Service name.
        service: String,
        /// Operation name.
        operation: String,
        /// When the limit resets, when the service said (GitHub: `x-ratelimit-reset`,
        /// `retry-after`).
        until: Option<crate::domain::Timestamp>,
    },
    /// No answer in time.
    #[error("{operation} timed out")]
    Timeout {
        /// Operation name.
        operation: String,
    },
    /// The service failed (HTTP 5xx).
    #[error("{service} server error on {operation}: {message}")]
    Server {
        /// Service name.
        service: String,
        /// Operation name.
        operation: String,
        /// Message.
        message: String,
    },
    /// Credentials expired or the SSO session ended.
    #[error("credentials expired: {hint}")]
    ExpiredCredentials {
        /// What to run to fix it, e.g. `aws sso login --profile ops`.
        hint: String,
    },
    /// No credentials anywhere the SDK looks for them.
    #[error(
        "no AWS credentials found; looked in {looked}; set up a profile (`aws configure`, \
         `aws configure sso`) and pass --profile, or set AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY"
    )]
    NoCredentials {
        /// Each place looked in, in order, and what it held.
        looked: String,
    },
    /// An SSO profile without a usable SSO session: never logged in, or the session ended.
    #[error(
        "no valid SSO session for profile `{profile}` ({reason}): shipdeck login --profile {profile}"
    )]
    NoSsoSession {
        /// The profile to log in with.
        profile: String,
        /// What the SDK found instead.
        reason: String,
    },
    /// The service refused the credentials themselves: an access key it does not know, a
    /// secret key that does not match, a malformed session token.
    #[error("credentials refused by {service}: {reason}")]
    BadCredentials {
        /// Service name.
        service: String,
        /// What is wrong, where the credentials came from, and the service's error code.
        reason: String,
    },
    /// The credentials could not be obtained: a failing credential process, a role that could
    /// not be assumed, a profile the SDK cannot use.
    #[error("cannot load AWS credentials: {reason}")]
    CredentialsFailed {
        /// What failed, naming the profile.
        reason: String,
    },
    /// `sts:AssumeRole` of an environment's `role_arn` was refused (AccessDenied: the role's
    /// trust policy or the caller's policies), or failed otherwise.
    #[error(
        "cannot assume role {role} as {caller}: {reason} (the role's trust policy must let \
         this caller assume it, and the caller's policies must allow sts:AssumeRole on it)"
    )]
    RoleNotAssumed {
        /// The role's ARN.
        role: String,
        /// Who tried: the base credentials' ARN.
        caller: String,
        /// The STS error code and message.
        reason: String,
    },
    /// The endpoint answered, but not as the AWS service does (no AWS request id): a wrong
    /// endpoint URL, a web server or proxy in between. Its answer says nothing about the resource.
    #[error(
        "{endpoint} did not answer {operation} as {service} does: HTTP {status}{detail} without \
         an AWS request id, so not an answer from the service; check the endpoint URL"
    )]
    NotTheService {
        /// The endpoint, e.g. `http://127.0.0.1:8080`.
        endpoint: String,
        /// The service expected, e.g. `CodePipeline`.
        service: String,
        /// Operation name.
        operation: String,
        /// The HTTP status it answered.
        status: u16,
        /// What the answer held, e.g. ` (text/html)`, or empty.
        detail: String,
    },
    /// The caller lacks an IAM permission: a problem of one operation, not of the credentials.
    #[error("access denied: not allowed to call {action}{}", denied_why(why))]
    AccessDenied {
        /// The refused IAM action, e.g. `codepipeline:PutApprovalResult`.
        action: String,
        /// Why, as AWS's message says it (`no identity-based policy allows it`, `an explicit
        /// deny in a service control policy`), or empty when the message does not say.
        why: String,
    },
    /// A named resource does not exist.
    #[error("{kind} not found: {name}")]
    NotFound {
        /// Resource kind (`pipeline`, `bucket`, `key`, `distribution`, `log group`, …).
        kind: String,
        /// Its name.
        name: String,
    },
    /// A conditional write found the resource already there (`PreconditionFailed`, an existing key).
    #[error("{kind} already exists: {name}")]
    AlreadyExists {
        /// Resource kind (`key`, `invalidation`, …).
        kind: String,
        /// Its name, e.g. `s3://bucket/releases/1.4.2.zip`.
        name: String,
    },
    /// The request was refused as invalid (bad token, conflict, not retryable, …).
    #[error("{code}: {message}")]
    Rejected {
        /// The service's error code, e.g. `InvalidApprovalTokenException`.
        code: String,
        /// Message.
        message: String,
    },
    /// The network failed (connection refused, DNS, TLS).
    #[error("network error: {0}")]
    Network(String),
}

/// A throttled call in words: when the limit resets, when that is known.
fn throttled(service: &str, operation: &str, until: &Option<crate::domain::Timestamp>) -> String {
    match until {
        Some(at) => format!(
            "{service} rate limit: resets at {} UTC ({operation}); backing off until then",
            at.clock().get(..5).unwrap_or("--:--")
        ),
        None => format!("throttled by {service} ({operation}); backing off"),
    }
}

/// What follows "not allowed to call X": AWS's reason and what can be done about it.
fn denied_why(why: &str) -> String {
    if why.is_empty() {
        String::new()
    } else if why.starts_with("the token ") || why.starts_with("no token") {
        // GitHub: the token's permissions, not an IAM policy.
        format!(" ({why})")
    } else if why.contains("explicit deny") {
        format!(
            " ({why}: granting the action does not lift a deny; ask the account's administrators)"
        )
    } else {
        format!(" ({why}: grant it to the role, as the policies in assets/iam/ do)")
    }
}

impl CloudError {
    /// An `AccessDenied` answer read from AWS's message, which names the refused action
    /// (`User: ARN is not authorized to perform: ACTION on resource: R because no identity-based
    /// policy allows the ACTION action`, or `… with an explicit deny in a service control
    /// policy`); `action` is the one the call needs, used when the message names none.
    pub fn access_denied(action: &str, message: &str) -> CloudError {
        const PERFORM: &str = "not authorized to perform: ";
        let named = message.split_once(PERFORM).map(|(_, rest)| {
            let end = rest.find([' ', ',', ';']).unwrap_or(rest.len());
            rest[..end].trim_end_matches('.')
        });
        let action = named
            .filter(|a| a.contains(':') && !a.is_empty())
            .unwrap_or(action)
            .to_string();
        let why = if let Some((_, rest)) = message.split_once("because no ") {
            let policy = rest.split(" policy").next().unwrap_or("identity-based");
            format!("no {policy} policy allows it")
        } else if let Some((_, rest)) = message.split_once("with an explicit deny in ") {
            format!("an explicit deny in {}", rest.trim_end_matches('.'))
        } else {
            String::new()
        };
        CloudError::AccessDenied { action, why }
    }

    /// Whether the credentials themselves are the problem (missing, expired, refused, not
    /// loadable): every call will fail the same way until they change, whatever it reads.
    pub fn is_credentials(&self) -> bool {
        matches!(
            self,
            CloudError::ExpiredCredentials { .. }
                | CloudError::NoCredentials { .. }
                | CloudError::NoSsoSession { .. }
                | CloudError::BadCredentials { .. }
                | CloudError::CredentialsFailed { .. }
                | CloudError::RoleNotAssumed { .. }
        )
    }

    /// The error in a few words, for a line that has no room for all of it (the credentials
    /// banner): a refused role by its ARN, the error code and what to fix; the others as said.
    pub fn brief(&self) -> String {
        match self {
            CloudError::RoleNotAssumed { role, reason, .. } => {
                let code = reason.split(':').next().unwrap_or(reason).trim();
                format!(
                    "cannot assume role {role} ({code}): its trust policy, or the caller's \
                     sts:AssumeRole"
                )
            }
            other => other.to_string(),
        }
    }

    /// The profile whose IAM Identity Center (SSO) session is missing or expired, when that is
    /// the problem: what signing in again fixes (`shipdeck login`, `:login`). The one place that
    /// tells an SSO sign-in apart from the other credential problems.
    pub fn sso_profile(&self) -> Option<&str> {
        match self {
            CloudError::NoSsoSession { profile, .. } => Some(profile),
            CloudError::ExpiredCredentials { hint } => hint
                .strip_prefix("shipdeck login --profile ")
                .and_then(|rest| rest.split_whitespace().next()),
            _ => None,
        }
    }

    /// Whether retrying the same call later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CloudError::Throttled { .. }
                | CloudError::Timeout { .. }
                | CloudError::Server { .. }
                | CloudError::Network(_)
        )
    }

    /// Whether this is throttling (shown as an indicator, not an error).
    pub fn is_throttle(&self) -> bool {
        matches!(self, CloudError::Throttled { .. })
    }

    /// When a rate limit resets, if this is one that said.
    pub fn limited_until(&self) -> Option<crate::domain::Timestamp> {
        match self {
            CloudError::Throttled { until, .. } => *until,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_or_missing_sso_session_names_the_profile_to_sign_in() {
        let expired = CloudError::ExpiredCredentials {
            hint: "shipdeck login --profile ops (ExpiredTokenException)".into(),
        };
        assert_eq!(expired.sso_profile(), Some("ops"));
        let missing = CloudError::NoSsoSession {
            profile: "admin".into(),
            reason: "the SSO token has expired and cannot be refreshed".into(),
        };
        assert_eq!(missing.sso_profile(), Some("admin"));
        let keys = CloudError::ExpiredCredentials {
            hint: "the session token in AWS_SESSION_TOKEN has expired: set a fresh …".into(),
        };
        assert_eq!(keys.sso_profile(), None, "no sign-in fixes keys");
        let none = CloudError::NoCredentials {
            looked: "the environment".into(),
        };
        assert_eq!(none.sso_profile(), None);
    }

    #[test]
    fn access_denied_reads_the_action_and_why_from_awss_message() {
        let e = CloudError::access_denied(
            "s3:PutObject",
            "User: arn:aws:sts::1:assumed-role/Ops/me is not authorized to perform: \
             s3:GetObject on resource: \"arn:aws:s3:::b/k\" because no identity-based policy \
             allows the s3:GetObject action",
        );
        assert_eq!(
            e,
            CloudError::AccessDenied {
                action: "s3:GetObject".into(),
                why: "no identity-based policy allows it".into(),
            }
        );
        let e = CloudError::access_denied(
            "logs:FilterLogEvents",
            "User: arn:aws:sts::1:assumed-role/Ops/me is not authorized to perform: \
             logs:FilterLogEvents with an explicit deny in a permissions boundary",
        );
        assert!(matches!(&e, CloudError::AccessDenied { why, .. }
            if why == "an explicit deny in a permissions boundary"));
        assert!(e.to_string().contains("does not lift a deny"), "{e}");
        // S3's bare "Access Denied": the call's own action, nothing more said.
        let e = CloudError::access_denied("s3:ListBucket", "Access Denied");
        assert_eq!(
            e.to_string(),
            "access denied: not allowed to call s3:ListBucket"
        );
        assert!(!e.is_credentials());
        assert!(
            CloudError::NoSsoSession {
                profile: "ops".into(),
                reason: "no token".into()
            }
            .is_credentials()
        );
    }
}
