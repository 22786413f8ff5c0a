//! Which log source a tail reads (pure): the configuration's `logs_bucket`/`logs_prefix` when
//! set, else the source picked among those discovery found (`:logsource`, `--source`), else
//! the default one ([`crate::domain::default_source`]). A source in S3 is read by its key
//! layout; a delivery to a CloudWatch Logs log group through `FilterLogEvents`.

use crate::accesslog::input::PlainLayout;
use crate::accesslog::{Filter, KeyTemplate};
use crate::cloud::Discovery;
use crate::domain::{EnvSpec, LogSource, default_source, pick_source};
use crate::query::{self, QueryError, Setup};

/// Where a tail's records are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Objects in a bucket.
    Bucket {
        /// The bucket.
        bucket: String,
        /// Its key layout.
        layout: KeyTemplate,
    },
    /// Events of a CloudWatch Logs log group, one record each.
    Group {
        /// The log group's ARN, as the delivery destination names it.
        arn: String,
    },
}

/// Where a tail reads and how its records are laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsTarget {
    /// The bucket and layout, or the log group.
    pub place: Place,
    /// Which source this is: `configured`, `legacy`, `v2 <delivery id>`, with its format.
    pub label: String,
    /// The layout of a delivery's plain (headerless) lines: its record fields and delimiter.
    pub plain: Option<PlainLayout>,
    /// A delivery's record fields, as it names them (empty: the format's defaults, or not a
    /// delivery); a query refuses a field it does not log.
    pub fields: Vec<crate::accesslog::Field>,
    /// The discovered source read (`None` for the configured bucket, whose fields only its
    /// records tell).
    pub source: Option<LogSource>,
}

impl LogsTarget {
    /// `s3://bucket/<layout>` or `log group <arn>`, for messages.
    pub fn describe(&self) -> String {
        match &self.place {
            Place::Bucket { bucket, layout } => format!("s3://{bucket}/{layout}"),
            Place::Group { arn } => format!("log group {arn}"),
        }
    }

    /// The keys of `dist`'s log files, for messages: `s3://bucket/<prefix><dist>.*` (flat) or
    /// `s3://bucket/<template>*` (partitioned); the log group's events.
    pub fn keys(&self, dist: &str) -> String {
        match &self.place {
            Place::Bucket { layout, .. } if layout.is_partitioned() => {
                format!("{}*", self.describe())
            }
            Place::Bucket { .. } => format!("{}{dist}.*", self.describe()),
            Place::Group { .. } => format!("the events of {}", self.describe()),
        }
    }

    /// Why `filter` cannot be answered over this source, known before reading a record: it
    /// tests a field the source does not log (`country reads the log field c-country, which
    /// legacy (legacy W3C) does not log: …`). The query's own check: the filter as the SQL of
    /// the source's Athena table, or over a delivery to a log group as Logs Insights reads it.
    /// `None` when the source may log every field the filter tests, or when only its records
    /// can tell (the configured bucket).
    pub fn missing_field(&self, filter: &Filter, dist: &str) -> Option<QueryError> {
        let source = self.source.as_ref()?;
        let checked = match &self.place {
            Place::Bucket { .. } => {
                let setup = Setup::of_source(source, dist).ok()?;
                query::condition(filter, &setup).map(drop)
            }
            Place::Group { .. } => query::insights_condition(filter, &self.fields).map(drop),
        };
        match checked {
            Err(e @ QueryError::MissingField { .. }) => Some(e),
            _ => None,
        }
    }

    /// The log group's ARN, when the target is one.
    pub fn group(&self) -> Option<&str> {
        match &self.place {
            Place::Group { arn } => Some(arn),
            Place::Bucket { .. } => None,
        }
    }

    /// The target of a source in S3 or a log group.
    fn of(source: &LogSource) -> Result<LogsTarget, String> {
        let place = match (source.s3(), source.log_group()) {
            (Some((bucket, template)), _) => Place::Bucket {
                bucket: bucket.to_string(),
                layout: KeyTemplate::parse(template)
                    .map_err(|e| format!("{}: {e}", source.label()))?,
            },
            (None, Some(arn)) => Place::Group {
                arn: arn.to_string(),
            },
            (None, None) => return Err(format!("{} cannot be read", source.label())),
        };
        // Plain lines (and W3C lines in a log group, one event each, without a header) are laid
        // out by the delivery's fields and delimiter.
        let headerless = source.format == "plain"
            || (source.format == "w3c" && matches!(place, Place::Group { .. }));
        let plain = if headerless {
            let fields = source.fields.join(",");
            let layout = PlainLayout::parse(&fields, source.delimiter.as_deref())
                .map_err(|e| format!("{}: plain output: {e}", source.label()))?;
            Some(layout)
        } else {
            None
        };
        Ok(LogsTarget {
            place,
            label: format!("{} ({})", source.label(), source.format),
            plain,
            fields: source
                .fields
                .iter()
                .filter_map(|f| crate::accesslog::Field::from_name(f))
                .collect(),
            source: Some(source.clone()),
        })
    }
}

/// What a tail of an environment can do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Read this.
    Target(Box<LogsTarget>),
    /// Discover the distribution's log sources first.
    Discover,
    /// Nothing can be read, and why.
    Unreadable(String),
    /// The operator's pick names none of the sources discovery found (all of them were read):
    /// a bad value, and the choices.
    NoSuchSource(String),
}

/// Resolves the target of `spec`'s tail from the configuration, or from what discovery `found`
/// and the operator's `pick` (which wins over the configuration); see the module docs.
pub fn resolve(spec: &EnvSpec, found: Option<&Discovery>, pick: Option<&str>) -> Resolved {
    if let (Some(bucket), None) = (&spec.logs_bucket, pick) {
        let layout = KeyTemplate::parse(&spec.logs_prefix)
            .unwrap_or_else(|_| KeyTemplate::flat(&spec.logs_prefix));
        return Resolved::Target(Box::new(LogsTarget {
            place: Place::Bucket {
                bucket: bucket.clone(),
                layout,
            },
            label: "configured".into(),
            plain: None,
            fields: Vec::new(),
            source: None,
        }));
    }
    let Some(found) = found else {
        return Resolved::Discover;
    };
    let sources = found.sources();
    let chosen = match pick {
        Some(p) => pick_source(&sources, p).map_err(Some),
        None => default_source(&sources).ok_or(None),
    };
    let index = match chosen {
        Ok(i) => i,
        Err(Some(e)) if found.problems().is_empty() => return Resolved::NoSuchSource(e),
        // A source discovery could not read may be the one picked: unknown, not a bad value.
        Err(Some(e)) => {
            return Resolved::Unreadable(format!("{e} ({})", found.problems().join("; ")));
        }
        Err(None) => return Resolved::Unreadable(nothing_readable(&sources, found)),
    };
    let source = &sources[index];
    if let Some(why) = source.unreadable() {
        return Resolved::Unreadable(format!("{}: {why}", source.label()));
    }
    match LogsTarget::of(source) {
        Ok(t) => Resolved::Target(Box::new(t)),
        Err(e) => Resolved::Unreadable(e),
    }
}

/// Why no source is read by default.
fn nothing_readable(sources: &[LogSource], found: &Discovery) -> String {
    let problems = found.problems();
    if !problems.is_empty() {
        return problems.join("; ");
    }
    if sources.is_empty() {
        return "the distribution has no access logging (neither legacy logging nor a v2 \
                delivery); set logs_bucket in the configuration or turn logging on"
            .into();
    }
    let why: Vec<String> = sources
        .iter()
        .map(|s| format!("{}: {}", s.label(), s.unreadable().unwrap_or("unreadable")))
        .collect();
    format!("no log source shipdeck can read ({})", why.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::CloudError;
    use crate::domain::{LogDestination, SourceKind};

    fn spec(bucket: Option<&str>, prefix: &str) -> EnvSpec {
        EnvSpec {
            name: "dev".into(),
            protected: false,
            read_only: false,
            pipeline: "storefront-deployer-dev".into(),
            source_bucket: "storefront-deployer-source".into(),
            source_key: "dev/release.zip".into(),
            release_prefix: "releases/".into(),
            distribution_id: "E2DEVSTOREFRNT".into(),
            logs_bucket: bucket.map(str::to_string),
            logs_prefix: prefix.into(),
            log_groups: Vec::new(),
            build_log_group: None,
            site_url: None,
            api_url: None,
            promotes_from: None,
        }
    }

    fn v2(id: &str, template: &str) -> LogSource {
        LogSource {
            name: id.into(),
            kind: SourceKind::Delivery {
                id: id.into(),
                source: "s".into(),
                destination: "d".into(),
            },
            destination: LogDestination::S3 {
                bucket: "v2-logs".into(),
                key_template: template.into(),
            },
            format: "json".into(),
            fields: Vec::new(),
            delimiter: None,
        }
    }

    #[test]
    fn the_configuration_wins() {
        let found = Discovery {
            legacy: Ok(None),
            deliveries: Ok(vec![v2("d1", "x/{yyyy}/")]),
        };
        let Resolved::Target(t) = resolve(&spec(Some("pinned"), "cf/"), Some(&found), None) else {
            panic!("not a target");
        };
        assert_eq!(t.describe(), "s3://pinned/cf/");
        assert_eq!(resolve(&spec(None, ""), None, None), Resolved::Discover);
    }

    #[test]
    fn discovered_sources_default_to_v2_and_can_be_picked() {
        let found = Discovery {
            legacy: Ok(Some(LogSource::legacy("old-logs", "cf/"))),
            deliveries: Ok(vec![v2("d1", "v2/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}")]),
        };
        let s = spec(None, "");
        let Resolved::Target(t) = resolve(&s, Some(&found), None) else {
            panic!("not a target");
        };
        assert_eq!(
            t.describe(),
            "s3://v2-logs/v2/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}/"
        );
        assert_eq!(t.label, "v2 d1 (json)");
        let Resolved::Target(t) = resolve(&s, Some(&found), Some("legacy")) else {
            panic!("not a target");
        };
        assert_eq!(t.describe(), "s3://old-logs/cf/");
        let Resolved::NoSuchSource(e) = resolve(&s, Some(&found), Some("7")) else {
            panic!("read");
        };
        assert!(e.contains("choose 1 (legacy), 2 (d1)"), "{e}");
        // With the deliveries unknown, a pick that names no known source may name one of them.
        let partial = Discovery {
            legacy: Ok(Some(LogSource::legacy("old-logs", "cf/"))),
            deliveries: Err(CloudError::AccessDenied {
                action: "logs:DescribeDeliveries".into(),
                why: String::new(),
            }),
        };
        let Resolved::Unreadable(e) = resolve(&s, Some(&partial), Some("d1")) else {
            panic!("a bad value");
        };
        assert!(e.contains("v2 deliveries unknown"), "{e}");
    }

    #[test]
    fn a_delivery_to_a_log_group_is_read_from_the_group() {
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/stg";
        let mut cwl = v2("d-cwl", "");
        cwl.destination = LogDestination::CloudWatchLogs { arn: arn.into() };
        let found = Discovery {
            legacy: Ok(None),
            deliveries: Ok(vec![cwl.clone()]),
        };
        let Resolved::Target(t) = resolve(&spec(None, ""), Some(&found), None) else {
            panic!("not a target");
        };
        assert_eq!(t.group(), Some(arn));
        assert_eq!((t.label.as_str(), t.plain), ("v2 d-cwl (json)", None));
        cwl.format = "plain".into();
        cwl.fields = vec!["date".into(), "time".into(), "sc-status".into()];
        let found = Discovery {
            legacy: Ok(None),
            deliveries: Ok(vec![cwl]),
        };
        let Resolved::Target(t) = resolve(&spec(None, ""), Some(&found), Some("1")) else {
            panic!("not a target");
        };
        assert!(t.plain.is_some());
    }

    #[test]
    fn a_field_the_source_does_not_log_is_named_before_reading() {
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/stg";
        let mut cwl = v2("d-cwl", "");
        cwl.destination = LogDestination::CloudWatchLogs { arn: arn.into() };
        cwl.fields = vec!["date".into(), "time".into(), "sc-status".into()];
        let found = Discovery {
            legacy: Ok(Some(LogSource::legacy("old-logs", "cf/"))),
            deliveries: Ok(vec![
                v2("d1", "v2/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}"),
                cwl,
            ]),
        };
        let target = |pick: Option<&str>, configured: Option<&str>| {
            let Resolved::Target(t) = resolve(&spec(configured, "cf/"), Some(&found), pick) else {
                panic!("not a target");
            };
            t
        };
        let country = Filter::parse("country:DE").unwrap();
        let ofbl = Filter::parse("not ofbl>200").unwrap();
        let legacy = target(Some("legacy"), None);
        let e = legacy.missing_field(&country, "E2DEV").unwrap().to_string();
        assert!(
            e.starts_with(
                "country reads the log field c-country, which legacy (legacy W3C) does not log"
            ),
            "{e}"
        );
        let e = legacy.missing_field(&ofbl, "E2DEV").unwrap().to_string();
        assert!(e.starts_with("ofbl reads the log field origin-fbl"), "{e}");
        let status = Filter::parse("status:5xx path:/api/*").unwrap();
        assert_eq!(legacy.missing_field(&status, "E2DEV"), None);
        // A v2 delivery listing no fields logs them all; one to a log group only those listed.
        assert_eq!(target(None, None).missing_field(&country, "E2DEV"), None);
        let group = target(Some("3"), None);
        let e = group.missing_field(&country, "E2DEV").unwrap().to_string();
        assert!(e.contains("c-country"), "{e}");
        // What the configured bucket logs, only its records tell.
        let configured = target(None, Some("pinned"));
        assert_eq!(configured.missing_field(&country, "E2DEV"), None);
    }

    #[test]
    fn unknown_is_not_none() {
        let denied = CloudError::AccessDenied {
            action: "logs:DescribeDeliverySources".into(),
            why: "not allowed".into(),
        };
        let found = Discovery {
            legacy: Ok(None),
            deliveries: Err(denied),
        };
        let Resolved::Unreadable(e) = resolve(&spec(None, ""), Some(&found), None) else {
            panic!("read");
        };
        assert!(e.contains("v2 deliveries unknown"), "{e}");
        assert!(e.contains("logs:DescribeDeliverySources"), "{e}");
        let none = Discovery {
            legacy: Ok(None),
            deliveries: Ok(Vec::new()),
        };
        let Resolved::Unreadable(e) = resolve(&spec(None, ""), Some(&none), None) else {
            panic!("read");
        };
        assert!(e.contains("no access logging"), "{e}");
    }
}
