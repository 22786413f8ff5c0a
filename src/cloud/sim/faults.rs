//! Fault injection: per call, a throttle, timeout, server error or expired session before the
//! call is served, or for a mutating call a lost reply after it was served — at the configured
//! rates, or forced for the next calls of one operation.

use super::Simulator;
use crate::cloud::CloudError;

/// What `aws` users run when their SSO session expired in the demo profile.
pub const LOGIN_HINT: &str = "aws sso login --profile demo";

/// The operations that change something: the only ones whose reply the random faults lose.
pub const MUTATING: [&str; 11] = [
    "StartPipelineExecution",
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
        let forced = self.forced.get_mut(operation).and_then(|q| q.pop_front());
        let fault = match forced {
            Some(f) => Some(f),
            None => self.roll(operation),
        };
        if let Some(f) = fault {
            *self.stats.faults.entry(f.kind().to_string()).or_default() += 1;
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
