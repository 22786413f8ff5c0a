//! `GetMetricData` against the local AWS emulator: data put with `PutMetricData` comes back
//! through the `Metrics` port per query (Sum, Average, Maximum over one-minute periods, oldest
//! first), a metric without data points is an empty series (no data, not a zero), and both calls
//! go through the CBOR-to-JSON compatibility the SDK needs to talk to moto. moto 5.2.5 computes
//! no percentiles (p50/p99): those are covered by the simulator's tests.

use crate::support::emulator;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use emulator::{connect, unique};
use shipdeck::cloud::Clouds;
use shipdeck::domain::{MetricQuery, MetricRegion, MetricRequest, Timestamp};

fn query(id: &str, function: &str, metric: &str, stat: &str) -> MetricQuery {
    MetricQuery {
        id: id.into(),
        namespace: "AWS/Lambda".into(),
        metric: metric.into(),
        dimensions: vec![("FunctionName".into(), function.into())],
        stat: stat.into(),
        period_secs: 60,
    }
}

#[tokio::test]
async fn metric_data_put_comes_back_per_query_and_an_unknown_metric_has_no_data() {
    let (aws, c, _) = connect().await;
    let function = unique("storefront-api");
    // Two whole minutes well in the past, so that "now" never splits them.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let m0 = now - now.rem_euclid(60_000) - 10 * 60_000;
    let m1 = m0 + 60_000;
    let datum = |metric: &str, at: i64, value: f64| {
        MetricDatum::builder()
            .metric_name(metric)
            .dimensions(
                Dimension::builder()
                    .name("FunctionName")
                    .value(&function)
                    .build(),
            )
            .timestamp(DateTime::from_millis(at))
            .value(value)
            .build()
    };
    c.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .metric_data(datum("Invocations", m0 + 1_000, 3.0))
        .metric_data(datum("Invocations", m0 + 2_000, 4.0))
        .metric_data(datum("Invocations", m1 + 1_000, 5.0))
        .metric_data(datum("Duration", m0 + 1_000, 40.0))
        .metric_data(datum("Duration", m0 + 3_000, 80.0))
        .send()
        .await
        .unwrap();
    let request = MetricRequest {
        region: MetricRegion::Home,
        queries: vec![
            query("inv", &function, "Invocations", "Sum"),
            query("avg", &function, "Duration", "Average"),
            query("max", &function, "Duration", "Maximum"),
            query("err", &function, "Errors", "Sum"),
        ],
        start: Timestamp(m0),
        end: Timestamp(m1 + 60_000),
    };
    let series = aws.cloud().metrics.get_metric_data(&request).await.unwrap();
    let ids: Vec<&str> = series.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["inv", "avg", "max", "err"]);
    assert_eq!(
        series[0].points,
        vec![(Timestamp(m0), 7.0), (Timestamp(m1), 5.0)],
        "sums per minute, oldest first"
    );
    assert_eq!(series[1].points, vec![(Timestamp(m0), 60.0)]);
    assert_eq!(series[2].points, vec![(Timestamp(m0), 80.0)]);
    assert!(series[3].points.is_empty(), "no data, not a zero");
}

/// The viewer function's metrics are asked for in the same us-east-1 call as the
/// distribution's (`FunctionName` and `Region=Global`), and what CloudFront published there is
/// what the map reads: invocations, errors of both kinds, throttles, compute utilization; a
/// metric with no data point in the window is no data, not 0.
#[tokio::test]
async fn the_viewer_functions_metrics_come_back_from_us_east_1_in_the_cloudfront_call() {
    use shipdeck::app::health::signals::{Reading, Signal, requests, window};
    use shipdeck::domain::HealthSpec;
    let (aws, c, _) = connect().await;
    let function = unique("site-viewer-request");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let now = Timestamp(now_ms);
    let (start, _) = window(now, 5);
    let datum = |metric: &str, value: f64| {
        MetricDatum::builder()
            .metric_name(metric)
            .dimensions(
                Dimension::builder()
                    .name("FunctionName")
                    .value(&function)
                    .build(),
            )
            .dimensions(Dimension::builder().name("Region").value("Global").build())
            .timestamp(DateTime::from_millis(start.millis() + 30_000))
            .value(value)
            .build()
    };
    c.cloudwatch_cdn
        .put_metric_data()
        .namespace("AWS/CloudFront")
        .metric_data(datum("FunctionInvocations", 1_200.0))
        .metric_data(datum("FunctionExecutionErrors", 3.0))
        .metric_data(datum("FunctionThrottles", 0.0))
        .metric_data(datum("FunctionComputeUtilization", 31.0))
        .send()
        .await
        .unwrap();
    let spec = crate::support::spec("prd", None);
    let health = HealthSpec {
        viewer_function: Some(function.clone()),
        ..HealthSpec::default()
    };
    let envs = vec![(spec, health)];
    let calls = requests(&envs, now);
    let cdn: Vec<_> = calls
        .iter()
        .filter(|r| r.region == MetricRegion::UsEast1)
        .collect();
    assert_eq!(cdn.len(), 1, "one us-east-1 call");
    assert!(
        cdn[0]
            .queries
            .iter()
            .any(|q| q.metric == "FunctionInvocations")
    );
    assert!(cdn[0].queries.iter().any(|q| q.metric == "Requests"));
    let readings =
        shipdeck::runtime::health::read_metrics(&Clouds::single(aws.cloud()), &envs, now, &[])
            .await;
    assert_eq!(
        readings.get(0, Signal::ViewerInvocations),
        Reading::Value(1_200.0)
    );
    assert_eq!(
        readings.get(0, Signal::ViewerExecErrors),
        Reading::Value(3.0)
    );
    assert_eq!(
        readings.get(0, Signal::ViewerThrottles),
        Reading::Value(0.0)
    );
    assert_eq!(readings.get(0, Signal::ViewerCompute), Reading::Value(31.0));
    assert_eq!(
        readings.get(0, Signal::ViewerValidationErrors),
        Reading::NoData,
        "nothing published: no data, not 0"
    );
}
