//! The `Logs` port over CloudWatch Logs: `FilterLogEvents` pages (a missing log stream named as
//! such; a group given by its ARN asked in the ARN's region, such as a CloudFront delivery's
//! log group in us-east-1) and `DescribeLogGroups`.

use super::super::AwsCloud;
use super::super::errors::{Call, Site, map};
use super::livetail;
use crate::cloud::{CloudError, CloudResult, LiveTail, LiveTailRequest, LogPage, LogQuery, Logs};
use crate::domain::{LogEvent, LogSource, Timestamp};
use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;

/// Pages of `DescribeLogGroups` read at most (50 groups a page).
const GROUP_PAGES: usize = 20;
/// The most events `FilterLogEvents` returns in one page.
const MAX_LIMIT: usize = 10_000;

/// Whether a failed `FilterLogEvents` says a log stream it was asked for does not exist
/// (`ResourceNotFoundException`, "The specified log stream does not exist."), not the group.
fn stream_missing(code: Option<&str>, message: Option<&str>) -> bool {
    code == Some("ResourceNotFoundException")
        && message.is_some_and(|m| m.to_ascii_lowercase().contains("log stream"))
}

/// The region of a log group ARN (`arn:aws:logs:REGION:…`); `None` for a name.
fn arn_region(group: &str) -> Option<&str> {
    group
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').nth(2))
}

#[async_trait]
impl Logs for AwsCloud {
    /// One page, as the service answers it: maybe partial, maybe empty with a token (callers
    /// follow tokens with [`crate::cloud::filter_pages`]).
    async fn filter_log_events(&self, query: &LogQuery) -> CloudResult<LogPage> {
        let r = self.ready().await;
        let c = Call {
            service: "logs",
            operation: "FilterLogEvents",
            iam: "logs:FilterLogEvents",
            resources: &[("log group", query.group.as_str())],
        };
        // A CloudFront delivery's log group is in us-east-1, whatever the environment's region.
        let in_delivery_region = arn_region(&query.group) == Some(super::DELIVERY_REGION)
            && r.site.region.as_deref() != Some(super::DELIVERY_REGION);
        let (request, site) = if in_delivery_region {
            let site = Site {
                region: Some(super::DELIVERY_REGION.into()),
                ..r.site.clone()
            };
            (r.clients.deliveries.filter_log_events(), site)
        } else {
            (r.clients.logs.filter_log_events(), r.site.clone())
        };
        let page = request
            .log_group_name(crate::cloud::group_name(&query.group))
            .set_log_stream_names((!query.streams.is_empty()).then(|| query.streams.clone()))
            .set_start_time(query.start.map(Timestamp::millis))
            .set_end_time(query.end.map(Timestamp::millis))
            .set_filter_pattern(query.pattern.clone())
            .set_limit(query.limit.map(|l| l.clamp(1, MAX_LIMIT) as i32))
            .set_next_token(query.next_token.clone())
            .send()
            .await
            .map_err(|e| {
                if !query.streams.is_empty() && stream_missing(e.code(), e.message()) {
                    CloudError::NotFound {
                        kind: "log stream".into(),
                        name: format!("{} in {}", query.streams.join(", "), query.group),
                    }
                } else {
                    map(e, &c, &site)
                }
            })?;
        // FilteredLogEvent names no group: its events are the one group's asked for.
        let mut events: Vec<LogEvent> = page
            .events()
            .iter()
            .map(|e| LogEvent {
                group: query.group.clone(),
                event_id: e.event_id.clone().unwrap_or_default(),
                stream: e.log_stream_name.clone().unwrap_or_default(),
                timestamp: Timestamp(e.timestamp.unwrap_or(0)),
                ingestion_time: Timestamp(e.ingestion_time.unwrap_or(0)),
                message: e.message.clone().unwrap_or_default(),
            })
            .collect();
        events.sort_by_key(|e| e.timestamp);
        Ok(LogPage {
            events,
            next_token: page.next_token,
        })
    }

    async fn describe_log_groups(&self, prefix: &str) -> CloudResult<Vec<String>> {
        let r = self.ready().await;
        let c = Call {
            service: "logs",
            operation: "DescribeLogGroups",
            iam: "logs:DescribeLogGroups",
            resources: &[("log group", prefix)],
        };
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..GROUP_PAGES {
            let page = r
                .clients
                .logs
                .describe_log_groups()
                .set_log_group_name_prefix((!prefix.is_empty()).then(|| prefix.to_string()))
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| map(e, &c, &r.site))?;
            names.extend(
                page.log_groups()
                    .iter()
                    .filter_map(|g| g.log_group_name.clone()),
            );
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        Ok(names)
    }

    async fn start_live_tail(&self, req: &LiveTailRequest) -> CloudResult<LiveTail> {
        livetail::start_live_tail(self, req).await
    }

    async fn log_deliveries(&self, distribution_id: &str) -> CloudResult<Vec<LogSource>> {
        super::deliveries::log_deliveries(self, distribution_id).await
    }

    async fn start_query(&self, query: &crate::cloud::InsightsQuery) -> CloudResult<String> {
        super::insights::start_query(self, query).await
    }

    async fn get_query_results(&self, query_id: &str) -> CloudResult<crate::cloud::QueryResults> {
        super::insights::get_query_results(self, query_id).await
    }

    async fn stop_query(&self, query_id: &str) -> CloudResult<()> {
        super::insights::stop_query(self, query_id).await
    }
}
