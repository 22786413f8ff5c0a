//! One `field op value` term of a filter expression: field names, operators and values.

use crate::accesslog::filter::num::num_term;
use crate::accesslog::filter::parse::err;
use crate::accesslog::filter::{Expr, FilterError, NumField, Pred, TextField, TextTest};
use std::net::IpAddr;

/// The operators, each before its prefixes (`>=` before `>`).
const OPS: [&str; 9] = [">=", "<=", "!=", "==", ">", "<", "=", ":", "~"];
/// The operators of text fields: a word may start with them as a path search (`~alice`).
pub(in crate::accesslog) const TEXT_OPS: [&str; 2] = [":", "~"];

/// The fields, as error messages list them.
pub(in crate::accesslog) const FIELDS: &str = "status, path, ip, edge, result, method, ua, ref, host, query, bytes, taken, ttfb, ofbl, olbl, country, asn, behavior";

pub(in crate::accesslog) fn text_pred(field: TextField, test: TextTest) -> Expr {
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
        "ofbl" | "origin-fbl" => Target::Num(N::Ofbl),
        "olbl" | "origin-lbl" => Target::Num(N::Olbl),
        "country" | "c-country" => Target::Text(T::Country),
        "asn" => Target::Text(T::Asn),
        "behavior" | "behaviour" | "cache-behavior" => Target::Text(T::Behavior),
        _ => return None,
    })
}

/// Whether `name` is a field (or an alias of one).
pub(in crate::accesslog) fn is_field(name: &str) -> bool {
    field_named(name).is_some()
}

pub(in crate::accesslog) fn term_for(
    name: &str,
    start: usize,
    (op, op_at): (&str, usize),
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
        Some(Target::Num(field)) => num_term(field, name, (op, op_at), value, at),
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
                    op_at,
                    format!(
                        "\"{op}\" compares numbers; {name} takes \":\" (equals, with * wildcards) or \"~\" (contains)"
                    ),
                ),
            }
        }
    }
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

/// The length of the field-name characters `text` starts with.
pub(in crate::accesslog) fn ident_len(text: &[char]) -> usize {
    text.iter()
        .take_while(|c| c.is_ascii_alphabetic() || **c == '-' || **c == '_')
        .count()
}

/// The operator at `text[i..]`, if any.
pub(in crate::accesslog) fn op_at(text: &[char], i: usize) -> Option<&'static str> {
    OPS.iter().copied().find(|op| {
        op.chars()
            .enumerate()
            .all(|(k, c)| text.get(i + k) == Some(&c))
    })
}

/// Whether a word is a term of a known field (`status:5xx`), not a value.
pub(in crate::accesslog) fn is_term(text: &[char], quote_at: Option<usize>) -> bool {
    let plain = &text[..quote_at.unwrap_or(text.len())];
    let ident = ident_len(plain);
    let name: String = plain[..ident].iter().collect();
    ident > 0 && op_at(plain, ident).is_some() && is_field(&name)
}
