//! Discovery of a distribution's log sources through the ports: legacy logging from
//! `GetDistribution` (its logging config), standard logging v2 from the delivery APIs. Each half
//! keeps its own answer or error: one failing does not hide the other (unknown is not none).

use super::{CloudError, CloudResult};
use crate::domain::{Distribution, LogSource};

/// What discovery found for one distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// Legacy logging (`None`: off), or why the distribution could not be read.
    pub legacy: CloudResult<Option<LogSource>>,
    /// The v2 deliveries, or why they could not be listed.
    pub deliveries: CloudResult<Vec<LogSource>>,
}

impl Discovery {
    /// Every source found, legacy first.
    pub fn sources(&self) -> Vec<LogSource> {
        let legacy = self.legacy.as_ref().ok().cloned().flatten();
        let v2 = self.deliveries.as_ref().map_or(&[][..], Vec::as_slice);
        legacy.into_iter().chain(v2.iter().cloned()).collect()
    }

    /// What could not be read, as lines: `legacy logging unknown: …`, `v2 deliveries unknown: …`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Err(e) = &self.legacy {
            out.push(format!("legacy logging unknown: {e}"));
        }
        if let Err(e) = &self.deliveries {
            out.push(format!("v2 deliveries unknown: {e}"));
        }
        out
    }

    /// The first error, when nothing at all could be read.
    pub fn total_failure(&self) -> Option<&CloudError> {
        match (&self.legacy, &self.deliveries) {
            (Err(e), Err(_)) => Some(e),
            _ => None,
        }
    }
}

/// The bucket name of a legacy logging config's `bucket.s3.amazonaws.com` (any region form).
pub fn legacy_bucket(domain: &str) -> &str {
    let domain = domain
        .strip_suffix(".amazonaws.com.cn")
        .or_else(|| domain.strip_suffix(".amazonaws.com"))
        .unwrap_or(domain);
    match domain.rfind(".s3") {
        Some(i) => &domain[..i],
        None => domain,
    }
}

impl Discovery {
    /// From the answers of `GetDistribution` (its logging config) and of the delivery APIs.
    pub fn from_answers(
        distribution: CloudResult<Distribution>,
        deliveries: CloudResult<Vec<LogSource>>,
    ) -> Discovery {
        let legacy = distribution.map(|d| {
            let prefix = d.logging_prefix.as_deref().unwrap_or("");
            d.logging_bucket
                .as_deref()
                .map(|b| LogSource::legacy(legacy_bucket(b), prefix))
        });
        Discovery { legacy, deliveries }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_buckets_from_domains() {
        assert_eq!(legacy_bucket("logs.s3.amazonaws.com"), "logs");
        assert_eq!(
            legacy_bucket("my.logs.s3.eu-west-1.amazonaws.com"),
            "my.logs"
        );
        assert_eq!(legacy_bucket("logs.s3.cn-north-1.amazonaws.com.cn"), "logs");
        assert_eq!(legacy_bucket("plain"), "plain");
    }
}
