//! Fault injection: per call, a throttle, timeout, server error or expired session before the
//! call is served, or for a mutating call a lost reply after it was served — at the configured
//! rates, or forced for the next calls of one operation. An expired session stays expired until
//! the credentials change (as AWS's does), and an operation can be denied to the caller's role.

use super::Simulator;
use super::ports::OPERATOR_ARN;
use crate::cloud::CloudError;
use crate::domain::Timestamp;
use std::collections::BTreeSet;

/// What to run when the SSO session of the demo's profile expired (`:login` in the console).
pub const LOGIN_HINT: &str = "shipdeck login --profile demo";

/// The operations that change something: the only ones whose reply the random faults lose.
pub const MUTATING: [&str; 12] = [
    "StartPipelineExecution",
    "OverrideStageCondition",
    "PutApprovalResult",
    "StopPipelineExecution",
    "RetryStageExecution",
    "RollbackStage",
    "DisableStageTransition",
    "EnableStageTransition",
    "PutObject",
    "CompleteMultipartUpload",
    "CopyObject",
    "CreateInvalidation",
];

/// The operation AWS answers whoever calls it, whatever their policies: STS documents that no
/// permission is needed for `GetCallerIdentity`, and that even an explicit deny does not stop it.
const NEVER_DENIED: &str = "GetCallerIdentity";

/// What the simulated account makes of the caller: whether the session credentials expired
/// (every call is refused until they change: no call heals them), when the operator logs in
/// again, and the operations the role may not call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Access {
    expired: bool,
    relogin_at: Option<Timestamp>,
    denied: BTreeSet<String>,
    /// Accounts whose identity cannot be used (a role not assumed, a sign-in needed), with the
    /// error each call made as it gets.
    refused: std::collections::BTreeMap<String, CloudError>,
}

/// The IAM action an operation needs, as AWS names it in an `AccessDenied` message (S3's
/// actions are not its operations' names).
pub(crate) fn iam_action(service: &str, operation: &str) -> String {
    match operation {
        "ListObjectsV2" => "s3:ListBucket".into(),
        "HeadObject" => "s3:GetObject".into(),
        "CreateMultipartUpload" | "UploadPart" | "CompleteMultipartUpload" | "CopyObject" => {
            "s3:PutObject".into()
        }
        _ => format!("{service}:{operation}"),
    }
}

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `Throttled`; the call is not served.
    Throttle,
    /// `Timeout` before the call reaches the service; it is not served.
    Timeout,
    /// `Server` (HTTP 5xx); the call is not served.
    ServerError,
    /// `ExpiredCredentials`; the call is not served.
    ExpiredCredentials,
    /// The call is served (its change is made), then the reply is lost: the caller gets a
    /// `Timeout` it cannot tell apart from [`Fault::Timeout`].
    LostReply,
}

impl Fault {
    /// The kind counted in `SimStats::faults`.
    pub fn kind(self) -> &'static str {
        match self {
            Fault::Throttle => "throttle",
            Fault::Timeout => "timeout",
            Fault::ServerError => "server_error",
            Fault::ExpiredCredentials => "expired_credentials",
            Fault::LostReply => "lost_reply",
        }
    }

    fn error(self, service: &str, operation: &str) -> CloudError {
        match self {
            Fault::Throttle => CloudError::Throttled {
                service: service.into(),
                operation: operation.into(),
                until: None,
            },
            Fault::Timeout | Fault::LostReply => CloudError::Timeout {
                operation: operation.into(),
            },
            Fault::ServerError => CloudError::Server {
                service: service.into(),
                operation: operation.into(),
                message: "We encountered an internal error. Please try again.".into(),
            },
            Fault::ExpiredCredentials => CloudError::ExpiredCredentials {
                hint: LOGIN_HINT.into(),
            },
        }
    }
}

/// Whether a served call's reply reaches the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reply {
    /// The caller gets the service's answer.
    Delivered,
    /// The caller gets a `Timeout` instead (the call was served all the same).
    Lost,
}

impl Reply {
    /// The caller's view of a served call's `result`.
    pub(crate) fn deliver<R>(
        self,
        operation: &str,
        result: Result<R, CloudError>,
    ) -> Result<R, CloudError> {
        match self {
            Reply::Delivered => result,
            Reply::Lost => Err(Fault::LostReply.error("", operation)),
        }
    }
}

impl Simulator {
    /// The operator's credentials change (`aws sso login`, fresh keys): an expired session is
    /// valid again.
    pub fn renew_credentials(&mut self) {
        self.access.expired = false;
        self.access.relogin_at = None;
    }

    /// Whether the session credentials have expired (every call is refused until
    /// [`Simulator::renew_credentials`], or the operator's own log-in, see
    /// [`super::FaultRates::relogin_after`]).
    pub fn credentials_expired(&self) -> bool {
        self.access.expired
    }

    /// Expires the session credentials now, as an injected expiry does.
    pub fn expire_credentials(&mut self) {
        self.access.expired = true;
        self.access.relogin_at = self.cfg.faults.relogin_after.map(|after| self.now + after);
    }

    /// Denies `operation` (e.g. `GetPipelineState`) to the caller's role: each call of it is
    /// refused with `AccessDenied` naming its IAM action, until [`Simulator::allow`].
    /// `GetCallerIdentity` cannot be denied (STS answers it whatever the policies say).
    pub fn deny(&mut self, operation: &str) {
        if operation != NEVER_DENIED {
            self.access.denied.insert(operation.to_string());
        }
    }

    /// Every call made as an identity of `account` (see `SimCloud::cloud_as`) fails with `err`
    /// before it is served, `GetCallerIdentity` included (a role that cannot be assumed, an SSO
    /// session to sign in again): the other accounts are not affected. Until
    /// [`Simulator::restore_account`].
    pub fn refuse_account(&mut self, account: &str, err: CloudError) {
        self.access.refused.insert(account.to_string(), err);
    }

    /// Calls made as `account` work again after [`Simulator::refuse_account`].
    pub fn restore_account(&mut self, account: &str) {
        self.access.refused.remove(account);
    }

    /// Why calls made as `account` fail, while they do.
    pub(crate) fn account_refusal(&self, account: &str) -> Option<CloudError> {
        self.access.refused.get(account).cloned()
    }

    /// Whether the caller may not read log objects (`GetObject` denied): Athena reads S3 with
    /// the caller's permissions, so its queries fail on the first object.
    pub(crate) fn athena_denied_read(&self) -> bool {
        self.access.denied.contains("GetObject")
    }

    /// Allows `operation` again after [`Simulator::deny`].
    pub fn allow(&mut self, operation: &str) {
        self.access.denied.remove(operation);
    }

    /// Makes the next calls of `operation` meet `faults`, one each, in order, before any
    /// random fault (tests and the soak use it to force a lost reply at a chosen moment).
    pub fn force_faults(&mut self, operation: &str, faults: &[Fault]) {
        self.forced
            .entry(operation.to_string())
            .or_default()
            .extend(faults.iter().copied());
    }

    /// Faults forced with [`Simulator::force_faults`] that have not been met yet.
    pub fn forced_faults_left(&self) -> usize {
        self.forced.values().map(|q| q.len()).sum()
    }

    /// Counts a port call and decides its fate: an error returned instead of serving it, or
    /// whether the reply of the served call reaches the caller.
    pub(crate) fn call(&mut self, service: &str, operation: &str) -> Result<Reply, CloudError> {
        *self.stats.calls.entry(operation.to_string()).or_default() += 1;
        if self.access.relogin_at.is_some_and(|t| self.now >= t) {
            self.renew_credentials();
        }
        if self.access.expired {
            // Expired credentials are refused on every call until they change.
            self.count_fault("expired_credentials");
            return Err(Fault::ExpiredCredentials.error(service, operation));
        }
        let forced = self.forced.get_mut(operation).and_then(|q| q.pop_front());
        let fault = match forced {
            Some(f) => Some(f),
            None => self.roll(operation),
        };
        if fault == Some(Fault::ExpiredCredentials) {
            self.expire_credentials();
        }
        if fault != Some(Fault::ExpiredCredentials) && self.access.denied.contains(operation) {
            // Authorization comes after authentication: an expired session is said first.
            self.count_fault("access_denied");
            let action = iam_action(service, operation);
            let message = format!(
                "User: {OPERATOR_ARN} is not authorized to perform: {action} because no \
                 identity-based policy allows the {action} action"
            );
            return Err(CloudError::access_denied(&action, &message));
        }
        if let Some(f) = fault {
            self.count_fault(f.kind());
            if f != Fault::LostReply {
                return Err(f.error(service, operation));
            }
        }
        *self.stats.served.entry(operation.to_string()).or_default() += 1;
        Ok(match fault {
            Some(Fault::LostReply) => Reply::Lost,
            _ => Reply::Delivered,
        })
    }

    fn count_fault(&mut self, kind: &str) {
        *self.stats.faults.entry(kind.to_string()).or_default() += 1;
    }

    /// A random fault at the configured rates (a lost reply only for a mutating call).
    fn roll(&mut self, operation: &str) -> Option<Fault> {
        let rates = self.cfg.faults;
        if !rates.any() {
            return None;
        }
        let roll = self.fault_rng.f64();
        let lost = if MUTATING.contains(&operation) {
            rates.lost_reply
        } else {
            0.0
        };
        let bands = [
            (rates.throttle, Fault::Throttle),
            (rates.timeout, Fault::Timeout),
            (rates.server_error, Fault::ServerError),
            (rates.expired_credentials, Fault::ExpiredCredentials),
            (lost, Fault::LostReply),
        ];
        let mut edge = 0.0;
        for (rate, fault) in bands {
            edge += rate;
            if roll < edge {
                return Some(fault);
            }
        }
        None
    }
}
