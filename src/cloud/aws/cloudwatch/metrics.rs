//! The `Metrics` port over CloudWatch: one `GetMetricData` call (its pages followed), in the
//! configured region or in us-east-1 for CloudFront's metrics.

use super::super::AwsCloud;
use super::super::errors::{Call, Site, map};
use crate::cloud::{CloudResult, Metrics};
use crate::domain::{MetricQuery, MetricRegion, MetricRequest, MetricSeries, Timestamp};
use async_trait::async_trait;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};

/// Pages of one call read at most (a page holds up to 100,800 data points).
const PAGES: usize = 10;

fn query(q: &MetricQuery) -> MetricDataQuery {
    let dims = q
        .dimensions
        .iter()
        .map(|(name, value)| Dimension::builder().name(name).value(value).build())
        .collect();
    let metric = Metric::builder()
        .namespace(&q.namespace)
        .metric_name(&q.metric)
        .set_dimensions(Some(dims))
        .build();
    let stat = MetricStat::builder()
        .metric(metric)
        .period(q.period_secs as i32)
        .stat(&q.stat)
        .build();
    MetricDataQuery::builder()
        .id(&q.id)
        .metric_stat(stat)
        .return_data(true)
        .build()
}

fn at(t: Timestamp) -> DateTime {
    DateTime::from_millis(t.millis())
}

#[async_trait]
impl Metrics for AwsCloud {
    async fn get_metric_data(&self, request: &MetricRequest) -> CloudResult<Vec<MetricSeries>> {
        let r = self.ready().await;
        let site = match request.region {
            MetricRegion::Home => r.site.clone(),
            MetricRegion::UsEast1 => Site {
                region: Some(MetricRegion::CLOUDFRONT.into()),
                ..r.site.clone()
            },
        };
        let c = Call {
            service: "monitoring",
            operation: "GetMetricData",
            iam: "cloudwatch:GetMetricData",
            resources: &[("metric", "*")],
        };
        let mut series: Vec<MetricSeries> = request
            .queries
            .iter()
            .map(|q| MetricSeries {
                id: q.id.clone(),
                points: Vec::new(),
            })
            .collect();
        let mut token: Option<String> = None;
        for _ in 0..PAGES {
            let call = match request.region {
                MetricRegion::Home => r.clients.cloudwatch.get_metric_data(),
                MetricRegion::UsEast1 => r.clients.cloudwatch_cdn.get_metric_data(),
            };
            let page = call
                .set_metric_data_queries(Some(request.queries.iter().map(query).collect()))
                .start_time(at(request.start))
                .end_time(at(request.end))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| map(e, &c, &site))?;
            for result in page.metric_data_results() {
                let Some(s) = series
                    .iter_mut()
                    .find(|s| Some(s.id.as_str()) == result.id())
                else {
                    continue;
                };
                let points = result
                    .timestamps()
                    .iter()
                    .zip(result.values())
                    .filter(|(_, v)| v.is_finite())
                    .map(|(t, v)| (Timestamp(t.to_millis().unwrap_or(0)), *v));
                s.points.extend(points);
            }
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        for s in &mut series {
            s.points.sort_by_key(|(t, _)| *t);
        }
        Ok(series)
    }
}
