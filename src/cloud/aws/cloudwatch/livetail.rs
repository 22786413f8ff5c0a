//! `StartLiveTail` over CloudWatch Logs: group names become ARNs, the event stream becomes a
//! stream of batches whose events are checked against the groups asked for. With an endpoint override the SDK's `streaming-` host prefix is cleared
//! (an emulator on `127.0.0.1` has no `streaming-127.0.0.1`).

use super::super::AwsCloud;
use super::super::errors::{Call, map};
use crate::cloud::{CloudError, CloudResult, LiveTail, LiveTailBatch, LiveTailRequest};
use crate::domain::{LogEvent, Timestamp};
use aws_sdk_cloudwatchlogs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::types::{LiveTailSessionUpdate, StartLiveTailResponseStream};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextMut;
use futures::StreamExt;

/// Drops the endpoint host prefix of an operation (installed only with an endpoint override).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NoHostPrefix;

impl Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "EmulatorNoHostPrefix"
    }

    fn modify_before_serialization(
        &self,
        _context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().unset::<EndpointPrefix>();
        Ok(())
    }
}

/// `arn:aws:logs:REGION:ACCOUNT:log-group:NAME`, unless `name` is an ARN already.
pub(crate) fn group_arn(name: &str, region: &str, account: &str) -> String {
    if name.starts_with("arn:") {
        return name.to_string();
    }
    format!("arn:aws:logs:{region}:{account}:log-group:{name}")
}

/// The events of one update, each with the group the service said it came from, checked
/// against the groups of `req` (whose identifiers `sent` went out as ARNs).
fn batch(
    update: &LiveTailSessionUpdate,
    req: &LiveTailRequest,
    sent: &[String],
    seq: &mut u64,
) -> LiveTailBatch {
    let events = update
        .session_results()
        .iter()
        .map(|e| {
            *seq += 1;
            let timestamp = Timestamp(e.timestamp.unwrap_or(0));
            LogEvent {
                group: e.log_group_identifier().unwrap_or_default().to_string(),
                event_id: format!("live-{:020}-{seq:010}", timestamp.millis().max(0)),
                stream: e.log_stream_name().unwrap_or_default().to_string(),
                timestamp,
                ingestion_time: Timestamp(e.ingestion_time.unwrap_or(0)),
                message: e.message().unwrap_or_default().to_string(),
            }
        })
        .collect();
    let sampled = update.session_metadata().is_some_and(|m| m.sampled);
    LiveTailBatch::checked(req, sent, events, sampled)
}

/// `StartLiveTail` for up to ten groups.
pub(super) async fn start_live_tail(
    aws: &AwsCloud,
    req: &LiveTailRequest,
) -> CloudResult<LiveTail> {
    req.check().map_err(|message| CloudError::Rejected {
        code: "InvalidParameterException".into(),
        message,
    })?;
    let r = aws.ready().await;
    let first = req.groups.first().map_or("", String::as_str);
    let c = Call {
        service: "logs",
        operation: "StartLiveTail",
        iam: "logs:StartLiveTail",
        resources: &[("log group", first)],
    };
    let who = Call {
        service: "sts",
        operation: "GetCallerIdentity",
        iam: "sts:GetCallerIdentity",
        resources: &[],
    };
    let me = r.clients.sts.get_caller_identity().send().await;
    let account = me
        .map_err(|e| map(e, &who, &r.site))?
        .account
        .unwrap_or_default();
    let region = r.site.region.clone().unwrap_or_else(|| "us-east-1".into());
    let arns: Vec<String> = req
        .groups
        .iter()
        .map(|g| group_arn(g, &region, &account))
        .collect();
    let out = r
        .clients
        .logs
        .start_live_tail()
        .set_log_group_identifiers(Some(arns.clone()))
        .set_log_stream_names((!req.streams.is_empty()).then(|| req.streams.clone()))
        .set_log_event_filter_pattern(req.pattern.clone())
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    let asked = std::sync::Arc::new((req.clone(), arns));
    let state = (Some(out.response_stream), 0u64);
    let stream = futures::stream::unfold(state, move |(rx, mut seq)| {
        let asked = asked.clone();
        async move {
            let mut rx = rx?;
            loop {
                match rx.recv().await {
                    Ok(Some(StartLiveTailResponseStream::SessionUpdate(u))) => {
                        let b = batch(&u, &asked.0, &asked.1, &mut seq);
                        return Some((Ok(b), (Some(rx), seq)));
                    }
                    Ok(Some(_)) => continue,
                    Ok(None) => return None,
                    Err(e) => {
                        let code = e.code().unwrap_or("SessionStreamingException").to_string();
                        let message = e.message().map_or_else(|| e.to_string(), str::to_string);
                        let err = CloudError::Rejected { code, message };
                        return Some((Err(err), (None, seq)));
                    }
                }
            }
        }
    });
    Ok(stream.boxed())
}
