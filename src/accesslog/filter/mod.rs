//! Filter expressions over access-log records: `status>=500`, `status:4xx`, `path:/api/*`,
//! `ip:10.0.0.0/8`, `edge:FRA*`, `result:Miss`, `ua~bot`, combined with `and`/`or`/`not` and
//! parentheses (`not` binds tightest, then `and` — also implied between terms —, then `or`).
//!
//! Terms: `field:value` matches the whole value (a `*` in it is a wildcard for any run of
//! characters); `field~text` matches a substring, ignoring ASCII case; numeric fields (`status`,
//! `bytes`, `taken`, `ttfb`, v2's `ofbl` and `olbl` — times in milliseconds) also take `=`, `!=`, `<`, `<=`, `>`, `>=`,
//! and `status:` takes a class with trailing `x`s (`4xx`, `50x`); `ip:` takes an address or a
//! CIDR network (v4 or v6). v2's `country`, `asn` and `behavior` are text. `path`, `query` and
//! `behavior` compare case-sensitively, every other text field
//! ignores ASCII case. Spaces around an operator after a field name are allowed (`status >= 500`,
//! `path: /api/*`) unless the word after it is a term itself. Any other word is a bare word: it
//! matches a substring of the path, ignoring case; a word starting with a comparison operator,
//! or a lone operator, is an error. Quote values with spaces or parentheses
//! (`ua~"Mozilla/5.0 (compatible"`). Values are matched as the records hold them (from the
//! parser: still URL-encoded); a number or status class no record can hold is an error. The
//! empty expression matches all.

pub(super) mod eval;
pub(super) mod num;
pub(super) mod parse;
pub(super) mod term;
pub(super) mod text;
pub(super) mod unknown;

use super::field::Field;
use super::fields::LogFields;
pub use super::filter::text::{in_net, in_subnet};
use std::fmt;
use std::net::IpAddr;

/// A text field a filter can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// `path`: `cs-uri-stem`.
    Path,
    /// `query`: `cs-uri-query`.
    Query,
    /// `ip`: `c-ip` as text (for `~` and wildcards).
    Ip,
    /// `edge`: `x-edge-location`.
    Edge,
    /// `result`: `x-edge-result-type`.
    Result,
    /// `method`: `cs-method`.
    Method,
    /// `ua`: `cs(User-Agent)`.
    Agent,
    /// `ref`: `cs(Referer)`.
    Referer,
    /// `host`: `cs(Host)`.
    Host,
    /// `country`: `c-country` (v2).
    Country,
    /// `asn`: `asn` (v2), as written (`16509`).
    Asn,
    /// `behavior`: `cache-behavior-path-pattern` (v2).
    Behavior,
}

impl TextField {
    /// The field's value in `r`.
    pub fn of<R: LogFields + ?Sized>(self, r: &R) -> &str {
        match self {
            TextField::Path => r.path(),
            TextField::Query => r.query(),
            TextField::Ip => r.client_ip(),
            TextField::Edge => r.edge_location(),
            TextField::Result => r.result_type(),
            TextField::Method => r.method(),
            TextField::Agent => r.user_agent(),
            TextField::Referer => r.referer(),
            TextField::Host => r.host(),
            TextField::Country => r.country(),
            TextField::Asn => r.asn(),
            TextField::Behavior => r.cache_behavior(),
        }
    }

    /// Whether `:` comparisons are case-sensitive for this field.
    pub fn case_sensitive(self) -> bool {
        matches!(
            self,
            TextField::Path | TextField::Query | TextField::Behavior
        )
    }
}

/// A numeric field a filter can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumField {
    /// `status`.
    Status,
    /// `bytes`: `sc-bytes`.
    Bytes,
    /// `taken`: `time-taken` in ms.
    Taken,
    /// `ttfb`: `time-to-first-byte` in ms.
    Ttfb,
    /// `ofbl`: `origin-fbl` (v2) in ms; a record without one matches no comparison.
    Ofbl,
    /// `olbl`: `origin-lbl` (v2) in ms.
    Olbl,
}

impl NumField {
    /// The field's value in `r` (0 for a v2 latency the record lacks; see [`NumField::value`]).
    pub fn of<R: LogFields + ?Sized>(self, r: &R) -> u64 {
        self.value(r).unwrap_or(0)
    }

    /// The field's value in `r`, `None` for an origin latency the record has not got (a cache
    /// hit, or a layout without the field): such a record matches no comparison.
    pub fn value<R: LogFields + ?Sized>(self, r: &R) -> Option<u64> {
        Some(match self {
            NumField::Status => u64::from(r.status()),
            NumField::Bytes => r.sc_bytes(),
            NumField::Taken => u64::from(r.time_taken_ms()),
            NumField::Ttfb => u64::from(r.ttfb_ms()),
            NumField::Ofbl => u64::from(r.origin_fbl_opt()?),
            NumField::Olbl => u64::from(r.origin_lbl_opt()?),
        })
    }
}

/// How a text value is tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextTest {
    /// The whole value equals this (ASCII case folded unless `case`).
    Exact { text: String, case: bool },
    /// The whole value matches this `*` pattern, split at its `*`s.
    Glob { parts: Vec<String>, case: bool },
    /// The value contains this lowercase text, ignoring ASCII case.
    Contains(String),
}

/// One test of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pred {
    /// A number within `lo..=hi`.
    Range { field: NumField, lo: u64, hi: u64 },
    /// A text field.
    Text { field: TextField, test: TextTest },
    /// The client IP within a network (IPv4-mapped IPv6 addresses count as IPv4).
    Net { net: IpAddr, prefix: u8 },
}

/// A parsed filter expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Matches every record (the empty expression).
    All,
    /// Both sides match.
    And(Box<Expr>, Box<Expr>),
    /// Either side matches.
    Or(Box<Expr>, Box<Expr>),
    /// The inner expression does not match.
    Not(Box<Expr>),
    /// One test.
    Pred(Pred),
}

/// A filter-expression error: where (a char offset into the input, 0-based) and what.
/// Displays as `<message> at <offset + 1>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// Char offset of the problem in the input (0-based).
    pub position: usize,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.message, self.position + 1)
    }
}

impl std::error::Error for FilterError {}

/// A compiled filter expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub(super) expr: Expr,
    source: String,
}

impl Default for Filter {
    fn default() -> Self {
        Filter::all()
    }
}

impl Filter {
    /// The filter matching everything.
    pub fn all() -> Filter {
        Filter {
            expr: Expr::All,
            source: String::new(),
        }
    }

    /// Parses an expression (see the module docs); empty or blank text matches everything.
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        let expr = super::filter::parse::parse(text)?;
        Ok(Filter {
            expr,
            source: text.trim().to_string(),
        })
    }

    /// The expression as typed (trimmed).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The syntax tree.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Whether this filter matches everything.
    pub fn is_all(&self) -> bool {
        self.expr == Expr::All
    }

    /// Whether `record` matches.
    pub fn matches<R: LogFields + ?Sized>(&self, record: &R) -> bool {
        eval(&self.expr, record)
    }

    /// The log fields the filter reads (for a reader that can skip the others).
    pub fn fields(&self) -> Vec<Field> {
        fn walk(e: &Expr, out: &mut Vec<Field>) {
            match e {
                Expr::All => {}
                Expr::And(a, b) | Expr::Or(a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                Expr::Not(a) => walk(a, out),
                Expr::Pred(Pred::Range { field, .. }) => out.push(match field {
                    NumField::Status => Field::Status,
                    NumField::Bytes => Field::ScBytes,
                    NumField::Taken => Field::TimeTaken,
                    NumField::Ttfb => Field::TimeToFirstByte,
                    NumField::Ofbl => Field::OriginFbl,
                    NumField::Olbl => Field::OriginLbl,
                }),
                Expr::Pred(Pred::Text { field, .. }) => out.push(match field {
                    TextField::Path => Field::UriStem,
                    TextField::Query => Field::UriQuery,
                    TextField::Ip => Field::ClientIp,
                    TextField::Edge => Field::EdgeLocation,
                    TextField::Result => Field::EdgeResultType,
                    TextField::Method => Field::Method,
                    TextField::Agent => Field::UserAgent,
                    TextField::Referer => Field::Referer,
                    TextField::Host => Field::Host,
                    TextField::Country => Field::Country,
                    TextField::Asn => Field::Asn,
                    TextField::Behavior => Field::CacheBehavior,
                }),
                Expr::Pred(Pred::Net { .. }) => out.push(Field::ClientIp),
            }
        }
        let mut out = Vec::new();
        walk(&self.expr, &mut out);
        out.sort();
        out.dedup();
        out
    }
}

fn eval<R: LogFields + ?Sized>(e: &Expr, r: &R) -> bool {
    match e {
        Expr::All => true,
        Expr::And(a, b) => eval(a, r) && eval(b, r),
        Expr::Or(a, b) => eval(a, r) || eval(b, r),
        Expr::Not(a) => !eval(a, r),
        Expr::Pred(p) => p.matches(r),
    }
}

impl Pred {
    /// Whether `r` passes this test.
    pub fn matches<R: LogFields + ?Sized>(&self, r: &R) -> bool {
        match self {
            Pred::Range { field, lo, hi } => {
                field.value(r).is_some_and(|v| (*lo..=*hi).contains(&v))
            }
            Pred::Text { field, test } => test.matches(field.of(r)),
            Pred::Net { net, prefix } => r
                .client_ip()
                .parse::<IpAddr>()
                .is_ok_and(|ip| in_net(ip, *net, *prefix)),
        }
    }
}

#[cfg(test)]
mod tests;
