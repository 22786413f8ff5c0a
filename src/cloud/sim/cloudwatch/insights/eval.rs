//! A parsed Logs Insights query run over log events: the fields the service discovers (`@`
//! fields, JSON keys with dotted paths, a Lambda `REPORT` line's numbers), then each command in
//! turn.

use super::parse::{Agg, Cmp, Command, Expr, Func, Key, Matcher, Operand, Query, Value};
use crate::domain::{LogEvent, Timestamp};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// One row: its fields by name.
pub(crate) type Row = BTreeMap<String, String>;

/// A row's event time in milliseconds, kept under a name no query can write (for `bin`).
const TIME: &str = "\u{0}ms";

/// The service's time format in results: `2026-12-06 10:05:00.000`.
pub(crate) fn insights_time(t: Timestamp) -> String {
    let s = t.rfc3339_millis();
    s.trim_end_matches('Z').replacen('T', " ", 1)
}

/// The fields Logs Insights discovers in `e` of group `group` (as `@log`: `ACCOUNT:GROUP`).
pub(crate) fn discover(e: &LogEvent, account: &str, ptr: usize) -> Row {
    let mut row = Row::new();
    row.insert("@timestamp".into(), insights_time(e.timestamp));
    row.insert("@ingestionTime".into(), insights_time(e.ingestion_time));
    row.insert("@message".into(), e.message.clone());
    row.insert("@logStream".into(), e.stream.clone());
    row.insert("@log".into(), format!("{account}:{}", e.group));
    row.insert("@ptr".into(), format!("sim-ptr-{ptr}"));
    row.insert(TIME.into(), e.timestamp.millis().to_string());
    let m = e.message.trim_end();
    if m.starts_with('{')
        && let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(m)
    {
        flatten("", &serde_json::Value::Object(map), &mut row);
    } else if let Some(rest) = m.strip_prefix("REPORT RequestId: ") {
        row.insert("@type".into(), "REPORT".into());
        let mut parts = rest.split('\t');
        if let Some(id) = parts.next() {
            row.insert("@requestId".into(), id.trim().to_string());
        }
        for part in parts {
            let Some((k, v)) = part.split_once(": ") else {
                continue;
            };
            let number = v.split_whitespace().next().unwrap_or_default().to_string();
            let key = match k.trim() {
                "Duration" => "@duration",
                "Billed Duration" => "@billedDuration",
                "Memory Size" => "@memorySize",
                "Max Memory Used" => "@maxMemoryUsed",
                "Init Duration" => "@initDuration",
                _ => continue,
            };
            row.insert(key.into(), number);
        }
    } else if let Some(rest) = m.strip_prefix("START RequestId: ") {
        row.insert("@type".into(), "START".into());
        let id = rest.split_whitespace().next().unwrap_or_default();
        row.insert("@requestId".into(), id.to_string());
    } else if let Some(rest) = m.strip_prefix("END RequestId: ") {
        row.insert("@type".into(), "END".into());
        row.insert("@requestId".into(), rest.trim().to_string());
    }
    row
}

/// JSON keys as fields, nested ones by dotted path (`req.path`); values as text.
fn flatten(prefix: &str, v: &serde_json::Value, row: &mut Row) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, row);
            }
        }
        serde_json::Value::String(s) => {
            row.insert(prefix.to_string(), s.clone());
        }
        serde_json::Value::Null => {}
        other => {
            row.insert(prefix.to_string(), other.to_string());
        }
    }
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

fn value<'a>(row: &'a Row, o: &'a Operand) -> Option<std::borrow::Cow<'a, str>> {
    match o {
        Operand::Field(f) => row.get(f).map(|s| std::borrow::Cow::Borrowed(s.as_str())),
        Operand::Str(s) => Some(std::borrow::Cow::Borrowed(s.as_str())),
        Operand::Num(n) => Some(std::borrow::Cow::Owned(n.to_string())),
    }
}

/// Compares two values: as numbers when both are, else as text.
fn compare(a: &str, b: &str) -> Ordering {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(b),
    }
}

fn matches(row: &Row, e: &Expr) -> bool {
    match e {
        Expr::And(a, b) => matches(row, a) && matches(row, b),
        Expr::Or(a, b) => matches(row, a) || matches(row, b),
        Expr::Not(a) => !matches(row, a),
        Expr::Present(f) => row.contains_key(f),
        Expr::Subnet {
            field,
            v6,
            net,
            prefix,
        } => row.get(field).is_some_and(|v| {
            let ip = if *v6 {
                v.parse::<std::net::Ipv6Addr>()
                    .ok()
                    .map(std::net::IpAddr::V6)
            } else {
                v.parse::<std::net::Ipv4Addr>()
                    .ok()
                    .map(std::net::IpAddr::V4)
            };
            ip.is_some_and(|ip| crate::accesslog::in_subnet(ip, *net, *prefix))
        }),
        Expr::Cmp(a, op, b) => {
            let (Some(x), Some(y)) = (value(row, a), value(row, b)) else {
                return false;
            };
            let o = compare(&x, &y);
            match op {
                Cmp::Eq => o == Ordering::Equal,
                Cmp::Ne => o != Ordering::Equal,
                Cmp::Lt => o == Ordering::Less,
                Cmp::Le => o != Ordering::Greater,
                Cmp::Gt => o == Ordering::Greater,
                Cmp::Ge => o != Ordering::Less,
            }
        }
        Expr::Like(a, m) => value(row, a).is_some_and(|v| match m {
            Matcher::Text(t) => v.contains(t.as_str()),
            Matcher::Regex(r) => r.is_match(&v),
        }),
        Expr::In(a, list) => value(row, a).is_some_and(|v| {
            list.iter()
                .any(|o| value(row, o).is_some_and(|w| compare(&v, &w) == Ordering::Equal))
        }),
    }
}

/// The service's sort order: text before numbers; numbers by value; text by Unicode order.
fn natural(a: Option<&String>, b: Option<&String>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => match (number(a), number(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => a.cmp(b),
        },
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn aggregate(agg: &Agg, rows: &[&Row]) -> Option<String> {
    let field = agg.field.as_deref();
    let values = || {
        rows.iter()
            .filter_map(move |r| field.and_then(|f| r.get(f)))
            .filter_map(|v| number(v))
    };
    match agg.func {
        Func::Count => Some(match field {
            None => rows.len().to_string(),
            Some(f) => rows
                .iter()
                .filter(|r| r.contains_key(f))
                .count()
                .to_string(),
        }),
        Func::CountDistinct => {
            let f = field?;
            let set: BTreeSet<&String> = rows.iter().filter_map(|r| r.get(f)).collect();
            Some(set.len().to_string())
        }
        Func::Sum => Some(format_number(values().sum())),
        Func::Avg => {
            let (n, sum) = values().fold((0usize, 0.0), |(n, s), v| (n + 1, s + v));
            (n > 0).then(|| format_number(sum / n as f64))
        }
        Func::Min => values().reduce(f64::min).map(format_number),
        Func::Max => values().reduce(f64::max).map(format_number),
        Func::Pct(p) => {
            let mut v: Vec<f64> = values().collect();
            if v.is_empty() {
                return None;
            }
            v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
            let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
            Some(format_number(v[rank.clamp(1, v.len()) - 1]))
        }
    }
}

fn bin_of(row: &Row, period: i64) -> Option<String> {
    let t: i64 = row.get(TIME)?.parse().ok()?;
    Some(insights_time(Timestamp(t - t.rem_euclid(period))))
}

/// What a query gives: its rows (fields in display order) and how many events matched.
pub(crate) struct Evaluated {
    pub rows: Vec<Vec<(String, String)>>,
    pub matched: usize,
}

/// Runs `query` over `rows` (discovered fields, newest first); `limit` caps the rows returned.
pub(crate) fn run(query: &Query, mut rows: Vec<Row>, limit: usize) -> Evaluated {
    let mut matched = rows.len();
    let mut shown: Option<Vec<String>> = None;
    let mut aggregated = false;
    let mut cap = limit;
    for c in &query.commands {
        match c {
            Command::Filter(e) => {
                rows.retain(|r| matches(r, e));
                if !aggregated {
                    matched = rows.len();
                }
            }
            Command::Fields(list) => {
                for r in &mut rows {
                    for (value, alias) in list {
                        let v = match value {
                            Value::Field(f) if f == alias => continue,
                            Value::Field(f) => r.get(f).cloned(),
                            Value::Coalesce(args) => args
                                .iter()
                                .find_map(|a| self::value(r, a).map(|v| v.into_owned())),
                        };
                        match v {
                            Some(v) => r.insert(alias.clone(), v),
                            None => r.remove(alias),
                        };
                    }
                }
                let names = list.iter().map(|(_, a)| a.clone());
                let mut s = shown.take().unwrap_or_default();
                s.extend(names.filter(|n| !s.contains(n)).collect::<Vec<_>>());
                shown = Some(s);
            }
            Command::Display(list) => shown = Some(list.clone()),
            Command::Sort(keys) => rows.sort_by(|a, b| {
                keys.iter()
                    .map(|(f, desc)| {
                        let o = natural(a.get(f), b.get(f));
                        if *desc { o.reverse() } else { o }
                    })
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            }),
            Command::Limit(n) => {
                cap = cap.min(*n);
                rows.truncate(*n);
            }
            Command::Stats { aggs, by } => {
                let mut groups: BTreeMap<Vec<String>, Vec<&Row>> = BTreeMap::new();
                for r in &rows {
                    let key: Option<Vec<String>> = by
                        .iter()
                        .map(|k| match k {
                            Key::Field(f) => r.get(f).cloned(),
                            Key::Bin { period, .. } => bin_of(r, *period),
                        })
                        .collect();
                    if let Some(key) = key {
                        groups.entry(key).or_default().push(r);
                    }
                }
                if by.is_empty() && groups.is_empty() {
                    groups.insert(Vec::new(), Vec::new());
                }
                let names: Vec<String> = by
                    .iter()
                    .map(|k| match k {
                        Key::Field(f) => f.clone(),
                        Key::Bin { name, .. } => name.clone(),
                    })
                    .chain(aggs.iter().map(|a| a.name.clone()))
                    .collect();
                let out: Vec<Row> = groups
                    .into_iter()
                    .map(|(key, members)| {
                        let mut row = Row::new();
                        for (k, v) in by.iter().zip(key) {
                            let name = match k {
                                Key::Field(f) => f.clone(),
                                Key::Bin { name, .. } => name.clone(),
                            };
                            row.insert(name, v);
                        }
                        for a in aggs {
                            if let Some(v) = aggregate(a, &members) {
                                row.insert(a.name.clone(), v);
                            }
                        }
                        row
                    })
                    .collect();
                rows = out;
                shown = Some(names);
                aggregated = true;
            }
        }
    }
    rows.truncate(cap);
    let order: Vec<String> = match shown {
        Some(s) => s,
        None => ["@timestamp", "@message", "@logStream", "@log"]
            .map(String::from)
            .to_vec(),
    };
    let rows = rows
        .into_iter()
        .map(|r| {
            let mut out: Vec<(String, String)> = order
                .iter()
                .filter_map(|f| r.get(f).map(|v| (f.clone(), v.clone())))
                .collect();
            if !aggregated && let Some(p) = r.get("@ptr") {
                out.push(("@ptr".into(), p.clone()));
            }
            out
        })
        .collect();
    Evaluated { rows, matched }
}
