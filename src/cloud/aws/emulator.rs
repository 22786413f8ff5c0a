//! Compatibility with local emulators: moto writes CodePipeline's timestamps as ISO 8601 strings
//! where the API (and so the SDK) uses epoch seconds, and the SDK cannot read such a response.
//! With an endpoint override, an interceptor gives a 2xx answer the SDK failed to read a second
//! chance with those fields rewritten as numbers. It is never installed against AWS itself.

use crate::domain::Timestamp;
use aws_sdk_codepipeline::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::ser_de::{DeserializeResponse, SharedResponseDeserializer};
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::body::SdkBody;
use serde_json::Value;

/// Every timestamp member of CodePipeline's JSON shapes.
const TIMESTAMP_KEYS: &[&str] = &[
    "approvedAt",
    "created",
    "endTime",
    "lastChangedAt",
    "lastStatusChange",
    "lastTriggered",
    "lastUpdateTime",
    "pollingDisabledAt",
    "startTime",
    "updated",
];

/// Re-reads a 2xx CodePipeline answer whose ISO 8601 timestamps the SDK refused.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EpochTimestamps;

impl Intercept for EpochTimestamps {
    fn name(&self) -> &'static str {
        "EmulatorEpochTimestamps"
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let read = read_again(context, cfg, false, |response| {
            let fixed = response
                .body()
                .bytes()
                .filter(|_| response.status().is_success())
                .and_then(rewrite)?;
            Some(Response::new(response.status(), SdkBody::from(fixed)))
        });
        if read {
            tracing::debug!("read an emulator's ISO 8601 timestamps as epoch seconds");
        }
        Ok(())
    }
}

/// After the SDK failed to read an emulator's answer: reads again the response `rewrite` makes of
/// it (the original headers, then any `rewrite` set), and keeps that result when it succeeded, or
/// in any case with `always`. Whether the second result was kept.
pub(crate) fn read_again(
    context: &mut FinalizerInterceptorContextMut<'_>,
    cfg: &mut ConfigBag,
    always: bool,
    rewrite: impl FnOnce(&HttpResponse) -> Option<HttpResponse>,
) -> bool {
    if !matches!(context.output_or_error(), Some(Err(_))) {
        return false;
    }
    let retried = {
        let Some(response) = context.response() else {
            return false;
        };
        let Some(mut again) = rewrite(response) else {
            return false;
        };
        let Some(deserializer) = cfg.load::<SharedResponseDeserializer>() else {
            return false;
        };
        let mut headers = response.headers().clone();
        for (name, value) in again.headers().iter() {
            headers.insert(name.to_string(), value.to_string());
        }
        *again.headers_mut() = headers;
        deserializer.deserialize_nonstreaming_with_config(&again, cfg)
    };
    match context.output_or_error_mut() {
        Some(slot) if always || retried.is_ok() => {
            *slot = retried;
            true
        }
        _ => false,
    }
}

/// The body with every ISO 8601 timestamp member turned into epoch seconds; `None` if none was.
fn rewrite(body: &[u8]) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(body).ok()?;
    if !fix(&mut value) {
        return None;
    }
    serde_json::to_vec(&value).ok()
}

fn fix(value: &mut Value) -> bool {
    let mut changed = false;
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if let Value::String(text) = v
                    && TIMESTAMP_KEYS.contains(&key.as_str())
                    && let Some(t) = Timestamp::parse_rfc3339(text)
                    && let Some(n) = serde_json::Number::from_f64(t.millis() as f64 / 1000.0)
                {
                    *v = Value::Number(n);
                    changed = true;
                } else {
                    changed |= fix(v);
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                changed |= fix(v);
            }
        }
        _ => {}
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamps_become_epoch_seconds_and_nothing_else_changes() {
        let body = br#"{"pipelineExecutionSummaries":[{"startTime":"2026-11-25T21:15:44.154Z",
            "statusSummary":"2026-11-25T21:15:44.154Z","lastUpdateTime":1764061200.5}],
            "metadata":{"created":"2026-11-25T21:15:44Z"}}"#;
        let out: Value = serde_json::from_slice(&rewrite(body).unwrap()).unwrap();
        let row = &out["pipelineExecutionSummaries"][0];
        assert_eq!(row["startTime"].as_f64(), Some(1_795_641_344.154));
        assert_eq!(
            row["statusSummary"], "2026-11-25T21:15:44.154Z",
            "not a timestamp member"
        );
        assert_eq!(row["lastUpdateTime"].as_f64(), Some(1_764_061_200.5));
        assert_eq!(out["metadata"]["created"].as_f64(), Some(1_795_641_344.0));
        assert_eq!(rewrite(br#"{"created":1.5}"#), None, "already numbers");
        assert_eq!(rewrite(b"<html>"), None);
    }
}
