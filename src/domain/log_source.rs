//! How a distribution's access logs are delivered: legacy standard logging (a bucket and a
//! prefix in the distribution's config) or a standard logging v2 delivery (CloudWatch Logs
//! delivery APIs: destination, output format, record fields, S3 key template).

use serde::{Deserialize, Serialize};

/// Where a log source delivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LogDestination {
    /// An S3 bucket; keys follow `key_template` (see `accesslog::KeyTemplate`), then the file name.
    S3 {
        /// Bucket name.
        bucket: String,
        /// The key up to the file name: literal text and `{DistributionId}`, `{yyyy}`, `{MM}`,
        /// `{dd}`, `{HH}`.
        key_template: String,
    },
    /// A CloudWatch Logs log group (v2 `CWL`).
    CloudWatchLogs {
        /// The destination resource ARN.
        arn: String,
    },
    /// A Firehose stream (v2 `FH`).
    Firehose {
        /// The destination resource ARN.
        arn: String,
    },
    /// A destination shipdeck does not know.
    Other {
        /// The destination resource ARN.
        arn: String,
    },
}

impl LogDestination {
    /// The destination by its resource ARN: `arn:aws:s3:::bucket[/prefix]` (the key template
    /// built by `template` from the prefix), a log group or a Firehose stream.
    pub fn from_arn(arn: &str, template: impl FnOnce(&str) -> String) -> LogDestination {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let service = parts.get(2).copied().unwrap_or("");
        if service == "s3" {
            let path = parts.get(5).copied().unwrap_or("");
            let (bucket, prefix) = path.split_once('/').unwrap_or((path, ""));
            return LogDestination::S3 {
                bucket: bucket.to_string(),
                key_template: template(prefix),
            };
        }
        match service {
            "logs" => LogDestination::CloudWatchLogs { arn: arn.into() },
            "firehose" => LogDestination::Firehose { arn: arn.into() },
            _ => LogDestination::Other { arn: arn.into() },
        }
    }

    /// A one-line description: `s3://bucket/template`, or the kind and ARN.
    pub fn describe(&self) -> String {
        match self {
            LogDestination::S3 {
                bucket,
                key_template,
            } => format!("s3://{bucket}/{key_template}"),
            LogDestination::CloudWatchLogs { arn } => format!("CloudWatch Logs {arn}"),
            LogDestination::Firehose { arn } => format!("Firehose {arn}"),
            LogDestination::Other { arn } => arn.clone(),
        }
    }
}

/// Legacy logging or a v2 delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceKind {
    /// Standard logging (legacy), from the distribution's config.
    Legacy,
    /// Standard logging v2: a delivery.
    Delivery {
        /// The delivery id.
        id: String,
        /// The delivery source's name.
        source: String,
        /// The delivery destination's name.
        destination: String,
    },
}

/// One way a distribution's access logs are delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogSource {
    /// `legacy`, or the delivery's id: what `--source` and `:logsource` take.
    pub name: String,
    /// Legacy or v2.
    #[serde(flatten)]
    pub kind: SourceKind,
    /// Where it delivers.
    pub destination: LogDestination,
    /// The output format: `w3c` (legacy), or v2's `json`, `plain`, `w3c`, `raw`, `parquet`.
    pub format: String,
    /// The record fields in order (empty: the format's header names them, or all of them).
    pub fields: Vec<String>,
    /// The field delimiter of `plain` and `w3c` output, when the delivery sets one.
    pub delimiter: Option<String>,
}

impl LogSource {
    /// Legacy logging to `bucket` (the bare bucket name) under `prefix`.
    pub fn legacy(bucket: &str, prefix: &str) -> LogSource {
        LogSource {
            name: LEGACY.into(),
            kind: SourceKind::Legacy,
            destination: LogDestination::S3 {
                bucket: bucket.to_string(),
                key_template: prefix.to_string(),
            },
            format: "w3c".into(),
            fields: Vec::new(),
            delimiter: None,
        }
    }

    /// The bucket and key template, when it delivers to S3.
    pub fn s3(&self) -> Option<(&str, &str)> {
        match &self.destination {
            LogDestination::S3 {
                bucket,
                key_template,
            } => Some((bucket, key_template)),
            _ => None,
        }
    }

    /// Why shipdeck cannot read it yet, if it cannot.
    pub fn unreadable(&self) -> Option<&'static str> {
        match &self.destination {
            LogDestination::S3 { .. } if self.format == "raw" => {
                Some("raw output is not read by shipdeck")
            }
            LogDestination::S3 { .. } => None,
            LogDestination::CloudWatchLogs { .. } if self.format == "raw" => {
                Some("raw output is not read by shipdeck")
            }
            LogDestination::CloudWatchLogs { .. } => None,
            LogDestination::Firehose { .. } => Some("a Firehose stream cannot be read back"),
            LogDestination::Other { .. } => Some("unknown destination"),
        }
    }

    /// The log group's ARN, when it delivers to CloudWatch Logs.
    pub fn log_group(&self) -> Option<&str> {
        match &self.destination {
            LogDestination::CloudWatchLogs { arn } => Some(arn),
            _ => None,
        }
    }

    /// `legacy`, or `v2 <delivery id>`.
    pub fn label(&self) -> String {
        match &self.kind {
            SourceKind::Legacy => "legacy".into(),
            SourceKind::Delivery { id, .. } => format!("v2 {id}"),
        }
    }
}

/// The name of the legacy source.
pub const LEGACY: &str = "legacy";

/// The source read when the operator picks none: the first readable v2 delivery to S3 (it
/// carries more fields), else legacy logging if readable, else the first readable delivery to a
/// log group (read through `FilterLogEvents`, a slower and throttled path than S3); `None` when
/// nothing can be read.
pub fn default_source(sources: &[LogSource]) -> Option<usize> {
    let readable = |s: &LogSource| s.unreadable().is_none();
    let in_s3 = |s: &LogSource| readable(s) && s.s3().is_some();
    sources
        .iter()
        .position(|s| in_s3(s) && s.kind != SourceKind::Legacy)
        .or_else(|| sources.iter().position(in_s3))
        .or_else(|| sources.iter().position(readable))
}

/// The source `pick` names: a 1-based number in `sources`' order, or a name (`legacy`, a
/// delivery id, or its delivery source's or destination's name). The error lists the choices.
pub fn pick_source(sources: &[LogSource], pick: &str) -> Result<usize, String> {
    let found = match pick.parse::<usize>() {
        Ok(n) if (1..=sources.len()).contains(&n) => Some(n - 1),
        Ok(_) => None,
        Err(_) => sources.iter().position(|s| {
            s.name == pick
                || matches!(&s.kind, SourceKind::Delivery { source, destination, .. }
                    if source == pick || destination == pick)
        }),
    };
    found.ok_or_else(|| {
        let list: Vec<String> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{} ({})", i + 1, s.name))
            .collect();
        if list.is_empty() {
            format!("no log source `{pick}`: the distribution has none")
        } else {
            format!("no log source `{pick}`; choose {}", list.join(", "))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2(id: &str, arn: &str, format: &str) -> LogSource {
        LogSource {
            name: id.into(),
            kind: SourceKind::Delivery {
                id: id.into(),
                source: format!("{id}-src"),
                destination: format!("{id}-dst"),
            },
            destination: LogDestination::from_arn(arn, |p| p.to_string()),
            format: format.into(),
            fields: Vec::new(),
            delimiter: None,
        }
    }

    #[test]
    fn destinations_by_arn() {
        let s3 = LogDestination::from_arn("arn:aws:s3:::logs-b/cf/stg", |p| format!("{p}/x/"));
        assert_eq!(
            s3,
            LogDestination::S3 {
                bucket: "logs-b".into(),
                key_template: "cf/stg/x/".into()
            }
        );
        let bare = LogDestination::from_arn("arn:aws:s3:::logs-b", |p| format!("[{p}]"));
        assert_eq!(bare.describe(), "s3://logs-b/[]");
        let cwl = LogDestination::from_arn("arn:aws:logs:us-east-1:1:log-group:g", |p| p.into());
        assert!(matches!(cwl, LogDestination::CloudWatchLogs { .. }));
        let fh = LogDestination::from_arn("arn:aws:firehose:us-east-1:1:deliverystream/s", |_| {
            String::new()
        });
        assert!(matches!(fh, LogDestination::Firehose { .. }));
    }

    #[test]
    fn the_default_is_the_first_readable_delivery() {
        let legacy = LogSource::legacy("b", "p/");
        let cwl = v2("d1", "arn:aws:logs:us-east-1:1:log-group:g", "json");
        let s3 = v2("d2", "arn:aws:s3:::b2", "parquet");
        assert_eq!(default_source(&[legacy.clone(), cwl.clone(), s3]), Some(2));
        assert_eq!(default_source(&[legacy, cwl.clone()]), Some(0));
        assert_eq!(default_source(std::slice::from_ref(&cwl)), Some(0));
        let raw = v2("d3", "arn:aws:logs:us-east-1:1:log-group:g", "raw");
        assert_eq!(default_source(&[raw, cwl]), Some(1));
        assert_eq!(default_source(&[]), None);
    }

    #[test]
    fn picks_by_number_or_name() {
        let all = [
            LogSource::legacy("b", ""),
            v2("d2", "arn:aws:s3:::b2", "json"),
        ];
        assert_eq!(pick_source(&all, "2"), Ok(1));
        assert_eq!(pick_source(&all, "legacy"), Ok(0));
        assert_eq!(pick_source(&all, "d2-dst"), Ok(1));
        let e = pick_source(&all, "3").unwrap_err();
        assert_eq!(e, "no log source `3`; choose 1 (legacy), 2 (d2)");
        assert!(pick_source(&[], "1").unwrap_err().contains("has none"));
    }
}
