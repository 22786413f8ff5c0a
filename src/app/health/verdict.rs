//! Thresholds to verdicts: each node's level and the reason in words ("5xx 4.2% > 1% for
//! 5 min", "no data", "p99 3.4 s > 3 s"), from the signals read for it.

use super::signals::Reading;
use crate::domain::{Level, Thresholds, Verdict, hundredths, percent};

/// Milliseconds as shown: `840 ms`, `3.4 s`.
pub fn ms(value: f64) -> String {
    if value < 1_000.0 {
        format!("{value:.0} ms")
    } else {
        format!("{:.1} s", value / 1_000.0)
    }
}

/// Fewer server errors than this in the window are not judged, whatever their rate: one failed
/// call among a few dozen in a quiet minute is not worth a look at night.
pub const MIN_ERRORS: f64 = 3.0;

/// A server-error rate (in %, `errors` of them in the window) against the thresholds. Too few
/// errors are not judged (green), but a rate past a threshold says so: green is then not
/// "within thresholds".
pub fn error_rate(what: &str, rate: f64, errors: f64, t: &Thresholds) -> Verdict {
    let over = |h| rate > f64::from(h) / 100.0;
    if errors < MIN_ERRORS {
        if !over(t.error_rate_yellow) {
            return Verdict::green();
        }
        let n = errors.round();
        return Verdict::new(
            Level::Green,
            format!(
                "{what} {} not judged: {n} error{} (fewer than {MIN_ERRORS})",
                percent(rate),
                if n == 1.0 { "" } else { "s" }
            ),
        );
    }
    let level = if over(t.error_rate_red) {
        Level::Red
    } else if over(t.error_rate_yellow) {
        Level::Yellow
    } else {
        return Verdict::green();
    };
    let limit = if level == Level::Red {
        t.error_rate_red
    } else {
        t.error_rate_yellow
    };
    Verdict::new(
        level,
        format!(
            "{what} {} > {} for {} min",
            percent(rate),
            hundredths(limit),
            t.window_minutes
        ),
    )
}

/// A p99 latency (ms) against the thresholds.
pub fn latency(what: &str, p99: f64, t: &Thresholds) -> Verdict {
    let (level, limit) = if p99 > f64::from(t.latency_p99_red_ms) {
        (Level::Red, t.latency_p99_red_ms)
    } else if p99 > f64::from(t.latency_p99_yellow_ms) {
        (Level::Yellow, t.latency_p99_yellow_ms)
    } else {
        return Verdict::green();
    };
    Verdict::new(
        level,
        format!("{what} p99 {} > {}", ms(p99), ms(f64::from(limit))),
    )
}

/// Days left on a TLS certificate against the thresholds.
pub fn tls_days(days: i64, t: &Thresholds) -> Verdict {
    if days < i64::from(t.tls_days_red) {
        Verdict::new(
            Level::Red,
            format!(
                "TLS certificate expires in {days} d (< {} d)",
                t.tls_days_red
            ),
        )
    } else if days < i64::from(t.tls_days_yellow) {
        Verdict::new(
            Level::Yellow,
            format!(
                "TLS certificate expires in {days} d (< {} d)",
                t.tls_days_yellow
            ),
        )
    } else {
        Verdict::green()
    }
}

/// The verdict when a node's main signal did not read a value: unknown with why (`None` when
/// it did).
pub fn missing(main: &Reading) -> Option<Verdict> {
    match main {
        Reading::Value(_) => None,
        Reading::NoData => Some(Verdict::new(Level::Unknown, "no data")),
        Reading::NotWatched => Some(Verdict::new(Level::None, "not configured")),
        Reading::Failed(e) => Some(Verdict::new(Level::Unknown, format!("metrics: {e}"))),
    }
}

/// CloudFront: the 5xx rate and the origin's p99 latency (when the additional metrics are on).
pub fn cdn(requests: &Reading, e5xx: &Reading, origin_p99: &Reading, t: &Thresholds) -> Verdict {
    if let Some(v) = missing(requests) {
        return v;
    }
    let mut all = Vec::new();
    match e5xx {
        Reading::Value(rate) => {
            let errors = rate / 100.0 * requests.value().unwrap_or(0.0);
            all.push(error_rate("5xx", *rate, errors, t));
        }
        other => all.extend(missing(other).map(|mut v| {
            v.reason = format!("5xx rate: {}", v.reason);
            v
        })),
    }
    if let Some(p99) = origin_p99.value() {
        all.push(latency("origin", p99, t));
    }
    Verdict::worst(all)
}

/// The viewer-request CloudFront Function's readings (`FunctionInvocations`,
/// `FunctionExecutionErrors`, `FunctionValidationErrors`, `FunctionThrottles`,
/// `FunctionComputeUtilization`).
#[derive(Debug, Clone, PartialEq)]
pub struct ViewerFn {
    /// Invocations over the window (Sum).
    pub invocations: Reading,
    /// Execution errors (Sum).
    pub execution_errors: Reading,
    /// Validation errors (Sum).
    pub validation_errors: Reading,
    /// Throttles (Sum).
    pub throttles: Reading,
    /// Compute utilization (Average, % of its allowed time).
    pub compute: Reading,
}

/// The viewer function: its error rate (execution and validation errors over invocations)
/// against the error thresholds, any throttle red (CloudFront answers a throttled viewer
/// request with a 503), its compute utilization against its own thresholds. Nothing to judge
/// when it is not watched (`None`).
pub fn viewer_fn(f: &ViewerFn, t: &Thresholds) -> Option<Verdict> {
    if f.invocations == Reading::NotWatched {
        return None;
    }
    if let Some(mut v) = missing(&f.invocations) {
        v.reason = format!("viewer fn: {}", v.reason);
        return Some(v);
    }
    let total = f.invocations.value().unwrap_or(0.0);
    let mut all = Vec::new();
    let errors = match (f.execution_errors.value(), f.validation_errors.value()) {
        (None, None) => None,
        (e, v) => Some(e.unwrap_or(0.0) + v.unwrap_or(0.0)),
    };
    if let Some(errors) = errors.filter(|_| total > 0.0) {
        all.push(error_rate(
            "viewer fn errors",
            100.0 * errors / total,
            errors,
            t,
        ));
    }
    if let Some(n) = f.throttles.value().filter(|n| *n > 0.0) {
        all.push(Verdict::new(
            Level::Red,
            format!(
                "viewer fn throttled {n:.0} times in {} min",
                t.window_minutes
            ),
        ));
    }
    if let Some(c) = f.compute.value() {
        let (yellow, red) = (t.function_compute_yellow, t.function_compute_red);
        let over = |limit: u32| c > f64::from(limit);
        if over(red) {
            all.push(Verdict::new(
                Level::Red,
                format!("viewer fn compute {} > {red}%", percent(c)),
            ));
        } else if over(yellow) {
            all.push(Verdict::new(
                Level::Yellow,
                format!("viewer fn compute {} > {yellow}%", percent(c)),
            ));
        }
    }
    Some(Verdict::worst(all))
}

/// A count-based error rate: `errors` of `total` (both sums over the window), in %.
fn share(errors: &Reading, total: f64) -> Option<f64> {
    errors
        .value()
        .filter(|_| total > 0.0)
        .map(|e| 100.0 * e / total)
}

/// API Gateway: 5XXError over Count, and the p99 latency.
pub fn api(count: &Reading, e5xx: &Reading, p99: &Reading, t: &Thresholds) -> Verdict {
    if let Some(v) = missing(count) {
        return v;
    }
    let total = count.value().unwrap_or(0.0);
    let mut all = Vec::new();
    if let Some(rate) = share(e5xx, total) {
        all.push(error_rate("5xx", rate, e5xx.value().unwrap_or(0.0), t));
    }
    if let Some(p99) = p99.value() {
        all.push(latency("latency", p99, t));
    }
    Verdict::worst(all)
}

/// Lambda: errors over invocations, throttles, the p99 duration.
pub fn function(
    invocations: &Reading,
    errors: &Reading,
    throttles: &Reading,
    p99: &Reading,
    t: &Thresholds,
) -> Verdict {
    if let Some(v) = missing(invocations) {
        return v;
    }
    let total = invocations.value().unwrap_or(0.0);
    let mut all = Vec::new();
    if let Some(rate) = share(errors, total) {
        all.push(error_rate("errors", rate, errors.value().unwrap_or(0.0), t));
    }
    if let Some(n) = throttles.value().filter(|n| *n > 0.0) {
        all.push(Verdict::new(
            Level::Yellow,
            format!("throttled {n:.0} times in {} min", t.window_minutes),
        ));
    }
    if let Some(p99) = p99.value() {
        all.push(latency("duration", p99, t));
    }
    Verdict::worst(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> Thresholds {
        Thresholds::default()
    }

    #[test]
    fn the_5xx_rate_turns_yellow_then_red_and_says_why() {
        assert_eq!(error_rate("5xx", 0.3, 30.0, &t()), Verdict::green());
        assert_eq!(
            error_rate("5xx", 0.7, 70.0, &t()),
            Verdict::new(Level::Yellow, "5xx 0.7% > 0.5% for 5 min")
        );
        assert_eq!(
            error_rate("5xx", 4.2, 42.0, &t()),
            Verdict::new(Level::Red, "5xx 4.2% > 1% for 5 min")
        );
        // At the threshold exactly: not over it.
        assert_eq!(error_rate("5xx", 1.0, 10.0, &t()).level, Level::Yellow);
        // One or two errors among few calls are not judged, and say so when their rate is past
        // a threshold (not "within thresholds").
        assert_eq!(
            error_rate("5xx", 2.2, 2.0, &t()),
            Verdict::new(Level::Green, "5xx 2.2% not judged: 2 errors (fewer than 3)")
        );
        assert_eq!(
            error_rate("5xx", 1.1, 0.6, &t()),
            Verdict::new(Level::Green, "5xx 1.1% not judged: 1 error (fewer than 3)")
        );
        assert_eq!(error_rate("5xx", 0.2, 1.0, &t()), Verdict::green());
    }

    #[test]
    fn latency_and_tls_days_against_their_thresholds() {
        assert_eq!(latency("latency", 900.0, &t()), Verdict::green());
        assert_eq!(
            latency("latency", 1_200.0, &t()),
            Verdict::new(Level::Yellow, "latency p99 1.2 s > 1.0 s")
        );
        assert_eq!(latency("origin", 3_400.0, &t()).level, Level::Red);
        assert_eq!(tls_days(30, &t()), Verdict::green());
        assert_eq!(tls_days(10, &t()).level, Level::Yellow);
        assert_eq!(
            tls_days(2, &t()),
            Verdict::new(Level::Red, "TLS certificate expires in 2 d (< 3 d)")
        );
    }

    #[test]
    fn no_data_is_unknown_not_green_and_a_failed_read_says_why() {
        let v = cdn(&Reading::NoData, &Reading::NoData, &Reading::NoData, &t());
        assert_eq!(v, Verdict::new(Level::Unknown, "no data"));
        let failed = Reading::Failed("throttled".into());
        let v = api(&failed, &Reading::NoData, &Reading::NoData, &t());
        assert_eq!(v, Verdict::new(Level::Unknown, "metrics: throttled"));
        // Requests but no 5xx rate data point: unknown, saying which.
        let v = cdn(
            &Reading::Value(900.0),
            &Reading::NoData,
            &Reading::NoData,
            &t(),
        );
        assert_eq!(v, Verdict::new(Level::Unknown, "5xx rate: no data"));
        // Not configured: nothing to judge.
        let v = function(
            &Reading::NotWatched,
            &Reading::NotWatched,
            &Reading::NotWatched,
            &Reading::NotWatched,
            &t(),
        );
        assert_eq!(v.level, Level::None);
    }

    fn viewer(inv: f64, exec: f64, valid: f64, thr: f64, compute: f64) -> ViewerFn {
        ViewerFn {
            invocations: Reading::Value(inv),
            execution_errors: Reading::Value(exec),
            validation_errors: Reading::Value(valid),
            throttles: Reading::Value(thr),
            compute: Reading::Value(compute),
        }
    }

    /// The viewer function: errors of both kinds over its invocations against the error
    /// thresholds, any throttle red, its compute utilization against its own thresholds; not
    /// watched is nothing to judge, no data is unknown.
    #[test]
    fn the_viewer_function_turns_on_errors_throttles_and_compute() {
        let v = |f: &ViewerFn| viewer_fn(f, &t()).unwrap();
        assert_eq!(v(&viewer(1_000.0, 0.0, 0.0, 0.0, 20.0)), Verdict::green());
        assert_eq!(
            v(&viewer(1_000.0, 4.0, 3.0, 0.0, 20.0)),
            Verdict::new(Level::Yellow, "viewer fn errors 0.7% > 0.5% for 5 min")
        );
        assert_eq!(
            v(&viewer(1_000.0, 30.0, 0.0, 0.0, 20.0)),
            Verdict::new(Level::Red, "viewer fn errors 3% > 1% for 5 min")
        );
        assert_eq!(
            v(&viewer(1_000.0, 0.0, 0.0, 1.0, 20.0)),
            Verdict::new(Level::Red, "viewer fn throttled 1 times in 5 min")
        );
        assert_eq!(
            v(&viewer(1_000.0, 0.0, 0.0, 0.0, 75.0)),
            Verdict::new(Level::Yellow, "viewer fn compute 75% > 70%")
        );
        assert_eq!(v(&viewer(1_000.0, 0.0, 0.0, 0.0, 95.0)).level, Level::Red);
        let unwatched = ViewerFn {
            invocations: Reading::NotWatched,
            ..viewer(0.0, 0.0, 0.0, 0.0, 0.0)
        };
        assert_eq!(viewer_fn(&unwatched, &t()), None);
        let silent = ViewerFn {
            invocations: Reading::NoData,
            ..viewer(0.0, 0.0, 0.0, 0.0, 0.0)
        };
        assert_eq!(
            v(&silent),
            Verdict::new(Level::Unknown, "viewer fn: no data")
        );
    }

    #[test]
    fn the_worst_signal_decides_the_node() {
        let v = api(
            &Reading::Value(1_000.0),
            &Reading::Value(42.0),
            &Reading::Value(1_500.0),
            &t(),
        );
        assert_eq!(v, Verdict::new(Level::Red, "5xx 4.2% > 1% for 5 min"));
        let v = function(
            &Reading::Value(100.0),
            &Reading::Value(0.0),
            &Reading::Value(3.0),
            &Reading::Value(80.0),
            &t(),
        );
        assert_eq!(v, Verdict::new(Level::Yellow, "throttled 3 times in 5 min"));
        // Zero errors of zero calls is no rate at all, not 0 %.
        let v = api(
            &Reading::Value(0.0),
            &Reading::Value(0.0),
            &Reading::NoData,
            &t(),
        );
        assert_eq!(v, Verdict::green());
    }
}
