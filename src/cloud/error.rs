//! The errors a port can return, in the terms an operator needs.

use thiserror::Error;

/// Result of a port call.
pub type CloudResult<T> = Result<T, CloudError>;

/// What went wrong talking to the cloud (or the simulator).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CloudError {
    /// The service asked us to slow down; retry later.
    #[error("throttled by {service} ({operation}); backing off")]
    Throttled {
        /// Service name.
        service: String,
        /// Operation name.
        operation: String,
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
    /// The caller lacks an IAM permission.
    #[error("access denied: not allowed to call {action}")]
    AccessDenied {
        /// The refused IAM action, e.g. `codepipeline:PutApprovalResult`.
        action: String,
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

impl CloudError {
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
}
