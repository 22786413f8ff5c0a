//! The Glue database and table of a logging setup, as Athena DDL (Hive syntax: identifiers in
//! backquotes, string literals with backslash escapes). Modelled on the Athena User Guide's
//! "Query Amazon CloudFront logs" pages: "Create a table for CloudFront standard logs (legacy)"
//! (tab-delimited, `skip.header.line.count` 2), "… using partition projection with JSON" (OpenX
//! JSON SerDe) and "… with Parquet" (ParquetHiveSerDe, every column a string), and "Partition
//! projection with Amazon Athena" (`projection.*`, `storage.location.template`).
//!
//! Departures from those examples: columns are named like v2's Parquet columns in every setup
//! (`cs_referer`, not the legacy example's `cs_referrer`), so one SELECT reads them all; seconds
//! are `double`, not `float` (a 32-bit float does not compare exactly with 0.201); `asn` is a
//! string (the filter language matches it as written).

use crate::query::range::{Depth, depth};
use crate::query::setup::{Format, Setup};

/// Athena's names for a query: database and table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// The Glue database.
    pub database: String,
    /// The table.
    pub table: String,
}

impl Names {
    /// The table for environment `env`'s setup: `cloudfront_<env>_<legacy|w3c|json|plain|parquet>`
    /// (letters, digits and `_` only, as Glue names must be).
    pub fn for_env(database: &str, env: &str, setup: &Setup) -> Names {
        let kind = match setup.format {
            Format::Legacy => "legacy",
            Format::W3c => "w3c",
            Format::Json => "json",
            Format::Plain { .. } => "plain",
            Format::Parquet => "parquet",
        };
        let env: String = env
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        Names {
            database: database.to_string(),
            table: format!("cloudfront_{env}_{kind}"),
        }
    }

    /// `"db"."table"`, for queries.
    pub fn quoted(&self) -> String {
        format!(
            "{}.{}",
            crate::query::quote::ident(&self.database),
            crate::query::quote::ident(&self.table)
        )
    }
}

/// `name` in backquotes (Hive DDL).
fn tick(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// `text` as a Hive string literal.
fn hive(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `CREATE DATABASE IF NOT EXISTS …`.
pub fn create_database(names: &Names) -> String {
    format!("CREATE DATABASE IF NOT EXISTS {}", tick(&names.database))
}

/// The partition columns of a partitioned layout, in key order.
pub fn partition_columns(setup: &Setup) -> Vec<&'static str> {
    if !setup.layout.is_partitioned() {
        return Vec::new();
    }
    let t = setup.layout.as_str().to_ascii_lowercase();
    let mut out = Vec::new();
    if t.contains("{distributionid}") {
        out.push("distributionid");
    }
    let d = depth(setup);
    out.push("year");
    for (col, at) in [
        ("month", Depth::Month),
        ("day", Depth::Day),
        ("hour", Depth::Hour),
    ] {
        if d >= at {
            out.push(col);
        }
    }
    out
}

/// The literal key prefix before the first variable, cut back to a `/` (a table's LOCATION is
/// a folder).
fn location(setup: &Setup) -> String {
    let t = setup.layout.as_str();
    let lit = &t[..t.find('{').unwrap_or(t.len())];
    let folder = &lit[..lit.rfind('/').map_or(0, |i| i + 1)];
    format!("s3://{}/{folder}", setup.bucket)
}

/// `CREATE EXTERNAL TABLE IF NOT EXISTS …` for `setup`.
pub fn create_table(names: &Names, setup: &Setup) -> String {
    let columns: Vec<String> = setup
        .columns()
        .iter()
        .map(|c| format!("  {} {}", tick(&c.name), c.ty.ddl()))
        .collect();
    let mut sql = format!(
        "CREATE EXTERNAL TABLE IF NOT EXISTS {}.{} (\n{}\n)",
        tick(&names.database),
        tick(&names.table),
        columns.join(",\n")
    );
    let parts = partition_columns(setup);
    if !parts.is_empty() {
        let cols: Vec<String> = parts
            .iter()
            .map(|p| {
                let ty = if *p == "distributionid" {
                    "string"
                } else {
                    "int"
                };
                format!("{} {ty}", tick(p))
            })
            .collect();
        sql.push_str(&format!("\nPARTITIONED BY ({})", cols.join(", ")));
    }
    let mut props: Vec<(String, String)> = Vec::new();
    match setup.format {
        Format::Legacy | Format::W3c => {
            sql.push_str("\nROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'");
            props.push(("skip.header.line.count".into(), "2".into()));
        }
        Format::Plain { delimiter } => {
            sql.push_str(&format!(
                "\nROW FORMAT DELIMITED FIELDS TERMINATED BY {}",
                hive(&delimiter.to_string())
            ));
        }
        Format::Json => {
            // The OpenX SerDe matches keys lowercased; each column maps to its field's name.
            let mapping: Vec<String> = setup
                .columns()
                .iter()
                .filter(|c| c.name != c.field.name())
                .map(|c| {
                    format!(
                        "  {}={}",
                        hive(&format!("mapping.{}", c.name)),
                        hive(&c.field.name().to_ascii_lowercase())
                    )
                })
                .collect();
            sql.push_str("\nROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'");
            if !mapping.is_empty() {
                sql.push_str(&format!(
                    "\nWITH SERDEPROPERTIES (\n{}\n)",
                    mapping.join(",\n")
                ));
            }
        }
        Format::Parquet => {
            sql.push_str(
                "\nROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'\
                 \nSTORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'\
                 \nOUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'",
            );
        }
    }
    sql.push_str(&format!("\nLOCATION {}", hive(&location(setup))));
    if !parts.is_empty() {
        props.push(("projection.enabled".into(), "true".into()));
        for p in &parts {
            let (ty, range, digits) = match *p {
                "distributionid" => {
                    props.push((format!("projection.{p}.type"), "enum".into()));
                    props.push((format!("projection.{p}.values"), setup.distribution.clone()));
                    continue;
                }
                "year" => ("integer", "2015,2099", None),
                "month" => ("integer", "1,12", Some("2")),
                "day" => ("integer", "1,31", Some("2")),
                _ => ("integer", "0,23", Some("2")),
            };
            props.push((format!("projection.{p}.type"), ty.into()));
            props.push((format!("projection.{p}.range"), range.into()));
            if let Some(d) = digits {
                props.push((format!("projection.{p}.digits"), d.into()));
            }
        }
        let template = setup
            .layout
            .as_str()
            .replace("{distributionid}", "${distributionid}")
            .replace("{DistributionId}", "${distributionid}")
            .replace("{yyyy}", "${year}")
            .replace("{MM}", "${month}")
            .replace("{dd}", "${day}")
            .replace("{HH}", "${hour}");
        props.push((
            "storage.location.template".into(),
            format!("s3://{}/{template}", setup.bucket),
        ));
    }
    if !props.is_empty() {
        let props: Vec<String> = props
            .iter()
            .map(|(k, v)| format!("  {}={}", hive(k), hive(v)))
            .collect();
        sql.push_str(&format!("\nTBLPROPERTIES (\n{}\n)", props.join(",\n")));
    }
    sql
}
