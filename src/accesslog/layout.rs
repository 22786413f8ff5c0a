//! Where CloudFront files its log objects in a bucket (pure): the key template of a log source,
//! flat (`<prefix><dist>.YYYY-MM-DD-HH.<unique>.gz`, legacy logging and v2 without time
//! variables) or partitioned by hour (v2's suffix path, e.g. `{DistributionId}/{yyyy}/{MM}/{dd}/{HH}`
//! or its Hive form `distributionid={DistributionId}/year={yyyy}/…`), all in UTC.
//!
//! A template is the key up to the file name: literal text and the variables `{DistributionId}`
//! (also `{distributionid}`), `{yyyy}`, `{MM}`, `{dd}` and `{HH}`. The account id is written out
//! (discovery knows it). A partitioned template ends at a `/` before the file name.

use crate::domain::Timestamp;
use chrono::{Datelike, Timelike};

/// One piece of a key template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Text as written.
    Lit(String),
    /// The distribution id.
    Dist,
    /// Four-digit year.
    Year,
    /// Two-digit month.
    Month,
    /// Two-digit day of the month.
    Day,
    /// Two-digit hour (UTC).
    Hour,
}

impl Part {
    fn is_time(&self) -> bool {
        matches!(self, Part::Year | Part::Month | Part::Day | Part::Hour)
    }
}

/// The variables a template may hold, as written.
pub const VARIABLES: &str = "{DistributionId}, {yyyy}, {MM}, {dd}, {HH}";

/// The key template of a log source; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTemplate {
    text: String,
    parts: Vec<Part>,
}

impl KeyTemplate {
    /// Parses `text`; an unknown or unclosed variable is an error naming it.
    pub fn parse(text: &str) -> Result<KeyTemplate, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            lit.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return Err(format!(
                    "unclosed `{{` in key template `{text}`; variables: {VARIABLES}"
                ));
            };
            let part = match &after[..close] {
                "DistributionId" | "distributionid" => Part::Dist,
                "yyyy" => Part::Year,
                "MM" => Part::Month,
                "dd" => Part::Day,
                "HH" => Part::Hour,
                "accountid" | "account-id" => {
                    return Err(format!(
                        "write the account id itself instead of `{{{}}}` in key template \
                         `{text}`",
                        &after[..close]
                    ));
                }
                other => {
                    return Err(format!(
                        "unknown variable `{{{other}}}` in key template `{text}`; variables: \
                         {VARIABLES}"
                    ));
                }
            };
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(&mut lit)));
            }
            parts.push(part);
            rest = &after[close + 1..];
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        let mut text = text.to_string();
        if parts.iter().any(Part::is_time) && !text.ends_with('/') {
            // The file name follows the partition folders after a `/`.
            text.push('/');
            match parts.last_mut() {
                Some(Part::Lit(l)) => l.push('/'),
                _ => parts.push(Part::Lit("/".into())),
            }
        }
        Ok(KeyTemplate { text, parts })
    }

    /// A flat template: the literal prefix of legacy logging.
    pub fn flat(prefix: &str) -> KeyTemplate {
        KeyTemplate {
            text: prefix.to_string(),
            parts: vec![Part::Lit(prefix.to_string())],
        }
    }

    /// The template as written (a partitioned one with its closing `/`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether keys are partitioned by time (the template holds a time variable).
    pub fn is_partitioned(&self) -> bool {
        self.parts.iter().any(Part::is_time)
    }

    /// Whether keys are partitioned down to the hour.
    pub fn has_hour(&self) -> bool {
        self.parts.contains(&Part::Hour)
    }

    /// The template rendered for `dist` at `t` (UTC): a flat template's prefix, or the folder
    /// of `t`'s partition.
    pub fn render(&self, dist: &str, t: Timestamp) -> String {
        let d = chrono::DateTime::from_timestamp_millis(t.millis()).unwrap_or_default();
        let mut out = String::with_capacity(self.text.len() + 16);
        for part in &self.parts {
            match part {
                Part::Lit(l) => out.push_str(l),
                Part::Dist => out.push_str(dist),
                Part::Year => out.push_str(&format!("{:04}", d.year())),
                Part::Month => out.push_str(&format!("{:02}", d.month())),
                Part::Day => out.push_str(&format!("{:02}", d.day())),
                Part::Hour => out.push_str(&format!("{:02}", d.hour())),
            }
        }
        out
    }

    /// The start of the partition a key of `dist` lies in (missing month or day count as the
    /// first, a missing hour as midnight), or `None` when the key does not fit the template.
    /// For a flat template: `None` (the hour is in the file name, see
    /// [`crate::accesslog::key_hour`]).
    pub fn partition_of(&self, key: &str, dist: &str) -> Option<Timestamp> {
        if !self.is_partitioned() {
            return None;
        }
        let (mut year, mut month, mut day, mut hour) = (None, 1, 1, 0);
        let mut rest = key;
        for part in &self.parts {
            let digits = |rest: &mut &str, n: usize| -> Option<u32> {
                let s = rest.get(..n)?;
                if !s.bytes().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                *rest = &rest[n..];
                s.parse().ok()
            };
            match part {
                Part::Lit(l) => rest = rest.strip_prefix(l.as_str())?,
                Part::Dist => rest = rest.strip_prefix(dist)?,
                Part::Year => year = Some(digits(&mut rest, 4)?),
                Part::Month => month = digits(&mut rest, 2)?,
                Part::Day => day = digits(&mut rest, 2)?,
                Part::Hour => hour = digits(&mut rest, 2)?,
            }
        }
        let date = chrono::NaiveDate::from_ymd_opt(year? as i32, month, day)?;
        let t = date.and_hms_opt(hour, 0, 0)?.and_utc();
        Some(Timestamp(t.timestamp_millis()))
    }
}

impl std::fmt::Display for KeyTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The key template of a v2 delivery to S3: the destination's prefix and a `/`, or
/// `AWSLogs/{account}/CloudFront/` when the destination has no prefix, then the suffix path (if
/// any; one that starts `AWSLogs/` itself is not doubled), each variable written `name=value`
/// when the delivery enables Hive-compatible paths; the account id written out.
pub fn delivery_template(prefix: &str, suffix: Option<&str>, hive: bool, account: &str) -> String {
    let mut out = String::new();
    let suffix = suffix.unwrap_or("").trim_start_matches('/');
    if !prefix.trim_matches('/').is_empty() {
        out.push_str(prefix.trim_end_matches('/'));
        out.push('/');
    } else if !suffix.starts_with("AWSLogs/") {
        out.push_str(&format!("AWSLogs/{account}/CloudFront/"));
    }
    let mut rest = suffix;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        let name = &after[..close];
        let (hive_name, text) = match name {
            "DistributionId" | "distributionid" => ("distributionid", "{DistributionId}".into()),
            "yyyy" => ("year", "{yyyy}".into()),
            "MM" => ("month", "{MM}".into()),
            "dd" => ("day", "{dd}".into()),
            "HH" => ("hour", "{HH}".into()),
            "accountid" | "account-id" => ("accountid", account.to_string()),
            other => (other, format!("{{{other}}}")),
        };
        if hive {
            out.push_str(hive_name);
            out.push('=');
        }
        out.push_str(&text);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    // As [`KeyTemplate::parse`] reads it: partition folders end with a `/`.
    match KeyTemplate::parse(&out) {
        Ok(t) => t.as_str().to_string(),
        Err(_) => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        let t = chrono::DateTime::parse_from_rfc3339(s).unwrap();
        Timestamp(t.timestamp_millis())
    }

    #[test]
    fn renders_each_partition_in_utc() {
        let t = KeyTemplate::parse("logs/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}").unwrap();
        assert!(t.is_partitioned() && t.has_hour());
        assert_eq!(t.as_str(), "logs/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}/");
        let key = t.render("E1", at("2026-12-31T23:59:59Z"));
        assert_eq!(key, "logs/E1/2026/12/31/23/");
        let file = format!("{key}E1.2026-12-31-23.abc.gz");
        assert_eq!(
            t.partition_of(&file, "E1"),
            Some(at("2026-12-31T23:00:00Z"))
        );
        assert_eq!(t.partition_of(&file, "E2"), None);
        assert_eq!(t.partition_of("logs/E1/2026/1x/31/23/f", "E1"), None);
    }

    #[test]
    fn a_flat_template_has_no_partitions() {
        let t = KeyTemplate::parse("cloudfront/prd/").unwrap();
        assert!(!t.is_partitioned());
        assert_eq!(
            t.render("E1", at("2026-01-01T00:00:00Z")),
            "cloudfront/prd/"
        );
        assert_eq!(
            t.partition_of("cloudfront/prd/E1.2026-01-01-00.a.gz", "E1"),
            None
        );
    }

    #[test]
    fn bad_variables_are_named() {
        let e = KeyTemplate::parse("x/{yyyy}/{week}/").unwrap_err();
        assert!(e.contains("unknown variable `{week}`"), "{e}");
        let e = KeyTemplate::parse("x/{yyyy").unwrap_err();
        assert!(e.contains("unclosed"), "{e}");
        let e = KeyTemplate::parse("AWSLogs/{accountid}/").unwrap_err();
        assert!(e.contains("account id"), "{e}");
    }

    #[test]
    fn delivery_templates_follow_prefix_suffix_and_hive() {
        let suffix = Some("{DistributionId}/{yyyy}/{MM}/{dd}/{HH}");
        assert_eq!(
            delivery_template("cf/stg", suffix, true, "123"),
            "cf/stg/distributionid={DistributionId}/year={yyyy}/month={MM}/day={dd}/hour={HH}/"
        );
        assert_eq!(
            delivery_template("", suffix, false, "123"),
            "AWSLogs/123/CloudFront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}/"
        );
        assert_eq!(
            delivery_template("", None, false, "123"),
            "AWSLogs/123/CloudFront/"
        );
        assert_eq!(
            delivery_template("p/", Some("AWSLogs/{account-id}/CloudFront/"), false, "9"),
            "p/AWSLogs/9/CloudFront/"
        );
        assert_eq!(
            delivery_template("", Some("AWSLogs/{account-id}/CloudFront/"), false, "9"),
            "AWSLogs/9/CloudFront/"
        );
        let hive = delivery_template("cf", suffix, true, "1");
        let t = KeyTemplate::parse(&hive).unwrap();
        let key = format!(
            "{}E9.2027-01-01-00.x.parquet",
            t.render("E9", at("2027-01-01T00:10:00Z"))
        );
        assert_eq!(
            key,
            "cf/distributionid=E9/year=2027/month=01/day=01/hour=00/E9.2027-01-01-00.x.parquet"
        );
        assert_eq!(t.partition_of(&key, "E9"), Some(at("2027-01-01T00:00:00Z")));
    }
}
