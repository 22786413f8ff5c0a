//! The SELECT of a query: the rows of a time range that pass a filter, grouped by one key
//! (`--group-by`, the `--top N` groups by requests) or summed into the totals the Traffic view
//! shows (requests, bytes, status classes, `time-taken` percentiles).
//!
//! The percentiles are Athena's `approx_percentile` (approximate: a quantile digest);
//! the local engine's are read from a histogram of whole milliseconds, so the two can differ by a
//! little; every count and sum is exact.

use crate::accesslog::{Field, Filter};
use crate::query::QueryError;
use crate::query::quote::ident;
use crate::query::range::Range;
use crate::query::setup::Setup;
use crate::query::where_sql::condition;

/// What rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// `cs-uri-stem`.
    Path,
    /// `sc-status` (0 for `000`).
    Status,
    /// `x-edge-location`.
    Edge,
    /// `c-country` (v2).
    Country,
    /// `asn` (v2).
    Asn,
    /// `c-ip`.
    Ip,
    /// The minute, `YYYY-MM-DD HH:MM` UTC.
    Minute,
    /// The hour, `YYYY-MM-DD HH` UTC.
    Hour,
    /// The day, `YYYY-MM-DD` UTC.
    Day,
}

/// The `--group-by` values, as errors list them.
pub const GROUP_BYS: &str = "path, status, edge, country, asn, ip, minute, hour, day";

impl GroupBy {
    /// Every key.
    pub const ALL: [GroupBy; 9] = [
        GroupBy::Path,
        GroupBy::Status,
        GroupBy::Edge,
        GroupBy::Country,
        GroupBy::Asn,
        GroupBy::Ip,
        GroupBy::Minute,
        GroupBy::Hour,
        GroupBy::Day,
    ];

    /// The key named `name`; an error lists the names.
    pub fn parse(name: &str) -> Result<GroupBy, String> {
        Ok(match name.trim().to_ascii_lowercase().as_str() {
            "path" => GroupBy::Path,
            "status" => GroupBy::Status,
            "edge" => GroupBy::Edge,
            "country" => GroupBy::Country,
            "asn" => GroupBy::Asn,
            "ip" => GroupBy::Ip,
            "minute" => GroupBy::Minute,
            "hour" => GroupBy::Hour,
            "day" => GroupBy::Day,
            _ => {
                return Err(format!(
                    "unknown group `{name}`; expected one of {GROUP_BYS}"
                ));
            }
        })
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Path => "path",
            GroupBy::Status => "status",
            GroupBy::Edge => "edge",
            GroupBy::Country => "country",
            GroupBy::Asn => "asn",
            GroupBy::Ip => "ip",
            GroupBy::Minute => "minute",
            GroupBy::Hour => "hour",
            GroupBy::Day => "day",
        }
    }

    /// The key of a row.
    pub fn key(self, s: &Setup) -> Result<String, QueryError> {
        let time = |n: usize| -> Result<String, QueryError> {
            Ok(format!("substr({}, 1, {n})", s.second_text()?))
        };
        match self {
            GroupBy::Path => s.text(Field::UriStem, "path"),
            GroupBy::Status => s.integer(Field::Status, "status"),
            GroupBy::Edge => s.text(Field::EdgeLocation, "edge"),
            GroupBy::Country => s.text(Field::Country, "country"),
            GroupBy::Asn => s.text(Field::Asn, "asn"),
            GroupBy::Ip => s.text(Field::ClientIp, "ip"),
            GroupBy::Minute => time(16),
            GroupBy::Hour => time(13),
            GroupBy::Day => time(10),
        }
    }
}

/// What one query asks.
#[derive(Debug, Clone)]
pub struct Ask<'a> {
    /// The rows' filter.
    pub filter: &'a Filter,
    /// The time range.
    pub range: Range,
    /// The grouping, if any; none: the totals.
    pub group: Option<GroupBy>,
    /// How many groups (by requests, then key).
    pub top: usize,
}

/// The whole condition: partitions (or paths), then the exact time range, then the filter.
pub fn where_clause(s: &Setup, ask: &Ask<'_>) -> Result<String, QueryError> {
    let mut parts = Vec::new();
    if let Some(p) = ask.range.partitions(s) {
        parts.push(p);
    }
    parts.push(ask.range.condition(s)?);
    let filter = condition(ask.filter, s)?;
    if filter != "TRUE" {
        parts.push(filter);
    }
    Ok(parts.join("\n  AND "))
}

/// The SELECT statement over `table` (already quoted, `"db"."table"`).
pub fn select(s: &Setup, table: &str, ask: &Ask<'_>) -> Result<String, QueryError> {
    let filter_where = where_clause(s, ask)?;
    let mut columns = Vec::new();
    if let Some(g) = ask.group {
        columns.push(format!("{} AS {}", g.key(s)?, ident("key")));
    }
    columns.push(format!("count(*) AS {}", ident("requests")));
    if s.has(Field::ScBytes) {
        columns.push(format!(
            "sum({}) AS {}",
            s.integer(Field::ScBytes, "bytes")?,
            ident("bytes")
        ));
    }
    if s.has(Field::Status) {
        let status = s.integer(Field::Status, "status")?;
        for (name, lo, hi) in [
            ("status_000", 0, 0),
            ("status_2xx", 200, 299),
            ("status_3xx", 300, 399),
            ("status_4xx", 400, 499),
            ("status_5xx", 500, 599),
        ] {
            let test = if lo == hi {
                format!("{status} = {lo}")
            } else {
                format!("{status} BETWEEN {lo} AND {hi}")
            };
            columns.push(format!("count_if({test}) AS {}", ident(name)));
        }
    }
    if ask.group.is_none() && s.has(Field::TimeTaken) {
        let ms = format!(
            "COALESCE({}, 0E0) * 1000",
            s.seconds(Field::TimeTaken, "taken")?
        );
        for (name, p) in [
            ("taken_p50_ms", "0.5"),
            ("taken_p95_ms", "0.95"),
            ("taken_p99_ms", "0.99"),
        ] {
            columns.push(format!("approx_percentile({ms}, {p}) AS {}", ident(name)));
        }
    }
    let mut sql = format!(
        "SELECT {}\nFROM {table}\nWHERE {filter_where}",
        columns.join(",\n  ")
    );
    if ask.group.is_some() {
        sql.push_str(&format!(
            "\nGROUP BY 1\nORDER BY {} DESC, {} ASC\nLIMIT {}",
            ident("requests"),
            ident("key"),
            ask.top
        ));
    }
    Ok(sql)
}
