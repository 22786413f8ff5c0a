//! The time range of a console query: `30d`, `24h`, `90m` back from now, or `FROM..TO` with
//! dates (`2026-11-01..2026-11-08`, the last day included) or RFC 3339 times (the end excluded).

use crate::domain::Timestamp;

/// A query's range, `[since, until)`, and how the operator wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryRange {
    /// The first instant.
    pub since: Timestamp,
    /// The instant after the last.
    pub until: Timestamp,
    /// As typed.
    pub text: String,
}

/// `N` units back: `m` minutes, `h` hours, `d` days.
fn ago(text: &str) -> Option<i64> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = text.split_at(split);
    let n: i64 = n.parse().ok().filter(|&n| n > 0)?;
    let unit = match unit {
        "m" => Timestamp::MINUTE,
        "h" => Timestamp::HOUR,
        "d" => Timestamp::DAY,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// A bound: a date (its midnight UTC, and whether it was a date) or an RFC 3339 time.
fn bound(text: &str) -> Option<(Timestamp, bool)> {
    if let Some(t) = Timestamp::parse_rfc3339(text) {
        return Some((t, false));
    }
    let t = Timestamp::parse_rfc3339(&format!("{text}T00:00:00Z"))?;
    Some((t, true))
}

const EXPECTED: &str =
    "expected a window back from now (30d, 24h, 90m) or FROM..TO (2026-11-01..2026-11-08)";

/// Parses `text` at `now`; the error says what was expected.
pub fn parse_range(text: &str, now: Timestamp) -> Result<QueryRange, String> {
    let (since, until) = if let Some((a, b)) = text.split_once("..") {
        let (since, _) = bound(a).ok_or_else(|| format!("bad start `{a}`: {EXPECTED}"))?;
        let (until, date) = bound(b).ok_or_else(|| format!("bad end `{b}`: {EXPECTED}"))?;
        // A date as the end means the whole of that day.
        let until = if date { until + Timestamp::DAY } else { until };
        (since, until.min(now))
    } else {
        let back = ago(text).ok_or_else(|| format!("bad range `{text}`: {EXPECTED}"))?;
        (now - back, now)
    };
    if until <= since {
        return Err(format!(
            "the range `{text}` is empty: it must end after it starts (and not start in the future)"
        ));
    }
    Ok(QueryRange {
        since,
        until,
        text: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_back_and_date_ranges_with_the_last_day_included() {
        let now = Timestamp::parse_rfc3339("2026-12-07T01:00:00Z").unwrap();
        let r = parse_range("30d", now).unwrap();
        assert_eq!((r.since, r.until), (now - 30 * Timestamp::DAY, now));
        let r = parse_range("2026-11-01..2026-11-08", now).unwrap();
        assert_eq!(r.since.rfc3339(), "2026-11-01T00:00:00Z");
        assert_eq!(r.until.rfc3339(), "2026-11-09T00:00:00Z");
        let r = parse_range("2026-12-06T10:00:00Z..2026-12-06T11:30:00Z", now).unwrap();
        assert_eq!(r.until.rfc3339(), "2026-12-06T11:30:00Z");
        // The end is never later than now.
        let r = parse_range("2026-12-01..2026-12-31", now).unwrap();
        assert_eq!(r.until, now);
        assert!(parse_range("30x", now).unwrap_err().contains("expected"));
        assert!(
            parse_range("2026-11-08..2026-11-01", now)
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            parse_range("2026-13-01..2026-11-01", now)
                .unwrap_err()
                .contains("bad start")
        );
    }
}
