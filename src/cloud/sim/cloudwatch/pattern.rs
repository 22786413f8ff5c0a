//! CloudWatch Logs filter patterns as the simulator models them: terms (each must appear; `?term`
//! any of them, `-term` none), `"quoted phrases"`, and one JSON comparison `{ $.a.b op value }`.
//! A pattern outside that is refused with `InvalidParameterException`, never matched as nothing.

use crate::accesslog::TextTest;
use crate::cloud::CloudError;
use serde_json::Value;

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pattern {
    /// Every `all` term appears, none of `none`, and one of `any` when there are any.
    Terms {
        all: Vec<String>,
        any: Vec<String>,
        none: Vec<String>,
    },
    /// The JSON message's field at `path` compared with a value.
    Json {
        path: Vec<String>,
        op: &'static str,
        value: Operand,
    },
}

/// The right side of a JSON comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    /// A string, `*` a wildcard (only `=` and `!=`).
    Text(TextTest),
    /// A number.
    Number(f64),
}

const OPS: [&str; 6] = ["!=", "<=", ">=", "=", "<", ">"];

/// What CloudWatch answers to a pattern it cannot parse.
fn invalid() -> CloudError {
    rejected("Invalid filter pattern".into())
}

/// A valid CloudWatch pattern the simulator does not model.
fn unmodelled(what: &str) -> CloudError {
    rejected(format!(
        "Invalid filter pattern: the simulator does not model {what}; it takes words, \"quoted phrases\", ?any, -none, or one JSON comparison such as {{ $.level = \"ERROR\" }} or {{ $.durationMs > 500 }}"
    ))
}

fn rejected(message: String) -> CloudError {
    CloudError::Rejected {
        code: "InvalidParameterException".into(),
        message,
    }
}

impl Pattern {
    /// Parses a `filterPattern`; none, or blank, matches every event.
    pub(crate) fn parse(text: Option<&str>) -> Result<Pattern, CloudError> {
        let t = text.unwrap_or_default().trim();
        if let Some(inner) = t.strip_prefix('{') {
            let inner = inner.strip_suffix('}').ok_or_else(|| {
                rejected("If a filter pattern starts with '{' it must end with '}'".into())
            })?;
            return json(inner.trim());
        }
        if t.starts_with('[') {
            return Err(unmodelled("space-delimited patterns ([a, b, ...])"));
        }
        terms(t)
    }

    /// Whether an event with this message matches.
    pub(crate) fn matches(&self, message: &str) -> bool {
        match self {
            Pattern::Terms { all, any, none } => {
                all.iter().all(|t| message.contains(t.as_str()))
                    && !none.iter().any(|t| message.contains(t.as_str()))
                    && (any.is_empty() || any.iter().any(|t| message.contains(t.as_str())))
            }
            Pattern::Json { path, op, value } => {
                let Ok(v) = serde_json::from_str::<Value>(message) else {
                    return false;
                };
                let Some(field) = path.iter().try_fold(&v, |v, k| v.get(k)) else {
                    return false;
                };
                compare(field, op, value)
            }
        }
    }
}

fn compare(field: &Value, op: &str, value: &Operand) -> bool {
    match (value, field) {
        (Operand::Text(test), Value::String(s)) => test.matches(s) == (op == "="),
        (Operand::Number(n), Value::Number(f)) => f.as_f64().is_some_and(|f| match op {
            "=" => f == *n,
            "!=" => f != *n,
            "<" => f < *n,
            "<=" => f <= *n,
            ">" => f > *n,
            _ => f >= *n,
        }),
        _ => false,
    }
}

/// Words and quoted phrases, each optionally after `?` (any of) or `-` (none of).
fn terms(t: &str) -> Result<Pattern, CloudError> {
    let (mut all, mut any, mut none) = (Vec::new(), Vec::new(), Vec::new());
    let mut rest = t.trim_start();
    while !rest.is_empty() {
        let (list, after) = match rest.as_bytes()[0] {
            b'?' => (&mut any, &rest[1..]),
            b'-' => (&mut none, &rest[1..]),
            _ => (&mut all, rest),
        };
        let (term, next) = match after.strip_prefix('"') {
            Some(q) => {
                let end = q.find('"').ok_or_else(invalid)?;
                (&q[..end], &q[end + 1..])
            }
            None => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        if term.is_empty() {
            return Err(invalid());
        }
        if term.len() > 1 && term.starts_with('%') && term.ends_with('%') {
            return Err(unmodelled("regular expressions (%...%)"));
        }
        list.push(term.to_string());
        rest = next.trim_start();
    }
    let mixed = !all.is_empty() || !none.is_empty();
    if !any.is_empty() && mixed {
        return Err(unmodelled("?terms mixed with other terms"));
    }
    Ok(Pattern::Terms { all, any, none })
}

/// `$.a.b op value`, the inside of `{ … }`.
fn json(inner: &str) -> Result<Pattern, CloudError> {
    if inner.contains("&&") || inner.contains("||") || inner.starts_with('(') {
        return Err(unmodelled("&&, || or parentheses in JSON patterns"));
    }
    let selector = inner.strip_prefix("$.").ok_or_else(invalid)?;
    let name_end = selector
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .unwrap_or(selector.len());
    let path: Vec<String> = selector[..name_end]
        .split('.')
        .map(str::to_string)
        .collect();
    if path.iter().any(String::is_empty) {
        return Err(invalid());
    }
    let rest = selector[name_end..].trim_start();
    if rest.starts_with('[') || rest.starts_with("IS ") || rest.starts_with("NOT ") {
        return Err(unmodelled("array selectors, IS or NOT EXISTS"));
    }
    let op = OPS
        .into_iter()
        .find(|op| rest.starts_with(op))
        .ok_or_else(invalid)?;
    let raw = rest[op.len()..].trim();
    let value = if let Some(q) = raw.strip_prefix('"') {
        let text = q.strip_suffix('"').filter(|t| !t.contains('"'));
        Operand::Text(text_test(text.ok_or_else(invalid)?))
    } else if raw.is_empty() || raw.contains(char::is_whitespace) {
        return Err(invalid());
    } else if let Some(n) = number(raw) {
        Operand::Number(n)
    } else {
        Operand::Text(text_test(raw))
    };
    if matches!(value, Operand::Text(_)) && !matches!(op, "=" | "!=") {
        return Err(invalid());
    }
    Ok(Pattern::Json { path, op, value })
}

/// A JSON number as written (`500`, `-1.5`, `2e3`; not `inf` or `NaN`).
fn number(raw: &str) -> Option<f64> {
    let digits = raw.bytes().any(|b| b.is_ascii_digit());
    let shape = raw
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
    if digits && shape {
        raw.parse().ok()
    } else {
        None
    }
}

fn text_test(text: &str) -> TextTest {
    if text.contains('*') {
        let parts = text.split('*').map(str::to_string).collect();
        TextTest::Glob { parts, case: true }
    } else {
        TextTest::Exact {
            text: text.to_string(),
            case: true,
        }
    }
}

#[cfg(test)]
#[path = "pattern_tests.rs"]
mod tests;
