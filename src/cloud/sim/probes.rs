//! The demo's site and API answering probes, without a network: the configured `site_url` and
//! `api_url` of each environment answer 200 (503 while more than half the requests fail), their
//! first byte in tens of milliseconds, their certificates expiring on fixed dates; any other URL
//! does not resolve.

use super::Simulator;
use crate::domain::{Millis, Probe, Timestamp};

/// Days from the simulation's start to each environment's certificate expiry, by its index.
const CERT_DAYS: [i64; 3] = [80, 12, 47];

impl Simulator {
    /// A probe of `url` at the simulated time.
    pub(crate) fn op_probe(&self, url: &str) -> Result<Probe, String> {
        let found = self.envs.iter().enumerate().find_map(|(i, e)| {
            let api = e.spec.api_url.as_deref() == Some(url);
            (e.spec.site_url.as_deref() == Some(url) || api).then_some((i, api))
        });
        let Some((env, api)) = found else {
            let host = url.split("://").nth(1).unwrap_or(url);
            let host = host.split('/').next().unwrap_or(host);
            return Err(format!("cannot resolve {host}"));
        };
        let failing = self.failing_share(env) > 0.5;
        // A steady first byte that moves a little from minute to minute.
        let minute = self.now.millis().div_euclid(Timestamp::MINUTE) as u64;
        let jitter = (minute.wrapping_mul(0x9e37_79b9) >> 7) % 40;
        let base: u64 = if api { 60 } else { 25 };
        let expiry = self.cfg.start + CERT_DAYS[env % CERT_DAYS.len()] * Timestamp::DAY;
        let left: Millis = expiry.since(self.now);
        Ok(Probe {
            status: if failing { 503 } else { 200 },
            ttfb_ms: base + jitter,
            tls_days_left: Some(left.div_euclid(Timestamp::DAY)),
        })
    }
}
