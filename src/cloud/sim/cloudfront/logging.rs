//! How each simulated distribution logs: an environment whose configuration pins a logs bucket
//! logs there the legacy way; otherwise the demo's setups by environment name — `stg` a v2
//! delivery of gzip JSON lines to S3 with Hive-compatible paths and a second one of JSON events
//! to the CloudWatch Logs group [`stg_log_group`], `prd` both legacy logging and
//! a v2 delivery of Parquet under the default `AWSLogs/` path, partitioned by hour, any other
//! legacy logging under `cloudfront/<name>/` — each answering `GetDistribution` and the delivery
//! APIs as AWS would.

use super::formats::{LogFormat, V2_FIELDS};
use crate::accesslog::{Field, KeyTemplate, delivery_template};
use crate::domain::{EnvSpec, LogDestination, LogSource, SourceKind, Timestamp};

/// The demo's logs bucket.
pub const DEMO_LOGS_BUCKET: &str = "storefront-cloudfront-logs";
/// The suffix path of the demo's v2 deliveries.
pub const DEMO_SUFFIX: &str = "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}";

/// How one source writes its objects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Writing {
    /// Legacy: gzip W3C, every legacy field.
    Legacy,
    /// A v2 delivery in `format` with `fields`, gzip-compressed unless Parquet.
    V2 {
        /// Output format.
        format: LogFormat,
        /// Record fields in order.
        fields: Vec<Field>,
    },
}

/// One log source of a simulated distribution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimSource {
    /// What discovery shows.
    pub(crate) source: LogSource,
    /// How its objects are written.
    pub(crate) writing: Writing,
}

impl SimSource {
    /// The bucket and key of the object of `dist`'s window at `w` with `unique` in its name.
    pub(crate) fn key(&self, dist: &str, w: Timestamp, unique: &str) -> Option<(String, String)> {
        let (bucket, template) = self.source.s3()?;
        let template = KeyTemplate::parse(template).ok()?;
        let hour = crate::accesslog::hour_string(w);
        let ext = match &self.writing {
            Writing::V2 {
                format: LogFormat::Parquet { .. },
                ..
            } => "parquet",
            _ => "gz",
        };
        let folder = template.render(dist, w);
        Some((
            bucket.to_string(),
            format!("{folder}{dist}.{hour}.{unique}.{ext}"),
        ))
    }
}

/// The log group of stg's delivery to CloudWatch Logs.
pub fn stg_log_group() -> String {
    "/aws/cloudfront/storefront-stg".into()
}

/// A v2 delivery of JSON events to CloudWatch Logs group `group` (in us-east-1, where
/// CloudFront delivers) as discovery shows it.
fn log_group_delivery(env: &str, account: &str, id: &str, group: &str) -> LogSource {
    let arn = format!("arn:aws:logs:us-east-1:{account}:log-group:{group}");
    LogSource {
        name: id.into(),
        kind: SourceKind::Delivery {
            id: id.into(),
            source: format!("storefront-{env}-access-logs"),
            destination: format!("storefront-{env}-json-cwl"),
        },
        destination: LogDestination::from_arn(&arn, |p| p.to_string()),
        format: "json".into(),
        fields: V2_FIELDS.iter().map(|f| f.name().to_string()).collect(),
        delimiter: None,
    }
}

/// A v2 delivery to S3 as discovery shows it.
fn delivery(
    env: &str,
    account: &str,
    id: &str,
    bucket: &str,
    prefix: &str,
    hive: bool,
    format: &str,
) -> LogSource {
    let arn = if prefix.is_empty() {
        format!("arn:aws:s3:::{bucket}")
    } else {
        format!("arn:aws:s3:::{bucket}/{prefix}")
    };
    LogSource {
        name: id.into(),
        kind: SourceKind::Delivery {
            id: id.into(),
            source: format!("storefront-{env}-access-logs"),
            destination: format!("storefront-{env}-{format}-s3"),
        },
        destination: LogDestination::from_arn(&arn, |p| {
            delivery_template(p, Some(DEMO_SUFFIX), hive, account)
        }),
        format: format.into(),
        fields: V2_FIELDS.iter().map(|f| f.name().to_string()).collect(),
        delimiter: None,
    }
}

/// The log sources of `spec`'s distribution, which lives in `account`; see the module docs.
pub(crate) fn setup(spec: &EnvSpec, account: &str) -> Vec<SimSource> {
    let legacy = |bucket: &str, prefix: &str| SimSource {
        source: LogSource::legacy(bucket, prefix),
        writing: Writing::Legacy,
    };
    if let Some(bucket) = &spec.logs_bucket {
        return vec![legacy(bucket, &spec.logs_prefix)];
    }
    let name = spec.name.as_str();
    let fields = V2_FIELDS.to_vec();
    match name {
        "stg" => vec![
            SimSource {
                source: delivery(
                    name,
                    account,
                    "stg1json2hive3d",
                    DEMO_LOGS_BUCKET,
                    "cloudfront-v2/stg",
                    true,
                    "json",
                ),
                writing: Writing::V2 {
                    format: LogFormat::Json,
                    fields: fields.clone(),
                },
            },
            SimSource {
                source: log_group_delivery(name, account, "stg4json5cwl6d", &stg_log_group()),
                writing: Writing::V2 {
                    format: LogFormat::Json,
                    fields,
                },
            },
        ],
        "prd" => vec![
            legacy(DEMO_LOGS_BUCKET, "cloudfront/prd/"),
            SimSource {
                source: delivery(
                    name,
                    account,
                    "prd1parquet2s3d",
                    DEMO_LOGS_BUCKET,
                    "",
                    false,
                    "parquet",
                ),
                writing: Writing::V2 {
                    format: LogFormat::Parquet {
                        rows_per_group: 512,
                    },
                    fields,
                },
            },
        ],
        _ => vec![legacy(DEMO_LOGS_BUCKET, &format!("cloudfront/{name}/"))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_each_setup() {
        let mut spec = crate::cloud::sim::demo_specs().remove(1);
        spec.logs_bucket = None;
        let s = setup(&spec, crate::cloud::sim::ACCOUNT);
        let w = Timestamp(1_798_761_600_000); // 2027-01-01T00:00Z
        let (bucket, key) = s[0].key("E2STG", w, "ab").unwrap();
        assert_eq!(bucket, DEMO_LOGS_BUCKET);
        assert_eq!(
            key,
            "cloudfront-v2/stg/distributionid=E2STG/year=2027/month=01/day=01/hour=00/\
             E2STG.2027-01-01-00.ab.gz"
        );
        spec.name = "prd".into();
        let s = setup(&spec, "222222222222");
        assert_eq!(s.len(), 2);
        let (_, key) = s[1].key("E2PRD", w, "cd").unwrap();
        assert_eq!(
            key,
            "AWSLogs/222222222222/CloudFront/E2PRD/2027/01/01/00/E2PRD.2027-01-01-00.cd.parquet"
        );
        let (_, key) = s[0].key("E2PRD", w, "ef").unwrap();
        assert_eq!(key, "cloudfront/prd/E2PRD.2027-01-01-00.ef.gz");
    }
}
