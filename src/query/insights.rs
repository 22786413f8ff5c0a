//! The filter language as a CloudWatch Logs Insights query over a v2 delivery to a log group
//! (one JSON event a record, field names as keys, every value a string, `null` for none), exactly
//! as the local engine evaluates it: a field holding `-` or none reads as empty; `:` is an
//! anchored regular expression (`*` as `.*`) and `~` an unanchored one, ASCII letters written
//! `[aA]` where case is ignored (the local engine folds ASCII only); numbers compare as numbers,
//! a missing `status`, `bytes`, `taken` or `ttfb` as 0, a missing origin latency never; times
//! in the log's seconds against the bounds of the asked milliseconds; `ip:` networks with
//! `isIpv4InSubnet` / `isIpv6InSubnet` (IPv4-mapped IPv6 counted as IPv4). Field names are in
//! backticks (`` `cs-uri-stem` ``). Then `stats count(*)` by each group-by (time ones by
//! `bin()` of the event time, which a delivery sets to the request's), the totals by status,
//! and a series by `bin()` and status.
//!
//! One difference stays, from the data rather than the query: the local engine reads a raw tab
//! or line break inside a JSON value as `%09` / `%0A` (CloudFront encodes them, so its values
//! hold none).

use crate::accesslog::{Expr, Field, Filter, NumField, Pred, TextTest};
use crate::query::QueryError;
use crate::query::select::GroupBy;
use crate::query::where_sql::{num_field, text_field};
use std::net::IpAddr;

/// What a query asks of the records that pass the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsightsAsk {
    /// Requests and bytes by status code (the totals and the status classes are their sums).
    Totals,
    /// Requests and bytes by one key, the `top` keys by requests (then by key).
    Top(GroupBy, usize),
    /// Requests by `bin(period)` and status code.
    Series(SeriesStep),
}

/// A series' bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesStep {
    /// `bin(1m)`.
    Minute,
    /// `bin(5m)`.
    FiveMinutes,
    /// `bin(1h)`.
    Hour,
    /// `bin(1d)`.
    Day,
}

impl SeriesStep {
    /// The period as `bin()` writes it.
    pub fn period(self) -> &'static str {
        match self {
            SeriesStep::Minute => "1m",
            SeriesStep::FiveMinutes => "5m",
            SeriesStep::Hour => "1h",
            SeriesStep::Day => "1d",
        }
    }

    /// The period in milliseconds.
    pub fn millis(self) -> i64 {
        match self {
            SeriesStep::Minute => 60_000,
            SeriesStep::FiveMinutes => 300_000,
            SeriesStep::Hour => 3_600_000,
            SeriesStep::Day => 86_400_000,
        }
    }

    /// The step for a range of `span` milliseconds: at most about 300 bins.
    pub fn for_span(span: i64) -> SeriesStep {
        [
            SeriesStep::Minute,
            SeriesStep::FiveMinutes,
            SeriesStep::Hour,
        ]
        .into_iter()
        .find(|s| span / s.millis() <= 300)
        .unwrap_or(SeriesStep::Day)
    }
}

/// The name of the key column of a [`InsightsAsk::Top`] by a field (a bin's column is named
/// `bin(1h)`, as written).
pub const KEY: &str = "key";
/// The requests column.
pub const REQUESTS: &str = "requests";
/// The bytes column.
pub const BYTES: &str = "bytes";
/// The status column of the totals and the series.
pub const STATUS: &str = "status";

/// A field name as Insights writes it: in backticks when it holds more than letters, digits,
/// `@`, `.` and `_`.
pub fn insights_field(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_'))
    {
        name.to_string()
    } else {
        format!("`{name}`")
    }
}

/// `text` as an Insights string literal: in double quotes, `"` and `\` escaped.
pub fn insights_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `text` as a literal piece of a regular expression between slashes: the metacharacters and
/// the `/` escaped, each ASCII letter `[aA]` when `fold`.
fn regex_text(text: &str, fold: bool) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if fold && c.is_ascii_alphabetic() {
            out.push('[');
            out.push(c.to_ascii_lowercase());
            out.push(c.to_ascii_uppercase());
            out.push(']');
        } else {
            if matches!(
                c,
                '\\' | '.'
                    | '+'
                    | '*'
                    | '?'
                    | '('
                    | ')'
                    | '|'
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '^'
                    | '$'
                    | '/'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The record fields of a delivery (empty: v2's default fields).
fn fields_of(fields: &[Field]) -> &[Field] {
    if fields.is_empty() {
        &Field::V2_DEFAULT
    } else {
        fields
    }
}

/// The quoted name of `field`, or the error naming it when the delivery does not log it.
fn column(fields: &[Field], field: Field, what: &str) -> Result<String, QueryError> {
    if fields_of(fields).contains(&field) {
        Ok(insights_field(field.name()))
    } else {
        Err(QueryError::MissingField {
            what: what.to_string(),
            field: field.name(),
            setup: "the delivery to CloudWatch Logs (v2 JSON)".into(),
        })
    }
}

/// The condition of `filter` over a delivery logging `fields` (empty: the defaults); `None` for
/// the empty filter. An error names a field the delivery does not log.
pub fn insights_condition(filter: &Filter, fields: &[Field]) -> Result<Option<String>, QueryError> {
    match filter.expr() {
        Expr::All => Ok(None),
        e => expr(e, fields).map(Some),
    }
}

fn expr(e: &Expr, fields: &[Field]) -> Result<String, QueryError> {
    Ok(match e {
        // Only the empty filter is `All`; inside an expression it matches every record.
        Expr::All => "(ispresent(@timestamp) or not ispresent(@timestamp))".into(),
        Expr::And(a, b) => format!("({} and {})", expr(a, fields)?, expr(b, fields)?),
        Expr::Or(a, b) => format!("({} or {})", expr(a, fields)?, expr(b, fields)?),
        Expr::Not(a) => format!("not {}", expr(a, fields)?),
        Expr::Pred(p) => pred(p, fields)?,
    })
}

/// `f` holds no value: absent (`null`) or `-`.
fn empty(f: &str) -> String {
    format!("not ispresent({f}) or {f} = \"-\"")
}

fn pred(p: &Pred, fields: &[Field]) -> Result<String, QueryError> {
    match p {
        Pred::Text { field, test } => {
            let (log, what) = text_field(*field);
            let f = column(fields, log, what)?;
            let re = match test {
                TextTest::Exact { text, case } => format!("^{}$", regex_text(text, !case)),
                TextTest::Glob { parts, case } => {
                    let parts: Vec<String> = parts.iter().map(|p| regex_text(p, !case)).collect();
                    format!("^{}$", parts.join(".*"))
                }
                TextTest::Contains(needle) => regex_text(needle, true),
            };
            // The local engine reads `-` and a missing value as the empty text.
            Ok(if test.matches("") {
                format!("({} or {f} like /{re}/)", empty(&f))
            } else {
                format!("({f} != \"-\" and {f} like /{re}/)")
            })
        }
        Pred::Range { field, lo, hi } => range(*field, *lo, *hi, fields),
        Pred::Net { net, prefix } => {
            let f = column(fields, Field::ClientIp, "ip")?;
            Ok(network(&f, *net, *prefix))
        }
    }
}

/// A condition no record passes.
fn never(f: &str) -> String {
    format!("(ispresent({f}) and not ispresent({f}))")
}

/// `lo..=hi` of a numeric field. Milliseconds of a seconds value `x` lie in `lo..=hi` exactly
/// when `x >= lo/1000` and `x < (hi+1)/1000` (the local engine truncates to milliseconds).
fn range(field: NumField, lo: u64, hi: u64, fields: &[Field]) -> Result<String, QueryError> {
    let (log, what) = num_field(field);
    let f = column(fields, log, what)?;
    if lo > hi {
        return Ok(never(&f));
    }
    let seconds = !matches!(field, NumField::Status | NumField::Bytes);
    let max = if seconds {
        u64::from(u32::MAX)
    } else {
        u64::MAX
    };
    let mut bounds = Vec::new();
    if seconds {
        if lo > 0 {
            bounds.push(format!("{f} >= {}", millis(lo)));
        }
        if hi < max {
            bounds.push(format!("{f} < {}", millis(hi + 1)));
        }
    } else {
        if lo > 0 {
            bounds.push(format!("{f} >= {lo}"));
        }
        if hi < max {
            bounds.push(format!("{f} <= {hi}"));
        }
    }
    let test = if bounds.is_empty() {
        format!("{f} != \"-\"")
    } else {
        format!("{f} != \"-\" and {}", bounds.join(" and "))
    };
    // A missing status, bytes, taken or ttfb counts as 0; a missing origin latency matches no
    // comparison.
    let zero_counts = !matches!(field, NumField::Ofbl | NumField::Olbl);
    Ok(if zero_counts && lo == 0 {
        format!("({} or ({test}))", empty(&f))
    } else {
        format!("({test})")
    })
}

/// `ms` milliseconds in seconds, exactly: `1.001`.
fn millis(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Whether the address in `f` lies in `net/prefix`, as [`crate::accesslog::Pred`] decides.
fn network(f: &str, net: IpAddr, prefix: u8) -> String {
    match net {
        IpAddr::V4(a) => {
            let mask = u32::MAX
                .checked_shl(32 - u32::from(prefix.min(32)))
                .unwrap_or(0);
            let base = std::net::Ipv4Addr::from(u32::from(a) & mask);
            // `::ffff:a.b.c.d` is the IPv4 address a.b.c.d.
            format!(
                "(isIpv4InSubnet({f}, {}) or isIpv6InSubnet({f}, {}))",
                insights_string(&format!("{base}/{prefix}")),
                insights_string(&format!("::ffff:{base}/{}", 96 + u32::from(prefix)))
            )
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX
                .checked_shl(128 - u32::from(prefix.min(128)))
                .unwrap_or(0);
            let base = std::net::Ipv6Addr::from(u128::from(a) & mask);
            // IPv4-mapped addresses are IPv4 addresses: in no IPv6 network.
            format!(
                "(isIpv6InSubnet({f}, {}) and not isIpv6InSubnet({f}, \"::ffff:0:0/96\"))",
                insights_string(&format!("{base}/{prefix}"))
            )
        }
    }
}

/// The key of a group-by: a field (a missing value as `-`, as the local engine's empty key), or
/// the time's `bin()`.
fn group_key(g: GroupBy, fields: &[Field]) -> Result<String, QueryError> {
    let field = |f: Field, what: &str| -> Result<String, QueryError> {
        let c = column(fields, f, what)?;
        Ok(format!("coalesce({c}, \"-\")"))
    };
    match g {
        GroupBy::Path => field(Field::UriStem, "path"),
        GroupBy::Status => field(Field::Status, "status"),
        GroupBy::Edge => field(Field::EdgeLocation, "edge"),
        GroupBy::Country => field(Field::Country, "country"),
        GroupBy::Asn => field(Field::Asn, "asn"),
        GroupBy::Ip => field(Field::ClientIp, "ip"),
        GroupBy::Minute => Ok("bin(1m)".into()),
        GroupBy::Hour => Ok("bin(1h)".into()),
        GroupBy::Day => Ok("bin(1d)".into()),
    }
}

/// The whole query of `ask` over the records that pass `filter`.
pub fn insights_query(
    filter: &Filter,
    fields: &[Field],
    ask: InsightsAsk,
) -> Result<String, QueryError> {
    let mut parts = Vec::new();
    if let Some(c) = insights_condition(filter, fields)? {
        parts.push(format!("filter {c}"));
    }
    let bytes = column(fields, Field::ScBytes, "bytes").ok();
    let sums = |bytes: &Option<String>| match bytes {
        Some(b) => format!("count(*) as {REQUESTS}, sum({b}) as {BYTES}"),
        None => format!("count(*) as {REQUESTS}"),
    };
    let status = || -> Result<String, QueryError> {
        Ok(format!(
            "coalesce({}, \"-\")",
            column(fields, Field::Status, "status")?
        ))
    };
    match ask {
        InsightsAsk::Totals => {
            parts.push(format!("fields {} as {STATUS}", status()?));
            parts.push(format!("stats {} by {STATUS}", sums(&bytes)));
        }
        InsightsAsk::Top(g, top) => {
            let key = group_key(g, fields)?;
            if key.starts_with("bin(") {
                // A bin's column is named as written: `bin(1h)`.
                parts.push(format!("stats {} by {key}", sums(&bytes)));
                parts.push(format!("sort {REQUESTS} desc"));
            } else {
                parts.push(format!("fields {key} as {KEY}"));
                parts.push(format!("stats {} by {KEY}", sums(&bytes)));
                parts.push(format!("sort {REQUESTS} desc, {KEY} asc"));
            }
            parts.push(format!("limit {}", top.clamp(1, 10_000)));
        }
        InsightsAsk::Series(step) => {
            parts.push(format!("fields {} as {STATUS}", status()?));
            parts.push(format!(
                "stats count(*) as {REQUESTS} by bin({}), {STATUS}",
                step.period()
            ));
        }
    }
    Ok(parts.join("\n| "))
}

#[cfg(test)]
#[path = "insights_tests.rs"]
mod tests;
