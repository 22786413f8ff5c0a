//! One `field op value` term of a filter expression: field names, operators and values.

use super::filter::{Expr, FilterError, NumField, Pred, TextField, TextTest};
use super::filter_parse::err;
use std::net::IpAddr;

/// The fields, as error messages list them.
pub(super) const FIELDS: &str =
    "status, path, ip, edge, result, method, ua, ref, host, query, bytes, taken, ttfb";

pub(super) fn text_pred(field: TextField, test: TextTest) -> Expr {
    Expr::Pred(Pred::Text { field, test })
}

enum Target {
    Num(NumField),
    Text(TextField),
}

fn field_named(name: &str) -> Option<Target> {
    use {NumField as N, TextField as T};
    Some(match name.to_ascii_lowercase().as_str() {
        "status" | "code" => Target::Num(N::Status),
        "bytes" => Target::Num(N::Bytes),
        "taken" | "time-taken" | "latency" => Target::Num(N::Taken),
        "ttfb" => Target::Num(N::Ttfb),
        "path" | "uri" => Target::Text(T::Path),
        "query" => Target::Text(T::Query),
        "ip" | "client" => Target::Text(T::Ip),
        "edge" | "pop" => Target::Text(T::Edge),
        "result" => Target::Text(T::Result),
        "method" => Target::Text(T::Method),
        "ua" | "agent" | "user-agent" => Target::Text(T::Agent),
        "ref" | "referer" | "referrer" => Target::Text(T::Referer),
        "host" => Target::Text(T::Host),
        _ => return None,
    })
}

pub(super) fn term_for(
    name: &str,
    start: usize,
    op: &str,
    value: &str,
    at: usize,
) -> Result<Expr, FilterError> {
    let negate = |e: Expr, op: &str| {
        if op.starts_with('!') {
            Expr::Not(Box::new(e))
        } else {
            e
        }
    };
    match field_named(name) {
        None => err(
            start,
            format!("unknown field \"{name}\"; expected one of {FIELDS}"),
        ),
        Some(Target::Num(field)) => {
            let range = |lo, hi| Expr::Pred(Pred::Range { field, lo, hi });
            if op == "~" {
                return err(
                    start + name.chars().count(),
                    format!(
                        "\"~\" does not apply to {name}; use {name}:… or a comparison such as {name}>=…"
                    ),
                );
            }
            if field == NumField::Status
                && matches!(op, ":" | "=" | "==" | "!=")
                && let Some((lo, hi)) = status_class(value)
            {
                return Ok(negate(range(lo, hi), op));
            }
            let Ok(n) = value.parse::<u64>() else {
                let msg = if field == NumField::Status {
                    format!(
                        "expected a status like 404, a class like 4xx or a comparison like status>=500, not \"{value}\""
                    )
                } else {
                    format!("expected a number after \"{name}{op}\", not \"{value}\"")
                };
                return err(at, msg);
            };
            Ok(match op {
                ">=" => range(n, u64::MAX),
                ">" => range(
                    n.saturating_add(1),
                    if n == u64::MAX { 0 } else { u64::MAX },
                ),
                "<=" => range(0, n),
                "<" if n == 0 => range(1, 0),
                "<" => range(0, n - 1),
                _ => negate(range(n, n), op),
            })
        }
        Some(Target::Text(field)) => {
            let case = field.case_sensitive();
            match op {
                "~" => Ok(text_pred(
                    field,
                    TextTest::Contains(value.to_ascii_lowercase()),
                )),
                ":" | "=" | "==" | "!=" => {
                    let e = if field == TextField::Ip && !value.contains('*') {
                        let Some((net, prefix)) = ip_net(value) else {
                            return err(
                                at,
                                format!(
                                    "invalid IP address or network \"{value}\"; expected e.g. 203.0.113.7 or 10.0.0.0/8"
                                ),
                            );
                        };
                        Expr::Pred(Pred::Net { net, prefix })
                    } else if value.contains('*') {
                        let parts = value.split('*').map(str::to_string).collect();
                        text_pred(field, TextTest::Glob { parts, case })
                    } else {
                        text_pred(
                            field,
                            TextTest::Exact {
                                text: value.to_string(),
                                case,
                            },
                        )
                    };
                    Ok(negate(e, op))
                }
                _ => err(
                    start + name.chars().count(),
                    format!(
                        "\"{op}\" compares numbers; {name} takes \":\" (equals, with * wildcards) or \"~\" (contains)"
                    ),
                ),
            }
        }
    }
}

/// `4xx` → 400..=499, `50x` → 500..=509 (digits, then only `x`s, three characters).
fn status_class(v: &str) -> Option<(u64, u64)> {
    let digits = v.chars().take_while(char::is_ascii_digit).count();
    let xs = &v[digits..];
    if v.len() != 3 || digits == 0 || xs.is_empty() || !xs.chars().all(|c| c == 'x' || c == 'X') {
        return None;
    }
    let scale = 10u64.pow(xs.len() as u32);
    let lo = v[..digits].parse::<u64>().ok()? * scale;
    Some((lo, lo + scale - 1))
}

/// `203.0.113.7`, `10.0.0.0/8`, `2a02:db8::/32`.
fn ip_net(v: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = match v.split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
        None => (v, None),
    };
    let net: IpAddr = addr.parse().ok()?;
    let max = if net.is_ipv4() { 32 } else { 128 };
    let prefix = prefix.unwrap_or(max);
    (prefix <= max).then_some((net, prefix))
}
