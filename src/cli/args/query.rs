//! `shipdeck query` flags: an Athena query over an environment's CloudFront access logs.

use super::values::{Since, parse_filter, parse_since};
use crate::accesslog::Filter;
use crate::query::GroupBy;
use clap::{Args, ValueEnum};

/// Most groups `--top` shows.
const MAX_TOP: usize = 10_000;

/// `shipdeck query` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueryOutput {
    /// The statements, with the plan and the estimate as SQL comments.
    Pretty,
    /// One JSON object.
    Json,
    /// One JSON object per result row (a dry run prints one object, as `json`).
    Jsonl,
}

/// `shipdeck query ENV FILTER`.
#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    /// The environment whose access logs to query.
    pub env: String,
    /// Which requests: a filter expression, as `logs cloudfront --filter` takes it (none: all).
    #[arg(value_name = "FILTER", default_value = "", value_parser = parse_filter)]
    pub filter: Filter,
    /// From this far back (`24h`, `7d`, `30d`) or an RFC 3339 time.
    #[arg(long, value_name = "WINDOW", default_value = "24h", value_parser = parse_since,
          allow_hyphen_values = true)]
    pub since: Since,
    /// Up to (not including) this far back or this RFC 3339 time; default: now.
    #[arg(long, value_name = "WINDOW", value_parser = parse_since, allow_hyphen_values = true)]
    pub until: Option<Since>,
    /// Group by one key: path, status, edge, country, asn, ip, minute, hour or day.
    #[arg(long, value_name = "KEY", value_parser = GroupBy::parse)]
    pub group_by: Option<GroupBy>,
    /// How many groups, by requests (with --group-by).
    #[arg(long, value_name = "N", value_parser = parse_top, allow_negative_numbers = true)]
    pub top: Option<usize>,
    /// Print the SQL, the table's DDL and the estimated bytes scanned and cost; run nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Another of the distribution's log sources (a number, `legacy`, a delivery id or name).
    #[arg(long, value_name = "N|NAME")]
    pub source: Option<String>,
    /// Create the table without asking when it does not exist yet (for scripts).
    #[arg(long)]
    pub yes: bool,
    /// Run the query if it is estimated to scan at most this many bytes (default: the
    /// environment's `max_scan_bytes`, 50 GiB); above it the operator is asked. A number of
    /// bytes, or with a unit: `500MB`, `10GB` (powers of 1000), `50GiB` (powers of 1024).
    #[arg(long, value_name = "BYTES", value_parser = scan_bytes, allow_negative_numbers = true)]
    pub max_scan_bytes: Option<u64>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = QueryOutput::Pretty)]
    pub output: QueryOutput,
}

/// `--top`: 1 to [`MAX_TOP`].
fn parse_top(text: &str) -> Result<usize, String> {
    super::number_of(text, "groups", MAX_TOP)
}

/// `--max-scan-bytes`: a number of bytes, with or without a unit (`10GB`, `50GiB`), above 0.
fn scan_bytes(text: &str) -> Result<u64, String> {
    match parse_size::parse_size(text) {
        Ok(0) => Err("expected more than 0 bytes".into()),
        Ok(n) => Ok(n),
        Err(_) if text.trim_start().starts_with('-') => {
            Err(format!("expected a positive number of bytes, got `{text}`"))
        }
        Err(e) => Err(format!(
            "{e}; expected a number of bytes, as 500000000, 500MB, 10GB or 50GiB"
        )),
    }
}
