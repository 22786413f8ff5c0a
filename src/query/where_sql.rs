//! A filter expression as a Trino SQL condition over a setup's table, exactly as the local
//! engine evaluates it: every test is two-valued (`COALESCE(…, FALSE)`, so `not` of a record
//! without the field matches, as locally); text reads `-` as empty; `:` is `=` or `LIKE` with `%`,
//! `_` and `\` escaped; `~` is `strpos` over `lower()`; times compare in the log's seconds against
//! the bounds of the asked milliseconds; `ip:` networks are arithmetic on IPv4 text (IPv4-mapped
//! IPv6 counted as IPv4) or Trino's `contains` for IPv6 networks.
//!
//! One difference stays: `lower()` folds every letter, the local engine only ASCII ones; values
//! CloudFront URL-encodes (W3C, plain) hold no other letters.

use crate::accesslog::{Expr, Field, Filter, NumField, Pred, TextField, TextTest};
use crate::query::QueryError;
use crate::query::quote::{like_text, literal};
use crate::query::setup::Setup;
use std::net::IpAddr;

/// The condition of `filter` over `setup`'s table (`TRUE` for the empty filter); an error names a
/// field the setup does not log.
pub fn condition(filter: &Filter, setup: &Setup) -> Result<String, QueryError> {
    expr(filter.expr(), setup)
}

fn expr(e: &Expr, s: &Setup) -> Result<String, QueryError> {
    Ok(match e {
        Expr::All => "TRUE".to_string(),
        Expr::And(a, b) => format!("({} AND {})", expr(a, s)?, expr(b, s)?),
        Expr::Or(a, b) => format!("({} OR {})", expr(a, s)?, expr(b, s)?),
        Expr::Not(a) => format!("(NOT {})", expr(a, s)?),
        Expr::Pred(p) => format!("COALESCE({}, FALSE)", pred(p, s)?),
    })
}

/// The log field and the filter's name of a text field.
pub fn text_field(f: TextField) -> (Field, &'static str) {
    match f {
        TextField::Path => (Field::UriStem, "path"),
        TextField::Query => (Field::UriQuery, "query"),
        TextField::Ip => (Field::ClientIp, "ip"),
        TextField::Edge => (Field::EdgeLocation, "edge"),
        TextField::Result => (Field::EdgeResultType, "result"),
        TextField::Method => (Field::Method, "method"),
        TextField::Agent => (Field::UserAgent, "ua"),
        TextField::Referer => (Field::Referer, "ref"),
        TextField::Host => (Field::Host, "host"),
        TextField::Country => (Field::Country, "country"),
        TextField::Asn => (Field::Asn, "asn"),
        TextField::Behavior => (Field::CacheBehavior, "behavior"),
    }
}

/// The log field and the filter's name of a numeric field.
pub fn num_field(f: NumField) -> (Field, &'static str) {
    match f {
        NumField::Status => (Field::Status, "status"),
        NumField::Bytes => (Field::ScBytes, "bytes"),
        NumField::Taken => (Field::TimeTaken, "taken"),
        NumField::Ttfb => (Field::TimeToFirstByte, "ttfb"),
        NumField::Ofbl => (Field::OriginFbl, "ofbl"),
        NumField::Olbl => (Field::OriginLbl, "olbl"),
    }
}

fn pred(p: &Pred, s: &Setup) -> Result<String, QueryError> {
    match p {
        Pred::Range { field, lo, hi } => range(*field, *lo, *hi, s),
        Pred::Text { field, test } => {
            let (f, what) = text_field(*field);
            text(&s.text(f, what)?, test)
        }
        Pred::Net { net, prefix } => {
            let ip = s.text(Field::ClientIp, "ip")?;
            Ok(network(&ip, *net, *prefix))
        }
    }
}

/// `lo..=hi` of a numeric field. Milliseconds of a seconds field `x` lie in `lo..=hi` exactly
/// when `x >= lo/1000` and `x < (hi+1)/1000` (the local engine truncates to milliseconds).
fn range(field: NumField, lo: u64, hi: u64, s: &Setup) -> Result<String, QueryError> {
    let (f, what) = num_field(field);
    if lo > hi {
        // Still name a field the setup lacks: the filter asks for it.
        s.column(f, what)?;
        return Ok("FALSE".into());
    }
    match field {
        NumField::Status | NumField::Bytes => {
            let v = s.integer(f, what)?;
            let Ok(lo) = i64::try_from(lo) else {
                return Ok("FALSE".into());
            };
            Ok(match i64::try_from(hi) {
                Ok(hi) if lo == hi => format!("{v} = {lo}"),
                Ok(hi) => format!("{v} BETWEEN {lo} AND {hi}"),
                Err(_) => format!("{v} >= {lo}"),
            })
        }
        NumField::Taken | NumField::Ttfb | NumField::Ofbl | NumField::Olbl => {
            let x = s.seconds(f, what)?;
            // Taken and ttfb count as 0 ms when missing (as locally); origin latencies do not
            // match at all.
            let x = if matches!(field, NumField::Taken | NumField::Ttfb) {
                format!("COALESCE({x}, 0E0)")
            } else {
                x
            };
            let mut out = format!("{x} >= {}", millis_literal(lo));
            if hi < u64::from(u32::MAX) {
                out.push_str(&format!(" AND {x} < {}", millis_literal(hi + 1)));
            }
            Ok(out)
        }
    }
}

/// `ms` milliseconds as a double literal in seconds: `201E-3`.
fn millis_literal(ms: u64) -> String {
    format!("{ms}E-3")
}

fn text(v: &str, test: &TextTest) -> Result<String, QueryError> {
    Ok(match test {
        TextTest::Exact { text, case: true } => format!("{v} = {}", literal(text)),
        TextTest::Exact { text, case: false } => {
            format!("lower({v}) = {}", literal(&text.to_ascii_lowercase()))
        }
        TextTest::Glob { parts, case } => {
            let pattern: Vec<String> = parts.iter().map(|p| like_text(p)).collect();
            let pattern = pattern.join("%");
            if *case {
                format!("{v} LIKE {} ESCAPE '\\'", literal(&pattern))
            } else {
                format!(
                    "lower({v}) LIKE {} ESCAPE '\\'",
                    literal(&pattern.to_ascii_lowercase())
                )
            }
        }
        TextTest::Contains(needle) if needle.is_empty() => "TRUE".into(),
        TextTest::Contains(needle) => {
            format!(
                "strpos(lower({v}), {}) > 0",
                literal(&needle.to_ascii_lowercase())
            )
        }
    })
}

/// An IPv4 octet, 0–255 without leading zeros (as Rust's address parser takes it).
const OCTET: &str = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

/// Whether the address text `ip` lies in `net/prefix`, as [`crate::accesslog::Pred`] decides.
fn network(ip: &str, net: IpAddr, prefix: u8) -> String {
    match net {
        IpAddr::V4(a) => {
            let mask = u32::MAX
                .checked_shl(32 - u32::from(prefix.min(32)))
                .unwrap_or(0);
            let lo = u32::from(a) & mask;
            let hi = lo | !mask;
            // `::ffff:a.b.c.d` is the IPv4 address a.b.c.d.
            let v4 = format!(
                "(CASE WHEN lower({ip}) LIKE '::ffff:%' THEN substr({ip}, 8) ELSE {ip} END)"
            );
            let pattern = format!("^{OCTET}(\\.{OCTET}){{3}}$");
            let octet = |i: u32| format!("TRY_CAST(split_part({v4}, '.', {i}) AS bigint)");
            format!(
                "(regexp_like({v4}, {}) AND {} * 16777216 + {} * 65536 + {} * 256 + {} BETWEEN {lo} AND {hi})",
                literal(&pattern),
                octet(1),
                octet(2),
                octet(3),
                octet(4)
            )
        }
        IpAddr::V6(_) => {
            // Trino holds IPv4 addresses as IPv4-mapped IPv6: keep them out, as locally.
            let addr = format!("TRY_CAST({ip} AS ipaddress)");
            format!(
                "(contains({}, {addr}) AND NOT contains('::ffff:0:0/96', {addr}))",
                literal(&format!("{net}/{prefix}"))
            )
        }
    }
}
