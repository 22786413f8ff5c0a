//! What the health map watches in one environment (the API and function names, the thresholds)
//! and the verdict it gives a node: green, yellow, red or unknown, with the reason.

use serde::Serialize;

/// A percentage in hundredths of a percent (`100` is 1 %), exact in the configuration.
pub type Hundredths = u32;

/// When a node turns yellow or red (`[environments.health]`; each key defaults as documented).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Thresholds {
    /// Server-error rate (CloudFront 5xx, API Gateway 5XXError, Lambda errors) for yellow.
    pub error_rate_yellow: Hundredths,
    /// Server-error rate for red.
    pub error_rate_red: Hundredths,
    /// Over how many minutes the rates and latencies are taken (the last complete ones).
    pub window_minutes: u32,
    /// p99 latency (API Gateway, CloudFront origin, a probe's time to first byte) for yellow, ms.
    pub latency_p99_yellow_ms: u32,
    /// p99 latency for red, ms.
    pub latency_p99_red_ms: u32,
    /// Days left on a probed TLS certificate under which the node is yellow.
    pub tls_days_yellow: u32,
    /// Days left under which it is red.
    pub tls_days_red: u32,
    /// The viewer function's compute utilization (% of its allowed time, average) for yellow.
    pub function_compute_yellow: u32,
    /// The viewer function's compute utilization for red.
    pub function_compute_red: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            error_rate_yellow: 50,
            error_rate_red: 100,
            window_minutes: 5,
            latency_p99_yellow_ms: 1_000,
            latency_p99_red_ms: 3_000,
            tls_days_yellow: 14,
            tls_days_red: 3,
            function_compute_yellow: 70,
            function_compute_red: 90,
        }
    }
}

/// One environment's health settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct HealthSpec {
    /// The API Gateway REST API's name (`ApiName` dimension); `None`: not watched.
    pub api_name: Option<String>,
    /// The Lambda function behind it; `None`: not watched.
    pub lambda_function: Option<String>,
    /// The CloudFront Function run on viewer requests (`FunctionName` dimension); `None`: the one
    /// the distribution's configuration names, once read.
    pub viewer_function: Option<String>,
    /// When nodes turn yellow or red.
    pub thresholds: Thresholds,
}

impl HealthSpec {
    /// The settings with the viewer function the distribution's configuration names, when the
    /// configuration sets none (`viewer_function` wins).
    pub fn with_distribution(mut self, d: Option<&super::Distribution>) -> HealthSpec {
        if self.viewer_function.is_none() {
            self.viewer_function = d.and_then(|d| d.viewer_function.clone());
        }
        self
    }
}

/// A node's state on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Everything within thresholds.
    Green,
    /// A warning threshold crossed.
    Yellow,
    /// A red threshold crossed, a probe failed, a deploy failed.
    Red,
    /// Not known: a read failed or there is no data.
    Unknown,
    /// Nothing to watch (not configured).
    None,
}

impl Level {
    /// How bad: none < green < unknown < yellow < red (unknown needs a look, but less than a
    /// crossed threshold).
    pub fn severity(self) -> u8 {
        match self {
            Level::None => 0,
            Level::Green => 1,
            Level::Unknown => 2,
            Level::Yellow => 3,
            Level::Red => 4,
        }
    }

    /// The word shown for it.
    pub fn word(self) -> &'static str {
        match self {
            Level::Green => "green",
            Level::Yellow => "yellow",
            Level::Red => "red",
            Level::Unknown => "unknown",
            Level::None => "-",
        }
    }
}

/// A level and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The level.
    pub level: Level,
    /// Why, e.g. `5xx 4.2% > 1% for 5 min`, `no data`; empty when green for no special reason.
    pub reason: String,
}

impl Verdict {
    /// A verdict.
    pub fn new(level: Level, reason: impl Into<String>) -> Self {
        Verdict {
            level,
            reason: reason.into(),
        }
    }

    /// Green, no reason.
    pub fn green() -> Self {
        Verdict::new(Level::Green, "")
    }

    /// The worst of several (the first of equals that says why, as a green rate not judged);
    /// green when there are none.
    pub fn worst(all: impl IntoIterator<Item = Verdict>) -> Verdict {
        let mut worst: Option<Verdict> = None;
        for v in all {
            if worst.as_ref().is_none_or(|w| {
                v.level.severity() > w.level.severity()
                    || (v.level.severity() == w.level.severity()
                        && w.reason.is_empty()
                        && !v.reason.is_empty())
            }) {
                worst = Some(v);
            }
        }
        worst.unwrap_or_else(Verdict::green)
    }
}

/// A percentage as shown: `4.2%`, `0.5%`, `12%`.
pub fn percent(value: f64) -> String {
    if value >= 10.0 || value == value.trunc() {
        format!("{value:.0}%")
    } else if value >= 0.1 {
        format!("{:.1}%", (value * 10.0).round() / 10.0)
    } else {
        format!("{:.2}%", (value * 100.0).round() / 100.0)
    }
}

/// A configured percentage as shown.
pub fn hundredths(h: Hundredths) -> String {
    percent(f64::from(h) / 100.0)
}

/// An answer to an HTTP probe of `site_url` or `api_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// HTTP status.
    pub status: u16,
    /// Time to the first byte of the answer (its status line), in milliseconds.
    pub ttfb_ms: u64,
    /// Whole days until the server's certificate expires (`None`: not known).
    pub tls_days_left: Option<i64>,
}

/// One probe of a configured URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeResult {
    /// The URL, exactly as the configuration names it.
    pub url: String,
    /// The answer, or why there was none (`connection refused`, `no answer within 5 s`).
    pub outcome: Result<Probe, String>,
}
