//! Compatibility with local emulators: the CloudWatch SDK speaks Smithy RPC v2 CBOR, which moto
//! 5.2.5 cannot parse, while it serves the same operations over AWS JSON 1.0. With an endpoint
//! override, an interceptor sends each request as JSON 1.0 (same members, timestamps as epoch
//! seconds) and, when the SDK could not read the JSON answer, reads it again as CBOR. It is never installed against AWS itself.

use aws_sdk_cloudwatch::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_cbor::data::Type;
use aws_smithy_cbor::{Decoder, Encoder};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextMut, FinalizerInterceptorContextMut,
};
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::DateTime;
use aws_smithy_types::body::SdkBody;
use serde_json::{Map, Number, Value};

/// The JSON 1.0 target prefix of CloudWatch's operations.
const TARGET_PREFIX: &str = "GraniteServiceVersion20100801";
/// Members of CloudWatch's answers that hold timestamps (lists of them, or one).
const TIMESTAMP_KEYS: &[&str] = &["Timestamps", "Timestamp", "StateUpdatedTimestamp"];

/// Sends CloudWatch's CBOR requests as JSON 1.0 and reads the JSON answers back as CBOR.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct JsonProtocol;

impl Intercept for JsonProtocol {
    fn name(&self) -> &'static str {
        "EmulatorCloudWatchJson"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let operation = request
            .uri()
            .rsplit("/operation/")
            .next()
            .unwrap_or_default()
            .to_string();
        let body = request.body().bytes().unwrap_or_default();
        let value = if body.is_empty() {
            Value::Object(Map::new())
        } else {
            let mut d = Decoder::new(body);
            cbor_to_json(&mut d)?
        };
        let json = serde_json::to_vec(&value)?;
        let base = request
            .uri()
            .split("/service/")
            .next()
            .unwrap_or_default()
            .to_string();
        request.set_uri(format!("{}/", base.trim_end_matches('/')))?;
        let headers = request.headers_mut();
        headers.remove("smithy-protocol");
        headers.remove("accept");
        headers.insert("content-type", "application/x-amz-json-1.0");
        headers.insert("x-amz-target", format!("{TARGET_PREFIX}.{operation}"));
        headers.insert("content-length", json.len().to_string());
        *request.body_mut() = SdkBody::from(json);
        Ok(())
    }

    /// The SDK failed to read the JSON answer as CBOR: read it again, transcoded.
    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        super::super::emulator::read_again(context, cfg, true, |response| {
            let value = response
                .body()
                .bytes()
                .and_then(|b| serde_json::from_slice::<Value>(b).ok())?;
            let mut e = Encoder::new(Vec::new());
            json_to_cbor(&mut e, &value, false);
            let mut again = Response::new(response.status(), SdkBody::from(e.into_writer()));
            again
                .headers_mut()
                .insert("content-type", "application/cbor");
            again.headers_mut().insert("smithy-protocol", "rpc-v2-cbor");
            Some(again)
        });
        Ok(())
    }
}

/// One CBOR item as JSON (timestamps as epoch seconds).
fn cbor_to_json(d: &mut Decoder<'_>) -> Result<Value, BoxError> {
    Ok(match d.datatype()? {
        Type::Bool => Value::Bool(d.boolean()?),
        Type::Null | Type::Undefined => {
            d.skip()?;
            Value::Null
        }
        Type::U8 | Type::U16 | Type::U32 | Type::U64 | Type::I8 | Type::I16 | Type::I32 => {
            Value::Number(Number::from(d.long()?))
        }
        Type::I64 | Type::Int => Value::Number(Number::from(d.long()?)),
        Type::F16 | Type::F32 | Type::F64 => {
            let f = match d.datatype()? {
                Type::F64 => d.double()?,
                _ => f64::from(d.float()?),
            };
            Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
        Type::String | Type::StringIndef => Value::String(d.string()?),
        Type::Bytes | Type::BytesIndef => {
            let blob = d.blob()?;
            Value::String(String::from_utf8_lossy(blob.as_ref()).into_owned())
        }
        Type::Tag => {
            let t = d.timestamp()?;
            Number::from_f64(t.as_secs_f64()).map_or(Value::Null, Value::Number)
        }
        Type::Array | Type::ArrayIndef => {
            let mut items = Vec::new();
            match d.list()? {
                Some(n) => {
                    for _ in 0..n {
                        items.push(cbor_to_json(d)?);
                    }
                }
                None => {
                    while d.datatype()? != Type::Break {
                        items.push(cbor_to_json(d)?);
                    }
                    d.skip()?;
                }
            }
            Value::Array(items)
        }
        Type::Map | Type::MapIndef => {
            let mut map = Map::new();
            match d.map()? {
                Some(n) => {
                    for _ in 0..n {
                        let k = d.string()?;
                        map.insert(k, cbor_to_json(d)?);
                    }
                }
                None => {
                    while d.datatype()? != Type::Break {
                        let k = d.string()?;
                        map.insert(k, cbor_to_json(d)?);
                    }
                    d.skip()?;
                }
            }
            Value::Object(map)
        }
        other => return Err(format!("unexpected CBOR item {other:?}").into()),
    })
}

/// A JSON timestamp (epoch seconds, or RFC 3339 text) as a date-time.
fn timestamp(v: &Value) -> Option<DateTime> {
    match v {
        Value::Number(n) => n.as_f64().map(DateTime::from_secs_f64),
        Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| DateTime::from_millis(d.timestamp_millis())),
        _ => None,
    }
}

/// JSON as CBOR; `stamps`: the value is (a list of) timestamps.
fn json_to_cbor(e: &mut Encoder, v: &Value, stamps: bool) {
    if stamps && let Some(t) = timestamp(v) {
        e.timestamp(&t);
        return;
    }
    match v {
        Value::Null => {
            e.null();
        }
        Value::Bool(b) => {
            e.boolean(*b);
        }
        Value::Number(n) => match n.as_i64() {
            Some(i) => {
                e.long(i);
            }
            None => {
                e.double(n.as_f64().unwrap_or(f64::NAN));
            }
        },
        Value::String(s) => {
            e.str(s);
        }
        Value::Array(items) => {
            e.array(items.len());
            for item in items {
                json_to_cbor(e, item, stamps);
            }
        }
        Value::Object(map) => {
            e.map(map.len());
            for (k, item) in map {
                e.str(k);
                json_to_cbor(e, item, TIMESTAMP_KEYS.contains(&k.as_str()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_answers_become_cbor_with_tagged_timestamps_and_back() {
        let json = serde_json::json!({
            "MetricDataResults": [{
                "Id": "q1",
                "Timestamps": ["2026-12-06T12:00:00Z", 1_796_558_460.0],
                "Values": [1.5, 2],
                "StatusCode": "Complete"
            }]
        });
        let mut e = Encoder::new(Vec::new());
        json_to_cbor(&mut e, &json, false);
        let bytes = e.into_writer();
        let back = cbor_to_json(&mut Decoder::new(&bytes)).unwrap();
        let result = &back["MetricDataResults"][0];
        assert_eq!(result["Id"], "q1");
        assert_eq!(result["Timestamps"][0], 1_796_558_400.0);
        assert_eq!(result["Timestamps"][1], 1_796_558_460.0);
        assert_eq!(result["Values"][0], 1.5);
        assert_eq!(result["Values"][1], 2);
    }
}
