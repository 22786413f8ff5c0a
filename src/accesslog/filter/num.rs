//! Numeric terms of a filter expression (`status>=500`, `status:4xx`, `taken>1000`): the number
//! or status class, checked against the values the field can hold, into a range.

use crate::accesslog::filter::parse::err;
use crate::accesslog::filter::{Expr, FilterError, NumField, Pred};

/// The values a field can hold: inclusive intervals.
fn domain(field: NumField) -> &'static [(u64, u64)] {
    match field {
        // CloudFront logs 000 when the viewer closed the connection first, else an HTTP status.
        NumField::Status => &[(0, 0), (100, 599)],
        NumField::Bytes => &[(0, u64::MAX)],
        NumField::Taken | NumField::Ttfb | NumField::Ofbl | NumField::Olbl => {
            &[(0, u32::MAX as u64)]
        }
    }
}

/// The field's values in words, for errors.
fn described(field: NumField) -> String {
    match field {
        NumField::Status => {
            "a status is 100 to 599, or 0 (logged as 000 when the viewer closed the connection)"
                .into()
        }
        NumField::Bytes => format!("bytes run from 0 to {}", u64::MAX),
        NumField::Taken => format!("taken runs from 0 to {} (milliseconds)", u32::MAX),
        NumField::Ttfb => format!("ttfb runs from 0 to {} (milliseconds)", u32::MAX),
        NumField::Ofbl => format!("ofbl runs from 0 to {} (milliseconds)", u32::MAX),
        NumField::Olbl => format!("olbl runs from 0 to {} (milliseconds)", u32::MAX),
    }
}

fn max(field: NumField) -> u64 {
    domain(field).iter().map(|d| d.1).max().unwrap_or(0)
}

/// Builds the term `name op value` for a numeric field; `op_at` and `at` are the char offsets
/// of the operator and the value.
pub(in crate::accesslog) fn num_term(
    field: NumField,
    name: &str,
    (op, op_at): (&str, usize),
    value: &str,
    at: usize,
) -> Result<Expr, FilterError> {
    let negated = op.starts_with('!');
    let finish = |lo: u64, hi: u64| {
        let e = Expr::Pred(Pred::Range { field, lo, hi });
        if negated { Expr::Not(Box::new(e)) } else { e }
    };
    if op == "~" {
        return err(
            op_at,
            format!(
                "\"~\" does not apply to {name}; use {name}:… or a comparison such as {name}>=…"
            ),
        );
    }
    let exact = matches!(op, ":" | "=" | "==" | "!=");
    if field == NumField::Status
        && exact
        && let Some((lo, hi)) = status_class(value)
    {
        if !(100..=599).contains(&lo) {
            return err(
                at,
                format!("expected a status class from 1xx to 5xx, not \"{value}\""),
            );
        }
        return Ok(finish(lo, hi));
    }
    let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    let n = match value.parse::<u64>() {
        Ok(n) if n <= max(field) => n,
        _ if digits => {
            return err(
                at,
                format!("{value} is out of range for {name}: {}", described(field)),
            );
        }
        _ if field == NumField::Status => {
            return err(
                at,
                format!(
                    "expected a status like 404, a class like 4xx or a comparison like status>=500, not \"{value}\""
                ),
            );
        }
        _ => {
            return err(
                at,
                format!("expected a number after \"{name}{op}\", not \"{value}\""),
            );
        }
    };
    let (lo, hi) = match op {
        ">=" => (n, u64::MAX),
        ">" => (
            n.saturating_add(1),
            if n == u64::MAX { 0 } else { u64::MAX },
        ),
        "<=" => (0, n),
        "<" if n == 0 => (1, 0),
        "<" => (0, n - 1),
        _ => (n, n),
    };
    let possible = domain(field)
        .iter()
        .any(|&(dlo, dhi)| lo <= hi && lo <= dhi && dlo <= hi);
    if !negated && !possible {
        return err(
            at,
            format!(
                "\"{name}{op}{value}\" can never match: {}",
                described(field)
            ),
        );
    }
    Ok(finish(lo, hi))
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
