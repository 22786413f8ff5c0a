//! The simulator's CloudWatch metrics: what CloudFront, API Gateway and Lambda publish, made from
//! the same requests the access logs and the Lambda log group are written from, one-minute data
//! points kept three hours, and `GetMetricData` over them.

use super::super::Simulator;
use crate::accesslog::AccessRecord;
use crate::cloud::{CloudError, CloudResult};
use crate::domain::{MetricQuery, MetricRegion, MetricRequest, MetricSeries, Millis, Timestamp};
use std::collections::BTreeMap;

/// How long data points are kept (the health map reads the last half hour).
const RETENTION: Millis = 3 * Timestamp::HOUR;
/// A minute's data points are published this long after the minute ends.
const PUBLISH_LAG: Millis = Timestamp::MINUTE;
/// API Gateway's own time on top of the function's duration, in milliseconds.
const GATEWAY_OVERHEAD_MS: f64 = 9.0;

/// A metric: namespace, name and its dimensions in name order.
type Key = (String, String, Vec<(String, String)>);

/// One API call served by the Lambda function behind API Gateway.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ApiCall {
    /// When it arrived.
    pub(crate) at: Timestamp,
    /// The function's duration in milliseconds.
    pub(crate) duration_ms: f64,
    /// The status API Gateway answered.
    pub(crate) status: u16,
}

/// Every data point: per metric, per minute, the samples published in it (a statistic over a
/// period is computed from the samples of its minutes, as CloudWatch does from raw values).
#[derive(Debug, Default)]
pub(crate) struct MetricStore {
    points: BTreeMap<Key, BTreeMap<i64, Vec<f64>>>,
    /// Where each metric lives.
    regions: BTreeMap<Key, MetricRegion>,
}

fn key(namespace: &str, metric: &str, dims: &[(&str, &str)]) -> Key {
    let mut dims: Vec<(String, String)> = dims
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    dims.sort();
    (namespace.into(), metric.into(), dims)
}

fn minute_of(t: Timestamp) -> i64 {
    t.millis() - t.millis().rem_euclid(Timestamp::MINUTE)
}

impl MetricStore {
    fn put(&mut self, region: MetricRegion, key: Key, at: Timestamp, values: &[f64]) {
        let minute = minute_of(at);
        let series = self.points.entry(key.clone()).or_default();
        series.entry(minute).or_default().extend_from_slice(values);
        while let Some((&first, _)) = series.first_key_value() {
            if first >= minute - RETENTION {
                break;
            }
            series.pop_first();
        }
        self.regions.insert(key, region);
    }

    /// The data points of one query between `start` and `end` published by `now`.
    fn series(&self, region: MetricRegion, q: &MetricQuery, r: (i64, i64), now: i64) -> Vec<f64> {
        let mut dims = q.dimensions.clone();
        dims.sort();
        let k = (q.namespace.clone(), q.metric.clone(), dims);
        if self.regions.get(&k) != Some(&region) {
            return Vec::new();
        }
        self.points
            .get(&k)
            .map(|s| {
                s.range(r.0..r.1)
                    .filter(|(m, _)| **m + Timestamp::MINUTE + PUBLISH_LAG <= now)
                    .flat_map(|(_, v)| v.iter().copied())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `GetMetricData`: each query's periods with at least one sample, oldest first.
    pub(crate) fn get(
        &self,
        req: &MetricRequest,
        now: Timestamp,
    ) -> CloudResult<Vec<MetricSeries>> {
        if req.queries.len() > MetricRequest::MAX_QUERIES {
            return Err(CloudError::Rejected {
                code: "ValidationError".into(),
                message: format!(
                    "GetMetricData accepts at most {} queries, not {}",
                    MetricRequest::MAX_QUERIES,
                    req.queries.len()
                ),
            });
        }
        let mut out = Vec::with_capacity(req.queries.len());
        for q in &req.queries {
            let stat = Stat::parse(&q.stat).ok_or_else(|| CloudError::Rejected {
                code: "ValidationError".into(),
                message: format!("unknown statistic `{}` in query {}", q.stat, q.id),
            })?;
            let period = Millis::from(q.period_secs.max(60)) * Timestamp::SECOND;
            let mut points = Vec::new();
            let mut t = req.start.millis();
            while t < req.end.millis() {
                let end = (t + period).min(req.end.millis());
                let samples = self.series(req.region, q, (t, end), now.millis());
                if let Some(v) = stat.of(&samples) {
                    points.push((Timestamp(t), v));
                }
                t += period;
            }
            out.push(MetricSeries {
                id: q.id.clone(),
                points,
            });
        }
        Ok(out)
    }
}

/// A statistic over samples.
#[derive(Debug, Clone, Copy)]
enum Stat {
    Sum,
    Average,
    Maximum,
    Minimum,
    SampleCount,
    Percentile(f64),
}

impl Stat {
    fn parse(text: &str) -> Option<Stat> {
        Some(match text {
            "Sum" => Stat::Sum,
            "Average" => Stat::Average,
            "Maximum" => Stat::Maximum,
            "Minimum" => Stat::Minimum,
            "SampleCount" => Stat::SampleCount,
            p => {
                let n: f64 = p.strip_prefix('p')?.parse().ok()?;
                if !(0.0..=100.0).contains(&n) {
                    return None;
                }
                Stat::Percentile(n)
            }
        })
    }

    fn of(self, samples: &[f64]) -> Option<f64> {
        if samples.is_empty() {
            return None;
        }
        let n = samples.len() as f64;
        Some(match self {
            Stat::Sum => samples.iter().sum(),
            Stat::Average => samples.iter().sum::<f64>() / n,
            Stat::Maximum => samples.iter().copied().fold(f64::MIN, f64::max),
            Stat::Minimum => samples.iter().copied().fold(f64::MAX, f64::min),
            Stat::SampleCount => n,
            Stat::Percentile(p) => {
                let mut sorted = samples.to_vec();
                sorted.sort_by(f64::total_cmp);
                let rank = ((p / 100.0) * n).ceil().max(1.0) as usize;
                sorted[rank.min(sorted.len()) - 1]
            }
        })
    }
}

impl Simulator {
    /// Publishes CloudFront's metrics of one window's requests (`additional`: the distribution
    /// has the additional metrics on: cache-hit rate and origin latency).
    pub(crate) fn publish_cdn_metrics(
        &mut self,
        distribution: &str,
        additional: bool,
        records: &[AccessRecord],
    ) {
        let mut minutes: BTreeMap<i64, Vec<&AccessRecord>> = BTreeMap::new();
        for r in records {
            minutes.entry(minute_of(r.time)).or_default().push(r);
        }
        let dims = [("DistributionId", distribution), ("Region", "Global")];
        let cf = |m: &str| key("AWS/CloudFront", m, &dims);
        let region = MetricRegion::UsEast1;
        for (minute, rs) in minutes {
            let at = Timestamp(minute);
            let n = rs.len() as f64;
            let share = |f: &dyn Fn(&AccessRecord) -> bool| {
                100.0 * rs.iter().filter(|r| f(r)).count() as f64 / n
            };
            let store = &mut self.metrics;
            store.put(region, cf("Requests"), at, &[n]);
            let e4 = share(&|r| (400..500).contains(&r.status));
            let e5 = share(&|r| r.is_server_error());
            store.put(region, cf("4xxErrorRate"), at, &[e4]);
            store.put(region, cf("5xxErrorRate"), at, &[e5]);
            store.put(region, cf("TotalErrorRate"), at, &[e4 + e5]);
            if additional {
                let hit =
                    |r: &AccessRecord| matches!(r.edge_result_type.as_str(), "Hit" | "RefreshHit");
                let cacheable: Vec<&&AccessRecord> = rs
                    .iter()
                    .filter(|r| {
                        matches!(r.edge_result_type.as_str(), "Hit" | "RefreshHit" | "Miss")
                    })
                    .collect();
                if !cacheable.is_empty() {
                    let hits = cacheable.iter().filter(|r| hit(r)).count() as f64;
                    let rate = 100.0 * hits / cacheable.len() as f64;
                    store.put(region, cf("CacheHitRate"), at, &[rate]);
                }
                let latencies: Vec<f64> = rs
                    .iter()
                    .filter(|r| r.edge_result_type == "Miss" || r.edge_result_type == "Error")
                    .map(|r| f64::from(r.origin_fbl_ms.unwrap_or(r.time_to_first_byte_ms)))
                    .collect();
                if !latencies.is_empty() {
                    store.put(region, cf("OriginLatency"), at, &latencies);
                }
            }
        }
    }

    /// Publishes the viewer-request CloudFront Function's metrics (us-east-1, `FunctionName` and
    /// `Region=Global`): it runs once per viewer request of these records, none of them fails or
    /// is throttled, and its compute utilization is a steady 8–24 % of its allowed time.
    pub(crate) fn publish_function_metrics(&mut self, function: &str, records: &[AccessRecord]) {
        let dims = [("FunctionName", function), ("Region", "Global")];
        let cf = |m: &str| key("AWS/CloudFront", m, &dims);
        let region = MetricRegion::UsEast1;
        let mut minutes: BTreeMap<i64, Vec<&AccessRecord>> = BTreeMap::new();
        for r in records {
            minutes.entry(minute_of(r.time)).or_default().push(r);
        }
        let store = &mut self.metrics;
        for (minute, rs) in minutes {
            let at = Timestamp(minute);
            let n = rs.len() as f64;
            store.put(region, cf("FunctionInvocations"), at, &[n]);
            for zero in [
                "FunctionExecutionErrors",
                "FunctionValidationErrors",
                "FunctionThrottles",
            ] {
                store.put(region, cf(zero), at, &[0.0]);
            }
            let compute: Vec<f64> = rs
                .iter()
                .map(|r| 8.0 + (r.time.millis().rem_euclid(17)) as f64)
                .collect();
            store.put(region, cf("FunctionComputeUtilization"), at, &compute);
        }
    }

    /// Publishes API Gateway's and Lambda's metrics of these calls (API `api`, function `function`).
    pub(crate) fn publish_api_metrics(&mut self, api: &str, function: &str, calls: &[ApiCall]) {
        let gw = |m: &str| key("AWS/ApiGateway", m, &[("ApiName", api)]);
        let fun = |m: &str| key("AWS/Lambda", m, &[("FunctionName", function)]);
        let region = MetricRegion::Home;
        let mut minutes: BTreeMap<i64, Vec<&ApiCall>> = BTreeMap::new();
        for c in calls {
            minutes.entry(minute_of(c.at)).or_default().push(c);
        }
        let store = &mut self.metrics;
        for (minute, cs) in minutes {
            let at = Timestamp(minute);
            let flag = |f: &dyn Fn(&ApiCall) -> bool| -> Vec<f64> {
                cs.iter().map(|c| if f(c) { 1.0 } else { 0.0 }).collect()
            };
            let ones = vec![1.0; cs.len()];
            let durations: Vec<f64> = cs.iter().map(|c| c.duration_ms).collect();
            let latency: Vec<f64> = durations.iter().map(|d| d + GATEWAY_OVERHEAD_MS).collect();
            store.put(region, gw("Count"), at, &ones);
            store.put(
                region,
                gw("4XXError"),
                at,
                &flag(&|c| (400..500).contains(&c.status)),
            );
            store.put(region, gw("5XXError"), at, &flag(&|c| c.status >= 500));
            store.put(region, gw("Latency"), at, &latency);
            store.put(region, fun("Invocations"), at, &ones);
            store.put(region, fun("Errors"), at, &flag(&|c| c.status >= 500));
            store.put(region, fun("Throttles"), at, &vec![0.0; cs.len()]);
            store.put(region, fun("Duration"), at, &durations);
            // Executions running at once, on average over the minute, at least one.
            let busy: f64 = durations.iter().sum::<f64>() / Timestamp::MINUTE as f64;
            store.put(
                region,
                fun("ConcurrentExecutions"),
                at,
                &[busy.ceil().max(1.0)],
            );
        }
    }

    /// `GetMetricData` at the simulated time.
    pub(crate) fn op_metric_data(&self, req: &MetricRequest) -> CloudResult<Vec<MetricSeries>> {
        self.metrics.get(req, self.now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(id: &str, metric: &str, stat: &str) -> MetricQuery {
        MetricQuery {
            id: id.into(),
            namespace: "AWS/Lambda".into(),
            metric: metric.into(),
            dimensions: vec![("FunctionName".into(), "f".into())],
            stat: stat.into(),
            period_secs: 60,
        }
    }

    #[test]
    fn statistics_over_a_minute_and_no_data_when_nothing_was_published() {
        let mut store = MetricStore::default();
        let k = key("AWS/Lambda", "Duration", &[("FunctionName", "f")]);
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        store.put(MetricRegion::Home, k, Timestamp(0), &values);
        let req = MetricRequest {
            region: MetricRegion::Home,
            queries: vec![
                query("p", "Duration", "p99"),
                query("a", "Duration", "Average"),
                query("m", "Duration", "Maximum"),
                query("none", "Errors", "Sum"),
            ],
            start: Timestamp(0),
            end: Timestamp(2 * Timestamp::MINUTE),
        };
        let got = store.get(&req, Timestamp(3 * Timestamp::MINUTE)).unwrap();
        assert_eq!(got[0].points, vec![(Timestamp(0), 99.0)]);
        assert_eq!(got[1].points, vec![(Timestamp(0), 50.5)]);
        assert_eq!(got[2].points, vec![(Timestamp(0), 100.0)]);
        assert!(got[3].points.is_empty(), "no data, not a zero");
        // Not yet published a minute after the minute.
        let early = store.get(&req, Timestamp(Timestamp::MINUTE)).unwrap();
        assert!(early[0].points.is_empty());
        // Asked in the other region: nothing.
        let elsewhere = MetricRequest {
            region: MetricRegion::UsEast1,
            ..req
        };
        let got = store
            .get(&elsewhere, Timestamp(3 * Timestamp::MINUTE))
            .unwrap();
        assert!(got[0].points.is_empty());
    }

    fn lambda(function: &str, metric: &str, stat: &str) -> MetricQuery {
        MetricQuery {
            dimensions: vec![("FunctionName".into(), function.into())],
            ..query(metric, metric, stat)
        }
    }

    fn cdn(id: &str, metric: &str, stat: &str) -> MetricQuery {
        MetricQuery {
            id: metric.to_ascii_lowercase(),
            namespace: "AWS/CloudFront".into(),
            metric: metric.into(),
            dimensions: vec![
                ("DistributionId".into(), id.into()),
                ("Region".into(), "Global".into()),
            ],
            stat: stat.into(),
            period_secs: 60,
        }
    }

    /// The Lambda metrics count the invocations the log group holds; CloudFront's are in
    /// us-east-1, with the additional metrics where they are on (not dev); a degraded
    /// environment's 5xx rate shows in its metrics.
    #[test]
    fn the_metrics_count_what_the_logs_hold() {
        use crate::cloud::LogQuery;
        use crate::cloud::sim::{SimConfig, demo_specs};
        let config = SimConfig {
            history_days: 0,
            ..SimConfig::default()
        };
        let mut sim = Simulator::new(config, &demo_specs());
        assert!(sim.degrade("stg", 0.2, Timestamp::HOUR));
        sim.advance(40 * Timestamp::MINUTE);
        let now = sim.now();
        let end = Timestamp(minute_of(now) - 2 * Timestamp::MINUTE);
        let start = end - 20 * Timestamp::MINUTE;
        let req = |region, queries| MetricRequest {
            region,
            queries,
            start,
            end,
        };
        let got = sim
            .op_metric_data(&req(
                MetricRegion::Home,
                vec![lambda("storefront-api-prd", "Invocations", "Sum")],
            ))
            .unwrap();
        let invocations: f64 = got[0].points.iter().map(|p| p.1).sum();
        let mut starts = 0;
        let mut token = None;
        loop {
            let page = sim
                .logs
                .filter(
                    crate::cloud::sim::ACCOUNT,
                    &LogQuery {
                        group: "/aws/lambda/storefront-api-prd".into(),
                        start: Some(start),
                        end: Some(end - 1),
                        pattern: Some("START".into()),
                        next_token: token,
                        ..LogQuery::default()
                    },
                    now,
                )
                .unwrap();
            starts += page.events.len();
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        assert!(starts > 50, "prd serves API calls: {starts}");
        assert_eq!(invocations, starts as f64);

        let cf = |id: &str, metric: &str, stat: &str, region| {
            sim.op_metric_data(&req(region, vec![cdn(id, metric, stat)]))
                .unwrap()
                .remove(0)
                .points
        };
        assert!(!cf("E2PRDSTOREFRNT", "Requests", "Sum", MetricRegion::UsEast1).is_empty());
        assert!(cf("E2PRDSTOREFRNT", "Requests", "Sum", MetricRegion::Home).is_empty());
        assert!(
            !cf(
                "E2PRDSTOREFRNT",
                "CacheHitRate",
                "Average",
                MetricRegion::UsEast1
            )
            .is_empty()
        );
        assert!(
            cf(
                "E2DEVSTOREFRNT",
                "CacheHitRate",
                "Average",
                MetricRegion::UsEast1
            )
            .is_empty()
        );
        let rate = |id: &str| {
            let p = cf(id, "5xxErrorRate", "Average", MetricRegion::UsEast1);
            p.iter().map(|x| x.1).sum::<f64>() / p.len().max(1) as f64
        };
        assert!(
            rate("E2STGSTOREFRNT") > 5.0,
            "stg degraded: {}",
            rate("E2STGSTOREFRNT")
        );
        assert!(
            rate("E2PRDSTOREFRNT") < 2.0,
            "prd healthy: {}",
            rate("E2PRDSTOREFRNT")
        );

        // The viewer function the distribution names runs once per viewer request: its
        // invocations are the distribution's requests, minute by minute, in us-east-1 only.
        let function = sim
            .distribution("E2PRDSTOREFRNT")
            .and_then(|d| d.viewer_function)
            .expect("prd's distribution names its viewer function");
        let vf = |metric: &str, stat: &str, region| {
            let q = MetricQuery {
                id: "vf".into(),
                namespace: "AWS/CloudFront".into(),
                metric: metric.into(),
                dimensions: vec![
                    ("FunctionName".into(), function.clone()),
                    ("Region".into(), "Global".into()),
                ],
                stat: stat.into(),
                period_secs: 60,
            };
            sim.op_metric_data(&req(region, vec![q]))
                .unwrap()
                .remove(0)
                .points
        };
        let requests = cf("E2PRDSTOREFRNT", "Requests", "Sum", MetricRegion::UsEast1);
        assert_eq!(
            vf("FunctionInvocations", "Sum", MetricRegion::UsEast1),
            requests
        );
        assert!(vf("FunctionInvocations", "Sum", MetricRegion::Home).is_empty());
        let errors = vf("FunctionExecutionErrors", "Sum", MetricRegion::UsEast1);
        assert_eq!(errors.len(), requests.len(), "zeros, not missing points");
        assert!(errors.iter().all(|p| p.1 == 0.0));
        let compute = vf(
            "FunctionComputeUtilization",
            "Average",
            MetricRegion::UsEast1,
        );
        assert!(
            compute.iter().all(|p| (8.0..=24.0).contains(&p.1)),
            "{compute:?}"
        );
    }
}
