//! The golden signals: which metric each node is read from, the queries of one refresh (one
//! `GetMetricData` call per region for every environment), and the values they answered.

use crate::domain::{
    EnvSpec, HealthSpec, MetricQuery, MetricRegion, MetricRequest, MetricSeries, Millis, Timestamp,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// How long after a minute CloudWatch's data points for it are complete enough to judge.
pub const SETTLE: Millis = 2 * Timestamp::MINUTE;

/// One golden signal of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// CloudFront `Requests` (Sum).
    CdnRequests,
    /// CloudFront `4xxErrorRate` (Average, %).
    Cdn4xx,
    /// CloudFront `5xxErrorRate` (Average, %).
    Cdn5xx,
    /// CloudFront `CacheHitRate` (Average, %; additional metrics).
    CdnCacheHit,
    /// CloudFront `OriginLatency` (p99, ms; additional metrics).
    CdnOriginP99,
    /// The viewer-request CloudFront Function's `FunctionInvocations` (Sum).
    ViewerInvocations,
    /// Its `FunctionExecutionErrors` (Sum): it failed to complete.
    ViewerExecErrors,
    /// Its `FunctionValidationErrors` (Sum): it returned an invalid event object.
    ViewerValidationErrors,
    /// Its `FunctionThrottles` (Sum).
    ViewerThrottles,
    /// Its `FunctionComputeUtilization` (Average, % of the allowed time).
    ViewerCompute,
    /// API Gateway `Count` (Sum).
    ApiCount,
    /// API Gateway `4XXError` (Sum).
    Api4xx,
    /// API Gateway `5XXError` (Sum).
    Api5xx,
    /// API Gateway `Latency` (p50, ms).
    ApiP50,
    /// API Gateway `Latency` (p99, ms).
    ApiP99,
    /// Lambda `Invocations` (Sum).
    FnInvocations,
    /// Lambda `Errors` (Sum).
    FnErrors,
    /// Lambda `Throttles` (Sum).
    FnThrottles,
    /// Lambda `Duration` (p99, ms).
    FnP99,
    /// Lambda `ConcurrentExecutions` (Maximum).
    FnConcurrent,
}

impl Signal {
    /// Every signal, in node order.
    pub const ALL: [Signal; 20] = [
        Signal::CdnRequests,
        Signal::Cdn4xx,
        Signal::Cdn5xx,
        Signal::CdnCacheHit,
        Signal::CdnOriginP99,
        Signal::ViewerInvocations,
        Signal::ViewerExecErrors,
        Signal::ViewerValidationErrors,
        Signal::ViewerThrottles,
        Signal::ViewerCompute,
        Signal::ApiCount,
        Signal::Api4xx,
        Signal::Api5xx,
        Signal::ApiP50,
        Signal::ApiP99,
        Signal::FnInvocations,
        Signal::FnErrors,
        Signal::FnThrottles,
        Signal::FnP99,
        Signal::FnConcurrent,
    ];

    /// Short code, used in query ids.
    fn code(self) -> &'static str {
        match self {
            Signal::CdnRequests => "cdn_req",
            Signal::Cdn4xx => "cdn_4xx",
            Signal::Cdn5xx => "cdn_5xx",
            Signal::CdnCacheHit => "cdn_hit",
            Signal::CdnOriginP99 => "cdn_origin",
            Signal::ViewerInvocations => "vfn_inv",
            Signal::ViewerExecErrors => "vfn_exec",
            Signal::ViewerValidationErrors => "vfn_valid",
            Signal::ViewerThrottles => "vfn_thr",
            Signal::ViewerCompute => "vfn_compute",
            Signal::ApiCount => "api_count",
            Signal::Api4xx => "api_4xx",
            Signal::Api5xx => "api_5xx",
            Signal::ApiP50 => "api_p50",
            Signal::ApiP99 => "api_p99",
            Signal::FnInvocations => "fn_inv",
            Signal::FnErrors => "fn_err",
            Signal::FnThrottles => "fn_thr",
            Signal::FnP99 => "fn_p99",
            Signal::FnConcurrent => "fn_conc",
        }
    }

    /// (namespace, metric, statistic).
    fn metric(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Signal::CdnRequests => ("AWS/CloudFront", "Requests", "Sum"),
            Signal::Cdn4xx => ("AWS/CloudFront", "4xxErrorRate", "Average"),
            Signal::Cdn5xx => ("AWS/CloudFront", "5xxErrorRate", "Average"),
            Signal::CdnCacheHit => ("AWS/CloudFront", "CacheHitRate", "Average"),
            Signal::CdnOriginP99 => ("AWS/CloudFront", "OriginLatency", "p99"),
            Signal::ViewerInvocations => ("AWS/CloudFront", "FunctionInvocations", "Sum"),
            Signal::ViewerExecErrors => ("AWS/CloudFront", "FunctionExecutionErrors", "Sum"),
            Signal::ViewerValidationErrors => ("AWS/CloudFront", "FunctionValidationErrors", "Sum"),
            Signal::ViewerThrottles => ("AWS/CloudFront", "FunctionThrottles", "Sum"),
            Signal::ViewerCompute => ("AWS/CloudFront", "FunctionComputeUtilization", "Average"),
            Signal::ApiCount => ("AWS/ApiGateway", "Count", "Sum"),
            Signal::Api4xx => ("AWS/ApiGateway", "4XXError", "Sum"),
            Signal::Api5xx => ("AWS/ApiGateway", "5XXError", "Sum"),
            Signal::ApiP50 => ("AWS/ApiGateway", "Latency", "p50"),
            Signal::ApiP99 => ("AWS/ApiGateway", "Latency", "p99"),
            Signal::FnInvocations => ("AWS/Lambda", "Invocations", "Sum"),
            Signal::FnErrors => ("AWS/Lambda", "Errors", "Sum"),
            Signal::FnThrottles => ("AWS/Lambda", "Throttles", "Sum"),
            Signal::FnP99 => ("AWS/Lambda", "Duration", "p99"),
            Signal::FnConcurrent => ("AWS/Lambda", "ConcurrentExecutions", "Maximum"),
        }
    }

    /// Whether it is the viewer function's.
    pub fn viewer(self) -> bool {
        matches!(
            self,
            Signal::ViewerInvocations
                | Signal::ViewerExecErrors
                | Signal::ViewerValidationErrors
                | Signal::ViewerThrottles
                | Signal::ViewerCompute
        )
    }

    /// Where it is published.
    pub fn region(self) -> MetricRegion {
        match self {
            Signal::CdnRequests
            | Signal::Cdn4xx
            | Signal::Cdn5xx
            | Signal::CdnCacheHit
            | Signal::CdnOriginP99
            | Signal::ViewerInvocations
            | Signal::ViewerExecErrors
            | Signal::ViewerValidationErrors
            | Signal::ViewerThrottles
            | Signal::ViewerCompute => MetricRegion::UsEast1,
            _ => MetricRegion::Home,
        }
    }

    /// The metric's dimensions for this environment; `None` when the resource is not configured.
    fn dimensions(self, spec: &EnvSpec, health: &HealthSpec) -> Option<Vec<(String, String)>> {
        let one = |k: &str, v: &Option<String>| v.clone().map(|v| vec![(k.to_string(), v)]);
        match self.region() {
            MetricRegion::UsEast1 if self.viewer() => health.viewer_function.clone().map(|f| {
                vec![
                    ("FunctionName".into(), f),
                    ("Region".into(), "Global".into()),
                ]
            }),
            MetricRegion::UsEast1 => Some(vec![
                ("DistributionId".into(), spec.distribution_id.clone()),
                ("Region".into(), "Global".into()),
            ]),
            MetricRegion::Home => match self {
                Signal::ApiCount
                | Signal::Api4xx
                | Signal::Api5xx
                | Signal::ApiP50
                | Signal::ApiP99 => one("ApiName", &health.api_name),
                _ => one(
                    "FunctionName",
                    &health
                        .lambda_function
                        .as_ref()
                        .map(|f| f.rsplit(':').next().unwrap_or(f).to_string()),
                ),
            },
        }
    }
}

/// The minutes a refresh at `now` judges: the last `minutes` complete ones, settled.
pub fn window(now: Timestamp, minutes: u32) -> (Timestamp, Timestamp) {
    let end = now.millis() - now.millis().rem_euclid(Timestamp::MINUTE) - SETTLE;
    let start = end - Millis::from(minutes.max(1)) * Timestamp::MINUTE;
    (Timestamp(start), Timestamp(end))
}

/// The query id of `signal` in environment `env` (its index).
fn id(env: usize, signal: Signal) -> String {
    format!("e{env}_{}", signal.code())
}

/// The `GetMetricData` calls of one refresh at `now`: one per region, every environment's
/// signals in it (each environment's window is its own, as its own period).
pub fn requests(envs: &[(EnvSpec, HealthSpec)], now: Timestamp) -> Vec<MetricRequest> {
    let all: Vec<usize> = (0..envs.len()).collect();
    requests_of(envs, &all, now)
}

/// The `GetMetricData` calls of environments `only` (indices into `envs`), as [`requests`]
/// makes them for all: the calls of one identity, whose account holds those environments'
/// metrics. Query ids and windows are those of the whole refresh.
pub fn requests_of(
    envs: &[(EnvSpec, HealthSpec)],
    only: &[usize],
    now: Timestamp,
) -> Vec<MetricRequest> {
    let mut by_region: BTreeMap<MetricRegion, Vec<MetricQuery>> = BTreeMap::new();
    let widest = envs
        .iter()
        .map(|(_, h)| h.thresholds.window_minutes)
        .max()
        .unwrap_or(5);
    let asked = envs.iter().enumerate().filter(|(i, _)| only.contains(i));
    for (i, (spec, health)) in asked {
        for signal in Signal::ALL {
            let Some(dimensions) = signal.dimensions(spec, health) else {
                continue;
            };
            let (namespace, metric, stat) = signal.metric();
            by_region
                .entry(signal.region())
                .or_default()
                .push(MetricQuery {
                    id: id(i, signal),
                    namespace: namespace.into(),
                    metric: metric.into(),
                    dimensions,
                    stat: stat.into(),
                    period_secs: health.thresholds.window_minutes.max(1) * 60,
                });
        }
    }
    let (start, end) = window(now, widest);
    by_region
        .into_iter()
        .map(|(region, queries)| MetricRequest {
            region,
            queries,
            start,
            end,
        })
        .collect()
}

/// What one signal read: its value over the window, no data, or the read's error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Reading {
    /// The value over the window.
    Value(f64),
    /// The metric had no data points in the window.
    NoData,
    /// Not configured (no API or function name).
    NotWatched,
    /// The call failed.
    Failed(String),
}

impl Reading {
    /// The value, if any.
    pub fn value(&self) -> Option<f64> {
        match self {
            Reading::Value(v) => Some(*v),
            _ => None,
        }
    }
}

/// Every signal of every environment, after a refresh.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Readings {
    by_id: BTreeMap<String, Reading>,
}

impl Readings {
    /// Files the answers of the refresh's calls: a call's series, or its error for each of its
    /// queries. The newest data point of the window is the value.
    pub fn new(
        answers: &[(MetricRequest, Result<Vec<MetricSeries>, String>)],
        now: Timestamp,
    ) -> Readings {
        let mut by_id = BTreeMap::new();
        for (request, answer) in answers {
            for q in &request.queries {
                let reading = match answer {
                    Err(e) => Reading::Failed(e.clone()),
                    Ok(series) => {
                        let (start, _) = window(now, q.period_secs / 60);
                        series
                            .iter()
                            .find(|s| s.id == q.id)
                            .and_then(|s| s.points.iter().rev().find(|(t, _)| *t >= start))
                            .map_or(Reading::NoData, |(_, v)| Reading::Value(*v))
                    }
                };
                by_id.insert(q.id.clone(), reading);
            }
        }
        Readings { by_id }
    }

    /// Every query of `requests` not read, for `why` (the map before its first read): unknown
    /// with the reason, never no data or zero.
    pub fn unread(requests: &[MetricRequest], now: Timestamp, why: &str) -> Readings {
        let answers: Vec<_> = requests
            .iter()
            .map(|r| (r.clone(), Err(why.to_string())))
            .collect();
        Readings::new(&answers, now)
    }

    /// What `signal` read in environment `env`.
    pub fn get(&self, env: usize, signal: Signal) -> Reading {
        self.by_id
            .get(&id(env, signal))
            .cloned()
            .unwrap_or(Reading::NotWatched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three environments as a configuration names them (the core's tests do not reach for the
    /// simulator).
    fn envs() -> Vec<(EnvSpec, HealthSpec)> {
        ["dev", "stg", "prd"]
            .into_iter()
            .map(|name| EnvSpec {
                name: name.into(),
                protected: name == "prd",
                read_only: false,
                pipeline: format!("storefront-deployer-{name}"),
                source_bucket: "storefront-deployer-source".into(),
                source_key: format!("{name}/release.zip"),
                release_prefix: "releases/".into(),
                distribution_id: format!("E2{}STOREFRNT", name.to_uppercase()),
                logs_bucket: None,
                logs_prefix: String::new(),
                log_groups: vec![format!("/aws/lambda/storefront-api-{name}")],
                build_log_group: None,
                site_url: Some(format!("https://{name}.storefront.example.com")),
                api_url: Some(format!("https://api.{name}.storefront.example.com")),
                promotes_from: None,
            })
            .map(|s| {
                let h = HealthSpec {
                    api_name: (s.name != "dev").then(|| format!("storefront-api-{}", s.name)),
                    lambda_function: Some(format!("storefront-api-{}", s.name)),
                    ..HealthSpec::default()
                };
                (s, h)
            })
            .collect()
    }

    #[test]
    fn one_call_per_region_for_every_environment() {
        let now = Timestamp(1_795_597_230_000);
        let reqs = requests(&envs(), now);
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[0].region, MetricRegion::Home);
        assert_eq!(reqs[1].region, MetricRegion::UsEast1);
        // dev has no API name: its API signals are not asked for.
        assert_eq!(reqs[0].queries.len(), 5 * 3 + 5 * 2);
        assert_eq!(reqs[1].queries.len(), 5 * 3);
        assert!(
            reqs[1]
                .queries
                .iter()
                .all(|q| q.dimensions[1].1 == "Global")
        );
        let (start, end) = window(now, 5);
        assert_eq!((reqs[0].start, reqs[0].end), (start, end));
        assert_eq!(end.millis() % Timestamp::MINUTE, 0);
        assert_eq!(end.since(start), 5 * Timestamp::MINUTE);
        assert!(now.since(end) >= SETTLE);
    }

    /// One identity's calls ask only for its environments' signals, under the ids and window of
    /// the whole refresh (so the answers of every identity file into one map).
    #[test]
    fn an_identitys_calls_ask_for_its_environments_only() {
        let now = Timestamp(1_795_597_230_000);
        let envs = envs();
        let prd = requests_of(&envs, &[2], now);
        assert_eq!(prd.len(), 2);
        assert!(
            prd.iter()
                .flat_map(|r| &r.queries)
                .all(|q| q.id.starts_with("e2_")),
            "{prd:?}"
        );
        let all = requests(&envs, now);
        let others = requests_of(&envs, &[0, 1], now);
        let count = |rs: &[MetricRequest]| rs.iter().map(|r| r.queries.len()).sum::<usize>();
        assert_eq!(count(&prd) + count(&others), count(&all));
        assert_eq!((prd[0].start, prd[0].end), (all[0].start, all[0].end));
    }

    /// The viewer function's five metrics go in the us-east-1 call with the distribution's, by
    /// `FunctionName` and `Region=Global`; without a function name they are not asked for.
    #[test]
    fn the_viewer_functions_metrics_are_in_the_cloudfront_call() {
        let now = Timestamp(1_795_597_230_000);
        let mut envs = envs();
        envs[2].1.viewer_function = Some("storefront-prd-viewer-request".into());
        let reqs = requests(&envs, now);
        assert_eq!(reqs.len(), 2, "still one call per region");
        let cdn = &reqs[1];
        assert_eq!(cdn.region, MetricRegion::UsEast1);
        let viewer: Vec<(&str, &str, &str)> = cdn
            .queries
            .iter()
            .filter(|q| q.id.starts_with("e2_vfn"))
            .map(|q| (q.namespace.as_str(), q.metric.as_str(), q.stat.as_str()))
            .collect();
        assert_eq!(
            viewer,
            [
                ("AWS/CloudFront", "FunctionInvocations", "Sum"),
                ("AWS/CloudFront", "FunctionExecutionErrors", "Sum"),
                ("AWS/CloudFront", "FunctionValidationErrors", "Sum"),
                ("AWS/CloudFront", "FunctionThrottles", "Sum"),
                ("AWS/CloudFront", "FunctionComputeUtilization", "Average"),
            ]
        );
        let q = cdn.queries.iter().find(|q| q.id == "e2_vfn_inv").unwrap();
        assert_eq!(
            q.dimensions,
            [
                (
                    "FunctionName".to_string(),
                    "storefront-prd-viewer-request".to_string()
                ),
                ("Region".to_string(), "Global".to_string())
            ]
        );
        assert!(!cdn.queries.iter().any(|q| q.id.starts_with("e0_vfn")));
        assert_eq!(cdn.queries.len(), 5 * 3 + 5);
    }

    #[test]
    fn no_data_failed_and_not_watched_are_told_apart() {
        let now = Timestamp(1_795_597_230_000);
        let envs = envs();
        let reqs = requests(&envs, now);
        let (start, _) = window(now, 5);
        let series = vec![MetricSeries {
            id: "e2_cdn_5xx".into(),
            points: vec![(start, 4.2)],
        }];
        let answers = vec![
            (reqs[0].clone(), Err("throttled".to_string())),
            (reqs[1].clone(), Ok(series)),
        ];
        let r = Readings::new(&answers, now);
        assert_eq!(r.get(2, Signal::Cdn5xx), Reading::Value(4.2));
        assert_eq!(r.get(2, Signal::CdnRequests), Reading::NoData);
        assert_eq!(
            r.get(2, Signal::ApiCount),
            Reading::Failed("throttled".into())
        );
        assert_eq!(r.get(0, Signal::ApiCount), Reading::NotWatched);
    }
}
