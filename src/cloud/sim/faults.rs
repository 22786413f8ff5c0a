//! Fault injection: per call, a throttle, timeout, server error or expired session, at the configured rates.

use super::Simulator;
use crate::cloud::CloudError;

/// What `aws` users run when their SSO session expired in the demo profile.
pub const LOGIN_HINT: &str = "aws sso login --profile demo";

impl Simulator {
    /// Counts a port call and, at the configured rates, returns the fault to inject instead.
    pub(crate) fn call(&mut self, service: &str, operation: &str) -> Result<(), CloudError> {
        *self.stats.calls.entry(operation.to_string()).or_default() += 1;
        let rates = self.cfg.faults;
        if !rates.any() {
            *self.stats.served.entry(operation.to_string()).or_default() += 1;
            return Ok(());
        }
        let roll = self.fault_rng.f64();
        let mut edge = rates.throttle;
        let (kind, error) = if roll < edge {
            (
                "throttle",
                CloudError::Throttled {
                    service: service.into(),
                    operation: operation.into(),
                },
            )
        } else if roll < {
            edge += rates.timeout;
            edge
        } {
            (
                "timeout",
                CloudError::Timeout {
                    operation: operation.into(),
                },
            )
        } else if roll < {
            edge += rates.server_error;
            edge
        } {
            let message = "We encountered an internal error. Please try again.".to_string();
            (
                "server_error",
                CloudError::Server {
                    service: service.into(),
                    operation: operation.into(),
                    message,
                },
            )
        } else if roll < edge + rates.expired_credentials {
            (
                "expired_credentials",
                CloudError::ExpiredCredentials {
                    hint: LOGIN_HINT.into(),
                },
            )
        } else {
            *self.stats.served.entry(operation.to_string()).or_default() += 1;
            return Ok(());
        };
        *self.stats.faults.entry(kind.to_string()).or_default() += 1;
        Err(error)
    }
}
