//! CloudWatch metrics as the health map reads them: one `GetMetricData` query per signal, and the
//! series it answers (no data points is "no data", never a zero).

use super::Timestamp;
use serde::Serialize;

/// Where a metric lives: the configured region (API Gateway, Lambda), or us-east-1, where
/// CloudFront publishes its metrics whatever the region of the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricRegion {
    /// The region of the pipelines, buckets and functions.
    Home,
    /// us-east-1 (CloudFront's metrics, `Region=Global`).
    UsEast1,
}

impl MetricRegion {
    /// The region CloudFront publishes its metrics in.
    pub const CLOUDFRONT: &'static str = "us-east-1";
}

/// One metric statistic over periods (a `MetricDataQuery` with a `MetricStat`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetricQuery {
    /// The query's id in its call: a lowercase letter then letters, digits and `_`.
    pub id: String,
    /// Namespace, e.g. `AWS/CloudFront`.
    pub namespace: String,
    /// Metric name, e.g. `5xxErrorRate`.
    pub metric: String,
    /// Dimensions, name then value.
    pub dimensions: Vec<(String, String)>,
    /// Statistic: `Sum`, `Average`, `Maximum`, or a percentile such as `p99`.
    pub stat: String,
    /// Period in seconds (60 for one-minute data points).
    pub period_secs: u32,
}

/// The data points of one query, oldest first; empty when the metric has no data in the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSeries {
    /// The query's id.
    pub id: String,
    /// `(period start, value)`, oldest first.
    pub points: Vec<(Timestamp, f64)>,
}

/// The queries of one `GetMetricData` call and the range they cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricRequest {
    /// Where the metrics are.
    pub region: MetricRegion,
    /// The queries (at most 500 a call).
    pub queries: Vec<MetricQuery>,
    /// Start of the range (inclusive).
    pub start: Timestamp,
    /// End of the range (exclusive).
    pub end: Timestamp,
}

impl MetricRequest {
    /// The most queries one `GetMetricData` call accepts.
    pub const MAX_QUERIES: usize = 500;
}
