//! Which log source a tail reads (pure): the configuration's `logs_bucket`/`logs_prefix` when
//! set, else the source picked among those discovery found (`:logsource`, `--source`), else
//! the default one ([`crate::domain::default_source`]).

use crate::accesslog::KeyTemplate;
use crate::accesslog::input::PlainLayout;
use crate::cloud::Discovery;
use crate::domain::{EnvSpec, LogSource, default_source, pick_source};

/// Where a tail reads: a bucket and its key layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsTarget {
    /// The bucket.
    pub bucket: String,
    /// Its key layout.
    pub layout: KeyTemplate,
    /// Which source this is: `configured`, `legacy`, `v2 <delivery id>`, with its format.
    pub label: String,
    /// The layout of a delivery's plain (headerless) lines: its record fields and delimiter.
    pub plain: Option<PlainLayout>,
}

impl LogsTarget {
    /// `s3://bucket/<layout>`, for messages.
    pub fn describe(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.layout)
    }

    /// The keys of `dist`'s log files, for messages: `s3://bucket/<prefix><dist>.*` (flat) or
    /// `s3://bucket/<template>*` (partitioned).
    pub fn keys(&self, dist: &str) -> String {
        if self.layout.is_partitioned() {
            format!("{}*", self.describe())
        } else {
            format!("{}{dist}.*", self.describe())
        }
    }

    /// The target of an S3 source.
    fn of(source: &LogSource) -> Result<LogsTarget, String> {
        let Some((bucket, template)) = source.s3() else {
            return Err(format!("{} cannot be read", source.label()));
        };
        let layout =
            KeyTemplate::parse(template).map_err(|e| format!("{}: {e}", source.label()))?;
        let plain = match source.format.as_str() {
            "plain" => {
                let fields = source.fields.join(",");
                let layout = PlainLayout::parse(&fields, source.delimiter.as_deref())
                    .map_err(|e| format!("{}: plain output: {e}", source.label()))?;
                Some(layout)
            }
            _ => None,
        };
        Ok(LogsTarget {
            bucket: bucket.to_string(),
            layout,
            label: format!("{} ({})", source.label(), source.format),
            plain,
        })
    }
}

/// What a tail of an environment can do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Read this.
    Target(LogsTarget),
    /// Discover the distribution's log sources first.
    Discover,
    /// Nothing can be read, and why.
    Unreadable(String),
}

/// Resolves the target of `spec`'s tail from the configuration, or from what discovery `found`
/// and the operator's `pick` (which wins over the configuration); see the module docs.
pub fn resolve(spec: &EnvSpec, found: Option<&Discovery>, pick: Option<&str>) -> Resolved {
    if let (Some(bucket), None) = (&spec.logs_bucket, pick) {
        let layout = KeyTemplate::parse(&spec.logs_prefix)
            .unwrap_or_else(|_| KeyTemplate::flat(&spec.logs_prefix));
        return Resolved::Target(LogsTarget {
            bucket: bucket.clone(),
            layout,
            label: "configured".into(),
            plain: None,
        });
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
        Err(Some(e)) => return Resolved::Unreadable(e),
        Err(None) => return Resolved::Unreadable(nothing_readable(&sources, found)),
    };
    let source = &sources[index];
    if let Some(why) = source.unreadable() {
        return Resolved::Unreadable(format!("{}: {why}", source.label()));
    }
    match LogsTarget::of(source) {
        Ok(t) => Resolved::Target(t),
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
        let mut s = crate::cloud::sim::demo_specs().remove(0);
        s.logs_bucket = bucket.map(str::to_string);
        s.logs_prefix = prefix.into();
        s
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
        assert_eq!((t.bucket.as_str(), t.layout.as_str()), ("pinned", "cf/"));
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
        let Resolved::Unreadable(e) = resolve(&s, Some(&found), Some("7")) else {
            panic!("read");
        };
        assert!(e.contains("choose 1 (legacy), 2 (d1)"), "{e}");
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
