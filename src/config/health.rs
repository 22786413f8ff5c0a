//! An environment's health settings: `api_name`, `lambda_function` and `viewer_function` in its
//! table, the thresholds in `[environments.health]`, each checked and contradictions named by their key.

use super::error::ConfigError;
use super::reader::Table;
use crate::domain::{HealthSpec, Hundredths, Thresholds, hundredths};

/// Keys of `[environments.health]`.
pub(crate) const HEALTH_KEYS: &[&str] = &[
    "error_rate_yellow",
    "error_rate_red",
    "window_minutes",
    "latency_p99_yellow_ms",
    "latency_p99_red_ms",
    "tls_days_yellow",
    "tls_days_red",
    "function_compute_yellow",
    "function_compute_red",
];

/// Longest accepted window, in minutes (a day).
const MAX_WINDOW_MINUTES: i64 = 1_440;
/// Largest accepted latency threshold, in milliseconds (a minute).
const MAX_LATENCY_MS: i64 = 60_000;
/// Largest accepted TLS threshold, in days.
const MAX_TLS_DAYS: i64 = 365;

/// A name API Gateway or Lambda accepts: 1–140 letters, digits, `-`, `_` and `.`, or a
/// Lambda function ARN (`arn:aws:lambda:…:function:NAME`).
fn resource_name(name: &str) -> Result<(), String> {
    let bare = name.rsplit(':').next().unwrap_or(name);
    let ok = !bare.is_empty()
        && name.len() <= 140
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected a name of letters, digits, `-`, `_` or `.` (at most 140), found `{name}`"
        ))
    }
}

/// The health settings of one `[[environments]]` table; `log_groups` give the default function
/// (the one of a `/aws/lambda/NAME` group).
pub(crate) fn read(t: &Table<'_, '_>, log_groups: &[String]) -> Result<HealthSpec, ConfigError> {
    let name = |key: &str| -> Result<Option<String>, ConfigError> {
        let Some(v) = t.str(key)? else {
            return Ok(None);
        };
        resource_name(v.get_ref()).map_err(|m| t.invalid(key, &v.span(), m))?;
        Ok(Some(v.get_ref().to_string()))
    };
    let api_name = name("api_name")?;
    let lambda_function = name("lambda_function")?.or_else(|| {
        log_groups
            .iter()
            .find_map(|g| g.strip_prefix("/aws/lambda/"))
            .map(str::to_string)
    });
    let viewer_function = name("viewer_function")?;
    let thresholds = match t.table("health")? {
        None => Thresholds::default(),
        Some(h) => thresholds(&h)?,
    };
    Ok(HealthSpec {
        api_name,
        lambda_function,
        viewer_function,
        thresholds,
    })
}

fn thresholds(h: &Table<'_, '_>) -> Result<Thresholds, ConfigError> {
    h.deny_unknown(HEALTH_KEYS)?;
    let d = Thresholds::default();
    let rate = |key: &str, default: Hundredths| -> Result<Hundredths, ConfigError> {
        let Some(v) = h.number(key)? else {
            return Ok(default);
        };
        let n = *v.get_ref();
        if !(0.0..=100.0).contains(&n) || n == 0.0 {
            return Err(h.invalid(
                key,
                &v.span(),
                format!("expected a percentage above 0 and at most 100, found {n}"),
            ));
        }
        Ok((n * 100.0).round().max(1.0) as Hundredths)
    };
    let int = |key: &str, default: u32, min: i64, max: i64, unit: &str| {
        let Some(v) = h.int(key)? else {
            return Ok(default);
        };
        let n = *v.get_ref();
        if !(min..=max).contains(&n) {
            return Err(h.invalid(
                key,
                &v.span(),
                format!("expected {min} to {max} {unit}, found {n}"),
            ));
        }
        Ok(n as u32)
    };
    let t = Thresholds {
        error_rate_yellow: rate("error_rate_yellow", d.error_rate_yellow)?,
        error_rate_red: rate("error_rate_red", d.error_rate_red)?,
        window_minutes: int(
            "window_minutes",
            d.window_minutes,
            1,
            MAX_WINDOW_MINUTES,
            "minutes",
        )?,
        latency_p99_yellow_ms: int(
            "latency_p99_yellow_ms",
            d.latency_p99_yellow_ms,
            1,
            MAX_LATENCY_MS,
            "ms",
        )?,
        latency_p99_red_ms: int(
            "latency_p99_red_ms",
            d.latency_p99_red_ms,
            1,
            MAX_LATENCY_MS,
            "ms",
        )?,
        tls_days_yellow: int(
            "tls_days_yellow",
            d.tls_days_yellow,
            0,
            MAX_TLS_DAYS,
            "days",
        )?,
        tls_days_red: int("tls_days_red", d.tls_days_red, 0, MAX_TLS_DAYS, "days")?,
        function_compute_yellow: int(
            "function_compute_yellow",
            d.function_compute_yellow,
            1,
            100,
            "%",
        )?,
        function_compute_red: int("function_compute_red", d.function_compute_red, 1, 100, "%")?,
    };
    // Contradictions are named by the yellow key when it is in the file, else the red one.
    let at = |yellow: &str, red: &str| -> Result<(String, std::ops::Range<usize>), ConfigError> {
        for key in [yellow, red] {
            if let Some(v) = h.number(key)? {
                return Ok((key.to_string(), v.span()));
            }
        }
        Ok((yellow.to_string(), h.span()))
    };
    if t.error_rate_yellow >= t.error_rate_red {
        let (key, span) = at("error_rate_yellow", "error_rate_red")?;
        return Err(h.invalid(
            &key,
            &span,
            format!(
                "error_rate_yellow ({}) must be below error_rate_red ({})",
                hundredths(t.error_rate_yellow),
                hundredths(t.error_rate_red)
            ),
        ));
    }
    if t.latency_p99_yellow_ms >= t.latency_p99_red_ms {
        let (key, span) = at("latency_p99_yellow_ms", "latency_p99_red_ms")?;
        return Err(h.invalid(
            &key,
            &span,
            format!(
                "latency_p99_yellow_ms ({} ms) must be below latency_p99_red_ms ({} ms)",
                t.latency_p99_yellow_ms, t.latency_p99_red_ms
            ),
        ));
    }
    if t.function_compute_yellow >= t.function_compute_red {
        let (key, span) = at("function_compute_yellow", "function_compute_red")?;
        return Err(h.invalid(
            &key,
            &span,
            format!(
                "function_compute_yellow ({}%) must be below function_compute_red ({}%)",
                t.function_compute_yellow, t.function_compute_red
            ),
        ));
    }
    if t.tls_days_yellow <= t.tls_days_red {
        let (key, span) = at("tls_days_yellow", "tls_days_red")?;
        return Err(h.invalid(
            &key,
            &span,
            format!(
                "tls_days_yellow ({} days) must be more than tls_days_red ({} days): yellow \
                 comes first as the certificate nears its end",
                t.tls_days_yellow, t.tls_days_red
            ),
        ));
    }
    Ok(t)
}
