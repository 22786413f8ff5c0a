//! Logs Insights over CloudWatch Logs: `StartQuery`, `GetQueryResults` and `StopQuery`.

use super::super::AwsCloud;
use super::super::errors::{Call, map};
use crate::cloud::{CloudResult, InsightsQuery, QueryResults, QueryStatistics, QueryStatus};
use aws_sdk_cloudwatchlogs::types::QueryStatus as Status;

/// The service's status as shipdeck's.
fn status(s: Option<&Status>) -> QueryStatus {
    match s {
        Some(Status::Scheduled) => QueryStatus::Scheduled,
        Some(Status::Running) => QueryStatus::Running,
        Some(Status::Complete) => QueryStatus::Complete,
        Some(Status::Failed) => QueryStatus::Failed,
        Some(Status::Cancelled) => QueryStatus::Cancelled,
        Some(Status::Timeout) => QueryStatus::Timeout,
        _ => QueryStatus::Unknown,
    }
}

/// `StartQuery` over the query's groups; times in whole seconds, as the service takes them.
pub(super) async fn start_query(aws: &AwsCloud, q: &InsightsQuery) -> CloudResult<String> {
    let r = aws.ready().await;
    let groups = q.groups.join(", ");
    let c = Call {
        service: "logs",
        operation: "StartQuery",
        iam: "logs:StartQuery",
        resources: &[("log group", groups.as_str())],
    };
    let out = r
        .clients
        .logs
        .start_query()
        .set_log_group_names(Some(
            q.groups
                .iter()
                .map(|g| crate::cloud::group_name(g).to_string())
                .collect(),
        ))
        .start_time(q.start.millis().div_euclid(1000))
        .end_time(q.end.millis().div_euclid(1000))
        .query_string(&q.query)
        .set_limit(q.limit.map(|l| l as i32))
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(out.query_id.unwrap_or_default())
}

/// `GetQueryResults`: rows as (field, value) pairs in the service's order.
pub(super) async fn get_query_results(aws: &AwsCloud, id: &str) -> CloudResult<QueryResults> {
    let r = aws.ready().await;
    let c = Call {
        service: "logs",
        operation: "GetQueryResults",
        iam: "logs:GetQueryResults",
        resources: &[("query", id)],
    };
    let out = r
        .clients
        .logs
        .get_query_results()
        .query_id(id)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    let rows = out
        .results()
        .iter()
        .map(|row| {
            row.iter()
                .map(|f| {
                    (
                        f.field.clone().unwrap_or_default(),
                        f.value.clone().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .collect();
    let statistics = out
        .statistics
        .as_ref()
        .map_or_else(QueryStatistics::default, |s| QueryStatistics {
            records_matched: s.records_matched,
            records_scanned: s.records_scanned,
            bytes_scanned: s.bytes_scanned,
        });
    Ok(QueryResults {
        status: status(out.status.as_ref()),
        rows,
        statistics,
    })
}

/// `StopQuery`.
pub(super) async fn stop_query(aws: &AwsCloud, id: &str) -> CloudResult<()> {
    let r = aws.ready().await;
    let c = Call {
        service: "logs",
        operation: "StopQuery",
        iam: "logs:StopQuery",
        resources: &[("query", id)],
    };
    r.clients
        .logs
        .stop_query()
        .query_id(id)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(())
}
