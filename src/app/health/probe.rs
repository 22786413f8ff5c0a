//! What an HTTP probe of `site_url` or `api_url` found: the status, the time to first byte and
//! the days left on the TLS certificate, or why it got no answer.

use serde::Serialize;

/// An answer to a probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// HTTP status.
    pub status: u16,
    /// Time to the first byte of the answer, in milliseconds.
    pub ttfb_ms: u64,
    /// Whole days until the server's certificate expires (`None` over plain HTTP).
    pub tls_days_left: Option<i64>,
}

/// One probe of a configured URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeResult {
    /// The URL, exactly as the configuration names it.
    pub url: String,
    /// The answer, or why there was none (`connection refused`, `timed out after 5 s`).
    pub outcome: Result<Probe, String>,
}
